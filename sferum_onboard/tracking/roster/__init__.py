"""Reading school rosters (pupils, parents, staff) from XLSX, ODS and CSV files.

Pure: `read_roster` reads one file and returns a `Roster` of people and the
problems found in its rows; it never touches the store. Whole-file faults
(garbage, no header, a password, a wrong delimiter, a duplicated column,
a file far bigger than any list) raise `DataError` with a Russian message.

Files are read as Russian schools have them: exports of the electronic
journal and hand-made Excel or LibreOffice lists, with title rows above the header, headers
in many spellings, names in one column or three, classes typed every way,
CSV in UTF-8 or Windows-1251 with `;`, `,` or tabs.
"""

from __future__ import annotations

from pathlib import Path

from sferum_onboard.errors import DataError
from sferum_onboard.messages import ROSTER
from sferum_onboard.tracking.roster.files import csv_table, decode, read_file, refuse_binary, workbook_tables
from sferum_onboard.tracking.roster.reader import Reader
from sferum_onboard.tracking.roster.records import KINDS, ROLE_OF_KIND, ProgressCallback, Roster, RosterPerson
from sferum_onboard.tracking.roster.values import normalise_name, parse_classes
from sferum_onboard.tracking.roster.workbook import workbook_format

__all__ = ["KINDS", "ROLE_OF_KIND", "Roster", "RosterPerson", "normalise_name", "parse_classes", "read_roster"]


def read_roster(path: Path, kind: str | None = None, progress: ProgressCallback | None = None) -> Roster:
    """Read a roster file; the kind is recognised from the header when not given."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise DataError(ROSTER["kind-unknown"].format(kind=kind))
    data = read_file(path)
    label = str(path)
    if workbook_format(data):
        file_format, tables = workbook_tables(path, data)
        encoding = delimiter = None
    else:
        refuse_binary(path, data)
        text, encoding = decode(data)
        table, delimiter = csv_table(label, text, kind)
        file_format, tables = "csv", [table]
    reader = Reader(label, kind, progress)
    return reader.read(path, file_format, tables, encoding, delimiter)
