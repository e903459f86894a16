"""Plain records shared by the store, progress and the outputs (no I/O here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sferum_onboard.tracking.classes import grade_of

# Event actions and sources, as stored.
DONE, UNDONE, NOT_APPLICABLE = "done", "undone", "not_applicable"
ACTIONS = (DONE, UNDONE, NOT_APPLICABLE)
SOURCES = ("meeting", "sheet", "import", "self")


@dataclass(frozen=True)
class School:
    id: int
    name: str


@dataclass(frozen=True)
class SchoolClass:
    id: int
    school_id: int
    name: str  # normalised: "7А"
    grade: int | None
    leader_id: int | None = None
    invite_link: str | None = None


@dataclass(frozen=True)
class Person:
    id: int
    school_id: int
    full_name: str
    role: str  # administrator | teacher | pupil | parent
    class_name: str | None = None  # a pupil's class
    class_leader: bool = False
    specialist: bool = False
    position: str | None = None
    subjects: tuple[str, ...] = ()
    classes_taught: tuple[str, ...] = ()
    led_classes: tuple[str, ...] = ()
    children: tuple[int, ...] = ()  # a parent's pupils (person ids)
    contact: str | None = None
    active: bool = True

    @property
    def grade(self) -> int | None:
        return grade_of(self.class_name)


@dataclass(frozen=True)
class Event:
    """One append-only fact: a person (or a school) did, undid or skipped a step."""

    id: int
    school_id: int
    person_id: int | None  # None for a school-level step
    step_id: str
    action: str  # DONE | UNDONE | NOT_APPLICABLE
    at: dt.datetime
    recorded_by: str | None = None
    source: str = "meeting"
    note: str | None = None
