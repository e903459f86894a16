"""Which CSS selectors the built pages use: the engine (Lexbor) on what no earlier page showed.

optimize.py keeps a theme rule when a selector of it matches some page, and
inlines on each page the rules that match it. Asking the engine about every
selector on every whole page grows with the square of the page count (each
page carries the whole menu); `Usage` asks it about each part of the site
once (see `Surroundings`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from array import array
from dataclasses import dataclass, field
from typing import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

# States a static page cannot show but a reader can cause: treated as "could match".
STATE = re.compile(
    r"::?(?:hover|focus(?:-within|-visible)?|active|visited|checked|target|disabled|enabled|indeterminate|"
    r"placeholder-shown|link|any-link|before|after|placeholder|selection|marker|backdrop|first-letter|first-line|"
    r"-(?:webkit|moz|ms)-[a-z-]+(?:\([^()]*\))?)(?![\w-])")
ALWAYS = ":not(#so-never)"
TOKENS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)|#(-?[_a-zA-Z][\w-]*)|\[\s*([\w-]+)")
EXACT_VALUE = re.compile(r"\[\s*([\w-]+)\s*=\s*\"?([\w-]+)\"?\s*\]")
TYPE = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")  # element types, brackets emptied first
MAX_VALUE = 40  # longer attribute values (URLs, texts) are not worth remembering


class Usage:
    """Which selectors match which pages (Lexbor), and which names the pages' scripts use.

    Every page carries the whole site menu, so trying every selector on every
    whole page grows with the square of the page count. Instead the engine
    sees only what no earlier page showed (see Surroundings): elements with the
    same surroundings match the same selectors, so a page matches what the
    surroundings of its elements matched when they were new. Selectors that
    look further (:has(), form validity, anything the engine cannot read) are
    tried on each whole page.

    Before the engine, a selector is checked against names: those it requires
    on the page (classes, ids, attributes, exact attribute values, element
    types), and those its last part requires of the element it selects.
    """

    def __init__(self, pages: list[LexborHTMLParser], script_words: set[str], selectors: set[str]):
        self.pages = pages
        self.words = script_words
        self.properties = {w for w in script_words if w.startswith("--")}  # custom properties scripts set
        self._queries = {s: STATE.sub(ALWAYS, s) for s in selectors}
        local = {s for s, query in self._queries.items() if is_local(query) and readable(query)}
        self._whole = sorted(set(selectors) - local)  # tried on each whole page
        self._required = {s: folded(required_names(s)) for s in local}
        self._subjects = {s: folded(required_names(subject(s))) for s in local}
        self._by_name: dict[str, list[str]] = {}  # a name the selector's last part requires ("" if none)
        for s, names in self._subjects.items():
            self._by_name.setdefault(min(names, default=""), []).append(s)
        self._candidates: dict[frozenset[str], list[str]] = {}  # an element's names → selectors it may match
        self._surroundings = Surroundings([self._queries[s] for s in local],
                                          frozenset().union(*self._subjects.values()))
        # What the engine found, as numbers (a dict of numbers costs Python's cycle collector nothing):
        self._found: dict[int, int] = {}  # surroundings → a set of local selectors that match there
        self._in_item: dict[bytes, int] = {}  # a list item → the set of those that match in it
        self._sets: list[frozenset[str]] = []
        self._set_numbers: dict[frozenset[str], int] = {}
        self.names: list[set[str]] = []
        self.matching: list[frozenset[str]] = []  # per page, the selectors that match it
        for page in pages:
            walk = self._surroundings.walk(page)
            lower = folded(walk.names)
            for part in walk.parts:
                self._try(part, lower)
            found = self._found_in(walk.places, walk.items)
            self.names.append(walk.names)
            self.matching.append(frozenset({s for s in found if required_names(s) <= walk.names}
                                           | {s for s in self._whole if self.matches(s, len(self.matching))}))
        self.site = set().union(*self.matching)
        self.site_names = set().union(*self.names)
        self.site_values = {name.split("=", 1)[1] for name in self.site_names if name.startswith("[") and "=" in name}

    def matches(self, selector: str, page: int) -> bool:
        """The engine's answer on the whole page (after the names)."""
        if not required_names(selector) <= self.names[page]:
            return False
        try:
            return self.pages[page].css_first(self._queries[selector]) is not None
        except SelectolaxError:
            return True  # a selector the engine cannot read: keep it

    def _try(self, part: Part, on_page: frozenset[str]) -> None:
        """The engine on a new part of a page: which selectors match each new element. Names are compared in
        lower case here: where the engine ignores case (element types, some attribute values) a selector must
        still be tried, for the answer serves every later page with these surroundings."""
        found: dict[int, set[str]] = {}
        for selector in set().union(*(self._candidates_for(names) for names in part.names)):
            if self._required[selector] <= on_page:
                for node in part.root.css(self._queries[selector]):
                    here = part.fresh.get(node.mem_id)
                    if here is not None:
                        found.setdefault(here, set()).add(selector)
        for here, selectors in found.items():
            self._found[here] = self._number(frozenset(selectors))

    def _candidates_for(self, names: frozenset[str]) -> list[str]:
        if names not in self._candidates:
            self._candidates[names] = [s for name in (*names, "") for s in self._by_name.get(name, ())
                                       if self._subjects[s] <= names]
        return self._candidates[names]

    def _found_in(self, places: Iterable[int], items: Iterable[bytes]) -> set[str]:
        found = set().union(*(self._sets[self._found[here]] for here in places if here in self._found))
        for item in items:
            if item not in self._in_item:
                self._in_item[item] = self._number(frozenset(self._found_in(*self._surroundings.items[item][:2])))
            found |= self._sets[self._in_item[item]]
        return found

    def _number(self, selectors: frozenset[str]) -> int:
        if selectors not in self._set_numbers:
            self._set_numbers[selectors] = len(self._sets)
            self._sets.append(selectors)
        return self._set_numbers[selectors]

    def scripted(self, selector: str) -> bool:
        """Every name it needs is on some page or in the scripts (classes, ids, attributes, attribute
        values): a script may put the element or the class there."""
        names = all_names(selector)
        values = re.findall(r"=\s*\"?([\w-]+)", selector)
        return bool(names) and all(n in self.site_names or n[1:] in self.words for n in names) \
            and all(v in self.words or v in self.site_values for v in values)

    def on_some_page(self, selector: str) -> bool:
        return selector in self.site

    def on_site(self, selector: str) -> bool:
        return self.on_some_page(selector) or self.scripted(selector)

    def on_page(self, selector: str, page: int) -> bool:
        return selector in self.matching[page]


@dataclass
class Part:
    """Elements a page is the first to show, below one element an earlier page had: the engine's work."""

    root: LexborNode
    fresh: dict[int, int] = field(default_factory=dict)  # each new element's mem_id → its surroundings
    names: set[frozenset[str]] = field(default_factory=set)  # of the new elements, those selectors' last parts ask


@dataclass
class Walk:
    """One page, as Surroundings saw it."""

    names: set[str] = field(default_factory=set)  # on the page
    places: list[int] = field(default_factory=list)  # the surroundings of the elements walked
    items: list[bytes] = field(default_factory=list)  # list items an earlier page had: taken as they were
    parts: list[Part] = field(default_factory=list)


class Surroundings:
    """What a selector can see of an element, as numbers shared by all pages.

    A selector sees an element, its ancestors and the siblings of each of
    these, in order: their element types, the classes, ids and attributes the
    stylesheets name (with the value where a selector compares it) and whether
    each is empty. Those are the element's surroundings, numbered by its
    parent's surroundings, the kinds of all the parent's children and its
    place among them. Whatever the engine finds on one element it finds on all
    with the same surroundings, so pages that share the menu, header and
    footer with earlier ones (pages of a known section) are new only in their
    article and in the menu entries that changed.

    A list's items (four or more children of one type: the menu's sections
    and entries) that an earlier page had, with the same surroundings and the
    same HTML, are not walked again.
    """

    def __init__(self, queries: list[str], vocabulary: frozenset[str]):
        text = " ".join(queries)
        self._classes = {c.lower() for c in re.findall(r"\.([\w-]+)", text)}
        self._ids = {i.lower() for i in re.findall(r"#([\w-]+)", text)}
        attributes = re.findall(r"\[\s*([\w-]+)\s*([~|^$*]?=)?", text)
        self._compared = {name.lower() for name, operator in attributes if operator}
        self._present = {name.lower() for name, _ in attributes}
        self._vocabulary = vocabulary
        self._subject_names: dict[frozenset[str], frozenset[str]] = {}
        self._kinds: dict[tuple, int] = {}
        self._elements: dict[tuple, tuple[int, tuple[str, ...], frozenset[str]]] = {}  # see _element
        self._groups: dict[bytes, int] = {}  # parent's surroundings and its children's kinds → the first child's
        self._next = 0  # the surroundings numbered so far (documents are -1, -2…: one per doctype)
        self._doctypes: dict[bytes, int] = {}
        self.items: dict[bytes, tuple[tuple[int, ...], tuple[bytes, ...], tuple[str, ...]]] = {}  # as in Walk

    def walk(self, page: LexborHTMLParser) -> Walk:
        walk = Walk()
        names: list[tuple[str, ...]] = []  # of each element walked, or within each item taken as it was

        def below(node: LexborNode, here: int, part: Part | None) -> None:
            children = [child for child in node.iter() if child.is_element_node]
            if not children:
                return
            elements = [self._element(child) for child in children]
            key = array("q", [here, *(kind for kind, _, _ in elements)]).tobytes()
            if key not in self._groups:  # children never seen in these surroundings: they are new, and all below
                self._groups[key] = self._next
                self._next += len(children)
                if part is None:
                    part = Part(node)
                    walk.parts.append(part)
            first = self._groups[key]
            is_list = part is None and len(children) >= LIST_ITEMS and len({c.tag for c in children}) == 1
            for index, (child, (_, element_names, subject_names)) in enumerate(zip(children, elements)):
                if is_list:
                    item = (first + index).to_bytes(8, "little") + hashlib.blake2b(child.html.encode()).digest()
                    if item in self.items:
                        walk.items.append(item)
                        names.append(self.items[item][2])
                        continue
                    start = len(walk.places), len(walk.items), len(names)
                walk.places.append(first + index)
                names.append(element_names)
                if part is not None:
                    part.fresh[child.mem_id] = first + index
                    part.names.add(subject_names)
                below(child, first + index, part)
                if is_list:
                    self.items[item] = (tuple(walk.places[start[0]:]), tuple(walk.items[start[1]:]),
                                        tuple(set().union(*names[start[2]:])))

        # The doctype decides how the engine compares classes and ids (quirks mode): only pages alike in it share.
        doctype = DOCTYPE.match(page.raw_html)
        doctype = doctype.group(1).lower() if doctype else b""
        below(page.root.parent, -1 - self._doctypes.setdefault(doctype, len(self._doctypes)), None)
        walk.names = set().union(*names)
        return walk

    def _element(self, node: LexborNode) -> tuple[int, tuple[str, ...], frozenset[str]]:
        """An element's kind (what a selector can tell of it alone: its attributes' kind and whether it is
        empty), its names, and those some selector's last part requires, in lower case."""
        raw = (node.tag, tuple(node.attributes.items()))
        if raw not in self._elements:
            element_names = element_names_of(*raw)
            subject_names = folded(element_names) & self._vocabulary
            self._elements[raw] = (self._kind(*raw), tuple(element_names),
                                   self._subject_names.setdefault(subject_names, subject_names))
        kind, element_names, subject_names = self._elements[raw]
        first = node.child
        empty = first is None or (first.is_comment_node
                                  and all(n.is_comment_node for n in node.iter(include_text=True)))
        return 2 * kind + empty, element_names, subject_names

    def _kind(self, tag: str, attributes: tuple[tuple[str, str | None], ...]) -> int:
        kept = []
        for name, value in attributes:
            name = name.lower()
            if name in self._compared:
                kept.append((name, value))
            elif name == "class":
                kept.append((name, " ".join(sorted({c for c in (value or "").split() if c.lower() in self._classes}))))
            elif name == "id":
                kept.append((name, value if (value or "").lower() in self._ids else ""))
            elif name in self._present:
                kept.append((name, ""))
        return self._kinds.setdefault((tag, tuple(sorted(kept))), len(self._kinds))


LOCAL_PSEUDO_CLASSES = {"not", "is", "where", "root", "empty", "first-child", "last-child", "only-child",
                        "first-of-type", "last-of-type", "only-of-type", "nth-child", "nth-last-child",
                        "nth-of-type", "nth-last-of-type"}  # (states such as :checked are gone: see STATE)
LIST_ITEMS = 4  # an element with as many children of one type is a list (the menu's): pages share its items
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
DOCTYPE = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s|<!--.*?-->)*(<!doctype[^>]*>)", re.I | re.S)
PROBE = LexborHTMLParser("")


def is_local(query: str) -> bool:
    """Whether the engine's answer for an element rests on its surroundings alone (see Surroundings): only
    structural pseudo-classes, no escapes, no namespaces."""
    if "\\" in query or re.search(r"\|(?!=)", query):
        return False
    outside = re.sub(r"\[[^\]]*\]", "", QUOTED.sub('""', query))
    return all(not double and name.lower() in LOCAL_PSEUDO_CLASSES
               for double, name in re.findall(r":(:?)(-?[\w-]+)", outside))


def readable(query: str) -> bool:
    """Whether the engine can read a selector (it reads it before it looks at the page)."""
    try:
        PROBE.css_first(query)
    except SelectolaxError:
        return False
    return True


def subject(selector: str) -> str:
    """A selector's last compound, what the selected element itself carries ('nav > a.x:hover' → 'a.x:hover');
    '' if the selector cannot be read that far."""
    selector = selector.strip()
    blank = QUOTED.sub(lambda quoted: "x" * len(quoted.group()), selector)
    depth = 0
    for i in range(len(blank) - 1, -1, -1):
        char = blank[i]
        if char in ")]":
            depth += 1
        elif char in "([":
            depth -= 1
        elif depth == 0 and (char in ">+~" or char.isspace()):
            return selector[i + 1:]
    return selector if depth == 0 else ""


def folded(names) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


def element_names_of(tag: str, attributes) -> set[str]:
    """'tag', '.class', '#id', '[attribute' and '[attribute=value' of one element."""
    names = {tag}
    for attribute, value in attributes:
        names.add("[" + attribute)
        if attribute == "class" and value:
            names.update("." + c for c in value.split())
        elif attribute == "id" and value:
            names.add("#" + value)
        elif value and len(value) <= MAX_VALUE:
            names.add(f"[{attribute}={value}")
    return names


@functools.lru_cache(maxsize=None)
def all_names(selector: str) -> frozenset[str]:
    """Classes, ids and attributes a selector names (anywhere in it)."""
    return frozenset(("." + a) if a else ("#" + b) if b else ("[" + c) for a, b, c in TOKENS.findall(selector))


@functools.lru_cache(maxsize=None)
def required_names(selector: str) -> frozenset[str]:
    """What an element chain must carry to match: the names, element types and exact attribute values
    outside :not(), :is() and the like (those may be alternatives or negations)."""
    outside = selector
    while True:
        inner = re.sub(r"\([^()]*\)", "", outside)
        if inner == outside:
            break
        outside = inner
    values = {f"[{name}={value}" for name, value in EXACT_VALUE.findall(outside)}
    types = set(TYPE.findall(re.sub(r"\[[^\]]*\]", "[]", outside)))
    return all_names(outside) | values | types
