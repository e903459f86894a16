"""Reading school rosters (pupils, parents, staff) from XLSX and CSV files.

Pure: `read_roster` reads one file and returns a `Roster` of people and the
problems found in its rows; it never touches the store. Whole-file faults
(garbage, no header, a password) raise `DataError` with a Russian message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sferum_onboard.errors import Problem

KINDS = ("pupils", "parents", "staff")
ROLE_OF_KIND = {"pupils": "pupil", "parents": "parent", "staff": "teacher"}

# progress(done, total): rows (CSV) or bytes (XLSX) read so far, of the total.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RosterPerson:
    """One person as a roster row describes them (names and classes normalised)."""

    row: int  # 1-based row in the file (the line for CSV, the sheet row for XLSX)
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
    encoding: str | None  # "utf-8", "utf-8-sig", "cp1251"; None for XLSX
    people: tuple[RosterPerson, ...]
    problems: tuple[Problem, ...]


def read_roster(path: Path, kind: str | None = None, progress: ProgressCallback | None = None) -> Roster:
    """Read a roster file; the kind is recognised from the header when not given."""
    raise NotImplementedError
