"""`mark`, `unmark`, `status` and `db`: exact Russian output, and the events they leave in the store."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import SCHEMA_REVISION, NewEvent, Store
from tests.storekit import TRACKING_PROJECT, add_person, store_url  # noqa: F401 (fixtures)

PROJECT = ["--project", str(TRACKING_PROJECT)]


@pytest.fixture
def school_db(store_url, monkeypatch):
    """A store with one small school: two namesake Ивановы, a parent, a class leader."""
    monkeypatch.setenv("SFERUM_ONBOARD_USER", "Петрова Н. И.")
    monkeypatch.setenv("COLUMNS", "140")
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        ivan = add_person(store, school, "Иванов Иван Сергеевич", "pupil", class_name="7А")
        alena = add_person(store, school, "Иванова Алёна", "pupil", class_name="2Б")
        add_person(store, school, "Иванова Мария Петровна", "parent", children=[ivan.id, alena.id])
        add_person(store, school, "Петров Пётр", "teacher", led_classes=["7А"])
    return store_url


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def events_of(url):
    with Store.open(url) as store:
        return store.events()


def test_mark_records_an_event_and_says_what_it_did(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "иванов иван", "install-max", "--at", "10.09.2026")
    assert result.output == "Отмечено: #1 Иванов Иван Сергеевич, ученик (7А) — «Установите MAX» (10.09.2026, Петрова Н. И.).\n"
    [event] = events_of(school_db)
    assert (event.person_id, event.step_id, event.action, event.source, event.recorded_by) == (
        1, "install-max", "done", "meeting", "Петрова Н. И.")
    assert event.at.isoformat() == "2026-09-10T00:00:00"


def test_marking_what_is_done_records_nothing(school_db):
    run("mark", *PROJECT, "--db", school_db, "#1", "install-max", "--at", "2026-09-10")
    result = run("mark", *PROJECT, "--db", school_db, "#1", "install-max")
    assert result.output == ("Уже отмечено: #1 Иванов Иван Сергеевич, ученик (7А) — «Установите MAX» "
                             "(10.09.2026, Петрова Н. И.); ничего не записано.\n")
    assert len(events_of(school_db)) == 1


def test_an_ambiguous_name_lists_the_candidates_with_classes(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "ИВАНОВА", "install-max", ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        "Ошибка: «ИВАНОВА» подходит нескольким участникам (2); уточните ФИО или укажите номер (#12):\n"
        "  #2 Иванова Алёна, ученик (2Б)\n"
        "  #3 Иванова Мария Петровна, родитель (2Б, 7А)\n")
    assert events_of(school_db) == []


def test_an_unknown_step_is_refused_with_close_ids(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "Иванов Иван", "instal-max", ok=False)
    assert result.exit_code == 1
    assert result.stderr == ("Ошибка: неизвестный шаг «instal-max»; может быть: install-max («Установите MAX»), "
                             "login-max («Войдите в MAX»)\n")
    assert events_of(school_db) == []


def test_a_step_from_another_checklist_is_refused(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "Иванов Иван", "parent-join-class", ok=False)
    assert result.stderr == "Ошибка: шага «parent-join-class» нет в чек-листе: #1 Иванов Иван Сергеевич, ученик (7А)\n"


def test_several_people_at_once_and_all_or_nothing(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "Иванов Иван", "Иванова Мария", "login-max",
                 "--at", "2026-09-10 18:30")
    assert result.output.splitlines() == [
        "Отмечено: #1 Иванов Иван Сергеевич, ученик (7А) — «Войдите в MAX» (10.09.2026 18:30, Петрова Н. И.).",
        "Отмечено: #3 Иванова Мария Петровна, родитель (2Б, 7А) — «Войдите в MAX» (10.09.2026 18:30, Петрова Н. И.).",
    ]
    failed = run("mark", *PROJECT, "--db", school_db, "Петров Пётр", "Сидоров", "install-max", ok=False)
    assert failed.stderr == "Ошибка: участник «Сидоров» не найден\n"
    assert len(events_of(school_db)) == 2


def test_school_steps_are_marked_without_a_person(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "school-order", "--at", "2026-08-30", "--note", "приказ № 15")
    assert result.output == ("Отмечено: Школа «Школа № 1» — «Издайте приказ о назначении администратора» "
                             "(30.08.2026, Петрова Н. И.).\n")
    [event] = events_of(school_db)
    assert (event.person_id, event.note) == (None, "приказ № 15")
    wrong = run("mark", *PROJECT, "--db", school_db, "Петров Пётр", "school-order", ok=False)
    assert wrong.stderr == "Ошибка: «school-order» — шаг школы, он отмечается без участника: sferum-onboard mark school-order\n"
    person_step = run("mark", *PROJECT, "--db", school_db, "install-max", ok=False)
    assert person_step.stderr == ("Ошибка: «install-max» — шаг участника; укажите, кто его выполнил: "
                                  "sferum-onboard mark \"Фамилия Имя\" install-max\n")


def test_unmark_appends_an_undone_event(school_db):
    run("mark", *PROJECT, "--db", school_db, "Петров", "join-organisation", "--at", "2026-09-01")
    result = run("unmark", *PROJECT, "--db", school_db, "Петров", "join-organisation", "--at", "2026-09-02")
    assert result.output == ("Отметка снята: #4 Петров Пётр, классный руководитель (7А) — «Вступите в организацию» "
                             "(02.09.2026, Петрова Н. И.).\n")
    assert [e.action for e in events_of(school_db)] == ["done", "undone"]
    again = run("unmark", *PROJECT, "--db", school_db, "Петров", "join-organisation")
    assert again.output == ("Не было отмечено: #4 Петров Пётр, классный руководитель (7А) — "
                            "«Вступите в организацию»; ничего не записано.\n")


def test_a_backdated_event_that_does_not_decide_the_state_is_flagged(school_db):
    run("mark", *PROJECT, "--db", school_db, "#1", "install-max", "--at", "2026-09-10")
    result = run("unmark", *PROJECT, "--db", school_db, "#1", "install-max", "--at", "2026-09-05")
    assert result.output.splitlines()[0].endswith("(05.09.2026, Петрова Н. И.).")  # the event just written
    assert result.output.splitlines()[1] == (
        "  Внимание: позже (10.09.2026, Петрова Н. И.) записано «выполнен» — текущее состояние не изменилось.")


def test_a_renamed_step_id_is_recorded_under_its_new_id(school_db):
    result = run("mark", *PROJECT, "--db", school_db, "#1", "login-phone")
    assert result.output.splitlines()[0] == (
        "Шаг «login-phone» теперь называется «login-max»; отметка записана под новым идентификатором.")
    assert events_of(school_db)[0].step_id == "login-max"


def test_not_applicable_leaves_the_denominator(school_db):
    run("mark", *PROJECT, "--db", school_db, "#2", "install-max", "--not-applicable")
    data = json.loads(run("progress", *PROJECT, "--db", school_db, "--format", "json").output)
    install = next(s for s in data["total"]["steps"] if s["step"] == "install-max")
    assert (install["eligible"], install["not_applicable"], install["applicable"]) == (4, 1, 3)


@pytest.mark.parametrize("value, message", [
    ("вчера", "«вчера» — не дата; пишите 2026-09-10, 10.09.2026 или «2026-09-10 18:30»"),
    ("2999-01-01", "дата «2999-01-01» ещё не наступила"),
])
def test_bad_dates_are_refused(school_db, value, message):
    result = run("mark", *PROJECT, "--db", school_db, "#1", "install-max", "--at", value, ok=False)
    assert (result.exit_code, result.stderr) == (1, f"Ошибка: {message}\n")


def test_status_shows_every_step_when_and_by_whom(school_db):
    run("mark", *PROJECT, "--db", school_db, "#1", "install-max", "--at", "10.09.2026", "--source", "sheet")
    output = run("status", *PROJECT, "--db", school_db, "Иванов Иван").output
    lines = output.splitlines()
    assert lines[0].strip() == "#1 Иванов Иван Сергеевич, ученик (7А)"
    assert "│ 1 │ Установите MAX (install-max)       │ ✓ выполнен    │ 10.09.2026 │ Петрова Н. И. │ таблица │" in output
    assert "│ 2 │ Войдите в MAX (login-max)          │ — ← следующий │" in output
    assert lines[-2:] == [
        "Выполнено 1 из 3 шагов (33%)",
        "Следующий шаг: «Войдите в MAX» (login-max) — https://school.example.ru/sferum/guide/#войдите-в-max",
    ]


def test_status_as_json(school_db):
    run("mark", *PROJECT, "--db", school_db, "#3", "install-max", "--at", "2026-09-10", "--note", "на собрании")
    data = json.loads(run("status", *PROJECT, "--db", school_db, "#3", "--format", "json").output)
    assert data["person"]["full_name"] == "Иванова Мария Петровна"
    assert data["person"]["children"] == [1, 2]
    assert [(s["id"], s["state"], s["next"]) for s in data["steps"]] == [
        ("install-max", "done", False), ("login-max", None, True), ("parent-join-class", None, False)]
    assert data["steps"][0]["note"] == "на собрании"
    assert (data["done"], data["total"], data["next"]) == (1, 3, "login-max")


def test_status_without_a_person_shows_the_school_steps(school_db):
    run("mark", *PROJECT, "--db", school_db, "school-practicum", "--at", "2026-08-28")
    data = json.loads(run("status", *PROJECT, "--db", school_db, "--format", "json").output)
    assert data["person"] is None
    assert [(s["id"], s["state"]) for s in data["steps"]] == [("school-order", None), ("school-practicum", "done")]


def test_a_store_with_two_schools_asks_which(school_db):
    with Store.open(school_db) as store:
        store.get_or_create_school("Школа № 2")
    result = run("status", *PROJECT, "--db", school_db, "#1", ok=False)
    assert result.stderr == ("Ошибка: в базе 2 школ(ы); укажите нужную: --school НАЗВАНИЕ\n"
                             "  «Школа № 1»\n  «Школа № 2»\n")
    assert run("status", *PROJECT, "--db", school_db, "--school", "школа № 1", "#1").exit_code == 0


def test_the_global_db_option_reaches_every_command(school_db):
    result = run("--db", school_db, "mark", *PROJECT, "#1", "install-max")
    assert result.output.startswith("Отмечено: #1 Иванов Иван Сергеевич")


def test_the_default_store_is_used_without_db(private_home, monkeypatch):
    monkeypatch.setenv("SFERUM_ONBOARD_USER", "Завуч")
    with Store.open() as store:
        school = store.get_or_create_school("Школа")
        add_person(store, school, "Орлов Илья", "pupil", class_name="9А")
    assert run("mark", *PROJECT, "Орлов", "install-max").exit_code == 0
    assert len(events_of(str(private_home / "sferum-onboard.sqlite"))) == 1


def test_db_path(private_home, tmp_path, monkeypatch):
    assert run("db", "path").output == f"{private_home / 'sferum-onboard.sqlite'}\n"
    assert run("db", "path", "--db", "postgresql+psycopg://admin:secret@db.example/district").output == (
        "postgresql+psycopg://admin:***@db.example/district\n")
    monkeypatch.setenv("SFERUM_ONBOARD_DB", str(tmp_path / "env.sqlite"))
    assert run("db", "path").output == f"{tmp_path / 'env.sqlite'}\n"
    assert run("--db", "x.sqlite", "db", "path").output == f"{(tmp_path.cwd() / 'x.sqlite')}\n"


def test_db_upgrade_and_backup(tmp_path):
    target = str(tmp_path / "s.sqlite")
    assert run("db", "upgrade", "--db", target).output == f"Схема базы обновлена: пустая → {SCHEMA_REVISION}.\n"
    assert run("db", "upgrade", "--db", target).output == f"Схема базы актуальна ({SCHEMA_REVISION}).\n"
    result = run("db", "backup", str(tmp_path / "copy.sqlite"), "--db", target)
    assert result.output.startswith(f"Резервная копия записана: {tmp_path / 'copy.sqlite'} (")
    assert result.output.endswith(" КБ).\n")


def test_db_backup_of_postgresql_gives_pg_dump_advice(store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    result = run("db", "backup", "copy.sqlite", "--db", store_url, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Ошибка: резервную копию базы PostgreSQL делает pg_dump, например: "
                                    "pg_dump --format=custom --file=backup.dump \"postgresql+psycopg://postgres@")


def test_unreachable_store_is_a_message_not_a_traceback():
    result = run("status", *PROJECT, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=2", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Ошибка: не удаётся подключиться к базе «postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert result.stderr.endswith("сервер базы не отвечает: он не запущен или слушает другой порт\n"), result.stderr


def test_marks_are_history_in_the_store(school_db):
    with Store.open(school_db) as store:
        school = store.school()
        store.append_events([NewEvent(school.id, 1, "install-max", source="self")])
    run("unmark", *PROJECT, "--db", school_db, "#1", "install-max", "--note", "ошиблись строкой")
    events = events_of(school_db)
    assert [(e.action, e.source, e.note) for e in events] == [
        ("done", "self", None), ("undone", "meeting", "ошиблись строкой")]


def test_status_keeps_the_history_of_a_retired_step(school_db):
    with Store.open(school_db) as store:
        school = store.school()
        store.append_events([NewEvent(school.id, 1, "old-survey", at=dt.datetime(2026, 9, 10))])
    output = run("status", *PROJECT, "--db", school_db, "#1").output
    assert output.splitlines()[-1] == "Шаг убран из каталога: old-survey — ✓ выполнен, 10.09.2026"
    data = json.loads(run("status", *PROJECT, "--db", school_db, "#1", "--format", "json").output)
    assert data["other_steps"] == [{"id": "old-survey", "retired": True, "state": "done", "at": "2026-09-10 00:00:00",
                                    "by": None, "source": "meeting", "note": None, "verified": False}]
