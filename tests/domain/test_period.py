"""Period arithmetic: month ends, quarters, leap years, 序时进度."""

from datetime import date

import pytest

from desktop_app.domain.parsing import ParseError
from desktop_app.domain.period import Period, elapsed_percent, quarter_label, reporting_period


def test_parse_and_labels():
    p = Period.parse("2026-11")
    assert (p.key, p.label, p.quarter) == ("2026-11", "2026年11月", 4)
    with pytest.raises(ParseError):
        Period.parse("2026-13")


@pytest.mark.parametrize(
    "key, last",
    [
        ("2024-02", date(2024, 2, 29)),
        ("2025-02", date(2025, 2, 28)),
        ("2026-12", date(2026, 12, 31)),
        ("2026-04", date(2026, 4, 30)),
    ],
)
def test_month_ends(key, last):
    assert Period.parse(key).last_day == last


def test_shift_across_years():
    assert Period(2026, 11).shift(3) == Period(2027, 2)
    assert Period(2026, 1).shift(-1) == Period(2025, 12)
    assert Period(2026, 1).shift(-13) == Period(2024, 12)


@pytest.mark.parametrize(
    "day, kind, expected",
    [
        (date(2026, 11, 29), "month", "2026-11"),
        (date(2026, 11, 29), "quarter", "2026-12"),
        (date(2026, 1, 1), "quarter", "2026-03"),
        (date(2026, 6, 30), "quarter", "2026-06"),
    ],
)
def test_reporting_period(day, kind, expected):
    assert reporting_period(day, kind=kind).key == expected


def test_quarter_label():
    assert quarter_label(Period(2026, 11)) == "2026年第4季度"


def test_elapsed_percent_bounds_and_leap_year():
    start, end = date(2024, 1, 1), date(2024, 12, 31)  # 366 days
    assert elapsed_percent(start, end, date(2023, 12, 31)) == 0
    assert elapsed_percent(start, end, start) == round(1 / 366 * 100, 2)
    assert elapsed_percent(start, end, date(2024, 2, 29)) == round(60 / 366 * 100, 2)
    assert elapsed_percent(start, end, end) == 100


@pytest.mark.parametrize("text", ["0000-01", "1999-12", "2101-01"])
def test_a_period_outside_any_plan_is_refused(text):
    with pytest.raises(ParseError, match="年份不合理"):
        Period.parse(text)
