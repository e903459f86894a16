"""Immutable, typed catalog: what the site is generated from and what tracking counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from sferum_onboard.errors import Location

# Platform roles a person has in the store; class_leader and specialist are
# teachers with a flag, and their catalog roles inherit the teacher's.
PERSON_ROLES = ("administrator", "teacher", "pupil", "parent")
CATALOG_ROLES = ("administrator", "teacher", "class_leader", "specialist", "pupil", "parent")
PLATFORMS = ("android", "ios", "desktop", "web")
MILESTONES = ("installed", "logged_in", "joined", "first_chat", "first_call")


@dataclass(frozen=True)
class GuideRef:
    """A guide page under content/ and an optional heading anchor."""

    page: str  # "parent/join.md"
    anchor: str = ""  # "присоединитесь-к-классу"

    @classmethod
    def parse(cls, text: str) -> "GuideRef":
        page, _, anchor = text.partition("#")
        return cls(page, anchor)

    @property
    def url(self) -> str:
        """Site-relative URL with MkDocs' directory URLs: parent/join/#anchor."""
        path = self.page[: -len(".md")]
        if path == "index" or path.endswith("/index"):
            path = path[: -len("index")]
        else:
            path += "/"
        return path + (f"#{self.anchor}" if self.anchor else "")

    def __str__(self) -> str:
        return self.page + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Review:
    """Notes for coordinators (never shown to readers): when the step's facts were last checked."""

    checked: dt.date | None = None
    source: str | None = None
    unverified: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Step:
    """A per-person step; `id` is the tracking key."""

    id: str
    title: str
    action: str
    guide: GuideRef
    minutes: int
    platforms: tuple[str, ...]
    done_when: str
    depends_on: tuple[str, ...] = ()
    helper: str | None = None
    renamed_from: tuple[str, ...] = ()
    milestone: str | None = None
    key: bool = False
    ongoing: bool = False  # done over weeks (a course): not counted in the setup time
    review: Review = Review()
    location: Location = Location("")


@dataclass(frozen=True)
class OrgStep:
    """A school-level step (an order, a regulation, a practicum), tracked per school."""

    id: str
    title: str
    action: str
    guide: GuideRef
    done_when: str
    depends_on: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()
    minutes: int | None = None
    review: Review = Review()
    location: Location = Location("")


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    audience: tuple[str, ...]
    version: int
    intro: str
    step_ids: tuple[str, ...]
    kind: str = "main"  # "main" | "extra"
    grades: tuple[int, int] | None = None
    location: Location = Location("")

    def covers_grade(self, grade: int | None) -> bool:
        if self.grades is None:
            return True
        return grade is not None and self.grades[0] <= grade <= self.grades[1]


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    description: str
    title_plural: str | None = None
    inherits: str | None = None
    guide: GuideRef | None = None
    location: Location = Location("")


@dataclass(frozen=True)
class TargetAudience:
    """Who a road-map target counts."""

    role: str  # one of PERSON_ROLES
    class_leader: bool | None = None
    specialist: bool | None = None
    grades: tuple[int, int] | None = None


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    steps: tuple[str, ...]
    counts: TargetAudience
    target: float  # percent, 0..100
    due: dt.date
    match: str = "all"  # "all" | "any"
    start: dt.date | None = None
    note: str | None = None
    location: Location = Location("")


@dataclass(frozen=True)
class RoadMap:
    school_year: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class SiteSettings:
    school_name: str
    school_short_name: str
    site_url: str  # ends with "/"
    variables: Mapping[str, str]  # "platform", "platform.prep", … → text (see catalog.guides.variable_values)
    declinable: frozenset[str] = frozenset()  # names that have case forms in site.yml
    region: str | None = None
    logo: str | None = None
    site_url_at: Location | None = None  # where site_url is written: messages about it point there


@dataclass(frozen=True)
class Catalog:
    """Everything loaded from checklists/ and site_config/, validated."""

    root: Path
    roles: Mapping[str, Role]
    steps: Mapping[str, Step]
    checklists: Mapping[str, Checklist]
    org_steps: Mapping[str, OrgStep]
    roadmap: RoadMap | None
    settings: SiteSettings | None
    org_checklist_title: str = "Шаги школы"
    org_checklist_version: int = 1
    renames: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    # --- which steps a person follows -----------------------------------
    def role_chain(self, role_id: str) -> tuple[str, ...]:
        """The role and the roles it inherits, most general first."""
        chain: list[str] = []
        current: str | None = role_id
        while current and current not in chain and current in self.roles:
            chain.insert(0, current)
            current = self.roles[current].inherits
        return tuple(chain)

    def checklists_for_role(self, role_id: str, grade: int | None = None) -> tuple[Checklist, ...]:
        """Main checklists of a role, its inherited roles first, for a pupil's grade.

        A checklist limited to grades (the 1–4 variant) replaces the role's
        ungraded checklist for pupils in those grades.
        """
        result: list[Checklist] = []
        for rid in self.role_chain(role_id):
            mains = [c for c in self.checklists.values() if c.kind == "main" and rid in c.audience]
            graded = [c for c in mains if c.grades is not None and c.covers_grade(grade)]
            result.extend(graded or [c for c in mains if c.grades is None])
        return tuple(dict.fromkeys(result))

    def catalog_roles(self, role: str, class_leader: bool = False, specialist: bool = False) -> tuple[str, ...]:
        """Catalog roles of a person: a teacher with a class is also a class_leader."""
        roles = [role]
        if role == "teacher" and class_leader:
            roles.append("class_leader")
        if role == "teacher" and specialist:
            roles.append("specialist")
        return tuple(roles)

    def steps_for_person(
        self, role: str, class_leader: bool = False, specialist: bool = False, grade: int | None = None
    ) -> tuple[Step, ...]:
        """The ordered steps a person of this kind is tracked on (main checklists only)."""
        ids: dict[str, None] = {}
        for rid in self.catalog_roles(role, class_leader, specialist):
            for checklist in self.checklists_for_role(rid, grade):
                ids.update(dict.fromkeys(checklist.step_ids))
        return tuple(self.steps[i] for i in ids)

    def stored_ids(self, step_ids) -> set[str]:
        """The ids events of these steps may be stored under: theirs and the ones they were renamed from."""
        wanted = set(step_ids)
        return wanted | {old for old, new in self.renames.items() if new in wanted}

    def current_id(self, step_id: str) -> str | None:
        """The id a step has now, following renamed_from; None for a retired id."""
        if step_id in self.steps or step_id in self.org_steps:
            return step_id
        return self.renames.get(step_id)
