"""Reading school rosters (pupils, parents, staff) from XLSX and CSV files.

Pure: `read_roster` reads one file and returns a `Roster` of people and the
problems found in its rows; it never touches the store. Whole-file faults
(garbage, no header, a password, a wrong delimiter) raise `DataError` with a
Russian message.

Files are read as Russian schools have them: exports of the electronic
journal and hand-made Excel lists, with title rows above the header, headers
in many spellings, names in one column or three, classes typed every way,
CSV in UTF-8 or Windows-1251 with `;`, `,` or tabs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sferum_onboard.dates import DATE_FORMAT
from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import ROSTER, os_reason
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.names import LATIN_LOOKALIKES

KINDS = ("pupils", "parents", "staff")
ROLE_OF_KIND = {"pupils": "pupil", "parents": "parent", "staff": "teacher"}

# progress(done, total): rows read so far, of the rows the file says it has.
ProgressCallback = Callable[[int, int], None]

HEADER_SCAN_ROWS = 30  # title rows above the header are few; a header further down is not one
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class RosterPerson:
    """One person as a roster row describes them (names and classes normalised)."""

    row: int  # 1-based row in the file (the line for CSV, the sheet row for XLSX)
    kind: str  # pupils | parents | staff
    full_name: str  # "Иванова Мария Петровна", whitespace normalised
    role: str  # pupil | parent | teacher | administrator
    class_name: str | None = None  # a pupil's class, normalised: "7А"
    position: str | None = None  # staff: "учитель-логопед"
    specialist: bool = False  # staff: психолог, логопед, социальный педагог, дефектолог…
    led_classes: tuple[str, ...] = ()  # staff: classes they lead (классный руководитель)
    subjects: tuple[str, ...] = ()  # staff
    classes_taught: tuple[str, ...] = ()  # staff
    children: tuple[tuple[str, str | None], ...] = ()  # parents: (child's full name, class or None)
    contact: str | None = None  # phone or e-mail as written


@dataclass(frozen=True)
class Roster:
    path: Path
    kind: str  # pupils | parents | staff
    encoding: str | None  # "utf-8", "utf-8-sig", "cp1251", "utf-16"; None for XLSX
    people: tuple[RosterPerson, ...]  # valid rows only; rows with problems are left out
    problems: tuple[Problem, ...]
    delimiter: str | None = None  # CSV only
    header_row: int = 0  # of the first table read
    kind_detected: bool = False  # True when the kind came from the header, not the caller
    rows_read: int = 0  # data rows looked at (blank ones not counted)


def fold(text: str) -> str:
    """The key names are compared by: case and ё/е folded, whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


def read_roster(path: Path, kind: str | None = None, progress: ProgressCallback | None = None) -> Roster:
    """Read a roster file; the kind is recognised from the header when not given."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise DataError(ROSTER["kind-unknown"].format(kind=kind))
    data = read_file(path)
    label = str(path)
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        tables, encoding, delimiter = _xlsx_tables(path, data), None, None
    else:
        _refuse_binary(path, data)
        text, encoding = _decode(data)
        table, delimiter = _csv_table(label, text, kind)
        tables = [table]
    reader = _Reader(label, kind, progress)
    return reader.read(path, tables, encoding, delimiter)


# --- bytes, formats and encodings -----------------------------------------------


def read_file(path: Path) -> bytes:
    """The bytes of a data file the user named; DataError when it is missing, a folder or empty."""
    name = path.name or str(path)
    if path.is_dir():
        raise DataError(ROSTER["file-dir"].format(file=name))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(ROSTER["file-missing"].format(file=path)) from None
    except OSError as error:
        raise DataError(ROSTER["file-unreadable"].format(file=path, reason=os_reason(error))) from None
    if not data.strip():
        raise DataError(ROSTER["file-empty"].format(file=path))
    return data


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_encrypted_office(data: bytes) -> bool:
    """A workbook saved with a password: an OLE compound file holding an "EncryptedPackage" stream
    (the directory stores stream names in UTF-16LE)."""
    return data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def _refuse_binary(path: Path, data: bytes) -> None:
    """Office files that are not XLSX, and any other binary data, get a clear refusal."""
    if is_encrypted_office(data):
        raise DataError(ROSTER["xlsx-encrypted"].format(file=path))
    if data.startswith(_OLE_MAGIC):
        raise DataError(ROSTER["xls-legacy"].format(file=path))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text with a BOM (Excel's «Текст Юникод»)
    head = data[:65536]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
        raise DataError(ROSTER["binary"].format(file=path))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1251 decodes every byte but 0x98; Russian Excel saves CSV in it.
        return data.decode("cp1251", errors="replace"), "cp1251"


# --- tables: rows of cleaned text, from CSV or from each sheet of a workbook ------


@dataclass
class _Table:
    label: str  # what a problem's location names: the file, or "file[sheet]"
    rows: Iterator[tuple[int, list[str]]]  # (1-based row number, cells)
    total: int  # rows the source says it has (for progress); 0 when unknown
    context_class: str | None = None  # a sheet named "7А"


def _csv_table(label: str, text: str, kind: str | None) -> tuple[_Table, str]:
    lines = text.splitlines()
    first_row = 1
    if lines and re.fullmatch(r"\s*sep=(.)\s*", lines[0]):  # Excel's own delimiter hint
        delimiter = lines[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        first_row = 2
    else:
        delimiter = _sniff_delimiter(label, lines[:HEADER_SCAN_ROWS + 20], kind)
    total = len(lines)

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        start = first_row
        offset = first_row - 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1 + offset

    return _Table(label, rows(), total), delimiter


def _sniff_delimiter(label: str, lines: list[str], kind: str | None) -> str:
    best, best_score = None, (0, 0)
    for delimiter in (";", "\t", ","):
        sample = list(csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter))
        found = _find_header([(i + 1, row) for i, row in enumerate(sample)], kind)
        if found is None:
            continue
        # «Фамилия, имя, отчество;Класс» splits into a header on «,» too: the delimiter that
        # also splits the rows under the header is the one the file uses.
        split_rows = sum(1 for row in sample[found.data_start - 1:] if len(row) > 1)
        score = (split_rows, found.score)
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    # No header with any of the usual delimiters: if a line reads like a header
    # glued into one cell, the file uses some other delimiter.
    for number, line in enumerate(lines, 1):
        words = fold(line)
        if ("фио" in words.replace(".", "") or "фамилия" in words) and len(_WORD.findall(line)) > 1:
            sample = line.strip()[:60]
            raise DataError(ROSTER["wrong-delimiter"].format(file=label, row=number, sample=sample))
    raise DataError(ROSTER["no-header"].format(file=label, rows=HEADER_SCAN_ROWS))


def _xlsx_tables(path: Path, data: bytes) -> list[_Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise DataError(ROSTER["ods"].format(file=path))
        if "xl/workbook.xml" not in names:
            raise DataError(ROSTER["binary"].format(file=path))
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            worksheets = [s for s in book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]  # not charts
            chosen = [s.name for s in worksheets if s.visible == SheetVisibleEnum.Visible] or [
                s.name for s in worksheets]
            labels = {name: str(path) if len(chosen) == 1 else f"{path}[{name}]" for name in chosen}
            ends = _used_range_ends(archive, names)
            for name in chosen:
                if name in ends and _cells_up_to(ends[name]) > MAX_SHEET_CELLS:
                    raise DataError(ROSTER["xlsx-sheet-too-large"].format(file=labels[name], cell=ends[name]))
            # calamine parses a whole sheet at once, so a damaged sheet fails here, before any row is
            # read. Rows and columns count from A1, not from the first filled cell: problems name sheet rows.
            sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in chosen]
    except DataError:
        raise
    except Exception:  # zipfile.BadZipFile, calamine's ZipError, XmlError, CalamineError: a broken or cut file
        raise DataError(ROSTER["xlsx-broken"].format(file=path)) from None
    return [_Table(labels[name], _sheet_rows(rows), len(rows), normalise_class(name)) for name, rows in sheets]


# calamine holds a sheet as one grid up to its last filled cell (here from A1): one stray value in
# XFD1048576 needs half a terabyte, and the failed allocation aborts the process with no message.
# Excel records each sheet's used range (where Ctrl+End goes) in <dimension>; a sheet whose range
# no list could fill is refused before calamine reads it.
MAX_SHEET_CELLS = 20_000_000  # 100,000 rows × 200 columns
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]+\d+:)?([A-Z]{1,3}\d{1,7})"')


def _used_range_ends(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Sheet name → the last cell of the used range the sheet declares ("XFD1048576"); best effort:
    a sheet without the record, or a workbook this cannot follow, is left to calamine."""
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("{*}Relationship")}
        ends = {}
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).findall("{*}sheets/{*}sheet"):
            target = next((targets.get(v, "") for k, v in sheet.attrib.items() if k.endswith("}id")), "")
            part = target[1:] if target.startswith("/") else f"xl/{target}"
            if part in names:
                with archive.open(part) as source:
                    found = _DIMENSION.search(source.read(16384))  # the record comes first in a sheet
                if found:
                    ends[sheet.get("name")] = found.group(1).decode()
        return ends
    except Exception:  # zipfile or XML errors: calamine will say the book is broken, if it is
        return {}


def _cells_up_to(cell: str) -> int:
    letters = cell.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return column * int(cell[len(letters):])


def _sheet_rows(rows: list[list]) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(rows, 1):
        yield number, [v if v.__class__ is str else _cell_text(v) for v in values]


def _cell_text(value) -> str:
    """A cell as the list shows it. calamine reads every XLSX number as a float (1.0, 79000000001.0),
    an empty or error cell as "", and a date cell as a `date` (a `datetime` when it has a time)."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # datetime is a date too: the day only, as schools write it
        return value.strftime(DATE_FORMAT)
    return str(value)  # a time (12:30:00), a duration, a fraction


# --- the header ----------------------------------------------------------------

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
class _Header:
    row: int
    data_start: int  # the first row after the header (two rows when names are split under it)
    columns: dict[int, tuple[str, str | None]]  # column index → (field, qualifier)
    score: int
    kind: str | None  # recognised from the columns
    texts: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # cleaned header text → field


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


def _find_header(rows: Iterable[tuple[int, list[str]]], kind: str | None) -> _Header | None:
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
        # A merged «ФИО» over «Фамилия | Имя | Отчество» in the row below.
        if position + 1 < len(buffered):
            below = _classify_row(buffered[position + 1][1])
            if {"surname", "first"} <= {f for f, _ in below.values()}:
                for index, found in below.items():
                    if found[0] in ("surname", "first", "patronymic"):
                        columns[index] = (found[0], found[1] or columns.get(index, (None, None))[1])
                columns = {i: c for i, c in columns.items() if c[0] != "name" or i in below}
                data_start = buffered[position + 1][0] + 1
        detected = _detect_kind(columns)
        if detected is None:
            continue
        texts = {clean(cells[i]): found for i, found in columns.items() if i < len(cells)}
        return _Header(number, data_start, columns, len(columns), detected, texts)
    return None


# --- title rows: «Список обучающихся 7 «А» класса на 01.09.2026» -----------------

_TITLE_CLASS = (
    re.compile(r"(?<![\d.,/])(\d{1,2})\s*[-–—]?\s*(?:[«\"“]?([А-ЯЁа-яёA-Za-z])[»\"”]?)?\s*[-–—]?\s*класс", re.I),
    re.compile(r"класс\w*\s*[:№—–-]?\s*(\d{1,2})\s*[-–—]?\s*[«\"“]?([А-ЯЁA-Z]?)[»\"”]?(?![А-ЯЁа-яёA-Za-z\d])", re.I),
)


def _title_class(text: str) -> str | None:
    for pattern in _TITLE_CLASS:
        match = pattern.search(text)
        if match:
            found = normalise_class(match.group(1) + (match.group(2) or ""))
            if found:
                return found
    return None


# --- values ----------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+")
_UPPER_RUN = re.compile(r"[А-ЯЁA-Z]{2}")
_HYPHEN_SPACES = re.compile(r"\s*-\s*")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
_TRAILING_CLASS = re.compile(
    r"[\s,(]+\(?\s*(\d{1,2}\s*[-–—]?\s*[«\"“]?[А-ЯЁа-яёA-Za-z]?[»\"”]?)\s*(?:класс|кл\.?)?\s*\)?\s*$", re.I)
_YES = {"да", "+", "1", "v", "✓", "✔", "x", "х", "есть", "является", "кл рук", "классный руководитель"}
_SPECIALISTS = ("психолог", "логопед", "дефектолог", "социальн", "соц пед", "соц. пед", "олигофренопедагог",
                "сурдопедагог", "тифлопедагог")
_FOOTERS = ("итого", "всего", "подпись", "м п", "м.п", "директор", "классный руководитель", "исполнитель")


def clean(text: str) -> str:
    """Whitespace normalised, invisible characters dropped."""
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def normalise_name(text: str) -> str:
    """«ИВАНОВА  мария» → «Иванова Мария»; Latin look-alike letters in Russian words fixed."""
    return _normalise_clean_name(clean(text))


def _normalise_clean_name(text: str) -> str:
    if " -" in text or "- " in text:
        text = _HYPHEN_SPACES.sub("-", text)
    if _LATIN.search(text) and _CYRILLIC.search(text):
        text = " ".join(w.translate(LATIN_LOOKALIKES) if _LATIN.search(w) and _CYRILLIC.search(w) else w
                        for w in text.split(" "))
    if text.islower():
        return " ".join(_title(w) for w in text.split(" "))
    # Surnames in capitals («ИВАНОВ Иван») are a convention of official lists, not part of the name;
    # a lower-case word inside a capitalised name («Мамед оглы», «де») is kept as written.
    if _UPPER_RUN.search(text):
        return " ".join(_title(w) if w.isupper() and len(w) > 1 and not _DIGIT.search(w) else w
                        for w in text.split(" "))
    return text


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def split_list(text: str) -> list[str]:
    return [clean(part) for part in re.split(r"[;,\n/]+", text) if clean(part)]


def parse_classes(text: str) -> tuple[list[str], list[str]]:
    """Classes named in a cell («7А, 8 Б», «5-А; 6-Б») → (normalised, not understood)."""
    text = re.sub(r"\b(классы|класс|кл)\b\.?", " ", fold(text))
    good, bad = [], []
    for part in re.split(r"[;,\n/]+", text):
        part = part.strip()
        if not part:
            continue
        found = normalise_class(part)
        if found:
            good.append(found)
            continue
        # «5А 6Б», «7 А 8 Б»: classes separated by spaces only
        words, parsed = part.split(), []
        while words:
            pair = normalise_class(" ".join(words[:2])) if len(words) > 1 and words[1].isalpha() else None
            single = normalise_class(words[0])
            if pair:
                parsed.append(pair)
                words = words[2:]
            elif single:
                parsed.append(single)
                words = words[1:]
            else:
                break
        if words or not parsed:
            bad.append(part)
        else:
            good.extend(parsed)
    return list(dict.fromkeys(good)), bad


def is_specialist(position: str | None) -> bool:
    folded = fold(position or "")
    return any(word in folded for word in _SPECIALISTS)


# --- reading rows ------------------------------------------------------------------


class _Row(dict):
    """Cleaned cells of one row by column; a column the row does not reach (or None) is empty."""

    def __missing__(self, key) -> str:
        return ""


@dataclass
class _Slot:
    """A parent's name and contact columns (a list may have a mother and a father)."""

    name: list[int] = field(default_factory=list)  # one column, or surname/first/patronymic
    contact: list[int] = field(default_factory=list)


class _Reader:
    def __init__(self, label: str, kind: str | None, progress: ProgressCallback | None):
        self.label = label
        self.kind = kind
        self.progress = progress
        self.problems: list[Problem] = []
        self.people: list[RosterPerson] = []
        self.rows_read = 0
        self._seen: dict[tuple, int] = {}  # duplicate key → index in self.people
        self._classes: dict[str, str | None] = {}  # class cells repeat: normalise each spelling once
        self._done = 0

    def read(self, path: Path, tables: list[_Table], encoding: str | None, delimiter: str | None) -> Roster:
        total = sum(t.total for t in tables)
        header_row, kind, found_any, detected = 0, self.kind, False, False
        for table in tables:
            head: list[tuple[int, list[str]]] = []
            for item in table.rows:
                head.append(item)
                if len(head) >= HEADER_SCAN_ROWS + 1:
                    break
            header = _find_header(head, kind)
            if header is None:
                if len(tables) == 1:
                    raise DataError(ROSTER["no-header"].format(file=table.label, rows=HEADER_SCAN_ROWS))
                continue  # an instructions sheet, a chart: not a list
            if kind is None:
                kind, detected = header.kind, True
            if not found_any:
                header_row = header.row
            found_any = True
            title = next((c for n, cells in head if n < header.row for c in map(_title_class, cells) if c), None)
            rows = itertools.chain((item for item in head if item[0] >= header.data_start), table.rows)
            count = self._read_table(table, header, kind, rows, table.context_class or title, total)
            if count == 0 and len(tables) == 1:
                raise DataError(ROSTER["no-rows"].format(file=table.label, row=header.row))
        if not found_any:
            raise DataError(ROSTER["no-header"].format(file=path, rows=HEADER_SCAN_ROWS))
        if self.progress:
            self.progress(total or self._done, total or self._done)
        return Roster(path, kind, encoding, tuple(self.people), tuple(self.problems), delimiter,
                      header_row, detected, self.rows_read)

    # --- one table --------------------------------------------------------------

    def _read_table(self, table, header: _Header, kind: str, rows, context_class: str | None, total: int) -> int:
        cols = header.columns
        by_field: dict[tuple[str, str | None], list[int]] = {}
        for index, (f, q) in sorted(cols.items()):
            by_field.setdefault((f, q), []).append(index)

        def first(fieldname: str, *qualifiers) -> int | None:
            for q in qualifiers:
                if by_field.get((fieldname, q)):
                    return by_field[(fieldname, q)][0]
            return None

        def name_columns(*qualifiers) -> list[int]:
            full = first("name", *qualifiers)
            if full is not None:
                return [full]
            parts = [first(p, *qualifiers) for p in ("surname", "first", "patronymic")]
            return [p for p in parts if p is not None] if parts[0] is not None else []

        person_quals = {"pupils": (None, "child", "staff"), "staff": (None, "staff"),
                        "parents": (None, "parent", "mother", "father", "staff")}[kind]
        slots: list[_Slot] = []
        if kind == "parents":
            for q in (None, "parent", "mother", "father"):
                columns = name_columns(q)
                if columns:
                    slots.append(_Slot(columns, by_field.get(("contact", q), [])))
            if not slots and name_columns("staff"):
                slots = [_Slot(name_columns("staff"))]
            if not slots:
                raise DataError(ROSTER["no-parent-column"].format(file=table.label))
            if len(slots) == 1 and not slots[0].contact:
                slots[0].contact = by_field.get(("contact", None), []) + by_field.get(("contact", "parent"), [])
            child_cols = name_columns("child")
            if not child_cols:
                raise DataError(ROSTER["no-children-column"].format(file=table.label))
            class_col = first("class", "child", None)
            letter_col = first("letter", "child", None)
        else:
            slots = [_Slot(name_columns(*person_quals), by_field.get(("contact", None), [])
                           + (by_field.get(("contact", "staff"), []) if kind == "staff" else []))]
            if not slots[0].name:
                raise DataError(ROSTER["no-header"].format(file=table.label, rows=HEADER_SCAN_ROWS))
            child_cols = []
            class_col = first("class", None, "child")
            letter_col = first("letter", None, "child")
        used = sorted({i for s in slots for i in s.name + s.contact} | set(child_cols)
                      | {i for i, (f, _) in cols.items() if f in ("class", "letter", "position", "subjects",
                                                                 "led", "taught", "role")})
        position_col, subjects_col = first("position", None), first("subjects", None)
        led_col, taught_col, role_col = first("led", None), first("taught", None), first("role", None)
        section_class = None
        first_name_col = slots[0].name[0] if slots[0].name else None
        header_names = {text for text, (f, _) in header.texts.items() if f in ("name", "surname")}
        count = 0
        for number, cells in rows:
            self._done += 1
            if self.progress and self._done % PROGRESS_EVERY == 0:
                self.progress(self._done, max(total, self._done))
            width = len(cells)
            if class_col is None and kind == "pupils":
                # A section row «7А класс» in a whole-school list without a class column.
                filled = [clean(c) for c in cells if c.strip()]
                if len(filled) == 1 and (normalise_class(filled[0]) or _title_class(filled[0])):
                    section_class = normalise_class(filled[0]) or _title_class(filled[0])
                    continue
            values = _Row((i, clean(cells[i])) for i in used if i < width)
            if not any(values.values()):
                continue  # a blank row, or a pre-numbered empty row of a template
            cell = values.__getitem__
            name_text = cell(first_name_col)
            if name_text.casefold().startswith(_FOOTERS) or name_text in header_names:
                continue  # «Итого», a signature line, or the header repeated on every printed page
            count += 1
            self.rows_read += 1
            class_value = cell(class_col)
            if letter_col is not None and class_value and cell(letter_col):
                class_value += cell(letter_col)
            if kind == "pupils":
                self._pupil(number, slots[0], cell, class_col, class_value, section_class or context_class)
            elif kind == "staff":
                self._staff(number, slots[0], cell, position_col, subjects_col, led_col, taught_col, role_col,
                            class_value)
            else:
                self._parents(number, slots, cell, child_cols, class_col, class_value, context_class)
        return count

    # --- helpers -------------------------------------------------------------------

    def _problem(self, row: int, column: int | None, code: str, **fields) -> None:
        column = column + 1 if column is not None else 0
        self.problems.append(Problem(Location(self.label, row, column), code, ROSTER[code].format(**fields)))

    def _name(self, row: int, columns: list[int], cell, code_prefix: str = "name") -> str | None:
        text = _normalise_clean_name(cell(columns[0]) if len(columns) == 1 else
                                     " ".join(cell(i) for i in columns if cell(i)))
        column = columns[0] if columns else None
        if not text or not _CYRILLIC.search(text) and not _LATIN.search(text):
            self._problem(row, column, "name-missing")
            return None
        if _DIGIT.search(text):
            self._problem(row, column, "name-digits", name=text)
            return None
        if len(text.split()) < 2 and not (len(columns) > 1 and "-" in text):
            self._problem(row, column, "name-short" if code_prefix == "name" else "child-name-short", name=text)
            return None
        return text

    def _class(self, row: int, column: int | None, value: str) -> tuple[bool, str | None]:
        """(ok, class): ok is False when a problem was reported."""
        if not value:
            return True, None
        found = self._classes.get(value, "?")
        if found == "?":
            found = self._classes[value] = normalise_class(value)
        if found is None:
            self._problem(row, column, "class-invalid", value=value)
            return False, None
        return True, found

    def _contact(self, slot: _Slot, cell) -> str | None:
        if len(slot.contact) < 2:
            return cell(slot.contact[0]) or None if slot.contact else None
        values = [cell(i) for i in slot.contact if cell(i)]
        return ", ".join(dict.fromkeys(values)) or None

    def _add(self, key: tuple, person: RosterPerson, where: str) -> None:
        """Add a person; a staff member or parent listed again is merged, a pupil is a duplicate."""
        index = self._seen.get(key)
        if index is None:
            self._seen[key] = len(self.people)
            self.people.append(person)
            return
        old = self.people[index]
        if person.kind == "pupils":
            self._problem(person.row, None, "duplicate", name=person.full_name, where=where, first=old.row)
            return
        self.people[index] = _merge(old, person)

    # --- kinds -----------------------------------------------------------------------

    def _pupil(self, row, slot, cell, class_col, class_value, fallback_class) -> None:
        name = self._name(row, slot.name, cell)
        ok, class_name = self._class(row, class_col, class_value)
        if name is None or not ok:
            return
        class_name = class_name or fallback_class
        if class_name is None:
            self._problem(row, class_col, "class-missing", name=name)
            return
        person = RosterPerson(row, "pupils", name, "pupil", class_name=class_name, contact=self._contact(slot, cell))
        self._add((fold(name), class_name), person, class_name)

    def _staff(self, row, slot, cell, position_col, subjects_col, led_col, taught_col, role_col, class_value):
        name = self._name(row, slot.name, cell)
        position = cell(position_col) or None
        if position:
            position = position[:1].lower() + position[1:] if not position[:2].isupper() else position
        led: list[str] = []
        ok = True
        led_text = cell(led_col)
        if led_text and fold(led_text) not in ("нет", "-", "—", "0", "не является"):
            if fold(led_text) in _YES:
                led_text = class_value
            classes, bad = parse_classes(led_text)
            if bad:
                self._problem(row, led_col, "class-invalid", value=bad[0])
                ok = False
            led = classes
        taught, bad = parse_classes(cell(taught_col))
        if bad:
            self._problem(row, taught_col, "class-invalid", value=bad[0])
            ok = False
        if name is None or not ok:
            return
        role_text = fold(cell(role_col) + " " + (position or ""))
        role = "administrator" if "администратор" in role_text else "teacher"
        person = RosterPerson(
            row, "staff", name, role, position=position, specialist=is_specialist(position),
            led_classes=tuple(led), subjects=tuple(dict.fromkeys(split_list(cell(subjects_col)))),
            classes_taught=tuple(taught), contact=self._contact(slot, cell),
        )
        self._add((fold(name),), person, "сотрудник")

    def _parents(self, row, slots, cell, child_cols, class_col, class_value, fallback_class) -> None:
        children = self._children(row, child_cols, cell, class_col, class_value, fallback_class)
        names = [(slot, " ".join(cell(i) for i in slot.name if cell(i))) for slot in slots]
        present = [(slot, text) for slot, text in names if text]
        if not present:
            if children:
                self._problem(row, slots[0].name[0] if slots[0].name else None, "parent-missing",
                              child=children[0][0])
            return
        parents = []
        for slot, _text in present:
            name = self._name(row, slot.name, cell)
            if name is None:
                return
            parents.append((name, self._contact(slot, cell)))
        if children is None:
            return
        if not children:
            self._problem(row, child_cols[0], "child-missing", name=parents[0][0])
            return
        for name, contact in parents:
            person = RosterPerson(row, "parents", name, "parent", children=tuple(children), contact=contact)
            key = (fold(name),)
            index = self._seen.get(key)
            if index is not None and contact and self.people[index].contact and \
                    fold(self.people[index].contact) != fold(contact):
                key = (fold(name), fold(contact))  # a namesake with another phone: another parent
            self._add(key, person, "родитель")

    def _children(self, row, child_cols, cell, class_col, class_value, fallback_class):
        """[(child's name, class)], or None when a problem was reported."""
        if len(child_cols) > 1:  # surname / first name / patronymic columns
            parts = [normalise_name(" ".join(cell(i) for i in child_cols if cell(i)))]
        else:
            parts = []
            for part in split_list(cell(child_cols[0])):
                if normalise_class(part) and parts:  # «Иванов Иван, 7А»: the class of the child before
                    parts[-1] += f" ({part})"
                else:
                    parts.append(part)
        classes, bad = parse_classes(class_value) if class_value else ([], [])
        if bad:
            self._problem(row, class_col, "class-invalid", value=bad[0])
            return None
        if len(classes) > 1 and len(classes) != len(parts):
            self._problem(row, class_col, "child-classes-count", children=len(parts), classes=len(classes))
            return None
        children = []
        for number, part in enumerate(parts):
            own = None
            match = _TRAILING_CLASS.search(part)
            if match and normalise_class(match.group(1)):
                own = normalise_class(match.group(1))
                part = part[: match.start()]
            name = normalise_name(part)
            if len(name.split()) < 2 or _DIGIT.search(name):
                self._problem(row, child_cols[0], "child-name-short", name=name)
                return None
            given = classes[number] if len(classes) > 1 else (classes[0] if classes else None)
            children.append((name, own or given or fallback_class))
        return children


def _merge(old: RosterPerson, new: RosterPerson) -> RosterPerson:
    """One person on several rows: a parent of several children, a teacher with two positions."""
    def union(a, b):
        return tuple(dict.fromkeys(a + b))

    positions = [p for p in (old.position, new.position) if p]
    return RosterPerson(
        old.row, old.kind, old.full_name,
        "administrator" if "administrator" in (old.role, new.role) else old.role,
        old.class_name, ", ".join(dict.fromkeys(positions)) or None, old.specialist or new.specialist,
        union(old.led_classes, new.led_classes), union(old.subjects, new.subjects),
        union(old.classes_taught, new.classes_taught), union(old.children, new.children),
        old.contact or new.contact,
    )
