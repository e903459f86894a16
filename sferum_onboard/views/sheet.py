"""What `sheet import` prints: rows whose names are not their codes', the cells it refuses, the conflicts,
and the changes it records."""

from __future__ import annotations

from sferum_onboard.dates import date_text
from sferum_onboard.outputs.sheet_import import REPEATED, SheetImport
from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
from sferum_onboard.wording import plural


def mismatch_lines(compared: SheetImport) -> list[str]:
    """Rows whose ФИО is not their code's, each with both names, and why nothing is recorded (for stderr)."""
    lines = [VIEW["sheet-mismatch-title"]]
    for found in compared.mismatches:
        if found.reason == REPEATED:
            lines.append(VIEW["sheet-mismatch-row-repeated"].format(where=found.location, id=found.person_id,
                                                                first=found.first_row))
        else:
            lines.append(VIEW["sheet-mismatch-row"].format(where=found.location, id=found.person_id,
                                                       sheet=found.in_sheet or "—", stored=found.stored))
    for reason in dict.fromkeys(found.reason for found in compared.mismatches):
        lines.append(VIEW["sheet-mismatch-" + reason])
    lines.append(VIEW["sheet-mismatch-refused"])
    return lines


def refusal_lines(compared: SheetImport) -> list[str]:
    """Cells with problems and conflicts, each under its heading (for stderr)."""
    lines = []
    for title, problems in (("sheet-problems", compared.diff.problems), ("sheet-conflicts", compared.diff.conflicts)):
        if problems:
            lines.append(VIEW[title])
            lines += [f"  {problem}" for problem in sorted(problems)]
    return lines


def refused_line(compared: SheetImport) -> str:
    """«Ничего не записано: 2 ошибки, 1 конфликт. …»"""
    diff = compared.diff
    what = ", ".join(filter(None, (
        plural(len(diff.problems), "error") if diff.problems else "",
        plural(len(diff.conflicts), "conflict") if diff.conflicts else "")))
    return VIEW["sheet-refused"].format(what=what)


def change_lines(compared: SheetImport, catalog) -> list[str]:
    """A heading, then a line per change: who, which step, what is recorded."""
    lines = [VIEW["sheet-changes"].format(n=len(compared.diff.changes))]
    for change in compared.diff.changes:
        step = catalog.steps[change.step_id].title if change.step_id in catalog.steps else change.step_id
        what = VIEW["sheet-actions"][change.action].format(date=date_text(change.at))
        lines.append(VIEW["sheet-change"].format(name=compared.people[change.person_id].full_name, step=step, what=what))
    return lines
