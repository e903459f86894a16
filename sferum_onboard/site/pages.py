"""Render the generated pages (checklists, step index, road map) and each role's short path as Markdown.

Pure functions: Catalog (plus the guide pages' titles) in, page text out. The
checklist steps are raw HTML, our own accessible markup: a real checkbox per
step, labelled by the step title, with a stable id that the checklist script
keys its ticks on. Nothing here reads files or knows about MkDocs.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from html import escape
from typing import Callable

import segno

from sferum_onboard.catalog.grammar import LITERAL_FORMS
from sferum_onboard.catalog.model import Catalog, Checklist, GuideRef, Role, SiteSettings, Step, Target
from sferum_onboard.dates import date_text
from sferum_onboard.site.urls import absolute_url, relative_url
from sferum_onboard.wording import about_minutes, minutes_text, plural

PLATFORM_NAMES = {"android": "Android", "ios": "iPhone", "desktop": "компьютер", "web": "браузер"}
# Reserved docs paths of generated pages (content/ must not use them).
CHECKLISTS_DIR, STEPS_PAGE, ROADMAP_PAGE = "checklists", "steps.md", "roadmap.md"


@dataclass(frozen=True)
class GuideTitles:
    """Titles of content pages and their headings, for link texts."""

    pages: dict[str, str]  # "parent/join.md" → «Как родителю …»
    headings: dict[tuple[str, str], str]  # ("parent/join.md", anchor) → heading text

    def of(self, ref: GuideRef) -> str:
        if ref.anchor and (ref.page, ref.anchor) in self.headings:
            return self.headings[(ref.page, ref.anchor)]
        return self.pages.get(ref.page, ref.page)


def checklist_page(checklist_id: str) -> str:
    return f"{CHECKLISTS_DIR}/{checklist_id}.md"


def step_box_id(checklist_id: str, step_id: str) -> str:
    """The checkbox id: stable, so a link or a test can find a step on any build."""
    return f"step-{checklist_id}-{step_id}"


def setup_time(steps) -> str:
    """«6 шагов, около 25 минут; потом — 2 шага со временем»: ongoing steps do not add to the setup time."""
    setup = [s for s in steps if not s.ongoing]
    later = len(steps) - len(setup)
    parts = [f"{plural(len(setup), 'step')}, {about_minutes(sum(s.minutes for s in setup))}"] \
        if setup else []
    if later:
        parts.append(("потом — " if setup else "") + f"{plural(later, 'step')} со временем")
    return "; ".join(parts)


def _md(text: str) -> str:
    """Plain catalog text safe inside Markdown (catalog strings are not Markdown)."""
    return escape(" ".join(text.split()), quote=False).replace("*", r"\*").replace("_", r"\_").replace("[", r"\[")


def _h(text: str) -> str:
    return escape(" ".join(text.split()))


def _front_matter(title: str, description: str) -> str:
    """YAML front matter (written as JSON, which YAML reads): the page title and its meta description."""
    text = " ".join(description.split())
    if len(text) > 160:
        text = text[:159].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return "---\n" + json.dumps({"title": title}, ensure_ascii=False)[1:-1] + "\n" + \
        json.dumps({"description": text}, ensure_ascii=False)[1:-1] + "\n---\n\n"


# --- who sees which checklist --------------------------------------------


def own_checklists(catalog: Catalog, role_id: str) -> list[Checklist]:
    """Checklists whose audience names the role itself (not inherited ones), main first."""
    found = [c for c in catalog.checklists.values() if role_id in c.audience]
    return sorted(found, key=lambda c: (c.kind != "main", c.grades is not None, c.id))


def home_checklist(catalog: Catalog, step_id: str, prefer: Checklist) -> Checklist | None:
    """Where a dependency link should lead: the same checklist, else one of its audience's chain."""
    if step_id in prefer.step_ids:
        return prefer
    chains = [r for a in prefer.audience for r in catalog.role_chain(a)]
    candidates = [c for c in catalog.checklists.values() if step_id in c.step_ids]
    for checklist in sorted(candidates, key=lambda c: (c.kind != "main", c.grades is not None, c.id)):
        if any(a in chains for a in checklist.audience):
            return checklist
    return candidates[0] if candidates else None


# --- checklist page -------------------------------------------------------


def render_checklist(catalog: Catalog, checklist: Checklist, titles: GuideTitles,
                     qr: Callable[[str], str] | None = None) -> str:
    page = checklist_page(checklist.id)
    steps = [catalog.steps[i] for i in checklist.step_ids]
    renamed = {old: s.id for s in steps for old in s.renamed_from}
    audience = ", ".join((catalog.roles[a].title_plural or catalog.roles[a].title).lower()  # after «Для кого:»
                         for a in checklist.audience if a in catalog.roles)
    site_url = catalog.settings.site_url if catalog.settings else "/"
    address = absolute_url(site_url, page)

    out = [_front_matter(checklist.title, checklist.intro), f"# {_md(checklist.title)}\n\n", _md(checklist.intro), "\n\n"]
    out.append(
        f'<p class="so-summary">Для кого: {_h(audience)}. {_h(setup_time(steps))}.</p>\n\n'
    )
    if checklist.grades:
        out.append(f'<p class="so-summary">Для {checklist.grades[0]}–{checklist.grades[1]} классов: '
                   "ребёнку помогает взрослый.</p>\n\n")
    out.append('<p class="so-print-only so-print-name">Имя: ______________________________ '
               "Класс: ________ Дата: ____________</p>\n\n")
    # Rendered as checklist.js shows a fresh list, so nothing moves when the script runs (CLS 0);
    # sferum.css hides it where scripts are off.
    out.append(
        '<div class="so-progress" data-so-progress>'
        '<p class="so-progress__text" role="status" aria-live="polite">'
        f'Выполнено 0 из {plural(len(steps), "step", "genitive")}</p>'
        f'<progress class="so-progress__bar" max="{len(steps)}" value="0" aria-hidden="true"></progress>'
        '<p class="so-progress__actions">'
        f'<a class="so-progress__next" href="#{_h(steps[0].id) if steps else ""}"{"" if steps else " hidden"}>'
        'К следующему шагу</a> '
        '<button type="button" class="so-progress__print md-button">Распечатать</button></p>'
        '</div>\n\n'
    )
    attrs = {
        "class": "so-checklist",
        "data-checklist": checklist.id,
        "data-version": str(checklist.version),
        "data-steps": " ".join(s.id for s in steps),
        "data-renamed": json.dumps(renamed, ensure_ascii=False, sort_keys=True),
    }
    out.append("<ol " + " ".join(f'{k}="{_h(v)}"' for k, v in attrs.items()) + ">\n")
    for number, step in enumerate(steps, 1):
        out.append(_render_step(catalog, checklist, step, number, page, titles))
    out.append("</ol>\n\n")
    # Below the steps, so the first step is on a phone's first screen: resetting is rare.
    out.append(
        '<div class="so-checklist-end so-screen-only">'
        '<p class="so-note">Отметки сохраняются только в этом браузере на этом устройстве '
        "и никуда не отправляются.</p>"
        '<button type="button" class="so-progress__reset md-button">Снять все отметки</button>'
        "</div>\n\n"
    )
    out.append(
        '<div class="so-print-only so-print-footer" data-pagefind-ignore>'
        f'<div class="so-print-footer__qr" aria-hidden="true">{(qr or qr_svg)(address)}</div>'
        f'<p>Инструкция с картинками и этот чек-лист в интернете:<br><strong>{_h(address)}</strong></p>'
        '</div>\n'
    )
    return "".join(out)


def _render_step(catalog: Catalog, checklist: Checklist, step: Step, number: int, page: str,
                 titles: GuideTitles) -> str:
    box = step_box_id(checklist.id, step.id)
    meta = [about_minutes(step.minutes) + (", не за один раз" if step.ongoing else ""),
            ", ".join(PLATFORM_NAMES[p] for p in step.platforms)]
    helper = catalog.roles.get(step.helper) if step.helper else None
    parts = [
        f'<li class="so-step{" so-step--ongoing" if step.ongoing else ""}" id="{_h(step.id)}" '
        f'data-step="{_h(step.id)}">',
        '<div class="so-step__head">',
        f'<input type="checkbox" class="so-step__box" id="{box}" aria-describedby="{box}-what">',
        f'<label class="so-step__title" for="{box}"><span class="so-step__number">{number}.</span> {_h(step.title)}</label>',
        '<span class="so-step__next-badge" hidden>Следующий шаг</span>',
        "</div>",
        f'<p class="so-step__what" id="{box}-what">{_h(step.action)}</p>',
        f'<p class="so-step__meta">Время: {_h(meta[0])}. Где: {_h(meta[1])}.'
        + (f" Поможет: {_h(helper.title.lower())}." if helper else "") + "</p>",
    ]
    deps = []
    for dep_id in step.depends_on:
        dep = catalog.steps.get(dep_id) or catalog.org_steps.get(dep_id)
        if dep is None:
            continue
        home = home_checklist(catalog, dep_id, checklist) if dep_id in catalog.steps else None
        if home is None:
            href, where = relative_url(page, STEPS_PAGE, dep_id), ""
        else:
            href = relative_url(page, checklist_page(home.id), dep_id)
            where = "" if home.id == checklist.id else f" ({_h(home.title)})"
        deps.append(f'<a href="{_h(href)}" data-dep-checklist="{_h(home.id if home else "")}" '
                    f'data-dep-step="{_h(dep_id)}">{_h(dep.title)}</a>{where}')
    if deps:
        items = "".join(f'<li data-dep="{_h(d)}">{link}</li>' for d, link in zip(step.depends_on, deps))
        parts.append(f'<div class="so-step__deps"><p>Сначала выполните:</p><ul>{items}</ul></div>')
    parts.append(f'<p class="so-step__done"><strong>Как понять, что получилось:</strong> {_h(step.done_when)}</p>')
    guide_href = relative_url(page, step.guide.page, step.guide.anchor)
    parts.append(f'<p class="so-step__guide so-screen-only"><a href="{_h(guide_href)}">'
                 f"Подробная инструкция: {_h(titles.of(step.guide))}</a></p>")
    who = screen_helper(catalog, checklist, step)
    if step.review.unverified and who:
        parts.append(f'<p class="so-step__unverified">Если на экране всё по-другому, покажите эту страницу '
                     f"{_h(who)}.</p>")
    parts.append("</li>\n")
    return "\n".join(parts)


# Whom a family or a teacher shows the page to when the app looks different (dative: «покажите … кому?»).
ROLE_DATIVE = {"administrator": "администратору школы", "teacher": "учителю", "class_leader": "классному руководителю",
               "specialist": "специалисту", "pupil": "ученику", "parent": "родителю"}
SCREEN_HELPERS = {"parent": "class_leader", "pupil": "class_leader", "teacher": "administrator",
                  "class_leader": "administrator", "specialist": "administrator"}


def screen_helper(catalog: Catalog, checklist: Checklist, step: Step) -> str | None:
    """The dative of who can help with a screen that changed: the step's helper, else the audience's usual one.

    A checklist for everyone (the move from VK) names the class leader: families are the most likely to ask.
    """
    role = step.helper or next((helper for reader, helper in SCREEN_HELPERS.items() if reader in checklist.audience),
                               None)
    return ROLE_DATIVE.get(role) if role else None


def qr_svg(url: str) -> str:
    """The page address as an inline SVG QR code (made at build time: no request at view time)."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=3, border=2, dark="#000", light="#fff", omitsize=True)
    return svg.replace("<svg ", '<svg role="img" aria-label="QR-код адреса страницы" ', 1)


# --- a role's short path, on its start page -------------------------------------------


def main_checklists(catalog: Catalog, role_id: str) -> list[Checklist]:
    return [c for c in own_checklists(catalog, role_id) if c.kind == "main"]


def render_short_path(catalog: Catalog, role: Role, page: str) -> str:
    """What replaces the start page's `<!-- short-path -->` line: the role's steps in order, one line each.

    Steps link to their guide sections; ongoing steps (a course, being in
    touch) come last, apart, and do not count in the setup time. A role that
    continues another one (a class leader is a teacher first) gets one line
    sending it to that role's checklist first. The button opens the checklist.
    """
    mains = main_checklists(catalog, role.id)
    out = ['<div class="so-short-path" markdown>\n\n']
    for parent_id in catalog.role_chain(role.id)[:-1]:
        for checklist in main_checklists(catalog, parent_id):
            steps = [catalog.steps[i] for i in checklist.step_ids]
            out.append(f"Сначала пройдите [{_md(_lower_first(checklist.title))}]"
                       f"({_rel_md(page, checklist_page(checklist.id))}): {_md(setup_time(steps))}.\n\n")
    if not mains:
        out.append("Для этой роли пока нет чек-листа.\n\n</div>\n")
        return "".join(out)
    first = mains[0]
    steps = [catalog.steps[i] for i in first.step_ids]
    mine = "Потом ваши шаги: " if len(out) > 1 else ""
    out.append(f"**{mine}{_md(setup_time(steps))}.**\n\n")
    setup = [s for s in steps if not s.ongoing]
    later = [s for s in steps if s.ongoing]
    out.extend(f"{n}. {_step_link(page, s)}\n" for n, s in enumerate(setup, 1))
    if later:
        out.append("\nПотом, со временем:\n\n")
        out.extend(f"- {_step_link(page, s)}\n" for s in later)
    out.append("\n")
    for other in mains[1:]:
        grades = f"Для {other.grades[0]}–{other.grades[1]} классов — " if other.grades else "Ещё "
        out.append(f"{grades}[{_md(_lower_first(other.title))}]({_rel_md(page, checklist_page(other.id))}): "
                   f"{_md(setup_time([catalog.steps[i] for i in other.step_ids]))}.\n\n")
    out.append(f"[Открыть {_md(_lower_first(first.title))}]({_rel_md(page, checklist_page(first.id))})"
               "{ .md-button .md-button--primary }\n\n</div>\n")
    return "".join(out)


_NOT_READ = re.compile(r"\]\([^)]*\)|\{[^}]*\}|<[^>]*>|^\s*(?:\d+\.|[-*+])\s", re.MULTILINE)
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def count_words(markdown: str) -> int:
    """Words a reader reads in Markdown: link targets, {attributes}, tags and list markers are not read."""
    return len(_WORD.findall(_NOT_READ.sub(" ", markdown)))


def _step_link(page: str, step: Step) -> str:
    return f"[{_md(step.title)}]({_rel_md(page, step.guide.page, step.guide.anchor)})"


def _lower_first(text: str) -> str:
    """A title continuing a sentence: «Чек-лист учителя» → «чек-лист учителя»."""
    return text[:1].lower() + text[1:]


def _rel_md(from_doc: str, to_doc: str, anchor: str = "") -> str:
    """A Markdown link target (a docs path MkDocs checks and rewrites)."""
    link = posixpath.relpath(to_doc, posixpath.dirname(from_doc) or ".")
    return link + (f"#{anchor}" if anchor else "")


# --- step index -------------------------------------------------------------


def render_steps(catalog: Catalog, titles: GuideTitles) -> str:
    page = STEPS_PAGE
    out = [_front_matter("Все шаги", "Все шаги чек-листов по порядку: кому, сколько времени, где инструкция."),
           "# Все шаги\n\n",
           "Все шаги всех чек-листов. Идентификатор (id) шага нужен координаторам: "
           "по нему считаются отметки, поэтому он не меняется.\n\n"]
    in_checklists: dict[str, list[Checklist]] = {}
    for checklist in catalog.checklists.values():
        for step_id in checklist.step_ids:
            in_checklists.setdefault(step_id, []).append(checklist)
    out.append('<div class="so-step-index" data-pagefind-weight="0.5" markdown>\n\n')
    out.append("| Шаг | id | Чек-листы | Время | Инструкция |\n| --- | --- | --- | --- | --- |\n")
    for step in sorted(catalog.steps.values(), key=lambda s: s.title.casefold()):
        lists = ", ".join(f"[{_md(c.title)}]({_rel_md(page, checklist_page(c.id), step.id)})"
                          for c in in_checklists.get(step.id, []))
        guide = f"[{_md(titles.of(step.guide))}]({_rel_md(page, step.guide.page, step.guide.anchor)})"
        out.append(f'| <span id="{_h(step.id)}"></span>{_md(step.title)} | `{step.id}` | {lists} | '
                   f"{minutes_text(step.minutes)} | {guide} |\n")
    out.append("\n</div>\n\n")
    if catalog.org_steps:
        out.append(f"## {_md(catalog.org_checklist_title)}\n\n")
        out.append("Эти шаги выполняет школа в целом: их отмечает администратор.\n\n")
        out.append("| Шаг | id | Инструкция |\n| --- | --- | --- |\n")
        for step in catalog.org_steps.values():
            guide = f"[{_md(titles.of(step.guide))}]({_rel_md(page, step.guide.page, step.guide.anchor)})"
            out.append(f'| <span id="{_h(step.id)}"></span>{_md(step.title)} | `{step.id}` | {guide} |\n')
        out.append("\n")
    return "".join(out)


# --- public road map ---------------------------------------------------------


AUDIENCE_WORDS = {
    "administrator": "администраторы",
    "teacher": "учителя",
    "pupil": "ученики",
    "parent": "родители",
}


def audience_text(target: Target) -> str:
    counts = target.counts
    if counts.role == "teacher" and counts.class_leader:
        words = "классные руководители"
    elif counts.role == "teacher" and counts.specialist:
        words = "специалисты"
    else:
        words = AUDIENCE_WORDS.get(counts.role, counts.role)
    if counts.grades:
        words += f" {counts.grades[0]}–{counts.grades[1]} классов"
    return words


def platform_name(settings: SiteSettings | None, case: str) -> str:
    """The platform's name in a case («Сферуму» for "dat"), as site.yml declines it."""
    return settings.variables.get(f"platform.{case}", LITERAL_FORMS[case]) if settings else LITERAL_FORMS[case]


def render_roadmap(catalog: Catalog) -> str:
    page = ROADMAP_PAGE
    roadmap = catalog.roadmap
    school = catalog.settings.school_name if catalog.settings else ""
    platform = platform_name(catalog.settings, "dat")
    out = [_front_matter("Дорожная карта", f"Цели школы по подключению к {platform} и сроки."),
           "# Дорожная карта\n\n"]
    if roadmap is None:
        out.append("Дорожная карта ещё не составлена.\n")
        return "".join(out)
    out.append(f"Цели {_md(school)} на {roadmap.school_year} учебный год. Здесь только цели и сроки: "
               "кто уже выполнил шаги, видит администратор в отчёте школы.\n\n")
    out.append("| Цель | Кого считаем | Что должно быть сделано | Показатель | Срок |\n"
               "| --- | --- | --- | --- | --- |\n")
    for target in roadmap.targets:
        steps = [catalog.steps.get(s) or catalog.org_steps.get(s) for s in target.steps]
        links = [f"[{_md(s.title)}]({_rel_md(page, STEPS_PAGE, s.id)})" for s in steps if s is not None]
        joiner = " и " if target.match == "all" else " или "
        value = f"{target.target:g} %".replace(".", ",")
        out.append(f"| {_md(target.title)} | {_md(audience_text(target))} | {joiner.join(links)} | "
                   f"{value} | {date_text(target.due)} |\n")
    out.append("\n")
    return "".join(out)
