"""The built site as a reader meets it: names in the right case, true claims about MAX, no author language,
no coordinator page in the menu or the search index.

The checkers (tests/sitetext.py) read the HTML MkDocs wrote, independently of
`validate`. They are proved on the fixture project first (clean, then with
each bad phrase), then run over the shipped content.
"""

from __future__ import annotations

import pytest

from sferum_onboard.catalog import load_catalog
from sferum_onboard.site.build import load_mkdocs_config, run_mkdocs
from sferum_onboard.site.generate import generate_site
from sferum_onboard.site.search import build_search_index
from tests.sitekit import FIXTURE_PROJECT, build_project, copy_project
from tests.sitetext import (
    coordinator_pages_in_menu, coordinator_pages_in_search, search_index, site_text_hits, text_hits,
)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """The fixture project, built for real as `sferum-onboard build` does."""
    root = tmp_path_factory.mktemp("fixture-site")
    project = copy_project(root / "project", FIXTURE_PROJECT)
    return build_project(project, root / "site").site_dir


def test_the_fixture_site_is_clean(fixture_site):
    assert site_text_hits(fixture_site) == []
    assert coordinator_pages_in_menu(fixture_site) == [] and coordinator_pages_in_search(fixture_site) == []
    assert "/install/" in search_index(fixture_site)  # the index is read, not just found empty


BAD = [
    ("Если вы были в «Сферум» в VK Мессенджер, войдите.", "название в именительном"),
    ("Учителя пользуются Сферум каждый день.", "название в именительном"),
    ("Раньше мы пользовались «Сферум».", "название в именительном"),
    ("Новости на «Сферум».", "название в именительном"),
    ("Всё о Сферум.", "название в именительном"),
    ("Рабочая группа при «Сферум».", "название в именительном"),
    ("Вместе с «Сферум».", "название в именительном"),
    ("Включите облачный пароль.", "«облачный пароль»"),
    ("Задайте Облачный пароль.", "«облачный пароль»"),
    ("У MAX нет версии для компьютера.", "будто у MAX нет версии для компьютера"),
    ("Компьютерной версии нет.", "будто у MAX нет версии для компьютера"),
    ("Версии для компьютера нет, пользуйтесь телефоном.", "будто у MAX нет версии для компьютера"),
    ("Веб-версии нет.", "будто у MAX нет версии для компьютера"),
    ("Звонки работают только на телефоне.", "будто у MAX нет версии для компьютера"),
    ("В источниках не описано, где кнопка.", "язык автора"),
    ("Этот путь не подтверждён.", "язык автора"),
    ("Экран не описан.", "язык автора"),
    ("Следуйте подсказкам приложения.", "язык автора"),
    ("Кнопка «Создать» [?]", "язык автора"),
    ("По имеющимся данным, кнопка справа.", "язык автора"),
    ("Неизвестно, как это работает.", "язык автора"),
]
GOOD = [
    "Школа на платформе «Сферум», а чаты в «Сферуме».",
    "Учителя пользуются «Сферумом», а раньше пользовались «Сферумом» в VK Мессенджере.",
    "С 2025 года «Сферум» работает в MAX; «Сферум» — школьная платформа.",
    "Задайте «Пароль для входа» в разделе «Приватность».",
    "На компьютере откройте web.max.ru и войдите по QR-коду с телефона.",
    "Если школьного чата там нет — пользуйтесь телефоном.",
    "Если экран другой, покажите эту страницу классному руководителю.",
    "Подробное описание — в справке.",
]


def with_text(page_html: str, text: str) -> str:
    return page_html.replace("</article>", f"<p>{text}</p></article>", 1)


@pytest.mark.parametrize("phrase, kind", BAD, ids=[b[0][:30] for b in BAD])
def test_each_bad_phrase_on_a_built_page_is_found(fixture_site, phrase, kind):
    page = (fixture_site / "glossary" / "index.html").read_text("utf-8")
    assert text_hits(page) == []
    hits = text_hits(with_text(page, phrase))
    assert hits and all(h.startswith(kind) for h in hits), hits


@pytest.mark.parametrize("phrase", GOOD)
def test_right_phrases_are_not_flagged(fixture_site, phrase):
    page = (fixture_site / "glossary" / "index.html").read_text("utf-8")
    assert text_hits(with_text(page, phrase)) == []


def test_author_language_that_passes_validate_is_caught_in_a_real_build(tmp_path):
    """Tab names and phrases validate cannot judge: only the built-site check stops them."""
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    install = project / "content" / "install.md"
    install.write_text(install.read_text("utf-8").replace(
        '=== "Компьютер"\n\n    Откройте web.max.ru и войдите по QR-коду с телефона.',
        '=== "Компьютер: не подтверждена"\n\n    В источниках не описано. Включите облачный пароль.'), "utf-8")
    hits = site_text_hits(build_project(project, tmp_path / "site").site_dir)
    assert [h.split(": ", 2)[:2] for h in hits] == [
        ["install/index.html", "«облачный пароль»"],
        *[["install/index.html", "язык автора"]] * 3,  # the tab's «не подтверждена», «в источниках», «не описано»
        ["install/index.html", "вкладка «Компьютер"],
    ], hits


def test_a_coordinator_page_in_the_menu_and_the_index_is_caught(tmp_path):
    """Built the way `serve` previews it (coordinators' pages included), the checks must fire."""
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    generate_site(load_catalog(project), project / "build", coordinators=True)
    config = load_mkdocs_config(project, tmp_path / "site", strict=True)
    run_mkdocs(config)
    build_search_index(tmp_path / "site")
    assert "index.html → authoring" in coordinator_pages_in_menu(tmp_path / "site")
    assert coordinator_pages_in_search(tmp_path / "site") == ["/authoring/"]


# --- the shipped content ----------------------------------------------------------------------


def test_shipped_site_text_is_right(shipped_site):
    _, built = shipped_site
    hits = site_text_hits(built.site_dir)
    assert not hits, f"{len(hits)}:\n" + "\n".join(hits)


def test_shipped_site_has_no_coordinator_page_in_menu_search_or_anywhere(shipped_site):
    _, built = shipped_site
    assert coordinator_pages_in_menu(built.site_dir) == []
    assert coordinator_pages_in_search(built.site_dir) == []
    assert not (built.site_dir / "authoring").exists()
    assert "authoring" not in (built.site_dir / "sitemap.xml").read_text("utf-8")
