"""Progress from people and their current states (pure: no I/O); states come from `tracking.fold`.

Progress counts, per step, the people whose checklist holds the step
(`catalog.steps_for_person`), how many of them have done it and how many
were marked "not applicable" (they leave the denominator). A parent is one
person however many children they have: counted once in the school's total
and once in each class where they have a child.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, Person, StepState, is_open

StateKey = tuple[int | None, str]

__all__ = [
    "Profile", "profile_of", "has_role", "groups_of", "class_sort_key", "step_order",
    "StepProgress", "GroupProgress", "Progress", "ProfileSteps", "Bucket",
    "count_states", "build_progress", "progress_from_buckets", "aggregate_progress",
    "StatusLine", "person_status", "next_steps",
]

# --- who follows which steps ---------------------------------------------------


class Profile(NamedTuple):
    """What decides a person's checklist: role, flags and (for pupils) the grade.

    A named tuple: it is a dict key in every count, and tuples hash fast.
    """

    role: str
    class_leader: bool = False
    specialist: bool = False
    grade: int | None = None

    def steps(self, catalog) -> tuple:
        return catalog.steps_for_person(self.role, self.class_leader, self.specialist, self.grade)


def has_role(person: Person, role: str) -> bool:
    """A person role, or a catalog role that is a teacher's flag («class_leader», «specialist»)."""
    if role == "class_leader":
        return person.role == "teacher" and person.class_leader
    if role == "specialist":
        return person.role == "teacher" and person.specialist
    return person.role == role


def profile_of(person: Person) -> Profile:
    """A pupil's checklist depends on the grade (the 1–4 variant); nobody else's does."""
    return Profile(
        person.role, bool(person.class_leader), bool(person.specialist),
        person.grade if person.role == "pupil" else None,
    )


def groups_of(person: Person, by: str | None, pupils_classes: Mapping[int, str | None] | None = None) -> tuple:
    """The groups a person is counted in: by class, by role, or the whole school (None).

    By class: a pupil in their class; a parent in each class of their children
    (once per class); a teacher in the classes they lead; others in no class.
    """
    if by is None:
        return (None,)
    if by == "role":
        return (person.role,)
    if by != "class":
        raise ValueError(f"unknown grouping {by!r}")
    if person.role == "pupil":
        return (person.class_name,) if person.class_name else ()
    if person.role == "parent":
        classes = pupils_classes or {}
        return tuple(sorted({c for c in (classes.get(child) for child in person.children) if c}, key=class_sort_key))
    return tuple(sorted(set(person.led_classes), key=class_sort_key))


def class_sort_key(name: str | None) -> tuple:
    """«2А» before «10А»: grade as a number, then the letter."""
    if not name:
        return (99, "")
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 99, name)


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

    @property
    def applicable(self) -> int:
        return self.eligible - self.not_applicable

    @property
    def remaining(self) -> int:
        return self.applicable - self.done

    @property
    def percent(self) -> float | None:
        """Share done among those the step applies to; None when it applies to nobody."""
        return 100.0 * self.done / self.applicable if self.applicable else None

    def as_dict(self) -> dict:
        return {
            "step": self.step_id, "title": self.title, "eligible": self.eligible, "done": self.done,
            "not_applicable": self.not_applicable, "applicable": self.applicable,
            "percent": None if self.percent is None else round(self.percent, 1),
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
    def percent(self) -> float | None:
        """Share of all (person, step) pairs done in the group."""
        return 100.0 * self.done / self.applicable if self.applicable else None

    def step(self, step_id: str) -> StepProgress | None:
        return next((s for s in self.steps if s.step_id == step_id), None)

    def as_dict(self) -> dict:
        return {
            "group": self.group, "people": self.people, "done": self.done, "applicable": self.applicable,
            "percent": None if self.percent is None else round(self.percent, 1),
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


class ProfileSteps(dict):
    """Profile -> (its step ids in checklist order, the same ids as a set).

    Asks the catalog once per profile: progress looks a profile's checklist
    up for every row it folds, and there are only a handful of profiles.
    """

    def __init__(self, catalog):
        super().__init__()
        self.catalog = catalog

    def __missing__(self, profile: Profile) -> tuple[tuple[str, ...], frozenset[str]]:
        ids = tuple(s.id for s in profile.steps(self.catalog))
        found = self[profile] = (ids, frozenset(ids))
        return found


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
    checklists = ProfileSteps(catalog)

    def buckets(p_counts, s_counts) -> dict:
        found: dict = defaultdict(Bucket)
        for (group, profile), n in p_counts.items():
            found[group].people[profile] += n
        for (group, profile, step_id, action), n in s_counts.items():
            if action == DONE:
                found[group].add_state(checklists[profile][1], step_id, n, 0, catalog.steps)
            elif action == NOT_APPLICABLE:
                found[group].add_state(checklists[profile][1], step_id, 0, n, catalog.steps)
        return found

    if by is None:
        total = buckets(people_counts, state_counts).get(None, Bucket())
        return progress_from_buckets(catalog, None, total, {}, step_ids, checklists)
    total = buckets(total_people_counts or {}, total_state_counts or {}).get(None, Bucket())
    groups = buckets(people_counts, state_counts)
    groups.pop(None, None)
    return progress_from_buckets(catalog, by, total, dict(groups), step_ids, checklists)


def progress_from_buckets(
    catalog, by: str | None, total: Bucket, groups: Mapping[str, Bucket], step_ids: Iterable[str] | None = None,
    checklists: ProfileSteps | None = None,
) -> Progress:
    """Progress from per-group buckets (the store fills them straight from its aggregate)."""
    wanted = set(step_ids) if step_ids is not None else None
    checklists = ProfileSteps(catalog) if checklists is None else checklists
    order = step_order(catalog)
    titles = {step_id: step.title for step_id, step in catalog.steps.items()}
    # Classes mostly hold the same few profiles (pupils of a grade, parents, a class leader), so
    # the steps of a set of profiles are sorted once, not once per class.
    layouts: dict[frozenset, tuple[list[tuple[str, str]], dict[Profile, list[int]]]] = {}

    def layout(profiles: frozenset) -> tuple[list[tuple[str, str]], dict[Profile, list[int]]]:
        held_by_any = {step_id for profile in profiles for step_id in checklists[profile][0]}
        ids = sorted((i for i in held_by_any if wanted is None or i in wanted), key=order.__getitem__)
        position = {step_id: n for n, step_id in enumerate(ids)}
        held = {profile: [position[i] for i in checklists[profile][0] if i in position] for profile in profiles}
        return [(step_id, titles[step_id]) for step_id in ids], held

    def group_progress(group, bucket: Bucket) -> GroupProgress:
        people = bucket.people
        key = frozenset(people)
        if key not in layouts:
            layouts[key] = layout(key)
        named, held = layouts[key]
        eligible = [0] * len(named)
        for profile, n in people.items():
            for at in held[profile]:
                eligible[at] += n
        done, exempt = bucket.done, bucket.exempt
        make = StepProgress._make  # a C-level tuple build: there may be a hundred thousand of these
        return GroupProgress(group, sum(people.values()), tuple(
            make((step_id, title, n, done.get(step_id, 0), exempt.get(step_id, 0)))
            for (step_id, title), n in zip(named, eligible)))

    key = class_sort_key if by == "class" else _role_sort_key
    progress_groups = tuple(group_progress(g, groups[g]) for g in sorted(groups, key=key))
    retired = {step_id: n for step_id, n in sorted(total.retired.items()) if n}
    return Progress(by, group_progress(None, total), progress_groups, retired)


def step_order(catalog) -> dict[str, int]:
    """Steps in the order people meet them: the checklists of each role in turn, then the rest."""
    profiles = (
        Profile("administrator"), Profile("teacher"), Profile("teacher", class_leader=True),
        Profile("teacher", specialist=True), Profile("pupil", grade=1), Profile("pupil"), Profile("parent"),
    )
    ids: dict[str, None] = {}
    for profile in profiles:
        ids.update(dict.fromkeys(s.id for s in profile.steps(catalog)))
    ids.update(dict.fromkeys(catalog.steps))
    return {step_id: n for n, step_id in enumerate(ids)}


def _role_sort_key(role: str | None) -> tuple:
    from sferum_onboard.catalog.model import PERSON_ROLES

    return (PERSON_ROLES.index(role) if role in PERSON_ROLES else len(PERSON_ROLES), role or "")


def aggregate_progress(
    catalog,
    people: Iterable[Person],
    states: Mapping[StateKey, StepState],
    by: str | None = None,
    step_ids: Iterable[str] | None = None,
    pupils_classes: Mapping[int, str | None] | None = None,
) -> Progress:
    """Progress of these people from their folded states (the pure reference path).

    Pass the people to count (already filtered by class or role). Parents'
    classes come from `pupils_classes` (pupil id -> class), by default from
    the pupils among `people`.
    """
    people = list(people)
    if pupils_classes is None:
        pupils_classes = {p.id: p.class_name for p in people if p.role == "pupil"}
    people_counts, state_counts = count_states(people, states, by, pupils_classes)
    if by is None:
        return build_progress(catalog, people_counts, state_counts, None, step_ids=step_ids)
    total_people, total_states = count_states(people, states, None)
    return build_progress(catalog, people_counts, state_counts, by, total_people, total_states, step_ids)


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
    if person is None:
        steps = tuple(catalog.org_steps.values())
        lookup = {step_id: state for step_id, state in states.items()}
    else:
        steps = profile_of(person).steps(catalog)
        lookup = {step_id: state for (pid, step_id), state in states.items() if pid == person.id}
    lines = []
    found_next = False
    for step in steps:
        state = lookup.get(step.id)
        is_next = not found_next and is_open(state)
        found_next = found_next or is_next
        lines.append(StatusLine(step, state, is_next))
    listed = {step.id for step in steps}
    others = tuple(sorted((s for i, s in lookup.items() if i not in listed), key=lambda s: s.at))
    return tuple(lines), others


def next_steps(catalog, person: Person, states: Mapping[StateKey, StepState]) -> tuple:
    """The person's steps not yet done (nor exempted), in checklist order."""
    result = []
    for step in profile_of(person).steps(catalog):
        if is_open(states.get((person.id, step.id))):
            result.append(step)
    return tuple(result)
