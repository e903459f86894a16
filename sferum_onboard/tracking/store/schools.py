"""Schools and classes, and what every writer of a school's people does: take its lock, bump its version."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.dates import now
from sferum_onboard.errors import AmbiguousError, DataError, NotFoundError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.membership import class_sort_key
from sferum_onboard.tracking.model import School, SchoolClass
from sferum_onboard.tracking.names import fold_name
from sferum_onboard.tracking.store.bulk import insert_with_ids
from sferum_onboard.tracking.store.tables import classes, schools

SCHOOL_LOCKS = 5_318  # pg_advisory_xact_lock(space, school id): one writer of a school's people at a time


class SchoolsMixin:
    """Store methods for schools and classes."""

    def schools(self) -> list[School]:
        with self._read() as conn:
            rows = conn.execute(sa.select(schools.c.id, schools.c.name).order_by(schools.c.id))
            return [School(r.id, r.name) for r in rows]

    def school(self, name: str | None = None) -> School:
        """The school named (case and ё folded), or the only school when no name is given."""
        found = self.schools()
        if name is not None:
            key = fold_name(name)
            match = [s for s in found if fold_name(s.name) == key]
            if not match:
                raise NotFoundError(TRACKING["school-unknown"].format(
                    name=name, known=", ".join(f"«{s.name}»" for s in found) or "—"))
            return match[0]
        if not found:
            raise NotFoundError(TRACKING["store-empty"])
        if len(found) > 1:
            raise AmbiguousError(TRACKING["school-choose"].format(n=len(found)), candidates=found)
        return found[0]

    def get_or_create_school(self, name: str) -> School:
        """The school with this name, created when missing (safe when two processes race)."""
        name = " ".join(name.split())
        if not name:
            raise DataError(TRACKING["school-name-empty"])
        with self._write() as conn:
            lock_school(conn, 0)
            return ensure_school(conn, name)

    def classes(self, school: School | int) -> list[SchoolClass]:
        with self._read() as conn:
            rows = conn.execute(sa.select(classes).where(classes.c.school_id == school_id_of(school))).all()
        result = [SchoolClass(r.id, r.school_id, r.name, r.grade, r.leader_id, r.invite_link) for r in rows]
        return sorted(result, key=lambda c: class_sort_key(c.name))

    def get_class(self, school: School | int, name: str) -> SchoolClass:
        """A class by any spelling of its name («7 а», «7A»); NotFoundError lists the known ones."""
        wanted = normalise_class(name)
        known = self.classes(school)
        for item in known:
            if item.name == wanted:
                return item
        raise NotFoundError(TRACKING["class-unknown"].format(
            name=name, known=", ".join(c.name for c in known) or "—"))

    def set_invite_link(self, school: School | int, class_name: str, url: str | None) -> SchoolClass:
        """Store (or clear, with None) the class's invitation link; it stays in the store only."""
        item = self.get_class(school, class_name)
        with self._write() as conn:
            conn.execute(classes.update().where(classes.c.id == item.id).values(invite_link=url))
        return self._class_by_id(item.id)

    def _class_by_id(self, class_id: int) -> SchoolClass:
        with self._read() as conn:
            r = conn.execute(sa.select(classes).where(classes.c.id == class_id)).one()
        return SchoolClass(r.id, r.school_id, r.name, r.grade, r.leader_id, r.invite_link)


def school_id_of(school: School | int) -> int:
    return school if isinstance(school, int) else school.id


def lock_school(conn: Connection, school_id: int) -> None:
    """Serialise changes to one school's people on PostgreSQL (0: creating schools).

    SQLite needs nothing: every writer holds the whole database (BEGIN IMMEDIATE).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": SCHOOL_LOCKS, "key": school_id})


def roster_version(conn: Connection, school_id: int) -> int:
    return conn.execute(sa.select(schools.c.roster_version).where(schools.c.id == school_id)).scalar() or 0


def touch(conn: Connection, school_id: int) -> None:
    """Note that the school's people, classes or households changed (plans made before are stale)."""
    conn.execute(schools.update().where(schools.c.id == school_id)
                 .values(roster_version=schools.c.roster_version + 1))


def school_by_id(conn: Connection, school_id: int) -> School:
    row = conn.execute(sa.select(schools.c.id, schools.c.name).where(schools.c.id == school_id)).first()
    if row is None:
        raise NotFoundError(TRACKING["school-id-unknown"].format(id=school_id))
    return School(row.id, row.name)


def ensure_school(conn: Connection, name: str) -> School:
    key = fold_name(name)
    for row in conn.execute(sa.select(schools.c.id, schools.c.name)):
        if fold_name(row.name) == key:
            return School(row.id, row.name)
    new_id = conn.execute(schools.insert().values(name=name, created_at=now()).returning(schools.c.id)).scalar()
    return School(new_id, name)


def ensure_classes(conn: Connection, school_id: int, names: Iterable[str]) -> dict[str, int]:
    """Ids of these (normalised) classes, creating the missing ones."""
    wanted = sorted(set(n for n in names if n))
    known = {r.name: r.id for r in conn.execute(
        sa.select(classes.c.name, classes.c.id).where(classes.c.school_id == school_id))}
    missing = [n for n in wanted if n not in known]
    if missing:
        touch(conn, school_id)
        new_ids = insert_with_ids(conn, classes, [
            {"school_id": school_id, "name": n, "grade": grade_of(n), "leader_id": None, "invite_link": None}
            for n in missing])
        known.update(zip(missing, new_ids))
    return known
