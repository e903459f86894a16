"""A returned class sheet: read it, check it is this school's and class's, and say what it changes.

`read_sheet` reads a filled-in workbook (`sheet.build_sheet` made it; it may
come back saved by Excel or by LibreOffice, as XLSX or ODS); `check_sheet`
refuses another school's or class's sheet, or one of an older checklist
version; `name_mismatches` finds rows whose ФИО is not the name stored for
their code (the names column sorted on its own, a name retyped), which
refuse the whole sheet: a tick must never land on another child;
`diff_sheet` compares it with the event log and says which events to
record, which cells conflict with what was recorded elsewhere after the
export, and which cells cannot be understood. `compare_sheet` does all of
that against a store, and `record_sheet` appends the events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from sferum_onboard.dates import DATETIME_FORMAT, date_text, parse_day
from sferum_onboard.dates import now as dt_now
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import ROSTER, SHEET
from sferum_onboard.outputs.sheet import (
    ACTION_OF_CELL, AUDIENCE_ROLE, AUDIENCES, CELL_DONE, CELL_EMPTY, CELL_NA, FIRST_ROW, FIXED_COLUMNS, FORMAT,
    FORMAT_VERSION, IDS_ROW, META_SHEET, NOT_APPLICABLE_MARK, TICK, cell_for,
)
from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.fold import fold_events
from sferum_onboard.tracking.model import Person, School, StepState
from sferum_onboard.tracking.roster.files import open_workbook
from sferum_onboard.tracking.roster.workbook import cell_code, plain_text
from sferum_onboard.tracking.roster.values import name_key
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
class SheetRow:
    """A person's row of a returned sheet: the code and the name it shows."""

    location: Location  # the row's ФИО cell
    person_id: int
    name: str  # as in the sheet, whitespace normalised


@dataclass(frozen=True)
class SheetData:
    path: Path
    meta: SheetMeta
    cells: tuple[SheetCell, ...]
    problems: tuple[Problem, ...]
    rows: tuple[SheetRow, ...] = ()

    @property
    def people(self) -> Mapping[int, str]:
        """Person id → name as in the sheet (the first row of a code)."""
        names: dict[int, str] = {}
        for row in self.rows:
            names.setdefault(row.person_id, row.name)
        return names


# Why a row's ФИО is not the name stored for its code.
SORTED_APART = "sorted-apart"  # the name of another person of the sheet: the names column was sorted alone
RETYPED = "retyped"  # a name nobody of the sheet has: it was edited (or cleared) in the sheet
REPEATED = "repeated"  # the code was on an earlier row already: a row was copied


@dataclass(frozen=True)
class NameMismatch:
    location: Location  # the row's ФИО cell
    person_id: int
    in_sheet: str
    stored: str
    reason: str  # SORTED_APART | RETYPED | REPEATED
    first_row: int = 0  # REPEATED: the row that has the code first


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


_BOOK_MESSAGES = {**ROSTER, "xlsx-broken": SHEET["xlsx-broken"], "ods-broken": SHEET["ods-broken"],
                  "xlsx-encrypted": SHEET["xlsx-encrypted"], "ods-encrypted": SHEET["ods-encrypted"],
                  "binary": SHEET["not-sheet"]}


def read_sheet(path: Path, today: dt.date | None = None) -> SheetData:
    """A returned class sheet, XLSX or ODS: its metadata and every row and step cell (DataError when it is
    not one)."""
    path = Path(path)
    label = str(path)
    book = open_workbook(path, _BOOK_MESSAGES)
    sheets = {s.name for s in book.sheets}
    if META_SHEET not in sheets:
        raise DataError(SHEET["not-sheet"].format(file=label))
    values = {plain_text(r[0]): plain_text(r[1]) for r in book.rows(META_SHEET) if len(r) > 1}
    meta = _read_meta(values, label)
    today = today or dt.date.today()
    found: list[SheetCell] = []
    problems: list[Problem] = []
    people: list[SheetRow] = []
    for audience in AUDIENCES:
        title = values.get(f"{audience}.sheet")
        if not title or title not in sheets:
            raise DataError(SHEET["sheet-missing"].format(file=label, sheet=title or audience))
        where = f"{label}[{title}]"
        rows = book.rows(title, where)
        steps = meta.steps[audience]
        fixed = len(FIXED_COLUMNS[audience])

        def value(row: int, column: int):
            cells = rows[row - 1] if row <= len(rows) else ()
            return cells[column - 1] if column <= len(cells) else ""

        if tuple(plain_text(value(IDS_ROW, fixed + i + 1)) for i in range(len(steps))) != steps:
            raise DataError(SHEET["columns-changed"].format(file=where))
        for row in range(FIRST_ROW, len(rows) + 1):
            code, name = value(row, 2), plain_text(value(row, 3))
            cells = [value(row, fixed + i + 1) for i in range(len(steps))]
            if code in (None, "") and not name and all(c in (None, "") for c in cells):
                continue
            person_id = cell_code(code)
            if person_id is None:
                problems.append(Problem(Location(where, row, 2), "sheet-row-unknown",
                                        SHEET["row-unknown"].format(name=name or "—")))
                continue
            people.append(SheetRow(Location(where, row, 3), person_id, name))
            for index, (step_id, cell) in enumerate(zip(steps, cells)):
                location = Location(where, row, fixed + index + 1)
                parsed = parse_mark(cell, today)
                if parsed is None:
                    problems.append(Problem(location, "sheet-cell-unknown", SHEET["cell-unknown"].format(
                        value=plain_text(cell), tick=TICK, na=NOT_APPLICABLE_MARK)))
                    continue
                says, date = parsed
                if date is not None and date > today:
                    problems.append(Problem(location, "sheet-date-future", SHEET["date-future"].format(
                        date=date_text(date))))
                    continue
                found.append(SheetCell(person_id, step_id, says, date, location))
    return SheetData(path, meta, tuple(found), tuple(problems), tuple(people))


def parse_mark(value, today: dt.date) -> tuple[str, dt.date | None] | None:
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


def _read_meta(values: Mapping[str, str], label: str) -> SheetMeta:
    if values.get("format") != FORMAT:
        raise DataError(SHEET["not-sheet"].format(file=label))
    try:
        version = int(values.get("format_version") or 0)
        if version > FORMAT_VERSION:
            raise DataError(SHEET["format-newer"].format(file=label))
        checklists = {}
        steps = {}
        for audience in AUDIENCES:
            pairs = (values.get(f"{audience}.checklists") or "").split()
            checklists[audience] = tuple((c, int(v)) for c, _, v in (p.partition(":") for p in pairs))
            steps[audience] = tuple((values.get(f"{audience}.steps") or "").split())
        return SheetMeta(
            school=values.get("school") or "", school_id=int(values.get("school_id") or 0),
            class_name=values.get("class") or "",
            exported_at=dt.datetime.fromisoformat(values.get("exported_at") or ""),
            last_event_id=int(values.get("last_event_id") or 0), checklists=checklists, steps=steps,
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


def name_mismatches(sheet: SheetData, known: Mapping[int, Person]) -> tuple[NameMismatch, ...]:
    """Rows whose ФИО is not the name stored for their code, as rosters compare names (ё/е, case,
    spaces, look-alike letters), and rows repeating a code. A code unknown to the store is left to
    `diff_sheet`, which reports it."""
    keys = {person_id: name_key(person.full_name) for person_id, person in known.items()}
    others = set(keys.values())
    first: dict[int, int] = {}
    found = []
    for row in sheet.rows:
        person = known.get(row.person_id)
        if person is None:
            continue
        if row.person_id in first:
            found.append(NameMismatch(row.location, row.person_id, row.name, person.full_name, REPEATED,
                                      first[row.person_id]))
            continue
        first[row.person_id] = row.location.line
        key = name_key(row.name)
        if key != keys[row.person_id]:
            reason = SORTED_APART if key in others else RETYPED
            found.append(NameMismatch(row.location, row.person_id, row.name, person.full_name, reason))
    return tuple(found)


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
    mismatches: tuple[NameMismatch, ...] = ()  # rows whose ФИО is not their code's: nothing is recorded

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
    ids = sorted({row.person_id for row in sheet.rows})
    known = {p.id: p for p in store.people(school, active=None, ids=ids)} if ids else {}
    history = store.events(school, person_ids=ids) if ids else []
    exported = fold_events([e for e in history if e.id <= sheet.meta.last_event_id], catalog)
    current = fold_events(history, catalog)
    touched = {(e.person_id, catalog.current_id(e.step_id) or e.step_id)
               for e in history if e.id > sheet.meta.last_event_id}
    diff = diff_sheet(sheet, exported, current, touched, known, now=now,
                      titles={s.id: s.title for s in catalog.steps.values()})
    return SheetImport(school, diff, known, name_mismatches(sheet, known))


def record_sheet(store, compared: SheetImport, recorded_by: str | None, note: str) -> int:
    """Append the sheet's changes as events from the source "sheet"; returns how many.

    A sheet whose names do not match their codes is never recorded, skipped cells or not.
    """
    if compared.mismatches:
        raise DataError(SHEET["names-mismatch"].format(n=len(compared.mismatches)))
    return store.append_events([
        NewEvent(compared.school.id, c.person_id, c.step_id, c.action, c.at, recorded_by, "sheet", c.note or note)
        for c in compared.diff.changes], return_events=False)
