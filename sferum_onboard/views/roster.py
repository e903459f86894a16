"""What `roster import` and `roster list` print: text and rows from a roster, an import plan or people."""

from __future__ import annotations

from typing import Iterable

from sferum_onboard.errors import Location
from sferum_onboard.messages import ROSTER_ENCODINGS, ROSTER_KINDS
from sferum_onboard.tracking.importplan import MOVED_CLASS
from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.tracking.model import Person
from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
from sferum_onboard.wording import plural, role_title

SHOWN = 20  # names listed under a count; the rest are summed up


def file_line(roster) -> str:
    detected = VIEW["detected"] if roster.kind_detected else ""
    kind = ROSTER_KINDS[roster.kind]
    if roster.format != "csv":
        return VIEW["file-" + roster.format].format(file=roster.path, kind=kind, detected=detected,
                                                    row=roster.header_row)
    return VIEW["file-csv"].format(
        file=roster.path, encoding=ROSTER_ENCODINGS.get(roster.encoding, roster.encoding),
        delimiter=VIEW["delimiters"].get(roster.delimiter, f"«{roster.delimiter}»"), kind=kind, detected=detected,
        row=roster.header_row)


def _value(value) -> str:
    if isinstance(value, bool):
        return VIEW["yes"] if value else VIEW["no"]
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "—"
    return "—" if value in (None, "") else str(value)


def _listed(items: list[str]) -> list[str]:
    lines = [f"  {item}" for item in items[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(VIEW["more"].format(n=len(items) - SHOWN))
    return lines


def plan_lines(plan, dry_run: bool, names: dict[int, str] | None = None) -> list[str]:
    """The plan as a short Russian account: counts, and who changed how (the first few of each)."""
    names = names or {}
    tense = 0 if dry_run else 1
    lines: list[str] = []

    def shown(value, field: str) -> str:
        if field == "children":
            return ", ".join(names.get(i, f"#{i}") for i in value) or "—"
        return _value(value)

    if plan.added:
        lines.append(VIEW["added"][tense].format(n=plural(len(plan.added), "person")))
        lines += _listed([_who(p.person) for p in plan.added])
    if plan.moved:
        lines.append(VIEW["moved"][tense].format(n=plural(len(plan.moved), "person")))
        lines += _listed([f"{p.person.full_name}: {p.before.class_name} → {p.person.class_name}" for p in plan.moved])
    if plan.updated:
        lines.append(VIEW["updated"][tense].format(n=plural(len(plan.updated), "person")))
        lines += _listed([
            f"{p.person.full_name}: " + "; ".join(
                f"{VIEW['fields'].get(c.field, c.field)} {shown(c.old, c.field)} → {shown(c.new, c.field)}"
                for c in p.changes)
            for p in plan.updated])
    lines.append(VIEW["unchanged"][tense].format(n=plural(len(plan.unchanged), "person")))
    if plan.held:
        lines.append(VIEW["held"][tense].format(n=plural(len(plan.held), "person")))
    if plan.deactivated:
        lines.append(VIEW["deactivated"][tense].format(n=plural(len(plan.deactivated), "person")))
        lines += _listed([_who(p) for p in plan.deactivated])
    elif plan.missing:
        lines.append(VIEW["missing"][tense].format(n=plural(len(plan.missing), "person")))
        lines += _listed([_who(p) for p in plan.missing])
    return lines


def held_lines(plan, names: dict[int, str] | None = None) -> list[str]:
    """What is not written without --apply-moves, row by row, and how to go on (for stderr)."""
    names = names or {}

    def children(ids) -> str:
        return ", ".join(names.get(i, f"#{i}") for i in ids) or "—"

    lines = [VIEW["held-title"]]
    for planned in plan.held:
        where = Location(plan.source, planned.rows[0]) if planned.rows else Location(plan.source)
        before, after = planned.before, planned.person
        if planned.takes == MOVED_CLASS:
            lines.append(VIEW["held-move"].format(where=where, name=after.full_name, old=before.class_name,
                                                  new=after.class_name))
        else:
            added = [c for c in after.children if c not in before.children]
            lines.append(VIEW["held-household"].format(where=where, name=after.full_name,
                                                       old=children(before.children), new=children(added)))
    lines.append(VIEW["held-hint-" + plan.kind])
    return lines


def _who(person: Person) -> str:
    where = person.class_name or ", ".join(person.led_classes)
    role = role_title(person.role)
    ident = f"#{person.id} " if person.id else ""
    return f"{ident}{person.full_name}, {role}" + (f" ({where})" if where else "")


# --- roster list ---------------------------------------------------------------------


def person_classes(person: Person, class_of: dict[int, str | None]) -> list[str]:
    """The classes a person counts in: a pupil's, a parent's children's, a class leader's."""
    return list(classes_of(person, class_of))


def person_dict(person: Person, class_of: dict[int, str | None]) -> dict:
    classes = person_classes(person, class_of)
    return {
        "id": person.id, "full_name": person.full_name, "role": person.role,
        "class": classes[0] if len(classes) == 1 else (", ".join(classes) or None),
        "classes": classes, "class_leader": person.class_leader, "specialist": person.specialist,
        "active": person.active, "position": person.position, "subjects": list(person.subjects),
        "classes_taught": list(person.classes_taught), "led_classes": list(person.led_classes),
        "children": list(person.children), "contact": person.contact,
    }


CSV_FIELDS = ("id", "full_name", "role", "class", "class_leader", "specialist", "active", "position",
              "subjects", "classes_taught", "led_classes", "children", "contact")


def csv_rows(people: Iterable[Person], class_of: dict[int, str | None]) -> list[list]:
    rows: list[list] = [list(CSV_FIELDS)]
    for person in people:
        data = person_dict(person, class_of)
        rows.append([", ".join(map(str, v)) if isinstance(v, list) else ("1" if v is True else "0" if v is False else v)
                     for v in (data[f] for f in CSV_FIELDS)])
    return rows


def table_rows(people: Iterable[Person], class_of: dict[int, str | None]) -> list[tuple[str, ...]]:
    rows = []
    for person in people:
        role = role_title(person.role)
        flags = []
        if person.class_leader:
            flags.append(VIEW["flag-leader"].format(classes=", ".join(person.led_classes)).strip())
        if person.specialist:
            flags.append(VIEW["flag-specialist"])
        if not person.active:
            flags.append(VIEW["flag-inactive"])
        if person.position and person.role != "pupil":
            role = f"{role}: {person.position}" if person.position.casefold() != role else role
        rows.append((str(person.id), person.full_name, role, ", ".join(person_classes(person, class_of)),
                     "; ".join(flags), person.contact or ""))
    return rows
