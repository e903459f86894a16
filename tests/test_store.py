"""The store: opening, migrations, schools, classes, people and households, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys

import pytest
import sqlalchemy as sa

from sferum_onboard.errors import AmbiguousError, DataError, NotFoundError, StoreError
from sferum_onboard.tracking import paths
from sferum_onboard.tracking.store import SCHEMA_REVISION, NewEvent, Store, metadata
from sferum_onboard.views.people import describe_person, detail_lines
from tests.storekit import (  # noqa: F401 (fixtures)
    add_person, catalog, ensure_class, link_household, migrate_to, set_class_leader, store, store_url,
)


def test_default_store_is_a_private_file_in_the_data_folder(private_home):
    with Store.open() as opened:
        assert opened.path == private_home / "sferum-onboard.sqlite"
        assert opened.revision() == SCHEMA_REVISION
        opened.get_or_create_school("Школа")
        with opened.engine.connect() as conn:  # a reader keeps the write-ahead log in place
            conn.exec_driver_sql("SELECT 1 FROM schools").all()
            wal = private_home / "sferum-onboard.sqlite-wal"
            assert wal.exists() and stat.S_IMODE(os.stat(wal).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(private_home / "sferum-onboard.sqlite").st_mode) == 0o600


def test_new_folder_for_the_store_is_private(tmp_path):
    target = tmp_path / "a" / "b" / "store.sqlite"
    Store.open(target).close()
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_environment_variable_names_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SFERUM_ONBOARD_DB", str(tmp_path / "from-env.sqlite"))
    assert paths.store_target() == str(tmp_path / "from-env.sqlite")
    assert paths.store_target("explicit.sqlite") == "explicit.sqlite"


def test_data_folder_without_override_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("SFERUM_ONBOARD_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert paths.data_dir() == tmp_path / "sferum-onboard"
    monkeypatch.setenv("SFERUM_ONBOARD_HOME", "/x/y")
    assert paths.data_dir() == paths.Path("/x/y")


def test_urls_and_paths_are_told_apart():
    assert paths.is_url("postgresql+psycopg://u@h/db")
    assert paths.is_url("sqlite:////tmp/x.sqlite")
    assert not paths.is_url("/tmp/x.sqlite")
    assert not paths.is_url("C:\\Users\\школа\\x.sqlite")


def test_sqlite_store_uses_wal_and_a_busy_timeout(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as opened:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_are_recorded_and_match_the_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.Path(__import__(
        "sferum_onboard.tracking.store", fromlist=["x"]).__file__).with_name("migrations")))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION
    assert store.revision() == SCHEMA_REVISION
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_opening_again_does_not_migrate_again(store_url):
    Store.open(store_url).close()
    with Store.open(store_url) as opened:
        assert opened.upgrade() == (SCHEMA_REVISION, SCHEMA_REVISION)


def test_store_from_a_newer_version_is_refused(store_url):
    with Store.open(store_url) as opened:
        with opened.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="создана более новой версией sferum-onboard"):
        Store.open(store_url)


def test_unreachable_server_is_reported_in_russian():
    with pytest.raises(StoreError, match="не удаётся подключиться к базе"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_bad_targets_are_refused(tmp_path):
    with pytest.raises(StoreError, match="папка, а нужен файл базы"):
        Store.open(tmp_path)
    with pytest.raises(StoreError, match="не адрес базы"):
        Store.open("mysql://u@h/db")


def test_schools_are_created_once_and_found_by_folded_name(store):
    first = store.get_or_create_school("Школа №  1")
    again = store.get_or_create_school("школа № 1")
    assert first == again
    second = store.get_or_create_school("Школа № 2")
    assert [s.name for s in store.schools()] == ["Школа № 1", "Школа № 2"]
    assert store.school("ШКОЛА № 2") == second
    with pytest.raises(AmbiguousError) as error:
        store.school()
    assert detail_lines(error.value) == ["«Школа № 1»", "«Школа № 2»"]
    with pytest.raises(NotFoundError, match="школа «Гимназия» не найдена; в базе есть: «Школа № 1», «Школа № 2»"):
        store.school("Гимназия")


def test_an_empty_store_says_how_to_fill_it(store):
    with pytest.raises(NotFoundError, match="в базе ещё нет школы"):
        store.school()


def test_class_names_are_normalised(store):
    school = store.get_or_create_school("Школа")
    for spelling in ("7а", "7 А", "7-А", "7A"):
        assert ensure_class(store, school, spelling).name == "7А"
    assert [c.name for c in store.classes(school)] == ["7А"]
    assert store.get_class(school, "7a").grade == 7
    with pytest.raises(NotFoundError, match="класс «8Б» не найден; есть классы: 7А"):
        store.get_class(school, "8Б")
    with pytest.raises(DataError, match="не название класса"):
        ensure_class(store, school, "седьмой")


def test_class_leader_and_invite_link(store):
    school = store.get_or_create_school("Школа")
    teacher = add_person(store, school, "Петров Пётр Петрович", "teacher")
    pupil = add_person(store, school, "Сидоров Иван", "pupil", class_name="5б")
    updated = set_class_leader(store, school, "5Б", teacher.id)
    assert updated.leader_id == teacher.id
    assert store.person(teacher.id).led_classes == ("5Б",)
    assert store.person(teacher.id).class_leader
    with pytest.raises(DataError, match="не учитель этой школы"):
        set_class_leader(store, school, "5Б", pupil.id)
    link = "https://max.ru/join/abc"
    assert store.set_invite_link(school, "5б", link).invite_link == link
    assert store.get_class(school, "5Б").invite_link == link


def test_people_with_flags_subjects_and_households(store):
    school = store.get_or_create_school("Школа")
    son = add_person(store, school, "Иванов Пётр", "pupil", class_name="7А")
    daughter = add_person(store, school, "Иванова Алёна", "pupil", class_name="2Б")
    mother = add_person(store, school, "Иванова Мария Петровна", "parent", children=[son.id])
    link_household(store, mother.id, daughter.id)
    link_household(store, mother.id, daughter.id)
    psychologist = add_person(store, 
        school, "Кузнецова Ольга", "teacher", specialist=True, position="педагог-психолог",
        subjects=["психология"], classes_taught=["7а", "2б"], led_classes=["7А"], contact="+7 900 000-00-00")
    assert store.person(mother.id).children == (son.id, daughter.id)
    stored = store.person(psychologist.id)
    assert (stored.specialist, stored.class_leader, stored.position) == (True, True, "педагог-психолог")
    assert stored.subjects == ("психология",)
    assert stored.classes_taught == ("2Б", "7А")
    assert stored.led_classes == ("7А",)
    in_7a = store.people(school, class_name="7а")
    assert [p.full_name for p in in_7a] == ["Кузнецова Ольга", "Иванов Пётр", "Иванова Мария Петровна"]
    assert [p.full_name for p in store.people(school, role="specialist")] == ["Кузнецова Ольга"]
    assert [p.full_name for p in store.people(school, role="parent", class_name="2Б")] == ["Иванова Мария Петровна"]
    assert describe_person(store.candidates([store.person(mother.id)])[0]) == "#3 Иванова Мария Петровна, родитель (2Б, 7А)"


def test_people_are_found_by_id_or_by_name_with_yo_and_case_folded(store):
    school = store.get_or_create_school("Школа")
    alena = add_person(store, school, "Фёдорова Алёна Сергеевна", "pupil", class_name="7А")
    add_person(store, school, "Фёдоров Сергей", "parent", children=[alena.id])
    assert store.resolve_person(school, "федорова алена сергеевна") == alena
    assert store.resolve_person(school, "ФЕДОРОВА  А") == alena
    assert store.resolve_person(school, f"#{alena.id}") == alena
    assert store.resolve_person(school, str(alena.id)) == alena
    with pytest.raises(AmbiguousError) as error:
        store.resolve_person(school, "Фёдоров")
    assert str(error.value) == "«Фёдоров» подходит нескольким участникам (2); уточните ФИО или укажите номер (#12):"
    assert detail_lines(error.value) == ["#1 Фёдорова Алёна Сергеевна, ученик (7А)", "#2 Фёдоров Сергей, родитель (7А)"]
    with pytest.raises(NotFoundError) as error:
        store.resolve_person(school, "Федорава Алена")
    assert str(error.value) == "участник «Федорава Алена» не найден"
    assert detail_lines(error.value)[0] == "может быть, #1 Фёдорова Алёна Сергеевна, ученик (7А)?"
    with pytest.raises(NotFoundError, match="участник «999» не найден"):
        store.resolve_person(school, "999")


def test_inactive_people_are_found_only_when_nobody_active_matches(store):
    school = store.get_or_create_school("Школа")
    add_person(store, school, "Орлов Илья", "pupil", class_name="9А")
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE people SET active = false"))
    found = store.resolve_person(school, "Орлов Илья")
    assert not found.active
    assert store.people(school) == []
    assert len(store.people(school, active=None)) == 1


def test_events_are_appended_and_never_rewritten(store):
    school = store.get_or_create_school("Школа")
    person = add_person(store, school, "Иванов Пётр", "pupil", class_name="7А")
    first = store.append_events([NewEvent(school.id, person.id, "install-max", recorded_by="Петрова")])
    second = store.append_events([NewEvent(school.id, person.id, "install-max", "undone", source="sheet")])
    assert [e.id for e in store.events(school)] == [first[0].id, second[0].id]
    assert store.last_event_id(school) == second[0].id
    assert store.events(school, after_id=first[0].id) == second
    assert store.current_states(school)[(person.id, "install-max")].action == "undone"
    with pytest.raises(DataError, match="неизвестное действие «finished»"):
        store.append_events([NewEvent(school.id, person.id, "install-max", "finished")])
    with pytest.raises(DataError, match="неизвестный источник «phone»"):
        store.append_events([NewEvent(school.id, person.id, "install-max", source="phone")])


def test_an_event_for_a_person_of_another_school_is_refused(store):
    one = store.get_or_create_school("Школа 1")
    two = store.get_or_create_school("Школа 2")
    person = add_person(store, one, "Иванов Пётр", "pupil", class_name="7А")
    with pytest.raises(DataError, match=f"участник #{person.id} не найден в этой школе"):
        store.append_events([NewEvent(two.id, person.id, "install-max")])
    assert store.events() == []


def test_the_state_cache_can_be_rebuilt_from_the_log(store):
    school = store.get_or_create_school("Школа")
    person = add_person(store, school, "Иванов Пётр", "pupil", class_name="7А")
    store.append_events([NewEvent(school.id, person.id, "install-max"), NewEvent(school.id, person.id, "login-max")])
    before = store.current_states(school)
    assert store.rebuild_step_state() == 2
    assert store.current_states(school) == before


def test_backup_copies_a_live_sqlite_store(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as opened:
        school = opened.get_or_create_school("Школа")
        add_person(opened, school, "Иванов Пётр", "pupil", class_name="7А")
        copy = opened.backup(tmp_path / "copies" / "backup.sqlite")
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT full_name FROM people").fetchall() == [("Иванов Пётр",)]
    with Store.open(copy) as restored:
        assert [s.name for s in restored.schools()] == ["Школа"]


def test_backup_onto_the_store_itself_is_refused(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as opened:
        with pytest.raises(StoreError, match="копию нельзя записать поверх самой базы"):
            opened.backup(tmp_path / "s.sqlite")


def test_an_older_store_is_migrated_on_open_and_keeps_its_data(store_url):
    migrate_to(store_url, "0001")
    engine = sa.create_engine(store_url if "://" in store_url else f"sqlite:///{store_url}")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schools (id, name, created_at) VALUES (1, 'Старая школа', '2026-01-01')"))
    engine.dispose()
    with Store.open(store_url) as opened:
        assert opened.revision() == SCHEMA_REVISION
        assert [s.name for s in opened.schools()] == ["Старая школа"]
        add_person(opened, opened.school(), "Иванов Пётр", "pupil", class_name="7А")
