"""The ``report`` command: print the progress sheets (进度表) to PDF."""

from __future__ import annotations

import argparse
import re
import sys

from ..domain.errors import UserError
from ..reports.progress_sheet import CATALOGUE, column_label, parse_columns
from ..services.reports import COLUMN_SHEETS, SHEETS, ReportOptions, render_sheet, save_columns
from .core import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="生成进度表 PDF（总体/分单位/项目卡/督办通知单/主要指标/重点任务清单）",
        description="生成进度表 PDF。"
        + "；".join(f"{k}：{v}" for k, v in SHEETS.items())
        + "。「--unit all」把每个单位的表分别写入 OUT 文件夹。",
    )
    p.add_argument(
        "sheet", choices=[*SHEETS, "bulletin"], help="报表种类；bulletin：月度推进情况通报（Word）"
    )
    p.add_argument(
        "out",
        metavar="OUT.pdf",
        help="输出文件（--unit all 或不指定单位的 Word 督办通知时为文件夹）",
    )
    p.add_argument(
        "--format",
        choices=["pdf", "docx"],
        default=None,
        help="pdf（默认）或 docx：督办通知单和通报可生成 Word 文档，便于编辑、编号、盖章",
    )
    p.add_argument("--contact", metavar="NAME", help="督办通知的联系人（保存为默认）")
    p.add_argument("--phone", metavar="TEL", help="督办通知的联系电话（保存为默认）")
    p.add_argument(
        "--notice-prefix", metavar="TEXT", help="督办通知文号的机关代字（默认 成德同城办督）"
    )
    p.add_argument("--unit", metavar="NAME", help="单位名称或简称；all 表示每个单位一个文件")
    p.add_argument("--project", metavar="CODE", help="项目编码（项目进度卡）")
    p.add_argument("--period", metavar="YYYY-MM", help="填报周期（默认当前周期）")
    p.add_argument(
        "--paper",
        choices=["A4", "A3", "a4", "a3"],
        help="纸张（默认：总体进度表 A3 横向，分单位进度表 A4 横向，其他 A4 纵向）",
    )
    side = p.add_mutually_exclusive_group()
    side.add_argument("--landscape", action="store_true", default=None, help="横向")
    side.add_argument(
        "--portrait", dest="landscape", action="store_false", default=None, help="纵向"
    )
    p.add_argument(
        "--columns",
        metavar="LIST",
        help="进度表的列及顺序，逗号分隔的列名或键，如「项目名称,总投资,年度投资完成率,存在问题」；"
        "保存为该表以后的默认列（default 恢复按纸张）。可选："
        + "、".join(f"{k}（{column_label(k)}）" for k in CATALOGUE),
    )
    p.add_argument(
        "--group",
        choices=["column", "district", "lead"],
        default="column",
        help="分组：column 专栏（默认）、district 区县、lead 牵头单位",
    )
    p.add_argument("--org", metavar="TEXT", help="编制单位（默认 成德同城化发展领导小组办公室）")
    p.add_argument("--internal", action="store_true", help="页眉标注「内部资料」")
    p.add_argument(
        "--reply-days",
        type=int,
        default=10,
        metavar="N",
        help="督办通知单的反馈期限（天，默认 10）",
    )
    p.set_defaults(func=cmd_report)


def _documents(args: argparse.Namespace, options: ReportOptions) -> int:
    """督办通知 (Word) and 月度推进情况通报."""
    from ..services.documents import set_notice_settings, write_bulletin_doc, write_notice_docs

    with open_store(args) as store:
        if args.contact is not None or args.phone is not None or args.notice_prefix is not None:
            set_notice_settings(
                store, contact=args.contact, phone=args.phone, prefix=args.notice_prefix
            )
        if args.sheet == "bulletin":
            paths = [write_bulletin_doc(store, args.out, options)]
        else:
            paths = write_notice_docs(store, args.out, options, unit=args.unit)
    for path in paths:
        print(f"已生成 {path}")
    if not paths:
        print("没有需要督办的单位（没有亮红灯或黄灯的项目）。")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    columns = None
    if args.columns is not None:
        if args.sheet not in COLUMN_SHEETS:
            raise UserError("「--columns」只适用于 overall（总体进度表）和 unit（分单位进度表）。")
        if args.columns.strip().lower() == "default":
            columns = ()
        else:
            columns = parse_columns(re.split(r"[,，、\s]+", args.columns))
    options = ReportOptions(
        paper=args.paper.upper() if args.paper else None,
        columns=columns,
        landscape=args.landscape,
        grouping=args.group,
        period=args.period,
        internal=args.internal,
        reply_days=args.reply_days,
        **({"org": args.org} if args.org else {}),
    )

    if args.unit is not None and args.sheet in ("overall", "indicators", "bulletin"):
        raise UserError(
            f"「--unit」不适用于 {args.sheet}：它包括全部单位。"
            "分单位的表请用 unit（分单位进度表）、project 或 notice。"
        )
    if args.unit is not None and not args.unit.strip():
        raise UserError("「--unit」后面的单位名称是空的，请写单位名称或简称，或 all。")
    if args.project is not None and (args.sheet != "project" or not args.project.strip()):
        raise UserError(
            "「--project」后面的项目编码是空的，请写项目编码（如 ZL02-001）。"
            if args.sheet == "project"
            else "「--project」只适用于 project（项目进度卡）。"
        )
    fmt = args.format or ("docx" if args.sheet == "bulletin" else "pdf")
    if fmt == "docx" and args.sheet not in ("notice", "bulletin"):
        raise UserError(
            "只有 notice（督办通知单）和 bulletin（月度通报）可以生成 Word 文档（--format docx）。"
        )
    if fmt == "pdf" and args.sheet == "bulletin":
        raise UserError("月度推进情况通报只生成 Word 文档，请去掉「--format pdf」。")
    if fmt == "docx":
        return _documents(args, options)

    def progress(done: int, total: int, text: str = "") -> None:
        if sys.stderr.isatty():
            print(f"\r{text} ", end="", file=sys.stderr, flush=True)

    with open_store(args) as store:
        paths = render_sheet(
            store,
            args.sheet,
            args.out,
            options,
            unit=args.unit,
            project=args.project,
            progress=progress,
        )
        if args.columns is not None:  # kept only once the sheet has been written
            save_columns(store, args.sheet, columns or None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for path in paths:
        print(f"已生成 {path}")
    if not paths:
        print("没有需要生成的文件（没有单位符合条件）。")
    return 0
