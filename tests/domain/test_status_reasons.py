"""Each light with the reason a user reads beside it, and the figures shown with it.

Where test_status.py walks the thresholds, these pin the whole ``Status`` a view shows: the
light, the reason text, 逾期天数, the points behind 序时进度 and every reason kept.
"""

from datetime import date, timedelta

import pytest

from desktop_app.domain.model import Milestone, Project
from desktop_app.domain.status import Status, StatusRules, evaluate

TODAY = date(2026, 11, 29)
# A 101-day span with TODAY its 51st day: 序时进度 exactly 50.5 %.
START, END = TODAY - timedelta(days=50), TODAY + timedelta(days=50)


def project(**kw) -> Project:
    base = dict(id="p", code="C", name="项目", stage="在建", last_period="2026-11")
    return Project(**(base | kw))


def status(p: Project, today: date = TODAY, rules: StatusRules = StatusRules()) -> Status:
    return evaluate(p, today, rules, current_period="2026-11")


def test_on_time_project_is_green_with_its_progress_and_elapsed_time():
    s = status(project(planned_start=START, planned_end=END, percent_complete=45))
    assert s == Status("绿", "完成 45.0%，序时进度 50.5%", 0, 5.5, ())
    assert (s.name, s.color) == ("绿灯", "#2E9D47")


def test_green_project_without_a_percent_shows_zero():
    early = project(planned_start=TODAY, planned_end=TODAY + timedelta(days=99))
    assert status(early) == Status("绿", "完成 0.0%，序时进度 1.0%", 0, 1.0, ())


def test_completed_without_a_date_says_so():
    s = status(project(stage="竣工", planned_end=date(2020, 1, 1)))
    assert (s.light, s.reason, s.name, s.color) == ("蓝", "已竣工", "已竣工", "#1A73E8")


@pytest.mark.parametrize(
    "stage, start, reason",
    [
        ("储备", TODAY + timedelta(days=1), "计划 2026-11-30 开工"),
        ("前期", date(2027, 3, 1), "计划 2027-03-01 开工"),
    ],
)
def test_not_started_is_grey_with_the_planned_start(stage, start, reason):
    s = status(project(stage=stage, planned_start=start, planned_end=date(2028, 1, 1)))
    assert (s.light, s.reason, s.name, s.pending) == ("灰", reason, "未开工", False)
    assert s == Status("灰", reason)


@pytest.mark.parametrize(
    "stage, start, end, reason",
    [
        ("储备", None, date(2028, 1, 1), "未开工，计划开工日期待填报"),
        ("前期", None, date(2028, 1, 1), "未开工，计划开工日期待填报"),
        ("前期", None, None, "未开工，计划开工/完工日期待填报"),
        ("储备", TODAY + timedelta(days=1), None, "未开工，计划完工日期待填报"),
    ],
)
def test_not_started_without_its_dates_is_one_grey_to_be_filled_in(stage, start, end, reason):
    s = status(project(stage=stage, planned_start=start, planned_end=end))
    assert s == Status("灰", reason, pending=True)
    assert (s.name, s.color) == ("待填报", "#9AA0A6")


@pytest.mark.parametrize("stage", ["储备", "前期"])
def test_past_the_planned_start_and_not_started_is_yellow(stage):
    p = project(stage=stage, planned_start=TODAY - timedelta(days=10), planned_end=date(2028, 1, 1))
    s = status(p)
    assert (s.light, s.reason) == ("黄", "计划 2026-11-19 开工，已过 10 天仍未开工")
    assert s.name == "黄灯"


@pytest.mark.parametrize(
    "start, end",
    [(None, END), (START, None), (None, None)],
    ids=["start-missing", "end-missing", "both-missing"],
)
def test_a_project_under_way_with_a_planned_date_missing_is_grey_to_be_filled_in(start, end):
    # Not a yellow warning: one neutral 待填报 until the project has its dates.
    s = status(project(planned_start=start, planned_end=end, percent_complete=60))
    reason = {
        (None, END): "计划开工日期待填报",
        (START, None): "计划完工日期待填报",
        (None, None): "计划开工/完工日期待填报",
    }[(start, end)]
    assert s == Status("灰", reason, 0, 0.0, (reason,), pending=True)
    assert s.name == "待填报"


def test_without_its_dates_the_yellow_reasons_are_kept_behind_the_grey_light():
    due = Milestone("可研批复", TODAY + timedelta(days=3))
    p = project(planned_end=END, last_period="2026-10", milestones=(due,))
    s = status(p)
    assert s == Status(
        "灰",
        "计划开工日期待填报",
        0,
        0.0,
        (
            "计划开工日期待填报",
            "关键节点「可研批复」将于 2026-12-02 到期，尚未完成",
            "2026-11 未报送进度（最近一次 2026-10）",
        ),
        pending=True,
    )


def test_without_a_start_date_a_passed_planned_end_is_still_red():
    p = project(planned_end=TODAY - timedelta(days=4))
    s = status(p)
    assert s == Status(
        "红",
        "计划 2026-11-25 完工，已逾期 4 天",
        4,
        0.0,
        ("计划 2026-11-25 完工，已逾期 4 天", "计划开工日期待填报"),
    )
    assert s.name == "红灯"


def test_without_dates_an_overdue_milestone_is_still_red():
    late = Milestone("开工", TODAY - timedelta(days=31))
    s = status(project(milestones=(late,)))
    assert (s.light, s.reason, s.days_late, s.pending) == (
        "红",
        "关键节点「开工」计划 2026-10-29，已逾期 31 天",
        31,
        False,
    )
    assert s.reasons[1:] == ("计划开工/完工日期待填报",)


def test_on_the_planned_end_day_an_unfinished_project_is_red():
    p = project(planned_start=START, planned_end=TODAY, percent_complete=0)
    s = status(p)
    assert s == Status(
        "红",
        "完成 0.0%，落后序时进度（100.0%）100.0 个百分点",
        0,
        100.0,
        ("完成 0.0%，落后序时进度（100.0%）100.0 个百分点",),
    )


def test_past_the_end_only_the_overdue_days_count():
    p = project(planned_start=START, planned_end=TODAY - timedelta(days=3), percent_complete=10)
    s = status(p)
    assert s == Status("红", "计划 2026-11-26 完工，已逾期 3 天", 3, 0.0, s.reasons)
    assert s.reasons == ("计划 2026-11-26 完工，已逾期 3 天",)
    assert s.name == "红灯"


def test_far_behind_is_red_and_shows_the_points():
    s = status(project(planned_start=START, planned_end=END, percent_complete=15.5))
    reason = "完成 15.5%，落后序时进度（50.5%）35.0 个百分点"
    assert s == Status("红", reason, 0, 35.0, (reason,))


def test_behind_is_yellow_and_keeps_every_reason_in_order():
    p = project(
        planned_start=START,
        planned_end=END,
        percent_complete=35.5,
        last_period=None,
        milestones=[Milestone("主体封顶", TODAY + timedelta(days=5))],
    )
    s = status(p)
    behind = "完成 35.5%，落后序时进度（50.5%）15.0 个百分点"
    due = "关键节点「主体封顶」将于 2026-12-04 到期，尚未完成"
    # The milestone comes first, then the gap, then the missing report.
    assert s == Status("黄", due, 0, 15.0, (due, behind, "2026-11 未报送进度"))


def test_no_percent_counts_as_zero_when_behind():
    s = status(project(planned_start=START, planned_end=END))
    assert (s.light, s.reason) == ("红", "完成 0.0%，落后序时进度（50.5%）50.5 个百分点")


@pytest.mark.parametrize(
    "due, reason",
    [
        (TODAY, "关键节点「开工」将于 2026-11-29 到期，尚未完成"),
        (TODAY - timedelta(days=1), "关键节点「开工」计划 2026-11-28，已逾期 1 天"),
        (TODAY - timedelta(days=30), "关键节点「开工」计划 2026-10-30，已逾期 30 天"),
    ],
    ids=["due-today", "one-day-late", "thirty-days-late"],
)
def test_a_milestone_due_or_a_little_late_is_yellow_with_its_date(due, reason):
    p = project(
        planned_start=START,
        planned_end=END,
        percent_complete=50,
        milestones=[Milestone("开工", due)],
    )
    assert status(p) == Status("黄", reason, 0, 0.5, (reason,))


def test_milestones_after_a_done_or_undated_one_are_still_checked():
    p = project(
        planned_start=START,
        planned_end=END,
        percent_complete=50,
        milestones=[
            Milestone("可研批复", date(2026, 1, 1), date(2026, 1, 3)),
            Milestone("用地预审"),
            Milestone("初设批复", TODAY - timedelta(days=40)),
        ],
    )
    s = status(p)
    assert (s.light, s.reason, s.days_late) == (
        "红",
        "关键节点「初设批复」计划 2026-10-20，已逾期 40 天",
        40,
    )


def test_the_most_overdue_milestone_is_the_reason_shown():
    p = project(
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=90,
        milestones=[
            Milestone("A段贯通", TODAY - timedelta(days=40)),
            Milestone("B段贯通", TODAY - timedelta(days=100)),
        ],
    )
    s = status(p)
    assert s.reason == "关键节点「B段贯通」计划 2026-08-21，已逾期 100 天"
    assert s.days_late == 100
    assert s.reasons[1] == "关键节点「A段贯通」计划 2026-10-20，已逾期 40 天"


def test_switching_off_the_report_rule_stops_the_missing_report_reason():
    p = project(planned_start=START, planned_end=END, percent_complete=50, last_period="2026-09")
    assert status(p).light == "黄"
    off = StatusRules(require_current_report=False)
    assert status(p, rules=off) == Status("绿", "完成 50.0%，序时进度 50.5%", 0, 0.5, ())


def test_a_unit_that_never_reported_is_told_so_without_a_last_period():
    p = project(planned_start=START, planned_end=END, percent_complete=50, last_period=None)
    assert status(p).reason == "2026-11 未报送进度"


@pytest.mark.parametrize(
    "points, light",
    [(10, "绿"), (10.5, "黄"), (30, "黄"), (30.5, "红")],
)
def test_the_shipped_thresholds_for_points_behind(points, light):
    p = project(planned_start=START, planned_end=END, percent_complete=50.5 - points)
    assert evaluate(p, TODAY, current_period="2026-11").light == light


@pytest.mark.parametrize(
    "days, light",
    [(-16, "绿"), (-15, "黄"), (30, "黄"), (31, "红")],
)
def test_the_shipped_thresholds_for_milestones(days, light):
    ms = Milestone("节点", TODAY - timedelta(days=days))
    p = project(planned_start=START, planned_end=END, percent_complete=50, milestones=[ms])
    assert evaluate(p, TODAY, current_period="2026-11").light == light


def test_thresholds_read_from_settings_ignore_unknown_keys():
    rules = StatusRules.from_dict({"red_points": 20, "yellow_points": 5, "colour": "red"})
    assert rules == StatusRules(red_points=20, yellow_points=5)
    assert rules.to_dict() == {
        "red_points": 20,
        "yellow_points": 5,
        "milestone_overdue_days": 30,
        "milestone_due_days": 15,
        "require_current_report": True,
    }


@pytest.mark.parametrize(
    "start, end, reason",
    [
        (START, END, "建设阶段待填报"),
        (None, END, "建设阶段、计划开工/完工日期待填报"),
        (START, None, "建设阶段、计划开工/完工日期待填报"),
        (None, None, "建设阶段、计划开工/完工日期待填报"),
    ],
)
def test_a_project_of_unknown_stage_is_grey_and_says_what_to_fill_in(start, end, reason):
    # Even long past its planned end: nothing is guessed about where it stands.
    p = project(stage=None, planned_start=start, planned_end=end, percent_complete=5)
    assert status(p) == Status("灰", reason, pending=True)
    assert status(p, today=date(2030, 1, 1)) == Status("灰", reason, pending=True)
    assert status(p).name == "待填报"


def test_reasons_give_percentages_with_one_decimal_as_the_sheets_do():
    """序时进度 is worked out to two decimals (15.07 % on 24 February of a 365-day year); the
    reason prints it, the percent complete and the points behind with one, like every column."""
    year = dict(planned_start=date(2026, 1, 1), planned_end=date(2026, 12, 31))
    s = status(project(percent_complete=3.004, **year), today=date(2026, 2, 24))
    assert s.behind_points == 12.07  # the rules compare the exact figure
    assert s.reason == "完成 3.0%，落后序时进度（15.1%）12.1 个百分点"
    on_time = status(project(percent_complete=14.56, **year), today=date(2026, 2, 24))
    assert on_time.reason == "完成 14.6%，序时进度 15.1%"
