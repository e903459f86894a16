"""report.xlsx: the report's numbers on sheets, with native Excel charts.

Sheets: Сводка (targets, with a bar chart of value against target),
Динамика (weekly burn-up points, a line chart), Воронка (a bar chart),
Классы, Люди, Шаги школы. Numbers are numbers (shares as fractions
formatted as percent) so a school can sort and chart them further.

Text is always stored as a text cell, never as a formula: a roster name
such as =HYPERLINK(…) shows as typed and never runs (cells written through
openpyxl also get Excel's quote prefix, so it stays text when edited).
Control characters, which XML cannot hold, are dropped.

Every sheet prints on landscape A4, fitted to the page width, with its
header rows repeated on each page and the sheet's name and page number in
the footer; the summary fits one page. Charts keep their lines straight
between weekly points (a smoothed curve invents dips in totals that only
grow) and their legends under the plot, where long target titles fit.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Iterable, Sequence
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.worksheet.worksheet import Worksheet

from sferum_onboard import percent
from sferum_onboard.catalog.model import MILESTONES, Catalog
from sferum_onboard.dates import EXCEL_DATE_FORMAT, date_text
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs.labels import audience_text, group_title, status_text
from sferum_onboard.outputs.reportview import ReportView, district_rows
from sferum_onboard.outputs.spreadsheet import text_cell
from sferum_onboard.wording import role_title_plural
from sferum_onboard.tracking import roadmap

PERCENT = "0.0%"
DATE = EXCEL_DATE_FORMAT
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
WARNING_FONT = Font(bold=True, color="8A3B00")


def put(sheet: Worksheet, row: int, column: int, value, number_format: str | None = None):
    """Write one cell; text is always stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text_cell(cell, ILLEGAL_CHARACTERS_RE.sub("", value))
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def put_row(sheet: Worksheet, row: int, values: Iterable, formats: Sequence[str | None] = ()) -> None:
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value, formats[column - 1] if column - 1 < len(formats) else None)


def header(sheet: Worksheet, row: int, titles: Sequence[str], widths: Sequence[int] = ()) -> None:
    for column, title in enumerate(titles, start=1):
        cell = put(sheet, row, column, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if widths:
        # Spreadsheet programs do not grow a row for wrapped text when they open a file: give it the lines.
        lines = max(-(-len(title) // max(1, int(width * 0.9))) for title, width in zip(titles, widths))
        sheet.row_dimensions[row].height = 15 * max(1, lines)
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def title_rows(sheet: Worksheet, title: str, as_of: dt.date) -> int:
    """The sheet's title, the date and the personal-data warning; returns the next free row."""
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    put(sheet, 2, 1, f"Состояние на {date_text(as_of)}")
    put(sheet, 3, 1, REPORTS["private-banner"]).font = WARNING_FONT
    return 5


def print_setup(sheet: Worksheet, header_rows: str, one_page: bool = False) -> None:
    """Landscape A4, fitted to the page width (and height when `one_page`), `header_rows` ("5:5") on every page."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as the rows need
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = header_rows  # saved as the workbook's _xlnm.Print_Titles name
    sheet.oddFooter.center.text = "&A, страница &P"
    sheet.oddFooter.center.size = 8


def chart_style(chart) -> None:
    """Axes shown, the legend below the plot and beside it, never over it; lines straight between points."""
    chart.legend.position = "b"
    chart.legend.overlay = False
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False  # openpyxl 3.1 leaves it unset, and Excel then hides the axis
    if isinstance(chart, LineChart):
        chart.smooth = False
        for series in chart.series:
            series.smooth = False


def fraction(value: float | None) -> float | None:
    """A share as the cell's fraction, rounded by the one rule (`percent`), so the cell shows what the HTML does."""
    shown = percent.rounded(value)
    return None if shown is None else shown / 100


class Book:
    """An openpyxl workbook plus bulk rows written straight as sheet XML.

    openpyxl builds an object per cell: a district's 100,000 people would
    take longer than the whole report may. A bulk sheet gets its header and
    first row from openpyxl (so styles, widths, filters and frozen panes are
    openpyxl's), and the other rows are spliced into the saved sheet's XML
    with the first row's styles per column. Text is always an inline string,
    never a formula. openpyxl's write-only mode (WriteOnlyCell) still makes
    a cell object per value: measured with `bench_report.py --xlsx-writers`,
    it writes these sheets 7–8 times slower, so the splice stays.
    """

    def __init__(self) -> None:
        self.workbook = Workbook()
        self.bulk: dict[str, tuple[int, list[Sequence]]] = {}

    def rows(self, sheet: Worksheet, first_row: int, rows: Sequence[Sequence], formats: Sequence[str | None] = ()):
        """Write rows from `first_row` on; all but the first go through the fast path."""
        if not rows:
            return
        put_row(sheet, first_row, rows[0], formats)
        for column in range(len(rows[0]) + 1, len(formats) + 1):
            put(sheet, first_row, column, None, formats[column - 1])
        if len(rows) > 1:
            self.bulk[sheet.title] = (first_row, list(rows[1:]))

    def save(self) -> bytes:
        # openpyxl writes an uncompressed archive; the splice compresses every part once.
        stream = io.BytesIO()
        self.workbook.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
        ExcelWriter(self.workbook, zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
        return _splice(stream.getvalue(), self.bulk)


_ROW = re.compile(r'<row r="(\d+)"[^>]*>(.*?)</row>', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)\d+"([^>]*?)/?>')
_STYLE = re.compile(r'\bs="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
EXCEL_EPOCH = dt.date(1899, 12, 30)
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _splice(data: bytes, bulk: dict[str, tuple[int, list[Sequence]]]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    paths = _sheet_paths(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            for title, (first_row, rows) in bulk.items():
                if paths.get(title) == item.filename:
                    content = _add_rows(content.decode("utf-8"), first_row, rows).encode("utf-8")
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its part in the archive, from the workbook and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", _NS)}
    paths = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return paths


def _add_rows(xml: str, first_row: int, rows: list[Sequence]) -> str:
    template = next(m for m in _ROW.finditer(xml) if int(m.group(1)) == first_row)
    styles: dict[str, str] = {}
    for column, attributes in _CELL.findall(template.group(2)):
        style = _STYLE.search(attributes)
        styles[column] = f' s="{style.group(1)}"' if style else ""
    letters = [get_column_letter(i) for i in range(1, max(len(r) for r in rows) + 1)]
    # Per column: what comes before and after the row number in «<c r="B12" s="3"…».
    around = [(f'<c r="{letter}', f'"{styles.get(letter, "")}') for letter in letters]
    bodies: dict[str, str] = {}  # roles, classes, steps and links repeat: build each text cell once
    parts = []
    for number, values in enumerate(rows, start=first_row + 1):
        row = str(number)
        cells = [f'<row r="{row}">']
        for (before, after), value in zip(around, values):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                body = bodies.get(value)
                if body is None:
                    body = bodies[value] = _text_body(value)
                cells.append(before + row + after + body)
            elif kind is int:
                cells.append(f"{before}{row}{after}><v>{value}</v></c>")
            elif value is not None:
                cells.append(_cell_xml(before + row + after, value))
        cells.append("</row>")
        parts.append("".join(cells))
    last = first_row + len(rows)
    xml = xml[: template.end()] + "".join(parts) + xml[template.end():]
    return _DIMENSION.sub(f'<dimension ref="A1:{letters[-1]}{last}"/>', xml, count=1)


def _text_body(value: str) -> str:
    """The rest of an inline text cell: never a formula, whatever the text starts with."""
    text = _escape(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _escape(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(start: str, value) -> str:
    """A number, a truth value or a date (as Excel's day number) after `<c r="…" s="…"`."""
    if isinstance(value, bool):
        return f'{start} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = (value - EXCEL_EPOCH).days
    return f"{start}><v>{value!r}</v></c>"


# --- one school ----------------------------------------------------------------


def school_workbook(view: ReportView) -> bytes:
    book = Book()
    workbook = book.workbook
    summary_sheet(workbook.active, view)
    burnup_sheet(workbook.create_sheet("Динамика"), view)
    funnel_sheet(workbook.create_sheet("Воронка"), view)
    classes_sheet(book, workbook.create_sheet("Классы"), view)
    people_sheet(book, workbook.create_sheet("Люди"), view)
    org_sheet(workbook.create_sheet("Шаги школы"), view.result)
    workbook.properties.title = f"Сферум: {view.school_name}"
    return book.save()


SUMMARY_COLUMNS = ("Цель", "Кого считаем", "Выполнили", "Учтено", "Не относится", "Доля", "Цель, %", "Срок",
                   "Статус", "Прогноз к сроку", "Темп, п. п. в неделю")


def summary_sheet(sheet: Worksheet, view: ReportView) -> None:
    sheet.title = "Сводка"
    result = view.result
    row = title_rows(sheet, f"Подключение к Сферуму: {view.school_name}", result.as_of)
    put(sheet, 4, 1, f"В учёте: {view.population()}")
    header(sheet, row, SUMMARY_COLUMNS, (44, 28, 12, 9, 12, 9, 9, 12, 16, 14, 12))
    print_setup(sheet, f"{row}:{row}", one_page=True)
    first = row + 1
    for r in result.targets:
        row += 1
        put_row(sheet, row, (
            r.target.title, audience_text(view.catalog, r.target), r.done, r.counted, r.not_applicable,
            fraction(r.value), r.target.target / 100, r.target.due, status_text(r), fraction(r.forecast),
            None if r.pace is None else round(r.pace, 2),
        ), (None, None, None, None, None, PERCENT, PERCENT, DATE, None, PERCENT, "0.00"))
    if result.targets:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Цели дорожной карты: доля и цель"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.add_data(Reference(sheet, min_col=6, max_col=7, min_row=first - 1, max_row=row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=row))
        chart.height, chart.width = 3 + 1.2 * len(result.targets), 22
        chart_style(chart)
        sheet.add_chart(chart, f"A{row + 3}")


def burnup_sheet(sheet: Worksheet, view: ReportView) -> None:
    """Weekly points of every target on one date axis, and a line chart of them."""
    targets = [r for r in view.result.targets if r.series]
    days = sorted({day for r in targets for day, _ in r.series})
    header(sheet, 1, ["Дата", *(r.target.title for r in targets)], (12, *([18] * len(targets))))
    print_setup(sheet, "1:1")
    for row, day in enumerate(days, start=2):
        put(sheet, row, 1, day, DATE)
        for column, r in enumerate(targets, start=2):
            value = _value_on(r.series, day)
            if value is not None:
                put(sheet, row, column, value / 100, PERCENT)
    if targets and days:
        chart = LineChart()
        chart.title = "Доля выполнивших по неделям"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.x_axis.number_format = "dd.mm"
        chart.add_data(Reference(sheet, min_col=2, max_col=len(targets) + 1, min_row=1, max_row=len(days) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(days) + 1))
        # Below the table, so a printed page is as wide as the table; tall enough for a legend line per target.
        chart.height, chart.width = 9 + 0.6 * len(targets), 24
        chart_style(chart)
        sheet.add_chart(chart, f"A{len(days) + 3}")


def _value_on(series, day: dt.date) -> float | None:
    """The series' value on a day: its latest point up to that day; None before it starts."""
    value = None
    for point_day, point_value in series:
        if point_day > day:
            break
        value = point_value
    return value


def funnel_sheet(sheet: Worksheet, view: ReportView) -> None:
    rows = view.result.funnel
    titles = [REPORTS[f"milestone-{m}"] for m in MILESTONES]
    header(sheet, 1, ["Кто", "Всего", *titles], (24, 8, *([15] * len(titles))))
    print_setup(sheet, "1:1")
    for row, entry in enumerate(rows, start=2):
        put_row(sheet, row, (group_title(view.catalog, entry.group), entry.total, *(n for _, n in entry.stages)))
    if rows:
        chart = BarChart()
        chart.title = "Воронка подключения"
        chart.add_data(Reference(sheet, min_col=3, max_col=2 + len(titles), min_row=1, max_row=len(rows) + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
        chart.height, chart.width = 9, 24
        chart_style(chart)
        sheet.add_chart(chart, f"A{len(rows) + 4}")


CLASS_COLUMNS = ("Класс", "Классный руководитель", "Кто", "Шаг", "Сделали", "Из", "Доля", "Проверено по чату",
                 "Посторонних в чатах класса")
PEOPLE_COLUMNS = ("ФИО", "Роль", "Класс", "Сделано", "Из", "Отстаёт", "Следующий шаг", "Инструкция", "Кто поможет",
                  "Контакт")


def class_rows(view: ReportView) -> list[tuple]:
    """A row per class, group (pupils, parents) and step: done, of how many, the share, how many of them
    a chat's member list verified; and the class's outsiders not handled yet."""
    return [
        (entry.name, entry.leader.full_name if entry.leader else "", role_title_plural(group.role), count.step.title,
         count.done, count.applicable, fraction(count.share), count.verified, entry.outsiders)
        for entry in view.result.classes for group in entry.groups for count in group.steps
    ]


def people_rows(view: ReportView) -> list[tuple]:
    """A row per person: their progress, next step and its guide, who helps."""
    return [
        (p.name, p.role, p.classes, p.done, p.total, "да" if p.behind else "нет", p.next_step,
         p.next_step_url or "", p.helpers, p.contact)
        for p in view.people
    ]


def classes_sheet(book: Book, sheet: Worksheet, view: ReportView) -> None:
    header(sheet, 1, CLASS_COLUMNS, (8, 30, 10, 40, 9, 7, 9, 11, 13))
    print_setup(sheet, "1:1")
    rows = class_rows(view)
    book.rows(sheet, 2, rows, (None, None, None, None, None, None, PERCENT))
    sheet.auto_filter.ref = f"A1:I{len(rows) + 1}"


def people_sheet(book: Book, sheet: Worksheet, view: ReportView) -> None:
    header(sheet, 1, PEOPLE_COLUMNS, (34, 22, 10, 9, 6, 9, 36, 40, 34, 20))
    print_setup(sheet, "1:1")
    rows = people_rows(view)
    book.rows(sheet, 2, rows)
    sheet.auto_filter.ref = f"A1:J{len(rows) + 1}"


def org_sheet(sheet: Worksheet, result: roadmap.SchoolResult) -> None:
    header(sheet, 1, ["Шаг школы", "Состояние", "Дата"], (50, 14, 12))
    print_setup(sheet, "1:1")
    for row, entry in enumerate(result.org_steps, start=2):
        if entry.done:
            state = "сделано"
        elif entry.mark is not None and entry.mark.not_applicable:
            state = "не относится"
        else:
            state = "не отмечено"
        put_row(sheet, row, (entry.step.title, state, entry.mark.day if entry.done else None), (None, None, DATE))


# --- a district --------------------------------------------------------------------


def district_workbook(catalog: Catalog, views: Sequence[ReportView], folders: Sequence[str]) -> bytes:
    book = Book()
    sheet = book.workbook.active
    sheet.title = "Школы"
    targets, rows, totals = district_rows(views, folders)
    as_of = views[0].result.as_of if views else dt.date.today()
    row = title_rows(sheet, "Подключение к Сферуму: сводка по школам", as_of)
    header(sheet, row, ["Школа", "В учёте", *(f"{t.title} (цель {t.target:g} %)" for t in targets), "Отстают"],
           (36, 40, *([16] * len(targets)), 10))
    print_setup(sheet, f"{row}:{row}")
    first = row + 1
    for entry in rows:
        row += 1
        values = [entry.school, entry.population, *(fraction(r.value) if r else None for r in entry.results),
                  entry.behind]
        put_row(sheet, row, values, (None, None, *([PERCENT] * len(targets))))
    row += 1
    put_row(sheet, row, ["Все школы", "", *(fraction(v) for v, _, _ in totals),
                         sum(e.behind for e in rows)], (None, None, *([PERCENT] * len(targets))))
    sheet.cell(row=row, column=1).font = BOLD
    if targets and rows:
        chart = BarChart()
        chart.title = "Доля по школам"
        chart.y_axis.number_format = "0%"
        chart.add_data(Reference(sheet, min_col=3, max_col=2 + len(targets), min_row=first - 1, max_row=row - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=row - 1))
        chart.height, chart.width = 10, 26
        chart_style(chart)
        sheet.add_chart(chart, f"A{row + 3}")
    return book.save()
