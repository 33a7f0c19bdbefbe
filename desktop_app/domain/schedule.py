"""Schedule rules for the Gantt: group summaries, dependency violations, slip against a baseline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .model import Milestone, Project


@dataclass(frozen=True, slots=True)
class Summary:
    start: date | None
    end: date | None
    percent: float | None  # investment-weighted percent complete of the children


def summarize(projects: list[Project]) -> Summary:
    """A group's bar: its children's earliest start to latest end, and their percent weighted by
    total investment (a plain average when no child has an investment)."""
    starts = [p.planned_start for p in projects if p.planned_start]
    ends = [p.planned_end for p in projects if p.planned_end]
    weighted = [(p.total_investment or 0.0, p.percent_complete or 0.0) for p in projects]
    weight = sum(w for w, _ in weighted)
    if weight > 0:
        percent = sum(w * pc for w, pc in weighted) / weight
    elif projects:
        percent = sum(pc for _, pc in weighted) / len(projects)
    else:
        percent = None
    return Summary(
        min(starts, default=None),
        max(ends, default=None),
        None if percent is None else round(percent, 2),
    )


@dataclass(frozen=True, slots=True)
class Link:
    """Finish-to-start: the successor may start ``lag_days`` after the predecessor finishes."""

    id: int
    pred_project_id: str
    succ_project_id: str
    lag_days: int = 0
    pred_milestone_id: int | None = None
    succ_milestone_id: int | None = None


def _milestone(project: Project, mid: int | None) -> Milestone | None:
    return next((m for m in project.milestones if m.id == mid), None) if mid else None


def link_dates(link: Link, pred: Project, succ: Project) -> tuple[date | None, date | None]:
    """(the date the predecessor finishes, the date the successor starts) for ``link``."""
    pm, sm = _milestone(pred, link.pred_milestone_id), _milestone(succ, link.succ_milestone_id)
    finish = (pm.actual_date or pm.planned_date) if pm else (pred.actual_end or pred.planned_end)
    start = (sm.actual_date or sm.planned_date) if sm else (succ.actual_start or succ.planned_start)
    return finish, start


def violation_days(link: Link, pred: Project, succ: Project) -> int:
    """How many days the successor starts too early (0 when the link holds or dates are missing)."""
    finish, start = link_dates(link, pred, succ)
    if finish is None or start is None:
        return 0
    earliest = finish + timedelta(days=link.lag_days)
    return max(0, (earliest - start).days)


def slip_days(current_end: date | None, baseline_end: date | None) -> int | None:
    """Days the planned end moved later than the baseline (negative: earlier)."""
    if current_end is None or baseline_end is None:
        return None
    return (current_end - baseline_end).days
