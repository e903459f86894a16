"""The seed school's year, rebuilt person by person: the report must state its results.

MBOU Balakhta school No. 2 (SFERUM_FACTS §8): the day after the practicum
100% of class leaders had joined and had class chats; by the year's end 5%
held parent meetings by video, 60% of teachers were taking the online
course, and 80% of parents and 70% of pupils were active. The school is
built at the seed's size (45 teachers with 20 class leaders and 4
specialists, 440 pupils in 20 classes, 400 parents of whom 40 have two
children at the school) with events that match, loaded into a real store,
and reported through the command line.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from sferum_onboard.catalog import load_catalog
from sferum_onboard.cli import cli
from sferum_onboard.tracking.model import School
from sferum_onboard.tracking.store import Store
from tests.test_report_support import REPO, SchoolBuilder, into_store

CLASSES = tuple(f"{g}{letter}" for g in range(1, 10) for letter in "АБ") + ("10А", "11А")
PRACTICUM = dt.date(2026, 9, 3)
YEAR_END = dt.date(2026, 11, 20)
SEED_RESULTS = {  # road-map target -> the share the seed school reported
    "class-leaders-class-chats": "100\u00a0%",
    "class-leaders-video-meetings": "5\u00a0%",
    "teachers-online-course": "60\u00a0%",
    "parents-active": "80\u00a0%",
    "pupils-active": "70\u00a0%",
}


def seed_school() -> SchoolBuilder:
    b = SchoolBuilder(School(1, "МБОУ Балахтинская СОШ № 2 (модель)"))
    b.person("Администратор Анна Петровна", "administrator", position="заместитель директора")
    leaders = [b.person(f"Классрук{n} Мария Ивановна", "teacher", class_leader=True, led_classes=(name,))
               for n, name in enumerate(CLASSES)]
    specialists = [b.person(f"Специалист{n} Ирина Олеговна", "teacher", specialist=True, position=position)
                   for n, position in enumerate(("педагог-психолог", "учитель-логопед", "социальный педагог",
                                                 "учитель-дефектолог"))]
    subject = [b.person(f"Предметник{n} Пётр Ильич", "teacher") for n in range(21)]
    teachers = leaders + specialists + subject
    pupils = [b.person(f"Ученик{c}{n} Иван Сергеевич", "pupil", class_name=c) for c in CLASSES for n in range(22)]
    parents = []
    for n in range(400):
        children = (pupils[n].id,) if n >= 40 else (pupils[n].id, pupils[400 + n].id)  # 40 with two children
        parents.append(b.person(f"Родитель{n} Ольга Николаевна", "parent", children=children))
    assert (len(teachers), len(pupils), len(parents)) == (45, 440, 400)

    day_after = PRACTICUM + dt.timedelta(days=1)
    for teacher in teachers:
        b.marks(teacher, ["install-max", "login-max", "join-organisation", "post-materials"], PRACTICUM)
    for leader in leaders:
        b.marks(leader, ["set-up-class-chats", "invite-pupils", "invite-parents"], day_after)
        b.mark(leader, "call-class-chat", dt.date(2026, 10, 5))
    b.mark(leaders[0], "video-parent-meeting", dt.date(2026, 10, 15))  # 1 of 20: 5%
    for n, teacher in enumerate(teachers[:27]):  # 27 of 45: 60%
        b.mark(teacher, "online-course", PRACTICUM + dt.timedelta(days=10 + n))
    for n, parent in enumerate(parents[:320]):  # 320 of 400: 80%
        day = PRACTICUM + dt.timedelta(days=7 + n % 60)
        b.marks(parent, ["parent-child-first", "install-max", "login-max", "parent-join-class", "parent-active"], day)
    for n, pupil in enumerate(pupils[:308]):  # 308 of 440: 70%
        day = PRACTICUM + dt.timedelta(days=5 + n % 70)
        join = "primary-join-class" if pupil.grade <= 4 else "pupil-join-class"
        b.marks(pupil, ["install-max", "login-max", join, "pupil-active"], day)
    for step in ("appoint-administrator", "approve-regulation", "create-working-group", "approve-roadmap"):
        b.mark(None, step, dt.date(2026, 8, 28))
    b.mark(None, "hold-teacher-practicum", PRACTICUM)
    return b


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    db = str(folder / "seed.sqlite")
    with Store.open(db) as store:
        into_store(store, seed_school())
    result = CliRunner().invoke(cli, ["report", "--project", str(REPO), "--db", db, "-o", str(folder / "out"),
                                      "--as-of", YEAR_END.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "out", result.output


def test_the_report_states_the_seed_results(seed_report):
    out, output = seed_report
    text = (out / "report.html").read_text(encoding="utf-8")
    cards = dict(re.findall(r'data-target="([^"]+)">.*?<span class="value" data-value>([^<]*)</span>', text, re.S))
    for target, share in SEED_RESULTS.items():
        assert html.unescape(cards[target]) == share, target


def test_the_terminal_summary_states_them_too(seed_report):
    _, output = seed_report
    catalog = load_catalog(REPO)
    titles = {t.id: t.title for t in catalog.roadmap.targets}
    for target, share in SEED_RESULTS.items():
        assert any(line.startswith(f"«{titles[target]}»: {share} ") for line in output.splitlines()), target


def test_the_workbook_holds_the_same_numbers(seed_report):
    out, _ = seed_report
    catalog = load_catalog(REPO)
    titles = {t.title: t.id for t in catalog.roadmap.targets}
    summary = CalamineWorkbook.from_path(str(out / "report.xlsx")).get_sheet_by_name("Сводка").to_python()
    shares = {titles[row[0]]: row[5] for row in summary if row[0] in titles}
    assert shares["class-leaders-class-chats"] == 1.0
    assert shares["class-leaders-video-meetings"] == pytest.approx(0.05)
    assert shares["teachers-online-course"] == pytest.approx(0.6)
    assert shares["parents-active"] == pytest.approx(0.8)
    assert shares["pupils-active"] == pytest.approx(0.7)
    counted = {titles[row[0]]: (row[2], row[3]) for row in summary if row[0] in titles}
    assert counted["parents-active"] == (320, 400)  # a parent of two counts once
    assert counted["class-leaders-class-chats"] == (20, 20)


def test_the_class_leaders_joined_the_day_after_the_practicum(seed_report):
    out, _ = seed_report
    rows = CalamineWorkbook.from_path(str(out / "report.xlsx")).get_sheet_by_name("Динамика").to_python()
    catalog = load_catalog(REPO)
    title = next(t.title for t in catalog.roadmap.targets if t.id == "class-leaders-class-chats")
    column = rows[0].index(title)
    by_day = {row[0]: row[column] for row in rows[1:]}
    assert by_day[dt.date(2026, 9, 1)] == 0.0
    assert by_day[dt.date(2026, 9, 8)] == 1.0  # the first weekly point after the practicum
