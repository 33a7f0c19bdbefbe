"""项目进度卡: one project per page — facts, units, milestones, recent progress, problems, next steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from ..domain.model import Milestone, ProgressReport, Project
from ..domain.money import format_wan, format_wan_column
from ..domain.period import Period
from ..domain.status import Status
from .page import INK, PageSetup, SheetDocument
from .table import Column, GridLayout, LightDot, Row
from .text import TextBlock

FACT_COLUMNS = (
    Column("k1", "", 17, wrap=True),
    Column("v1", "", 33, wrap=True),
    Column("k2", "", 17, wrap=True),
    Column("v2", "", 34, wrap=True),
)
MILESTONE_COLUMNS = (
    Column("seq", "序号", 6, "CENTER"),
    Column("name", "关键节点", 26, wrap=True),
    Column("planned", "计划日期", 14, "CENTER"),
    Column("actual", "实际日期", 14, "CENTER"),
    Column("late", "偏差(天)", 10, "RIGHT"),
    Column("state", "情况", 30, wrap=True),
)
HISTORY_COLUMNS = (
    Column("period", "填报周期", 12, "CENTER"),
    Column("percent", "完成(%)", 8, "RIGHT"),
    Column("done", "累计完成\n投资(万元)", 12, "RIGHT"),
    Column("year", "本年完成\n投资(万元)", 12, "RIGHT"),
    Column("text", "进展情况", 56, wrap=True),
)


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


def _card_story(card: ProjectCard, doc: SheetDocument, today: date, year: int) -> list:
    f = doc.fonts
    width = doc.frame_width
    size = 9.0 if width < 700 else 10.0
    p, st = card.project, card.status
    story: list = [
        TextBlock(f"{p.code}  {p.name}", f.heading, 14, fake_bold=f.fake_bold, space_after=3 * mm),
    ]
    facts = GridLayout.for_document(FACT_COLUMNS, doc, size)
    latest = card.reports[0] if card.reports else None
    column = f"专栏{p.column} {p.section_title or ''}".strip() if p.column else (p.category or "")
    pairs = [
        ("项目编码", p.code, "所属专栏", column),
        ("建设阶段", p.stage_text, "所在区县", p.district or ""),
        (
            "总投资(万元)",
            format_wan(p.total_investment),
            f"{year}年计划投资(万元)",
            format_wan(card.annual_plan),
        ),
        (
            "累计完成投资(万元)",
            format_wan(p.investment_to_date),
            "完成百分比",
            f"{p.percent_complete:g}%" if p.percent_complete is not None else "",
        ),
        ("计划开工", _d(p.planned_start), "计划完工", _d(p.planned_end)),
        ("实际开工", _d(p.actual_start), "实际完工", _d(p.actual_end)),
        ("状态", LightDot(st.color, st.name, f.body, size), "状态说明", st.reason),
        ("牵头单位", p.lead_unit or "", "责任单位", "、".join(p.units_with_role("责任"))),
        (
            "配合单位",
            "、".join(p.units_with_role("配合")),
            "最近填报",
            _period_label(latest.period) if latest else "未填报",
        ),
    ]
    rows = []
    for pair in pairs:
        for cells in facts.data_row(list(pair)):
            rows.append(Row(cells))
    facts_table = facts.tables(rows, chunk=len(rows))[0]
    facts_table.setStyle(
        [
            ("BACKGROUND", (0, 0), (0, -1), "#F2F4F7"),
            ("BACKGROUND", (2, 0), (2, -1), "#F2F4F7"),
            ("FONT", (0, 0), (0, -1), f.heading, size, facts.leading),
            ("FONT", (2, 0), (2, -1), f.heading, size, facts.leading),
        ]
    )
    story += [facts_table, Spacer(1, 3 * mm)]
    story += _section("建设内容", p.scope or "—", doc, size)

    story += [CondPageBreak(30 * mm), _heading("关键节点", doc)]
    if p.milestones:
        grid = GridLayout.for_document(MILESTONE_COLUMNS, doc, size)
        rows = []
        for i, ms in enumerate(p.milestones, start=1):
            late, state = milestone_state(ms, today)
            color = {True: "#C00000"}.get(bool(late and late > 0))
            cells = grid.data_row(
                [
                    str(i),
                    ms.name,
                    _d(ms.planned_date),
                    _d(ms.actual_date),
                    "" if late is None else str(late),
                    state,
                ]
            )
            rows += [Row(c, colors={4: color, 5: color} if color else {}) for c in cells]
        story.append(grid.table(rows))
    else:
        story.append(TextBlock("未设置关键节点。", f.body, size))
    story.append(Spacer(1, 3 * mm))

    story += [
        CondPageBreak(30 * mm),
        _heading(f"近期进展（最近 {len(card.reports)} 期）" if card.reports else "近期进展", doc),
    ]
    if card.reports:
        grid = GridLayout.for_document(HISTORY_COLUMNS, doc, size)
        rows = []
        for r in card.reports:
            values = [
                _period_label(r.period),
                f"{r.percent_complete:g}" if r.percent_complete is not None else "",
                format_wan_column(r.investment_to_date),
                format_wan_column(r.investment_this_year),
                r.progress_text or "",
            ]
            rows += [Row(c) for c in grid.data_row(values)]
        story.append(grid.table(rows))
    else:
        story.append(TextBlock("尚无进度填报。", f.body, size))
    story.append(Spacer(1, 3 * mm))
    story += _section("存在问题", (latest.problems if latest else None) or "无", doc, size)
    story += _section("下一步工作", (latest.next_steps if latest else None) or "无", doc, size)
    return story


def _heading(text: str, doc: SheetDocument) -> TextBlock:
    return TextBlock(
        text, doc.fonts.heading, 11, fake_bold=doc.fonts.fake_bold, space_after=1.5 * mm, color=INK
    )


def _section(title: str, text: str, doc: SheetDocument, size: float) -> list:
    return [
        CondPageBreak(20 * mm),
        _heading(title, doc),
        TextBlock(text, doc.fonts.body, size, leading=size * 1.5, space_after=3 * mm),
    ]


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
