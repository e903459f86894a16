"""The rule of "verified" (pure), the store's reads of it against that rule, and migration 0004."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from sferum_onboard.tracking.fold import fold_events, verified_keys
from sferum_onboard.tracking.model import MEMBERS, Event
from sferum_onboard.tracking.progress import aggregate_progress
from sferum_onboard.tracking.store import NewEvent, Store
from tests.storekit import add_person, catalog, migrate_to, store, store_url  # noqa: F401 (fixtures)
from tests.test_progress import MOMENTS, STEPS, build_school

DAY = dt.datetime(2026, 11, 20)


def event(n: int, action: str, source: str, hours: int, step: str = "parent-join-class") -> Event:
    return Event(n, 1, 7, step, action, DAY + dt.timedelta(hours=hours), source=source)


@pytest.mark.parametrize("history, verified", [
    ([event(1, "done", MEMBERS, 0)], True),
    ([event(1, "done", "meeting", 0)], False),
    ([event(1, "done", MEMBERS, 0), event(2, "undone", "meeting", 5)], False),  # a later unmark wins
    ([event(2, "undone", "meeting", 5), event(1, "done", MEMBERS, 0)], False),  # whatever the recording order
    ([event(1, "done", MEMBERS, 0), event(2, "done", "self", 5)], True),  # a later self-report keeps it
    ([event(1, "done", "self", 5), event(2, "done", MEMBERS, 0)], True),  # a list older than the tick
    ([event(1, "done", MEMBERS, 0), event(2, "not_applicable", "meeting", 5)], False),
    ([event(1, "done", MEMBERS, 0), event(2, "undone", "meeting", 5), event(3, "done", "self", 6)], False),
    ([event(1, "undone", "meeting", 0), event(2, "done", MEMBERS, 5)], True),  # a newer list after the unmark
])
def test_verified_is_a_member_list_done_in_the_run_that_decides_the_state(history, verified):
    assert ((7, "parent-join-class") in verified_keys(history)) is verified


def test_verified_as_of_a_date_and_under_a_renamed_id(catalog):
    history = [event(1, "done", MEMBERS, 0, step="login-phone"), event(2, "undone", "meeting", 48, step="login-max")]
    assert verified_keys(history, catalog, as_of=DAY.date()) == {(7, "login-max")}
    assert verified_keys(history, catalog) == frozenset()


SOURCES = ["meeting", "self", MEMBERS]
sourced_event = st.tuples(st.integers(0, 5), st.sampled_from(STEPS), st.sampled_from(["done", "undone", "not_applicable"]),
                          st.sampled_from(MOMENTS), st.sampled_from(SOURCES))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(sourced_event, min_size=0, max_size=20),
       by=st.sampled_from([None, "class", "role"]),
       role=st.sampled_from([None, "parent", "class_leader"]),
       class_name=st.sampled_from([None, "7А", "2Б"]),
       as_of=st.sampled_from([None, MOMENTS[2]]))
def test_the_store_counts_verified_as_the_pure_rule_does(store, catalog, batch, by, role, class_name, as_of):
    school, ids = build_school(store)
    store.append_events([NewEvent(school.id, ids[i], step, action, at, source=source)
                         for i, step, action, at, source in batch])
    logged = store.events(school, school_level=False)
    verified = verified_keys(logged, catalog, as_of)
    assert store.verified_keys(school, catalog, as_of=as_of) == verified
    expected_people = store.people(school, role=role, class_name=class_name)
    pupils_classes = {p.id: p.class_name for p in store.people(school, role="pupil")}
    if class_name is not None and by == "class":
        pupils_classes = {k: v for k, v in pupils_classes.items() if v == class_name}
    expected = aggregate_progress(catalog, expected_people, fold_events(logged, catalog, as_of),
                                  by="class" if class_name is not None and by == "class" else by,
                                  pupils_classes=pupils_classes, verified=verified)
    got = store.progress(catalog, school, by=by, role=role, class_name=class_name, as_of=as_of)
    assert got.total == expected.total
    assert got.groups == expected.groups


def test_a_0003_store_is_migrated_with_its_events_and_takes_the_new_source(store_url):
    migrate_to(store_url, "0003")
    with Store.open(store_url, upgrade=False) as old:
        school = old.get_or_create_school("Школа № 1")
        pupil = add_person(old, school, "Иванов Пётр", "pupil", class_name="7А")
        old.append_events([NewEvent(school.id, pupil.id, "install-max", at=DAY)])
        with pytest.raises(sa.exc.IntegrityError):
            with old.engine.begin() as conn:  # 0003 knows no such source
                conn.execute(sa.text("INSERT INTO events (school_id, person_id, step_id, action, at, source, recorded_at)"
                                     " VALUES (:s, :p, 'x', 'done', :at, 'members', :at)"),
                             {"s": school.id, "p": pupil.id, "at": DAY})
    with Store.open(store_url) as new:
        assert new.revision() == "0004"
        [kept] = new.events()
        assert (kept.step_id, kept.source, kept.at) == ("install-max", "meeting", DAY)
        new.append_events([NewEvent(school.id, pupil.id, "pupil-join-class", at=DAY, source=MEMBERS)])
        assert new.verified_keys(school) == {(pupil.id, "pupil-join-class")}
        with pytest.raises(sa.exc.IntegrityError):
            with new.engine.begin() as conn:  # the CHECK is still there, only wider
                conn.execute(sa.text("INSERT INTO events (school_id, person_id, step_id, action, at, source, recorded_at)"
                                     " VALUES (:s, :p, 'x', 'done', :at, 'gossip', :at)"),
                             {"s": school.id, "p": pupil.id, "at": DAY})
