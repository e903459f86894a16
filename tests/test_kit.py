"""`sferum-onboard kit` and `class set-link`: the printed meeting kit of a class."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from sferum_onboard.errors import DataError
from sferum_onboard.outputs import kit
from sferum_onboard.outputs.sheet import FIRST_ROW, IDS_ROW
from sferum_onboard.site.urls import phone_link
from sferum_onboard.tracking.store import Store
from tests.storekit import store_url  # noqa: F401 (fixture)
from tests.test_report_support import (  # noqa: F401 (fixtures)
    FORMULA_NAME, NASTY_NAME, REPO, into_store, small_school,
    PROJECT, PUBLIC_URL, catalog, public_project, run, school_db,
)

LINK = "https://max.ru/join/Класс7А-xYz"


def pages(text: str) -> list[str]:
    return re.findall(r'<section class="page[^"]*".*?</section>', text, re.S)


def test_a_page_per_parent_with_the_checklist_qr_codes_and_the_class_leader(store_url, tmp_path, catalog, public_project):
    with Store.open(store_url) as store:
        into_store(store, small_school())
    run("class", "set-link", "7а", LINK, "--db", store_url)
    output = run("kit", "--class", "7A", *public_project, "--db", store_url, "-o", str(tmp_path))
    path = tmp_path / "kit-7А.html"
    assert output.splitlines()[:2] == [
        f"Записано: {path}", "Памятки для 7А: 4 родителя; с QR-кодом приглашения в чат класса."]
    text = path.read_text(encoding="utf-8")
    found = pages(text)
    assert len(found) == 5  # four parents, then the sign-off sheet
    steps = catalog.steps_for_person("parent")
    first = found[0]
    assert first.count('class="box"') == len(steps)
    assert first.count("<svg") == 2  # the guide and the class invitation
    assert "Классный руководитель 7А: Петрова Мария Ивановна, +7 900 111-22-33" in first
    assert f"{PUBLIC_URL}checklists/parent/" in first
    assert "Мамина Анна Сергеевна" in found[0] + found[1] + found[2] + found[3]
    # The mother of two sees only her child of this class.
    mother = next(p for p in found if "Мамина Анна Сергеевна" in p)
    assert "(ребёнок: Ученик0 Иван Петрович)" in mother and "Малыш" not in mother
    assert "уже отмечено" in mother  # she joined the class at a meeting already
    assert "<script" not in text and str(escape(NASTY_NAME)) in text and str(escape(FORMULA_NAME)) in text
    assert LINK not in text  # only its QR code is printed, and the link lives in the store only


def test_the_sign_off_sheet_follows_the_class_sheet(school_db, tmp_path, catalog, public_project):
    run("sheet", "export", "--class", "7А", *PROJECT, "--db", school_db, "-o", str(tmp_path / "7А.xlsx"))
    sheet = load_workbook(tmp_path / "7А.xlsx")["Родители"]
    ids = [c.value for c in sheet[IDS_ROW]][4:]
    names = [row[2].value for row in sheet.iter_rows(min_row=FIRST_ROW) if row[2].value]
    run("kit", "--class", "7А", *public_project, "--db", school_db, "-o", str(tmp_path))
    signoff = pages((tmp_path / "kit-7А.html").read_text(encoding="utf-8"))[-1]
    titles = re.findall(r'<th scope="col" class="step"><span>([^<]*)</span></th>', signoff)
    assert titles == [catalog.steps[i].title for i in ids]  # every step of the sheet, in its order
    assert titles[0] == catalog.steps[catalog.checklists["parent"].step_ids[0]].title  # step 1 included
    assert len(titles) == len(catalog.steps_for_person("parent"))
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td class="num">\d+</td><td class="name">([^<]*)</td>', signoff)
    assert [int(n) for n, _ in rows] == list(range(1, len(names) + 1))
    assert [name for _, name in rows] == [str(escape(n)) for n in names]


def test_one_common_page_without_names(school_db, tmp_path, public_project):
    output = run("kit", "--class", "2Б", "--common", *public_project, "--db", school_db, "-o", str(tmp_path))
    assert "без QR-кода приглашения (сохраните ссылку: sferum-onboard class set-link 2Б ССЫЛКА)" in output
    found = pages((tmp_path / "kit-2Б-common.html").read_text(encoding="utf-8"))
    assert len(found) == 2
    assert "Для:" not in found[0] and "Мамина" not in found[0] and "✓" not in found[0]
    assert found[0].count("<svg") == 1


def test_set_link_checks_the_address_and_can_clear_it(school_db):
    output = run("class", "set-link", "7А", "max.ru/join/abc", "--db", school_db, code=1)
    assert output == "Ошибка: «max.ru/join/abc» — не ссылка-приглашение: нужен адрес, который начинается с https://\n"
    output = run("class", "set-link", "7А", LINK, "--db", school_db)
    assert output == ("Ссылка-приглашение класса 7А сохранена в базе учёта (на сайт она не попадает); "
                      "её QR-код будет на памятках: sferum-onboard kit --class 7А\n")
    with Store.open(school_db) as store:
        assert store.get_class(store.school(), "7А").invite_link == LINK
    assert run("class", "set-link", "7А", "--clear", "--db", school_db) == (
        "Ссылка-приглашение класса 7А удалена из базы учёта.\n")
    with Store.open(school_db) as store:
        assert store.get_class(store.school(), "7А").invite_link is None
    output = run("class", "set-link", "7А", "--db", school_db, code=2)
    assert "укажите ссылку или --clear (но не то и другое)" in output
    output = run("class", "set-link", "9Я", LINK, "--db", school_db, code=1)
    assert output.startswith("Ошибка: ") and "9Я" in output


def test_a_kit_for_an_unknown_class_or_inside_the_site_is_refused(school_db, tmp_path, public_project):
    assert "Ошибка: " in run("kit", "--class", "5В", *public_project, "--db", school_db, "-o", str(tmp_path), code=1)
    site = Path(public_project[1]) / "site" / "kit"
    output = run("kit", "--class", "7А", *public_project, "--db", school_db, "-o", str(site), code=1)
    assert "внутри папки сайта" in output and not site.exists()


def test_qr_codes_carry_ascii_addresses_a_phone_opens():
    assert phone_link("https://школа.рф/чек-листы/parent/#шаг") == (
        "https://xn--80atdl2c.xn--p1ai/%D1%87%D0%B5%D0%BA-%D0%BB%D0%B8%D1%81%D1%82%D1%8B/parent/"
        "#%D1%88%D0%B0%D0%B3")
    assert phone_link("http://localhost:8000/checklists/parent/") == "http://localhost:8000/checklists/parent/"
    svg = kit.qr_svg("https://example.org/", "QR <b>")
    assert 'aria-label="QR &lt;b&gt;"' in svg and "viewBox" in svg


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://", "https://max.ru/join/a b", "ftp://x/y"])
def test_links_that_are_not_invitations(link):
    with pytest.raises(DataError):
        kit.check_invite_link(link)


def test_pdf_only_with_weasyprint(school_db, tmp_path, public_project):
    output = run("kit", "--class", "7А", *public_project, "--db", school_db, "-o", str(tmp_path))
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        assert output.splitlines()[-1] == ("PDF не записан: для него установите WeasyPrint "
                                           "(pip install 'sferum-onboard[pdf]'); HTML печатается из браузера на A4.")
        assert not (tmp_path / "kit-7А.pdf").exists()
    else:
        assert (tmp_path / "kit-7А.pdf").read_bytes().startswith(b"%PDF")


def test_kit_works_on_the_demo_school(tmp_path, public_project):
    db = str(tmp_path / "demo.sqlite")
    run("demo", *PROJECT, "--db", db)
    output = run("kit", "--class", "5А", *public_project, "--db", db, "-o", str(tmp_path))
    assert "Памятки для 5А:" in output
    assert len(pages((tmp_path / "kit-5А.html").read_text(encoding="utf-8"))) > 10


def test_kit_in_a_district_names_the_school(tmp_path, public_project):
    db = str(tmp_path / "district.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school(1, "МБОУ СОШ № 7"))
        into_store(store, small_school(2, "МБОУ СОШ № 9", nasty=False))
    output = run("kit", "--class", "7А", *public_project, "--db", db, "-o", str(tmp_path), code=1)
    assert output.startswith("Ошибка: ") and "«МБОУ СОШ № 7»" in output and "«МБОУ СОШ № 9»" in output
    run("kit", "--class", "7А", "--school", "МБОУ СОШ № 9", *public_project, "--db", db, "-o", str(tmp_path))
    text = (tmp_path / "kit-7А.html").read_text(encoding="utf-8")
    assert "МБОУ СОШ № 9 · 7А" in text and "<script" not in text
