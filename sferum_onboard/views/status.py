"""What `status` prints: a person's (or the school's) checklist with states, as a table or JSON."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sferum_onboard.dates import moment_text
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Person, StepState
from sferum_onboard.tracking.progress import StatusLine
from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
from sferum_onboard.wording import plural


def state_text(state: StepState | None, is_next: bool = False, verified: bool = False) -> str:
    if state is None or state.action == UNDONE:
        text = VIEW["state-undone"] if state is not None else VIEW["state-todo"]
        return f"{text} {VIEW['state-next']}" if is_next else text
    if verified:
        return VIEW["state-verified"]
    return VIEW["state-done"] if state.action == DONE else VIEW["state-na"]


def status_table(title: str, lines: tuple[StatusLine, ...], others: tuple[StepState, ...],
                 guide_base: str | None, verified: frozenset[tuple[int, str]] = frozenset()) -> Group:
    """The checklist of one person (or the school) as a table, with a summary and the next step.

    A step in `verified` (`fold.verified_keys`) was seen in a chat's member list: it says so, where
    the others are ticks people reported."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("№", justify="right")
    table.add_column(VIEW["col-step"])
    table.add_column(VIEW["col-state"])
    table.add_column(VIEW["col-when"])
    table.add_column(VIEW["col-by"])
    table.add_column(VIEW["col-source"])
    for n, line in enumerate(lines, 1):
        state = line.state
        style = "green" if line.done else "bold" if line.next else None
        table.add_row(
            str(n), Text(f"{line.step.title} ", style=style).append(f"({line.step.id})", style="dim"),
            state_text(state, line.next, _verified(state, verified)), moment_text(state.at) if state else "",
            (state.recorded_by or "") if state else "", VIEW["sources"].get(state.source, state.source) if state else "",
        )
    parts: list = [table]
    parts.append(Text(summary_line(lines)))
    upcoming = next((line for line in lines if line.next), None)
    if upcoming is not None:
        link = f" — {guide_base}{upcoming.step.guide.url}" if guide_base and getattr(upcoming.step, "guide", None) else ""
        parts.append(Text(VIEW["next-step"].format(title=upcoming.step.title, id=upcoming.step.id) + link))
    for state in others:
        label = VIEW["retired"] if state.retired else VIEW["outside"]
        parts.append(Text(f"{label}: {state.step_id} — {state_text(state)}, {moment_text(state.at)}", style="dim"))
    return Group(*parts)


def _verified(state: StepState | None, verified: frozenset[tuple[int, str]]) -> bool:
    return state is not None and (state.person_id, state.step_id) in verified


def summary_line(lines: tuple[StatusLine, ...]) -> str:
    applicable = [line for line in lines if not (line.state and line.state.action == NOT_APPLICABLE)]
    done = sum(1 for line in applicable if line.done)
    share = f" ({100 * done / len(applicable):.0f}%)" if applicable else ""
    return VIEW["summary"].format(done=done, total=plural(len(applicable), "step", "genitive")) + share


def status_dict(person: Person | None, school_name: str, lines, others, guide_base: str | None,
                verified: frozenset[tuple[int, str]] = frozenset()) -> dict:
    def state_dict(state: StepState | None) -> dict:
        if state is None:
            return {"state": None, "at": None, "by": None, "source": None, "note": None, "verified": False}
        return {"state": state.action, "at": state.at.isoformat(sep=" "), "by": state.recorded_by,
                "source": state.source, "note": state.note, "verified": _verified(state, verified)}

    upcoming = next((line for line in lines if line.next), None)
    subject = {"school": school_name} if person is None else {
        "id": person.id, "full_name": person.full_name, "role": person.role, "class": person.class_name,
        "class_leader": person.class_leader, "specialist": person.specialist,
        "led_classes": list(person.led_classes), "children": list(person.children), "active": person.active,
    }
    return {
        "person": subject if person is not None else None,
        "school": school_name,
        "steps": [
            {"id": line.step.id, "title": line.step.title, "next": line.next,
             "guide": (guide_base or "") + line.step.guide.url if getattr(line.step, "guide", None) else None,
             **state_dict(line.state)}
            for line in lines
        ],
        "done": sum(1 for line in lines if line.done),
        "total": sum(1 for line in lines if not (line.state and line.state.action == NOT_APPLICABLE)),
        "next": upcoming.step.id if upcoming else None,
        "other_steps": [{"id": s.step_id, "retired": s.retired, **state_dict(s)} for s in others],
    }
