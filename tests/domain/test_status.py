"""Status rules at their boundaries: the day before, of and after a deadline; exactly X points."""

from datetime import date, timedelta

import pytest

from desktop_app.domain.model import Milestone, Project
from desktop_app.domain.status import StatusRules, evaluate

RULES = StatusRules(
    red_points=30, yellow_points=10, milestone_overdue_days=30, milestone_due_days=15
)
TODAY = date(2026, 11, 29)


def project(**kw) -> Project:
    base = dict(id="p", code="C", name="项目", stage="在建", last_period="2026-11")
    return Project(**(base | kw))


def light(p: Project, today: date = TODAY) -> tuple[str, str]:
    s = evaluate(p, today, RULES, current_period="2026-11")
    return s.light, s.reason


END = date(2026, 11, 29)


@pytest.mark.parametrize(
    "today, expected",
    [(END - timedelta(days=1), "绿"), (END, "绿"), (END + timedelta(days=1), "红")],
)
def test_planned_end_boundary(today, expected):
    p = project(planned_start=date(2026, 1, 1), planned_end=END, percent_complete=99)
    assert light(p, today)[0] == expected


def test_overdue_reason_in_words():
    p = project(planned_start=date(2024, 1, 1), planned_end=date(2025, 12, 31), percent_complete=80)
    assert light(p, date(2026, 11, 29)) == ("红", "计划 2025-12-31 完工，已逾期 333 天")


def test_the_reason_shown_is_the_one_the_overdue_days_count():
    p = project(
        planned_start=date(2021, 1, 1),
        planned_end=date(2025, 12, 31),
        milestones=[Milestone("主体完工", date(2024, 6, 30))],
    )
    s = evaluate(p, TODAY, RULES, current_period="2026-11")
    assert s.days_late == (TODAY - date(2024, 6, 30)).days
    assert s.reason == f"关键节点「主体完工」计划 2024-06-30，已逾期 {s.days_late} 天"
    assert "计划 2025-12-31 完工，已逾期 333 天" in s.reasons


def test_completed_is_blue_even_when_late():
    p = project(stage="竣工", planned_end=date(2020, 1, 1), actual_end=date(2020, 3, 1))
    assert light(p) == ("蓝", "已于 2020-03-01 竣工")


@pytest.mark.parametrize(
    "stage, start, expected",
    [
        ("储备", None, "灰"),
        ("前期", date(2026, 11, 30), "灰"),
        ("前期", TODAY, "绿"),
        ("前期", date(2026, 11, 28), "黄"),
        ("在建", None, "灰"),
    ],
)
def test_not_started(stage, start, expected):
    p = project(stage=stage, planned_start=start, planned_end=date(2027, 12, 31) if start else None)
    assert light(p)[0] == expected


def _behind(points: float) -> Project:
    # A 101-day span where TODAY is day 51 of 101: 序时进度 exactly 50.5%.
    start = TODAY - timedelta(days=50)
    end = TODAY + timedelta(days=50)
    return project(planned_start=start, planned_end=end, percent_complete=round(50.5 - points, 2))


@pytest.mark.parametrize(
    "points, expected",
    [(0, "绿"), (10, "绿"), (10.01, "黄"), (30, "黄"), (30.01, "红"), (50.5, "红")],
)
def test_behind_elapsed_time_thresholds(points, expected):
    assert light(_behind(points))[0] == expected


def test_behind_reason_names_the_gap():
    assert light(_behind(35))[1] == "完成 15.5%，落后序时进度（50.5%）35.0 个百分点"


@pytest.mark.parametrize(
    "days_late, expected",
    [(29, "黄"), (30, "黄"), (31, "红")],
)
def test_milestone_overdue_boundary(days_late, expected):
    ms = Milestone("可研批复", TODAY - timedelta(days=days_late))
    p = project(
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
        milestones=[ms],
    )
    assert light(p)[0] == expected


@pytest.mark.parametrize("due_in, expected", [(14, "黄"), (15, "黄"), (16, "绿")])
def test_milestone_due_soon(due_in, expected):
    ms = Milestone("开工", TODAY + timedelta(days=due_in))
    p = project(
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
        milestones=[ms],
    )
    assert light(p)[0] == expected


def test_done_milestone_is_not_late():
    ms = Milestone("开工", date(2025, 1, 1), date(2025, 1, 5))
    p = project(
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
        milestones=[ms],
    )
    assert light(p)[0] == "绿"


def test_missing_report_for_current_period_is_yellow():
    p = project(
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
        last_period="2026-10",
    )
    assert light(p) == ("黄", "2026-11 未报送进度（最近一次 2026-10）")


def test_thresholds_are_settings():
    strict = StatusRules(red_points=5, yellow_points=2)
    s = evaluate(_behind(6), TODAY, strict, current_period="2026-11")
    assert s.light == "红"
    assert StatusRules.from_dict(strict.to_dict()) == strict
