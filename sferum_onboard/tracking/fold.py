"""Current state from the append-only event log: the one rule, folded in Python (pure: no I/O).

The rule every part of the project follows (the store's SQL does the same,
and tests check that it does, over random histories):

* events are folded per (person, step); for a school-level step the person
  is None and the events of one school are folded together;
* an old step id (`renamed_from` in the catalog) is folded into the id the
  step has now (`catalog.current_id`); an id the catalog no longer knows is
  kept as it is and reported as *retired*;
* the latest event wins, ordered by when it happened (`at`) and, for equal
  times, by the order it was recorded (`id`); "undone" is a state like the
  others, so a step done, undone and done again is done;
* `as_of` keeps only the events that happened up to that moment (a date
  means the end of that day), so the state on a past date is computed by the
  same rule as the state now.

Verified: a step done is *verified* when a chat's member list showed it
(an event from the source `members`) and nothing has undone it since:
`verified_keys` walks each (person, step) in the same order, and a "done"
from a member list counts until an "undone" or "not applicable" ends the run
of "done" events that decides the state. So a later self-report keeps the
verification, and a later manual unmark (ordered by time, like every event)
ends it.

Production folds here whatever is small: one person's history (`status`,
`mark`), the events a sheet touches, a school's own steps. Whole schools
are reduced by the store's SQL (`Store.current_states`, its state cache),
which this fold is the reference for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

from sferum_onboard.tracking.model import DONE, MEMBERS, Event, StepState

StateKey = tuple[int | None, str]


def as_of_limit(as_of: dt.date | dt.datetime | None) -> dt.datetime | None:
    """The last moment included by `as_of`: a date means the whole of that day."""
    if as_of is None:
        return None
    if isinstance(as_of, dt.datetime):
        return as_of
    return dt.datetime.combine(as_of, dt.time.max)


def event_order(event: Event) -> tuple[dt.datetime, int]:
    """The order in which events replace each other: when it happened, then recording order."""
    return (event.at, event.id)


def _resolve(step_id: str, catalog) -> tuple[str, bool]:
    """(current id, retired?) of a stored step id; without a catalog ids are taken as they are."""
    if catalog is None:
        return step_id, False
    current = catalog.current_id(step_id)
    if current is None:
        return step_id, True
    return current, False


def fold_events(
    events: Iterable[Event], catalog=None, as_of: dt.date | dt.datetime | None = None
) -> dict[StateKey, StepState]:
    """The current state per (person_id or None, step id) from any events, in any order.

    Events of school-level steps (person_id None) from several schools would
    fold together; pass one school's events, or use `fold_school_events`.
    A state of UNDONE is kept (it says who undid it and when); use
    `StepState.done` to count.
    """
    limit = as_of_limit(as_of)
    resolved: dict[str, tuple[str, bool]] = {}
    latest: dict[StateKey, tuple[tuple[dt.datetime, int], Event, str, bool]] = {}
    for event in events:
        if limit is not None and event.at > limit:
            continue
        if event.step_id not in resolved:
            resolved[event.step_id] = _resolve(event.step_id, catalog)
        step_id, retired = resolved[event.step_id]
        key = (event.person_id, step_id)
        order = event_order(event)
        known = latest.get(key)
        if known is None or order > known[0]:
            latest[key] = (order, event, step_id, retired)
    return {key: _state(event, step_id, retired) for key, (_, event, step_id, retired) in latest.items()}


def verified_keys(
    events: Iterable[Event], catalog=None, as_of: dt.date | dt.datetime | None = None
) -> frozenset[StateKey]:
    """The (person_id, current step id) pairs done and verified by a member list (see above).

    Pass every event of those pairs (the store reads them: `Store.verified_keys`).
    """
    limit = as_of_limit(as_of)
    resolved: dict[str, tuple[str, bool]] = {}
    by_key: dict[StateKey, list[Event]] = defaultdict(list)
    for event in events:
        if event.person_id is None or (limit is not None and event.at > limit):
            continue
        if event.step_id not in resolved:
            resolved[event.step_id] = _resolve(event.step_id, catalog)
        by_key[(event.person_id, resolved[event.step_id][0])].append(event)
    found = set()
    for key, history in by_key.items():
        verified = False
        for event in sorted(history, key=event_order):
            if event.action != DONE:
                verified = False
            elif event.source == MEMBERS:
                verified = True
        if verified:
            found.add(key)
    return frozenset(found)


def fold_school_events(
    events: Iterable[Event], catalog=None, as_of: dt.date | dt.datetime | None = None
) -> dict[tuple[int, str], StepState]:
    """School-level states per (school_id, step id), for a store with several schools."""
    by_school: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.person_id is None:
            by_school[event.school_id].append(event)
    result: dict[tuple[int, str], StepState] = {}
    for school_id, school_events in by_school.items():
        for (_, step_id), state in fold_events(school_events, catalog, as_of).items():
            result[(school_id, step_id)] = state
    return result


def _state(event: Event, step_id: str, retired: bool) -> StepState:
    return StepState(
        person_id=event.person_id, step_id=step_id, action=event.action, at=event.at,
        recorded_by=event.recorded_by, source=event.source, note=event.note, event_id=event.id,
        stored_step_id=event.step_id, retired=retired, school_id=event.school_id,
    )
