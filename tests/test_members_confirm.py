"""The confirm sheet: written private, decided by the administrator, saved by LibreOffice as XLSX and ODS,
and read back: exactly the decided rows are recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from sferum_onboard.tracking.model import MEMBERS
from sferum_onboard.tracking.store import Store
from tests.conftest import require
from tests.test_members_store import PROJECT, import_parents, run, school  # noqa: F401 (fixture)
from tests.storekit import store_url  # noqa: F401 (fixture)

# What the administrator decides, by the member's line in the list (the sheet's «Строка»).
LEBEDEVA, PETORVA, KOZLOV_MOTHER, SIDORENKO, KOTIK = 21, 22, 25, 26, 28


def fill(sheet, decisions: dict) -> None:
    """Type decisions into the «Решение» column, as a user would in Excel."""
    book = load_workbook(sheet)
    ws = book["Сверка"]
    for row in range(4, ws.max_row + 1):
        line = ws.cell(row, 1).value
        if line in decisions:
            ws.cell(row, 7).value = decisions[line]
    book.save(sheet)


def libreoffice(source, target_format: str, folder):
    """Open the book in LibreOffice and save it in another format, with a private profile."""
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice (soffice) не установлен")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", target_format, "--outdir", str(folder / target_format), str(source)],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return folder / target_format / f"{source.stem}.{target_format}"


def recorded(url) -> set[tuple[int, str]]:
    with Store.open(url) as store:
        return {(e.person_id, e.step_id) for e in store.events() if e.source == MEMBERS}


def test_the_sheet_is_private_and_opens_only_the_unsure_and_outsider_lines(school, tmp_path):
    url, ids = school
    sheet = tmp_path / "сверка.xlsx"
    output = import_parents(url, "-o", str(sheet)).output
    assert f"Лист сверки записан: {sheet}." in output
    assert sheet.stat().st_mode & 0o077 == 0
    book = load_workbook(sheet)
    assert book.sheetnames == ["Сверка", "Нет в чате", "Как заполнять", "meta"]
    ws = book["Сверка"]
    assert ws.protection.sheet
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    assert sorted(rows) == [5, 8, 10, 12, 15, 16, 18, 19, 21, 22, 24, 25, 26, 28, 29, 30]
    open_lines = sorted(line for line, r in rows.items() if not ws.cell(r, 7).protection.locked)
    assert open_lines == [LEBEDEVA, PETORVA, KOZLOV_MOTHER, SIDORENKO, KOTIK]
    assert ws.cell(rows[8], 7).value == ids["petya-mother"]  # found lines show the code, locked
    assert ws.cell(rows[8], 2).value == "Мария Иванова 🌸"
    assert book["Нет в чате"].cell(2, 1).value == f"#{ids['nastya-mother']} Лебедева Татьяна Васильевна, родитель (7А)"
    assert book["meta"].sheet_state == "hidden"


@pytest.mark.parametrize("saved_as", ["xlsx", "ods"])
def test_round_trip_through_libreoffice_records_exactly_the_decided_rows(school, tmp_path, saved_as):
    url, ids = school
    sheet = tmp_path / "сверка.xlsx"
    import_parents(url, "-o", str(sheet))
    before = recorded(url)
    fill(sheet, {LEBEDEVA: ids["nastya-mother"], PETORVA: f"#{ids['dasha']}", KOZLOV_MOTHER: "нет",
                 KOTIK: ids["oleg-mother"]})  # «Котик» is the 7Б mother: another class; Сидоренко stays open
    returned = libreoffice(sheet, saved_as, tmp_path)
    preview = run("members", "confirm", str(returned), *PROJECT, "--db", url, "--dry-run").output
    assert "Будет записано как проверенное по списку: 2 отметки" in preview
    assert recorded(url) == before
    output = run("members", "confirm", str(returned), *PROJECT, "--db", url).output
    assert output.splitlines()[1:5] == [
        f"  Строка 21 — в классе: #{ids['nastya-mother']} Лебедева Татьяна Васильевна, родитель (7А)",
        f"  Строка 22 — в классе: #{ids['dasha']} Петрова Дарья Андреевна, ученик (7А)",
        "  Строка 25 — посторонний",
        f"  Строка 28 — из другого класса: #{ids['oleg-mother']} Смирнова Юлия Олеговна, родитель (7Б)"]
    assert recorded(url) - before == {(ids["nastya-mother"], "parent-join-class"), (ids["dasha"], "pupil-join-class")}
    assert "В классе: 12, из других классов: 2, не уверены: 0, посторонних: 2, нет в чате: 0." in output
    outsiders = run("members", "resolve", "--db", url).output
    assert "Мама Никиты Козлова" in outsiders and "Сидоренко Вадим" in outsiders and "Котик" not in outsiders
    again = run("members", "confirm", str(returned), *PROJECT, "--db", url).output  # the same sheet again
    assert "Новых решений в листе нет: записывать нечего." in again
    assert recorded(url) - before == {(ids["nastya-mother"], "parent-join-class"), (ids["dasha"], "pupil-join-class")}


def test_decisions_that_cannot_stand_refuse_the_whole_sheet(school, tmp_path):
    url, ids = school
    sheet = tmp_path / "сверка.xlsx"
    import_parents(url, "-o", str(sheet))
    fill(sheet, {LEBEDEVA: ids["petya-mother"], PETORVA: "дочка", SIDORENKO: 99999, KOTIK: ids["dasha"]})
    result = run("members", "confirm", str(sheet), *PROJECT, "--db", url, ok=False)
    assert result.exit_code == 1
    where = f"{sheet}[Сверка]"
    assert result.stderr.splitlines() == [
        "Ошибка: в листе сверки 1 ошибка — ничего не записано; исправьте и загрузите лист снова",
        f"  {where}:13:7: «дочка» — непонятное решение; напишите код человека (например 12) или «нет», "
        "если это не человек школы, или оставьте пустым"]
    fill(sheet, {PETORVA: ""})
    result = run("members", "confirm", str(sheet), *PROJECT, "--db", url, ok=False)
    assert result.stderr.splitlines() == [
        "Ошибка: в листе сверки 2 ошибки — ничего не записано; исправьте и загрузите лист снова",
        f"  {where}:12:7: #{ids['petya-mother']} Иванова Мария Петровна уже найден(а) в строке 8: один человек — "
        "одна строка списка",
        f"  {where}:16:7: человека с кодом 99999 нет в базе этой школы"]
    assert not any(e for e in _members_events_after_import(url) if e.person_id == ids["dasha"])


def _members_events_after_import(url):
    with Store.open(url) as store:
        return [e for e in store.events() if e.source == MEMBERS]


def test_a_file_that_is_no_confirm_sheet_is_refused(school, tmp_path):
    url, _ = school
    other = tmp_path / "лист.xlsx"
    run("sheet", "export", *PROJECT, "--db", url, "--class", "7А", "-o", str(other))
    result = run("members", "confirm", str(other), *PROJECT, "--db", url, ok=False)
    assert result.exit_code == 1
    assert result.stderr == (f"Ошибка: {other}: это не лист сверки, записанный командой sferum-onboard members "
                             "import -o (нет служебных данных)\n")


@pytest.mark.parametrize("school_name, message", [
    (None, "лист сверки записан из другой базы учёта (школа «{school}» в ней под другим номером); загрузите его "
           "в ту базу (--db) или запишите лист заново (members import -o)"),
    ("Лицей № 5", "лист сверки записан для школы «Лицей № 5», а загружается в «{school}»"),
])
def test_a_sheet_of_another_store_or_school_is_refused_with_what_it_is(school, tmp_path, school_name, message):
    url, _ = school
    sheet = tmp_path / "сверка.xlsx"
    import_parents(url, "-o", str(sheet))
    book = load_workbook(sheet)
    meta = {row[0].value: row[1] for row in book["meta"].iter_rows() if row[0].value}
    stored_school = meta["school"].value
    meta["school_id"].value = 999
    if school_name:
        meta["school"].value = school_name
    book.save(sheet)
    result = run("members", "confirm", str(sheet), *PROJECT, "--db", url, ok=False)
    assert result.exit_code == 1
    assert result.stderr == f"Ошибка: {sheet}: {message.format(school=stored_school)}\n"
