"""Roster imports: a plan of what would change, then all of it in one transaction, or nothing."""

from __future__ import annotations

import dataclasses
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.dates import now
from sferum_onboard.errors import DataError, NotFoundError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking import importplan
from sferum_onboard.tracking.model import School
from sferum_onboard.tracking.store.bulk import chunks
from sferum_onboard.tracking.store.people import insert_people, load_people, person_row, write_relations
from sferum_onboard.tracking.store.schools import (
    ensure_classes, lock_school, roster_version, school_by_id, school_id_of, touch,
)
from sferum_onboard.tracking.store.tables import classes, imports, people


class ImportsMixin:
    """Store methods for roster imports."""

    def plan_roster_import(self, roster, school_name: str | None = None, *, site_school: str | None = None,
                           deactivate_missing: bool = False, apply_moves: bool = False,
                           dry_run: bool = False) -> importplan.ImportPlan:
        """The plan for a roster: into the school named, the store's only one, or, in an empty
        store, the site's school (`site_school`, from the site's settings).

        A school not yet in the store is created, except on a dry run: nothing
        may be written then, so the plan is made for a school that is not
        stored (id 0) and has nobody in it.
        """
        if school_name is None:
            if self.schools():
                return self.plan_import(self.school(), roster, deactivate_missing, apply_moves)
            if not site_school:
                raise NotFoundError(TRACKING["store-no-school"])
            school_name = site_school
        try:
            school = self.school(school_name)
        except NotFoundError:
            if dry_run:
                return importplan.plan_roster(School(0, " ".join(school_name.split())), [], roster,
                                              deactivate_missing, apply_moves)
            school = self.get_or_create_school(school_name)
        return self.plan_import(school, roster, deactivate_missing, apply_moves)

    def plan_import(self, school: School | int, roster, deactivate_missing: bool = False,
                    apply_moves: bool = False) -> importplan.ImportPlan:
        """What importing `roster` (a `tracking.roster.Roster`) would change; writes nothing.

        Moves to another class and merged households are held back (`plan.held`)
        unless `apply_moves` or `deactivate_missing` (a full list).
        """
        sid = school_id_of(school)
        with self._read() as conn:
            the_school = school_by_id(conn, sid)
            version = roster_version(conn, sid)
            stored = load_people(conn, sid, roles=importplan.STORED_ROLES[roster.kind])
        plan = importplan.plan_roster(the_school, stored, roster, deactivate_missing, apply_moves)
        return dataclasses.replace(plan, version=version)

    def apply_import(
        self,
        plan: importplan.ImportPlan,
        *,
        skip_invalid: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> importplan.ImportPlan:
        """Carry out an import in ONE transaction: all of it lands, or nothing does.

        When the school's people changed since `plan_import` (its roster
        version moved), the plan is recomputed under the write lock, so
        nobody's change is lost or duplicated; the plan actually applied is
        returned. Rows with problems, and changes held back (a move
        without `apply_moves`), refuse the whole import unless
        `skip_invalid`: then the rest is written. `progress(done, total)` is
        called as people are written.
        """
        with self._write() as conn:
            lock_school(conn, plan.school.id)
            if plan.version is not None and plan.version == roster_version(conn, plan.school.id):
                fresh = plan
            else:
                stored = load_people(conn, plan.school.id, roles=importplan.STORED_ROLES[plan.kind])
                fresh = importplan.plan_roster(plan.school, stored, plan.roster, plan.deactivate_missing,
                                               plan.apply_moves)
            if fresh.problems and not skip_invalid:
                raise DataError(TRACKING["import-has-problems"].format(n=len(fresh.problems)), list(fresh.problems))
            if fresh.held and not skip_invalid:
                raise DataError(TRACKING["import-held"].format(n=len(fresh.held)))
            _apply_plan(conn, fresh, progress)
        return fresh


def _apply_plan(conn: Connection, plan: importplan.ImportPlan, progress: Callable[[int, int], None] | None) -> None:
    school_id = plan.school.id
    to_add = [p.person for p in plan.added]
    changed = list(plan.moved + plan.updated)  # without what is held back
    total = len(to_add) + len(changed) + len(plan.deactivated)
    done = 0
    if progress:
        progress(0, total)
    for chunk in chunks(to_add):
        insert_people(conn, school_id, chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    class_ids = ensure_classes(conn, school_id, [
        c for p in changed for c in (p.person.class_name, *p.person.classes_taught, *p.person.led_classes) if c])
    stamp = now()
    updates = []
    for planned in changed:
        row = person_row(school_id, planned.person, class_ids, stamp)
        del row["created_at"], row["school_id"]
        updates.append(dict(row, person_id=planned.person.id))
    for chunk in chunks(updates):
        conn.execute(people.update().where(people.c.id == sa.bindparam("person_id")), chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    # A class leader who lost a class: unset it first, then set the new leaders.
    for planned in changed:
        if planned.before is not None:
            dropped = set(planned.before.led_classes) - set(planned.person.led_classes)
            for class_name in dropped:
                conn.execute(classes.update().where(classes.c.id == class_ids.get(class_name, -1),
                                                    classes.c.leader_id == planned.person.id).values(leader_id=None))
    write_relations(conn, school_id, [(p.person.id, p.person) for p in changed], class_ids)
    gone = [p.id for p in plan.deactivated]
    for chunk in chunks(gone):
        conn.execute(people.update().where(people.c.id.in_(chunk)).values(active=False, updated_at=stamp))
        done += len(chunk)
        if progress:
            progress(done, total)
    if plan.changes_anything:
        touch(conn, school_id)
    counts = plan.counts()
    conn.execute(imports.insert().values(
        school_id=school_id, kind=plan.kind, source=plan.source, at=stamp, added=counts["added"],
        moved=counts["moved"], updated=counts["updated"], unchanged=counts["unchanged"],
        deactivated=counts["deactivated"]))
