"""A disk that refuses (a file where a folder should be, a read-only place) gives a Russian message, exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "demo.sqlite"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def blocker(tmp_path):
    """A plain file: anything asked to go inside it cannot be written."""
    path = tmp_path / "blocker"
    path.write_text("x", encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [
    ["report", "-o", "{blocked}"],
    ["kit", "--class", "7А", "-o", "{blocked}"],
    ["sheet", "export", "--class", "7А", "-o", "{blocked}/7А.xlsx"],
])
def test_output_into_a_file_instead_of_a_folder(demo_db, blocker, repo, args):
    blocked = str(blocker / "inside")
    argv = [a.replace("{blocked}", blocked) for a in args] + ["--db", str(demo_db), "--project", str(repo)]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Ошибка: не удаётся записать или прочитать «"), result.output
    assert last.endswith("»: часть пути — не папка"), result.output


def test_store_inside_a_file(blocker, repo):
    result = CliRunner().invoke(cli, ["progress", "--db", str(blocker / "store.sqlite"), "--project", str(repo)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Ошибка: не удаётся создать файл базы «{blocker / 'store.sqlite'}»: часть пути — не папка")
