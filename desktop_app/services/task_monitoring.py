"""Monitoring of a year's list (年度目标和重点任务清单): each task's light with its reasons, the
figures the office reports upward (按期完成率, 清单项目年度投资完成率, 关键节点按期完成率) per unit
and overall, and 督办 for late tasks.

How the units of a task combine (docs/monitoring.md, 「重点任务的状态」):
- each answering unit (牵头, 责任; 配合 do not report) has its own state: that of its latest report
  on the task for a period of the list's year up to the period looked at;
- the task is 已完成 only when its 牵头 unit reports it done (with no 牵头 unit: when every 责任 unit
  does), on the done date that unit gives — or, left blank, the last day of the period of the
  first report of its unbroken run of 已完成 reports (the reason says so);
- otherwise it is 未完成 when any unit reports 未完成, 推进中 when any unit has started, 未启动
  when all that reported say so, and unreported when none did;
- a unit that has no report for the period a report is due for (``monitoring.status_period``:
  the working period once its due date has passed) turns the task yellow, named in the reason —
  only for a period of the list's year that ended after the list was issued;
- per unit, the 牵头 unit answers for the whole task (the combined light), a 责任 unit for its own
  part (its own reports); the overall figures count each task once, with the combined light.
The CLI, 督办预警, 首页, the overall sheet and the 通报 all call ``year_figures`` / ``task_statuses``,
so their numbers are the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..domain.money import format_amount, format_percent
from ..domain.period import Period
from ..domain.status import GREEN, LIGHT_RANK, RED, YELLOW
from ..domain.supervision import DEFAULT_REPLY_DAYS, initial_level
from ..domain.task_status import (
    CONTINUOUS,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    UNDATED,
    Due,
    DueError,
    TaskStatus,
    completion_rate,
    evaluate_task,
    parse_due,
)
from ..store import Store
from ..store import task_monitoring as queries
from ..store.supervision import create_supervision, refuse_closed_plans
from ..store.task_monitoring import ListTask, TaskReport, YearList
from ..store.units import unit_order
from . import monitoring

DONE = "已完成"
DEFAULT_TASK_REQUEST = "请说明任务推进情况和滞后原因，明确完成时限和措施，按期书面回复。"
DUE_SOON_DAYS = 30  # 完成时限 within this many days: 即将到期 (yellow)

# What a task's light means, in one word (the 类别 of the CLI and the 督办 list's filter).
CATEGORIES = (
    "逾期未完成",
    "未报送",
    "即将到期",
    "未到期",
    "按期完成",
    "逾期完成",
    "持续推进",
    "时限待明确",
)


def read_due(task: ListTask, year: int) -> Due | None:
    """The 完成时限 of a list entry: its words as written (parse_due), else the date stored with
    it; None when neither can be read (the light says to set it right)."""
    text = (task.due_text or "").strip()
    if not text:
        return Due(task.due_date) if task.due_date else parse_due("", year)
    try:
        return parse_due(text, year)
    except DueError:
        return Due(task.due_date) if task.due_date else None


@dataclass(frozen=True)
class UnitPart:
    """One answering unit's part in a task: its latest report and its own light."""

    unit_id: int
    unit: str
    role: str
    latest: TaskReport | None
    reported: bool  # has a report for the period a report is due for (or none is due)
    status: TaskStatus
    done_date: date | None = None  # when its part was done (given, or inferred: see the rules)


@dataclass(frozen=True)
class TaskRow:
    task: ListTask
    due: Due | None
    state: str | None  # the combined state (see the module's rules)
    done_date: date | None
    status: TaskStatus  # the combined light and reasons
    parts: tuple[UnitPart, ...]
    missing: tuple[str, ...]  # units without the report due
    category: str

    @property
    def lead_unit(self) -> str | None:
        lead = self.task.lead
        return lead.unit if lead else None

    @property
    def due_label(self) -> str:
        if self.due is None:
            return self.task.due_text or "待明确"
        if self.due.continuing:
            return "持续推进"
        return self.due.day.isoformat()

    @property
    def last_report(self) -> tuple[str, str] | None:
        """(period, reported_at) of the latest report of any of its units."""
        found = [p.latest for p in self.parts if p.latest is not None]
        if not found:
            return None
        r = max(found, key=lambda r: (r.period, r.reported_at))
        return r.period, r.reported_at

    def part_of(self, unit_id: int) -> UnitPart | None:
        return next((p for p in self.parts if p.unit_id == unit_id), None)

    def answers_whole(self, unit_id: int) -> bool | None:
        """Whether a unit answers for the whole task (True) or its own part (False); None when
        it answers for none (配合, or not its task). See ``view_for``."""
        part = self.part_of(unit_id)
        if part is None:
            return None
        if part.role == "牵头":
            return True
        own = part.latest.state if part.latest else None
        return self.state == DONE and own not in (DONE, "未完成")

    def view_for(self, unit_id: int) -> TaskStatus | None:
        """The light a unit answers for: the whole task for its 牵头 unit, its own part (its own
        reports) for a 责任 unit — also on a task without a 牵头 unit; None for others. Once the
        task is done, a 责任 unit that has not reported its part done shares the task's done,
        unless it reported its part 未完成."""
        whole = self.answers_whole(unit_id)
        if whole is None:
            return None
        return self.status if whole else self.part_of(unit_id).status


@dataclass
class TaskMonitor:
    """The tasks of a year's list with their lights on a day, for a period."""

    year: int
    period: Period  # the period looked at (reports up to it count)
    day: date  # the day the lights are judged on
    status_key: str | None  # the period whose missing report counts (None: none expected)
    year_list: YearList | None
    rows: list[TaskRow] = field(default_factory=list)


def _window(year: int, period: Period) -> tuple[str, str]:
    """The periods whose reports count: those of the list's year up to ``period``."""
    first = f"{year:04d}-01"
    last = min(period.key, f"{year:04d}-12")
    return first, last


def _done_date(history: list[TaskReport]) -> tuple[date | None, str | None]:
    """When a unit whose latest report says 已完成 finished: the date it gave, else the last day
    of the first period of its unbroken run of 已完成 reports (and that period, to say so)."""
    streak = []
    for r in reversed(history):
        if r.state != DONE:
            break
        streak.append(r)
    for r in streak:
        if r.done_date is not None:
            return r.done_date, None
    first = streak[-1].period
    return Period.parse(first).last_day, first


def _inferred(status: TaskStatus, period: str | None) -> TaskStatus:
    if period is None:
        return status
    note = f"完成日期未填报，按{Period.parse(period).label}报告期末计"
    reason = status.reason
    reason = f"{reason[:-1]}；{note}）" if reason.endswith("）") else f"{reason}（{note}）"
    return replace(status, reason=reason)


def _combined_state(task: ListTask, latest: dict[int, TaskReport]) -> tuple[str | None, list[int]]:
    """The task's state and the units whose done dates decide when it was done (see the
    module's rules): its lead, or without one every 责任 unit (the latest date stands)."""
    lead = task.lead
    answering = task.answering()
    if lead is not None:
        if latest.get(lead.unit_id) and latest[lead.unit_id].state == DONE:
            return DONE, [lead.unit_id]
    elif answering and all(
        latest.get(u.unit_id) and latest[u.unit_id].state == DONE for u in answering
    ):
        return DONE, [u.unit_id for u in answering]
    states = {latest[u.unit_id].state for u in answering if latest.get(u.unit_id)}
    if "未完成" in states:
        return "未完成", []
    if states & {"推进中", DONE}:
        return "推进中", []
    if "未启动" in states:
        return "未启动", []
    return None, []


def _category(status: TaskStatus, due: Due | None, missing: tuple[str, ...], day: date) -> str:
    if status.outcome in (ON_TIME, LATE, OVERDUE):
        return status.outcome
    if status.outcome == CONTINUOUS:
        return "持续推进"
    if status.outcome == UNDATED:
        return "时限待明确"
    if missing:
        return "未报送"
    if due is not None and due.day is not None and (due.day - day).days <= DUE_SOON_DAYS:
        return "即将到期"
    return "未到期"


def _evaluate(
    task: ListTask,
    due: Due | None,
    history: dict[int, list[TaskReport]],
    day: date,
    key: str | None,
) -> TaskRow:
    latest = {uid: rs[-1] for uid, rs in history.items() if rs}
    parts = []
    missing = []
    for link in task.answering():
        reports = history.get(link.unit_id, [])
        last = reports[-1] if reports else None
        reported = key is None or any(r.period == key for r in reports)
        if not reported:
            missing.append(link.unit)
        done, inferred = (None, None)
        if last is not None and last.state == DONE:
            done, inferred = _done_date(reports)
        own = evaluate_task(
            due,
            last.state if last else None,
            done,
            day,
            reported=reported,
            missing_units=() if reported else (link.unit,),
            due_soon_days=DUE_SOON_DAYS,
        )
        parts.append(
            UnitPart(
                link.unit_id, link.unit, link.role, last, reported, _inferred(own, inferred), done
            )
        )
    state, done_by = _combined_state(task, latest)
    done, inferred = (None, None)
    if done_by:
        done, inferred = max((_done_date(history[uid]) for uid in done_by), key=lambda d: d[0])
    status = evaluate_task(
        due,
        state,
        done,
        day,
        reported=not missing,
        missing_units=tuple(missing),
        due_soon_days=DUE_SOON_DAYS,
    )
    status = _inferred(status, inferred)
    if not task.answering():
        status = replace(status, reasons=(*status.reasons, "未明确牵头单位和责任单位"))
    return TaskRow(
        task,
        due,
        state,
        done,
        status,
        tuple(parts),
        tuple(missing),
        _category(status, due, tuple(missing), day),
    )


def _looked_at(store: Store, today: date, period: Period | str | None) -> tuple[Period, date]:
    """The period looked at (default: the working one) and the day lights are judged on: today,
    or the period's last day for a period before the working one (as the printed sheets do)."""
    current = monitoring.current_period(store, today)
    if isinstance(period, str):
        period = Period.parse(period)
    period = period or current
    day = today if period >= current else min(today, period.last_day)
    return period, day


def task_statuses(
    store: Store,
    today: date,
    *,
    period: Period | str | None = None,
    year: int | None = None,
) -> TaskMonitor:
    """Every task of the list of ``year`` (default: the period's year) with its light."""
    period, day = _looked_at(store, today, period)
    year = year or period.year
    the_list = queries.year_list(store, year)
    monitor = TaskMonitor(year, period, day, None, the_list)
    if the_list is None:
        return monitor
    first, last = _window(year, period)
    key = monitoring.status_period(store, today, period).key
    expected = first <= key <= last and the_list.issued_at is not None
    if expected and Period.parse(key).last_day < the_list.issued_at:
        expected = False  # a period that ended before the list was issued asks nothing of it
    monitor.status_key = key if expected else None
    history: dict[int, dict[int, list[TaskReport]]] = defaultdict(lambda: defaultdict(list))
    if first <= last:
        for r in queries.task_reports(store, year, first, last):
            history[r.task_id][r.unit_id].append(r)
    for task in queries.list_tasks(store, year):
        monitor.rows.append(
            _evaluate(
                task, read_due(task, year), history.get(task.task_id, {}), day, monitor.status_key
            )
        )
    return monitor


def watch_tasks(monitor: TaskMonitor) -> list[TaskRow]:
    """Red and yellow tasks, most urgent first (red, then days late, then the list's order)."""
    late = [r for r in monitor.rows if r.status.light in (RED, YELLOW)]
    return sorted(late, key=lambda r: (LIGHT_RANK[r.status.light], -r.status.days_late, r.task.seq))


def unit_tasks(monitor: TaskMonitor, unit_id: int) -> list[tuple[TaskRow, TaskStatus]]:
    """The tasks a unit answers for, each with the light it answers for."""
    out = []
    for row in monitor.rows:
        view = row.view_for(unit_id)
        if view is not None:
            out.append((row, view))
    return out


# -- the figures reported upward ---------------------------------------------------------------


@dataclass
class Figures:
    """One unit's (or the whole list's) figures of the year."""

    label: str
    outcomes: list[str] = field(default_factory=list)  # one per task
    planned: float = 0.0  # 年度计划投资 of the list's projects (万元)
    done: float = 0.0  # 本年完成投资 (万元)
    projects: int = 0
    unplanned: int = 0  # projects of the list without a 年度计划投资
    milestone_outcomes: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> int:
        return len(self.outcomes)

    def count(self, outcome: str) -> int:
        return self.outcomes.count(outcome)

    @property
    def due(self) -> int:
        """Tasks whose 时限 has come (or done early): the rate's denominator."""
        return sum(self.count(o) for o in (ON_TIME, LATE, OVERDUE))

    @property
    def rate(self) -> float | None:
        """按期完成率 (0–100)."""
        return completion_rate(self.outcomes)

    @property
    def investment_rate(self) -> float | None:
        return round(self.done / self.planned * 100, 1) if self.planned else None

    @property
    def milestones_due(self) -> int:
        return sum(self.milestone_outcomes.count(o) for o in (ON_TIME, LATE, OVERDUE))

    @property
    def milestones_on_time(self) -> int:
        return self.milestone_outcomes.count(ON_TIME)

    @property
    def milestone_rate(self) -> float | None:
        return completion_rate(self.milestone_outcomes)


@dataclass
class YearFigures:
    year: int
    period: Period
    day: date
    year_list: YearList | None
    overall: Figures
    units: list[Figures]
    monitor: TaskMonitor
    overdue: list[TaskRow] = field(default_factory=list)  # 逾期未完成, most days late first

    @property
    def exists(self) -> bool:
        return self.year_list is not None


def milestone_outcome(planned: date, actual: date | None, day: date) -> str:
    """A milestone of the year as a task's outcome: done by its date, done late, past its date
    and not done, or not due yet (one done early counts when done, as a task does)."""
    if actual is not None and actual <= day:
        return ON_TIME if actual <= planned else LATE
    return OVERDUE if day > planned else OPEN


def year_figures(
    store: Store,
    today: date,
    *,
    period: Period | str | None = None,
    year: int | None = None,
    monitor: TaskMonitor | None = None,
) -> YearFigures:
    """The year's figures per unit and overall (see the module docstring for who counts what).

    Money by the project's 牵头 unit, so that the units' amounts add up to the total; a task
    counts for each unit answering for it, and once in the total.
    """
    monitor = monitor or task_statuses(store, today, period=period, year=year)
    year, day = monitor.year, monitor.day
    overall = Figures("合计")
    by_unit: dict[str, Figures] = {}

    def unit(name: str | None) -> Figures:
        name = name or "未定牵头单位"
        return by_unit.setdefault(name, Figures(name))

    for row in monitor.rows:
        overall.outcomes.append(row.status.outcome)
        for part in row.parts:
            view = row.view_for(part.unit_id)
            if view is not None:
                unit(part.unit).outcomes.append(view.outcome)
    if monitor.year_list is not None:
        first, last = _window(year, monitor.period)
        for p in queries.list_projects(store, year, first, last):
            for f in (overall, unit(p.lead_unit)):
                f.projects += 1
                f.planned += p.planned or 0.0
                f.done += p.done or 0.0
                f.unplanned += p.planned is None
        for m in queries.list_milestones(store, year):
            outcome = milestone_outcome(m.planned, m.actual, day)
            overall.milestone_outcomes.append(outcome)
            unit(m.lead_unit).milestone_outcomes.append(outcome)
    for f in (overall, *by_unit.values()):
        f.planned, f.done = round(f.planned, 4), round(f.done, 4)
    order = unit_order(store)
    units = sorted(by_unit.values(), key=lambda f: (order.get(f.label, len(order)), f.label))
    overdue = sorted(
        (r for r in monitor.rows if r.status.outcome == OVERDUE),
        key=lambda r: (-r.status.days_late, r.task.seq),
    )
    return YearFigures(
        year, monitor.period, day, monitor.year_list, overall, units, monitor, overdue
    )


def rate_text(value: float | None) -> str:
    return format_percent(value, missing="—")


def summary_line(f: YearFigures) -> str:
    """The year's list in one line, as the overall sheet prints it (empty without a list)."""
    if not f.exists:
        return ""
    o = f.overall
    tasks = (
        f"{f.year}年度重点任务清单：重点任务{o.tasks}项，到期{o.due}项，按期完成{o.count(ON_TIME)}项，"
        f"按期完成率{rate_text(o.rate)}；逾期完成{o.count(LATE)}项，逾期未完成{o.count(OVERDUE)}项"
    )
    money = (
        f"清单项目{o.projects}个，年度计划投资{format_amount(o.planned, missing='—')}，"
        f"完成{format_amount(o.done, missing='—')}，年度投资完成率{rate_text(o.investment_rate)}"
    )
    nodes = (
        f"年内到期关键节点{o.milestones_due}个，按期完成{o.milestones_on_time}个，"
        f"按期完成率{rate_text(o.milestone_rate)}"
    )
    return f"{tasks}。{money}；{nodes}。"


def _cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_paragraphs(f: YearFigures) -> list[str]:
    """The 通报's paragraphs on the year's list: the rate, the overdue tasks, the investment and
    milestones, and each unit's rate (none without a list)."""
    if not f.exists:
        return []
    o = f.overall
    continuing = o.count(CONTINUOUS)
    first = (
        f"{f.year}年度重点任务清单共列重点任务{o.tasks}项"
        + (f"（其中持续推进{continuing}项）" if continuing else "")
        + f"、重大项目{o.projects}个。截至{_cn_day(f.day)}，完成时限已到的任务{o.due}项，"
        f"按期完成{o.count(ON_TIME)}项，按期完成率{rate_text(o.rate)}；逾期完成{o.count(LATE)}项，"
        f"逾期未完成{o.count(OVERDUE)}项。"
    )
    out = [first]
    if f.overdue:
        named = "；".join(
            f"{r.task.title}（牵头单位：{r.lead_unit or '未定'}，完成时限{r.due_label}，"
            f"已逾期{r.status.days_late}天）"
            for r in f.overdue
        )
        out.append(f"逾期未完成的任务：{named}。请牵头单位抓紧推进，尽快完成。")
    out.append(
        f"清单项目年度计划投资{format_amount(o.planned, missing='—')}，"
        f"完成{format_amount(o.done, missing='—')}，年度投资完成率{rate_text(o.investment_rate)}；"
        f"年内到期关键节点{o.milestones_due}个，按期完成{o.milestones_on_time}个，"
        f"按期完成率{rate_text(o.milestone_rate)}。"
    )
    units = [u for u in f.units if u.due]
    if units:
        out.append(
            "分单位按期完成率："
            + "；".join(
                f"{u.label}{rate_text(u.rate)}（到期{u.due}项，按期完成{u.count(ON_TIME)}项）"
                for u in units
            )
            + "。"
        )
    return out


# -- 督办 ------------------------------------------------------------------------------------


def task_supervision_units(row: TaskRow) -> list[tuple[int, str]]:
    """Who a task's 督办 goes to: its 牵头 unit, else each 责任 unit."""
    lead = row.task.lead
    if lead is not None:
        return [(lead.unit_id, lead.unit)]
    return [(u.unit_id, u.unit) for u in row.task.answering()]


def issue_supervisions(
    store: Store,
    projects: list[monitoring.ProjectStatus],
    tasks: list[TaskRow],
    *,
    issued: date,
    reply_days: int = DEFAULT_REPLY_DAYS,
    request: str | None = None,
) -> list[int]:
    """督办 for the given late projects and tasks, in one transaction; green, blue and grey ones
    are passed over. A task's goes to its 牵头 unit (without one: to each 责任 unit). Refused
    whole, naming them, when some belong to a closed plan."""
    refuse_closed_plans(
        store,
        [s.project.id for s in projects if s.status.light != GREEN],
        [r.task.task_id for r in tasks if r.status.light in (RED, YELLOW)],
    )
    with store.write():
        ids = monitoring.issue_supervisions(
            store, projects, issued=issued, reply_days=reply_days, request=request
        )
        for row in tasks:
            if row.status.light not in (RED, YELLOW):
                continue
            for unit_id, _ in task_supervision_units(row):
                ids.append(
                    create_supervision(
                        store,
                        None,
                        task_id=row.task.task_id,
                        unit_id=unit_id,
                        issued_date=issued,
                        reply_by=issued + timedelta(days=reply_days),
                        reason=row.status.reason,
                        request=request or DEFAULT_TASK_REQUEST,
                        level=initial_level(row.status.light),
                    )
                )
    return ids
