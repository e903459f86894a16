"""People and households: reading them with their classes, finding them by name, inserting them."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.dates import now
from sferum_onboard.errors import AmbiguousError, NotFoundError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.membership import ROLE_ORDER, class_sort_key, classes_of, has_role
from sferum_onboard.tracking.model import Candidate, Person, School
from sferum_onboard.tracking.names import fold_name, name_matches
from sferum_onboard.tracking.store.bulk import bulk_insert, chunks, insert_with_ids
from sferum_onboard.tracking.store.schools import ensure_classes, school_id_of, touch
from sferum_onboard.tracking.store.tables import classes, households, people, teaching


class PeopleMixin:
    """Store methods for people and households."""

    def people(
        self,
        school: School | int,
        *,
        role: str | None = None,
        class_name: str | None = None,
        active: bool | None = True,
        ids: Iterable[int] | None = None,
    ) -> list[Person]:
        """People of a school, ordered by class then name.

        `role` is a person role or a catalog role («class_leader»,
        «specialist»: teachers with that flag). `class_name` keeps the
        class's pupils, their parents and the class leader. `active=None`
        returns active and inactive people.
        """
        with self._read() as conn:
            everyone = load_people(conn, school_id_of(school), ids=ids)
            if class_name is not None and ids is not None:
                everyone_pupils = load_people(conn, school_id_of(school))
            else:
                everyone_pupils = everyone
        found = everyone
        if role is not None:
            found = [p for p in found if has_role(p, role)]
        if active is not None:
            found = [p for p in found if p.active == active]
        if class_name is not None:
            wanted = normalise_class(class_name) or class_name
            # Who counts in the class as progress counts them: a parent through an active child there.
            active_pupils = {p.id: p.class_name for p in everyone_pupils if p.role == "pupil" and p.active}
            found = [p for p in found if wanted in classes_of(p, active_pupils)]
        return sorted(found, key=lambda p: (class_sort_key(p.class_name or (p.led_classes or (None,))[0]),
                                            ROLE_ORDER.get(p.role, 9), fold_name(p.full_name), p.id))

    def person(self, person_id: int) -> Person:
        with self._read() as conn:
            school_id = conn.execute(sa.select(people.c.school_id).where(people.c.id == person_id)).scalar()
            if school_id is None:
                raise NotFoundError(TRACKING["person-id-unknown"].format(id=person_id))
            return load_people(conn, school_id, ids=[person_id])[0]

    def find_people(self, school: School | int, query: str) -> list[Person]:
        """People a user could mean by `query`: an id («12», «#12») or a name (ё/е, case folded).

        An exact full name wins over a partial one («Иванова М»); active
        people win over inactive ones.
        """
        text = query.strip().lstrip("#№").strip()
        sid = school_id_of(school)
        with self._read() as conn:
            if text.isdecimal():
                return [p for p in load_people(conn, sid, ids=[int(text)])]
            key = fold_name(query)
            if not key:
                return []
            exact = conn.execute(sa.select(people.c.id).where(
                people.c.school_id == sid, people.c.name_key == key)).scalars().all()
            ids = list(exact)
            if not ids:
                first = key.split()[0]
                rows = conn.execute(sa.select(people.c.id, people.c.name_key).where(
                    people.c.school_id == sid, people.c.name_key.startswith(first, autoescape=True)))
                ids = [r.id for r in rows if name_matches(key, r.name_key)]
            found = load_people(conn, sid, ids=ids) if ids else []
        active = [p for p in found if p.active]
        return active or found

    def resolve_person(self, school: School | int, query: str) -> Person:
        """The one person `query` names; NotFoundError (with close names) or AmbiguousError (with the
        first 20 candidates)."""
        found = self.find_people(school, query)
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError(TRACKING["person-ambiguous"].format(query=query, n=len(found)),
                                 candidates=self.candidates(found[:20]))
        raise NotFoundError(TRACKING["person-unknown"].format(query=query),
                            close=self.candidates(self._close_people(school, query)))

    def _close_people(self, school: School | int, query: str) -> list[Person]:
        """Up to three active people whose names are close to `query` (a typo, a missed letter)."""
        from rapidfuzz import fuzz, process, utils

        with self._read() as conn:
            rows = conn.execute(sa.select(people.c.id, people.c.name_key).where(
                people.c.school_id == school_id_of(school), people.c.active)).all()
        if not rows:
            return []
        choices = {r.id: r.name_key for r in rows}
        best = process.extract(fold_name(query), choices, scorer=fuzz.WRatio, processor=utils.default_process,
                               limit=3, score_cutoff=70)
        ids = [key for _, _, key in best]
        with self._read() as conn:
            by_id = {p.id: p for p in load_people(conn, school_id_of(school), ids=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def candidates(self, found: Iterable[Person]) -> list[Candidate]:
        """These people with the classes they count in, a parent's through any of their children."""
        found = list(found)
        children = sorted({child for p in found if p.role == "parent" for child in p.children})
        pupil_classes: dict[int, str] = {}
        if children:
            with self._read() as conn:
                for chunk in chunks(children):
                    pupil_classes.update(conn.execute(sa.select(people.c.id, classes.c.name).select_from(
                        people.join(classes, classes.c.id == people.c.class_id)).where(
                        people.c.id.in_(chunk))).all())
        return [Candidate(p, classes_of(p, pupil_classes)) for p in found]


def role_clause(role: str | None) -> list:
    if role is None:
        return []
    if role == "class_leader":
        return [people.c.role == "teacher", people.c.class_leader]
    if role == "specialist":
        return [people.c.role == "teacher", people.c.specialist]
    return [people.c.role == role]


def load_people(
    conn: Connection, school_id: int, ids: Iterable[int] | None = None, roles: Iterable[str] | None = None,
) -> list[Person]:
    """People as model records, with their classes, leadership, teaching and children."""
    columns = [people.c[name] for name in (
        "id", "school_id", "full_name", "role", "class_leader", "specialist", "position", "subjects", "contact",
        "active")]
    query = (
        sa.select(*columns, classes.c.name.label("class_name"))
        .select_from(people.outerjoin(classes, classes.c.id == people.c.class_id))
        .where(people.c.school_id == school_id)
        .order_by(people.c.id)
    )
    if roles is not None:
        query = query.where(people.c.role.in_(list(roles)))
    if ids is not None:
        rows = []
        for chunk in chunks(sorted(set(ids))):
            rows.extend(conn.execute(query.where(people.c.id.in_(chunk))).all())
    else:
        rows = conn.execute(query).all()
    if not rows:
        return []
    led: dict[int, list[str]] = {}
    for leader_id, name in conn.execute(sa.select(classes.c.leader_id, classes.c.name).where(
            classes.c.school_id == school_id, classes.c.leader_id.is_not(None))).all():
        led.setdefault(leader_id, []).append(name)
    taught: dict[int, list[str]] = {}
    for person_id, name in conn.execute(sa.select(teaching.c.person_id, classes.c.name).select_from(
            teaching.join(classes, classes.c.id == teaching.c.class_id))
            .where(classes.c.school_id == school_id)).all():
        taught.setdefault(person_id, []).append(name)
    children: dict[int, list[int]] = {}
    if any(r.role == "parent" for r in rows):
        link_query = sa.select(households.c.parent_id, households.c.pupil_id).select_from(
            households.join(people, people.c.id == households.c.parent_id)).where(people.c.school_id == school_id)
        for parent_id, pupil_id in conn.execute(link_query).all():
            children.setdefault(parent_id, []).append(pupil_id)

    for found in (led, taught):
        for person_id, names in found.items():
            found[person_id] = tuple(sorted(names, key=class_sort_key))
    return [
        Person(
            id=r.id, school_id=r.school_id, full_name=r.full_name, role=r.role, class_name=r.class_name,
            class_leader=bool(r.class_leader), specialist=bool(r.specialist), position=r.position,
            subjects=tuple(r.subjects) if r.subjects else (),
            classes_taught=taught.get(r.id, ()), led_classes=led.get(r.id, ()),
            children=tuple(sorted(children[r.id])) if r.id in children else (),
            contact=r.contact, active=bool(r.active),
        )
        for r in rows
    ]


def person_row(school_id: int, person: Person, class_ids: dict[str, int], stamp: dt.datetime) -> dict:
    return {
        "school_id": school_id, "full_name": person.full_name, "name_key": fold_name(person.full_name),
        "role": person.role, "class_id": class_ids.get(person.class_name) if person.class_name else None,
        "class_leader": bool(person.class_leader), "specialist": bool(person.specialist),
        "position": person.position, "subjects": list(person.subjects) or None, "contact": person.contact,
        "active": bool(person.active), "created_at": stamp, "updated_at": stamp,
    }


def insert_people(conn: Connection, school_id: int, new_people: list[Person]) -> list[int]:
    """Insert people with their classes, teaching, leadership and children; returns the new ids."""
    class_ids = ensure_classes(conn, school_id, [
        c for p in new_people for c in (p.class_name, *p.classes_taught, *p.led_classes) if c])
    stamp = now()
    ids: list[int] = []
    for chunk in chunks(new_people):
        ids.extend(insert_with_ids(conn, people, [person_row(school_id, p, class_ids, stamp) for p in chunk]))
    with_ids = [(new_id, p) for new_id, p in zip(ids, new_people)]
    write_relations(conn, school_id, with_ids, class_ids)
    touch(conn, school_id)
    return ids


def write_relations(conn: Connection, school_id: int, with_ids: list[tuple[int, Person]],
                     class_ids: dict[str, int]) -> None:
    """Add teaching rows, household links and class leadership for these people (never removes links)."""
    teach = [{"person_id": pid, "class_id": class_ids[c]} for pid, p in with_ids for c in p.classes_taught]
    if teach:
        existing = {(r.person_id, r.class_id) for r in conn.execute(sa.select(teaching).where(
            teaching.c.person_id.in_(list({t["person_id"] for t in teach}))))}
        new = [t for t in teach if (t["person_id"], t["class_id"]) not in existing]
        if new:
            bulk_insert(conn, teaching, new)
    link_households(conn, [(pid, child) for pid, p in with_ids for child in p.children])
    leaders = [{"class_id": class_ids[c], "leader": pid} for pid, p in with_ids for c in p.led_classes]
    if leaders:
        conn.execute(classes.update().where(classes.c.id == sa.bindparam("class_id"))
                     .values(leader_id=sa.bindparam("leader")), leaders)


def link_households(conn: Connection, pairs: list[tuple[int, int]]) -> None:
    pairs = sorted(set(pairs))
    if not pairs:
        return
    parents = sorted({p for p, _ in pairs})
    existing: set[tuple[int, int]] = set()
    for chunk in chunks(parents):
        existing.update((r.parent_id, r.pupil_id) for r in conn.execute(
            sa.select(households).where(households.c.parent_id.in_(chunk))))
    new = [{"parent_id": p, "pupil_id": c} for p, c in pairs if (p, c) not in existing]
    if new:
        bulk_insert(conn, households, new)
