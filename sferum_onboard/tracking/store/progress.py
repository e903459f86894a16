"""The progress query: done and not-applicable counts per class, profile and step, in one statement."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.membership import (
    CHILDREN_CLASSES, CLASS_MEMBERSHIP, LED_CLASSES, OWN_CLASS, ROLE_ORDER, Profile, StepLayouts, classes_of,
    has_role,
)
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, School
from sferum_onboard.tracking.progress import Bucket, Progress, count_verified, progress_from_buckets, with_verified
from sferum_onboard.tracking.store.people import load_people, role_clause
from sferum_onboard.tracking.store.schools import school_id_of
from sferum_onboard.tracking.store.states import state_source
from sferum_onboard.tracking.store.tables import classes, households, people

PROFILE_BASE = 1024  # membership counts stay below this in the packed profile code


class ProgressMixin:
    """Store methods for progress."""

    def progress(
        self,
        catalog,
        school: School | int,
        *,
        by: str | None = "class",
        role: str | None = None,
        class_name: str | None = None,
        as_of: dt.date | dt.datetime | None = None,
    ) -> Progress:
        """Counts and shares per step for a school (and per class or role), from SQL aggregates.

        Same numbers as `progress.aggregate_progress` over the same people
        and states (tests check it): eligibility from the catalog, parents
        counted once in the total and once per class of their children.
        """
        sid = school_id_of(school)
        wanted_class = None
        if class_name is not None:
            wanted_class = normalise_class(class_name) or class_name
        by_class = by == "class" or wanted_class is not None
        class_names: dict[int, str] = {}
        with self._read() as conn:
            source = state_source(conn, catalog, as_of)
            rows = conn.execute(_progress_query(sid, source, role, by_class, wanted_class)).all()
            if by_class:
                # Read after the aggregate: classes are never deleted, so every id it names is here.
                class_names = dict(conn.execute(
                    sa.select(classes.c.id, classes.c.name).where(classes.c.school_id == sid)).all())
        progress = _progress_from_rows(catalog, rows, class_names, by)
        verified = self.verified_keys(sid, catalog, as_of=as_of)
        if not verified:
            return progress
        # The few people a member list verified, counted by the pure rule, filtered as the aggregate is.
        with self._read() as conn:
            found = load_people(conn, sid, ids={p for p, _ in verified})
            children = sorted({child for p in found for child in p.children})
            pupil_classes = dict(conn.execute(sa.select(people.c.id, classes.c.name).select_from(
                people.join(classes, classes.c.id == people.c.class_id)).where(
                people.c.id.in_(children), people.c.active)).all()) if children else {}
        pupil_classes.update({p.id: p.class_name for p in found if p.role == "pupil"})
        counted = [p for p in found if p.active and (role is None or has_role(p, role))
                   and (wanted_class is None or wanted_class in classes_of(p, pupil_classes))]
        return with_verified(progress, count_verified(catalog, counted, verified, by, pupil_classes))


def _profile_code(columns, memberships):
    """One integer for what decides a checklist (role, class-leader and specialist flags) and the
    number of classes a person counts in: a narrow GROUP BY key for the big aggregate."""
    role_code = sa.case(ROLE_ORDER, value=columns.role, else_=len(ROLE_ORDER))
    return (role_code * 4 + sa.cast(columns.class_leader, sa.Integer) * 2
            + sa.cast(columns.specialist, sa.Integer)) * PROFILE_BASE + memberships


def _memberships(school_id: int, role: str | None, only_class: str | None):
    """Active people with the classes they are counted in: (person_id, class_id, code).

    The rule is `membership.CLASS_MEMBERSHIP`, one SQL part per source of
    classes: a pupil counts in their own class; a parent in each class of
    their active children; a teacher or an administrator in the classes they
    lead; someone in no class has one row with class_id NULL. Tests check it
    against `membership.classes_of` over random stores. The profile code packs n, how many classes
    the person counts in, so weighting a row by 1/n gives the school total,
    where a parent of children in two classes is one person. With
    `only_class`, only that class's people (n = 1).

    Classes are kept as ids (names are looked up after the aggregate): an
    integer key sorts and hashes faster over a million joined rows, and a
    pupil's class needs no join at all. Each part counts its own n, so the
    window sorts only parents and staff, not every member.
    """
    flags = [people.c.role, people.c.class_leader, people.c.specialist]
    own = [people.c.school_id == school_id, people.c.active, *role_clause(role)]
    child = people.alias("member_child")
    pupils = sa.select(
        people.c.id.label("person_id"), people.c.class_id,
        sa.case((people.c.class_id.is_(None), 0), else_=1).label("n"), *flags,
    ).where(*own, _roles_counted_by(OWN_CLASS))
    children = households.join(child, sa.and_(
        child.c.id == households.c.pupil_id, child.c.active, child.c.class_id.is_not(None)))
    parents = (
        # DISTINCT before counting: two children in one class are one class.
        sa.select(people.c.id.label("person_id"), child.c.class_id, *flags).distinct()
        .select_from(people.outerjoin(children, households.c.parent_id == people.c.id))
        .where(*own, _roles_counted_by(CHILDREN_CLASSES))
    )
    staff = (
        sa.select(people.c.id.label("person_id"), classes.c.id.label("class_id"), *flags)
        .select_from(people.outerjoin(classes, classes.c.leader_id == people.c.id))
        .where(*own, _roles_counted_by(LED_CLASSES))
    )
    if only_class is not None:
        wanted = sa.select(classes.c.id).where(
            classes.c.school_id == school_id, classes.c.name == only_class).scalar_subquery()
        pupils = pupils.where(people.c.class_id == wanted)
        parents = parents.where(child.c.class_id == wanted)
        staff = staff.where(classes.c.id == wanted)

    def counted(part):
        part = part.subquery()
        n = sa.func.count(part.c.class_id).over(partition_by=part.c.person_id)
        return sa.select(part.c.person_id, part.c.class_id, n.label("n"), *(part.c[f.name] for f in flags))

    member = sa.union_all(pupils, counted(parents), counted(staff)).subquery("member")
    return sa.select(
        member.c.person_id, member.c.class_id, _profile_code(member.c, member.c.n).label("code"),
    ).cte("membership")


def _roles_counted_by(source: str):
    """SQL: the person's role takes its classes from `source` (membership.CLASS_MEMBERSHIP)."""
    roles = [role for role, where in CLASS_MEMBERSHIP.items() if where == source]
    return people.c.role == roles[0] if len(roles) == 1 else people.c.role.in_(roles)


def _progress_query(school_id: int, source, role: str | None, by_class: bool, only_class: str | None):
    """One statement: done / not-applicable counts per (class, profile code, grade, step), then
    people per (class, profile code, grade).

    Rows: (class_id, code, grade, step_id, done, not_applicable, people); a
    row of people has step_id NULL. By class, a person in n classes has a row
    per class and someone in no class one row with class_id NULL; the class
    gives a pupil's grade. Otherwise every person counts once (n = 1).
    """
    if by_class or only_class is not None:
        membership = _memberships(school_id, role, only_class)
        base = membership
        person_id = membership.c.person_id
        keys = [membership.c.class_id, membership.c.code, sa.null().label("grade")]
        group_by = keys[:2]
        where = []
    else:
        pupil_class = classes.alias("pupil_class")
        base = people.outerjoin(pupil_class, pupil_class.c.id == people.c.class_id)
        person_id = people.c.id
        keys = [sa.null().label("class_id"), _profile_code(people.c, 1).label("code"), pupil_class.c.grade]
        group_by = [people.c.role, people.c.class_leader, people.c.specialist, pupil_class.c.grade]
        where = [people.c.school_id == school_id, people.c.active, *role_clause(role)]
    counted = source.c.action.in_((DONE, NOT_APPLICABLE))
    states = (
        sa.select(*keys, source.c.step_id,
                  sa.func.count().filter(source.c.action == DONE),
                  sa.func.count().filter(source.c.action == NOT_APPLICABLE), sa.null())
        .select_from(base.join(source, source.c.person_id == person_id))
        .where(*where, counted).group_by(*group_by, source.c.step_id)
    )
    heads = (
        sa.select(*keys, sa.null(), sa.null(), sa.null(), sa.func.count())
        .select_from(base).where(*where).group_by(*group_by)
    )
    return sa.union_all(states, heads)


def _progress_from_rows(catalog, rows, class_names: dict[int, str], by) -> Progress:
    """Per-group buckets from the rows of `_progress_query`, then the Progress.

    This loop sees one row per (class, profile, step): a hundred thousand
    for a big school. What a row adds to (its profile and checklist, its
    group's counts, its weight in the total) is worked out once per (class,
    profile code); the loop itself keeps to local names and plain lists.
    """
    layouts = StepLayouts(catalog)
    catalog_steps = catalog.steps
    roles = list(ROLE_ORDER)
    total = Bucket()
    total_people, total_done, total_exempt, total_retired = total.people, total.done, total.exempt, total.retired
    groups: dict[str, Bucket] = {}
    kinds: dict = {}  # (class id, code, grade) -> (profile, share in the total, checklist, group's counts)
    for class_id, code, grade, step_id, done, exempt, heads in rows:
        kind = kinds.get((class_id, code, grade))
        if kind is None:
            flags, memberships = divmod(code, PROFILE_BASE)
            role_index, bits = divmod(flags, 4)
            role = roles[role_index] if role_index < len(roles) else "?"
            class_name = class_names.get(class_id)
            pupil_grade = None
            if role == "pupil":
                pupil_grade = grade if class_name is None else grade_of(class_name)
            profile = Profile(role, bool(bits & 2), bool(bits & 1), pupil_grade)
            group = class_name if by == "class" else role if by == "role" else None
            bucket = groups.get(group)
            if bucket is None and group is not None:
                bucket = groups[group] = Bucket()
            # A person counted in two classes is half a person in each share of the total.
            share = 1 / memberships if memberships > 1 else 1
            counts = (None, None, None) if bucket is None else (bucket.people, bucket.done, bucket.exempt)
            kind = kinds[(class_id, code, grade)] = (profile, share, layouts[profile].id_set, *counts)
        profile, share, checklist, group_people, group_done, group_exempt = kind
        if step_id is None:
            total_people[profile] += heads * share
            if group_people is not None:
                group_people[profile] += heads
        elif step_id in checklist:
            total_done[step_id] = total_done.get(step_id, 0) + done * share
            total_exempt[step_id] = total_exempt.get(step_id, 0) + exempt * share
            if group_done is not None:
                group_done[step_id] = group_done.get(step_id, 0) + done
                group_exempt[step_id] = group_exempt.get(step_id, 0) + exempt
        elif step_id not in catalog_steps:
            total_retired[step_id] += done * share
    # The halves add up to whole people: round away the float error.
    total.people = {profile: round(n) for profile, n in total_people.items()}
    total.done = {step_id: round(n) for step_id, n in total_done.items()}
    total.exempt = {step_id: round(n) for step_id, n in total_exempt.items()}
    total.retired = {step_id: round(n) for step_id, n in total_retired.items()}
    return progress_from_buckets(catalog, by, total, groups, layouts=layouts)
