"""A school as of a date: its active people and classes, and a `StepState` per (person, step).

Production reads it from the store with compact queries
(`outputs.report.load_situations`, through `states_from_rows`).
`situation_from_events` folds the events in Python: it is the reference
that path is tested against (tests/test_roadmap_store.py), and what the
road map's unit tests build schools with.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from sferum_onboard.catalog.model import Catalog
from sferum_onboard.tracking.fold import as_of_limit, fold_events, verified_keys
from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.tracking.model import (
    DONE, NOT_APPLICABLE, UNDONE, Event, Person, School, SchoolClass, StepState,
)


# person id -> current step id -> state; steps with no event are absent.
States = Mapping[int, Mapping[str, StepState]]
_NONE: Mapping[str, StepState] = {}


@dataclass(frozen=True)
class Situation:
    """What a school looks like as of a date: the input of every evaluation."""

    school: School
    as_of: dt.date
    people: Sequence[Person]  # active people only
    classes: Sequence[SchoolClass]
    states: States
    org_states: Mapping[str, StepState] = field(default_factory=dict)  # school-level step id -> state
    retired: Mapping[str, int] = field(default_factory=dict)  # retired step id -> people who did it
    verified: frozenset[tuple[int, str]] = frozenset()  # (person id, step id) a chat's member list verified
    outsiders: Mapping[str, int] = field(default_factory=dict)  # checked class -> outsiders in its chats, not handled

    @functools.cached_property
    def memberships(self) -> dict[int, tuple[str, ...]]:
        """Person id -> the classes they count in (`membership.classes_of`, children among these people)."""
        pupil_classes = {p.id: p.class_name for p in self.people if p.role == "pupil"}
        return {p.id: classes_of(p, pupil_classes) for p in self.people}


def _day(moment: dt.datetime | dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def situation_from_events(
    catalog: Catalog,
    school: School,
    people: Iterable[Person],
    classes: Sequence[SchoolClass],
    events: Iterable[Event],
    as_of: dt.date,
) -> Situation:
    """The pure path: fold a school's events (`tracking.fold`) into states."""
    events = [e for e in events if e.school_id == school.id]
    folded = fold_events(events, catalog, as_of)
    limit = as_of_limit(as_of)
    first: dict[tuple[int | None, str], dt.date] = {}
    for event in events:
        if event.action == DONE and event.at <= limit:
            key = (event.person_id, catalog.current_id(event.step_id) or event.step_id)
            day = _day(event.at)
            if day < first.get(key, dt.date.max):
                first[key] = day
    states: dict[int, dict[str, StepState]] = defaultdict(dict)
    org: dict[str, StepState] = {}
    retired: dict[str, int] = defaultdict(int)
    for key, state in folded.items():
        if state.done:
            state = state._replace(first_done=first.get(key))
        person_id, step_id = key
        if state.retired:
            if state.done:  # like the store's reads: a retired step undone is not listed at all
                retired[step_id] += 1
        elif person_id is None:
            org[step_id] = state
        else:
            states[person_id][step_id] = state
    return Situation(school, as_of, [p for p in people if p.active and p.school_id == school.id],
                     classes, dict(states), org, dict(retired), verified_keys(events, catalog, as_of))


def states_from_rows(
    catalog: Catalog,
    rows: Iterable[tuple[int, str, str]],
    first_done: Mapping[tuple[int, str], dt.datetime | dt.date] | None = None,
) -> tuple[dict[int, dict[str, StepState]], list[tuple[int, str]]]:
    """States from compact (person id, current step id, action) rows, as the store reduces them.

    Returns the states and the (person id, step id) pairs done on steps the
    catalog no longer has. States without a date are shared: a million rows
    make a few objects, not a million.
    """
    first_done = first_done or {}
    shared = {action: StepState(action) for action in (DONE, NOT_APPLICABLE, UNDONE)}
    known = set(catalog.steps)
    states: dict[int, dict[str, StepState]] = defaultdict(dict)
    retired: list[tuple[int, str]] = []
    days: dict = {}
    for person_id, step_id, action in rows:
        if step_id not in known:
            if action == DONE:
                retired.append((person_id, step_id))
            continue
        first = first_done.get((person_id, step_id)) if action == DONE else None
        if first is None:
            states[person_id][step_id] = shared.get(action) or StepState(action)
        else:
            day = days.get(first)
            if day is None:
                day = days[first] = _day(first)
            states[person_id][step_id] = StepState(action, None, day)
    return dict(states), retired


def retired_counts(retired: Iterable[tuple[int, str]], people: Iterable[Person]) -> dict[str, int]:
    """Retired step id -> how many of these people had it done."""
    ids = {p.id for p in people}
    counted: dict[str, int] = defaultdict(int)
    for person_id, step_id in retired:
        if person_id in ids:
            counted[step_id] += 1
    return dict(sorted(counted.items()))


def target_step_ids(catalog: Catalog) -> frozenset[str]:
    """The current ids of every road-map target's steps: the ones burn-up charts need dates for."""
    if catalog.roadmap is None:
        return frozenset()
    return frozenset(filter(None, (catalog.current_id(s) for t in catalog.roadmap.targets for s in t.steps)))
