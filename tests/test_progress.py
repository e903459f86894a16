"""Folding the event log and counting progress: the pure rule, and the store's SQL agreeing with it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sferum_onboard.tracking.model import Event, Person
from sferum_onboard.tracking.fold import fold_events, fold_school_events
from sferum_onboard.tracking.progress import aggregate_progress, next_steps, person_status
from sferum_onboard.tracking.store import NewEvent
from tests.storekit import add_person, catalog, store, store_url  # noqa: F401 (fixtures)

DAY = dt.datetime(2026, 9, 10, 12, 0)
_ids = itertools.count(1)


def ev(person, step, action="done", at=DAY, school=1, id=None, **extra) -> Event:
    return Event(id=id or next(_ids), school_id=school, person_id=person, step_id=step, action=action, at=at, **extra)


# --- the pure rule -------------------------------------------------------------------


def test_latest_by_time_wins_whatever_the_recording_order():
    later = ev(1, "install-max", "undone", DAY + dt.timedelta(hours=1), id=1)
    earlier = ev(1, "install-max", "done", DAY, id=2)  # recorded later, happened earlier
    state = fold_events([later, earlier])[(1, "install-max")]
    assert (state.action, state.event_id) == ("undone", 1)
    assert fold_events([earlier, later]) == fold_events([later, earlier])


def test_same_moment_is_decided_by_recording_order():
    states = fold_events([ev(1, "install-max", "done", id=5), ev(1, "install-max", "undone", id=6)])
    assert states[(1, "install-max")].action == "undone"


def test_as_of_a_date_includes_that_whole_day():
    events = [ev(1, "install-max", "done", DAY), ev(1, "install-max", "undone", DAY + dt.timedelta(days=1))]
    assert fold_events(events, as_of=DAY.date())[(1, "install-max")].action == "done"
    assert fold_events(events, as_of=DAY - dt.timedelta(seconds=1)) == {}
    assert fold_events(events)[(1, "install-max")].action == "undone"


def test_renamed_steps_keep_their_history_and_retired_ones_are_flagged(catalog):
    events = [
        ev(1, "login-phone", "done", DAY, recorded_by="Петрова", source="sheet"),
        ev(2, "login-phone", "done", DAY),
        ev(2, "login-max", "undone", DAY + dt.timedelta(days=1)),
        ev(1, "old-step", "done", DAY),
    ]
    states = fold_events(events, catalog)
    first = states[(1, "login-max")]
    assert (first.action, first.stored_step_id, first.recorded_by, first.source) == ("done", "login-phone", "Петрова", "sheet")
    assert states[(2, "login-max")].action == "undone"
    assert states[(1, "old-step")].retired
    assert not first.retired


def test_school_level_steps_fold_per_school():
    events = [ev(None, "school-order", school=1), ev(None, "school-order", "undone", DAY + dt.timedelta(1), school=2)]
    states = fold_school_events(events)
    assert states[(1, "school-order")].done
    assert not states[(2, "school-order")].done


def person(id, role, class_name=None, **extra) -> Person:
    return Person(id=id, school_id=1, full_name=f"Человек {id}", role=role, class_name=class_name, **extra)


def test_status_lists_the_checklist_and_the_next_step(catalog):
    pupil = person(1, "pupil", "7А")
    states = fold_events([ev(1, "install-max"), ev(1, "old-step")], catalog)
    lines, others = person_status(catalog, pupil, states)
    assert [(line.step.id, line.done, line.next) for line in lines] == [
        ("install-max", True, False), ("login-max", False, True), ("join-class", False, False)]
    assert [s.step_id for s in others] == ["old-step"]
    assert [s.id for s in next_steps(catalog, pupil, states)] == ["login-max", "join-class"]
    young = person(2, "pupil", "2Б")
    assert [line.step.id for line in person_status(catalog, young, {})[0]] == ["install-max", "primary-join-class"]


def test_progress_counts_a_parent_once_and_in_each_child_class(catalog):
    people = [
        person(1, "pupil", "7А"), person(2, "pupil", "2Б"), person(3, "pupil", "7А"),
        person(4, "parent", children=(1, 2)), person(5, "teacher", class_leader=True, led_classes=("7А",)),
    ]
    states = fold_events([
        ev(1, "install-max"), ev(4, "install-max"), ev(4, "parent-join-class"),
        ev(3, "install-max", "not_applicable"), ev(5, "video-parent-meeting"), ev(1, "gone-step"),
    ], catalog)
    result = aggregate_progress(catalog, people, states, by="class")
    total = result.total.step("install-max")
    assert (total.eligible, total.done, total.not_applicable, total.applicable) == (5, 2, 1, 4)
    assert total.percent == 50.0
    assert result.total.people == 5
    assert result.total.step("parent-join-class").eligible == 1
    by_class = {g.group: g for g in result.groups}
    assert [g.group for g in result.groups] == ["2Б", "7А"]
    assert by_class["7А"].people == 4  # two pupils, the parent and the class leader
    assert by_class["2Б"].people == 2  # a pupil and the same parent
    assert by_class["2Б"].step("primary-join-class").eligible == 1
    assert by_class["7А"].step("video-parent-meeting").percent == 100.0
    assert result.retired == {"gone-step": 1}
    by_role = aggregate_progress(catalog, people, states, by="role")
    assert [g.group for g in by_role.groups] == ["teacher", "pupil", "parent"]


# --- the store's SQL gives the same answer ------------------------------------------

STEPS = ["install-max", "login-max", "login-phone", "join-class", "parent-join-class", "primary-join-class",
         "gone-step", "join-organisation", "video-parent-meeting"]
MOMENTS = [DAY + dt.timedelta(hours=h) for h in (0, 0, 1, 24, 48)]

event_strategy = st.tuples(
    st.integers(0, 5), st.sampled_from(STEPS), st.sampled_from(["done", "undone", "not_applicable"]),
    st.sampled_from(MOMENTS),
)
_schools = itertools.count(1)


def build_school(store):
    """Six people of every kind in a new school of the shared test store."""
    school = store.get_or_create_school(f"Школа {next(_schools)}")
    older = add_person(store, school, "Ученик Старший", "pupil", class_name="7А")
    younger = add_person(store, school, "Ученик Младший", "pupil", class_name="2Б")
    gone = add_person(store, school, "Ученик Выбывший", "pupil", class_name="5В")
    people = [
        older, younger, gone,
        add_person(store, school, "Родитель Двоих", "parent", children=[older.id, younger.id, gone.id]),
        add_person(store, school, "Учитель Классный", "teacher", led_classes=["7А"]),
        add_person(store, school, "Администратор", "administrator"),
    ]
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE people SET active = false WHERE id = {gone.id}")
    return school, [p.id for p in people]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(st.lists(event_strategy, min_size=1, max_size=6), min_size=1, max_size=5),
       as_of=st.sampled_from([None, MOMENTS[0], MOMENTS[2], MOMENTS[3].date()]))
def test_sql_reduction_agrees_with_fold_events(store, catalog, batches, as_of):
    school, ids = build_school(store)
    for batch in batches:
        store.append_events([NewEvent(school.id, ids[i], step, action, at) for i, step, action, at in batch])
    logged = store.events(school, school_level=False)
    for cat in (None, catalog):
        assert store.current_states(school, cat, as_of=as_of) == fold_events(logged, cat, as_of)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(event_strategy, min_size=0, max_size=20),
       by=st.sampled_from([None, "class", "role"]),
       role=st.sampled_from([None, "pupil", "parent", "class_leader"]),
       class_name=st.sampled_from([None, "7А", "2Б"]),
       as_of=st.sampled_from([None, MOMENTS[2]]))
def test_sql_progress_agrees_with_the_pure_aggregate(store, catalog, batch, by, role, class_name, as_of):
    school, ids = build_school(store)
    store.append_events([NewEvent(school.id, ids[i], step, action, at) for i, step, action, at in batch])
    expected_people = store.people(school, role=role, class_name=class_name)
    pupils_classes = {p.id: p.class_name for p in store.people(school, role="pupil")}
    states = fold_events(store.events(school, school_level=False), catalog, as_of)
    expected = aggregate_progress(catalog, expected_people, states, by=by, pupils_classes=pupils_classes)
    if class_name is not None and by == "class":
        expected = aggregate_progress(catalog, expected_people, states, by="class", pupils_classes={
            k: v for k, v in pupils_classes.items() if v == class_name})
    got = store.progress(catalog, school, by=by, role=role, class_name=class_name, as_of=as_of)
    assert got.total == expected.total
    assert got.groups == expected.groups
    assert got.retired == expected.retired


def test_progress_of_an_empty_school(store, catalog):
    school = store.get_or_create_school("Пустая школа")
    result = store.progress(catalog, school)
    assert result.total.people == 0
    assert result.total.steps == ()
    assert result.groups == ()


def test_school_states_come_from_the_school_events(store, catalog):
    school, _ = build_school(store)
    store.append_events([NewEvent(school.id, None, "school-order", at=DAY)])
    states = store.school_states(school, catalog)
    assert list(states) == ["school-order"]
    assert store.current_states(school) == {}


@pytest.mark.parametrize("as_of", [None, DAY.date()])
def test_renamed_ids_in_the_cache_are_folded(store, catalog, as_of):
    school, ids = build_school(store)
    store.append_events([
        NewEvent(school.id, ids[0], "login-phone", at=DAY),
        NewEvent(school.id, ids[0], "login-max", "undone", at=DAY - dt.timedelta(days=1)),
    ])
    states = store.current_states(school, catalog, as_of=as_of)
    assert list(states) == [(ids[0], "login-max")]
    assert states[(ids[0], "login-max")].stored_step_id == "login-phone"
    assert store.progress(catalog, school, by=None, as_of=as_of).total.step("login-max").done == 1


def test_a_big_batch_takes_the_bulk_path_and_keeps_the_rule(store, catalog):
    """Batches of thousands go through COPY on PostgreSQL; the state must still follow fold_events."""
    import random

    rng = random.Random(5)
    school, ids = build_school(store)
    moments = [DAY + dt.timedelta(minutes=m) for m in range(50)]

    def batch(size):
        return [NewEvent(school.id, rng.choice(ids), rng.choice(STEPS), rng.choice(["done", "undone"]),
                         rng.choice(moments), "замер", "sheet", None) for _ in range(size)]

    store.append_events(batch(3000), return_events=False)
    store.append_events(batch(2500), return_events=False)  # older and newer states against the cache
    logged = store.events(school, school_level=False)
    assert len(logged) == 5500
    assert store.current_states(school, catalog) == fold_events(logged, catalog)
