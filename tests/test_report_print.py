"""report.xlsx prints as a school prints it: converted to PDF by LibreOffice, page by page.

Every sheet: landscape A4, fitted to the page width, its header row on every
page; the summary on one page. The line chart is drawn straight between
weekly points and every chart's legend sits below its plot.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from xml.etree import ElementTree

import pytest

from tests.test_report_support import PROJECT, libreoffice_convert, run

CHART = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
MAIN = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
A4_LANDSCAPE = (842, 595)  # points


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    """The demo school's report.xlsx (889 people: «Люди» spans many pages) and its PDF made by LibreOffice."""
    folder = tmp_path_factory.mktemp("print")
    db = str(folder / "demo.sqlite")
    run("demo", *PROJECT, "--db", db)
    run("report", *PROJECT, "--db", db, "-o", str(folder / "out"))
    libreoffice_convert(folder / "out" / "report.xlsx", "pdf", folder / "pdf", folder / "lo-profile")
    return folder / "out" / "report.xlsx", folder / "pdf" / "report.pdf"


def pages_by_sheet(pdf) -> list[tuple[str, str]]:
    """(the sheet named in the page's footer, the page's text) for every page of the PDF."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        sheet = re.findall(r"([^\n,]+), страница \d+", text)
        assert len(sheet) == 1, text[-200:]
        found.append((sheet[0].strip(), text))
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == A4_LANDSCAPE
    return found


def test_the_summary_is_one_page_and_long_sheets_repeat_their_header(demo_report):
    _, pdf = demo_report
    pages = pages_by_sheet(pdf)
    count = Counter(sheet for sheet, _ in pages)
    assert list(count) == ["Сводка", "Динамика", "Воронка", "Классы", "Люди", "Шаги школы"]
    assert count["Сводка"] == 1
    assert count["Люди"] > 3  # 889 people: several pages, each one…
    for sheet, text in pages:
        if sheet == "Люди":  # …with the header row, all the columns (fitted to the width)
            assert "ФИО" in text and "Следующий шаг" in text and "Контакт" in text, text[:300]
        if sheet == "Классы":
            assert "Классный руководитель" in text and "Доля" in text, text[:300]


def test_the_workbook_asks_for_that_print_setup(demo_report):
    """What Excel reads (the sheets' XML and the workbook's print titles): what LibreOffice printed by."""
    with zipfile.ZipFile(demo_report[0]) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = [ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{i}.xml")) for i in range(1, 7)]
    names = [s.get("name") for s in workbook.findall("m:sheets/m:sheet", MAIN)]
    titles = {int(d.get("localSheetId")): d.text for d in workbook.findall("m:definedNames/m:definedName", MAIN)
              if d.get("name") == "_xlnm.Print_Titles"}
    assert titles == {i: f"'{name}'!$" + ("5:$5" if name == "Сводка" else "1:$1") for i, name in enumerate(names)}
    for name, sheet in zip(names, sheets):
        setup = sheet.find("m:pageSetup", MAIN).attrib
        assert (setup["orientation"], setup["paperSize"], setup["fitToWidth"]) == ("landscape", "9", "1"), name
        assert setup["fitToHeight"] == ("1" if name == "Сводка" else "0"), name
        assert sheet.find("m:sheetPr/m:pageSetUpPr", MAIN).get("fitToPage") == "1", name


def test_lines_are_not_smoothed_and_legends_are_below_the_plot(demo_report):
    with zipfile.ZipFile(demo_report[0]) as archive:
        charts = [ElementTree.fromstring(archive.read(n)) for n in archive.namelist()
                  if n.startswith("xl/charts/chart")]
    lines = [c for c in charts if c.find(".//c:lineChart", CHART) is not None]
    assert len(lines) == 1
    series = lines[0].findall(".//c:lineChart/c:ser", CHART)
    assert len(series) > 1
    for ser in series:
        assert ser.find("c:smooth", CHART).get("val") == "0"
    for chart in charts:
        legend = chart.find(".//c:legend", CHART)
        assert legend.find("c:legendPos", CHART).get("val") == "b"
        assert legend.find("c:overlay", CHART).get("val") == "0"
        assert all(axis.get("val") == "0" for axis in chart.findall(".//c:delete", CHART))
