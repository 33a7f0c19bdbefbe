"""The year's assessment of units (年度考核): the ranked scores, as text, JSON or a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.assessment import CLASSES
from ..services.assessment import (
    assess,
    export_rules,
    import_rules,
    rules_text,
    write_assessment,
)
from .core import open_store, print_json
from .monitoring import _date


def cmd_assessment(args: argparse.Namespace) -> int:
    day = _date(args.date)
    year = args.year or day.year
    with open_store(args) as store:
        if args.rules_import:
            rules = import_rules(store, Path(args.rules_import), year=year)
            print(
                f"已将「{Path(args.rules_import).name}」保存为 {year} 年考核规则"
                f"（{len(rules.active)} 项，合计 {rules.total_weight:g} 分）。"
            )
            return 0
        if args.rules_export:
            out = export_rules(store, year, Path(args.rules_export))
            print(f"已导出 {year} 年考核规则：{out}")
            return 0
        result = assess(store, year, today=day)
        if args.out:
            out = write_assessment(store, year, Path(args.out), today=day, result=result)
            print(f"已保存 {year} 年度考核结果：{out}")
            return 0
    if args.json:
        print_json(result.to_dict())
        return 0
    if not result.stored_rules:
        print(f"（{year} 年考核规则{rules_text(result)}。）")
    names = [r.name for r in result.rules.active]
    for kind in CLASSES:
        scores = result.classes.get(kind, [])
        if not scores:
            continue
        print(f"【{kind}】")
        print("\t".join(["排名", "单位", *names, "加分", "扣分", "总分"]))
        for s in scores:
            items = [f"{i.score:.2f}" if i.score is not None else "不计" for i in s.items]
            total = f"{s.total:.2f}" if s.assessed else "无考核记录"
            print(
                "\t".join(
                    [str(s.rank or "—"), s.unit, *items, f"{s.bonus:g}", f"{s.penalty:g}", total]
                )
            )
    print(
        f"{year} 年度考核：{len(result.scores)} 个单位，计入填报 {len(result.periods)} 期，"
        f"数据截至 {result.as_of.isoformat()}。"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assessment", help="年度考核：各单位得分与排名（可导出 Excel、PDF、Word）")
    p.add_argument("--year", type=int, metavar="YYYY", help="考核年度（默认今年）")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="数据截至日期（默认今天）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（含每项得分的依据记录）")
    p.add_argument("--rules-export", metavar="FILE.json", help="把该年度考核规则导出为文件")
    p.add_argument("--rules-import", metavar="FILE.json", help="把规则文件保存为该年度考核规则")
    p.add_argument(
        "out",
        nargs="?",
        metavar="OUT",
        help="保存到文件：.xlsx（得分表与依据）、.pdf（打印用得分表）、.docx（考核情况报告初稿）",
    )
    p.set_defaults(func=cmd_assessment)
