"""Make the built site light for a weak phone on a slow line (run after the engine, before Pagefind).

What a page needs before it can paint is its HTML and its CSS. Material ships
~150 KB of CSS for every feature it has; a page uses a fraction of it. So:

1. **Unused CSS out.** Every stylesheet the pages link is parsed (tinycss2)
   and each selector is tried against every built page (selectolax, the
   Lexbor engine: on what no earlier page showed, so that the work grows
   with the pages, not with their square: css_usage.py). A selector stays
   when it matches some page, ignoring states such as `:hover` or
   `:checked`, or when every class, id and attribute it names appears in
   the scripts the pages load (the script may create that element).
   Everything else is dropped; the kept rules of all stylesheets go, in
   their order, into one hashed file.
2. **Critical CSS inline, the rest deferred.** Each page gets, in a
   `<style>` in its head, the rules that match that page (screen only) plus
   our own screen CSS (its elements appear when scripts run); the full file
   loads without blocking the first paint and re-applies the same rules.
3. **Scripts deferred.** External scripts get `defer` (they keep their order).
4. Source maps (unused by readers) are removed.

`precompress` (run last, after Pagefind) writes `.gz` and `.br` next to the
big text files, for servers that serve them as they are (nginx gzip_static).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import tinycss2
from selectolax.lexbor import LexborHTMLParser

from sferum_onboard.site.css_usage import Usage

OWN_CSS = "assets/sferum/"  # our stylesheet: inlined whole (screen rules)
COMBINED = "assets/sferum/site.{hash}.css"
SKIP_DIRS = ("pagefind",)
WORDS = re.compile(r"[\w-]+")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
LINK_CSS = re.compile(r'<link\b[^>]*\brel="?stylesheet"?[^>]*>')
HREF = re.compile(r'\bhref="([^"]+)"')
SCRIPT_SRC = re.compile(r'<script\b([^>]*)\bsrc="([^"]+)"([^>]*)>')
SOURCE_MAP = re.compile(rb"\n?/[*/]# sourceMappingURL=[^\n]*?(?:\*/)?\s*$")
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".mjs"}
COMPRESS_FROM = 1024  # bytes: smaller files gain nothing a server would notice
BROTLI_QUALITY = 7  # 11 is 9 % smaller and 18 times slower (5 s a build)


@dataclass(frozen=True)
class Optimized:
    pages: int
    css_before: int  # bytes of the stylesheets the pages linked
    css_after: int  # bytes of the combined, purged stylesheet
    inline_largest: int  # bytes of the largest inlined critical CSS


# --- CSS as rules -----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One style rule: its selectors, its declarations and the @-blocks around it."""

    selectors: tuple[str, ...]
    declarations: tuple[str, ...]  # "name:value", as written
    context: tuple[str, ...] = ()  # e.g. ("@media screen and (min-width:76.25em)",)
    own: bool = False  # from our own stylesheet


def parse_rules(css: str, own: bool = False, context: tuple[str, ...] = ()) -> list[Rule | str]:
    """Style rules, and other at-rules (keyframes, font faces) as finished text."""
    out: list[Rule | str] = []
    for node in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if node.type == "qualified-rule":
            selectors = tuple(s.strip() for s in split_selectors(tinycss2.serialize(node.prelude)))
            out.append(Rule(selectors, _declarations(node.content), context, own))
        elif node.type == "at-rule" and node.lower_at_keyword in ("media", "supports", "container", "layer") \
                and node.content is not None:
            header = f"@{node.at_keyword} {' '.join(tinycss2.serialize(node.prelude).split())}"
            out.extend(parse_rules(tinycss2.serialize(node.content), own, context + (header,)))
        elif node.type == "at-rule" and node.lower_at_keyword != "charset":  # the combined file declares it
            out.append(_wrap(context, tinycss2.serialize([node]).strip()))
    return out


def _declarations(tokens) -> tuple[str, ...]:
    parts = []
    for item in tinycss2.parse_blocks_contents(tokens, skip_whitespace=True, skip_comments=True):
        if item.type == "declaration":
            value = " ".join(tinycss2.serialize(item.value).split())
            parts.append(f"{item.name}:{value}{'!important' if item.important else ''}")
        elif item.type != "error":  # nested rules (not used by Material): keep as written
            parts.append(tinycss2.serialize([item]).strip())
    return tuple(parts)


def split_selectors(prelude: str) -> list[str]:
    """'a, b:is(c, d)' → ['a', 'b:is(c, d)']: commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p for p in parts if p.strip()]


def _wrap(context: tuple[str, ...], text: str) -> str:
    for header in reversed(context):
        text = f"{header}{{{text}}}"
    return text


def serialize(items: list[Rule | str]) -> str:
    """Rules back to CSS, consecutive rules of the same @-blocks sharing one block."""
    out: list[str] = []
    group: list[Rule] = []

    def flush() -> None:
        if group:
            out.append(_wrap(group[0].context, "".join(f"{','.join(r.selectors)}{{{';'.join(r.declarations)}}}" for r in group)))
            group.clear()

    for item in items:
        if isinstance(item, str):
            flush()
            out.append(item)
        else:
            if group and group[0].context != item.context:
                flush()
            group.append(item)
    flush()
    return "".join(out)


def selectors_in(items: list[Rule | str]) -> set[str]:
    return {s for item in items if isinstance(item, Rule) for s in item.selectors}


def purge(items: list[Rule | str], keep, used_properties: set[str] = frozenset()) -> list[Rule | str]:
    """The rules with only the selectors `keep(selector)` accepts, and only the custom properties
    (`--name: …`) something uses: a kept rule, or a name in `used_properties` (scripts set some)."""
    kept: list[Rule | str] = []
    for item in items:
        if isinstance(item, str):
            kept.append(item)
            continue
        selectors = tuple(s for s in item.selectors if keep(s))
        if selectors:
            kept.append(Rule(selectors, item.declarations, item.context, item.own))
    used = set(used_properties)
    while True:  # a used property's value may use others
        more = {name for item in kept for d in (item.declarations if isinstance(item, Rule) else (item,))
                if not (d.startswith("--") and d.split(":", 1)[0] not in used) for name in properties_in(d)}
        if more <= used:
            break
        used |= more
    out: list[Rule | str] = []
    for item in kept:
        if isinstance(item, Rule):
            declarations = tuple(d for d in item.declarations if not d.startswith("--") or d.split(":", 1)[0] in used)
            if not declarations:
                continue
            item = Rule(item.selectors, declarations, item.context, item.own)
        out.append(item)
    return out


@functools.lru_cache(maxsize=None)
def properties_in(text: str) -> tuple[str, ...]:
    return tuple(VAR.findall(text))


def critical(items: list[Rule | str], usage: Usage, page: int) -> list[Rule | str]:
    """What a page needs for its first screen: its matching rules and our own, none for print."""
    def screen(item) -> bool:
        context = item.context if isinstance(item, Rule) else ()
        return not any(re.match(r"@media\s+print\b", c) for c in context)

    chosen = [i for i in items if screen(i) and (isinstance(i, str) or i.own
                                                 or any(usage.on_page(s, page) for s in i.selectors))]
    return purge(chosen, lambda s: True, usage.properties)


# --- the site ------------------------------------------------------------------------


def _local(site_dir: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file a URL on a page points at, if it is on this site, and the URL's way to the site root.

    Relative URLs ('../../assets/x.css' → '../../') and root-relative ones, which MkDocs writes on
    404.html under the site_url's path ('/school/assets/x.css' → '/school/')."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        segments = parts.path.lstrip("/").split("/")
        candidates = ["/".join(segments[i:]) for i in range(len(segments))]
    else:
        base = posixpath.dirname(page.relative_to(site_dir).as_posix())
        candidates = [posixpath.normpath(posixpath.join(base, parts.path))]
    for relative in candidates:
        if not relative.startswith("..") and (site_dir / relative).is_file() and parts.path.endswith(relative):
            return site_dir / relative, parts.path[: -len(relative)]
    return None


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*.html") if p.relative_to(site_dir).parts[0] not in SKIP_DIRS)


def optimize_site(site_dir: Path) -> Optimized:
    """Purge, inline and defer the CSS, defer the scripts; rewrites the site in place."""
    site_dir = Path(site_dir)
    pages = html_pages(site_dir)
    texts = {page: page.read_text("utf-8") for page in pages}
    trees = {page: LexborHTMLParser(text) for page, text in texts.items()}

    sheets: dict[Path, tuple[Path, ...]] = {}  # page → its stylesheets, in order
    roots: dict[Path, str] = {}  # page → the URL prefix of the site root its stylesheet links use
    scripts: set[Path] = set()  # the scripts the pages load: pages share them, each is read once
    held: set[str] = set()  # the scripts the pages hold
    for page, text in texts.items():
        hrefs = (HREF.search(tag) for tag in LINK_CSS.findall(text))
        linked = [found for found in (_local(site_dir, page, href.group(1)) for href in hrefs if href) if found]
        sheets[page] = tuple(path for path, _ in linked)
        roots[page] = linked[0][1] if linked else ""
        for _, src, _ in SCRIPT_SRC.findall(text):
            script = _local(site_dir, page, src)
            if script:
                scripts.add(script[0])
        held.update(script.text() for script in trees[page].css("script:not([src])"))
    words = {word for text in [*(path.read_text("utf-8", errors="replace") for path in scripts), *held]
             for word in WORDS.findall(text)}

    rules: dict[tuple[Path, ...], list[Rule | str]] = {}  # the rules of each list of linked stylesheets, in order
    before = 0
    for linked in dict.fromkeys(sheets.values()):
        if linked:
            rules[linked] = []
            for sheet in linked:
                own = sheet.relative_to(site_dir).as_posix().startswith(OWN_CSS)
                rules[linked].extend(parse_rules(sheet.read_text("utf-8"), own))
                before += sheet.stat().st_size
    usage = Usage(list(trees.values()), words, set().union(*map(selectors_in, rules.values())))
    index = {page: i for i, page in enumerate(trees)}

    combined: dict[tuple[Path, ...], tuple[Path, list[Rule | str]]] = {}
    inlines: dict[tuple[tuple[Path, ...], frozenset[str]], str] = {}
    after = largest = 0
    for page, text in texts.items():
        linked = sheets[page]
        if not linked:
            continue
        if linked not in combined:
            kept = purge(rules[linked], usage.on_site, usage.properties)
            css = ('@charset "UTF-8";' + serialize(kept)).encode("utf-8")
            target = site_dir / COMBINED.format(hash=hashlib.sha256(css).hexdigest()[:8])
            target.write_bytes(css)
            after += len(css)
            combined[linked] = (target, kept)
        target, kept = combined[linked]
        alike = (linked, usage.matching[index[page]])  # pages that match the same selectors have the same CSS
        if alike not in inlines:
            inlines[alike] = serialize(critical(kept, usage, index[page]))
        inline = inlines[alike]
        largest = max(largest, len(inline.encode("utf-8")))
        texts[page] = rewrite_page(text, inline, roots[page] + target.relative_to(site_dir).as_posix())
    for page, text in texts.items():
        page.write_text(text, "utf-8")
    _drop_source_maps(site_dir)
    return Optimized(len(pages), before, after, largest)


def rewrite_page(html: str, inline_css: str, full_css: str) -> str:
    """The stylesheet links become inline critical CSS plus the full sheet loaded without blocking."""
    first = True

    def stylesheet(match: re.Match) -> str:
        nonlocal first
        if not first:
            return ""
        first = False
        return (f"<style>{inline_css}</style>"
                f'<link rel="stylesheet" href="{full_css}" media="print" onload="this.media=\'all\'">'
                f'<noscript><link rel="stylesheet" href="{full_css}"></noscript>')

    html = LINK_CSS.sub(stylesheet, html)

    def script(match: re.Match) -> str:
        before, src, after = match.groups()
        attributes = before + after
        if re.search(r"\b(defer|async)\b|type=\"?module", attributes):
            return match.group(0)
        return f'<script{before}src="{src}" defer{after}>'

    return SCRIPT_SRC.sub(script, html)


def _drop_source_maps(site_dir: Path) -> None:
    for source_map in site_dir.rglob("*.map"):
        source_map.unlink()
    for path in [*site_dir.rglob("*.css"), *site_dir.rglob("*.js")]:
        data = path.read_bytes()
        stripped = SOURCE_MAP.sub(b"", data)
        if stripped != data:
            path.write_bytes(stripped)


def precompress(site_dir: Path) -> int:
    """Write name.gz and name.br next to every text file of 1 KB or more; returns how many files."""
    import brotli

    written = 0
    for path in sorted(Path(site_dir).rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or path.stat().st_size < COMPRESS_FROM:
            continue
        data = path.read_bytes()
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=BROTLI_QUALITY))
        written += 1
    return written
