"""Names in the right case: a name left in the nominative after a word that governs another case.

Text is checked as the reader sees it (variables expanded), so «в {{ platform }}»
and a hard-coded «в Сферум» are the same mistake. The table is short on
purpose: the prepositions and the verb a guide about a platform actually puts
before its name. A generic noun in between ("на платформе «Сферум»") is an
apposition and stays in the nominative, so it is never flagged; without the
quotes ("на платформе Сферум") the brand name is flagged for its «».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from sferum_onboard.catalog.guides import CASES, expand_mapped, expand_variables
from sferum_onboard.catalog.yamlload import YamlDocument
from sferum_onboard.errors import Location, Problem
from sferum_onboard.messages import CATALOG

# The case each governing word asks for. «в» and «на» also take the accusative
# of direction («в «Сферум»»), but the guides rephrase rather than rely on it.
PREPOSITIONS = {
    "в": "prep", "во": "prep", "на": "prep", "о": "prep", "об": "prep", "при": "prep",
    "с": "ins", "со": "ins", "к": "dat", "ко": "dat", "по": "dat",
    "для": "gen", "без": "gen", "из": "gen", "от": "gen", "до": "gen", "у": "gen",
}
# Every form of «пользоваться» and «воспользоваться» (пользуются, пользовались,
# воспользуйтесь, пользуясь …) but not the noun «польза» (пользу, пользы).
_VERB = r"(?:вос)?польз(?:ова|у[юейя])[а-яё]*"
VERB_CASE = "ins"
# Nouns that stand in apposition before a brand name: «на платформе «Сферум»».
_GENERIC = r"(?:платформ|мессенджер|приложени|сервис|программ)[а-яё]*"
CASE_NAMES = {"gen": "родительный", "dat": "дательный", "acc": "винительный", "ins": "творительный",
              "prep": "предложный"}
# The platform's name written by hand, whatever site.yml calls it today.
LITERAL = "Сферум"
LITERAL_FORMS = {"nom": "«Сферум»", "gen": "«Сферума»", "dat": "«Сферуму»", "acc": "«Сферум»",
                 "ins": "«Сферумом»", "prep": "«Сферуме»"}

# Between the governing word and the name: spaces and Markdown emphasis or a link's «[».
_GAP = r"[\s*_\[]+"
_WINDOW = 80  # how far before a name the governing word and the gap may start


@dataclass(frozen=True)
class Name:
    """A declinable name as it may appear in text, and the forms to use instead."""

    written: str  # «Сферум» or Сферум
    forms: Mapping[str, str]  # case → the form to write, e.g. "prep" → «Сферуме»
    variable: str | None = None  # "platform": the message suggests {{ platform.prep }}

    @property
    def quoted(self) -> bool:
        return self.written.startswith("«")

    def use(self, case: str) -> str:
        form = self.forms[case]
        return f"{{{{ {self.variable}.{case} }}}} → {form}" if self.variable else form


@dataclass(frozen=True)
class Misuse:
    start: int  # where the name starts in the checked text
    governor: str  # the governing word as written: «в», «пользуются», «платформе»
    name: Name
    case: str | None  # the case the governor asks for; None: the brand name lacks its «»

    @property
    def code(self) -> str:
        return "name-quotes" if self.case is None else "name-case"

    @property
    def message(self) -> str:
        if self.case is None:
            use = (f"{{{{ {self.name.variable} }}}} → " if self.name.variable else "") + self.name.forms["nom"]
            return CATALOG["name-quotes"].format(governor=self.governor, use=use)
        return CATALOG["name-case"].format(governor=self.governor.lower(), case=CASE_NAMES[self.case],
                                           use=self.name.use(self.case))


def names_of(variables: Mapping[str, str], declinable=()) -> tuple[Name, ...]:
    """The names to watch: each declinable variable's nominative, with and without «», and the word Сферум.

    `variables` are the expanded values ("platform", "platform.prep", …) of
    catalog.guides.variable_values; `declinable` names those with case forms.
    """
    names: list[Name] = []
    for variable in sorted(declinable):
        forms = {case: variables[f"{variable}.{case}"] for case in CASES}
        names.append(Name(forms["nom"], forms, variable))
        bare = forms["nom"].strip("«»")
        if bare != forms["nom"]:
            names.append(Name(bare, forms, variable))
    if not any(n.written == LITERAL for n in names):
        names.append(Name(LITERAL, LITERAL_FORMS))
    return tuple(names)


class Checker:
    """Finds misused names in plain text; build once per set of names, reuse for every text."""

    def __init__(self, names: tuple[Name, ...]):
        self.names = {n.written: n for n in names}
        # Longest first, so «Сферум» is tried before Сферум and a longer name before its prefix.
        written = sorted(self.names, key=len, reverse=True)
        self._name = re.compile("|".join(re.escape(w) + ("" if w.endswith("»") else r"(?![\w»-])") for w in written))
        governors = "|".join(sorted(PREPOSITIONS, key=len, reverse=True)) + "|" + _VERB
        # Searched only just before a name (names are rare, governing words are everywhere).
        self._governor = re.compile(rf"(?<![\w-])(?P<gov>(?i:{governors})){_GAP}\Z")
        self._generic = re.compile(rf"(?<![\w-])(?P<gov>(?i:{_GENERIC})){_GAP}\Z")

    def find(self, text: str) -> list[Misuse]:
        found = []
        for match in self._name.finditer(text):
            name, start = self.names[match.group()], match.start()
            window = max(0, start - _WINDOW)
            before = self._governor.search(text, window, start)
            if before:
                case = PREPOSITIONS.get(before.group("gov").lower(), VERB_CASE)
                if name.forms[case] != name.forms["nom"]:
                    found.append(Misuse(start, before.group("gov"), name, case))
            elif not name.quoted and name.forms["nom"].startswith("«"):
                generic = self._generic.search(text, window, start)
                if generic:
                    found.append(Misuse(start, generic.group("gov"), name, None))
        return found


# --- Markdown as a reader sees it -------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.MULTILINE | re.DOTALL)
_HIDDEN = re.compile(
    r"<!--.*?-->"  # comments (the short-path marker)
    r"|`[^`\n]*`"  # inline code
    r"|\]\([^)\n]*\)"  # a link's target, keeping its text
    r"|<[^>\n]+>",  # HTML tags
    re.DOTALL,
)


def blank_markup(markdown: str) -> str:
    """The page with code, comments, link targets and tags replaced by spaces: offsets and lines stay put."""
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _HIDDEN.sub(blank, _FENCE.sub(blank, markdown))


# --- located problems in pages and catalog files ------------------------------------

# YAML fields a reader sees on the site or in print; review notes are for coordinators.
TEXT_FIELDS = frozenset({"title", "title_plural", "action", "done_when", "intro", "description"})


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _in_source(source: str, variables: Mapping[str, str], checker: Checker) -> list[tuple[int, Misuse]]:
    """Misuses in a source text, each with the offset in the source where its name was written."""
    expanded, origin = expand_mapped(source, variables)
    return [(origin[m.start], m) for m in checker.find(expanded)]


def page_problems(file: str, text: str, variables: Mapping[str, str], checker: Checker) -> list[Problem]:
    """Misused names in a guide page, at the line and column where the author wrote them."""
    visible = blank_markup(text)
    if not checker.find(expand_variables(visible, variables)):
        return []
    return [Problem(Location(file, *_line_column(text, offset)), m.code, m.message)
            for offset, m in _in_source(visible, variables, checker)]


def yaml_problems(document: YamlDocument, variables: Mapping[str, str], checker: Checker) -> list[Problem]:
    """Misused names in the reader's text fields of a catalog file (its values are already expanded)."""
    found: list[Problem] = []

    def walk(value, path: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "review":
                    walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str) and path and path[-1] in TEXT_FIELDS:
            misuses = checker.find(value)
            if not misuses:
                return
            start, end = document.spans.get(path, (0, 0))
            located = _in_source(document.text[start:end], variables, checker)
            if len(located) != len(misuses):  # escapes in a quoted value: point at the value
                located = [(None, m) for m in misuses]
            for offset, misuse in located:
                where = document.where(path) if offset is None else \
                    Location(document.file, *_line_column(document.text, start + offset))
                found.append(Problem(where, misuse.code, misuse.message))

    walk(document.data, ())
    return found
