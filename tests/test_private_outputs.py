"""Every private output (it holds names) is readable by its owner only and leaves no partial file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.outputs.private_files import write_private


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "demo.sqlite"
    assert CliRunner().invoke(cli, ["demo", "--db", str(db)]).exit_code == 0
    return db


@pytest.mark.parametrize("args, produced", [
    (["sheet", "export", "--class", "7А", "-o", "{out}/7А.xlsx"], ["7А.xlsx"]),
    (["kit", "--class", "7А", "--allow-local-url", "-o", "{out}"], ["kit-7А.html"]),
    (["report", "-o", "{out}"], ["report.html", "report.xlsx"]),
])
def test_outputs_are_owner_only(demo_db, tmp_path, repo, args, produced):
    out = tmp_path / "out"
    argv = [a.replace("{out}", str(out)) for a in args] + ["--db", str(demo_db), "--project", str(repo)]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    for name in produced:
        assert (out / name).stat().st_mode & 0o077 == 0, name
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "no temporary file left behind"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_private(tmp_path / "report.html", "старый")
    with pytest.raises(TypeError):
        write_private(target, 42)  # not bytes or text: the write fails half-way
    assert target.read_text(encoding="utf-8") == "старый"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
