"""One membership rule: the store's SQL counts people in the classes `membership.classes_of` names.

Random schools (pupils in classes or none, parents of children in several
classes, inactive pupils and parents, teachers and administrators leading
classes) go into a real store, SQLite and PostgreSQL. The membership query
of `Store.progress`, the class filter of `Store.people` and the pure rule
must agree on who counts in which class, and in how many.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.tracking.store.progress import PROFILE_BASE, _memberships
from sferum_onboard.tracking.store.tables import classes
from tests.storekit import add_person, store, store_url  # noqa: F401 (fixtures)

CLASSES = ["1А", "2Б", "7А", "7Б"]
_schools = itertools.count(1)

school_shape = st.fixed_dictionaries({
    "pupils": st.lists(st.tuples(st.sampled_from(CLASSES + [None]), st.booleans()), min_size=1, max_size=8),
    "parents": st.lists(st.tuples(st.lists(st.integers(0, 7), max_size=3), st.booleans()), max_size=5),
    "staff": st.lists(st.tuples(st.sampled_from(["teacher", "administrator"]),
                                st.lists(st.sampled_from(CLASSES), max_size=2, unique=True)), max_size=4),
})


def build(store, shape):
    """A new school of the shared test store shaped as hypothesis drew it; returns it with its people."""
    school = store.get_or_create_school(f"Школа {next(_schools)}")
    pupils = [add_person(store, school, f"Ученик {n} Тестов", "pupil", class_name=c)
              for n, (c, _) in enumerate(shape["pupils"])]
    parents = [add_person(store, school, f"Родитель {n} Тестов", "parent",
                          children=sorted({pupils[i % len(pupils)].id for i in kids}))
               for n, (kids, _) in enumerate(shape["parents"])]
    for n, (role, led) in enumerate(shape["staff"]):  # a later leader of a class takes it over
        add_person(store, school, f"Сотрудник {n} Тестов", role, led_classes=led)
    gone = [p.id for p, (_, active) in zip(pupils + parents, shape["pupils"] + shape["parents"]) if not active]
    if gone:
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE people SET active = false WHERE id IN ({})".format(",".join(map(str, gone)))))
    return school, store.people(school, active=None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=school_shape)
def test_sql_memberships_follow_the_rule(store, shape):
    school, everyone = build(store, shape)
    active = [p for p in everyone if p.active]
    active_pupils = {p.id: p.class_name for p in active if p.role == "pupil"}
    expected = {p.id: classes_of(p, active_pupils) for p in active}
    with store.engine.connect() as conn:
        names = dict(conn.execute(sa.select(classes.c.id, classes.c.name).where(classes.c.school_id == school.id)).all())
        rows = conn.execute(sa.select(_memberships(school.id, None, None))).all()
    got: dict[int, list[str]] = {}
    for person_id, class_id, code in rows:
        got.setdefault(person_id, [])
        if class_id is not None:
            got[person_id].append(names[class_id])
            assert code % PROFILE_BASE == len(expected[person_id])  # the share each class row carries
    assert {p: tuple(sorted(c, key=CLASSES.index)) for p, c in got.items()} == expected
    for name in CLASSES:
        in_class = store.people(school, class_name=name, active=True)
        assert sorted(p.id for p in in_class) == sorted(p.id for p in active if name in expected[p.id])
