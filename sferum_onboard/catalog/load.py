"""Load a project's catalog: read every file, check it against its schema, build
the typed Catalog, then cross-check the whole (`checks.py`).

`validate_project` reports every problem; `load_catalog` returns a Catalog or
raises `ContentError` with the same problems.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sferum_onboard.catalog import checks, grammar, schema
from sferum_onboard.catalog.guides import (
    expand_variables, known_variables, read_pages, scan_page, variable_names, variable_values,
)
from sferum_onboard.catalog.model import (
    Catalog, Checklist, GuideRef, OrgStep, Review, Role, RoadMap, SiteSettings, Step, Target, TargetAudience,
)
from sferum_onboard.catalog.yamlload import YamlDocument, YamlProblem, read_yaml
from sferum_onboard.errors import ContentError, Location, Problem, SferumError
from sferum_onboard.messages import CATALOG
from sferum_onboard.wording import plural

# File name → schema; every other checklists/*.yml is a checklist.
SPECIAL_FILES = {
    ("checklists", "roles.yml"): "roles",
    ("checklists", "shared.yml"): "shared",
    ("checklists", "school.yml"): "school-steps",
    ("site_config", "roadmap.yml"): "roadmap",
    ("site_config", "site.yml"): "site",
}


@dataclass
class ValidationReport:
    root: Path
    files: int
    problems: list[Problem]
    catalog: Catalog | None = None

    def summary(self) -> str:
        checked = f"Проверено {plural(self.files, 'file')}"
        if not self.problems:
            return f"{checked}: ошибок нет."
        files = len({p.location.file for p in self.problems})
        found = plural(len(self.problems), "error")
        where = plural(files, "file", "prepositional")
        return f"{checked}: найдено {found} в {where}."


@dataclass
class Sources:
    """Where each catalog item was defined: for locating cross-check problems."""

    documents: dict[str, YamlDocument] = field(default_factory=dict)
    items: dict[tuple[str, str], tuple[YamlDocument, tuple]] = field(default_factory=dict)

    def where(self, kind: str, item_id: str, *path, key: bool = False) -> Location:
        document, base = self.items[(kind, item_id)]
        return document.where(base + path, key=key)


def load_catalog(root: Path | str) -> Catalog:
    """The validated catalog of a project folder, or ContentError with every problem."""
    report = validate_project(root)
    if report.problems:
        raise ContentError(report.problems)
    assert report.catalog is not None
    return report.catalog


def validate_project(root: Path | str) -> ValidationReport:
    """Read, check and cross-check every catalog file of a project folder."""
    root = Path(root)
    if not root.exists():
        raise SferumError(f"папка «{root}» не найдена")
    if not root.is_dir():
        raise SferumError(f"«{root}» — файл, а нужна папка проекта (в ней checklists/)")
    files = _catalog_files(root)
    if not files:
        folder = _display(root)
        return ValidationReport(root, 0, [Problem(Location(folder), "no-yaml", CATALOG["no-yaml"].format(folder=folder))])

    problems: list[Problem] = []
    documents: dict[str, tuple[str, YamlDocument]] = {}
    for path in files:
        name = _display(path)
        try:
            document = read_yaml(path, name)
        except YamlProblem as error:
            problems.append(error.problem)
            continue
        problems.extend(document.problems)
        kind = SPECIAL_FILES.get((path.parent.name, path.name), "checklist")
        if path.parent.name != "checklists" and (path.parent.name, path.name) not in SPECIAL_FILES:
            problems.append(Problem(Location(name), "unknown-file-kind", CATALOG["unknown-file-kind"]))
            continue
        problems.extend(schema.check(document, kind))
        documents[name] = (kind, document)
    if problems:  # cross checks would only echo problems of broken files
        return ValidationReport(root, len(files), sorted(problems))

    problems = _expand_variables(documents)
    catalog, sources, assembly_problems = _assemble(root, documents)
    problems += assembly_problems
    variables = dict(catalog.settings.variables) if catalog.settings else {}
    texts = read_pages(root / "content")
    pages = {path: scan_page(path, text, variables) for path, text in texts.items()}
    content_folder = _display(root / "content")
    problems += checks.cross_check(catalog, sources, pages, content_folder=content_folder)
    problems += _grammar(catalog, documents, texts, content_folder)
    problems = sorted(set(problems))
    return ValidationReport(root, len(files), problems, None if problems else catalog)


def _grammar(catalog: Catalog, documents: dict[str, tuple[str, YamlDocument]], texts: dict[str, str],
             content_folder: str) -> list[Problem]:
    """Names in the wrong case, in the reader's YAML fields and in the guide pages."""
    settings = catalog.settings
    variables = settings.variables if settings else {}
    checker = grammar.Checker(grammar.names_of(variables, settings.declinable if settings else ()))
    problems = [p for kind, document in documents.values() if kind != "site"
                for p in grammar.yaml_problems(document, variables, checker)]
    for path, text in texts.items():
        problems += grammar.page_problems(f"{content_folder}/{path}", text, variables, checker)
    return problems


def _catalog_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder in ("checklists", "site_config"):
        directory = root / folder
        if directory.is_dir():
            found = [p for p in directory.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()]
            if folder == "site_config":
                found = [p for p in found if (folder, p.name) in SPECIAL_FILES or p.suffix == ".yaml"]
            files.extend(sorted(found))
    return files


def _display(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


# --- building the typed catalog -------------------------------------------


def _expand_variables(documents: dict[str, tuple[str, YamlDocument]]) -> list[Problem]:
    """Put the values of {{ name }} into every text of the catalog files, in place.

    Step titles and actions name the platform and its menus too, so a rename
    is made once in site_config/site.yml for the YAML as well as the guides.
    """
    site = next((doc for kind, doc in documents.values() if kind == "site"), None)
    declared = dict(site.data["variables"]) if site else {}
    variables = variable_values(declared)
    known = known_variables(declared, [n for n, v in declared.items() if isinstance(v, dict)])
    problems: list[Problem] = []

    def walk(document: YamlDocument, value, path: tuple):
        if isinstance(value, str):
            if "{{" not in value:
                return value
            for name in variable_names(value):
                if name not in variables:
                    problems.append(Problem(document.where(path), "variable-unknown",
                                            CATALOG["variable-unknown"].format(name=name, known=known)))
            return expand_variables(value, variables)
        if isinstance(value, list):
            return [walk(document, item, path + (i,)) for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: walk(document, item, path + (key,)) for key, item in value.items()}
        return value

    for kind, document in documents.values():
        if kind != "site":
            document.data = walk(document, document.data, ())
    return problems



def _assemble(root: Path, documents: dict[str, tuple[str, YamlDocument]]):
    sources = Sources({name: doc for name, (_, doc) in documents.items()})
    problems: list[Problem] = []
    roles: dict[str, Role] = {}
    steps: dict[str, Step] = {}
    checklists: dict[str, Checklist] = {}
    org_steps: dict[str, OrgStep] = {}
    roadmap = settings = None
    org_title, org_version = "Шаги школы", 1

    def claim(kind: str, item_id: str, document: YamlDocument, path: tuple) -> bool:
        # Steps and school steps share one id space: both are tracking keys.
        namespace = "step" if kind in ("step", "org") else kind
        previous = sources.items.get((namespace, item_id))
        if previous is not None or (kind == "step" and item_id in org_steps) or (kind == "org" and item_id in steps):
            other = previous[0].where(previous[1]) if previous else ""
            problems.append(Problem(document.where(path + ("id",)), "duplicate-id",
                                    CATALOG["duplicate-id"].format(id=item_id, other=f"впервые: {other}")))
            return False
        sources.items[(namespace, item_id)] = (document, path)
        return True

    # Shared steps first, so checklists can reference them in any file order.
    ordered = sorted(documents.items(), key=lambda item: (item[1][0] != "shared", item[0]))
    for name, (kind, document) in ordered:
        data = document.data
        sources.items[("file", kind)] = (document, ())
        if kind == "roles":
            for i, raw in enumerate(data["roles"]):
                path = ("roles", i)
                if claim("role", raw["id"], document, path):
                    roles[raw["id"]] = _role(raw, document.where(path))
        elif kind == "shared":
            for i, raw in enumerate(data["steps"]):
                path = ("steps", i)
                if claim("step", raw["id"], document, path):
                    steps[raw["id"]] = _step(raw, document.where(path))
        elif kind == "school-steps":
            org_title, org_version = data["title"], data["version"]
            for i, raw in enumerate(data["steps"]):
                path = ("steps", i)
                if claim("org", raw["id"], document, path):
                    org_steps[raw["id"]] = _org_step(raw, document.where(path))
        elif kind == "checklist":
            step_ids = []
            for i, item in enumerate(data["steps"]):
                path = ("steps", i)
                if isinstance(item, dict):
                    if claim("step", item["id"], document, path):
                        steps[item["id"]] = _step(item, document.where(path))
                    step_ids.append(item["id"])
                else:
                    step_ids.append(item)
            if claim("checklist", data["id"], document, ()):
                grades = data.get("grades")
                checklists[data["id"]] = Checklist(
                    id=data["id"], title=data["title"], audience=tuple(data["audience"]),
                    version=data["version"], intro=data["intro"], step_ids=tuple(step_ids),
                    kind=data.get("kind", "main"),
                    grades=(grades["from"], grades["to"]) if grades else None,
                    location=document.where(("id",)),
                )
        elif kind == "roadmap":
            roadmap = RoadMap(data["school_year"], tuple(
                _target(raw, document.where(("targets", i))) for i, raw in enumerate(data["targets"])
            ))
            for i, raw in enumerate(data["targets"]):
                claim("target", raw["id"], document, ("targets", i))
        elif kind == "site":
            school = data["school"]
            settings = SiteSettings(
                school_name=school["name"], school_short_name=school["short_name"], site_url=data["site_url"],
                variables=MappingProxyType(variable_values(data["variables"])),
                declinable=frozenset(n for n, v in data["variables"].items() if isinstance(v, dict)),
                region=school.get("region"),
                logo=school.get("logo"),
                site_url_at=document.where(("site_url",)),
            )

    renames = {old: step.id for step in list(steps.values()) + list(org_steps.values()) for old in step.renamed_from}
    catalog = Catalog(
        root=root, roles=MappingProxyType(roles), steps=MappingProxyType(steps),
        checklists=MappingProxyType(checklists), org_steps=MappingProxyType(org_steps),
        roadmap=roadmap, settings=settings, org_checklist_title=org_title,
        org_checklist_version=org_version, renames=MappingProxyType(renames),
    )
    return catalog, sources, problems


def _review(raw: dict | None) -> Review:
    if not raw:
        return Review()
    checked = raw.get("checked")
    return Review(
        checked=dt.date.fromisoformat(checked) if checked else None,
        source=raw.get("source"), unverified=bool(raw.get("unverified", False)), note=raw.get("note"),
    )


def _step(raw: dict, location: Location) -> Step:
    return Step(
        id=raw["id"], title=raw["title"], action=raw["action"], guide=GuideRef.parse(raw["guide"]),
        minutes=raw["minutes"], platforms=tuple(raw["platforms"]), done_when=raw["done_when"],
        depends_on=tuple(raw.get("depends_on", ())), helper=raw.get("helper"),
        renamed_from=tuple(raw.get("renamed_from", ())), milestone=raw.get("milestone"),
        key=bool(raw.get("key", False)), ongoing=bool(raw.get("ongoing", False)), review=_review(raw.get("review")), location=location,
    )


def _org_step(raw: dict, location: Location) -> OrgStep:
    return OrgStep(
        id=raw["id"], title=raw["title"], action=raw["action"], guide=GuideRef.parse(raw["guide"]),
        done_when=raw["done_when"], depends_on=tuple(raw.get("depends_on", ())),
        renamed_from=tuple(raw.get("renamed_from", ())), minutes=raw.get("minutes"),
        review=_review(raw.get("review")), location=location,
    )


def _role(raw: dict, location: Location) -> Role:
    guide = raw.get("guide")
    return Role(
        id=raw["id"], title=raw["title"], description=raw["description"], title_plural=raw.get("title_plural"),
        inherits=raw.get("inherits"), guide=GuideRef.parse(guide) if guide else None, location=location,
    )


def _target(raw: dict, location: Location) -> Target:
    counts = raw["counts"]
    grades = counts.get("grades")
    return Target(
        id=raw["id"], title=raw["title"], steps=tuple(raw["steps"]),
        counts=TargetAudience(
            role=counts["role"], class_leader=counts.get("class_leader"), specialist=counts.get("specialist"),
            grades=(grades["from"], grades["to"]) if grades else None,
        ),
        target=float(raw["target"]), due=dt.date.fromisoformat(raw["due"]), match=raw.get("match", "all"),
        start=dt.date.fromisoformat(raw["start"]) if raw.get("start") else None, note=raw.get("note"),
        location=location,
    )
