"""The build-time lightening of pages (sferum_onboard/site/optimize.py and css_usage.py), on small inputs and on the
shipped site."""

from __future__ import annotations

import brotli
import gzip
import re

from hypothesis import HealthCheck, given, settings, strategies as st
from selectolax.lexbor import LexborHTMLParser

from sferum_onboard.site.css_usage import ALWAYS, STATE, Usage
from sferum_onboard.site.optimize import (critical, optimize_site, parse_rules, precompress, purge, selectors_in,
                                          serialize)

PAGE = """<!doctype html><html class="no-js"><head><link rel="stylesheet" href="a.css">
<link rel="stylesheet" href="assets/sferum/own.css"></head>
<body><nav class="menu"><a class="menu__link" href="#">x</a></nav><input type="checkbox" id="t">
<main class="text"><p>Привет</p></main><script src="app.js"></script></body></html>"""
CSS = """@charset "UTF-8";
:root{--used:red;--unused:url("data:image/svg+xml;big");--chain:var(--deep);--deep:1px}
.menu{color:var(--used);margin:var(--chain)}
.menu__link:hover,.gone{color:blue}
#t:checked~.text{display:none}
.popup{color:green}
.popup .never{color:black}
.banner{color:pink}
.js .menu{display:flex}
@media print{.text{color:#000}.gone{color:#111}}
@media screen and (min-width:60em){.text p{margin:0}.gone p{margin:0}}
@keyframes spin{to{transform:rotate(1turn)}}
"""


def usage(items, script: str = "") -> Usage:
    return Usage([LexborHTMLParser(PAGE)], set(re.findall(r"[\w-]+", script)), selectors_in(items))


def kept(css: str, script: str = "") -> str:
    items = parse_rules(css)
    check = usage(items, script)
    return serialize(purge(items, check.on_site, check.properties))


def test_selectors_no_page_uses_are_dropped_and_states_are_kept():
    css = kept(CSS)
    assert ".menu{color:var(--used);margin:var(--chain)}" in css
    assert ".menu__link:hover{color:blue}" in css  # :hover is a state: the link exists
    assert "#t:checked~.text{display:none}" in css
    assert ".gone" not in css and ".popup" not in css and ".banner" not in css
    assert "@media print{.text{color:#000}}" in css
    assert "@media screen and (min-width:60em){.text p{margin:0}}" in css
    assert "@keyframes spin" in css


def test_what_a_script_may_create_stays():
    css = kept(CSS, script='el.className = "popup"; root.classList.add("js")')
    assert ".popup{color:green}" in css
    assert ".js .menu{display:flex}" in css
    assert ".never" not in css  # the script names popup, not never


def test_custom_properties_nothing_uses_are_dropped():
    css = kept(CSS)
    assert "--used:red" in css and "--chain:var(--deep)" in css and "--deep:1px" in css
    assert "--unused" not in css


def test_critical_css_is_the_page_s_screen_rules_and_all_our_own():
    items = parse_rules(".menu{color:red}.gone{color:blue}@media print{.menu{color:#000}}")
    items += parse_rules(".so-search{display:block}@media print{.so-search{display:none}}", own=True)
    css = serialize(critical(items, usage(items), 0))
    assert css == ".menu{color:red}.so-search{display:block}"


def test_a_selector_the_engine_cannot_read_is_kept():
    assert ".menu:unknown-state(1){color:red}" in kept(".menu:unknown-state(1){color:red}")


def test_pages_get_inline_css_a_deferred_sheet_and_deferred_scripts(tmp_path):
    (tmp_path / "index.html").write_text(PAGE, "utf-8")
    (tmp_path / "a.css").write_text(CSS, "utf-8")
    (tmp_path / "assets" / "sferum").mkdir(parents=True)
    (tmp_path / "assets" / "sferum" / "own.css").write_text(".popup{outline:0}", "utf-8")
    (tmp_path / "app.js").write_text('document.body.classList.add("popup")\n//# sourceMappingURL=app.js.map', "utf-8")
    (tmp_path / "app.js.map").write_text("{}", "utf-8")
    result = optimize_site(tmp_path)
    html = (tmp_path / "index.html").read_text("utf-8")
    assert result.pages == 1 and result.css_after < result.css_before
    inline = re.search(r"<style>(.*?)</style>", html).group(1)
    assert ".menu{" in inline and "@media print" not in inline
    assert ".popup{outline:0}" in inline  # ours: the script adds it, and nothing may move when it does
    assert ".popup{color:green}" not in inline  # the theme's: no element has it yet, it comes with the full sheet
    full = re.search(r'<link rel="stylesheet" href="(assets/sferum/site\.\w{8}\.css)" media="print" '
                     r'onload="this.media=\'all\'">', html).group(1)
    sheet = (tmp_path / full).read_text("utf-8")
    assert sheet.startswith('@charset "UTF-8";') and ".popup{color:green}" in sheet and ".popup{outline:0}" in sheet
    assert f'<noscript><link rel="stylesheet" href="{full}"></noscript>' in html
    assert len(re.findall(r"<link[^>]*stylesheet", html)) == 2  # the deferred one and its noscript twin
    assert '<script src="app.js" defer>' in html
    assert not (tmp_path / "app.js.map").exists()
    assert "sourceMappingURL" not in (tmp_path / "app.js").read_text("utf-8")


def test_precompressed_copies_hold_the_same_bytes(tmp_path):
    big = ("<p>Чек-лист родителя</p>\n" * 200).encode("utf-8")
    (tmp_path / "index.html").write_bytes(big)
    (tmp_path / "tiny.css").write_text("a{}", "utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + b"\0" * 4000)
    assert precompress(tmp_path) == 1
    assert gzip.decompress((tmp_path / "index.html.gz").read_bytes()) == big
    assert brotli.decompress((tmp_path / "index.html.br").read_bytes()) == big
    assert not (tmp_path / "tiny.css.gz").exists() and not (tmp_path / "logo.png.gz").exists()


# --- many pages: the engine sees each part once -------------------------------------------------
# Pages share the menu; the engine is asked only about what no earlier page showed. Whatever it
# answers must be what it finds on each whole page.


def site_page(active: int, article: str, menu: str = "menu", checked: bool = False, marked: int = -1,
              state: str = "a") -> str:
    entries = "".join(f'<li class="item{" item--active" if i == active else ""}"><a href="#">Раздел'
                      f'{"<span class=badge>новое</span>" if i == marked else ""}</a></li>' for i in range(6))
    return (f'<!doctype html><html><body><header class="top"><a class="logo" href="/">Школа</a></header>'
            f'<nav class="{menu}"><input type="checkbox" id="t"{" checked" if checked else ""}>'
            f'<ul class="list">{entries}</ul></nav><main data-state="{state}">{article}</main></body></html>')


ARTICLE = '<h1>Шаги</h1><p class="note">Откройте приложение.</p><p>Нажмите кнопку.</p>'
SITE = [site_page(0, ARTICLE, menu="menu menu--open", checked=True), site_page(2, ARTICLE),
        site_page(2, '<h1>Шаги</h1><div class="box"><p class="note"></p></div>'),
        site_page(2, ARTICLE.replace("Откройте приложение.", "")), site_page(2, ARTICLE, marked=4),
        site_page(2, ARTICLE, checked=True), site_page(2, ARTICLE, state="b"), site_page(5, ARTICLE)]
ACROSS = [
    ".menu--open + main .note",  # from the menu into the article: two pages share the article, not the menu
    ".menu--open ~ main p:last-child", "nav:not(.menu--open) ~ main h1 + .note", "#t:checked ~ .list a",
    "input[checked] + ul .item--active", ".item--active ~ .item a", ".item--active + li",
    "li:nth-child(3).item--active a", ".item:last-child.item--active", ".item:first-child:not(.item--active) ~ li",
    "li:nth-last-child(2) a", "header.top ~ nav li:only-child", "li:nth-child(5) a", "li:nth-child(4) > a",
    ".item .badge", "li:nth-child(5) span:only-child", "main .note:empty", "main > p:first-of-type + p",
    ".box .note:only-child", ".box:empty", "main[data-state=b] .note", "[data-state^=b] p + p",
    ".menu:has(.item--active:last-child) ~ main .note",  # looks forward: tried on whole pages
    "main:has(> .box) h1", ".list > .item--active a:hover", ":root body > main", "*", "li:nth-of-type(6) a",
]


def on_whole_page(html: str, selector: str) -> bool:
    return LexborHTMLParser(html).css_first(STATE.sub(ALWAYS, selector)) is not None


def test_a_selector_matches_a_page_exactly_when_the_engine_finds_it_on_the_whole_page():
    check = Usage([LexborHTMLParser(page) for page in SITE], set(), set(ACROSS))
    found = {s: [check.on_page(s, i) for i in range(len(SITE))] for s in ACROSS}
    expected = {s: [on_whole_page(page, s) for page in SITE] for s in ACROSS}
    assert found == expected
    # Pages that differ in one thing only, which a selector sees from elsewhere:
    assert expected[".menu--open + main .note"] == [True] + [False] * 7  # the menu's class, from the article
    assert expected["main .note:empty"] == [False, False, True, True] + [False] * 4  # the text
    assert expected[".item .badge"] == [False] * 4 + [True] + [False] * 3  # deep in one entry
    assert expected["input[checked] + ul .item--active"] == [True] + [False] * 4 + [True, False, False]  # checked
    assert expected["main[data-state=b] .note"] == [False] * 6 + [True, False]  # an attribute's value
    assert expected[".item--active ~ .item a"] == [True] * 7 + [False]  # the active entry is the last
    assert all(check.on_some_page(s) == any(expected[s]) for s in ACROSS)


TAGS = ("div", "p", "li", "span")
CLASSES = ("a", "b", "c")
compounds = st.builds(
    lambda tag, classes, pseudo: tag + "".join("." + c for c in classes) + pseudo or "*",
    st.sampled_from(("", "*", *TAGS)), st.lists(st.sampled_from(CLASSES), max_size=2),
    st.sampled_from(("", ":first-child", ":last-child", ":only-child", ":nth-child(2)", ":nth-last-child(2)",
                     ":first-of-type", ":empty", ":not(.a)", ":is(.b, p)", ":hover", ":has(.c)", "[data-x]",
                     "[data-x=on]", "[checked]")))
selectors = st.builds(lambda first, rest: first + "".join(f"{c}{s}" for c, s in rest), compounds,
                      st.lists(st.tuples(st.sampled_from((" ", " > ", " + ", " ~ ")), compounds), max_size=2))
trees = st.recursive(
    st.sampled_from(("", "text", "<!-- -->")),
    lambda inner: st.builds(
        lambda tag, classes, mark, children: (f'<{tag} class="{" ".join(classes)}"{mark}>{"".join(children)}'
                                              f"</{tag}>"),
        st.sampled_from(TAGS), st.lists(st.sampled_from(CLASSES), max_size=2),
        st.sampled_from(("", ' data-x="on"', ' data-x="off"')), st.lists(inner, max_size=5)),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(trees, min_size=1, max_size=2), menu=st.lists(st.integers(0, 1), min_size=4, max_size=6),
       article=trees, pages=st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 5), st.booleans(), st.booleans()),
                                     min_size=2, max_size=5),
       asked=st.lists(selectors, min_size=1, max_size=25))
def test_any_selector_matches_a_page_exactly_when_the_engine_finds_it_there(entries, menu, article, pages, asked):
    """Pages alike but for the active entry, a mark deep in another, a checkbox, or the article's text."""
    site = []
    for active, marked, checked, emptied in pages:
        items = "".join(f'<li class="{"b" if i == active else "a"}">{entries[entry % len(entries)]}'
                        f'{"<span class=c></span>" if i == marked else ""}</li>' for i, entry in enumerate(menu))
        site.append(f'<!doctype html><html><body><div class="c"><input type="checkbox"{" checked" if checked else ""}>'
                    f'<ul>{items}</ul></div><div class="a">{article.replace("text", "") if emptied else article}</div>'
                    f"</body></html>")
    check = Usage([LexborHTMLParser(page) for page in site], set(), set(asked))
    assert {s: [check.on_page(s, i) for i in range(len(site))] for s in asked} == \
        {s: [on_whole_page(page, s) for page in site] for s in asked}

# --- the shipped site ------------------------------------------------------------------

FIRST_SCREEN_BUDGET = 150_000  # bytes of everything the parent checklist needs before its first step shows


def test_shipped_pages_block_on_nothing_but_their_own_html(reader_site):
    _, built, _ = reader_site
    for page in built.site_dir.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        html = page.read_text("utf-8")
        outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
        for tag in re.findall(r"<link\b[^>]*stylesheet[^>]*>", outside_noscript):
            assert 'media="print"' in tag and "onload=" in tag, f"{page}: {tag}"
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html):
            assert " defer" in tag or " async" in tag, f"{page}: {tag}"
        assert "<style>" in html, page
    checklist = built.site_dir / "checklists" / "parent" / "index.html"
    size = checklist.stat().st_size
    print(f"\nParent checklist: {size} bytes of HTML with its critical CSS, nothing else before the first step")
    assert size < FIRST_SCREEN_BUDGET


def test_shipped_site_is_precompressed(reader_site):
    _, built, _ = reader_site
    site = built.site_dir
    for name in ("index.html", "checklists/parent/index.html", "pagefind/pagefind.js"):
        assert gzip.decompress((site / (name + ".gz")).read_bytes()) == (site / name).read_bytes(), name
        assert (site / (name + ".br")).is_file(), name
    sheet = next((site / "assets" / "sferum").glob("site.*.css"))
    assert (sheet.parent / (sheet.name + ".gz")).is_file()
    assert not list(site.rglob("*.map"))
