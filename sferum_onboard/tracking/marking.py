"""Marking steps by hand (`mark`, `unmark`): find the step and the people, then append events.

Everything is checked before anything is written: one unknown name or a
step outside someone's checklist records nothing for anybody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sferum_onboard.errors import DataError, NotFoundError, StepNotForPersonError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.fold import fold_events
from sferum_onboard.tracking.membership import profile_of
from sferum_onboard.tracking.model import UNDONE, Candidate, Event, Person, School, StepState
from sferum_onboard.tracking.store import NewEvent, Store


def extra_steps(catalog, person: Person) -> tuple[str, ...]:
    """Steps of the person's extra checklists (migration and the like): markable, not counted."""
    roles = catalog.catalog_roles(person.role, person.class_leader, person.specialist)
    chain = {r for role in roles for r in catalog.role_chain(role)}
    return tuple(
        step_id for checklist in catalog.checklists.values() if checklist.kind != "main"
        and chain.intersection(checklist.audience) for step_id in checklist.step_ids
    )


def resolve_step(catalog, text: str, school_level: bool) -> tuple[str, str | None]:
    """(current step id, the old id typed) for what the user typed; unknown ids get close suggestions."""
    step_id = text.strip()
    known = catalog.org_steps if school_level else catalog.steps
    current = catalog.current_id(step_id)
    if current is not None and current in known:
        return current, (step_id if current != step_id else None)
    other = catalog.steps if school_level else catalog.org_steps
    if current is not None and current in other:
        key = "step-is-person-level" if school_level else "step-is-school-level"
        raise DataError(TRACKING[key].format(step=step_id))
    raise NotFoundError(TRACKING["step-unknown"].format(step=step_id) + suggest_steps(known, step_id))


def suggest_steps(steps, text: str) -> str:
    """«; может быть: install-max («Установите MAX»), login-max (…)», or nothing."""
    from rapidfuzz import fuzz, process

    choices = {step_id: step_id for step_id in steps}
    found = process.extract(text.lower(), choices, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    titles = {step_id: f"{step_id} («{steps[step_id].title}»)" for step_id in steps}
    if not found:
        by_title = {step_id: step.title.lower() for step_id, step in steps.items()}
        found = process.extract(text.lower(), by_title, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not found:
        return ""
    return TRACKING["maybe-steps"].format(steps=", ".join(titles[key] for _, _, key in found))


@dataclass(frozen=True)
class MarkOutcome:
    """What happened for one person (None: the school)."""

    person: Person | None
    who: Candidate | None  # the person with their classes, to name them (None: the school)
    step_id: str
    written: Event | None  # the event appended (None: nothing was)
    before: StepState | None  # the state before
    after: StepState | None  # the state now

    @property
    def recorded(self) -> bool:
        return self.written is not None

    @property
    def effective(self) -> bool:
        """The new event decides the current state (a later one may outrank it)."""
        return self.written is None or (self.after is not None and self.after.event_id == self.written.id)


def record(
    store: Store,
    catalog,
    school: School,
    people_queries: tuple[str, ...],
    step_text: str,
    action: str,
    *,
    at: dt.datetime | None = None,
    recorded_by: str | None = None,
    source: str = "meeting",
    note: str | None = None,
    force: bool = False,
) -> tuple[list[MarkOutcome], str | None]:
    """Mark (DONE / NOT_APPLICABLE) or unmark (UNDONE) one step for people, or for the school.

    A mark that would change nothing (already done; unmarking what is not
    done) is skipped unless `force` (a date or note was given). Returns the
    outcomes and the old id typed when the step was renamed.
    """
    school_level = not people_queries
    step_id, old_id = resolve_step(catalog, step_text, school_level)
    if school_level:
        subjects: list[Person | None] = [None]
    else:
        subjects = list(dict.fromkeys(store.resolve_person(school, q) for q in people_queries))
        for person in subjects:
            allowed = {s.id for s in profile_of(person).steps(catalog)} | set(extra_steps(catalog, person))
            if step_id not in allowed:
                raise StepNotForPersonError(
                    TRACKING["step-not-for-person"].format(step=step_id, who=f"#{person.id} {person.full_name}"),
                    step_id, store.candidates([person])[0])
    before = _states(store, catalog, school, subjects, step_id)
    to_write: list[NewEvent] = []
    for person in subjects:
        state = before.get(person.id if person else None)
        if not force and _already(state, action):
            continue
        to_write.append(NewEvent(
            school.id, person.id if person else None, step_id, action, at, recorded_by, source, note))
    written = store.append_events(to_write) if to_write else []
    after = _states(store, catalog, school, subjects, step_id)
    by_subject = {e.person_id: e for e in written}
    named = dict(zip(subjects, store.candidates(subjects))) if not school_level else {None: None}
    outcomes = []
    for person in subjects:
        key = person.id if person else None
        outcomes.append(MarkOutcome(person, named[person], step_id, by_subject.get(key), before.get(key),
                                    after.get(key)))
    return outcomes, old_id


def _already(state: StepState | None, action: str) -> bool:
    if action == UNDONE:
        return state is None or state.action == UNDONE
    return state is not None and state.action == action


def _states(store: Store, catalog, school: School, subjects, step_id: str) -> dict:
    if subjects == [None]:
        state = store.school_states(school, catalog).get(step_id)
        return {None: state} if state else {}
    ids = [p.id for p in subjects]
    folded = fold_events(store.events(school, person_ids=ids), catalog)
    return {pid: state for (pid, sid), state in folded.items() if sid == step_id}
