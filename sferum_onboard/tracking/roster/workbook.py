"""XLSX and ODS workbooks opened for reading: which format, which sheets, and each sheet's cells.

Rosters and class sheets come back from Excel and from LibreOffice alike;
python-calamine reads both formats. Before calamine holds a sheet (as one
grid from A1 to its last filled cell), the sheet's extent is checked: a
stray value in the last row of a sheet, a zip that unpacks to gigabytes or
more rows than any list has are refused in Russian, in bounded memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Mapping
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sferum_onboard.errors import DataError
from sferum_onboard.messages import ROSTER
from sferum_onboard.wording import number_text, size_text
from sferum_onboard.tracking.roster.limits import MAX_ROWS, MAX_SHEET_CELLS, MAX_UNPACKED_BYTES

XLSX, ODS = "xlsx", "ods"
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument."


def workbook_format(data: bytes) -> str | None:
    """"xlsx" or "ods" for bytes that start like a ZIP workbook (even a cut one); None otherwise.

    An ODS file stores its media type first and uncompressed, so a damaged
    ODS is still told from a damaged XLSX.
    """
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    return ODS if _ODS_MIMETYPE + b"spreadsheet" in data[:256] else XLSX


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool


class Workbook:
    """A workbook's worksheets (not charts), and their rows as calamine gives them.

    `messages` are the templates of `messages.ROSTER` (the keys used here);
    a class sheet overrides some of them: its remedies differ from a roster's.
    """

    def __init__(self, label: str, data: bytes, messages: Mapping[str, str] = ROSTER):
        self.label = label
        self.format = workbook_format(data) or XLSX
        self._messages = messages
        self._broken = messages[f"{self.format}-broken"].format(file=label)
        self._extents: dict[str, tuple[int, int]] | None = None
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(self._archive.namelist())
            if self.format == ODS:
                if "content.xml" not in names:
                    raise DataError(self._broken)
                manifest = self._archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                if b"encryption-data" in manifest:  # saved with a password
                    raise DataError(messages["ods-encrypted"].format(file=label))
            elif "xl/workbook.xml" not in names:  # another ZIP: a Word or OpenDocument text, an archive
                raise DataError(messages["binary"].format(file=label))
            unpacked = sum(item.file_size for item in self._archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise DataError(messages["unpacked-too-large"].format(
                    file=label, size=size_text(unpacked), limit=size_text(MAX_UNPACKED_BYTES)))
            if self.format == ODS:  # calamine reads every table of an ODS as it opens it: check them all first
                tables = self.extents()
                for name in tables:
                    self._check(name, f"{label}[{name}]" if len(tables) > 1 else label)
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheets = [Sheet(s.name, s.visible == SheetVisibleEnum.Visible)
                           for s in self._book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
        except DataError:
            raise
        except Exception:  # zipfile.BadZipFile, calamine's ZipError, XmlError, CalamineError: a broken or cut file
            raise DataError(self._broken) from None

    def _check(self, name: str, label: str) -> None:
        """Refuse a sheet that reaches further than any list: calamine would hold all of it."""
        rows, columns = self.extents().get(name, (0, 0))
        if rows > MAX_ROWS:
            raise DataError(self._messages["rows-too-many"].format(file=label, limit=number_text(MAX_ROWS)))
        if rows * columns > MAX_SHEET_CELLS:
            raise DataError(self._messages["sheet-too-large"].format(file=label, cell=cell_name(rows, columns)))

    def rows(self, name: str, label: str | None = None) -> list[list]:
        """A sheet's rows from A1 (problems name sheet rows), refused when it reaches too far."""
        label = label or self.label
        self._check(name, label)
        try:
            return self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # a damaged sheet fails here, before any of its rows is used
            raise DataError(self._broken) from None

    def extents(self) -> dict[str, tuple[int, int]]:
        """Sheet name → (last row, last column) of its filled cells, as far as the file says; best effort."""
        if self._extents is None:
            try:
                self._extents = _ods_extents(self._archive) if self.format == ODS else _xlsx_extents(self._archive)
            except Exception:  # zipfile or XML errors: calamine will say the book is broken, if it is
                self._extents = {}
        return self._extents


def cell_name(row: int, column: int) -> str:
    """(1048576, 16384) → «XFD1048576»; row 0 names the column alone («XFD»)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row or ''}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


# XLSX: Excel records each sheet's used range (where Ctrl+End goes) in <dimension>, first in the sheet.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d{1,7})"')


def _xlsx_extents(archive: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    names = set(archive.namelist())
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("{*}Relationship")}
    extents = {}
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).findall("{*}sheets/{*}sheet"):
        target = next((targets.get(v, "") for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        part = target[1:] if target.startswith("/") else f"xl/{target}"
        if part in names:
            with archive.open(part) as source:
                found = _DIMENSION.search(source.read(16384))
            if found:
                extents[sheet.get("name")] = (int(found.group(2)), _column_number(found.group(1).decode()))
    return extents


# ODS: no used range is recorded, and LibreOffice writes formatted empty rows and columns as huge
# repeat counts (number-rows-repeated="1048553"): the extent is where the last filled cell is.
# content.xml is cut into rows with bytes.split, in chunks, and a row's cells are looked into only
# when it is filled: an XML parser's callback for every cell takes seconds on a district's list.
# ODS writers use the standard prefixes (table:, office:, text:); a file that does not is left to
# calamine's own limit.
_ROW_END = b"</table:table-row>"
_TABLES = re.compile(rb'<table:table\s[^>]*?table:name="([^"]*)"|</table:table>')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_CELL = re.compile(rb'<table:(?:covered-)?table-cell\b([^>]*?)(/?)>')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


class _OdsScan:
    """The extents of an ODS's tables, fed content.xml in pieces that end after a row."""

    def __init__(self):
        self.extents: dict[str, tuple[int, int]] = {}
        self.table: str | None = None
        self.row = 0
        self.last = (0, 0)

    def feed(self, piece: bytes) -> None:
        """Whatever precedes a row (tables starting and ending), then the row, if there is one."""
        start = piece.rfind(b"<table:table-row")
        head = piece if start < 0 else piece[:start]
        if b"<table:table" in head or b"</table:table>" in head:
            for found in _TABLES.finditer(head):
                if found.group(1) is not None:
                    self.table, self.row, self.last = found.group(1).decode("utf-8", "replace"), 0, (0, 0)
                elif self.table is not None:
                    self.extents[self.table] = self.last
                    self.table = None
        if start < 0 or self.table is None:
            return
        tag_end = piece.find(b">", start)
        repeat = _ROWS_REPEATED.search(piece, start, tag_end)
        rows = int(repeat.group(1)) if repeat else 1
        cells = piece[tag_end + 1:]
        if b"office:value-type" in cells or b"<text:p" in cells:
            self.last = (self.row + rows, max(self.last[1], _ods_columns(cells)))
        self.row += rows


def _ods_extents(archive: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Per table of content.xml, the last row and column holding a value (or any content)."""
    scan = _OdsScan()
    with archive.open("content.xml") as source:
        rest = b""
        while chunk := source.read(1 << 22):
            data = rest + chunk
            end = data.rfind(_ROW_END) + len(_ROW_END) if _ROW_END in data else 0
            pieces = data[:end].split(_ROW_END)
            for piece in pieces[:-1]:
                scan.feed(piece)
            rest = data[end:]
        scan.feed(rest)  # the last tables' ends
    return scan.extents


def _ods_columns(cells: bytes) -> int:
    """The last column of a row holding something. LibreOffice ends most rows with one empty cell
    repeated to the sheet's edge: only the cells up to the last filled one are counted, and their
    repeats expanded only when there are any."""
    filled = max(cells.rfind(b"office:value-type"), cells.rfind(b"<text:p"))
    cells = cells[:cells.find(b">", filled) + 1]
    if b"number-columns-repeated" not in cells:
        return cells.count(b"<table:table-cell") + cells.count(b"<table:covered-table-cell")
    column = last = 0
    for found in _CELL.finditer(cells):
        attrs, empty = found.groups()
        repeat = _COLUMNS_REPEATED.search(attrs)
        column += int(repeat.group(1)) if repeat else 1
        if b"office:value-type" in attrs or not empty:
            last = column
    return last


# --- cells, as calamine gives them ---------------------------------------------------------------


def plain_text(value) -> str:
    """A cell as text: whitespace normalised; a whole number without «.0» (calamine reads numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def cell_code(value) -> int | None:
    """A code from its cell (a person's, a line's): a whole number, or text of digits; anything else is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal():  # not isdigit: int() refuses «²»
        return int(value)
    return None
