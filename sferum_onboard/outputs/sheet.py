"""The class sheet: a workbook a class leader ticks at a parent meeting, and its way back.

`build_sheet` makes the workbook (one sheet per audience — pupils and
parents — with a column per step of their checklist in checklist order, an
instructions sheet, and a hidden sheet of what was exported). `read_sheet`
reads a filled-in workbook back; `diff_sheet` compares it with the event log
and says which events to record, which cells conflict with what was recorded
elsewhere after the export, and which cells cannot be understood. None of
them touches the store: the CLI reads the store and appends the events.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from sferum_onboard.dates import DATETIME_FORMAT, EXCEL_DATE_FORMAT, date_text, parse_day
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import SHEET
from sferum_onboard.outputs.spreadsheet import text_cell
from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.membership import Profile
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Person, StepState
from sferum_onboard.tracking.roster import is_encrypted_office, read_file
from sferum_onboard.wording import plural

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
# What people type for "done" and "not needed"; anything else but a date is a problem.
_DONE_MARKS = {"+", "++", "✓", "✔", "v", "x", "х", "да", "1", "есть", "готово", "сделано"}
_NA_MARKS = {"н/п", "нп", "н п", "не нужно", "не требуется", "не применимо", "неприменимо"}
_EMPTY_MARKS = {"", "-", "–", "—", "нет", "0"}

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


@dataclass(frozen=True)
class SheetMeta:
    school: str
    school_id: int
    class_name: str
    exported_at: dt.datetime
    last_event_id: int  # the newest event at export: later ones were recorded "elsewhere"
    checklists: Mapping[str, tuple[tuple[str, int], ...]]  # audience → (checklist id, version)
    steps: Mapping[str, tuple[str, ...]]  # audience → step ids


@dataclass(frozen=True)
class SheetCell:
    """One step cell of a returned sheet: what it says about a person's step."""

    person_id: int
    step_id: str
    says: str  # CELL_DONE | CELL_NA | CELL_EMPTY
    date: dt.date | None
    location: Location


@dataclass(frozen=True)
class SheetData:
    path: Path
    meta: SheetMeta
    cells: tuple[SheetCell, ...]
    problems: tuple[Problem, ...]
    people: Mapping[int, str]  # person id → name as in the sheet


@dataclass(frozen=True)
class Change:
    """An event the sheet asks for."""

    person_id: int
    step_id: str
    action: str  # DONE | UNDONE | NOT_APPLICABLE
    at: dt.datetime
    note: str | None
    location: Location


@dataclass(frozen=True)
class SheetDiff:
    changes: tuple[Change, ...]
    conflicts: tuple[Problem, ...]
    problems: tuple[Problem, ...]
    unchanged: int  # cells that agree with the store


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


# --- reading --------------------------------------------------------------------


def read_sheet(path: Path, today: dt.date | None = None) -> SheetData:
    """A returned class sheet: its metadata and every step cell (DataError when it is not one)."""
    from openpyxl import load_workbook

    path = Path(path)
    label = str(path)
    data = read_file(path)
    if is_encrypted_office(data):
        raise DataError(SHEET["xlsx-encrypted"].format(file=label))
    if not data.startswith(b"PK"):
        raise DataError(SHEET["not-sheet"].format(file=label))
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # BadZipFile, KeyError, XML errors: a cut or hand-made file
        raise DataError(SHEET["xlsx-broken"].format(file=label)) from None
    meta = _read_meta(book, label)
    today = today or dt.date.today()
    found: list[SheetCell] = []
    problems: list[Problem] = []
    names: dict[int, str] = {}
    for audience in AUDIENCES:
        title = _meta_value(book, f"{audience}.sheet")
        if not title or title not in book.sheetnames:
            raise DataError(SHEET["sheet-missing"].format(file=label, sheet=title or audience))
        ws = book[title]
        where = f"{label}[{title}]"
        steps = meta.steps[audience]
        fixed = len(FIXED_COLUMNS[audience])
        ids_in_sheet = tuple(_plain(ws.cell(IDS_ROW, fixed + i + 1).value) for i in range(len(steps)))
        if ids_in_sheet != steps:
            raise DataError(SHEET["columns-changed"].format(file=where))
        for row in range(FIRST_ROW, ws.max_row + 1):
            code = ws.cell(row, 2).value
            name = _plain(ws.cell(row, 3).value)
            cells = [ws.cell(row, fixed + i + 1) for i in range(len(steps))]
            if code in (None, "") and not name and all(c.value in (None, "") for c in cells):
                continue
            try:
                person_id = int(code)
            except (TypeError, ValueError):
                problems.append(Problem(Location(where, row, 2), "sheet-row-unknown",
                                        SHEET["row-unknown"].format(name=name or "—")))
                continue
            names[person_id] = name
            for index, (step_id, cell) in enumerate(zip(steps, cells)):
                location = Location(where, row, fixed + index + 1)
                parsed = parse_mark(cell.value, today, meta.exported_at.date())
                if parsed is None:
                    problems.append(Problem(location, "sheet-cell-unknown", SHEET["cell-unknown"].format(
                        value=_plain(cell.value), tick=TICK, na=NOT_APPLICABLE_MARK)))
                    continue
                says, date = parsed
                if date is not None and date > today:
                    problems.append(Problem(location, "sheet-date-future", SHEET["date-future"].format(
                        date=date_text(date))))
                    continue
                found.append(SheetCell(person_id, step_id, says, date, location))
    return SheetData(path, meta, tuple(found), tuple(problems), names)


def _plain(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def parse_mark(value, today: dt.date, exported: dt.date) -> tuple[str, dt.date | None] | None:
    """(state, date) of a step cell; None when it means nothing we know."""
    if value is None:
        return CELL_EMPTY, None
    if isinstance(value, dt.datetime):
        return CELL_DONE, value.date()
    if isinstance(value, dt.date):
        return CELL_DONE, value
    if isinstance(value, bool):
        return (CELL_DONE if value else CELL_EMPTY), None
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = " ".join(str(value).split())
    folded = text.casefold().replace("ё", "е")
    if folded in _EMPTY_MARKS:
        return CELL_EMPTY, None
    if folded in _DONE_MARKS:
        return CELL_DONE, None
    if folded in _NA_MARKS:
        return CELL_NA, None
    day = parse_day(folded[1:].lstrip() if folded.startswith("+") else folded, today)
    return None if day is None else (CELL_DONE, day)


def _meta_value(book, key: str) -> str | None:
    ws = book[META_SHEET]
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if row[0] == key:
            return "" if row[1] is None else str(row[1])
    return None


def _read_meta(book, label: str) -> SheetMeta:
    if META_SHEET not in book.sheetnames or _meta_value(book, "format") != FORMAT:
        raise DataError(SHEET["not-sheet"].format(file=label))
    try:
        version = int(_meta_value(book, "format_version") or 0)
        if version > FORMAT_VERSION:
            raise DataError(SHEET["format-newer"].format(file=label))
        checklists = {}
        steps = {}
        for audience in AUDIENCES:
            pairs = (_meta_value(book, f"{audience}.checklists") or "").split()
            checklists[audience] = tuple((c, int(v)) for c, _, v in (p.partition(":") for p in pairs))
            steps[audience] = tuple((_meta_value(book, f"{audience}.steps") or "").split())
        return SheetMeta(
            school=_meta_value(book, "school") or "", school_id=int(_meta_value(book, "school_id") or 0),
            class_name=_meta_value(book, "class") or "",
            exported_at=dt.datetime.fromisoformat(_meta_value(book, "exported_at") or ""),
            last_event_id=int(_meta_value(book, "last_event_id") or 0), checklists=checklists, steps=steps,
        )
    except DataError:
        raise
    except (TypeError, ValueError):
        raise DataError(SHEET["meta-broken"].format(file=label)) from None


# --- checking and comparing -----------------------------------------------------


def check_sheet(sheet: SheetData, catalog, school, class_name: str | None) -> None:
    """Refuse a sheet of another school or class, or of an older checklist version."""
    meta = sheet.meta
    label = str(sheet.path)
    if normalise_class(meta.class_name) is None:
        raise DataError(SHEET["meta-broken"].format(file=label))
    if meta.school_id != school.id or meta.school != school.name:
        raise DataError(SHEET["other-school"].format(file=label, sheet_school=meta.school, school=school.name))
    if class_name is not None and normalise_class(class_name) != meta.class_name:
        raise DataError(SHEET["other-class"].format(file=label, sheet_class=meta.class_name,
                                                    class_name=normalise_class(class_name) or class_name))
    grade = grade_of(meta.class_name)
    for audience in AUDIENCES:
        role = AUDIENCE_ROLE[audience]
        now_lists = {c.id: c.version for c in catalog.checklists_for_role(role, grade if audience == "pupils" else None)}
        for checklist_id, version in meta.checklists[audience]:
            current = now_lists.get(checklist_id)
            if current != version:
                checklist = catalog.checklists.get(checklist_id)
                title = checklist.title if checklist else checklist_id
                raise DataError(SHEET["outdated"].format(
                    file=label, checklist=title, version=version,
                    current=current if current is not None else SHEET["checklist-gone"]))
        if set(now_lists) != {c for c, _ in meta.checklists[audience]}:
            raise DataError(SHEET["outdated-set"].format(file=label, audience=SHEET["audience-" + audience].lower()))


def diff_sheet(
    sheet: SheetData,
    exported: Mapping[tuple[int, str], StepState],
    current: Mapping[tuple[int, str], StepState],
    touched: set[tuple[int, str]],
    known_people: Mapping[int, Person],
    *,
    now: dt.datetime,
    titles: Mapping[str, str] | None = None,
) -> SheetDiff:
    """What recording the sheet means, cell by cell.

    `exported` are the states as of the export (events up to
    `meta.last_event_id`), `current` the states now, `touched` the
    (person, step) pairs with events recorded after the export. A cell that
    differs from what was exported is a change — unless the store changed
    that step since in another way: that is a conflict, reported, not guessed.
    """
    changes: list[Change] = []
    conflicts: list[Problem] = []
    problems = list(sheet.problems)
    unchanged = 0
    for cell in sheet.cells:
        key = (cell.person_id, cell.step_id)
        person = known_people.get(cell.person_id)
        if person is None or person.school_id != sheet.meta.school_id:
            problems.append(Problem(cell.location, "sheet-person-unknown", SHEET["person-unknown"].format(
                id=cell.person_id, name=sheet.people.get(cell.person_id, "—"))))
            continue
        before = cell_for(exported.get(key))
        now_state = current.get(key)
        after = cell_for(now_state)
        if cell.says == before or cell.says == after:
            unchanged += 1
            continue
        if key in touched:
            conflicts.append(Problem(cell.location, "sheet-conflict", SHEET["conflict-" + cell.says].format(
                name=person.full_name, step=(titles or {}).get(cell.step_id, cell.step_id), when=now_state.at.strftime(DATETIME_FORMAT),
                by=f", {now_state.recorded_by}" if now_state.recorded_by else "",
                state=SHEET["state-" + after])))
            continue
        action = ACTION_OF_CELL[cell.says]
        at, note = now, None
        if cell.says == CELL_DONE and cell.date is not None and cell.date != now.date():
            at = dt.datetime.combine(cell.date, dt.time(12, 0))
            if now_state is not None and now_state.at >= at:
                # An earlier date would not outrank what is stored: record now, keep the date in the note.
                at, note = now, SHEET["note-date"].format(date=date_text(cell.date))
        changes.append(Change(cell.person_id, cell.step_id, action, at, note, cell.location))
    return SheetDiff(tuple(changes), tuple(conflicts), tuple(problems), unchanged)


def summary(diff: SheetDiff) -> str:
    return SHEET["summary"].format(
        changes=plural(len(diff.changes), "change"), unchanged=plural(diff.unchanged, "cell"))
