"""The 进度表 read projects their own quicker way (``store.projects.sheet_projects``): only what
a sheet prints and its lights are worked out from. What they print must be what the register's
full reading (``list_projects``) gives."""

from __future__ import annotations

from datetime import date

from desktop_app.domain.model import AnnualTarget, Milestone
from desktop_app.domain.status import RED, StatusRules, evaluate
from desktop_app.services.demo import generate_demo
from desktop_app.store.projects import (
    get_project,
    list_projects,
    set_annual_targets,
    set_milestones,
    sheet_projects,
)
from desktop_app.store.units import get_unit


def _printed(p, today: date) -> tuple:
    """What a sheet prints of ``p`` and its light."""
    return (
        p.id,
        p.code,
        p.name,
        p.stage_text,
        p.column,
        p.section_title,
        p.district,
        p.lead_unit,
        p.units_with_role("责任"),
        p.total_investment,
        p.planned_start,
        p.planned_end,
        p.percent_complete,
        p.investment_to_date,
        p.last_period,
        p.last_progress_text,
        p.annual_plan(2026),
        evaluate(p, today, StatusRules(), current_period="2026-11"),
    )


def test_the_sheets_reading_prints_what_the_register_holds(store, make_project, today):
    generate_demo(store, 60, today=today)
    # A milestone reached late, one overdue, one without a date; targets of three years.
    pid = make_project(
        "ZZ-001",
        "有关键节点的项目",
        lead="市交通运输局",
        responsible=("市住房城乡建设局",),
        district="旌阳区",
        stage="在建",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=40.0,
    )
    set_milestones(
        store,
        pid,
        [
            Milestone("开工", date(2026, 2, 1), date(2026, 5, 1)),
            Milestone("主体完工", date(2026, 9, 1)),
            Milestone("验收"),
        ],
    )
    set_annual_targets(
        store,
        pid,
        [AnnualTarget(2025, 100.0), AnnualTarget(2026, 2000.0), AnnualTarget(2027, 50.0)],
    )
    ours = get_project(store, pid)
    assert [m.name for m in ours.milestones] == ["开工", "主体完工", "验收"]
    assert evaluate(ours, today, StatusRules(), current_period="2026-11").light == RED
    unit = get_unit(store, "市交通运输局").id
    for unit_id in (None, unit):
        full = list_projects(store, unit_id=unit_id)
        quick = sheet_projects(store, 2026, unit_id=unit_id)
        assert pid in {p.id for p in full}
        assert [_printed(p, today) for p in quick] == [_printed(p, today) for p in full]
    # Lights that come from milestones and from reports are among them.
    reasons = [evaluate(p, today, StatusRules(), current_period="2026-11") for p in full]
    assert any("关键节点" in r.reason for r in reasons)
    assert any(p.last_period for p in full)
