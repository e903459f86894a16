"""Fixtures for the site tests: a built copy of the project, a local web server, Chromium.

The shipped content is copied into a temporary folder and built once per
session (validate → generate → MkDocs → Pagefind), so the tests never touch
the working tree's build/ or site/ and share one build.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_PROJECT = REPO / "tests" / "fixtures" / "site_project"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
PROJECT_PARTS = ("checklists", "content", "site_config")


def copy_project(destination: Path, source: Path = REPO) -> Path:
    """A project folder with the given catalog and content and the repository's mkdocs.yml."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, destination / part, dirs_exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    return destination


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class LocalServer:
    """http.server in a thread, serving one folder on 127.0.0.1 (port chosen by the OS)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        handler = functools.partial(_Quiet, directory=str(self.folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/"

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class GuardedPage:
    """A page whose every request is checked: anything not on the local server is aborted and recorded."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base = urlsplit(base_url)
        self.foreign: list[str] = []
        self.bytes: dict[str, int] = {}
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("requestfinished", self._count)

    def _route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname, url.port) == (self.base.hostname, self.base.port):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def _count(self, request) -> None:
        try:
            sizes = request.sizes()
            self.bytes[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # a request the page dropped (navigation) has no sizes
            pass

    def close(self) -> None:
        self.context.close()


ENGINES = ("mkdocs", "zensical")  # MkDocs builds the published site; Zensical is the tested successor


def build_project(project: Path, site_dir: Path, engine: str = "mkdocs"):
    from sferum_onboard.site.build import build_site

    return build_site(project, site_dir, engine=engine)


def _serve_shipped(tmp_path_factory, engine: str):
    """The shipped content built with an engine and served on 127.0.0.1.

    The copy's site_url is the local server's address, as on a published site:
    Material's instant navigation only follows links under site_url.
    """
    if engine == "zensical":
        from tests.conftest import require

        require(importlib.util.find_spec("zensical") is not None, "нужен пакет zensical (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp(f"shipped-{engine}")
    project = copy_project(root / "project")
    site_dir = root / "site"
    site_dir.mkdir()
    with LocalServer(site_dir) as server:
        settings = project / "site_config" / "site.yml"
        text = settings.read_text("utf-8")
        settings.write_text(re.sub(r"(?m)^site_url:.*$", f"site_url: {server.url}", text), "utf-8")
        yield project, build_project(project, site_dir, engine), server


@pytest.fixture(scope="session")
def _shipped(tmp_path_factory):
    yield from _serve_shipped(tmp_path_factory, "mkdocs")


@pytest.fixture(scope="session")
def _shipped_zensical(tmp_path_factory):
    yield from _serve_shipped(tmp_path_factory, "zensical")


@pytest.fixture(scope="session")
def shipped_site(_shipped):
    """(project copy, BuiltSite) of the shipped content, built with MkDocs."""
    return _shipped[:2]


@pytest.fixture(scope="session")
def site_server(_shipped) -> LocalServer:
    return _shipped[2]


@pytest.fixture(params=ENGINES)
def reader_site(request):
    """(project copy, BuiltSite, LocalServer) of the shipped content, once per engine."""
    return request.getfixturevalue("_shipped" if request.param == "mkdocs" else "_shipped_zensical")


@pytest.fixture(scope="session")
def chromium():
    from tests.conftest import require

    require(CHROMIUM.exists(), "нужен Chromium из Debian: /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        require(False, "нужен пакет playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def guarded(browser, base_url: str, **context_options) -> GuardedPage:
    return GuardedPage(browser.new_context(**context_options), base_url)
