"""One formula guard for every spreadsheet output: the class sheet, report.xlsx and CSV."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from sferum_onboard.outputs.spreadsheet import FORMULA_STARTS, csv_text
from sferum_onboard.tracking.roster import values
from tests.test_report_support import PROJECT, run, school_db  # noqa: F401 (fixture)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_that_a_spreadsheet_would_run_is_kept_as_text(start):
    assert csv_text([[f"{start}SUM(A1)", "Иванов", 5, None]]) == f"'{start}SUM(A1);Иванов;5;\n"


def test_the_class_sheet_and_the_report_use_the_same_guard(school_db, tmp_path, monkeypatch):
    def first_cells():
        run("report", *PROJECT, "--db", school_db, "-o", str(tmp_path / "r"))
        run("sheet", "export", "--class", "7А", "-o", str(tmp_path / "7А.xlsx"), "--force", *PROJECT, "--db", school_db)
        report = load_workbook(tmp_path / "r" / "report.xlsx")["Сводка"]["A1"]
        sheet = load_workbook(tmp_path / "7А.xlsx").worksheets[0]["A1"]
        return report, sheet

    assert [cell.quotePrefix for cell in first_cells()] == [False, False]
    monkeypatch.setattr(values, "FORMULA_STARTS", ("",))  # now every text looks like a formula
    report, sheet = first_cells()
    assert (report.quotePrefix, report.data_type, sheet.quotePrefix, sheet.data_type) == (True, "s", True, "s")
