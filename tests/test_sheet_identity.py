"""A returned class sheet is checked row by row: each code's ФИО must be the name stored for it.

The files are the ones a class leader's LibreOffice writes: the ФИО column
sorted on its own, a name retyped, the sheet saved as ODS.
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import NewEvent, Store
from tests.libreoffice import _libreoffice_profile, libreoffice  # noqa: F401 (fixtures)
from tests.storekit import TRACKING_PROJECT, add_person

SCHOOL = "Школа для тестов учёта"
PUPILS = ("Борисова Вера", "Михайлов Марк", "Яковлев Ян")  # exported in this order (by name)


def run(*args, db):
    return CliRunner().invoke(cli, [*map(str, args), "--db", str(db), "--project", str(TRACKING_PROJECT)])


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "store.sqlite")
    with Store.open(path) as store:
        school = store.get_or_create_school(SCHOOL)
        people = [add_person(store, school, name, "pupil", class_name="7А") for name in PUPILS]
        add_person(store, school, "Борисова Анна", "parent", children=[people[0].id])
        store.append_events([NewEvent(school.id, people[0].id, "install-max", at=dt.datetime(2026, 9, 10, 18))])
    return path


def snapshot(db) -> list[tuple]:
    """Every event, read by reopening the store."""
    with Store.open(db) as store:
        return [(e.id, e.person_id, e.step_id, e.action, e.source) for e in store.events(store.school())]


def exported(db, tmp_path, ticks: bool = True):
    """The class sheet as exported, with a tick for every pupil's «Войдите в MAX» (column E)."""
    out = tmp_path / "7A.xlsx"
    result = run("sheet", "export", "--class", "7А", "-o", out, db=db)
    assert result.exit_code == 0, result.output
    if ticks:
        book = openpyxl.load_workbook(out)
        for row in (4, 5, 6):
            book["Ученики"].cell(row, 5).value = "+"
        book.save(out)
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_names_sorted_alone_in_libreoffice_refuse_the_whole_sheet(db, tmp_path, libreoffice, fmt):
    sheet = libreoffice.convert(exported(db, tmp_path), fmt, tmp_path / "lo")
    libreoffice.sort_alone(sheet, "Ученики", "C4:C6")  # Я → А: the codes stay where they were
    before = snapshot(db)
    for flags in ((), ("--skip-invalid",)):
        result = run("sheet", "import", sheet, *flags, db=db)
        assert result.exit_code == 1, result.output
        where = f"{sheet}[Ученики]"
        assert result.stderr == (
            "ФИО в листе не совпадают с кодами — отметки попали бы не тем людям:\n"
            f"  {where}:4:3: код 1 — в листе «Яковлев Ян», в базе «Борисова Вера»\n"
            f"  {where}:6:3: код 3 — в листе «Борисова Вера», в базе «Яковлев Ян»\n"
            "Похоже, столбец «ФИО» отсортировали отдельно от остальных (на вопрос «расширить выделенный "
            "диапазон?» нужно было ответить «да»). Отмените сортировку или выгрузите лист заново (sferum-onboard "
            "sheet export) и перенесите отметки.\n"
            "Ничего не записано (--skip-invalid здесь не поможет: лист нельзя загрузить, пока ФИО и коды не "
            "совпадут).\n")
        assert result.stdout == ""
        assert snapshot(db) == before


def test_a_name_retyped_in_libreoffice_is_refused_with_the_reason(db, tmp_path, libreoffice):
    sheet = libreoffice.convert(exported(db, tmp_path), "xlsx", tmp_path / "lo")
    libreoffice.type_text(sheet, "Ученики", "C5", "Михайлов Марк Сергеевич")  # a teacher "fixes" the name
    before = snapshot(db)
    result = run("sheet", "import", sheet, db=db)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[1:3] == [
        f"  {sheet}[Ученики]:5:3: код 2 — в листе «Михайлов Марк Сергеевич», в базе «Михайлов Марк»",
        "ФИО в листе не меняют: по коду и ФИО лист сверяется с базой. Чтобы исправить имя, исправьте его в списке "
        "школы и загрузите список (sferum-onboard roster import), затем выгрузите лист заново; в этом листе "
        "верните прежнее ФИО."]
    assert snapshot(db) == before


def test_names_are_compared_as_rosters_compare_them(db, tmp_path, libreoffice):
    """Capitals, ё/е, double spaces and a Latin look-alike letter do not make another person."""
    sheet = libreoffice.convert(exported(db, tmp_path), "xlsx", tmp_path / "lo")
    libreoffice.type_text(sheet, "Ученики", "C4", "БОРИСОВА  Bера")  # a Latin «B», capitals, two spaces
    libreoffice.type_text(sheet, "Родители", "C4", "борисова анна")
    result = run("sheet", "import", sheet, db=db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Записано: 3 изменения, без изменений 9 ячеек."


def test_a_copied_row_is_refused(db, tmp_path):
    sheet = exported(db, tmp_path)
    book = openpyxl.load_workbook(sheet)
    pupils = book["Ученики"]
    for column in range(1, 7):
        pupils.cell(7, column).value = pupils.cell(4, column).value
    book.save(sheet)
    result = run("sheet", "import", sheet, db=db)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:3] == [
        f"  {sheet}[Ученики]:7:3: код 1 уже есть в строке 4 — строку скопировали",
        "Строки в лист не добавляют и не копируют: у каждого человека одна строка со своим кодом."]


def test_an_ods_sheet_from_libreoffice_imports_like_its_xlsx_twin(db, tmp_path, libreoffice):
    sheet = exported(db, tmp_path)
    book = openpyxl.load_workbook(sheet)
    book["Ученики"].cell(4, 4).value = None  # the install tick wiped
    book["Ученики"].cell(6, 6).value = "12.09.2026"  # joined on a day
    book["Родители"].cell(4, 5).value = "н/п"
    book.save(sheet)
    recorded = {}
    for fmt in ("xlsx", "ods"):
        twin = libreoffice.convert(sheet, fmt, tmp_path / fmt)
        store = tmp_path / f"{fmt}.sqlite"
        shutil.copy(db, store)
        result = run("sheet", "import", twin, "--by", "Орлова Н. П.", db=store)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1] == "Записано: 6 изменений, без изменений 6 ячеек."
        with Store.open(str(store)) as opened:
            recorded[fmt] = [(e.person_id, e.step_id, e.action, e.at.date(), e.recorded_by)
                             for e in opened.events(opened.school()) if e.source == "sheet"]
    assert recorded["ods"] == recorded["xlsx"]
    assert sorted((p, s, a) for p, s, a, _, _ in recorded["ods"]) == [
        (1, "install-max", "undone"), (1, "login-max", "done"), (2, "login-max", "done"),
        (3, "join-class", "done"), (3, "login-max", "done"), (4, "install-max", "not_applicable")]


def test_a_damaged_ods_sheet_is_not_called_an_excel_book(db, tmp_path, libreoffice):
    ods = libreoffice.convert(exported(db, tmp_path), "ods", tmp_path / "lo")
    ods.write_bytes(ods.read_bytes()[: ods.stat().st_size // 2])
    result = run("sheet", "import", ods, db=db)
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {ods}: таблица OpenDocument (ODS) повреждена или обрезана, прочитать её нельзя; выгрузите лист "
        "заново (sferum-onboard sheet export)\n"))
