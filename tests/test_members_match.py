"""Matching members with a school's people (pure): each match with its confidence and reasons; nothing guessed."""

from __future__ import annotations

import pytest

from sferum_onboard.tracking.members.listing import parse_member_text
from sferum_onboard.tracking.members.matching import (
    MATCHED, MISSING, OTHER_CLASS, OUTSIDER, PARENTS, PUPILS, SURE, UNSURE, audience_of_chat, reconcile,
)
from sferum_onboard.tracking.model import Person

PEOPLE = [
    Person(1, 1, "Иванов Пётр Сергеевич", "pupil", class_name="7А"),
    Person(2, 1, "Иванова Мария Петровна", "parent", children=(1,)),
    Person(3, 1, "Иванов Сергей Иванович", "parent", children=(1,)),
    Person(4, 1, "Смирнова Мария Олеговна", "pupil", class_name="7А"),
    Person(5, 1, "Смирнов Олег Игоревич", "pupil", class_name="7Б"),
    Person(6, 1, "Кузнецова Анна Сергеевна", "teacher", class_leader=True, led_classes=("7А",)),
    Person(7, 1, "Петрова Дарья Андреевна", "pupil", class_name="7А"),
    Person(8, 1, "Иванова Мария Ивановна", "pupil", class_name="9Б"),
    Person(9, 1, "Соколов Александр Дмитриевич", "pupil", class_name="7А"),
    Person(10, 1, "Соколова Елена Павловна", "parent", children=(9,), contact="+7 (912) 345-67-89"),
    Person(11, 1, "Лебедев Никита Андреевич", "pupil", class_name="7А", active=False),
    Person(12, 1, "Петров Пётр Петрович", "pupil", class_name="7А"),
    Person(13, 1, "Петрова Анна Олеговна", "parent", children=(7, 12)),
]


def one(line: str, audience: str = "all"):
    members = parse_member_text(line).members
    assert len(members) == 1, members
    return reconcile(members, PEOPLE, "7А", audience).rows[0]


@pytest.mark.parametrize("line, person, reasons", [
    ("Иванов Пётр Сергеевич", 1, ["full"]),
    ("Пётр Иванов", 1, ["surname-name", "order"]),
    ("ИВАНОВ ПЕТР", 1, ["surname-name"]),  # case and ё/е
    ("Петя Иванов", 1, ["surname-name", "order", "short-name"]),
    ("Саша Соколов", 9, ["surname-name", "order", "short-name"]),
    ("Смирнова М.О.", 4, ["full", "initial", "initial"]),
    ("Анна Сергеевна", 6, ["name-patronymic"]),
    ("+7 912 345 67 89", 10, ["phone"]),
    ("Мама Пети Иванова", 2, ["child"]),
    ("Папа Иванова Пети", 3, ["child"]),
    ("Дашина мама", 13, ["child"]),
    ("Мария Иванова (мама Пети)", 2, ["child"]),  # two Petyas in the class: her own name decides
    ("Мама Даши", 13, ["child"]),  # a mother of two, through either child
])
def test_sure_matches_and_why(line, person, reasons):
    row = one(line)
    assert (row.outcome, row.person_id) == (MATCHED, person)
    assert row.confidence >= SURE
    assert [r.code for r in row.reasons][:len(reasons)] == reasons


def test_a_namesake_in_another_class_is_named_but_the_class_wins():
    row = one("Мария Иванова")
    assert (row.outcome, row.person_id) == (MATCHED, 2)
    assert ("namesake", (8,)) in row.reasons


def test_a_pupil_of_another_class_is_not_an_outsider():
    row = one("Смирнов Олег 7Б")
    assert (row.outcome, row.person_id) == (OTHER_CLASS, 5)
    assert ("class-hint", ("7Б",)) in row.reasons


def test_someone_who_left_the_school_is_an_outsider_by_name():
    row = one("Никита Лебедев")
    assert (row.outcome, row.person_id) == (OUTSIDER, 11)
    assert ("inactive", ()) in row.reasons


@pytest.mark.parametrize("line, candidates, reason", [
    ("Иваова Дарья", [], "nobody"),  # the words fit different people: nobody
    ("Петорва Дарья", [7], "weak"),  # a typo: the near spelling is a candidate, never sure
    ("Иванова", [2, 8], "several"),  # a surname alone: two people of the school
    ("Папа Пети", [3], "weak"),  # two Petyas in the class; one of their fathers is on the roster
    ("Петина мама", [2, 13], "several"),  # two Petyas, two mothers
])
def test_unsure_lists_candidates_and_guesses_nothing(line, candidates, reason):
    row = one(line)
    if not candidates:
        assert (row.outcome, row.reasons[0].code) == (OUTSIDER, reason)
        return
    assert (row.outcome, row.person_id, row.reasons[0].code) == (UNSURE, None, reason)
    assert sorted(c.person_id for c in row.candidates) == candidates
    assert all(c.confidence < SURE for c in row.candidates)


def test_first_name_alone_is_unsure_with_the_class_people_of_that_name():
    row = one("Мария")
    assert row.outcome == UNSURE
    assert {c.person_id for c in row.candidates} == {2, 4, 8}
    assert all(c.confidence < SURE for c in row.candidates)


def test_a_family_whose_parent_is_not_on_the_roster_is_unsure_not_an_outsider():
    row = one("Бабушка Саши Соколова")  # the roster has the mother only; a grandmother is not her
    assert row.outcome == UNSURE
    assert [c.person_id for c in row.candidates] == [10]
    assert all(c.confidence < SURE for c in row.candidates)


def test_a_father_is_not_taken_for_the_mother():
    row = one("Папа Саши Соколова")
    assert row.outcome == UNSURE
    assert row.reasons[0].code == "child-without-parent" and row.reasons[0].args == (9,)


def test_the_same_person_twice_is_unsure_the_second_time():
    result = reconcile(parse_member_text("Иванова Мария\nМама Пети Иванова").members, PEOPLE, "7А")
    first, second = result.rows[:2]
    assert (first.outcome, first.person_id) == (MATCHED, 2)
    assert second.outcome == UNSURE and second.reasons[0].args == (first.member.line,)


def test_missing_are_the_class_people_the_audience_expects():
    listing = parse_member_text("Иванова Мария\nАнна Сергеевна")
    parents = reconcile(listing.members, PEOPLE, "7А", PARENTS)
    assert {r.person_id for r in parents.of(MISSING)} == {3, 10, 13}  # parents only; the class leader is there
    pupils = reconcile(listing.members, PEOPLE, "7А", PUPILS)
    assert {r.person_id for r in pupils.of(MISSING)} == {1, 4, 7, 9, 12}  # Лебедев has left
    assert len(reconcile(listing.members, PEOPLE, "7А").of(MISSING)) == 8


@pytest.mark.parametrize("chat, audience", [
    ("Родители 7А", PARENTS), ("7А мамы и папы", PARENTS), ("Ученики 7 А", PUPILS), ("Дети 7А", PUPILS),
    ("7А класс", "all"), (None, "all"),
])
def test_whom_a_chat_is_for_comes_from_its_name(chat, audience):
    assert audience_of_chat(chat) == audience
