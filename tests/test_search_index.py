"""Synonyms from a page's front matter reach the search index, and a bad list is a located message."""

from __future__ import annotations

import pytest

from sferum_onboard.site.search import SearchIndexError, page_synonyms, with_synonyms


def test_front_matter_synonyms_are_keyed_by_the_page_url(tmp_path):
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "glossary.md").write_text("---\nsynonyms: [глоссарий, термины]\n---\n\n# Словарь\n", "utf-8")
    (tmp_path / "index.md").write_text("---\nsynonyms: главная страница\n---\n\n# Начало\n", "utf-8")
    (tmp_path / "plain.md").write_text("# Без синонимов\n", "utf-8")
    assert page_synonyms(tmp_path) == {"help/glossary/": ("глоссарий", "термины"), "": ("главная страница",)}
    assert page_synonyms(None) == {}


@pytest.mark.parametrize("value", ["[1, 2]", "{a: b}", "['']"])
def test_a_bad_synonyms_list_names_the_page(tmp_path, value):
    (tmp_path / "login.md").write_text(f"---\nsynonyms: {value}\n---\n\n# Вход\n", "utf-8")
    with pytest.raises(SearchIndexError, match=r"^login\.md: synonyms .* список слов"):
        page_synonyms(tmp_path)


def test_synonyms_go_right_after_the_title_as_a_metadata_field():
    html = '<article><h1 id="x">Словарь</h1><p>Текст</p><h1>Второй</h1></article>'
    assert with_synonyms(html, ("глоссарий", "<термины>")) == (
        '<article><h1 id="x">Словарь</h1><span data-pagefind-meta="synonyms:глоссарий, &lt;термины&gt;"></span>'
        "<p>Текст</p><h1>Второй</h1></article>")
