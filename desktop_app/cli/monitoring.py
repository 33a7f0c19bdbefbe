"""Monitoring commands: status (each project's or, with --tasks, each task's light and reason)
and missing (未报送 units)."""

from __future__ import annotations

import argparse
import re
from datetime import date

from ..domain.errors import UserError
from ..domain.parsing import ParseError
from ..domain.period import Period
from ..domain.task_status import LATE, ON_TIME, OVERDUE, TASK_LIGHT_NAMES
from ..services import task_monitoring
from ..services.monitoring import current_period, period_due, project_statuses, unit_reporting
from ..store.projects import list_projects
from ..store.units import get_unit
from .core import open_store, print_json


def _date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise UserError(f"「{text}」不是存在的日期（该月没有这一天）。") from None
        raise UserError(f"日期「{text}」格式不对，应写成 2026-11-29。") from None


def cmd_status(args: argparse.Namespace) -> int:
    if args.tasks:
        return _task_status(args)
    day = _date(args.date)
    with open_store(args) as store:
        period = current_period(store, day).key
        projects = None
        if args.unit:
            projects = list_projects(store, unit_id=get_unit(store, args.unit).id)
        statuses = project_statuses(store, day, period=period, projects=projects)
    if args.json:
        print_json(
            [
                {
                    "code": s.project.code,
                    "name": s.project.name,
                    "lead_unit": s.project.lead_unit,
                    "stage": s.project.stage,
                    "light": s.status.light,
                    "light_name": s.status.name,
                    "pending": s.status.pending,
                    "reason": s.status.reason,
                    "reasons": list(s.status.reasons),
                    "days_late": s.status.days_late,
                    "behind_points": s.status.behind_points,
                }
                for s in statuses
            ]
        )
        return 0
    for s in statuses:
        print(f"{s.project.code}\t{s.status.name}\t{s.project.name}\t{s.status.reason}")
    print(f"共 {len(statuses)} 个项目，评价日期 {day.isoformat()}，填报周期 {period}。")
    return 0


def _figures_json(f: task_monitoring.Figures) -> dict:
    return {
        "name": f.label,
        "tasks": f.tasks,
        "due": f.due,
        "on_time": f.count(ON_TIME),
        "late": f.count(LATE),
        "overdue": f.count(OVERDUE),
        "completion_rate": f.rate,
        "projects": f.projects,
        "planned_investment": f.planned,
        "investment_this_year": f.done,
        "investment_rate": f.investment_rate,
        "milestones_due": f.milestones_due,
        "milestones_on_time": f.milestones_on_time,
        "milestone_rate": f.milestone_rate,
    }


def _figures_line(f: task_monitoring.Figures) -> str:
    rate = task_monitoring.rate_text
    return (
        f"{f.label}\t任务 {f.tasks} 项，到期 {f.due} 项，按期完成 {f.count(ON_TIME)} 项，"
        f"按期完成率 {rate(f.rate)}；项目 {f.projects} 个，年度投资完成率 "
        f"{rate(f.investment_rate)}；到期节点 {f.milestones_due} 个，按期 {f.milestones_on_time} 个"
    )


def _task_status(args: argparse.Namespace) -> int:
    day = _date(args.date)
    with open_store(args) as store:
        unit = get_unit(store, args.unit) if args.unit else None
        figures = task_monitoring.year_figures(store, day, year=args.year)
    if not figures.exists:
        raise UserError(
            f"还没有 {figures.year} 年的年度重点任务清单，没有任务可以评价；"
            "请先在「年度清单」中建立并下发清单（或用 --year 指定其他年份）。"
        )
    rows = figures.monitor.rows
    views = [(r, r.status) for r in rows]
    units = figures.units
    overall = figures.overall
    if unit is not None:
        views = task_monitoring.unit_tasks(figures.monitor, unit.id)
        units = [f for f in figures.units if f.label == unit.name]
        overall = units[0] if units else task_monitoring.Figures(unit.name)
    if args.json:
        print_json(
            {
                "year": figures.year,
                "period": figures.period.key,
                "date": figures.day.isoformat(),
                "unit": unit.name if unit else None,
                "tasks": [
                    {
                        "seq": r.task.seq,
                        "code": r.task.code,
                        "title": r.task.title,
                        "lead_unit": r.lead_unit,
                        "due_text": r.task.due_text,
                        "due": r.due_label,
                        "state": r.state,
                        "light": st.light,
                        "light_name": TASK_LIGHT_NAMES[st.light],
                        "category": r.category if st is r.status else st.outcome,
                        "outcome": st.outcome,
                        "reason": st.reason,
                        "reasons": list(st.reasons) or [st.reason],
                        "days_late": st.days_late,
                        "units": [
                            {
                                "name": p.unit,
                                "role": p.role,
                                "state": p.latest.state if p.latest else None,
                                "period": p.latest.period if p.latest else None,
                                "reported": p.reported,
                                "light": p.status.light,
                                "reason": p.status.reason,
                            }
                            for p in r.parts
                        ],
                    }
                    for r, st in views
                ],
                "overall": _figures_json(overall),
                "units": [_figures_json(f) for f in units],
            }
        )
        return 0
    for r, st in views:
        print(
            f"{r.task.seq}\t{r.task.code}\t{TASK_LIGHT_NAMES[st.light]}\t{r.task.title}\t"
            f"{r.lead_unit or '未定牵头单位'}\t{r.due_label}\t{'；'.join(st.reasons) or st.reason}"
        )
    print()
    for f in units:
        print(_figures_line(f))
    if unit is None:
        print(_figures_line(overall))
    scope = f"{unit.name}的" if unit else ""
    print(
        f"{figures.year}年度重点任务清单，{scope}任务 {len(views)} 项，评价日期 "
        f"{figures.day.isoformat()}，填报周期 {figures.period.key}。"
    )
    return 0


def cmd_missing(args: argparse.Namespace) -> int:
    day = _date(args.date)
    try:
        period = Period.parse(args.period) if args.period else None
    except ParseError as exc:
        raise UserError(exc.reason) from None
    with open_store(args) as store:
        period = period or current_period(store, day)
        due = period_due(store, period)
        pending = [u for u in unit_reporting(store, period.key, day) if not u.reported]
    missing = [u for u in pending if u.missing]
    if args.json:
        print_json(
            [
                {
                    "name": u.unit,
                    "kind": u.kind,
                    "projects": u.projects,
                    "reported_projects": u.reported_projects,
                }
                for u in missing
            ]
        )
        return 0
    if not pending:
        print(f"{period.label}：各单位均已报送。")
        return 0
    if not missing:
        for u in pending:
            print(f"{u.unit}\t{u.kind}\t应报项目 {u.projects} 个")
        print(
            f"{period.label} 的报送截止日期为 {due.isoformat()}，尚未到期："
            f"待报送单位 {len(pending)} 个，不计未报送。"
        )
        return 0
    for u in missing:
        print(f"{u.unit}\t{u.kind}\t应报项目 {u.projects} 个")
    print(f"{period.label} 未报送单位 {len(missing)} 个。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="各项目（或 --tasks 各重点任务）红黄绿灯及原因")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="评价日期（默认今天）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument(
        "--tasks",
        action="store_true",
        help="年度重点任务清单的任务：灯、原因、按期完成率、投资完成率、节点完成率",
    )
    p.add_argument("--unit", metavar="NAME", help="只看一个单位（牵头或负责的项目、任务）")
    p.add_argument(
        "--year", type=int, metavar="YYYY", help="--tasks：清单年份（默认：当前填报周期的年份）"
    )
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("missing", help="某填报周期未报送的单位")
    p.add_argument(
        "--period", metavar="YYYY-MM", help="填报周期，如 2026-11（默认：最近一个已结束的月份）"
    )
    p.add_argument(
        "--date", metavar="YYYY-MM-DD", help="查询日期（默认今天；截止日期前不计未报送）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_missing)
