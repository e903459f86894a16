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
from xml.parsers import expat

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sferum_onboard.errors import DataError
from sferum_onboard.messages import ROSTER, number_text, size_text
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
                if b"encryption-data" in self._archive.read("META-INF/manifest.xml"):
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
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _ods_extents(archive: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Stream content.xml (expat, in chunks): per table, the last row and column holding a value."""
    extents: dict[str, tuple[int, int]] = {}
    state = {"table": None, "depth": 0, "row": 0, "rows": 1, "column": 0, "cell": None, "filled": False,
             "last_row": 0, "last_column": 0}

    def start(tag: str, attrs: dict) -> None:
        if state["cell"] is not None:  # anything inside a cell (<text:p>) means it has content
            state["cell"][1] = True
            return
        if tag == f"{_TABLE} table":
            state.update(table=attrs.get(f"{_TABLE} name", ""), row=0, last_row=0, last_column=0)
        elif tag == f"{_TABLE} table-row" and state["table"] is not None:
            state.update(rows=int(attrs.get(f"{_TABLE} number-rows-repeated", 1)), column=0, filled=False)
        elif tag in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell") and state["table"] is not None:
            state["cell"] = [int(attrs.get(f"{_TABLE} number-columns-repeated", 1)),
                             f"{_OFFICE} value-type" in attrs]

    def end(tag: str) -> None:
        cell = state["cell"]
        if cell is not None:
            if tag not in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
                return
            state["cell"] = None
            if cell[1]:
                state["filled"] = True
                state["last_column"] = max(state["last_column"], state["column"] + cell[0])
            state["column"] += cell[0]
        elif tag == f"{_TABLE} table-row" and state["table"] is not None:
            if state["filled"]:
                state["last_row"] = state["row"] + state["rows"]
            state["row"] += state["rows"]
        elif tag == f"{_TABLE} table" and state["table"] is not None:
            extents[state["table"]] = (state["last_row"], state["last_column"])
            state["table"] = None

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with archive.open("content.xml") as source:
        while chunk := source.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return extents
