"""Terminal tables and machine formats for `status` and `progress` (rich, no Click).

The CLI prints what these functions return; tests read the same dicts and rows.
"""

from __future__ import annotations

from rich.console import Group
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from sferum_onboard.dates import moment_text
from sferum_onboard.messages import TRACKING_VIEW as VIEW
from sferum_onboard.tracking.model import DONE, NOT_APPLICABLE, UNDONE, Person
from sferum_onboard.tracking.model import StepState
from sferum_onboard.tracking.progress import GroupProgress, Progress, StatusLine
from sferum_onboard.wording import plural, role_title_plural

def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def state_text(state: StepState | None, is_next: bool = False) -> str:
    if state is None or state.action == UNDONE:
        text = VIEW["state-undone"] if state is not None else VIEW["state-todo"]
        return f"{text} {VIEW['state-next']}" if is_next else text
    return VIEW["state-done"] if state.action == DONE else VIEW["state-na"]


def _bar(percent: float | None, width: int = 20) -> ProgressBar | Text:
    if percent is None:
        return Text("")
    style = "green" if percent >= 80 else "yellow" if percent >= 40 else "red"
    return ProgressBar(total=100, completed=percent, width=width, complete_style=style, finished_style=style)


# --- status ------------------------------------------------------------------------


def status_table(title: str, lines: tuple[StatusLine, ...], others: tuple[StepState, ...],
                 guide_base: str | None) -> Group:
    """The checklist of one person (or the school) as a table, with a summary and the next step."""
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
            state_text(state, line.next), moment_text(state.at) if state else "",
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


def summary_line(lines: tuple[StatusLine, ...]) -> str:
    applicable = [line for line in lines if not (line.state and line.state.action == NOT_APPLICABLE)]
    done = sum(1 for line in applicable if line.done)
    share = f" ({100 * done / len(applicable):.0f}%)" if applicable else ""
    return VIEW["summary"].format(done=done, total=plural(len(applicable), "step", "genitive")) + share


def status_dict(person: Person | None, school_name: str, lines, others, guide_base: str | None) -> dict:
    def state_dict(state: StepState | None) -> dict:
        if state is None:
            return {"state": None, "at": None, "by": None, "source": None, "note": None}
        return {"state": state.action, "at": state.at.isoformat(sep=" "), "by": state.recorded_by,
                "source": state.source, "note": state.note}

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


# --- progress ----------------------------------------------------------------------


def progress_view(progress: Progress, title: str) -> Group:
    """The school's (or a class's) steps with bars, then one line per class or role."""
    parts: list = [_steps_table(progress.total, title)]
    if progress.groups:
        parts.append(_groups_table(progress))
    if progress.retired:
        retired = ", ".join(f"{step} ({plural(n, 'person')})"
                            for step, n in progress.retired.items())
        parts.append(Text(VIEW["retired-steps"].format(steps=retired), style="dim"))
    return Group(*parts)


def _steps_table(group: GroupProgress, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(VIEW["col-step"])
    table.add_column(VIEW["col-done"], justify="right")
    table.add_column(VIEW["col-of"], justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    table.add_column(VIEW["col-na"], justify="right")
    for step in group.steps:
        table.add_row(
            Text(f"{step.title} ").append(f"({step.step_id})", style="dim"), str(step.done),
            str(step.applicable), percent_text(step.percent), _bar(step.percent), str(step.not_applicable or ""),
        )
    if not group.steps:
        table.add_row(VIEW["nobody"], "", "", "", "", "")
    return table


def _groups_table(progress: Progress) -> Table:
    heading = VIEW["col-class"] if progress.by == "class" else VIEW["col-role"]
    table = Table(title=VIEW["by-class"] if progress.by == "class" else VIEW["by-role"], title_justify="left")
    table.add_column(heading)
    table.add_column(VIEW["col-people"], justify="right")
    table.add_column(VIEW["col-steps-done"], justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    for group in progress.groups:
        name = group.group if progress.by == "class" else role_title_plural(group.group)
        table.add_row(name or "—", str(group.people), f"{group.done} / {group.applicable}",
                      percent_text(group.percent), _bar(group.percent))
    return table


def progress_rows(progress: Progress) -> list[list]:
    """Flat rows for CSV: the total first (group «всего»), then each group."""
    header = ["group", "step", "title", "eligible", "done", "not_applicable", "applicable", "percent"]
    rows: list[list] = [header]
    for group in (progress.total, *progress.groups):
        name = VIEW["total"] if group is progress.total else group.group
        for step in group.steps:
            rows.append([name, step.step_id, step.title, step.eligible, step.done, step.not_applicable,
                         step.applicable, "" if step.percent is None else round(step.percent, 1)])
    return rows
