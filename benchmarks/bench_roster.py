"""Benchmark reading a 100,000-person roster against its floor, and the whole import on SQLite.

A pupils' list of 100,000 rows (title row, «№ | ФИО | Класс | Телефон»,
Windows-1251 CSV with `;`, and the same rows as an XLSX with a shared-string
table, the way Excel saves it) is written to a temporary folder. Floors: for CSV, decoding plus
`csv.reader` over the rows and nothing else; for XLSX, python-calamine (the
reader the import uses) loading the sheet's rows and nothing else. Then the whole import
(read, plan, apply in one transaction) into a new SQLite store, the issue's
goal being ≤ 10 s. Run: .venv/bin/python benchmarks/bench_roster.py
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import python_calamine

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sferum_onboard.tracking.roster import read_roster  # noqa: E402
from sferum_onboard.tracking.store import Store  # noqa: E402
from tests.rosterfiles import with_shared_strings  # noqa: E402

ROWS = 100_000
LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"
SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
FIRST = ("Иван", "Пётр", "Алексей", "Мария", "Анна", "Дарья", "Никита", "Софья", "Артём", "Полина")


def rows() -> list[list]:
    out = []
    for i in range(ROWS):
        tag = LETTERS[i % 27] + LETTERS[i // 27 % 27] + LETTERS[i // 729 % 27] + LETTERS[i // 19683 % 27]
        name = f"{SURNAMES[i % 10]}{tag} {FIRST[i // 10 % 10]} Сергеевич"
        out.append([i + 1, name, f"{i % 11 + 1}{'АБВГ'[i // 11 % 4]}", f"+7 9{i:09d}"])
    return out


def write_files(folder: Path) -> tuple[Path, Path]:
    data = rows()
    header = [["Список обучающихся на 01.09.2026"], ["№", "ФИО", "Класс", "Телефон"]]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(header + data)
    csv_path = folder / "pupils.csv"
    csv_path.write_bytes(buffer.getvalue().encode("cp1251"))
    book = openpyxl.Workbook()
    for row in header + data:
        book.active.append(row)
    xlsx_path = folder / "pupils.xlsx"
    book.save(xlsx_path)
    return csv_path, with_shared_strings(xlsx_path)


def csv_floor(path: Path) -> int:
    text = path.read_bytes().decode("cp1251")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def xlsx_floor(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return len(book.get_sheet_by_index(0).to_python())


def best(func, *args, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def full_import(path: Path, folder: Path) -> dict[str, float]:
    db = folder / f"store-{time.monotonic_ns()}.sqlite"
    start = time.perf_counter()
    roster = read_roster(path)
    read = time.perf_counter()
    with Store.open(str(db)) as store:
        school = store.get_or_create_school("Школа для замера")
        opened = time.perf_counter()
        plan = store.plan_import(school, roster)
        planned = time.perf_counter()
        store.apply_import(plan)
        applied = time.perf_counter()
    assert len(plan.added) == ROWS, len(plan.added)
    return {"read": read - start, "plan": planned - opened, "apply": applied - planned,
            "total": applied - start - (opened - read)}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = write_files(folder)
        print(f"roster of {ROWS:,} pupils: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
              f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB")
        for label, path, floor in (("CSV", csv_path, csv_floor), ("XLSX", xlsx_path, xlsx_floor)):
            floor_s = best(floor, path)
            read_s = best(read_roster, path)
            print(f"read {label}: {read_s:.2f} s; floor {floor_s:.2f} s; ratio {read_s / floor_s:.1f}×")
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            runs = [full_import(path, folder) for _ in range(2)]
            total = statistics.median(r["total"] for r in runs)
            parts = ", ".join(f"{k} {min(r[k] for r in runs):.2f} s" for k in ("read", "plan", "apply"))
            print(f"import {label} into SQLite: {total:.2f} s ({parts}); goal ≤ 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
