"""The store: schools, classes, people, households and the append-only event log.

One `Store` object wraps one database: an SQLite file (the default, in the
user's data folder) or a PostgreSQL URL for a district. The schema is
managed by Alembic and brought up to date whenever the store is opened.

    with Store.open() as store:                      # --db / SFERUM_ONBOARD_DB / default file
        school = store.get_or_create_school("Школа № 1")
        plan = store.plan_import(school, roster)      # what would change (--dry-run)
        store.apply_import(plan)                      # all or nothing
        store.append_events([NewEvent(school.id, person.id, "install-max")])
        states = store.current_states(school, catalog)
        progress = store.progress(catalog, school, by="class")

Events are never updated or deleted. The table `step_state` keeps the latest
event per (person, step) in the same transaction as each append; it is a
derived cache (`rebuild_step_state` recomputes it from the log) that makes
the current state and progress fast on millions of events. Its rule is the
one in `progress.fold_events`: latest `at`, then latest id.

Concurrency: on SQLite every write transaction starts with BEGIN IMMEDIATE
and waits up to 30 s for another writer (WAL lets readers go on); on
PostgreSQL writers to one school's people queue on an advisory lock, and
the state cache only moves forward. People, classes and households are the
school's roster as it is now (updated in place by imports); every change of
progress is an event.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine, make_url

from sferum_onboard.dates import now
from sferum_onboard.errors import AmbiguousError, DataError, NotFoundError, StoreError
from sferum_onboard.messages import TRACKING, os_reason
from sferum_onboard.tracking import importplan
from sferum_onboard.tracking.classes import grade_of, normalise_class
from sferum_onboard.tracking.fold import as_of_limit, fold_events
from sferum_onboard.tracking.model import (
    ACTIONS, DONE, NOT_APPLICABLE, SOURCES, Event, Person, School, SchoolClass, StepState,
)
from sferum_onboard.tracking.names import fold_name, name_matches
from sferum_onboard.tracking.paths import is_url, store_target
from sferum_onboard.wording import role_title
from sferum_onboard.tracking.membership import (
    CHILDREN_CLASSES, CLASS_MEMBERSHIP, LED_CLASSES, OWN_CLASS, Profile, StepLayouts, class_sort_key, classes_of,
    has_role,
)
from sferum_onboard.tracking.progress import Bucket, Progress, progress_from_buckets

__all__ = ["Store", "NewEvent", "metadata", "SCHEMA_REVISION", "describe_person"]

SCHEMA_REVISION = "0003"  # the newest migration in tracking/migrations/versions
BUSY_TIMEOUT_MS = 30_000
BATCH = 5_000
_COPY_FROM = 2_000  # rows from which PostgreSQL gets COPY instead of INSERT
_MIGRATION_LOCK = 5_318_008  # pg_advisory_xact_lock key: one process migrates at a time
_SCHOOL_LOCKS = 5_318  # pg_advisory_xact_lock(space, school id): one writer of a school's people at a time

# --- tables (must match the migrations; tests compare them) --------------------

metadata = sa.MetaData()
EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

schools = sa.Table(
    "schools", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Bumped by every change to the school's people, classes or households (0002).
    sa.Column("roster_version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("name", name="uq_schools_name"),
)
classes = sa.Table(
    "classes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_classes_school"), nullable=False),
    sa.Column("name", sa.String(20), nullable=False),
    sa.Column("grade", sa.Integer),
    sa.Column("leader_id", sa.Integer, sa.ForeignKey("people.id", name="fk_classes_leader", use_alter=True)),
    sa.Column("invite_link", sa.Text),
    sa.UniqueConstraint("school_id", "name", name="uq_classes_school_name"),
    sa.Index("ix_classes_leader", "leader_id"),  # 0003
)
people = sa.Table(
    "people", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_people_school"), nullable=False),
    sa.Column("full_name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_people_class")),
    sa.Column("class_leader", sa.Boolean(name="ck_people_class_leader"), nullable=False, server_default=sa.false()),
    sa.Column("specialist", sa.Boolean(name="ck_people_specialist"), nullable=False, server_default=sa.false()),
    sa.Column("position", sa.String(200)),
    sa.Column("subjects", sa.JSON(none_as_null=True)),  # SQL NULL, not the JSON text 'null'
    sa.Column("contact", sa.Text),
    sa.Column("active", sa.Boolean(name="ck_people_active"), nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint("role IN ('administrator', 'teacher', 'pupil', 'parent')", name="ck_people_role"),
    sa.Index("ix_people_school_name", "school_id", "name_key"),
    sa.Index("ix_people_class", "class_id"),
    sa.Index("ix_people_school_role", "school_id", "role"),  # 0003
)
teaching = sa.Table(
    "teaching", metadata,
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_teaching_person"), primary_key=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", name="fk_teaching_class"), primary_key=True),
)
households = sa.Table(
    "households", metadata,
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_parent"), primary_key=True),
    sa.Column("pupil_id", sa.Integer, sa.ForeignKey("people.id", name="fk_households_pupil"), primary_key=True),
    sa.Index("ix_households_pupil", "pupil_id"),
)
events = sa.Table(
    "events", metadata,
    sa.Column("id", EVENT_ID, primary_key=True, autoincrement=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_events_school"), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_events_person")),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String(200)),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.CheckConstraint("action IN ('done', 'undone', 'not_applicable')", name="ck_events_action"),
    sa.CheckConstraint("source IN ('meeting', 'sheet', 'import', 'self')", name="ck_events_source"),
    sa.Index("ix_events_person_step", "person_id", "step_id", "at"),
    sa.Index("ix_events_school_at", "school_id", "at"),
)
step_state = sa.Table(
    "step_state", metadata,
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", name="fk_step_state_person"), primary_key=True),
    sa.Column("step_id", sa.String(100), primary_key=True),
    sa.Column("event_id", EVENT_ID, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Index("ix_step_state_step", "step_id"),
    sqlite_with_rowid=False,  # 0003: the key is the table, so a lookup reads the action directly
)
imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("school_id", sa.Integer, sa.ForeignKey("schools.id", name="fk_imports_school"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("moved", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("unchanged", sa.Integer, nullable=False),
    sa.Column("deactivated", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class NewEvent:
    """An event to append; the store gives it an id. `at` defaults to now."""

    school_id: int
    person_id: int | None  # None for a school-level step
    step_id: str
    action: str = DONE
    at: dt.datetime | None = None
    recorded_by: str | None = None
    source: str = "meeting"
    note: str | None = None


def _school_id(school: School | int) -> int:
    return school if isinstance(school, int) else school.id


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def describe_person(person: Person, child_classes: Iterable[str] = ()) -> str:
    """«#12 Иванова Мария Петровна, родитель (7А, 5Б)»: enough to tell namesakes apart.

    A parent's classes are their children's: pass them as `child_classes`
    (`Store.describe` does).
    """
    role = role_title("class_leader" if person.role == "teacher" and person.class_leader else person.role)
    where = [person.class_name] if person.class_name else list(person.led_classes)
    if person.role == "parent":
        where = sorted(set(child_classes), key=class_sort_key)
    extra = f" ({', '.join(where)})" if where else ""
    inactive = TRACKING["inactive-mark"] if not person.active else ""
    return f"#{person.id} {person.full_name}, {role}{extra}{inactive}"


class Store:
    """One database of schools, people and events. Open with `Store.open(db)`."""

    def __init__(self, engine: Engine, target: str):
        self.engine = engine
        self.target = target

    # --- opening ----------------------------------------------------------
    @classmethod
    def open(cls, db: str | os.PathLike | None = None, *, upgrade: bool = True) -> "Store":
        """Open (creating if needed) the store named by `db`, SFERUM_ONBOARD_DB or the default file.

        `db` is a file path or a URL (`postgresql+psycopg://user@host/db`,
        `sqlite:///path`). A new SQLite file is created readable by its
        owner only. Migrations run unless `upgrade` is False.
        """
        target = store_target(db)
        engine = _create_engine(target)
        store = cls(engine, target)
        try:
            store._check_connection()
            if upgrade:
                store.upgrade()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if self.backend != "sqlite" or not self.engine.url.database:
            return None
        return Path(self.engine.url.database)

    @property
    def display_target(self) -> str:
        """The file path, or the URL with any password hidden."""
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    def _check_connection(self) -> None:
        try:
            with self.engine.connect():
                pass
        except sa.exc.OperationalError as error:
            raise StoreError(TRACKING["store-unreachable"].format(
                target=self.display_target, reason=_first_line(error.orig or error))) from None
        except sa.exc.DatabaseError:  # SQLite: "file is not a database"
            raise StoreError(TRACKING["store-corrupt"].format(target=self.display_target)) from None

    # --- transactions -------------------------------------------------------
    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.DatabaseError as error:
            if isinstance(error, sa.exc.OperationalError) and _is_busy(error):
                raise StoreError(TRACKING["store-busy"].format(target=self.display_target)) from None
            if _is_corrupt(error):
                raise StoreError(TRACKING["store-corrupt"].format(target=self.display_target)) from None
            raise

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that takes the write lock first, so writers queue instead of failing.

        SQLite's `BEGIN IMMEDIATE` waits up to the busy timeout; a reader
        that later wants to write could otherwise get "database is locked".
        """
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                with conn.begin():
                    yield conn
            except sa.exc.OperationalError as error:
                if _is_busy(error):
                    raise StoreError(TRACKING["store-busy"].format(target=self.display_target)) from None
                raise StoreError(TRACKING["store-failed"].format(reason=_first_line(error.orig or error))) from None
            except sa.exc.DatabaseError as error:
                if _is_corrupt(error):
                    raise StoreError(TRACKING["store-corrupt"].format(target=self.display_target)) from None
                raise

    # --- schema -------------------------------------------------------------
    def revision(self) -> str | None:
        """The schema revision recorded in the database (None for an empty database)."""
        with self.engine.connect() as conn:
            return _current_revision(conn)

    def upgrade(self) -> tuple[str | None, str]:
        """Apply pending migrations; returns (revision before, revision now)."""
        before = self.revision()
        if before == SCHEMA_REVISION:
            return before, before
        with self._write() as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            current = _current_revision(conn)
            if current != SCHEMA_REVISION:
                if current is not None and current not in _known_revisions():
                    raise StoreError(TRACKING["store-newer"].format(revision=current, target=self.display_target))
                _run_migrations(conn)
        return before, SCHEMA_REVISION

    def backup(self, destination: str | os.PathLike) -> Path:
        """Copy an SQLite store with SQLite's online backup (safe while others write)."""
        if self.path is None:
            raise StoreError(TRACKING["backup-postgres"].format(url=self.display_target))
        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise StoreError(TRACKING["backup-same-file"])
        destination.parent.mkdir(parents=True, exist_ok=True)
        tmp = destination.with_name(destination.name + ".part")
        tmp.unlink(missing_ok=True)
        _create_private_file(tmp)
        source = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(str(tmp))
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(tmp, destination)
        return destination

    # --- schools ------------------------------------------------------------
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
            error = AmbiguousError(TRACKING["school-choose"].format(n=len(found)))
            error.problems = [f"«{s.name}»" for s in found]
            raise error
        return found[0]

    def get_or_create_school(self, name: str) -> School:
        """The school with this name, created when missing (safe when two processes race)."""
        name = " ".join(name.split())
        if not name:
            raise DataError(TRACKING["school-name-empty"])
        with self._write() as conn:
            _lock_school(conn, 0)
            return _ensure_school(conn, name)

    # --- classes ------------------------------------------------------------
    def classes(self, school: School | int) -> list[SchoolClass]:
        with self._read() as conn:
            rows = conn.execute(sa.select(classes).where(classes.c.school_id == _school_id(school))).all()
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

    def ensure_class(self, school: School | int, name: str) -> SchoolClass:
        """The class, created when missing; the name must be a class name («7А»)."""
        canonical = normalise_class(name)
        if canonical is None:
            raise DataError(TRACKING["class-invalid"].format(name=name))
        with self._write() as conn:
            _lock_school(conn, _school_id(school))
            class_id = _ensure_classes(conn, _school_id(school), [canonical])[canonical]
        return self._class_by_id(class_id)

    def set_class_leader(self, school: School | int, class_name: str, person_id: int | None) -> SchoolClass:
        """Make a teacher the class leader of a class (None: nobody)."""
        item = self.get_class(school, class_name)
        with self._write() as conn:
            _lock_school(conn, item.school_id)
            if person_id is not None:
                role = conn.execute(sa.select(people.c.role).where(
                    people.c.id == person_id, people.c.school_id == item.school_id)).scalar()
                if role != "teacher":
                    raise DataError(TRACKING["leader-not-teacher"].format(id=person_id))
                conn.execute(people.update().where(people.c.id == person_id).values(class_leader=True, updated_at=now()))
            conn.execute(classes.update().where(classes.c.id == item.id).values(leader_id=person_id))
            _touch(conn, item.school_id)
        return self._class_by_id(item.id)

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

    # --- people -------------------------------------------------------------
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
            everyone = _load_people(conn, _school_id(school), ids=ids)
            if class_name is not None and ids is not None:
                everyone_pupils = _load_people(conn, _school_id(school))
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
                                            _ROLE_ORDER.get(p.role, 9), fold_name(p.full_name), p.id))

    def person(self, person_id: int) -> Person:
        with self._read() as conn:
            school_id = conn.execute(sa.select(people.c.school_id).where(people.c.id == person_id)).scalar()
            if school_id is None:
                raise NotFoundError(TRACKING["person-id-unknown"].format(id=person_id))
            return _load_people(conn, school_id, ids=[person_id])[0]

    def find_people(self, school: School | int, query: str) -> list[Person]:
        """People a user could mean by `query`: an id («12», «#12») or a name (ё/е, case folded).

        An exact full name wins over a partial one («Иванова М»); active
        people win over inactive ones.
        """
        text = query.strip().lstrip("#№").strip()
        sid = _school_id(school)
        with self._read() as conn:
            if text.isdigit():
                return [p for p in _load_people(conn, sid, ids=[int(text)])]
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
            found = _load_people(conn, sid, ids=ids) if ids else []
        active = [p for p in found if p.active]
        return active or found

    def resolve_person(self, school: School | int, query: str) -> Person:
        """The one person `query` names; NotFoundError (with close names) or AmbiguousError (with candidates)."""
        found = self.find_people(school, query)
        if len(found) == 1:
            return found[0]
        if found:
            error = AmbiguousError(TRACKING["person-ambiguous"].format(query=query, n=len(found)))
            error.problems = [self.describe(p) for p in found[:20]]
            error.candidates = found
            raise error
        error = NotFoundError(TRACKING["person-unknown"].format(query=query))
        error.problems = self._close_names(school, query)
        raise error

    def _close_names(self, school: School | int, query: str) -> list[str]:
        from rapidfuzz import fuzz, process, utils

        with self._read() as conn:
            rows = conn.execute(sa.select(people.c.id, people.c.name_key).where(
                people.c.school_id == _school_id(school), people.c.active)).all()
        if not rows:
            return []
        choices = {r.id: r.name_key for r in rows}
        best = process.extract(fold_name(query), choices, scorer=fuzz.WRatio, processor=utils.default_process,
                               limit=3, score_cutoff=70)
        ids = [key for _, _, key in best]
        with self._read() as conn:
            by_id = {p.id: p for p in _load_people(conn, _school_id(school), ids=ids)}
        return [TRACKING["maybe"].format(who=self.describe(by_id[i])) for i in ids if i in by_id]

    def describe(self, person: Person) -> str:
        """`describe_person` with a parent's classes looked up from their children."""
        if person.role != "parent" or not person.children:
            return describe_person(person)
        with self._read() as conn:
            found = conn.execute(sa.select(classes.c.name).select_from(
                people.join(classes, classes.c.id == people.c.class_id)).where(
                people.c.id.in_(list(person.children)))).scalars().all()
        return describe_person(person, found)

    def add_person(
        self,
        school: School | int,
        full_name: str,
        role: str,
        *,
        class_name: str | None = None,
        class_leader: bool = False,
        specialist: bool = False,
        position: str | None = None,
        subjects: Iterable[str] = (),
        classes_taught: Iterable[str] = (),
        led_classes: Iterable[str] = (),
        children: Iterable[int] = (),
        contact: str | None = None,
    ) -> Person:
        """Add one person (rosters go through `plan_import`); classes are created as needed."""
        sid = _school_id(school)
        wanted = Person(
            id=0, school_id=sid, full_name=" ".join(full_name.split()), role=role,
            class_name=normalise_class(class_name) if class_name else None,
            class_leader=bool(class_leader or tuple(led_classes)), specialist=specialist, position=position,
            subjects=tuple(subjects), classes_taught=tuple(normalise_class(c) or c for c in classes_taught),
            led_classes=tuple(normalise_class(c) or c for c in led_classes), children=tuple(children),
            contact=contact,
        )
        if role not in _ROLE_ORDER:
            raise DataError(TRACKING["role-invalid"].format(role=role, known=", ".join(_ROLE_ORDER)))
        with self._write() as conn:
            _lock_school(conn, sid)
            person_id = _insert_people(conn, sid, [wanted])[0]
        return self.person(person_id)

    def link_household(self, parent_id: int, pupil_id: int) -> None:
        """Link a parent to a pupil (a household); linking twice changes nothing."""
        with self._write() as conn:
            school_id = conn.execute(sa.select(people.c.school_id).where(people.c.id == parent_id)).scalar()
            if school_id is None:
                raise NotFoundError(TRACKING["person-id-unknown"].format(id=parent_id))
            _lock_school(conn, school_id)
            _link_households(conn, [(parent_id, pupil_id)])
            _touch(conn, school_id)

    # --- roster import ------------------------------------------------------
    def plan_import(self, school: School | int, roster, deactivate_missing: bool = False) -> importplan.ImportPlan:
        """What importing `roster` (a `tracking.roster.Roster`) would change; writes nothing."""
        sid = _school_id(school)
        with self._read() as conn:
            the_school = _school_by_id(conn, sid)
            version = _roster_version(conn, sid)
            stored = _load_people(conn, sid, roles=importplan.STORED_ROLES[roster.kind])
        plan = importplan.plan_roster(the_school, stored, roster, deactivate_missing)
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
        returned. Rows with problems refuse the whole
        import unless `skip_invalid`. `progress(done, total)` is called as
        people are written.
        """
        with self._write() as conn:
            _lock_school(conn, plan.school.id)
            if plan.version is not None and plan.version == _roster_version(conn, plan.school.id):
                fresh = plan
            else:
                stored = _load_people(conn, plan.school.id, roles=importplan.STORED_ROLES[plan.kind])
                fresh = importplan.plan_roster(plan.school, stored, plan.roster, plan.deactivate_missing)
            if fresh.problems and not skip_invalid:
                raise DataError(TRACKING["import-has-problems"].format(n=len(fresh.problems)), list(fresh.problems))
            _apply_plan(conn, fresh, progress)
        return fresh

    # --- events -------------------------------------------------------------
    def append_events(self, new_events: Iterable[NewEvent], *, return_events: bool = True) -> list[Event] | int:
        """Append events in one transaction and update the current state; never rewrites the log.

        Returns the stored events (with ids), or only their number when
        `return_events` is False (for bulk loads).
        """
        batch = list(new_events)
        recorded = now()
        rows = []
        for item in batch:
            if item.action not in ACTIONS:
                raise DataError(TRACKING["action-invalid"].format(action=item.action, known=", ".join(ACTIONS)))
            if item.source not in SOURCES:
                raise DataError(TRACKING["source-invalid"].format(source=item.source, known=", ".join(SOURCES)))
            if not item.step_id:
                raise DataError(TRACKING["step-empty"])
            rows.append({
                "school_id": item.school_id, "person_id": item.person_id, "step_id": item.step_id,
                "action": item.action, "at": item.at or recorded, "recorded_by": item.recorded_by,
                "source": item.source, "note": item.note, "recorded_at": recorded,
            })
        if not rows:
            return [] if return_events else 0
        with self._write() as conn:
            _check_people_in_schools(conn, rows)
            ids = _insert_with_ids(conn, events, rows)
            _advance_step_state(conn, [row for row in rows if row["person_id"] is not None])
        if not return_events:
            return len(ids)
        return [_event(row) for row in rows]

    def events(
        self,
        school: School | int | None = None,
        *,
        person_ids: Iterable[int] | None = None,
        step_ids: Iterable[str] | None = None,
        school_level: bool | None = None,
        after_id: int | None = None,
        as_of: dt.date | dt.datetime | None = None,
    ) -> list[Event]:
        """Events in recording order, filtered. `school_level=True` keeps the school's own steps,
        False only people's; `after_id` keeps events recorded after that one."""
        query = sa.select(events).order_by(events.c.id)
        if school is not None:
            query = query.where(events.c.school_id == _school_id(school))
        if school_level is True:
            query = query.where(events.c.person_id.is_(None))
        elif school_level is False:
            query = query.where(events.c.person_id.is_not(None))
        if after_id is not None:
            query = query.where(events.c.id > after_id)
        if as_of is not None:
            query = query.where(events.c.at <= as_of_limit(as_of))
        with self._read() as conn:
            if person_ids is not None:
                found: list[Event] = []
                for chunk in _chunks(sorted(set(person_ids))):
                    found.extend(self._filter_steps(conn, query.where(events.c.person_id.in_(chunk)), step_ids))
                return sorted(found, key=lambda e: e.id)
            return self._filter_steps(conn, query, step_ids)

    @staticmethod
    def _filter_steps(conn: Connection, query, step_ids) -> list[Event]:
        if step_ids is not None:
            query = query.where(events.c.step_id.in_(list(step_ids)))
        return [_event(r._mapping) for r in conn.execute(query)]

    def last_event_id(self, school: School | int | None = None) -> int:
        """The id of the newest event (0 when none): remember it to spot later changes."""
        query = sa.select(sa.func.max(events.c.id))
        if school is not None:
            query = query.where(events.c.school_id == _school_id(school))
        with self._read() as conn:
            return conn.execute(query).scalar() or 0

    def current_states(
        self,
        school: School | int,
        catalog=None,
        *,
        as_of: dt.date | dt.datetime | None = None,
        person_ids: Iterable[int] | None = None,
    ) -> dict[tuple[int, str], StepState]:
        """The state per (person_id, step id) of a school's people, reduced in SQL.

        Same result as `progress.fold_events(store.events(school, school_level=False), catalog, as_of)`
        (tests check it), on millions of events.
        """
        sid = _school_id(school)
        wanted = set(person_ids) if person_ids is not None else None
        with self._read() as conn:
            source = _state_source(conn, catalog, as_of)
            query = (
                sa.select(source.c.person_id, source.c.step_id, source.c.stored_step_id, events)
                .select_from(source.join(events, events.c.id == source.c.event_id))
                .where(events.c.school_id == sid)
            )
            result: dict[tuple[int, str], StepState] = {}
            for row in conn.execute(query):
                if wanted is not None and row.person_id not in wanted:
                    continue
                retired = catalog is not None and catalog.current_id(row.stored_step_id) is None
                result[(row.person_id, row.step_id)] = StepState(
                    person_id=row.person_id, step_id=row.step_id, action=row.action, at=row.at,
                    recorded_by=row.recorded_by, source=row.source, note=row.note, event_id=row.id,
                    stored_step_id=row.stored_step_id, retired=retired, school_id=row.school_id,
                )
        return result

    def school_states(self, school: School | int, catalog=None, *, as_of=None) -> dict[str, StepState]:
        """The school's own (organisation-level) steps: step id -> state."""
        folded = fold_events(self.events(school, school_level=True), catalog, as_of)
        return {step_id: state for (_, step_id), state in folded.items()}

    def rebuild_step_state(self) -> int:
        """Recompute the current-state cache from the event log (after a crash of an old version,
        or to check it); returns the number of (person, step) states."""
        with self._write() as conn:
            conn.execute(step_state.delete())
            ranked = _ranked_events(None, None).subquery()
            conn.execute(step_state.insert().from_select(
                ["person_id", "step_id", "event_id", "at", "action"],
                sa.select(ranked.c.person_id, ranked.c.step_id, ranked.c.event_id, ranked.c.at, ranked.c.action)
                .where(ranked.c.rank == 1),
            ))
            return conn.execute(sa.select(sa.func.count()).select_from(step_state)).scalar()

    # --- progress -----------------------------------------------------------
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
        sid = _school_id(school)
        wanted_class = None
        if class_name is not None:
            wanted_class = normalise_class(class_name) or class_name
        by_class = by == "class" or wanted_class is not None
        class_names: dict[int, str] = {}
        with self._read() as conn:
            source = _state_source(conn, catalog, as_of)
            rows = conn.execute(_progress_query(sid, source, role, by_class, wanted_class)).all()
            if by_class:
                # Read after the aggregate: classes are never deleted, so every id it names is here.
                class_names = dict(conn.execute(
                    sa.select(classes.c.id, classes.c.name).where(classes.c.school_id == sid)).all())
        return _progress_from_rows(catalog, rows, class_names, by)

    # --- compact reads for reports (outputs/report.py) ----------------------
    def state_rows(self, school: School | int | None, catalog=None, *, as_of=None) -> list[tuple[int, str, str]]:
        """(person_id, current step id, action) per state of a school's people (None: every school's):
        the rule of `current_states` without an object per row, for reports over millions of events."""
        with self._read() as conn:
            source = _state_source(conn, catalog, as_of)
            query = sa.select(source.c.person_id, source.c.step_id, source.c.action)
            if school is not None:
                query = query.select_from(people.join(source, source.c.person_id == people.c.id)).where(
                    people.c.school_id == _school_id(school))
            return conn.execute(query).all()  # rows unpack as tuples; no copy of half a million

    def first_done(
        self, school: School | int | None, step_ids: Iterable[str], catalog=None, *, as_of=None,
    ) -> list[tuple[int, str, dt.datetime]]:
        """(person_id, current step id, first "done") for these steps (current ids; their old ids
        are followed), for burn-up charts: one indexed aggregate instead of loading the log."""
        wanted = set(step_ids)
        renames = dict(getattr(catalog, "renames", {}) or {}) if catalog is not None else {}
        stored_ids = sorted(wanted | {old for old, new in renames.items() if new in wanted})
        if not stored_ids:
            return []
        step = _step_case(events.c.step_id, catalog)
        query = (
            sa.select(events.c.person_id, step.label("step_id"), sa.func.min(events.c.at))
            .where(events.c.person_id.is_not(None), events.c.action == DONE, events.c.step_id.in_(stored_ids))
            .group_by(events.c.person_id, step)
        )
        if school is not None:
            query = query.where(events.c.school_id == _school_id(school))
        if as_of is not None:
            query = query.where(events.c.at <= as_of_limit(as_of))
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(query)]


# --- engine and migrations -----------------------------------------------------


def _is_corrupt(error: sa.exc.DatabaseError) -> bool:
    """SQLite's words for a damaged file or one that is not a database at all."""
    text = str(error.orig or error)
    return "malformed" in text or "not a database" in text


def _create_engine(target: str) -> Engine:
    if is_url(target):
        try:
            url = make_url(target)
        except sa.exc.ArgumentError:
            raise StoreError(TRACKING["store-bad-url"].format(target=target)) from None
        if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise StoreError(TRACKING["store-bad-url"].format(target=target))
    else:
        url = sa.URL.create("sqlite+pysqlite", database=str(Path(target).expanduser().absolute()))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StoreError(TRACKING["store-memory"])
        path = Path(url.database)
        if path.is_dir():
            raise StoreError(TRACKING["store-is-dir"].format(path=path))
        _create_private_file(path)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        sa_event.listen(engine, "connect", _sqlite_on_connect)
        sa_event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=False)


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only; an existing one is left as it is."""
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.is_file():  # an existing store is left as it is
            return
        # mkdir met a file where the store's folder should be
        not_a_folder = OSError(errno.ENOTDIR, "")
        raise StoreError(TRACKING["store-create-failed"].format(path=path, reason=os_reason(not_a_folder))) from None
    except OSError as error:
        raise StoreError(TRACKING["store-create-failed"].format(path=path, reason=os_reason(error))) from None
    os.close(fd)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Transactions are begun by _sqlite_on_begin, not by the driver, so writers can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _is_busy(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "database is busy" in text


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _migrations_dir() -> Path:
    return Path(__file__).with_name("migrations")


def _known_revisions() -> set[str]:
    return {p.stem.split("_")[0] for p in (_migrations_dir() / "versions").glob("*.py")}


def _run_migrations(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_migrations_dir()))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


# --- reading -------------------------------------------------------------------

_ROLE_ORDER = {"administrator": 0, "teacher": 1, "pupil": 2, "parent": 3}


def _role_clause(role: str | None) -> list:
    if role is None:
        return []
    if role == "class_leader":
        return [people.c.role == "teacher", people.c.class_leader]
    if role == "specialist":
        return [people.c.role == "teacher", people.c.specialist]
    return [people.c.role == role]


def _lock_school(conn: Connection, school_id: int) -> None:
    """Serialise changes to one school's people on PostgreSQL (0: creating schools).

    SQLite needs nothing: every writer holds the whole database (BEGIN IMMEDIATE).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": _SCHOOL_LOCKS, "key": school_id})


def _roster_version(conn: Connection, school_id: int) -> int:
    return conn.execute(sa.select(schools.c.roster_version).where(schools.c.id == school_id)).scalar() or 0


def _touch(conn: Connection, school_id: int) -> None:
    """Note that the school's people, classes or households changed (plans made before are stale)."""
    conn.execute(schools.update().where(schools.c.id == school_id)
                 .values(roster_version=schools.c.roster_version + 1))


def _school_by_id(conn: Connection, school_id: int) -> School:
    row = conn.execute(sa.select(schools.c.id, schools.c.name).where(schools.c.id == school_id)).first()
    if row is None:
        raise NotFoundError(TRACKING["school-id-unknown"].format(id=school_id))
    return School(row.id, row.name)


def _load_people(
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
        for chunk in _chunks(sorted(set(ids))):
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


def _event(row) -> Event:
    return Event(
        id=row["id"], school_id=row["school_id"], person_id=row["person_id"], step_id=row["step_id"],
        action=row["action"], at=row["at"], recorded_by=row["recorded_by"], source=row["source"],
        note=row["note"],
    )


def _step_case(column, catalog):
    """SQL mapping an old step id to its current one (renamed_from), for the given catalog."""
    renames = dict(getattr(catalog, "renames", {}) or {}) if catalog is not None else {}
    if not renames:
        return column
    return sa.case(renames, value=column, else_=column)


def _ranked_events(catalog, limit: dt.datetime | None):
    """Events of people numbered per (person, current step id), newest first: rank 1 is the state."""
    step = _step_case(events.c.step_id, catalog)
    query = sa.select(
        events.c.person_id, step.label("step_id"), events.c.step_id.label("stored_step_id"),
        events.c.id.label("event_id"), events.c.at, events.c.action,
        sa.func.row_number().over(
            partition_by=(events.c.person_id, step), order_by=(events.c.at.desc(), events.c.id.desc()),
        ).label("rank"),
    ).where(events.c.person_id.is_not(None))
    if limit is not None:
        query = query.where(events.c.at <= limit)
    return query


def _state_source(conn: Connection, catalog, as_of):
    """A subquery (person_id, step_id, stored_step_id, event_id, action): one row per current state.

    The cache table serves when no stored id needs renaming; otherwise (and
    for a past date) the log is reduced with a window function.
    """
    limit = as_of_limit(as_of)
    renames = dict(getattr(catalog, "renames", {}) or {}) if catalog is not None else {}
    needs_fold = bool(renames) and conn.execute(
        sa.select(step_state.c.step_id).where(step_state.c.step_id.in_(list(renames))).limit(1)).first() is not None
    if limit is None and not needs_fold:
        return sa.select(
            step_state.c.person_id, step_state.c.step_id, step_state.c.step_id.label("stored_step_id"),
            step_state.c.event_id, step_state.c.action,
        ).subquery("state")
    if limit is None:
        ranked = sa.select(
            step_state.c.person_id, _step_case(step_state.c.step_id, catalog).label("step_id"),
            step_state.c.step_id.label("stored_step_id"), step_state.c.event_id, step_state.c.action,
            sa.func.row_number().over(
                partition_by=(step_state.c.person_id, _step_case(step_state.c.step_id, catalog)),
                order_by=(step_state.c.at.desc(), step_state.c.event_id.desc()),
            ).label("rank"),
        ).subquery("ranked")
    else:
        ranked = _ranked_events(catalog, limit).subquery("ranked")
    return sa.select(
        ranked.c.person_id, ranked.c.step_id, ranked.c.stored_step_id, ranked.c.event_id, ranked.c.action,
    ).where(ranked.c.rank == 1).subquery("state")


_PROFILE_BASE = 1024  # membership counts stay below this in the packed profile code


def _profile_code(columns, memberships):
    """One integer for what decides a checklist (role, class-leader and specialist flags) and the
    number of classes a person counts in: a narrow GROUP BY key for the big aggregate."""
    role_code = sa.case({r: i for i, r in enumerate(_ROLE_ORDER)}, value=columns.role, else_=len(_ROLE_ORDER))
    return (role_code * 4 + sa.cast(columns.class_leader, sa.Integer) * 2
            + sa.cast(columns.specialist, sa.Integer)) * _PROFILE_BASE + memberships


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
    own = [people.c.school_id == school_id, people.c.active, *_role_clause(role)]
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
        where = [people.c.school_id == school_id, people.c.active, *_role_clause(role)]
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
    roles = list(_ROLE_ORDER)
    total = Bucket()
    total_people, total_done, total_exempt, total_retired = total.people, total.done, total.exempt, total.retired
    groups: dict[str, Bucket] = {}
    kinds: dict = {}  # (class id, code, grade) -> (profile, share in the total, checklist, group's counts)
    for class_id, code, grade, step_id, done, exempt, heads in rows:
        kind = kinds.get((class_id, code, grade))
        if kind is None:
            flags, memberships = divmod(code, _PROFILE_BASE)
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


# --- writing -------------------------------------------------------------------


def _allocate_ids(conn: Connection, table: sa.Table, n: int) -> list[int]:
    """n new ids for `table`, increasing, taken inside the current write transaction.

    Inserting with ids known in advance lets a batch go in one executemany
    (SQLite cannot return ids in order from a multi-row insert).
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
        return sorted(conn.execute(sa.text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                   {"s": sequence, "n": n}).scalars())
    # SQLite: the writer holds the database lock (BEGIN IMMEDIATE), so no one else takes ids meanwhile.
    top = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + n))


def _insert_with_ids(conn: Connection, table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert rows with newly allocated ids; returns the ids in the rows' order."""
    ids = _allocate_ids(conn, table, len(rows))
    for row, new_id in zip(rows, ids):
        row["id"] = new_id
    _bulk_insert(conn, table, rows)
    return ids


def _bulk_insert(conn: Connection, table, rows: list[dict]) -> None:
    """Insert many rows: executemany, or on PostgreSQL, for a big batch, COPY."""
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_FROM:
        _copy_rows(conn, table, rows)
        return
    for chunk in _chunks(rows, 20_000):
        conn.execute(table.insert(), chunk)


def _copy_rows(conn: Connection, table, rows: list[dict]) -> None:
    """PostgreSQL's COPY, several times faster than INSERT for a big batch, in the same transaction."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    as_json = {c.name for c in getattr(table, "columns", ()) if isinstance(c.type, sa.JSON)}
    names = ", ".join(f'"{name}"' for name in columns)
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(row[name]) if name in as_json and row[name] is not None else row[name]
                                for name in columns])


def _ensure_school(conn: Connection, name: str) -> School:
    key = fold_name(name)
    for row in conn.execute(sa.select(schools.c.id, schools.c.name)):
        if fold_name(row.name) == key:
            return School(row.id, row.name)
    new_id = conn.execute(schools.insert().values(name=name, created_at=now()).returning(schools.c.id)).scalar()
    return School(new_id, name)


def _ensure_classes(conn: Connection, school_id: int, names: Iterable[str]) -> dict[str, int]:
    """Ids of these (normalised) classes, creating the missing ones."""
    wanted = sorted(set(n for n in names if n))
    known = {r.name: r.id for r in conn.execute(
        sa.select(classes.c.name, classes.c.id).where(classes.c.school_id == school_id))}
    missing = [n for n in wanted if n not in known]
    if missing:
        _touch(conn, school_id)
        new_ids = _insert_with_ids(conn, classes, [
            {"school_id": school_id, "name": n, "grade": grade_of(n), "leader_id": None, "invite_link": None}
            for n in missing])
        known.update(zip(missing, new_ids))
    return known


def _person_row(school_id: int, person: Person, class_ids: dict[str, int], stamp: dt.datetime) -> dict:
    return {
        "school_id": school_id, "full_name": person.full_name, "name_key": fold_name(person.full_name),
        "role": person.role, "class_id": class_ids.get(person.class_name) if person.class_name else None,
        "class_leader": bool(person.class_leader), "specialist": bool(person.specialist),
        "position": person.position, "subjects": list(person.subjects) or None, "contact": person.contact,
        "active": bool(person.active), "created_at": stamp, "updated_at": stamp,
    }


def _insert_people(conn: Connection, school_id: int, new_people: list[Person]) -> list[int]:
    """Insert people with their classes, teaching, leadership and children; returns the new ids."""
    class_ids = _ensure_classes(conn, school_id, [
        c for p in new_people for c in (p.class_name, *p.classes_taught, *p.led_classes) if c])
    stamp = now()
    ids: list[int] = []
    for chunk in _chunks(new_people):
        ids.extend(_insert_with_ids(conn, people, [_person_row(school_id, p, class_ids, stamp) for p in chunk]))
    with_ids = [(new_id, p) for new_id, p in zip(ids, new_people)]
    _write_relations(conn, school_id, with_ids, class_ids)
    _touch(conn, school_id)
    return ids


def _write_relations(conn: Connection, school_id: int, with_ids: list[tuple[int, Person]],
                     class_ids: dict[str, int]) -> None:
    """Add teaching rows, household links and class leadership for these people (never removes links)."""
    teach = [{"person_id": pid, "class_id": class_ids[c]} for pid, p in with_ids for c in p.classes_taught]
    if teach:
        existing = {(r.person_id, r.class_id) for r in conn.execute(sa.select(teaching).where(
            teaching.c.person_id.in_(list({t["person_id"] for t in teach}))))}
        new = [t for t in teach if (t["person_id"], t["class_id"]) not in existing]
        if new:
            _bulk_insert(conn, teaching, new)
    _link_households(conn, [(pid, child) for pid, p in with_ids for child in p.children])
    leaders = [{"class_id": class_ids[c], "leader": pid} for pid, p in with_ids for c in p.led_classes]
    if leaders:
        conn.execute(classes.update().where(classes.c.id == sa.bindparam("class_id"))
                     .values(leader_id=sa.bindparam("leader")), leaders)


def _link_households(conn: Connection, pairs: list[tuple[int, int]]) -> None:
    pairs = sorted(set(pairs))
    if not pairs:
        return
    parents = sorted({p for p, _ in pairs})
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(parents):
        existing.update((r.parent_id, r.pupil_id) for r in conn.execute(
            sa.select(households).where(households.c.parent_id.in_(chunk))))
    new = [{"parent_id": p, "pupil_id": c} for p, c in pairs if (p, c) not in existing]
    if new:
        _bulk_insert(conn, households, new)


def _apply_plan(conn: Connection, plan: importplan.ImportPlan, progress: Callable[[int, int], None] | None) -> None:
    school_id = plan.school.id
    to_add = [p.person for p in plan.added]
    changed = [p for p in plan.people if p.action in (importplan.MOVE, importplan.UPDATE)]
    total = len(to_add) + len(changed) + len(plan.deactivated)
    done = 0
    if progress:
        progress(0, total)
    for chunk in _chunks(to_add):
        _insert_people(conn, school_id, chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    class_ids = _ensure_classes(conn, school_id, [
        c for p in changed for c in (p.person.class_name, *p.person.classes_taught, *p.person.led_classes) if c])
    stamp = now()
    updates = []
    for planned in changed:
        row = _person_row(school_id, planned.person, class_ids, stamp)
        del row["created_at"], row["school_id"]
        updates.append(dict(row, person_id=planned.person.id))
    for chunk in _chunks(updates):
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
    _write_relations(conn, school_id, [(p.person.id, p.person) for p in changed], class_ids)
    gone = [p.id for p in plan.deactivated]
    for chunk in _chunks(gone):
        conn.execute(people.update().where(people.c.id.in_(chunk)).values(active=False, updated_at=stamp))
        done += len(chunk)
        if progress:
            progress(done, total)
    if plan.changes_anything:
        _touch(conn, school_id)
    counts = plan.counts()
    conn.execute(imports.insert().values(
        school_id=school_id, kind=plan.kind, source=plan.source, at=stamp, added=counts["added"],
        moved=counts["moved"], updated=counts["updated"], unchanged=counts["unchanged"],
        deactivated=counts["deactivated"]))


def _check_people_in_schools(conn: Connection, rows: list[dict]) -> None:
    """Every event's person belongs to the event's school (ids are global in a district store)."""
    pairs = {(r["person_id"], r["school_id"]) for r in rows if r["person_id"] is not None}
    ids = sorted({p for p, _ in pairs})
    found: dict[int, int] = {}
    if conn.dialect.name == "postgresql":  # one array parameter instead of thousands of IN values
        from sqlalchemy.dialects.postgresql import ARRAY

        wanted = sa.bindparam("ids", ids, type_=ARRAY(sa.Integer))
        found.update(conn.execute(sa.select(people.c.id, people.c.school_id).where(
            people.c.id == sa.any_(wanted))).all())
    else:
        for chunk in _chunks(ids, 20_000):
            found.update(conn.execute(sa.select(people.c.id, people.c.school_id).where(
                people.c.id.in_(chunk))).all())
    for person_id, school_id in pairs:
        if found.get(person_id) != school_id:
            raise DataError(TRACKING["event-person-unknown"].format(id=person_id))
    school_ids = {r["school_id"] for r in rows}
    known = set(conn.execute(sa.select(schools.c.id).where(schools.c.id.in_(school_ids))).scalars())
    if school_ids - known:
        raise DataError(TRACKING["school-id-unknown"].format(id=min(school_ids - known)))


def _advance_step_state(conn: Connection, rows: list[dict]) -> None:
    """Move the current-state cache forward: a newer (at, id) replaces an older one, never the reverse."""
    latest: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["person_id"], row["step_id"])
        known = latest.get(key)
        if known is None or (row["at"], row["id"]) > (known["at"], known["id"]):
            latest[key] = row
    if not latest:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    names = ["person_id", "step_id", "event_id", "at", "action"]
    values = [{"person_id": r["person_id"], "step_id": r["step_id"], "event_id": r["id"], "at": r["at"],
               "action": r["action"]} for r in latest.values()]
    if conn.dialect.name == "postgresql" and len(values) >= _COPY_FROM:
        # COPY into a scratch table, then one upsert with the same rule, instead of a row at a time.
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS step_state_incoming (person_id integer, step_id varchar(100),"
            " event_id bigint, at timestamp, action varchar(20)) ON COMMIT DELETE ROWS")
        incoming = sa.table("step_state_incoming", *(sa.column(name) for name in names))
        _copy_rows(conn, incoming, values)
        conn.execute(_newer_wins(insert(step_state).from_select(names, sa.select(*incoming.c))))
        return
    statement = _newer_wins(insert(step_state))
    for chunk in _chunks(values):
        conn.execute(statement, chunk)


def _newer_wins(statement):
    """ON CONFLICT: keep whichever state has the later (at, event id): the rule of fold_events."""
    return statement.on_conflict_do_update(
        index_elements=[step_state.c.person_id, step_state.c.step_id],
        set_={"event_id": statement.excluded.event_id, "at": statement.excluded.at,
              "action": statement.excluded.action},
        where=sa.or_(
            statement.excluded.at > step_state.c.at,
            sa.and_(statement.excluded.at == step_state.c.at, statement.excluded.event_id > step_state.c.event_id),
        ),
    )
