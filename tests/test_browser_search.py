"""Russian search, measured on the same query set for both routes, in real Chromium.

The site ships Pagefind (stemming, ё read as е, index chunks loaded on
demand). For comparison the same generated docs are also built with
Material's built-in search, as it comes and with the Russian stemmer in the
pipeline, and asked the same questions through Material's own search box.
The figures are printed; only the shipped route is held to a floor.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from sferum_onboard.site.build import load_mkdocs_config, run_mkdocs
from tests.sitekit import REPO, LocalServer, guarded

pytestmark = pytest.mark.browser

QUERIES = yaml.safe_load((REPO / "tests" / "search_queries.yml").read_text("utf-8"))["queries"]
FLOOR = 0.95  # share of queries whose expected page is in the top 3 (Pagefind)
HELD_OUT = [q["query"] for q in QUERIES if q.get("held_out")]  # missed before issue 12: must all hit
MATERIAL_VARIANTS = {
    # As it comes with theme.language ru: lunr with Russian stop words, no stemmer.
    "material-default": {"search": {}},
    # Tuned: the lunr.ru stemmer on. Material appends a wildcard to each query
    # term, and stemmed wildcard terms miss (measured worse than the default).
    "material-stemmer": {"search": {"lang": ["ru"], "pipeline": ["stemmer", "stopWordFilter"]}},
}


def page_of(href: str, base: str) -> str:
    path = unquote(urlsplit(href).path)
    return path[len(urlsplit(base).path):] if path.startswith(urlsplit(base).path) else path.lstrip("/")


def top_pages(hrefs: list[str], base: str, n: int = 3) -> list[str]:
    pages: list[str] = []
    for href in hrefs:
        page = page_of(href, base)
        if page not in pages:
            pages.append(page)
    return pages[:n]


def shown_results(page, base: str, query: str) -> list[dict[str, str]]:
    """Every result the search panel lists: its link, page (site-relative URL), title and excerpt."""
    page.locator("#so-search-input").fill(query)
    page.wait_for_function("q => document.querySelector('.so-search__status').dataset.query === q", arg=query)
    found = page.eval_on_selector_all(".so-search__result > a.so-search__link", """as => as.map(a => ({
        href: a.href, title: a.querySelector('.so-search__title').textContent,
        excerpt: a.querySelector('.so-search__excerpt').textContent}))""")
    return [{**result, "page": page_of(result["href"], base)} for result in found]


def pagefind_results(page, base: str, query: str) -> list[str]:
    return top_pages([result["href"] for result in shown_results(page, base, query)], base)


@contextmanager
def search_panel(chromium, url: str):
    """The site's home page with the search panel open (every request checked to stay on the site)."""
    guarded_page = guarded(chromium, url)
    guarded_page.page.goto(url)
    guarded_page.page.locator(".so-search-toggle").click()
    try:
        yield guarded_page.page
    finally:
        guarded_page.close()
    assert guarded_page.foreign == [], "search fetched from another host"


def material_results(page, base: str, query: str) -> list[str]:
    field = page.locator("input.md-search__input")
    meta = ".md-search-result__meta"
    field.fill("")
    field.press("End")  # Material reads the query on keyup
    page.wait_for_function(f"() => /Начните печатать/.test(document.querySelector('{meta}').textContent)")
    field.fill(query)
    field.press("End")
    page.wait_for_function(
        f"() => !/Начните печатать|Инициализация/.test(document.querySelector('{meta}').textContent)")
    page.wait_for_timeout(100)  # Material renders the list right after the meta line
    hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "as => as.map(a => a.href)")
    return top_pages(hrefs, base)


def measure(chromium, base_url: str, open_search: str, ask) -> tuple[float, list[str], dict[str, int], int]:
    """Ask every query through the page's own search box: (hit rate, misses, bytes by URL, bytes by the
    end of the first query, the page itself excluded)."""
    guarded_page = guarded(chromium, base_url)
    page = guarded_page.page
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    on_load = set(guarded_page.bytes)
    page.locator(open_search).first.click()
    misses, first = [], 0
    for item in QUERIES:
        found = ask(page, base_url, item["query"])
        if not first:
            first = sum(size for url, size in guarded_page.bytes.items() if url not in on_load)
        if not any(expected in found for expected in item["expect"]):
            misses.append(f"{item['query']!r}: {found} (ждали {item['expect']})")
    guarded_page.close()
    assert guarded_page.foreign == [], "search fetched from another host"
    return 1 - len(misses) / len(QUERIES), misses, guarded_page.bytes, first


def report(label: str, rate: float, misses: list[str], weight: str) -> None:
    print(f"\n{label}: top-3 hit rate {rate:.0%} ({round(rate * len(QUERIES))} of {len(QUERIES)} queries); {weight}")
    for miss in misses:
        print("  miss:", miss)


def test_query_set_is_realistic_and_large_enough():
    assert len(QUERIES) >= 30
    assert {q["who"] for q in QUERIES} >= {"parent", "pupil", "teacher", "administrator"}


def test_every_expected_page_exists(shipped_site):
    _, built = shipped_site
    for item in QUERIES:
        for expected in item["expect"]:
            assert (built.site_dir / expected / "index.html").is_file(), expected


def test_pagefind_finds_the_expected_pages(chromium, reader_site, request):
    _, built, server = reader_site
    rate, misses, fetched, first = measure(chromium, server.url, ".so-search-toggle", pagefind_results)
    search_bytes = sum(size for url, size in fetched.items() if "/pagefind/" in url)
    report(f"Pagefind (shipped, {request.node.callspec.id})", rate, misses,
           f"nothing before the first query, {first} bytes for the first one, {search_bytes} bytes "
           f"for all of them (index on disk {built.search.bytes} bytes)")
    assert rate >= FLOOR
    assert not [miss for miss in misses if any(miss.startswith(repr(q)) for q in HELD_OUT)]


@pytest.fixture(scope="module")
def material_sites(shipped_site, tmp_path_factory):
    """The same generated docs built with Material's search instead of Pagefind."""
    project, _ = shipped_site
    sites = {}
    for name, plugin in MATERIAL_VARIANTS.items():
        site_dir = tmp_path_factory.mktemp(name)
        config = load_mkdocs_config(project, site_dir, plugins=[plugin])
        run_mkdocs(config)
        sites[name] = site_dir
    return sites


@pytest.mark.parametrize("variant", list(MATERIAL_VARIANTS))
def test_material_search_on_the_same_queries(chromium, material_sites, variant):
    site_dir = material_sites[variant]
    index = site_dir / "search" / "search_index.json"
    assert json.loads(index.read_text("utf-8"))["docs"]
    with LocalServer(site_dir) as server:  # the header's search field, on a wide screen
        rate, misses, _, _ = measure(chromium, server.url, "input.md-search__input", material_results)
    report(variant, rate, misses, f"search_index.json {index.stat().st_size} bytes, fetched on every page load")
    assert 0 <= rate <= 1


def test_lines_repeated_on_every_checklist_are_not_searched(chromium, reader_site):
    server = reader_site[2]
    with search_panel(chromium, server.url) as page:
        for repeated in ("экраны приложения могли измениться", "отметки сохраняются только в этом браузере",
                         "снять все отметки"):
            found = pagefind_results(page, server.url, repeated)
            assert not [p for p in found if p.startswith("checklists/")], (repeated, found)


def article_text(site_dir, page: str) -> str:
    html = (site_dir / page / "index.html").read_text("utf-8")
    article = html[html.find("<article"):html.find("</article>")]
    return re.sub(r"<[^>]+>", " ", article).lower().replace("ё", "е")


# A query word and how the words every page found must start. Cut to a bare stem before Pagefind
# stemmed it again, each found far more: «пройти» → «пройт», read «проит», → «про» («проверьте»…).
ONLY_ITS_PAGES = {"пройти": "пройт|пройд", "найти": "найт|найд", "войти": "войт|войд", "прийти": "прийт|прид|приш"}


def test_a_word_finds_only_pages_that_have_it(chromium, reader_site):
    _, built, server = reader_site
    with search_panel(chromium, server.url) as page:
        for query, start in ONLY_ITS_PAGES.items():
            found = shown_results(page, server.url, query)
            assert found, query
            for result in found:
                assert re.search(rf"\b({start})", article_text(built.site_dir, result["page"])), (query, result)


def test_a_noun_made_from_a_verb_finds_the_verb(chromium, reader_site):
    """«вступление» is on no page of the parent's way into the class; «вступить» is."""
    _, built, server = reader_site
    assert "вступлени" not in article_text(built.site_dir, "parent/join-class/")
    with search_panel(chromium, server.url) as page:
        assert shown_results(page, server.url, "вступление ребёнка в класс")[0]["page"] == "parent/join-class/"


def test_synonyms_lift_their_page_but_are_not_shown_as_its_text(chromium, reader_site):
    """«Словарь» names «глоссарий» in its front matter; the results keep ё as the pages spell it."""
    _, built, server = reader_site
    assert "глоссари" not in article_text(built.site_dir, "help/glossary/")
    with search_panel(chromium, server.url) as page:
        first = shown_results(page, server.url, "глоссарий")[0]
        assert first["page"] == "help/glossary/" and "глоссари" not in first["excerpt"].lower()
        assert any("ё" in r["title"] + r["excerpt"] for r in shown_results(page, server.url, "ребенок"))
