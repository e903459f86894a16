"""The site generator and `sferum-onboard build`, with real MkDocs builds (no browser here)."""

from __future__ import annotations

import ast
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sferum_onboard.catalog import load_catalog
from sferum_onboard.cli import cli
from sferum_onboard.errors import ContentError, DataError
from sferum_onboard.site import pages
from sferum_onboard.site.generate import generate_site
from sferum_onboard.site.privacy import check_site_dir
from sferum_onboard.site.urls import relative_url
from tests.sitekit import FIXTURE_PROJECT, REPO, build_project, copy_project


@pytest.fixture
def project(tmp_path) -> Path:
    """A writable copy of the small fixture project."""
    return copy_project(tmp_path / "project", FIXTURE_PROJECT)


@pytest.fixture
def generated(project):
    catalog = load_catalog(project)
    return catalog, generate_site(catalog, project / "build")


# --- the generator ----------------------------------------------------------


def test_generator_writes_the_reserved_pages(generated):
    catalog, site = generated
    docs = site.docs_dir
    for checklist in catalog.checklists:
        assert (docs / "checklists" / f"{checklist}.md").is_file()
    assert (docs / "steps.md").is_file() and (docs / "roadmap.md").is_file()
    assert sorted(site.generated) == sorted([f"checklists/{c}.md" for c in catalog.checklists] + ["steps.md", "roadmap.md"])


def test_checklist_markup_has_real_labelled_checkboxes_with_stable_ids(generated):
    _, site = generated
    text = (site.docs_dir / "checklists" / "parent.md").read_text("utf-8")
    boxes = re.findall(r'<input type="checkbox" class="so-step__box" id="([^"]+)"', text)
    assert boxes == ["step-parent-install-max", "step-parent-login-max", "step-parent-join-class",
                     "step-parent-parent-safe-mode", "step-parent-parent-stay-in-touch"]
    for box in boxes:
        assert f'<label class="so-step__title" for="{box}">' in text
    assert 'data-steps="install-max login-max join-class parent-safe-mode parent-stay-in-touch"' in text
    assert 'data-renamed="{&quot;login-phone&quot;: &quot;login-max&quot;}"' in text
    assert "pymdownx" not in text and "task-list" not in text


def test_checklist_step_says_what_how_long_who_helps_what_first_and_where_to_read(generated):
    _, site = generated
    text = (site.docs_dir / "checklists" / "parent.md").read_text("utf-8")
    step = text[text.index('id="join-class"'):text.index('id="parent-safe-mode"')]
    assert "Откройте ссылку-приглашение от классного руководителя и нажмите «Вступить»." in step
    assert "Время: около 10 минут. Где: Android, iPhone. Поможет: классный руководитель." in step
    assert 'Сначала выполните:' in step and 'href="#login-max"' in step
    assert '<a href="../../parent/join/#вступите-в-чат-класса">Подробная инструкция: Вступите в чат класса</a>' in step
    assert "Как понять, что получилось:</strong> Чат класса появился в списке чатов." in step
    assert "Для кого: родители. 4 шага, около 25 минут; потом — 1 шаг со временем." in text


def test_dependency_in_another_checklist_links_to_that_checklist(generated):
    _, site = generated
    text = (site.docs_dir / "checklists" / "class-leader.md").read_text("utf-8")
    assert 'href="../teacher/#teacher-video-call" data-dep-checklist="teacher"' in text
    assert "(Чек-лист учителя)" in text


def test_printed_checklist_carries_the_page_address_and_its_qr_code(generated):
    catalog, site = generated
    text = (site.docs_dir / "checklists" / "parent.md").read_text("utf-8")
    assert "https://school.example.ru/sferum/checklists/parent/" in text
    assert re.search(r'<div class="so-print-footer__qr" aria-hidden="true"><svg role="img"[^>]*>.*</svg>', text)


def test_qr_code_encodes_the_published_address():
    import segno

    svg = pages.qr_svg("https://school.example.ru/sferum/checklists/parent/")
    assert svg.startswith("<svg") and "<path" in svg and "http" not in svg.split("<path", 1)[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert segno.make("https://school.example.ru/sferum/checklists/parent/", error="m").version <= 5


def test_step_index_and_public_road_map(generated):
    _, site = generated
    steps = (site.docs_dir / "steps.md").read_text("utf-8")
    assert "| `install-max` |" in steps and "| `school-order-admin` |" in steps
    roadmap = (site.docs_dir / "roadmap.md").read_text("utf-8")
    assert "| Классные руководители вступили в чаты классов | классные руководители |" in roadmap
    assert "| 100 % | 01.10.2026 |" in roadmap and "2026/2027" in roadmap


def test_content_is_copied_with_variables_expanded_outside_code(generated):
    _, site = generated
    install = (site.docs_dir / "install.md").read_text("utf-8")
    assert "# Установка MAX" in install and "Магазин: RuStore или Google Play." in install
    teacher = (site.docs_dir / "teacher" / "index.md").read_text("utf-8")
    assert "{{ not_a_variable }} остаётся как есть" in teacher


def test_generated_settings_name_the_school_and_nest_the_navigation(generated):
    _, site = generated
    config = yaml.safe_load(site.config_file.read_text("utf-8"))
    assert config["site_name"] == "Школа № 1"
    assert config["site_url"] == "https://school.example.ru/sferum/"
    assert config["theme"]["logo"] == "assets/school-logo.svg"
    nav = config["nav"]
    assert nav[0] == {"Главная": "index.md"}
    parents = next(item["Родители"] for item in nav if isinstance(item, dict) and "Родители" in item)
    assert parents[:2] == ["parent/index.md", "checklists/parent.md"]
    assert nav[-2:] == ["steps.md", "roadmap.md"]


def test_regenerating_touches_only_what_changed(project):
    catalog = load_catalog(project)
    site = generate_site(catalog, project / "build")
    before = {p: p.stat().st_mtime_ns for p in site.docs_dir.rglob("*") if p.is_file()}
    (project / "content" / "glossary.md").write_text("# Словарь\n\nНовый текст.\n", "utf-8")
    stale = site.docs_dir / "old.md"
    stale.write_text("# Старое\n", "utf-8")
    generate_site(load_catalog(project), project / "build")
    after = {p: p.stat().st_mtime_ns for p in site.docs_dir.rglob("*") if p.is_file()}
    changed = {p.relative_to(site.docs_dir).as_posix() for p in after if after[p] != before.get(p)}
    assert changed == {"glossary.md"}
    assert not stale.exists()


def test_relative_urls_match_mkdocs_directory_urls():
    assert relative_url("checklists/parent.md", "install.md", "x") == "../../install/#x"
    assert relative_url("index.md", "parent/index.md") == "parent/"
    assert relative_url("checklists/parent.md", "index.md") == "../../"
    assert relative_url("checklists/parent.md", "checklists/parent.md", "a") == "#a"


@pytest.mark.parametrize("minutes, text", [
    (1, "1 минута"), (3, "3 минуты"), (5, "5 минут"), (21, "21 минута"), (60, "1 час"),
    (90, "1 час 30 минут"), (125, "2 часа 5 минут"),
])
def test_minutes_read_in_russian(minutes, text):
    assert pages.minutes_text(minutes) == text


@pytest.mark.parametrize("minutes, text", [
    (1, "около 1 минуты"), (3, "около 3 минут"), (5, "около 5 минут"), (21, "около 21 минуты"),
    (60, "около 1 часа"), (93, "около 1 часа 33 минут"), (141, "около 2 часов 21 минуты"),
])
def test_about_minutes_takes_the_genitive(minutes, text):
    assert pages.about_minutes(minutes) == text


# --- the content folder may not publish data or take generated paths --------


@pytest.mark.parametrize("name", ["pupils.xlsx", "roster.csv", "parents.ods", "classes.json"])
def test_a_roster_dropped_into_content_stops_the_build(project, name):
    (project / "content" / name).write_bytes(b"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2")
    with pytest.raises(ContentError) as error:
        generate_site(load_catalog(project), project / "build")
    [problem] = error.value.problems
    assert str(problem).startswith(f"content/{name}: файл «{name}» не публикуется на сайте")


def test_a_database_under_any_name_stops_the_build(project):
    database = project / "content" / "picture.png"
    sqlite3.connect(database).execute("create table people (name text)").connection.commit()
    with pytest.raises(ContentError) as error:
        generate_site(load_catalog(project), project / "build")
    assert "база данных" in str(error.value)


def test_content_may_not_take_a_generated_path(project):
    (project / "content" / "checklists").mkdir()
    (project / "content" / "checklists" / "parent.md").write_text("# Моё\n", "utf-8")
    with pytest.raises(ContentError) as error:
        generate_site(load_catalog(project), project / "build")
    assert "content/checklists/parent.md: страница «checklists/parent.md» занимает адрес" in str(error.value)


def test_the_site_layer_cannot_read_people():
    """Structural: the site is made from the catalog; it imports nothing that opens a store or roster."""
    forbidden = ("sferum_onboard.tracking", "sferum_onboard.outputs", "sqlite3", "sqlalchemy", "openpyxl",
                 "csv", "psycopg", "python_calamine")
    for module in (REPO / "sferum_onboard" / "site").glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(forbidden), f"{module.name} imports {name}"


def test_a_store_beside_the_project_changes_nothing_in_the_site(tmp_path):
    plain = copy_project(tmp_path / "a", FIXTURE_PROJECT)
    with_store = copy_project(tmp_path / "b", FIXTURE_PROJECT)
    store = sqlite3.connect(with_store / "school.sqlite")
    store.execute("create table person (full_name text, class_name text, invite text)")
    store.execute("insert into person values ('Иванова Мария Петровна', '5А', 'https://max.ru/join/secret')")
    store.commit()
    first = generate_site(load_catalog(plain), plain / "build")
    second = generate_site(load_catalog(with_store), with_store / "build")
    files = sorted(p.relative_to(first.docs_dir) for p in first.docs_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second.docs_dir) for p in second.docs_dir.rglob("*") if p.is_file())
    for relative in files:
        data = (second.docs_dir / relative).read_bytes()
        assert data == (first.docs_dir / relative).read_bytes()
        assert "Иванова".encode() not in data and b"secret" not in data


# --- where the site may be written ------------------------------------------


def test_site_dir_inside_a_folder_with_a_store_is_refused(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    sqlite3.connect(private / "school.sqlite").close()
    with pytest.raises(DataError, match="хранилище с данными людей"):
        check_site_dir(private / "site", tmp_path / "project")
    with pytest.raises(DataError, match="хранилище с данными людей"):
        check_site_dir(private, tmp_path / "project")


def test_site_dir_holding_a_store_or_the_project_is_refused(tmp_path):
    site = tmp_path / "site"
    (site / "deep").mkdir(parents=True)
    sqlite3.connect(site / "deep" / "people.db").close()
    with pytest.raises(DataError, match="лежит хранилище"):
        check_site_dir(site, tmp_path / "project")
    with pytest.raises(DataError, match="содержит проект"):
        check_site_dir(tmp_path, tmp_path / "project")


def test_site_dir_equal_to_or_inside_the_data_folder_is_refused(tmp_path, private_home):
    with pytest.raises(DataError):
        check_site_dir(private_home, tmp_path / "project", [private_home])
    with pytest.raises(DataError):
        check_site_dir(private_home / "site", tmp_path / "project", [private_home])
    check_site_dir(tmp_path / "public", tmp_path / "project", [private_home])


# --- the command ----------------------------------------------------------------


def test_build_command_reports_progress_and_pages(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "-d", "public"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Готово: 19 страниц в папке public/. "
                             "Посмотреть: sferum-onboard serve; опубликовать: скопируйте папку целиком на веб-сервер школы.\n")
    assert result.stderr.splitlines() == [
        "[1/6] Проверка чек-листов и инструкций…", "[2/6] Страницы чек-листов и ролей…",
        "[3/6] Сборка сайта…", "[4/6] Облегчение страниц для медленной связи…",
        "[5/6] Поисковый индекс (Pagefind)…", "[6/6] Сжатые копии файлов для веб-сервера…",
    ]
    assert (project / "public" / "checklists" / "parent" / "index.html").is_file()
    assert (project / "public" / "pagefind" / "pagefind.js").is_file()


def test_build_command_stops_on_content_errors_with_located_messages(project, monkeypatch):
    parent = project / "checklists" / "parent.yml"
    parent.write_text(parent.read_text("utf-8").replace("depends_on: [login-max]", "depends_on: [login-maxx]"),
                      "utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "checklists/parent.yml:" in result.stderr
    assert "зависит от несуществующего шага «login-maxx»" in result.stderr
    assert not (project / "site").exists()


def test_build_command_refuses_the_data_folder(project, private_home, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "-d", str(private_home / "site")])
    assert result.exit_code == 1
    assert "хранилище с данными людей" in result.stderr
    assert not (private_home / "site").exists()


def test_build_command_fails_on_a_broken_link_in_strict_mode(project, monkeypatch):
    # A reference-style link: validate reads inline links only, MkDocs' strict mode catches the rest.
    (project / "content" / "glossary.md").write_text("# Словарь\n\n[куда-то][x]\n\n[x]: nowhere.md\n", "utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "Ошибка: MkDocs не собрал сайт: в строгом режиме недопустимы предупреждения" in result.stderr
    assert "nowhere.md" in result.stderr


def test_build_stops_at_validate_on_a_broken_inline_link(project, monkeypatch):
    (project / "content" / "glossary.md").write_text("# Словарь\n\n[куда-то](nowhere.md)\n", "utf-8")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "content/glossary.md:3:11: ссылка «nowhere.md» ведёт на страницу, которой нет в content/" in result.stderr


# --- the shipped content, built for real ------------------------------------


def test_shipped_content_builds_and_plain_mkdocs_strict_builds_the_generated_tree(shipped_site, tmp_path):
    project, built = shipped_site
    assert built.pages >= 30
    plain = tmp_path / "plain"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(plain)],
                            cwd=project, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                              "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    ours = {p.relative_to(built.site_dir) for p in built.site_dir.rglob("*.html")
            if "pagefind" not in p.parts}
    assert ours == {p.relative_to(plain) for p in plain.rglob("*.html")}


def test_shipped_site_has_readable_cyrillic_anchors(shipped_site):
    _, built = shipped_site
    html = (built.site_dir / "start" / "install" / "index.html").read_text("utf-8")
    assert 'id="установите-max"' in html
    assert not re.search(r'id="_\d+"', html)


def test_shipped_site_loads_nothing_from_another_host(shipped_site):
    _, built = shipped_site
    site_url = yaml.safe_load((shipped_site[0] / "build" / "mkdocs.generated.yml").read_text("utf-8"))["site_url"]
    external = re.compile(r'(?:src|href)="(https?:)?//(?!www\.w3\.org)[^"]+"|url\((["\']?)(https?:)?//')
    for page in built.site_dir.rglob("*"):
        if page.suffix not in (".html", ".css", ".js") or "pagefind" in page.parts:
            continue
        text = page.read_text("utf-8", errors="replace")
        for match in re.finditer(r'<(?:script|link|img|iframe|source)\b[^>]*>', text) if page.suffix == ".html" else []:
            tag = match.group(0)
            if 'rel="canonical"' in tag or 'rel="alternate"' in tag:
                continue
            found = external.search(tag)
            assert not found or site_url in tag, f"{page}: {tag}"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
    assert not list(built.site_dir.rglob("search_index.json"))


def test_every_page_of_the_shipped_site_links_only_to_pages_that_exist(shipped_site):
    _, built = shipped_site
    site = built.site_dir
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        text = page.read_text("utf-8")
        for href in re.findall(r'href="([^"#:?]*)(?:#[^"]*)?"', text):
            if not href or href.startswith("/"):
                continue
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(site)} → {href}"


def test_search_index_is_built_in_chunks(shipped_site):
    _, built = shipped_site
    assert built.search is not None and (built.site_dir / "pagefind" / "pagefind.js").is_file()
    chunks = list((built.site_dir / "pagefind" / "index").iterdir())
    assert chunks and all(c.stat().st_size < 200_000 for c in chunks)
    print(f"\nPagefind: {built.search.files} files, {built.search.bytes} bytes in all "
          f"(a reader downloads only the chunks a query needs)")


# --- the plugin, as `sferum-onboard serve` uses it ----------------------------


def test_plugin_regenerates_and_indexes_in_a_plain_mkdocs_build(project, tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build_project(project, tmp_path / "first")  # the inherited settings file must exist once
    (project / "content" / "glossary.md").write_text("# Словарь терминов\n\nИКОП.\n", "utf-8")
    config = load_config(str(project / "mkdocs.yml"), plugins=["sferum-onboard"], site_dir=str(tmp_path / "out"))
    build(config)
    assert "Словарь терминов" in (tmp_path / "out" / "glossary" / "index.html").read_text("utf-8")
    assert (tmp_path / "out" / "pagefind" / "pagefind.js").is_file()


def test_plugin_watches_the_catalog_folders(project, tmp_path):
    from mkdocs.config import load_config

    build_project(project, tmp_path / "first")
    config = load_config(str(project / "mkdocs.yml"), plugins=["sferum-onboard"])

    class Server:
        watched: list[str] = []

        def watch(self, path):
            self.watched.append(path)

    server = config.plugins.on_serve(Server(), config=config, builder=None)
    assert sorted(Path(p).name for p in server.watched) == ["checklists", "content", "site_config"]


def test_plugin_reports_content_errors(project, tmp_path):
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    build_project(project, tmp_path / "first")
    (project / "checklists" / "pupil.yml").write_text("id: [\n", "utf-8")
    config = load_config(str(project / "mkdocs.yml"), plugins=["sferum-onboard"])
    with pytest.raises(PluginError, match="checklists/pupil.yml"):
        config.plugins.on_config(config)


def test_serve_rebuilds_the_site_when_a_checklist_changes(project):
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # mkdocs serve mounts the site at site_url's path, as it will be published
    url = f"http://127.0.0.1:{port}/sferum/checklists/parent/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "sferum_onboard", "serve", "--project", str(project),
                               "-a", f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, cwd=project)

    def page_when(condition) -> str:
        for _ in range(240):  # up to a minute on a busy machine
            try:
                text = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
                if condition(text):
                    return text
            except OSError:
                pass
            if server.poll() is not None:
                pytest.fail(server.stdout.read().decode("utf-8", "replace"))
            time.sleep(0.25)
        pytest.fail("сайт не обновился")

    try:
        assert "Чек-лист родителя" in page_when(lambda text: "so-checklist" in text)
        checklist = project / "checklists" / "parent.yml"
        checklist.write_text(checklist.read_text("utf-8").replace("title: Чек-лист родителя",
                                                                  "title: Шаги для родителей"), "utf-8")
        assert "Шаги для родителей" in page_when(lambda text: "Шаги для родителей" in text)
    finally:
        server.terminate()
        server.wait(timeout=20)
