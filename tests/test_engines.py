"""The site builds with either engine: MkDocs (the default) and Zensical, Material's successor."""

from __future__ import annotations

import pytest

from sferum_onboard.errors import SferumError
from sferum_onboard.site.build import build_site
from tests.sitekit import FIXTURE_PROJECT, copy_project


def html_pages(site_dir) -> set[str]:
    return {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if "pagefind" not in p.parts}


def test_both_engines_build_the_same_pages_with_the_same_checklists(tmp_path, request):
    request.getfixturevalue("_shipped_zensical")  # skips (or fails in CI) without the package
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    mkdocs = build_site(project, tmp_path / "mkdocs")
    zensical = build_site(project, tmp_path / "zensical", engine="zensical")
    assert html_pages(mkdocs.site_dir) == html_pages(zensical.site_dir)
    assert mkdocs.pages == zensical.pages and zensical.search is not None
    for site in (mkdocs.site_dir, zensical.site_dir):
        checklist = (site / "checklists" / "parent" / "index.html").read_text("utf-8")
        assert 'data-checklist="parent"' in checklist and 'id="step-parent-join-class"' in checklist
    assert not (zensical.site_dir / "search.json").exists()  # Zensical's own index: the site uses Pagefind
    assert not (project / "build" / "zensical-site").exists()


def test_an_unknown_engine_is_a_clear_message(tmp_path):
    project = copy_project(tmp_path / "project", FIXTURE_PROJECT)
    with pytest.raises(SferumError, match="неизвестный движок сайта «hugo»: есть mkdocs и zensical"):
        build_site(project, tmp_path / "site", engine="hugo")
    assert not (tmp_path / "site").exists()
