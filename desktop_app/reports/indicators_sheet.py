"""主要指标完成情况表: each main indicator's target against its latest actual, met or not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from ..domain.indicators import MET, NOT_MET, IndicatorResult
from ..domain.model import Indicator
from .page import PageSetup, SheetDocument
from .table import Column, GridLayout, Row
from .text import TextBlock

COLUMNS = (
    Column("seq", "序号", 5, "CENTER"),
    Column("category", "类别", 10, wrap=True),
    Column("name", "指标名称", 30, wrap=True),
    Column("unit", "单位", 8, "CENTER", wrap=True),
    Column("attr", "属性", 7, "CENTER"),
    Column("base", "基期值", 9, "RIGHT", wrap=True),
    Column("target", "目标值", 10, "RIGHT", wrap=True),
    Column("actual", "最新实际值", 10, "RIGHT"),
    Column("year", "年份", 7, "CENTER"),
    Column("gap", "差距", 8, "RIGHT"),
    Column("trend", "趋势", 5, "CENTER"),
    Column("state", "完成情况", 9, "CENTER"),
)
STATE_COLORS = {MET: "#2E7D32", NOT_MET: "#C00000"}


@dataclass
class IndicatorSheet:
    setup: PageSetup
    items: list[tuple[Indicator, IndicatorResult]]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")


def target_text(ind: Indicator) -> str:
    if ind.target_text:
        return ind.target_text
    op = "" if ind.operator == "=" else ind.operator
    return f"{op}{_num(ind.target)}"


def render_indicators(
    sheet: IndicatorSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    doc = SheetDocument(out, sheet.setup, on_page=on_page)
    f = doc.fonts
    size = 9.0 if doc.frame_width < 700 else 10.0
    met = sum(1 for _, r in sheet.items if r.state == MET)
    not_met = sum(1 for _, r in sheet.items if r.state == NOT_MET)
    no_data = len(sheet.items) - met - not_met
    summary = (
        f"共 {len(sheet.items)} 项指标：已达标 {met} 项，未达标 {not_met} 项，无数据 {no_data} 项。"
    )
    story: list = [TextBlock(summary, f.body, size + 1, space_after=3 * mm)]
    if not sheet.items:
        story.append(TextBlock("无指标", f.heading, 14, fake_bold=f.fake_bold))
        doc.build_story(story)
        return out
    grid = GridLayout.for_document(COLUMNS, doc, size)
    rows = []
    for ind, res in sheet.items:
        values = [
            str(ind.seq),
            ind.category or "",
            ind.name,
            ind.unit or "",
            ind.attribute or "",
            ind.base_value or "",
            target_text(ind),
            _num(res.actual),
            str(res.year) if res.year else "",
            ("+" if (res.gap or 0) > 0 else "") + _num(res.gap) if res.gap is not None else "",
            res.trend,
            res.state,
        ]
        color = STATE_COLORS.get(res.state)
        rows += [Row(c, colors={11: color} if color else {}) for c in grid.data_row(values)]
    story.append(grid.table(rows))
    doc.build_story(story)
    return out
