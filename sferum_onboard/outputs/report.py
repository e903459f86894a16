"""The private road-map report: report.html and report.xlsx per school, and a district roll-up.

The numbers come from `tracking.roadmap` (pure), read from the store here;
`reportview` turns them into labelled rows that both the HTML template and
the XLSX writer (`xlsx_report`) show; this module renders the HTML with
jinja2 (autoescaped: every name is escaped) and writes the files. The HTML is self-contained: inline CSS and SVG, no script, no font or
picture from anywhere, and a Content-Security-Policy that forbids loading
anything even if a future edit slipped a link in.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import jinja2
import yaml

from sferum_onboard import __version__, percent
from sferum_onboard.catalog.model import MILESTONES, Catalog
from sferum_onboard.dates import DATETIME_FORMAT, date_text
from sferum_onboard.dates import now as dt_now
from sferum_onboard.errors import DataError, NotFoundError
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs import charts
from sferum_onboard.outputs.labels import audience_text, group_count, group_title, status_text
from sferum_onboard.outputs.private_files import write_private
from sferum_onboard.outputs.reportview import ReportView, behind_rows_html, district_rows, report_view
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import School
from sferum_onboard.tracking.fold import fold_school_events
from sferum_onboard.wording import about_minutes, plural



def without_cyclic_gc(func):
    """Run `func` with Python's cyclic garbage collector paused.

    A report makes millions of small objects that hold no reference cycles
    (rows, states, table cells); the collector would rescan them again and
    again, a third of the run time on a district, and free nothing.
    Reference counting still frees everything as usual.
    """

    @functools.wraps(func)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


# --- from the store ---------------------------------------------------------------


@without_cyclic_gc
def load_situations(store, catalog: Catalog, schools: Sequence[School],
                    as_of: dt.date | None = None) -> list[roadmap.Situation]:
    """Schools as of a date, read with compact queries (no object per event).

    The date defaults to today; today's state comes from the store's
    current-state cache, a past date from the log reduced in SQL. Several
    schools are read with one query each over the whole store.
    """
    today = dt.date.today()
    as_of = as_of or today
    since = None if as_of >= today else as_of
    # One query over the whole store when these are all its schools: filtering by a school that holds
    # most of the rows makes SQLite walk the school index row by row, far slower than one pass.
    everyone = {s.id for s in schools} == {s.id for s in store.schools()}
    scope = None if everyone or len(schools) > 1 else schools[0]
    first = {(p, s): at for p, s, at in store.first_done(scope, roadmap.target_step_ids(catalog), catalog, as_of=since)}
    states, retired = roadmap.states_from_rows(catalog, store.state_rows(scope, catalog, as_of=since), first)
    org = fold_school_events(store.events(scope, school_level=True, as_of=since), catalog, since)
    verified = store.verified_keys(scope, catalog, as_of=since)
    outsiders = store.outsider_counts(scope, as_of=since)
    situations = []
    for school in schools:
        people = store.people(school)
        org_states = {step_id: state for (school_id, step_id), state in org.items() if school_id == school.id}
        situations.append(roadmap.Situation(
            school, as_of, people, store.classes(school), states, org_states, roadmap.retired_counts(retired, people),
            verified, {name: n for (school_id, name), n in outsiders.items() if school_id == school.id}))
    return situations


@without_cyclic_gc
def evaluate_schools(store, catalog: Catalog, school_name: str | None = None,
                     as_of: dt.date | None = None) -> list[roadmap.SchoolResult]:
    """The named school, or every school in the store (a district)."""
    schools = [store.school(school_name)] if school_name else store.schools()
    if not schools:
        raise NotFoundError(REPORTS["no-schools"])
    return [roadmap.evaluate_school(catalog, s) for s in load_situations(store, catalog, schools, as_of)]


# --- the terminal ---------------------------------------------------------------------


def target_lines(result: roadmap.SchoolResult) -> list[str]:
    """One line per target for the terminal: «…»: 80 % (цель 80 % к 31.05.2027) — выполнено."""
    return [
        REPORTS["target-line"].format(title=r.target.title, value=percent.text(r.value), target=percent.text(r.target.target),
                                      due=date_text(r.target.due), status=status_text(r))
        for r in result.targets
    ]


# --- HTML ------------------------------------------------------------------------------


@functools.cache
def environment() -> jinja2.Environment:
    """Templates of every private output; autoescape is on for all of them."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sferum_onboard.outputs", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(pct=percent.text, date=date_text, moment=lambda at: at.strftime(DATETIME_FORMAT))
    env.globals.update(
        version=__version__, plural=plural, about_minutes=about_minutes, REPORTS=REPORTS, milestones=MILESTONES, charts=charts,
        group_title=group_title, group_count=group_count, status_text=status_text, audience_text=audience_text,
    )
    return env


def render_school_html(view: ReportView) -> str:
    result = view.result
    cards = []
    for target in result.targets:
        title = REPORTS["chart-burnup"].format(
            title=target.target.title, value=percent.text(target.value), date=date_text(result.as_of),
            target=percent.text(target.target.target), due=date_text(target.target.due),
        )
        chart = charts.burnup(target.series, target.target.target, target.target.due, target.forecast,
                              target.status, title) if target.series else None
        cards.append((target, chart))
    funnels = [
        (row, charts.funnel([(REPORTS[f"milestone-{m}"], n) for m, n in row.stages], row.total,
                            REPORTS["chart-funnel"].format(group=group_title(view.catalog, row.group))))
        for row in result.funnel
    ]
    return environment().get_template("report.html.j2").render(
        view=view, result=result, catalog=view.catalog, cards=cards, funnels=funnels, bar=charts.bar,
        behind_rows_html=behind_rows_html,
        pace_weeks=roadmap.PACE_WEEKS,
    )


def render_district_html(catalog: Catalog, views: Sequence[ReportView], folders: Sequence[str], as_of: dt.date) -> str:
    targets, rows, totals = district_rows(views, folders)
    return environment().get_template("district.html.j2").render(
        catalog=catalog, targets=targets, rows=rows, totals=totals, as_of=as_of,
        generated=views[0].generated if views else dt_now(),
    )


# --- where reports may go ------------------------------------------------------------------


def site_folders(project: Path) -> list[Path]:
    """Folders that get published: «site», the guides (content/ is copied into the site) and the generated
    docs, and the site_dir and docs_dir of mkdocs.yml as MkDocs' own loader reads it (INHERIT and !ENV
    included)."""
    found = [project / "site", project / "content", project / "build" / "docs"]
    settings = _mkdocs_settings(project / "mkdocs.yml")
    found.extend(project / settings[key] for key in ("site_dir", "docs_dir") if isinstance(settings.get(key), str))
    return found


def _mkdocs_settings(config: Path) -> dict:
    """mkdocs.yml with the file it inherits; just the file when that one is not generated yet
    (before the first build); nothing when there is no readable config."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    if not config.is_file():
        return {}
    try:
        with config.open("rb") as source:
            settings = yaml_load(source)
    except ConfigurationError:  # the inherited file is not generated yet
        try:
            with config.open("rb") as source:
                settings = yaml.load(source, Loader=get_yaml_loader())
        except yaml.YAMLError:
            return {}
    return settings if isinstance(settings, dict) else {}


def check_output_dir(out_dir: Path, project: Path) -> None:
    """Refuse an output folder that is, or is inside, a folder the site is published from."""
    target = Path(os.path.realpath(out_dir))
    for folder in site_folders(project):
        site = Path(os.path.realpath(folder))
        if target == site or site in target.parents:
            raise DataError(REPORTS["output-in-site"].format(path=out_dir, site=folder))


def school_folder(school_id: int, name: str) -> str:
    """A folder name for a school's report inside a district report: «02-МБОУ-СОШ-2»."""
    slug = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-")[:60] or "school"
    return f"{school_id:02d}-{slug}"


@dataclass(frozen=True)
class Written:
    files: tuple[Path, ...]
    views: tuple[ReportView, ...]


@without_cyclic_gc
def write_reports(
    catalog: Catalog, results: Iterable[roadmap.SchoolResult], out_dir: Path, project: Path | None = None,
) -> Written:
    """report.html + report.xlsx for one school; with several, a district roll-up plus a folder per school."""
    from sferum_onboard.outputs import xlsx_report

    if project is not None:
        check_output_dir(out_dir, project)
    results = list(results)
    generated = dt_now()
    views = [report_view(catalog, r, generated) for r in results]
    files: list[Path] = []
    if len(views) == 1:
        files.append(write_private(out_dir / "report.html", render_school_html(views[0])))
        files.append(write_private(out_dir / "report.xlsx", xlsx_report.school_workbook(views[0])))
        return Written(tuple(files), tuple(views))
    folders = [school_folder(v.result.school.id, v.school_name) for v in views]
    as_of = results[0].as_of if results else dt.date.today()
    files.append(write_private(out_dir / "district.html", render_district_html(catalog, views, folders, as_of)))
    files.append(write_private(out_dir / "district.xlsx", xlsx_report.district_workbook(catalog, views, folders)))
    for view, folder in zip(views, folders):
        files.append(write_private(out_dir / folder / "report.html", render_school_html(view)))
        files.append(write_private(out_dir / folder / "report.xlsx", xlsx_report.school_workbook(view)))
    return Written(tuple(files), tuple(views))
