"""年度考核得分表 (PDF): each class of units ranked, every item's score, and the rules used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from ..domain.assessment import CLASSES, RuleSet, UnitScore
from .page import PageSetup, SheetDocument
from .table import Column, GridLayout, Row
from .text import TextBlock


@dataclass
class AssessmentSheet:
    setup: PageSetup
    rules: RuleSet
    classes: dict[str, list[UnitScore]]
    periods: list[str]


def num(value: float | None) -> str:
    """A score as the office writes it: two decimals, no trailing zeros beyond one."""
    if value is None:
        return "—"
    return f"{value:.2f}"


def rank_text(s: UnitScore) -> str:
    return str(s.rank) if s.rank else "—"


def item_cell(s: UnitScore, item: str) -> str:
    r = s.item(item)
    if r is None:
        return ""
    if r.rate is None:
        return f"{num(r.score)}\n（无记录）" if r.score is not None else "不计"
    return f"{num(r.score)}\n（{r.rate:g}%）"


def render_assessment(
    sheet: AssessmentSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    doc = SheetDocument(out, sheet.setup, on_page=on_page)
    f = doc.fonts
    size = 9.0
    rules = sheet.rules.active
    columns = [
        Column("rank", "排名", 5, "CENTER"),
        Column("unit", "单位", 16, wrap=True),
        *(Column(r.item, f"{r.name}\n（{r.weight:g}分）", 10, "CENTER", wrap=True) for r in rules),
        Column("base", "基础得分", 8, "CENTER"),
        Column("bonus", "加分", 6, "CENTER"),
        Column("penalty", "扣分", 6, "CENTER"),
        Column("total", "总分", 8, "CENTER"),
    ]
    months = len(sheet.periods)
    story: list = [
        TextBlock(
            f"评分依据：{sheet.rules.year}年已到报送截止日期的 {months} 期填报、年度重点任务清单、"
            "项目红黄绿灯、年度计划投资与完成投资、督办回复记录；各项得分括号内为该项比率。"
            f"无相关记录的项目{'按满分计' if sheet.rules.no_data == '满分' else '不计，其余项目按比例折算'}；"
            f"加分最多 {sheet.rules.bonus_cap:g} 分，扣分最多 {sheet.rules.penalty_cap:g} 分。",
            f.body,
            size + 1,
            space_after=3 * mm,
        )
    ]
    grid = GridLayout.for_document(columns, doc, size)
    rows: list[Row] = []
    for kind in CLASSES:
        scores = sheet.classes.get(kind, [])
        if not scores:
            continue
        rows.append(Row([f"{kind}（{len(scores)} 个）"] + [""] * (len(columns) - 1), "group"))
        for s in scores:
            values = [
                rank_text(s),
                s.unit,
                *(item_cell(s, r.item) for r in rules),
                num(s.base) if s.assessed else "—",
                num(s.bonus) if s.bonus else "",
                num(s.penalty) if s.penalty else "",
                num(s.total) if s.assessed else "无考核记录",
            ]
            rows += [Row(c) for c in grid.data_row(values)]
    if not rows:
        rows.append(Row(["没有参加考核的单位"] + [""] * (len(columns) - 1), "empty"))
    story.append(grid.table(rows))
    story.append(TextBlock("", f.body, size, space_after=3 * mm))
    story.append(TextBlock("评分规则", f.heading, 12, fake_bold=f.fake_bold, space_after=2 * mm))
    for r in rules:
        story.append(
            TextBlock(
                f"{r.name}（{r.weight:g} 分）：{sheet.rules.formula(r.item)}"
                + (f"（备注：{r.note}）" if r.note else ""),
                f.body,
                size + 0.5,
                space_after=1.5 * mm,
            )
        )
    doc.build_story(story)
    return out
