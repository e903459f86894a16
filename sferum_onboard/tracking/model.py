"""Plain records shared by the store, progress and the outputs (no I/O here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sferum_onboard.tracking.classes import grade_of

# Event actions and sources, as stored. MEMBERS: seen in a chat's member list (`members import`),
# the one source that verifies a step rather than reports it.
DONE, UNDONE, NOT_APPLICABLE = "done", "undone", "not_applicable"
ACTIONS = (DONE, UNDONE, NOT_APPLICABLE)
MEMBERS = "members"
SOURCES = ("meeting", "sheet", "import", "self", MEMBERS)


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


class Candidate(NamedTuple):
    """A person as a name may refer to them: enough to tell namesakes apart."""

    person: Person
    classes: tuple[str, ...]  # the classes they count in (a parent's through any child, active or not)


class StepState(NamedTuple):
    """Where one person (or the school: person_id None) stands on one step: its deciding event.

    The folds of the log (`tracking.fold`, the store's `current_states`)
    fill every field. The report's compact read fills only the action and,
    for a road-map step done, `first_done`: a district has millions of
    states, so this is a named tuple and identical ones are shared.
    """

    action: str  # DONE | UNDONE | NOT_APPLICABLE
    at: dt.datetime | None = None  # when the deciding event happened
    first_done: dt.date | None = None  # the first "done" up to the date asked (road-map burn-ups)
    person_id: int | None = None
    step_id: str = ""  # the current id (after renames); the stored id for a retired step
    recorded_by: str | None = None
    source: str = ""
    note: str | None = None
    event_id: int = 0
    stored_step_id: str = ""  # the id the deciding event was recorded under
    retired: bool = False  # the catalog no longer has this step
    school_id: int | None = None

    @property
    def done(self) -> bool:
        return self.action == DONE

    @property
    def not_applicable(self) -> bool:
        return self.action == NOT_APPLICABLE

    @property
    def day(self) -> dt.date | None:
        """The day of the deciding event, when known."""
        return self.at.date() if self.at is not None else None

    @property
    def done_since(self) -> dt.date | None:
        """The day the step was (first) done."""
        return self.first_done or self.day


def is_open(state: StepState | None) -> bool:
    """A step still to do: no state yet, or undone (done and "not applicable" close it)."""
    return state is None or state.action == UNDONE


@dataclass(frozen=True)
class MemberCheck:
    """One member list of a class's chat, as recorded: when it was taken, by whom, for whom the chat is."""

    id: int
    school_id: int
    class_name: str
    chat: str | None
    audience: str  # "pupils" | "parents" | "all"
    listed_at: dt.datetime  # the list's date: the events it verified are dated so
    recorded_at: dt.datetime
    recorded_by: str | None = None


@dataclass(frozen=True)
class CheckedMember:
    """A stored line of a member check: no name but an outsider's, and that only until it is handled."""

    id: int
    check_id: int
    line: int | None  # the member's line in the list; None for a person of the class missing from the chat
    outcome: str  # matching.OUTCOMES
    person_id: int | None = None
    confidence: int | None = None
    confirmed: bool = False  # decided by the administrator on the returned sheet
    outsider_name: str | None = None  # the outsider's line as copied, until handled
    handled_at: dt.datetime | None = None
    handled_by: str | None = None
