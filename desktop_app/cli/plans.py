"""Plan commands: ``plan list|close|open|use|import|template`` and ``evaluation`` (规划实施评估)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..domain.errors import UserError
from .core import UsageError, open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="规划：列出、关闭、重新打开、设为当前、导入下一规划",
        description="管理规划周期。关闭的规划数据保留、只读；导入下一规划时结转上一规划未完成的项目和任务。"
        "其他命令默认用当前规划，可在命令前加 --plan 指定其他规划（如 --plan CD-2021 projects）。",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="操作")
    actions.required = True
    a = actions.add_parser("list", help="列出规划（当前规划标 *）")
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(func=cmd_list)
    a = actions.add_parser("close", help="关闭规划：数据保留，只读")
    a.add_argument("plan", metavar="ID", help="规划序号、编号（如 CD-2021）或起始年份")
    a.set_defaults(func=cmd_close)
    a = actions.add_parser("open", help="重新打开已关闭的规划")
    a.add_argument("plan", metavar="ID", help="规划序号、编号或起始年份")
    a.set_defaults(func=cmd_open)
    a = actions.add_parser("use", help="设为当前规划（窗口和命令默认使用）")
    a.add_argument("plan", metavar="ID", help="规划序号、编号或起始年份")
    a.set_defaults(func=cmd_use)
    a = actions.add_parser(
        "import",
        help="从规划清单（Excel）导入下一规划，并结转上一规划未完成的项目和任务",
        description="导入填好的规划清单（plan template 生成的模板）。默认先要求关闭当前规划，"
        "再把其中未竣工的项目和未完成的任务连同全部历史结转到新规划；新规划成为当前规划。",
    )
    a.add_argument("file", metavar="FILE.xlsx", help="填好的规划清单")
    a.add_argument("--no-carry", action="store_true", help="只导入新规划，不结转")
    a.set_defaults(func=cmd_import)
    a = actions.add_parser(
        "draft",
        help="从规划正文（.txt）生成规划清单初稿：章节、专栏、重点任务，及含建设类动词的候选句子",
        description="按内置规划的读法读取规划正文：“一、”为章，“（一）”为节，“专栏 N”为专栏，"
        "节下的“1.”条目为重点任务（没有条目的节本身为一项任务）；含建设类动词的句子列在「候选句子」表，"
        "由办公室从中选出重大项目填入「重大项目」表。补全后用 plan import 导入。",
    )
    a.add_argument("text", metavar="PLAN.txt", help="规划正文（纯文本，UTF-8 或 GBK）")
    a.add_argument("out", metavar="OUT.xlsx", help="输出的规划清单")
    a.add_argument("--code", help="规划编号（如 CD-2026）")
    a.add_argument("--title", help="规划名称")
    a.add_argument("--doc-no", help="文号")
    a.add_argument("--start", type=int, help="起始年份")
    a.add_argument("--end", type=int, help="终止年份")
    a.set_defaults(func=cmd_draft)
    a = actions.add_parser("template", help="生成规划清单模板（Excel），供填写下一规划")
    a.add_argument("out", metavar="OUT.xlsx", help="输出文件")
    a.set_defaults(func=cmd_template)

    e = sub.add_parser(
        "evaluation",
        help="规划实施评估报告（Word）及 Excel 附表",
        description="按章节评估规划的主要指标、重大项目（对照规划“建成”等要求）和重点任务，"
        "生成公文格式的评估报告初稿（.docx）；--annex 同时生成 Excel 附表。"
        "评估日期在规划期结束前为中期评估，之后为总结评估。",
    )
    e.add_argument("out", metavar="OUT.docx", help="评估报告")
    e.add_argument("--plan", dest="eval_plan", metavar="ID", help="规划（默认当前规划）")
    e.add_argument(
        "--date", metavar="YYYY-MM-DD", help="评估日期（默认今天；规划期已结束时为规划期末）"
    )
    e.add_argument("--annex", metavar="OUT.xlsx", help="同时生成 Excel 附表")
    e.add_argument("--org", metavar="TEXT", help="编制单位（默认 成德同城化发展领导小组办公室）")
    e.set_defaults(func=cmd_evaluation)


def cmd_list(args: argparse.Namespace) -> int:
    from ..services.plans import list_plans, plan_json
    from ..store.plans import current_plan_id

    with open_store(args) as store:
        current = current_plan_id(store)
        plans = list_plans(store)
        if args.json:
            print_json([plan_json(p, current) for p in plans])
            return 0
        if not plans:
            print("数据库中还没有规划。")
        for p in plans:
            mark = "*" if p.id == current else " "
            print(
                f"{mark} {p.id}  {p.code}  《{p.title}》  {p.years}  {p.status}  "
                f"项目 {p.projects} 个，任务 {p.tasks} 项，指标 {p.indicators} 项"
                + (f"，结转转入 {p.carried_in} 项" if p.carried_in else "")
            )
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from ..services.plans import close_plan
    from ..store.plans import get_plan

    with open_store(args) as store:
        close_plan(store, args.plan)
        p = get_plan(store, args.plan)
        print(f"已关闭规划《{p.title}》：数据保留，只读；需要修改时用 plan open {p.id} 重新打开。")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from ..services.plans import reopen_plan
    from ..store.plans import get_plan

    with open_store(args) as store:
        reopen_plan(store, args.plan)
        print(f"已重新打开规划《{get_plan(store, args.plan).title}》，其项目可以修改。")
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    from ..services.plans import use_plan

    with open_store(args) as store:
        p = use_plan(store, args.plan)
        print(f"当前规划：《{p.title}》（{p.years}）。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..services.plans import import_plan

    with open_store(args) as store:
        result = import_plan(store, Path(args.file), carry=not args.no_carry)
        print(result.summary())
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from ..services.plans import draft_from_text

    out, c = draft_from_text(
        Path(args.text),
        Path(args.out),
        code=args.code,
        title=args.title,
        doc_no=args.doc_no,
        start_year=args.start,
        end_year=args.end,
    )
    print(
        f"已生成规划清单初稿：{out}（{c['chapters']} 章、{c['sections']} 节、{c['boxes']} 个专栏、"
        f"重点任务 {c['tasks']} 项、候选句子 {c['candidates']} 句）。"
        "请补全「规划」「主要指标」「重大项目」表后用 plan import 导入。"
    )
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from ..services.plans import save_template

    out = save_template(Path(args.out))
    print(f"已生成规划清单模板：{out}")
    return 0


def cmd_evaluation(args: argparse.Namespace) -> int:
    from ..services.evaluation import write_evaluation

    day = None
    if args.date:
        try:
            day = date.fromisoformat(args.date.strip())
        except ValueError:
            raise UsageError(f"--date 的值「{args.date}」不是日期，应写成 YYYY-MM-DD。") from None
    if Path(args.out).suffix.lower() not in (".docx", ""):
        raise UsageError(f"评估报告是 Word 文档，输出文件应以 .docx 结尾（现为「{args.out}」）。")
    with open_store(args) as store:
        try:
            report, annex = write_evaluation(
                store,
                Path(args.out),
                args.eval_plan,
                day,
                annex=Path(args.annex) if args.annex else None,
                org=args.org or "",
            )
        except UserError:
            raise
    print(f"已生成评估报告：{report}")
    if annex:
        print(f"已生成 Excel 附表：{annex}")
    return 0
