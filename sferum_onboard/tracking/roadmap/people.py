"""Each person's standing and the funnel: what they did, their next step, who helps them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from sferum_onboard.catalog.model import MILESTONES, Catalog, Step
from sferum_onboard.tracking.membership import StepLayouts
from sferum_onboard.tracking.model import Person, StepState, is_open
from sferum_onboard.tracking.roadmap.situation import _NONE, Situation
from sferum_onboard.tracking.roadmap.targets import counts, grades_of

# Funnel groups: the four platform roles, with class leaders and specialists
# also shown on their own (they are teachers with a flag).
FUNNEL_GROUPS = ("administrator", "teacher", "class_leader", "specialist", "pupil", "parent")


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


def funnel(catalog: Catalog, situation: Situation, layouts: StepLayouts | None = None) -> tuple[FunnelRow, ...]:
    """A funnel per group; reaching a later milestone counts as passing the earlier ones."""
    layouts = StepLayouts(catalog) if layouts is None else layouts
    rows = []
    for group, members in group_members(situation.people).items():
        if not members:
            continue
        reached = [0] * len(MILESTONES)
        present = [False] * len(MILESTONES)
        for person in members:
            milestones = layouts.of(person).milestones
            for index, _ in milestones:
                present[index] = True
            for index in range(furthest_milestone(milestones, situation.states.get(person.id, _NONE)) + 1):
                reached[index] += 1
        stages = tuple((m, reached[i] if present[i] else None) for i, m in enumerate(MILESTONES))
        rows.append(FunnelRow(group, len(members), stages))
    return tuple(rows)


def furthest_milestone(milestones: Iterable[tuple[int, str]], own: Mapping[str, StepState]) -> int:
    """The index (in MILESTONES) of the furthest milestone a person's steps reached, -1 for none.

    `milestones` are the (index, step id) of the person's layout. Reaching a
    later milestone counts as passing the earlier ones: a parent marked as
    in the class chat is in MAX, even if nobody ticked the install.
    """
    furthest = -1
    for index, step_id in milestones:
        state = own.get(step_id)
        if index > furthest and state is not None and state.done:
            furthest = index
    return furthest


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


def next_step(catalog: Catalog, steps: Sequence[Step], own: Mapping[str, StepState], goal: Step,
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


def people_progress(catalog: Catalog, situation: Situation,
                    layouts: StepLayouts | None = None) -> tuple[PersonProgress, ...]:
    """Every active person's standing, in the order of `situation.people`."""
    layouts = StepLayouts(catalog) if layouts is None else layouts
    graded = catalog.roadmap is not None and any(t.counts.grades for t in catalog.roadmap.targets)
    grades = grades_of(situation) if graded else {}
    no_grades: frozenset[int] = frozenset()
    leaders = class_leaders(situation)
    memberships = situation.memberships
    admins = [p for p in situation.people if p.role == "administrator"]
    required_cache: dict[tuple, frozenset[str]] = {}
    helper_cache: dict[tuple, tuple[Person, ...]] = {}
    result = []
    for person in situation.people:
        layout = layouts.of(person)
        profile, steps = layout.profile, layout.steps
        own_grades = grades.get(person.id, no_grades)
        required = required_cache.get((profile, own_grades))
        if required is None:
            required = required_cache[(profile, own_grades)] = required_step_ids(catalog, person, own_grades)
        own = situation.states.get(person.id, _NONE)
        total = done = 0
        open_steps = []
        for step in steps:
            state = own.get(step.id)
            if state is not None and state.not_applicable:
                continue
            total += 1
            if state is not None and state.done:
                done += 1
            else:
                open_steps.append(step)
        open_required = tuple(s for s in open_steps if s.key or s.id in required)
        goal = open_required[0] if open_required else (open_steps[0] if open_steps else None)
        result.append(PersonProgress(
            person, done, total, next_step(catalog, steps, own, goal, layout.order) if goal else None,
            open_required,
            _helpers(person, leaders, memberships, admins, helper_cache),
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


def _helpers(person, leaders, memberships, admins, cache: dict) -> tuple[Person, ...]:
    """Class leaders of a pupil's or a parent's classes (a leader is staff, so never the person);
    the first administrator for staff."""
    if person.role not in ("pupil", "parent"):
        return tuple(a for a in admins if a.id != person.id)[:1]
    classes = memberships[person.id]
    found = cache.get(classes)
    if found is None:
        found = cache[classes] = tuple({leaders[c].id: leaders[c] for c in classes if c in leaders}.values())
    return found
