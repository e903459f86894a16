"""Russian nouns after numbers and role titles, from one table each."""

from __future__ import annotations

import pytest

from sferum_onboard.wording import NOUNS, ROLE_TITLES, number_text, plural, role_title, role_title_plural, size_text


@pytest.mark.parametrize("n, text", [
    (1, "1 ученик"), (2, "2 ученика"), (4, "4 ученика"), (5, "5 учеников"), (11, "11 учеников"),
    (12, "12 учеников"), (14, "14 учеников"), (21, "21 ученик"), (22, "22 ученика"), (111, "111 учеников"),
    (0, "0 учеников"),
])
def test_a_noun_takes_the_form_its_number_asks_for(n, text):
    assert plural(n, "pupil") == text


def test_cases_after_prepositions():
    assert plural(21, "step", "genitive") == "21 шага"  # «из 21 шага»
    assert plural(5, "minute", "genitive") == "5 минут"  # «около 5 минут»
    assert plural(1, "week", "accusative") == "1 неделю"  # «за последние 1 неделю»
    assert plural(3, "week", "accusative") == "3 недели"
    assert plural(21, "day", "genitive") == "21 дня"  # «старше 21 дня»
    assert plural(2, "hour", "genitive") == "2 часов"  # «около 2 часов»
    assert plural(1, "file", "prepositional") == "1 файле"  # «в 1 файле»
    assert plural(3, "file", "prepositional") == "3 файлах"


def test_numbers_and_sizes_read_as_russian_writes_them():
    assert number_text(200000) == "200\u00a0000"
    assert size_text(50 * 1024 * 1024) == "50 МБ" and size_text(10) == "1 МБ"


def test_every_role_has_a_title_and_a_count_form():
    for role, title in ROLE_TITLES.items():
        assert role_title(role) == title.one and role_title_plural(role) == title.many
        assert plural(1, role) == f"1 {title.one}"
    assert plural(2, "class_leader") == "2 классных руководителя"
    assert role_title("robot") == "robot"
    assert set(ROLE_TITLES) <= set(NOUNS)
