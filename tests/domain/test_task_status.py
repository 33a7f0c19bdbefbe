"""The light and outcome of a key task: each rule, and what a silently wrong one would look like."""

from datetime import date

import pytest

from desktop_app.domain.status import BLUE, GREEN, GREY, RED, YELLOW
from desktop_app.domain.task_status import (
    CONTINUOUS,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    UNDATED,
    Due,
    DueError,
    completion_rate,
    evaluate_task,
    parse_due,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6月底前", date(2026, 6, 30)),
        ("2026年6月底前", date(2026, 6, 30)),
        ("2月底", date(2026, 2, 28)),
        ("十月底前", date(2026, 10, 31)),
        ("十一月底", date(2026, 11, 30)),
        ("12月", date(2026, 12, 31)),
        ("1月底", date(2026, 1, 31)),
        ("6月15日前", date(2026, 6, 15)),
        ("2027年3月10日", date(2027, 3, 10)),
        ("2026-09-30", date(2026, 9, 30)),
        ("三季度", date(2026, 9, 30)),
        ("第一季度末", date(2026, 3, 31)),
        ("2季度", date(2026, 6, 30)),
        ("上半年", date(2026, 6, 30)),
        ("下半年", date(2026, 12, 31)),
        ("年底前", date(2026, 12, 31)),
        ("2027年底前", date(2027, 12, 31)),
        ("", date(2026, 12, 31)),
        (None, date(2026, 12, 31)),
    ],
)
def test_due_is_read_as_written(text, expected):
    assert parse_due(text, 2026) == Due(expected)


def test_continuing_has_no_due_day():
    assert parse_due("持续推进", 2026) == Due(None, continuing=True)
    assert parse_due("长期", 2026).continuing


@pytest.mark.parametrize("text", ["尽快", "6月32日", "2026-02-30", "适时"])
def test_unreadable_due_is_refused_with_what_to_write(text):
    with pytest.raises(DueError, match="完成时限"):
        parse_due(text, 2026)


DUE = Due(date(2026, 6, 30))


def test_done_by_the_due_day_is_on_time_and_a_day_later_is_late():
    on_time = evaluate_task(DUE, "已完成", date(2026, 6, 30), date(2026, 12, 6))
    assert (on_time.light, on_time.outcome, on_time.reason) == (BLUE, ON_TIME, "按期完成")
    late = evaluate_task(DUE, "已完成", date(2026, 7, 1), date(2026, 12, 6))
    assert (late.light, late.outcome, late.days_late) == (BLUE, LATE, 1)
    assert "晚 1 天" in late.reason


def test_not_done_after_the_due_day_is_red_with_the_days():
    s = evaluate_task(DUE, "推进中", None, date(2026, 7, 2))
    assert (s.light, s.outcome, s.days_late) == (RED, OVERDUE, 2)
    assert "已过 2 天" in s.reason
    on_the_day = evaluate_task(DUE, "推进中", None, date(2026, 6, 30))
    assert on_the_day.light == YELLOW and on_the_day.outcome == OPEN


def test_reported_not_done_is_red_even_before_the_due_day():
    s = evaluate_task(DUE, "未完成", None, date(2026, 3, 1))
    assert s.light == RED and s.reason == "责任单位报告未完成"


def test_missing_report_and_near_due_are_yellow_with_both_reasons():
    s = evaluate_task(DUE, "推进中", None, date(2026, 6, 10), reported=False)
    assert s.light == YELLOW
    assert s.reasons == ("本期未报送", "将于 2026-06-30 到期（还有 20 天）")
    far = evaluate_task(DUE, "推进中", None, date(2026, 5, 30))
    assert far.light == GREEN and far.reason == "推进中"
    edge = evaluate_task(DUE, "推进中", None, date(2026, 5, 31))
    assert edge.light == YELLOW


def test_not_started_far_from_due_is_grey_and_unreadable_due_is_yellow():
    s = evaluate_task(DUE, "未启动", None, date(2026, 2, 1))
    assert s.light == GREY and "2026-06-30" in s.reason
    never = evaluate_task(DUE, None, None, date(2026, 2, 1))
    assert never.light == GREY and never.reason.startswith("尚未报送进展")
    unreadable = evaluate_task(None, "推进中", None, date(2026, 2, 1))
    assert unreadable.light == YELLOW and "无法识别" in unreadable.reason


def test_continuing_task_is_never_overdue():
    cont = parse_due("持续推进", 2026)
    s = evaluate_task(cont, "推进中", None, date(2027, 3, 1))
    assert (s.light, s.outcome, s.reason) == (GREEN, CONTINUOUS, "持续推进中")
    done = evaluate_task(cont, "已完成", date(2026, 5, 1), date(2027, 3, 1))
    assert done.light == BLUE and done.reason == "已完成"


def test_completion_rate_counts_due_and_done_only():
    assert completion_rate([ON_TIME, LATE, OVERDUE, OPEN, CONTINUOUS]) == pytest.approx(33.3)
    assert completion_rate([ON_TIME, ON_TIME, LATE]) == pytest.approx(66.7)
    assert completion_rate([OPEN, CONTINUOUS]) is None
    assert completion_rate([ON_TIME]) == 100.0


def test_a_continuing_task_done_stays_out_of_the_rate():
    cont = parse_due("持续推进", 2026)
    done = evaluate_task(cont, "已完成", date(2026, 5, 1), date(2026, 12, 6))
    assert done.outcome == CONTINUOUS
    # Otherwise one 持续推进 task done would lift a rate of 0 % (one task overdue) to 50 %.
    overdue = evaluate_task(DUE, "推进中", None, date(2026, 12, 6)).outcome
    assert completion_rate([done.outcome, overdue]) == 0.0


def test_a_task_whose_due_cannot_be_read_never_counts_as_on_time():
    done = evaluate_task(None, "已完成", date(2026, 5, 1), date(2026, 12, 6))
    assert done.light == BLUE and done.outcome == UNDATED and "无法识别" in done.reason
    open_ = evaluate_task(None, "推进中", None, date(2026, 12, 6))
    assert open_.outcome == UNDATED
    assert completion_rate([done.outcome, open_.outcome]) is None


def test_the_units_that_have_not_reported_are_named():
    s = evaluate_task(
        DUE, "推进中", None, date(2026, 3, 1), reported=False, missing_units=("市水利局", "广汉市")
    )
    assert s.light == YELLOW and s.reason == "本期未报送（市水利局、广汉市）"
