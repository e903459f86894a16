"""The private road-map report: report.html and report.xlsx per school, and a district roll-up.

The numbers come from `tracking.roadmap` (pure); this module turns them into
labelled rows that both the HTML template and the XLSX writer show, renders
the HTML with jinja2 (autoescaped: every name is escaped) and writes the
files. The HTML is self-contained: inline CSS and SVG, no script, no font or
picture from anywhere, and a Content-Security-Policy that forbids loading
anything even if a future edit slipped a link in.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import jinja2
import yaml
from markupsafe import Markup, escape

from sferum_onboard import __version__
from sferum_onboard.catalog.model import MILESTONES, Catalog, Step
from sferum_onboard.dates import DATETIME_FORMAT, date_text
from sferum_onboard.errors import DataError, NotFoundError
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs import charts
from sferum_onboard.outputs.private_files import write_private
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import Person, School
from sferum_onboard.tracking.progress import class_sort_key, fold_school_events
from sferum_onboard.wording import NOUNS, plural, role_title_plural



def without_cyclic_gc(func):
    """Run `func` with Python's cyclic garbage collector paused.

    A report makes millions of small objects that hold no reference cycles
    (rows, marks, table cells); the collector would rescan them again and
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
    marks, retired = roadmap.marks_from_rows(catalog, store.state_rows(scope, catalog, as_of=since), first)
    org = fold_school_events(store.events(scope, school_level=True, as_of=since), catalog, since)
    situations = []
    for school in schools:
        people = store.people(school)
        org_marks = {step_id: roadmap.Mark(state.action, state.at.date())
                     for (school_id, step_id), state in org.items() if school_id == school.id}
        situations.append(roadmap.Situation(school, as_of, people, store.classes(school), marks, org_marks,
                                            roadmap.retired_counts(retired, people)))
    return situations


@without_cyclic_gc
def evaluate_schools(store, catalog: Catalog, school_name: str | None = None,
                     as_of: dt.date | None = None) -> list[roadmap.SchoolResult]:
    """The named school, or every school in the store (a district)."""
    schools = [store.school(school_name)] if school_name else store.schools()
    if not schools:
        raise NotFoundError(REPORTS["no-schools"])
    return [roadmap.evaluate_school(catalog, s) for s in load_situations(store, catalog, schools, as_of)]


# --- wording shared by the HTML and the XLSX ------------------------------------


def pct(value: float | None) -> str:
    """«80 %», «66,6 %»: rounded down to a tenth, so 99.96 % is never shown as 100 %."""
    if value is None:
        return "—"
    tenths = math.floor(round(value * 10, 6))
    text = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}"
    return f"{text}\u00a0%"


def status_text(result: roadmap.TargetResult) -> str:
    return REPORTS["status-overdue"] if result.overdue else REPORTS[f"status-{result.status}"]


def group_title(catalog: Catalog, group: str) -> str:
    role = catalog.roles.get(group)
    return (role.title_plural if role and role.title_plural else None) or _capitalised(role_title_plural(group))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def group_count(group: str, n: int) -> str:
    return plural(n, group if group in NOUNS else "person")


def audience_text(catalog: Catalog, target) -> str:
    """Who a target counts, in words: «классные руководители, 1–4 классы»."""
    who = target.counts
    group = who.role
    if who.role == "teacher" and who.class_leader:
        group = "class_leader"
    elif who.role == "teacher" and who.specialist:
        group = "specialist"
    text = group_title(catalog, group).lower()
    if who.role == "teacher" and who.class_leader is False:
        text += " (кроме классных руководителей)"
    if who.grades:
        text += f", {who.grades[0]}–{who.grades[1]} классы"
    return text


def role_label(catalog: Catalog, person: Person) -> str:
    if person.role == "teacher" and person.class_leader:
        group = "class_leader"
    elif person.role == "teacher" and person.specialist:
        return person.position or _role_title(catalog, "specialist")
    else:
        group = person.role
    return _role_title(catalog, group)


def _role_title(catalog: Catalog, role_id: str) -> str:
    role = catalog.roles.get(role_id)
    return role.title if role else role_id


def class_label(person: Person, pupil_classes: dict[int, str | None]) -> str:
    """A pupil's class, a parent's children's classes, a class leader's classes."""
    if person.role == "pupil":
        return person.class_name or ""
    if person.role == "parent":
        names = {pupil_classes.get(child) for child in person.children} - {None}
        return ", ".join(sorted(names, key=class_sort_key))
    return ", ".join(sorted(person.led_classes, key=class_sort_key))


def guide_url(catalog: Catalog, step: Step) -> str | None:
    """The published guide for a step, or None when the site's address is not set."""
    if catalog.settings is None or not catalog.settings.site_url:
        return None
    return catalog.settings.site_url.rstrip("/") + "/" + step.guide.url


def helper_text(helpers: Sequence[Person]) -> str:
    return "; ".join(h.full_name + (f" ({h.contact})" if h.contact else "") for h in helpers)


ROLE_ORDER = {"administrator": 0, "teacher": 1, "pupil": 2, "parent": 3}
STAFF_SECTION = "Сотрудники"
NO_CLASS_SECTION = "Без класса"


def target_lines(result: roadmap.SchoolResult) -> list[str]:
    """One line per target for the terminal: «…»: 80 % (цель 80 % к 31.05.2027) — выполнено."""
    return [
        REPORTS["target-line"].format(title=r.target.title, value=pct(r.value), target=pct(r.target.target),
                                      due=date_text(r.target.due), status=status_text(r))
        for r in result.targets
    ]


# --- rows both outputs show ----------------------------------------------------------


class PersonRow(NamedTuple):
    name: str
    role: str
    classes: str
    section: str  # «Сотрудники» or the (first) class: the report lists people class by class
    done: int
    total: int
    behind: bool
    next_step: str
    next_step_url: str | None
    helpers: str
    contact: str


@dataclass(frozen=True)
class ClassRow:
    step: Step
    cells: tuple[tuple[Markup, str] | None, ...]  # pupils, parents: (bar, «4 из 5»), None when not theirs


@dataclass(frozen=True)
class ReportView:
    """One school's report, labelled for people."""

    catalog: Catalog
    result: roadmap.SchoolResult
    people: tuple[PersonRow, ...]  # everyone: staff, then class by class, pupils before parents, by name
    generated: dt.datetime

    @property
    def school_name(self) -> str:
        return self.result.school.name

    @property
    def behind(self) -> tuple[PersonRow, ...]:
        return tuple(p for p in self.people if p.behind)

    def behind_by_section(self) -> list[tuple[str, list[PersonRow]]]:
        """The people behind, staff first and then class by class."""
        sections: dict[str, list[PersonRow]] = {}
        for row in self.people:
            if row.behind:
                sections.setdefault(row.section, []).append(row)
        return list(sections.items())

    def class_rows(self, entry: roadmap.ClassProgress) -> list[ClassRow]:
        by_role = {g.role: {s.step.id: s for s in g.steps} for g in entry.groups}
        steps = {s.step.id: s.step for g in entry.groups for s in g.steps}
        return [
            ClassRow(step, tuple(_cell(by_role.get(role, {}).get(step_id)) for role in ("pupil", "parent")))
            for step_id, step in steps.items()
        ]

    def population(self) -> str:
        """«2 администратора, 40 учителей (из них 20 классных руководителей, 3 специалиста), …»."""
        n = self.result.people_by_group
        parts = []
        if n.get("administrator"):
            parts.append(group_count("administrator", n["administrator"]))
        if n.get("teacher"):
            inner = [group_count(g, n[g]) for g in ("class_leader", "specialist") if n.get(g)]
            parts.append(group_count("teacher", n["teacher"]) + (f" (из них {', '.join(inner)})" if inner else ""))
        for group in ("pupil", "parent"):
            if n.get(group):
                parts.append(group_count(group, n[group]))
        return ", ".join(parts) if parts else "никого"


def behind_rows_html(rows: Sequence[PersonRow]) -> Markup:
    """Table rows of people behind, as one string.

    Every value goes through `markupsafe.escape`, the function the template's
    autoescape calls; a district lists tens of thousands of people, and an
    f-string per row is far cheaper than a dozen template pieces per row.
    """
    links: dict[tuple[str, str | None], str] = {}
    parts = []
    for row in rows:
        key = (row.next_step, row.next_step_url)
        link = links.get(key)
        if link is None:
            title = escape(row.next_step)
            link = links[key] = f'<a href="{escape(row.next_step_url)}">{title}</a>' if row.next_step_url else title
        parts.append(f'<tr><td>{escape(row.name)}</td><td>{escape(row.role)}</td><td>{escape(row.classes)}</td>'
                     f'<td class="num">{row.done} из {row.total}</td><td>{link}</td><td>{escape(row.helpers)}</td></tr>\n')
    return Markup("".join(parts))


def _cell(counted: roadmap.StepCount | None) -> tuple[Markup, str] | None:
    if counted is None:
        return None
    return _bar(None if counted.share is None else round(counted.share)), f"{counted.done} из {counted.applicable}"


@functools.lru_cache(maxsize=None)
def _bar(share: int | None) -> Markup:
    return charts.bar(share)


def report_view(catalog: Catalog, result: roadmap.SchoolResult, generated: dt.datetime | None = None) -> ReportView:
    people = result.situation.people
    pupil_classes = {p.id: p.class_name for p in people if p.role == "pupil"}
    urls: dict[str, str | None] = {}
    helpers: dict[tuple[int, ...], str] = {}
    section_keys: dict[str, tuple] = {}
    keyed = []
    for entry in result.people:
        person = entry.person
        order = ROLE_ORDER.get(person.role, 4)
        classes = class_label(person, pupil_classes)
        if order < 2:
            section = STAFF_SECTION
        else:
            section = classes.split(", ")[0] if classes else NO_CLASS_SECTION
        step = entry.next_step
        if step is not None and step.id not in urls:
            urls[step.id] = guide_url(catalog, step)
        helper_key = tuple(h.id for h in entry.helpers)
        if helper_key not in helpers:
            helpers[helper_key] = helper_text(entry.helpers)
        row = PersonRow(
            name=person.full_name, role=role_label(catalog, person), classes=classes, section=section,
            done=entry.done, total=entry.total, behind=entry.behind,
            next_step=step.title if step else "", next_step_url=urls[step.id] if step else None,
            helpers=helpers[helper_key], contact=person.contact or "",
        )
        section_key = section_keys.get(section)
        if section_key is None:
            section_key = section_keys[section] = (True, class_sort_key(section)) if order >= 2 else (False, (0, ""))
        keyed.append(((section_key, order, person.full_name.casefold()), row))
    keyed.sort(key=lambda item: item[0])
    rows = tuple(row for _, row in keyed)
    return ReportView(catalog, result, rows, generated or dt.datetime.now().replace(microsecond=0))


# --- HTML ------------------------------------------------------------------------------


@functools.cache
def environment() -> jinja2.Environment:
    """Templates of every private output; autoescape is on for all of them."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sferum_onboard.outputs", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(pct=pct, date=date_text, moment=lambda at: at.strftime(DATETIME_FORMAT))
    env.globals.update(
        version=__version__, plural=plural, REPORTS=REPORTS, milestones=MILESTONES, charts=charts,
        group_title=group_title, group_count=group_count, status_text=status_text, audience_text=audience_text,
    )
    return env


def render_school_html(view: ReportView) -> str:
    result = view.result
    cards = []
    for target in result.targets:
        title = REPORTS["chart-burnup"].format(
            title=target.target.title, value=pct(target.value), date=date_text(result.as_of),
            target=pct(target.target.target), due=date_text(target.target.due),
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


@dataclass(frozen=True)
class DistrictRow:
    school: str
    folder: str  # relative link to the school's report folder
    population: str
    results: tuple[roadmap.TargetResult | None, ...]  # per district target, None when the school lacks it
    behind: int


def district_rows(views: Sequence[ReportView], folders: Sequence[str]) -> tuple[list, list[DistrictRow], list]:
    """Targets (by id, in first-seen order), a row per school, and the district total per target."""
    targets: dict[str, object] = {}
    for view in views:
        for r in view.result.targets:
            targets.setdefault(r.target.id, r.target)
    rows = []
    totals = {i: [0, 0] for i in targets}
    for view, folder in zip(views, folders):
        by_id = {r.target.id: r for r in view.result.targets}
        for target_id, r in by_id.items():
            totals[target_id][0] += r.done
            totals[target_id][1] += r.counted
        rows.append(DistrictRow(view.school_name, folder, view.population(),
                                tuple(by_id.get(i) for i in targets), len(view.behind)))
    total_values = [(100.0 * d / c if c else None, d, c) for d, c in totals.values()]
    return list(targets.values()), rows, total_values


def render_district_html(catalog: Catalog, views: Sequence[ReportView], folders: Sequence[str], as_of: dt.date) -> str:
    targets, rows, totals = district_rows(views, folders)
    return environment().get_template("district.html.j2").render(
        catalog=catalog, targets=targets, rows=rows, totals=totals, as_of=as_of,
        generated=views[0].generated if views else dt.datetime.now().replace(microsecond=0),
    )


# --- where reports may go ------------------------------------------------------------------


def site_folders(project: Path) -> list[Path]:
    """Folders that get published: «site» and the generated docs, and the site_dir and docs_dir of
    mkdocs.yml as MkDocs' own loader reads it (INHERIT and !ENV included)."""
    found = [project / "site", project / "build" / "docs"]
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
            return yaml_load(source)
    except ConfigurationError:
        pass
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
    generated = dt.datetime.now().replace(microsecond=0)
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
