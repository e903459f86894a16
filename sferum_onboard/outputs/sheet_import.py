"""A returned class sheet: read it, check it is this school's and class's, and say what it changes.

`read_sheet` reads a filled-in workbook (`sheet.build_sheet` made it);
`check_sheet` refuses another school's or class's sheet, or one of an older
checklist version; `diff_sheet` compares it with the event log and says
which events to record, which cells conflict with what was recorded
elsewhere after the export, and which cells cannot be understood.
`compare_sheet` does all of that against a store, and `record_sheet`
appends the events.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from sferum_onboard.dates import DATETIME_FORMAT, date_text, parse_day
from sferum_onboard.dates import now as dt_now
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import SHEET
from sferum_onboard.outputs.sheet import (
    ACTION_OF_CELL, AUDIENCE_ROLE, AUDIENCES, CELL_DONE, CELL_EMPTY, CELL_NA, FIRST_ROW, FIXED_COLUMNS, FORMAT,
    FORMAT_VERSION, IDS_ROW, META_SHEET, NOT_APPLICABLE_MARK, TICK, cell_for,
)
from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.fold import fold_events
from sferum_onboard.tracking.model import Person, School, StepState
from sferum_onboard.tracking.roster.files import is_encrypted_office, read_file
from sferum_onboard.tracking.store import NewEvent
from sferum_onboard.wording import plural

# What people type for "done" and "not needed"; anything else but a date is a problem.
_DONE_MARKS = {"+", "++", "✓", "✔", "v", "x", "х", "да", "1", "есть", "готово", "сделано"}
_NA_MARKS = {"н/п", "нп", "н п", "не нужно", "не требуется", "не применимо", "неприменимо"}
_EMPTY_MARKS = {"", "-", "–", "—", "нет", "0"}


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


# --- against the store ------------------------------------------------------------


@dataclass(frozen=True)
class SheetImport:
    """A returned sheet compared with the store: the school, what it changes, the people it names."""

    school: School
    diff: SheetDiff
    people: Mapping[int, Person]  # the people of the sheet, as stored (inactive ones too)

    @property
    def refused(self) -> bool:
        """Cells that cannot be understood or that conflict: nothing is recorded unless skipped."""
        return bool(self.diff.problems or self.diff.conflicts)


def compare_sheet(store, catalog, sheet: SheetData, school_name: str | None = None,
                  class_name: str | None = None, now: dt.datetime | None = None) -> SheetImport:
    """Check a returned sheet against the store and work out what recording it means.

    The school is the one named, the store's only one, or in a district the
    sheet's own. The log is folded three times over the sheet's people: as
    of the export (what the sheet was made from), now, and which of their
    steps changed since.
    """
    now = now or dt_now()
    school = store.school(school_name if school_name is not None else
                          (sheet.meta.school if len(store.schools()) > 1 else None))
    check_sheet(sheet, catalog, school, class_name)
    ids = sorted({c.person_id for c in sheet.cells})
    known = {p.id: p for p in store.people(school, active=None, ids=ids)} if ids else {}
    history = store.events(school, person_ids=ids) if ids else []
    exported = fold_events([e for e in history if e.id <= sheet.meta.last_event_id], catalog)
    current = fold_events(history, catalog)
    touched = {(e.person_id, catalog.current_id(e.step_id) or e.step_id)
               for e in history if e.id > sheet.meta.last_event_id}
    diff = diff_sheet(sheet, exported, current, touched, known, now=now,
                      titles={s.id: s.title for s in catalog.steps.values()})
    return SheetImport(school, diff, known)


def record_sheet(store, compared: SheetImport, recorded_by: str | None, note: str) -> int:
    """Append the sheet's changes as events from the source "sheet"; returns how many."""
    return store.append_events([
        NewEvent(compared.school.id, c.person_id, c.step_id, c.action, c.at, recorded_by, "sheet", c.note or note)
        for c in compared.diff.changes], return_events=False)
