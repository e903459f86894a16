"""Property-based: random and mutated YAML never crashes `validate`."""

from __future__ import annotations

import json
import shutil

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sferum_onboard.cli import cli
from tests.test_validate import ROLES, SHARED, PARENT, OTHERS, ROADMAP, SITE, INSTALL, JOIN, write

FILES = {
    "checklists/roles.yml": ROLES, "checklists/shared.yml": SHARED, "checklists/parent.yml": PARENT,
    "checklists/others.yml": OTHERS, "site_config/roadmap.yml": ROADMAP, "site_config/site.yml": SITE,
    "content/start/install.md": INSTALL, "content/parent/join.md": JOIN,
}
YAML_NAMES = [name for name in FILES if name.endswith(".yml")]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["install-max", "join-class", "parent", "2027-05-31"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def mutations():
    """A shipped-like file with a random edit: a cut, an inserted fragment, or a value swapped."""
    cut = st.tuples(st.sampled_from(YAML_NAMES), st.integers(0, 600), st.integers(0, 200)).map(
        lambda t: (t[0], FILES[t[0]][: t[1]] + FILES[t[0]][t[1] + t[2]:]))
    insert = st.tuples(st.sampled_from(YAML_NAMES), st.integers(0, 600),
                       st.sampled_from(["\t", ":", "- ", "&a ", "*a", "!!python/none ", "{", "]", "\n  x: 1\n",
                                        "'", "\"", "#", "---\n", "\x00", "\x07", "%YAML 1.1\n", "? ", "<<: *a\n"])).map(
        lambda t: (t[0], FILES[t[0]][: t[1]] + t[2] + FILES[t[0]][t[1]:]))
    replace = st.tuples(st.sampled_from(YAML_NAMES), values).map(
        lambda t: (t[0], yaml.safe_dump(t[1], allow_unicode=True)))
    return st.one_of(cut, insert, replace)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(change=mutations(), as_bytes=st.binary(max_size=64), use_bytes=st.booleans())
def test_validate_never_crashes(tmp_path_factory, change, as_bytes, use_bytes):
    root = tmp_path_factory.mktemp("fuzz")
    write(root, FILES)
    name, text = change
    (root / name).write_bytes(as_bytes if use_bytes else text.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    for problem in report["problems"]:
        assert problem["file"] and problem["message"] and problem["code"]
        assert problem["line"] > 0 or problem["code"] in {"file-empty", "file-binary", "file-too-big", "no-yaml"}, problem
    assert (result.exit_code == 1) == bool(report["problems"])
    shutil.rmtree(root)
