"""What the machine refuses (a file where a folder should be, a damaged store) gives a Russian message, exit 1."""

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
    ["kit", "--class", "7А", "--allow-local-url", "-o", "{blocked}"],
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


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_store_is_named_not_crashed(demo_db, tmp_path, repo, damage):
    db = tmp_path / "damaged.sqlite"
    if damage == "garbage":
        db.write_bytes(bytes(range(256)) * 20)
    else:
        db.write_bytes(demo_db.read_bytes()[:3000])
    for args in (["progress"], ["roster", "list"], ["db", "upgrade"]):
        argv = [*args, "--db", str(db)] + (["--project", str(repo)] if args == ["progress"] else [])
        result = CliRunner().invoke(cli, argv)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.strip().splitlines()[-1] == (
            f"Ошибка: база «{db}» повреждена или это вовсе не база учёта; восстановите её из резервной копии "
            "(её делает sferum-onboard db backup) или укажите другой файл (--db)"), (args, result.output)


@pytest.mark.parametrize("address", ["bad:addr::", "127.0.0.1:99999", "8000"])
def test_serve_refuses_a_bad_address(address):
    result = CliRunner().invoke(cli, ["serve", "-a", address])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        f"Ошибка: Неверное значение '-a' / '--dev-addr': «{address}» — нужен адрес вида 127.0.0.1:8000")
