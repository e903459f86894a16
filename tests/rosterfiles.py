"""Roster files as Russian schools have them, written into a temp folder for tests."""

from __future__ import annotations

import csv
import io
import struct
from pathlib import Path

import openpyxl


def write_csv(path: Path, rows, encoding: str = "utf-8", delimiter: str = ";", bom: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows, blank_rows_after: int = 0, sheets: dict | None = None) -> Path:
    """A workbook as Excel keeps it (normal mode: dimensions, shared strings)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, sheet_rows in (sheets or {"Лист1": rows}).items():
        ws = book.create_sheet(title)
        for row in sheet_rows:
            ws.append(list(row))
        for offset in range(blank_rows_after):  # rows Excel keeps because they were formatted once
            ws.cell(row=len(sheet_rows) + 1 + offset, column=1).number_format = "@"
            ws.cell(row=len(sheet_rows) + 1 + offset, column=2).value = "   "
    book.save(path)
    return path


def encrypted_xlsx(path: Path) -> Path:
    """An OLE compound file holding EncryptionInfo and EncryptedPackage, as Excel saves a workbook with a password."""
    free, end, fat_sector, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, left=nostream, right=nostream, child=nostream) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        body = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
        body += struct.pack("<III", left, right, child) + bytes(16) + bytes(4) + bytes(16)
        return body + struct.pack("<IQ", end if name else 0, 0)

    directory = (entry("Root Entry", 5, child=1) + entry("EncryptionInfo", 2, right=2)
                 + entry("EncryptedPackage", 2) + entry("", 0))
    path.write_bytes(bytes(header) + fat + directory)
    return path


def truncated_xlsx(path: Path, rows) -> Path:
    write_xlsx(path, rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def garbage(path: Path, size: int = 4096) -> Path:
    state, out = 12345, bytearray()
    for _ in range(size):  # a fixed pseudo-random sequence: the same "garbage" every run
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(state >> 16 & 0xFF)
    path.write_bytes(bytes(out))
    return path


def with_shared_strings(path: Path, rich: dict[str, str] | None = None) -> Path:
    """Rewrite a workbook's text cells into a shared-string table, as Excel saves them (openpyxl
    writes inline strings). `rich` replaces some strings by raw `<si>` XML: runs, phonetic hints."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    strings: dict[str, int] = {}

    def shared(match) -> str:
        text = match.group(1)
        return f't="s"><v>{strings.setdefault(text, len(strings))}</v>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(r't="inlineStr"><is><t[^>]*>(.*?)</t></is>', shared, data.decode()).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(item, data)
        items = "".join((rich or {}).get(text, f"<si><t>{text}</t></si>") for text in strings)
        target.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                        f' count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')
    return path
