"""年度考核 as an .xlsx: the ranked score table per class, every record behind each figure, the
hand-entered points and the rules, so that a score can be checked in Excel without the program.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..domain.assessment import CLASSES, Adjustment, RuleSet, UnitScore
from .cell_text import cell_text

HEAD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F2")
GROUP_FILL = PatternFill("solid", fgColor="EEF2F7")
WRAP = Alignment(wrap_text=True, vertical="top")
COUNTS = {True: "计入（按期/合格）", False: "扣减（未按期/不合格）", None: "不计入"}


def _text(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col, cell_text(value))
    if isinstance(value, str):
        cell.data_type = "s"  # a text starting with 「=」 stays text


def _header(ws, row: int, headers: list[str], widths: list[float]) -> None:
    for col, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row, col, h)
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = w


def write_assessment_xlsx(
    out: Path,
    *,
    year: int,
    as_of: str,
    rules: RuleSet,
    classes: dict[str, list[UnitScore]],
    periods: list[str],
    adjustments: list[Adjustment],
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核得分"
    active = rules.active
    ws.cell(1, 1, f"{year}年度成德同城化工作考核得分表（数据截至 {as_of}）").font = Font(
        bold=True, size=14
    )
    headers = ["排名", "单位", "类别"]
    for r in active:
        headers += [f"{r.name}比率（%）", f"{r.name}得分（{r.weight:g}分）"]
    headers += ["基础得分", "加分", "扣分", "总分", "说明"]
    _header(ws, 3, headers, [6, 18, 9] + [11, 11] * len(active) + [10, 7, 7, 9, 30])
    row = 4
    for kind in CLASSES:
        scores = classes.get(kind, [])
        if not scores:
            continue
        ws.cell(row, 1, f"{kind}（{len(scores)} 个）").font = HEAD
        for col in range(1, len(headers) + 1):
            ws.cell(row, col).fill = GROUP_FILL
        row += 1
        for s in scores:
            values: list = [s.rank or "—", s.unit, s.kind]
            notes = []
            for r in active:
                i = s.item(r.item)
                if not s.assessed:
                    values += ["无记录", None]
                    continue
                values += [i.rate if i.rate is not None else "无记录", i.score]
                if i.note:
                    notes.append(f"{i.name}：{i.note}")
            values += [
                s.base if s.assessed else None,
                s.bonus,
                s.penalty,
                s.total if s.assessed else None,
            ]
            if not s.assessed:
                notes.insert(0, "无考核记录，不排名")
            values.append("；".join(notes))
            for col, v in enumerate(values, start=1):
                _text(ws, row, col, v)
                if isinstance(v, float) and col > 3:
                    rate_column = col <= 3 + 2 * len(active) and (col - 3) % 2 == 1
                    ws.cell(row, col).number_format = "0.0" if rate_column else "0.00"
            ws.cell(row, 1).alignment = Alignment(horizontal="center")
            ws.cell(row, len(values)).alignment = WRAP
            row += 1
    ws.freeze_panes = "C4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    detail = wb.create_sheet("得分依据")
    _header(
        detail,
        1,
        ["单位", "类别", "考核项目", "记录类别", "日期", "记录", "说明", "计分"],
        [16, 9, 14, 8, 19, 44, 60, 18],
    )
    row = 2
    for kind in CLASSES:
        for s in classes.get(kind, []):
            for i in s.items:
                for e in i.evidence:
                    for col, v in enumerate(
                        [s.unit, s.kind, i.name, e.kind, e.day, e.label, e.detail, COUNTS[e.ok]],
                        start=1,
                    ):
                        _text(detail, row, col, v)
                    row += 1
    detail.freeze_panes = "A2"
    detail.auto_filter.ref = f"A1:H{max(row - 1, 1)}"

    adj = wb.create_sheet("加减分")
    _header(adj, 1, ["单位", "分值", "理由", "依据", "录入人", "录入时间"], [16, 8, 44, 30, 10, 20])
    for row, a in enumerate(adjustments, start=2):
        for col, v in enumerate(
            [a.unit, a.points, a.reason, a.basis or "", a.entered_by, a.entered_at], start=1
        ):
            _text(adj, row, col, v)

    rule_sheet = wb.create_sheet("考核规则")
    _header(
        rule_sheet, 1, ["考核项目", "权重（分）", "启用", "计算公式", "备注"], [16, 10, 6, 90, 24]
    )
    for row, r in enumerate(rules.rules, start=2):
        for col, v in enumerate(
            [r.name, r.weight, "是" if r.enabled else "否", rules.formula(r.item), r.note or ""],
            start=1,
        ):
            _text(rule_sheet, row, col, v)
            rule_sheet.cell(row, col).alignment = WRAP
    last = len(rules.rules) + 3
    _text(
        rule_sheet,
        last,
        1,
        f"加分上限 {rules.bonus_cap:g} 分，扣分上限 {rules.penalty_cap:g} 分；无相关记录的项目"
        + ("按满分计。" if rules.no_data == "满分" else "不计，其余项目按比例折算。")
        + f"计入的填报周期：{'、'.join(periods) or '无'}。",
    )
    wb.save(out)
    return out
