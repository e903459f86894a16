"""The append-only event log and the current-state cache kept in the same transaction as each append.

The table `step_state` holds the latest event per (person, step): a derived
cache that `rebuild_step_state` recomputes from the log. It only moves
forward, by the rule of `tracking.fold`: the later `at` wins, then the
later id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.dates import now
from sferum_onboard.errors import DataError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.fold import as_of_limit
from sferum_onboard.tracking.model import ACTIONS, DONE, SOURCES, Event, School
from sferum_onboard.tracking.store.bulk import COPY_FROM, chunks, copy_rows, insert_with_ids
from sferum_onboard.tracking.store.schools import school_id_of
from sferum_onboard.tracking.store.states import ranked_events
from sferum_onboard.tracking.store.tables import events, people, schools, step_state


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


class EventsMixin:
    """Store methods for the event log."""

    def append_events(self, new_events: Iterable[NewEvent], *, return_events: bool = True) -> list[Event] | int:
        """Append events in one transaction and update the current state; never rewrites the log.

        Returns the stored events (with ids), or only their number when
        `return_events` is False (for bulk loads).
        """
        rows = event_rows(new_events)
        if not rows:
            return [] if return_events else 0
        with self._write() as conn:
            insert_events(conn, rows)
        if not return_events:
            return len(rows)
        return [event_of(row) for row in rows]

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
            query = query.where(events.c.school_id == school_id_of(school))
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
                for chunk in chunks(sorted(set(person_ids))):
                    found.extend(self._filter_steps(conn, query.where(events.c.person_id.in_(chunk)), step_ids))
                return sorted(found, key=lambda e: e.id)
            return self._filter_steps(conn, query, step_ids)

    @staticmethod
    def _filter_steps(conn: Connection, query, step_ids) -> list[Event]:
        if step_ids is not None:
            query = query.where(events.c.step_id.in_(list(step_ids)))
        return [event_of(r._mapping) for r in conn.execute(query)]

    def last_event_id(self, school: School | int | None = None) -> int:
        """The id of the newest event (0 when none): remember it to spot later changes."""
        query = sa.select(sa.func.max(events.c.id))
        if school is not None:
            query = query.where(events.c.school_id == school_id_of(school))
        with self._read() as conn:
            return conn.execute(query).scalar() or 0

    def rebuild_step_state(self) -> int:
        """Recompute the current-state cache from the event log (after a crash of an old version,
        or to check it); returns the number of (person, step) states."""
        with self._write() as conn:
            conn.execute(step_state.delete())
            ranked = ranked_events(None, None).subquery()
            conn.execute(step_state.insert().from_select(
                ["person_id", "step_id", "event_id", "at", "action"],
                sa.select(ranked.c.person_id, ranked.c.step_id, ranked.c.event_id, ranked.c.at, ranked.c.action)
                .where(ranked.c.rank == 1),
            ))
            return conn.execute(sa.select(sa.func.count()).select_from(step_state)).scalar()


def event_rows(new_events: Iterable[NewEvent]) -> list[dict]:
    """Checked rows for the events table (DataError for an unknown action or source, an empty step)."""
    recorded = now()
    rows = []
    for item in new_events:
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
    return rows


def insert_events(conn: Connection, rows: list[dict]) -> None:
    """Append `event_rows` inside a write transaction and move the state cache; each row gets its "id"."""
    _check_people_in_schools(conn, rows)
    insert_with_ids(conn, events, rows)
    _advance_step_state(conn, [row for row in rows if row["person_id"] is not None])


def event_of(row) -> Event:
    return Event(
        id=row["id"], school_id=row["school_id"], person_id=row["person_id"], step_id=row["step_id"],
        action=row["action"], at=row["at"], recorded_by=row["recorded_by"], source=row["source"],
        note=row["note"],
    )


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
        for chunk in chunks(ids, 20_000):
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
    if conn.dialect.name == "postgresql" and len(values) >= COPY_FROM:
        # COPY into a scratch table, then one upsert with the same rule, instead of a row at a time.
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS step_state_incoming (person_id integer, step_id varchar(100),"
            " event_id bigint, at timestamp, action varchar(20)) ON COMMIT DELETE ROWS")
        incoming = sa.table("step_state_incoming", *(sa.column(name) for name in names))
        copy_rows(conn, incoming, values)
        conn.execute(_newer_wins(insert(step_state).from_select(names, sa.select(*incoming.c))))
        return
    statement = _newer_wins(insert(step_state))
    for chunk in chunks(values):
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
