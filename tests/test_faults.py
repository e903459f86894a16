"""Faults with real processes: kill -9 in the middle of an import, several writers at once.

Every test runs on SQLite and on the real PostgreSQL (see tests/storekit.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from sferum_onboard.tracking.store import NewEvent, Store
from tests.storekit import TRACKING_PROJECT, add_person, ensure_class, store_url  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parent.parent
BIG = 12_000  # people in the roster killed mid-import: more than two write batches


def snapshot(url: str) -> dict:
    with Store.open(url) as store, store.engine.connect() as conn:
        return {
            table: sorted(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table}")))
            for table in ("schools", "classes", "people", "households", "events", "step_state", "imports")
        }


SURNAMES = ("Иванов", "Петров", "Сидоров", "Орлов", "Козлов", "Волков", "Зайцев", "Морозов", "Лебедев", "Соколов",
            "Попов", "Новиков", "Фёдоров", "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров", "Карпов", "Киселёв")
NAMES = ("Иван", "Пётр", "Олег", "Илья", "Денис", "Артём", "Максим", "Кирилл", "Егор", "Никита",
         "Роман", "Фёдор", "Тимур", "Глеб", "Марк", "Лев", "Матвей", "Степан", "Данил", "Семён")
PATRONYMICS = ("Иванович", "Петрович", "Сергеевич", "Олегович", "Андреевич", "Ильич", "Денисович", "Павлович",
               "Юрьевич", "Романович", "Игоревич", "Артёмович", "Максимович", "Глебович", "Львович",
               "Маркович", "Тимурович", "Степанович", "Семёнович", "Егорович", "Никитич", "Кириллович",
               "Фёдорович", "Матвеевич", "Данилович", "Борисович", "Антонович", "Аркадьевич", "Вадимович",
               "Викторович")
NAMES_LIST = [f"{s} {n} {p}" for p in PATRONYMICS for n in NAMES for s in SURNAMES]


def seeded(url: str) -> None:
    """A school with a few people and events, so that "as before" is not just "empty"."""
    with Store.open(url) as store:
        school = store.get_or_create_school("Школа № 1")
        first = add_person(store, school, NAMES_LIST[0], "pupil", class_name="7А")
        add_person(store, school, NAMES_LIST[1], "pupil", class_name="7А")
        store.append_events([NewEvent(school.id, first.id, "install-max")])


def write_big_roster(path: Path) -> Path:
    # The first pupil moves to 8А, the second stays; everyone else is new.
    rows = ["ФИО;Класс", f"{NAMES_LIST[0]};8А", f"{NAMES_LIST[1]};7А"]
    rows += [f"{NAMES_LIST[n]};{5 + n % 5}{'АБВ'[n % 3]}" for n in range(2, BIG)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def python(*code_args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, *code_args], env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def killed_after(delay: float, *cli_args: str, timeout: float = 60) -> None:
    """Run a real `sferum-onboard` command and kill -9 it after `delay` seconds (if still running)."""
    worker = python("-m", "sferum_onboard", *cli_args)
    time.sleep(delay)
    if worker.poll() is None:
        os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=timeout)


KILL_MID_IMPORT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sferum_onboard.tracking.roster import read_roster
    from sferum_onboard.tracking.store import Store

    url, path = sys.argv[1:3]
    store = Store.open(url)
    school = store.school()
    plan = store.plan_import(school, read_roster(Path(path)), apply_moves=True)

    def progress(done, total):
        if done >= 5000:  # a whole batch is written, the transaction is open
            print("MID", done, total, flush=True)
            time.sleep(120)

    store.apply_import(plan, progress=progress)
    print("COMMITTED", flush=True)
""")


def test_kill_9_in_the_middle_of_an_import_leaves_the_store_as_before(store_url, tmp_path):
    seeded(store_url)
    roster = write_big_roster(tmp_path / "ученики.csv")
    before = snapshot(store_url)
    worker = python("-c", KILL_MID_IMPORT, store_url, str(roster))
    try:
        line = worker.stdout.readline()
        assert line.startswith("MID"), worker.stderr.read()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL
    assert snapshot(store_url) == before
    # The store is usable afterwards, and the same import then lands whole.
    with Store.open(store_url) as store:
        from sferum_onboard.tracking.roster import read_roster

        applied = store.apply_import(store.plan_import(store.school(), read_roster(roster), apply_moves=True))
        assert (len(applied.added), len(applied.moved)) == (BIG - 2, 1)
        assert len(store.people(store.school())) == BIG


def test_kill_9_of_the_real_command_leaves_the_store_whole_or_untouched(store_url, tmp_path):
    seeded(store_url)
    roster = write_big_roster(tmp_path / "ученики.csv")
    before = snapshot(store_url)
    delays = (0.8, 1.5, 2.5)
    for delay in delays:
        killed_after(delay, "roster", "import", str(roster), "--apply-moves", "--db", store_url, "--project",
                     str(TRACKING_PROJECT))
        now = snapshot(store_url)
        people = len(now["people"])
        assert people in (2, BIG), f"a partial import is visible: {people} people"
        if people == 2:
            assert now == before
        else:
            assert len(now["imports"]) == 1
            break


MARKER = textwrap.dedent("""
    import sys
    from sferum_onboard.tracking.store import NewEvent, Store

    url, worker, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = Store.open(url)
    school = store.school()
    people = [p.id for p in store.people(school)]
    for n in range(rounds):
        person = people[(worker * rounds + n) % len(people)]
        store.append_events([NewEvent(school.id, person, "install-max", "done" if n % 2 else "undone",
                                      recorded_by=f"writer {worker}", note=str(n))])
    print("OK", flush=True)
""")


def test_several_processes_writing_at_once_lose_no_event(store_url):
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        for n in range(10):
            add_person(store, school, f"Ученик {n}", "pupil", class_name="7А")
    writers, rounds = 4, 40
    workers = [python("-c", MARKER, store_url, str(w), str(rounds)) for w in range(writers)]
    results = [(w.wait(timeout=300), w.stdout.read(), w.stderr.read()) for w in workers]
    for code, out, err in results:
        assert (code, out.strip()) == (0, "OK"), err
        assert "locked" not in err
    with Store.open(store_url) as store:
        events = store.events()
        assert len(events) == writers * rounds
        assert sorted((e.recorded_by, e.note) for e in events) == sorted(
            (f"writer {w}", str(n)) for w in range(writers) for n in range(rounds))
        rebuilt_before = store.current_states(store.school())
        store.rebuild_step_state()
        assert store.current_states(store.school()) == rebuilt_before


def test_class_leaders_marking_at_once_through_the_cli_all_succeed(store_url):
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        for n in range(6):
            add_person(store, school, f"Родитель {n}", "parent")
    workers = [
        python("-m", "sferum_onboard", "mark", "--db", store_url, "--project", str(TRACKING_PROJECT),
               "--by", f"классный руководитель {n}", f"Родитель {n}", "install-max")
        for n in range(6)
    ]
    for worker in workers:
        code = worker.wait(timeout=300)
        err = worker.stderr.read()
        assert code == 0, err
        assert "locked" not in err and "Traceback" not in err
    with Store.open(store_url) as store:
        assert sorted(e.recorded_by for e in store.events()) == [f"классный руководитель {n}" for n in range(6)]


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from sferum_onboard.tracking.store import NewEvent, Store

    store = Store.open(sys.argv[1])
    school = store.school()
    with store._write() as conn:  # the write lock, held like a long import would
        if store.backend == "postgresql":
            conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
        print("HOLDING", flush=True)
        time.sleep(float(sys.argv[2]))
    print("RELEASED", flush=True)
""")


def test_a_mark_waits_for_a_long_writer_instead_of_failing(store_url):
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        add_person(store, school, "Иванов Иван", "pupil", class_name="7А")
    holder = python("-c", HOLD_LOCK, store_url, "3")
    assert holder.stdout.readline().strip() == "HOLDING"
    started = time.monotonic()
    marker = python("-m", "sferum_onboard", "mark", "--db", store_url, "--project", str(TRACKING_PROJECT),
                    "Иванов", "install-max")
    code = marker.wait(timeout=120)
    out, err = marker.stdout.read(), marker.stderr.read()
    holder.wait(timeout=60)
    assert code == 0, err
    assert out.startswith("Отмечено: #1 Иванов Иван")
    assert time.monotonic() - started > 1.0  # it really waited for the lock


CREATOR = textwrap.dedent("""
    import sys
    from sferum_onboard.tracking.store import Store
    from tests.storekit import add_person, ensure_class

    store = Store.open(sys.argv[1])
    school = store.get_or_create_school("Школа № 1")
    for n in range(15):
        ensure_class(store, school, f"{n % 11 + 1}А")
        add_person(store, school, f"Ученик {sys.argv[2]}-{n}", "pupil", class_name=f"{n % 11 + 1}Б")
    print("OK", flush=True)
""")


def test_processes_creating_the_same_school_and_classes_do_not_collide(store_url):
    Store.open(store_url).close()  # the schema exists before the race
    workers = [python("-c", CREATOR, store_url, str(n)) for n in range(3)]
    for worker in workers:
        code = worker.wait(timeout=300)
        assert (code, worker.stdout.read().strip()) == (0, "OK"), worker.stderr.read()
    with Store.open(store_url) as store:
        school = store.school()
        assert len(store.classes(school)) == 22
        assert len(store.people(school)) == 45
