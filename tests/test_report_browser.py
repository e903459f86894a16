"""Private outputs in a real headless Chromium: opened from disk, they ask no other host for anything.

report.html (one school and a district) and the meeting kit are loaded with
file:// URLs; every request the page makes is recorded and must be a file://
one; a hostile name must stay text (no dialog opens, no script element
exists); and the pages print to A4.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.store import Store
from tests.test_report_support import NASTY_NAME, REPO, catalog, into_store, small_school  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("private")
    db = str(folder / "store.sqlite")
    with Store.open(db) as store:
        into_store(store, small_school(1, "МБОУ СОШ № 7"))
        into_store(store, small_school(2, "Школа <img src=x onerror=alert(2)>", nasty=False))
    runner = CliRunner()
    for args in (
        ["class", "set-link", "7А", "https://max.ru/join/abc", "--school", "МБОУ СОШ № 7"],
        ["report", "-o", str(folder / "district")],
        ["report", "-o", str(folder / "one"), "--school", "МБОУ СОШ № 7"],
        ["kit", "--class", "7А", "--allow-local-url", "-o", str(folder / "kit"), "--school", "МБОУ СОШ № 7"],
        ["kit", "--class", "7А", "--common", "--allow-local-url", "-o", str(folder / "kit"), "--school", "МБОУ СОШ № 7"],
    ):
        result = runner.invoke(cli, [*args, "--db", db, *(["--project", str(REPO)] if args[0] != "class" else [])],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return folder


def open_offline(browser, path):
    """Load a file and return (page, the URLs it requested, dialogs it tried to open)."""
    context = browser.new_context()
    page = context.new_page()
    requests, dialogs = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return page, requests, dialogs


@pytest.mark.parametrize("name", ["one/report.html", "district/district.html", "district/01-МБОУ-СОШ-7/report.html",
                                  "district/02-Школа-img-src-x-onerror-alert-2/report.html",
                                  "kit/kit-7А.html", "kit/kit-7А-common.html"])
def test_opens_from_disk_without_asking_any_other_host(chromium, outputs, name):
    path = outputs / name
    assert path.is_file(), sorted(p.relative_to(outputs).as_posix() for p in outputs.rglob("*.html"))
    page, requests, dialogs = open_offline(chromium, path)
    try:
        assert requests and all(url.startswith("file://") for url in requests), requests
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, link').length") == 0
        assert page.evaluate("document.querySelector('svg') !== null")
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.context.close()


def test_hostile_names_show_as_text(chromium, outputs):
    page, _, dialogs = open_offline(chromium, outputs / "one" / "report.html")
    try:
        assert NASTY_NAME in page.inner_text("#behind")
        assert '=HYPERLINK("http://x","y")' in page.inner_text("#behind")
        assert dialogs == []
    finally:
        page.context.close()
    page, _, dialogs = open_offline(chromium, outputs / "district" / "district.html")
    try:
        assert "Школа <img src=x onerror=alert(2)>" in page.inner_text("main")
        assert dialogs == []
    finally:
        page.context.close()


def test_a_parent_page_fits_one_a4_sheet(chromium, outputs):
    page, _, _ = open_offline(chromium, outputs / "kit" / "kit-7А.html")
    try:
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 703, "height": 1000})  # A4 less the kit's margins, at 96 dpi
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('section.page:not(.signoff-page)'))"
            ".map(e => e.getBoundingClientRect().height)")
        assert len(heights) == 4
        assert max(heights) < 1024  # 271 mm of printable height
    finally:
        page.context.close()


def test_the_sign_off_sheet_fits_landscape_a4_with_every_step(chromium, outputs, catalog):
    page, _, _ = open_offline(chromium, outputs / "kit" / "kit-7А.html")
    try:
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1047, "height": 740})  # landscape A4 less the sign-off's margins, 96 dpi
        widths = page.evaluate("(() => { const t = document.querySelector('table.signoff');"
                               " return [t.scrollWidth, t.parentElement.clientWidth,"
                               " t.querySelectorAll('th.step').length]; })()")
        assert widths[0] <= widths[1], widths
        assert widths[2] == len(catalog.steps_for_person("parent"))
    finally:
        page.context.close()
