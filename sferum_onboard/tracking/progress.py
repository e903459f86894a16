"""Progress from people and their current states (pure: no I/O); states come from `tracking.fold`.

Progress counts, per step, the people whose checklist holds the step
(`membership.Profile`), how many of them have done it and how many were
marked "not applicable" (they leave the denominator). A parent is one
person however many children they have: counted once in the school's total
and once in each class where they have a child (`membership.classes_of`).

Production counts a school in SQL: `Store.progress` fills a `Bucket` per
group from its aggregate and calls `progress_from_buckets`.
`aggregate_progress` (with `count_states` and `build_progress`) counts
people and folded states in Python: it is the reference the SQL is tested
against over random stores (tests/test_progress.py), and runs nowhere else.
`person_status` and `next_steps` are production (`status`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

from sferum_onboard.percent import rounded
from sferum_onboard.tracking.fold import StateKey
from sferum_onboard.tracking.membership import (
    Profile, StepLayouts, class_sort_key, classes_of, profile_of, role_sort_key, step_order,
)
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, Person, StepState, is_open


__all__ = [
    "groups_of", "StepProgress", "GroupProgress", "Progress", "Bucket",
    "count_states", "build_progress", "progress_from_buckets", "aggregate_progress", "count_verified", "with_verified",
    "StatusLine", "person_status", "next_steps",
]


def groups_of(person: Person, by: str | None, pupils_classes: Mapping[int, str | None] | None = None) -> tuple:
    """The groups a person is counted in: by class (`membership.classes_of`), by role, or the
    whole school (None)."""
    if by is None:
        return (None,)
    if by == "role":
        return (person.role,)
    if by != "class":
        raise ValueError(f"unknown grouping {by!r}")
    return classes_of(person, pupils_classes or {})


# --- progress ------------------------------------------------------------------


class StepProgress(NamedTuple):
    """One step within one group: who follows it, who did it, who was exempted.

    A named tuple: a district report builds hundreds of thousands of them.
    """

    step_id: str
    title: str
    eligible: int  # people whose checklist holds the step
    done: int
    not_applicable: int = 0
    verified: int = 0  # of those done, seen in a chat's member list (`fold.verified_keys`)

    @property
    def applicable(self) -> int:
        return self.eligible - self.not_applicable

    @property
    def percent(self) -> float | None:
        """Share done among those the step applies to; None when it applies to nobody."""
        return 100.0 * self.done / self.applicable if self.applicable else None

    def as_dict(self) -> dict:
        return {
            "step": self.step_id, "title": self.title, "eligible": self.eligible, "done": self.done,
            "not_applicable": self.not_applicable, "applicable": self.applicable,
            "percent": rounded(self.percent), "verified": self.verified,
        }


@dataclass(frozen=True)
class GroupProgress:
    """A class, a role or the whole school (group None)."""

    group: str | None
    people: int
    steps: tuple[StepProgress, ...]

    @property
    def done(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.steps)

    @property
    def verified(self) -> int:
        """People whose joining a chat's member list showed (one "joined" step each in a checklist)."""
        return sum(s.verified for s in self.steps)

    @property
    def percent(self) -> float | None:
        """Share of all (person, step) pairs done in the group."""
        return 100.0 * self.done / self.applicable if self.applicable else None

    def step(self, step_id: str) -> StepProgress | None:
        return next((s for s in self.steps if s.step_id == step_id), None)

    def as_dict(self) -> dict:
        return {
            "group": self.group, "people": self.people, "done": self.done, "applicable": self.applicable,
            "percent": rounded(self.percent), "verified": self.verified,
            "steps": [s.as_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class Progress:
    """Progress of one school: a total, optional groups, and steps no longer in the catalog."""

    by: str | None  # "class" | "role" | None
    total: GroupProgress
    groups: tuple[GroupProgress, ...] = ()
    retired: Mapping[str, int] = field(default_factory=dict)  # retired step id -> people who did it

    def as_dict(self) -> dict:
        return {
            "by": self.by, "total": self.total.as_dict(), "groups": [g.as_dict() for g in self.groups],
            "retired": dict(self.retired),
        }


# Counts of the pure path (count_states); build_progress turns them into buckets, then a Progress.
# The store fills the buckets straight from its SQL aggregate (progress_from_buckets).
#   people_counts: (group, Profile) -> number of people
#   state_counts:  (group, Profile, current step id, action) -> number of people
PeopleCounts = Mapping[tuple[str | None, Profile], int]
StateCounts = Mapping[tuple[str | None, Profile, str, str], int]


def count_states(
    people: Iterable[Person],
    states: Mapping[StateKey, StepState],
    by: str | None = None,
    pupils_classes: Mapping[int, str | None] | None = None,
) -> tuple[dict, dict]:
    """People and state counts per (group, profile) from people and folded states.

    `pupils_classes` maps pupil ids to classes (for parents' classes); it is
    built from `people` when not given.
    """
    people = list(people)
    if pupils_classes is None and by == "class":
        pupils_classes = {p.id: p.class_name for p in people if p.role == "pupil"}
    by_person: dict[int, list[StepState]] = defaultdict(list)
    for (person_id, _), state in states.items():
        if person_id is not None:
            by_person[person_id].append(state)
    people_counts: dict = defaultdict(int)
    state_counts: dict = defaultdict(int)
    for person in people:
        profile = profile_of(person)
        own = by_person.get(person.id, ())
        for group in groups_of(person, by, pupils_classes):
            people_counts[(group, profile)] += 1
            for state in own:
                state_counts[(group, profile, state.step_id, state.action)] += 1
    return dict(people_counts), dict(state_counts)


@dataclass
class Bucket:
    """The counts of one group: people per profile, done / not applicable per step, retired steps.

    A state counts only when the person's checklist holds the step (the
    share is over the people the step is for); a state of a step the
    catalog no longer has counts as retired instead. Counts are plain
    numbers in dicts, not a list per step: a big school has a hundred
    thousand of them, and small containers keep the garbage collector busy.
    """

    people: dict = field(default_factory=lambda: defaultdict(int))  # Profile -> people
    done: dict = field(default_factory=dict)  # step id -> people who did it
    exempt: dict = field(default_factory=dict)  # step id -> people it was marked not applicable for
    retired: dict = field(default_factory=lambda: defaultdict(int))  # retired step id -> people who did it

    def add_state(self, checklist: frozenset[str], step_id: str, done, exempt, catalog_steps: Mapping) -> None:
        if step_id in checklist:
            self.done[step_id] = self.done.get(step_id, 0) + done
            self.exempt[step_id] = self.exempt.get(step_id, 0) + exempt
        elif step_id not in catalog_steps:
            self.retired[step_id] += done


def build_progress(
    catalog,
    people_counts: PeopleCounts,
    state_counts: StateCounts,
    by: str | None = None,
    total_people_counts: PeopleCounts | None = None,
    total_state_counts: StateCounts | None = None,
    step_ids: Iterable[str] | None = None,
) -> Progress:
    """Progress from counts: eligibility comes from the catalog, per profile.

    With `by` set, the total is built from `total_*` counts (grouped by None),
    since a parent counted in two classes is one person in the total.
    Steps are listed in catalog order; `step_ids` restricts them.
    """
    layouts = StepLayouts(catalog)

    def buckets(p_counts, s_counts) -> dict:
        found: dict = defaultdict(Bucket)
        for (group, profile), n in p_counts.items():
            found[group].people[profile] += n
        for (group, profile, step_id, action), n in s_counts.items():
            if action == DONE:
                found[group].add_state(layouts[profile].id_set, step_id, n, 0, catalog.steps)
            elif action == NOT_APPLICABLE:
                found[group].add_state(layouts[profile].id_set, step_id, 0, n, catalog.steps)
        return found

    if by is None:
        total = buckets(people_counts, state_counts).get(None, Bucket())
        return progress_from_buckets(catalog, None, total, {}, step_ids, layouts)
    total = buckets(total_people_counts or {}, total_state_counts or {}).get(None, Bucket())
    groups = buckets(people_counts, state_counts)
    groups.pop(None, None)
    return progress_from_buckets(catalog, by, total, dict(groups), step_ids, layouts)


def progress_from_buckets(
    catalog, by: str | None, total: Bucket, groups: Mapping[str, Bucket], step_ids: Iterable[str] | None = None,
    layouts: StepLayouts | None = None,
) -> Progress:
    """Progress from per-group buckets (the store fills them straight from its aggregate)."""
    wanted = set(step_ids) if step_ids is not None else None
    layouts = StepLayouts(catalog) if layouts is None else layouts
    order = step_order(catalog)
    titles = {step_id: step.title for step_id, step in catalog.steps.items()}
    # Classes mostly hold the same few profiles (pupils of a grade, parents, a class leader), so
    # the steps of a set of profiles are sorted once, not once per class.
    columns: dict[frozenset, tuple[list[tuple[str, str]], dict[Profile, list[int]]]] = {}

    def columns_of(profiles: frozenset) -> tuple[list[tuple[str, str]], dict[Profile, list[int]]]:
        held_by_any = {step_id for profile in profiles for step_id in layouts[profile].ids}
        ids = sorted((i for i in held_by_any if wanted is None or i in wanted), key=order.__getitem__)
        position = {step_id: n for n, step_id in enumerate(ids)}
        held = {profile: [position[i] for i in layouts[profile].ids if i in position] for profile in profiles}
        return [(step_id, titles[step_id]) for step_id in ids], held

    def group_progress(group, bucket: Bucket) -> GroupProgress:
        people = bucket.people
        key = frozenset(people)
        if key not in columns:
            columns[key] = columns_of(key)
        named, held = columns[key]
        eligible = [0] * len(named)
        for profile, n in people.items():
            for at in held[profile]:
                eligible[at] += n
        done, exempt = bucket.done, bucket.exempt
        make = StepProgress._make  # a C-level tuple build: there may be a hundred thousand of these
        return GroupProgress(group, sum(people.values()), tuple(
            make((step_id, title, n, done.get(step_id, 0), exempt.get(step_id, 0), 0))
            for (step_id, title), n in zip(named, eligible)))

    key = class_sort_key if by == "class" else role_sort_key
    progress_groups = tuple(group_progress(g, groups[g]) for g in sorted(groups, key=key))
    retired = {step_id: n for step_id, n in sorted(total.retired.items()) if n}
    return Progress(by, group_progress(None, total), progress_groups, retired)


def aggregate_progress(
    catalog,
    people: Iterable[Person],
    states: Mapping[StateKey, StepState],
    by: str | None = None,
    step_ids: Iterable[str] | None = None,
    pupils_classes: Mapping[int, str | None] | None = None,
    verified: frozenset[StateKey] = frozenset(),
) -> Progress:
    """Progress of these people from their folded states (the pure reference path).

    Pass the people to count (already filtered by class or role). Parents'
    classes come from `pupils_classes` (pupil id -> class), by default from
    the pupils among `people`; `verified` are the (person, step) pairs a
    member list verified (`fold.verified_keys`).
    """
    people = list(people)
    if pupils_classes is None:
        pupils_classes = {p.id: p.class_name for p in people if p.role == "pupil"}
    people_counts, state_counts = count_states(people, states, by, pupils_classes)
    if by is None:
        progress = build_progress(catalog, people_counts, state_counts, None, step_ids=step_ids)
    else:
        total_people, total_states = count_states(people, states, None)
        progress = build_progress(catalog, people_counts, state_counts, by, total_people, total_states, step_ids)
    return with_verified(progress, count_verified(catalog, people, verified, by, pupils_classes))


def count_verified(
    catalog, people: Iterable[Person], verified: frozenset[StateKey], by: str | None,
    pupils_classes: Mapping[int, str | None],
) -> dict[str | None, dict[str, int]]:
    """Verified steps per group (None: the whole school, each person once) and step, counted like "done":
    for the people of each group whose checklist holds the step."""
    if not verified:
        return {}
    steps_of: dict[int, set[str]] = defaultdict(set)
    for person_id, step_id in verified:
        steps_of[person_id].add(step_id)
    layouts = StepLayouts(catalog)
    counted: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for person in people:
        steps = steps_of.get(person.id)
        if not steps:
            continue
        held = steps & layouts.of(person).id_set
        for group in {None, *(groups_of(person, by, pupils_classes) if by else ())}:
            for step_id in held:
                counted[group][step_id] += 1
    return counted


def with_verified(progress: Progress, counts: Mapping[str | None, Mapping[str, int]]) -> Progress:
    """The progress with each group's verified counts filled in (`count_verified`)."""
    if not counts:
        return progress

    def filled(group: GroupProgress) -> GroupProgress:
        found = counts.get(group.group)
        if not found:
            return group
        return GroupProgress(group.group, group.people, tuple(
            s._replace(verified=found.get(s.step_id, 0)) for s in group.steps))

    return Progress(progress.by, filled(progress.total), tuple(filled(g) for g in progress.groups), progress.retired)


@dataclass(frozen=True)
class StatusLine:
    """One step of a person's checklist and where they stand on it."""

    step: object  # catalog Step (or OrgStep for the school)
    state: StepState | None
    next: bool = False  # the first step still to do

    @property
    def done(self) -> bool:
        return self.state is not None and self.state.done


def person_status(catalog, person: Person | None, states: Mapping) -> tuple[tuple[StatusLine, ...], tuple[StepState, ...]]:
    """Every step of a person's checklist with its state, and states outside the checklist.

    For the school (person None) the steps are the organisation-level ones
    and `states` maps step id -> state. States outside the checklist are
    steps of other checklists or retired ones, kept so that no history hides.
    """
    steps, own = _checklist(catalog, person, states)
    upcoming = next((step.id for step in next_steps(catalog, person, states)), None)
    lines = tuple(StatusLine(step, own.get(step.id), step.id == upcoming) for step in steps)
    listed = {step.id for step in steps}
    others = tuple(sorted((s for i, s in own.items() if i not in listed), key=lambda s: s.at))
    return lines, others


def next_steps(catalog, person: Person | None, states: Mapping) -> tuple:
    """The steps of a person's checklist (or the school's) still to do, in checklist order."""
    steps, own = _checklist(catalog, person, states)
    return tuple(step for step in steps if is_open(own.get(step.id)))


def _checklist(catalog, person: Person | None, states: Mapping) -> tuple[tuple, dict[str, StepState]]:
    """(the steps, step id -> state) of a person, or of the school when person is None."""
    if person is None:
        return tuple(catalog.org_steps.values()), dict(states)
    own = {step_id: state for (pid, step_id), state in states.items() if pid == person.id}
    return profile_of(person).steps(catalog), own
