"""项目进度卡: one project per page — facts, units, milestones, recent progress, problems, next steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table

from ..domain.model import Milestone, ProgressReport, Project
from ..domain.money import format_percent, format_wan, format_wan_column
from ..domain.period import Period
from ..domain.status import Status
from .page import INK, PageSetup, SheetDocument
from .table import Column, GridLayout, LightDot, Row
from .text import TextBlock

# The facts as label/value pairs: two pairs a row on portrait paper, three on landscape.
FACT_LABEL, FACT_VALUE = 17, 33
SCOPE_COLUMNS = (Column("k", "", FACT_LABEL, wrap=True), Column("v", "", 100, wrap=True))
MILESTONE_COLUMNS = (
    Column("seq", "序号", 6, "CENTER", sample="99"),
    Column("name", "关键节点", 26, wrap=True),
    Column("planned", "计划日期", 14, "CENTER", sample="2026-11-29"),
    Column("actual", "实际日期", 14, "CENTER", sample="2026-11-29"),
    Column("late", "偏差(天)", 10, "RIGHT", sample="-9999"),
    Column("state", "情况", 30, wrap=True),
)
HISTORY_COLUMNS = (
    Column("period", "填报周期", 12, "CENTER", sample="2026年11月"),
    Column("percent", "完成(%)", 8, "RIGHT", sample="100.0"),
    Column("done", "累计完成\n投资(万元)", 12, "RIGHT", sample="99,999.99"),
    Column("year", "本年完成\n投资(万元)", 12, "RIGHT", sample="99,999.99"),
    Column("text", "进展情况", 56, wrap=True),
)
GAP = 4 * mm  # between the two blocks set side by side on landscape paper
WIDE = 700.0  # frames from this width (landscape) set blocks side by side


@dataclass
class ProjectCard:
    project: Project
    status: Status
    annual_plan: float | None
    reports: list[ProgressReport] = field(default_factory=list)  # newest first


@dataclass
class CardSheet:
    setup: PageSetup
    cards: list[ProjectCard]
    today: date
    year: int


def milestone_state(ms: Milestone, today: date) -> tuple[int | None, str]:
    """Days late (negative: early) and the words for it, as the card prints them."""
    if ms.planned_date is None:
        return None, "计划日期待填报" if ms.actual_date is None else "已完成"
    if ms.actual_date is not None:
        days = (ms.actual_date - ms.planned_date).days
        if days > 0:
            return days, f"已完成，延期 {days} 天"
        if days < 0:
            return days, f"已完成，提前 {-days} 天"
        return 0, "按期完成"
    days = (today - ms.planned_date).days
    if days > 0:
        return days, f"未完成，已逾期 {days} 天"
    return None, f"未到期（还有 {-days} 天）" if days < 0 else "今日到期"


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def _period_label(key: str) -> str:
    try:
        return Period.parse(key).label
    except ValueError:
        return key


def _facts(card: ProjectCard, doc: SheetDocument, size: float, year: int) -> list:
    """The facts table (two or three label/value pairs a row) and the 建设内容 row under it."""
    f = doc.fonts
    p, st = card.project, card.status
    latest = card.reports[0] if card.reports else None
    column = f"专栏{p.column} {p.section_title or ''}".strip() if p.column else (p.category or "")
    pairs = [
        ("项目编码", p.code),
        ("所属专栏", column),
        ("建设阶段", p.stage_text),
        ("所在区县", p.district or ""),
        ("总投资(万元)", format_wan(p.total_investment)),
        (f"{year}年计划投资(万元)", format_wan(card.annual_plan)),
        ("累计完成投资(万元)", format_wan(p.investment_to_date)),
        ("完成百分比", format_percent(p.percent_complete, missing="")),
        ("计划开工", _d(p.planned_start)),
        ("计划完工", _d(p.planned_end)),
        ("实际开工", _d(p.actual_start)),
        ("实际完工", _d(p.actual_end)),
        ("状态", LightDot(st.color, st.name, f.body, size)),
        ("状态说明", st.reason),
        ("牵头单位", p.lead_unit or ""),
        ("责任单位", "、".join(p.units_with_role("责任"))),
        ("配合单位", "、".join(p.units_with_role("配合"))),
        ("最近填报", _period_label(latest.period) if latest else "未填报"),
    ]
    per_row = 3 if doc.frame_width >= WIDE else 2
    if per_row == 3:  # the long 状态说明 last in its row, where the value column is widest
        pairs[12:15] = [pairs[12], pairs[14], pairs[13]]
    columns = []
    for i in range(per_row):
        columns += [
            Column(f"k{i}", "", FACT_LABEL, wrap=True),
            Column(f"v{i}", "", FACT_VALUE + (4 if i == per_row - 1 else 0), wrap=True),
        ]
    facts = GridLayout.for_document(columns, doc, size)
    rows = []
    for start in range(0, len(pairs), per_row):
        cells = [x for pair in pairs[start : start + per_row] for x in pair]
        cells += [""] * (len(columns) - len(cells))
        rows += [Row(c) for c in facts.data_row(cells)]
    label = facts.widths[0]
    scope = GridLayout(
        SCOPE_COLUMNS,
        doc.frame_width,
        font=f.body,
        heading_font=f.heading,
        size=size,
        max_row_height=doc.frame_height,
    )
    scope.widths = [label, doc.frame_width - label]
    scope_rows = [Row(c) for c in scope.data_row(["建设内容", p.scope or "—"])]
    story = []
    for grid, grid_rows, labels in (
        (facts, rows, range(0, len(columns), 2)),
        (scope, scope_rows, (0,)),
    ):
        table = grid.tables(grid_rows, chunk=len(grid_rows))[0]
        style = []
        for k in labels:
            style += [
                ("BACKGROUND", (k, 0), (k, -1), "#F2F4F7"),
                ("FONT", (k, 0), (k, -1), f.heading, size, grid.leading),
            ]
        table.setStyle(style)
        story.append(table)
    return story


def _milestones(card: ProjectCard, doc: SheetDocument, size: float, width: float, today: date):
    p = card.project
    if not p.milestones:
        return [_heading("关键节点", doc), TextBlock("未设置关键节点。", doc.fonts.body, size)]
    grid = _grid(MILESTONE_COLUMNS, doc, size, width)
    rows = []
    for i, ms in enumerate(p.milestones, start=1):
        late, state = milestone_state(ms, today)
        color = {True: "#C00000"}.get(bool(late and late > 0))
        values = [
            str(i),
            ms.name,
            _d(ms.planned_date),
            _d(ms.actual_date),
            "" if late is None else str(late),
            state,
        ]
        rows += [
            Row(c, colors={4: color, 5: color} if color else {}) for c in grid.data_row(values)
        ]
    return [_heading("关键节点", doc), grid.table(rows)]


def _history(card: ProjectCard, doc: SheetDocument, size: float, width: float) -> list:
    if not card.reports:
        return [_heading("近期进展", doc), TextBlock("尚无进度填报。", doc.fonts.body, size)]
    grid = _grid(HISTORY_COLUMNS, doc, size, width)
    rows = []
    for r in card.reports:
        values = [
            _period_label(r.period),
            format_percent(r.percent_complete).removesuffix("%"),
            format_wan_column(r.investment_to_date),
            format_wan_column(r.investment_this_year),
            r.progress_text or "",
        ]
        rows += [Row(c) for c in grid.data_row(values)]
    return [_heading(f"近期进展（最近 {len(card.reports)} 期）", doc), grid.table(rows)]


def _grid(columns, doc: SheetDocument, size: float, width: float) -> GridLayout:
    f = doc.fonts
    return GridLayout(
        columns,
        width,
        font=f.body,
        heading_font=f.heading,
        size=size,
        max_row_height=doc.frame_height,
        fake_bold=f.fake_bold,
    )


def _side_by_side(left: list, right: list, doc: SheetDocument, left_share: float) -> list:
    """Two blocks next to each other (landscape paper), or one under the other when together
    they would be taller than a page."""
    width = doc.frame_width
    lw = (width - GAP) * left_share
    table = Table(
        [[left, "", right]],
        colWidths=[lw, GAP, width - GAP - lw],
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ],
    )
    _, height = table.wrap(width, doc.frame_height)
    if height > doc.frame_height:
        return []
    return [table]


def _card_story(card: ProjectCard, doc: SheetDocument, today: date, year: int) -> list:
    f = doc.fonts
    width = doc.frame_width
    size = 9.0 if width < WIDE else 10.0
    p = card.project
    latest = card.reports[0] if card.reports else None
    story: list = [
        TextBlock(f"{p.code}  {p.name}", f.heading, 14, fake_bold=f.fake_bold, space_after=3 * mm),
        *_facts(card, doc, size, year),
        Spacer(1, 3 * mm),
    ]
    problems = (latest.problems if latest else None) or "无"
    next_steps = (latest.next_steps if latest else None) or "无"
    if width >= WIDE:
        # Landscape: 关键节点 beside 近期进展, 存在问题 beside 下一步工作, so that a card fits
        # on one page.
        share = 0.46
        half = (width - GAP) * share, (width - GAP) * (1 - share)
        pair = _side_by_side(
            _milestones(card, doc, size, half[0], today),
            _history(card, doc, size, half[1]),
            doc,
            share,
        )
        if pair:
            notes = _side_by_side(
                _section("存在问题", problems, doc, size, lead=False),
                _section("下一步工作", next_steps, doc, size, lead=False),
                doc,
                0.5,
            )
            if notes:
                return [*story, CondPageBreak(30 * mm), *pair, Spacer(1, 3 * mm), *notes]
    story += [CondPageBreak(30 * mm), *_milestones(card, doc, size, width, today)]
    story += [Spacer(1, 3 * mm), CondPageBreak(30 * mm), *_history(card, doc, size, width)]
    story += [Spacer(1, 3 * mm)]
    story += _section("存在问题", problems, doc, size)
    story += _section("下一步工作", next_steps, doc, size)
    return story


def _heading(text: str, doc: SheetDocument) -> TextBlock:
    return TextBlock(
        text, doc.fonts.heading, 11, fake_bold=doc.fonts.fake_bold, space_after=1.5 * mm, color=INK
    )


def _section(title: str, text: str, doc: SheetDocument, size: float, *, lead: bool = True) -> list:
    body = TextBlock(text, doc.fonts.body, size, leading=size * 1.5, space_after=3 * mm)
    return (
        [CondPageBreak(20 * mm), _heading(title, doc), body]
        if lead
        else [_heading(title, doc), body]
    )


def render_project_cards(
    sheet: CardSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    """Write one card per project (each starting on a new page) to ``out``."""
    doc = SheetDocument(out, sheet.setup, on_page=on_page)
    story: list = []
    for i, card in enumerate(sheet.cards):
        if i:
            story.append(PageBreak())
        story += _card_story(card, doc, sheet.today, sheet.year)
    if not story:
        story = [TextBlock("无项目", doc.fonts.heading, 14, fake_bold=doc.fonts.fake_bold)]
    doc.build_story(story)
    return out
