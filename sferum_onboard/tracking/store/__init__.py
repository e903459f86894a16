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
one of `tracking.fold`: latest `at`, then latest id.

Concurrency: on SQLite every write transaction starts with BEGIN IMMEDIATE
and waits up to 30 s for another writer (WAL lets readers go on); on
PostgreSQL writers to one school's people queue on an advisory lock, and
the state cache only moves forward. People, classes and households are the
school's roster as it is now (updated in place by imports); every change of
progress is an event.
"""

from __future__ import annotations

from sferum_onboard.tracking.store.engine import SCHEMA_REVISION, StoreEngine
from sferum_onboard.tracking.store.events import EventsMixin, NewEvent
from sferum_onboard.tracking.store.imports import ImportsMixin
from sferum_onboard.tracking.store.members import MembersMixin
from sferum_onboard.tracking.store.people import PeopleMixin
from sferum_onboard.tracking.store.progress import ProgressMixin
from sferum_onboard.tracking.store.schools import SchoolsMixin
from sferum_onboard.tracking.store.states import StatesMixin
from sferum_onboard.tracking.store.tables import metadata

__all__ = ["Store", "NewEvent", "metadata", "SCHEMA_REVISION"]


class Store(StoreEngine, SchoolsMixin, PeopleMixin, ImportsMixin, EventsMixin, StatesMixin, ProgressMixin,
            MembersMixin):
    """One database of schools, people and events. Open with `Store.open(db)`.

    Each kind of data has its module and mixin: engine (opening,
    transactions, migrations, backup), schools (and classes), people (and
    households), imports, events (the log and its state cache), states,
    progress and member checks of class chats; bulk writes and the tables
    are shared by them.
    """
