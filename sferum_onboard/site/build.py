"""Build the guide site: validate, generate, run the engine, lighten the pages, index for search.

`build_site` is what `sferum-onboard build` runs; each stage reports to an
optional `progress(stage)` callback so the CLI can show where a long build is.
The engine is MkDocs by default: it runs in-process with the project's own
mkdocs.yml, exactly as a plain `mkdocs build` would read it. Zensical, the
successor of Material for MkDocs, reads the same mkdocs.yml and is the
second, tested engine (`engine="zensical"`).
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from sferum_onboard.catalog import load_catalog
from sferum_onboard.catalog.model import Catalog
from sferum_onboard.errors import SferumError
from sferum_onboard.messages import SITE
from sferum_onboard.site.generate import GeneratedSite, generate_site
from sferum_onboard.site.optimize import optimize_site, precompress
from sferum_onboard.site.privacy import check_site_dir, private_dirs_from_environment
from sferum_onboard.site.search import SearchIndex, build_search_index

BUILD_DIR = "build"
CONFIG_FILE = "mkdocs.yml"
ENGINES = ("mkdocs", "zensical")
# Zensical writes only inside the folder of its config file, and always writes its own search
# index: it builds from this file (the project's mkdocs.yml and nothing else) into build/.
ZENSICAL_CONFIG = """# Made by `sferum-onboard build` for Zensical: the project's mkdocs.yml, built into build/.
INHERIT: ../mkdocs.yml
docs_dir: docs
site_dir: zensical-site
theme:
  variant: classic  # Material's look, which sferum.css is made for
  palette: []  # Material's defaults (indigo); Zensical renders a one-entry palette as a hidden, focusable switch
plugins:
  - search:
      enabled: false
"""
ZENSICAL_UNUSED = ("search.json",)  # its own search index: the site searches with Pagefind
STAGES = {
    "validate": "Проверка чек-листов и инструкций",
    "generate": "Страницы чек-листов и ролей",
    "engine": "Сборка сайта",
    "optimize": "Облегчение страниц для медленной связи",
    "search": "Поисковый индекс (Pagefind)",
    "compress": "Сжатые копии файлов для веб-сервера",
}


class SiteBuildError(SferumError):
    """MkDocs could not build the site (a broken link, a bad page)."""

    def __init__(self, message: str, details: list[str] | None = None):
        self.problems = details or []
        super().__init__(message)


@dataclass(frozen=True)
class BuiltSite:
    site_dir: Path
    catalog: Catalog
    generated: GeneratedSite
    pages: int  # HTML pages MkDocs wrote
    search: SearchIndex | None


def load_mkdocs_config(project: Path, site_dir: Path | None = None, **overrides):
    """The project's mkdocs.yml as MkDocs loads it (INHERIT and all)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    config_file = project / CONFIG_FILE
    if not config_file.is_file():
        raise SferumError(SITE["no-config"].format(file=config_file))
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    try:  # MkDocs resolves docs_dir, site_dir and INHERIT against the config file's folder
        return load_config(config_file=str(config_file.resolve()), **overrides)
    except ConfigurationError as error:
        raise SferumError(SITE["bad-config"].format(file=config_file, error=error)) from None


def generate(project: Path, catalog: Catalog | None = None,
             coordinators: bool = False) -> tuple[Catalog, GeneratedSite]:
    """Validate (unless given a catalog) and write the docs tree into project/build."""
    catalog = catalog or load_catalog(project)
    return catalog, generate_site(catalog, project / BUILD_DIR, coordinators)


def build_site(
    project: Path | str = ".",
    site_dir: Path | str | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    private_dirs: Iterable[Path] = (),
    search: bool = True,
    engine: str = "mkdocs",
) -> BuiltSite:
    """Validate, generate, build (strict), lighten and index; raise SferumError on any problem."""
    project = Path(project)
    step = progress or (lambda stage: None)
    if engine not in ENGINES:
        raise SferumError(SITE["unknown-engine"].format(engine=engine))

    step("validate")
    catalog = load_catalog(project)
    step("generate")
    _, generated = generate(project, catalog)

    config = load_mkdocs_config(project, Path(site_dir) if site_dir else None, strict=True)
    target = Path(config.site_dir)
    check_site_dir(target, project, [*private_dirs, *private_dirs_from_environment()])

    step("engine")
    pages = run_mkdocs(config) if engine == "mkdocs" else run_zensical(project, target)
    step("optimize")
    optimize_site(target)
    index = None
    if search:
        step("search")
        index = build_search_index(target, generated.docs_dir)
    step("compress")
    precompress(target)
    return BuiltSite(target, catalog, generated, pages, index)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config) -> int:
    """mkdocs build of a loaded config; returns the number of HTML pages written."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False  # its English log lines would repeat ours
    try:
        build(config)
    except (Abort, MkDocsException) as error:
        if collect.messages:
            raise SiteBuildError(SITE["mkdocs-warnings"], collect.messages) from None
        raise SiteBuildError(SITE["mkdocs-failed"].format(error=error)) from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    site = Path(config.site_dir)
    return sum(1 for p in site.rglob("*.html") if p.name != "404.html")


def run_zensical(project: Path, site_dir: Path) -> int:
    """zensical build (strict) of the generated tree into site_dir; returns the number of HTML pages."""
    if importlib.util.find_spec("zensical") is None:  # a missing package, not a failed build
        raise SiteBuildError(SITE["no-zensical"])
    build_dir = project / BUILD_DIR
    config = build_dir / "zensical.yml"
    config.write_text(ZENSICAL_CONFIG, "utf-8")
    output = build_dir / "zensical-site"
    if output.exists():
        shutil.rmtree(output)
    command = [sys.executable, "-m", "zensical", "build", "--config-file", config.name, "--strict", "--clean"]
    result = subprocess.run(command, cwd=build_dir, capture_output=True, text=True)
    if result.returncode != 0 or not (output / "index.html").is_file():
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise SiteBuildError(SITE["zensical-failed"].format(detail=(lines or [SITE["no-details"]])[-1]), lines)
    for name in ZENSICAL_UNUSED:
        (output / name).unlink(missing_ok=True)
    site_dir = Path(site_dir)
    if site_dir.exists():
        shutil.rmtree(site_dir)
    shutil.move(str(output), str(site_dir))
    return sum(1 for p in site_dir.rglob("*.html") if p.name != "404.html")


def serve_site(project: Path | str = ".", dev_addr: str = "127.0.0.1:8000", open_in_browser: bool = False) -> None:
    """Validate and generate, then `mkdocs serve` with the plugin that regenerates on every change."""
    from mkdocs.commands.serve import serve

    project = Path(project)
    generate(project, coordinators=True)  # a preview for the people who write the guides: their pages too
    config_file = project / CONFIG_FILE
    if not config_file.is_file():
        raise SferumError(SITE["no-config"].format(file=config_file))
    handler = logging.StreamHandler()  # "Serving on http://…" and rebuild notes are MkDocs' INFO lines
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        serve(config_file=str(config_file.resolve()), dev_addr=dev_addr, open_in_browser=open_in_browser,
              plugins=["sferum-onboard"])
    finally:
        logger.removeHandler(handler)
