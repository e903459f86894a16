"""Benchmark the site build: `sferum-onboard build` against a plain MkDocs build.

1. The shipped content: the time of `sferum-onboard build` (validate +
   generate + MkDocs + Pagefind) against the floor, a plain `mkdocs build` of
   the same already-generated Markdown, measured in the same run. The
   generator's share (validate + generate) should stay under 10 %.
2. Synthetic sites of about 100, 250 and 500 pages (checklists with their
   guide pages), to show how the build time grows with the site, and the
   lightening of pages per page: it should stay about the same as the site
   grows (every page carries the whole menu; see site/css_usage.py).

Run: .venv/bin/python benchmarks/bench_build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sferum_onboard.catalog import load_catalog  # noqa: E402
from sferum_onboard.site.build import load_mkdocs_config, run_mkdocs  # noqa: E402
from sferum_onboard.site.generate import generate_site  # noqa: E402
from sferum_onboard.site.optimize import optimize_site, precompress  # noqa: E402
from sferum_onboard.site.search import build_search_index  # noqa: E402

ROLES = ("administrator", "teacher", "class_leader", "specialist", "pupil", "parent")


def copy_project(source: Path, target: Path) -> Path:
    for part in ("checklists", "content", "site_config"):
        shutil.copytree(source / part, target / part)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def build_once(project: Path, site_dir: Path) -> dict[str, float]:
    """One `sferum-onboard build`, stage by stage, and the plain MkDocs floor right after it."""
    t_load, catalog = timed(load_catalog, project)
    t_generate, _ = timed(generate_site, catalog, project / "build")
    config = load_mkdocs_config(project, site_dir / "ours", strict=True)
    t_mkdocs, pages = timed(run_mkdocs, config)
    t_optimize, _ = timed(optimize_site, site_dir / "ours")
    t_search, _ = timed(build_search_index, site_dir / "ours")
    t_compress, _ = timed(precompress, site_dir / "ours")
    # The floor: MkDocs alone on the Markdown that is already generated, into a fresh folder too.
    t_floor, _ = timed(lambda: run_mkdocs(load_mkdocs_config(project, site_dir / "floor", strict=True)))
    return {"load": t_load, "generate": t_generate, "mkdocs": t_mkdocs, "search": t_search,
            "lighten": t_optimize + t_compress, "optimize": t_optimize, "compress": t_compress,
            "floor": t_floor, "pages": pages}


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def report(label: str, figures: dict[str, float]) -> None:
    generator = figures["load"] + figures["generate"]
    ours = generator + figures["mkdocs"] + figures["search"] + figures["lighten"]
    print(f"{label}: {int(figures['pages'])} pages")
    print(f"  sferum-onboard build     {ours:7.2f} s  (validate {figures['load']:.2f} + generate "
          f"{figures['generate']:.2f} + mkdocs {figures['mkdocs']:.2f} + pagefind {figures['search']:.2f} "
          f"+ lighter pages and .gz/.br {figures['lighten']:.2f})")
    print(f"  plain mkdocs build       {figures['floor']:7.2f} s  (floor, same generated Markdown)")
    print(f"  generator share          {generator / ours:7.1%}  of sferum-onboard build (goal < 10 %)")
    print(f"  build / floor            {ours / figures['floor']:7.2f}×   "
          f"(without pagefind and lightening {(generator + figures['mkdocs']) / figures['floor']:.2f}×)")


# --- a synthetic project -----------------------------------------------------------


def synthetic_project(root: Path, checklists: int, steps_per_checklist: int = 8) -> Path:
    """A valid project with `checklists` checklists and one guide page for each."""
    (root / "checklists").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "site_config").mkdir()
    (root / "site_config" / "site.yml").write_text(
        "school: {name: Синтетическая школа, short_name: Синтетика}\n"
        "site_url: https://example.org/\nvariables: {messenger: MAX}\n", "utf-8")
    roles = ["roles:"]
    for role in ROLES:
        inherits = "\n    inherits: teacher" if role in ("class_leader", "specialist") else ""
        roles.append(f"  - id: {role}\n    title: Роль {role}\n    description: Описание роли {role}.{inherits}")
    (root / "checklists" / "roles.yml").write_text("\n".join(roles) + "\n", "utf-8")
    (root / "content" / "index.md").write_text("# Синтетический сайт\n\nСтартовая страница.\n", "utf-8")
    first_step = None
    for c in range(checklists):
        role = ROLES[c % len(ROLES)]
        folder = root / "content" / role
        folder.mkdir(exist_ok=True)
        page = [f"# Инструкция {c}\n\nЗачем это нужно: чтобы {{{{ messenger }}}} работал.\n"]
        steps = []
        for s in range(steps_per_checklist):
            step_id = f"c{c}-s{s}"
            heading = f"Шаг {s} чек-листа {c}"
            page.append(f"\n## {heading}\n\n1. Откройте приложение.\n2. Нажмите кнопку.\n\n"
                        "=== \"Android\"\n\n    Откройте меню.\n\n=== \"iPhone\"\n\n    Откройте настройки.\n\n"
                        "!!! warning \"Если не получается\"\n    Попросите помощи у классного руководителя.\n")
            anchor = f"шаг-{s}-чек-листа-{c}"
            depends = f"\n    depends_on: [c{c}-s{s - 1}]" if s else ""
            steps.append(
                f"  - id: {step_id}\n    title: {heading}\n    action: Сделайте шаг {s}.\n"
                f"    guide: {role}/guide-{c}.md#{anchor}\n    minutes: {5 + s}\n    platforms: [android, ios]\n"
                f"    done_when: Всё получилось.{depends}")
            first_step = first_step or step_id
        (folder / f"guide-{c}.md").write_text("".join(page), "utf-8")
        (root / "checklists" / f"list-{c}.yml").write_text(
            f"id: list-{c}\ntitle: Чек-лист {c}\naudience: [{role}]\nversion: 1\nintro: Чек-лист номер {c}.\n"
            "steps:\n" + "\n".join(steps) + "\n", "utf-8")
    (root / "site_config" / "roadmap.yml").write_text(
        "school_year: 2026/2027\ntargets:\n  - id: first\n    title: Первая цель\n"
        f"    steps: [{first_step}]\n    counts: {{role: teacher}}\n    target: 100\n    due: 2027-05-31\n", "utf-8")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs on the shipped content (median)")
    parser.add_argument("--synthetic-repeat", type=int, default=2, help="runs per synthetic size (median)")
    parser.add_argument("--sizes", default="49,122,245", help="checklists in the synthetic sites")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        scratch = Path(scratch)
        project = copy_project(REPO, scratch / "shipped")
        build_once(project, scratch / "site-warmup")  # imports, theme templates, Pagefind's first start
        runs = [build_once(project, scratch / f"site-{i}") for i in range(args.repeat)]
        report(f"Shipped content (median of {args.repeat})", median_of(runs))

        print(f"\nSynthetic sites (median of {args.synthetic_repeat}):")
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            synthetic = synthetic_project(scratch / f"synthetic-{size}", size)
            figures = median_of([build_once(synthetic, scratch / f"synthetic-site-{size}-{i}")
                                 for i in range(args.synthetic_repeat)])
            generator = figures["load"] + figures["generate"]
            total = generator + figures["mkdocs"] + figures["search"] + figures["lighten"]
            rows.append((figures["pages"], total, figures["floor"], figures["load"], figures["generate"],
                         figures["search"], figures["optimize"], figures["compress"], generator / total))
        print(f"  {'pages':>6} {'build, s':>9} {'mkdocs only, s':>15} {'ms/page':>8} {'validate':>9} "
              f"{'generate':>9} {'pagefind':>9} {'lighten':>8} {'ms/page':>8} {'.gz/.br':>8} {'generator':>10}")
        for pages, total, floor, load, generate, search, optimize, compress, share in rows:
            print(f"  {int(pages):>6} {total:>9.2f} {floor:>15.2f} {1000 * total / pages:>8.1f} {load:>9.2f} "
                  f"{generate:>9.2f} {search:>9.2f} {optimize:>8.2f} {1000 * optimize / pages:>8.1f} "
                  f"{compress:>8.2f} {share:>10.1%}")
        first, last = rows[0], rows[-1]
        growth = (last[1] / first[1]) / (last[0] / first[0])
        print(f"  {last[0] / first[0]:.1f}× the pages took {last[1] / first[1]:.1f}× the time "
              f"(1.0 = linear; {growth:.2f} per unit of growth)")
        per_page = [row[6] / row[0] for row in (first, last)]
        print(f"  lightening per page: {1000 * per_page[0]:.1f} ms at {int(first[0])} pages, "
              f"{1000 * per_page[1]:.1f} ms at {int(last[0])} ({per_page[1] / per_page[0]:.2f}×; 1.0 = linear)")


if __name__ == "__main__":
    main()
