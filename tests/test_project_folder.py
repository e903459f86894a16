"""Commands find the project the way git finds its repository, or are told where it is.

This folder or the nearest one above with checklists/ and site_config/; else
--project (of the command or before it) or SFERUM_ONBOARD_PROJECT; and when
there is none, the message says how to point to it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sferum_onboard.catalog.project import PROJECT_ENV, find_project
from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import Store
from tests.sitekit import copy_project
from tests.test_report_support import school_db  # noqa: F401 (fixture)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped project with a folder of reports two levels inside it."""
    folder = copy_project(tmp_path / "школа")
    (folder / "отчёты" / "2026").mkdir(parents=True)
    return folder


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "где-то"
    folder.mkdir()
    return folder


def invoke(where: Path, monkeypatch, *args, code: int = 0) -> str:
    monkeypatch.chdir(where)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_the_project_is_this_folder_or_the_nearest_above(project, outside):
    assert find_project(project) == project
    assert find_project(project / "отчёты" / "2026") == project
    assert find_project(project / "checklists") == project
    assert find_project(outside) is None


def test_progress_report_and_mark_from_a_subfolder(project, school_db, monkeypatch):
    inside = project / "отчёты" / "2026"
    output = invoke(inside, monkeypatch, "mark", "Ученик1 Иван Петрович", "pupil-first-message", "--db", school_db)
    assert output.startswith("Отмечено: ") and "Ученик1 Иван Петрович" in output
    data = json.loads(invoke(inside, monkeypatch, "progress", "--db", school_db, "--format", "json"))
    steps = {s["step"]: s for s in data["total"]["steps"]}
    assert steps["pupil-first-message"]["done"] == 1
    invoke(inside, monkeypatch, "report", "--db", school_db, "-o", "out")
    assert (inside / "out" / "report.html").is_file() and (inside / "out" / "report.xlsx").is_file()


@pytest.mark.parametrize("how", ["command option", "global option", "environment"])
def test_progress_report_and_mark_from_outside_when_told(project, outside, school_db, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv(PROJECT_ENV, str(project))

    def told(*args):
        if how == "command option":
            return [*args, "--project", str(project)]
        if how == "global option":
            return ["--project", str(project), *args]
        return list(args)

    invoke(outside, monkeypatch, *told("mark", "Ученик1 Иван Петрович", "pupil-first-message", "--db", school_db))
    data = json.loads(invoke(outside, monkeypatch, *told("progress", "--db", school_db, "--format", "json")))
    assert {s["step"]: s["done"] for s in data["total"]["steps"]}["pupil-first-message"] == 1
    invoke(outside, monkeypatch, *told("report", "--db", school_db, "-o", str(outside / "out")))
    assert (outside / "out" / "report.xlsx").is_file()


@pytest.mark.parametrize("args", [
    ["progress"], ["report", "-o", "out"], ["mark", "Ученик1 Иван Петрович", "install-max"], ["validate"],
])
def test_outside_any_project_the_message_says_how_to_point_to_it(outside, school_db, monkeypatch, args):
    with Store.open(school_db) as store:
        before = store.last_event_id(store.school())
    extra = ["--db", school_db] if args[0] != "validate" else []
    output = invoke(outside, monkeypatch, *args, *extra, code=1)
    assert output == (
        f"Ошибка: не найдена папка проекта: ни в «{outside}», ни в папках выше нет checklists/ и site_config/; "
        f"перейдите в папку проекта или укажите её: --project ПАПКА (или переменная {PROJECT_ENV}=ПАПКА)\n")
    with Store.open(school_db) as store:
        assert store.last_event_id(store.school()) == before
    assert not (outside / "out").exists()


def test_a_roster_import_needs_no_project(outside, monkeypatch, tmp_path):
    (outside / "ученики.csv").write_text("ФИО;Класс\nИванова Анна;5А\n", encoding="utf-8")
    output = invoke(outside, monkeypatch, "roster", "import", "ученики.csv", "--school", "МБОУ СОШ № 3",
                    "--db", str(tmp_path / "store.sqlite"))
    assert output.splitlines()[-1] == f"Записано в базу {tmp_path / 'store.sqlite'}, школа «МБОУ СОШ № 3»."


def test_a_roster_import_told_a_folder_that_is_no_project_says_so(outside, monkeypatch, tmp_path):
    (outside / "ученики.csv").write_text("ФИО;Класс\nИванова Анна;5А\n", encoding="utf-8")
    typo = tmp_path / "проект-с-опечаткой"
    output = invoke(outside, monkeypatch, "roster", "import", "ученики.csv", "--project", str(typo),
                    "--db", str(tmp_path / "store.sqlite"), code=1)
    assert output == f"Ошибка: «{typo}» — не папка проекта: в ней нет checklists/ и site_config/\n"
    assert not (tmp_path / "store.sqlite").exists()
