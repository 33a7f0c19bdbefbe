"""年度目标和重点任务清单 as a PDF: A3 landscape, the list's title, its headings by 领域 and every
entry with its units, 完成时限 and targets (a project's 年度计划投资 and 形象进度目标)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ..domain.money import plain_number
from ..exchange.annual_list import cn_number, grouped, issue_line
from ..saving import save_file
from ..store import Store
from ..store import annual as astore
from .page import PageSetup, SheetDocument
from .table import Column, GridLayout, Row, grid_chunks
from .text import TextBlock

COLUMNS = (
    Column("seq", "序号", 4, "CENTER"),
    Column("name", "任务/项目", 26, wrap=True),
    Column("lead", "牵头单位", 11, wrap=True),
    Column("responsible", "责任单位", 15, wrap=True),
    Column("due", "完成时限", 8, "CENTER", wrap=True),
    Column("expected", "预期成果（项目：形象进度目标）", 30, wrap=True),
    Column("investment", "年度计划投资\n（万元）", 8, "RIGHT"),
    Column("stage", "目标阶段", 5, "CENTER"),
)
BODY_SIZE = 10.0  # A3: well above the 9 pt floor of a printed list


def render_annual_list(
    store: Store,
    year: int,
    out: Path,
    *,
    printed: date | None = None,
    on_page: Callable[[int], None] | None = None,
) -> Path:
    """Write ``year``'s list to ``out`` (A3 landscape)."""
    from ..services.annual import require_list

    lst = require_list(store, year)
    items = astore.list_items(store, year)
    setup = PageSetup(
        title=lst.title,
        paper="A3",
        landscape=True,
        printed=printed or date.today(),
        subtitle=issue_line(lst),
    )

    tasks = sum(1 for i in items if i.kind == "任务")
    projects = len(items) - tasks
    money = sum(i.planned_investment or 0 for i in items)
    summary = (
        f"共 {len(items)} 项：重点任务 {tasks} 项，重点项目 {projects} 项"
        + (f"，项目年度计划投资合计 {plain_number(round(money, 2))} 万元" if projects else "")
        + "。"
    )

    def write(path: Path) -> None:
        if not items:
            doc = SheetDocument(path, setup, on_page=on_page)
            doc.build_story(
                [TextBlock("清单中还没有任务或项目。", doc.fonts.heading, 14, fake_bold=True)]
            )
            return
        probe = SheetDocument(path, setup)  # the frame decides the columns' widths
        layout = GridLayout.for_document(COLUMNS, probe, BODY_SIZE)
        doc = SheetDocument(
            path,
            setup,
            header_height=layout.header_height,
            header_painter=layout.paint_header,
            on_page=on_page,
        )
        layout = GridLayout.for_document(COLUMNS, doc, BODY_SIZE)
        rows: list[Row] = []
        for n, (heading, group) in enumerate(grouped(items), start=1):
            label = f"{cn_number(n)}、{heading or '未分类'}"
            rows.append(Row([label] + [""] * (len(COLUMNS) - 1), "group"))
            for item in group:
                project = item.kind == "项目"
                values = [
                    str(item.seq),
                    item.name,
                    item.lead or "",
                    "、".join(item.responsible),
                    item.due_text or "",
                    item.expected or "",
                    plain_number(round(item.planned_investment, 2))
                    if project and item.planned_investment is not None
                    else "",
                    item.target_stage or "" if project else "",
                ]
                # A group going on over a page is named again on the next (「…（续）」).
                rows += [Row(c, group=label) for c in layout.data_row(values)]
        story = [
            *grid_chunks(layout, rows),
            Spacer(1, 3 * mm),
            TextBlock(summary, doc.fonts.body, BODY_SIZE + 1),
        ]
        doc.build_story(story, prepare=layout.prepare)

    return save_file(Path(out), write, kind="PDF")
