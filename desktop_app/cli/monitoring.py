"""Monitoring commands: status (each project's light and reason) and missing (未报送 units)."""

from __future__ import annotations

import argparse
import re
from datetime import date

from ..domain.errors import UserError
from ..domain.parsing import ParseError
from ..domain.period import Period
from ..services.monitoring import current_period, period_due, project_statuses, unit_reporting
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
    day = _date(args.date)
    with open_store(args) as store:
        period = current_period(store, day).key
        statuses = project_statuses(store, day, period=period)
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
    p = sub.add_parser("status", help="各项目红黄绿灯及原因")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="评价日期（默认今天）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
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
