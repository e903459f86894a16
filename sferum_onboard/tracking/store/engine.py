"""Opening a store: the engine and SQLite's settings, transactions that queue, migrations, backup.

On SQLite every write transaction starts with BEGIN IMMEDIATE and waits up
to 30 s for another writer (WAL lets readers go on); the schema is brought
up to date by Alembic whenever a store is opened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path
from typing import Iterator, Self

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine, make_url

from sferum_onboard.errors import StoreError
from sferum_onboard.messages import TRACKING
from sferum_onboard.reasons import driver_reason, os_reason
from sferum_onboard.tracking.paths import is_url, store_target

SCHEMA_REVISION = "0004"  # the newest migration in tracking/store/migrations/versions
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 5_318_008  # pg_advisory_xact_lock key: one process migrates at a time


class StoreEngine:
    """The database under a store: opening, closing, transactions, the schema and backups."""

    def __init__(self, engine: Engine, target: str):
        self.engine = engine
        self.target = target

    @classmethod
    def open(cls, db: str | os.PathLike | None = None, *, upgrade: bool = True) -> Self:
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

    def __enter__(self) -> Self:
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
            raise _rejected(error) from None

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
                raise _rejected(error) from None

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


def _rejected(error: sa.exc.DatabaseError) -> StoreError:
    """A statement the database refused (a value too long, a broken constraint), named by the driver's
    error class only: the statement's parameters and the server's details hold people's names."""
    return StoreError(TRACKING["store-rejected"].format(kind=type(error.orig or error).__name__))


def _first_line(error: object) -> str:
    """The driver's reason in Russian (its first line when it is not a known one)."""
    return driver_reason(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)


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
