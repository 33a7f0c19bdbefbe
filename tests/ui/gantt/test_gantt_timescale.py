"""Date ↔ x at each zoom level: round trips, month boundaries, leap years, header ticks."""

from datetime import date, timedelta

import pytest

from desktop_app.ui.gantt.timescale import ZOOM_ORDER, ZOOMS, TimeScale, zoom_name

ORIGIN = date(2020, 1, 1)


@pytest.mark.parametrize("zoom", ZOOM_ORDER)
def test_round_trip_every_day_of_a_leap_year(zoom):
    scale = TimeScale.for_zoom(ORIGIN, zoom)
    day = date(2024, 1, 1)
    while day.year == 2024:
        x = scale.x(day)
        assert scale.date_at(x) == day
        # anywhere inside the day's pixels maps back to the same day
        assert scale.date_at(x + scale.px_per_day * 0.99) == day
        day += timedelta(days=1)


@pytest.mark.parametrize("zoom", ZOOM_ORDER)
def test_month_boundaries_and_leap_day(zoom):
    scale = TimeScale.for_zoom(ORIGIN, zoom)
    ppd = ZOOMS[zoom][0]
    assert scale.x(date(2024, 3, 1)) - scale.x(date(2024, 2, 1)) == pytest.approx(29 * ppd)
    assert scale.x(date(2023, 3, 1)) - scale.x(date(2023, 2, 1)) == pytest.approx(28 * ppd)
    assert scale.x(date(2024, 1, 1)) - scale.x(date(2023, 12, 31)) == pytest.approx(ppd)
    assert scale.x(date(2025, 1, 1)) - scale.x(date(2024, 1, 1)) == pytest.approx(366 * ppd)
    assert scale.x(ORIGIN) == 0
    assert scale.x_ord(date(2024, 2, 29).toordinal()) == scale.x(date(2024, 2, 29))


def test_header_ticks_follow_calendar():
    months = TimeScale.for_zoom(ORIGIN, "月").ticks("month", date(2024, 1, 15), date(2024, 3, 2))
    assert [(t.start, t.end, t.label) for t in months] == [
        (date(2024, 1, 1), date(2024, 2, 1), "1月"),
        (date(2024, 2, 1), date(2024, 3, 1), "2月"),
        (date(2024, 3, 1), date(2024, 4, 1), "3月"),
    ]
    quarters = TimeScale.for_zoom(ORIGIN, "季").ticks(
        "quarter", date(2024, 5, 1), date(2024, 12, 1)
    )
    assert [t.label for t in quarters] == ["2季度", "3季度", "4季度"]
    assert quarters[-1].end == date(2025, 1, 1)
    weeks = TimeScale.for_zoom(ORIGIN, "周").ticks("week", date(2024, 2, 28), date(2024, 3, 5))
    assert [t.start for t in weeks] == [date(2024, 2, 26), date(2024, 3, 4)]  # Mondays
    assert TimeScale.for_zoom(ORIGIN, "年").tiers() == ("year", "quarter")
    assert TimeScale.for_zoom(ORIGIN, "周").tiers() == ("month", "week")


def test_snapping_days_when_zoomed_in_weeks_when_zoomed_out():
    assert TimeScale.for_zoom(ORIGIN, "周").snap(3.4) == 3
    assert TimeScale.for_zoom(ORIGIN, "季").snap(3.4) == 0
    assert TimeScale.for_zoom(ORIGIN, "季").snap(10) == 7
    assert zoom_name(16) == "周" and zoom_name(0.3) == "年"


@pytest.mark.parametrize("px_per_day", [16, 4, 1.2, 0.5, 0.4, 0.3, 0.1])
def test_quarters_are_named_one_chinese_way_at_every_zoom(px_per_day):
    scale = TimeScale(ORIGIN, px_per_day, zoom_name(px_per_day))
    labels = [t.label for t in scale.ticks("quarter", date(2024, 1, 1), date(2025, 12, 31))]
    assert all(label in ("", "1季度", "2季度", "3季度", "4季度") for label in labels), labels
    assert not any("Q" in label for label in labels)
    if 91 * px_per_day >= 44:
        assert labels[:4] == ["1季度", "2季度", "3季度", "4季度"]


@pytest.mark.parametrize("zoom", ZOOM_ORDER)
def test_every_preset_zoom_names_its_quarters(zoom):
    scale = TimeScale.for_zoom(ORIGIN, zoom)
    labels = [t.label for t in scale.ticks("quarter", date(2024, 1, 1), date(2024, 12, 31))]
    assert labels == ["1季度", "2季度", "3季度", "4季度"]
