"""The 规划实施评估报告 as a Word draft (公文 layout of ``reports.word``) and its Excel annex.

Pure composition: ``services.evaluation`` hands over the judged items; the text is drafted in
the usual wording of an evaluation report for the office to edit, complete and issue.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..domain.evaluation import (
    NOT_REACHED,
    REACHED,
    TASK_DONE,
    TASK_OPEN,
    UNKNOWN,
    UNSTATED,
    percent,
)
from ..domain.indicators import MET, NO_DATA, NOT_MET
from . import word
from .documents import _cn_number

STAGES = ("储备", "前期", "在建", "竣工")


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _target(ind) -> str:
    return ind.target_text or f"{ind.operator}{ind.target:g}"


def _stage_counts(items) -> Counter:
    return Counter(i.result.stage or "待填报" for i in items)


def _stage_text(counts: Counter) -> str:
    parts = [f"{s}{counts[s]}个" for s in (*STAGES, "待填报") if counts.get(s)]
    return "、".join(parts) or "无"


def summary_lines(e) -> dict[str, str]:
    """The sentences of 「一、总体情况」 (also the annex's first sheet)."""
    inds = Counter(r.state for r in e.indicators)
    projects = e.projects
    tasks = e.tasks
    results = Counter(p.result.state for p in projects)
    judged = results[REACHED] + results[NOT_REACHED]
    t = Counter(x.result for x in tasks)
    targets = e.build_targets
    carried = sum(1 for p in projects if p.carried_to) + sum(1 for x in tasks if x.carried_to)
    lines = {
        "主要指标": (
            f"规划确定主要指标{len(e.indicators)}项，截至{word.cn_date(e.day)}，已达标{inds[MET]}项、"
            f"未达标{inds[NOT_MET]}项、暂无数据{inds[NO_DATA]}项"
            f"（达标率{percent(inds[MET], len(e.indicators))}，按有数据的指标计"
            f"{percent(inds[MET], inds[MET] + inds[NOT_MET])}）。"
        ),
        "重大项目": (
            f"规划列出重大项目{len(projects)}个，目前{_stage_text(_stage_counts(projects))}。"
            f"对照规划对各项目的要求（建成、开工建设或开展前期工作），已达到要求{results[REACHED]}个、"
            f"未达到{results[NOT_REACHED]}个（有阶段数据的项目中达到要求的占{percent(results[REACHED], judged)}），"
            f"阶段未填报{results[UNKNOWN]}个，规划未明确要求{results[UNSTATED]}个。"
        ),
        "建成目标": (
            f"规划明确要求建成的项目{len(targets)}个，已按期建成{e.build_targets_met}个"
            + (
                f"（{'、'.join(p.project.name for p in targets if p.result.state == REACHED)}）"
                if e.build_targets_met
                else ""
            )
            + (
                f"，尚未建成{len(targets) - e.build_targets_met}个"
                f"（{'、'.join(p.project.name for p in targets if p.result.state != REACHED)}）"
                if len(targets) > e.build_targets_met
                else ""
            )
            + "。"
            if targets
            else "规划没有以“建成”表述的项目目标。"
        ),
        "重点任务": (
            f"规划部署重点任务{len(tasks)}项，已完成{t[TASK_DONE]}项、未完成{t[TASK_OPEN]}项、"
            f"暂无报送数据{t[UNKNOWN]}项。"
        ),
    }
    if carried:
        lines["结转"] = f"已结转下一规划的未完成项目和任务共{carried}项。"
    return lines


def write_report(e, out: Path) -> Path:
    doc = word.new_document()
    word.title(doc, f"《{e.plan.title}》实施情况{e.kind}报告")
    word.paragraph(doc, "（初稿）", align="center", indent=False, face=word.KAI)
    word.paragraph(doc, "", indent=False)
    doc_no = f"（{e.plan.doc_no}）" if e.plan.doc_no else ""
    word.paragraph(
        doc,
        f"按照规划“建立健全规划评估制度”的要求，{e.org}对《{e.plan.title}》{doc_no}"
        f"截至{word.cn_date(e.day)}的实施情况开展{e.kind}。评估对照规划确定的主要指标、"
        "各章节和专栏列出的重大项目以及部署的重点任务，逐项核对完成情况，现将评估情况报告如下。",
    )
    word.heading(doc, "一、总体情况")
    for text in summary_lines(e).values():
        word.paragraph(doc, text)

    word.heading(doc, "二、主要指标完成情况")
    _indicator_section(doc, e)

    word.heading(doc, "三、分章节实施情况")
    for i, c in enumerate(e.chapters, start=1):
        word.heading(doc, f"{_cn_number(i)}{c.label}", 2)
        _chapter(doc, c)

    word.heading(doc, "四、存在的问题")
    for text in _problems(e):
        word.paragraph(doc, text)
    word.heading(doc, "五、下一步工作建议")
    word.paragraph(
        doc,
        "一是对未达标的主要指标逐项分析原因，明确责任单位和改进措施；"
        "二是对尚未建成、尚未开工的重大项目加强调度，纳入下一规划期滚动推进，保持项目历史记录的连续；"
        "三是对暂无数据的指标、项目和任务，请牵头单位补报相关数据和佐证材料，完善评估依据；"
        "四是将评估结果纳入对部门和区（市、县）的年度考核，强化规划实施的刚性约束。",
    )
    word.paragraph(doc, "")
    word.paragraph(doc, "附件：规划实施评估附表（另附 Excel 文件）")
    word.signature(doc, e.org, _today())  # 成文日期: the day it is drafted
    # The 落款 never alone on the last page: the last lines of the text go with it.
    for p in doc.paragraphs[-7:-1]:
        p.paragraph_format.keep_with_next = True
    doc.save(str(out))
    return out


def _today():
    from datetime import date

    return date.today()


def _indicator_section(doc, e) -> None:
    if not e.indicators:
        word.paragraph(doc, "本规划未录入主要指标。")
        return
    missed = [r.indicator.name for r in e.indicators if r.state == NOT_MET]
    nodata = [r.indicator.name for r in e.indicators if r.state == NO_DATA]
    text = f"主要指标{len(e.indicators)}项，各年实际值和评估结果见下表。"
    if missed:
        text += f"未达标的是{'、'.join(missed)}。"
    if nodata:
        text += f"{'、'.join(nodata)}暂无实际值，需补充统计数据后评估。"
    word.paragraph(doc, text)
    years = list(e.years)
    head = ["序号", "指标", "单位", "目标值", *[str(y) for y in years], "评估"]
    year_w = max(10.0, 70.0 / max(len(years), 1))
    widths = [9, 156 - 9 - 12 - 16 - 15 - year_w * len(years), 12, 16, *[year_w] * len(years), 15]
    rows = [
        [
            str(i),
            r.indicator.name,
            r.indicator.unit or "",
            _target(r.indicator),
            *[_fmt(r.values.get(y)) for y in years],
            r.state,
        ]
        for i, r in enumerate(e.indicators, start=1)
    ]
    word.table(doc, head, rows, widths, size=word.WU_HAO, right=tuple(range(4, 4 + len(years))))


def _chapter(doc, c) -> None:
    projects, tasks = c.projects, c.tasks
    if not projects and not tasks:
        word.paragraph(doc, "本章未列重大项目和重点任务，实施情况在总体情况和主要指标中反映。")
        return
    results = Counter(p.result.state for p in projects)
    t = Counter(x.result for x in tasks)
    parts = []
    if projects:
        targets = [p for p in projects if p.result.intention == "建成"]
        built = sum(1 for p in targets if p.result.state == REACHED)
        parts.append(
            f"本章列出重大项目{len(projects)}个（{_stage_text(_stage_counts(projects))}），"
            f"达到规划要求{results[REACHED]}个、未达到{results[NOT_REACHED]}个、"
            f"阶段未填报{results[UNKNOWN]}个"
            + (f"；其中规划要求建成{len(targets)}个，已建成{built}个" if targets else "")
            + "。"
        )
    if tasks:
        parts.append(
            f"部署重点任务{len(tasks)}项，已完成{t[TASK_DONE]}项、未完成{t[TASK_OPEN]}项、"
            f"暂无报送数据{t[UNKNOWN]}项。"
        )
    word.paragraph(doc, "".join(parts))
    if projects:
        groups: dict[str, list] = {}
        for p in projects:
            groups.setdefault(p.column or "正文所列项目", []).append(p)
        for label, items in groups.items():
            word.paragraph(doc, label, face=word.HEI, size=word.XIAO_SI, indent=False, line=22)
            rows = [
                [
                    str(i),
                    p.project.name + (f"（已结转{p.carried_to}）" if p.carried_to else ""),
                    p.result.intention_label,
                    p.result.stage or "待填报",
                    p.result.state + (f"（{p.result.note}）" if p.result.note else ""),
                ]
                for i, p in enumerate(items, start=1)
            ]
            word.table(
                doc,
                ["序号", "项目名称", "规划要求", "阶段", "评估"],
                rows,
                [10, 66, 28, 18, 34],
                size=word.WU_HAO,
            )
    if tasks:
        word.paragraph(doc, "重点任务", face=word.HEI, size=word.XIAO_SI, indent=False, line=22)
        rows = [
            [
                str(i),
                x.task.title + (f"（已结转{x.carried_to}）" if x.carried_to else ""),
                x.state or "暂无数据",
                x.result,
            ]
            for i, x in enumerate(tasks, start=1)
        ]
        word.table(
            doc, ["序号", "任务", "报送状态", "评估"], rows, [10, 100, 26, 20], size=word.WU_HAO
        )


def _problems(e) -> list[str]:
    out = []
    missed = [r.indicator.name for r in e.indicators if r.state == NOT_MET]
    if missed:
        out.append(f"部分主要指标未达到规划目标：{'、'.join(missed)}。")
    behind = [p.project.name for p in e.build_targets if p.result.state != REACHED]
    if behind:
        out.append(f"规划要求建成的项目中，{'、'.join(behind)}尚未建成。")
    not_started = [
        p.project.name
        for p in e.projects
        if p.result.state == NOT_REACHED and p.result.intention == "建设"
    ]
    if not_started:
        head = "、".join(not_started[:10])
        more = f"等{len(not_started)}个" if len(not_started) > 10 else ""
        out.append(f"规划要求开工建设的项目中，{head}{more}尚未开工。")
    unknown = sum(1 for p in e.projects if p.result.state == UNKNOWN)
    nodata = sum(1 for r in e.indicators if r.state == NO_DATA)
    tasks_unknown = sum(1 for x in e.tasks if x.result == UNKNOWN)
    if unknown or nodata or tasks_unknown:
        out.append(
            f"基础数据不完整：{unknown}个项目阶段未填报，{nodata}项指标暂无实际值，"
            f"{tasks_unknown}项重点任务暂无报送数据，影响评估的准确性。"
        )
    return out or ["各项指标、项目和任务总体按规划推进，未发现突出问题。"]


# -- Excel annex --------------------------------------------------------------------------------


def _text_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_annex(e, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(name="宋体", bold=True)
    body = Font(name="宋体")
    fill = PatternFill("solid", fgColor="DDEBF7")

    def sheet(ws, title: str, head: list[str], rows: list[list], widths: list[int]) -> None:
        ws.title = title
        ws.append(head)
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r in rows:
            ws.append(r)
            for cell in ws[ws.max_row]:
                cell.font = body
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text starting with "=" stays text
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        # Wrapped rows as high as their text (Excel does not grow rows written by a program).
        for row in ws.iter_rows(min_row=2):
            lines = max(
                (
                    -(-_text_width(str(c.value)) // max(int(widths[c.column - 1]) - 1, 1))
                    for c in row
                    if c.value is not None and c.column <= len(widths)
                ),
                default=1,
            )
            if lines > 1:
                ws.row_dimensions[row[0].row].height = 15 * min(lines, 20)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions

    lines = summary_lines(e)
    sheet(
        wb.active,
        "总体情况",
        ["项目", "内容"],
        [
            ["规划", e.plan.title],
            ["评估类型", e.kind],
            ["评估日期", e.day.isoformat()],
            *[[k, v] for k, v in lines.items()],
        ],
        [14, 110],
    )
    years = list(e.years)
    sheet(
        wb.create_sheet(),
        "主要指标",
        ["序号", "类别", "指标", "单位", "目标值", *[f"{y}年" for y in years], "评估"],
        [
            [
                i,
                r.indicator.category or "",
                r.indicator.name,
                r.indicator.unit or "",
                _target(r.indicator),
                *[r.values.get(y) for y in years],
                r.state,
            ]
            for i, r in enumerate(e.indicators, start=1)
        ],
        [6, 12, 36, 10, 10, *[10] * len(years), 10],
    )
    sheet(
        wb.create_sheet(),
        "重大项目",
        [
            "序号",
            "章",
            "专栏",
            "项目编码",
            "项目名称",
            "规划要求",
            "规划原文",
            "阶段",
            "实际竣工",
            "评估",
            "说明",
            "结转",
        ],
        [
            [
                i,
                c.label,
                p.column,
                p.project.code,
                p.project.name,
                p.result.intention_label,
                p.project.source_text or "",
                p.result.stage or "待填报",
                p.project.actual_end.isoformat() if p.project.actual_end else "",
                p.result.state,
                p.result.note,
                p.carried_to or "",
            ]
            for i, (c, p) in enumerate(((c, p) for c in e.chapters for p in c.projects), start=1)
        ],
        [6, 24, 24, 12, 34, 14, 50, 8, 12, 10, 20, 16],
    )
    sheet(
        wb.create_sheet(),
        "重点任务",
        ["序号", "章", "任务编码", "任务", "规划原文", "报送状态", "评估", "结转"],
        [
            [
                i,
                c.label,
                x.task.code,
                x.task.title,
                x.task.text or "",
                x.state or "暂无数据",
                x.result,
                x.carried_to or "",
            ]
            for i, (c, x) in enumerate(((c, x) for c in e.chapters for x in c.tasks), start=1)
        ],
        [6, 24, 12, 40, 60, 12, 10, 16],
    )
    sheet(
        wb.create_sheet(),
        "分章节汇总",
        [
            "章",
            "重大项目",
            "达到要求",
            "未达到",
            "阶段未填报",
            "重点任务",
            "已完成",
            "未完成",
            "无数据",
        ],
        [
            [
                c.label,
                len(c.projects),
                sum(1 for p in c.projects if p.result.state == REACHED),
                sum(1 for p in c.projects if p.result.state == NOT_REACHED),
                sum(1 for p in c.projects if p.result.state == UNKNOWN),
                len(c.tasks),
                sum(1 for x in c.tasks if x.result == TASK_DONE),
                sum(1 for x in c.tasks if x.result == TASK_OPEN),
                sum(1 for x in c.tasks if x.result == UNKNOWN),
            ]
            for c in e.chapters
        ],
        [30, 10, 10, 10, 12, 10, 10, 10, 10],
    )
    wb.save(str(out))
    return out
