"""A realistic school for member-list tests: class 7А with its families and teachers, a 7Б next door.

Two pupils of 7А have namesakes or relatives elsewhere (a 7Б pupil «Иванова
Мария» like a 7А mother); one 7А pupil (Козлов Никита) has no parent on the
roster; one pupil has left the school. The member lists in
tests/fixtures/members are this school's chats, copied as MAX's web version
lets one copy them (with its statuses, roles, emoji and numbers).
"""

from __future__ import annotations

from pathlib import Path

from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.store import Store
from tests.storekit import add_person

LISTS = Path(__file__).parent / "fixtures" / "members"
PARENTS_7A = LISTS / "родители-7А.txt"
TABLE_7A = LISTS / "7А-таблица.csv"


def member_school(store: Store) -> dict[str, Person]:
    """The school, its people by a short key."""
    school = store.get_or_create_school("Школа № 1")
    people: dict[str, Person] = {}

    def add(key: str, name: str, role: str, **kwargs) -> Person:
        people[key] = add_person(store, school, name, role, **kwargs)
        return people[key]

    add("leader", "Кузнецова Анна Сергеевна", "teacher", led_classes=["7А"], subjects=["Русский язык"])
    add("maths", "Орлов Игорь Петрович", "teacher", classes_taught=["7А", "7Б"], subjects=["Математика"])
    add("admin", "Белова Ирина Олеговна", "administrator")
    pupils = {
        "petya": "Иванов Пётр Сергеевич", "masha": "Смирнова Мария Олеговна", "dasha": "Петрова Дарья Андреевна",
        "sasha": "Соколов Александр Дмитриевич", "katya": "Волкова Екатерина Игоревна",
        "dima": "Морозов Дмитрий Алексеевич", "nastya": "Лебедева Анастасия Павловна",
        "nikita": "Козлов Никита Романович",
    }
    for key, name in pupils.items():
        add(key, name, "pupil", class_name="7А")
    parents = (
        ("petya-mother", "Иванова Мария Петровна", "petya", None),
        ("petya-father", "Иванов Сергей Иванович", "petya", None),
        ("masha-mother", "Смирнова Ольга Викторовна", "masha", None),
        ("dasha-mother", "Петрова Наталья Юрьевна", "dasha", None),
        ("sasha-mother", "Соколова Елена Павловна", "sasha", "+7 (912) 345-67-89"),
        ("katya-father", "Волков Игорь Николаевич", "katya", None),
        ("dima-mother", "Морозова Светлана Андреевна", "dima", None),
        ("nastya-mother", "Лебедева Татьяна Васильевна", "nastya", None),
    )
    for key, name, child, contact in parents:
        add(key, name, "parent", children=[people[child].id], contact=contact)
    add("oleg", "Смирнов Олег Игоревич", "pupil", class_name="7Б")
    add("maria-7b", "Иванова Мария Ивановна", "pupil", class_name="7Б")
    add("oleg-mother", "Смирнова Юлия Олеговна", "parent", children=[people["oleg"].id])
    gone = add("gone", "Фролов Артём Денисович", "pupil", class_name="7А")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE people SET active = false WHERE id = {gone.id}")
    people["gone"] = store.person(gone.id)
    return people
