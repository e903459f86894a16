"""Cross checks over the whole catalog: what no single schema can see."""

from __future__ import annotations

import difflib
import posixpath
from pathlib import Path
from urllib.parse import unquote

from sferum_onboard.catalog.guides import Page, for_coordinators, known_variables
from sferum_onboard.catalog.model import CATALOG_ROLES, Catalog, GuideRef
from sferum_onboard.errors import Location, Problem
from sferum_onboard.messages import CATALOG


def cross_check(catalog: Catalog, sources, pages: dict[str, Page], content_folder: str = "content") -> list[Problem]:
    found: list[Problem] = []

    def report(location: Location, code: str, **fields) -> None:
        found.append(Problem(location, code, CATALOG[code].format(**fields)))

    _roles(catalog, sources, report)
    _references(catalog, sources, report)
    _cycles(catalog, sources, report)
    _renames(catalog, sources, report)
    _guides(catalog, sources, pages, report)
    _variables(catalog, pages, content_folder, report)
    _links(catalog, pages, content_folder, report)
    _start_pages(catalog, sources, pages, content_folder, report)
    return found


def _hint(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"; может быть, «{close[0]}»?" if close else ""


def _roles(catalog: Catalog, sources, report) -> None:
    known = ", ".join(catalog.roles)

    def check(role: str, location: Location) -> None:
        if role not in catalog.roles:
            report(location, "role-unknown", role=role, known=known)

    if catalog.roles:
        for role in CATALOG_ROLES:
            if role not in catalog.roles:
                report(sources.where("file", "roles", "roles", key=True), "role-missing", role=role)
    for role in catalog.roles.values():
        if role.inherits:
            check(role.inherits, sources.where("role", role.id, "inherits"))
        chain, current = [role.id], role.inherits
        while current in catalog.roles:
            if current in chain:
                cycle = chain[chain.index(current):] + [current]
                if current == role.id:
                    report(role.location, "role-inherits-cycle", cycle=" → ".join(cycle))
                break
            chain.append(current)
            current = catalog.roles[current].inherits
    for checklist in catalog.checklists.values():
        for i, role in enumerate(checklist.audience):
            check(role, sources.where("checklist", checklist.id, "audience", i))
    for step in catalog.steps.values():
        if step.helper:
            check(step.helper, sources.where("step", step.id, "helper"))


def _references(catalog: Catalog, sources, report) -> None:
    all_ids = {**catalog.steps, **catalog.org_steps}
    used: set[str] = set()
    for checklist in catalog.checklists.values():
        position = {}
        for i, step_id in enumerate(checklist.step_ids):
            location = sources.where("checklist", checklist.id, "steps", i)
            if step_id not in catalog.steps:
                report(location, "step-ref-missing", checklist=checklist.id, step=step_id,
                       hint=_hint(step_id, catalog.steps))
            elif step_id in position:
                report(location, "step-ref-twice", checklist=checklist.id, step=step_id)
            position.setdefault(step_id, i)
            used.add(step_id)
        for step_id, i in position.items():
            step = catalog.steps.get(step_id)
            for dependency in step.depends_on if step else ():
                if position.get(dependency, -1) > i:
                    report(sources.where("checklist", checklist.id, "steps", i), "dependency-later",
                           step=step_id, checklist=checklist.id, target=dependency)
    for kind, items in (("step", catalog.steps), ("step", catalog.org_steps)):
        for item in items.values():
            for i, dependency in enumerate(item.depends_on):
                if dependency not in all_ids:
                    report(sources.where(kind, item.id, "depends_on", i), "depends-missing",
                           step=item.id, target=dependency, hint=_hint(dependency, all_ids))
    for step in catalog.steps.values():
        if step.id not in used:
            report(step.location, "step-unused", step=step.id)
    if catalog.roadmap:
        for target in catalog.roadmap.targets:
            for i, step_id in enumerate(target.steps):
                if step_id not in catalog.steps:
                    report(sources.where("target", target.id, "steps", i), "target-step-missing",
                           target=target.id, step=step_id, hint=_hint(step_id, catalog.steps))


def _cycles(catalog: Catalog, sources, report) -> None:
    """Report each dependency cycle once, as a → b → c → a."""
    graph = {**{s.id: s.depends_on for s in catalog.steps.values()},
             **{s.id: s.depends_on for s in catalog.org_steps.values()}}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    reported: set[frozenset] = set()
    for start in graph:
        if state.get(start):
            continue
        # Iterative DFS: catalogs can be deep enough to hit Python's recursion limit.
        path, stack = [start], [iter(graph[start])]
        state[start] = 1
        while stack:
            node = next(stack[-1], None)
            if node is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if node not in graph:
                continue
            if state.get(node) == 1:
                cycle = path[path.index(node):] + [node]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    report(sources.where("step", cycle[0], "depends_on"), "depends-cycle", cycle=" → ".join(cycle))
            elif not state.get(node):
                state[node] = 1
                path.append(node)
                stack.append(iter(graph[node]))


def _renames(catalog: Catalog, sources, report) -> None:
    claimed: dict[str, str] = {}
    for item in list(catalog.steps.values()) + list(catalog.org_steps.values()):
        for i, old in enumerate(item.renamed_from):
            location = sources.where("step", item.id, "renamed_from", i)
            if old in catalog.steps or old in catalog.org_steps:
                report(location, "renamed-in-use", step=old, new=item.id)
            if old in claimed:
                report(location, "renamed-twice", step=old, first=claimed[old], second=item.id)
            claimed.setdefault(old, item.id)


def _guides(catalog: Catalog, sources, pages: dict[str, Page], report) -> None:
    def check(owner: str, guide: GuideRef, location: Location) -> None:
        page = pages.get(guide.page)
        if page is None:
            report(location, "guide-page-missing", owner=owner, page=guide.page)
        elif guide.anchor and guide.anchor not in page.anchors:
            report(location, "guide-heading-missing", owner=owner, page=guide.page, anchor=guide.anchor,
                   hint=_hint(guide.anchor, page.anchors))

    for kind, items in (("step", catalog.steps), ("step", catalog.org_steps)):
        for item in items.values():
            check(f"шаг «{item.id}»", item.guide, sources.where(kind, item.id, "guide"))
    for role in catalog.roles.values():
        if role.guide:
            check(f"роль «{role.id}»", role.guide, sources.where("role", role.id, "guide"))


def _variables(catalog: Catalog, pages: dict[str, Page], content_folder: str, report) -> None:
    known = dict(catalog.settings.variables) if catalog.settings else {}
    names = known_variables([name for name in known if "." not in name], catalog.settings.declinable if catalog.settings else ())
    for page in pages.values():
        for variable in page.variables:
            if variable.name not in known:
                report(Location(f"{content_folder}/{page.path}", variable.line, variable.column),
                       "variable-unknown", name=variable.name, known=names)


def _start_pages(catalog: Catalog, sources, pages: dict[str, Page], content_folder: str, report) -> None:
    """Each role's start page holds the one line the site replaces with the role's short path."""
    owners: dict[str, str] = {}
    for role in catalog.roles.values():
        if not role.guide or role.guide.page not in pages:
            continue  # a missing page is reported by _guides
        page = role.guide.page
        if page in owners:
            first = catalog.roles[owners[page]].title
            report(sources.where("role", role.id, "guide"), "start-page-shared", first=first, second=role.title,
                   page=page)
            continue
        owners[page] = role.id
        if not pages[page].short_path:
            report(Location(f"{content_folder}/{page}"), "start-page-no-marker", role=role.title)
    for page in pages.values():
        for i, line in enumerate(page.short_path):
            if page.path not in owners:
                report(Location(f"{content_folder}/{page.path}", line, 1), "start-page-marker-elsewhere")
            elif i:
                report(Location(f"{content_folder}/{page.path}", line, 1), "start-page-marker-twice")


def generated_pages(catalog: Catalog) -> set[str]:
    """Doc paths the site generator writes next to content/ (see site/generate.py)."""
    return {f"checklists/{checklist}.md" for checklist in catalog.checklists} | {"steps.md", "roadmap.md"}


def _role_hubs(catalog: Catalog) -> dict[str, str]:
    """roles/<id>.md, the generated role pages of earlier versions, → the role's start page."""
    return {f"roles/{role.id}.md": role.guide.page for role in catalog.roles.values() if role.guide}


def _links(catalog: Catalog, pages: dict[str, Page], content_folder: str, report) -> None:
    """Relative links between guide pages, and their anchors (MkDocs only notes a broken anchor)."""
    generated = generated_pages(catalog)
    root = Path(content_folder)
    for page in pages.values():
        for link in page.links:
            target, _, anchor = link.target.partition("#")
            if "://" in target or target.startswith(("mailto:", "tel:", "/")):
                continue
            location = Location(f"{content_folder}/{page.path}", link.line, link.column)
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), unquote(target))) if target \
                else page.path
            if resolved in generated:
                continue
            if resolved not in pages:
                if not resolved.endswith(".md") and (root / resolved).is_file():
                    continue  # a picture or a PDF next to the pages
                hub = _role_hubs(catalog).get(resolved)
                if hub:
                    report(location, "link-role-hub", target=link.target, page=hub)
                else:
                    report(location, "link-missing", target=link.target)
            elif for_coordinators(resolved) and not for_coordinators(page.path):
                report(location, "link-coordinator", target=link.target)
            elif anchor and unquote(anchor) not in pages[resolved].anchors:
                report(location, "link-anchor-missing", target=link.target, page=resolved, anchor=unquote(anchor),
                       hint=_hint(unquote(anchor), pages[resolved].anchors))
