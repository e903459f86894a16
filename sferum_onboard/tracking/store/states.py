"""Current states reduced in SQL: from the state cache, or from the log for a past date or renamed steps.

Same rule as `tracking.fold` (tests compare both over random histories),
for schools of millions of events.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.tracking.fold import as_of_limit, fold_events
from sferum_onboard.tracking.model import DONE, School, StepState
from sferum_onboard.tracking.store.schools import school_id_of
from sferum_onboard.tracking.store.tables import events, people, step_state


class StatesMixin:
    """Store methods for current states."""

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
        sid = school_id_of(school)
        wanted = set(person_ids) if person_ids is not None else None
        with self._read() as conn:
            source = state_source(conn, catalog, as_of)
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

    def state_rows(self, school: School | int | None, catalog=None, *, as_of=None) -> list[tuple[int, str, str]]:
        """(person_id, current step id, action) per state of a school's people (None: every school's):
        the rule of `current_states` without an object per row, for reports over millions of events."""
        with self._read() as conn:
            source = state_source(conn, catalog, as_of)
            query = sa.select(source.c.person_id, source.c.step_id, source.c.action)
            if school is not None:
                query = query.select_from(people.join(source, source.c.person_id == people.c.id)).where(
                    people.c.school_id == school_id_of(school))
            return conn.execute(query).all()  # rows unpack as tuples; no copy of half a million

    def first_done(
        self, school: School | int | None, step_ids: Iterable[str], catalog=None, *, as_of=None,
    ) -> list[tuple[int, str, dt.datetime]]:
        """(person_id, current step id, first "done") for these steps (current ids; their old ids
        are followed), for burn-up charts: one indexed aggregate instead of loading the log."""
        stored_ids = sorted(catalog.stored_ids(step_ids) if catalog is not None else set(step_ids))
        if not stored_ids:
            return []
        step = step_case(events.c.step_id, catalog)
        query = (
            sa.select(events.c.person_id, step.label("step_id"), sa.func.min(events.c.at))
            .where(events.c.person_id.is_not(None), events.c.action == DONE, events.c.step_id.in_(stored_ids))
            .group_by(events.c.person_id, step)
        )
        if school is not None:
            query = query.where(events.c.school_id == school_id_of(school))
        if as_of is not None:
            query = query.where(events.c.at <= as_of_limit(as_of))
        with self._read() as conn:
            return [tuple(row) for row in conn.execute(query)]


def _renames(catalog) -> dict[str, str]:
    """Old step id → current one (empty without a catalog)."""
    return dict(catalog.renames) if catalog is not None else {}


def step_case(column, catalog):
    """SQL mapping an old step id to its current one (renamed_from), for the given catalog."""
    renames = _renames(catalog)
    if not renames:
        return column
    return sa.case(renames, value=column, else_=column)


def ranked_events(catalog, limit: dt.datetime | None):
    """Events of people numbered per (person, current step id), newest first: rank 1 is the state."""
    step = step_case(events.c.step_id, catalog)
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


def state_source(conn: Connection, catalog, as_of):
    """A subquery (person_id, step_id, stored_step_id, event_id, action): one row per current state.

    The cache table serves when no stored id needs renaming; otherwise (and
    for a past date) the log is reduced with a window function.
    """
    limit = as_of_limit(as_of)
    renames = _renames(catalog)
    needs_fold = bool(renames) and conn.execute(
        sa.select(step_state.c.step_id).where(step_state.c.step_id.in_(list(renames))).limit(1)).first() is not None
    if limit is None and not needs_fold:
        return sa.select(
            step_state.c.person_id, step_state.c.step_id, step_state.c.step_id.label("stored_step_id"),
            step_state.c.event_id, step_state.c.action,
        ).subquery("state")
    if limit is None:
        ranked = sa.select(
            step_state.c.person_id, step_case(step_state.c.step_id, catalog).label("step_id"),
            step_state.c.step_id.label("stored_step_id"), step_state.c.event_id, step_state.c.action,
            sa.func.row_number().over(
                partition_by=(step_state.c.person_id, step_case(step_state.c.step_id, catalog)),
                order_by=(step_state.c.at.desc(), step_state.c.event_id.desc()),
            ).label("rank"),
        ).subquery("ranked")
    else:
        ranked = ranked_events(catalog, limit).subquery("ranked")
    return sa.select(
        ranked.c.person_id, ranked.c.step_id, ranked.c.stored_step_id, ranked.c.event_id, ranked.c.action,
    ).where(ranked.c.rank == 1).subquery("state")
