"""`roster import` and `roster list` against a real store (SQLite, and PostgreSQL where cheap)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import Store
from tests.rosterfiles import encrypted_xlsx, garbage, truncated_xlsx, write_csv, write_xlsx
from tests.storekit import TRACKING_PROJECT, add_person, store_url  # noqa: F401 (fixture)

PUPILS = [["Список обучающихся на 01.09.2026"], ["№", "ФИО", "Класс"],
          [1, "Иванов Иван Иванович", "7А"], [2, "Петрова Алёна Сергеевна", "7 б"]]


def run(*args, db):
    result = CliRunner().invoke(cli, [*map(str, args), "--db", str(db), "--project", str(TRACKING_PROJECT)])
    return result


def listed(db, *args):
    result = CliRunner().invoke(cli, ["roster", "list", "--db", str(db), "--format", "json", "--all", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def stored_people(db) -> int:
    with Store.open(str(db)) as store:
        return sum(len(store.people(s, active=None)) for s in store.schools())


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.sqlite"


def test_import_reports_the_file_and_what_was_written(tmp_path, db):
    path = write_csv(tmp_path / "7.csv", PUPILS, encoding="cp1251")
    result = run("roster", "import", path, db=db)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Файл {path}: CSV, кодировка Windows-1251, разделитель «;»; список: ученики (вид определён по заголовку), "
        "заголовок в строке 2.\n"
        "В списке 2 человека (строк с данными: 2).\n"
        "Добавлено: 2 человека\n"
        "  Иванов Иван Иванович, ученик (7А)\n"
        "  Петрова Алёна Сергеевна, ученик (7Б)\n"
        "Без изменений: 0 человек\n"
        f"Записано в базу {db}, школа «Школа для тестов учёта».\n"
    )
    people = listed(db)
    assert [(p["id"], p["full_name"], p["role"], p["class"], p["class_leader"], p["specialist"], p["active"])
            for p in people] == [(1, "Иванов Иван Иванович", "pupil", "7А", False, False, True),
                                 (2, "Петрова Алёна Сергеевна", "pupil", "7Б", False, False, True)]


def test_reimport_changes_nothing_and_a_moved_pupil_is_moved(tmp_path, db):
    path = write_csv(tmp_path / "7.csv", PUPILS)
    assert run("roster", "import", path, db=db).exit_code == 0
    again = run("roster", "import", path, db=db)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[2:] == ["Без изменений: 2 человека",
                                             "В базе уже всё так, как в списке: ничего не изменено."]
    moved = write_xlsx(tmp_path / "8.xlsx", [["ФИО", "Класс"], ["ИВАНОВ Иван Иванович", "8A"],
                                             ["Петрова Алёна Сергеевна", "7Б"]])
    result = run("roster", "import", moved, "--apply-moves", db=db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:5] == ["Переведено в другой класс: 1 человек",
                                               "  Иванов Иван Иванович: 7А → 8А", "Без изменений: 1 человек"]
    assert [(p["full_name"], p["class"]) for p in listed(db)] == [
        ("Петрова Алёна Сергеевна", "7Б"), ("Иванов Иван Иванович", "8А")]


def test_a_bad_row_means_nothing_is_written_unless_skip_invalid(tmp_path, db):
    path = write_csv(tmp_path / "bad.csv", PUPILS + [[3, "Сидоров", "7А"], [4, "Козлов Олег", "15В"]])
    result = run("roster", "import", path, db=db)
    assert result.exit_code == 1
    assert result.stderr == (
        "Строки с ошибками:\n"
        f"  {path}:5:2: «Сидоров»: нужны хотя бы фамилия и имя\n"
        f"  {path}:6:3: «15В» — не название класса (ожидается, например, «7А» или «11Б»)\n"
        "Ничего не записано: 2 ошибки. Исправьте список или добавьте --skip-invalid, чтобы загрузить остальных.\n")
    assert stored_people(db) == 0
    skipped = run("roster", "import", path, "--skip-invalid", db=db)
    assert skipped.exit_code == 0, skipped.output
    assert "Пропущено строк с ошибками: 2 (--skip-invalid).\n" in skipped.stderr
    assert stored_people(db) == 2


def test_dry_run_writes_nothing(tmp_path, db):
    path = write_csv(tmp_path / "7.csv", PUPILS)
    result = run("roster", "import", path, "--dry-run", db=db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "Будет добавлено: 2 человека", "  Иванов Иван Иванович, ученик (7А)", "  Петрова Алёна Сергеевна, ученик (7Б)",
        "Без изменений: 0 человек", "Пробный запуск (--dry-run): в базе ничего не изменено."]
    with Store.open(str(db)) as store:
        assert store.schools() == []


def test_missing_people_are_reported_and_deactivated_only_with_the_flag(tmp_path, db):
    assert run("roster", "import", write_csv(tmp_path / "a.csv", PUPILS), db=db).exit_code == 0
    smaller = write_csv(tmp_path / "b.csv", PUPILS[:3])
    result = run("roster", "import", smaller, db=db)
    assert result.output.splitlines()[3:5] == [
        "Нет в новом списке: 1 человек — они остались в базе; чтобы отметить их выбывшими, добавьте --deactivate-missing",
        "  #2 Петрова Алёна Сергеевна, ученик (7Б)"]
    assert all(p["active"] for p in listed(db))
    result = run("roster", "import", smaller, "--deactivate-missing", db=db)
    assert result.exit_code == 0, result.output
    assert "Отмечены выбывшими: 1 человек" in result.output
    assert [(p["full_name"], p["active"]) for p in listed(db)] == [
        ("Иванов Иван Иванович", True), ("Петрова Алёна Сергеевна", False)]


def test_parents_and_staff(tmp_path, store_url):
    db = store_url
    assert run("roster", "import", write_csv(tmp_path / "p.csv", PUPILS), db=db).exit_code == 0
    parents = write_csv(tmp_path / "parents.csv", [
        ["ФИО родителя", "ФИО ребёнка", "Класс", "Телефон"],
        ["Иванова Анна Петровна", "Иванов Иван Иванович; Петрова Алёна Сергеевна", "7А; 7Б", "+7 900 000-00-01"],
        ["Петров Сергей", "Петрова Алена Сергеевна", "7Б", ""]], delimiter=",", bom=True)
    result = run("roster", "import", parents, db=db)
    assert result.exit_code == 0, result.output
    staff = write_xlsx(tmp_path / "staff.xlsx", [
        ["ФИО", "Должность", "Предмет", "Классное руководство"],
        ["Орлова Нина Павловна", "учитель", "Математика", "7А"],
        ["Белова Анна Сергеевна", "педагог-психолог", "", ""]])
    result = run("roster", "import", staff, db=db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"Файл {staff}: книга Excel; список: сотрудники (вид определён по заголовку), заголовок в строке 1.")
    people = {p["full_name"]: p for p in listed(db)}
    assert people["Иванова Анна Петровна"]["classes"] == ["7А", "7Б"]
    assert people["Иванова Анна Петровна"]["contact"] == "+7 900 000-00-01"
    assert len(people["Иванова Анна Петровна"]["children"]) == 2
    assert (people["Орлова Нина Павловна"]["class_leader"], people["Орлова Нина Павловна"]["led_classes"]) == (True, ["7А"])
    assert people["Белова Анна Сергеевна"]["specialist"] is True
    assert sorted(p["full_name"] for p in listed(db, "--class", "7 а")) == [
        "Иванов Иван Иванович", "Иванова Анна Петровна", "Орлова Нина Павловна"]


def test_a_parent_whose_child_is_unknown_blocks_the_import(tmp_path, db):
    assert run("roster", "import", write_csv(tmp_path / "p.csv", PUPILS), db=db).exit_code == 0
    parents = write_csv(tmp_path / "parents.csv", [["ФИО", "Ребёнок", "Класс"], ["Смирнова Ольга", "Смирнов Кирилл", "3В"]])
    result = run("roster", "import", parents, db=db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Строки с ошибками:\n  {parents}:2:1: ребёнок «Смирнов Кирилл» (3В) не найден")
    assert stored_people(db) == 2


def test_csv_list_keeps_formulas_as_text(tmp_path, db):
    """Rosters refuse such names now; a store filled before that (or by hand) still prints them inert."""
    with Store.open(str(db)) as store:
        school = store.get_or_create_school("Школа")
        for name in ('=HYPERLINK("http://x") Иван', "@Sum Пётр"):
            add_person(store, school, name, "pupil", class_name="7А")
    result = CliRunner().invoke(cli, ["roster", "list", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.output), delimiter=";"))
    assert table[0][:4] == ["id", "full_name", "role", "class"]
    assert sorted(r[1] for r in table[1:]) == ["'=HYPERLINK(\"http://x\") Иван", "'@Sum Пётр"]


BAD_FILES = {
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "{file}: файл пуст"),
    "garbage": (garbage, "{file}: это не таблица — ожидается книга Excel (XLSX), таблица OpenDocument (ODS) или текстовый файл CSV"),
    "password": (encrypted_xlsx, "{file}: книга защищена паролем; откройте её в Excel, снимите пароль "
                                 "(Файл → Сведения → Защита книги) и сохраните заново — или сохраните лист как CSV"),
    "truncated": (lambda p: truncated_xlsx(p, PUPILS * 40), "{file}: книга Excel повреждена или обрезана, прочитать "
                                                            "её нельзя; сохраните файл заново или выгрузите список ещё раз"),
    "wrong delimiter": (lambda p: write_csv(p, PUPILS, delimiter="|"),
                        "{file}:2: столбцы не разделены ни «;», ни «,», ни табуляцией (строка заголовка прочитана как "
                        "одна ячейка: «№|ФИО|Класс»); сохраните файл как CSV с разделителем «;»"),
    "truncated utf-16": (lambda p: (p.write_bytes(b"\xff\xfe\x00"), p)[1],
                         "{file}: не найдена строка заголовка — в первых 30 строках нет столбца «ФИО» (или столбцов "
                         "«Фамилия» и «Имя»); добавьте строку с названиями столбцов над списком"),
    "no header": (lambda p: write_csv(p, PUPILS[2:]),
                  "{file}: не найдена строка заголовка — в первых 30 строках нет столбца «ФИО» (или столбцов «Фамилия» "
                  "и «Имя»); добавьте строку с названиями столбцов над списком"),
}


@pytest.mark.parametrize("make, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_exit_1_and_write_nothing(tmp_path, db, make, message):
    path = make(tmp_path / "list.xlsx")
    result = run("roster", "import", path, db=db)
    assert result.exit_code == 1
    assert result.stderr == f"Ошибка: {message.format(file=path)}\n"
    assert not db.exists() or stored_people(db) == 0
