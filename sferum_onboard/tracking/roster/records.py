"""What reading a roster gives: its people (one record a person) and the problems of its rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sferum_onboard.errors import Problem

KINDS = ("pupils", "parents", "staff")
ROLE_OF_KIND = {"pupils": "pupil", "parents": "parent", "staff": "teacher"}

# progress(done, total): rows read so far, of the rows the file says it has.
ProgressCallback = Callable[[int, int], None]

HEADER_SCAN_ROWS = 30  # title rows above the header are few; a header further down is not one
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class RosterPerson:
    """One person as a roster row describes them (names and classes normalised)."""

    row: int  # 1-based row in the file (the line for CSV, the sheet row for a workbook)
    kind: str  # pupils | parents | staff
    full_name: str  # "Иванова Мария Петровна", whitespace normalised
    role: str  # pupil | parent | teacher | administrator
    class_name: str | None = None  # a pupil's class, normalised: "7А"
    position: str | None = None  # staff: "учитель-логопед"
    specialist: bool = False  # staff: психолог, логопед, социальный педагог, дефектолог…
    led_classes: tuple[str, ...] = ()  # staff: classes they lead (классный руководитель)
    subjects: tuple[str, ...] = ()  # staff
    classes_taught: tuple[str, ...] = ()  # staff
    children: tuple[tuple[str, str | None], ...] = ()  # parents: (child's full name, class or None)
    contact: str | None = None  # phone or e-mail as written


@dataclass(frozen=True)
class Roster:
    path: Path
    kind: str  # pupils | parents | staff
    encoding: str | None  # "utf-8", "utf-8-sig", "cp1251", "utf-16"; None for a workbook
    people: tuple[RosterPerson, ...]  # valid rows only; rows with problems are left out
    problems: tuple[Problem, ...]
    delimiter: str | None = None  # CSV only
    header_row: int = 0  # of the first table read
    kind_detected: bool = False  # True when the kind came from the header, not the caller
    rows_read: int = 0  # data rows looked at (blank ones not counted)
    format: str = "csv"  # csv | xlsx | ods
