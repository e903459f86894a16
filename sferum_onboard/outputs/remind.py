"""Reminders for people who are behind: their next step, its guide, a message to paste, and where to send it.

One message per person, for one reader: no other names go into it (a class
chat is not the place to list who is behind). Where it can reach them
depends on how far they got (`address`):
- in MAX for the school (they joined their class or school there): a
  personal chat in MAX; a pupil's safe mode still lets the teachers of their
  school write to them;
- not yet (their next step is installing MAX, logging in or joining): a
  channel the school already has — a paper slip handed to a pupil, a text
  to a parent's phone, a message in the electronic journal (a parent with no
  phone number in the roster, staff);
- a pupil of grades 1–4: their parent (one in MAX, else one with a phone,
  else one through the journal), or a slip for the family when the roster
  has no parent.
Links are plain ASCII, so a phone's messenger or SMS app opens them whole; a
slip carries the page's address without the anchor, short enough to type.
`--format csv` feeds a mail merge, with formula-safe cells and the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sferum_onboard.catalog.model import MILESTONES, Catalog, Step
from sferum_onboard.messages import REPORTS
from sferum_onboard.outputs.labels import guide_url, helper_text, role_label
from sferum_onboard.outputs.spreadsheet import csv_text
from sferum_onboard.tracking import roadmap
from sferum_onboard.site.pages import platform_name
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.membership import StepLayouts, has_role
from sferum_onboard.tracking.model import Person
from sferum_onboard.wording import about_minutes

MAX_CHAT, SMS, JOURNAL, SLIP = "max", "sms", "journal", "slip"
CHANNELS = (MAX_CHAT, SMS, JOURNAL, SLIP)
# The first of these milestones a person's checklist has says they are in MAX for the school.
IN_MAX = tuple(MILESTONES.index(m) for m in ("joined", "logged_in"))
CSV_COLUMNS = ("ФИО", "Роль", "Класс", "Кому", "Канал", "Контакт", "Шаг", "Что сделать", "Инструкция",
               "Кто поможет", "Сообщение")


@dataclass(frozen=True)
class Reminder:
    person: Person  # who is behind
    reader: Person | None  # who the draft is for: the person, a young pupil's parent; None: the pupil's family
    channel: str  # one of CHANNELS
    channel_label: str  # «личный чат в MAX», «SMS на телефон»…
    role: str
    classes: str
    step: Step
    url: str | None
    helpers: str
    message: str

    @property
    def contact(self) -> str:
        return (self.reader.contact if self.reader else None) or ""


def is_phone(contact: str | None) -> bool:
    """A roster contact a text message can go to: ten digits or more, and not an e-mail address."""
    return bool(contact) and "@" not in contact and sum(c.isdigit() for c in contact) >= 10


def in_max(milestones: Sequence[tuple[int, str]], own: Mapping) -> bool:
    """Whether a person's marks say they are in MAX for the school (joined there; logged in, without a join step)."""
    present = {index for index, _ in milestones}
    needed = next((index for index in IN_MAX if index in present), None)
    return needed is not None and roadmap.furthest_milestone(milestones, own) >= needed


def address(person: Person, parents: Sequence[Person], reachable) -> tuple[Person | None, str]:
    """(who reads the draft, the channel) for a person behind; `reachable(p)` says whether p is in MAX."""
    if _young(person):
        if not parents:
            return None, SLIP
        reader = next((p for p in parents if reachable(p)), None)
        if reader is not None:
            return reader, MAX_CHAT
        reader = next((p for p in parents if is_phone(p.contact)), parents[0])
        return reader, SMS if is_phone(reader.contact) else JOURNAL
    if reachable(person):
        return person, MAX_CHAT
    if person.role == "pupil":
        return person, SLIP
    if person.role == "parent" and is_phone(person.contact):
        return person, SMS
    return person, JOURNAL


def greeting(person: Person | None) -> str:
    """«Здравствуйте, Мария Петровна!»; a pupil by first name; a young pupil's family, or nobody named, without one."""
    if person is None:
        return "Здравствуйте!"
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


def message(person: Person, step: Step, url: str | None, platform: str = "«Сферум»", messenger: str = "MAX",
            *, reader: Person | None = None, channel: str = MAX_CHAT) -> str:
    """A short polite draft in Russian for `reader` (by default the person; a young pupil's family when None
    is meant); it names nobody but its reader.

    The guides say «вы» to everyone, pupils included, so the message does too.
    """
    reader = person if reader is None and not _young(person) else reader
    whose = "для вашего ребёнка " if _young(person) else ""
    lines = [
        greeting(reader),
        f"Напоминаю про {platform} в {messenger}: следующий шаг {whose}— «{step.title}». {_sentence(step.action)} "
        f"Это займёт {about_minutes(step.minutes)}.",
    ]
    if url:
        lines.append(f"Пошаговая инструкция: {url}")
    if person.role == "pupil" and not _young(person):
        ask = "подойдите ко мне" if channel == SLIP else "напишите мне"
        lines.append(f"Если не получится, {ask} или попросите помочь родителей.")
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
    """Everyone behind (a key or road-map step open), optionally of one class or one role, each with a reader
    and a channel that reaches them."""
    situation = result.situation
    people = situation.people
    parents: dict[int, list[Person]] = {}
    for person in people:
        for child in person.children if person.role == "parent" else ():
            parents.setdefault(child, []).append(person)
    layouts = StepLayouts(catalog)

    def reachable(person: Person) -> bool:
        return in_max(layouts.of(person).milestones, situation.states.get(person.id, {}))

    wanted = (normalise_class(class_name) or class_name) if class_name else None
    variables = catalog.settings.variables if catalog.settings else {}
    platform, messenger = platform_name(catalog.settings, "acc"), variables.get("messenger.prep", "MAX")  # «про …», «в …»
    found = []
    for entry in result.behind:
        person = entry.person
        if role is not None and not has_role(person, role):
            continue
        counted_in = situation.memberships[person.id]
        if wanted is not None and wanted not in counted_in:
            continue
        reader, channel = address(person, parents.get(person.id, ()), reachable)
        url = guide_url(catalog, entry.next_step)
        if url and channel == SLIP:
            url = url.partition("#")[0]  # typed from paper: the page is enough
        text = message(person, entry.next_step, url, platform, messenger, reader=reader, channel=channel)
        label = REPORTS[f"channel-{channel}"].format(messenger=messenger)
        found.append(Reminder(person, reader, channel, label, role_label(catalog, person), ", ".join(counted_in), entry.next_step,
                              url, helper_text(entry.helpers), text))
    return found


def channel_text(item: Reminder) -> str:
    """Where the draft goes, in words: «SMS на телефон — родителю: Петрова Анна Ивановна»."""
    if item.reader is None:
        return REPORTS["channel-to-family"].format(channel=item.channel_label)
    if item.reader is not item.person:
        return REPORTS["channel-to-parent"].format(channel=item.channel_label, name=item.reader.full_name)
    return item.channel_label


def as_text(items: Sequence[Reminder]) -> str:
    """Blocks to read and copy from: who, where to send it, the next step, the guide, who helps, the message."""
    blocks = []
    for item in items:
        who = ", ".join(filter(None, (item.role.lower(), item.classes)))
        lines = [f"{item.person.full_name} — {who}", f"Куда: {channel_text(item)}"]
        if item.contact:
            lines.append(f"Контакт: {item.contact}")
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
        (item.person.full_name, item.role, item.classes,
         item.reader.full_name if item.reader else REPORTS["reader-family"], item.channel_label, item.contact,
         item.step.id, item.step.title,
         item.url or "", item.helpers, item.message)
        for item in items
    )
    return csv_text(rows)
