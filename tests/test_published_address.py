"""Printed QR codes and reminder links lead to the published site, never to this computer or its network.

`kit` and `remind` refuse while site_url in site_config/site.yml is a local
address (unless --allow-local-url); `build` builds and warns. With a public
address, the kit's QR codes, drawn by Chromium and read by an independent
decoder (zxing-cpp), carry exactly the published addresses.
"""

from __future__ import annotations

import base64
import re

import pytest
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.site.urls import is_local_address, phone_link
from tests.sitekit import FIXTURE_PROJECT, copy_project
from tests.test_report_support import (  # noqa: F401 (fixtures)
    PROJECT, PUBLIC_URL, REPO, catalog, public_project, run, school_db,
)

LINK = "https://max.ru/join/Класс7А-xYz"


@pytest.mark.parametrize("url", [
    "http://localhost:8000/", "http://LOCALHOST/", "http://127.0.0.1:8000/", "http://127.5.6.7/", "http://[::1]/",
    "http://10.0.0.5/", "http://172.16.0.1/", "http://172.31.255.254/sferum/", "http://192.168.1.10/",
    "http://169.254.10.1/", "http://[fe80::1]/", "http://[fd00::5]/", "http://0.0.0.0:8000/", "http://100.64.0.1/",
    "http://school.local/", "http://sferum.lan/", "http://server/", "http://site.home.arpa/", "http://app.localhost/",
])
def test_local_addresses(url):
    assert is_local_address(url)


@pytest.mark.parametrize("url", [
    "https://school.example.ru/sferum/", "https://школа.рф/", "http://172.32.0.1/", "http://8.8.8.8/",
    "https://[2a00:1450:4010::5]/", "https://sch2.balakhta.ru/",
])
def test_public_addresses(url):
    assert not is_local_address(url)


def test_kit_and_remind_refuse_the_default_local_address(school_db, tmp_path, catalog):
    assert is_local_address(catalog.settings.site_url)  # the shipped site.yml: the local preview's address
    where = catalog.settings.site_url_at
    for args in (["kit", "--class", "7А", "-o", str(tmp_path / "kit")], ["remind", "--class", "7А"]):
        output = run(*args, *PROJECT, "--db", school_db, code=1)
        assert output.splitlines() == [
            f"Ошибка: адрес сайта {catalog.settings.site_url} открывается только на этом компьютере или в локальной "
            "сети: QR-коды и ссылки с ним на телефонах родителей и учеников никуда не приведут",
            f"  {where}: укажите в site_url адрес, по которому сайт опубликован (например, "
            "https://school.example.ru/sferum/), или добавьте --allow-local-url для пробной печати",
        ], args
        assert str(where).startswith(f"{REPO / 'site_config' / 'site.yml'}:") or str(where).startswith(
            "site_config/site.yml:")
    assert not (tmp_path / "kit").exists()


def test_allow_local_url_prints_for_a_trial(school_db, tmp_path):
    run("kit", "--class", "7А", "--allow-local-url", *PROJECT, "--db", school_db, "-o", str(tmp_path))
    assert (tmp_path / "kit-7А.html").is_file()
    assert run("remind", "--class", "7А", "--allow-local-url", *PROJECT, "--db", school_db).startswith("Напоминания: ")


def test_build_warns_about_a_local_address_and_still_builds(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    settings = project / "site_config" / "site.yml"
    settings.write_text(re.sub(r"(?m)^site_url:.*$", "site_url: http://192.168.1.10/sferum/",
                               settings.read_text("utf-8")), "utf-8")
    line = settings.read_text("utf-8").splitlines().index("site_url: http://192.168.1.10/sferum/") + 1
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "-d", "public"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith(
        f"Внимание: site_config/site.yml:{line}:11: адрес сайта http://192.168.1.10/sferum/ открывается только на этом "
        "компьютере или в локальной сети.")
    assert (project / "public" / "index.html").is_file()


# --- the QR codes, read back ---------------------------------------------------------------

DRAW_QR_CODES = """async (scale) => {
  const found = [];
  for (const svg of document.querySelectorAll('.qr svg')) {
    const image = new Image();
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await image.decode();
    const box = svg.viewBox.baseVal;
    const canvas = document.createElement('canvas');
    canvas.width = box.width * scale; canvas.height = box.height * scale;
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff'; context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let grey = '';
    for (let i = 0; i < rgba.length; i += 4) grey += String.fromCharCode(rgba[i + 1]);
    found.push({label: svg.parentElement.getAttribute('aria-label'), width: canvas.width, height: canvas.height,
                pixels: btoa(grey)});
  }
  return found;
}"""


def read_qr_codes(browser, path) -> list[tuple[str, str]]:
    """Each QR code of a page, drawn by Chromium and decoded by zxing-cpp: (its label, what it says)."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="нужен пакет zxing-cpp (pip install -e '.[test]')")
    context = browser.new_context(bypass_csp=True)  # the page itself forbids scripts; the test's own may run
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        drawn = page.evaluate(DRAW_QR_CODES, 6)
    finally:
        context.close()
    decoded = []
    for code in drawn:
        pixels = memoryview(base64.b64decode(code["pixels"])).cast("B", (code["height"], code["width"]))
        found = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
        assert len(found) == 1, code["label"]
        decoded.append((code["label"], found[0].text))
    return decoded


@pytest.mark.browser
def test_the_kit_qr_codes_decode_to_the_published_addresses(chromium, school_db, tmp_path, public_project):
    run("class", "set-link", "7А", LINK, "--db", school_db)
    run("kit", "--class", "7А", *public_project, "--db", school_db, "-o", str(tmp_path))
    codes = read_qr_codes(chromium, tmp_path / "kit-7А.html")
    guide = f"{PUBLIC_URL}checklists/parent/"
    invite = "https://max.ru/join/%D0%9A%D0%BB%D0%B0%D1%81%D1%817%D0%90-xYz"
    assert phone_link(LINK) == invite
    assert codes == [(f"QR-код: инструкция для родителей, {guide}", guide),
                     ("QR-код: приглашение в чат класса 7А", invite)] * 4  # a page per parent
