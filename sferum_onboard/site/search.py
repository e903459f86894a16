"""The site's search index: Pagefind over the built HTML, with each page's synonyms added.

Pagefind (its binary ships in the `pagefind-bin` package) stems Russian and
splits the index into chunks a browser loads on demand, so the search costs
a page nothing until someone types. It indexes only the article (not the
navigation repeated on every page), and not the lines a checklist repeats on
every step or page (the progress panel, the note on where ticks are kept,
«Экраны приложения могли измениться…»): a word in them would match every
checklist. Pagefind itself reads ё as е and й as и, in the pages and in the
query, so «елка» finds «ёлка» and the results keep the page's own spelling.

A page names the words readers use for it in its front matter
(`synonyms: [глоссарий]` on «Словарь»). The copy of the page that is indexed
carries them as a metadata field, `synonyms`, which `search.js` ranks like the
title: a query word found there lifts the page as a title word would, and
the synonyms never show in the page's text or in a result's excerpt. The
published page is unchanged.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from sferum_onboard.errors import SferumError
from sferum_onboard.messages import SITE

OUTPUT = "pagefind"
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE = (".headerlink, .so-print-only, .md-source-file, .so-step__next-badge, svg, "
           ".so-progress, .so-checklist-end, .so-note, .so-step__unverified")  # the last four: on every checklist
SYNONYMS_FIELD = "synonyms"  # search.js gives this metadata field the title's ranking weight
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
_H1_END = re.compile(r"</h1>", re.I)


class SearchIndexError(SferumError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class SearchIndex:
    folder: Path
    files: int
    bytes: int


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as error:  # pragma: no cover - a broken install
        raise SearchIndexError(SITE["no-pagefind"]) from error
    return get_executable()


def page_synonyms(docs_dir: Path | None) -> dict[str, tuple[str, ...]]:
    """Site-relative page URL ('help/glossary/') → the `synonyms:` of its front matter."""
    from mkdocs.utils.meta import get_data

    from sferum_onboard.site.urls import page_url

    found: dict[str, tuple[str, ...]] = {}
    for page in sorted(Path(docs_dir).rglob("*.md")) if docs_dir and Path(docs_dir).is_dir() else []:
        _, meta = get_data(page.read_text("utf-8-sig"))
        words = meta.get("synonyms")
        if words is None:
            continue
        if isinstance(words, str):
            words = [words]
        relative = page.relative_to(docs_dir).as_posix()
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise SearchIndexError(SITE["bad-synonyms"].format(page=relative))
        found[page_url(relative)] = tuple(w.strip() for w in words)
    return found


def with_synonyms(html: str, words: tuple[str, ...]) -> str:
    """The page with its synonyms as a metadata field right after its title (for the index only)."""
    field = f'<span data-pagefind-meta="{SYNONYMS_FIELD}:{escape(", ".join(words))}"></span>'
    return _H1_END.sub(lambda m: m.group(0) + field, html, count=1)


def build_search_index(site_dir: Path, docs_dir: Path | None = None) -> SearchIndex:
    """Index the built site into site_dir/pagefind (replacing a previous index); synonyms from docs_dir."""
    site_dir = Path(site_dir)
    output = site_dir / OUTPUT
    synonyms = page_synonyms(docs_dir)
    with tempfile.TemporaryDirectory(prefix="sferum-search-") as scratch:
        indexed = Path(scratch) / "site"
        for page in site_dir.rglob("*.html"):
            if OUTPUT in page.relative_to(site_dir).parts:
                continue
            target = indexed / page.relative_to(site_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            html = page.read_text("utf-8")
            folder = page.relative_to(site_dir).parent.as_posix()
            words = synonyms.get("" if folder == "." else folder + "/") if page.name == "index.html" else None
            target.write_text(with_synonyms(html, words) if words else html, "utf-8")
        fresh = Path(scratch) / "index"
        command = [
            str(pagefind_executable()), "--site", str(indexed), "--output-path", str(fresh),
            "--root-selector", ROOT_SELECTOR, "--exclude-selectors", EXCLUDE,
            "--force-language", "ru", "--quiet",
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["нет подробностей"]
            raise SearchIndexError(SITE["pagefind-failed"].format(detail=detail[0]))
        for unused in UNUSED:  # Pagefind's ready-made UIs: search.js is ours
            for path in fresh.glob(unused):
                path.unlink()
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(fresh, output)
    sizes = [p.stat().st_size for p in output.rglob("*") if p.is_file()]
    return SearchIndex(output, len(sizes), sum(sizes))
