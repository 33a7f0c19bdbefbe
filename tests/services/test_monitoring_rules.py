"""The edges of the monitoring figures: the due-day setting, who counts as 未报送 or 待报送, the
order of the watch list, the dashboard's totals and rates, 督办 sent to the right unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from desktop_app.domain.model import AnnualTarget, ProgressReport
from desktop_app.domain.status import Status
from desktop_app.services.monitoring import (
    InvestmentRow,
    ProjectStatus,
    awaiting_dates,
    dashboard,
    indicator_results,
    issue_supervisions,
    missing_units,
    period_due,
    period_kind,
    project_statuses,
    report_due_day,
    status_period,
    unit_reporting,
    watch_list,
)
from desktop_app.store.indicators import list_indicators, set_actual
from desktop_app.store.progress import record_report
from desktop_app.store.projects import get_project, set_annual_targets
from desktop_app.store.supervision import list_supervisions
from desktop_app.store.units import get_unit, set_active

AFTER_DUE = date(2026, 12, 6)


def _set(store, **settings):
    with store.write():
        for key, value in settings.items():
            store.set_setting(key, value)


# --- settings ------------------------------------------------------------------------------


def test_by_default_periods_are_months_due_on_the_5th(store):
    assert period_kind(store) == "month"
    assert report_due_day(store) == 5
    assert period_due(store, "2026-11") == date(2026, 12, 5)


@pytest.mark.parametrize(
    "setting, day, due",
    [
        (10, 10, date(2027, 2, 10)),
        ("12", 12, date(2027, 2, 12)),
        (28, 28, date(2027, 2, 28)),
        (31, 28, date(2027, 2, 28)),  # kept within every month
        (1, 1, date(2027, 2, 1)),
        (0, 1, date(2027, 2, 1)),
        (-4, 1, date(2027, 2, 1)),
        ("五号", 5, date(2027, 2, 5)),  # not a number: the default
        (None, 5, date(2027, 2, 5)),
    ],
)
def test_the_due_day_setting_is_kept_within_a_month(store, setting, day, due):
    _set(store, report_due_day=setting)
    assert report_due_day(store) == day
    assert period_due(store, "2027-01") == due


@pytest.mark.parametrize(
    "today, period, expected",
    [
        (date(2026, 12, 5), None, "2026-10"),
        (AFTER_DUE, None, "2026-11"),
        (AFTER_DUE, "2026-09", "2026-09"),
        (date(2026, 10, 5), "2026-09", "2026-08"),
    ],
)
def test_the_period_a_missing_report_counts_for(store, today, period, expected):
    assert status_period(store, today, period).key == expected


def test_in_quarters_the_period_before_is_the_previous_quarter(store):
    _set(store, period_kind="quarter")
    assert period_kind(store) == "quarter"
    assert status_period(store, date(2026, 10, 5)).key == "2026-06"
    assert status_period(store, date(2026, 10, 6)).key == "2026-09"


# --- units ---------------------------------------------------------------------------------


@pytest.fixture
def two_units(store, make_project):
    """市交通运输局 leads P-1 and P-2 (P-2 reported November); 市水利局 leads W-1 (nothing)."""
    ids = {
        code: make_project(code, f"项目{code}", lead=lead, stage="在建")
        for code, lead in (("P-1", "市交通运输局"), ("P-2", "市交通运输局"), ("W-1", "市水利局"))
    }
    record_report(store, ProgressReport(ids["P-2"], "2026-11", percent_complete=20))
    return ids


def test_a_unit_with_one_project_reported_has_reported(store, two_units):
    by_unit = {u.unit: u for u in unit_reporting(store, "2026-11", AFTER_DUE)}
    traffic, water = by_unit["市交通运输局"], by_unit["市水利局"]
    assert (traffic.reported, traffic.missing, traffic.state) == (True, False, "已报送")
    assert traffic.projects >= 2 and traffic.reported_projects == 1
    assert two_units["P-1"] in traffic.pending_project_ids
    assert two_units["P-2"] not in traffic.pending_project_ids
    assert list(traffic.pending_project_ids) == sorted(traffic.pending_project_ids)
    assert traffic.last_report is not None and traffic.returned_at is None
    assert (water.reported, water.missing, water.state) == (False, True, "未报送")
    assert water.last_report is None and water.reported_projects == 0
    assert two_units["W-1"] in water.pending_project_ids


def test_without_a_date_a_unit_yet_to_report_is_missing(store, two_units):
    assert "市水利局" in {u.unit for u in missing_units(store, "2026-11")}
    assert "市水利局" in {u.unit for u in missing_units(store, "2026-11", AFTER_DUE)}
    before = {u.unit: u for u in unit_reporting(store, "2026-11", date(2026, 12, 5))}
    assert (before["市水利局"].missing, before["市水利局"].state) == (False, "待报送")
    assert missing_units(store, "2026-11", date(2026, 12, 5)) == []


def test_the_dashboard_counts_units_and_lists_their_projects(store, two_units):
    before = dashboard(store, date(2026, 12, 5))
    after = dashboard(store, AFTER_DUE)
    assert before.report_due == after.report_due == date(2026, 12, 5)
    assert (before.overdue, after.overdue) == (False, True)
    assert (before.pending_word, after.pending_word) == ("待报送", "未报送")
    reported, expected = after.reporting
    assert reported >= 1 and expected >= 2
    assert after.reporting_rate == round(reported / expected * 100, 1)
    assert after.reported_project_ids == (two_units["P-2"],)
    assert two_units["W-1"] in after.missing_project_ids
    assert two_units["P-1"] not in after.missing_project_ids  # its unit has reported
    assert list(after.missing_project_ids) == sorted(after.missing_project_ids)


# --- lights and figures --------------------------------------------------------------------


def _status(code: str, light: str, days: int = 0, behind: float = 0.0) -> ProjectStatus:
    from desktop_app.domain.model import Project

    return ProjectStatus(
        Project(id=code, code=code, name=code), Status(light, "原因", days, behind)
    )


def test_the_watch_list_puts_red_first_then_the_latest_then_the_furthest_behind():
    statuses = [
        _status("G", "绿"),
        _status("Y-behind", "黄", 0, 8.0),
        _status("R-10", "红", 10),
        _status("Y-late", "黄", 3, 0.0),
        _status("R-40", "红", 40),
        _status("R-10b", "红", 10, 25.0),
        _status("B", "蓝"),
        _status("A-same", "黄", 0, 8.0),
    ]
    assert [s.project.code for s in watch_list(statuses)] == [
        "R-40",
        "R-10b",
        "R-10",
        "Y-late",
        "A-same",
        "Y-behind",
    ]


def test_the_dashboard_counts_every_light_and_stage(store, make_project):
    make_project("S-1", "阶段未填的项目")
    d = dashboard(store, AFTER_DUE)
    statuses = project_statuses(store, AFTER_DUE)
    assert d.total == len(statuses)
    assert list(d.by_light) == ["红", "黄", "绿", "灰", "蓝"]
    assert sum(d.by_light.values()) == d.total
    assert sum(d.by_stage.values()) == d.total
    assert d.by_stage["待填报"] == sum(1 for s in statuses if s.project.stage is None) >= 1
    assert d.by_stage["在建"] == sum(1 for s in statuses if s.project.stage == "在建")
    assert d.period == "2026-11"


def test_the_most_late_are_the_ten_latest_red_ones(store, make_project):
    for n in range(12):  # ended in 2025-11, 10 days apart: the later the end, the fewer days late
        make_project(
            f"R-{n:02d}",
            f"逾期项目{n}",
            lead="市交通运输局",
            stage="在建",
            planned_start=date(2024, 1, 1),
            planned_end=date(2025, 11, 1 + 2 * n),
            percent_complete=90,
        )
    d = dashboard(store, AFTER_DUE)
    assert d.by_light["红"] == 12
    assert [s.project.code for s in d.most_late] == [f"R-{n:02d}" for n in range(10)]
    assert all(s.status.light == "红" for s in d.most_late)


def test_with_no_red_project_the_most_late_are_the_yellow_ones(store, make_project):
    yellow = make_project(
        "Y-1",
        "未报送的项目",
        lead="市水利局",
        stage="在建",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
    )
    statuses = [s for s in project_statuses(store, AFTER_DUE) if s.project.id == yellow]
    assert (statuses[0].status.light, statuses[0].status.reason) == ("黄", "2026-11 未报送进度")
    d = dashboard(store, AFTER_DUE, statuses=statuses)
    assert [s.project.id for s in d.most_late] == [yellow]
    assert d.total == 1 and d.by_light["黄"] == 1
    assert (d.by_stage["在建"], d.by_stage["待填报"]) == (1, 0)


def test_investment_rows_by_district_and_column(store, make_project):
    pid = make_project("I-1", "投资项目", lead="市水利局", district="中江县", stage="在建")
    set_annual_targets(store, pid, [AnnualTarget(2026, 800.0), AnnualTarget(2027, 99.0)])
    record_report(store, ProgressReport(pid, "2026-11", investment_this_year=200.5))
    statuses = [s for s in project_statuses(store, AFTER_DUE) if s.project.id == pid]
    d = dashboard(store, AFTER_DUE, statuses=statuses)
    assert [(r.label, r.planned, r.done, r.rate) for r in d.investment_by_district] == [
        ("中江县", 800.0, 200.5, 25.1)
    ]
    assert [(r.label, r.planned, r.done) for r in d.investment_by_column] == [
        ("其他", 800.0, 200.5)  # in no 专栏
    ]


def test_the_dashboards_columns_run_in_number_order_and_other_last(store):
    d = dashboard(store, AFTER_DUE)
    labels = [r.label for r in d.investment_by_column]
    numbered = [int(label[2:]) for label in labels if label != "其他"]
    assert len(numbered) >= 2 and numbered == sorted(numbered)
    assert "其他" not in labels[:-1]


def test_a_rate_needs_a_plan():
    assert InvestmentRow("中江县", 0.0, 50.0).rate is None
    assert InvestmentRow("中江县", 300.0, 100.0).rate == 33.3


def test_districts_follow_the_offices_order_with_the_unplaced_last(store):
    labels = [r.label for r in dashboard(store, AFTER_DUE).investment_by_district]
    assert labels[:6] == ["旌阳区", "罗江区", "广汉市", "什邡市", "绵竹市", "中江县"]
    assert labels[-1] == "未定区县"


# --- indicators and 督办 -------------------------------------------------------------------


def test_indicators_are_judged_on_the_years_up_to_the_one_asked(store):
    [first, *_] = list_indicators(store)
    set_actual(store, first.id, 2024, first.target - 1)
    set_actual(store, first.id, 2025, first.target + 1)
    latest = dict((i.id, r) for i, r in indicator_results(store))[first.id]
    assert (latest.year, latest.actual) == (2025, first.target + 1)
    earlier = dict((i.id, r) for i, r in indicator_results(store, upto_year=2024))[first.id]
    assert (earlier.year, earlier.actual) == (2024, first.target - 1)
    none = dict((i.id, r) for i, r in indicator_results(store, upto_year=2023))[first.id]
    assert none.year is None


def test_supervision_goes_to_the_lead_unit_else_the_district_and_never_for_green(
    store, make_project
):
    late = dict(planned_start=date(2024, 1, 1), planned_end=date(2025, 12, 31), stage="在建")
    led = make_project("L-1", "有牵头单位", lead="市交通运输局", district="广汉市", **late)
    local = make_project("L-2", "只有属地", district="中江县", **late)
    statuses = [s for s in project_statuses(store, AFTER_DUE) if s.project.id in (led, local)]
    green = replace(statuses[0], status=Status("绿", None))
    ids = issue_supervisions(
        store, [green, *statuses], issued=AFTER_DUE, reply_days=7, request="请于一周内回复"
    )
    assert len(ids) == 2
    sent = {s.project_id: s for s in list_supervisions(store)}
    assert (sent[led].unit, sent[local].unit) == ("市交通运输局", "中江县")
    assert {s.reply_by for s in sent.values()} == {date(2026, 12, 13)}
    assert {s.request for s in sent.values()} == {"请于一周内回复"}
    reasons = {s.project.id: s.status.reason for s in statuses}
    assert {pid: s.reason for pid, s in sent.items()} == reasons
    assert reasons[led] == "计划 2025-12-31 完工，已逾期 340 天"


def test_the_offices_thresholds_decide_the_light(store, make_project):
    # 序时进度 on 12-06 of 2026-01-01..2027-12-31 is 47.3 %: 12 % done is 35.3 points behind.
    pid = make_project(
        "B-1",
        "落后项目",
        lead="市水利局",
        stage="在建",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=12,
    )
    record_report(store, ProgressReport(pid, "2026-11", percent_complete=12))
    [before] = project_statuses(store, AFTER_DUE, projects=[get_project(store, pid)])
    assert before.status.light == "红"
    _set(store, status_rules={"red_points": 40, "yellow_points": 10})
    [after] = project_statuses(store, AFTER_DUE, projects=[get_project(store, pid)])
    assert after.status.light == "黄"


def test_a_unit_taken_out_of_use_is_not_expected_to_report(store, two_units):
    assert "市水利局" in {u.unit for u in unit_reporting(store, "2026-11", AFTER_DUE)}
    set_active(store, get_unit(store, "市水利局").id, False)
    assert "市水利局" not in {u.unit for u in unit_reporting(store, "2026-11", AFTER_DUE)}


def test_the_due_day_setting_decides_who_is_late(store, two_units):
    _set(store, report_due_day=10)
    water = {u.unit: u for u in unit_reporting(store, "2026-11", AFTER_DUE)}["市水利局"]
    assert (water.state, water.missing) == ("待报送", False)
    assert "市水利局" in {u.unit for u in missing_units(store, "2026-11", date(2026, 12, 11))}


def test_a_past_periods_lights_count_that_periods_reports(store, make_project):
    pid = make_project(
        "O-1",
        "十月已报送的项目",
        lead="市水利局",
        stage="在建",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
    )
    record_report(store, ProgressReport(pid, "2026-10", percent_complete=50))
    project = [get_project(store, pid)]
    [now] = project_statuses(store, AFTER_DUE, projects=project)
    assert (now.status.light, now.status.reason) == ("黄", "2026-11 未报送进度（最近一次 2026-10）")
    [october] = project_statuses(store, AFTER_DUE, projects=project, period="2026-10")
    assert october.status.light == "绿"


def test_a_return_imported_shows_when_it_came_in(store, two_units, tmp_path):
    """The 报送情况 row of a unit whose return was imported: its unit, its kind and the time of
    the return (the one unit without a return shows none)."""
    from desktop_app.services.exchange import import_return, issue_template

    template = issue_template(store, "市交通运输局", "2026-11", tmp_path / "交通.xlsx")
    outcome = import_return(store, template)
    assert outcome.status == "applied"
    by_unit = {u.unit: u for u in unit_reporting(store, "2026-11", AFTER_DUE)}
    traffic, water = by_unit["市交通运输局"], by_unit["市水利局"]
    assert traffic.unit_id == get_unit(store, "市交通运输局").id
    assert (traffic.kind, water.kind) == ("市级部门", "市级部门")
    assert traffic.returned_at is not None
    datetime.fromisoformat(traffic.returned_at)  # a time, as the page shows it
    assert water.returned_at is None


def test_on_the_plans_own_data_no_project_is_a_warning_until_it_has_its_dates(store):
    """The plan gives no dates: on 2026-12-06 every project is one grey 待填报, none is listed
    as late, and the lists show them as one group of projects awaiting their dates."""
    statuses = project_statuses(store, AFTER_DUE)
    assert {(s.status.light, s.status.pending) for s in statuses} == {("灰", True)}
    assert watch_list(statuses) == []
    assert dashboard(store, AFTER_DUE, statuses=statuses).most_late == []
    waiting = awaiting_dates(statuses)
    assert len(waiting) == len(statuses) == 195
    under_way = [s for s in waiting if s.project.stage == "在建"]
    assert len(under_way) == 115
    assert {s.status.reason for s in under_way} == {"计划开工/完工日期待填报"}


def test_a_project_with_its_dates_is_no_longer_awaiting_them(store, make_project):
    dated = make_project(
        "D-1", "有日期", stage="在建", planned_start=date(2026, 1, 1), planned_end=date(2027, 1, 1)
    )
    half = make_project("D-2", "缺完工", stage="在建", planned_start=date(2026, 1, 1))
    unknown = make_project("D-3", "阶段未知", stage=None, planned_end=date(2027, 1, 1))
    staged = make_project(
        "D-4",
        "阶段未知有日期",
        stage=None,
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 1, 1),
    )
    late = make_project("D-5", "已逾期缺开工", stage="在建", planned_end=date(2026, 1, 1))
    ids = {dated, half, unknown, staged, late}
    statuses = [s for s in project_statuses(store, AFTER_DUE) if s.project.id in ids]
    assert sorted(s.project.code for s in awaiting_dates(statuses)) == ["D-2", "D-3"]


def test_on_more_than_ten_yellow_the_most_late_are_the_first_ten(store, make_project):
    for n in range(12):
        make_project(
            f"Y-{n:02d}",
            f"黄灯项目{n}",
            stage="在建",
            planned_start=date(2026, 1, 1),
            planned_end=date(2027, 12, 31),
            percent_complete=60 - n,
        )
    statuses = [s for s in project_statuses(store, AFTER_DUE) if s.project.code.startswith("Y-")]
    assert [s.status.light for s in statuses] == ["黄"] * 12
    d = dashboard(store, AFTER_DUE, statuses=statuses)
    assert len(d.most_late) == 10
    assert [s.project.id for s in d.most_late] == [s.project.id for s in watch_list(statuses)[:10]]
