"""Who counts in which class, and who follows which steps: two rules of progress, written once.

Membership: a pupil counts in their own class, a parent in each class of
their children, a teacher or an administrator in the classes they lead.
`CLASS_MEMBERSHIP` says so per role. `classes_of` applies it to one person
(the pure progress fold, the road map, the class filter of `Store.people`,
the labels of reports and views); the store's progress query builds its SQL
from the same table (`tracking/store/progress.py`), and a property test
checks that both count alike over random stores.

Step layout: a person follows the steps of the catalog's checklists for
their role, teacher's flags and, for a pupil, grade: their `Profile`.
`Profile.steps` asks the catalog; `StepLayouts` asks once per profile and
keeps the lookups progress, the road map and the sheets need.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

from sferum_onboard.catalog.model import MILESTONES, PERSON_ROLES
from sferum_onboard.tracking.model import Person

# Where a person's classes come from, by role.
OWN_CLASS, CHILDREN_CLASSES, LED_CLASSES = "own", "children", "led"
CLASS_MEMBERSHIP = {
    "pupil": OWN_CLASS, "parent": CHILDREN_CLASSES, "teacher": LED_CLASSES, "administrator": LED_CLASSES,
}


def classes_of(person: Person, pupil_classes: Mapping[int, str | None]) -> tuple[str, ...]:
    """The classes a person counts in (by `CLASS_MEMBERSHIP`), each once, in class order.

    `pupil_classes` maps pupil ids to their classes and decides which
    children count: the active pupils for progress and the road map, every
    pupil where a roster shows a parent's families.
    """
    source = CLASS_MEMBERSHIP.get(person.role)
    if source == OWN_CLASS:
        return (person.class_name,) if person.class_name else ()
    if source == CHILDREN_CLASSES:
        names = {pupil_classes.get(child) for child in person.children}
    elif source == LED_CLASSES:
        names = set(person.led_classes)
    else:
        return ()
    names.discard(None)
    names.discard("")
    return tuple(sorted(names, key=class_sort_key)) if len(names) > 1 else tuple(names)


# People are listed administrators first, then teachers, pupils and parents.
ROLE_ORDER = {role: n for n, role in enumerate(PERSON_ROLES)}


def role_sort_key(role: str | None) -> tuple:
    return (ROLE_ORDER.get(role, len(ROLE_ORDER)), role or "")


def class_sort_key(name: str | None) -> tuple:
    """«2А» before «10А»: grade as a number, then the letter."""
    if not name:
        return (99, "")
    digits = "".join(ch for ch in name if ch.isdecimal())
    return (int(digits) if digits else 99, name)


def has_role(person: Person, role: str) -> bool:
    """A person role, or a catalog role that is a teacher's flag («class_leader», «specialist»)."""
    if role == "class_leader":
        return person.role == "teacher" and person.class_leader
    if role == "specialist":
        return person.role == "teacher" and person.specialist
    return person.role == role


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
        """The steps of this profile's checklists, in the order they are done."""
        return catalog.steps_for_person(self.role, self.class_leader, self.specialist, self.grade)


def profile_of(person: Person) -> Profile:
    """A pupil's checklist depends on the grade (the 1–4 variant); nobody else's does."""
    return Profile(
        person.role, bool(person.class_leader), bool(person.specialist),
        person.grade if person.role == "pupil" else None,
    )


class Layout(NamedTuple):
    """The steps one profile follows, in checklist order, with the lookups over them."""

    profile: Profile
    steps: tuple  # catalog Steps
    ids: tuple[str, ...]
    id_set: frozenset[str]
    order: Mapping[str, int]  # step id -> position in `steps`
    milestones: tuple[tuple[int, str], ...]  # (index in MILESTONES, step id) of the milestone steps


class StepLayouts(dict):
    """Profile -> its Layout, asked of the catalog once per profile.

    Progress looks a profile's steps up for every row it folds and a report
    for every person, while 100,000 people are a few dozen profiles; `of`
    also remembers the layout per person id, since every table asks again.
    """

    def __init__(self, catalog):
        super().__init__()
        self.catalog = catalog
        self._by_person: dict[int, Layout] = {}

    def __missing__(self, profile: Profile) -> Layout:
        steps = profile.steps(self.catalog)
        ids = tuple(s.id for s in steps)
        layout = self[profile] = Layout(
            profile, steps, ids, frozenset(ids), {step_id: i for i, step_id in enumerate(ids)},
            tuple((MILESTONES.index(s.milestone), s.id) for s in steps if s.milestone in MILESTONES))
        return layout

    def of(self, person: Person) -> Layout:
        layout = self._by_person.get(person.id)
        if layout is None:
            layout = self._by_person[person.id] = self[profile_of(person)]
        return layout


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
