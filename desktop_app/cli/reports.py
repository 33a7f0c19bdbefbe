"""The ``report`` command: print the progress sheets (进度表) to PDF."""

from __future__ import annotations

import argparse
import sys

from ..services.reports import SHEETS, ReportOptions, render_sheet
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
        "--paper", choices=["A4", "A3", "a4", "a3"], default="A4", help="纸张（默认 A4）"
    )
    p.add_argument("--landscape", action="store_true", help="横向（默认纵向）")
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
    options = ReportOptions(
        paper=args.paper.upper(),
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
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for path in paths:
        print(f"已生成 {path}")
    if not paths:
        print("没有需要生成的文件（没有单位符合条件）。")
    return 0
