"""总体进度表 and 分单位进度表: every project of the scope, grouped, with subtotals and a total.

The columns are those a 重大项目推进情况表 prints (``CATALOGUE``): 序号, 项目名称, 牵头/责任单位,
阶段, 计划开工/完工, 总投资, 年度计划投资, 本年（1—N月）完成投资, 年度投资完成率, 形象进度,
状态 (a coloured light) and 亮灯原因, 最新进展, 存在问题, and optionally 项目编码, 累计完成投资
and a mini timeline. The user chooses and orders them per sheet; without a choice the paper
decides (``default_columns``). Groups are 专栏, 区县 or 牵头单位; each ends with a 小计 row and
the sheet with a 合计 row (amounts in 亿元). The column header is drawn by the page, so it is on
every page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Flowable

from ..collector import gc_paused
from ..domain.errors import UserError
from ..domain.model import Project
from ..domain.money import format_percent, format_wan_column, format_yi
from ..domain.status import GREY, LIGHT_NAMES, LIGHTS, PENDING_NAME, Status
from .content import Paint, Paths
from .page import PageSetup, SheetDocument
from .table import PAD, Column, GridLayout, LightDot, Row, fill_paint, grid_chunks
from .text import wrap_lines

MISSING = "待填报"  # a figure the unit has not given yet: not a blank the reader must guess at

CATALOGUE: dict[str, Column] = {
    c.key: c
    for c in (
        Column("seq", "序号", 22, "CENTER", sample="999"),
        Column("code", "项目编码", 48, sample="DEMO-00000"),
        Column("name", "项目名称", 110, wrap=True),
        Column("lead", "牵头单位", 58, wrap=True),
        Column("units", "责任单位", 70, wrap=True),
        Column("stage", "阶段", 24, "CENTER", sample="在建"),
        Column("start", "计划开工", 46, "CENTER", sample="2026-11-29"),
        Column("end", "计划完工", 46, "CENTER", sample="2026-11-29"),
        Column("total", "总投资\n(万元)", 52, "RIGHT", sample="999,999.99"),
        Column("plan", "年度计划\n投资(万元)", 52, "RIGHT", sample="99,999.99"),
        Column("year_done", "本年完成\n投资(万元)", 52, "RIGHT", sample="99,999.99"),
        Column("year_rate", "年度投资\n完成率", 36, "RIGHT", sample="100.0%"),
        Column("done", "累计完成\n投资(万元)", 52, "RIGHT", sample="999,999.99"),
        Column("percent", "形象\n进度", 34, "RIGHT", sample="100.0%"),
        Column("light", "状态", 38, sample="● 未开工"),
        Column("reason", "亮灯原因", 125, wrap=True),
        Column("bar", "进度", 58),
        Column("text", "最新进展", 115, wrap=True),
        Column("problems", "存在问题", 100, wrap=True),
    )
}
COLUMNS = tuple(CATALOGUE.values())
KEYS = list(CATALOGUE)
# What each paper prints when the user has chosen nothing (A3 landscape has room for all the
# usual columns; portrait A4 keeps what a meeting reads first).
WIDE_COLUMNS = (
    "seq", "code", "name", "lead", "stage", "start", "end", "total", "plan", "year_done",
    "year_rate", "done", "percent", "light", "reason", "text", "problems",
)  # fmt: skip
LANDSCAPE_COLUMNS = (
    "seq", "name", "lead", "stage", "total", "plan", "year_done", "year_rate", "percent",
    "light", "reason", "text", "problems",
)  # fmt: skip
PORTRAIT_COLUMNS = (
    "seq", "name", "lead", "plan", "year_done", "year_rate", "percent", "light", "reason",
    "problems",
)  # fmt: skip
# Below this frame width (portrait A4) the narrow choice is used; from WIDE up the wide one.
NARROW = 600.0
WIDE = 1000.0


def column_label(key: str) -> str:
    """A column's name as a person reads it (its header on one line)."""
    return CATALOGUE[key].header.replace("\n", "")


def default_columns(frame_width: float) -> tuple[str, ...]:
    if frame_width < NARROW:
        return PORTRAIT_COLUMNS
    return WIDE_COLUMNS if frame_width >= WIDE else LANDSCAPE_COLUMNS


def parse_columns(values: Sequence[str]) -> tuple[str, ...]:
    """Column keys from keys or Chinese names (``name``, ``项目名称``, ``总投资``), in order.

    Unknown names are refused with the list of what exists; 序号 is always first.
    """
    by_label = {column_label(k): k for k in CATALOGUE}
    by_label.update({c.header.split("\n")[0]: c.key for c in COLUMNS})
    by_label.update({"完成率": "year_rate", "形象进度": "percent", "灯的原因": "reason"})
    keys: list[str] = []
    unknown = []
    for raw in values:
        name = str(raw).strip()
        if not name:
            continue
        key = name if name in CATALOGUE else by_label.get(name)
        if key is None:
            unknown.append(name)
        elif key not in keys:
            keys.append(key)
    if unknown:
        known = "、".join(f"{k}（{column_label(k)}）" for k in CATALOGUE)
        raise UserError(f"没有这些列：{'、'.join(unknown)}。可选的列：{known}。", field="columns")
    if not keys:
        raise UserError("至少要选择一列（例如 name 项目名称）。", field="columns")
    if "seq" in keys:
        keys.remove("seq")
    return ("seq", *keys)


GROUPINGS = {"column": "专栏", "district": "区县", "lead": "牵头单位"}


@dataclass
class SheetRow:
    project: Project
    status: Status
    annual_plan: float | None
    year_done: float | None = None  # 本年完成投资 (万元), from the latest report of the year
    problems: str | None = None  # 存在问题 of the latest report

    @property
    def year_rate(self) -> float | None:
        """年度投资完成率 (0–100)."""
        if not self.annual_plan or self.year_done is None:
            return None
        return round(self.year_done / self.annual_plan * 100, 1)


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
    columns: tuple[str, ...] | None = None  # the user's choice and order; None: by the paper
    months: int = 12  # the months of the year the 本年完成投资 covers (1—N月)
    # A line under the 合计 row (the year's list: 按期完成率, investment, milestones), if any.
    summary: str = ""


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
    """「黄灯3个，未开工2个，待填报5个」: the grey lights still awaiting their data apart."""
    counts = Counter(r.status.name for r in rows)
    names = [LIGHT_NAMES[k] for k in LIGHTS]
    names.insert(names.index(LIGHT_NAMES[GREY]) + 1, PENDING_NAME)
    return "，".join(f"{name}{counts[name]}个" for name in names if counts.get(name))


def body_size(setup: PageSetup) -> float:
    """Body text for a meeting: 9 pt on A4, 10 pt on A3 portrait, 10.5 pt on A3 landscape.
    Rows wrap rather than the type shrinking."""
    if setup.paper.upper() == "A3":
        return 10.5 if setup.landscape else 10.0
    return 9.0


def layout_for(doc: SheetDocument, columns=COLUMNS) -> GridLayout:
    return GridLayout.for_document(columns, doc, body_size(doc.setup))


def _date(value: date | None) -> str:
    return value.isoformat() if value else MISSING


def _values(r: SheetRow, seq: int, light: Flowable, bar: Flowable | None) -> dict:
    p, st = r.project, r.status
    responsible = "、".join(p.units_with_role("责任"))
    return {
        "seq": str(seq),
        "code": p.code,
        "name": p.name,
        "lead": p.lead_unit or MISSING,
        "units": responsible or "—",
        "stage": p.stage_text,
        "start": _date(p.planned_start),
        "end": _date(p.planned_end),
        "total": format_wan_column(p.total_investment, missing=MISSING),
        "plan": format_wan_column(r.annual_plan, missing=MISSING),
        "year_done": format_wan_column(r.year_done, missing=MISSING if r.annual_plan else "—"),
        "year_rate": format_percent(r.year_rate, missing="—"),
        "done": format_wan_column(p.investment_to_date, missing=MISSING),
        "percent": format_percent(p.percent_complete, missing=MISSING),
        "light": light,
        "reason": "；".join(st.reasons) or st.reason,
        "bar": bar,
        "text": p.last_progress_text or "—",
        "problems": r.problems or "—",
    }


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
    lights: dict[tuple[str, str], LightDot] = {}  # one dot per colour and name, for every row
    for group in sheet.groups:
        if grouped:
            label = f"{group.label}（{len(group.rows)} 个项目）"
            rows.append(Row([label] + [""] * (n_cols - 1), "group"))
        for r in group.rows:
            seq += 1
            st = r.status
            bar = TimelineBar(axis, r.project, st, sheet.today, bar_w, bar_h) if bar_w else None
            light = lights.get((st.color, st.name))
            if light is None:
                light = lights[(st.color, st.name)] = LightDot(st.color, st.name, font, size)
            values = _values(r, seq, light, bar)
            group_name = group.label if grouped else ""
            rows.extend(
                Row(cells, group=group_name) for cells in layout.data_row([values[k] for k in keys])
            )
        if grouped:
            subtotal = _total_row(f"小计：{len(group.rows)} 个项目", group.rows, layout, "subtotal")
            subtotal.group = group.label  # a 小计 alone atop a page is named 「…（续）」 too
            rows.append(subtotal)
    rows.append(_total_row(f"合计：{len(all_rows)} 个项目", all_rows, layout, "total"))
    if sheet.summary:
        rows.append(_summary_row(sheet.summary, layout))
    return rows


def _summary_row(text: str, layout: GridLayout) -> Row:
    """A row across the whole table under the 合计 row, wrapped to its width."""
    room = layout.edges[-1] - 2 * PAD
    lines = wrap_lines(text, layout.heading_font, layout.size, room)
    return Row(["\n".join(lines)] + [""] * (len(layout.columns) - 1), "group")


def _amount_total(value: float | None) -> str:
    """A sum of amounts: in 亿元 from one 亿 up (``29,619.07亿元``), else in the column's 万元."""
    if value is None:
        return "—"
    return format_yi(value) if abs(value) >= 10000 else format_wan_column(value)


def sheet_totals(rows: list[SheetRow]) -> dict[str, str]:
    plan = _sum(r.annual_plan for r in rows)
    year_done = _sum(r.year_done for r in rows)
    rate = round(year_done / plan * 100, 1) if plan and year_done is not None else None
    return {
        "total": _amount_total(_sum(r.project.total_investment for r in rows)),
        "plan": _amount_total(plan),
        "year_done": _amount_total(year_done),
        "year_rate": format_percent(rate, missing="—"),
        "done": _amount_total(_sum(r.project.investment_to_date for r in rows)),
    }


def _sized_to_data(columns: list[Column], sheet: ProgressSheet) -> list[Column]:
    """Columns whose sample is the widest value this sheet prints there: the last 序号 and the
    grand totals (amounts are never negative, so no row or subtotal is wider). A number is
    never cut short; the wrapped text columns give the room."""
    rows = [r for g in sheet.groups for r in g.rows]
    widest = {"seq": str(len(rows)), **sheet_totals(rows)}
    for r in rows:  # the widest row amount of each column (a total in 亿元 may be shorter)
        for key, value in (
            ("total", r.project.total_investment),
            ("plan", r.annual_plan),
            ("year_done", r.year_done),
            ("done", r.project.investment_to_date),
        ):
            text = format_wan_column(value)
            if len(text) > len(widest[key]):
                widest[key] = text
    return [
        replace(c, sample=widest[c.key])
        if c.key in widest and len(widest[c.key] or "") > len(c.sample)
        else c
        for c in columns
    ]


def _total_row(label: str, rows: list[SheetRow], layout: GridLayout, kind: str) -> Row:
    values = dict.fromkeys(KEYS, "")
    values.update(sheet_totals(rows))
    values["seq"] = label
    keys = [c.key for c in layout.columns]
    # The light counts go in the first wide text column after the label's span.
    spot = next((k for k in ("reason", "text", "problems") if k in keys), None)
    if spot is None:
        spot = next((c.key for c in layout.columns[2:] if c.wrap), None)
    if spot is None:  # no text column: the counts follow the label
        label = f"{label}（{_light_summary(rows)}）"
    else:
        values[spot] = _light_summary(rows)
    values["seq"] = label
    cells = layout.data_row([values[k] for k in keys])[0]
    cells[0] = label  # the label spans the empty cells after it: not cut to the first column
    return Row(cells, kind)


def sheet_columns(
    sheet: ProgressSheet, frame_width: float, axis: tuple[date, date]
) -> list[Column]:
    """The columns the sheet prints, in order, with headers naming the year and months."""
    keys = sheet.columns or default_columns(frame_width)
    headers = {
        "bar": f"进度\n{axis[0].year}—{axis[1].year}",
        "year_done": f"本年（1—{sheet.months}月）\n完成投资\n(万元)",
        "plan": f"{sheet.year}年\n计划投资\n(万元)",
    }
    return [
        replace(CATALOGUE[k], header=headers[k]) if k in headers else CATALOGUE[k] for k in keys
    ]


def printed_columns(sheet: ProgressSheet, frame_width: float) -> list[Column]:
    """The columns as printed on a frame ``frame_width`` wide, sized to the sheet's figures."""
    axis = timeline_axis(sheet.groups, sheet.today)
    return _sized_to_data(sheet_columns(sheet, frame_width, axis), sheet)


def render_progress_sheet(
    sheet: ProgressSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    """Write the sheet to ``out`` (PDF)."""
    probe = SheetDocument(out, sheet.setup)  # the frame size decides the columns
    columns = printed_columns(sheet, probe.frame_width)
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
        layout.release()
    return out
