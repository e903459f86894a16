"""The demo school: the seed school's size and results, the same every time, loaded once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from sferum_onboard.catalog import load_catalog
from sferum_onboard.cli import cli
from sferum_onboard.tracking import demo
from sferum_onboard.tracking.names import fold_name
from sferum_onboard.tracking.store import Store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(REPO)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, catalog):
    """The demo loaded into a store through the CLI, twice."""
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    first = CliRunner().invoke(cli, ["demo", "--db", str(db), "--project", str(REPO)])
    second = CliRunner().invoke(cli, ["demo", "--db", str(db), "--project", str(REPO)])
    with Store.open(str(db)) as store:
        school = store.school()
        people = store.people(school)
        states = store.current_states(school, catalog)
        events = store.events(school)
    return db, first, second, people, states, events


def test_rosters_are_the_same_every_time_and_the_seed_schools_size():
    staff, pupils, parents = demo.demo_rosters()
    assert (staff, pupils, parents) == demo.demo_rosters()
    assert len({p.class_name for p in pupils.people}) == 20
    assert 400 <= len(pupils.people) <= 500 and 350 <= len(parents.people) <= 450
    teachers = [p for p in staff.people if p.role == "teacher"]
    assert len(teachers) == 40 and sum(bool(p.led_classes) for p in teachers) == 20
    assert sorted(p.position for p in teachers if p.specialist) == sorted(demo.SPECIALISTS)
    names = [fold_name(p.full_name) for r in (staff, pupils, parents) for p in r.people]
    assert len(names) == len(set(names))  # no namesakes to confuse anyone
    # Brothers and sisters share one household.
    assert any(len(p.children) > 1 for p in parents.people)
    assert sum(len(p.children) for p in parents.people) == len(pupils.people)


def test_loading_twice_changes_nothing(loaded):
    db, first, second, people, _, events = loaded
    assert first.exit_code == 0, first.output
    summary = ("  20 классов, 41 сотрудник (из них 20 классных руководителей и 4 специалиста), {pupils}, {parents}; "
               "{events} за первую четверть 2026/2027 учебного года.")
    assert first.output.splitlines()[0] == f"Демо-школа «{demo.DEMO_SCHOOL}» загружена в {db}:"
    assert second.output.splitlines()[0] == f"Демо-школа «{demo.DEMO_SCHOOL}» уже есть в {db}; ничего не изменено:"
    assert first.output.splitlines()[1:] == second.output.splitlines()[1:]
    assert second.output.splitlines()[2] == f"Дальше: sferum-onboard progress --db {db} — сколько сделано по шагам и классам."
    pupils = sum(p.role == "pupil" for p in people)
    parents = sum(p.role == "parent" for p in people)
    from sferum_onboard.wording import plural

    assert first.output.splitlines()[1] == summary.format(
        pupils=plural(pupils, "pupil"), parents=plural(parents, "parent"), events=plural(len(events), "mark"))


def share(people, states, who, steps) -> float:
    group = [p for p in people if who(p)]
    done = [p for p in group if all(getattr(states.get((p.id, s)), "action", None) == "done" for s in steps)]
    return round(100 * len(done) / len(group), 1)


def test_progress_resembles_the_seed_schools_results(loaded):
    _, _, _, people, states, events = loaded
    teachers = lambda p: p.role == "teacher"  # noqa: E731
    assert share(people, states, lambda p: p.class_leader, ["join-organisation", "set-up-class-chats"]) == 100
    assert share(people, states, lambda p: p.class_leader, ["call-class-chat"]) == 100
    assert share(people, states, teachers, ["post-materials"]) == 100
    assert share(people, states, teachers, ["video-parent-meeting"]) == 5
    assert share(people, states, teachers, ["online-course"]) == 60
    assert share(people, states, lambda p: p.role == "parent", ["parent-active"]) == pytest.approx(80, abs=0.5)
    assert share(people, states, lambda p: p.role == "pupil", ["pupil-active"]) == pytest.approx(70, abs=0.5)
    # Class leaders joined the day after the practicum.
    joined = {e.at.date() for e in events if e.step_id == "join-organisation"}
    assert joined == {demo.PRACTICUM + dt.timedelta(days=1)}
    # A history over the term, with some undoing and some steps marked «not needed».
    assert min(e.at.date() for e in events) == demo.START and max(e.at.date() for e in events) <= demo.END
    assert len({e.at.date() for e in events}) > 40
    assert {e.action for e in events} == {"done", "undone", "not_applicable"}
    assert {e.source for e in events} >= {"meeting", "sheet", "self"}


def test_every_event_names_a_step_of_the_catalog(loaded, catalog):
    _, _, _, _, _, events = loaded
    assert {e.step_id for e in events} <= set(catalog.steps) | set(catalog.org_steps)


@pytest.mark.postgres
def test_demo_on_postgres_loads_once():
    from tests.storekit import fresh_postgres_schema

    url, drop = fresh_postgres_schema()
    try:
        outputs = [CliRunner().invoke(cli, ["demo", "--db", url, "--project", str(REPO)]) for _ in range(2)]
        assert [r.exit_code for r in outputs] == [0, 0], outputs[0].output
        assert "уже есть" in outputs[1].output.splitlines()[0]
        with Store.open(url) as store:
            school = store.school()
            assert len(store.people(school)) == sum(len(r.people) for r in demo.demo_rosters())
    finally:
        drop()
