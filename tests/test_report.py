"""`sferum-onboard report`: report.html and report.xlsx, a district roll-up, where reports may go."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import zipfile
from pathlib import Path

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from sferum_onboard.errors import DataError
from sferum_onboard.outputs.report import check_output_dir
from sferum_onboard.tracking.store import Store
from tests.storekit import store_url  # noqa: F401 (fixture)
from tests.test_report_support import (  # noqa: F401 (fixtures)
    FORMULA_NAME, NASTY_NAME, REPO, into_store, small_school,
    PROJECT, catalog, libreoffice_convert, run, school_db,
)

BANNER = ("Конфиденциально: здесь персональные данные (ФИО учеников, родителей и сотрудников). "
          "Не публикуйте на сайте и не пересылайте в общие чаты; храните на компьютере школы.")


def card_values(text: str) -> dict[str, str]:
    """Target id -> the value its card shows."""
    cards = re.findall(r'data-target="([^"]+)">.*?<span class="value" data-value>([^<]*)</span>', text, re.S)
    return {target: html.unescape(value) for target, value in cards}


def test_report_writes_private_html_and_xlsx_and_prints_the_targets(store_url, tmp_path, catalog):
    with Store.open(store_url) as store:
        into_store(store, small_school())
    out = tmp_path / "out"
    output = run("report", *PROJECT, "--db", store_url, "-o", str(out))
    lines = output.splitlines()
    assert lines[:2] == [f"Записано: {out / 'report.html'}", f"Записано: {out / 'report.xlsx'}"]
    assert lines[2] == ("«Все классные руководители в школе и с чатами класса»: 100\u00a0% "
                        "(цель 100\u00a0% к 30.09.2026) — выполнено")
    assert len(lines) == 3 + len(catalog.roadmap.targets)
    assert lines[-1] == BANNER
    for name in ("report.html", "report.xlsx"):
        assert (out / name).stat().st_mode & 0o077 == 0  # readable by the owner only
    values = card_values((out / "report.html").read_text(encoding="utf-8"))
    assert values["class-leaders-class-chats"] == "100\u00a0%"
    assert values["class-leaders-video-meetings"] == "50\u00a0%"
    assert values["parents-active"] == "16,6\u00a0%"  # the mother of two is one parent of six


def test_report_html_has_every_part_and_escapes_names(school_db, tmp_path, catalog):
    run("report", *PROJECT, "--db", school_db, "-o", str(tmp_path))
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert BANNER in html.unescape(text)
    assert "default-src 'none'" in text  # nothing may load, even if a link slipped in
    assert "<script" not in text and "alert(1)</script>" not in text
    assert str(escape(NASTY_NAME)) in text and str(escape(FORMULA_NAME)) in text
    assert re.search(r'\s(src|srcset)=', text) is None
    assert text.count('<svg class="chart burnup"') == len(catalog.roadmap.targets)
    assert text.count('<svg class="chart funnel"') == 6  # administrators, teachers, class leaders, specialists, pupils, parents
    for heading in ("Дорожная карта", "Воронка подключения", "Классы", "Кто отстаёт", "Шаги школы"):
        assert f">{heading}</h2>" in text
    assert "2Б · классный руководитель Сидорова Ольга Павловна" in text
    assert "7А · классный руководитель Петрова Мария Ивановна" in text
    behind = text[text.index('id="behind-h"'):text.index('id="school-h"')]
    assert "Физиков Пётр Ильич" in behind and "Ученик3 Иван Петрович" in behind
    # The pupil who joined is past the key steps but not active yet: the next step is to become active.
    row = re.search(r"<tr><td>Ученик1 Иван Петрович</td>.*?</tr>", behind).group(0)
    assert "Петрова Мария Ивановна (+7 900 111-22-33)" in row
    assert "/pupil/" in row
    school = text[text.index('id="school-h"'):]
    assert "✓ сделано</span> 28.08.2026" in school
    assert "не отмечено" in school


def test_report_xlsx_reads_back_in_an_independent_reader(school_db, tmp_path, catalog):
    run("report", *PROJECT, "--db", school_db, "-o", str(tmp_path))
    path = tmp_path / "report.xlsx"
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Сводка", "Динамика", "Воронка", "Классы", "Люди", "Шаги школы"]
    summary = book.get_sheet_by_name("Сводка").to_python()
    header = summary.index(next(r for r in summary if r[0] == "Цель"))
    rows = {r[0]: r for r in summary[header + 1:] if r[0]}
    targets = {t.id: t for t in catalog.roadmap.targets}
    chats = rows[targets["class-leaders-class-chats"].title]
    assert chats[2:7] == [2.0, 2.0, 0.0, 1.0, 1.0]  # done, counted, not applicable, share, target
    assert chats[7] == dt.date(2026, 9, 30)
    assert rows[targets["class-leaders-video-meetings"].title][5] == 0.5
    people = book.get_sheet_by_name("Люди").to_python()
    names = [r[0] for r in people[1:]]
    assert NASTY_NAME in names and FORMULA_NAME in names
    assert len(names) == 19
    classes = book.get_sheet_by_name("Классы").to_python()
    assert {r[0] for r in classes[1:]} == {"2Б", "7А"}
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(charts) == 3  # targets, burn-up, funnel: native Excel charts
    assert not any("<f>" in sheet for sheet in sheets)  # no formula anywhere
    cell = next(c for row in load_workbook(path)["Люди"].iter_rows() for c in row if c.value == FORMULA_NAME)
    assert cell.data_type == "s"


def test_as_of_a_past_date(school_db, tmp_path):
    run("report", *PROJECT, "--db", school_db, "-o", str(tmp_path), "--as-of", "2026-09-05")
    values = card_values((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert values["class-leaders-class-chats"] == "100\u00a0%"
    assert values["class-leaders-video-meetings"] == "0\u00a0%"
    assert "Состояние на <strong>05.09.2026</strong>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_district_roll_up_and_a_report_per_school(tmp_path):
    db = str(tmp_path / "district.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school(1, "МБОУ СОШ № 7"))
        into_store(store, small_school(2, "Школа <№ 9> & «Лицей»", nasty=False))
    out = tmp_path / "out"
    output = run("report", *PROJECT, "--db", db, "-o", str(out))
    assert output.splitlines()[:2] == [f"Записано: {out / 'district.html'}", f"Записано: {out / 'district.xlsx'}"]
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["01-МБОУ-СОШ-7", "02-Школа-9-Лицей"]
    for folder in folders:
        assert (out / folder / "report.html").is_file() and (out / folder / "report.xlsx").is_file()
    text = (out / "district.html").read_text(encoding="utf-8")
    assert "Школа &lt;№ 9&gt; &amp; «Лицей»" in text and "<№ 9>" not in text
    assert 'href="01-МБОУ-СОШ-7/report.html"' in text
    assert "Все школы" in text
    rows = CalamineWorkbook.from_path(str(out / "district.xlsx")).get_sheet_by_name("Школы").to_python()
    schools = [r[0] for r in rows if r[0] in ("МБОУ СОШ № 7", "Школа <№ 9> & «Лицей»", "Все школы")]
    assert schools == ["МБОУ СОШ № 7", "Школа <№ 9> & «Лицей»", "Все школы"]
    single = tmp_path / "one"
    run("report", *PROJECT, "--db", db, "-o", str(single), "--school", "мбоу сош № 7")
    assert sorted(p.name for p in single.iterdir()) == ["report.html", "report.xlsx"]


def test_an_empty_store_says_what_to_do(tmp_path):
    output = run("report", *PROJECT, "--db", str(tmp_path / "empty.sqlite"), "-o", str(tmp_path / "out"), code=1)
    assert output == ("Ошибка: в хранилище нет ни одной школы; сначала загрузите списки: "
                      "sferum-onboard roster import ФАЙЛ\n")


def test_output_inside_the_site_folder_is_refused(school_db, tmp_path):
    target = REPO / "site" / "private-report"
    output = run("report", *PROJECT, "--db", school_db, "-o", str(target), code=1)
    assert output == (f"Ошибка: папку «{target}» нельзя использовать: она внутри папки сайта «{REPO / 'site'}», "
                      "а сайт публикуется целиком; отчёты с персональными данными сохраните в другую папку, "
                      "например out/\n")
    assert not target.exists()


@pytest.mark.parametrize("config, inside, outside", [
    ("", "site/report", "out/report"),
    ("site_dir: public\n", "public/x/y", "site-copy"),
    ("docs_dir: 'build/docs'  # generated\nsite_dir: \"www\"\n", "www", "build/other"),
    ("", "build/docs/reports", "build"),
    ("", "content/parent", "content-drafts"),  # a kit's PDF there would be copied into the site
])
def test_site_folders_come_from_mkdocs_yml(tmp_path, config, inside, outside):
    (tmp_path / "mkdocs.yml").write_text("site_name: Школа\n" + config, encoding="utf-8")
    with pytest.raises(DataError):
        check_output_dir(tmp_path / inside, tmp_path)
    check_output_dir(tmp_path / outside, tmp_path)


def test_site_folders_follow_inherit_as_mkdocs_does(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("INHERIT: build/generated.yml\ndocs_dir: pages\n", encoding="utf-8")
    with pytest.raises(DataError):  # before the first build the inherited file is missing: the file's own keys count
        check_output_dir(tmp_path / "pages" / "r", tmp_path)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "generated.yml").write_text("site_name: Школа\nsite_dir: public\n", encoding="utf-8")
    for inside in ("public/r", "pages/r"):
        with pytest.raises(DataError):
            check_output_dir(tmp_path / inside, tmp_path)
    check_output_dir(tmp_path / "out", tmp_path)


@pytest.mark.parametrize("config", ["- site\n- docs\n", "site_name: [\n", "just text\n"])
def test_a_mkdocs_yml_that_is_no_mapping_still_keeps_reports_out_of_the_site(tmp_path, config):
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    with pytest.raises(DataError):
        check_output_dir(tmp_path / "site" / "r", tmp_path)
    check_output_dir(tmp_path / "out", tmp_path)


def test_a_symlink_into_the_site_folder_is_refused(tmp_path):
    (tmp_path / "site").mkdir()
    os.symlink(tmp_path / "site", tmp_path / "reports")
    with pytest.raises(DataError):
        check_output_dir(tmp_path / "reports" / "x", tmp_path)


def test_report_works_on_the_demo_school(tmp_path):
    db = str(tmp_path / "demo.sqlite")
    run("demo", *PROJECT, "--db", db)
    run("report", *PROJECT, "--db", db, "-o", str(tmp_path / "out"))
    text = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert text.count('class="class"') == 20
    assert len(Path(tmp_path / "out").glob("*.xlsx").__next__().read_bytes()) > 10_000


def test_libreoffice_opens_the_workbook_and_keeps_formulas_as_text(school_db, tmp_path):
    """A second independent reader: LibreOffice, which many schools open the report with (.ci/run installs it)."""
    run("report", *PROJECT, "--db", school_db, "-o", str(tmp_path))
    # Sheet -1: every sheet to its own CSV file.
    libreoffice_convert(tmp_path / "report.xlsx", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
                        tmp_path / "csv", tmp_path / "lo-profile")
    people = (tmp_path / "csv" / "report-Люди.csv").read_text(encoding="utf-8")
    assert '"=HYPERLINK(""http://x"",""y"")"' in people  # the text, not the formula's result «y»
    assert NASTY_NAME in people
    summary = (tmp_path / "csv" / "report-Сводка.csv").read_text(encoding="utf-8")
    assert "Все классные руководители в школе и с чатами класса" in summary
