"""The report's compact SQL reads give the same road map as folding the events in Python.

Random histories (done, undone, not applicable, renamed and retired ids,
school-level steps, backdated marks) go into a real store, SQLite and
PostgreSQL; `report.load_situations` (state from the store's SQL, first
"done" from one aggregate) and `roadmap.situation_from_events` (the pure
fold of `tracking.progress`) must evaluate to the same results, today and on
past dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from sferum_onboard.catalog import load_catalog
from sferum_onboard.outputs.report import load_situations
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE
from sferum_onboard.tracking.store import Store
from tests.storekit import store_url  # noqa: F401 (fixture)
from tests.test_report_support import REPO, into_store, small_school

ACTIONS = (DONE, DONE, DONE, UNDONE, NOT_APPLICABLE)


def comparable(result: roadmap.SchoolResult):
    """What a report shows, without object identities."""
    return (
        [(t.target.id, t.counted, t.done, t.not_applicable, t.series, t.status) for t in result.targets],
        result.funnel,
        [(c.name, [(g.role, g.people, [(s.step.id, s.done, s.applicable) for s in g.steps]) for g in c.groups])
         for c in result.classes],
        sorted((p.person.id, p.done, p.total, p.next_step.id if p.next_step else None,
                tuple(s.id for s in p.open_required)) for p in result.people),
        [(o.step.id, o.mark.action if o.mark else None, o.mark.day if o.mark else None) for o in result.org_steps],
        dict(result.situation.retired),
    )


@pytest.fixture(scope="module")
def catalog():
    shipped = load_catalog(REPO)
    # An old id for a step in a road-map target, as a coordinator's rename leaves it.
    renames = dict(shipped.renames, **{"old-online-course": "online-course"})
    return dataclasses.replace(shipped, renames=renames)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_and_python_agree(store_url, catalog, seed):
    rng = random.Random(seed)
    builder = small_school(nasty=False)
    builder.events.clear()
    step_ids = sorted(catalog.steps) + ["old-online-course", "removed-step"]
    for person in builder.people:
        own = [s.id for s in catalog.steps_for_person(person.role, person.class_leader, person.specialist,
                                                      person.grade)]
        for _ in range(rng.randint(0, 14)):
            step = rng.choice(own + step_ids[:3] if rng.random() < 0.9 else step_ids[-2:])
            day = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 80))
            builder.mark(person, step, dt.datetime.combine(day, dt.time(rng.randint(8, 20))), rng.choice(ACTIONS))
    for step in ("appoint-administrator", "approve-regulation"):
        builder.mark(None, step, dt.date(2026, 8, 20 + rng.randint(0, 9)), rng.choice(ACTIONS))
    with Store.open(store_url) as store:
        school, ids = into_store(store, builder)
        stored_events = store.events(school)
        people = store.people(school)
        classes = store.classes(school)
        for as_of in (None, dt.date(2026, 9, 20), dt.date(2026, 10, 15)):
            from_sql = load_situations(store, catalog, [school], as_of)[0]
            pure = roadmap.situation_from_events(catalog, school, people, classes, stored_events,
                                                 as_of or dt.date.today())
            assert comparable(roadmap.evaluate_school(catalog, from_sql)) == comparable(
                roadmap.evaluate_school(catalog, pure)), as_of
