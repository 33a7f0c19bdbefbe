"""总体进度表 and 分单位进度表: every project of the scope, grouped, with subtotals and a total.

Columns: 序号, 项目编码, 项目名称, 牵头单位, 阶段, 计划开工, 计划完工, 完成%, 年度计划投资,
累计完成, 状态 (a coloured light), 进度 (a mini timeline bar) and 最新进展. Groups are 专栏, 区县
or 牵头单位; each ends with a 小计 row and the sheet with a 合计 row. The column header is drawn by
the page, so it is on every page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Flowable

from ..collector import gc_paused
from ..domain.model import Project
from ..domain.money import format_wan_column
from ..domain.status import LIGHT_NAMES, LIGHTS, Status
from .content import Paint, Paths
from .page import PageSetup, SheetDocument
from .table import Column, GridLayout, LightDot, Row, fill_paint, grid_chunks

COLUMNS = (
    Column("seq", "序号", 22, "CENTER", sample="9999"),
    Column("code", "项目编码", 48, sample="DEMO-00000"),
    Column("name", "项目名称", 118, wrap=True),
    Column("lead", "牵头单位", 62, wrap=True),
    Column("stage", "阶段", 24, "CENTER", sample="在建"),
    Column("start", "计划开工", 46, "CENTER", sample="2026-11-29"),
    Column("end", "计划完工", 46, "CENTER", sample="2026-11-29"),
    Column("percent", "完成\n(%)", 28, "RIGHT", sample="100"),
    Column("plan", "年度计划\n投资(万元)", 50, "RIGHT", sample="99,999.99"),
    Column("done", "累计完成\n投资(万元)", 50, "RIGHT", sample="999,999.99"),
    Column("light", "状态", 36, sample="● 未开工"),
    Column("bar", "进度", 58),
    Column("text", "最新进展", 150, wrap=True),
)
# Below this frame width (portrait A4) the timeline column is left out: the text needs the room.
NARROW = 600.0
KEYS = [c.key for c in COLUMNS]
BASE_WIDTH = 770.0  # the frame width of A4 landscape, for which the font size is 7.5 pt

GROUPINGS = {"column": "专栏", "district": "区县", "lead": "牵头单位"}


@dataclass
class SheetRow:
    project: Project
    status: Status
    annual_plan: float | None


@dataclass
class SheetGroup:
    label: str
    rows: list[SheetRow] = field(default_factory=list)


@dataclass
class ProgressSheet:
    setup: PageSetup
    groups: list[SheetGroup]
    today: date
    year: int  # the year of 年度计划投资
    empty_text: str = "无项目"


def group_key(project: Project, grouping: str, unit_order: dict[str, int] | None = None) -> tuple:
    """Sort key and label of the group a project belongs to (units in ``unit_order``, the
    office's order of 区县, 功能区 and 部门, else by name)."""
    order = unit_order or {}
    if grouping in ("district", "lead"):
        name = project.district if grouping == "district" else project.lead_unit
        label = name or ("未填区县" if grouping == "district" else "未定牵头单位")
        return (name is None, (order.get(name or "", len(order)), name or ""), label)
    column = project.column
    title = project.section_title or ""
    label = f"专栏{column} {title}".strip() if column else "未归入专栏"
    return (column is None, column or 0, label)


def make_groups(
    rows: list[SheetRow], grouping: str, unit_order: dict[str, int] | None = None
) -> list[SheetGroup]:
    """Rows grouped by ``grouping`` (column / district / lead), groups in a stable order."""
    buckets: dict[tuple, SheetGroup] = {}
    for row in rows:
        key = group_key(row.project, grouping, unit_order)
        group = buckets.get(key[:2])
        if group is None:
            group = buckets[key[:2]] = SheetGroup(key[2])
        group.rows.append(row)
    return [buckets[k] for k in sorted(buckets)]


_AXIS = Paint(stroke=colors.HexColor("#C8C8C8"), width=0.3)
_PLAN = Paint(fill=colors.HexColor("#E3E7ED"), stroke=colors.HexColor("#8A96A8"), width=0.3)
_TODAY = Paint(stroke=colors.HexColor("#C00000"), width=0.5)


class TimelineBar(Flowable):
    """A small bar: planned span on the sheet's time axis, filled to the percent complete."""

    def __init__(
        self,
        axis: tuple[date, date],
        project: Project,
        status: Status,
        today: date,
        width: float,
        height: float,
    ):
        super().__init__()
        self.axis, self.project, self.status, self.today = axis, project, status, today
        self.width, self.height = width, height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def paint(self, paths: Paths, x: float, y: float) -> None:
        """Axis, planned span, done part and today's line, in that order of layers."""
        p = self.project
        w, h = self.width, self.height
        start, end = self.axis
        scale = w / max((end - start).days, 1)
        mid = y + h * 0.45
        paths.line(1, _AXIS, x, mid, x + w, mid)
        if p.planned_start and p.planned_end:
            x0 = x + min(max((p.planned_start - start).days * scale, 0.0), w)
            x1 = x + min(max((p.planned_end - start).days * scale, 0.0), w)
            bar_h = h * 0.5
            low = mid - bar_h / 2
            paths.rect(2, _PLAN, x0, low, max(x1 - x0, 0.8), bar_h)
            done = min(max(p.percent_complete or 0.0, 0.0), 100.0) / 100.0
            if done > 0:
                paint = fill_paint(self.status.color)
                paths.rect(3, paint, x0, low, max((x1 - x0) * done, 0.8), bar_h)
        tx = x + min(max((self.today - start).days * scale, 0.0), w)
        paths.line(4, _TODAY, tx, y, tx, y + h * 0.9)

    def draw(self) -> None:
        paths = Paths()
        self.paint(paths, 0.0, 0.0)
        self.canv.addLiteral(f"q\n{paths.code()}\nQ")


def timeline_axis(groups: list[SheetGroup], today: date) -> tuple[date, date]:
    """From 1 January of the earliest planned start to 31 December of the latest planned end."""
    years = [today.year]
    for g in groups:
        for r in g.rows:
            for d in (r.project.planned_start, r.project.planned_end):
                if d is not None:
                    years.append(d.year)
    return date(min(years), 1, 1), date(max(years), 12, 31)


def _sum(values) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) if vals else None


def _light_summary(rows: list[SheetRow]) -> str:
    counts = Counter(r.status.light for r in rows)
    return "，".join(f"{LIGHT_NAMES[k]} {counts[k]}" for k in LIGHTS if counts.get(k))


def layout_for(doc: SheetDocument, columns=COLUMNS) -> GridLayout:
    size = min(max(7.5 * doc.frame_width / BASE_WIDTH, 6.5), 10.0)
    return GridLayout.for_document(columns, doc, round(size, 1))


def sheet_rows(sheet: ProgressSheet, layout: GridLayout) -> list[Row]:
    """The table rows of the sheet: groups, data rows, subtotals, total (or 无项目)."""
    rows: list[Row] = []
    n_cols = len(layout.columns)
    all_rows = [r for g in sheet.groups for r in g.rows]
    if not all_rows:
        return [Row([sheet.empty_text] + [""] * (n_cols - 1), "empty")]
    axis = timeline_axis(sheet.groups, sheet.today)
    keys = [c.key for c in layout.columns]
    bar_w = layout.inner(keys.index("bar")) if "bar" in keys else 0.0
    bar_h = layout.size
    font, size = layout.font, layout.size
    seq = 0
    grouped = len(sheet.groups) > 1 or sheet.groups[0].label != ""
    for group in sheet.groups:
        if grouped:
            label = f"{group.label}（{len(group.rows)} 个项目）"
            rows.append(Row([label] + [""] * (n_cols - 1), "group"))
        for r in group.rows:
            seq += 1
            p, st = r.project, r.status
            values = dict(
                zip(
                    KEYS,
                    [
                        str(seq),
                        p.code,
                        p.name,
                        p.lead_unit or "",
                        p.stage_text,
                        p.planned_start.isoformat() if p.planned_start else "",
                        p.planned_end.isoformat() if p.planned_end else "",
                        f"{p.percent_complete:g}" if p.percent_complete is not None else "",
                        format_wan_column(r.annual_plan),
                        format_wan_column(p.investment_to_date),
                        LightDot(st.color, st.name, font, size),
                        TimelineBar(axis, p, st, sheet.today, bar_w, bar_h),
                        p.last_progress_text or "—",
                    ],
                    strict=True,
                )
            )
            if not bar_w:
                values.pop("bar")
            rows.extend(Row(cells) for cells in layout.data_row([values[k] for k in keys]))
        if grouped:
            rows.append(
                _total_row(f"小计：{len(group.rows)} 个项目", group.rows, layout, "subtotal")
            )
    rows.append(_total_row(f"合计：{len(all_rows)} 个项目", all_rows, layout, "total"))
    return rows


def _sized_to_data(columns: list[Column], sheet: ProgressSheet) -> list[Column]:
    """Columns whose sample is the widest value this sheet prints there: the last 序号 and the
    grand totals (amounts are never negative, so no row or subtotal is wider). A number is
    never cut short; the wrapped text columns give the room."""
    rows = [r for g in sheet.groups for r in g.rows]
    widest = {
        "seq": str(len(rows)),
        "plan": format_wan_column(_sum(r.annual_plan for r in rows)),
        "done": format_wan_column(_sum(r.project.investment_to_date for r in rows)),
    }
    return [
        replace(c, sample=widest[c.key])
        if c.key in widest and len(widest[c.key] or "") > len(c.sample)
        else c
        for c in columns
    ]


def _total_row(label: str, rows: list[SheetRow], layout: GridLayout, kind: str) -> Row:
    lights = _light_summary(rows)
    values = dict.fromkeys(KEYS, "")
    values["seq"] = label
    values["plan"] = format_wan_column(_sum(r.annual_plan for r in rows), missing="—")
    values["done"] = format_wan_column(
        _sum(r.project.investment_to_date for r in rows), missing="—"
    )
    values["text"] = lights
    cells = layout.data_row([values[c.key] for c in layout.columns])[0]
    cells[0] = label  # the label spans the empty cells after it: not cut to the first column
    return Row(cells, kind)


def render_progress_sheet(
    sheet: ProgressSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    """Write the sheet to ``out`` (PDF)."""
    axis = timeline_axis(sheet.groups, sheet.today)
    # The bar column's header names the years its axis spans.
    columns = [
        replace(c, header=f"进度\n{axis[0].year}—{axis[1].year}") if c.key == "bar" else c
        for c in COLUMNS
    ]
    columns = _sized_to_data(columns, sheet)
    probe = SheetDocument(out, sheet.setup)  # the frame size decides the font size
    if probe.frame_width < NARROW:
        columns = [c for c in columns if c.key != "bar"]
    layout = layout_for(probe, columns)
    doc = SheetDocument(
        out,
        sheet.setup,
        header_height=layout.header_height,
        header_painter=layout.paint_header,
        on_page=on_page,
    )
    layout = layout_for(doc, columns)
    with gc_paused():
        doc.build_story(grid_chunks(layout, sheet_rows(sheet, layout)), prepare=layout.prepare)
    return out
