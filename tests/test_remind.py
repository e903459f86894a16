"""`sferum-onboard remind`: the next step, the guide and a message per person who is behind."""

from __future__ import annotations

import csv
import io

import pytest

from sferum_onboard.catalog import load_catalog
from sferum_onboard.outputs import remind
from sferum_onboard.site.urls import phone_link
from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.store import Store
from sferum_onboard.wording import plural
from tests.test_report_support import (  # noqa: F401 (fixtures)
    FORMULA_NAME, NASTY_NAME, REPO, _step, into_store, small_school,
    PROJECT, PUBLIC_URL, catalog, public_project, run, school_db,
)



def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_text_blocks_for_a_class(school_db, public_project):
    output = run("remind", "--class", "7а", *public_project, "--db", school_db)
    blocks = output.split("\n\n")
    assert blocks[0] == "Напоминания: 10 человек. Каждое сообщение — в личный чат этому человеку."
    pupil = next(b for b in blocks if b.startswith("Ученик1 Иван Петрович"))
    step = load_catalog(REPO).steps["pupil-first-message"]
    url = phone_link(f"{PUBLIC_URL}{step.guide.url}")
    assert pupil.splitlines() == [
        "Ученик1 Иван Петрович — ученик, 7А",
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
    assert text.splitlines()[0] == "ФИО;Роль;Класс;Контакт;Шаг;Что сделать;Инструкция;Кто поможет;Сообщение"
    items = rows(text)
    assert {item["Роль"] for item in items} == {"Родитель"}
    formula = next(item for item in items if "HYPERLINK" in item["ФИО"])
    assert formula["ФИО"] == "'" + FORMULA_NAME
    mother = next(item for item in items if item["ФИО"] == "Мамина Анна Сергеевна")
    assert (mother["Класс"], mother["Шаг"]) == ("2Б, 7А", "parent-first-message")  # active, yet no message yet
    assert mother["Контакт"] == "'+7 900 000-00-01"  # a leading «+» would start a formula
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
