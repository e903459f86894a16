"""Road-map evaluation: targets against reality, burn-up series, funnels, who is behind.

Pure: everything here is computed from the Catalog, the school's people and
the current state of every (person, step) pair as of a date (`StepState`,
folded from the event log by `tracking.progress`). No I/O, no store.

Counting rules (the report states them):
- only active people count; a parent is one person however many children
  they have, so a household is counted once;
- a step marked "not applicable" for a person is dropped from what that
  person must do for a target; a person left with nothing to do leaves the
  target's denominator, and the result says how many did;
- the burn-up series places each person who has reached the target at the
  moment they first completed it (the last of the steps for `match: all`,
  the first for `match: any`), so it rises to today's value; its
  denominator is today's.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

from sferum_onboard.catalog.model import MILESTONES, Catalog, OrgStep, Step, Target, TargetAudience
from sferum_onboard.tracking.classes import grade_of
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, Person, School, SchoolClass

# The forecast extends the pace of the last weeks to the due date.
PACE_WEEKS = 4

MET, ON_TRACK, AT_RISK, NO_DATA = "met", "on_track", "at_risk", "no_data"
STATUSES = (MET, ON_TRACK, AT_RISK, NO_DATA)

# Funnel groups: the four platform roles, with class leaders and specialists
# also shown on their own (they are teachers with a flag).
FUNNEL_GROUPS = ("administrator", "teacher", "class_leader", "specialist", "pupil", "parent")


class StepState(NamedTuple):
    """The state of one step for one person (or the school) as of a date."""

    action: str  # DONE | UNDONE | NOT_APPLICABLE: the latest event's action
    at: dt.datetime  # when the latest event happened
    first_done: dt.datetime | None = None  # the first "done" up to the date, for burn-up charts

    @property
    def done(self) -> bool:
        return self.action == DONE

    @property
    def not_applicable(self) -> bool:
        return self.action == NOT_APPLICABLE


# person id -> step id (current catalog id) -> state; pairs with no event are absent.
States = Mapping[int, Mapping[str, StepState]]
_NO_STATES: Mapping[str, StepState] = {}


@dataclass(frozen=True)
class Situation:
    """What a school looks like as of a date: the input of every evaluation."""

    school: School
    as_of: dt.date
    people: Sequence[Person]
    classes: Sequence[SchoolClass]
    states: States
    org_states: Mapping[str, StepState] = field(default_factory=dict)
    retired: Mapping[str, int] = field(default_factory=dict)  # retired step id -> events kept


# --- who follows what -------------------------------------------------------


class Plans:
    """Memoised per-kind step lists: 100,000 people have only a few dozen kinds."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._steps: dict[tuple, tuple[Step, ...]] = {}

    def steps(self, person: Person) -> tuple[Step, ...]:
        key = (person.role, person.class_leader, person.specialist, person.grade)
        steps = self._steps.get(key)
        if steps is None:
            steps = self.catalog.steps_for_person(*key)
            self._steps[key] = steps
        return steps


def active_people(people: Iterable[Person]) -> list[Person]:
    return [p for p in people if p.active]


def person_grades(person: Person, pupil_grades: Mapping[int, int | None]) -> frozenset[int]:
    """Grades a person belongs to: a pupil's own, a parent's children's, a class leader's classes."""
    if person.role == "pupil":
        grades = [person.grade]
    elif person.role == "parent":
        grades = [pupil_grades.get(child) for child in person.children]
    else:
        grades = [grade_of(name) for name in person.led_classes]
    return frozenset(g for g in grades if g is not None)


def counts(audience: TargetAudience, person: Person, grades: frozenset[int]) -> bool:
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


# --- road-map targets -------------------------------------------------------


@dataclass(frozen=True)
class TargetResult:
    """Where the school stands on one road-map target as of a date."""

    target: Target
    as_of: dt.date
    counted: int  # the denominator
    done: int
    not_applicable: int  # people who left the denominator
    series: tuple[tuple[dt.date, float], ...]  # weekly burn-up points, percent
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
    if school_year and school_year[:4].isdigit():
        return dt.date(int(school_year[:4]), 9, 1)
    return None


def _day(moment: dt.datetime | dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _share(done_days: Sequence[dt.date], day: dt.date, counted: int) -> float:
    return 100.0 * bisect.bisect_right(done_days, day) / counted


def evaluate_target(
    catalog: Catalog,
    target: Target,
    people: Iterable[Person],
    states: States,
    as_of: dt.date,
    grades_of: Mapping[int, frozenset[int]] | None = None,
) -> TargetResult:
    """Evaluate one target; `grades_of` (person id -> grades) is needed only for grade ranges."""
    step_ids: list[str] = []
    retired: list[str] = []
    for step_id in target.steps:
        current = catalog.current_id(step_id)
        (step_ids if current else retired).append(current or step_id)
    need_all = target.match != "any"
    counted = not_applicable = 0
    done_days: list[dt.date] = []
    for person in people:
        if not counts(target.counts, person, grades_of.get(person.id, frozenset()) if grades_of else frozenset()):
            continue
        own = states.get(person.id, _NO_STATES)
        required = [own.get(s) for s in step_ids]
        required = [s for s in required if s is None or not s.not_applicable]
        if not required:
            not_applicable += 1
            continue
        counted += 1
        finished = [s for s in required if s is not None and s.done]
        if not finished or (need_all and len(finished) < len(required)):
            continue
        moments = [_day(s.first_done or s.at) for s in finished]
        done_days.append(max(moments) if need_all else min(moments))
    done_days.sort()
    return _result(target, catalog, as_of, counted, not_applicable, done_days, tuple(retired))


def _result(target, catalog, as_of, counted, not_applicable, done_days, retired) -> TargetResult:
    done = len(done_days)
    if not counted:
        return TargetResult(target, as_of, 0, 0, not_applicable, (), None, None, NO_DATA, retired)
    start = series_start(target, catalog.roadmap.school_year if catalog.roadmap else None)
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
    if done * 100 >= target.target * counted:
        status = MET
    elif as_of < target.due and forecast is not None and forecast >= target.target:
        status = ON_TRACK
    else:
        status = AT_RISK
    return TargetResult(target, as_of, counted, done, not_applicable, series, pace, forecast, status, retired)


def _weeks(start: dt.date | None, end: dt.date) -> list[dt.date]:
    if start is None or start >= end:
        return [end]
    days = list(range(0, (end - start).days, 7))
    return [start + dt.timedelta(days=d) for d in days] + [end]


def evaluate_roadmap(catalog: Catalog, situation: Situation) -> tuple[TargetResult, ...]:
    """Every road-map target, in the road map's order."""
    if catalog.roadmap is None:
        return ()
    people = active_people(situation.people)
    grades_of = _grades_by_person(people) if any(t.counts.grades for t in catalog.roadmap.targets) else None
    return tuple(
        evaluate_target(catalog, target, people, situation.states, situation.as_of, grades_of)
        for target in catalog.roadmap.targets
    )


def _grades_by_person(people: Sequence[Person]) -> dict[int, frozenset[int]]:
    pupil_grades = {p.id: p.grade for p in people if p.role == "pupil"}
    return {p.id: person_grades(p, pupil_grades) for p in people}


# --- funnel -----------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    """How far the people of one group got along install → log in → join → chat → call."""

    group: str  # one of FUNNEL_GROUPS
    total: int
    stages: tuple[tuple[str, int | None], ...]  # (milestone, people who reached it); None: no such step


def _in_group(person: Person, group: str) -> bool:
    if group == "class_leader":
        return person.role == "teacher" and person.class_leader
    if group == "specialist":
        return person.role == "teacher" and person.specialist
    return person.role == group


def funnel(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[FunnelRow, ...]:
    """A funnel per group; reaching a later milestone counts as passing the earlier ones."""
    plans = plans or Plans(catalog)
    people = active_people(situation.people)
    rows = []
    for group in FUNNEL_GROUPS:
        members = [p for p in people if _in_group(p, group)]
        if not members:
            continue
        reached = [0] * len(MILESTONES)
        present = [False] * len(MILESTONES)
        for person in members:
            own = situation.states.get(person.id, _NO_STATES)
            furthest = -1
            for step in plans.steps(person):
                if step.milestone in MILESTONES:
                    index = MILESTONES.index(step.milestone)
                    present[index] = True
                    state = own.get(step.id)
                    if state is not None and state.done:
                        furthest = max(furthest, index)
            for index in range(furthest + 1):
                reached[index] += 1
        stages = tuple((m, reached[i] if present[i] else None) for i, m in enumerate(MILESTONES))
        rows.append(FunnelRow(group, len(members), stages))
    return tuple(rows)


# --- who is behind, and what they do next ------------------------------------


@dataclass(frozen=True)
class Behind:
    """A person with a key or road-map step still open."""

    person: Person
    next_step: Step
    open_steps: tuple[Step, ...]  # the required steps still open, in checklist order
    done: int  # steps of their checklist done
    total: int  # steps of their checklist that apply to them
    helpers: tuple[Person, ...]  # who can help: the class leaders of their (children's) classes


def required_step_ids(catalog: Catalog, person: Person, grades: frozenset[int]) -> set[str]:
    """Key steps plus the steps of every road-map target that counts this person."""
    ids = set()
    if catalog.roadmap:
        for target in catalog.roadmap.targets:
            if counts(target.counts, person, grades):
                ids.update(filter(None, map(catalog.current_id, target.steps)))
    return ids


def next_step(catalog: Catalog, steps: Sequence[Step], own: Mapping[str, StepState], goal: Step) -> Step:
    """The first open step on the way to `goal`: its earliest open dependency, or the goal itself."""
    is_open = {s.id: _is_open(own.get(s.id)) for s in steps}
    order = {s.id: i for i, s in enumerate(steps)}
    seen: set[str] = set()
    best = goal
    stack = [goal.id]
    while stack:
        for dep in catalog.steps[stack.pop()].depends_on if stack or True else ():
            if dep in seen or dep not in catalog.steps:
                continue
            seen.add(dep)
            if is_open.get(dep, _is_open(own.get(dep))):
                stack.append(dep)
                if order.get(dep, len(order)) < order.get(best.id, len(order)):
                    best = catalog.steps[dep]
    return best


def _is_open(state: StepState | None) -> bool:
    return state is None or not (state.done or state.not_applicable)


def behind(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[Behind, ...]:
    """Everyone with a key or road-map step open, with their next step and who can help."""
    plans = plans or Plans(catalog)
    people = active_people(situation.people)
    grades_of = _grades_by_person(people)
    leaders = class_leaders(situation)
    pupil_class = {p.id: p.class_name for p in people if p.role == "pupil"}
    admins = tuple(p for p in people if p.role == "administrator")
    required_cache: dict[tuple, set[str]] = {}
    result = []
    for person in people:
        steps = plans.steps(person)
        grades = grades_of.get(person.id, frozenset())
        key = (person.role, person.class_leader, person.specialist, grades)
        required = required_cache.get(key)
        if required is None:
            required = required_cache[key] = required_step_ids(catalog, person, grades)
        own = situation.states.get(person.id, _NO_STATES)
        applicable = [s for s in steps if not (own.get(s.id) and own[s.id].not_applicable)]
        open_required = tuple(s for s in applicable if (s.key or s.id in required) and _is_open(own.get(s.id)))
        if not open_required:
            continue
        done = sum(1 for s in applicable if not _is_open(own.get(s.id)))
        result.append(Behind(
            person=person,
            next_step=next_step(catalog, steps, own, open_required[0]),
            open_steps=open_required,
            done=done,
            total=len(applicable),
            helpers=_helpers(person, leaders, pupil_class, admins),
        ))
    return tuple(result)


def class_leaders(situation: Situation) -> dict[str, Person]:
    """Class name -> its class leader: the class's leader id, else a teacher who leads it."""
    by_id = {p.id: p for p in situation.people if p.active}
    leaders: dict[str, Person] = {}
    for person in by_id.values():
        for name in person.led_classes:
            leaders.setdefault(name, person)
    for school_class in situation.classes:
        leader = by_id.get(school_class.leader_id) if school_class.leader_id else None
        if leader is not None:
            leaders[school_class.name] = leader
    return leaders


def _helpers(person, leaders, pupil_class, admins) -> tuple[Person, ...]:
    if person.role == "pupil":
        classes = [person.class_name]
    elif person.role == "parent":
        classes = [pupil_class.get(child) for child in person.children]
    else:
        return tuple(a for a in admins if a.id != person.id)[:1]
    helpers = {leaders[c].id: leaders[c] for c in classes if c in leaders and leaders[c].id != person.id}
    return tuple(helpers.values())


# --- classes ----------------------------------------------------------------


@dataclass(frozen=True)
class StepCount:
    step: Step
    done: int
    applicable: int  # people who follow the step and are not marked "not applicable"

    @property
    def share(self) -> float | None:
        return 100.0 * self.done / self.applicable if self.applicable else None


@dataclass(frozen=True)
class GroupProgress:
    role: str  # pupil | parent
    people: int
    steps: tuple[StepCount, ...]


@dataclass(frozen=True)
class ClassProgress:
    name: str
    leader: Person | None
    groups: tuple[GroupProgress, ...]  # pupils, then their parents


def class_members(situation: Situation) -> dict[str, tuple[list[Person], list[Person]]]:
    """Class name -> (pupils, parents of those pupils); a parent of two classes is in both."""
    people = active_people(situation.people)
    members: dict[str, tuple[list[Person], list[Person]]] = {}
    for school_class in situation.classes:
        members.setdefault(school_class.name, ([], []))
    pupil_class = {}
    for person in people:
        if person.role == "pupil" and person.class_name:
            members.setdefault(person.class_name, ([], []))[0].append(person)
            pupil_class[person.id] = person.class_name
    for person in people:
        if person.role == "parent":
            for name in dict.fromkeys(pupil_class[c] for c in person.children if c in pupil_class):
                members[name][1].append(person)
    return members


def step_counts(people: Sequence[Person], states: States, plans: Plans) -> tuple[StepCount, ...]:
    """Done and applicable counts per step for a group, steps in the order people follow them."""
    done: dict[str, int] = defaultdict(int)
    applicable: dict[str, int] = defaultdict(int)
    order: dict[str, Step] = {}
    for person in people:
        own = states.get(person.id, _NO_STATES)
        for step in plans.steps(person):
            order.setdefault(step.id, step)
            state = own.get(step.id)
            if state is not None and state.not_applicable:
                continue
            applicable[step.id] += 1
            if state is not None and state.done:
                done[step.id] += 1
    return tuple(StepCount(step, done[i], applicable[i]) for i, step in order.items())


def class_progress(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[ClassProgress, ...]:
    """A table per class: per step, how many of its pupils and of their parents have done it."""
    plans = plans or Plans(catalog)
    leaders = class_leaders(situation)
    result = []
    for name, (pupils, parents) in sorted(class_members(situation).items(), key=lambda i: class_sort_key(i[0])):
        groups = tuple(
            GroupProgress(role, len(group), step_counts(group, situation.states, plans))
            for role, group in (("pupil", pupils), ("parent", parents))
            if group
        )
        result.append(ClassProgress(name, leaders.get(name), groups))
    return tuple(result)


def class_sort_key(name: str) -> tuple[int, str]:
    """«2А» before «10А»: by grade, then letter."""
    return (grade_of(name) or 0, name)


# --- organisation-level steps ------------------------------------------------


@dataclass(frozen=True)
class OrgStepStatus:
    step: OrgStep
    state: StepState | None

    @property
    def done(self) -> bool:
        return self.state is not None and self.state.done


def org_steps(catalog: Catalog, situation: Situation) -> tuple[OrgStepStatus, ...]:
    return tuple(OrgStepStatus(step, situation.org_states.get(step.id)) for step in catalog.org_steps.values())


# --- everything for one school ------------------------------------------------


@dataclass(frozen=True)
class SchoolResult:
    """All a school report shows, as of a date."""

    situation: Situation
    targets: tuple[TargetResult, ...]
    funnel: tuple[FunnelRow, ...]
    classes: tuple[ClassProgress, ...]
    behind: tuple[Behind, ...]
    org_steps: tuple[OrgStepStatus, ...]
    people_by_role: Mapping[str, int]

    @property
    def school(self) -> School:
        return self.situation.school

    @property
    def as_of(self) -> dt.date:
        return self.situation.as_of


def evaluate_school(catalog: Catalog, situation: Situation) -> SchoolResult:
    plans = Plans(catalog)
    by_role: dict[str, int] = {group: 0 for group in FUNNEL_GROUPS}
    for person in active_people(situation.people):
        for group in FUNNEL_GROUPS:
            if _in_group(person, group):
                by_role[group] += 1
    return SchoolResult(
        situation=situation,
        targets=evaluate_roadmap(catalog, situation),
        funnel=funnel(catalog, situation, plans),
        classes=class_progress(catalog, situation, plans),
        behind=behind(catalog, situation, plans),
        org_steps=org_steps(catalog, situation),
        people_by_role=by_role,
    )
