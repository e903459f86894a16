"""Recording a member check: the list's result and the administrator's decisions, as verified steps.

A member found in the class's chat has joined: the step of their checklist
that is the "joined" milestone (`joined_step`: the parent's «Присоединитесь
к классу ребёнка», the pupil's and the teacher's join steps) gets a "done"
from the source `members`, dated with the list. It is recorded only when
not verified already, and it never hides a later event: the fold orders by
time, so an unmark made after the list's date still decides the state.
Administrators are matched but not recorded: their "joined" step is their
admin rights, which a chat's member list does not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from sferum_onboard.catalog.model import MILESTONES
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import MEMBERS
from sferum_onboard.tracking.fold import fold_events, verified_keys
from sferum_onboard.tracking.members.listing import MemberLine
from sferum_onboard.tracking.members.matching import (
    MATCHED, OTHER_CLASS, OUTSIDER, Reconciliation, class_relation, reconcile,
)
from sferum_onboard.tracking.membership import StepLayouts
from sferum_onboard.tracking.model import DONE, MEMBERS as MEMBERS_SOURCE, CheckedMember, Event, MemberCheck, Person, School
from sferum_onboard.tracking.store import NewEvent, Store
from sferum_onboard.wording import plural

JOINED = MILESTONES.index("joined")
VERIFIED_ROLES = ("pupil", "parent", "teacher")  # whose "joined" step a chat's member list shows
CONFIRMED = 100  # the confidence of a match the administrator confirmed


def joined_step(layouts: StepLayouts, person: Person) -> str | None:
    """The step of the person's checklist that is the "joined" milestone, for the roles a list verifies."""
    if person.role not in VERIFIED_ROLES:
        return None
    return next((step_id for index, step_id in layouts.of(person).milestones if index == JOINED), None)


@dataclass(frozen=True)
class Verified:
    """A step a list verified for a person: recorded, or already verified; hidden by a later event or not."""

    person_id: int
    step_id: str
    recorded: bool  # False: it was verified already
    later: tuple[str, dt.datetime] | None = None  # (action, when) of the later event that decides the state


@dataclass(frozen=True)
class CheckRecord:
    check: MemberCheck | None  # None for a dry run
    result: Reconciliation
    verified: tuple[Verified, ...]
    people: Mapping[int, Person]  # everyone the result names


def verify(store: Store, catalog, school: School, person_ids: Iterable[int], people: Mapping[int, Person],
           listed_at: dt.datetime, recorded_by: str | None, chat: str | None
           ) -> tuple[list[NewEvent], list[Verified]]:
    """The events that record the joined steps of these people, and what each one will do."""
    layouts = StepLayouts(catalog)
    steps = {pid: step for pid in dict.fromkeys(person_ids) if (step := joined_step(layouts, people[pid]))}
    if not steps:
        return [], []
    history = store.events(school, person_ids=list(steps), step_ids=sorted(catalog.stored_ids(steps.values())))
    verified = verified_keys(history, catalog)
    new_events = [NewEvent(school.id, person_id, step_id, DONE, listed_at, recorded_by, MEMBERS_SOURCE, chat)
                  for person_id, step_id in steps.items() if (person_id, step_id) not in verified]
    # What the new events will decide, by the fold's own rule: they get the next ids.
    top = max((e.id for e in history), default=0)
    trial = history + [Event(top + n, e.school_id, e.person_id, e.step_id, e.action, e.at, e.recorded_by, e.source,
                             e.note) for n, e in enumerate(new_events, 1)]
    after, states = verified_keys(trial, catalog), fold_events(trial, catalog)
    outcomes = []
    for person_id, step_id in steps.items():
        key = (person_id, step_id)
        later = None if key in after else (states[key].action, states[key].at)
        outcomes.append(Verified(person_id, step_id, recorded=key not in verified, later=later))
    return new_events, outcomes


def record_list(store: Store, catalog, school: School, class_name: str, chat: str | None, audience: str,
                members: Sequence[MemberLine], listed_at: dt.datetime, recorded_by: str | None,
                dry_run: bool = False) -> CheckRecord:
    """Match a member list with the school and (unless a dry run) store the check and the verified steps."""
    people = {p.id: p for p in store.people_to_match(school)}
    result = reconcile(members, people.values(), class_name, audience)
    matched = [row.person_id for row in result.of(MATCHED)]
    new_events, verified = verify(store, catalog, school, matched, people, listed_at, recorded_by, chat)
    check = None
    if not dry_run:
        rows = [CheckedMember(0, 0, row.member.line if row.member else None, row.outcome, row.person_id,
                              row.confidence, outsider_name=row.member.text if row.outcome == OUTSIDER else None)
                for row in result.rows]
        check = store.record_member_check(school, class_name, chat, audience, listed_at, recorded_by, rows, new_events)
    return CheckRecord(check, result, tuple(verified), people)


# --- the administrator's decisions on the returned sheet --------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What the returned sheet says of one member line: a person's code, «not ours», or nothing."""

    line: int
    person_id: int | None  # the code typed
    outsider: bool  # «нет»: nobody of the school
    text: str  # the member's line as the sheet shows it
    location: Location


@dataclass(frozen=True)
class ConfirmRecord:
    check: MemberCheck
    changed: tuple[CheckedMember, ...]  # rows as they are now
    verified: tuple[Verified, ...]
    people: Mapping[int, Person]


def confirm(store: Store, catalog, school: School, check_id: int, decisions: Sequence[Decision],
            recorded_by: str | None, dry_run: bool = False) -> ConfirmRecord:
    """Apply the decisions to a stored check; DataError with every problem (nothing written) when any
    decision cannot be taken."""
    check, rows = store.member_check(check_id)
    if check.school_id != school.id:
        raise DataError(MEMBERS["confirm-other-school"])
    people = {p.id: p for p in store.people_to_match(school)}
    pupil_classes = {p.id: p.class_name for p in people.values() if p.role == "pupil" and p.active}
    by_line = {row.line: row for row in rows if row.line is not None}
    taken = {row.person_id: row.line for row in rows if row.outcome in (MATCHED, OTHER_CLASS) and row.person_id}
    problems: list[Problem] = []
    changed: list[CheckedMember] = []
    for decision in decisions:
        row = by_line.get(decision.line)
        if row is None:
            problems.append(Problem(decision.location, "members-line-unknown",
                                    MEMBERS["confirm-line-unknown"].format(line=decision.line)))
            continue
        new = _decided(row, decision, people, pupil_classes, check.class_name, taken, problems)
        if new is not None and new != row:
            changed.append(new)
            if new.person_id and new.outcome in (MATCHED, OTHER_CLASS):
                taken[new.person_id] = new.line
    if problems:
        raise DataError(MEMBERS["confirm-refused"].format(n=plural(len(problems), "error")), problems)
    found = [row.person_id for row in changed if row.outcome == MATCHED]
    new_events, verified = verify(store, catalog, school, found, people, check.listed_at, recorded_by, check.chat)
    if not dry_run and changed:
        store.update_member_check(check.id, changed, found, new_events)
    return ConfirmRecord(check, tuple(changed), tuple(verified), people)


def _decided(row: CheckedMember, decision: Decision, people: Mapping[int, Person], pupil_classes,
             class_name: str, taken: Mapping[int, int], problems: list[Problem]) -> CheckedMember | None:
    """The row after the decision (None: nothing decided); a problem when the decision cannot stand."""
    if decision.person_id is None and not decision.outsider:
        return None
    if row.outcome in (MATCHED, OTHER_CLASS):  # recorded from the list already: the sheet shows it, locked
        if decision.person_id != row.person_id:
            problems.append(Problem(decision.location, "members-already-recorded",
                                    MEMBERS["confirm-already-recorded"].format(line=row.line)))
        return None
    if decision.outsider:
        if row.outcome == OUTSIDER:
            return None
        return replace(row, outcome=OUTSIDER, person_id=None, confidence=None, confirmed=True,
                       outsider_name=decision.text or None)
    person = people.get(decision.person_id)
    if person is None:
        problems.append(Problem(decision.location, "members-code-unknown",
                                MEMBERS["confirm-code-unknown"].format(code=decision.person_id)))
        return None
    if taken.get(person.id, row.line) != row.line:
        problems.append(Problem(decision.location, "members-person-twice", MEMBERS["confirm-person-twice"].format(
            code=person.id, name=person.full_name, line=taken[person.id])))
        return None
    if not person.active:
        outcome = OUTSIDER
    else:
        outcome = MATCHED if class_relation(person, class_name, pupil_classes) else OTHER_CLASS
    return replace(row, outcome=outcome, person_id=person.id, confidence=CONFIRMED, confirmed=True,
                   outsider_name=decision.text or row.outsider_name if outcome == OUTSIDER else None)

