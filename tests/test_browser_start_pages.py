"""Each role's start page on a 360×740 phone, in real headless Chromium: the short path starts on the first
screen, the button opens the checklist, key warnings are as large as the text around them."""

from __future__ import annotations

import pytest

from sferum_onboard.catalog import load_catalog
from tests.sitekit import FIXTURE_PROJECT, LocalServer, build_project, copy_project, guarded

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}
FIRST_STEP = ".so-short-path ol > li:first-child a"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("start-pages")
    project = copy_project(root / "project", FIXTURE_PROJECT)
    build_project(project, root / "site")
    with LocalServer(root / "site") as server:
        yield load_catalog(project), server


def start_urls(catalog) -> dict[str, str]:
    """Role id → the start page's address in the site."""
    return {role.id: role.guide.url for role in catalog.roles.values() if role.guide}


def first_step_box(browser, base_url: str, path: str) -> dict:
    page = guarded(browser, base_url, **PHONE)
    try:
        page.page.goto(base_url + path)
        step = page.page.locator(FIRST_STEP)
        assert step.count() == 1, f"{path}: на странице нет короткого пути"
        assert step.is_visible()
        box = step.bounding_box()
        assert page.foreign == []
        return box
    finally:
        page.close()


def test_every_start_page_of_the_fixture_shows_its_first_step_on_the_first_screen(chromium, fixture_site):
    catalog, server = fixture_site
    urls = start_urls(catalog)
    assert set(urls) == {"administrator", "teacher", "class_leader", "pupil", "parent"}
    for role, path in urls.items():
        box = first_step_box(chromium, server.url, path)
        assert box["y"] >= 0 and box["y"] + box["height"] <= 740, (role, box)


def test_the_check_can_fail_when_the_first_step_is_pushed_down(chromium, tmp_path):
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    page = project / "content" / "parent" / "index.md"
    long_intro = "Длинное вступление, которое родитель читает на телефоне вместо шагов. " * 25
    page.write_text(page.read_text("utf-8").replace("<!-- short-path -->", long_intro + "\n\n<!-- short-path -->"),
                    "utf-8")
    build_project(project, tmp_path / "site")
    with LocalServer(tmp_path / "site") as server:
        box = first_step_box(chromium, server.url, "parent/")
    assert box["y"] > 740


def test_the_button_opens_the_checklist(chromium, fixture_site):
    _, server = fixture_site
    page = guarded(chromium, server.url, **PHONE)
    try:
        page.page.goto(server.url + "parent/")
        page.page.get_by_role("link", name="Открыть чек-лист родителя").click()
        page.page.locator("ol.so-checklist[data-so-ready]").wait_for()
        assert page.page.url.endswith("/checklists/parent/")
    finally:
        page.close()


def font_sizes(page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all("els => els.map(el => parseFloat(getComputedStyle(el).fontSize))")


def test_a_key_warning_is_as_large_as_the_body_text(chromium, fixture_site):
    _, server = fixture_site
    page = guarded(chromium, server.url, **PHONE)
    try:
        page.page.goto(server.url + "parent/")
        body = font_sizes(page.page, "article > p")[0]
        assert font_sizes(page.page, ".admonition.warning p:not(.admonition-title)") == [body]
        assert font_sizes(page.page, ".so-short-path li") == [body] * 5
        # a folded note stays small print: the warning is larger by our rule, not by accident
        assert font_sizes(page.page, "details.note")[0] < body
    finally:
        page.close()


# --- the shipped content ------------------------------------------------------------------------


def test_every_shipped_start_page_shows_its_first_step_on_the_first_screen(chromium, shipped_site, site_server):
    project, _ = shipped_site
    urls = start_urls(load_catalog(project))
    assert set(urls) == {"administrator", "teacher", "class_leader", "specialist", "pupil", "parent"}
    late = {}
    for role, path in urls.items():
        box = first_step_box(chromium, site_server.url, path)
        if box["y"] + box["height"] > 740:
            late[role] = round(box["y"] + box["height"])
    assert not late, f"первый шаг ниже первого экрана (740 px): {late}"


def test_shipped_key_warnings_are_body_size(chromium, shipped_site, site_server):
    project, _ = shipped_site
    for path in start_urls(load_catalog(project)).values():
        page = guarded(chromium, site_server.url, **PHONE)
        try:
            page.page.goto(site_server.url + path)
            body = font_sizes(page.page, "article > p")[0]
            warnings = font_sizes(page.page, ".admonition.warning > :not(.admonition-title)")
            assert all(size == body for size in warnings), (path, body, warnings)
        finally:
            page.close()


def test_every_shipped_checklist_shows_its_first_step_on_the_first_screen(chromium, shipped_site, site_server):
    """A parent who taps «Открыть чек-лист» sees a step to tick without scrolling."""
    project, _ = shipped_site
    late = {}
    for checklist in load_catalog(project).checklists.values():
        page = guarded(chromium, site_server.url, **PHONE)
        try:
            page.page.goto(f"{site_server.url}checklists/{checklist.id}/")
            box = page.page.locator("ol.so-checklist > li:first-child .so-step__title").bounding_box()
            assert page.foreign == []
        finally:
            page.close()
        if box["y"] + box["height"] > 740:
            late[checklist.id] = round(box["y"] + box["height"])
    assert not late, f"первый шаг чек-листа ниже первого экрана (740 px): {late}"
