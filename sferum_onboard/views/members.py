"""What `members import`, `members confirm` and `members resolve` print: tables, JSON, summary lines."""

from __future__ import annotations

from typing import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sferum_onboard.dates import date_text, moment_text
from sferum_onboard.outputs.member_labels import WORDS, person_text, reasons_text
from sferum_onboard.tracking.members.matching import (
    MATCHED, MISSING, OTHER_CLASS, OUTSIDER, UNSURE, Row, count_outcomes,
)
from sferum_onboard.tracking.members.recording import CheckRecord, ConfirmRecord, Verified
from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.tracking.model import CheckedMember, MemberCheck, Person
from sferum_onboard.views.messages import MEMBERS_VIEW as VIEW
from sferum_onboard.wording import plural

SHOWN_ORDER = (MATCHED, OTHER_CLASS, UNSURE, OUTSIDER, MISSING)
JSON_KEYS = {MATCHED: "matched", MISSING: "missing", OTHER_CLASS: "other_class", OUTSIDER: "outsiders",
             UNSURE: "unsure"}
STYLES = {MATCHED: "green", OTHER_CLASS: "yellow", UNSURE: "bold yellow", OUTSIDER: "bold red", MISSING: "dim"}


def _pupil_classes(people: Mapping[int, Person]) -> dict[int, str | None]:
    return {p.id: p.class_name for p in people.values() if p.role == "pupil" and p.active}


def result_table(record: CheckRecord, title: str) -> Table:
    """Every member of the list, then the people missing from the chat, grouped by outcome."""
    people, classes = record.people, _pupil_classes(record.people)
    table = Table(title=title, title_justify="left")
    for column in VIEW["columns"]:
        table.add_column(column, overflow="fold")
    for outcome in SHOWN_ORDER:
        for row in record.result.of(outcome):
            who = person_text(people[row.person_id], classes) if row.person_id is not None else "\n".join(
                f"{person_text(people[c.person_id], classes)} — {c.confidence} %" for c in row.candidates)
            table.add_row(
                str(row.member.line) if row.member else "", row.member.text if row.member else "",
                Text(WORDS["outcomes"][outcome], style=STYLES[outcome]), who,
                str(row.confidence) if row.confidence is not None else "",
                reasons_text(row.reasons, people, classes))
    return table


def count_line(found: Mapping[str, int]) -> str:
    """«В классе: 21, из других классов: 1, не уверены: 3, посторонних: 2, нет в чате: 4.»"""
    return VIEW["counts"].format(**{JSON_KEYS[outcome]: n for outcome, n in found.items()})


def verified_lines(verified: tuple[Verified, ...], people: Mapping[int, Person], catalog, dry_run: bool) -> list[str]:
    """How many joined steps were recorded as verified, and which stay decided by a later event."""
    recorded = [v for v in verified if v.recorded]
    lines = [VIEW["verified-dry" if dry_run else "verified"].format(
        n=plural(len(recorded), "mark"), already=len(verified) - len(recorded))] if verified else []
    classes = _pupil_classes(people)
    for item in verified:
        if item.recorded and item.later is not None:
            action, at = item.later
            step = catalog.steps[item.step_id].title if item.step_id in catalog.steps else item.step_id
            lines.append(VIEW["later-wins"].format(who=person_text(people[item.person_id], classes), step=step,
                                                   state=VIEW["states"].get(action, action), when=moment_text(at)))
    return lines


def import_lines(record: CheckRecord, catalog, sheet: str | None, dry_run: bool) -> list[str]:
    found = record.result.counts()
    lines = [count_line(found)]
    lines += verified_lines(record.verified, record.people, catalog, dry_run)
    if dry_run:
        lines.append(VIEW["dry-run"])
    elif sheet:
        lines.append(VIEW["sheet-written"].format(file=sheet))
    elif found[UNSURE] or found[OUTSIDER]:
        lines.append(VIEW["sheet-hint"])
    if found[OUTSIDER] and not dry_run:
        lines.append(VIEW["outsiders-hint"])
    return lines


def row_dict(row: Row, people: Mapping[int, Person], classes: dict) -> dict:
    """One row for JSON: the member's line as copied and, where known, the person."""
    person = people.get(row.person_id) if row.person_id is not None else None
    return {
        "line": row.member.line if row.member else None,
        "text": row.member.text if row.member else None,
        "marks": sorted(row.member.marks) if row.member else [],  # "owner", "admin", "you": what the list says
        "person_id": row.person_id,
        "name": person.full_name if person else None,
        "role": person.role if person else None,
        "classes": list(classes_of(person, classes)) if person else [],
        "confidence": row.confidence,
        "reasons": [reasons_text((r,), people, classes) for r in row.reasons],
        "candidates": [{"person_id": c.person_id, "name": people[c.person_id].full_name, "confidence": c.confidence,
                        "reasons": [reasons_text((r,), people, classes) for r in c.reasons]}
                       for c in row.candidates],
    }


def result_dict(record: CheckRecord, school: str, chat: str | None, listed_at, problems) -> dict:
    """The result as one object: the five lists, the counts, what was recorded."""
    classes = _pupil_classes(record.people)
    return {
        "school": school, "class": record.result.class_name, "chat": chat, "audience": record.result.audience,
        "date": listed_at.isoformat(sep=" "), "check_id": record.check.id if record.check else None,
        "counts": {JSON_KEYS[o]: n for o, n in record.result.counts().items()},
        **{JSON_KEYS[o]: [row_dict(r, record.people, classes) for r in record.result.of(o)] for o in SHOWN_ORDER},
        "verified": [{"person_id": v.person_id, "step": v.step_id, "recorded": v.recorded,
                      "later": {"state": v.later[0], "at": v.later[1].isoformat(sep=" ")} if v.later else None}
                     for v in record.verified],
        "problems": [p.as_dict() for p in problems],
    }


def confirm_lines(record: ConfirmRecord, rows_now: list[CheckedMember], catalog, dry_run: bool) -> list[str]:
    """What the sheet's decisions did, then the check's counts as they are now."""
    classes = _pupil_classes(record.people)
    check = record.check
    lines = [VIEW["confirm-title"].format(class_name=check.class_name, chat=f" «{check.chat}»" if check.chat else "",
                                          date=date_text(check.listed_at))]
    if not record.changed:
        lines.append(VIEW["confirm-nothing"])
    for row in record.changed:
        who = person_text(record.people[row.person_id], classes) if row.person_id else ""
        lines.append(VIEW["confirm-row"].format(line=row.line, outcome=WORDS["outcomes"][row.outcome],
                                                who=f": {who}" if who else ""))
    lines += verified_lines(record.verified, record.people, catalog, dry_run)
    lines.append(count_line(count_outcomes(rows_now)))
    if dry_run:
        lines.append(VIEW["dry-run"])
    return lines


def outsiders_table(found: list[tuple[CheckedMember, MemberCheck]]) -> Group:
    table = Table(title=VIEW["outsiders-title"].format(n=len(found)), title_justify="left")
    for column in VIEW["outsiders-columns"]:
        table.add_column(column, overflow="fold")
    for row, check in found:
        table.add_row(str(row.id), check.class_name, check.chat or "", date_text(check.listed_at), str(row.line or ""),
                      row.outsider_name or "")
    return Group(table, Text(VIEW["resolve-hint"]))
