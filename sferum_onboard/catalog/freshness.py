"""Which steps a coordinator should re-check after a platform update.

A step is due when its facts are marked unverified, when `review.checked`
is missing, or when that date is more than `days` days old. Steps and school
steps alike: both tell readers how the platform works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sferum_onboard.catalog.model import Catalog
from sferum_onboard.dates import date_text
from sferum_onboard.errors import Location
from sferum_onboard.messages import CATALOG
from sferum_onboard.wording import plural


@dataclass(frozen=True)
class DueStep:
    location: Location
    id: str
    school: bool  # a school step (checklists/school.yml)
    checked: dt.date | None
    age: int | None  # days since `checked`
    unverified: bool
    note: str | None
    old: bool  # never checked, or checked more than `days` ago

    def describe(self) -> str:
        """One Russian line after the location: what is due and why."""
        reasons = []
        if self.unverified:
            reasons.append(CATALOG["stale-unverified"])
        if self.checked is None:
            reasons.append(CATALOG["stale-never"])
        elif self.old:
            reasons.append(CATALOG["stale-old"].format(date=date_text(self.checked),
                                                       age=plural(self.age, "day")))
        kind = CATALOG["stale-school-step" if self.school else "stale-step"].format(id=self.id)
        text = f"{kind}: {', '.join(reasons)}"
        return text + (CATALOG["stale-note"].format(note=" ".join(self.note.split())) if self.note else "")

    def as_dict(self) -> dict:
        return {"file": self.location.file, "line": self.location.line, "column": self.location.column,
                "id": self.id, "school_step": self.school,
                "checked": self.checked.isoformat() if self.checked else None,
                "days_since_checked": self.age, "unverified": self.unverified, "note": self.note}


def due_steps(catalog: Catalog, days: int, today: dt.date) -> list[DueStep]:
    """Steps and school steps to re-check, in file order."""
    due = []
    for school, items in ((False, catalog.steps.values()), (True, catalog.org_steps.values())):
        for item in items:
            review = item.review
            age = (today - review.checked).days if review.checked else None
            old = age is None or age > days
            if review.unverified or old:
                due.append(DueStep(item.location, item.id, school, review.checked, age, review.unverified,
                                   review.note, old))
    return sorted(due, key=lambda d: d.location)


def due_summary(due: list[DueStep], total: int, days: int) -> str:
    return CATALOG["stale-summary"].format(
        due=plural(len(due), "step"), total=total, days=plural(days, "day", "genitive"))
