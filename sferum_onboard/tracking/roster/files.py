"""A roster file's bytes to tables of cleaned text: format and encoding found, faults refused in Russian."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sferum_onboard.dates import DATE_FORMAT
from sferum_onboard.errors import DataError
from sferum_onboard.messages import ROSTER, os_reason
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.roster.header import find_header
from sferum_onboard.tracking.roster.records import HEADER_SCAN_ROWS
from sferum_onboard.tracking.roster.values import WORD, fold


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


def xlsx_tables(path: Path, data: bytes) -> list[Table]:
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
    return [Table(labels[name], _sheet_rows(rows), len(rows), normalise_class(name)) for name, rows in sheets]


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
