"""Reading a chat's member list: text copied from MAX's web or desktop version, or a table the school typed.

MAX documents no export of a member list, so a list comes as people can
get it: the members selected and copied from the chat's member list (one
person a line, with what the list shows beside names: «в сети», «был(а)
недавно», «владелец», emoji, parts of phone numbers, numbering, empty
lines), or a CSV, XLSX or ODS table with a name column. `read_member_list`
returns every member with the line as copied and the name with the noise
taken off; lines that cannot be a member's name are problems at their line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import MEMBERS, ROSTER
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.members import vocabulary as words
from sferum_onboard.tracking.names import fold_name
from sferum_onboard.tracking.roster.files import cell_text, decode, is_encrypted_office, read_file, refuse_binary
from sferum_onboard.tracking.roster.values import clean
from sferum_onboard.tracking.roster.workbook import Workbook, workbook_format

MAX_NAME = 100  # characters: a longer line is a pasted message, not a display name
HEADER_ROWS = 10  # a table's header is among its first rows


@dataclass(frozen=True)
class MemberLine:
    """One member of the list: where they are, the line as copied, and what it says."""

    line: int  # 1-based line of the text, or row of the table
    text: str  # the line (or the table's name cells) as copied, spaces trimmed
    name: str  # the display name without the noise around it
    phone: str | None = None  # the last ten digits of a whole phone number on the line
    marks: frozenset[str] = frozenset()  # "owner", "admin", "you", "bot": what the list says of them
    class_hint: str | None = None  # a class named beside the name («Смирнов Олег 7Б») or in a class column


@dataclass(frozen=True)
class MemberList:
    label: str  # the file, as problems name it
    kind: str  # "text" (copied) or "table"
    members: tuple[MemberLine, ...]
    problems: tuple[Problem, ...] = ()
    skipped: int = 0  # lines of noise: statuses, roles, the list's own buttons, empty lines


def read_member_list(path: Path) -> MemberList:
    """Read a member list from a file: copied text, CSV, XLSX or ODS (DataError for a file that is none)."""
    path = Path(path)
    label = str(path)
    data = read_file(path)
    if workbook_format(data):
        return _from_table(label, _workbook_rows(label, data))
    if is_encrypted_office(data):
        raise DataError(ROSTER["xlsx-encrypted"].format(file=label))
    refuse_binary(path, data)
    text, _ = decode(data)
    return parse_member_text(text, label)


def parse_member_text(text: str, label: str = words.NO_FILE) -> MemberList:
    """Members from text: a table with a name header (CSV), or lines copied from a chat."""
    lines = text.splitlines()
    table = _csv_rows(lines)
    if table is not None:
        return _from_table(label, table)
    reader = _LineReader(label)
    for number, line in enumerate(lines, 1):
        reader.feed(number, line)
    return reader.result("text")


# --- copied text --------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s*(?:[·•|;—–]|,|\s-\s)\s*")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"<[A-Za-z/!]|^\s*[=@]")  # a tag or a formula, not «<3» or «=)» after a name
_DROPPED_CATEGORIES = ("So", "Sk", "Sm", "Sc", "Cf", "Co", "Cs", "Mn", "Me")


class _LineReader:
    """Lines in, members out: noise is skipped; a role on a line of its own («владелец» under the
    name) is the member's above. A whole phone number on a line of its own is a member shown by number."""

    def __init__(self, label: str):
        self.label = label
        self.members: list[MemberLine] = []
        self.problems: list[Problem] = []
        self.skipped = 0

    def feed(self, number: int, raw: str, class_hint: str | None = None) -> None:
        text = clean(raw)
        parsed = _parse_line(text) if text else None
        if parsed is None:
            self.skipped += 1
            return
        name, phone, marks, hint, problem = parsed
        if problem is not None:
            self.problems.append(Problem(Location(self.label, number), f"members-{problem}",
                                         MEMBERS[f"line-{problem}"].format(text=_shown(text))))
            return
        if not name and phone is None:  # a line of marks only: «владелец» under the name
            if marks and self.members:
                last = self.members[-1]
                self.members[-1] = replace(last, marks=last.marks | marks)
            else:
                self.skipped += 1
            return
        self.members.append(MemberLine(number, text, name, phone, frozenset(marks), class_hint or hint))

    def result(self, kind: str) -> MemberList:
        return MemberList(self.label, kind, tuple(self.members), tuple(self.problems), self.skipped)


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _parse_line(text: str):
    """(name, phone, marks, class hint, problem) of one line; None when it is noise only."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_name(text)
    if words.INTERFACE_LINES.match(folded) or folded.strip(words.HEADER_PUNCTUATION) in words.NAME_HEADERS:
        return None  # the list's own lines, or the header of a one-column table
    if words.URL.search(text):
        return "", None, set(), None, "url"
    if _MARKUP.search(text):
        return "", None, set(), None, "markup"
    text = words.NUMBERING.sub("", text, count=1)
    phone = None
    for found in words.PHONE.finditer(text):
        digits = re.sub(r"\D", "", found.group())
        if len(digits) >= 10 and not words.HIDDEN_DIGITS.search(found.group()):
            phone = digits[-10:]
    text = words.PHONE.sub(" ", text)
    text = " ".join("".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES).split())
    text = _without_presence(text)
    marks: set[str] = set()
    kept = []
    for part in _segments(text):
        folded = fold_name(part).strip(" .:!")
        if not folded:
            continue
        if folded in words.ROLE_WORDS:
            mark = words.ROLE_WORDS[folded]
            if mark:
                marks.add(mark)
            continue
        if words.PRESENCE.fullmatch(folded) or folded in words.TITLES:
            continue
        kept.append(_strip_trailing_noise(part, marks))
    name = " ".join(" ".join(kept).split())
    hint = None
    found = words.CLASS_IN_NAME.search(name)
    if found and normalise_class(found.group(1) + found.group(2)):
        hint = normalise_class(found.group(1) + found.group(2))
        name = " ".join((name[:found.start()] + " " + name[found.end():]).split())
    name = name.strip(" ,.-–—:")
    if name and not _LETTER.search(name):
        name = ""  # digits and dots only: numbering on a line of its own
    if not name and phone is None and not marks:
        return None
    if len(name) > MAX_NAME:
        return "", None, set(), None, "too-long"
    return name, phone, marks, hint, None


def _segments(text: str) -> list[str]:
    """The parts of a line between separators; a part in parentheses is a part of its own, kept
    in parentheses (a family's note: «(мама Пети)»)."""
    parts: list[str] = []
    last = 0
    for found in _PARENTHESES.finditer(text):
        parts.extend(_SEPARATORS.split(text[last:found.start()]))
        inner = found.group(1).strip()
        if inner:
            parts.append(f"({inner})" if not _is_noise(inner) else inner)
        last = found.end()
    parts.extend(_SEPARATORS.split(text[last:]))
    return [p.strip() for p in parts if p and p.strip()]


def _is_noise(text: str) -> bool:
    folded = fold_name(text).strip(" .:")
    return folded in words.ROLE_WORDS or folded in words.TITLES or bool(words.PRESENCE.fullmatch(folded))


_PRESENCE_ANYWHERE = re.compile(r"(?:^|(?<=[\s,·•|;(—–-]))" + words.PRESENCE.pattern + r"(?=$|[\s,·•|;)—–-])",
                                re.IGNORECASE)


def _without_presence(text: str) -> str:
    """«Иванова Мария, был(а) недавно» → «Иванова Мария, »: presence is taken off wherever it stands."""
    folded = fold_name(text)
    if len(folded) != len(text):  # a letter that folds into two: keep the text as it is
        return text
    kept, last = [], 0
    for found in _PRESENCE_ANYWHERE.finditer(folded):
        if found.group().strip():
            kept.append(text[last:found.start()])
            last = found.end()
    return "".join(kept) + text[last:]


def _strip_trailing_noise(part: str, marks: set[str]) -> str:
    """«Петров Олег администратор» → «Петров Олег» (and the mark)."""
    folded = fold_name(part)
    last = folded.rsplit(" ", 1)
    if len(last) == 2 and last[1] in words.ROLE_WORDS and len(last[0].split()) >= 1:
        if words.ROLE_WORDS[last[1]]:
            marks.add(words.ROLE_WORDS[last[1]])
        part = part.rsplit(" ", 1)[0]
    return part.strip()


# --- tables --------------------------------------------------------------------------------------


@dataclass
class _Table:
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (1-based row, cells)
    label_suffix: str = ""


def _csv_rows(lines: list[str]) -> _Table | None:
    """The rows of a CSV with a header naming a name column; None when the text is not such a table."""
    head = lines[:HEADER_ROWS]
    for delimiter in (";", "\t", ","):
        rows = list(csv.reader(io.StringIO("\n".join(head)), delimiter=delimiter))
        if any(len(row) > 1 and _header_columns(row) for row in rows):
            parsed = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
            return _Table([(n, row) for n, row in enumerate(parsed, 1)])
    return None


def _workbook_rows(label: str, data: bytes) -> _Table:
    """The first visible sheet of an XLSX or ODS book, as rows of text."""
    book = Workbook(label, data, _BOOK_MESSAGES)
    visible = [s.name for s in book.sheets if s.visible]
    if not visible:
        raise DataError(MEMBERS["no-members"].format(file=label))
    return _Table([(n, [cell_text(v) for v in row]) for n, row in enumerate(book.rows(visible[0]), 1)])


# A member list is read like a roster (the same limits and remedies), but another ZIP is not a list.
_BOOK_MESSAGES = {**ROSTER, "binary": MEMBERS["not-a-list"]}


def _header_columns(row: list[str]) -> dict[str, int] | None:
    """Which column holds what, when `row` is a header: name (or surname/first/patronymic), phone, class."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = fold_name(cell).strip(words.HEADER_PUNCTUATION)
        if key in (words.SURNAME_HEADER, words.PATRONYMIC_HEADER):
            found.setdefault(key, index)
        elif key == words.FIRST_HEADER and words.SURNAME_HEADER in [fold_name(c).strip(" .:") for c in row]:
            found.setdefault(key, index)
        elif key in words.NAME_HEADERS or key.startswith(words.NAME_HEADER_STARTS):
            found.setdefault("name", index)
        elif key in words.PHONE_HEADERS:
            found.setdefault("phone", index)
        elif key in words.CLASS_HEADERS:
            found.setdefault("class", index)
    return found if ("name" in found or words.SURNAME_HEADER in found) else None


def _from_table(label: str, table: _Table) -> MemberList:
    reader = _LineReader(label)
    columns, start = None, 1
    for number, row in table.rows[:HEADER_ROWS]:
        columns = _header_columns(row)
        if columns is not None:
            start = number + 1
            break
    for number, row in table.rows:
        if number < start:
            continue
        if columns is None:  # no header: the first filled cell of each row is a copied line
            reader.feed(number, next((c for c in row if c.strip()), ""))
            continue
        cell = lambda key: row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""  # noqa: E731
        if "name" in columns:
            name = cell("name")
        else:
            name = " ".join(filter(None, (cell(words.SURNAME_HEADER), cell(words.FIRST_HEADER),
                                         cell(words.PATRONYMIC_HEADER))))
        phone = cell("phone")
        if not name and not phone:
            if any(c.strip() and not c.strip().rstrip(".").isdigit() for c in row):
                reader.problems.append(Problem(Location(label, number), "members-no-name", MEMBERS["line-no-name"]))
            else:
                reader.skipped += 1
            continue
        reader.feed(number, f"{name} {phone}".strip(), normalise_class(cell("class")) if cell("class") else None)
    return reader.result("table")
