"""Reading member lists and display names: copied text with its noise, tables the school typed, located problems."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from sferum_onboard.errors import DataError
from sferum_onboard.tracking.members import vocabulary as words
from sferum_onboard.tracking.members.display import read_display_name
from sferum_onboard.tracking.members.listing import parse_member_text, read_member_list
from tests.conftest import REPO, require
from tests.memberkit import PARENTS_7A, TABLE_7A


def names(listing) -> list[str]:
    return [m.name for m in listing.members]


def test_copied_list_keeps_names_and_drops_what_the_list_shows_around_them():
    listing = read_member_list(PARENTS_7A)
    assert names(listing) == [
        "Анна Сергеевна", "Мария Иванова", "Папа Иванова Пети", "Смирнова О.В", "Наталья Петрова", "",
        "Света Морозова", "Игорь Волков", "Лебедева", "Петорва Дарья", "Смирнов Олег", "Мама Никиты Козлова",
        "Сидоренко Вадим", "Котик", "Игорь Петрович", "Ирина Олеговна Белова"]
    assert listing.problems == ()
    assert listing.skipped == 12  # the header, counter, buttons and statuses (roles belong to the name above)
    by_line = {m.line: m for m in listing.members}
    assert by_line[8].text == "Мария Иванова 🌸"  # the line as copied
    assert by_line[5].marks == {"owner"}  # «владелец» under the name
    assert by_line[12].marks == {"admin"}
    assert by_line[16].phone == "9123456789"
    assert by_line[30].marks == {"admin"}


@pytest.mark.parametrize("line, name", [
    ("1. Иванова Мария", "Иванова Мария"),
    ("№ 12) Иванова Мария", "Иванова Мария"),
    ("Иванова Мария · в сети", "Иванова Мария"),
    ("Иванова Мария был(а) недавно", "Иванова Мария"),
    ("Иванова Мария, была в сети 5 минут назад", "Иванова Мария"),
    ("Иванова Мария — был(а) вчера в 18:30", "Иванова Мария"),
    ("Иванова Мария онлайн", "Иванова Мария"),
    ("🌸 Иванова  Мария 🌸✨", "Иванова Мария"),
    ("Иванова Мария +7 912 ***-**-45", "Иванова Мария"),
    ("Иванова Мария (вы)", "Иванова Мария"),
    ("Кузнецова Анна Сергеевна, классный руководитель", "Кузнецова Анна Сергеевна"),
    ("Мария (мама Пети)", "Мария (мама Пети)"),
    ("\u200bИванова\u00a0Мария\u200d", "Иванова Мария"),
])
def test_one_line_of_noise_around_a_name(line, name):
    assert names(parse_member_text(line)) == [name]


@pytest.mark.parametrize("line", ["в сети", "был(а) недавно", "была в сети 2 часа назад", "владелец", "администратор",
                                  "Участники 28", "Пригласить по ссылке", "12", "👍", "", "   ", "+7 912 ***-**-45",
                                  "ФИО", "Имя:"])
def test_noise_alone_is_no_member(line):
    listing = parse_member_text(line)
    assert listing.members == () and listing.problems == ()


def test_a_whole_phone_number_on_its_own_line_is_a_member_shown_by_number():
    listing = parse_member_text("Иванова Мария\n+7 (912) 345-67-89\nв сети")
    assert [(m.name, m.phone) for m in listing.members] == [("Иванова Мария", None), ("", "9123456789")]


def test_lines_that_cannot_be_a_name_are_problems_at_their_line():
    text = "Иванова Мария\nhttps://max.ru/join/abc\n" + "Очень длинное сообщение " * 10 + "\n=HYPERLINK(1)\nПетров Пётр"
    listing = parse_member_text(text, "список.txt")
    assert names(listing) == ["Иванова Мария", "Петров Пётр"]
    assert [(str(p.location), p.code) for p in listing.problems] == [
        ("список.txt:2:1", "members-url"), ("список.txt:3:1", "members-too-long"), ("список.txt:4:1", "members-markup")]
    assert listing.problems[0].message == "«https://max.ru/join/abc» — ссылка, а не имя участника"


def test_a_table_the_school_typed_is_read_by_its_header():
    listing = read_member_list(TABLE_7A)
    assert listing.kind == "table"
    assert [(m.line, m.name, m.class_hint, m.phone) for m in listing.members] == [
        (3, "Иванов Пётр", "7А", None), (4, "Смирнова Маша", None, None), (5, "Петрова Д.А", None, None),
        (6, "Саша Соколов", None, None), (7, "Волкова Катя", None, None), (8, "", None, "9000000000"),
        (9, "Кузнецова Анна Сергеевна", None, None), (10, "Смирнов Олег", "7Б", None)]


def test_a_table_row_without_a_name_is_a_problem(tmp_path):
    path = tmp_path / "чат.csv"
    path.write_text("ФИО;Класс\nИванова Мария;7А\n;7Б\n", encoding="cp1251")
    listing = read_member_list(path)
    assert names(listing) == ["Иванова Мария"]
    assert [(str(p.location), p.message) for p in listing.problems] == [
        (f"{path}:3:1", "в строке нет имени участника (столбец «ФИО» или «Имя» пуст)")]


def _workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Список чата 7А"])
    sheet.append(["Фамилия", "Имя", "Телефон"])
    sheet.append(["Иванова", "Мария", "+7 912 345 67 89"])
    sheet.append(["Смирнов", "Олег", None])
    book.save(path)


def test_an_xlsx_list_with_surname_and_name_columns(tmp_path):
    _workbook(tmp_path / "чат.xlsx")
    listing = read_member_list(tmp_path / "чат.xlsx")
    assert [(m.line, m.name, m.phone) for m in listing.members] == [
        (3, "Иванова Мария", "9123456789"), (4, "Смирнов Олег", None)]


def test_an_ods_list_saved_by_libreoffice(tmp_path):
    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice (soffice) не установлен")
    _workbook(tmp_path / "чат.xlsx")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(tmp_path / "ods"), str(tmp_path / "чат.xlsx")],
                   check=True, capture_output=True, timeout=240)
    listing = read_member_list(tmp_path / "ods" / "чат.ods")
    assert [(m.line, m.name, m.phone) for m in listing.members] == [
        (3, "Иванова Мария", "9123456789"), (4, "Смирнов Олег", None)]


@pytest.mark.parametrize("content, message", [
    (b"", "файл пуст"),
    (b"\x00\x01\x02" * 100, "это не таблица"),
    (b"PK\x03\x04garbage", "повреждена или обрезана"),
])
def test_files_that_are_no_list_are_refused_in_russian(tmp_path, content, message):
    path = tmp_path / "список.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_member_list(path)


def test_a_workbook_list_is_read_within_the_roster_limits(tmp_path):
    """Member lists open workbooks as rosters do: a stray cell far from the list is refused before
    calamine would hold the grid up to it, and a ZIP that is no workbook is no list."""
    _workbook(tmp_path / "чат.xlsx")
    book = load_workbook(tmp_path / "чат.xlsx")
    book.active["AMJ10000"] = "заметка"
    book.save(tmp_path / "чат.xlsx")
    with pytest.raises(DataError, match="последняя занятая ячейка AMJ10000"):
        read_member_list(tmp_path / "чат.xlsx")
    with zipfile.ZipFile(tmp_path / "письмо.docx", "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(DataError, match="это не список участников"):
        read_member_list(tmp_path / "письмо.docx")


def test_copied_text_saved_by_notepad_in_windows_1251_is_read(tmp_path):
    path = tmp_path / "чат.txt"
    path.write_bytes("Иванова Мария\r\nв сети\r\nПетров Пётр\r\n".encode("cp1251"))
    assert names(read_member_list(path)) == ["Иванова Мария", "Петров Пётр"]


# --- display names --------------------------------------------------------------------------


def test_a_short_name_and_initials_are_tokens_with_what_they_stand_for():
    name = read_display_name("Маша Иванова М.П.")
    assert [(t.text, t.initial, t.short_for) for t in name.tokens] == [
        ("маша", False, ("мария",)), ("иванова", False, ()), ("м", True, ()), ("п", True, ())]


@pytest.mark.parametrize("display, kin, child_forms", [
    ("Мама Пети", words.MOTHER, [{"петя"}]),
    ("Папа Иванова Пети", words.FATHER, [{"петя", "иванов"}]),
    ("мама Ивановой Маши", words.MOTHER, [{"маша", "иванова"}]),
    ("Петина мама", words.MOTHER, [{"петя"}]),
    ("Бабушка Андрея", words.RELATIVE, [{"андрей"}]),
    ("Мама Маши и Пети", words.MOTHER, [{"маша"}, {"петя"}]),
    ("Мария (мама Пети)", words.MOTHER, [{"петя"}]),
])
def test_a_family_name_names_the_child_in_the_nominative(display, kin, child_forms):
    name = read_display_name(display)
    assert name.kin == kin
    assert len(name.children) == len(child_forms)
    for tokens, wanted in zip(name.children, child_forms):
        assert wanted <= {form for token in tokens for form in token.forms}


def test_a_latin_name_is_read_back_into_cyrillic():
    name = read_display_name("Maria Ivanova")
    assert name.latin and [t.text for t in name.tokens] == ["мария", "иванова"]


def test_look_alike_latin_letters_inside_a_russian_name_are_fixed():
    assert [t.text for t in read_display_name("Ивaнова Мaрия").tokens] == ["иванова", "мария"]  # Latin «a»


def test_the_readme_samples_read_as_it_says():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Сверка участников чатов", 1)[1]
    copied, table = re.findall(r"```text\n(.*?)```", section, re.S)[:2]
    assert [(m.name, sorted(m.marks), m.phone) for m in parse_member_text(copied).members] == [
        ("Анна Сергеевна", ["owner"], None), ("Мария Иванова", [], None), ("Папа Иванова Пети", [], None),
        ("Смирнова О.В", ["admin"], None), ("", [], "9123456789"), ("Света Морозова", [], None)]
    assert [(m.name, m.class_hint, m.phone) for m in parse_member_text(table).members] == [
        ("Иванов Пётр", "7А", None), ("Смирнова Маша", None, None), ("", None, "9000000000")]
