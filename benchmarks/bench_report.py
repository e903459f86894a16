"""Benchmark `report` end to end: 100,000 people and 3,000,000 events on SQLite.

A district store (40 schools of 2,500 people: class leaders, teachers,
specialists, pupils, parents in households) with 3,000,000 events over a
school year is generated once into benchmarks/.work/ (kept between runs).
Then, timed: open the store, read every school with the compact queries,
evaluate the road map, write the district roll-up and every school's
report.html and report.xlsx. The time spent in the database is compared
with the floor: hand-written SQL fetching the same facts (the current state
per person and step, and the first "done" of the road-map steps) over the
same tables, measured in the same run.

With --xlsx-writers it also times the report.xlsx's bulk sheets (Классы and
Люди, the rows of every school) written two ways: our splice of rows into
openpyxl's saved XML, and openpyxl's own write-only mode with WriteOnlyCell,
the standard way, with the same formula guard.

Run: .venv/bin/python benchmarks/bench_report.py [--schools N] [--people N] [--events N] [--fresh] [--xlsx-writers]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sferum_onboard.catalog import load_catalog  # noqa: E402
from sferum_onboard.outputs import report  # noqa: E402
from sferum_onboard.tracking import roadmap  # noqa: E402
from sferum_onboard.tracking.store import Store  # noqa: E402

WORK = REPO / "benchmarks" / ".work"
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
START = dt.datetime(2026, 9, 1, 9, 0)


def class_names(n: int) -> list[str]:
    """n class names over grades 1–11: «7А» … then two letters («7АБ») when one is not enough."""
    letters = list(LETTERS) + [a + b for a in LETTERS for b in LETTERS]
    per_grade = -(-n // 11)
    return [f"{grade}{letters[i]}" for i in range(per_grade) for grade in range(1, 12)][:n]


def generate(path: Path, catalog, schools: int, people_total: int, events_total: int, seed: int = 7) -> None:
    """Write the district straight into the store's tables, then rebuild the state cache."""
    rng = random.Random(seed)
    Store.open(str(path)).close()  # creates the schema
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    stamp = "2026-08-30 12:00:00.000000"
    per_school = people_total // schools
    person_id = 0
    plans: list[tuple[int, int, tuple]] = []  # (school id, person id, steps)
    for school_id in range(1, schools + 1):
        db.execute("INSERT INTO schools (id, name, created_at) VALUES (?, ?, ?)",
                   (school_id, f"МБОУ СОШ № {school_id}", stamp))
        pupils_n = per_school * 45 // 100
        parents_n = per_school * 45 // 100
        staff_n = per_school - pupils_n - parents_n
        n_classes = max(1, pupils_n // 25)
        names = class_names(n_classes)
        class_ids = {}
        for name in names:
            cur = db.execute("INSERT INTO classes (school_id, name, grade) VALUES (?, ?, ?)",
                             (school_id, name, int("".join(c for c in name if c.isdigit()))))
            class_ids[name] = cur.lastrowid
        rows = []

        def person(role, class_id=None, leader=False, specialist=False, name="Иванова Мария Петровна"):
            nonlocal person_id
            person_id += 1
            rows.append((person_id, school_id, f"{name} {person_id}", f"{name.lower()} {person_id}", role, class_id,
                         leader, specialist, None, None, None, True, stamp, stamp))
            return person_id

        person("administrator")
        leaders = []
        for i in range(staff_n - 1):
            leader = i < n_classes
            specialist = not leader and i % 10 == 0
            pid = person("teacher", leader=leader, specialist=specialist, name="Петрова Анна Ивановна")
            if leader:
                leaders.append((pid, names[i]))
        pupils = [(person("pupil", class_ids[names[i % n_classes]], name="Сидоров Пётр"), names[i % n_classes])
                  for i in range(pupils_n)]
        households = []
        for i in range(parents_n):
            pid = person("parent", name="Сидорова Ольга Николаевна")
            households.append((pid, pupils[i % pupils_n][0]))
            if i % 7 == 0:  # a parent of two children
                households.append((pid, pupils[(i * 31 + 1) % pupils_n][0]))
        db.executemany("INSERT INTO people (id, school_id, full_name, name_key, role, class_id, class_leader, "
                       "specialist, position, subjects, contact, active, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("UPDATE classes SET leader_id = ? WHERE id = ?", [(p, class_ids[n]) for p, n in leaders])
        db.executemany("INSERT OR IGNORE INTO households (parent_id, pupil_id) VALUES (?, ?)", households)
        grade_of = {pid: int("".join(c for c in cls if c.isdigit())) for pid, cls in pupils}
        for r in rows:
            steps = catalog.steps_for_person(r[4], bool(r[6]), bool(r[7]), grade_of.get(r[0]))
            plans.append((school_id, r[0], tuple(s.id for s in steps)))
    per_person = events_total / len(plans)
    events = []
    for school_id, pid, steps in plans:
        budget = max(1, round(rng.gauss(per_person, per_person / 4)))
        reach = rng.randint(0, len(steps))
        done_steps = steps[:reach] or steps[:1]
        day = START + dt.timedelta(days=rng.randint(0, 60))
        while budget > 0:
            for step in done_steps:
                if budget <= 0:
                    break
                action = "done" if rng.random() < 0.85 else rng.choice(("undone", "not_applicable"))
                events.append((school_id, pid, step, action, day.isoformat(" "), "бенчмарк", "meeting",
                               day.isoformat(" ")))
                budget -= 1
                day += dt.timedelta(hours=rng.randint(1, 200))
            # The last word is "done" for most steps reached, as in a real year.
            done_steps = done_steps[: max(1, len(done_steps) - 1)]
    del events[events_total:]
    db.executemany("INSERT INTO events (school_id, person_id, step_id, action, at, recorded_by, source, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", events)
    db.commit()
    db.close()
    with Store.open(str(path)) as store:
        store.rebuild_step_state()


def progress_floor(path: Path, schools: int) -> float | None:
    """The tracking benchmark's floor (bench_tracking.FLOOR_SQL: one hand-written aggregate per
    class and step over the state cache), run for every school of the store; None without it."""
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from bench_tracking import FLOOR_SQL, STATE_CACHE
    except ImportError:
        return None

    started = time.perf_counter()
    db = sqlite3.connect(path)
    sql = FLOOR_SQL.format(states=STATE_CACHE).replace(":school", "?")
    for school_id in range(1, schools + 1):
        db.execute(sql.replace("?", str(school_id))).fetchall()
    db.close()
    return time.perf_counter() - started


def floor(path: Path, step_ids: list[str]) -> float:
    """Hand-written SQL for the same facts: every state row, and the first "done" of road-map steps."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    rows = db.execute("SELECT p.school_id, s.person_id, s.step_id, s.action FROM people p "
                      "JOIN step_state s ON s.person_id = p.id WHERE p.active").fetchall()
    marks = ",".join("?" * len(step_ids))
    first = db.execute(f"SELECT person_id, step_id, MIN(at) FROM events WHERE action = 'done' "
                       f"AND person_id IS NOT NULL AND step_id IN ({marks}) GROUP BY person_id, step_id",
                       step_ids).fetchall()
    db.close()
    assert rows and first
    return time.perf_counter() - started


def bulk_sheets_spliced(views) -> float:
    """The bulk sheets of every school's report.xlsx through `xlsx_report.Book` (the splice)."""
    from sferum_onboard.outputs import xlsx_report

    started = time.perf_counter()
    for view in views:
        book = xlsx_report.Book()
        classes = book.workbook.active
        xlsx_report.classes_sheet(book, classes, view)
        xlsx_report.people_sheet(book, book.workbook.create_sheet("Люди"), view)
        book.save()
    return time.perf_counter() - started


def bulk_sheets_write_only(views) -> float:
    """The same sheets through openpyxl's write-only mode: a WriteOnlyCell where a cell needs a style
    (the share's percent format, the quote prefix of formula-like text), plain values elsewhere."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from sferum_onboard.outputs import xlsx_report
    from sferum_onboard.outputs.spreadsheet import formula_like, text_cell

    started = time.perf_counter()
    for view in views:
        book = Workbook(write_only=True)
        for title, columns, rows in (("Классы", xlsx_report.CLASS_COLUMNS, xlsx_report.class_rows(view)),
                                     ("Люди", xlsx_report.PEOPLE_COLUMNS, xlsx_report.people_rows(view))):
            sheet = book.create_sheet(title)
            sheet.append(columns)
            for row in rows:
                cells = []
                for column, value in enumerate(row):
                    if isinstance(value, str):
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                        if formula_like(value):
                            value = text_cell(WriteOnlyCell(sheet), value)
                    elif title == "Классы" and column == 6:
                        value = WriteOnlyCell(sheet, value)
                        value.number_format = xlsx_report.PERCENT
                    cells.append(value)
                sheet.append(cells)
        book.save(io.BytesIO())
    return time.perf_counter() - started


class Timer:
    """Adds up the time spent in the store's methods."""

    def __init__(self, store):
        self.spent = 0.0
        for name in ("people", "classes", "state_rows", "first_done", "school_states", "schools", "school"):
            setattr(store, name, self.wrap(getattr(store, name)))

    def wrap(self, method):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started
        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the store")
    parser.add_argument("--xlsx-writers", action="store_true",
                        help="also time report.xlsx's bulk sheets spliced and in openpyxl's write-only mode")
    args = parser.parse_args()
    catalog = load_catalog(REPO)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"report-{args.schools}x{args.people}-{args.events}.sqlite"
    if args.fresh or not path.exists():
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        generate(path, catalog, args.schools, args.people, args.events)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    floors = [floor(path, sorted(roadmap.target_step_ids(catalog))) for _ in range(3)]
    tracking_floors = [progress_floor(path, args.schools) for _ in range(3)]
    tracking_floor = None if None in tracking_floors else min(tracking_floors)
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        catalog = load_catalog(REPO)
        with Store.open(str(path)) as store:
            timer = Timer(store)
            results = report.evaluate_schools(store, catalog, as_of=None)
        evaluated = time.perf_counter() - started
        written = report.write_reports(catalog, results, out, REPO)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = sum(f.stat().st_size for f in written.files)
        command = [str(Path(sys.executable).with_name("sferum-onboard")), "report", "--project", str(REPO),
                   "--db", str(path), "-o", str(out / "cli")]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cli_total = time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)
    people = sum(len(r.situation.people) for r in results)
    best_floor = min(floors)
    print(f"report: {len(results)} schools, {people:,} people, {args.events:,} events")
    print(f"  the command, end to end   {cli_total:6.2f} s   (goal ≤ 10 s)")
    print(f"  in process                {total:6.2f} s   (CPU {cpu:.2f} s: the rest is waiting for a shared machine)")
    reference = (f"   (tracking's progress floor {tracking_floor:.2f} s, {timer.spent / tracking_floor:.2f}×)"
                 if tracking_floor else "")
    print(f"    in the database         {timer.spent:6.2f} s   floor {best_floor:.2f} s   "
          f"ratio {timer.spent / best_floor:.2f}×{reference}")
    print(f"    catalog and evaluation  {evaluated - timer.spent:6.2f} s")
    print(f"    writing files           {total - evaluated:6.2f} s   ({len(written.files)} files, {size / 1e6:.1f} MB)")
    if args.xlsx_writers:
        spliced = min(bulk_sheets_spliced(written.views) for _ in range(2))
        write_only = min(bulk_sheets_write_only(written.views) for _ in range(2))
        rows = sum(len(v.people) + sum(len(g.steps) for c in v.result.classes for g in c.groups) for v in written.views)
        print(f"  report.xlsx bulk sheets ({rows:,} rows): spliced {spliced:.2f} s, "
              f"openpyxl write-only {write_only:.2f} s ({write_only / spliced:.1f}×)")


if __name__ == "__main__":
    main()
