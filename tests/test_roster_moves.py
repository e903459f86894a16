"""No silent moves: a list that would take someone already stored elsewhere says so and waits for --apply-moves.

The lists are what an administrator exports from Excel in September
(Windows-1251 CSV with «;»): new first-graders, some named like older pupils.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import Store
from tests.rosterfiles import write_csv
from tests.storekit import TRACKING_PROJECT, store_url  # noqa: F401 (fixture)

SCHOOL = "Школа для тестов учёта"
LAST_YEAR = [["ФИО", "Класс"], ["Иванов Иван Петрович", "5Б"], ["Смирнова Анна Сергеевна", "7А"],
             ["Кузнецов Олег Ильич", "5Б"]]
# New first-graders: two are namesakes of older pupils.
FIRST_GRADERS = [["Список обучающихся 1 «А» класса на 01.09.2026"], ["№", "ФИО", "Класс"],
                 [1, "Иванов Иван Петрович", "1А"], [2, "Новикова Дарья Андреевна", "1А"],
                 [3, "Смирнова Анна Сергеевна", "1А"]]


def run(*args, db):
    return CliRunner().invoke(cli, [*map(str, args), "--db", str(db), "--project", str(TRACKING_PROJECT)])


def stored(db) -> list[tuple]:
    """(id, name, class) of everyone, by reopening the store."""
    with Store.open(str(db)) as store:
        return sorted((p.id, p.full_name, p.class_name) for p in store.people(store.school(), active=None))


@pytest.fixture
def db(tmp_path, store_url):
    result = run("roster", "import", write_csv(tmp_path / "2025.csv", LAST_YEAR, encoding="cp1251"), db=store_url)
    assert result.exit_code == 0, result.output
    return store_url


@pytest.fixture
def september(tmp_path):
    return write_csv(tmp_path / "1А.csv", FIRST_GRADERS, encoding="cp1251")


HELD = [
    "Без --apply-moves не записываются переводы и новые связи тех, кто уже есть в базе:",
    "  {file}:3:1: Иванов Иван Петрович: в базе — 5Б, в списке — 1А",
    "  {file}:5:1: Смирнова Анна Сергеевна: в базе — 7А, в списке — 1А",
    "Если это те же дети, добавьте --apply-moves. Если другие с теми же ФИО (например, новые первоклассники), "
    "загрузите полный список школы с --deactivate-missing: тёзки останутся в своих классах, а новые будут "
    "добавлены.",
]


def test_first_graders_named_like_older_pupils_move_nobody_and_write_nothing(db, september):
    before = stored(db)
    for flags in ((), ("--dry-run",)):
        result = run("roster", "import", september, *flags, db=db)
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines() == [line.format(file=september) for line in HELD] + [
            "Ничего не записано: 2 человека без --apply-moves. Добавьте --apply-moves, чтобы записать и это, "
            "или --skip-invalid, чтобы загрузить остальных без этого."]
        assert stored(db) == before


def test_skip_invalid_writes_the_rest_and_says_what_was_held_back(db, september):
    before = stored(db)
    result = run("roster", "import", september, "--skip-invalid", db=db)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [line.format(file=september) for line in HELD]
    assert result.stdout.splitlines()[2:6] == [
        "Добавлено: 1 человек", "  Новикова Дарья Андреевна, ученик (1А)", "Без изменений: 0 человек",
        "Не записано без --apply-moves: 2 человека"]
    assert stored(db) == before + [(4, "Новикова Дарья Андреевна", "1А")]


def test_apply_moves_moves_them(db, september):
    result = run("roster", "import", september, "--apply-moves", db=db)
    assert result.exit_code == 0, result.output
    assert "Переведено в другой класс: 2 человека" in result.stdout
    assert stored(db) == [(1, "Иванов Иван Петрович", "1А"), (2, "Смирнова Анна Сергеевна", "1А"),
                          (3, "Кузнецов Олег Ильич", "5Б"), (4, "Новикова Дарья Андреевна", "1А")]


def test_a_full_list_behaves_as_before(db, tmp_path):
    """The whole school with --deactivate-missing: the older namesakes keep their classes, the new
    first-graders are added, a pupil who changed class is moved, and who is missing has left."""
    whole = write_csv(tmp_path / "школа.csv", [
        ["ФИО", "Класс"], ["Иванов Иван Петрович", "6Б"], ["Смирнова Анна Сергеевна", "8А"],
        ["Иванов Иван Петрович", "1А"], ["Смирнова Анна Сергеевна", "1А"]], encoding="cp1251")
    result = run("roster", "import", whole, "--deactivate-missing", db=db)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert stored(db) == [(1, "Иванов Иван Петрович", "6Б"), (2, "Смирнова Анна Сергеевна", "8А"),
                          (3, "Кузнецов Олег Ильич", "5Б"), (4, "Иванов Иван Петрович", "1А"),
                          (5, "Смирнова Анна Сергеевна", "1А")]
    with Store.open(str(db)) as store:
        assert [p.full_name for p in store.people(store.school(), active=False)] == ["Кузнецов Олег Ильич"]


def test_a_parent_named_like_a_stored_parent_is_not_given_their_household(db, tmp_path):
    mothers = write_csv(tmp_path / "родители.csv", [["ФИО родителя", "ФИО ребёнка", "Класс"],
                                                     ["Иванова Мария Ивановна", "Иванов Иван Петрович", "5Б"]])
    assert run("roster", "import", mothers, db=db).exit_code == 0
    pupils = write_csv(tmp_path / "1А.csv", [["ФИО", "Класс"], ["Новикова Дарья Андреевна", "1А"]])
    assert run("roster", "import", pupils, db=db).exit_code == 0
    namesake = write_csv(tmp_path / "родители 1А.csv", [["ФИО родителя", "ФИО ребёнка", "Класс"],
                                                        ["Иванова Мария Ивановна", "Новикова Дарья Андреевна", "1А"]])
    before = stored(db)
    result = run("roster", "import", namesake, db=db)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "Без --apply-moves не записываются переводы и новые связи тех, кто уже есть в базе:",
        f"  {namesake}:2:1: Иванова Мария Ивановна: в базе — родитель: Иванов Иван Петрович (5Б); в списке — ещё "
        "и: Новикова Дарья Андреевна (1А)",
        "Если это тот же человек, добавьте --apply-moves. Если это тёзка, укажите в списках телефоны обоих "
        "родителей: человек с другим телефоном — другой человек."]
    assert stored(db) == before
    with Store.open(str(db)) as store:
        mother = store.resolve_person(store.school(), "Иванова Мария Ивановна")
        assert [store.person(c).full_name for c in mother.children] == ["Иванов Иван Петрович"]
    assert run("roster", "import", namesake, "--apply-moves", db=db).exit_code == 0
    with Store.open(str(db)) as store:
        mother = store.resolve_person(store.school(), "Иванова Мария Ивановна")
        assert sorted(store.person(c).full_name for c in mother.children) == [
            "Иванов Иван Петрович", "Новикова Дарья Андреевна"]
