"""The shipped guide content, checked against the real catalog.

`sferum-onboard validate` already proves that every guide link points to an
existing page and heading. These tests check what a reader relies on beyond
that: every step's section has its four parts, no page is unreachable, no
placeholder text is shipped, nothing sends the reader to the old messenger for
current work, and the troubleshooting page covers every known problem
(SFERUM_FACTS §7). Each checker is a pure function with a negative test on
synthetic input, so a checker that silently accepts everything would fail.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path

import pytest

from sferum_onboard.catalog import load_catalog
from sferum_onboard.catalog.guides import expand_variables, scan_page

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TROUBLESHOOTING = "help/troubleshooting.md"

_FENCE = re.compile(r"^\s*(```|~~~)")


# --- pure checkers ---------------------------------------------------------------


def outside_fences(lines: list[str]) -> list[tuple[int, str]]:
    """(index, line) for the lines outside fenced code blocks."""
    result, fence = [], None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
            continue
        if fence is None:
            result.append((index, line))
    return result


def section(text: str, anchor: str, variables: dict[str, str] | None = None) -> list[str] | None:
    """The lines under the heading with this anchor, up to the next heading of the same or a higher level."""
    page = scan_page("page.md", text, variables)
    lines = text.splitlines()
    for i, heading in enumerate(page.headings):
        if heading.anchor == anchor:
            end = next((h.line for h in page.headings[i + 1:] if h.level <= heading.level), len(lines) + 1)
            return lines[heading.line:end - 1]
    return None


# The four parts of a step's guide section, in reading order (see content/authoring/index.md).
PARTS = (
    ("«Зачем это нужно»", re.compile(r'^!!! info "Зачем это нужно"\s*$'), True),
    ("нумерованные действия", re.compile(r"^1\.\s+\S"), False),
    ("«Как понять, что получилось»", re.compile(r'^!!! success "Как понять, что получилось"\s*$'), True),
    ("«Если не получается»", re.compile(r'^!!! failure "Если не получается"\s*$'), True),
)


def missing_parts(lines: list[str]) -> list[str]:
    """Names of the four parts absent from a section (an admonition needs a body), or out of order."""
    visible = outside_fences(lines)
    found: list[int] = []
    missing = []
    for name, pattern, needs_body in PARTS:
        position = None
        for n, (index, line) in enumerate(visible):
            if not pattern.match(line):
                continue
            body = next((later for _, later in visible[n + 1:] if later.strip()), "")
            if needs_body and not body.startswith("    "):
                continue
            position = index
            break
        if position is None:
            missing.append(name)
        else:
            found.append(position)
    if not missing and found != sorted(found):
        missing.append("порядок частей")
    return missing


PLACEHOLDER = re.compile(r"\bTODO\b|\bFIXME\b|\blorem\b|заглушк", re.IGNORECASE)


def placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=\"([^\"]+)\"")


def links(page: str, text: str) -> set[str]:
    """Content pages a Markdown page links to, as paths relative to content/."""
    found = set()
    for _, line in outside_fences(text.splitlines()):
        for match in _LINK.finditer(line):
            target = (match.group(1) or match.group(2)).split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
                continue
            if target.endswith("/"):
                target += "index.md"
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(page), target)))
    return found


def unreachable(pages: dict[str, str], roots: set[str]) -> set[str]:
    """Pages that no guide reference reaches, directly or through links between pages."""
    seen, stack = set(), [r for r in roots if r in pages]
    while stack:
        page = stack.pop()
        if page in seen:
            continue
        seen.add(page)
        stack.extend(p for p in links(page, pages[page]) if p in pages and p not in seen)
    return set(pages) - seen


OLD_MESSENGER = re.compile(r"(?:VK|ВК)[\s\u00a0-]*мессенджер", re.IGNORECASE)
# Imperatives ("откройте", "пишите", "пользуйтесь", "поставьте") and a few nouns that look like them.
_IMPERATIVE = re.compile(r"(?<![а-яё])(?:(не)\s+)?([а-яё]+(?:йте|ите|ьте)(?:сь)?)(?![а-яё])", re.IGNORECASE)
_NOT_IMPERATIVE = {"сайте", "защите", "визите", "кредите", "элите", "орбите", "граните"}
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+"([^"]*)")?')
LEGACY_TITLE = re.compile(r"раньше|прежде|как было|(?:VK|ВК)", re.IGNORECASE)
_BOUNDARY_LINE = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+\.\s|===|!!!|\?\?\?|\||$)")


def without_legacy_notes(text: str) -> str:
    """The text without fenced code and without legacy admonitions («Раньше, в …»)."""
    kept, skipping = [], False
    for _, line in outside_fences(text.splitlines()):
        if skipping:
            if not line.strip() or line.startswith("    "):
                continue
            skipping = False
        match = _ADMONITION.match(line)
        if match and LEGACY_TITLE.search(match.group(1) or ""):
            skipping = True
            continue
        kept.append(line)
    return "\n".join(kept)


def sentences(text: str) -> list[str]:
    """Rough sentences: wrapped lines joined, split at punctuation, list items and headings."""
    joined = []
    for line in text.splitlines():
        joined.append("\n" if _BOUNDARY_LINE.match(line) else " ")
        joined.append(line.strip())
    return [s.strip() for s in re.split(r"[.!?;:](?:\s|$)|\n", "".join(joined)) if s.strip()]


def old_messenger_instructions(text: str, current: str) -> list[str]:
    """Sentences outside legacy notes that tell the reader to act in the old messenger.

    A sentence counts when one of its clauses (split at commas) names the old
    messenger and has an imperative that is not negated, and the sentence does
    not name the current messenger. So «Откройте VK Мессенджер» is caught, while
    «Если вы были в VK Мессенджере, введите тот же номер» (the order is about
    the new app) and «Старые чаты в VK Мессенджере только для чтения: пишите в
    MAX» pass.
    """
    found = []
    for sentence in sentences(without_legacy_notes(text)):
        if not OLD_MESSENGER.search(sentence) or current.lower() in sentence.lower():
            continue
        for clause in sentence.split(","):
            if OLD_MESSENGER.search(clause) and any(
                not m.group(1) and m.group(2).lower() not in _NOT_IMPERATIVE for m in _IMPERATIVE.finditer(clause)
            ):
                found.append(sentence)
                break
    return found


def _plain(text: str) -> str:
    return text.lower().replace("ё", "е").replace("«", "").replace("»", "")


def troubleshooting_problems(variables: dict[str, str]) -> list[tuple[str, list[str]]]:
    """SFERUM_FACTS §7: each problem and the terms one section of the page must hold to cover it."""
    def term(name: str) -> str:
        return re.escape(_plain(variables[name]))

    return [
        ("1. код по СМС идёт долго или приходит звонок",
         [r"смс", r"несколько минут|таймер|отсчет", r"последние цифры", r"бесплатн"]),
        ("2. нет прав администратора: вход не с номером из заявки",
         [r"прав\w* администратор", r"заявк", r"номер"]),
        ("3. ссылка для родителя открыта на устройстве ребёнка",
         [r"ссылк|приглашени", r"ошибк", r"ребен", r"друг\w* (?:устройств|браузер|телефон)"]),
        ("4. номер родителя занят аккаунтом ребёнка",
         [r"номер", r"родител", r"ребен", r"аккаунт|профил|учетн"]),
        ("5. старые чаты только для чтения: MAX с тем же номером",
         [r"только для чтения", r"(?:тот|тем|того) же номер", term("messenger")]),
        ("6. безопасность: «Пожаловаться», «Нет в контактах», пароль для входа",
         [term("menu_report"), term("label_not_in_contacts"), r"двухфактор", r"пароль для входа"]),
        ("7. регистрация кажется долгой",
         [r"долг|много времени|длинн", r"регистрац|подключени"]),
        # Cases issue 9 added: each names what to do and who helps.
        ("8. ребёнку меньше 14 лет",
         [r"14 лет", r"добровольн", r"семейн", r"классн\w*\s+руководител"]),
        ("9. нет смартфона или один телефон на семью",
         [r"смартфон", r"один (?:телефон|смартфон)", r"добровольн", r"классн\w*\s+руководител"]),
        ("10. несколько детей: один аккаунт, несколько чатов",
         [r"несколько|двое", r"один аккаунт", r"приглашени", r"каждого класса"]),
        ("11. ученик не в том классе: исправляет администратор",
         [r"не в тот класс", r"администратор"]),
        ("12. у учителя неверные предметы или классы: исправляет администратор",
         [r"предмет", r"администратор", r"administrator/check-users"]),
    ]


def uncovered_problems(text: str, variables: dict[str, str]) -> list[str]:
    """Problems of §7 that no single section of the page covers."""
    expanded = expand_variables(text, variables)
    page = scan_page("page.md", text, variables)
    lines = expanded.splitlines()
    starts = [0] + [h.line - 1 for h in page.headings] + [len(lines)]
    sections = [_plain("\n".join(lines[a:b])) for a, b in zip(starts, starts[1:])]
    return [name for name, terms in troubleshooting_problems(variables)
            if not any(all(re.search(t, s) for t in terms) for s in sections)]


# --- the shipped catalog ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def catalog():
    return load_catalog(REPO)


@functools.lru_cache(maxsize=1)
def pages() -> dict[str, str]:
    return {p.relative_to(CONTENT).as_posix(): p.read_text("utf-8") for p in sorted(CONTENT.rglob("*.md"))}


def variables() -> dict[str, str]:
    return dict(catalog().settings.variables)


def _all_steps():
    cat = catalog()
    return sorted([*cat.steps.values(), *cat.org_steps.values()], key=lambda s: s.id)


STEPS = _all_steps()
PAGES = sorted(pages())


@pytest.mark.parametrize("step", STEPS, ids=[s.id for s in STEPS])
def test_step_guide_section_is_complete(step):
    assert step.guide.page in pages(), f"шаг «{step.id}»: нет страницы content/{step.guide.page}"
    assert step.guide.anchor, f"шаг «{step.id}»: ссылка {step.guide} не указывает на раздел страницы"
    lines = section(pages()[step.guide.page], step.guide.anchor, variables())
    assert lines is not None, f"шаг «{step.id}»: на странице нет раздела #{step.guide.anchor}"
    missing = missing_parts(lines)
    assert not missing, f"шаг «{step.id}» ({step.guide}): в разделе нет частей: {', '.join(missing)}"


def test_every_role_has_a_guide_page():
    for role in catalog().roles.values():
        assert role.guide and role.guide.page in pages(), f"роль «{role.id}» без страницы инструкции"


def test_no_page_is_orphaned():
    cat = catalog()
    roots = {"index.md"}
    roots |= {s.guide.page for s in (*cat.steps.values(), *cat.org_steps.values())}
    roots |= {r.guide.page for r in cat.roles.values() if r.guide}
    # Coordinators' pages are off the public site (no page may link there); `serve` shows them.
    roots |= {p for p in pages() if p.startswith("authoring/")}
    orphans = unreachable(pages(), roots)
    assert not orphans, f"на эти страницы не ведёт ни один шаг, роль или ссылка: {sorted(orphans)}"


@pytest.mark.parametrize("path", [*(f"content/{p}" for p in PAGES),
                                  *(p.relative_to(REPO).as_posix() for p in sorted(REPO.glob("checklists/*.yml"))),
                                  *(p.relative_to(REPO).as_posix() for p in sorted(REPO.glob("site_config/*.yml")))])
def test_no_placeholder_text(path):
    found = placeholders((REPO / path).read_text("utf-8"))
    assert not found, f"{path}: текст-заготовка: {found}"


@pytest.mark.parametrize("page", [p for p in PAGES if not p.startswith("migration/")])
def test_no_page_sends_reader_to_the_old_messenger(page):
    text = expand_variables(pages()[page], variables())
    found = old_messenger_instructions(text, variables()["messenger"])
    assert not found, f"content/{page}: отправляет читателя в старый мессенджер: {found}"


def test_troubleshooting_covers_every_known_problem():
    assert TROUBLESHOOTING in pages(), f"нет страницы content/{TROUBLESHOOTING}"
    missing = uncovered_problems(pages()[TROUBLESHOOTING], variables())
    assert not missing, f"на странице решения проблем не разобраны: {missing}"


def test_road_map_counts_steps_that_people_of_that_kind_follow():
    """A target must name steps on the checklists of the people it counts, or it can never be met."""
    cat = catalog()
    first, last = (int(y) for y in cat.roadmap.school_year.split("/"))
    for target in cat.roadmap.targets:
        a = target.counts
        grade = a.grades[0] if a.grades else None
        own = {s.id for s in cat.steps_for_person(a.role, bool(a.class_leader), bool(a.specialist), grade)}
        assert set(target.steps) <= own, f"цель «{target.id}»: шагов {sorted(set(target.steps) - own)} нет у тех, кого она считает"
        assert f"{first}-09-01" <= target.due.isoformat() <= f"{last}-05-31", f"цель «{target.id}»: срок вне учебного года"


def test_funnel_milestones_follow_the_path_for_each_staff_role():
    """Each staff path passes the funnel's milestones in order, each milestone once."""
    order = ("installed", "logged_in", "joined", "first_chat", "first_call")
    cat = catalog()
    for role, flags in (("teacher", {}), ("teacher", {"class_leader": True}), ("teacher", {"specialist": True})):
        milestones = [s.milestone for s in cat.steps_for_person(role, **flags) if s.milestone]
        assert milestones == list(order), f"{role} {flags}: {milestones}"
    admin = [s.milestone for s in cat.steps_for_person("administrator") if s.milestone]
    assert admin == ["installed", "logged_in", "joined"]


@pytest.mark.parametrize("role, grade", [("pupil", None), ("pupil", 2), ("pupil", 7), ("parent", None)])
def test_funnel_milestones_follow_the_path_for_families(role, grade):
    """Pupils (both variants) and parents pass the whole funnel, and each counts as active at the end."""
    steps = catalog().steps_for_person(role, grade=grade)
    milestones = [s.milestone for s in steps if s.milestone]
    assert milestones == ["installed", "logged_in", "joined", "first_chat", "first_call"], (role, grade, milestones)
    assert steps[-1].id == f"{role}-active"


def test_grades_1_to_4_go_with_a_parent_and_the_parent_goes_after_the_child():
    cat = catalog()
    young = cat.steps_for_person("pupil", grade=3)
    assert {c.id for c in cat.checklists_for_role("pupil", 3)} == {"pupil-primary"}
    own = [s for s in young if s.location.file.endswith("pupil-primary.yml")]
    assert own and all(s.helper == "parent" for s in own), [s.id for s in own if s.helper != "parent"]
    parent = [s.id for s in cat.steps_for_person("parent")]
    assert parent.index("parent-child-first") < parent.index("parent-join-class")
    assert "parent-child-first" in cat.steps["parent-join-class"].depends_on


# --- the checkers fail on bad input ---------------------------------------------------------

GOOD_SECTION = """\
## Создайте чат класса

!!! info "Зачем это нужно"
    Чтобы писать всему классу.

1. Откройте приложение.
2. Создайте чат.

=== "Android и iPhone"
    Шаги одинаковые.

!!! success "Как понять, что получилось"
    Чат есть в списке.

!!! failure "Если не получается"
    - Спросите администратора.

## Следующий шаг

!!! info "Зачем это нужно"
    Другой раздел.
"""


def test_section_stops_at_the_next_heading():
    lines = section(GOOD_SECTION, "создайте-чат-класса")
    assert lines is not None and not missing_parts(lines)
    assert section(GOOD_SECTION, "нет-такого") is None
    assert missing_parts(section(GOOD_SECTION, "следующий-шаг")) == [
        "нумерованные действия", "«Как понять, что получилось»", "«Если не получается»"]


@pytest.mark.parametrize("broken, part", [
    ('!!! info "Зачем это нужно"\n    Чтобы писать всему классу.\n', "«Зачем это нужно»"),
    ("1. Откройте приложение.\n2. Создайте чат.\n", "нумерованные действия"),
    ('!!! success "Как понять, что получилось"\n    Чат есть в списке.\n', "«Как понять, что получилось»"),
    ('!!! failure "Если не получается"\n    - Спросите администратора.\n', "«Если не получается»"),
    ('    Чтобы писать всему классу.\n', "«Зачем это нужно»"),  # an admonition with no body
])
def test_missing_part_is_reported(broken, part):
    text = GOOD_SECTION.replace(broken, "", 1)
    assert part in missing_parts(section(text, "создайте-чат-класса"))


def test_parts_out_of_order_are_reported():
    text = GOOD_SECTION.replace('!!! success "Как понять', '!!! tip "Было').replace(
        '## Создайте чат класса\n', '## Создайте чат класса\n\n!!! success "Как понять, что получилось"\n    Рано.\n')
    assert missing_parts(section(text, "создайте-чат-класса")) == ["порядок частей"]


def test_parts_inside_code_blocks_do_not_count():
    text = "## Шаг\n\n```markdown\n" + GOOD_SECTION.split("\n", 2)[2] + "```\n"
    assert len(missing_parts(section(text, "шаг"))) == 4


def test_placeholders_are_found():
    assert placeholders("Здесь будет TODO: дописать") == ["TODO"]
    assert placeholders("Lorem ipsum dolor") == ["Lorem"]
    assert placeholders("Это заглушка, потом заменим") == ["заглушк"]
    assert placeholders("Сегодня — это день собрания.") == []


def test_orphans_are_found():
    site = {
        "index.md": "[Учитель](teacher/index.md)",
        "teacher/index.md": "[Звонки](calls.md#начните-звонок) [сайт](https://example.org/a.md)",
        "teacher/calls.md": "[Назад](../index.md)",
        "old/a.md": "[Б](b.md)",
        "old/b.md": "[А](a.md)",
        "help/faq.md": "Ни одна страница сюда не ведёт.",
    }
    assert unreachable(site, {"index.md"}) == {"old/a.md", "old/b.md", "help/faq.md"}
    assert unreachable(site, {"index.md", "old/b.md"}) == {"help/faq.md"}
    assert links("help/x.md", "```\n[a](skipped.md)\n```\n[b](../teacher/) [c](#here)") == {"teacher/index.md"}


@pytest.mark.parametrize("text", [
    "Откройте VK Мессенджер и найдите чат класса.",
    "Чтобы задать вопрос учителю,\nнапишите в VK мессенджере.",
    "- Пользуйтесь ВК Мессенджером для звонков",
])
def test_instruction_to_use_the_old_messenger_is_found(text):
    assert old_messenger_instructions(text, "MAX")


@pytest.mark.parametrize("text", [
    "Старые чаты в VK Мессенджере только для чтения: установите MAX.",
    "Если вы были в VK Мессенджере, войдите в MAX с тем же номером.",
    "Не открывайте VK Мессенджер для новых сообщений.",
    "Если вы уже пользовались Сферумом в VK Мессенджере, введите тот же номер.",
    "С 2022 по 2025 год Сферум работал в VK Мессенджере.",
    '!!! note "Раньше, в VK Мессенджере"\n    Откройте VK Мессенджер и войдите через VK ID.\n\nДальше всё в MAX.',
    "```\nОткройте VK Мессенджер\n```",
])
def test_mentions_of_the_old_messenger_that_are_allowed(text):
    assert old_messenger_instructions(text, "MAX") == []


SAMPLE_VARIABLES = {"messenger": "MAX", "menu_report": "«Пожаловаться»", "label_not_in_contacts": "«Нет в контактах»"}
SAMPLE_TROUBLESHOOTING = """\
# Проблемы

## Код не приходит

Код по СМС идёт несколько минут; новый запросите, когда закончится таймер.
Может позвонить незнакомый номер: введите последние цифры. Это бесплатно.

## Нет прав администратора

Войдите с номером из заявки школы.

## Ссылка для родителя выдаёт ошибку

Её открыли на телефоне ребёнка: откройте ссылку на другом устройстве.

## Номер родителя занят

Ребёнка зарегистрировали на номер родителя, и аккаунт родителя не создать.

## Старые чаты

Они только для чтения: войдите в {{ messenger }} с тем же номером.

## Незнакомцы

Нажмите {{ menu_report }}, не отвечайте на {{ label_not_in_contacts }},
включите двухфакторную защиту: пароль для входа.

## Долго

Регистрация идёт долго: проходите шаги по одному.

## Младше 14 лет

Ребёнку нет 14 лет: регистрация добровольная, включите семейную защиту,
спросите классного руководителя.

## Без смартфона

Нет смартфона или один телефон на семью: регистрация добровольная, классный
руководитель передаст новости иначе.

## Несколько детей

Если детей несколько, нужен один аккаунт и приглашение для каждого класса.

## Не тот класс

Ученик попал не в тот класс: исправит администратор.

## Предметы учителя

Неверные предметы исправит администратор: [проверка](../administrator/check-users.md).
"""


def test_troubleshooting_sample_covers_everything():
    assert uncovered_problems(SAMPLE_TROUBLESHOOTING, SAMPLE_VARIABLES) == []


@pytest.mark.parametrize("cut, problem", [
    ("## Код не приходит", "1."),
    ("## Нет прав администратора", "2."),
    ("## Ссылка для родителя выдаёт ошибку", "3."),
    ("## Номер родителя занят", "4."),
    ("## Старые чаты", "5."),
    ("## Незнакомцы", "6."),
    ("## Долго", "7."),
    ("## Младше 14 лет", "8."),
    ("## Без смартфона", "9."),
    ("## Несколько детей", "10"),
    ("## Не тот класс", "11"),
    ("## Предметы учителя", "12"),
])
def test_troubleshooting_missing_problem_is_reported(cut, problem):
    start = SAMPLE_TROUBLESHOOTING.index(cut)
    end = SAMPLE_TROUBLESHOOTING.find("\n## ", start + 1)
    text = SAMPLE_TROUBLESHOOTING[:start] + (SAMPLE_TROUBLESHOOTING[end + 1:] if end != -1 else "")
    missing = uncovered_problems(text, SAMPLE_VARIABLES)
    assert [m[:2] for m in missing] == [problem]


def test_a_problem_split_across_sections_is_not_covered():
    text = "## Коды\n\nКод по СМС идёт несколько минут, таймер.\n\n## Звонки\n\nВведите последние цифры. Бесплатно.\n"
    assert any(m.startswith("1.") for m in uncovered_problems(text, SAMPLE_VARIABLES))
