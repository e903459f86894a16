"""The generator: a plain function from the Catalog to the docs tree MkDocs builds.

`generate_site(catalog, build_dir)` writes into `build_dir`:

- `docs/`: the content/ pages with `{{ variables }}` expanded and each role's
  short path on its start page, the generated pages (checklists, step index,
  road map) and our assets. Pages for coordinators (content/authoring/) are
  left out unless asked for (`serve` shows them; the public site never has them);
- `mkdocs.generated.yml`: what comes from `site_config/site.yml` (school
  name, site URL, logo) and the nested navigation. The project's `mkdocs.yml`
  pulls it in with `INHERIT`, so a plain `mkdocs build --strict` (or any
  engine that reads mkdocs.yml, with no custom plugin) builds the same site.

Only files whose bytes change are rewritten, so `mkdocs serve` does not loop
on its own output. Personal data cannot get here: the generator reads the
catalog and the content folder only, and refuses data files (spreadsheets,
CSV, databases) that someone dropped into content/.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from sferum_onboard.catalog.guides import expand_variables, for_coordinators, replace_short_path, scan_content
from sferum_onboard.catalog.model import Catalog, Role
from sferum_onboard.errors import ContentError, Location, Problem
from sferum_onboard.messages import SITE
from sferum_onboard.site import pages
from sferum_onboard.site.privacy import check_publishable

ASSETS = Path(__file__).parent / "assets"
ASSETS_DIR = "assets/sferum"  # where our CSS/JS land in the docs tree
GENERATED_CONFIG = "mkdocs.generated.yml"
LOGO_NAME = "assets/school-logo"


@dataclass(frozen=True)
class GeneratedSite:
    docs_dir: Path
    config_file: Path
    generated: tuple[str, ...]  # docs paths of the pages made from the catalog
    copied: tuple[str, ...]  # docs paths copied from content/

    @property
    def pages(self) -> int:
        return sum(1 for p in self.generated + self.copied if p.endswith(".md"))


def generate_site(catalog: Catalog, build_dir: Path, coordinators: bool = False) -> GeneratedSite:
    """Write the docs tree and the generated MkDocs settings for a validated catalog.

    `coordinators` adds content/authoring/ (a preview for the people who write
    the guides); the published site is built without it, so it is in no menu,
    no search index and no sitemap, and has no address at all.
    """
    build_dir = Path(build_dir)
    content_dir = catalog.root / "content"
    variables = dict(catalog.settings.variables) if catalog.settings else {}
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    start_pages = {role.guide.page: role for role in catalog.roles.values() if role.guide}

    copied = []
    for source in sorted(p for p in content_dir.rglob("*") if p.is_file()) if content_dir.is_dir() else []:
        relative = source.relative_to(content_dir).as_posix()
        if any(part.startswith(".") for part in relative.split("/")) or \
                (for_coordinators(relative) and not coordinators):
            continue
        where = Location(_display(catalog.root, source))
        if is_reserved(relative):
            problems.append(Problem(where, "reserved-path", SITE["reserved-path"].format(path=relative)))
            continue
        problem = check_publishable(source, where)
        if problem:
            problems.append(problem)
            continue
        data = source.read_bytes()
        if source.suffix == ".md":
            data = page_text(catalog, relative, data.decode("utf-8-sig"), variables, start_pages.get(relative)).encode()
        files[relative] = data
        copied.append(relative)

    titles = guide_titles(content_dir, variables)
    generated = []

    def add(path: str, text: str) -> None:
        files[path] = text.encode("utf-8")
        generated.append(path)

    qr = QrCache(build_dir / ".qr-cache")
    for checklist in catalog.checklists.values():
        add(pages.checklist_page(checklist.id), pages.render_checklist(catalog, checklist, titles, qr))
    add(pages.STEPS_PAGE, pages.render_steps(catalog, titles))
    add(pages.ROADMAP_PAGE, pages.render_roadmap(catalog))

    for asset in sorted(p for p in ASSETS.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        files[f"{ASSETS_DIR}/{asset.relative_to(ASSETS).as_posix()}"] = asset.read_bytes()

    logo = None
    if catalog.settings and catalog.settings.logo:
        source = catalog.root / "site_config" / catalog.settings.logo
        if source.is_file():
            logo = LOGO_NAME + source.suffix.lower()
            files[logo] = source.read_bytes()
        else:
            problems.append(Problem(Location(_display(catalog.root, catalog.root / "site_config" / "site.yml")),
                                    "logo-missing", SITE["logo-missing"].format(logo=catalog.settings.logo)))
    if problems:
        raise ContentError(problems)

    docs_dir = build_dir / "docs"
    _sync(docs_dir, files)
    config = site_settings(catalog, logo)
    config["nav"] = navigation(catalog, titles, [p for p in files if p.endswith(".md")])
    config_file = build_dir / GENERATED_CONFIG
    _write_if_changed(config_file, (
        "# Made by `sferum-onboard build` from site_config/site.yml and the catalog: do not edit.\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    ).encode("utf-8"))
    return GeneratedSite(docs_dir, config_file, tuple(generated), tuple(copied))


@dataclass(frozen=True)
class ShortPathReading:
    """What a role's start page asks of a reader before the checklist button."""

    role: Role
    words: int  # from the page's title down to the button: the intro and the short path
    setup: str  # the main checklist's setup time: «6 шагов, около 25 минут; потом — 2 шага со временем»


def page_text(catalog: Catalog, page: str, text: str, variables: dict, start_of: Role | None = None) -> str:
    """A content page as published: variables expanded and, on a role's start page, its short path."""
    text = expand_variables(text, variables)
    return replace_short_path(text, pages.render_short_path(catalog, start_of, page)) if start_of else text


def short_path_reading(catalog: Catalog) -> list[ShortPathReading]:
    """Per role with a start page, in roles.yml order (README's table is made from this)."""
    variables = dict(catalog.settings.variables) if catalog.settings else {}
    found = []
    for role in catalog.roles.values():
        source = catalog.root / "content" / role.guide.page if role.guide else None
        if source is None or not source.is_file():
            continue
        short_path = pages.render_short_path(catalog, role, role.guide.page)
        text = page_text(catalog, role.guide.page, source.read_text("utf-8-sig"), variables, role)
        end = text.find(short_path)
        mains = pages.main_checklists(catalog, role.id)
        steps = [catalog.steps[i] for i in mains[0].step_ids] if mains else []
        found.append(ShortPathReading(role, pages.count_words(text[:end + len(short_path)] if end >= 0 else text),
                                      pages.setup_time(steps)))
    return found


class QrCache:
    """QR codes by address, kept between builds: choosing the best mask costs ~7 ms a code."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, url: str) -> str:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        cached = self.folder / f"{key}.svg"
        if cached.is_file():
            return cached.read_text("utf-8")
        svg = pages.qr_svg(url)
        _write_if_changed(cached, svg.encode("utf-8"))
        return svg


def is_reserved(docs_path: str) -> bool:
    return (docs_path.startswith((pages.CHECKLISTS_DIR + "/", ASSETS_DIR + "/"))
            or docs_path in (pages.STEPS_PAGE, pages.ROADMAP_PAGE))


def guide_titles(content_dir: Path, variables: dict[str, str]) -> pages.GuideTitles:
    """Page titles (the first level-1 heading) and heading texts, variables expanded."""
    titles: dict[str, str] = {}
    headings: dict[tuple[str, str], str] = {}
    for path, page in scan_content(content_dir, variables).items():
        for heading in page.headings:
            text = _plain(expand_variables(heading.title, variables))
            headings[(path, heading.anchor)] = text
            if heading.level == 1 and path not in titles:
                titles[path] = text
        titles.setdefault(path, posixpath.splitext(posixpath.basename(path))[0])
    return pages.GuideTitles(titles, headings)


def _plain(markdown_title: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_title)
    return re.sub(r"[*_`]|<[^>]+>", "", text).strip()


def site_settings(catalog: Catalog, logo: str | None) -> dict:
    settings = catalog.settings
    config: dict = {}
    if settings:
        config["site_name"] = settings.school_short_name
        config["site_url"] = settings.site_url
        platform = pages.platform_name(settings, "dat")
        config["site_description"] = f"Инструкции и чек-листы: {settings.school_name} подключается к {platform}"
        config["extra"] = {"school": {"name": settings.school_name, "region": settings.region or ""}}
    if logo:
        config["theme"] = {"logo": logo, "favicon": logo}
    return config


# Section titles for topic folders that have no index.md to name them.
FOLDER_TITLES = {"start": "Начало работы", "help": "Помощь", "migration": "Переход в MAX",
                 "school": "Школе", "authoring": "Координаторам"}
LEADING_FOLDERS = ("start",)  # shared first steps come before the role sections


def navigation(catalog: Catalog, titles: pages.GuideTitles, docs: list[str]) -> list:
    """Nested navigation: home, shared first steps, a section per role, other topics, then indexes.

    A role's section opens with its start page (with `navigation.indexes` the
    section title leads there), then its checklists, then its folder's pages
    in the order the role's steps first send a reader to them. A flat nav in
    every page makes MkDocs builds grow faster than the site, and a parent on
    a phone needs their role in one tap.
    """
    docs = sorted(d for d in docs if not d.startswith(ASSETS_DIR + "/"))
    content = [d for d in docs if not is_reserved(d)]
    placed: set[str] = set()
    placed_checklists: set[str] = set()
    nav: list = []
    if "index.md" in content:
        nav.append({"Главная": "index.md"})
        placed.add("index.md")

    def topic(folder: str) -> None:
        items = _folder_nav(folder, content, titles, placed)
        extras = [c for c in catalog.checklists.values() if c.kind != "main" and c.id not in placed_checklists
                  and c.step_ids and catalog.steps[c.step_ids[0]].guide.page.startswith(folder + "/")]
        for checklist in extras:
            items.append(pages.checklist_page(checklist.id))
            placed_checklists.add(checklist.id)
        if len(items) == 1 and isinstance(items[0], str):
            nav.append(items[0])  # a one-page folder needs no section
        elif items:
            title = titles.pages.get(f"{folder}/index.md") or FOLDER_TITLES.get(folder) or folder.capitalize()
            nav.append({title: items})

    folders = sorted({d.split("/", 1)[0] for d in content if "/" in d})
    for folder in LEADING_FOLDERS:
        if folder in folders:
            topic(folder)
    for role in catalog.roles.values():
        section: list = []
        start = role.guide.page if role.guide else None
        if start in content and start not in placed:
            section.append(start)
            placed.add(start)
        mains = pages.main_checklists(catalog, role.id)
        for checklist in mains:
            if checklist.id not in placed_checklists:
                section.append(pages.checklist_page(checklist.id))
                placed_checklists.add(checklist.id)
        if start:
            order = [catalog.steps[i].guide.page for c in mains for i in c.step_ids]
            section.extend(_folder_nav(posixpath.dirname(start), content, titles, placed, order))
        if section:
            nav.append({role.title_plural or role.title: section})
    for folder in folders:  # topics no role owns: migration, help, school ...
        if folder not in LEADING_FOLDERS:
            topic(folder)
    nav.extend(d for d in content if d not in placed and "/" not in d)
    left = [pages.checklist_page(c) for c in catalog.checklists if c not in placed_checklists]
    if left:
        nav.append({"Другие чек-листы": left})
    nav.append(pages.STEPS_PAGE)
    nav.append(pages.ROADMAP_PAGE)
    return nav


def _folder_nav(folder: str, content: list[str], titles: pages.GuideTitles, placed: set[str],
                order: list[str] = ()) -> list:
    """A folder's pages, index first, then in `order` (pages the steps link to, first link first), then by name."""
    rank = {page: i for i, page in reversed(list(enumerate(order)))}
    here = [d for d in content if posixpath.dirname(d) == folder and d not in placed]
    here.sort(key=lambda d: (posixpath.basename(d) != "index.md", rank.get(d, len(rank)), d))
    items: list = []
    for doc in here:
        items.append(doc)
        placed.add(doc)
    subfolders = sorted({d[len(folder) + 1:].split("/", 1)[0] for d in content
                         if d.startswith(folder + "/") and d.count("/") > folder.count("/") + 1})
    for sub in subfolders:
        path = f"{folder}/{sub}"
        sub_items = _folder_nav(path, content, titles, placed, order)
        if sub_items:
            items.append({titles.pages.get(f"{path}/index.md", sub.replace("-", " ").capitalize()): sub_items})
    return items


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _sync(docs_dir: Path, files: dict[str, bytes]) -> None:
    """Make docs_dir hold exactly these files, touching only what changed."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    for relative, data in files.items():
        _write_if_changed(docs_dir / relative, data)
    for path in sorted(docs_dir.rglob("*"), reverse=True):
        relative = path.relative_to(docs_dir).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path)


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
