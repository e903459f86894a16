"""Helpers for the road-map, report, kit and reminder tests (no tests here).

A small catalog built in Python (so these tests do not depend on the shipped
content), and a builder of people and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pytest

from sferum_onboard.catalog.model import (
    Catalog, Checklist, GuideRef, OrgStep, Role, RoadMap, SiteSettings, Step, Target, TargetAudience,
)
from sferum_onboard.tracking.model import DONE, Event, Person, School, SchoolClass

NASTY_NAME = "<script>alert(1)</script> Иванов"
FORMULA_NAME = '=HYPERLINK("http://x","y")'


def _step(id, title, guide, *, milestone=None, key=False, depends_on=(), minutes=5, renamed_from=()):
    return Step(
        id=id, title=title, action=f"Сделайте: {title.lower()}.", guide=GuideRef.parse(guide), minutes=minutes,
        platforms=("android", "ios"), done_when="Получилось.", depends_on=tuple(depends_on),
        milestone=milestone, key=key, renamed_from=tuple(renamed_from),
    )


STEPS = [
    _step("install-max", "Установите MAX", "start/install.md#установите-max", milestone="installed", key=True),
    _step("login-max", "Войдите в MAX", "start/login.md#войдите", milestone="logged_in", key=True,
          depends_on=["install-max"]),
    _step("join-organisation", "Присоединитесь к школе", "teacher/join.md#школа", milestone="joined", key=True,
          depends_on=["login-max"], renamed_from=["teacher-join-school"]),
    _step("open-class-chats", "Откройте чаты классов", "teacher/chats.md", milestone="first_chat", key=True,
          depends_on=["join-organisation"]),
    _step("start-call", "Начните звонок", "teacher/calls.md", milestone="first_call", depends_on=["open-class-chats"]),
    _step("online-course", "Пройдите онлайн-курс", "teacher/course.md"),
    _step("set-up-class-chats", "Настройте чаты класса", "class-leader/chats.md", key=True,
          depends_on=["join-organisation"]),
    _step("invite-parents", "Пригласите родителей", "class-leader/invite.md", key=True,
          depends_on=["set-up-class-chats"]),
    _step("video-parent-meeting", "Проведите собрание по видео", "class-leader/meeting.md",
          depends_on=["set-up-class-chats"]),
    _step("create-parent-chat", "Создайте чат для родителей", "specialist/chat.md", depends_on=["join-organisation"]),
    _step("pupil-join-class", "Присоединись к классу", "pupil/join.md", milestone="joined", key=True,
          depends_on=["login-max"]),
    _step("pupil-first-message", "Напиши в чат класса", "pupil/chat.md", milestone="first_chat",
          depends_on=["pupil-join-class"]),
    _step("pupil-active", "Пользуйся Сферумом", "pupil/active.md", depends_on=["pupil-join-class"]),
    _step("primary-join-class", "Присоединись к классу с родителем", "pupil/primary.md", milestone="joined",
          key=True, depends_on=["login-max"]),
    _step("parent-child-first", "Сначала подключите ребёнка", "parent/join-class.md#ребёнок"),
    _step("parent-join-class", "Присоединитесь к классу ребёнка", "parent/join-class.md#класс", milestone="joined",
          key=True, depends_on=["login-max", "parent-child-first"]),
    _step("parent-first-message", "Напишите в чат класса", "parent/chats.md", milestone="first_chat", key=True,
          depends_on=["parent-join-class"]),
    _step("parent-join-call", "Подключитесь к звонку", "parent/calls.md", milestone="first_call", key=True,
          depends_on=["parent-join-class"]),
    _step("parent-active", "Пользуйтесь Сферумом", "parent/active.md", depends_on=["parent-join-class"]),
    _step("admin-check-users", "Проверьте списки", "administrator/check.md", key=True, depends_on=["login-max"]),
]

CHECKLISTS = [
    Checklist("administrator", "Чек-лист администратора", ("administrator",), 1, "",
              ("install-max", "login-max", "admin-check-users")),
    Checklist("teacher", "Чек-лист учителя", ("teacher",), 1, "",
              ("install-max", "login-max", "join-organisation", "open-class-chats", "start-call", "online-course")),
    Checklist("class-leader", "Чек-лист классного руководителя", ("class_leader",), 1, "",
              ("set-up-class-chats", "invite-parents", "video-parent-meeting")),
    Checklist("specialist", "Чек-лист специалиста", ("specialist",), 1, "", ("create-parent-chat",)),
    Checklist("pupil", "Чек-лист ученика", ("pupil",), 1, "",
              ("install-max", "login-max", "pupil-join-class", "pupil-first-message", "pupil-active")),
    Checklist("pupil-primary", "Чек-лист ученика 1–4 классов", ("pupil",), 1, "",
              ("install-max", "login-max", "primary-join-class", "pupil-active"), grades=(1, 4)),
    Checklist("parent", "Чек-лист родителя", ("parent",), 2, "",
              ("parent-child-first", "install-max", "login-max", "parent-join-class", "parent-first-message",
               "parent-join-call", "parent-active")),
]

ROLES = [
    Role("administrator", "Администратор", "", "Администраторы"),
    Role("teacher", "Учитель", "", "Учителя"),
    Role("class_leader", "Классный руководитель", "", "Классные руководители", inherits="teacher"),
    Role("specialist", "Специалист", "", "Специалисты", inherits="teacher"),
    Role("pupil", "Ученик", "", "Ученики"),
    Role("parent", "Родитель", "", "Родители"),
]

ORG_STEPS = [
    OrgStep("appoint-administrator", "Назначьте администратора приказом", "Издайте приказ.",
            GuideRef.parse("school/documents.md#приказ"), "Приказ подписан."),
    OrgStep("approve-roadmap", "Утвердите дорожную карту", "Утвердите.",
            GuideRef.parse("school/documents.md#карта"), "Карта утверждена."),
]


def target(id, title, steps, role, pct, due, *, match="all", class_leader=None, specialist=None, grades=None,
           start=dt.date(2026, 9, 1)):
    return Target(id, title, tuple(steps), TargetAudience(role, class_leader, specialist, grades), pct, due,
                  match, start)


TARGETS = [
    target("class-leaders-joined", "Классные руководители в школе и с чатами",
           ["join-organisation", "set-up-class-chats"], "teacher", 100, dt.date(2026, 9, 30), class_leader=True),
    target("class-leaders-video-meetings", "Собрания по видео", ["video-parent-meeting"], "teacher", 100,
           dt.date(2027, 5, 31), class_leader=True),
    target("teachers-online-course", "Онлайн-курс", ["online-course"], "teacher", 100, dt.date(2027, 5, 31)),
    target("parents-active", "Родители активны", ["parent-active"], "parent", 80, dt.date(2027, 5, 31)),
    target("pupils-active", "Ученики активны", ["pupil-active"], "pupil", 70, dt.date(2027, 5, 31)),
]


def make_catalog(targets=None, site_url="https://school.example/guide/") -> Catalog:
    steps = {s.id: s for s in STEPS}
    renames = {old: s.id for s in STEPS for old in s.renamed_from}
    return Catalog(
        root=Path("."),
        roles=MappingProxyType({r.id: r for r in ROLES}),
        steps=MappingProxyType(steps),
        checklists=MappingProxyType({c.id: c for c in CHECKLISTS}),
        org_steps=MappingProxyType({s.id: s for s in ORG_STEPS}),
        roadmap=RoadMap("2026/2027", tuple(TARGETS if targets is None else targets)),
        settings=SiteSettings("МБОУ СОШ № 1 (тест)", "СОШ № 1", site_url, MappingProxyType({})),
        renames=MappingProxyType(renames),
    )


@dataclass
class SchoolBuilder:
    """People and events for one school, with ids unique across builders."""

    school: School
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    classes: dict[str, SchoolClass] = field(default_factory=dict)
    _ids: list[int] = field(default_factory=lambda: [0])

    def _next(self) -> int:
        self._ids[0] += 1
        return self.school.id * 1_000_000 + self._ids[0]

    def person(self, name, role, **kw) -> Person:
        person = Person(self._next(), self.school.id, name, role, **kw)
        self.people.append(person)
        for class_name in person.led_classes:
            self.add_class(class_name, leader_id=person.id)
        if person.class_name:
            self.add_class(person.class_name)
        return person

    def add_class(self, name, leader_id=None, invite_link=None):
        old = self.classes.get(name)
        self.classes[name] = SchoolClass(
            old.id if old else len(self.classes) + 1, self.school.id, name, int(name[:-1]),
            leader_id or (old.leader_id if old else None), invite_link or (old.invite_link if old else None),
        )

    def mark(self, person, step_id, day, action=DONE):
        at = dt.datetime.combine(day, dt.time(12, 0)) if isinstance(day, dt.date) and not isinstance(
            day, dt.datetime) else day
        self.events.append(Event(len(self.events) + 1, self.school.id, person.id if person else None, step_id,
                                 action, at, "тест", "meeting"))

    def marks(self, person, step_ids, day):
        for step_id in step_ids:
            self.mark(person, step_id, day)


def into_store(store, builder: SchoolBuilder):
    """Put a built school into a real store (through the ordinary roster import) with its events.

    Returns the stored school and a map from the builder's person ids to the store's.
    """
    from sferum_onboard.tracking.roster import Roster, RosterPerson
    from sferum_onboard.tracking.store import NewEvent

    school = store.get_or_create_school(builder.school.name)
    by_id = {p.id: p for p in builder.people}
    rows = {"staff": [], "pupils": [], "parents": []}
    for person in builder.people:
        if person.role in ("teacher", "administrator"):
            kind, extra = "staff", dict(position=person.position, specialist=person.specialist,
                                        led_classes=person.led_classes)
        elif person.role == "pupil":
            kind, extra = "pupils", dict(class_name=person.class_name)
        else:
            kind, extra = "parents", dict(children=tuple((by_id[c].full_name, by_id[c].class_name)
                                                         for c in person.children))
        rows[kind].append(RosterPerson(len(rows[kind]) + 2, kind, person.full_name, person.role,
                                       contact=person.contact, **extra))
    for kind in ("staff", "pupils", "parents"):
        if rows[kind]:
            roster = Roster(Path(f"{kind}.csv"), kind, "utf-8", tuple(rows[kind]), ())
            store.apply_import(store.plan_import(school, roster))
    stored = {(p.role, p.full_name): p.id for p in store.people(school, active=None)}
    ids = {p.id: stored[(p.role, " ".join(p.full_name.split()))] for p in builder.people}
    for school_class in builder.classes.values():
        if school_class.invite_link:
            store.set_invite_link(school, school_class.name, school_class.invite_link)
    if builder.events:
        store.append_events([
            NewEvent(school.id, ids[e.person_id] if e.person_id else None, e.step_id, e.action, e.at,
                     e.recorded_by, e.source) for e in builder.events], return_events=False)
    return school, ids


REPO = Path(__file__).resolve().parent.parent
SEPTEMBER = dt.date(2026, 9, 1)


def small_school(school_id: int = 1, name: str = "МБОУ СОШ № 7", nasty: bool = True) -> SchoolBuilder:
    """Two classes with their class leaders, staff, pupils and parents, on the shipped catalog's steps.

    A pupil and a parent carry hostile names (markup and a spreadsheet formula)
    when `nasty` is set; a mother has children in both classes.
    """
    b = SchoolBuilder(School(school_id, name))
    admin = b.person("Админова Анна Петровна", "administrator", position="заместитель директора")
    lead_7a = b.person("Петрова Мария Ивановна", "teacher", class_leader=True, led_classes=("7А",),
                       contact="+7 900 111-22-33")
    lead_2b = b.person("Сидорова Ольга Павловна", "teacher", class_leader=True, led_classes=("2Б",))
    b.person("Психологова Ирина Олеговна", "teacher", specialist=True, position="педагог-психолог")
    teacher = b.person("Физиков Пётр Ильич", "teacher")
    pupils_7a = [b.person(f"Ученик{i} Иван Петрович", "pupil", class_name="7А") for i in range(4)]
    pupils_2b = [b.person(f"Малыш{i} Лев Олегович", "pupil", class_name="2Б") for i in range(3)]
    if nasty:
        pupils_7a.append(b.person(NASTY_NAME, "pupil", class_name="7А"))
    mother = b.person("Мамина Анна Сергеевна", "parent", children=(pupils_7a[0].id, pupils_2b[0].id),
                      contact="+7 900 000-00-01")
    parents = [b.person(f"Родитель{i} Олег Иванович", "parent", children=(p.id,))
               for i, p in enumerate(pupils_7a[1:3] + pupils_2b[1:])]
    if nasty:
        parents.append(b.person(FORMULA_NAME, "parent", children=(pupils_7a[-1].id,)))
    day = SEPTEMBER + dt.timedelta(days=2)
    b.mark(None, "appoint-administrator", dt.date(2026, 8, 28))
    for person in (admin, lead_7a, lead_2b, teacher):
        b.marks(person, ["install-max", "login-max"], day)
    for leader in (lead_7a, lead_2b):
        b.marks(leader, ["join-organisation", "set-up-class-chats", "invite-pupils", "invite-parents"],
                day + dt.timedelta(days=1))
    b.marks(lead_7a, ["video-parent-meeting", "online-course"], dt.date(2026, 10, 20))
    for pupil in pupils_7a[:3]:
        b.marks(pupil, ["install-max", "login-max", "pupil-join-class"], dt.date(2026, 9, 10))
    b.marks(pupils_7a[0], ["pupil-active"], dt.date(2026, 10, 1))
    b.marks(mother, ["parent-child-first", "install-max", "login-max", "parent-join-class", "parent-active"],
            dt.date(2026, 9, 12))
    b.mark(parents[0], "install-max", dt.date(2026, 9, 12))
    return b


PROJECT = ["--project", str(REPO)]


def run(*args, code: int = 0) -> str:
    """Run the command line; check its exit code; return what it printed."""
    from click.testing import CliRunner

    from sferum_onboard.cli import cli

    result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def school_db(tmp_path):
    """A real SQLite store holding `small_school()`."""
    from sferum_onboard.tracking.store import Store

    db = str(tmp_path / "store.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school())
    return db


@pytest.fixture(scope="module")
def catalog():
    from sferum_onboard.catalog import load_catalog

    return load_catalog(REPO)


PUBLIC_URL = "https://school.example.ru/sferum/"


@pytest.fixture(scope="session")
def public_project(tmp_path_factory) -> list[str]:
    """`--project` of a copy of the shipped project whose site is published at PUBLIC_URL.

    The shipped site_url is the local preview's address, which `kit` and
    `remind` refuse to print.
    """
    import re

    from tests.sitekit import copy_project

    project = copy_project(tmp_path_factory.mktemp("public") / "project")
    settings = project / "site_config" / "site.yml"
    text = settings.read_text("utf-8")
    settings.write_text(re.sub(r"(?m)^site_url:.*$", f"site_url: {PUBLIC_URL}", text), "utf-8")
    return ["--project", str(project)]


def libreoffice_convert(source: Path, target: str, outdir: Path, profile: Path) -> Path:
    """Convert a file with LibreOffice (.ci/run installs it), as a school opening our XLSX would; `profile`
    is a private user profile, so parallel runs do not collide. Returns the output folder."""
    import shutil
    import subprocess

    from tests.conftest import require

    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice (soffice) не установлен")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return outdir
