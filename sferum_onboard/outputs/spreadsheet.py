"""Text for spreadsheets: whatever a cell says, Excel never runs it as a formula.

A roster name such as «=HYPERLINK(…)» or «@SUM(A1)» is data, not a
command. Every output a spreadsheet opens (the class sheet, report.xlsx,
CSV for mail merges and tables) goes through `FORMULA_STARTS`: text that
starts with one of them is stored as text and, where the format has one,
marked with Excel's quote prefix so it stays text when edited.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from sferum_onboard.tracking.roster.values import FORMULA_STARTS, formula_like  # noqa: F401 (the one rule)


def text_cell(cell, value: str):
    """Put text into an openpyxl cell as text, never as a formula; returns the cell."""
    cell.value = value
    cell.data_type = "s"
    if formula_like(value):
        cell.quotePrefix = True
    return cell


def safe_cell(value):
    """A CSV value a spreadsheet never runs: «=HYPERLINK(…)» is written as «'=HYPERLINK(…)»."""
    if value is None:
        return ""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable]) -> str:
    """CSV with `;` (what Russian Excel expects); text that looks like a formula is quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
