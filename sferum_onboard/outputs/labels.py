"""Labels the report's HTML and XLSX, the reminders and the kits share: shares, statuses, roles, classes."""

from __future__ import annotations

from typing import Sequence

from sferum_onboard.catalog.model import Catalog, Step
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import REPORTS
from sferum_onboard.site.urls import is_local_address, phone_link
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.wording import NOUNS, plural, role_title_plural


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
    """The classes a person counts in: a pupil's, a parent's children's, a class leader's."""
    return ", ".join(classes_of(person, pupil_classes))


def guide_url(catalog: Catalog, step: Step) -> str | None:
    """The published guide for a step as a link a phone opens, or None when the site's address is not set."""
    if catalog.settings is None or not catalog.settings.site_url:
        return None
    return phone_link(catalog.settings.site_url.rstrip("/") + "/" + step.guide.url)


def check_public_site_url(catalog: Catalog, allow_local: bool = False) -> None:
    """Refuse to print QR codes and links to an address that only this computer or its network opens."""
    settings = catalog.settings
    if allow_local or settings is None or not is_local_address(settings.site_url):
        return
    where = settings.site_url_at or Location("site_config/site.yml")
    raise DataError(REPORTS["site-url-local"].format(url=settings.site_url),
                    [Problem(where, "site-url-local", REPORTS["site-url-fix"])])


def helper_text(helpers: Sequence[Person]) -> str:
    return "; ".join(h.full_name + (f" ({h.contact})" if h.contact else "") for h in helpers)
