"""Rosters saved by LibreOffice: an ODS list imports like its XLSX twin and is never called an Excel book."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from sferum_onboard.cli import cli
from tests.libreoffice import _libreoffice_profile, libreoffice  # noqa: F401 (fixtures)
from tests.rosterfiles import write_xlsx
from tests.storekit import TRACKING_PROJECT

# A pupils' list as schools keep it: a title, a number column, a class split into number and letter,
# a phone stored as a number, a date, a name in capitals with «ё».
PUPILS = [["Список обучающихся МБОУ СОШ № 2 на 01.09.2026"], [],
          ["№", "Фамилия", "Имя", "Отчество", "Класс", "Буква", "Телефон", "Дата рождения"],
          [1, "ИВАНОВ", "Иван", "Иванович", 7, "а", 79001234567, dt.date(2013, 2, 1)],
          [2, "Фёдорова", "Алёна", "Сергеевна", 11, "Б", None, dt.date(2009, 3, 4)],
          [3, "Петров", "Пётр", "", 1, "В", 89007654321, None]]
PARENTS = [["ФИО родителя", "ФИО ребёнка", "Класс ребёнка", "Телефон"],
           ["Иванова Мария Петровна", "Иванов Иван Иванович", "7А", "+7 900 111-22-33"],
           ["Федоров Сергей", "Фёдорова Алёна Сергеевна, 11Б; Петров Пётр, 1В", "", ""]]


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args), "--project", str(TRACKING_PROJECT)])


def test_an_ods_roster_from_libreoffice_imports_like_its_xlsx_twin(tmp_path, libreoffice):
    pupils = write_xlsx(tmp_path / "pupils.xlsx", PUPILS)
    parents = write_xlsx(tmp_path / "parents.xlsx", PARENTS)
    listed = {}
    for fmt in ("xlsx", "ods"):
        db = tmp_path / f"{fmt}.sqlite"
        for source in (pupils, parents):
            saved = libreoffice.convert(source, fmt, tmp_path / fmt)
            result = run("roster", "import", saved, "--school", "Школа № 2", "--db", db)
            assert result.exit_code == 0, result.output
            kind = "книга Excel" if fmt == "xlsx" else "таблица OpenDocument (ODS)"
            assert result.output.splitlines()[0].startswith(f"Файл {saved}: {kind}; список: ")
        result = CliRunner().invoke(cli, ["roster", "list", "--db", str(db), "--format", "json"])
        assert result.exit_code == 0, result.output
        listed[fmt] = json.loads(result.output)
    assert listed["ods"] == listed["xlsx"]
    assert [(p["full_name"], p["class"], p["contact"]) for p in listed["ods"]] == [
        ("Петров Пётр", "1В", "89007654321"), ("Иванов Иван Иванович", "7А", "79001234567"),
        ("Фёдорова Алёна Сергеевна", "11Б", None), ("Иванова Мария Петровна", "7А", "+7 900 111-22-33"),
        ("Федоров Сергей", "1В, 11Б", None)]


def test_a_damaged_ods_roster_is_not_called_an_excel_book(tmp_path, libreoffice):
    ods = libreoffice.convert(write_xlsx(tmp_path / "pupils.xlsx", PUPILS * 30), "ods", tmp_path / "lo")
    ods.write_bytes(ods.read_bytes()[: ods.stat().st_size // 2])
    result = run("roster", "import", ods, "--db", tmp_path / "s.sqlite")
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {ods}: таблица OpenDocument (ODS) повреждена или обрезана, прочитать её нельзя; сохраните файл "
        "заново или выгрузите список ещё раз\n"))


def test_damaged_ods_files_are_read_or_refused_in_russian(tmp_path, libreoffice):
    """Bytes flipped and files cut anywhere in a LibreOffice ODS: a roster or a Russian refusal, nothing else."""
    from sferum_onboard.errors import DataError
    from sferum_onboard.tracking.roster import read_roster

    good = libreoffice.convert(write_xlsx(tmp_path / "pupils.xlsx", PUPILS * 10), "ods", tmp_path / "lo").read_bytes()
    damaged = tmp_path / "damaged.ods"
    for n in range(60):
        data = bytearray(good)
        data[(n * 7919) % len(data)] ^= 0x5A
        damaged.write_bytes(bytes(data[: len(data) - (n * 104729) % (len(data) // 2)]))
        try:
            assert read_roster(damaged).people
        except DataError as error:
            assert str(error).startswith(f"{damaged}: ")


def test_the_extent_of_each_ods_table_is_where_calamine_finds_its_last_value(tmp_path, libreoffice):
    """The guard reads an ODS's extent before calamine holds it: it must agree with calamine's own grid,
    for LibreOffice's repeated empty rows and cells, numbers far right, several sheets."""
    from python_calamine import CalamineWorkbook

    from sferum_onboard.tracking.roster.workbook import Workbook

    book = openpyxl.Workbook()
    book.active.title = "Список"
    for row in PUPILS:
        book.active.append(row)
    book.active["K40"] = 5  # a number after empty rows and columns
    book.active["B3"].number_format = "@"  # formatting alone is not content
    book.create_sheet("Пустой")["Z1000"].number_format = "0.00"
    book.create_sheet("Итоги")["C2"] = "=1+1"
    path = tmp_path / "book.xlsx"
    book.save(path)
    ods = libreoffice.convert(path, "ods", tmp_path / "lo")
    calamine = CalamineWorkbook.from_path(str(ods))
    shapes = {}
    for name in calamine.sheet_names:
        rows = calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        shapes[name] = (len(rows), max((len(r) for r in rows), default=0)) if rows and any(map(any, rows)) else (0, 0)
    assert Workbook(str(ods), ods.read_bytes()).extents() == shapes == {
        "Список": (40, 11), "Пустой": (0, 0), "Итоги": (2, 3)}


def test_an_ods_saved_with_a_password_is_refused_with_the_remedy(tmp_path, libreoffice):
    ods = libreoffice.save_with_password(write_xlsx(tmp_path / "pupils.xlsx", PUPILS), tmp_path / "pupils.ods")
    result = run("roster", "import", ods, "--db", tmp_path / "s.sqlite")
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {ods}: таблица защищена паролем; откройте её в LibreOffice и сохраните без пароля (Файл → "
        "Сохранить как, снимите флажок «Сохранить с паролем») — или сохраните лист как CSV\n"))
