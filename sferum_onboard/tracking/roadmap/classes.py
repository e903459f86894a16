"""A table per class (its pupils, then their parents) and the school's own steps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from sferum_onboard.catalog.model import Catalog, OrgStep, Step
from sferum_onboard.tracking.membership import StepLayouts, class_sort_key
from sferum_onboard.tracking.model import Person, StepState
from sferum_onboard.tracking.roadmap.people import class_leaders
from sferum_onboard.tracking.roadmap.situation import _NONE, Situation, States

@dataclass(frozen=True)
class StepCount:
    step: Step
    done: int
    applicable: int  # people who follow the step and are not marked "not applicable"
    verified: int = 0  # of those done, seen in a chat's member list

    @property
    def share(self) -> float | None:
        return 100.0 * self.done / self.applicable if self.applicable else None


@dataclass(frozen=True)
class GroupCounts:
    role: str  # pupil | parent
    people: int
    steps: tuple[StepCount, ...]

    @property
    def verified(self) -> int:
        """People whose joining a chat's member list showed (one "joined" step each)."""
        return sum(s.verified for s in self.steps)


@dataclass(frozen=True)
class ClassProgress:
    name: str
    leader: Person | None
    groups: tuple[GroupCounts, ...]  # its pupils, then their parents
    outsiders: int | None = None  # in its chats, by the newest member list of each, not handled; None: never checked

    @property
    def verified(self) -> int:
        return sum(g.verified for g in self.groups)


def class_members(situation: Situation) -> dict[str, tuple[list[Person], list[Person]]]:
    """Class name -> (pupils, parents of those pupils); a parent of two classes is in both."""
    members: dict[str, tuple[list[Person], list[Person]]] = {c.name: ([], []) for c in situation.classes}
    for person in situation.people:
        if person.role in ("pupil", "parent"):
            for name in situation.memberships[person.id]:
                members.setdefault(name, ([], []))[person.role == "parent"].append(person)
    return members


def step_counts(people: Sequence[Person], states: States, layouts: StepLayouts,
                verified: frozenset[tuple[int, str]] = frozenset()) -> tuple[StepCount, ...]:
    """Done (and of them verified) and applicable counts per step for a group, in the order people follow them.

    Everyone whose layout holds a step counts for it, less those marked "not
    applicable"; only the states are visited, not every (person, step) pair.
    """
    people_per_layout: dict[int, list] = {}  # id(layout) -> [layout, people]: a layout holds a dict, so no hash
    done: dict[str, int] = defaultdict(int)
    exempt: dict[str, int] = defaultdict(int)
    checked: dict[str, int] = defaultdict(int)
    for person in people:
        layout = layouts.of(person)
        people_per_layout.setdefault(id(layout), [layout, 0])[1] += 1
        for step_id, state in states.get(person.id, _NONE).items():
            if step_id in layout.order:
                if state.done:
                    done[step_id] += 1
                    if verified and (person.id, step_id) in verified:
                        checked[step_id] += 1
                elif state.not_applicable:
                    exempt[step_id] += 1
    order: dict[str, Step] = {}
    eligible: dict[str, int] = defaultdict(int)
    for layout, n in people_per_layout.values():
        for step in layout.steps:
            order.setdefault(step.id, step)
            eligible[step.id] += n
    return tuple(StepCount(step, done[i], eligible[i] - exempt[i], checked[i]) for i, step in order.items())


def class_progress(catalog: Catalog, situation: Situation,
                   layouts: StepLayouts | None = None) -> tuple[ClassProgress, ...]:
    """A table per class: per step, how many of its pupils and of their parents have done it."""
    layouts = StepLayouts(catalog) if layouts is None else layouts
    leaders = class_leaders(situation)
    result = []
    for name, (pupils, parents) in sorted(class_members(situation).items(), key=lambda i: class_sort_key(i[0])):
        groups = tuple(
            GroupCounts(role, len(group), step_counts(group, situation.states, layouts, situation.verified))
            for role, group in (("pupil", pupils), ("parent", parents))
            if group
        )
        result.append(ClassProgress(name, leaders.get(name), groups, situation.outsiders.get(name)))
    return tuple(result)


@dataclass(frozen=True)
class OrgStepStatus:
    step: OrgStep
    mark: StepState | None  # the school's state on the step (None: never marked)

    @property
    def done(self) -> bool:
        return self.mark is not None and self.mark.done


def org_steps(catalog: Catalog, situation: Situation) -> tuple[OrgStepStatus, ...]:
    return tuple(OrgStepStatus(step, situation.org_states.get(step.id)) for step in catalog.org_steps.values())
