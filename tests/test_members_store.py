"""`members import / confirm / resolve` on a realistic school, on SQLite and PostgreSQL: outcomes, verified
steps with their source and date, a later unmark winning, privacy, status / progress / report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from sferum_onboard.cli import cli
from sferum_onboard.tracking.model import MEMBERS
from sferum_onboard.tracking.store import NewEvent, Store
from tests.conftest import REPO
from tests.memberkit import PARENTS_7A, TABLE_7A, member_school
from tests.storekit import store_url  # noqa: F401 (fixture)

PROJECT = ["--project", str(REPO)]
LISTED = "2026-11-20"


@pytest.fixture
def school(store_url, monkeypatch):
    monkeypatch.setenv("SFERUM_ONBOARD_USER", "Белова И. О.")
    monkeypatch.setenv("COLUMNS", "160")
    with Store.open(store_url) as store:
        people = member_school(store)
    return store_url, {key: p.id for key, p in people.items()}


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def import_parents(url, *extra, date=LISTED):
    return run("members", "import", str(PARENTS_7A), *PROJECT, "--db", url, "--class", "7А",
               "--chat", "Родители 7А", "--date", date, *extra)


def members_events(url):
    with Store.open(url) as store:
        return [e for e in store.events() if e.source == MEMBERS]


def test_parents_chat_gives_the_expected_lists(school):
    url, ids = school
    data = json.loads(import_parents(url, "--format", "json").output)
    assert data["counts"] == {"matched": 10, "missing": 1, "other_class": 1, "outsiders": 2, "unsure": 3}
    assert data["audience"] == "parents" and data["class"] == "7А" and data["check_id"] == 1
    assert {row["person_id"] for row in data["matched"]} == {ids[k] for k in (
        "leader", "maths", "admin", "petya-mother", "petya-father", "masha-mother", "dasha-mother", "sasha-mother",
        "katya-father", "dima-mother")}
    [wrong_class] = data["other_class"]
    assert (wrong_class["text"], wrong_class["person_id"], wrong_class["classes"]) == ("Смирнов Олег", ids["oleg"], ["7Б"])
    assert [row["text"] for row in data["outsiders"]] == ["Сидоренко Вадим", "Котик 🐱"]
    assert all(row["person_id"] is None for row in data["outsiders"])
    unsure = {row["text"]: [c["person_id"] for c in row["candidates"]] for row in data["unsure"]}
    assert unsure == {"Лебедева": sorted([ids["nastya"], ids["nastya-mother"]]), "Петорва Дарья": [ids["dasha"]],
                      "Мама Никиты Козлова": []}
    assert [row["person_id"] for row in data["missing"]] == [ids["nastya-mother"]]
    by_text = {row["text"]: row for row in data["matched"]}
    assert by_text["Папа Иванова Пети"]["reasons"] == [
        f"папа ребёнка: #{ids['petya']} Иванов Пётр Сергеевич, ученик (7А)"]
    assert by_text["Света Морозова 👍"]["reasons"] == ["фамилия и имя", "в другом порядке", "«Света» — Светлана"]
    assert by_text["Смирнова О.В."]["line"] == 12 and by_text["Смирнова О.В."]["confidence"] == 93
    assert by_text["Анна Сергеевна"]["marks"] == ["owner"] and by_text["Смирнова О.В."]["marks"] == ["admin"]


def test_a_table_the_school_typed_for_the_pupils_chat(school):
    url, ids = school
    data = json.loads(run("members", "import", str(TABLE_7A), *PROJECT, "--db", url, "--class", "7а",
                          "--chat", "Ученики 7А", "--format", "json").output)
    assert data["counts"] == {"matched": 6, "missing": 3, "other_class": 1, "outsiders": 1, "unsure": 0}
    assert {row["person_id"] for row in data["missing"]} == {ids["nikita"], ids["nastya"], ids["dima"]}


def test_found_members_have_their_join_step_verified_at_the_list_date(school):
    url, ids = school
    output = import_parents(url).output
    assert "В классе: 10, из других классов: 1, не уверены: 3, посторонних: 2, нет в чате: 1." in output
    assert "Вступление в чат записано как проверенное по списку: 9 отметок (уже было проверено: 0)." in output
    recorded = {(e.person_id, e.step_id) for e in members_events(url)}
    assert recorded == {(ids["leader"], "join-organisation"), (ids["maths"], "join-organisation")} | {
        (ids[k], "parent-join-class") for k in ("petya-mother", "petya-father", "masha-mother", "dasha-mother",
                                                "sasha-mother", "katya-father", "dima-mother")}
    assert {(e.at, e.note, e.recorded_by) for e in members_events(url)} == {
        (dt.datetime(2026, 11, 20), "Родители 7А", "Белова И. О.")}
    again = import_parents(url, "--date", "2026-11-25").output  # the same people: verified already
    assert "проверенное по списку: 0 отметок (уже было проверено: 9)" in again
    assert len(members_events(url)) == 9


def test_a_later_manual_unmark_keeps_winning(school):
    url, ids = school
    mother = f"#{ids['petya-mother']}"
    run("mark", *PROJECT, "--db", url, mother, "parent-join-class", "--at", "2026-11-10")
    run("unmark", *PROJECT, "--db", url, mother, "parent-join-class", "--at", "2026-11-22 10:00")
    output = import_parents(url).output  # the list of 20.11 comes in after the unmark of 22.11
    assert "позже (22.11.2026 10:00) записано «отметка снята», эта отметка остаётся в силе" in output
    assert (ids["petya-mother"], "parent-join-class") in {(e.person_id, e.step_id) for e in members_events(url)}
    status = json.loads(run("status", *PROJECT, "--db", url, mother, "--format", "json").output)
    step = next(s for s in status["steps"] if s["id"] == "parent-join-class")
    assert (step["state"], step["verified"]) == ("undone", False)
    progress = json.loads(run("progress", *PROJECT, "--db", url, "--class", "7А", "--format", "json").output)
    counted = {s["step"]: s for s in progress["total"]["steps"]}["parent-join-class"]
    assert (counted["done"], counted["verified"]) == (6, 6)  # the seven found, less the one unmarked later
    import_parents(url, "--date", "2026-11-23")  # a newer list shows her again: that one decides
    step = next(s for s in json.loads(run("status", *PROJECT, "--db", url, mother, "--format", "json").output)["steps"]
                if s["id"] == "parent-join-class")
    assert (step["state"], step["verified"], step["source"]) == ("done", True, "members")


def test_a_self_reported_tick_after_the_list_stays_verified(school):
    url, ids = school
    import_parents(url)
    with Store.open(url) as store:
        store.append_events([NewEvent(store.school().id, ids["petya-mother"], "parent-join-class",
                                      at=dt.datetime(2026, 11, 28), source="self")])
    status = run("status", *PROJECT, "--db", url, f"#{ids['petya-mother']}").output
    line = next(text for text in status.splitlines() if "parent-join-class" in text or "Присоединитесь" in text)
    assert "проверено по списку" in line


def test_status_progress_and_report_tell_verified_from_reported(school, tmp_path):
    url, ids = school
    run("mark", *PROJECT, "--db", url, f"#{ids['nastya-mother']}", "parent-join-class", "--at", "2026-11-01")
    import_parents(url)
    status = json.loads(run("status", *PROJECT, "--db", url, f"#{ids['dasha-mother']}", "--format", "json").output)
    assert {s["id"]: s["verified"] for s in status["steps"]}["parent-join-class"] is True
    table = run("status", *PROJECT, "--db", url, f"#{ids['nastya-mother']}").output
    assert "проверено по списку" not in table and "✓ выполнен" in table  # ticked at the meeting, not in the list
    progress = json.loads(run("progress", *PROJECT, "--db", url, "--format", "json").output)
    assert progress["total"]["verified"] == 9
    assert {g["group"]: g["verified"] for g in progress["groups"]}["7А"] == 8  # the subject teacher counts in none
    assert "Проверено по чату" in run("progress", *PROJECT, "--db", url).output
    run("report", *PROJECT, "--db", url, "-o", str(tmp_path))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Вступление проверено по спискам чатов: 7." in html
    assert "Посторонних в чатах класса: 2 — не разобраны" in html
    assert "8 из 8, проверено по чату 7" in html  # parents of 7А: eight joined, seven of them seen in the chat
    assert "Списки участников чатов класса не сверялись" in html  # 7Б
    rows = CalamineWorkbook.from_path(tmp_path / "report.xlsx").get_sheet_by_name("Классы").to_python()
    assert rows[0][-2:] == ["Проверено по чату", "Посторонних в чатах класса"]
    joined = next(r for r in rows if r[0] == "7А" and r[2] == "родители" and r[3] == "Присоединитесь к классу ребёнка")
    assert joined[4:] == [8.0, 8.0, 1.0, 7.0, 2.0]


def test_the_list_itself_is_not_stored_only_outsiders_until_resolved(school, tmp_path):
    url, _ = school
    import_parents(url)
    stored = _all_text(url)
    for copied in ("Мария Иванова", "Папа Иванова Пети", "Света Морозова", "Петорва Дарья", "Мама Никиты Козлова",
                   "Игорь Волков", "Наталья Петрова", "Смирнова О.В.", "+7 912 345-67-89", "в сети"):
        assert copied not in stored  # (the roster names stored are «Фамилия Имя Отчество»)
    assert "Сидоренко Вадим" in stored and "Котик 🐱" in stored
    listing = run("members", "resolve", "--db", url).output
    assert "Посторонние в чатах, ещё не разобранные: 2" in listing and "Сидоренко Вадим" in listing
    number = next(line.split("│")[1].strip() for line in listing.splitlines() if "Котик" in line)
    assert run("members", "resolve", number, "--db", url).output.startswith("Отмечено разобранными: 1.")
    assert "Котик" not in _all_text(url)
    run("report", *PROJECT, "--db", url, "-o", str(tmp_path))
    assert "Посторонних в чатах класса: 1 —" in (tmp_path / "report.html").read_text(encoding="utf-8")
    run("members", "resolve", "--all", "--db", url)
    assert "Сидоренко" not in _all_text(url)
    assert run("members", "resolve", "--db", url).output == "Неразобранных посторонних нет.\n"


def test_a_newer_list_of_the_same_chat_replaces_the_older_ones_outsiders(school):
    url, _ = school
    import_parents(url)
    import_parents(url, "--date", "2026-11-27")
    listing = run("members", "resolve", "--db", url).output
    assert "Посторонние в чатах, ещё не разобранные: 2" in listing and "27.11.2026" in listing
    assert "20.11.2026" not in listing


def _all_text(url) -> str:
    """Every text value in the store's tables, to look for names."""
    with Store.open(url) as store, store.engine.connect() as conn:
        found = []
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                found.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(found)


def test_dry_run_records_nothing(school):
    url, _ = school
    output = import_parents(url, "--dry-run").output
    assert "Будет записано как проверенное по списку: 9 отметок" in output
    assert members_events(url) == [] and "Котик" not in _all_text(url)


@pytest.mark.parametrize("content, message", [
    ("Иванова Мария\nhttps://max.ru/join/x\n", "список.txt:2:1: «https://max.ru/join/x» — ссылка, а не имя участника"),
    ("=HYPERLINK(\"x\")\n", "список.txt:1:1: «=HYPERLINK(\"x\")» — это разметка или формула, а не имя участника"),
])
def test_unreadable_lines_are_located_and_nothing_is_recorded(school, tmp_path, content, message):
    url, _ = school
    path = tmp_path / "список.txt"
    path.write_text(content, encoding="utf-8")
    result = run("members", "import", str(path), *PROJECT, "--db", url, "--class", "7А", ok=False)
    assert result.exit_code == 1
    assert f"{tmp_path}/{message}" in result.stderr
    assert "Ничего не записано: 1 ошибка." in result.stderr
    assert members_events(url) == []


def test_skip_invalid_records_the_rest(school, tmp_path):
    url, _ = school
    path = tmp_path / "список.txt"
    path.write_text("Мария Иванова\nhttps://max.ru/join/x\n", encoding="utf-8")
    result = run("members", "import", str(path), *PROJECT, "--db", url, "--class", "7А", "--skip-invalid")
    assert "Пропущено строк, которые не прочитать: 1 (--skip-invalid)." in result.stderr
    assert len(members_events(url)) == 1


@pytest.mark.parametrize("args, message", [
    (["--class", "9Я"], "Ошибка: класс «9Я» не найден"),
    (["--class", "7А", "--dry-run", "-o", "x.xlsx"], "с --dry-run лист сверки не записывается"),
])
def test_wrong_calls_are_refused_in_russian(school, args, message):
    url, _ = school
    result = run("members", "import", str(PARENTS_7A), *PROJECT, "--db", url, *args, ok=False)
    assert result.exit_code in (1, 2) and message in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_file_with_no_member_is_refused(school, tmp_path):
    url, _ = school
    path = tmp_path / "список.txt"
    path.write_text("Участники\nв сети\nбыл(а) недавно\n", encoding="utf-8")
    result = run("members", "import", str(path), *PROJECT, "--db", url, "--class", "7А", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Ошибка: {path}: в файле нет ни одного участника")
