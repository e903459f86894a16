"""Benchmark the tracking store: a 100,000-person import, 3,000,000 events, `progress` against its floor.

One school (the issue's sizes: 100,000 people, 3,000,000 events), on SQLite
and, when SFERUM_TEST_DATABASE_URL names a server, on PostgreSQL (in a
throwaway schema):

1. import three rosters through the real reader, plan and apply — 60,000
   pupils, 36,000 parents (households of one or two children), 4,000 staff —
   then import them all again (must change nothing); goal on SQLite ≤ 10 s;
2. record 3,000,000 events through `Store.append_events` in batches of
   100,000 (about 30 per person over their own checklist steps);
3. `progress` over all of them (`Store.progress`, per class, with the
   school total): goal on SQLite ≤ 2 s and ≤ 1.5× the floor, which is one
   hand-written SQL aggregate over the same tables — done / not applicable
   counts per class and step, joined through pupils, households and class
   leaders — timed in the same run. For reference also: the same aggregate
   reducing the raw event log (no state cache), and the `progress` command
   end to end in a new process.

Run: .venv/bin/python benchmarks/bench_tracking.py [--people 100000] [--events 3000000] [--no-postgres] [--reuse]

`--reuse` keeps the built stores (benchmarks/.work/, a named schema on the
server) and, when they are there already, times only `progress` against its
floor: for iterating on the query without waiting minutes for the build.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from sferum_onboard.catalog import load_catalog  # noqa: E402
from sferum_onboard.tracking.membership import profile_of  # noqa: E402
from sferum_onboard.tracking.roster import read_roster  # noqa: E402
from sferum_onboard.tracking.store import NewEvent, Store  # noqa: E402

LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
FIRST = ("Иван", "Пётр", "Алексей", "Мария", "Анна", "Дарья", "Никита", "Софья", "Артём", "Полина")
START = dt.datetime(2026, 9, 1, 8, 0)

FLOOR_SQL = """
WITH member(person_id, class_name) AS (
    SELECT p.id, c.name FROM people p JOIN classes c ON c.id = p.class_id
     WHERE p.school_id = :school AND p.role = 'pupil'
    UNION
    SELECT h.parent_id, c.name FROM households h JOIN people k ON k.id = h.pupil_id
      JOIN classes c ON c.id = k.class_id WHERE k.school_id = :school AND k.active
    UNION
    SELECT c.leader_id, c.name FROM classes c WHERE c.school_id = :school AND c.leader_id IS NOT NULL
)
SELECT m.class_name, s.step_id, s.action, count(*)
  FROM {states} s JOIN people p ON p.id = s.person_id JOIN member m ON m.person_id = p.id
 WHERE p.school_id = :school AND p.active
 GROUP BY m.class_name, s.step_id, s.action
"""
STATE_CACHE = "step_state"
EVENT_LOG = """(SELECT person_id, step_id, action FROM (
    SELECT person_id, step_id, action,
           row_number() OVER (PARTITION BY person_id, step_id ORDER BY at DESC, id DESC) AS rank
      FROM events WHERE person_id IS NOT NULL) ranked WHERE rank = 1)"""


def name(i: int) -> str:
    """A distinct, real-looking full name for every i."""
    tag = LETTERS[i % 27].lower() + LETTERS[i // 27 % 27].lower() + LETTERS[i // 729 % 27].lower()
    return f"{SURNAMES[i // 19683 % 10]}{tag} {FIRST[i // 196830 % 10]} Сергеевич"


def class_of(i: int, classes: int) -> str:
    n = i % classes
    return f"{n % 11 + 1}{LETTERS[n // 11 % 27]}{LETTERS[n // 297] if n >= 297 else ''}"


def write_rosters(folder: Path, people: int) -> list[Path]:
    """Pupils (60 %), parents of one or two of them (36 %), staff (4 %): CSV as schools export it."""
    pupils, parents, staff = people * 60 // 100, people * 36 // 100, people - people * 96 // 100
    classes = max(1, pupils // 28)
    pupil_names = [name(i) for i in range(pupils)]
    pupil_class = [class_of(i, classes) for i in range(pupils)]
    rows = ["Список обучающихся на 01.09.2026", "ФИО;Класс;Телефон"]
    rows += [f"{pupil_names[i]};{pupil_class[i]};+7 9{i:09d}" for i in range(pupils)]
    pupils_path = folder / "ученики.csv"
    pupils_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = ["ФИО родителя;Ребёнок;Класс ребёнка;Телефон"]
    child = 0
    for j in range(parents):
        kids = 2 if child + (parents - j) < pupils and j % 3 != 0 else 1
        for _ in range(kids):
            if child < pupils:
                rows.append(f"{name(pupils + j)};{pupil_names[child]};{pupil_class[child]};+7 8{j:09d}")
                child += 1
    parents_path = folder / "родители.csv"
    parents_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = ["ФИО;Должность;Предмет;Классное руководство"]
    for k in range(staff):
        position = "педагог-психолог" if k % 40 == 1 else "заместитель директора" if k % 97 == 2 else "учитель"
        led = class_of(k, classes) if k < classes else ""
        rows.append(f"{name(pupils + parents + k)};{position};математика;{led}")
    staff_path = folder / "сотрудники.csv"
    staff_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [pupils_path, parents_path, staff_path]


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def best(runs: int, func, *args, **kwargs) -> tuple[float, object]:
    results = [timed(func, *args, **kwargs) for _ in range(runs)]
    return min(r[0] for r in results), results[0][1]


def import_rosters(store: Store, school, paths: list[Path]) -> dict[str, float]:
    figures = {"read": 0.0, "plan": 0.0, "apply": 0.0, "changed": 0}
    for path in paths:
        t_read, roster = timed(read_roster, path)
        assert not roster.problems, roster.problems[:3]
        t_plan, plan = timed(store.plan_import, school, roster)
        assert not plan.problems, plan.problems[:3]
        t_apply, plan = timed(store.apply_import, plan)
        figures["read"] += t_read
        figures["plan"] += t_plan
        figures["apply"] += t_apply
        figures["changed"] += len(plan.added) + len(plan.moved) + len(plan.updated)
    return figures


def event_batches(store: Store, catalog, school, total: int, batch: int, seed: int = 11):
    """About total/people events per person over their own steps (done 70 %, undone 20 %, n/a 10 %)."""
    rng = random.Random(seed)
    people = store.people(school)
    steps = {}
    for person in people:
        profile = profile_of(person)
        if profile not in steps:
            steps[profile] = [s.id for s in profile.steps(catalog)]
    per_person = total // len(people)
    extra = total - per_person * len(people)
    pending: list[NewEvent] = []
    term = 240 * 24 * 3600
    for n, person in enumerate(people):
        own = steps[profile_of(person)] or ["install-max"]
        for _ in range(per_person + (1 if n < extra else 0)):
            roll = rng.random()
            action = "done" if roll < 0.7 else "undone" if roll < 0.9 else "not_applicable"
            at = START + dt.timedelta(seconds=rng.randrange(term))
            pending.append(NewEvent(school.id, person.id, rng.choice(own), action, at, "замер", "meeting"))
            if len(pending) == batch:
                yield pending
                pending = []
    if pending:
        yield pending


def floor(store: Store, school, states: str) -> list:
    with store.engine.connect() as conn:
        return conn.execute(sa.text(FLOOR_SQL.format(states=states)), {"school": school.id}).all()


def cli_progress(url: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sferum_onboard", "progress", "--db", url, "--format", "json",
                    "--project", str(REPO)], check=True, cwd=REPO, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONPATH=str(REPO)))
    return time.perf_counter() - start


WORK = REPO / "benchmarks" / ".work"
BUILT = "Школа для замера"


def run(label: str, url: str, catalog, rosters: list[Path], events: int, batch: int, reuse: bool = False) -> None:
    print(f"\n== {label}")
    with Store.open(url) as store:
        if reuse and any(s.name == BUILT for s in store.schools()):
            print("(reusing the store built by an earlier run: only progress is timed)")
            time_progress(label, url, store, catalog, store.school(BUILT))
            return
        school = store.get_or_create_school(BUILT)
        first = import_rosters(store, school, rosters)
        total = first["read"] + first["plan"] + first["apply"]
        people = len(store.people(school))
        goal = " (goal ≤ 10 s)" if label == "SQLite" else ""
        print(f"import {people:,} people: {total:.2f} s{goal} — read {first['read']:.2f} s, "
              f"plan {first['plan']:.2f} s, apply {first['apply']:.2f} s")
        again = import_rosters(store, school, rosters)
        assert again["changed"] == 0, again
        print(f"re-import of the same files: {again['read'] + again['plan'] + again['apply']:.2f} s, "
              f"nothing changed")

        start = time.perf_counter()
        recorded = sum(store.append_events(chunk, return_events=False)
                       for chunk in event_batches(store, catalog, school, events, batch))
        seconds = time.perf_counter() - start
        with store.engine.connect() as conn:
            states = conn.execute(sa.text("SELECT count(*) FROM step_state")).scalar()
        print(f"record {recorded:,} events: {seconds:.1f} s ({recorded / seconds:,.0f} events/s, "
              f"in batches of {batch:,}); {states:,} current states")

        if store.backend == "postgresql":
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        time_progress(label, url, store, catalog, school)


def time_progress(label: str, url: str, store: Store, catalog, school) -> None:
    with store.engine.connect() as conn:
        recorded = conn.execute(sa.text("SELECT count(*) FROM events")).scalar()
    floor_s, rows = best(3, floor, store, school, STATE_CACHE)
    progress_s, result = best(3, store.progress, catalog, school, by="class")
    total_s, _ = best(3, store.progress, catalog, school, by=None)
    done = sum(n for _, _, action, n in rows if action == "done")
    assert done >= sum(g.done for g in result.groups) > 0
    goal = " (goal ≤ 2 s and ≤ 1.5×)" if label == "SQLite" else ""
    print(f"progress per class over {recorded:,} events: {progress_s:.2f} s{goal}; "
          f"floor {floor_s:.2f} s; ratio {progress_s / floor_s:.2f}×")
    print(f"progress, school total only: {total_s:.2f} s; ratio {total_s / floor_s:.2f}×")
    log_s, _ = best(1, floor, store, school, EVENT_LOG)
    print(f"for reference: the same aggregate reducing the raw event log (no state cache): {log_s:.2f} s")
    print(f"for reference: `sferum-onboard progress --format json` end to end: {cli_progress(url):.2f} s "
          f"(a new process: imports, catalog, store, output)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the built stores and reuse them next time")
    args = parser.parse_args()
    catalog = load_catalog(REPO)
    sizes = f"{args.people}p{args.events}e"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rosters = write_rosters(folder, args.people)
        if args.reuse:
            WORK.mkdir(exist_ok=True)
            sqlite_path = WORK / f"bench-{sizes}.sqlite"
        else:
            sqlite_path = folder / "bench.sqlite"
        run("SQLite", str(sqlite_path), catalog, rosters, args.events, args.batch, args.reuse)
        base = os.environ.get("SFERUM_TEST_DATABASE_URL")
        if base and not args.no_postgres:
            with postgres_schema(base, f"bench_keep_{sizes}" if args.reuse else None) as url:
                run("PostgreSQL", url, catalog, rosters, args.events, args.batch, args.reuse)
        else:
            print("\nPostgreSQL: skipped (set SFERUM_TEST_DATABASE_URL, as .ci/run does)")
    return 0


@contextlib.contextmanager
def postgres_schema(base: str, kept: str | None):
    """A store URL on the server `base` in a schema of its own: the one named `kept` (left for a later
    --reuse), or a throwaway one dropped afterwards."""
    schema = kept or f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    try:
        yield sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        if kept is None:
            with engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
