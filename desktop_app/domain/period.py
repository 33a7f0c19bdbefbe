"""Reporting periods (填报周期): months ``2026-11`` and quarters, and the time elapsed in a span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .parsing import ParseError

_PERIOD = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A month, written ``YYYY-MM`` in storage and ``2026年11月`` to people."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(str(text).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ParseError(f"「{text}」不是填报周期，应写成 2026-11 这样的年月")
        if not 2000 <= int(match.group(1)) <= 2100:
            raise ParseError(f"「{text}」的年份不合理，填报周期应在 2000–2100 年之间")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.shift(1).first_day - timedelta(days=1)

    def shift(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return self.key


def quarter_label(period: Period) -> str:
    return f"{period.year}年第{period.quarter}季度"


def reporting_period(day: date, *, kind: str = "month") -> Period:
    """The period ``day`` falls in: the month itself, or the quarter's last month.

    Not the period the office works on (that is ``working_period``: the last one that has ended).
    """
    period = Period.of(day)
    if kind == "quarter":
        return Period(period.year, period.quarter * 3)
    return period


# Reports for a period are due on this day of the following month unless the office sets another.
DEFAULT_DUE_DAY = 5


def _step(kind: str) -> int:
    return 3 if kind == "quarter" else 1


def working_period(day: date, *, kind: str = "month") -> Period:
    """The period the office works on at ``day``: the last month (or quarter) that has ended.

    All through December that is November; in a quarter, the quarter before (keyed by its last
    month, e.g. ``2026-09`` for the third quarter).
    """
    if kind == "quarter":
        return Period(day.year, (day.month - 1) // 3 * 3 + 1).shift(-1)
    return Period.of(day).shift(-1)


def due_date(period: Period, *, due_day: int = DEFAULT_DUE_DAY) -> date:
    """The day reports for ``period`` are due: ``due_day`` of the following month (its last day
    when the month is shorter)."""
    following = period.shift(1)
    return date(following.year, following.month, min(max(1, due_day), following.last_day.day))


def is_overdue(period: Period, today: date, *, due_day: int = DEFAULT_DUE_DAY) -> bool:
    """Whether the due date of ``period`` has passed at ``today`` (a report on the day is on time)."""
    return today > due_date(period, due_day=due_day)


def expected_report(
    period: Period, today: date, *, kind: str = "month", due_day: int = DEFAULT_DUE_DAY
) -> Period:
    """The period whose missing report counts (未报送) on a sheet of ``period`` seen at ``today``:
    ``period`` itself once its due date has passed, else the period before it."""
    if is_overdue(period, today, due_day=due_day):
        return period
    return period.shift(-_step(kind))


def expected_period(today: date, *, kind: str = "month", due_day: int = DEFAULT_DUE_DAY) -> Period:
    """The latest period whose reports are already due at ``today``."""
    return expected_report(working_period(today, kind=kind), today, kind=kind, due_day=due_day)


def elapsed_percent(start: date, end: date, today: date) -> float:
    """序时进度: the share of ``start``–``end`` elapsed at ``today``, 0–100 (end day inclusive)."""
    if today < start:
        return 0.0
    if today >= end:
        return 100.0
    total = (end - start).days + 1
    return round(((today - start).days + 1) / total * 100, 2)
