"""The meeting kit a class leader prints for a parent meeting.

One HTML file for A4: a page per parent of the class (or one common page to
copy, without names) with the parent checklist as boxes to tick, a QR code
to the parent checklist on the public guide site, a QR code of the class
invitation link when the class leader stored one (it lives in the store
only), and the class leader's contact line; then a sign-off sheet: the
class's parents in the class sheet's order, a box per step in the class
sheet's column order (every step of its «Родители» sheet, none left out), so
what is ticked on paper is typed into the spreadsheet (`sheet export`) cell
by cell. A PDF is written as well when
WeasyPrint is installed (the optional extra `pdf`).

QR codes are inline SVG made by segno: nothing is fetched when the file opens.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from markupsafe import Markup

from sferum_onboard.catalog.model import Catalog, Step
from sferum_onboard.errors import DataError
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs import report
from sferum_onboard.outputs.private_files import write_private
from sferum_onboard.outputs.sheet import audiences
from sferum_onboard.site.urls import absolute_url, phone_link
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import Person, School, SchoolClass, StepState


@dataclass(frozen=True)
class KitStep:
    number: int
    step: Step
    done_on: dt.date | None  # already recorded as done: shown ticked


@dataclass(frozen=True)
class ParentPage:
    parent: Person | None  # None: the common page to copy for everyone
    children: str  # the parent's children in this class
    steps: tuple[KitStep, ...]


@dataclass(frozen=True)
class SignOffRow:
    number: int  # the row's «№» in the class sheet
    parent: Person
    children: str
    done: tuple[bool, ...]  # per step of the class sheet: already recorded


@dataclass(frozen=True)
class Kit:
    school: School
    school_class: SchoolClass
    leader: Person | None
    checklist_title: str
    guide_url: str | None
    invite_link: str | None
    pages: tuple[ParentPage, ...]
    steps: tuple[Step, ...]  # the class sheet's step columns, in its order
    sign_off: tuple[SignOffRow, ...]
    made: dt.date

    @property
    def contact_line(self) -> str:
        if self.leader is None:
            return ""
        line = f"Классный руководитель {self.school_class.name}: {self.leader.full_name}"
        return line + (f", {self.leader.contact}" if self.leader.contact else "")


def check_invite_link(text: str) -> str:
    """A class invitation link as the class leader copied it: an http(s) address with a host."""
    link = text.strip()
    parts = urllib.parse.urlsplit(link)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in link):
        raise DataError(REPORTS["link-invalid"].format(link=text))
    return link


def qr_svg(url: str, label: str) -> Markup:
    """A QR code as inline SVG, with an accessible name."""
    import segno

    svg = segno.make(phone_link(url), error="m").svg_inline(scale=3, border=2, dark="#000", omitsize=True)
    return Markup('<span class="qr" role="img" aria-label="{}">').format(label) + Markup(svg) + Markup("</span>")


def parent_checklist(catalog: Catalog):
    """The parent's main checklist (its id makes the guide address)."""
    found = catalog.checklists_for_role("parent")
    if not found:
        raise DataError(REPORTS["no-parent-checklist"])
    return found[0]


def build_kit(
    catalog: Catalog,
    school: School,
    school_class: SchoolClass,
    pupils: Sequence[Person],
    parents: Sequence[Person],
    leader: Person | None,
    states: roadmap.States,
    common: bool = False,
    made: dt.date | None = None,
) -> Kit:
    """The kit of one class; `parents` in the class sheet's order (as `sheet export` lists them)."""
    checklist = parent_checklist(catalog)
    guide = None
    if catalog.settings and catalog.settings.site_url:
        guide = phone_link(absolute_url(catalog.settings.site_url, f"checklists/{checklist.id}.md"))
    part = audiences(catalog, school_class.name, pupils, parents)[1]  # the sheet's parents part
    steps = part.steps
    in_class = {p.id: p.full_name for p in pupils}
    children = {p.id: ", ".join(in_class[c] for c in p.children if c in in_class) for p in part.people}
    if common:
        pages = (ParentPage(None, "", tuple(KitStep(i, s, None) for i, s in enumerate(steps, 1))),)
    else:
        pages = tuple(
            ParentPage(parent, children[parent.id], tuple(
                KitStep(i, s, _done_on(states, parent.id, s.id)) for i, s in enumerate(steps, 1)))
            for parent in part.people
        )
    sign_off = tuple(
        SignOffRow(n, parent, children[parent.id],
                   tuple(_done_on(states, parent.id, s.id) is not None for s in steps))
        for n, parent in enumerate(part.people, 1)
    )
    return Kit(school, school_class, leader, checklist.title, guide, school_class.invite_link, pages, steps,
               sign_off, made or dt.date.today())


def _done_on(states: roadmap.States, person_id: int, step_id: str) -> dt.date | None:
    state = states.get(person_id, {}).get(step_id)
    if state is None or not state.done:
        return None
    return state.done_since or dt.date.min


def render_kit(kit: Kit) -> str:
    guide_qr = qr_svg(kit.guide_url, f"QR-код: инструкция для родителей, {kit.guide_url}") if kit.guide_url else None
    invite_qr = (qr_svg(kit.invite_link, f"QR-код: приглашение в чат класса {kit.school_class.name}")
                 if kit.invite_link else None)
    return report.environment().get_template("kit.html.j2").render(
        kit=kit, guide_qr=guide_qr, invite_qr=invite_qr)


def kit_states(store, catalog: Catalog, school: School, people: Sequence[Person]) -> roadmap.States:
    """States of these people only, from the store (what was done, to tick it on paper)."""
    states: dict[int, dict[str, StepState]] = {}
    for (person_id, step_id), state in store.current_states(school, catalog, person_ids=[p.id for p in people]).items():
        states.setdefault(person_id, {})[step_id] = state
    return states


def write_kit(kit: Kit, out_dir: Path, project: Path | None = None) -> list[Path]:
    """kit-<class>.html, and kit-<class>.pdf when WeasyPrint is installed."""
    if project is not None:
        report.check_output_dir(out_dir, project)
    html = render_kit(kit)
    stem = f"kit-{kit.school_class.name}" + ("-common" if kit.pages and kit.pages[0].parent is None else "")
    files = [write_private(out_dir / f"{stem}.html", html)]
    pdf = pdf_bytes(html)
    if pdf is not None:
        files.append(write_private(out_dir / f"{stem}.pdf", pdf))
    return files


def pdf_bytes(html: str) -> bytes | None:
    """The kit as PDF, or None without WeasyPrint (install the extra: pip install 'sferum-onboard[pdf]')."""
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: WeasyPrint present but its system libraries are missing
        return None
    return weasyprint.HTML(string=html, base_url=None).write_pdf()

