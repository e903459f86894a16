"""The confirm sheet of a member check: the administrator decides each unsure line, and it comes back.

`build_sheet` writes a private workbook: a row per member of the list (in
the list's order) with what was found and why, a column where the
administrator types the person's code (or «нет»: nobody of the school) for
each line still open, the people missing from the chat, instructions, and a
hidden sheet naming the stored check. Lines recorded from the list are
filled in and locked. `read_sheet` reads the returned book, saved by Excel
or LibreOffice as XLSX or ODS (python-calamine reads both), into decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from sferum_onboard.dates import DATETIME_FORMAT, date_text
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import MEMBERS, ROSTER, SHEET
from sferum_onboard.outputs.member_labels import WORDS, person_text, reasons_text
from sferum_onboard.outputs.spreadsheet import text_cell
from sferum_onboard.tracking.members.matching import MISSING, OUTSIDER, UNSURE, Reconciliation
from sferum_onboard.tracking.members.recording import Decision
from sferum_onboard.tracking.model import MemberCheck, Person, School
from sferum_onboard.tracking.roster.files import open_workbook
from sferum_onboard.tracking.roster.workbook import cell_code, plain_text

FORMAT = "sferum-onboard member check"
FORMAT_VERSION = 1
CHECK_SHEET, MISSING_SHEET, INSTRUCTIONS_SHEET, META_SHEET = "Сверка", "Нет в чате", "Как заполнять", "meta"
COLUMNS = ("Строка", "Из списка чата", "Итог", "Кто это", "Уверенность, %", "Почему", "Решение: код или «нет»")
LINE, TEXT, DECISION = 1, 2, 7
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 3, 4
OPEN = (UNSURE, OUTSIDER)  # outcomes the administrator decides on the sheet
NOT_OURS = {"нет", "не наш", "не наша", "не наши", "посторонний", "посторонняя", "чужой", "чужая", "x", "х"}


def build_sheet(school: School, check: MemberCheck, result: Reconciliation, people: Mapping[int, Person]):
    """The workbook (openpyxl), ready to save."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    pupil_classes = {p.id: p.class_name for p in people.values() if p.role == "pupil" and p.active}
    book = Workbook()
    ws = book.active
    ws.title = CHECK_SHEET
    text_cell(ws.cell(TITLE_ROW, 1), _title(school, check)).font = Font(bold=True, size=12)
    text_cell(ws.cell(TITLE_ROW + 1, 1), WORDS["sheet-hint"])
    for column, title in enumerate(COLUMNS, 1):
        cell = text_cell(ws.cell(HEADER_ROW, column), title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    open_fill = PatternFill("solid", fgColor="FFF4CC")
    row = FIRST_ROW
    for entry in sorted((r for r in result.rows if r.member is not None), key=lambda r: r.member.line):
        who = ""
        if entry.person_id is not None:
            who = person_text(people[entry.person_id], pupil_classes)
        elif entry.candidates:
            who = "\n".join(f"{person_text(people[c.person_id], pupil_classes)} — {c.confidence} %"
                            for c in entry.candidates)
        ws.cell(row, LINE, entry.member.line)
        text_cell(ws.cell(row, TEXT), entry.member.text)
        text_cell(ws.cell(row, 3), WORDS["outcomes"][entry.outcome])
        text_cell(ws.cell(row, 4), who)
        if entry.confidence is not None:
            ws.cell(row, 5, entry.confidence)
        text_cell(ws.cell(row, 6), reasons_text(entry.reasons, people, pupil_classes))
        decision = ws.cell(row, DECISION)
        if entry.outcome in OPEN:
            decision.protection = Protection(locked=False)
            decision.fill = open_fill
            codes = [str(c.person_id) for c in entry.candidates][:4] + ["нет"]
            choice = DataValidation(type="list", formula1=f'"{",".join(codes)}"', allow_blank=True,
                                    showErrorMessage=False)
            choice.add(decision.coordinate)
            ws.add_data_validation(choice)
        elif entry.person_id is not None:
            decision.value = entry.person_id
        for column in range(1, len(COLUMNS) + 1):
            ws.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    for letter, width in zip("ABCDEFG", (8, 34, 16, 46, 12, 40, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(FIRST_ROW, 3)
    ws.protection.sheet = True  # only the decisions of open lines can be typed
    _missing_sheet(book, result, people, pupil_classes)
    _instructions(book, school, check)
    _meta(book, school, check)
    return book


def _title(school: School, check: MemberCheck) -> str:
    chat = f"«{check.chat}»" if check.chat else WORDS["sheet-no-chat"]
    return WORDS["sheet-title"].format(chat=chat, class_name=check.class_name, date=date_text(check.listed_at),
                                               school=school.name)


def _missing_sheet(book, result: Reconciliation, people, pupil_classes) -> None:
    from openpyxl.styles import Font

    ws = book.create_sheet(MISSING_SHEET)
    text_cell(ws.cell(1, 1), WORDS["missing-title"]).font = Font(bold=True)
    for n, entry in enumerate(result.of(MISSING), 2):
        text_cell(ws.cell(n, 1), person_text(people[entry.person_id], pupil_classes))
    ws.column_dimensions["A"].width = 60
    ws.protection.sheet = True


def _instructions(book, school: School, check: MemberCheck) -> None:
    from openpyxl.styles import Alignment

    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    for n, line in enumerate(WORDS["sheet-instructions"].format(
            title=_title(school, check), recorded=check.recorded_at.strftime(DATETIME_FORMAT)).split("\n"), 1):
        text_cell(ws.cell(n, 1), line).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _meta(book, school: School, check: MemberCheck) -> None:
    ws = book.create_sheet(META_SHEET)
    values = (("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("school", school.name),
              ("school_id", str(school.id)), ("check_id", str(check.id)), ("class", check.class_name),
              ("listed_at", check.listed_at.isoformat()))
    for n, (key, value) in enumerate(values, 1):
        text_cell(ws.cell(n, 1), key)
        text_cell(ws.cell(n, 2), value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# --- reading a returned sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedSheet:
    path: Path
    school: str
    school_id: int
    check_id: int
    decisions: tuple[Decision, ...]
    problems: tuple[Problem, ...]


_BOOK_MESSAGES = {**ROSTER, "xlsx-broken": MEMBERS["sheet-unreadable"], "ods-broken": MEMBERS["sheet-unreadable"],
                  "xlsx-encrypted": SHEET["xlsx-encrypted"], "ods-encrypted": SHEET["ods-encrypted"],
                  "binary": MEMBERS["sheet-not-ours"]}


def read_sheet(path: Path) -> ReturnedSheet:
    """The decisions of a returned confirm sheet, XLSX or ODS (DataError when it is not one)."""
    path = Path(path)
    label = str(path)
    book = open_workbook(path, _BOOK_MESSAGES)
    names = {s.name for s in book.sheets}
    if META_SHEET not in names or CHECK_SHEET not in names:
        raise DataError(MEMBERS["sheet-not-ours"].format(file=label))
    meta = {str(row[0]): plain_text(row[1]) for row in book.rows(META_SHEET) if len(row) > 1 and row[0]}
    rows = book.rows(CHECK_SHEET, f"{label}[{CHECK_SHEET}]")
    if meta.get("format") != FORMAT:
        raise DataError(MEMBERS["sheet-not-ours"].format(file=label))
    try:
        if int(meta.get("format_version", "0")) > FORMAT_VERSION:
            raise DataError(MEMBERS["sheet-newer"].format(file=label))
        school_id, check_id = int(meta["school_id"]), int(meta["check_id"])
    except (KeyError, ValueError):
        raise DataError(MEMBERS["sheet-broken"].format(file=label)) from None
    where = f"{label}[{CHECK_SHEET}]"
    decisions, problems = [], []
    for number, values in enumerate(rows, 1):
        if number < FIRST_ROW or len(values) < DECISION:
            continue
        line = cell_code(values[LINE - 1])
        if line is None:
            continue
        location = Location(where, number, DECISION)
        value = values[DECISION - 1]
        code, text = cell_code(value), plain_text(value)
        if code is None and text.lstrip("#№").strip().isdecimal():
            code = int(text.lstrip("#№").strip())
        outsider = code is None and text.casefold().replace("ё", "е") in NOT_OURS
        if code is None and not outsider and text:
            problems.append(Problem(location, "members-decision-unknown", MEMBERS["decision-unknown"].format(value=text)))
            continue
        decisions.append(Decision(line, code, outsider, plain_text(values[TEXT - 1]), location))
    return ReturnedSheet(path, meta.get("school", ""), school_id, check_id, tuple(decisions), tuple(problems))
