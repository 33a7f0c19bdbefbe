"""Date ↔ x: the zoom levels and the two-level date header of the Gantt chart.

Pure arithmetic (no Qt): the chart, its header, the drag handling and the exports all map dates
through one ``TimeScale``, so screen and paper agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

# Zoom levels: pixels per day, the header's two tiers, and the drag snapping unit in days.
ZOOMS: dict[str, tuple[float, str, str, int]] = {
    "周": (16.0, "month", "week", 1),
    "月": (4.0, "year", "month", 1),
    "季": (1.2, "year", "quarter", 7),
    "年": (0.5, "year", "quarter", 7),  # a quarter 45 px: room for 「1季度」
}
ZOOM_ORDER = ("周", "月", "季", "年")
QUARTER_LABEL_PX = 44  # the width 「4季度」 needs in the header font, with its padding


def zoom_name(px_per_day: float) -> str:
    """The zoom level (header tiers, snapping) that suits a continuous scale."""
    return next((z for z in ZOOM_ORDER if px_per_day >= ZOOMS[z][0] * 0.75), "年")


@dataclass(frozen=True)
class Tick:
    start: date
    end: date  # exclusive
    label: str


class TimeScale:
    """Maps dates to x pixels (``origin`` at x = 0) at ``px_per_day``."""

    def __init__(self, origin: date, px_per_day: float, zoom: str = "月"):
        self.origin = origin
        self.px_per_day = px_per_day
        self.zoom = zoom

    @classmethod
    def for_zoom(cls, origin: date, zoom: str) -> TimeScale:
        return cls(origin, ZOOMS[zoom][0], zoom)

    def x(self, day: date) -> float:
        return (day - self.origin).days * self.px_per_day

    def x_ord(self, ordinal: int) -> float:
        """x of a day given as ``date.toordinal()`` (the precomputed layout's unit)."""
        return (ordinal - self.origin.toordinal()) * self.px_per_day

    def date_at(self, x: float) -> date:
        # the epsilon absorbs float error at a day's left edge (x(day) must map back to day)
        return self.origin + timedelta(days=math.floor(x / self.px_per_day + 1e-7))

    def days(self, dx: float) -> float:
        return dx / self.px_per_day

    @property
    def snap_days(self) -> int:
        return ZOOMS.get(self.zoom, ZOOMS["月"])[3]

    def snap(self, delta_days: float) -> int:
        """A drag of ``delta_days`` rounded to the zoom's unit (days, or weeks when zoomed out)."""
        unit = self.snap_days
        return int(round(delta_days / unit)) * unit

    def ticks(self, tier: str, first: date, last: date) -> list[Tick]:
        """Header cells of ``tier`` ("year"/"quarter"/"month"/"week") covering first..last."""
        out: list[Tick] = []
        if tier == "week":
            start = first - timedelta(days=first.weekday())
            while start <= last:
                end = start + timedelta(days=7)
                out.append(Tick(start, end, f"{start.month}/{start.day}"))
                start = end
            return out
        step = {"year": 12, "quarter": 3, "month": 1}[tier]
        month = ((first.month - 1) // step) * step + 1
        start = date(first.year, month, 1)
        while start <= last:
            index = start.year * 12 + start.month - 1 + step
            end = date(index // 12, index % 12 + 1, 1)
            if tier == "year":
                label = f"{start.year}年"
            elif tier == "quarter":
                # One form at every zoom; a quarter too narrow for it (a 适合窗口 scale over
                # many years) is left unlabelled under its year rather than abbreviated.
                q = (start.month - 1) // 3 + 1
                label = f"{q}季度" if 91 * self.px_per_day >= QUARTER_LABEL_PX else ""
            elif self.zoom == "周":
                label = f"{start.year}年{start.month}月"
            else:
                label = f"{start.month}月"
            out.append(Tick(start, end, label))
            start = end
        return out

    def tiers(self) -> tuple[str, str]:
        _, top, bottom, _ = ZOOMS.get(self.zoom, ZOOMS["月"])
        return top, bottom

    def fit(self, first: date, last: date, width: float) -> TimeScale:
        """A scale showing first..last in ``width`` pixels (the 适合窗口 zoom)."""
        days = max((last - first).days, 1)
        ppd = max(width / days, 0.05)
        zoom = next((z for z in ZOOM_ORDER if ppd >= ZOOMS[z][0] * 0.75), "年")
        return TimeScale(first, ppd, zoom)
