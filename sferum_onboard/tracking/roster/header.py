"""Finding a roster's header: which column holds whose name, class, contact; what kind of list it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.roster.records import HEADER_SCAN_ROWS
from sferum_onboard.tracking.roster.values import clean, fold

# Words in a header that say whose name or class a column holds.
_QUALIFIERS = (
    ("классн", "leader"), ("руководител", "leader"),
    ("матер", "mother"), ("мама", "mother"), ("отц", "father"), ("отец", "father"), ("папа", "father"),
    ("родител", "parent"), ("законн", "parent"), ("представител", "parent"),
    ("ребен", "child"), ("дет", "child"), ("обучающ", "child"), ("учащ", "child"), ("ученик", "child"),
    ("учениц", "child"), ("воспитанник", "child"), ("школьник", "child"),
    ("сотрудник", "staff"), ("работник", "staff"), ("педагог", "staff"), ("учител", "staff"),
)
_CHILD_HEADERS = {
    "ребенок", "дети", "ребенок дети", "дети ребенок", "обучающийся", "обучающиеся", "ученик", "ученица",
    "ученики", "учащийся", "учащиеся", "воспитанник", "чей родитель", "ребенок обучающийся",
    "обучающийся ребенок", "ученик ученица",
}
_CONTACT_WORDS = {"тел", "телефон", "телефона", "телефоны", "email", "mail", "почта", "почты", "контакт",
                  "контакты", "контактный", "мобильный", "моб", "сот", "сотовый"}
_IGNORED_HEADERS = {"", "п п", "номер", "n", "no", "nn"}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-zа-я0-9]+", " ", fold(text)).strip()


def _classify(text: str) -> tuple[str, str | None] | None:
    """(field, qualifier) of a header cell, or None when it is not a known header."""
    key = _header_key(text)
    if text.strip().startswith("№") or key in _IGNORED_HEADERS:
        return ("number", None) if text.strip() else None
    words = key.split()
    compact = key.replace(" ", "")
    qualifier = next((q for stem, q in _QUALIFIERS if stem in key), None)
    if compact.startswith("фио") or key.startswith(("фамилия имя", "фамилия и имя")):
        return "name", qualifier
    if key in _CHILD_HEADERS:
        return "name", "child"
    if words[0] == "фамилия":
        return "surname", qualifier
    if words[0] == "имя":
        return "first", qualifier
    if words[0] == "отчество":
        return "patronymic", qualifier
    if key.startswith(("классный руководитель", "классное руководство", "руководство класс", "кл рук")) \
            or compact in ("клрук", "классрук", "клруководитель", "классныйрук", "клруководство"):
        return "led", None
    if words[0] == "классы" or key.startswith(("преподает в", "преподавание в", "классы в которых")):
        return "taught", None
    if words[0] in ("класс", "кл", "параллель") and "руковод" not in key:
        return "class", qualifier
    if key in ("буква", "литера", "литер", "буква класса", "литера класса"):
        return "letter", qualifier
    if words[0].startswith("должност") or key.startswith("занимаемая должность"):
        return "position", None
    if words[0].startswith(("предмет", "дисциплин")) or key.startswith(("преподаваем", "учебн предмет")):
        return "subjects", None
    if _CONTACT_WORDS & set(words) or compact in ("email", "электроннаяпочта", "элпочта"):
        return "contact", qualifier
    if key in ("роль", "роль в сферуме", "роль на платформе"):
        return "role", None
    return None


@dataclass
class Header:
    row: int
    data_start: int  # the first row after the header (two rows when names are split under it)
    columns: dict[int, tuple[str, str | None]]  # column index → (field, qualifier)
    score: int
    kind: str | None  # recognised from the columns
    texts: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # cleaned header text → field
    titles: dict[int, tuple[int, str]] = field(default_factory=dict)  # column index → (row, cleaned text)


def _detect_kind(columns: dict[int, tuple[str, str | None]]) -> str | None:
    fields = {f for f, _ in columns.values()}
    names = [(f, q) for f, q in columns.values() if f in ("name", "surname", "first")]
    if not names:
        return None
    if fields & {"position", "subjects", "taught"} or ("led" in fields and "class" not in fields):
        return "staff"
    parent_names = any(q in ("parent", "mother", "father") for _, q in names)
    child_names = any(q == "child" for _, q in names)
    plain_names = any(q in (None, "staff") for _, q in names)
    if parent_names or (child_names and plain_names):
        return "parents"
    return "pupils"


def _classify_row(cells: list[str]) -> dict[int, tuple[str, str | None]]:
    columns = {}
    for index, cell in enumerate(cells):
        if cell and len(cell) < 120:
            found = _classify(cell)
            if found:
                columns[index] = found
    return columns


def find_header(rows: Iterable[tuple[int, list[str]]], kind: str | None) -> Header | None:
    buffered = list(rows)
    for position, (number, cells) in enumerate(buffered[:HEADER_SCAN_ROWS]):
        columns = _classify_row(cells)
        fields = [f for f, _ in columns.values()]
        if not any(f in ("name", "surname") for f in fields):
            continue
        filled = sum(1 for c in cells if c.strip())
        lone_name = filled == 1 and _header_key(cells[next(iter(columns))]) in ("фио", "ф и о", "фамилия имя отчество")
        if len(columns) < 2 and not lone_name:
            continue
        data_start = number + 1
        titles = {i: (number, clean(cells[i])) for i in columns}
        # A merged «ФИО» over «Фамилия | Имя | Отчество» in the row below.
        if position + 1 < len(buffered):
            below_number, below_cells = buffered[position + 1]
            below = _classify_row(below_cells)
            if {"surname", "first"} <= {f for f, _ in below.values()}:
                for index, found in below.items():
                    if found[0] in ("surname", "first", "patronymic"):
                        columns[index] = (found[0], found[1] or columns.get(index, (None, None))[1])
                        titles[index] = (below_number, clean(below_cells[index]))
                columns = {i: c for i, c in columns.items() if c[0] != "name" or i in below}
                data_start = below_number + 1
        detected = _detect_kind(columns)
        if detected is None:
            continue
        texts = {clean(cells[i]): found for i, found in columns.items() if i < len(cells)}
        return Header(number, data_start, columns, len(columns), detected, texts, titles)
    return None


# --- title rows: «Список обучающихся 7 «А» класса на 01.09.2026» -----------------

_TITLE_CLASS = (
    re.compile(r"(?<![\d.,/])(\d{1,2})\s*[-–—]?\s*(?:[«\"“]?([А-ЯЁа-яёA-Za-z])[»\"”]?)?\s*[-–—]?\s*класс", re.I),
    re.compile(r"класс\w*\s*[:№—–-]?\s*(\d{1,2})\s*[-–—]?\s*[«\"“]?([А-ЯЁA-Z]?)[»\"”]?(?![А-ЯЁа-яёA-Za-z\d])", re.I),
)


def title_class(text: str) -> str | None:
    for pattern in _TITLE_CLASS:
        match = pattern.search(text)
        if match:
            found = normalise_class(match.group(1) + (match.group(2) or ""))
            if found:
                return found
    return None
