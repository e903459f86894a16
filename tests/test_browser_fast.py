"""A page that opens fast and stays still, on both builds (MkDocs and Zensical), in real Chromium.

Speed itself is measured in benchmarks/bench_pages.py; these tests hold what makes it possible:
the inline CSS alone lays the first screen out exactly as the full stylesheet does (so the page can
paint before the rest arrives and nothing moves when it does), no layout shift while scripts run,
and nothing fetched from any other host, nor any search index before a reader searches.
"""

from __future__ import annotations

import re

import pytest

from tests.sitekit import guarded

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 412, "height": 823}, "desktop": {"width": 1280, "height": 900}}
WATCHED = ["header.md-header", "article h1", ".so-progress", "ol.so-checklist > li:first-child",
           "ol.so-checklist > li:nth-child(2)", ".md-sidebar--primary", "footer", "article p"]
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


def boxes(page) -> dict[str, list[float] | None]:
    found = {}
    for selector in WATCHED:
        element = page.locator(selector).first
        box = element.bounding_box() if element.count() else None
        found[selector] = None if box is None else [round(box[k], 1) for k in ("x", "y", "width", "height")]
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", ["", "checklists/parent/"])
def test_the_inline_css_alone_lays_out_the_first_screen_as_the_full_sheet_does(chromium, reader_site, path,
                                                                                viewport):
    server = reader_site[2]
    full = guarded(chromium, server.url, viewport=VIEWPORTS[viewport])
    full.page.goto(server.url + path)
    full.page.wait_for_load_state("networkidle")
    assert full.page.evaluate("[...document.styleSheets].some(s => s.href && /site\\.\\w+\\.css/.test(s.href)"
                              " && s.media.mediaText === 'all')"), "the full sheet did not switch on"
    expected = boxes(full.page)
    full.close()

    inline_only = guarded(chromium, server.url, viewport=VIEWPORTS[viewport])
    inline_only.context.route(re.compile(r".*/site\.\w+\.css$"), lambda route: route.abort())
    inline_only.page.goto(server.url + path)
    inline_only.page.wait_for_load_state("networkidle")
    assert boxes(inline_only.page) == expected
    inline_only.close()
    assert full.foreign == [] and inline_only.foreign == []


def test_the_parent_checklist_does_not_move_while_it_loads(chromium, reader_site):
    server = reader_site[2]
    guarded_page = guarded(chromium, server.url, viewport=VIEWPORTS["phone"])
    page = guarded_page.page
    page.goto(server.url + "checklists/parent/")
    page.wait_for_load_state("networkidle")
    page.locator("ol.so-checklist[data-so-ready]").wait_for()
    assert page.evaluate(LAYOUT_SHIFT) == 0
    # The panel the script fills was there from the start, with the same words.
    first = page.locator("ol.so-checklist > li").first
    assert page.locator(".so-progress__text").inner_text().startswith("Выполнено 0 из")
    assert page.locator(".so-progress__next").get_attribute("href") == "#" + first.get_attribute("id")
    guarded_page.close()
    assert guarded_page.foreign == []


def test_no_request_leaves_the_site_and_no_index_loads_before_a_search(chromium, reader_site):
    server = reader_site[2]
    guarded_page = guarded(chromium, server.url)
    page = guarded_page.page
    page.goto(server.url)
    page.wait_for_load_state("networkidle")
    page.locator("article a[href$='parent/']").first.click()  # the parents' start page
    page.wait_for_url(re.compile(r"/parent/$"))
    page.wait_for_load_state("networkidle")
    before_search = list(guarded_page.bytes)
    assert not [url for url in before_search if re.search(r"pagefind|search\.json|search_index", url)]
    page.get_by_role("button", name="Поиск по инструкции").click()
    page.get_by_label("Что вы ищете?").fill("вступить в класс")
    page.wait_for_function("() => document.querySelector('.so-search__status').dataset.query")
    assert page.locator(".so-search__status").inner_text().startswith("Найдено"), \
        page.locator(".so-search__status").inner_text()
    page.locator(".so-search__result a").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("article h1").wait_for()
    guarded_page.close()
    assert any("/pagefind/" in url for url in guarded_page.bytes)
    assert guarded_page.foreign == []
