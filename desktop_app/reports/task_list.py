"""重点任务清单: the plan's key tasks by chapter, with the plan's sentence and the units assigned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from ..store.tasks import Task
from .page import PageSetup, SheetDocument
from .table import Column, GridLayout, Row
from .text import TextBlock

MISSING = "待填报"
COLUMNS = (
    Column("code", "编号", 8, "CENTER", sample="RW10-4-2"),
    Column("section", "节", 14, wrap=True),
    Column("title", "任务", 18, wrap=True),
    Column("text", "规划原文", 30, wrap=True),
    Column("lead", "牵头单位", 10, wrap=True),
    Column("responsible", "责任单位", 10, wrap=True),
    Column("supporting", "配合单位", 10, wrap=True),
)
MISSING_COLOR = "#9AA0A6"


@dataclass
class TaskSheet:
    setup: PageSetup
    tasks: list[Task]
    scope: str = ""  # what the list holds when filtered (e.g. 「广汉市」), shown in the summary


def summary_text(sheet: TaskSheet) -> str:
    tasks = sheet.tasks
    open_ = sum(1 for t in tasks if not t.lead_unit)
    scope = f"（{sheet.scope}）" if sheet.scope else ""
    return f"共 {len(tasks)} 项重点任务{scope}：已明确牵头单位 {len(tasks) - open_} 项，待分配 {open_} 项。"


def render_task_list(
    sheet: TaskSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    doc = SheetDocument(out, sheet.setup, on_page=on_page)
    f = doc.fonts
    size = 8.5 if doc.frame_width < 700 else 9.5
    story: list = [TextBlock(summary_text(sheet), f.body, size + 1, space_after=3 * mm)]
    if not sheet.tasks:
        story.append(TextBlock("无重点任务", f.heading, 14, fake_bold=True))
        doc.build_story(story)
        return out
    grid = GridLayout.for_document(COLUMNS, doc, size)
    rows: list[Row] = []
    chapter = None
    lead_col = [c.key for c in COLUMNS].index("lead")
    for t in sheet.tasks:
        label = f"{t.chapter_label} {t.chapter_title or ''}".strip() or "其他"
        if label != chapter:
            chapter = label
            count = sum(
                1
                for x in sheet.tasks
                if (f"{x.chapter_label} {x.chapter_title or ''}".strip() or "其他") == label
            )
            rows.append(Row([f"{label}（{count} 项）"] + [""] * (len(COLUMNS) - 1), "group"))
        values = [
            t.code,
            t.section or "",
            t.title,
            t.text or "",
            t.lead_unit or MISSING,
            "、".join(t.units_with_role("责任")),
            "、".join(t.units_with_role("配合")),
        ]
        colors = {} if t.lead_unit else {lead_col: MISSING_COLOR}
        rows += [Row(c, colors=colors, group=label) for c in grid.data_row(values)]
    story.append(grid.table(rows))
    doc.build_story(story)
    return out
