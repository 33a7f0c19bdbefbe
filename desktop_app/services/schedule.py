"""Schedule edits from the Gantt: move or resize a project's planned span (one undoable step)."""

from __future__ import annotations

from datetime import date

from ..domain.errors import ValidationError
from ..domain.model import Project
from ..domain.schedule import slip_days
from ..store import Store
from ..store import schedule as schedule_store
from ..store.projects import get_project, list_projects, update_project
from .changes import Changes


def set_planned_span(
    store: Store,
    project_id: str,
    start: date | None,
    end: date | None,
    *,
    expected_version: int | None = None,
) -> Changes:
    """Set a project's planned start and end; refused when end precedes start."""
    if start and end and end < start:
        raise ValidationError(
            {"planned_end": f"计划完工 {end.isoformat()} 早于计划开工 {start.isoformat()}"}
        )
    update_project(
        store,
        project_id,
        {"planned_start": start, "planned_end": end},
        expected_version=expected_version,
    )
    return Changes(projects=frozenset({project_id}))


def planned_span(store: Store, project_id: str) -> tuple[date | None, date | None, int]:
    p = get_project(store, project_id)
    return p.planned_start, p.planned_end, p.version


def save_baseline(store: Store, name: str) -> tuple[int, Changes]:
    """Save every project's current planned span as baseline ``name`` (e.g. "2026年初计划")."""
    bid = schedule_store.save_baseline(store, name)
    return bid, Changes(schedule=True)


def delete_baseline(store: Store, baseline_id: int) -> Changes:
    schedule_store.delete_baseline(store, baseline_id)
    return Changes(schedule=True)


def add_dependency(
    store: Store,
    pred_project_id: str,
    succ_project_id: str,
    *,
    lag_days: int = 0,
    pred_milestone_id: int | None = None,
    succ_milestone_id: int | None = None,
) -> tuple[int, Changes]:
    """A finish-to-start link: the successor starts ``lag_days`` after the predecessor ends."""
    lid = schedule_store.add_link(
        store,
        pred_project_id,
        succ_project_id,
        lag_days=lag_days,
        pred_milestone_id=pred_milestone_id,
        succ_milestone_id=succ_milestone_id,
    )
    return lid, Changes(schedule=True)


def remove_dependency(store: Store, link_id: int) -> Changes:
    schedule_store.remove_link(store, link_id)
    return Changes(schedule=True)


def slipped_projects(store: Store, baseline_id: int) -> list[tuple[Project, int]]:
    """Projects whose planned end is later than in the baseline, with days of slip, worst first."""
    items = schedule_store.baseline_items(store, baseline_id)
    if not items:
        return []
    out = []
    for p in list_projects(store, ids=list(items)):
        slip = slip_days(p.planned_end, items[p.id][1])
        if slip and slip > 0:
            out.append((p, slip))
    out.sort(key=lambda t: (-t[1], t[0].code))
    return out
