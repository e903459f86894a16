"""The site's search index: Pagefind over the built HTML, with ё folded to е.

Pagefind (its binary ships in the `pagefind-bin` package) stems Russian and
splits the index into chunks a browser loads on demand, so the search costs
a page nothing until someone types. It indexes only the article (not the
navigation repeated on every page). Readers type «елка» for «ёлка» and the
other way round, so the index is built from a copy of the pages with ё
folded to е, and `search.js` folds the query the same way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sferum_onboard.errors import SferumError
from sferum_onboard.messages import SITE

OUTPUT = "pagefind"
ROOT_SELECTOR = "article.md-content__inner"
EXCLUDE = ".headerlink, .so-print-only, .md-source-file, .so-step__next-badge, svg"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
_YO = str.maketrans({"ё": "е", "Ё": "Е"})
_TEXT = re.compile(r">([^<]+)<")


class SearchIndexError(SferumError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class SearchIndex:
    folder: Path
    files: int
    bytes: int


def fold_yo(text: str) -> str:
    return text.translate(_YO)


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as error:  # pragma: no cover - a broken install
        raise SearchIndexError(SITE["no-pagefind"]) from error
    return get_executable()


def build_search_index(site_dir: Path) -> SearchIndex:
    """Index the built site into site_dir/pagefind; replaces a previous index."""
    site_dir = Path(site_dir)
    output = site_dir / OUTPUT
    with tempfile.TemporaryDirectory(prefix="sferum-search-") as scratch:
        folded = Path(scratch) / "site"
        for page in site_dir.rglob("*.html"):
            if OUTPUT in page.relative_to(site_dir).parts:
                continue
            target = folded / page.relative_to(site_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            html = page.read_text("utf-8")
            # Fold only text between tags: attribute values (URLs with ё) stay as they are.
            target.write_text(_TEXT.sub(lambda m: ">" + fold_yo(m.group(1)) + "<", html), "utf-8")
        fresh = Path(scratch) / "index"
        command = [
            str(pagefind_executable()), "--site", str(folded), "--output-path", str(fresh),
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
