"""The pure roster reader over files as schools have them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from sferum_onboard.errors import DataError
from sferum_onboard.tracking.roster import workbook as workbook_module
from sferum_onboard.tracking.roster import normalise_name, parse_classes, read_roster
from tests.rosterfiles import encrypted_xlsx, garbage, truncated_xlsx, with_shared_strings, write_csv, write_xlsx

PUPILS = [
    ["№", "ФИО обучающегося", "Класс", "Дата рождения"],
    [1, "Иванов Иван Иванович", "7А", "01.02.2013"],
    [2, "Петрова Алёна Сергеевна", "7 б", "03.04.2013"],
]
EXPECTED_PUPILS = [("Иванов Иван Иванович", "7А"), ("Петрова Алёна Сергеевна", "7Б")]


def pupils(roster):
    return [(p.full_name, p.class_name) for p in roster.people]


def _cp1251_semicolon(tmp):
    return write_csv(tmp / "r.csv", PUPILS, encoding="cp1251", delimiter=";")


def _utf8_bom_comma(tmp):
    return write_csv(tmp / "r.csv", PUPILS, delimiter=",", bom=True)


def _tab(tmp):
    return write_csv(tmp / "r.txt", PUPILS, delimiter="\t")


def _utf16_tab(tmp):  # Excel's «Текст Юникод»
    path = write_csv(tmp / "r.txt", PUPILS, delimiter="\t")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return path


def _title_rows(tmp):
    rows = [["МБОУ «Средняя школа № 2»"], ["Список обучающихся на 01.09.2026"], []] + PUPILS
    return write_csv(tmp / "r.csv", rows, encoding="cp1251")


def _three_columns(tmp):
    rows = [["Фамилия", "Имя", "Отчество", "Кл."], ["Иванов", "Иван", "Иванович", "7а"],
            ["Петрова", "Алёна", "Сергеевна", "7-Б"]]
    return write_csv(tmp / "r.csv", rows)


def _xlsx_blank_tail(tmp):
    return write_xlsx(tmp / "r.xlsx", PUPILS, blank_rows_after=50)


def _latin_class_letter(tmp):
    rows = [["Ф.И.О.", "Класс"], ["Иванов Иван Иванович", "7A"], ["Петрова Алёна Сергеевна", "7 Б"]]
    return write_csv(tmp / "r.csv", rows)


def _title_class_only(tmp):
    rows = [["Список обучающихся 7 «А» класса на 01.09.2026"], ["№", "ФИО"],
            [1, "Иванов Иван Иванович"], [2, "  петрова   алёна сергеевна "]]
    return write_csv(tmp / "r.csv", rows)


def _comma_in_header(tmp):  # «Фамилия, имя, отчество» in a «;» file: the comma is not the delimiter
    rows = [["Фамилия, имя, отчество", "Класс"], ["Иванов Иван Иванович", "7А"], ["Петрова Алёна Сергеевна", "7Б"]]
    return write_csv(tmp / "r.csv", rows)


def _merged_header(tmp):  # «ФИО» merged over «Фамилия | Имя | Отчество»
    rows = [["№", "ФИО", "", "", "Класс"], ["", "Фамилия", "Имя", "Отчество", ""],
            [1, "Иванов", "Иван", "Иванович", "7А"], [2, "Петрова", "Алёна", "Сергеевна", "7Б"]]
    return write_xlsx(tmp / "r.xlsx", rows)


def _sections(tmp):  # a whole-school list with a row per class instead of a class column
    rows = [["№", "Фамилия, имя, отчество"], ["7 А класс"], [1, "Иванов Иван Иванович"], ["7Б"],
            ["№", "Фамилия, имя, отчество"], [1, "Петрова Алёна Сергеевна"], ["Итого: 2 человека"],
            ["", "Классный руководитель ______ /Орлова Н. П./"]]
    return write_csv(tmp / "r.csv", rows, encoding="cp1251")


def _sheet_per_class(tmp):
    return write_xlsx(tmp / "r.xlsx", [], sheets={
        "7А": [["ФИО", "Телефон"], ["Иванов Иван Иванович", "+7 900 000-00-01"]],
        "7Б": [["ФИО", "Телефон"], ["Петрова Алёна Сергеевна", ""]],
    })


def _excel_shared_strings(tmp):  # as Excel saves: a shared-string table, with rich-text runs and phonetic hints
    rich = {"Петрова Алёна Сергеевна": "<si><r><t xml:space=\"preserve\">Петрова </t></r><r><rPr><b/></rPr>"
                                      "<t>Алёна Сергеевна</t></r><rPh sb=\"0\" eb=\"1\"><t>ペ</t></rPh></si>"}
    return with_shared_strings(write_xlsx(tmp / "r.xlsx", PUPILS), rich)


def _excel_sep_hint(tmp):
    path = write_csv(tmp / "r.csv", PUPILS, delimiter=",")
    path.write_bytes(b"sep=,\r\n" + path.read_bytes())
    return path


def _excel_sep_hint_tab(tmp):  # the hint names a tab: the line must not be stripped before it is read
    path = write_csv(tmp / "r.csv", PUPILS, delimiter="\t")
    path.write_bytes(b"sep=\t\r\n" + path.read_bytes())
    return path


VARIANTS = {
    "cp1251 with ;": (_cp1251_semicolon, "cp1251", ";"),
    "UTF-8 BOM with ,": (_utf8_bom_comma, "utf-8-sig", ","),
    "tab-separated": (_tab, "utf-8", "\t"),
    "UTF-16 text": (_utf16_tab, "utf-16", "\t"),
    "title rows above the header": (_title_rows, "cp1251", ";"),
    "surname, name, patronymic columns": (_three_columns, "utf-8", ";"),
    "XLSX with blank rows at the end": (_xlsx_blank_tail, None, None),
    "Latin letters in class names": (_latin_class_letter, "utf-8", ";"),
    "class only in the title": (_title_class_only, "utf-8", ";", "7А"),
    "merged ФИО header": (_merged_header, None, None),
    "a comma inside the header of a ; file": (_comma_in_header, "utf-8", ";"),
    "class sections": (_sections, "cp1251", ";"),
    "a sheet per class": (_sheet_per_class, None, None),
    "Excel sep= line": (_excel_sep_hint, "utf-8", ","),
    "Excel sep= line naming a tab": (_excel_sep_hint_tab, "utf-8", "\t"),
    "XLSX with shared strings and rich text": (_excel_shared_strings, None, None),
}


@pytest.mark.parametrize("make", VARIANTS.values(), ids=VARIANTS.keys())
def test_variants_read_the_same(tmp_path, make):
    writer, encoding, delimiter, *one_class = make
    roster = read_roster(writer(tmp_path))
    assert roster.problems == ()
    assert roster.kind == "pupils" and roster.kind_detected
    assert roster.encoding == encoding and roster.delimiter == delimiter
    assert pupils(roster) == [(name, one_class[0] if one_class else cls) for name, cls in EXPECTED_PUPILS]


def test_problem_rows_are_located_and_left_out(tmp_path):
    rows = [["ФИО", "Класс"], ["Иванов Иван", "7А"], ["Сидоров", "7А"], ["Петров Пётр", ""],
            ["Козлов Олег", "13Б"], ["", "7А"], ["Смирнов 7А Иван", "7А"], ["Иванов Иван", "7 а"]]
    path = write_csv(tmp_path / "r.csv", rows)
    roster = read_roster(path)
    assert pupils(roster) == [("Иванов Иван", "7А")]
    assert [str(p) for p in roster.problems] == [
        f"{path}:3:1: «Сидоров»: нужны хотя бы фамилия и имя",
        f"{path}:4:2: не указан класс ученика «Петров Пётр»",
        f"{path}:5:2: «13Б» — не название класса (ожидается, например, «7А» или «11Б»)",
        f"{path}:6:1: не указаны фамилия и имя",
        f"{path}:7:1: «Смирнов 7А Иван»: в ФИО есть цифры — проверьте, не попал ли сюда класс, номер или телефон",
        f"{path}:8:1: «Иванов Иван» (7А) уже есть в строке 2",
    ]


def test_parents_with_several_children_in_a_cell_and_on_rows(tmp_path):
    rows = [["ФИО родителя (законного представителя)", "Ребёнок", "Класс", "Телефон", "Кем приходится"],
            ["Иванова Анна Петровна", "Иванов Иван; Иванова Ольга", "7А; 3Б", "+7 900 000-00-01", "мать"],
            ["иванова анна петровна", "Иванов Пётр, 5В", "", "+7 900 000-00-01", "мать"],
            ["Сидоров Олег", "Сидорова Мария (2 «А»)", "", "", "отец"],
            ["Кузнецов Павел", "", "4А", "", ""],
            ["Смирнова Ольга", "Смирнов Кирилл, Смирнова Дарья", "1А; 2Б; 3В", "", ""]]
    path = write_csv(tmp_path / "p.csv", rows, encoding="cp1251")
    roster = read_roster(path)
    assert roster.kind == "parents"
    assert [(p.full_name, p.children, p.contact, p.row) for p in roster.people] == [
        ("Иванова Анна Петровна", (("Иванов Иван", "7А"), ("Иванова Ольга", "3Б"), ("Иванов Пётр", "5В")),
         "+7 900 000-00-01", 2),
        ("Сидоров Олег", (("Сидорова Мария", "2А"),), None, 4),
    ]
    assert [str(p) for p in roster.problems] == [
        f"{path}:5:2: не указан ребёнок родителя «Кузнецов Павел»",
        f"{path}:6:3: детей 2, а классов 3: укажите класс для каждого ребёнка в том же порядке",
    ]


def test_mother_and_father_columns_of_a_journal_export(tmp_path):
    rows = [["ФИО обучающегося", "Класс", "ФИО матери", "Телефон матери", "ФИО отца", "Телефон отца"],
            ["Иванов Иван", "7А", "Иванова Анна", "+79000000001", "Иванов Пётр", "+79000000002"],
            ["Петрова Алёна", "7А", "Петрова Ольга", "", "", ""]]
    path = write_xlsx(tmp_path / "j.xlsx", rows)
    roster = read_roster(path, kind="parents")
    assert [(p.full_name, p.contact, p.children) for p in roster.people] == [
        ("Иванова Анна", "+79000000001", (("Иванов Иван", "7А"),)),
        ("Иванов Пётр", "+79000000002", (("Иванов Иван", "7А"),)),
        ("Петрова Ольга", None, (("Петрова Алёна", "7А"),)),
    ]
    assert [(p.full_name, p.class_name) for p in read_roster(path, kind="pupils").people] == [
        ("Иванов Иван", "7А"), ("Петрова Алёна", "7А")]


def test_staff_positions_subjects_and_class_leadership(tmp_path):
    rows = [["Список педагогических работников"],
            ["№ п/п", "Ф. И. О.", "Должность", "Преподаваемые предметы", "Кл. рук.", "Классы", "E-mail"],
            [1, "Петрова Ольга Ивановна", "Учитель", "Математика; Физика", "7 А", "5А, 6 Б, 7А", "p@school.ru"],
            [2, "Козлова Елена Викторовна", "Педагог-психолог", "", "нет", "", ""],
            [3, "Смирнов Олег Петрович", "учитель-логопед", "", "", "", ""],
            [4, "Орлова Нина Павловна", "социальный педагог", "", "", "", ""],
            [5, "Белова Анна Сергеевна", "учитель-дефектолог", "", "", "", ""],
            [6, "Петрова Ольга Ивановна", "педагог дополнительного образования", "Робототехника", "", "", ""],
            [7, "Волков Иван Ильич", "заместитель директора, администратор Сферума", "", "", "", ""],
            [8, "Зайцев Павел Олегович", "учитель", "История", "7Щ5", "", ""]]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    roster = read_roster(path)
    assert roster.kind == "staff" and roster.header_row == 2
    got = {p.full_name: p for p in roster.people}
    petrova = got["Петрова Ольга Ивановна"]
    assert (petrova.position, petrova.subjects, petrova.led_classes, petrova.classes_taught, petrova.contact) == (
        "учитель, педагог дополнительного образования", ("Математика", "Физика", "Робототехника"), ("7А",),
        ("5А", "6Б", "7А"), "p@school.ru")
    assert [n for n, p in got.items() if p.specialist] == [
        "Козлова Елена Викторовна", "Смирнов Олег Петрович", "Орлова Нина Павловна", "Белова Анна Сергеевна"]
    assert got["Волков Иван Ильич"].role == "administrator"
    assert [str(p) for p in roster.problems] == [
        f"{path}:10:5: «7щ5» — не название класса (ожидается, например, «7А» или «11Б»)"]


def test_leader_column_with_yes_and_a_class_column(tmp_path):
    rows = [["ФИО", "Должность", "Класс", "Классный руководитель"],
            ["Петрова Ольга", "учитель", "7А", "да"], ["Зайцев Павел", "учитель", "", ""]]
    roster = read_roster(write_csv(tmp_path / "s.csv", rows))
    assert [(p.full_name, p.led_classes) for p in roster.people] == [("Петрова Ольга", ("7А",)), ("Зайцев Павел", ())]


def test_a_pupil_list_naming_the_class_leader_is_not_a_staff_list(tmp_path):
    rows = [["ФИО", "Класс", "Классный руководитель"], ["Иванов Иван", "7А", "Петрова О. И."]]
    roster = read_roster(write_csv(tmp_path / "p.csv", rows))
    assert roster.kind == "pupils" and pupils(roster) == [("Иванов Иван", "7А")]


def test_extra_columns_ignored_and_whitespace_normalised(tmp_path):
    rows = [["СНИЛС", "Фамилия Имя Отчество", "Пол", "Класс"],
            ["123", "  ИВАНОВ\u00a0 Иван\u200b  Иванович ", "м", " 7 «А» "]]
    roster = read_roster(write_csv(tmp_path / "p.csv", rows))
    assert pupils(roster) == [("Иванов Иван Иванович", "7А")]


def test_progress_is_reported(tmp_path):
    rows = [["ФИО", "Класс"]] + [[f"Иванов Иван{i:05d}".translate(str.maketrans("0123456789", "абвгдежзик")), "5А"]
                                 for i in range(5000)]
    calls = []
    roster = read_roster(write_csv(tmp_path / "big.csv", rows), progress=lambda done, total: calls.append((done, total)))
    assert len(roster.people) == 5000
    assert calls[-1][0] == calls[-1][1] and len(calls) >= 3


@pytest.mark.parametrize("text, expected", [
    ("иванова-петрова мария", "Иванова-Петрова Мария"),
    ("ИВАНОВ Иван Иванович", "Иванов Иван Иванович"),
    ("Мамедов Али Мамед оглы", "Мамедов Али Мамед оглы"),
    ("Ивaнов Иван", "Иванов Иван"),  # a Latin «a» inside a Russian word
    ("Иванова - Петрова  Анна", "Иванова-Петрова Анна"),
])
def test_names_are_normalised(text, expected):
    assert normalise_name(text) == expected


def test_class_lists():
    assert parse_classes("5-А; 6 «Б», 7A классы") == (["5А", "6Б", "7А"], [])
    assert parse_classes("5А 6Б") == (["5А", "6Б"], [])
    assert parse_classes("7А, кабинет 12") == (["7А"], ["кабинет 12"])


# --- whole-file faults: a clear Russian message ----------------------------------


def test_faults(tmp_path):
    def message(path, **kw):
        with pytest.raises(DataError) as error:
            read_roster(path, **kw)
        return str(error.value)

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert message(empty) == f"{empty}: файл пуст"
    assert message(tmp_path / "nope.csv") == f"{tmp_path / 'nope.csv'}: файл не найден"
    g = garbage(tmp_path / "g.xlsx")
    assert message(g) == f"{g}: это не таблица — ожидается книга Excel (XLSX), таблица OpenDocument (ODS) или текстовый файл CSV"
    e = encrypted_xlsx(tmp_path / "e.xlsx")
    assert message(e) == (f"{e}: книга защищена паролем; откройте её в Excel, снимите пароль (Файл → Сведения → "
                          "Защита книги) и сохраните заново — или сохраните лист как CSV")
    t = truncated_xlsx(tmp_path / "t.xlsx", PUPILS * 50)
    assert message(t) == (f"{t}: книга Excel повреждена или обрезана, прочитать её нельзя; сохраните файл заново "
                          "или выгрузите список ещё раз")
    pipe = write_csv(tmp_path / "pipe.csv", PUPILS, delimiter="|")
    assert message(pipe) == (f"{pipe}:1: столбцы не разделены ни «;», ни «,», ни табуляцией (строка заголовка "
                             "прочитана как одна ячейка: «№|ФИО обучающегося|Класс|Дата рождения»); сохраните "
                             "файл как CSV с разделителем «;»")
    headless = write_csv(tmp_path / "h.csv", PUPILS[1:])
    assert message(headless) == (f"{headless}: не найдена строка заголовка — в первых 30 строках нет столбца «ФИО» "
                                 "(или столбцов «Фамилия» и «Имя»); добавьте строку с названиями столбцов над списком")
    only_header = write_csv(tmp_path / "o.csv", PUPILS[:1])
    assert message(only_header) == f"{only_header}: под строкой заголовка (строка 1) нет ни одной строки со списком"
    no_child = write_csv(tmp_path / "nc.csv", [["ФИО", "Класс"], ["Иванова Анна", "7А"]])
    assert message(no_child, kind="parents") == (
        f"{no_child}: в списке родителей нет столбца с ребёнком («Ребёнок», «ФИО ребёнка» или «Обучающийся»); "
        "без него родителя не связать с учеником")
    assert message(only_header, kind="parents") == (
        f"{only_header}: в списке родителей нет столбца с ФИО родителя («ФИО», «ФИО родителя», «ФИО матери» "
        "или «ФИО отца»)")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert message(xls) == (f"{xls}: это книга старого формата Excel 97–2003 (XLS); сохраните её как "
                            "«Книга Excel (*.xlsx)» или как CSV")


def test_xlsx_numbers_and_dates_read_as_the_list_shows_them(tmp_path):
    """Excel keeps every number as a float: a phone, a class number and a date must not come out as
    «79001234567.0», «7.0» or a serial number."""
    rows = [["ФИО", "Класс", "Буква", "Телефон", "Дата рождения"],
            ["Иванов Иван", 7, "а", 79001234567, dt.datetime(2013, 2, 1)],
            ["Петрова Алёна", 11.0, "Б", 89001234567.0, dt.date(2012, 3, 4)]]
    roster = read_roster(write_xlsx(tmp_path / "n.xlsx", rows))
    assert [(p.full_name, p.class_name, p.contact) for p in roster.people] == [
        ("Иванов Иван", "7А", "79001234567"), ("Петрова Алёна", "11Б", "89001234567")]
    rows = [["ФИО", "Класс"], ["Иванов Иван", dt.datetime(2013, 2, 1)], ["Петрова Алёна", 1.5]]
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    assert [str(p).split(": ", 1)[1] for p in read_roster(path).problems] == [
        "«01.02.2013» — не название класса (ожидается, например, «7А» или «11Б»)",
        "«1.5» — не название класса (ожидается, например, «7А» или «11Б»)"]


def test_a_sheet_used_far_beyond_any_list_is_refused_before_reading(tmp_path, monkeypatch):
    """The XLSX reader holds a sheet as one grid up to its last used cell: a stray value in XFD1048576
    would need hundreds of gigabytes. The limit is lowered here so that a failure stays cheap."""
    monkeypatch.setattr(workbook_module, "MAX_SHEET_CELLS", 10_000)

    def workbook(name: str, stray: str):
        path = write_xlsx(tmp_path / name, [], sheets={"Список": PUPILS, "Скрытый": [["x"]]})
        book = openpyxl.load_workbook(path)
        book["Список"][stray] = "заметка"
        book["Скрытый"]["CV300"] = "x"
        book["Скрытый"].sheet_state = "hidden"  # a hidden sheet is not read, so it is not refused either
        book.save(path)
        return path

    far = workbook("far.xlsx", "CV200")  # 100 columns × 200 rows
    with pytest.raises(DataError) as error:
        read_roster(far)
    assert str(error.value) == (
        f"{far}: на листе заняты ячейки далеко за списком — последняя занятая ячейка CV200; такой лист не "
        "прочитать. Удалите лишние строки и столбцы за списком (Ctrl+End покажет эту ячейку) и сохраните "
        "файл заново — или сохраните лист как CSV")
    assert pupils(read_roster(workbook("near.xlsx", "CV99"))) == EXPECTED_PUPILS
