"""Reader-first structure: each role's start page with its short path, step-ordered menus, checklists in
their role's section, coordinators' pages kept off the public site, setup time apart from ongoing steps."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from sferum_onboard.catalog import load_catalog
from sferum_onboard.catalog.model import Step
from sferum_onboard.cli import cli
from sferum_onboard.site import pages
from sferum_onboard.site.generate import generate_site, short_path_reading
from tests.sitekit import FIXTURE_PROJECT, copy_project
from tests.test_validate import mutate


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", FIXTURE_PROJECT)


def generated(project: Path, coordinators: bool = False):
    catalog = load_catalog(project)
    site = generate_site(catalog, project / "build", coordinators)
    return site, yaml.safe_load(site.config_file.read_text("utf-8"))["nav"]


def validate(project: Path, monkeypatch) -> list[str]:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["validate", "."])
    return [line for line in result.output.splitlines() if line]


# --- the short path -----------------------------------------------------------------------


def test_start_page_gets_the_short_path_where_the_marker_was(project):
    site, _ = generated(project)
    text = (site.docs_dir / "parent" / "index.md").read_text("utf-8")
    assert "<!-- short-path -->" not in text
    assert text.startswith("# Родителям\n\n"
                           "Пять шагов, чтобы получать новости класса и писать классному руководителю.\n\n"
                           '<div class="so-short-path" markdown>\n\n'
                           "**4 шага, около 25 минут; потом — 1 шаг со временем.**\n\n"
                           "1. [Установите MAX](../install.md#установите-max)\n"
                           "2. [Войдите в MAX по номеру телефона](../install.md#войдите-по-номеру-телефона)\n"
                           "3. [Вступите в чат класса](join.md#вступите-в-чат-класса)\n"
                           "4. [Включите «Безопасный режим» для ребёнка](join.md#включите-безопасный-режим)\n\n"
                           "Потом, со временем:\n\n"
                           "- [Будьте на связи со школой](calls.md#будьте-на-связи)\n\n"
                           "[Открыть чек-лист родителя](../checklists/parent.md){ .md-button .md-button--primary }\n\n"
                           "</div>\n\n!!! warning")


def test_a_class_leader_is_sent_to_the_teachers_steps_first(project):
    site, _ = generated(project)
    text = (site.docs_dir / "class-leader" / "index.md").read_text("utf-8")
    assert ("Сначала пройдите [чек-лист учителя](../checklists/teacher.md): 4 шага, около 35 минут.\n\n"
            "**Потом ваши шаги: 1 шаг, около 45 минут.**\n\n"
            "1. [Проведите родительское собрание по видео](../teacher/index.md#проведите-родительское-собрание)\n\n"
            "[Открыть чек-лист классного руководителя](../checklists/class-leader.md)") in text


def test_a_second_checklist_for_young_pupils_gets_its_own_line(project):
    shutil.copy(project / "checklists" / "pupil.yml", project / "checklists" / "pupil-young.yml")
    mutate(project, "checklists/pupil-young.yml", "id: pupil\ntitle: Чек-лист ученика\n",
         "id: pupil-young\ntitle: Чек-лист ученика 1–4 классов\ngrades: {from: 1, to: 4}\n")
    mutate(project, "checklists/pupil-young.yml", "  - id: pupil-join-class\n", "  - id: pupil-young-join\n")
    site, _ = generated(project)
    text = (site.docs_dir / "pupil" / "index.md").read_text("utf-8")
    assert ("Для 1–4 классов — [чек-лист ученика 1–4 классов](../checklists/pupil-young.md): "
            "3 шага, около 20 минут.\n\n[Открыть чек-лист ученика](../checklists/pupil.md)") in text


@pytest.mark.parametrize("setup, ongoing, text", [
    ([5], [], "1 шаг, около 5 минут"),
    ([5, 10], [60], "2 шага, около 15 минут; потом — 1 шаг со временем"),
    ([1] * 5, [5, 5], "5 шагов, около 5 минут; потом — 2 шага со временем"),
    ([3] * 21, [], "21 шаг, около 1 часа 3 минут"),
    ([], [720, 30], "2 шага со временем"),
    ([], [], ""),
])
def test_setup_time_leaves_ongoing_steps_out(setup, ongoing, text):
    def step(minutes, later):
        return Step(id="s", title="Шаг", action="Сделайте.", guide=None, minutes=minutes, platforms=("web",),
                    done_when="Готово.", ongoing=later)

    assert pages.setup_time([step(m, False) for m in setup] + [step(m, True) for m in ongoing]) == text


def test_checklist_page_marks_an_ongoing_step_and_keeps_its_minutes_out_of_the_total(project):
    site, _ = generated(project)
    text = (site.docs_dir / "checklists" / "parent.md").read_text("utf-8")
    assert "4 шага, около 25 минут; потом — 1 шаг со временем." in text
    step = text[text.index('id="parent-stay-in-touch"') - 40:]
    assert '<li class="so-step so-step--ongoing" id="parent-stay-in-touch"' in step
    assert "Время: около 30 минут, не за один раз." in step


# --- a step whose screens may have changed ---------------------------------------------------


def test_an_unverified_step_tells_the_reader_whom_to_show_the_page(project):
    site, _ = generated(project)
    text = (site.docs_dir / "checklists" / "parent.md").read_text("utf-8")
    step = text[text.index('id="parent-safe-mode"'):text.index('id="parent-stay-in-touch"')]
    assert ('<p class="so-step__unverified">Если на экране всё по-другому, покажите эту страницу '
            "классному руководителю.</p>") in step
    assert "подсказкам приложения" not in text


def test_the_helper_of_an_unverified_step_is_named_in_the_dative(project):
    mutate(project, "checklists/teacher.yml", "    done_when: Файл виден в чате.\n",
         "    done_when: Файл виден в чате.\n    review: {unverified: true}\n")
    mutate(project, "checklists/administrator.yml", "    done_when: Все классы школы видны в списке.\n",
         "    done_when: Все классы школы видны в списке.\n    review: {unverified: true}\n")
    mutate(project, "checklists/pupil.yml", "    done_when: Чат класса есть в списке.\n",
         "    done_when: Чат класса есть в списке.\n    review: {unverified: true}\n")
    mutate(project, "checklists/pupil.yml", "    helper: class_leader\n", "    helper: parent\n")
    site, _ = generated(project)
    docs = site.docs_dir / "checklists"
    assert "покажите эту страницу администратору школы." in (docs / "teacher.md").read_text("utf-8")
    assert "покажите эту страницу родителю." in (docs / "pupil.md").read_text("utf-8")
    assert "so-step__unverified" not in (docs / "administrator.md").read_text("utf-8")


def test_a_checklist_for_everyone_sends_readers_to_the_class_leader(project):
    mutate(project, "checklists/administrator.yml", "audience: [administrator]",
           "audience: [administrator, teacher, parent]")
    mutate(project, "checklists/administrator.yml", "    done_when: Все классы школы видны в списке.\n",
           "    done_when: Все классы школы видны в списке.\n    review: {unverified: true}\n")
    site, _ = generated(project)
    text = (site.docs_dir / "checklists" / "administrator.md").read_text("utf-8")
    assert "покажите эту страницу классному руководителю." in text


# --- validate keeps the structure whole ---------------------------------------------------------


def test_a_start_page_without_the_marker_is_an_error_at_the_file(project, monkeypatch):
    mutate(project, "content/parent/index.md", "<!-- short-path -->\n", "")
    assert ("content/parent/index.md: стартовая страница роли «Родитель»: нет строки «<!-- short-path -->»; "
            "на её место сайт вставляет короткий путь — шаги чек-листа по порядку (поставьте её после первой фразы)"
            in validate(project, monkeypatch))


def test_the_marker_belongs_to_start_pages_only_and_only_once(project, monkeypatch):
    mutate(project, "content/parent/join.md", "## Вступите в чат класса\n",
           "<!-- short-path -->\n\n## Вступите в чат класса\n")
    mutate(project, "content/pupil/index.md", "<!-- short-path -->\n", "<!-- short-path -->\n\n<!--short-path-->\n")
    mutate(project, "content/teacher/index.md", "<!-- short-path -->\n", "```\n<!-- short-path -->\n```\n")
    lines = validate(project, monkeypatch)
    assert ("content/parent/join.md:5:1: строка «<!-- short-path -->» бывает только на стартовой странице роли "
            "(guide роли в checklists/roles.yml)") in lines
    assert "content/pupil/index.md:7:1: строка «<!-- short-path -->» повторяется; оставьте одну" in lines
    assert any(line.startswith("content/teacher/index.md: стартовая страница роли «Учитель»") for line in lines)


def test_two_roles_cannot_share_a_start_page(project, monkeypatch):
    mutate(project, "checklists/roles.yml", "guide: class-leader/index.md", "guide: teacher/index.md")
    assert ("checklists/roles.yml:18:12: роли «Учитель» и «Классный руководитель» начинаются с одной страницы "
            "«teacher/index.md»: у каждой роли своя стартовая страница") in validate(project, monkeypatch)


def test_links_to_the_old_role_pages_and_to_coordinators_are_errors(project, monkeypatch):
    mutate(project, "content/glossary.md", "# Словарь\n",
         "# Словарь\n\nСм. [родителям](roles/parent.md) и [как вести курс](authoring/index.md).\n")
    lines = validate(project, monkeypatch)
    assert ("content/glossary.md:3:17: ссылка «roles/parent.md»: страниц roles/… на сайте больше нет; "
            "роль начинается со своей страницы «parent/index.md»") in lines
    assert ("content/glossary.md:3:53: ссылка «authoring/index.md» ведёт на страницу для координаторов: "
            "на опубликованном сайте её нет") in lines


# --- the menu ----------------------------------------------------------------------------------


def test_a_role_section_opens_with_its_start_page_and_follows_the_steps(project):
    _, nav = generated(project)
    sections = {next(iter(item)): item[next(iter(item))] for item in nav if isinstance(item, dict)}
    # calls.md sorts before join.md by name, but the steps send a parent to join.md first
    assert sections["Родители"] == ["parent/index.md", "checklists/parent.md", "parent/join.md", "parent/calls.md"]
    assert sections["Классные руководители"] == ["class-leader/index.md", "checklists/class-leader.md"]
    assert sections["Специалисты"] == ["checklists/specialist.md"]  # no start page: the checklist still has a home
    assert not any("roles/" in str(item) for item in nav)


def test_checklists_stay_in_their_role_section_even_when_the_first_step_is_shared(project):
    """The shared first steps live in start/: the teacher's and pupils' checklists must not follow them there."""
    (project / "content" / "start").mkdir()
    (project / "content" / "install.md").rename(project / "content" / "start" / "install.md")
    shared = project / "checklists" / "shared.yml"
    shared.write_text(shared.read_text("utf-8").replace("guide: install.md#", "guide: start/install.md#"), "utf-8")
    _, nav = generated(project)
    assert nav[1] == "start/install.md"
    sections = {next(iter(item)): item[next(iter(item))] for item in nav if isinstance(item, dict)}
    assert sections["Учителя"][:2] == ["teacher/index.md", "checklists/teacher.md"]
    assert sections["Ученики"][:2] == ["pupil/index.md", "checklists/pupil.md"]


def test_coordinators_pages_are_left_out_of_the_public_tree_and_shown_in_a_preview(project):
    site, nav = generated(project)
    assert not (site.docs_dir / "authoring").exists() and "authoring/index.md" not in str(nav)
    preview, nav = generated(project, coordinators=True)
    assert (preview.docs_dir / "authoring" / "index.md").is_file() and "authoring/index.md" in nav


# --- what each role reads, for README ---------------------------------------------------------


def test_words_are_what_a_reader_reads():
    assert pages.count_words("# Родителям\n\n1. [Установите MAX](../install.md#x)\n- [QR-код](a.md){ .md-button }\n"
                             '<div class="so-short-path" markdown>Всё</div>') == 5


def test_short_path_reading_counts_the_page_down_to_the_checklist_button(project):
    readings = {r.role.id: r for r in short_path_reading(load_catalog(project))}
    assert sorted(readings) == ["administrator", "class_leader", "parent", "pupil", "teacher"]
    # counted by hand: title 1, sentence 10, time 10, steps 2+6+4+5, «Потом, со временем» 3, 5, button 3
    assert readings["parent"].words == 49
    assert readings["parent"].setup == "4 шага, около 25 минут; потом — 1 шаг со временем"
    # the warning and the folded note after the button are not on the short path
    mutate(project, "content/parent/index.md", "??? note", "Ещё одна фраза после кнопки.\n\n??? note")
    assert {r.role.id: r for r in short_path_reading(load_catalog(project))}["parent"].words == 49


def readme_table(readings) -> str:
    rows = [f"| {r.role.title_plural or r.role.title} | {r.words} | {r.setup} |" for r in readings]
    head = ["| роль | слов до кнопки чек-листа | настройка по чек-листу роли |", "| --- | --- | --- |"]
    return "\n".join([*head, *rows])


def test_readme_table_matches_the_shipped_start_pages(repo):
    expected = readme_table(short_path_reading(load_catalog(repo)))
    assert expected in (repo / "README.md").read_text("utf-8"), \
        f"README.md, раздел «Сколько читать каждой роли», должен содержать эту таблицу:\n\n{expected}\n"


def test_shipped_home_page_leads_to_every_start_page_and_the_parents_checklist(shipped_site):
    """Role cards open the start pages; a parent reaches the checklist in one tap."""
    project, built = shipped_site
    home = visible_links(built.site_dir / "index.html")
    wanted = {role.guide.url for role in load_catalog(project).roles.values() if role.guide} | {"checklists/parent/"}
    assert wanted <= home, f"на главной нет ссылок на: {sorted(wanted - home)}"


def visible_links(page: Path) -> set[str]:
    """Where the article's links lead, relative to the site's root (the page is the home page)."""
    article = re.search(r"<article\b.*?</article>", page.read_text("utf-8"), re.DOTALL).group(0)
    return {href.split("#")[0] for href in re.findall(r'href="([^"]+)"', article) if "://" not in href}
