"""Whether a main indicator (主要指标) meets its target, by how much, and which way it moves."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Indicator

MET, NOT_MET, NO_DATA = "已达标", "未达标", "无数据"


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    state: str  # 已达标 / 未达标 / 无数据
    year: int | None
    actual: float | None
    gap: float | None  # actual − target (positive is above target)
    trend: str  # ↑ / ↓ / → / "" (no earlier value)
    trend_good: bool | None  # whether the movement goes towards meeting the target

    @property
    def met(self) -> bool:
        return self.state == MET


def meets(operator: str, actual: float, target: float) -> bool:
    """``actual`` compared to ``target`` as the plan's table prints it (≥ > = ≤ <)."""
    if operator == "≥":
        return actual >= target
    if operator == ">":
        return actual > target
    if operator == "≤":
        return actual <= target
    if operator == "<":
        return actual < target
    return abs(actual - target) < 1e-9 or actual >= target  # "=": printed without a sign: reach it


def evaluate_indicator(indicator: Indicator) -> IndicatorResult:
    """The latest actual against the target, and the movement since the year before."""
    latest = indicator.latest_actual()
    if latest is None:
        return IndicatorResult(NO_DATA, None, None, None, "", None)
    year, actual = latest
    earlier = [y for y in indicator.actuals if y < year]
    trend, good = "", None
    if earlier:
        before = indicator.actuals[max(earlier)]
        if actual > before:
            trend = "↑"
        elif actual < before:
            trend = "↓"
        else:
            trend = "→"
        wants_lower = indicator.operator in ("≤", "<")
        good = None if trend == "→" else (trend == "↓") == wants_lower
    state = MET if meets(indicator.operator, actual, indicator.target) else NOT_MET
    return IndicatorResult(state, year, actual, round(actual - indicator.target, 4), trend, good)
