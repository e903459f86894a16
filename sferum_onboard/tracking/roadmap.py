"""Road-map evaluation: targets against reality, burn-up series, funnels, who is behind.

Pure: everything here is computed from the Catalog, the school's people and
a `Mark` per (person, step): the state folded from the event log as of a
date (by `tracking.progress.fold_events`, or by the store's SQL under the
same rule) plus the day the step was first done, for the burn-up charts.
No I/O, no store.

Counting rules (the report states them):
- only active people count; a parent is one person however many children
  they have, so a household is counted once;
- a step marked "not applicable" for a person is dropped from what that
  person must do for a target; a person left with nothing to do leaves the
  target's denominator, and the result says how many did;
- the burn-up places each person who has reached the target on the day they
  first completed it (the last of the steps for `match: all`, the first for
  `match: any`), so the line rises to today's value over today's
  denominator; the forecast extends the pace of the last `PACE_WEEKS` weeks
  to the due date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

from sferum_onboard.catalog.model import MILESTONES, Catalog, OrgStep, Step, Target, TargetAudience
from sferum_onboard.tracking.classes import grade_of
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Event, Person, School, SchoolClass
from sferum_onboard.tracking.progress import as_of_limit, class_sort_key, fold_events, profile_of

PACE_WEEKS = 4

MET, ON_TRACK, AT_RISK, NO_DATA = "met", "on_track", "at_risk", "no_data"

# Funnel groups: the four platform roles, with class leaders and specialists
# also shown on their own (they are teachers with a flag).
FUNNEL_GROUPS = ("administrator", "teacher", "class_leader", "specialist", "pupil", "parent")


class Mark(NamedTuple):
    """Where one person (or the school) stands on one step as of a date, to the day."""

    action: str  # the deciding event's action: DONE | UNDONE | NOT_APPLICABLE
    day: dt.date | None = None  # when the deciding event happened (when known)
    first_done: dt.date | None = None  # the first "done" up to the date (for road-map steps)

    @property
    def done(self) -> bool:
        return self.action == DONE

    @property
    def not_applicable(self) -> bool:
        return self.action == NOT_APPLICABLE

    @property
    def done_since(self) -> dt.date | None:
        return self.first_done or self.day


# person id -> current step id -> mark; steps with no event are absent.
Marks = Mapping[int, Mapping[str, Mark]]
_NONE: Mapping[str, Mark] = {}


@dataclass(frozen=True)
class Situation:
    """What a school looks like as of a date: the input of every evaluation."""

    school: School
    as_of: dt.date
    people: Sequence[Person]  # active people only
    classes: Sequence[SchoolClass]
    marks: Marks
    org_marks: Mapping[str, Mark] = field(default_factory=dict)  # school-level step id -> mark
    retired: Mapping[str, int] = field(default_factory=dict)  # retired step id -> people who did it


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
    """The pure path: fold a school's events (as `tracking.progress` does) into marks."""
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
    marks: dict[int, dict[str, Mark]] = defaultdict(dict)
    org: dict[str, Mark] = {}
    retired: dict[str, int] = defaultdict(int)
    for key, state in folded.items():
        mark = Mark(state.action, _day(state.at), first.get(key) if state.done else None)
        person_id, step_id = key
        if state.retired:
            if state.done:  # like the store's reads: a retired step undone is not listed at all
                retired[step_id] += 1
        elif person_id is None:
            org[step_id] = mark
        else:
            marks[person_id][step_id] = mark
    return Situation(school, as_of, [p for p in people if p.active and p.school_id == school.id],
                     classes, dict(marks), org, dict(retired))


def marks_from_rows(
    catalog: Catalog,
    rows: Iterable[tuple[int, str, str]],
    first_done: Mapping[tuple[int, str], dt.datetime | dt.date] | None = None,
) -> tuple[dict[int, dict[str, Mark]], list[tuple[int, str]]]:
    """Marks from compact (person id, current step id, action) rows, as the store reduces them.

    Returns the marks and the (person id, step id) pairs done on steps the
    catalog no longer has. Marks without a date are shared: a million rows
    make a few objects, not a million.
    """
    first_done = first_done or {}
    shared = {action: Mark(action) for action in (DONE, NOT_APPLICABLE, UNDONE)}
    known = set(catalog.steps)
    marks: dict[int, dict[str, Mark]] = defaultdict(dict)
    retired: list[tuple[int, str]] = []
    days: dict = {}
    for person_id, step_id, action in rows:
        if step_id not in known:
            if action == DONE:
                retired.append((person_id, step_id))
            continue
        first = first_done.get((person_id, step_id)) if action == DONE else None
        if first is None:
            marks[person_id][step_id] = shared.get(action) or Mark(action)
        else:
            day = days.get(first)
            if day is None:
                day = days[first] = _day(first)
            marks[person_id][step_id] = Mark(action, None, day)
    return dict(marks), retired


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


# --- who follows what ---------------------------------------------------------


class Plan(NamedTuple):
    """What one kind of person follows."""

    profile: object  # progress.Profile
    steps: tuple[Step, ...]  # in checklist order
    order: Mapping[str, int]  # step id -> position in `steps`
    milestones: tuple[tuple[int, str], ...]  # (index in MILESTONES, step id) of the milestone steps


class Plans:
    """The plan of each person, worked out once per kind of person (100,000 people are a few
    dozen kinds) and remembered per person id, since every table asks again."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._by_profile: dict = {}
        self._by_person: dict[int, Plan] = {}

    def of(self, person: Person) -> Plan:
        plan = self._by_person.get(person.id)
        if plan is None:
            profile = profile_of(person)
            plan = self._by_profile.get(profile)
            if plan is None:
                steps = profile.steps(self.catalog)
                plan = self._by_profile[profile] = Plan(
                    profile, steps, {s.id: i for i, s in enumerate(steps)},
                    tuple((MILESTONES.index(s.milestone), s.id) for s in steps if s.milestone in MILESTONES))
            self._by_person[person.id] = plan
        return plan

    def steps(self, person: Person) -> tuple[Step, ...]:
        return self.of(person).steps


def grades_by_person(people: Sequence[Person]) -> dict[int, frozenset[int]]:
    """Grades a person belongs to: a pupil's own, a parent's children's, a class leader's classes."""
    pupil_grades = {p.id: p.grade for p in people if p.role == "pupil"}
    result = {}
    for person in people:
        if person.role == "pupil":
            grades = [person.grade]
        elif person.role == "parent":
            grades = [pupil_grades.get(child) for child in person.children]
        else:
            grades = [grade_of(name) for name in person.led_classes]
        result[person.id] = frozenset(g for g in grades if g is not None)
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


# --- road-map targets -----------------------------------------------------------


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
    if school_year and school_year[:4].isdigit():
        return dt.date(int(school_year[:4]), 9, 1)
    return None


def evaluate_target(
    catalog: Catalog,
    target: Target,
    people: Iterable[Person],
    marks: Marks,
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
        own = marks.get(person.id, _NONE)
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
        grades = grades_by_person(situation.people)
    by_role: dict[str, list[Person]] = defaultdict(list)
    for person in situation.people:
        by_role[person.role].append(person)
    return tuple(
        evaluate_target(catalog, target, by_role[target.counts.role], situation.marks, situation.as_of, grades)
        for target in catalog.roadmap.targets
    )


# --- funnel ---------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    """How far the people of one group got along install → log in → join → chat → call."""

    group: str  # one of FUNNEL_GROUPS
    total: int
    stages: tuple[tuple[str, int | None], ...]  # (milestone, people who reached it); None: no such step


def group_members(people: Iterable[Person]) -> dict[str, list[Person]]:
    """FUNNEL_GROUPS -> their people (a class leader is also among the teachers)."""
    members: dict[str, list[Person]] = {group: [] for group in FUNNEL_GROUPS}
    for person in people:
        if person.role in members:
            members[person.role].append(person)
        if person.role == "teacher":
            if person.class_leader:
                members["class_leader"].append(person)
            if person.specialist:
                members["specialist"].append(person)
    return members


def funnel(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[FunnelRow, ...]:
    """A funnel per group; reaching a later milestone counts as passing the earlier ones."""
    plans = plans or Plans(catalog)
    rows = []
    for group, members in group_members(situation.people).items():
        if not members:
            continue
        reached = [0] * len(MILESTONES)
        present = [False] * len(MILESTONES)
        for person in members:
            own = situation.marks.get(person.id, _NONE)
            furthest = -1
            for index, step_id in plans.of(person).milestones:
                present[index] = True
                mark = own.get(step_id)
                if mark is not None and mark.done and index > furthest:
                    furthest = index
            for index in range(furthest + 1):
                reached[index] += 1
        stages = tuple((m, reached[i] if present[i] else None) for i, m in enumerate(MILESTONES))
        rows.append(FunnelRow(group, len(members), stages))
    return tuple(rows)


# --- each person: done, next step, who helps ----------------------------------------


class PersonProgress(NamedTuple):
    """One person's standing: what they did, what is next, who can help."""

    person: Person
    done: int  # steps of their checklist done
    total: int  # steps of their checklist that apply to them
    next_step: Step | None  # the first open step on the way to their first open required step
    open_required: tuple[Step, ...]  # key and road-map steps still open, in checklist order
    helpers: tuple[Person, ...]  # class leaders of their (children's) classes; the administrator for staff

    @property
    def behind(self) -> bool:
        return bool(self.open_required)


def required_step_ids(catalog: Catalog, person: Person, grades: frozenset[int]) -> frozenset[str]:
    """The steps of every road-map target that counts this person."""
    ids: set[str] = set()
    if catalog.roadmap:
        for target in catalog.roadmap.targets:
            if counts(target.counts, person, grades):
                ids.update(filter(None, map(catalog.current_id, target.steps)))
    return frozenset(ids)


def next_step(catalog: Catalog, steps: Sequence[Step], own: Mapping[str, Mark], goal: Step,
              order: Mapping[str, int] | None = None) -> Step:
    """The first open step on the way to `goal`: its earliest open dependency, or the goal itself.

    `order` (step id -> position in `steps`) may be passed when it is at hand.
    """
    if order is None:
        order = {s.id: i for i, s in enumerate(steps)}
    last = len(order)
    best, seen, stack = goal, {goal.id}, [goal]
    while stack:
        for dep in stack.pop().depends_on:
            step = catalog.steps.get(dep)
            if step is None or dep in seen or not is_open(own.get(dep)):
                continue
            seen.add(dep)
            stack.append(step)
            if order.get(dep, last) < order.get(best.id, last):
                best = step
    return best


def is_open(mark: Mark | None) -> bool:
    return mark is None or not (mark.done or mark.not_applicable)


def people_progress(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[PersonProgress, ...]:
    """Every active person's standing, in the order of `situation.people`."""
    plans = plans or Plans(catalog)
    graded = catalog.roadmap is not None and any(t.counts.grades for t in catalog.roadmap.targets)
    grades = grades_by_person(situation.people) if graded else {}
    no_grades: frozenset[int] = frozenset()
    leaders = class_leaders(situation)
    pupil_class = {p.id: p.class_name for p in situation.people if p.role == "pupil"}
    admins = [p for p in situation.people if p.role == "administrator"]
    required_cache: dict[tuple, frozenset[str]] = {}
    helper_cache: dict[tuple, tuple[Person, ...]] = {}
    result = []
    for person in situation.people:
        plan = plans.of(person)
        profile, steps = plan.profile, plan.steps
        own_grades = grades.get(person.id, no_grades)
        required = required_cache.get((profile, own_grades))
        if required is None:
            required = required_cache[(profile, own_grades)] = required_step_ids(catalog, person, own_grades)
        own = situation.marks.get(person.id, _NONE)
        total = done = 0
        open_steps = []
        for step in steps:
            mark = own.get(step.id)
            if mark is not None and mark.not_applicable:
                continue
            total += 1
            if mark is not None and mark.done:
                done += 1
            else:
                open_steps.append(step)
        open_required = tuple(s for s in open_steps if s.key or s.id in required)
        goal = open_required[0] if open_required else (open_steps[0] if open_steps else None)
        result.append(PersonProgress(
            person, done, total, next_step(catalog, steps, own, goal, plan.order) if goal else None,
            open_required,
            _helpers(person, leaders, pupil_class, admins, helper_cache),
        ))
    return tuple(result)


def class_leaders(situation: Situation) -> dict[str, Person]:
    """Class name -> its class leader: the class's leader id, else a teacher who leads it."""
    by_id = {p.id: p for p in situation.people}
    leaders: dict[str, Person] = {}
    for person in situation.people:
        for name in person.led_classes:
            leaders.setdefault(name, person)
    for school_class in situation.classes:
        leader = by_id.get(school_class.leader_id) if school_class.leader_id else None
        if leader is not None:
            leaders[school_class.name] = leader
    return leaders


def _helpers(person, leaders, pupil_class, admins, cache: dict) -> tuple[Person, ...]:
    """Class leaders of a pupil's or a parent's classes (a leader is staff, so never the person);
    the first administrator for staff."""
    if person.role == "pupil":
        classes = (person.class_name,)
    elif person.role == "parent":
        classes = tuple(pupil_class.get(child) for child in person.children)
    else:
        return tuple(a for a in admins if a.id != person.id)[:1]
    found = cache.get(classes)
    if found is None:
        found = cache[classes] = tuple({leaders[c].id: leaders[c] for c in classes if c in leaders}.values())
    return found


# --- classes ----------------------------------------------------------------------


@dataclass(frozen=True)
class StepCount:
    step: Step
    done: int
    applicable: int  # people who follow the step and are not marked "not applicable"

    @property
    def share(self) -> float | None:
        return 100.0 * self.done / self.applicable if self.applicable else None


@dataclass(frozen=True)
class GroupCounts:
    role: str  # pupil | parent
    people: int
    steps: tuple[StepCount, ...]


@dataclass(frozen=True)
class ClassProgress:
    name: str
    leader: Person | None
    groups: tuple[GroupCounts, ...]  # its pupils, then their parents


def class_members(situation: Situation) -> dict[str, tuple[list[Person], list[Person]]]:
    """Class name -> (pupils, parents of those pupils); a parent of two classes is in both."""
    members: dict[str, tuple[list[Person], list[Person]]] = {c.name: ([], []) for c in situation.classes}
    pupil_class = {}
    for person in situation.people:
        if person.role == "pupil" and person.class_name:
            members.setdefault(person.class_name, ([], []))[0].append(person)
            pupil_class[person.id] = person.class_name
    for person in situation.people:
        if person.role == "parent":
            for name in dict.fromkeys(pupil_class[c] for c in person.children if c in pupil_class):
                members[name][1].append(person)
    return members


def step_counts(people: Sequence[Person], marks: Marks, plans: Plans) -> tuple[StepCount, ...]:
    """Done and applicable counts per step for a group, steps in the order people follow them.

    Everyone whose plan holds a step counts for it, less those marked "not
    applicable"; only the marks are visited, not every (person, step) pair.
    """
    people_per_plan: dict[int, list] = {}  # id(plan) -> [plan, people]: a plan holds a dict, so no hash
    done: dict[str, int] = defaultdict(int)
    exempt: dict[str, int] = defaultdict(int)
    for person in people:
        plan = plans.of(person)
        people_per_plan.setdefault(id(plan), [plan, 0])[1] += 1
        for step_id, mark in marks.get(person.id, _NONE).items():
            if step_id in plan.order:
                if mark.done:
                    done[step_id] += 1
                elif mark.not_applicable:
                    exempt[step_id] += 1
    order: dict[str, Step] = {}
    eligible: dict[str, int] = defaultdict(int)
    for plan, n in people_per_plan.values():
        for step in plan.steps:
            order.setdefault(step.id, step)
            eligible[step.id] += n
    return tuple(StepCount(step, done[i], eligible[i] - exempt[i]) for i, step in order.items())


def class_progress(catalog: Catalog, situation: Situation, plans: Plans | None = None) -> tuple[ClassProgress, ...]:
    """A table per class: per step, how many of its pupils and of their parents have done it."""
    plans = plans or Plans(catalog)
    leaders = class_leaders(situation)
    result = []
    for name, (pupils, parents) in sorted(class_members(situation).items(), key=lambda i: class_sort_key(i[0])):
        groups = tuple(
            GroupCounts(role, len(group), step_counts(group, situation.marks, plans))
            for role, group in (("pupil", pupils), ("parent", parents))
            if group
        )
        result.append(ClassProgress(name, leaders.get(name), groups))
    return tuple(result)


# --- organisation-level steps ----------------------------------------------------------


@dataclass(frozen=True)
class OrgStepStatus:
    step: OrgStep
    mark: Mark | None

    @property
    def done(self) -> bool:
        return self.mark is not None and self.mark.done


def org_steps(catalog: Catalog, situation: Situation) -> tuple[OrgStepStatus, ...]:
    return tuple(OrgStepStatus(step, situation.org_marks.get(step.id)) for step in catalog.org_steps.values())


# --- everything for one school ------------------------------------------------------------


@dataclass(frozen=True)
class SchoolResult:
    """All a school report shows, as of a date."""

    situation: Situation
    targets: tuple[TargetResult, ...]
    funnel: tuple[FunnelRow, ...]
    classes: tuple[ClassProgress, ...]
    people: tuple[PersonProgress, ...]
    org_steps: tuple[OrgStepStatus, ...]
    people_by_group: Mapping[str, int]

    @property
    def school(self) -> School:
        return self.situation.school

    @property
    def as_of(self) -> dt.date:
        return self.situation.as_of

    @property
    def behind(self) -> tuple[PersonProgress, ...]:
        return tuple(p for p in self.people if p.behind)


def evaluate_school(catalog: Catalog, situation: Situation) -> SchoolResult:
    plans = Plans(catalog)
    by_group = {group: len(members) for group, members in group_members(situation.people).items()}
    return SchoolResult(
        situation=situation,
        targets=evaluate_roadmap(catalog, situation),
        funnel=funnel(catalog, situation, plans),
        classes=class_progress(catalog, situation, plans),
        people=people_progress(catalog, situation, plans),
        org_steps=org_steps(catalog, situation),
        people_by_group=by_group,
    )
