"""Status of a key task (重点任务) of a year's list on a given day, with its reason in words.

A task has a 完成时限 written as the office writes it (「2026年6月底前」, 「年底前」, 「三季度」,
「持续推进」) and reports from its units (未启动 / 推进中 / 已完成 / 未完成). ``parse_due`` reads the
时限; ``evaluate_task`` decides the light; ``outcome`` classes a task for the completion rate
(按期完成率 = tasks done by their 时限 / tasks whose 时限 has come).

The rules, in order:
1. 已完成 → 蓝: 「按期完成」, or 「逾期完成（晚 N 天）」 when done after the 时限.
2. 红: the 时限 has passed and the task is not done; or a unit reported 未完成.
3. 黄: no report for the period a report is due for; the 时限 within ``due_soon_days`` and not
   done; the 时限 could not be read (it must be set right).
4. 灰: 未启动 with the 时限 more than ``due_soon_days`` away (or 持续推进 and never started).
5. 绿 otherwise (推进中).
A 持续推进 task has no 时限: it is never overdue and never counts in the completion rate, done or
not; nor does a task whose 时限 cannot be read (「时限待明确」) until it is set right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .status import BLUE, GREEN, GREY, LIGHT_COLORS, RED, YELLOW

STATES: tuple[str, ...] = ("未启动", "推进中", "已完成", "未完成")
# A task's lights in words (a project's blue is 已竣工, grey 未开工).
TASK_LIGHT_NAMES = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", BLUE: "已完成", GREY: "未启动"}
CONTINUING = "持续推进"

# Outcomes for the rates.
ON_TIME, LATE, OVERDUE, OPEN, CONTINUOUS, UNDATED = (
    "按期完成",
    "逾期完成",
    "逾期未完成",
    "未到期",
    "持续推进",
    "时限待明确",
)

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DIGITS.update({"十": 10, "十一": 11, "十二": 12})
_MONTH = r"(1[0-2]|0?[1-9]|十一|十二|十|[一二三四五六七八九])"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


_ISO = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_MONTH_DAY = re.compile(_MONTH + r"月(\d{1,2})日")
_YEAR = re.compile(r"(\d{4})年")
_MONTH_END = re.compile(_MONTH + r"月(?:底|末)?")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_HALF = re.compile(r"(上|下)半年")


@dataclass(frozen=True, slots=True)
class Due:
    """A 完成时限 read: ``day`` is the last day the task may be done on, None when 持续推进."""

    day: date | None
    continuing: bool = False


class DueError(ValueError):
    """A 完成时限 that cannot be read; the message says what to write instead."""


def parse_due(text: str | None, year: int) -> Due:
    """The last day of a 完成时限 written in ``year``'s list.

    >>> parse_due("6月底前", 2026).day
    datetime.date(2026, 6, 30)
    """
    raw = (text or "").strip()
    if not raw or raw in ("年底前", "年内", "年底", "全年", "年内完成"):
        return Due(date(year, 12, 31))
    if CONTINUING in raw or raw in ("长期", "持续", "长期坚持"):
        return Due(None, continuing=True)
    compact = raw.replace(" ", "")
    iso = _ISO.search(compact)
    if iso:
        try:
            return Due(date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
        except ValueError as exc:
            raise DueError(f"完成时限「{raw}」不是有效日期") from exc
    y = _YEAR.search(compact)
    the_year = int(y.group(1)) if y else year
    rest = compact[y.end() :] if y else compact
    if rest.startswith(("底", "年底", "末")) or rest in ("", "前", "底前", "年底前"):
        return Due(date(the_year, 12, 31))
    month_day = _MONTH_DAY.search(rest)
    if month_day:
        try:
            return Due(date(the_year, _number(month_day.group(1)), int(month_day.group(2))))
        except ValueError as exc:
            raise DueError(f"完成时限「{raw}」不是有效日期") from exc
    quarter = _QUARTER.search(rest)
    if quarter:
        q = _number(quarter.group(1))
        return Due(_month_end(the_year, q * 3))
    half = _HALF.search(rest)
    if half:
        return Due(_month_end(the_year, 6 if half.group(1) == "上" else 12))
    month = _MONTH_END.search(rest)
    if month:
        m = _number(month.group(1))
        return Due(_month_end(the_year, m))
    raise DueError(
        f"完成时限「{raw}」无法识别：请写成「6月底前」「三季度」「年底前」「2026-09-30」或「持续推进」"
    )


@dataclass(frozen=True, slots=True)
class TaskStatus:
    light: str
    reason: str
    outcome: str
    days_late: int = 0
    reasons: tuple[str, ...] = field(default=())

    @property
    def color(self) -> str:
        return LIGHT_COLORS[self.light]


def evaluate_task(
    due: Due | None,
    state: str | None,
    done_date: date | None,
    today: date,
    *,
    reported: bool = True,
    missing_units: tuple[str, ...] = (),
    due_soon_days: int = 30,
) -> TaskStatus:
    """The light of a task on ``today``.

    ``due`` is the parsed 完成时限 (None when it could not be read); ``state`` and ``done_date``
    come from the task's latest report (None when never reported); ``reported`` is False when
    the period a report is due for has passed its due date without one (``missing_units``
    names the units that have not reported, for the reason).
    """
    day = due.day if due else None
    continuing = bool(due and due.continuing)
    if state == "已完成":
        if day is not None and done_date is not None and done_date > day:
            late = (done_date - day).days
            return TaskStatus(BLUE, f"逾期完成（晚 {late} 天）", LATE, days_late=late)
        if continuing:
            return TaskStatus(BLUE, "已完成", CONTINUOUS)
        if day is None:  # the 时限 could not be read: done, but on time or not is unknown
            return TaskStatus(BLUE, "已完成（完成时限无法识别，请修改）", UNDATED)
        return TaskStatus(BLUE, "按期完成", ON_TIME)

    outcome = CONTINUOUS if continuing else (OPEN if due is not None else UNDATED)
    red: list[str] = []
    yellow: list[str] = []
    days_late = 0
    if day is not None and today > day:
        days_late = (today - day).days
        outcome = OVERDUE
        red.append(f"完成时限 {day.isoformat()} 已过 {days_late} 天，尚未完成")
    if state == "未完成":
        red.append("责任单位报告未完成")
    if not reported:
        names = "、".join(missing_units)
        yellow.append(f"本期未报送（{names}）" if names else "本期未报送")
    if due is None:
        yellow.append("完成时限无法识别，请修改")
    elif day is not None and today <= day and (day - today).days <= due_soon_days:
        yellow.append(f"将于 {day.isoformat()} 到期（还有 {(day - today).days} 天）")
    reasons = tuple(red + yellow)
    if red:
        return TaskStatus(RED, red[0], outcome, days_late, reasons)
    if yellow:
        return TaskStatus(YELLOW, yellow[0], outcome, days_late, reasons)
    if state in (None, "未启动"):
        reason = "尚未报送进展" if state is None else "未启动"
        if day is not None:
            reason += f"，完成时限 {day.isoformat()}"
        return TaskStatus(GREY, reason, outcome)
    return TaskStatus(GREEN, "持续推进中" if continuing else "推进中", outcome)


def completion_rate(outcomes: list[str]) -> float | None:
    """按期完成率 in percent: tasks done by their 时限 over tasks whose 时限 has come (done late,
    overdue or done on time). None when no task is due yet. A task done early counts when done."""
    due = [o for o in outcomes if o in (ON_TIME, LATE, OVERDUE)]
    if not due:
        return None
    return round(100.0 * sum(o == ON_TIME for o in due) / len(due), 1)
