"""Fixtures for tests of the tracking store: a fresh store on SQLite and on the real PostgreSQL.

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

from sferum_onboard.tracking.roster import Roster, RosterPerson
from sferum_onboard.tracking.store import Store
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
