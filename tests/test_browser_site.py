"""The built site in real headless Chromium: ticks, renames, instant navigation, print, weight, axe.

Every reader test runs on both builds: MkDocs (the published site) and Zensical (its successor).
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.sitekit import ENGINES, FIXTURE_PROJECT, LocalServer, build_project, copy_project, guarded

pytestmark = pytest.mark.browser

# Budget for everything the parent's checklist page transfers on first load
# (HTML with its inline critical CSS, the deferred stylesheet, the theme's and
# our JS, the logo). The search index is not part of it: Pagefind loads
# nothing until a reader types. Measured ~315 kB with MkDocs, ~375 kB with
# Zensical (uncompressed: python's http.server does not gzip); the budget
# leaves room for content growth, not for a second framework.
PAGE_BUDGET = 420_000


@pytest.fixture
def visit(chromium, reader_site):
    """Open pages of the shipped site (each engine's build) with every request checked; fail on any other host."""
    site_server = reader_site[2]
    opened = []

    def open_page(path: str, **context_options):
        page = guarded(chromium, site_server.url, **context_options)
        opened.append(page)
        page.page.goto(site_server.url + path)
        return page

    yield open_page
    for page in opened:
        assert page.foreign == [], f"requests to other hosts: {page.foreign}"
        page.close()


def progress_text(page) -> str:
    return page.locator(".so-progress__text").inner_text()


def test_tick_a_step_reload_and_it_is_still_ticked(visit):
    guarded_page = visit("checklists/parent/")
    page = guarded_page.page
    boxes = page.locator("ol.so-checklist input.so-step__box")
    total = boxes.count()
    assert total >= 4
    first_id = boxes.nth(0).get_attribute("id")
    assert first_id.startswith("step-parent-")
    assert progress_text(page) == f"Выполнено 0 из {total} шагов"

    page.get_by_label(page.locator(f"label[for='{first_id}']").inner_text()).check()
    assert progress_text(page) == f"Выполнен 1 из {total} шагов"
    page.reload()
    assert page.locator(f"#{first_id}").is_checked()
    assert progress_text(page) == f"Выполнен 1 из {total} шагов"
    # The next undone step is highlighted and announced.
    second = page.locator("ol.so-checklist > li").nth(1)
    assert "so-step--next" in second.get_attribute("class")
    assert second.locator(".so-step__next-badge").is_visible()

    boxes.nth(1).check()
    assert progress_text(page) == f"Выполнено 2 из {total} шагов"
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sferum-onboard:tick:parent:'))")
    assert len(keys) == 2


def test_keyboard_ticks_a_step_with_visible_focus(visit):
    page = visit("checklists/pupil/").page
    box = page.locator("ol.so-checklist input.so-step__box").first
    box.focus()
    outline = box.evaluate("el => getComputedStyle(el).outlineStyle")
    page.keyboard.press("Space")
    assert box.is_checked()
    # focus-visible applies after keyboard interaction
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert box.evaluate("el => el.matches(':focus-visible')")
    assert box.evaluate("el => getComputedStyle(el).outlineStyle") == "solid", outline


def test_dependencies_met_elsewhere_disappear(visit):
    page = visit("checklists/parent/").page
    step = page.locator("ol.so-checklist > li", has=page.locator(".so-step__deps")).first
    deps = step.locator(".so-step__deps li[data-dep]")
    assert step.locator(".so-step__deps").is_visible()
    for i in range(deps.count()):
        dep = deps.nth(i)
        if dep.locator("a").get_attribute("data-dep-checklist") == "parent":
            page.locator(f"li[data-step='{dep.get_attribute('data-dep')}'] input").check()
    remaining = [deps.nth(i).is_visible() for i in range(deps.count())]
    assert remaining.count(True) == sum(
        1 for i in range(deps.count()) if deps.nth(i).locator("a").get_attribute("data-dep-checklist") != "parent")


def test_checklist_works_after_instant_navigation(visit):
    guarded_page = visit("parent/")
    page = guarded_page.page
    page.evaluate("window.__sameDocument = true")
    # The theme intercepts clicks only once it has fetched sitemap.xml (its list of the site's own
    # pages); a click before that is an ordinary page load.
    page.wait_for_load_state("networkidle")
    page.locator("article a[href$='checklists/parent/']").first.click()
    page.wait_for_url(re.compile(r"checklists/parent/$"))
    page.locator("ol.so-checklist[data-so-ready]").wait_for()
    # Material swapped the content without a full load: our script ran again via document$.
    assert page.evaluate("window.__sameDocument === true")
    assert page.locator(".so-progress").is_visible()
    assert progress_text(page).startswith("Выполнено 0 из")


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_checkbox_contrast_is_at_least_three_to_one(visit):
    page = visit("checklists/parent/").page
    box = page.locator("ol.so-checklist input.so-step__box").first
    style = "el => [getComputedStyle(el).borderTopColor, getComputedStyle(el).backgroundColor]"
    border, inside = box.evaluate(style)
    card = page.locator("ol.so-checklist > li").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert contrast(border, "rgb(255, 255, 255)") >= 3 and contrast(border, inside) >= 3
    box.check()
    checked_fill = box.evaluate("el => getComputedStyle(el).backgroundColor")
    assert contrast(checked_fill, "rgb(255, 255, 255)") >= 3, (checked_fill, card)


def test_without_javascript_the_checklist_is_a_plain_list(visit):
    page = visit("checklists/parent/", java_script_enabled=False).page
    assert page.locator("ol.so-checklist input[type=checkbox]").count() >= 4
    assert not page.locator(".so-progress").is_visible()
    assert page.locator("label.so-step__title").first.is_visible()


def test_print_shows_the_checklist_without_navigation(visit, tmp_path):
    page = visit("checklists/parent/").page
    page.locator("ol.so-checklist input.so-step__box").first.check()
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".so-progress", ".so-search-toggle"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".so-print-footer").is_visible()
    assert page.locator(".so-print-footer svg").is_visible()
    assert "/checklists/parent/" in page.locator(".so-print-footer").inner_text()
    # A ticked step prints as an empty square to tick by hand.
    assert page.locator("ol.so-checklist input.so-step__box").first.evaluate(
        "el => getComputedStyle(el).backgroundImage") == "none"
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"\nParent checklist prints on {pages} A4 page(s)")
    assert 1 <= pages <= 2


def test_checklist_page_weight_stays_under_budget(visit):
    guarded_page = visit("checklists/parent/")
    guarded_page.page.wait_for_load_state("networkidle")
    total = sum(guarded_page.bytes.values())
    print(f"\nChecklist page transferred {total} bytes in {len(guarded_page.bytes)} requests "
          f"(budget {PAGE_BUDGET})")
    assert not any("pagefind" in url for url in guarded_page.bytes), "search must load only when used"
    assert total < PAGE_BUDGET


@pytest.mark.parametrize("path", ["", "checklists/parent/", "parent/join-class/", "class-leader/"])
def test_no_serious_accessibility_violations(visit, path):
    from axe_playwright_python.sync_playwright import Axe

    page = visit(path).page
    if path.startswith("checklists/"):
        page.locator("ol.so-checklist input.so-step__box").first.check()  # the ticked and next-step states too
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)


def test_search_panel_opens_from_the_header_and_finds_word_forms(visit):
    guarded_page = visit("")
    page = guarded_page.page
    page.get_by_role("button", name="Поиск по инструкции").click()
    field = page.get_by_label("Что вы ищете?")
    field.fill("документов")
    page.locator(".so-search__result").first.wait_for()
    assert page.locator(".so-search__status").inner_text().startswith("Найдено:")
    field.press("Escape")
    assert not page.locator("#so-search").is_visible()


# --- a renamed step keeps its tick ------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tick_survives_a_renamed_step_and_a_removed_step_is_forgotten(chromium, tmp_path, engine, request):
    if engine == "zensical":
        request.getfixturevalue("_shipped_zensical")  # skips (or fails in CI) without the package
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    site = tmp_path / "site"
    build_project(project, site, engine)
    with LocalServer(site) as server:
        guarded_page = guarded(chromium, server.url)
        page = guarded_page.page
        page.goto(server.url + "checklists/parent/")
        page.locator("#step-parent-join-class").check()
        page.locator("#step-parent-parent-safe-mode").check()

        checklist = project / "checklists" / "parent.yml"
        text = checklist.read_text("utf-8")
        text = text.replace("  - id: join-class\n", "  - id: join-class-chat\n    renamed_from: [join-class]\n")
        text = text.replace("depends_on: [join-class]", "depends_on: [join-class-chat]")
        text = text[: text.index("  - id: parent-safe-mode")]  # the step is retired
        checklist.write_text(text, "utf-8")
        roadmap = project / "site_config" / "roadmap.yml"
        roadmap.write_text(roadmap.read_text("utf-8").replace("[join-class]", "[join-class-chat]"), "utf-8")
        shutil.rmtree(site)
        build_project(project, site, engine)

        page.reload()
        assert page.locator("#step-parent-join-class-chat").is_checked()
        assert page.locator("#step-parent-parent-safe-mode").count() == 0
        keys = sorted(page.evaluate("Object.keys(localStorage)"))
        assert keys == ["sferum-onboard:tick:parent:join-class-chat"]
        assert progress_text(page) == "Выполнен 1 из 3 шагов"
        assert guarded_page.foreign == []
        guarded_page.close()
