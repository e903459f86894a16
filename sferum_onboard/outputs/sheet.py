"""The class sheet: a workbook a class leader ticks at a parent meeting (its way back: `sheet_import`).

`build_sheet` makes the workbook: one sheet per audience (pupils and
parents) with a column per step of their checklist in checklist order, an
instructions sheet, and a hidden sheet of what was exported, which
`sheet_import` reads back to compare the sheet with the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from sferum_onboard.dates import DATETIME_FORMAT, EXCEL_DATE_FORMAT
from sferum_onboard.messages import SHEET
from sferum_onboard.outputs.spreadsheet import text_cell
from sferum_onboard.tracking.classes import grade_of
from sferum_onboard.tracking.membership import Profile
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Person, StepState

FORMAT = "sferum-onboard class sheet"
FORMAT_VERSION = 1
META_SHEET = "meta"
INSTRUCTIONS_SHEET = "Как заполнять"
AUDIENCES = ("pupils", "parents")
AUDIENCE_ROLE = {"pupils": "pupil", "parents": "parent"}
TITLE_ROW, HEADER_ROW, IDS_ROW, FIRST_ROW = 1, 2, 3, 4
FIXED_COLUMNS = {"pupils": ("№", "Код", "ФИО"), "parents": ("№", "Код", "ФИО", "Дети")}
TICK = "+"
NOT_APPLICABLE_MARK = "н/п"
# What a step cell says, as the diff compares it: done, not applicable, or nothing; and the
# action recording it asks for.
CELL_DONE, CELL_NA, CELL_EMPTY = "done", "na", "empty"
ACTION_OF_CELL = {CELL_DONE: DONE, CELL_NA: NOT_APPLICABLE, CELL_EMPTY: UNDONE}


def cell_for(state: StepState | None) -> str:
    """What the step's cell says for a state: an undone step is an empty cell."""
    return {DONE: CELL_DONE, NOT_APPLICABLE: CELL_NA}.get(state.action if state else UNDONE, CELL_EMPTY)


@dataclass(frozen=True)
class Audience:
    key: str  # pupils | parents
    title: str  # «Ученики»
    checklists: tuple[tuple[str, int], ...]  # (checklist id, version)
    steps: tuple  # catalog Steps in checklist order
    people: tuple[Person, ...]


# --- audiences ------------------------------------------------------------------


def audiences(catalog, class_name: str, pupils: Iterable[Person], parents: Iterable[Person]) -> tuple[Audience, ...]:
    """The class's pupils and parents with the steps of their main checklists."""
    grade = grade_of(class_name)
    result = []
    for key, people in (("pupils", pupils), ("parents", parents)):
        role = AUDIENCE_ROLE[key]
        checklists = catalog.checklists_for_role(role, grade if key == "pupils" else None)
        steps = Profile(role, grade=grade if key == "pupils" else None).steps(catalog)
        result.append(Audience(key, SHEET["audience-" + key], tuple((c.id, c.version) for c in checklists),
                               tuple(steps), tuple(people)))
    return tuple(result)


# --- building -------------------------------------------------------------------


def build_sheet(
    catalog,
    school,
    class_name: str,
    pupils: Iterable[Person],
    parents: Iterable[Person],
    states: Mapping[tuple[int, str], StepState],
    *,
    exported_at: dt.datetime,
    last_event_id: int,
    children_names: Mapping[int, str] | None = None,
):
    """The class workbook (openpyxl), ready to save, with the states of its people ticked."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE7F5")
    open_cell = Protection(locked=False)
    parts = audiences(catalog, class_name, pupils, parents)
    children_names = children_names or {}
    for part in parts:
        ws = book.create_sheet(part.title)
        fixed = FIXED_COLUMNS[part.key]
        versions = ", ".join(f"«{catalog.checklists[c].title}», версия {v}" for c, v in part.checklists)
        text_cell(ws.cell(TITLE_ROW, 1), SHEET["sheet-title"].format(
            class_name=class_name, audience=part.title.lower(), school=school.name, checklists=versions))
        ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=12)
        for column, title in enumerate(fixed + tuple(s.title for s in part.steps), 1):
            cell = ws.cell(HEADER_ROW, column)
            text_cell(cell, title)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if column > len(fixed) else "left")
        for column, step in enumerate(part.steps, len(fixed) + 1):
            text_cell(ws.cell(IDS_ROW, column), step.id)
            ws.cell(HEADER_ROW, column).comment = Comment(_step_hint(step), "sferum-onboard", width=320, height=160)
        ws.row_dimensions[IDS_ROW].hidden = True
        ws.row_dimensions[HEADER_ROW].height = 105
        for number, person in enumerate(part.people, 1):
            row = FIRST_ROW + number - 1
            ws.cell(row, 1, number)
            ws.cell(row, 2, person.id)
            text_cell(ws.cell(row, 3), person.full_name)
            if part.key == "parents":
                text_cell(ws.cell(row, 4), children_names.get(person.id, ""))
            for column, step in enumerate(part.steps, len(fixed) + 1):
                cell = ws.cell(row, column)
                state = states.get((person.id, step.id))
                says = cell_for(state)
                if says == CELL_DONE:
                    cell.value = state.at.date()
                    cell.number_format = EXCEL_DATE_FORMAT
                elif says == CELL_NA:
                    text_cell(cell, NOT_APPLICABLE_MARK)
                cell.protection = open_cell
                cell.alignment = Alignment(horizontal="center")
            for column in range(1, len(fixed) + len(part.steps) + 1):
                ws.cell(row, column).border = border
        last_column = len(fixed) + len(part.steps)
        if part.people and part.steps:
            from openpyxl.utils import get_column_letter

            area = f"{get_column_letter(len(fixed) + 1)}{FIRST_ROW}:{get_column_letter(last_column)}{FIRST_ROW + len(part.people) - 1}"
            # A drop-down with «+» and «н/п» for phones; dates typed by hand stay allowed.
            choice = DataValidation(type="list", formula1=f'"{TICK},{NOT_APPLICABLE_MARK}"', allow_blank=True,
                                    showErrorMessage=False, promptTitle=SHEET["prompt-title"],
                                    prompt=SHEET["prompt"], showInputMessage=True)
            choice.add(area)
            ws.add_data_validation(choice)
        _widths(ws, fixed, len(part.steps))
        ws.freeze_panes = ws.cell(FIRST_ROW, len(fixed) + 1)
        ws.protection.sheet = True  # header and names locked; only the step cells are open
        ws.print_options.gridLines = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _instructions(book, school, class_name, parts, exported_at)
    _meta(book, school, class_name, parts, exported_at, last_event_id)
    book.active = 0
    return book


def _step_hint(step) -> str:
    return f"{step.title}\n\n{step.action}\n\n{SHEET['done-when']}: {step.done_when}"


def _widths(ws, fixed, steps: int) -> None:
    from openpyxl.utils import get_column_letter

    widths = {"№": 5, "Код": 7, "ФИО": 34, "Дети": 30}
    for column, title in enumerate(fixed, 1):
        ws.column_dimensions[get_column_letter(column)].width = widths[title]
    for column in range(len(fixed) + 1, len(fixed) + steps + 1):
        ws.column_dimensions[get_column_letter(column)].width = 13


def _instructions(book, school, class_name: str, parts, exported_at: dt.datetime) -> None:
    from openpyxl.styles import Alignment, Font

    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    lines = SHEET["instructions"].format(
        class_name=class_name, school=school.name, exported=exported_at.strftime(DATETIME_FORMAT),
        tick=TICK, na=NOT_APPLICABLE_MARK, sheets=", ".join(f"«{p.title}»" for p in parts),
    ).split("\n")
    for row, line in enumerate(lines, 1):
        text_cell(ws.cell(row, 1), line)
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for part in parts:
        ws.append([])
        ws.append([SHEET["instructions-steps"].format(audience=part.title)])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for number, step in enumerate(part.steps, 1):
            ws.append([f"{number}. {step.title} — {SHEET['done-when'].lower()}: {step.done_when}"])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _meta(book, school, class_name, parts, exported_at, last_event_id) -> None:
    ws = book.create_sheet(META_SHEET)
    rows = [("format", FORMAT), ("format_version", str(FORMAT_VERSION)), ("school", school.name),
            ("school_id", str(school.id)), ("class", class_name), ("exported_at", exported_at.isoformat()),
            ("last_event_id", str(last_event_id))]
    for part in parts:
        rows.append((f"{part.key}.sheet", part.title))
        rows.append((f"{part.key}.checklists", " ".join(f"{c}:{v}" for c, v in part.checklists)))
        rows.append((f"{part.key}.steps", " ".join(s.id for s in part.steps)))
    for row, (key, value) in enumerate(rows, 1):
        text_cell(ws.cell(row, 1), key)
        text_cell(ws.cell(row, 2), value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
