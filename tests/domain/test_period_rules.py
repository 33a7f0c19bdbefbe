"""The edges of a reporting period and of 序时进度, with the message a user reads."""

from datetime import date

import pytest

from desktop_app.domain.parsing import ParseError
from desktop_app.domain.period import Period, elapsed_percent


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
