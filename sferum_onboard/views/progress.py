"""What `progress` prints: steps with bars, then a line per class or role; flat rows for CSV."""

from __future__ import annotations

from rich.console import Group
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from sferum_onboard import percent
from sferum_onboard.tracking.progress import GroupProgress, Progress
from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
from sferum_onboard.wording import plural, role_title_plural


def _bar(share: float | None, width: int = 20) -> ProgressBar | Text:
    if share is None:
        return Text("")
    style = "green" if share >= 80 else "yellow" if share >= 40 else "red"
    return ProgressBar(total=100, completed=share, width=width, complete_style=style, finished_style=style)


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
    """Steps with bars; a column of those a chat's member list verified, once a list has verified any."""
    verified = group.verified > 0
    table = Table(title=title, title_justify="left")
    table.add_column(VIEW["col-step"])
    table.add_column(VIEW["col-done"], justify="right")
    table.add_column(VIEW["col-of"], justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    table.add_column(VIEW["col-na"], justify="right")
    if verified:
        table.add_column(VIEW["col-verified"], justify="right")
    for step in group.steps:
        table.add_row(
            Text(f"{step.title} ").append(f"({step.step_id})", style="dim"), str(step.done),
            str(step.applicable), percent.text(step.percent), _bar(step.percent), str(step.not_applicable or ""),
            *((str(step.verified or ""),) if verified else ()),
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
    verified = progress.total.verified > 0
    if verified:
        table.add_column(VIEW["col-verified-people"], justify="right")
    for group in progress.groups:
        name = group.group if progress.by == "class" else role_title_plural(group.group)
        table.add_row(name or "—", str(group.people), f"{group.done} / {group.applicable}",
                      percent.text(group.percent), _bar(group.percent),
                      *((str(group.verified or ""),) if verified else ()))
    return table


def progress_rows(progress: Progress) -> list[list]:
    """Flat rows for CSV: the total first (group «всего»), then each group."""
    header = ["group", "step", "title", "eligible", "done", "not_applicable", "applicable", "verified", "percent"]
    rows: list[list] = [header]
    for group in (progress.total, *progress.groups):
        name = VIEW["total"] if group is progress.total else group.group
        for step in group.steps:
            rows.append([name, step.step_id, step.title, step.eligible, step.done, step.not_applicable,
                         step.applicable, step.verified, "" if step.percent is None else percent.rounded(step.percent)])
    return rows
