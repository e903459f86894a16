"""`sferum-onboard remind`: the next step, the guide and a message per person who is behind."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

import pytest

from sferum_onboard.catalog import load_catalog
from sferum_onboard.outputs import remind
from sferum_onboard.site.urls import phone_link
from sferum_onboard.tracking.model import Person, School
from sferum_onboard.tracking.store import Store
from sferum_onboard.wording import plural
from tests.test_report_support import (  # noqa: F401 (fixtures)
    FORMULA_NAME, NASTY_NAME, REPO, SEPTEMBER, SchoolBuilder, _step, into_store, small_school,
    PROJECT, PUBLIC_URL, catalog, public_project, run, school_db,
)



def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_text_blocks_for_a_class(school_db, public_project):
    output = run("remind", "--class", "7а", *public_project, "--db", school_db)
    blocks = output.split("\n\n")
    assert blocks[0] == ("Напоминания: 10 человек. Каждое сообщение — для одного человека; куда его отправить, "
                         "сказано в строке «Куда».")
    pupil = next(b for b in blocks if b.startswith("Ученик1 Иван Петрович"))
    step = load_catalog(REPO).steps["pupil-first-message"]
    url = phone_link(f"{PUBLIC_URL}{step.guide.url}")
    assert pupil.splitlines() == [
        "Ученик1 Иван Петрович — ученик, 7А",
        "Куда: личный чат в MAX",  # in the class chat already: their class leader may write to them
        f"Следующий шаг: {step.title} (pupil-first-message)",
        f"Инструкция: {url}",
        "Кто поможет: Петрова Мария Ивановна (+7 900 111-22-33)",
        "Сообщение:",
        "  Здравствуйте, Иван!",
        f"  Напоминаю про «Сферум» в MAX: следующий шаг — «{step.title}». {step.action} "
        f"Это займёт около {plural(step.minutes, 'minute', 'genitive')}.",
        f"  Пошаговая инструкция: {url}",
        "  Если не получится, напишите мне или попросите помочь родителей.",
    ]


def test_each_message_names_only_its_addressee(school_db, public_project):
    items = rows(run("remind", *public_project, "--db", school_db, "--format", "csv"))
    names = [item["ФИО"].removeprefix("'") for item in items]
    assert FORMULA_NAME in names and NASTY_NAME in names
    for item, name in zip(items, names):
        others = [n for n in names if n != name]
        assert not any(other in item["Сообщение"] for other in others)
        assert item["Кто поможет"] not in item["Сообщение"] or not item["Кто поможет"]


def test_csv_for_mail_merge_is_formula_safe(school_db, public_project):
    text = run("remind", "--role", "parent", *public_project, "--db", school_db, "--format", "csv")
    assert text.splitlines()[0] == (
        "ФИО;Роль;Класс;Кому;Канал;Контакт;Шаг;Что сделать;Инструкция;Кто поможет;Сообщение")
    items = rows(text)
    assert {item["Роль"] for item in items} == {"Родитель"}
    formula = next(item for item in items if "HYPERLINK" in item["ФИО"])
    assert formula["ФИО"] == "'" + FORMULA_NAME
    mother = next(item for item in items if item["ФИО"] == "Мамина Анна Сергеевна")
    assert (mother["Класс"], mother["Шаг"]) == ("2Б, 7А", "parent-first-message")  # active, yet no message yet
    assert mother["Контакт"] == "'+7 900 000-00-01"  # a leading «+» would start a formula
    assert (mother["Кому"], mother["Канал"]) == ("Мамина Анна Сергеевна", "личный чат в MAX")
    assert all(item["Сообщение"].startswith("Здравствуйте") for item in items)


def test_role_filter_for_class_leaders(school_db, public_project):
    items = rows(run("remind", "--role", "class_leader", *public_project, "--db", school_db, "--format", "csv"))
    assert [(i["ФИО"], i["Шаг"]) for i in items] == [
        ("Петрова Мария Ивановна", "video-consultation"),
        ("Сидорова Ольга Павловна", "call-class-chat"),
    ] or all(i["Роль"] == "Классный руководитель" for i in items)
    assert all(i["Кто поможет"] == "Админова Анна Петровна" for i in items)


def test_nobody_to_remind(tmp_path, public_project):
    db = str(tmp_path / "store.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school(nasty=False))
    assert run("remind", "--class", "7А", "--role", "administrator", *public_project, "--db", db) == (
        "Напоминать некому: все сделали обязательные шаги.\n")


@pytest.mark.parametrize("person, greeting", [
    (Person(1, 1, "Иванова Мария Петровна", "parent"), "Здравствуйте, Мария Петровна!"),
    (Person(1, 1, "Иванова Мария", "teacher"), "Здравствуйте, Мария!"),
    (Person(1, 1, "Мария", "parent"), "Здравствуйте!"),
    (Person(1, 1, "Петров Иван Олегович", "pupil", class_name="8Б"), "Здравствуйте, Иван!"),
    (Person(1, 1, "Петров Иван Олегович", "pupil", class_name="2А"), "Здравствуйте!"),
])
def test_greetings(person, greeting):
    assert remind.greeting(person) == greeting


def test_a_message_for_a_young_pupils_family():
    step = _step("install-max", "Установите MAX", "start/install.md#установите-max", minutes=1)
    text = remind.message(Person(1, 1, "Малышев Лев", "pupil", class_name="1А"), step, "https://x/start/install/")
    assert text.splitlines() == [
        "Здравствуйте!",
        "Напоминаю про «Сферум» в MAX: следующий шаг для вашего ребёнка — «Установите MAX». "
        "Сделайте: установите max. Это займёт около 1 минуты.",
        "Пошаговая инструкция: https://x/start/install/",
        "Если что-то не получится, напишите мне — помогу. Спасибо!",
    ]


def test_remind_works_on_the_demo_school(tmp_path, public_project):
    db = str(tmp_path / "demo.sqlite")
    run("demo", *PROJECT, "--db", db)
    output = run("remind", "--class", "9Б", "--role", "parent", *public_project, "--db", db)
    assert output.startswith("Напоминания: ")
    assert "Сообщение:\n  Здравствуйте, " in output


def test_remind_in_a_district_names_the_school(tmp_path, public_project):
    db = str(tmp_path / "district.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school(1, "МБОУ СОШ № 7"))
        into_store(store, small_school(2, "МБОУ СОШ № 9", nasty=False))
    output = run("remind", *public_project, "--db", db, code=1)
    assert "«МБОУ СОШ № 7»" in output and "«МБОУ СОШ № 9»" in output
    items = rows(run("remind", "--school", "МБОУ СОШ № 9", *public_project, "--db", db, "--format", "csv"))
    assert items and not any("HYPERLINK" in item["ФИО"] for item in items)  # only that school's people


# --- a channel that reaches each person ---------------------------------------------------------------

STAGES_7A = {  # pupil of grade 7 -> the steps done, and the channel that reaches them
    "Нулев Пётр": ((), remind.SLIP),
    "Ставил Пётр": (("install-max",), remind.SLIP),
    "Входил Пётр": (("install-max", "login-max"), remind.SLIP),
    "Вступил Пётр": (("install-max", "login-max", "pupil-join-class"), remind.MAX_CHAT),
    "Писал Пётр": (("pupil-join-class", "pupil-first-message"), remind.MAX_CHAT),  # later counts as earlier
}
PARENTS_7A = {  # parent -> (their phone, the steps done, the channel)
    "Звонова Анна Петровна": ("+7 900 000-11-22", (), remind.SMS),
    "Безномерова Анна Петровна": (None, ("parent-child-first", "install-max"), remind.JOURNAL),
    "Почтова Анна Петровна": ("anna@example.ru", ("install-max", "login-max"), remind.JOURNAL),
    "Вчатова Анна Петровна": ("+7 900 000-33-44", ("install-max", "login-max", "parent-join-class"),
                              remind.MAX_CHAT),
}
YOUNG_2B = {  # pupil of grade 2 -> their parent (name, phone, steps done) or None, and the channel
    "Малов Лёва": (("Малова Ирина Сергеевна", "+7 900 555-66-77", ("install-max", "login-max", "parent-join-class")),
                   remind.MAX_CHAT),
    "Малова Лиза": (("Малов Олег Ильич", "+7 900 555-66-88", ()), remind.SMS),
    "Малышев Ян": (("Малышева Вера Олеговна", None, ("install-max",)), remind.JOURNAL),
    "Сиротин Ян": (None, remind.SLIP),  # no parent in the roster: a slip for the family
}
PHONE_LINK = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")  # RFC 3986 characters only


@pytest.fixture
def stages_db(tmp_path):
    b = SchoolBuilder(School(1, "МБОУ СОШ № 5"))
    b.person("Админова Анна Петровна", "administrator", position="заместитель директора")
    leader = b.person("Ведущая Мария Ивановна", "teacher", class_leader=True, led_classes=("7А", "2Б"))
    b.marks(leader, ["install-max", "login-max", "join-organisation"], SEPTEMBER)
    b.person("Новенький Пётр Ильич", "teacher")  # has not installed MAX
    for name, (done, _) in STAGES_7A.items():
        pupil = b.person(f"{name}ович", "pupil", class_name="7А")
        b.marks(pupil, done, SEPTEMBER)
    first = b.people[-1]
    for name, (phone, done, _) in PARENTS_7A.items():
        parent = b.person(name, "parent", children=(first.id,), contact=phone)
        b.marks(parent, done, SEPTEMBER)
    for name, (parent, _) in YOUNG_2B.items():
        pupil = b.person(name, "pupil", class_name="2Б")
        if parent is not None:
            parent_name, phone, done = parent
            b.marks(b.person(parent_name, "parent", children=(pupil.id,), contact=phone), done, SEPTEMBER)
    db = str(tmp_path / "stages.sqlite")
    with Store.open(db) as store:
        into_store(store, b)
    return db


def test_each_draft_goes_by_a_channel_that_reaches_its_reader(stages_db, public_project, catalog):
    items = rows(run("remind", *public_project, "--db", stages_db, "--format", "csv"))
    by_name = {item["ФИО"]: item for item in items}
    labels = {remind.MAX_CHAT: "личный чат в MAX", remind.SMS: "SMS на телефон",
              remind.JOURNAL: "сообщение в электронном журнале", remind.SLIP: "записка: отдать ученику в руки"}
    for name, (_, channel) in STAGES_7A.items():
        item = by_name[f"{name}ович"]
        assert (item["Кому"], item["Канал"]) == (f"{name}ович", labels[channel]), name
    for name, (phone, _, channel) in PARENTS_7A.items():
        item = by_name[name]
        assert (item["Кому"], item["Канал"], item["Контакт"].removeprefix("'")) == (name, labels[channel], phone or "")
    for name, (parent, channel) in YOUNG_2B.items():
        item = by_name[name]
        assert item["Канал"] == labels[channel], name
        assert item["Кому"] == (parent[0] if parent else "родители ученика"), name
        assert "для вашего ребёнка" in item["Сообщение"]
    assert by_name["Новенький Пётр Ильич"]["Канал"] == labels[remind.JOURNAL]
    assert by_name["Ведущая Мария Ивановна"]["Канал"] == labels[remind.MAX_CHAT]

    for item in items:
        outside = item["Канал"] != labels[remind.MAX_CHAT]
        if outside:  # nobody outside MAX is told to use a chat they cannot open
            assert "личн" not in item["Канал"] + item["Сообщение"] and "чат в MAX" not in item["Канал"]
        if item["Канал"] == labels[remind.SMS]:
            assert remind.is_phone(item["Контакт"].removeprefix("'"))
        links = PHONE_LINK.findall(item["Сообщение"])
        assert links and all(link == item["Инструкция"] for link in links), item["ФИО"]
        step = catalog.steps[item["Шаг"]]
        published = f"{PUBLIC_URL}{step.guide.url}"
        if item["Канал"] == labels[remind.SLIP]:  # typed from paper: the page's address, no anchor
            assert item["Инструкция"] == published.partition("#")[0]
        else:  # the whole link, anchor included, in characters every messenger keeps in the link
            assert urllib.parse.unquote(item["Инструкция"]) == published
            assert "#%D" in item["Инструкция"] or "#" not in published


def test_the_text_says_where_each_draft_goes(stages_db, public_project):
    output = run("remind", "--class", "2Б", *public_project, "--db", stages_db)
    assert "личный чат" not in output.split("\n\n")[0]
    blocks = {b.splitlines()[0].split(" — ")[0]: b.splitlines() for b in output.split("\n\n")[1:]}
    assert blocks["Малова Лиза"][1:3] == ["Куда: SMS на телефон — родителю: Малов Олег Ильич",
                                          "Контакт: +7 900 555-66-88"]
    assert blocks["Малова Лиза"][-4] == "  Здравствуйте, Олег Ильич!"
    assert blocks["Сиротин Ян"][1] == "Куда: записка: отдать ученику в руки — для родителей"
    assert blocks["Сиротин Ян"][-4] == "  Здравствуйте!"
    assert blocks["Малов Лёва"][1] == "Куда: личный чат в MAX — родителю: Малова Ирина Сергеевна"
