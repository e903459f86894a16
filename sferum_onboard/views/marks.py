"""What `mark` and `unmark` print: a line per person marked, skipped or overridden."""

from __future__ import annotations

from sferum_onboard.dates import moment_text
from sferum_onboard.tracking.marking import MarkOutcome
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Event, School, StepState
from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
from sferum_onboard.views.people import describe_person


def outcome_lines(outcomes: list[MarkOutcome], catalog, action: str, school: School) -> list[str]:
    """What was recorded, skipped, or overridden by a later event, a line per person (or the school)."""
    lines = []
    for outcome in outcomes:
        step = catalog.steps.get(outcome.step_id) or catalog.org_steps[outcome.step_id]
        who = describe_person(outcome.who) if outcome.who else VIEW["school-title"].format(school=school.name)
        when = _when(outcome.written or outcome.before)
        if not outcome.recorded:
            key = "already-unmarked" if action == UNDONE else "already-marked"
            lines.append(VIEW[key].format(who=who, step=step.title, when=when))
            continue
        key = {DONE: "marked", UNDONE: "unmarked", NOT_APPLICABLE: "marked-na"}[action]
        lines.append(VIEW[key].format(who=who, step=step.title, when=when))
        if not outcome.effective and outcome.after is not None:
            lines.append(VIEW["not-effective"].format(
                when=_when(outcome.after), state=VIEW["states"][outcome.after.action]))
    return lines


def _when(fact: StepState | Event | None) -> str:
    """When a state was set or an event written, and by whom."""
    if fact is None:
        return ""
    text = moment_text(fact.at)
    return f"{text}, {fact.recorded_by}" if fact.recorded_by else text

