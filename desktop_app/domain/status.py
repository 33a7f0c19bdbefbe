"""Traffic-light status (红黄绿灯) of a project on a given day, with its reason in words.

One function, ``evaluate``, decides every light the application shows: the register, the Gantt,
the supervision list, the PDF sheets and the CLI all call it. The thresholds are settings
(``StatusRules``), because each office draws its lines differently.

The rules, in order:
1. 竣工 → 蓝 "已竣工".
2. Stage not known → 灰 待填报 "建设阶段待填报" (and the dates, when missing): nothing guessed.
3. Stage 储备/前期 and the planned start not reached (or not known): with both planned dates
   → 灰 "未开工"; a planned date missing → 灰 待填报 "未开工，计划开工日期待填报".
4. 红: past the planned end and not 竣工; a milestone overdue by more than
   ``milestone_overdue_days``; or percent complete behind 序时进度 by more than ``red_points``.
5. A planned date missing and nothing red → 灰 待填报 "计划开工/完工日期待填报": one neutral
   light until the project has its dates, not a yellow warning (the lists show such projects
   as one grouped line); the yellow reasons found are kept in ``reasons`` after it.
6. 黄: past the planned start and still 储备/前期;
   behind 序时进度 by more than ``yellow_points`` (up to ``red_points``); a milestone due within
   ``milestone_due_days`` and not done; no report for the current period.
7. 绿 otherwise.
The first red reason wins over yellow ones; all reasons found are kept in ``reasons``.
A 待填报 light (rules 2, 3 and 5) is grey with ``pending`` set; its name is 待填报.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .model import Project
from .money import format_percent
from .period import elapsed_percent

RED, YELLOW, GREEN, GREY, BLUE = "红", "黄", "绿", "灰", "蓝"
LIGHTS: tuple[str, ...] = (RED, YELLOW, GREEN, GREY, BLUE)
LIGHT_NAMES = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", GREY: "未开工", BLUE: "已竣工"}
# Colours as hex so that Qt, openpyxl and reportlab draw the same light.
LIGHT_COLORS = {
    RED: "#D93025",
    YELLOW: "#F2A900",
    GREEN: "#2E9D47",
    GREY: "#9AA0A6",
    BLUE: "#1A73E8",
}
# Severity for sorting (most urgent first).
LIGHT_RANK = {RED: 0, YELLOW: 1, GREEN: 2, GREY: 3, BLUE: 4}
PENDING_NAME = "待填报"  # the name of a grey light whose project still lacks its planning data
DATES_MISSING = "计划开工/完工日期"


@dataclass(frozen=True, slots=True)
class StatusRules:
    """Thresholds of the status rules; editable in settings."""

    red_points: float = 30.0  # behind 序时进度 by more than this → 红
    yellow_points: float = 10.0  # behind by more than this (up to red_points) → 黄
    milestone_overdue_days: int = 30  # a milestone late by more than this → 红
    milestone_due_days: int = 15  # a milestone due within this many days and not done → 黄
    require_current_report: bool = True  # no report for the current period → 黄

    @classmethod
    def from_dict(cls, data: dict) -> StatusRules:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Status:
    light: str
    reason: str
    days_late: int = 0  # days past the planned end (or the worst overdue milestone)
    behind_points: float = 0.0  # percent points behind 序时进度
    reasons: tuple[str, ...] = field(default=())
    pending: bool = False  # grey because planning data (stage, dates) is still to be filled in

    @property
    def name(self) -> str:
        return PENDING_NAME if self.pending else LIGHT_NAMES[self.light]

    @property
    def color(self) -> str:
        return LIGHT_COLORS[self.light]


def evaluate(
    project: Project,
    today: date,
    rules: StatusRules = StatusRules(),
    *,
    current_period: str | None = None,
) -> Status:
    """The light of ``project`` on ``today``, with its reason.

    ``current_period`` (``YYYY-MM``) is the period a report is expected for; when given and the
    project's latest report (``project.last_period``) is older, that is a yellow reason.
    """
    if project.stage == "竣工":
        end = project.actual_end
        return Status(BLUE, f"已于 {end.isoformat()} 竣工" if end else "已竣工")

    start, end = project.planned_start, project.planned_end
    if project.stage is None:
        # The plan names the project but not where it stands: one grey 待填报, nothing guessed.
        missing = ["建设阶段"]
        if start is None or end is None:
            missing.append(DATES_MISSING)
        return Status(GREY, f"{'、'.join(missing)}待填报", pending=True)
    dated = start is not None and end is not None
    if project.stage in ("储备", "前期") and (start is None or today < start):
        if not dated:
            return Status(GREY, f"未开工，{_missing_dates(start, end)}", pending=True)
        return Status(GREY, f"计划 {start.isoformat()} 开工")

    red: list[tuple[str, int]] = []
    yellow: list[str] = []
    days_late = 0
    behind = 0.0

    if project.stage in ("储备", "前期") and start is not None and today > start:
        yellow.append(f"计划 {start.isoformat()} 开工，已过 {(today - start).days} 天仍未开工")

    if end is not None and today > end:
        days_late = (today - end).days
        red.append((f"计划 {end.isoformat()} 完工，已逾期 {days_late} 天", days_late))

    for ms in project.milestones:
        if ms.actual_date is not None or ms.planned_date is None:
            continue
        late = (today - ms.planned_date).days
        if late > rules.milestone_overdue_days:
            red.append(
                (f"关键节点「{ms.name}」计划 {ms.planned_date.isoformat()}，已逾期 {late} 天", late)
            )
            days_late = max(days_late, late)
        elif late > 0:
            yellow.append(
                f"关键节点「{ms.name}」计划 {ms.planned_date.isoformat()}，已逾期 {late} 天"
            )
        elif -late <= rules.milestone_due_days:
            yellow.append(f"关键节点「{ms.name}」将于 {ms.planned_date.isoformat()} 到期，尚未完成")

    if dated and not today > end:
        expected = elapsed_percent(start, end, today)
        actual = project.percent_complete or 0.0
        behind = round(expected - actual, 2)
        if behind > rules.red_points:
            red.append((_behind_text(actual, expected, behind), 0))
        elif behind > rules.yellow_points:
            yellow.append(_behind_text(actual, expected, behind))

    if rules.require_current_report and current_period is not None:
        if project.last_period is None or project.last_period < current_period:
            last = f"（最近一次 {project.last_period}）" if project.last_period else ""
            yellow.append(f"{current_period} 未报送进度{last}")

    if not dated:  # kept with the other reasons; the light itself is decided below
        yellow.insert(0, _missing_dates(start, end))
    # The most overdue first: the reason shown beside the 逾期天数 is the one they count.
    red.sort(key=lambda r: -r[1])
    reasons = tuple([text for text, _ in red] + yellow)
    if red:
        return Status(RED, red[0][0], days_late, behind, reasons)
    if not dated:
        return Status(GREY, yellow[0], days_late, behind, reasons, pending=True)
    if yellow:
        return Status(YELLOW, yellow[0], days_late, behind, reasons)
    done = format_percent(project.percent_complete or 0.0)
    reason = f"完成 {done}，序时进度 {format_percent(elapsed_percent(start, end, today))}"
    return Status(GREEN, reason, 0, behind, reasons)


def _missing_dates(start: date | None, end: date | None) -> str:
    """Which planned dates are still to be filled in, in the words the lists show."""
    if start is None and end is None:
        return f"{DATES_MISSING}待填报"
    return "计划开工日期待填报" if start is None else "计划完工日期待填报"


def _behind_text(actual: float, expected: float, behind: float) -> str:
    """「完成 8.1%，落后序时进度（33.1%）25.0 个百分点」: one decimal, as every sheet prints
    percentages (``format_percent``), whatever decimals the figures carry."""
    return f"完成 {format_percent(actual)}，落后序时进度（{format_percent(expected)}）{behind:.1f} 个百分点"
