"""The class sheet round trip: export, fill in, import back — read by an independent reader too."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from sferum_onboard.cli import cli
from sferum_onboard.outputs.sheet_import import parse_mark
from sferum_onboard.tracking.store import NewEvent, Store
from tests.rosterfiles import garbage, truncated_xlsx
from tests.storekit import TRACKING_PROJECT, add_person, store_url  # noqa: F401 (fixture)

SCHOOL = "Школа для тестов учёта"
AT = dt.datetime(2026, 9, 10, 18, 0)


def run(*args, db, project=TRACKING_PROJECT):
    return CliRunner().invoke(cli, [*map(str, args), "--db", str(db), "--project", str(project)])


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "store.sqlite")


@pytest.fixture
def people(db):
    """A class 7А with two pupils (one named like a formula) and a parent, and one tick recorded."""
    with Store.open(db) as store:
        school = store.get_or_create_school(SCHOOL)
        ivan = add_person(store, school, "Иванов Иван", "pupil", class_name="7А")
        evil = add_person(store, school, '=HYPERLINK("http://x","y") Пётр', "pupil", class_name="7А")
        mother = add_person(store, school, "Иванова Анна", "parent", children=[ivan.id])
        add_person(store, school, "Сидоров Олег", "pupil", class_name="7Б")
        store.append_events([NewEvent(school.id, ivan.id, "install-max", at=AT)])
    return {"ivan": ivan.id, "evil": evil.id, "mother": mother.id}


def export(db, tmp_path, name="7А.xlsx"):
    out = tmp_path / name
    result = run("sheet", "export", "--class", "7а", "-o", out, db=db)
    assert result.exit_code == 0, result.output
    return out, result


def fill(path, sheet: str, row: int, column: int, value) -> None:
    book = openpyxl.load_workbook(path)
    book[sheet].cell(row, column).value = value
    book.save(path)


def events(db, source=None):
    with Store.open(db) as store:
        found = store.events(store.school(SCHOOL))
    return [(e.person_id, e.step_id, e.action) for e in found if source is None or e.source == source]


def test_export_reads_back_in_an_independent_reader(db, people, tmp_path):
    out, result = export(db, tmp_path)
    assert result.output == (f"Лист класса 7А записан: {out} (2 ученика, 1 родитель). В файле имена детей: "
                             "передавайте его только классному руководителю.\n")
    book = CalamineWorkbook.from_path(str(out))
    visible = [s.name for s in book.sheets_metadata if str(s.visible).endswith("Visible")]
    assert visible == ["Ученики", "Родители", "Как заполнять"]
    pupils = book.get_sheet_by_name("Ученики").to_python()
    assert pupils[1] == ["№", "Код", "ФИО", "Установите MAX", "Войдите в MAX", "Вступите в чат класса"]
    assert pupils[2][3:] == ["install-max", "login-max", "join-class"]
    rows = {r[2]: r for r in pupils[3:]}
    assert rows["Иванов Иван"][3:] == [dt.date(2026, 9, 10), "", ""]
    assert rows['=HYPERLINK("http://x","y") Пётр'][3:] == ["", "", ""]
    parents = book.get_sheet_by_name("Родители").to_python()
    assert parents[3][2:4] == ["Иванова Анна", "Иванов Иван"]
    instructions = [r[0] for r in book.get_sheet_by_name("Как заполнять").to_python()]
    assert instructions[0] == "Как заполнять лист класса 7А"
    assert "«н/п» — шаг этому человеку не нужен." in instructions
    with zipfile.ZipFile(out) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml  # no cell is a formula


def test_header_is_protected_and_step_cells_are_open(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    ws = openpyxl.load_workbook(out)["Ученики"]
    assert ws.protection.sheet
    assert ws.cell(2, 4).protection.locked and ws.cell(4, 3).protection.locked
    assert not ws.cell(4, 4).protection.locked
    assert ws.cell(4, 3).quotePrefix or ws.cell(5, 3).quotePrefix  # the formula-like name is plain text
    assert openpyxl.load_workbook(out)["meta"].sheet_state == "veryHidden"


def test_round_trip_records_only_the_differences(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    rows = {openpyxl.load_workbook(out)["Ученики"].cell(r, 2).value: r for r in (4, 5)}
    fill(out, "Ученики", rows[people["ivan"]], 5, "+")  # login-max done today
    fill(out, "Ученики", rows[people["ivan"]], 4, None)  # the install tick wiped
    fill(out, "Ученики", rows[people["evil"]], 6, "12.09.2026")  # joined on a day
    fill(out, "Родители", 4, 5, "н/п")
    result = run("sheet", "import", out, "--by", "Орлова Н. П.", db=db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Изменения из листа (4):"
    assert lines[-1] == "Записано: 4 изменения, без изменений 5 ячеек."
    assert sorted(events(db, "sheet")) == sorted([
        (people["ivan"], "login-max", "done"), (people["ivan"], "install-max", "undone"),
        (people["evil"], "join-class", "done"), (people["mother"], "install-max", "not_applicable")])
    with Store.open(db) as store:
        joined = [e for e in store.events(store.school()) if e.step_id == "join-class"][0]
    assert (joined.at, joined.recorded_by, joined.note) == (dt.datetime(2026, 9, 12, 12, 0), "Орлова Н. П.", "7А.xlsx")
    again = run("sheet", "import", out, db=db)
    assert again.exit_code == 0, again.output
    assert again.output == "Лист совпадает с базой: записывать нечего.\n"
    assert len(events(db, "sheet")) == 4


def test_dry_run_records_nothing(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    fill(out, "Ученики", 4, 5, "+")
    result = run("sheet", "import", out, "--dry-run", db=db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Пробный запуск (--dry-run): в базе ничего не изменено."
    assert events(db, "sheet") == []


def test_conflicts_are_reported_not_guessed(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    rows = {openpyxl.load_workbook(out)["Ученики"].cell(r, 2).value: r for r in (4, 5)}
    fill(out, "Ученики", rows[people["ivan"]], 4, None)  # tick removed in the sheet…
    fill(out, "Ученики", rows[people["evil"]], 5, "+")  # …and a tick added
    fill(out, "Ученики", rows[people["evil"]], 4, "+")  # a change without a conflict
    with Store.open(db) as store:
        school = store.school()
        store.append_events([  # meanwhile, at a meeting: recorded later elsewhere
            NewEvent(school.id, people["ivan"], "install-max", at=dt.datetime(2026, 9, 20, 10), recorded_by="Козлова"),
            NewEvent(school.id, people["evil"], "login-max", "done", at=dt.datetime(2026, 9, 20, 10)),
            NewEvent(school.id, people["evil"], "login-max", "undone", at=dt.datetime(2026, 9, 21, 10)),
        ])
    result = run("sheet", "import", out, db=db)
    assert result.exit_code == 1
    where = f"{out}[Ученики]"
    conflicts = sorted([
        (rows[people["ivan"]], f"  {where}:{rows[people['ivan']]}:4: Иванов Иван: в листе отметка шага «Установите MAX» "
         "стёрта, а после выгрузки его записали в другом месте (20.09.2026 10:00, Козлова: сделано); исправьте ячейку "
         "или отметку в базе\n"),
        (rows[people["evil"]], f"  {where}:{rows[people['evil']]}:5: =HYPERLINK(\"http://x\",\"y\") Пётр: в листе шаг "
         "«Войдите в MAX» отмечен, а после выгрузки его по-другому записали в другом месте (21.09.2026 10:00: не "
         "сделано); исправьте ячейку или отметку в базе\n")])
    assert result.stderr == (
        "Конфликты (в листе одно, а после выгрузки в базе записано другое):\n" + "".join(c for _, c in conflicts)
        + "Ничего не записано: 2 конфликта. Исправьте лист или базу, или добавьте --skip-invalid, чтобы записать "
        "остальное.\n")
    assert events(db, "sheet") == []
    result = run("sheet", "import", out, "--skip-invalid", db=db)
    assert result.exit_code == 0, result.output
    assert events(db, "sheet") == [(people["evil"], "install-max", "done")]


def test_unknown_marks_and_future_dates_block_the_import(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    fill(out, "Ученики", 4, 5, "может быть")
    fill(out, "Ученики", 4, 6, "01.01.2099")
    fill(out, "Родители", 4, 5, "+")
    result = run("sheet", "import", out, db=db)
    assert result.exit_code == 1
    assert result.stderr == (
        "Ячейки с ошибками:\n"
        f"  {out}[Ученики]:4:5: «может быть» — непонятная отметка; пишите «+», дату (12.09.2026), «н/п» или оставьте пустым\n"
        f"  {out}[Ученики]:4:6: дата 01.01.2099 ещё не наступила\n"
        "Ничего не записано: 2 ошибки. Исправьте лист или базу, или добавьте --skip-invalid, чтобы записать остальное.\n")
    assert events(db, "sheet") == []


def test_a_sheet_of_another_class_or_school_is_refused(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    result = run("sheet", "import", out, "--class", "7Б", db=db)
    assert (result.exit_code, result.stderr) == (1, f"Ошибка: {out}: это лист класса 7А, а не 7Б\n")
    with Store.open(db) as store:
        store.get_or_create_school("Другая школа")
    result = run("sheet", "import", out, "--school", "Другая школа", db=db)
    assert (result.exit_code, result.stderr) == (
        1, f"Ошибка: {out}: лист выгружен для школы «{SCHOOL}», а загружается в «Другая школа»\n")
    assert events(db, "sheet") == []


def test_a_sheet_of_an_older_checklist_version_is_refused(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    project = tmp_path / "project"
    shutil.copytree(TRACKING_PROJECT, project)
    checklist = project / "checklists" / "pupil.yml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8")
    fill(out, "Ученики", 4, 5, "+")
    result = run("sheet", "import", out, db=db, project=project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Ошибка: {out}: лист выгружен для версии 1 чек-листа «Чек-лист ученика», а сейчас версия 2; выгрузите лист "
        "заново (sferum-onboard sheet export) и перенесите отметки\n")


def test_files_that_are_not_class_sheets(db, people, tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "ФИО"
    book.save(tmp_path / "other.xlsx")
    cases = {
        tmp_path / "other.xlsx": "это не лист класса, выгруженный командой sferum-onboard sheet export "
                                 "(нет служебных данных выгрузки)",
        garbage(tmp_path / "g.xlsx"): "это не лист класса, выгруженный командой sferum-onboard sheet export "
                                      "(нет служебных данных выгрузки)",
        truncated_xlsx(tmp_path / "t.xlsx", [["ФИО"]] * 500): "книга Excel повреждена или обрезана, прочитать её "
                                                              "нельзя; выгрузите лист заново (sferum-onboard sheet export)",
    }
    for path, message in cases.items():
        result = run("sheet", "import", path, db=db)
        assert (result.exit_code, result.stderr) == (1, f"Ошибка: {path}: {message}\n")


def test_export_refuses_to_overwrite_and_an_unknown_class(db, people, tmp_path):
    out, _ = export(db, tmp_path)
    result = run("sheet", "export", "--class", "7А", "-o", out, db=db)
    assert result.exit_code == 2 and f"файл {out} уже есть; чтобы заменить его, добавьте --force" in result.output
    assert run("sheet", "export", "--class", "7А", "-o", out, "--force", db=db).exit_code == 0
    assert run("sheet", "export", "--class", "9В", "-o", tmp_path / "x.xlsx", db=db).exit_code == 1


def test_round_trip_on_postgres(store_url, tmp_path):
    with Store.open(store_url) as store:
        school = store.get_or_create_school(SCHOOL)
        pupil = add_person(store, school, "Иванов Иван", "pupil", class_name="7А")
    out = tmp_path / "7А.xlsx"
    assert run("sheet", "export", "--class", "7А", "-o", out, db=store_url).exit_code == 0
    fill(out, "Ученики", 4, 4, "+")
    result = run("sheet", "import", out, db=store_url)
    assert result.exit_code == 0, result.output
    with Store.open(store_url) as store:
        assert [(e.person_id, e.step_id, e.source) for e in store.events(school)] == [(pupil.id, "install-max", "sheet")]


@pytest.mark.parametrize("value, expected", [
    ("+", ("done", None)), (" Да ", ("done", None)), ("н/п", ("na", None)), ("", ("empty", None)), ("-", ("empty", None)),
    (None, ("empty", None)), (dt.datetime(2026, 9, 1, 0, 0), ("done", dt.date(2026, 9, 1))),
    ("12.09.2026", ("done", dt.date(2026, 9, 12))), ("12.09.26", ("done", dt.date(2026, 9, 12))),
    ("12.09", ("done", dt.date(2026, 9, 12))), ("28.12", ("done", dt.date(2025, 12, 28))),
    ("31.02.2026", None), ("может быть", None),
])
def test_marks(value, expected):
    assert parse_mark(value, dt.date(2026, 10, 1)) == expected
