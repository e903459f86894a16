"""A roster file's bytes to tables of cleaned text: format and encoding found, faults refused in Russian."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from sferum_onboard.dates import DATE_FORMAT
from sferum_onboard.errors import DataError
from sferum_onboard.messages import ROSTER
from sferum_onboard.reasons import os_reason
from sferum_onboard.wording import number_text, size_text
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.roster.header import find_header
from sferum_onboard.tracking.roster.limits import MAX_FILE_BYTES, MAX_LINE, MAX_ROWS
from sferum_onboard.tracking.roster.records import HEADER_SCAN_ROWS
from sferum_onboard.tracking.roster.values import WORD, fold
from sferum_onboard.tracking.roster.workbook import Workbook, workbook_format


def read_file(path: Path) -> bytes:
    """The bytes of a data file the user named; DataError when it is missing, a folder, empty or too big.

    The size is checked before reading, and text is read in chunks whose
    lines are counted, so that a file far bigger than any list is refused
    after reading at most `MAX_FILE_BYTES`, and a text of millions of lines
    as soon as its lines pass `MAX_ROWS`.
    """
    name = path.name or str(path)
    if path.is_dir():
        raise DataError(ROSTER["file-dir"].format(file=name))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(ROSTER["file-too-large"].format(
                file=path, size=size_text(size), limit=size_text(MAX_FILE_BYTES)))
        with path.open("rb") as source:
            data = _read_limited(path, source)
    except FileNotFoundError:
        raise DataError(ROSTER["file-missing"].format(file=path)) from None
    except OSError as error:
        raise DataError(ROSTER["file-unreadable"].format(file=path, reason=os_reason(error))) from None
    if not data.strip():
        raise DataError(ROSTER["file-empty"].format(file=path))
    return data


_CHUNK = 1 << 20


def _read_limited(path: Path, source) -> bytes:
    """Read in chunks; in text, count lines and measure them as they come."""
    chunks: list[bytes] = []
    lines = line = 0  # newlines read so far; length of the line being read
    text = None
    while chunk := source.read(_CHUNK):
        if text is None:
            text = not _looks_binary(chunk)
        chunks.append(chunk)
        if len(chunks) * _CHUNK > MAX_FILE_BYTES:  # the file grew after stat
            raise DataError(ROSTER["file-too-large"].format(
                file=path, size=size_text(len(chunks) * _CHUNK), limit=size_text(MAX_FILE_BYTES)))
        if not text:
            continue
        parts = chunk.split(b"\n")
        lengths = [line + len(parts[0]), *map(len, parts[1:])]  # the last part starts the next line
        if max(lengths) > MAX_LINE:
            row = lines + 1 + next(i for i, n in enumerate(lengths) if n > MAX_LINE)
            raise DataError(ROSTER["line-too-long"].format(file=path, row=row, limit=number_text(MAX_LINE)))
        line = lengths[-1]
        lines += len(parts) - 1
        if lines > MAX_ROWS:
            raise DataError(ROSTER["rows-too-many"].format(file=path, limit=number_text(MAX_ROWS)))
    return b"".join(chunks)


def _looks_binary(head: bytes) -> bool:
    """A workbook or other binary data, whose bytes are not lines (UTF-16 text has NULs but a BOM)."""
    if workbook_format(head) or head.startswith(_OLE_MAGIC):
        return True
    return b"\x00" in head[:65536] and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_encrypted_office(data: bytes) -> bool:
    """A workbook saved with a password: an OLE compound file holding an "EncryptedPackage" stream
    (the directory stores stream names in UTF-16LE)."""
    return data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def open_workbook(path: Path, messages: Mapping[str, str]) -> Workbook:
    """A workbook someone returned (XLSX or ODS), with the remedies of `messages` (the keys of
    `messages.ROSTER`): "xlsx-encrypted" for a password, "binary" for a file that is no workbook."""
    label = str(path)
    data = read_file(path)
    if is_encrypted_office(data):
        raise DataError(messages["xlsx-encrypted"].format(file=label))
    if not workbook_format(data):
        raise DataError(messages["binary"].format(file=label))
    return Workbook(label, data, messages)


def refuse_binary(path: Path, data: bytes) -> None:
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


def decode(data: bytes) -> tuple[str, str]:
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
class Table:
    label: str  # what a problem's location names: the file, or "file[sheet]"
    rows: Iterator[tuple[int, list[str]]]  # (1-based row number, cells)
    total: int  # rows the source says it has (for progress); 0 when unknown
    context_class: str | None = None  # a sheet named "7А"


def csv_table(label: str, text: str, kind: str | None) -> tuple[Table, str]:
    lines = text.splitlines()
    first_row = 1
    hint = re.fullmatch(r"\s*sep=(.)\s*", lines[0]) if lines else None  # Excel's own delimiter hint
    if hint:
        delimiter = hint.group(1)
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

    return Table(label, rows(), total), delimiter


def _sniff_delimiter(label: str, lines: list[str], kind: str | None) -> str:
    best, best_score = None, (0, 0)
    for delimiter in (";", "\t", ","):
        sample = list(csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter))
        found = find_header([(i + 1, row) for i, row in enumerate(sample)], kind)
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
        if ("фио" in words.replace(".", "") or "фамилия" in words) and len(WORD.findall(line)) > 1:
            sample = line.strip()[:60]
            raise DataError(ROSTER["wrong-delimiter"].format(file=label, row=number, sample=sample))
    raise DataError(ROSTER["no-header"].format(file=label, rows=HEADER_SCAN_ROWS))


def workbook_tables(path: Path, data: bytes) -> tuple[str, list[Table]]:
    """The format ("xlsx" or "ods") and a table per visible worksheet (every worksheet when none is visible)."""
    book = Workbook(str(path), data)
    chosen = [s.name for s in book.sheets if s.visible] or [s.name for s in book.sheets]
    labels = {name: str(path) if len(chosen) == 1 else f"{path}[{name}]" for name in chosen}
    # Every chosen sheet is read before any row is used: a damaged one refuses the whole file.
    sheets = [(name, book.rows(name, labels[name])) for name in chosen]
    return book.format, [Table(labels[name], _sheet_rows(rows), len(rows), normalise_class(name))
                         for name, rows in sheets]


def _sheet_rows(rows: list[list]) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(rows, 1):
        yield number, [v if v.__class__ is str else cell_text(v) for v in values]


def cell_text(value) -> str:
    """A cell as the list shows it. calamine reads every XLSX number as a float (1.0, 79000000001.0),
    an empty or error cell as "", and a date cell as a `date` (a `datetime` when it has a time)."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):  # datetime is a date too: the day only, as schools write it
        return value.strftime(DATE_FORMAT)
    return str(value)  # a time (12:30:00), a duration, a fraction
