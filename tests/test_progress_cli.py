"""`sferum-onboard progress`: the table with bars, JSON and CSV, filters by class and role."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.outputs.spreadsheet import csv_text
from sferum_onboard.tracking.store import NewEvent, Store
from tests.storekit import TRACKING_PROJECT, add_person, store_url  # noqa: F401 (fixtures)

PROJECT = ["--project", str(TRACKING_PROJECT)]


@pytest.fixture
def school_db(store_url, monkeypatch):
    monkeypatch.setenv("COLUMNS", "140")
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        pupils = [add_person(store, school, f"Ученик {n}", "pupil", class_name="7А") for n in range(4)]
        young = add_person(store, school, "Ученица Младшая", "pupil", class_name="2Б")
        mother = add_person(store, school, "Мама Двоих", "parent", children=[pupils[0].id, young.id])
        leader = add_person(store, school, "Петров Пётр", "teacher", led_classes=["7А"])
        store.append_events([
            NewEvent(school.id, pupils[0].id, "install-max"), NewEvent(school.id, pupils[1].id, "install-max"),
            NewEvent(school.id, pupils[2].id, "install-max"), NewEvent(school.id, mother.id, "install-max"),
            NewEvent(school.id, mother.id, "parent-join-class"), NewEvent(school.id, leader.id, "video-parent-meeting"),
            NewEvent(school.id, young.id, "install-max", "not_applicable"),
        ])
    return store_url


def run(*args):
    result = CliRunner().invoke(cli, ["progress", *PROJECT, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_table_with_bars_per_step_and_per_class(school_db):
    output = run("--db", school_db)
    lines = output.splitlines()
    assert lines[0].strip() == "Прогресс: Школа № 1 — 7 человек"
    install = next(line for line in lines if "(install-max)" in line)
    assert "│       4 │  6 │ 66,6\u00a0% │ ━━━━━━━━━━━━━" in install
    assert install.rstrip().endswith("│        1 │")
    assert "По классам" in output
    row_7a = next(line for line in lines if line.startswith("│ 7А"))
    assert "│     6 │" in row_7a  # four pupils, the mother and the class leader
    row_2b = next(line for line in lines if line.startswith("│ 2Б"))
    assert "│     2 │" in row_2b


def test_json_for_scripts(school_db):
    data = json.loads(run("--db", school_db, "--format", "json"))
    assert data["school"] == "Школа № 1"
    assert data["total"]["people"] == 7
    steps = {s["step"]: s for s in data["total"]["steps"]}
    assert steps["install-max"] == {
        "step": "install-max", "title": "Установите MAX", "eligible": 7, "done": 4, "not_applicable": 1,
        "applicable": 6, "percent": 66.6, "verified": 0}
    assert [g["group"] for g in data["groups"]] == ["2Б", "7А"]


def test_class_filter_counts_that_class_only(school_db):
    data = json.loads(run("--db", school_db, "--class", "7a", "--format", "json"))
    assert data["class"] == "7А"
    assert data["groups"] == []
    assert data["total"]["people"] == 6
    assert {s["step"]: s["done"] for s in data["total"]["steps"]}["install-max"] == 4
    table = run("--db", school_db, "--class", "7А")
    assert table.splitlines()[0].strip() == "Прогресс: Школа № 1, класс 7А — 6 человек"


def test_role_filter_and_grouping_by_role(school_db):
    data = json.loads(run("--db", school_db, "--role", "parent", "--format", "json"))
    assert data["total"]["people"] == 1
    assert {s["step"]: s["percent"] for s in data["total"]["steps"]} == {
        "install-max": 100.0, "login-max": 0.0, "parent-join-class": 100.0}
    leaders = json.loads(run("--db", school_db, "--role", "class_leader", "--by", "role", "--format", "json"))
    assert [g["group"] for g in leaders["groups"]] == ["teacher"]
    assert run("--db", school_db, "--role", "class_leader").splitlines()[0].strip() == (
        "Прогресс: Школа № 1, классный руководитель — 1 человек")


def test_as_of_a_date_before_anything_happened(school_db):
    data = json.loads(run("--db", school_db, "--as-of", "2020-01-01", "--format", "json"))
    assert all(s["done"] == 0 for s in data["total"]["steps"])


def test_csv_rows(school_db):
    lines = run("--db", school_db, "--format", "csv").splitlines()
    assert lines[0] == "group;step;title;eligible;done;not_applicable;applicable;verified;percent"
    assert "всего;install-max;Установите MAX;7;4;1;6;0;66.6" in lines
    assert "2Б;primary-join-class;Вступите в чат класса вместе с родителем;1;0;0;1;0;0.0" in lines


def test_unknown_class_is_refused(school_db):
    result = CliRunner().invoke(cli, ["progress", *PROJECT, "--db", school_db, "--class", "9Я"])
    assert (result.exit_code, result.stderr) == (1, "Ошибка: класс «9Я» не найден; есть классы: 2Б, 7А\n")


def test_formula_looking_cells_are_written_as_text():
    text = csv_text([["=HYPERLINK(\"http://x\")", "+7 900", "-1", "@SUM(A1)", "Иванов", 5, None]])
    assert text == "\"'=HYPERLINK(\"\"http://x\"\")\";'+7 900;'-1;'@SUM(A1);Иванов;5;\n"
