"""Core commands: init, projects, units, indicators, check, backup, demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..domain.errors import NotFoundError, UserError
from ..domain.model import Project
from ..locations import default_db_path
from ..store import Store
from ..store.indicators import list_indicators
from ..store.projects import list_projects
from ..store.tasks import list_tasks, task_id_by_code, task_notes, unit_role
from ..store.units import get_unit, list_units


class UsageError(UserError):
    """A command given wrongly (exit code 2, as argparse's own usage errors)."""

    exit_code = 2


def db_path(args: argparse.Namespace) -> Path:
    if args.db is not None and not args.db.strip():
        # An empty --db (a script's unset variable) must not fall back to the real database.
        raise UsageError("--db 后的数据库路径为空。请给出数据库文件，或去掉 --db 使用默认数据库。")
    return Path(args.db) if args.db else default_db_path()


def open_store(args: argparse.Namespace) -> Store:
    """The database named by ``--db``; it must exist (``init`` creates it). With ``--plan``,
    the session looks at that plan instead of the current one."""
    store = Store.open(db_path(args), create=False)
    if getattr(args, "plan", None):
        from ..store.plans import get_plan

        try:
            store.plan_view = get_plan(store, args.plan).id
        except BaseException:
            store.close()
            raise
    return store


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def project_json(p: Project) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "column": p.column,
        "category": p.category,
        "stage": p.stage,
        "side": p.side,
        "district": p.district,
        "lead_unit": p.lead_unit,
        "units": [{"name": u.name, "role": u.role} for u in p.units],
        "total_investment": p.total_investment,
        "planned_start": p.planned_start.isoformat() if p.planned_start else None,
        "planned_end": p.planned_end.isoformat() if p.planned_end else None,
        "actual_start": p.actual_start.isoformat() if p.actual_start else None,
        "actual_end": p.actual_end.isoformat() if p.actual_end else None,
        "percent_complete": p.percent_complete,
        "investment_to_date": p.investment_to_date,
        "is_demo": p.is_demo,
    }


def cmd_init(args: argparse.Namespace) -> int:
    from ..services.setup import init_database

    path = db_path(args)
    store, counts = init_database(path, empty=args.empty, force=args.force)
    store.close()
    what = "空数据库（含规划章节、单位和指标）" if args.empty else "内置规划数据"
    print(
        f"已创建 {path}：{what}，项目 {counts['projects']} 个，单位 {counts['units']} 个，"
        f"指标 {counts['indicators']} 项，重点任务 {counts['tasks']} 项，章节/专栏 {counts['sections']} 个。"
    )
    if counts.get("backup"):
        print(f"原有数据已先备份到 {counts['backup']}。")
    return 0


def cmd_projects(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        unit_id = get_unit(store, args.unit).id if args.unit else None
        projects = list_projects(store, unit_id=unit_id)
    if args.json:
        print_json([project_json(p) for p in projects])
        return 0
    if not projects:
        print("无项目。")
        return 0
    for p in projects:
        column = f"专栏{p.column}" if p.column else "—"
        print(
            f"{p.code}\t{p.name}\t{column}\t{p.stage_text}\t{p.district or '—'}\t{p.lead_unit or '待填报'}"
        )
    print(f"共 {len(projects)} 个项目。")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        names: list[str] = []
        if args.unit:
            u = get_unit(store, args.unit)
            names = [n for n in (u.name, u.short_name) if n]
        tasks = list_tasks(store, unit=tuple(names))
        if args.unassigned:
            tasks = [t for t in tasks if not t.lead_unit]
    if args.json:
        print_json(
            [
                {
                    "code": t.code,
                    "chapter": t.chapter,
                    "chapter_title": t.chapter_title,
                    "section": t.section,
                    "number": t.number,
                    "title": t.title,
                    "text": t.text,
                    "source_line": t.source_line,
                    "lead_unit": t.lead_unit,
                    "responsible_units": t.units_with_role("责任"),
                    "supporting_units": t.units_with_role("配合"),
                    "notes": t.notes,
                }
                | ({"unit_role": unit_role(t, names)} if names else {})
                for t in tasks
            ]
        )
        return 0
    if not tasks:
        print("无重点任务。")
        return 0
    for t in tasks:
        cells = [t.code, t.section or "—", t.title, t.lead_unit or "待填报"]
        others = "、".join(t.units_with_role("责任") + t.units_with_role("配合"))
        cells.append(others or "—")
        if names:
            cells.append(unit_role(t, names) or "")
        print("\t".join(cells))
    print(f"共 {len(tasks)} 项重点任务。")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        units = list_units(store)
    if args.json:
        print_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "kind": u.kind,
                    "short_name": u.short_name,
                    "contact_person": u.contact_person,
                    "contact_phone": u.contact_phone,
                    "active": u.active,
                }
                for u in units
            ]
        )
        return 0
    for u in units:
        state = "" if u.active else "（已停用）"
        print(f"{u.name}\t{u.kind}\t{u.short_name or ''}{state}")
    print(f"共 {len(units)} 个单位。")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        indicators = list_indicators(store)
    if args.json:
        print_json(
            [
                {
                    "seq": i.seq,
                    "category": i.category,
                    "name": i.name,
                    "unit": i.unit,
                    "operator": i.operator,
                    "target": i.target,
                    "target_text": i.target_text,
                    "year": i.year,
                    "actuals": {str(y): v for y, v in i.actuals.items()},
                }
                for i in indicators
            ]
        )
        return 0
    for i in indicators:
        print(f"{i.seq}\t{i.name}\t{i.operator}{i.target:g}\t{i.unit or ''}\t{i.year}年")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        problems = store.check()
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print(f"检查发现 {len(problems)} 个问题。请从备份恢复或联系管理员。", file=sys.stderr)
        return 1
    print("数据库完整性检查通过，外键引用全部有效。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from ..services.backup import backup_to

    with open_store(args) as store:
        target = backup_to(store, Path(args.out), overwrite=args.force)
    print(f"已备份到 {target}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ..services.demo import generate_demo

    if args.projects < 1:
        raise UserError("--projects 应为正整数。")
    path = db_path(args)
    with Store.open(path) as store:
        added = generate_demo(store, args.projects)
    print(f"已在 {path} 中生成 {added} 个演示项目（编码 DEMO-…，标记为演示数据）。")
    return 0


def cmd_task_note(args: argparse.Namespace) -> int:
    from ..services.tasks import edit_task_notes

    with open_store(args) as store:
        task_id = task_id_by_code(store, args.code)
        edit_task_notes(store, task_id, args.text)
        note = task_notes(store, task_id)
    print(
        f"已{'更新' if note else '清除'}重点任务 {args.code.strip()} 的备注"
        + (f"：{note}" if note else "。")
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="创建数据库（默认载入内置规划数据）")
    p.add_argument("--empty", action="store_true", help="只建结构、单位和指标，不载入项目")
    p.add_argument("--force", action="store_true", help="数据库已有数据时先备份再重新初始化")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("projects", help="列出项目")
    p.add_argument("--unit", metavar="NAME", help="只列该单位牵头、负责、配合或属地的项目")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_projects)

    p = sub.add_parser("tasks", help="列出规划重点任务")
    p.add_argument(
        "--unit",
        metavar="NAME",
        help="只列分配给该单位（牵头、责任或配合）或规划原文提到该单位的任务，并注明其角色",
    )
    p.add_argument("--unassigned", action="store_true", help="只列还没有牵头单位的任务")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("task-note", help="填写或清除一项重点任务的备注（记入修改历史）")
    p.add_argument("code", metavar="CODE", help="任务编号，如 RW04-1-1")
    p.add_argument("text", metavar="TEXT", help='备注内容；"" 清除备注')
    p.set_defaults(func=cmd_task_note)

    p = sub.add_parser("units", help="列出单位")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_units)

    p = sub.add_parser("indicators", help="列出主要指标")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("check", help="检查数据库完整性和外键")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="把数据库备份到文件")
    p.add_argument("out", metavar="OUT", help="备份文件路径（或文件夹）")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("demo", help="生成演示数据（用于试用和性能测试）")
    p.add_argument("--projects", type=int, required=True, metavar="N", help="项目个数")
    p.set_defaults(func=cmd_demo)


__all__ = ["register", "open_store", "db_path", "print_json", "project_json", "NotFoundError"]
