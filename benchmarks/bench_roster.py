"""Benchmark reading a 100,000-person roster against its floor, the whole import on SQLite, and refusals.

A pupils' list of 100,000 rows (title row, «№ | ФИО | Класс | Телефон»,
Windows-1251 CSV with `;`, and the same rows as an XLSX with a shared-string
table, the way Excel saves it, and as an ODS saved by LibreOffice when
`soffice` is installed) is written to a temporary folder. Floors: for CSV,
decoding plus `csv.reader` over the rows and nothing else; for XLSX and ODS,
python-calamine (the reader the import uses) loading the sheet's rows and
nothing else. Then the whole import (read, plan, apply in one transaction)
into a new SQLite store, the issue's goal being ≤ 10 s.

Refusals (`--refusals` runs only these): files far bigger than any list —
the 200 MB CSV of 2.4 million rows from issue 10, a 45 MB CSV of a million
short lines (under the size limit, over the row limit), an XLSX and an ODS
with one stray value in their last row — are read in a fresh process each,
which reports the time to the refusal and its peak memory (the
process's high-water mark, VmHWM: calamine's Rust allocations too; and
`tracemalloc`'s Python peak, in a second run so it does not slow the
first), next to the same process's high-water mark after its imports.
`--before DIR` measures the same files with the package found in DIR (a
checkout of main, say), for the figures before this work.
Goal: refused in under 2 s, in memory that does not grow with the file.

Run: .venv/bin/python benchmarks/bench_roster.py [--refusals] [--before DIR]
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
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


def libreoffice_ods(xlsx_path: Path, folder: Path) -> Path | None:
    """The XLSX saved as ODS by LibreOffice, or None without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "ods", "--outdir", str(folder), str(xlsx_path)], capture_output=True, timeout=900)
    made = folder / f"{xlsx_path.stem}.ods"
    return made if made.exists() else None


# --- refusals: each file read in a process of its own --------------------------------------

_MEASURE = """
import json, re, sys, time, tracemalloc
from pathlib import Path
from sferum_onboard.errors import DataError
from sferum_onboard.tracking.roster import read_roster

def high_water_kb():  # VmHWM: this process's own peak (getrusage's ru_maxrss keeps the parent's across exec)
    return int(re.search(r"VmHWM:\\s*(\\d+)", Path("/proc/self/status").read_text()).group(1))

path, traced = Path(sys.argv[1]), sys.argv[2] == "1"
base = high_water_kb()
if traced:
    tracemalloc.start()
start = time.perf_counter()
try:
    read_roster(path)
    outcome = "read"
except DataError as error:
    outcome = str(error).split(": ", 1)[1][:70]
seconds = time.perf_counter() - start
peak = high_water_kb()
python_peak = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps({"seconds": seconds, "base_kb": base, "peak_kb": peak, "python_peak": python_peak,
                  "outcome": outcome}))
"""


def measure(path: Path, package: Path = REPO) -> dict:
    runs = []
    for traced in ("0", "1"):
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(path), traced], capture_output=True, text=True,
                              cwd=package, timeout=1800)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout))
    return dict(runs[0], python_peak=runs[1]["python_peak"])


def big_csv(path: Path, rows: int, row_bytes: int) -> Path:
    """A CSV of `rows` pupils, each line padded to about `row_bytes`, written in blocks."""
    with path.open("wb") as out:
        out.write("№;ФИО;Класс;Телефон;Примечание\r\n".encode("cp1251"))
        block = []
        for i in range(rows):
            line = f"{i + 1};Иванов{i} Иван;{i % 11 + 1}А;"
            block.append(line + "x" * max(0, row_bytes - len(line) - 2) + "\r\n")
            if len(block) == 50_000:
                out.write("".join(block).encode("cp1251"))
                block = []
        out.write("".join(block).encode("cp1251"))
    return path


def stray_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["ФИО", "Класс"])
    book.active.append(["Иванов Иван", "7А"])
    book.active["XFD1048576"] = "заметка"
    book.save(path)
    return path


def stray_ods(path: Path) -> Path:
    """An ODS as LibreOffice writes formatted empty rows: huge repeat counts, then one value at the end."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
        '<office:spreadsheet><table:table table:name="Лист1">'
        f'<table:table-row>{cell.format("ФИО")}{cell.format("Класс")}</table:table-row>'
        f'<table:table-row>{cell.format("Иванов Иван")}{cell.format("7А")}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="1023"/>{cell.format("x")}'
        '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def refusals(folder: Path) -> None:
    cases = [
        ("CSV 200 MB, 2.4 million rows (issue 10)", big_csv(folder / "huge.csv", 2_400_000, 87)),
        ("CSV 45 MB, 1 million short rows", big_csv(folder / "long.csv", 1_000_000, 45)),
        ("XLSX, one value in XFD1048576", stray_xlsx(folder / "stray.xlsx")),
        ("ODS, one value in AMJ1048576", stray_ods(folder / "stray.ods")),
    ]
    before = Path(sys.argv[sys.argv.index("--before") + 1]) if "--before" in sys.argv else None
    for label, path in cases:
        for package, who in ((REPO, "refuse"),) + (((before, "  before"),) if before else ()):
            found = measure(path, package)
            print(f"{who} {label} ({path.stat().st_size / 1e6:.1f} MB): {found['seconds']:.3f} s; peak memory "
                  f"{found['peak_kb'] / 1024:.0f} MB (after imports {found['base_kb'] / 1024:.0f} MB, "
                  f"+{(found['peak_kb'] - found['base_kb']) / 1024:.0f} MB); Python peak "
                  f"{found['python_peak'] / 1e6:.1f} MB; «{found['outcome']}…»; goal < 2 s")
        path.unlink()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "--refusals" not in sys.argv:
            csv_path, xlsx_path = write_files(folder)
            ods_path = libreoffice_ods(xlsx_path, folder)
            print(f"roster of {ROWS:,} pupils: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
                  f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB"
                  + (f", ODS {ods_path.stat().st_size / 1e6:.1f} MB" if ods_path else ", no ODS (no LibreOffice)"))
            books = [("CSV", csv_path, csv_floor), ("XLSX", xlsx_path, xlsx_floor)]
            books += [("ODS", ods_path, xlsx_floor)] if ods_path else []
            for label, path, floor in books:
                floor_s = best(floor, path)
                read_s = best(read_roster, path)
                print(f"read {label}: {read_s:.2f} s; floor {floor_s:.2f} s; ratio {read_s / floor_s:.1f}×")
            for label, path, _ in books:
                runs = [full_import(path, folder) for _ in range(2)]
                total = statistics.median(r["total"] for r in runs)
                parts = ", ".join(f"{k} {min(r[k] for r in runs):.2f} s" for k in ("read", "plan", "apply"))
                print(f"import {label} into SQLite: {total:.2f} s ({parts}); goal ≤ 10 s")
        refusals(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
