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
        help="生成进度表 PDF（总体/分单位/项目卡/督办通知单/主要指标）",
        description="生成进度表 PDF。"
        + "；".join(f"{k}：{v}" for k, v in SHEETS.items())
        + "。「--unit all」把每个单位的表分别写入 OUT 文件夹。",
    )
    p.add_argument("sheet", choices=list(SHEETS), help="报表种类")
    p.add_argument("out", metavar="OUT.pdf", help="输出的 PDF 文件（--unit all 时为文件夹）")
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
