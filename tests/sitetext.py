"""What a reader must never meet on the built site, read from the HTML MkDocs wrote.

These checkers are independent of `validate` on purpose: they read the pages
as published (generated pages included) with their own short patterns, so a
phrase that slips past the catalog checks, or that the generator itself
writes, is still caught. Each returns human-readable hits; [] means clean.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
from pathlib import Path

COORDINATOR_FOLDER = "authoring"

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.DOTALL)
_DROP = re.compile(r"<(script|style|svg)\b.*?</\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TAB_LABELS = re.compile(r'<div class="tabbed-labels[^"]*">(.*?)</div>', re.DOTALL)
_LABEL = re.compile(r"<label\b[^>]*>(.*?)</label>", re.DOTALL)
_NAV_LINK = re.compile(r'<a\b[^>]*class="md-nav__link[^"]*"[^>]*>|<a\b[^>]*href="[^"]*"[^>]*class="md-nav__link')

# The platform's name left in the nominative after «в», «на», «о», «при», «с» or «пользоваться».
NOMINATIVE = re.compile(r"(?<![а-я-])(?:в|во|на|о|об|при|с|со|(?:вос)?польз(?:ова|у[юейя])[а-я]*)\s+«?сферум(?![а-я])")
CLOUD_PASSWORD = re.compile(r"облачн[а-я]*\s+парол")
NO_COMPUTER = re.compile(
    r"нет\s+(?:[а-я]+\s+)?верси[а-я]*\s+для\s+(?:компьютер|пк|браузер)"
    r"|верси[а-я]*\s+для\s+(?:компьютер|пк)[а-я]*\s+нет"
    r"|компьютерн[а-я]*\s+верси[а-я]*\s+нет"
    r"|нет\s+(?:веб|web)[-\s]?верси|(?:веб|web)[-\s]?верси[а-я]*\s+нет"
    r"|только\s+(?:на|с|в)\s+(?:телефон|смартфон|мобильн)"
)
AUTHOR_LANGUAGE = re.compile(
    r"в\s+источниках|не\s+описан|не\s+подтвержд|следуйте\s+подсказкам\s+приложения|\[\?\]"
    r"|по\s+имеющимся\s+данным|неизвестно,\s+как"
)


def fold(text: str) -> str:
    """Lower case with ё as е, so one pattern covers both spellings."""
    return text.lower().replace("ё", "е")


def visible_text(page_html: str) -> str:
    """The article's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    match = _ARTICLE.search(page_html)
    body = _DROP.sub(" ", match.group(1) if match else "")
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def tab_labels(page_html: str) -> list[str]:
    """The names of content tabs (=== "Android"), as shown."""
    return [" ".join(html.unescape(_TAG.sub("", label)).split())
            for labels in _TAB_LABELS.findall(page_html) for label in _LABEL.findall(labels)]


def pages(site_dir: Path) -> dict[str, str]:
    """Every HTML page of a built site (not Pagefind's), by its path in the site."""
    return {p.relative_to(site_dir).as_posix(): p.read_text("utf-8") for p in sorted(site_dir.rglob("*.html"))
            if "pagefind" not in p.relative_to(site_dir).parts}


def _snippets(pattern: re.Pattern, text: str) -> list[str]:
    folded = fold(text)
    return [text[max(0, m.start() - 30):m.end() + 30] for m in pattern.finditer(folded)]


def text_hits(page_html: str) -> list[str]:
    """Everything wrong with a page's text, as «kind: …snippet…»."""
    text = visible_text(page_html)
    hits = [f"название в именительном: …{s}…" for s in _snippets(NOMINATIVE, text)]
    hits += [f"«облачный пароль»: …{s}…" for s in _snippets(CLOUD_PASSWORD, text)]
    hits += [f"будто у MAX нет версии для компьютера: …{s}…" for s in _snippets(NO_COMPUTER, text)]
    hits += [f"язык автора: …{s}…" for s in _snippets(AUTHOR_LANGUAGE, text)]
    hits += [f"вкладка «{label}»" for label in tab_labels(page_html) if "не подтвержд" in fold(label)]
    return hits


def site_text_hits(site_dir: Path) -> list[str]:
    return [f"{path}: {hit}" for path, page_html in pages(site_dir).items() for hit in text_hits(page_html)]


def _is_coordinator(site_path: str) -> bool:
    return site_path.strip("/").split("/", 1)[0] == COORDINATOR_FOLDER


def menu_links(page_path: str, page_html: str) -> list[str]:
    """Site paths the page's menu links to (resolved from the page's own address)."""
    base = posixpath.dirname(page_path)
    found = []
    for tag in _NAV_LINK.findall(page_html):
        href = re.search(r'href="([^"#]*)', tag)
        if href and href.group(1) and "://" not in href.group(1):
            found.append(posixpath.normpath(posixpath.join(base, href.group(1))))
    return found


def coordinator_pages_in_menu(site_dir: Path) -> list[str]:
    return sorted({f"{path} → {link}" for path, page_html in pages(site_dir).items()
                   for link in menu_links(path, page_html) if _is_coordinator(link)})


def search_index(site_dir: Path) -> dict[str, str]:
    """Pagefind's fragments: page URL → the text it indexed (gzip, then a marker, then JSON)."""
    indexed = {}
    for fragment in sorted((site_dir / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        document = json.loads(data[data.index(b"{"):].decode("utf-8"))
        indexed[document["url"]] = document.get("content", "")
    return indexed


def coordinator_pages_in_search(site_dir: Path) -> list[str]:
    return sorted(url for url in search_index(site_dir) if _is_coordinator(url))
