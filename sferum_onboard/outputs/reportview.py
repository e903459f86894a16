"""One school's report as labelled rows: what both report.html and report.xlsx show.

`report_view` turns a `roadmap.SchoolResult` into rows for people (staff,
then class by class), classes and the district table; the HTML template and
the XLSX writer only lay them out.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from markupsafe import Markup, escape

from sferum_onboard.catalog.model import Catalog, Step
from sferum_onboard.dates import now as dt_now
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs import charts
from sferum_onboard.outputs.labels import group_count, guide_url, helper_text, role_label
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.membership import ROLE_ORDER, class_sort_key

STAFF_SECTION = "Сотрудники"
NO_CLASS_SECTION = "Без класса"


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
    text = f"{counted.done} из {counted.applicable}"
    if counted.verified:  # how many of those ticks a chat's member list showed, not only people reported
        text += REPORTS["class-cell-verified"].format(n=counted.verified)
    return _bar(None if counted.share is None else round(counted.share)), text


@functools.lru_cache(maxsize=None)
def _bar(share: int | None) -> Markup:
    return charts.bar(share)


def report_view(catalog: Catalog, result: roadmap.SchoolResult, generated: dt.datetime | None = None) -> ReportView:
    memberships = result.situation.memberships  # worked out once, for the road map
    urls: dict[str, str | None] = {}
    helpers: dict[tuple[int, ...], str] = {}
    section_keys: dict[str, tuple] = {}
    keyed = []
    for entry in result.people:
        person = entry.person
        order = ROLE_ORDER.get(person.role, len(ROLE_ORDER))
        counted_in = memberships[person.id]
        classes = ", ".join(counted_in)
        if order < 2:
            section = STAFF_SECTION
        else:
            section = counted_in[0] if counted_in else NO_CLASS_SECTION
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
    return ReportView(catalog, result, rows, generated or dt_now())


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
