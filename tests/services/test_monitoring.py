"""Monitoring services: lights for all projects, the watch list, 未报送 units, dashboard figures."""

from datetime import date

from desktop_app.domain.model import AnnualTarget, ProgressReport
from desktop_app.services.monitoring import (
    dashboard,
    issue_supervisions,
    missing_units,
    project_statuses,
    unit_reporting,
    watch_list,
)
from desktop_app.store.progress import record_report
from desktop_app.store.projects import set_annual_targets
from desktop_app.store.supervision import list_supervisions

TODAY = date(2026, 11, 29)


def _late_and_fine(make_project):
    late = make_project(
        "L-1",
        "逾期项目",
        lead="市交通运输局",
        district="广汉市",
        planned_start=date(2024, 1, 1),
        planned_end=date(2025, 12, 31),
        percent_complete=70,
    )
    fine = make_project(
        "F-1",
        "正常项目",
        lead="市水利局",
        district="中江县",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=60,
    )
    return late, fine


def test_watch_list_has_late_projects_first(store, make_project):
    late, fine = _late_and_fine(make_project)
    statuses = project_statuses(store, TODAY)
    watched = watch_list(statuses)
    assert watched[0].project.id == late
    assert watched[0].status.reason == "计划 2025-12-31 完工，已逾期 333 天"
    assert all(s.status.light in ("红", "黄") for s in watched)


def test_missing_units_until_a_report_arrives(store, make_project):
    late, fine = _late_and_fine(make_project)
    missing = {u.unit for u in missing_units(store, "2026-11")}
    assert {"市交通运输局", "广汉市", "市水利局", "中江县"} <= missing
    record_report(
        store, ProgressReport(late, "2026-11", percent_complete=75, progress_text="推进中")
    )
    by_unit = {u.unit: u for u in unit_reporting(store, "2026-11")}
    assert by_unit["市交通运输局"].reported and by_unit["广汉市"].reported
    assert not by_unit["市水利局"].reported
    assert "市交通运输局" not in {u.unit for u in missing_units(store, "2026-11")}


def test_dashboard_figures_match_the_register(store, make_project):
    late, fine = _late_and_fine(make_project)
    set_annual_targets(store, fine, [AnnualTarget(2026, 1000.0)])
    record_report(
        store, ProgressReport(fine, "2026-10", percent_complete=60, investment_this_year=400)
    )
    d = dashboard(store, TODAY)  # on 11-29 the period worked on is October
    statuses = project_statuses(store, TODAY)
    assert d.total == len(statuses) == 197
    assert sum(d.by_light.values()) == d.total
    assert d.by_light["红"] == sum(1 for s in statuses if s.status.light == "红")
    zhongjiang = next(r for r in d.investment_by_district if r.label == "中江县")
    assert (zhongjiang.planned, zhongjiang.done, zhongjiang.rate) == (1000.0, 400.0, 40.0)
    assert d.most_late[0].project.id == late
    reported, expected = d.reporting
    assert reported == 2 and expected >= 4


def test_issue_supervisions_for_late_projects(store, make_project):
    late, fine = _late_and_fine(make_project)
    watched = watch_list(project_statuses(store, TODAY))
    ids = issue_supervisions(store, watched[:1], issued=TODAY)
    s = list_supervisions(store)[0]
    assert len(ids) == 1 and s.project_id == late and s.unit == "市交通运输局"
    assert (s.level, s.reply_by) == ("黄", date(2026, 12, 9))
    assert s.request == "请说明滞后原因，提出整改措施和完成时限，按期书面回复。"
