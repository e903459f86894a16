"""`sferum-onboard schema NAME` prints schemas that independent tools accept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sferum_onboard.catalog.schema import SCHEMA_NAMES
from sferum_onboard.cli import cli

CHECK = Path(sys.executable).with_name("check-jsonschema")
SHIPPED = {
    "roles": ["checklists/roles.yml"], "shared": ["checklists/shared.yml"], "school-steps": ["checklists/school.yml"],
    "roadmap": ["site_config/roadmap.yml"], "site": ["site_config/site.yml"],
}


def printed(name: str, tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert not [ref for ref in json.dumps(schema).split('"$ref": ')[1:] if not ref.startswith('"#')], "self-contained"
    path = tmp_path / f"{name}.json"
    path.write_text(result.output, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_printed_schema_passes_the_metaschema(name, tmp_path):
    path = printed(name, tmp_path)
    result = subprocess.run([str(CHECK), "--check-metaschema", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_shipped_files_pass_the_printed_schema(name, tmp_path, repo):
    files = SHIPPED.get(name) or (
        [str(p.relative_to(repo)) for p in sorted((repo / "checklists").glob("*.yml"))
         if p.name not in ("roles.yml", "shared.yml", "school.yml")] if name == "checklist" else [])
    if not files:
        pytest.skip("шаг проверяется в составе чек-листа")
    path = printed(name, tmp_path)
    result = subprocess.run([str(CHECK), "--schemafile", str(path), *files], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_printed_schema_rejects_a_bad_checklist(tmp_path):
    path = printed("checklist", tmp_path)
    bad = tmp_path / "bad.yml"
    bad.write_text("id: Bad Id\ntitle: x\naudience: []\nversion: 1\nintro: x\nsteps: [{id: a}]\n", encoding="utf-8")
    result = subprocess.run([str(CHECK), "--schemafile", str(path), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1


def test_unknown_schema_name_is_usage_error():
    result = CliRunner().invoke(cli, ["schema", "checklists"])
    assert result.exit_code == 2
