"""Benchmark `validate` against its floor: C-loader parsing plus one schema pass.

A synthetic catalog of 10,000 steps across 200 checklists (with guide pages,
dependencies and roles) is written to a temporary folder. The floor parses
the same YAML files with PyYAML's C loader and runs the compiled validators
once, nothing else. Run: .venv/bin/python benchmarks/bench_validate.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sferum_onboard.catalog import validate_project
from sferum_onboard.catalog.load import SPECIAL_FILES
from sferum_onboard.catalog.schema import validator

CHECKLISTS, STEPS_PER_CHECKLIST = 200, 50
REPO = Path(__file__).resolve().parent.parent


def make_catalog(root: Path) -> None:
    (root / "checklists").mkdir(parents=True)
    (root / "content" / "guides").mkdir(parents=True)
    (root / "site_config").mkdir()
    roles = ["administrator", "teacher", "class_leader", "specialist", "pupil", "parent"]
    (root / "checklists" / "roles.yml").write_text("roles:\n" + "".join(
        f"  - {{id: {r}, title: Роль {r}, description: Описание роли {r}.}}\n" for r in roles), encoding="utf-8")
    (root / "site_config" / "site.yml").write_text(
        "school: {name: Школа, short_name: Школа}\nsite_url: http://localhost:8000/\nvariables: {messenger: MAX}\n",
        encoding="utf-8")
    for c in range(CHECKLISTS):
        lines = [f"id: list-{c}", f"title: Чек-лист номер {c}", f"audience: [{roles[c % 6]}]", "version: 1",
                 "intro: Шаги по порядку.", "steps:"]
        page = [f"# Инструкция {c}\n"]
        for s in range(STEPS_PER_CHECKLIST):
            sid = f"step-{c}-{s}"
            lines += [f"  - id: {sid}", f"    title: Шаг {s} чек-листа {c}",
                      "    action: Откройте приложение и следуйте подсказкам.",
                      f"    guide: guides/page-{c}.md#шаг-{s}-раздел",
                      f"    depends_on: [step-{c}-{s - 1}]" if s else "    depends_on: []",
                      "    minutes: 5", "    platforms: [android, ios]", "    helper: class_leader",
                      "    done_when: Виден результат на экране.",
                      "    review: {checked: 2026-10-01, source: приказ}"]
            page.append(f"\n## Шаг {s} раздел\n\nТекст с {{{{ messenger }}}}.\n")
        (root / "checklists" / f"list-{c}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (root / "content" / "guides" / f"page-{c}.md").write_text("".join(page), encoding="utf-8")


def floor(root: Path) -> None:
    """Parse with the C loader and run the compiled validator once per file."""
    for folder in ("checklists", "site_config"):
        for path in sorted((root / folder).glob("*.yml")):
            data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            kind = SPECIAL_FILES.get((path.parent.name, path.name), "checklist")
            for _ in validator(kind).iter_errors(data):
                pass


def best_of(func, root: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(root)
        times.append(time.perf_counter() - start)
    return min(times)


def check_valid(root: Path) -> None:
    report = validate_project(root)
    if report.problems:
        sys.exit(f"synthetic catalog has problems: {report.problems[:3]}")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        make_catalog(work)
        check_valid(work)
        floor(work)  # warm caches and compiled validators for both
        floor_s = best_of(floor, work)
        validate_s = best_of(validate_project, work)
        shipped_s = best_of(validate_project, REPO, runs=10)
        shipped_floor_s = best_of(floor, REPO, runs=10)
        print(f"synthetic catalog: {CHECKLISTS} checklists, {CHECKLISTS * STEPS_PER_CHECKLIST} steps")
        print(f"  floor (C loader + compiled validators): {floor_s:.3f} s")
        print(f"  validate:                               {validate_s:.3f} s")
        print(f"  ratio validate / floor:                 {validate_s / floor_s:.2f} (goal <= 1.5)")
        print(f"shipped content: validate {shipped_s:.3f} s (goal < 0.3 s), floor {shipped_floor_s:.3f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
