"""A fictional demo school the size of the seed school, with a term of progress.

Everything is generated from short lists of common Russian names with a
fixed seed, so the same school comes out every time and no real person is
in it. The shape follows the seed school (a rural secondary school: grades
1–11, about 20 classes, 45 teachers with 20 class leaders and 4 narrow
specialists, about 450 pupils and 400 families), and its progress the seed
school's results: every class leader joined the day after the practicum
and set up class chats; 80% of parents and 70% of pupils are active; 5% of
teachers held a parent meeting by video; 60% are taking the online course.

`demo_rosters` and `demo_events` are pure; `load_demo` puts them into a
store through the ordinary roster import, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from sferum_onboard.tracking.classes import grade_of
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE
from sferum_onboard.tracking.roster import Roster, RosterPerson

DEMO_SCHOOL = "Демо-школа № 2 (вымышленная)"
SEED = 2026
START = dt.date(2026, 8, 27)  # the order appointing the administrator
PRACTICUM = dt.date(2026, 9, 3)  # the teachers' practicum; class leaders joined the next day
END = dt.date(2026, 11, 27)  # the last day with events: the end of the first term
CLASSES = tuple(f"{g}{letter}" for g in range(1, 10) for letter in "АБ") + ("10А", "11А")
PUPILS_PER_CLASS = (20, 25)

SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров",
    "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов",
    "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
    "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
    "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
    "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов",
    "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
    "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев",
    "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков",
)
MALE = (
    "Александр", "Алексей", "Андрей", "Артём", "Владимир", "Даниил", "Дмитрий", "Егор", "Иван", "Илья",
    "Кирилл", "Максим", "Матвей", "Михаил", "Никита", "Павел", "Роман", "Сергей", "Тимофей", "Фёдор",
    "Ярослав", "Глеб", "Денис", "Евгений", "Константин", "Лев", "Марк", "Николай", "Олег", "Степан",
)
FEMALE = (
    "Алиса", "Анастасия", "Анна", "Арина", "Варвара", "Вера", "Виктория", "Дарья", "Ева", "Екатерина",
    "Елизавета", "Ксения", "Мария", "Милана", "Надежда", "Наталья", "Ольга", "Полина", "Софья", "Таисия",
    "Ульяна", "Юлия", "Алёна", "Василиса", "Валентина", "Галина", "Ирина", "Людмила", "Светлана", "Татьяна",
)
# A father's name → the patronymic of a son and of a daughter.
PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"), "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"), "Владимир": ("Владимирович", "Владимировна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Иван": ("Иванович", "Ивановна"), "Игорь": ("Игоревич", "Игоревна"), "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"), "Олег": ("Олегович", "Олеговна"), "Павел": ("Павлович", "Павловна"),
    "Сергей": ("Сергеевич", "Сергеевна"), "Юрий": ("Юрьевич", "Юрьевна"), "Виктор": ("Викторович", "Викторовна"),
    "Роман": ("Романович", "Романовна"), "Максим": ("Максимович", "Максимовна"), "Денис": ("Денисович", "Денисовна"),
    "Антон": ("Антонович", "Антоновна"), "Константин": ("Константинович", "Константиновна"),
}
SUBJECTS = ("Русский язык и литература", "Математика", "Физика", "Информатика", "Химия", "Биология",
            "География", "История и обществознание", "Английский язык", "Немецкий язык", "Физическая культура",
            "ИЗО и технология", "Музыка", "ОБЗР")
SPECIALISTS = ("педагог-психолог", "учитель-логопед", "социальный педагог", "учитель-дефектолог")

# Shares of each audience who have done a step by the end of the term; steps not named
# here get a share that falls along the checklist. Where the seed school gave a figure,
# the share is that figure.
SHARES = {
    "teacher": {"install-max": 1.0, "login-max": 1.0, "join-organisation": 1.0, "check-my-classes": 0.95,
                "enable-2fa": 0.45, "open-class-chats": 1.0, "create-subject-chat": 0.8,
                "invite-to-subject-chat": 0.75, "post-materials": 1.0, "start-call": 0.85,
                "video-consultation": 0.3, "online-course": 0.6},
    "class_leader": {"set-up-class-chats": 1.0, "invite-pupils": 1.0, "invite-parents": 1.0,
                     "hold-class-hour": 1.0, "hold-onboarding-meeting": 1.0, "check-class-members": 0.9,
                     "call-class-chat": 1.0},
    "specialist": {"create-parent-chat": 0.5, "write-chat-rules": 0.5, "invite-parents-to-specialist-chat": 0.25,
                   "specialist-consultation": 0.25},
    "pupil": {"install-max": 0.9, "login-max": 0.88, "pupil-join-class": 0.85, "pupil-safe-mode": 0.6,
              "pupil-first-message": 0.78, "pupil-open-file": 0.72, "pupil-join-call": 0.66,
              "safety-basics": 0.55, "enable-2fa": 0.2, "pupil-active": 0.7,
              "primary-child-number": 0.93, "primary-join-class": 0.86, "primary-safety-talk": 0.74,
              "primary-first-message": 0.77, "primary-join-call": 0.62},
    "parent": {"parent-child-first": 0.95, "install-max": 0.93, "login-max": 0.91, "parent-join-class": 0.88,
               "parent-first-message": 0.84, "parent-join-call": 0.6, "parent-family-protection": 0.35,
               "safety-basics": 0.5, "enable-2fa": 0.3, "parent-active": 0.8},
}
VIDEO_MEETING_STEP, VIDEO_MEETING_SHARE_OF_TEACHERS = "video-parent-meeting", 0.05
ORG_STEPS = {"appoint-administrator": dt.date(2026, 8, 27), "approve-regulation": dt.date(2026, 8, 28),
             "create-working-group": dt.date(2026, 8, 28), "approve-roadmap": dt.date(2026, 8, 31),
             "hold-teacher-practicum": PRACTICUM, "hold-class-hours": dt.date(2026, 9, 11),
             "hold-parent-meetings": dt.date(2026, 9, 25)}


@dataclass(frozen=True)
class DemoEvent:
    """An event of the demo, naming people by (role, full name) until they have ids."""

    who: tuple[str, str] | None  # (role, full name); None for a school step
    step_id: str
    action: str
    at: dt.datetime
    source: str
    recorded_by: str | None = None


def _female(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    return surname


class _Names:
    """Unique full names: a namesake in a demo would only confuse."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, female: bool, surname: str | None = None, first: str | None = None,
               father: str | None = None) -> str:
        """A new name; a family's surname, a father's own first name and a child's father are kept when given."""
        for attempt in range(1000):
            # The family is kept while it can give a new name; then any surname will do.
            family = surname if surname and attempt < 50 else self.rng.choice(SURNAMES)
            own = first if first and attempt < 50 else self.rng.choice(FEMALE if female else MALE)
            dad = father if father and attempt < 50 else self.rng.choice(tuple(PATRONYMICS))
            name = f"{_female(family) if female else family} {own} {PATRONYMICS[dad][1 if female else 0]}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("demo names exhausted")  # cannot happen with these lists


@dataclass
class _Family:
    surname: str  # the male form
    father: str  # the father's first name: the children's patronymic
    mother_tracked: bool  # which parent the school's list names
    children: list[tuple[str, str]]  # (name, class)


def demo_rosters(seed: int = SEED) -> tuple[Roster, Roster, Roster]:
    """(staff, pupils, parents) rosters of the demo school, the same every time."""
    rng = random.Random(seed)
    names = _Names(rng)
    staff: list[RosterPerson] = []
    row = 1
    staff.append(RosterPerson(row := row + 1, "staff", names.person(True), "administrator",
                              position="заместитель директора по УВР, администратор Сферума",
                              subjects=("Математика",)))
    for class_name in CLASSES:
        name = names.person(rng.random() < 0.85)
        grade = grade_of(class_name)
        subject = ("Начальные классы",) if grade <= 4 else (rng.choice(SUBJECTS),)
        staff.append(RosterPerson(row := row + 1, "staff", name, "teacher", position="учитель",
                                  led_classes=(class_name,), subjects=subject,
                                  classes_taught=(class_name,) if grade <= 4 else _taught(rng, class_name)))
    for position in SPECIALISTS:
        staff.append(RosterPerson(row := row + 1, "staff", names.person(True), "teacher",
                                  position=position, specialist=True))
    for index in range(16):
        subject = SUBJECTS[index % len(SUBJECTS)]
        staff.append(RosterPerson(row := row + 1, "staff", names.person(rng.random() < 0.8), "teacher",
                                  position="учитель", subjects=(subject,),
                                  classes_taught=_taught(rng, rng.choice(CLASSES[8:]))))
    pupils: list[RosterPerson] = []
    families: list[_Family] = []
    row = 1
    for class_name in CLASSES:
        for _ in range(rng.randint(*PUPILS_PER_CLASS)):
            # About one pupil in eight has a brother or sister in another class: one family, one household.
            family = rng.choice(families) if families and rng.random() < 0.12 else None
            if family is not None and any(c == class_name for _, c in family.children):
                family = None
            if family is None:
                family = _Family(rng.choice(SURNAMES), rng.choice(tuple(PATRONYMICS)), rng.random() < 0.8, [])
                families.append(family)
            name = names.person(rng.random() < 0.5, family.surname, father=family.father)
            pupils.append(RosterPerson(row := row + 1, "pupils", name, "pupil", class_name=class_name))
            family.children.append((name, class_name))
    parents: list[RosterPerson] = []
    row = 1
    for family in families:
        if family.mother_tracked:
            name = names.person(True, family.surname)
        else:
            name = names.person(False, family.surname, first=family.father)
        phone = f"+7 9{rng.randint(0, 99):02d} {rng.randint(0, 999):03d}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"
        parents.append(RosterPerson(row := row + 1, "parents", name, "parent", children=tuple(family.children),
                                    contact=phone))
    source = Path("demo")
    return (Roster(source / "staff", "staff", None, tuple(staff), ()),
            Roster(source / "pupils", "pupils", None, tuple(pupils), ()),
            Roster(source / "parents", "parents", None, tuple(parents), ()))


def _taught(rng: random.Random, around: str) -> tuple[str, ...]:
    grade = grade_of(around)
    grades = sorted({max(5, min(9, grade + d)) for d in (-1, 0, 1)})
    return tuple(f"{g}{letter}" for g in grades for letter in "АБ")


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    day = min(day, END)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))


def demo_events(catalog, staff: Roster, pupils: Roster, parents: Roster, seed: int = SEED) -> list[DemoEvent]:
    """The term's events for the demo rosters, the same every time for the same catalog."""
    rng = random.Random(seed + 1)
    events: list[DemoEvent] = []
    leaders = {c: p.full_name for p in staff.people for c in p.led_classes}
    class_hour = {c: PRACTICUM + dt.timedelta(days=4 + i % 5) for i, c in enumerate(CLASSES)}
    meeting = {c: dt.date(2026, 9, 14) + dt.timedelta(days=i % 10) for i, c in enumerate(CLASSES)}

    def walk(person_key, steps, shares_for, rank: float, start: dt.date, spacing: int, source_of, by):
        """Steps a person has done: those whose share covers the person's rank, dated along the checklist."""
        day = start
        for index, step in enumerate(steps):
            share = shares_for(step.id, index)
            if rank >= share:
                continue
            if index:  # the first steps are done at the meeting itself, the rest over the term
                day += dt.timedelta(days=rng.randint(0, spacing if index > 3 else 1))
            events.append(DemoEvent(person_key, step.id, DONE, _at(day, rng), source_of(step.id), by))

    def falling(table):
        return lambda step_id, index: table.get(step_id, max(0.3, 0.9 - 0.07 * index))

    # The administrator did everything before the practicum.
    for person in staff.people:
        if person.role == "administrator":
            for index, step in enumerate(catalog.steps_for_person("administrator")):
                events.append(DemoEvent(("administrator", person.full_name), step.id, DONE,
                                        _at(START + dt.timedelta(days=index // 3), rng), "self", person.full_name))
    teachers = [p for p in staff.people if p.role == "teacher"]
    order = teachers[:]
    rng.shuffle(order)
    rank = {p.full_name: i / len(order) for i, p in enumerate(order)}
    video = round(VIDEO_MEETING_SHARE_OF_TEACHERS * len(teachers))
    leader_order = [p for p in order if p.led_classes]
    for group, key in (("class_leader", "led_classes"), ("specialist", "specialist")):
        members = [p for p in order if getattr(p, key)]
        for i, p in enumerate(members):
            rank[(group, p.full_name)] = i / len(members)
    teacher_steps = {s.id for s in catalog.steps_for_person("teacher")}
    for person in teachers:
        steps = catalog.steps_for_person("teacher", class_leader=bool(person.led_classes),
                                         specialist=person.specialist)
        for index, step in enumerate(steps):
            if step.id in teacher_steps:
                done = rank[person.full_name] < falling(SHARES["teacher"])(step.id, index)
            elif step.id == VIDEO_MEETING_STEP:
                done = person in leader_order[:video]
            elif person.led_classes and ("class_leader", person.full_name) in rank:
                done = rank[("class_leader", person.full_name)] < falling(SHARES["class_leader"])(step.id, index)
            else:
                done = rank.get(("specialist", person.full_name), 1) < falling(SHARES["specialist"])(step.id, index)
            if not done:
                continue
            day = _teacher_day(step.id, index, person, class_hour, meeting, rng)
            events.append(DemoEvent(("teacher", person.full_name), step.id, DONE, _at(day, rng),
                                    "meeting" if day <= PRACTICUM + dt.timedelta(days=1) else "self",
                                    person.full_name))
    # Pupils at their class hour, the rest over the term.
    pupil_order = list(pupils.people)
    rng.shuffle(pupil_order)
    for i, person in enumerate(pupil_order):
        steps = catalog.steps_for_person("pupil", grade=grade_of(person.class_name))
        walk(("pupil", person.class_name + " " + person.full_name), steps, falling(SHARES["pupil"]),
             i / len(pupil_order), class_hour[person.class_name], 9,
             lambda step_id: "meeting" if step_id in ("install-max", "login-max") else "sheet",
             leaders.get(person.class_name))
    # Parents at their class's meeting (the first child's class), the rest over the term.
    parent_order = list(parents.people)
    rng.shuffle(parent_order)
    parent_steps = catalog.steps_for_person("parent")
    done_parents: set[tuple[str, str]] = set()
    for i, person in enumerate(parent_order):
        first_class = person.children[0][1]
        before = len(events)
        walk(("parent", person.full_name), parent_steps, falling(SHARES["parent"]), i / len(parent_order),
             meeting[first_class], 10, lambda step_id: "meeting" if step_id != "parent-active" else "sheet",
             leaders.get(first_class))
        done_parents.update((e.who[1], e.step_id) for e in events[before:])
        # Family protection is for younger children: parents of seniors only are marked «not needed».
        if all(grade_of(c) >= 10 for _, c in person.children) and \
                (person.full_name, "parent-family-protection") not in done_parents:
            events.append(DemoEvent(("parent", person.full_name), "parent-family-protection", NOT_APPLICABLE,
                                    _at(meeting[first_class], rng), "meeting", leaders.get(first_class)))
    # History: a few parents left the class chat by mistake and were let back in.
    for person in parent_order[:6]:
        if (person.full_name, "parent-join-class") in done_parents:
            day = meeting[person.children[0][1]] + dt.timedelta(days=20)
            by = leaders.get(person.children[0][1])
            events.append(DemoEvent(("parent", person.full_name), "parent-join-class", UNDONE, _at(day, rng), "meeting", by))
            events.append(DemoEvent(("parent", person.full_name), "parent-join-class", DONE,
                                    _at(day + dt.timedelta(days=3), rng), "meeting", by))
    for step_id, day in ORG_STEPS.items():
        if step_id in catalog.org_steps:
            events.append(DemoEvent(None, step_id, DONE, dt.datetime.combine(day, dt.time(15, 0)), "meeting", None))
    return [e for e in events if e.step_id in catalog.steps or e.step_id in catalog.org_steps]


def _teacher_day(step_id: str, index: int, person: RosterPerson, class_hour, meeting, rng) -> dt.date:
    led = person.led_classes[0] if person.led_classes else None
    fixed = {"install-max": PRACTICUM, "login-max": PRACTICUM, "join-organisation": PRACTICUM + dt.timedelta(days=1),
             "set-up-class-chats": PRACTICUM + dt.timedelta(days=1), "check-my-classes": PRACTICUM + dt.timedelta(days=2),
             "open-class-chats": PRACTICUM + dt.timedelta(days=1), "invite-pupils": PRACTICUM + dt.timedelta(days=2),
             "invite-parents": PRACTICUM + dt.timedelta(days=2)}
    if step_id in fixed:
        return fixed[step_id]
    if step_id == "hold-class-hour" and led:
        return class_hour[led]
    if step_id == "hold-onboarding-meeting" and led:
        return meeting[led]
    if step_id == VIDEO_MEETING_STEP:
        return dt.date(2026, 11, 20)
    return PRACTICUM + dt.timedelta(days=3 + index * 4 + rng.randint(0, 20))


@dataclass(frozen=True)
class DemoResult:
    school: object
    loaded: bool  # False when the demo school was already there
    classes: int
    staff: int
    class_leaders: int
    specialists: int
    pupils: int
    parents: int
    events: int


def load_demo(store, catalog, seed: int = SEED) -> DemoResult:
    """Put the demo school into a store; a second call finds it and changes nothing."""
    from sferum_onboard.tracking.store import NewEvent

    staff, pupils, parents = demo_rosters(seed)
    school = store.get_or_create_school(DEMO_SCHOOL)
    # A school with events is a loaded demo: leave it as it is (even if a newer version would
    # generate other names). Without events, the import is idempotent by itself, so a load
    # that was killed between the lists and the events is simply completed.
    loaded = store.last_event_id(school) == 0
    if loaded:
        for roster in (pupils, staff, parents):
            store.apply_import(store.plan_import(school, roster))
        ids = {}
        for person in store.people(school, active=None):
            key = person.full_name if person.role != "pupil" else f"{person.class_name} {person.full_name}"
            ids[(person.role, key)] = person.id
        batch = [NewEvent(school.id, ids[e.who] if e.who else None, e.step_id, e.action, e.at, e.recorded_by, e.source)
                 for e in demo_events(catalog, staff, pupils, parents, seed)]
        store.append_events(sorted(batch, key=lambda e: e.at), return_events=False)
    people = store.people(school)
    return DemoResult(
        school=school, loaded=loaded, classes=len(store.classes(school)),
        staff=sum(p.role in ("teacher", "administrator") for p in people),
        class_leaders=sum(p.class_leader for p in people), specialists=sum(p.specialist for p in people),
        pupils=sum(p.role == "pupil" for p in people), parents=sum(p.role == "parent" for p in people),
        events=len(store.events(school)),
    )
