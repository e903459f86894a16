"""Road-map evaluation: shares, denominators, dates, forecasts, funnels, who is behind."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.test_report_support import SchoolBuilder, make_catalog, target

from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import NOT_APPLICABLE, UNDONE, School

D = dt.date
SEPT = D(2026, 9, 1)


def situation(builder: SchoolBuilder, as_of=D(2026, 10, 1), catalog=None):
    return roadmap.situation_from_events(
        catalog or make_catalog(), builder.school, builder.people, list(builder.classes.values()),
        builder.events, as_of,
    )


def result(builder, target_id, as_of=D(2026, 10, 1), catalog=None) -> roadmap.TargetResult:
    catalog = catalog or make_catalog()
    found = {r.target.id: r for r in roadmap.evaluate_roadmap(catalog, situation(builder, as_of, catalog))}
    return found[target_id]


@pytest.fixture
def school():
    return SchoolBuilder(School(1, "Школа"))


def leaders(school, n):
    return [school.person(f"Учитель{i} Иван", "teacher", class_leader=True, led_classes=(f"{i + 5}А",))
            for i in range(n)]


def test_share_of_counted_people_who_did_all_steps(school):
    first, second, third, fourth = leaders(school, 4)
    school.person("Предметник Пётр", "teacher")  # not a class leader: not counted
    for person in (first, second, third):
        school.mark(person, "join-organisation", D(2026, 9, 2))
    school.marks(first, ["set-up-class-chats"], D(2026, 9, 3))
    school.marks(second, ["set-up-class-chats"], D(2026, 9, 5))
    r = result(school, "class-leaders-joined")
    assert (r.counted, r.done, r.not_applicable) == (4, 2, 0)
    assert r.value == 50.0
    assert r.status == roadmap.AT_RISK and r.overdue  # due 30.09, as of 01.10


def test_match_any(school):
    catalog = make_catalog([target("any", "Любой", ["start-call", "online-course"], "teacher", 50, D(2027, 5, 31),
                                   match="any")])
    a, b = leaders(school, 2)
    school.mark(a, "online-course", D(2026, 9, 10))
    r = result(school, "any", catalog=catalog)
    assert (r.counted, r.done, r.status) == (2, 1, roadmap.MET)


def test_not_applicable_leaves_the_denominator_and_is_counted(school):
    a, b, c = leaders(school, 3)
    school.mark(a, "video-parent-meeting", D(2026, 9, 20))
    school.mark(b, "video-parent-meeting", D(2026, 9, 20), NOT_APPLICABLE)
    r = result(school, "class-leaders-video-meetings")
    assert (r.counted, r.done, r.not_applicable) == (2, 1, 1)
    assert r.value == 50.0


def test_a_step_not_applicable_drops_out_of_an_all_target(school):
    (a,) = leaders(school, 1)
    school.mark(a, "join-organisation", D(2026, 9, 2))
    school.mark(a, "set-up-class-chats", D(2026, 9, 2), NOT_APPLICABLE)
    r = result(school, "class-leaders-joined")
    assert (r.counted, r.done, r.not_applicable) == (1, 1, 0)


def test_a_household_counts_a_parent_once(school):
    kids = [school.person(f"Ребёнок{i} Анна", "pupil", class_name=c) for i, c in enumerate(["5А", "7Б", "7Б"])]
    parent = school.person("Мама Ольга Ивановна", "parent", children=tuple(k.id for k in kids))
    other = school.person("Папа Олег", "parent", children=(kids[0].id,))
    school.mark(parent, "parent-active", D(2026, 9, 15))
    r = result(school, "parents-active")
    assert (r.counted, r.done) == (2, 1)
    classes = {c.name: c for c in roadmap.class_progress(make_catalog(), situation(school))}
    parents_7b = next(g for g in classes["7Б"].groups if g.role == "parent")
    assert parents_7b.people == 1  # two children in 7Б, one parent
    assert next(s for s in parents_7b.steps if s.step.id == "parent-active").done == 1
    assert next(g for g in classes["5А"].groups if g.role == "parent").people == 2
    assert other.id != parent.id


def test_undone_and_dates_after_as_of(school):
    a, b = leaders(school, 2)
    school.mark(a, "online-course", D(2026, 9, 5))
    school.mark(a, "online-course", D(2026, 9, 6), UNDONE)
    school.mark(b, "online-course", D(2026, 10, 5))
    assert result(school, "teachers-online-course", as_of=D(2026, 10, 1)).done == 0
    assert result(school, "teachers-online-course", as_of=D(2026, 10, 5)).done == 1
    assert result(school, "teachers-online-course", as_of=D(2026, 9, 5)).done == 1


def test_a_renamed_step_keeps_its_history(school):
    (a,) = leaders(school, 1)
    school.mark(a, "teacher-join-school", D(2026, 9, 2))  # the old id
    school.mark(a, "set-up-class-chats", D(2026, 9, 3))
    assert result(school, "class-leaders-joined").done == 1


def test_burn_up_series_and_linear_forecast(school):
    teachers = [school.person(f"Учитель{i} Анна", "teacher") for i in range(10)]
    # One more teacher a week from 1 September: 10 percentage points a week.
    for week, teacher in enumerate(teachers[:5]):
        school.mark(teacher, "online-course", SEPT + dt.timedelta(weeks=week))
    as_of = D(2026, 9, 29)
    r = result(school, "teachers-online-course", as_of=as_of)
    assert r.series[0] == (SEPT, 10.0)
    assert r.series[-1] == (as_of, 50.0)
    assert [d for d, _ in r.series] == [SEPT + dt.timedelta(weeks=w) for w in range(4)] + [as_of]
    assert r.pace == pytest.approx(10.0)  # 10 % at 1.09 (4 weeks back is before the start) … 50 % now
    weeks_left = (D(2027, 5, 31) - as_of).days / 7
    assert r.forecast == 100.0 and weeks_left > 5
    assert r.status == roadmap.ON_TRACK


def test_stalled_target_is_at_risk_and_exact_targets_are_met(school):
    pupils = [school.person(f"Ученик{i} Пётр", "pupil", class_name="7А") for i in range(10)]
    for p in pupils[:7]:
        school.mark(p, "pupil-active", D(2026, 9, 2))
    r = result(school, "pupils-active", as_of=D(2026, 12, 1))
    assert r.status == roadmap.MET and r.value == 70.0
    catalog = make_catalog([target("p", "Ученики", ["pupil-active"], "pupil", 90, D(2027, 5, 31))])
    stalled = result(school, "p", as_of=D(2026, 12, 1), catalog=catalog)
    assert stalled.pace == 0 and stalled.forecast == 70.0 and stalled.status == roadmap.AT_RISK


def test_no_people_means_no_data(school):
    r = result(school, "pupils-active")
    assert (r.status, r.value, r.series) == (roadmap.NO_DATA, None, ())


def test_grade_range_counts_parents_by_their_children(school):
    small = school.person("Малыш Иван", "pupil", class_name="2А")
    big = school.person("Старший Олег", "pupil", class_name="9А")
    p1 = school.person("Мама Малыша", "parent", children=(small.id,))
    school.person("Мама Старшего", "parent", children=(big.id,))
    school.mark(p1, "parent-active", D(2026, 9, 3))
    catalog = make_catalog([target("primary-parents", "Родители 1–4", ["parent-active"], "parent", 100,
                                   D(2027, 5, 31), grades=(1, 4))])
    r = result(school, "primary-parents", catalog=catalog)
    assert (r.counted, r.done, r.status) == (1, 1, roadmap.MET)


def test_inactive_people_and_other_schools_do_not_count(school):
    from dataclasses import replace

    (a, b) = leaders(school, 2)
    school.people[1] = replace(b, active=False)
    other = SchoolBuilder(School(2, "Другая"))
    (c,) = leaders(other, 1)
    r = result(school, "teachers-online-course")
    assert r.counted == 1


def test_funnel_counts_later_milestones_as_passing_earlier_ones(school):
    pupils = [school.person(f"Ученик{i} Пётр", "pupil", class_name="7А") for i in range(4)]
    school.marks(pupils[0], ["install-max", "login-max", "pupil-join-class", "pupil-first-message"], D(2026, 9, 2))
    school.marks(pupils[1], ["pupil-join-class"], D(2026, 9, 2))  # recorded without the earlier steps
    school.marks(pupils[2], ["install-max"], D(2026, 9, 2))
    rows = {r.group: r for r in roadmap.funnel(make_catalog(), situation(school))}
    assert rows["pupil"].total == 4
    assert rows["pupil"].stages == (("installed", 3), ("logged_in", 2), ("joined", 2), ("first_chat", 1),
                                    ("first_call", None))


def test_next_step_follows_dependencies_and_helpers_are_class_leaders(school):
    (leader,) = leaders(school, 1)  # leads 5А
    admin = school.person("Админ Анна", "administrator")
    kid = school.person("Ребёнок Иван", "pupil", class_name="5А")
    parent = school.person("Родитель Ольга", "parent", children=(kid.id,))
    school.marks(parent, ["install-max", "login-max"], D(2026, 9, 2))
    catalog = make_catalog()
    progress = {p.person.id: p for p in roadmap.people_progress(catalog, situation(school, catalog=catalog))}
    # The first open required step is joining the class; it needs the child first.
    assert progress[parent.id].next_step.id == "parent-child-first"
    assert progress[parent.id].helpers == (leader,)
    assert progress[parent.id].behind
    assert (progress[parent.id].done, progress[parent.id].total) == (2, 7)
    assert progress[kid.id].next_step.id == "install-max"
    assert progress[kid.id].helpers == (leader,)
    assert progress[leader.id].helpers == (admin,)


def test_people_with_every_required_step_done_are_not_behind(school):
    kid = school.person("Ребёнок Иван", "pupil", class_name="7А")
    school.marks(kid, ["install-max", "login-max", "pupil-join-class", "pupil-active"], D(2026, 9, 2))
    (p,) = roadmap.people_progress(make_catalog(), situation(school))
    assert not p.behind
    assert p.next_step.id == "pupil-first-message"  # still open, but not required


def test_primary_pupils_follow_their_own_checklist(school):
    kid = school.person("Малыш Иван", "pupil", class_name="2А")
    (p,) = roadmap.people_progress(make_catalog(), situation(school))
    assert [s.id for s in p.open_required] == ["install-max", "login-max", "primary-join-class", "pupil-active"]
    assert kid.grade == 2


def test_org_steps_and_retired_steps(school):
    school.mark(None, "appoint-administrator", D(2026, 8, 30))
    kid = school.person("Ребёнок Иван", "pupil", class_name="7А")
    school.mark(kid, "old-removed-step", D(2026, 9, 2))
    s = situation(school)
    org = roadmap.org_steps(make_catalog(), s)
    assert [(o.step.id, o.done) for o in org] == [("appoint-administrator", True), ("approve-roadmap", False)]
    assert org[0].mark.day == D(2026, 8, 30)
    assert s.retired == {"old-removed-step": 1}


def test_evaluate_school_bundles_everything(school):
    leaders(school, 2)
    school.person("Ребёнок Иван", "pupil", class_name="5А")
    result_ = roadmap.evaluate_school(make_catalog(), situation(school))
    assert [t.target.id for t in result_.targets][:2] == ["class-leaders-joined", "class-leaders-video-meetings"]
    assert result_.people_by_group["class_leader"] == 2 and result_.people_by_group["pupil"] == 1
    assert [c.name for c in result_.classes] == ["5А", "6А"]
    assert len(result_.behind) == 3


def test_a_target_that_has_not_started_is_not_at_risk(school):
    (a,) = leaders(school, 1)
    catalog = make_catalog([target("later", "Позже", ["online-course"], "teacher", 100, D(2027, 5, 31),
                                   start=D(2026, 10, 1))])
    early = result(school, "later", as_of=D(2026, 9, 20), catalog=catalog)
    assert (early.status, early.pace, early.forecast, early.series) == (roadmap.ON_TRACK, None, None,
                                                                         ((D(2026, 9, 20), 0.0),))
    started = result(school, "later", as_of=D(2026, 10, 1), catalog=catalog)
    assert started.status == roadmap.ON_TRACK and started.pace is None
    stalled = result(school, "later", as_of=D(2026, 11, 1), catalog=catalog)
    assert stalled.status == roadmap.AT_RISK and stalled.pace == 0
