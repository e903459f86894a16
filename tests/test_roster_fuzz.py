"""Any file at all: the roster reader returns a roster or says in Russian what is wrong, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from sferum_onboard.errors import DataError
from sferum_onboard.tracking.roster import read_roster
from tests.rosterfiles import write_xlsx

HEADERS = ["ФИО", "Ф.И.О.", "Фамилия", "Имя", "Класс", "Кл.", "Ребёнок", "Должность", "Предмет", "Телефон", "№", ""]
CELLS = st.one_of(st.sampled_from(HEADERS + ["7А", "7 «Б»", "Иванов Иван", "да", "+", "=1+1", "13Я"]),
                  st.text(max_size=12))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def read_or_refuse(path):
    try:
        roster = read_roster(path)
    except DataError as error:
        assert str(error)
        return None
    assert all(p.full_name for p in roster.people)
    return roster


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_any_bytes(tmp_path, data):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    read_or_refuse(path)


@SETTINGS
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=12),
       delimiter=st.sampled_from([";", ",", "\t", "|"]), encoding=st.sampled_from(["utf-8", "cp1251", "utf-16"]))
def test_any_table_text(tmp_path, rows, delimiter, encoding):
    text = "\n".join(delimiter.join(row) for row in rows)
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_or_refuse(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=10_000), flip=st.integers(min_value=0, max_value=10_000))
def test_damaged_workbooks(tmp_path, cut, flip):
    path = write_xlsx(tmp_path / "f.xlsx", [["ФИО", "Класс"]] + [["Иванов Иван", "7А"]] * 30)
    data = bytearray(path.read_bytes())
    data[flip % len(data)] ^= 0x5A
    path.write_bytes(bytes(data[: max(1, len(data) - cut % len(data))]))
    read_or_refuse(path)
