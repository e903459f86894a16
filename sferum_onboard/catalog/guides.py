"""Guide pages in content/: their heading anchors and the variables they use.

Anchors are computed exactly as the site computes them (Python-Markdown's
toc with `pymdownx.slugs`), so a `guide:` link that validates also works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pymdownx.slugs import slugify

SLUGIFY = slugify(case="lower")
SEPARATOR = "-"

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([^\s}]+)[^}]*\}\s*$")
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)\s*\}\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`]|<[^>]+>")
_LINK_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_INLINE_CODE = re.compile(r"`[^`]*`")
# The line of a role's start page that the site replaces with the role's short path: <!-- short-path -->
_SHORT_PATH = re.compile(r"^[ \t]*<!--\s*short-path\s*-->[ \t]*$")
# Pages for coordinators (how to write the guides): shown by `serve`, never published.
COORDINATOR_FOLDER = "authoring"


def for_coordinators(path: str) -> bool:
    """Whether a page (relative to content/) is for coordinators only."""
    return path.split("/", 1)[0] == COORDINATOR_FOLDER


@dataclass(frozen=True)
class Heading:
    anchor: str
    title: str
    level: int
    line: int


@dataclass(frozen=True)
class Variable:
    name: str
    line: int
    column: int


@dataclass(frozen=True)
class Link:
    target: str  # as written: "../start/install.md#установите-max"
    line: int
    column: int


@dataclass(frozen=True)
class Page:
    path: str  # relative to content/, with "/" separators
    headings: tuple[Heading, ...]
    variables: tuple[Variable, ...]
    links: tuple[Link, ...] = ()
    short_path: tuple[int, ...] = ()  # lines holding the <!-- short-path --> marker

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)


def anchor_of(title: str) -> str:
    """The anchor Python-Markdown's toc gives a heading title."""
    text = _MARKUP.sub("", _LINK.sub(r"\1", title))
    return SLUGIFY(text, SEPARATOR)


def _outside_fences(text: str):
    """Yield (line number, line) for lines outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
            continue
        if fence is None:
            yield number, line


def scan_page(path: str, text: str, variables: dict[str, str] | None = None) -> Page:
    headings: list[Heading] = []
    used: list[Variable] = []
    links: list[Link] = []
    markers: list[int] = []
    seen: dict[str, int] = {}
    for number, line in _outside_fences(text):
        if _SHORT_PATH.match(line):
            markers.append(number)
        used.extend(Variable(m.group(1), number, m.start() + 1) for m in _VARIABLE.finditer(line))
        code_free = _INLINE_CODE.sub(lambda m: " " * len(m.group()), line)
        links.extend(Link(m.group(1), number, m.start(1) + 1) for m in _LINK_TARGET.finditer(code_free))
        match = _HEADING.match(line)
        if not match:
            continue
        title = match.group(2)
        explicit = _ATTR_ID.search(title)
        if explicit:
            anchor, title = explicit.group(1), title[: explicit.start()]
        else:
            anchor = anchor_of(expand_variables(title, variables or {}))
        # toc makes duplicate anchors unique with _1, _2 ...
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}_{seen[anchor]}"
        else:
            seen[anchor] = 0
        headings.append(Heading(anchor, title, len(match.group(1)), number))
    return Page(path, tuple(headings), tuple(used), tuple(links), tuple(markers))


def replace_short_path(text: str, short_path: str) -> str:
    """The page with its first <!-- short-path --> line (outside code) replaced."""
    lines = text.splitlines(keepends=True)
    for number, line in _outside_fences(text):
        if _SHORT_PATH.match(line):
            lines[number - 1] = short_path if short_path.endswith("\n") else short_path + "\n"
            break
    return "".join(lines)


def read_pages(content_dir: Path) -> dict[str, str]:
    """The text of every Markdown page under content/, keyed by its path relative to content/."""
    if not content_dir.is_dir():
        return {}
    return {file.relative_to(content_dir).as_posix(): file.read_text("utf-8", errors="replace")
            for file in sorted(content_dir.rglob("*.md"))}


def scan_content(content_dir: Path, variables: dict[str, str] | None = None) -> dict[str, Page]:
    """Every Markdown page under content/, keyed by its path relative to content/."""
    return {path: scan_page(path, text, variables) for path, text in read_pages(content_dir).items()}


# Russian cases, in the order grammars list them: a name that declines has all six forms.
CASES = ("nom", "gen", "dat", "acc", "ins", "prep")


def variable_values(declared: dict) -> dict[str, str]:
    """The values `{{ name }}` and `{{ name.case }}` expand to, from site.yml's `variables`.

    A name with case forms gives its nominative as `{{ name }}` and each form
    as `{{ name.gen }}` … `{{ name.prep }}`. A plain string is a name that does
    not decline (MAX): every form is the string itself, so text can say
    `{{ messenger.prep }}` and survive a rename to a name that declines.
    """
    values: dict[str, str] = {}
    for name, value in declared.items():
        forms = value if isinstance(value, dict) else dict.fromkeys(CASES, value)
        values[name] = forms["nom"]
        values.update((f"{name}.{case}", forms[case]) for case in CASES)
    return values


def known_variables(names, declinable=()) -> str:
    """The names a "variable-unknown" message offers, with a case form as an example."""
    if not names:
        return "нет ни одной (site_config/site.yml)"
    text = ", ".join(sorted(names))
    if declinable:
        text += f" (в нужном падеже: {{{{ {min(declinable)}.prep }}}} и т. п.)"
    return text


def variable_names(text: str) -> list[str]:
    """The names of the {{ variables }} a text uses."""
    return [m.group(1) for m in _VARIABLE.finditer(text)]


def expand_mapped(text: str, variables: Mapping[str, str]) -> tuple[str, list[int]]:
    """The text with {{ name }} expanded (fences are not special here) and, per character, its offset in `text`.

    Every character of an expanded value maps to the start of its `{{`, so a
    problem found in the text as the reader sees it is reported where the
    author wrote it.
    """
    out: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        value = variables.get(match.group(1))
        if value is None:
            continue
        out += [text[position:match.start()], value]
        origin += [*range(position, match.start()), *[match.start()] * len(value)]
        position = match.end()
    out.append(text[position:])
    origin += range(position, len(text))
    return "".join(out), origin


def expand_variables(text: str, variables: dict[str, str]) -> str:
    """Replace {{ name }} with its value outside fenced code; unknown names stay as they are."""
    if "{{" not in text:
        return text
    out = []
    fence = None
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
        elif fence is None:
            line = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), line)
        out.append(line)
    return "".join(out)
