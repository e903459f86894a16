"""Road-map targets against reality: who each target counts, the share done, the burn-up, the forecast."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sferum_onboard.catalog.model import Catalog, Target, TargetAudience
from sferum_onboard.tracking.classes import grade_of
from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.roadmap.situation import _NONE, Situation, States

PACE_WEEKS = 4

MET, ON_TRACK, AT_RISK, NO_DATA = "met", "on_track", "at_risk", "no_data"


def grades_of(situation: Situation) -> dict[int, frozenset[int]]:
    """Grades a person belongs to: those of the classes they count in (a pupil's own, a parent's
    children's, a class leader's)."""
    by_classes: dict[tuple[str, ...], frozenset[int]] = {}  # a few hundred tuples for 100,000 people
    result = {}
    for person_id, classes in situation.memberships.items():
        grades = by_classes.get(classes)
        if grades is None:
            grades = by_classes[classes] = frozenset(g for g in map(grade_of, classes) if g is not None)
        result[person_id] = grades
    return result


def counts(audience: TargetAudience, person: Person, grades: frozenset[int] = frozenset()) -> bool:
    """Whether a target counts this person."""
    if person.role != audience.role:
        return False
    if audience.class_leader is not None and person.class_leader != audience.class_leader:
        return False
    if audience.specialist is not None and person.specialist != audience.specialist:
        return False
    if audience.grades is not None:
        low, high = audience.grades
        return any(low <= g <= high for g in grades)
    return True


@dataclass(frozen=True)
class TargetResult:
    """Where the school stands on one road-map target as of a date."""

    target: Target
    as_of: dt.date
    counted: int  # the denominator
    done: int
    not_applicable: int  # people who left the denominator
    series: tuple[tuple[dt.date, float], ...]  # burn-up points (weekly, then the date), percent
    pace: float | None  # percentage points per week over the last PACE_WEEKS weeks
    forecast: float | None  # percent expected on the due date at that pace
    status: str
    retired_steps: tuple[str, ...] = ()  # target step ids the catalog no longer has

    @property
    def value(self) -> float | None:
        return 100.0 * self.done / self.counted if self.counted else None

    @property
    def overdue(self) -> bool:
        return self.status == AT_RISK and self.as_of > self.target.due

    @property
    def days_left(self) -> int:
        return (self.target.due - self.as_of).days


def series_start(target: Target, school_year: str | None) -> dt.date | None:
    """The burn-up's first day: the target's start, else 1 September of the school year."""
    if target.start:
        return target.start
    if school_year and school_year[:4].isdecimal():
        return dt.date(int(school_year[:4]), 9, 1)
    return None


def evaluate_target(
    catalog: Catalog,
    target: Target,
    people: Iterable[Person],
    states: States,
    as_of: dt.date,
    grades: Mapping[int, frozenset[int]] | None = None,
) -> TargetResult:
    """One target; `grades` (person id -> grades) matters only for targets limited to grades."""
    step_ids: list[str] = []
    retired: list[str] = []
    for step_id in target.steps:
        current = catalog.current_id(step_id)
        if current is None:
            retired.append(step_id)
        else:
            step_ids.append(current)
    need_all = target.match != "any"
    counted = not_applicable = 0
    done_days: list[dt.date] = []
    for person in people:
        if not counts(target.counts, person, grades.get(person.id, frozenset()) if grades else frozenset()):
            continue
        own = states.get(person.id, _NONE)
        required = [own.get(s) for s in step_ids]
        required = [m for m in required if m is None or not m.not_applicable]
        if not required:
            not_applicable += 1
            continue
        counted += 1
        finished = [m.done_since or as_of for m in required if m is not None and m.done]
        if finished and not (need_all and len(finished) < len(required)):
            done_days.append(max(finished) if need_all else min(finished))
    done_days.sort()
    school_year = catalog.roadmap.school_year if catalog.roadmap else None
    return _result(target, series_start(target, school_year), as_of, counted, not_applicable,
                   done_days, tuple(retired))


def _share(done_days: Sequence[dt.date], day: dt.date, counted: int) -> float:
    return 100.0 * bisect.bisect_right(done_days, day) / counted


def _result(target, start, as_of, counted, not_applicable, done_days, retired) -> TargetResult:
    done = len(done_days)
    if not counted:
        return TargetResult(target, as_of, 0, 0, not_applicable, (), None, None, NO_DATA, retired)
    series = tuple((day, _share(done_days, day, counted)) for day in _weeks(start, as_of))
    value = 100.0 * done / counted
    window_start = max(as_of - dt.timedelta(weeks=PACE_WEEKS), start or as_of)
    span = (as_of - window_start).days
    pace = (value - _share(done_days, window_start, counted)) / span * 7 if span > 0 else None
    if as_of >= target.due:
        forecast = value
    elif pace is None:
        forecast = None
    else:
        forecast = min(100.0, value + pace * (target.due - as_of).days / 7)
    if done * 100 >= target.target * counted:  # integers: 80 of 100 meets 80 % exactly
        status = MET
    elif as_of >= target.due:
        status = AT_RISK
    elif pace is None or forecast >= target.target:
        # No week to measure a pace in yet (the target starts later or today): nothing is late.
        status = ON_TRACK
    else:
        status = AT_RISK
    return TargetResult(target, as_of, counted, done, not_applicable, series, pace, forecast, status, retired)


def _weeks(start: dt.date | None, end: dt.date) -> list[dt.date]:
    if start is None or start >= end:
        return [end]
    return [start + dt.timedelta(days=d) for d in range(0, (end - start).days, 7)] + [end]


def evaluate_roadmap(catalog: Catalog, situation: Situation) -> tuple[TargetResult, ...]:
    """Every road-map target, in the road map's order."""
    if catalog.roadmap is None:
        return ()
    grades = None
    if any(t.counts.grades for t in catalog.roadmap.targets):
        grades = grades_of(situation)
    by_role: dict[str, list[Person]] = defaultdict(list)
    for person in situation.people:
        by_role[person.role].append(person)
    return tuple(
        evaluate_target(catalog, target, by_role[target.counts.role], situation.states, situation.as_of, grades)
        for target in catalog.roadmap.targets
    )
