"""The edges of a reporting period and of 序时进度, with the message a user reads."""

from datetime import date

import pytest

from desktop_app.domain.parsing import ParseError
from desktop_app.domain.period import (
    DEFAULT_DUE_DAY,
    Period,
    due_date,
    elapsed_percent,
    expected_period,
    expected_report,
    is_overdue,
    working_period,
)


@pytest.mark.parametrize(
    "text, key, label",
    [
        ("2000-01", "2000-01", "2000年1月"),
        ("2100-12", "2100-12", "2100年12月"),
        (" 2026-3 ", "2026-03", "2026年3月"),
    ],
)
def test_the_first_and_last_years_of_the_range_are_periods(text, key, label):
    period = Period.parse(text)
    assert (period.key, period.label) == (key, label)


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "2026-1-1", "2026年11月", "26-11", ""])
def test_what_is_not_a_period_is_refused_with_the_expected_form(text):
    with pytest.raises(ParseError) as refused:
        Period.parse(text)
    assert refused.value.reason == f"「{text}」不是填报周期，应写成 2026-11 这样的年月"


def test_year_out_of_range_names_the_range():
    with pytest.raises(ParseError) as refused:
        Period.parse("1999-12")
    assert refused.value.reason == "「1999-12」的年份不合理，填报周期应在 2000–2100 年之间"


@pytest.mark.parametrize(
    "period, first, last, quarter",
    [
        (Period(2026, 1), date(2026, 1, 1), date(2026, 1, 31), 1),
        (Period(2026, 3), date(2026, 3, 1), date(2026, 3, 31), 1),
        (Period(2026, 4), date(2026, 4, 1), date(2026, 4, 30), 2),
        (Period(2026, 12), date(2026, 12, 1), date(2026, 12, 31), 4),
    ],
)
def test_a_month_knows_its_days_and_quarter(period, first, last, quarter):
    assert (period.first_day, period.last_day, period.quarter) == (first, last, quarter)
    assert Period.of(last) == period and str(period) == period.key


def test_periods_sort_by_time():
    keys = ["2026-10", "2025-12", "2026-02"]
    assert [p.key for p in sorted(Period.parse(k) for k in keys)] == [
        "2025-12",
        "2026-02",
        "2026-10",
    ]


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2025, 6, 1), 0.0),  # long before the start
        (date(2025, 12, 31), 0.0),  # the day before
        (date(2026, 1, 1), 0.27),  # the first day counts
        (date(2026, 7, 2), 50.14),
        (date(2026, 12, 31), 100.0),
        (date(2027, 1, 1), 100.0),  # never above 100 after the end
        (date(2030, 1, 1), 100.0),
    ],
)
def test_elapsed_time_stays_within_0_and_100(today, expected):
    assert elapsed_percent(date(2026, 1, 1), date(2026, 12, 31), today) == expected


def test_a_one_day_span_is_done_on_its_day():
    day = date(2026, 5, 1)
    assert elapsed_percent(day, day, day) == 100.0


# --- the period the office works on, and when its reports are due ---------------------------


@pytest.mark.parametrize(
    "day, kind, working",
    [
        (date(2026, 12, 1), "month", Period(2026, 11)),
        (date(2026, 12, 31), "month", Period(2026, 11)),
        (date(2027, 1, 1), "month", Period(2026, 12)),
        (date(2026, 10, 1), "quarter", Period(2026, 9)),  # the third quarter has ended
        (date(2026, 12, 31), "quarter", Period(2026, 9)),
        (date(2026, 9, 30), "quarter", Period(2026, 6)),
        (date(2027, 2, 15), "quarter", Period(2026, 12)),
    ],
)
def test_the_working_period_is_the_last_one_that_has_ended(day, kind, working):
    assert working_period(day, kind=kind) == working


def test_by_default_the_working_period_is_a_month():
    assert working_period(date(2026, 12, 6)) == Period(2026, 11)


@pytest.mark.parametrize(
    "period, due_day, due",
    [
        (Period(2026, 11), 5, date(2026, 12, 5)),
        (Period(2026, 12), 5, date(2027, 1, 5)),
        (Period(2026, 12), 31, date(2027, 1, 31)),
        (Period(2027, 1), 31, date(2027, 2, 28)),  # a shorter month: its last day
        (Period(2027, 1), 28, date(2027, 2, 28)),
        (Period(2027, 12), 29, date(2028, 1, 29)),
        (Period(2026, 11), 1, date(2026, 12, 1)),
        (Period(2026, 11), 0, date(2026, 12, 1)),  # nonsense settings still give a day
        (Period(2026, 11), -3, date(2026, 12, 1)),
    ],
)
def test_reports_are_due_on_the_due_day_of_the_following_month(period, due_day, due):
    assert due_date(period, due_day=due_day) == due


def test_by_default_reports_are_due_on_the_5th():
    assert DEFAULT_DUE_DAY == 5
    assert due_date(Period(2026, 11)) == date(2026, 12, 5)
    assert not is_overdue(Period(2026, 11), date(2026, 12, 5))
    assert is_overdue(Period(2026, 11), date(2026, 12, 6))
    assert expected_report(Period(2026, 11), date(2026, 12, 5)) == Period(2026, 10)
    assert expected_report(Period(2026, 11), date(2026, 12, 6)) == Period(2026, 11)


@pytest.mark.parametrize(
    "today, due_day, overdue",
    [
        (date(2026, 12, 4), 5, False),
        (date(2026, 12, 5), 5, False),  # a report on the due day is on time
        (date(2026, 12, 6), 5, True),
        (date(2026, 12, 6), 6, False),
        (date(2026, 12, 11), 10, True),
        (date(2027, 3, 1), 5, True),
    ],
)
def test_a_period_is_overdue_only_after_its_due_day(today, due_day, overdue):
    assert is_overdue(Period(2026, 11), today, due_day=due_day) is overdue


@pytest.mark.parametrize(
    "today, kind, due_day, expected",
    [
        # Before 12-05 a unit missing November is not yet 未报送: October's report counts.
        (date(2026, 12, 5), "month", 5, Period(2026, 10)),
        (date(2026, 12, 6), "month", 5, Period(2026, 11)),
        (date(2026, 12, 6), "month", 10, Period(2026, 10)),
        (date(2026, 12, 11), "month", 10, Period(2026, 11)),
        (date(2027, 1, 5), "month", 5, Period(2026, 11)),
        (date(2027, 1, 6), "month", 5, Period(2026, 12)),
        (date(2026, 10, 5), "quarter", 5, Period(2026, 6)),
        (date(2026, 10, 6), "quarter", 5, Period(2026, 9)),
        (date(2026, 12, 6), "quarter", 5, Period(2026, 9)),
        (date(2027, 1, 5), "quarter", 5, Period(2026, 9)),
        (date(2027, 1, 6), "quarter", 5, Period(2026, 12)),
    ],
)
def test_the_expected_period_is_the_latest_one_already_due(today, kind, due_day, expected):
    assert expected_period(today, kind=kind, due_day=due_day) == expected


def test_by_default_the_expected_period_is_a_month_due_on_the_5th():
    assert expected_period(date(2026, 12, 5)) == Period(2026, 10)
    assert expected_period(date(2026, 12, 6)) == Period(2026, 11)


@pytest.mark.parametrize(
    "period, today, kind, expected",
    [
        # A sheet of a past period, long overdue: that period itself.
        (Period(2026, 9), date(2026, 12, 6), "quarter", Period(2026, 9)),
        (Period(2026, 9), date(2026, 10, 5), "quarter", Period(2026, 6)),
        (Period(2026, 9), date(2026, 10, 5), "month", Period(2026, 8)),
        (Period(2026, 12), date(2026, 12, 6), "month", Period(2026, 11)),
    ],
)
def test_a_sheet_counts_its_own_period_once_due_else_the_one_before(period, today, kind, expected):
    assert expected_report(period, today, kind=kind, due_day=5) == expected
