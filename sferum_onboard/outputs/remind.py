"""Reminders for people who are behind: their next step, its guide, a message to paste.

One message per person, addressed to that person only: no other names go
into it (a class chat is not the place to list who is behind). The class
leader pastes it into a personal chat; `--format csv` feeds a mail merge,
with formula-safe cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from sferum_onboard.catalog.model import Catalog, Step
from sferum_onboard.messages import count
from sferum_onboard.outputs.report import class_label, guide_url, helper_text, role_label
from sferum_onboard.tracking import roadmap
from sferum_onboard.tracking.progress import has_role
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.render import csv_text

CSV_COLUMNS = ("ФИО", "Роль", "Класс", "Контакт", "Шаг", "Что сделать", "Инструкция", "Кто поможет", "Сообщение")
MINUTES = ("минуты", "минут", "минут")  # after «около»: около 1 минуты, 5 минут, 21 минуты


@dataclass(frozen=True)
class Reminder:
    person: Person
    role: str
    classes: str
    step: Step
    url: str | None
    helpers: str
    message: str


def greeting(person: Person) -> str:
    """«Здравствуйте, Мария Петровна!»; a pupil by first name; a young pupil's family without one."""
    parts = person.full_name.split()
    if person.role == "pupil":
        if _young(person):
            return "Здравствуйте!"
        return f"Здравствуйте, {parts[1]}!" if len(parts) >= 2 else "Здравствуйте!"
    if len(parts) >= 3:
        return f"Здравствуйте, {parts[1]} {parts[2]}!"
    if len(parts) == 2:
        return f"Здравствуйте, {parts[1]}!"
    return "Здравствуйте!"


def _young(person: Person) -> bool:
    """Pupils of grades 1–4: their family reads the message."""
    return person.role == "pupil" and person.grade is not None and person.grade <= 4


def message(person: Person, step: Step, url: str | None, platform: str = "«Сферум»", messenger: str = "MAX") -> str:
    """A short polite draft in Russian for a personal chat; it names nobody but the addressee.

    The guides say «вы» to everyone, pupils included, so the message does too.
    """
    whose = "для вашего ребёнка " if _young(person) else ""
    lines = [
        greeting(person),
        f"Напоминаю про {platform} в {messenger}: следующий шаг {whose}— «{step.title}». {_sentence(step.action)} "
        f"Это займёт около {count(step.minutes, *MINUTES)}.",
    ]
    if url:
        lines.append(f"Пошаговая инструкция: {url}")
    if person.role == "pupil" and not _young(person):
        lines.append("Если не получится, напишите мне или попросите помочь родителей.")
    else:
        lines.append("Если что-то не получится, напишите мне — помогу. Спасибо!")
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def reminders(
    catalog: Catalog,
    result: roadmap.SchoolResult,
    class_name: str | None = None,
    role: str | None = None,
) -> list[Reminder]:
    """Everyone behind (a key or road-map step open), optionally of one class or one role."""
    people = result.situation.people
    pupil_classes = {p.id: p.class_name for p in people if p.role == "pupil"}
    wanted = (normalise_class(class_name) or class_name) if class_name else None
    variables = catalog.settings.variables if catalog.settings else {}
    platform, messenger = variables.get("platform.acc", "«Сферум»"), variables.get("messenger.prep", "MAX")  # «про …», «в …»
    found = []
    for entry in result.behind:
        person = entry.person
        if role is not None and not has_role(person, role):
            continue
        classes = class_label(person, pupil_classes)
        if wanted is not None and wanted not in classes.split(", "):
            continue
        url = guide_url(catalog, entry.next_step)
        found.append(Reminder(person, role_label(catalog, person), classes, entry.next_step, url,
                              helper_text(entry.helpers), message(person, entry.next_step, url, platform, messenger)))
    return found


def as_text(items: Sequence[Reminder]) -> str:
    """Blocks to read and copy from: who, the next step, the guide, who helps, the message."""
    blocks = []
    for item in items:
        who = ", ".join(filter(None, (item.role.lower(), item.classes)))
        lines = [f"{item.person.full_name} — {who}"]
        if item.person.contact:
            lines.append(f"Контакт: {item.person.contact}")
        lines.append(f"Следующий шаг: {item.step.title} ({item.step.id})")
        if item.url:
            lines.append(f"Инструкция: {item.url}")
        if item.helpers:
            lines.append(f"Кто поможет: {item.helpers}")
        lines.append("Сообщение:")
        lines.extend("  " + line for line in item.message.splitlines())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def as_csv(items: Iterable[Reminder]) -> str:
    """`;`-separated CSV for a mail merge; text that looks like a formula is kept as text."""
    rows = [CSV_COLUMNS]
    rows.extend(
        (item.person.full_name, item.role, item.classes, item.person.contact or "", item.step.id, item.step.title,
         item.url or "", item.helpers, item.message)
        for item in items
    )
    return csv_text(rows)
