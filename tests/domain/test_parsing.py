"""Reading what people type, in every form the office sees."""

from datetime import date, datetime

import pytest

from desktop_app.domain.parsing import ParseError, parse_date, parse_money, parse_percent


@pytest.mark.parametrize(
    "raw, kw, expected",
    [
        ("45", {}, 45),
        ("45%", {}, 45),
        ("４５％", {}, 45),
        (" 45.5 ", {}, 45.5),
        (45, {}, 45),
        (0.45, {"percent_format": True}, 45),
        ("100", {}, 100),
        ("0", {}, 0),
        ("", {}, None),
        (None, {}, None),
    ],
)
def test_percent_forms(raw, kw, expected):
    assert parse_percent(raw, **kw) == expected


@pytest.mark.parametrize("raw", ["120", "-1", "100.01", "一半", "45 %%"])
def test_percent_refused(raw):
    with pytest.raises(ParseError):
        parse_percent(raw)


def test_percent_message_names_the_value():
    with pytest.raises(ParseError, match="「120」超出 0–100"):
        parse_percent("120")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("1234.5万元", 1234.5),
        ("0.5亿元", 5000),
        ("0.5亿", 5000),
        ("１２３４", 1234),
        (800, 800),
        ("50000元", 5),
        (" 12 万 ", 12),
    ],
)
def test_money_forms(raw, expected):
    assert parse_money(raw) == expected


def test_money_column_in_yi():
    assert parse_money("1.2", unit="亿元") == 12000


@pytest.mark.parametrize("raw", ["-5", "很多", "1.2.3"])
def test_money_refused(raw):
    with pytest.raises(ParseError):
        parse_money(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (date(2026, 3, 1), date(2026, 3, 1)),
        (datetime(2026, 3, 1, 0, 0), date(2026, 3, 1)),
        (46082, date(2026, 3, 1)),
        ("2026-03-01", date(2026, 3, 1)),
        ("2026/3/1", date(2026, 3, 1)),
        ("2026.3.1", date(2026, 3, 1)),
        ("2026年3月1日", date(2026, 3, 1)),
        ("20260301", date(2026, 3, 1)),
        ("2026-3", date(2026, 3, 1)),
        ("2026年3月", date(2026, 3, 1)),
        ("２０２６－３－１", date(2026, 3, 1)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_date_forms(raw, expected):
    assert parse_date(raw) == expected


def test_month_as_end_date_is_last_day():
    assert parse_date("2024-2", month_end=True) == date(2024, 2, 29)
    assert parse_date("2026年12月", month_end=True) == date(2026, 12, 31)


@pytest.mark.parametrize("raw", ["2026-02-30", "2025-02-29", "明年", "2026-13"])
def test_date_refused(raw):
    with pytest.raises(ParseError):
        parse_date(raw)


def test_percentages_are_shown_with_one_decimal_always():
    from desktop_app.domain.money import format_percent

    assert [format_percent(v) for v in (0.7, 41, 100, 33.333, 0)] == [
        "0.7%",
        "41.0%",
        "100.0%",
        "33.3%",
        "0.0%",
    ]
    assert format_percent(None, missing="待填报") == "待填报"
