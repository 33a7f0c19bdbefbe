"""年度清单 commands: show a year's list, make and issue it, export, import, print, carry forward."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.errors import UserError
from ..domain.money import plain_number
from .core import UsageError, open_store, print_json


def _year(store, args: argparse.Namespace) -> int:
    from ..services.annual import check_year
    from ..store.annual import list_years

    year = getattr(args, "year", None)
    if year is not None:
        return check_year(year)
    years = list_years(store)
    if not years:
        raise UserError("数据库中还没有年度清单。请先用 annual-list create --year 2026 新建。")
    return years[-1]


def item_json(i) -> dict:
    return {
        "seq": i.seq,
        "heading": i.heading,
        "kind": i.kind,
        "code": i.code,
        "name": i.name,
        "lead_unit": i.lead,
        "responsible_units": i.responsible,
        "supporting_units": i.supporting,
        "due_text": i.due_text,
        "due_date": i.due_date,
        "expected": i.expected,
        "planned_investment": i.planned_investment,
        "target_stage": i.target_stage,
        "carried_from": i.carried_from,
    }


def cmd_show(args: argparse.Namespace) -> int:
    from ..exchange.annual_list import cn_number, grouped
    from ..services.annual import require_list
    from ..store.annual import list_items

    with open_store(args) as store:
        year = _year(store, args)
        lst = require_list(store, year)
        items = list_items(store, year)
    if args.json:
        print_json(
            {
                "year": year,
                "title": lst.title,
                "doc_no": lst.doc_no,
                "issued_at": lst.issued_at,
                "items": [item_json(i) for i in items],
            }
        )
        return 0
    print(lst.title)
    print(f"文号：{lst.doc_no}，印发日期：{lst.issued_at}" if lst.issued else "（草稿，未印发）")
    for n, (heading, group) in enumerate(grouped(items), start=1):
        print(f"{cn_number(n)}、{heading or '未分类'}")
        for i in group:
            money = (
                f"\t年度计划投资 {plain_number(i.planned_investment)} 万元"
                if i.planned_investment is not None
                else ""
            )
            units = "、".join(i.responsible)
            print(
                f"  {i.seq}\t{i.kind}\t{i.name}\t牵头：{i.lead or '（未定）'}"
                f"{f'　责任：{units}' if units else ''}\t{i.due_text or ''}\t{i.expected or ''}{money}"
            )
    tasks = sum(1 for i in items if i.kind == "任务")
    print(f"共 {len(items)} 项：任务 {tasks} 项，项目 {len(items) - tasks} 项。")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from ..services.annual import check_year, create_list

    if args.year is None:
        raise UsageError("请用 --year 指定年度，例如 annual-list create --year 2026。")
    with open_store(args) as store:
        create_list(store, check_year(args.year), args.title)
    print(f"已新建 {args.year} 年年度清单。")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    from ..services.annual import issue_list

    with open_store(args) as store:
        year = _year(store, args)
        issue_list(store, year, args.doc_no, args.date)
    print(f"{year} 年清单已记为印发：{args.doc_no}，{args.date}。")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..exchange.annual_list import export_list

    with open_store(args) as store:
        year = _year(store, args)
        out = export_list(store, year, Path(args.out))
    print(f"已导出 {year} 年清单到 {out}")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from ..reports.annual_list import render_annual_list

    with open_store(args) as store:
        year = _year(store, args)
        out = render_annual_list(store, year, Path(args.out))
    print(f"已生成 {year} 年清单 PDF：{out}")
    return 0


def cmd_carry(args: argparse.Namespace) -> int:
    from ..services.annual import carry_forward

    with open_store(args) as store:
        result = carry_forward(store, args.from_year, args.to_year)
    print(
        f"已把 {args.from_year} 年未完成的 {len(result.carried)} 项结转到 {args.to_year} 年清单"
        + (
            f"；{len(result.skipped)} 项已在 {args.to_year} 年清单中，未重复加入"
            if result.skipped
            else ""
        )
        + (
            f"；{len(result.due_reset)} 项的完成时限写的是往年日期，已改为「年底前」，请核对"
            if result.due_reset
            else ""
        )
        + "。"
    )
    for name in result.due_reset:
        print(f"  完成时限改为年底前：{name}")
    return 0


def _mapping(pairs: list[str]) -> dict[str, str | None]:
    from ..exchange.annual_list import FIELDS_BY_KEY, LIST_FIELDS

    by_label = {f.label: f.key for f in LIST_FIELDS} | {k: k for k in FIELDS_BY_KEY}
    by_label["年度计划投资"] = "investment"
    out: dict[str, str | None] = {}
    for pair in pairs:
        header, _, target = pair.partition("=")
        target = target.strip()
        if not header.strip() or (target and target not in by_label and target != "忽略"):
            raise UsageError(
                f"--map「{pair}」写法不对：应为 表头=字段，字段可用 "
                f"{'、'.join(f.label for f in LIST_FIELDS)} 或 忽略。"
            )
        out[header.strip()] = None if target in ("", "忽略") else by_label[target]
    return out


def _choices(matches: list[str], new: list[str]) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for pair in matches:
        row, _, code = pair.partition("=")
        if not row.strip().isdigit() or not code.strip():
            raise UsageError(
                f"--match「{pair}」写法不对：应为 行号=编码，例如 --match 7=RW04-1-1"
                "（第 7 行就是任务 RW04-1-1）。"
            )
        out[int(row)] = code.strip()
    for row in new:
        if not row.strip().isdigit():
            raise UsageError(f"--new「{row}」写法不对：应为清单的行号，例如 --new 7。")
        if int(row) in out:
            raise UsageError(f"第 {row} 行同时指定了 --match 和 --new，请只保留一个。")
        out[int(row)] = None
    return out


def cmd_import(args: argparse.Namespace) -> int:
    from ..exchange.annual_list import MAPPING_SETTING, read_list
    from ..services.annual import apply_import, check_year

    mapping = _mapping(args.map or [])
    choices = _choices(args.match or [], args.new or [])
    year = check_year(args.year) if getattr(args, "year", None) is not None else None
    with open_store(args) as store:
        if mapping and args.save_mapping:
            saved = store.get_setting(MAPPING_SETTING, {}) or {}
            store.set_setting(MAPPING_SETTING, {**saved, **mapping})
        preview = read_list(store, Path(args.file), year=year, mapping=mapping, choices=choices)
        errors = preview.all_errors
        status, message = "dry-run", "预览完成，未写入数据库。"
        if errors:
            status = "rejected"
            message = f"清单有 {len(errors)} 处错误，未导入，数据库未作任何修改。"
        elif not args.dry_run:
            result = apply_import(store, preview)
            status, message = "applied", result.message
    if args.json:
        print_json(
            {
                "status": status,
                "year": preview.year,
                "sheet": preview.sheet,
                "mapping": {preview.headers[c]: k for c, k in preview.mapping.items()},
                "counts": preview.counts(),
                "rows": [
                    {"row": r.row, "name": r.name, "action": r.action, "changes": r.changes}
                    for r in preview.rows
                ],
                "removed": [name for _, name in preview.removed],
                "errors": [e.as_dict() for e in errors],
                "notes": preview.notes,
                "message": message,
            }
        )
    else:
        for e in errors:
            print(f"错误：{e.message}")
        for note in preview.notes:
            print(f"提示：{note}")
        for r in preview.rows:
            if r.action in ("加入清单", "新增任务", "修改"):
                detail = f"（{'；'.join(r.changes)}）" if r.changes else ""
                print(f"第 {r.row} 行\t{r.action}\t{r.name}{detail}")
        for _, name in preview.removed:
            print(f"移出清单\t{name}")
        print(preview.summary())
        print(message)
    return 1 if status == "rejected" else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "annual-list",
        help="年度目标和重点任务清单：查看、新建、印发、导出、导入、打印、结转",
        description="不带子命令时列出该年度清单。",
    )
    p.add_argument("--year", type=int, metavar="YYYY", help="年度（默认：最近一年的清单）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_show)
    acts = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p), title="子命令")
    year = dict(type=int, metavar="YYYY", default=argparse.SUPPRESS, help="年度")

    a = acts.add_parser("create", help="新建一年的清单")
    a.add_argument("--year", **year)
    a.add_argument(
        "--title",
        metavar="TEXT",
        help="清单标题（默认：YYYY年成德同城化发展年度目标和重点任务清单）",
    )
    a.set_defaults(func=cmd_create)

    a = acts.add_parser("issue", help="记录清单已印发（文号、日期）")
    a.add_argument("--year", **year)
    a.add_argument("--doc-no", required=True, metavar="文号", help="印发文号")
    a.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="印发日期")
    a.set_defaults(func=cmd_issue)

    a = acts.add_parser("export", help="把清单导出为 Excel（A3 横向，按领域分组）")
    a.add_argument("--year", **year)
    a.add_argument("out", metavar="OUT.xlsx", help="输出文件")
    a.set_defaults(func=cmd_export)

    a = acts.add_parser("import", help="导入 Excel 清单（本程序导出后修改的，或单位自己的格式）")
    a.add_argument("file", metavar="FILE", help="清单 .xlsx / .xls 文件")
    a.add_argument("--year", **year)
    a.add_argument("--map", action="append", metavar="表头=字段", help="更正列对应，可多次使用")
    a.add_argument("--save-mapping", action="store_true", help="保存 --map 的列对应供下次使用")
    a.add_argument(
        "--match",
        action="append",
        metavar="行号=编码",
        help="名称相近的行：对应到该编码的任务或项目",
    )
    a.add_argument("--new", action="append", metavar="行号", help="名称相近的行：作为新任务导入")
    a.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    a.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    a.set_defaults(func=cmd_import)

    a = acts.add_parser("pdf", help="打印清单为 PDF（A3 横向）")
    a.add_argument("--year", **year)
    a.add_argument("out", metavar="OUT.pdf", help="输出文件")
    a.set_defaults(func=cmd_pdf)

    a = acts.add_parser("carry", help="把上年未完成的任务和项目结转到下一年")
    a.add_argument(
        "--from", dest="from_year", type=int, required=True, metavar="YYYY", help="上一年"
    )
    a.add_argument("--to", dest="to_year", type=int, required=True, metavar="YYYY", help="下一年")
    a.set_defaults(func=cmd_carry)
