"""Member checks of class chats: what a list showed (outcomes, never its names but outsiders'), and verified steps.

A check is one member list of one class's chat on one date. Its rows say,
per line of the list, who the member was found to be (a person id and the
confidence) or that they are an outsider (with the line as copied, kept
only until the administrator marks it handled, or a newer list of the same
chat replaces it), and which people of the class were missing. The events
a check verified go into the log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sferum_onboard.dates import now
from sferum_onboard.errors import NotFoundError
from sferum_onboard.messages import MEMBERS
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.fold import as_of_limit, verified_keys
from sferum_onboard.tracking.model import MEMBERS as MEMBERS_SOURCE
from sferum_onboard.tracking.model import CheckedMember, MemberCheck, Person, School
from sferum_onboard.tracking.store.bulk import bulk_insert
from sferum_onboard.tracking.store.events import NewEvent, event_rows, insert_events
from sferum_onboard.tracking.store.people import load_people
from sferum_onboard.tracking.store.schools import school_id_of
from sferum_onboard.tracking.store.tables import classes, events, member_checks, member_rows

OUTSIDER = "outsider"
_FROM_LISTS = events.c.source == sa.literal_column(f"'{MEMBERS_SOURCE}'")  # a literal: the partial index's own term


class MembersMixin:
    """Store methods for member checks."""

    def record_member_check(
        self, school: School | int, class_name: str, chat: str | None, audience: str, listed_at: dt.datetime,
        recorded_by: str | None, rows: Iterable[CheckedMember], new_events: Iterable[NewEvent],
    ) -> MemberCheck:
        """Store a check, its rows and the events it verified, all or nothing; older lists of the same
        chat give up their outsiders' names."""
        sid = school_id_of(school)
        prepared = event_rows(new_events)
        with self._write() as conn:
            class_id = _class_id(conn, sid, class_name)
            check = {"school_id": sid, "class_id": class_id, "chat": chat, "audience": audience,
                     "listed_at": listed_at, "recorded_at": now(), "recorded_by": recorded_by}
            check_id = conn.execute(member_checks.insert().values(**check)).inserted_primary_key[0]
            values = [_row_values(check_id, row) for row in rows]
            if values:
                bulk_insert(conn, member_rows, values)
            if prepared:
                insert_events(conn, prepared)
            _supersede(conn, sid, class_id, chat)
        return MemberCheck(check_id, sid, normalise_class(class_name) or class_name, chat, audience, listed_at,
                           check["recorded_at"], recorded_by)

    def people_to_match(self, school: School | int) -> list[Person]:
        """Every person of a school, active or not, in no order (`Store.people` sorts; matching indexes them)."""
        with self._read() as conn:
            return load_people(conn, school_id_of(school))

    def member_check(self, check_id: int) -> tuple[MemberCheck, list[CheckedMember]]:
        """A stored check and its rows in line order (missing people last); NotFoundError when there is none."""
        with self._read() as conn:
            found = conn.execute(sa.select(member_checks, classes.c.name.label("class_name")).select_from(
                member_checks.join(classes, classes.c.id == member_checks.c.class_id)).where(
                member_checks.c.id == check_id)).first()
            if found is None:
                raise NotFoundError(MEMBERS["check-unknown"].format(id=check_id))
            rows = conn.execute(sa.select(member_rows).where(member_rows.c.check_id == check_id).order_by(
                member_rows.c.line.is_(None), member_rows.c.line, member_rows.c.id)).all()
        return _check_of(found), [_member_of(r) for r in rows]

    def update_member_check(self, check_id: int, changed: Sequence[CheckedMember], found_ids: Iterable[int],
                            new_events: Iterable[NewEvent]) -> None:
        """Write the administrator's decisions: rows changed in place, people now found no longer missing,
        and the events they verify, all or nothing."""
        prepared = event_rows(new_events)
        found_ids = sorted(set(found_ids))
        with self._write() as conn:
            for row in changed:
                conn.execute(member_rows.update().where(member_rows.c.id == row.id, member_rows.c.check_id == check_id)
                             .values(outcome=row.outcome, person_id=row.person_id, confidence=row.confidence,
                                     confirmed=row.confirmed, outsider_name=row.outsider_name))
            if found_ids:
                conn.execute(member_rows.delete().where(member_rows.c.check_id == check_id,
                                                        member_rows.c.outcome == "missing",
                                                        member_rows.c.person_id.in_(found_ids)))
            if prepared:
                insert_events(conn, prepared)

    def open_outsiders(self, school: School | int, class_name: str | None = None
                       ) -> list[tuple[CheckedMember, MemberCheck]]:
        """Outsiders whose names are kept (not handled yet), newest list first."""
        check_columns = [member_checks.c[name] for name in (
            "school_id", "chat", "audience", "listed_at", "recorded_at", "recorded_by")]
        query = _checks_query(school_id_of(school), class_name, member_rows, *check_columns).join(
            member_rows, member_rows.c.check_id == member_checks.c.id).where(
            member_rows.c.outcome == OUTSIDER, member_rows.c.outsider_name.is_not(None)).order_by(
            member_checks.c.listed_at.desc(), member_checks.c.id.desc(), member_rows.c.line)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [(_member_of(r), _check_of(r, id_key="check_id")) for r in rows]

    def resolve_outsiders(self, school: School | int, row_ids: Iterable[int] | None, handled_by: str | None,
                          class_name: str | None = None) -> int:
        """Mark outsiders handled (those named, or all still open): their names are erased."""
        open_ids = {row.id for row, _ in self.open_outsiders(school, class_name)}
        wanted = open_ids if row_ids is None else set(row_ids)
        unknown = sorted(wanted - open_ids)
        if unknown:
            raise NotFoundError(MEMBERS["outsider-unknown"].format(id=unknown[0]))
        if not wanted:
            return 0
        with self._write() as conn:
            conn.execute(member_rows.update().where(member_rows.c.id.in_(sorted(wanted))).values(
                outsider_name=None, handled_at=now(), handled_by=handled_by))
        return len(wanted)

    def outsider_counts(self, school: School | int | None, as_of: dt.date | dt.datetime | None = None
                        ) -> dict[tuple[int, str], int]:
        """(school id, class) → outsiders not handled (as of a date) in the newest list of each chat; 0 for a
        class whose lists found none, no key for a class never checked."""
        limit = as_of_limit(as_of)
        query = _checks_query(None if school is None else school_id_of(school), None)
        if limit is not None:
            query = query.where(member_checks.c.listed_at <= limit)
        with self._read() as conn:
            checks = [_check_of(r) for r in conn.execute(query)]
            newest: dict[tuple, MemberCheck] = {}
            for check in sorted(checks, key=lambda c: (c.listed_at, c.id)):
                newest[(check.school_id, check.class_name, check.chat)] = check
            by_check = {c.id: c for c in newest.values()}
            counted = sa.select(member_rows.c.check_id, sa.func.count()).where(
                member_rows.c.outcome == OUTSIDER, member_rows.c.check_id.in_(sorted(by_check)),
                member_rows.c.handled_at.is_(None) if limit is None else sa.or_(
                    member_rows.c.handled_at.is_(None), member_rows.c.handled_at > limit),
            ).group_by(member_rows.c.check_id)
            found = {(c.school_id, c.class_name): 0 for c in by_check.values()}
            for check_id, n in conn.execute(counted) if by_check else ():
                key = (by_check[check_id].school_id, by_check[check_id].class_name)
                found[key] = found.get(key, 0) + n
        return found

    def verified_keys(self, school: School | int | None, catalog=None,
                      as_of: dt.date | dt.datetime | None = None) -> frozenset[tuple[int, str]]:
        """(person id, current step id) pairs done and verified by a member list (`fold.verified_keys`),
        read through the index of the few events member lists recorded."""
        query = sa.select(events.c.person_id, events.c.step_id).distinct().where(
            _FROM_LISTS, events.c.person_id.is_not(None))
        if school is not None:
            query = query.where(events.c.school_id == school_id_of(school))
        with self._read() as conn:
            pairs = conn.execute(query).all()
        if not pairs:
            return frozenset()
        current = {catalog.current_id(s) or s if catalog is not None else s for _, s in pairs}
        stored = (catalog.stored_ids(current) if catalog is not None else current) | {s for _, s in pairs}
        history = self.events(school, person_ids={p for p, _ in pairs}, step_ids=sorted(stored), as_of=as_of)
        return verified_keys(history, catalog, as_of)


def _class_id(conn: Connection, school_id: int, class_name: str) -> int:
    name = normalise_class(class_name) or class_name
    found = conn.execute(sa.select(classes.c.id).where(classes.c.school_id == school_id, classes.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(MEMBERS["class-unknown"].format(class_name=name))
    return found


def _row_values(check_id: int, row: CheckedMember) -> dict:
    return {"check_id": check_id, "line": row.line, "outcome": row.outcome, "person_id": row.person_id,
            "confidence": row.confidence, "confirmed": row.confirmed,
            "outsider_name": row.outsider_name[:300] if row.outsider_name else None,
            "handled_at": row.handled_at, "handled_by": row.handled_by}


def _supersede(conn: Connection, school_id: int, class_id: int, chat: str | None) -> None:
    """Only the newest list of a chat keeps its outsiders' names: older ones are out of date."""
    same_chat = member_checks.c.chat.is_(None) if chat is None else member_checks.c.chat == chat
    ids = conn.execute(sa.select(member_checks.c.id).where(
        member_checks.c.school_id == school_id, member_checks.c.class_id == class_id, same_chat).order_by(
        member_checks.c.listed_at.desc(), member_checks.c.id.desc())).scalars().all()
    if len(ids) > 1:
        conn.execute(member_rows.update().where(
            member_rows.c.check_id.in_(ids[1:]), member_rows.c.outsider_name.is_not(None)).values(
            outsider_name=None, handled_at=now()))


def _checks_query(school_id: int | None, class_name: str | None, *columns):
    """Checks (or the given columns) with their class's name, of a school (None: every school) and class."""
    query = sa.select(*(columns or (member_checks,)), classes.c.name.label("class_name")).select_from(
        member_checks.join(classes, classes.c.id == member_checks.c.class_id))
    if school_id is not None:
        query = query.where(member_checks.c.school_id == school_id)
    if class_name is not None:
        query = query.where(classes.c.name == (normalise_class(class_name) or class_name))
    return query


def _check_of(row, id_key: str = "id") -> MemberCheck:
    m = row._mapping
    return MemberCheck(m[id_key], m["school_id"], m["class_name"], m["chat"], m["audience"], m["listed_at"],
                       m["recorded_at"], m["recorded_by"])


def _member_of(row) -> CheckedMember:
    m = row._mapping
    return CheckedMember(m["id"], m["check_id"], m["line"], m["outcome"], m["person_id"], m["confidence"],
                         bool(m["confirmed"]), m["outsider_name"], m["handled_at"], m["handled_by"])
