"""Fixtures for tests of the tracking store: a fresh store on SQLite and on the real PostgreSQL.

People, classes and households are put in one at a time with the store's own
writers (`add_person` and the rest), where a roster import would match names.

`store_url` is parametrized over both backends. PostgreSQL tests run in a
fresh schema per test (named in the URL's search_path), so they never see
each other's rows; without a server they are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from sferum_onboard.dates import now
from sferum_onboard.errors import DataError, NotFoundError
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.model import Person, School, SchoolClass
from sferum_onboard.tracking.roster import Roster, RosterPerson
from sferum_onboard.tracking.store import Store
from sferum_onboard.tracking.store.people import insert_people, link_households
from sferum_onboard.tracking.store.schools import ensure_classes, lock_school, school_id_of, touch
from sferum_onboard.tracking.membership import ROLE_ORDER
from sferum_onboard.tracking.store.tables import classes, people
from tests.conftest import require

TRACKING_PROJECT = Path(__file__).parent / "fixtures" / "tracking_project"
PG_ENV = "SFERUM_TEST_DATABASE_URL"


def postgres_base_url() -> str:
    url = os.environ.get(PG_ENV, "")
    require(bool(url), f"нет сервера PostgreSQL: не задана {PG_ENV} (её задаёт .ci/run)")
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        require(False, f"сервер PostgreSQL из {PG_ENV} недоступен: {str(error.orig).strip().splitlines()[0]}")
    finally:
        engine.dispose()
    return url


def fresh_postgres_schema() -> tuple[str, callable]:
    """A URL whose search_path is a new empty schema, and a function that drops it."""
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        engine.dispose()

    return url.render_as_string(hide_password=False), drop


def migrate_to(url: str, revision: str) -> None:
    """Bring a new store (a file or a server schema) only up to an older schema revision, as an older
    sferum-onboard left it."""
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(Path(__import__(
            "sferum_onboard.tracking.store", fromlist=["x"]).__file__).with_name("migrations")))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A target for Store.open: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    url, drop = fresh_postgres_schema()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def store(store_url):
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def catalog():
    from sferum_onboard.catalog import load_catalog

    return load_catalog(TRACKING_PROJECT)


# --- rosters built in code (the reader has its own tests) ---------------------


def pupil(row: int, name: str, class_name: str, contact: str | None = None) -> RosterPerson:
    return RosterPerson(row=row, kind="pupils", full_name=name, role="pupil", class_name=class_name, contact=contact)


def parent(row: int, name: str, *children: tuple[str, str | None], contact: str | None = None) -> RosterPerson:
    return RosterPerson(row=row, kind="parents", full_name=name, role="parent", children=tuple(children),
                        contact=contact)


def staff(row: int, name: str, *, role: str = "teacher", led: tuple[str, ...] = (), subjects: tuple[str, ...] = (),
          position: str | None = "учитель", specialist: bool = False) -> RosterPerson:
    return RosterPerson(row=row, kind="staff", full_name=name, role=role, position=position, specialist=specialist,
                        led_classes=led, subjects=subjects)


def roster(kind: str, *people: RosterPerson, path: str = "список.csv") -> Roster:
    return Roster(path=Path(path), kind=kind, encoding="utf-8", people=tuple(people), problems=())


# --- people, classes and households one at a time (the store's own writers) ---------


def add_person(
    store: Store,
    school: School | int,
    full_name: str,
    role: str,
    *,
    class_name: str | None = None,
    class_leader: bool = False,
    specialist: bool = False,
    position: str | None = None,
    subjects=(),
    classes_taught=(),
    led_classes=(),
    children=(),
    contact: str | None = None,
) -> Person:
    """Add one person as an import does (classes created as needed), without matching names."""
    sid = school_id_of(school)
    if role not in ROLE_ORDER:
        raise DataError(f"неизвестная роль «{role}»; есть: {', '.join(ROLE_ORDER)}")
    wanted = Person(
        id=0, school_id=sid, full_name=" ".join(full_name.split()), role=role,
        class_name=normalise_class(class_name) if class_name else None,
        class_leader=bool(class_leader or tuple(led_classes)), specialist=specialist, position=position,
        subjects=tuple(subjects), classes_taught=tuple(normalise_class(c) or c for c in classes_taught),
        led_classes=tuple(normalise_class(c) or c for c in led_classes), children=tuple(children),
        contact=contact,
    )
    with store._write() as conn:
        lock_school(conn, sid)
        person_id = insert_people(conn, sid, [wanted])[0]
    return store.person(person_id)


def ensure_class(store: Store, school: School | int, name: str) -> SchoolClass:
    """The class, created when missing; the name must be a class name («7А»)."""
    canonical = normalise_class(name)
    if canonical is None:
        raise DataError(f"«{name}» — не название класса; пишите номер и букву, например 7А")
    with store._write() as conn:
        lock_school(conn, school_id_of(school))
        ensure_classes(conn, school_id_of(school), [canonical])
    return store.get_class(school, canonical)


def set_class_leader(store: Store, school: School | int, class_name: str, person_id: int | None) -> SchoolClass:
    """Make a teacher the class leader of a class (None: nobody)."""
    item = store.get_class(school, class_name)
    with store._write() as conn:
        lock_school(conn, item.school_id)
        if person_id is not None:
            role = conn.execute(sa.select(people.c.role).where(
                people.c.id == person_id, people.c.school_id == item.school_id)).scalar()
            if role != "teacher":
                raise DataError(f"участник #{person_id} не учитель этой школы: классным руководителем может быть только учитель")
            conn.execute(people.update().where(people.c.id == person_id).values(class_leader=True, updated_at=now()))
        conn.execute(classes.update().where(classes.c.id == item.id).values(leader_id=person_id))
        touch(conn, item.school_id)
    return store.get_class(school, class_name)


def link_household(store: Store, parent_id: int, pupil_id: int) -> None:
    """Link a parent to a pupil (a household); linking twice changes nothing."""
    with store._write() as conn:
        school_id = conn.execute(sa.select(people.c.school_id).where(people.c.id == parent_id)).scalar()
        if school_id is None:
            raise NotFoundError(f"участник с номером {parent_id} не найден")
        lock_school(conn, school_id)
        link_households(conn, [(parent_id, pupil_id)])
        touch(conn, school_id)
