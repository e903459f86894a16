"""Road-map evaluation: targets against reality, burn-up series, funnels, who is behind.

Pure: everything here is computed from the Catalog, the school's people and
a `StepState` per (person, step): the state folded from the event log as
of a date (by `tracking.fold.fold_events`, or by the store's SQL under
the same rule) with the day the step was first done, for the burn-up charts.
No I/O, no store. The modules: `situation` (the input), `targets`, `people`
(each person's standing, the funnel), `classes` (class tables, the school's
own steps); `evaluate_school` runs them all.

Counting rules (the report states them):
- only active people count; a parent is one person however many children
  they have, so a household is counted once;
- a step marked "not applicable" for a person is dropped from what that
  person must do for a target; a person left with nothing to do leaves the
  target's denominator, and the result says how many did;
- the burn-up places each person who has reached the target on the day they
  first completed it (the last of the steps for `match: all`, the first for
  `match: any`), so the line rises to today's value over today's
  denominator; the forecast extends the pace of the last `PACE_WEEKS` weeks
  to the due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from sferum_onboard.catalog.model import Catalog
from sferum_onboard.tracking.membership import StepLayouts
from sferum_onboard.tracking.model import School
from sferum_onboard.tracking.roadmap.classes import (
    ClassProgress, GroupCounts, OrgStepStatus, StepCount, class_members, class_progress, org_steps,
    step_counts,
)
from sferum_onboard.tracking.roadmap.people import (
    FUNNEL_GROUPS, FunnelRow, PersonProgress, class_leaders, funnel, furthest_milestone, group_members, next_step,
    people_progress, required_step_ids,
)
from sferum_onboard.tracking.roadmap.situation import (
    Situation, States, retired_counts, situation_from_events, states_from_rows, target_step_ids,
)
from sferum_onboard.tracking.roadmap.targets import (
    AT_RISK, MET, NO_DATA, ON_TRACK, PACE_WEEKS, TargetResult, counts, evaluate_roadmap, evaluate_target,
    grades_of, series_start,
)

__all__ = [
    "AT_RISK", "MET", "NO_DATA", "ON_TRACK", "PACE_WEEKS", "FUNNEL_GROUPS",
    "Situation", "States", "situation_from_events", "states_from_rows", "retired_counts", "target_step_ids",
    "TargetResult", "counts", "grades_of", "series_start", "evaluate_target", "evaluate_roadmap",
    "FunnelRow", "group_members", "funnel", "furthest_milestone", "PersonProgress", "required_step_ids", "next_step",
    "people_progress",
    "class_leaders", "StepCount", "GroupCounts", "ClassProgress", "class_members", "step_counts", "class_progress",
    "OrgStepStatus", "org_steps", "SchoolResult", "evaluate_school",
]


@dataclass(frozen=True)
class SchoolResult:
    """All a school report shows, as of a date."""

    situation: Situation
    targets: tuple[TargetResult, ...]
    funnel: tuple[FunnelRow, ...]
    classes: tuple[ClassProgress, ...]
    people: tuple[PersonProgress, ...]
    org_steps: tuple[OrgStepStatus, ...]
    people_by_group: Mapping[str, int]

    @property
    def school(self) -> School:
        return self.situation.school

    @property
    def as_of(self) -> dt.date:
        return self.situation.as_of

    @property
    def behind(self) -> tuple[PersonProgress, ...]:
        return tuple(p for p in self.people if p.behind)


def evaluate_school(catalog: Catalog, situation: Situation) -> SchoolResult:
    layouts = StepLayouts(catalog)
    by_group = {group: len(members) for group, members in group_members(situation.people).items()}
    return SchoolResult(
        situation=situation,
        targets=evaluate_roadmap(catalog, situation),
        funnel=funnel(catalog, situation, layouts),
        classes=class_progress(catalog, situation, layouts),
        people=people_progress(catalog, situation, layouts),
        org_steps=org_steps(catalog, situation),
        people_by_group=by_group,
    )
