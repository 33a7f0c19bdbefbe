"""Indicators: met / not met for each operator, gap and trend."""

import pytest

from desktop_app.domain.indicators import evaluate_indicator, meets
from desktop_app.domain.model import Indicator


@pytest.mark.parametrize(
    "op, actual, target, expected",
    [
        ("≥", 5, 5, True),
        ("≥", 4.99, 5, False),
        (">", 5, 5, False),
        (">", 5.01, 5, True),
        ("≤", 3, 3, True),
        ("<", 3, 3, False),
        ("=", 65, 65, True),
        ("=", 64.9, 65, False),
    ],
)
def test_meets(op, actual, target, expected):
    assert meets(op, actual, target) is expected


def test_latest_actual_trend_and_gap():
    ind = Indicator(1, 1, "森林覆盖率", "%", ">", 25.2, 2025, actuals={2023: 24.8, 2024: 25.5})
    r = evaluate_indicator(ind)
    assert (r.state, r.year, r.actual, r.gap, r.trend, r.trend_good) == (
        "已达标",
        2024,
        25.5,
        0.3,
        "↑",
        True,
    )


def test_no_data():
    r = evaluate_indicator(Indicator(1, 1, "进出口总额", "亿美元", ">", 33, 2025))
    assert r.state == "无数据" and r.actual is None
