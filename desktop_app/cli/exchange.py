"""Excel exchange commands: export, template, templates, import."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.errors import UserError
from ..store import Store
from .core import db_path, print_json


def _open(args: argparse.Namespace) -> Store:
    return Store.open(db_path(args), create=False)


def cmd_export(args: argparse.Namespace) -> int:
    from ..exchange.register_export import export_register

    with _open(args) as store:
        out = export_register(store, Path(args.out), today=None)
    print(f"已导出项目库到 {out}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from ..services.exchange import issue_template

    with _open(args) as store:
        out = issue_template(store, args.unit, args.period, Path(args.out))
    print(f"已生成填报模板 {out}")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from ..services.exchange import issue_templates

    with _open(args) as store:
        written = issue_templates(store, args.period, Path(args.outdir))
    for path in written:
        print(path)
    print(f"共生成 {len(written)} 个填报模板，保存在 {args.outdir}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..services.exchange import import_return

    try:
        with _open(args) as store:
            outcome = import_return(
                store,
                Path(args.file),
                unit=args.unit,
                period=args.period,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
            )
    except UserError as exc:
        if args.json:
            print_json(
                {
                    "status": "rejected",
                    "unit": args.unit,
                    "period": args.period,
                    "counts": dict.fromkeys(
                        ("updated", "unchanged", "refused", "conflicts", "proposals"), 0
                    ),
                    "errors": [],
                    "changes": [],
                    "message": exc.message,
                }
            )
        raise
    if args.json:
        print_json(outcome.as_json())
    else:
        counts = outcome.preview.counts()
        for error in outcome.preview.all_errors:
            print(f"错误：{error.message}")
        for c in outcome.preview.conflicts:
            print(
                f"冲突：{c.code} {c.label}：发放时「{_shown(c.issued)}」，数据库现为"
                f"「{_shown(c.old)}」，报送为「{_shown(c.new)}」（保留数据库值）"
            )
        for c in outcome.preview.task_conflicts:
            print(
                f"冲突：任务 {c.code} {c.label}：发放时「{_shown(c.issued)}」，数据库现为"
                f"「{_shown(c.old)}」，报送为「{_shown(c.new)}」（保留数据库值）"
            )
        for note in outcome.preview.notes:
            print(f"提示：{note}")
        for hint in outcome.preview.hints:
            print(f"请核对：{hint.message}")
        # Written or not, the counts are those of the check ("更新" only when applied).
        updated = "更新" if outcome.status == "applied" else "可更新"
        print(
            f"{outcome.message} {updated} {counts['updated']}，未变 {counts['unchanged']}，"
            f"错误 {counts['refused']}，冲突 {counts['conflicts']}，新增建议 {counts['proposals']}。"
        )
        if outcome.preview.task_sheet:
            t = outcome.preview.task_counts()
            print(
                f"重点任务：修改 {t['updated']}，沿用模板内容报送 {t['carried']}，未变 {t['unchanged']}，"
                f"错误 {t['refused']}，冲突 {t['conflicts']}。"
            )
    if args.error_report and outcome.preview.all_errors:
        # After the result is out: what was applied stays applied whatever happens here.
        from ..exchange.error_report import write_error_report

        out = write_error_report(outcome.preview, Path(args.error_report))
        if not args.json:
            print(f"已生成错误报告 {out}，可发回报送单位改正。")
    return 1 if outcome.status == "rejected" else 0


def _shown(value: object) -> str:
    from ..domain.money import plain_number

    if value is None or value == "":
        return "空"
    if isinstance(value, float):
        return plain_number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _mapping(pairs: list[str]) -> dict[str, str | None]:
    from ..exchange.register_import import FIELDS_BY_KEY, REGISTER_FIELDS

    by_label = {f.label: f.key for f in REGISTER_FIELDS} | {k: k for k in FIELDS_BY_KEY}
    by_label["形象进度"] = "progress"  # the label's short form: 百分比或阶段 goes without saying
    out: dict[str, str | None] = {}
    for pair in pairs:
        header, _, target = pair.partition("=")
        target = target.strip()
        if not header.strip() or (target and target not in by_label and target != "忽略"):
            raise UserError(
                f"--map「{pair}」写法不对：应为 表头=字段，字段可用 "
                f"{'、'.join(f.label for f in REGISTER_FIELDS)} 或 忽略。"
            )
        out[header.strip()] = None if target in ("", "忽略") else by_label[target]
    return out


def _choices(matches: list[str], new: list[str]) -> dict[int, str | None]:
    """``--match 行号=编码`` and ``--new 行号`` as ``sheet row -> code or None``."""
    from .core import UsageError

    out: dict[int, str | None] = {}
    for pair in matches:
        row, _, code = pair.partition("=")
        if not row.strip().isdigit() or not code.strip():
            raise UsageError(
                f"--match「{pair}」写法不对：应为 行号=项目编码，例如 --match 5=ZL01-001"
                "（把台账第 5 行合并到项目 ZL01-001）。"
            )
        out[int(row)] = code.strip()
    for row in new:
        if not row.strip().isdigit():
            raise UsageError(f"--new「{row}」写法不对：应为台账的行号，例如 --new 5。")
        if int(row) in out:
            raise UsageError(f"第 {row} 行同时指定了 --match 和 --new，请只保留一个。")
        out[int(row)] = None
    return out


def cmd_import_register(args: argparse.Namespace) -> int:
    from ..exchange.register_import import read_register
    from ..services.exchange import apply_register, save_register_mapping

    mapping = _mapping(args.map or [])
    choices = _choices(args.match or [], args.new or [])
    try:
        with _open(args) as store:
            if mapping and args.save_mapping:
                save_register_mapping(store, mapping)
            preview = read_register(
                store, Path(args.file), mapping=mapping or None, choices=choices
            )
            if args.dry_run:
                status = "rejected" if preview.all_errors and not args.skip_invalid else "dry-run"
                message = "预览完成，未写入数据库。"
            else:
                outcome = apply_register(store, preview, skip_invalid=args.skip_invalid)
                status, message = outcome.status, outcome.message
    except UserError as exc:
        if args.json:  # a result a script can read, whatever went wrong
            print_json({"status": "rejected", "errors": [], "notes": [], "message": exc.message})
        raise
    if args.json:
        print_json(
            {
                "status": status,
                "sheet": preview.sheet,
                "mapping": {preview.headers[c]: k for c, k in preview.mapping.items()},
                "counts": preview.counts(),
                "unmapped": preview.unmapped,
                "similar": [
                    {
                        "row": r.row,
                        "name": r.name,
                        "candidates": [{"code": c, "name": n} for c, n in r.similar],
                        "chosen": r.chosen,
                    }
                    for r in preview.rows
                    if r.similar
                ],
                "errors": [e.as_dict() for e in preview.all_errors],
                "notes": preview.notes,
                "message": message,
            }
        )
    else:
        for error in preview.all_errors:
            print(f"错误：{error.message}")
        for note in preview.notes:
            print(f"提示：{note}")
        from ..exchange.register_import import FIELDS_BY_KEY

        print(
            "列对应："
            + "，".join(
                f"{preview.headers[c]}→{FIELDS_BY_KEY[k].label}" for c, k in preview.mapping.items()
            )
        )
        print(message)
    return 1 if status == "rejected" else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="把项目库导出为 Excel（含关键节点和进度历史）")
    p.add_argument("out", metavar="OUT.xlsx", help="输出文件")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template", help="生成一个单位的填报模板")
    p.add_argument("--unit", required=True, metavar="NAME", help="单位名称或简称")
    p.add_argument("--period", required=True, metavar="YYYY-MM", help="填报周期，如 2026-11")
    p.add_argument("out", metavar="OUT.xlsx", help="输出文件")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("templates", help="为所有单位生成填报模板")
    p.add_argument("--period", required=True, metavar="YYYY-MM", help="填报周期，如 2026-11")
    p.add_argument("outdir", metavar="OUTDIR", help="输出文件夹")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("import", help="导入单位报送的填报表")
    p.add_argument("file", metavar="FILE", help="报送的 .xlsx 文件")
    p.add_argument("--unit", metavar="NAME", help="报送单位（文件不是本程序生成的模板时必填）")
    p.add_argument("--period", metavar="YYYY-MM", help="填报周期（文件不含模板信息时必填）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余行")
    p.add_argument("--error-report", metavar="OUT.xlsx", help="有错误时生成标注错误的回退文件")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("import-register", help="导入已有的项目台账（首次建库）")
    p.add_argument("file", metavar="FILE", help="台账 .xlsx 文件")
    p.add_argument("--map", action="append", metavar="表头=字段", help="更正列对应，可多次使用")
    p.add_argument("--save-mapping", action="store_true", help="保存 --map 的列对应供下次使用")
    p.add_argument(
        "--match",
        action="append",
        metavar="行号=编码",
        help="名称与已有项目相近的行：合并到该编码的项目，可多次使用",
    )
    p.add_argument(
        "--new", action="append", metavar="行号", help="名称与已有项目相近的行：作为新项目导入"
    )
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余行")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.set_defaults(func=cmd_import_register)
