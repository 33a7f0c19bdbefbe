"""The register (项目库) as an .xlsx: one row per project, its milestones and progress history,
and the plan's key tasks (重点任务) with their units.

Written in openpyxl's write-only mode (the fast path at 10,000 rows): real dates and numbers,
Chinese headers, frozen header row, auto-filter, status colours. User text starting with ``=``
is written as text, never as a formula.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

from ..domain.model import Project
from ..domain.status import LIGHT_COLORS, StatusRules, evaluate
from ..saving import check_target, save_file
from ..services.progress import Progress, no_progress
from ..store import Store
from ..store import exchange as xstore
from ..store.projects import list_projects
from .cell_text import EXCEL_CELL_LIMIT, cell_text
from .columns import column_letter

REGISTER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("项目编码", 14),
    ("项目名称", 36),
    ("专栏", 8),
    ("类别", 12),
    ("建设阶段", 9),
    ("状态", 8),
    ("状态说明", 30),
    ("所在区县", 10),
    ("牵头单位", 16),
    ("责任单位", 20),
    ("配合单位", 20),
    ("总投资（万元）", 14),
    ("年度计划投资（万元）", 14),
    ("计划开工", 12),
    ("计划完工", 12),
    ("实际开工", 12),
    ("实际完工", 12),
    ("完成百分比", 10),
    ("累计完成投资（万元）", 14),
    ("最近填报", 10),
    ("形象进度", 36),
    ("建设内容", 40),
)
MILESTONE_COLUMNS = (
    ("项目编码", 14),
    ("项目名称", 36),
    ("关键节点", 12),
    ("计划日期", 12),
    ("完成日期", 12),
)
HISTORY_COLUMNS = (
    ("项目编码", 14),
    ("项目名称", 36),
    ("填报周期", 10),
    ("完成百分比", 10),
    ("累计完成投资（万元）", 14),
    ("本年完成投资（万元）", 14),
    ("形象进度", 36),
    ("存在问题", 28),
    ("下步计划", 28),
    ("来源", 8),
    ("填报时间", 18),
)
TASK_COLUMNS = (
    ("编号", 11),
    ("章", 8),
    ("节", 28),
    ("任务", 36),
    ("规划原文", 60),
    ("原文行号", 9),
    ("牵头单位", 16),
    ("责任单位", 22),
    ("配合单位", 22),
    ("备注", 24),
)
_HEADER_FONT = Font(name="黑体", bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(wb: Workbook, title: str, columns) -> object:
    ws = wb.create_sheet(title)
    _cells_as_given(ws)
    for i, (_, width) in enumerate(columns):
        ws.column_dimensions[column_letter(i)].width = width
    ws.freeze_panes = "C2"
    header = []
    for text, _ in columns:
        cell = WriteOnlyCell(ws, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        header.append(cell)
    ws.append(header)
    return ws


def _cells_as_given(ws) -> None:
    """Have the write-only sheet ``ws`` take the cell objects of a row as they are.

    openpyxl's write-only sheet tries every value of a row as a plain value first, takes a cell
    object only when that raises an error, and then makes a new cell for the values after it:
    for the 进度历史's formatted figures, a third of a million errors raised and caught, some 15 %
    of the whole export. This is its own conversion of a row (openpyxl 3.1's
    ``_values_to_row``) with cell objects passed straight through; the file it writes is the
    same (tests/exchange/test_register_export.py compares them).
    """

    def values_to_row(values, row_idx):
        cell = WriteOnlyCell(ws)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                given = value
            else:
                given = cell
                cell.value = value
            given.column = col_idx
            given.row = row_idx
            if given.hyperlink is not None:
                given.hyperlink.ref = given.coordinate
            yield given
            if given is cell and (cell.has_style or cell.hyperlink):
                cell = WriteOnlyCell(ws)

    if hasattr(ws, "_values_to_row"):
        ws._values_to_row = values_to_row


_MONEY_FORMAT = "#,##0.00"
# A percentage is stored as the number 0–100 (as units type it in their returns); shown with one
# decimal and the sign, as every table of the application shows it (format_percent).
_PERCENT_FORMAT = '0.0"%"'


def _money(ws, value: float | None):
    """An amount in 万元 shown with thousands separators (the value stays a number)."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value)
    cell.number_format = _MONEY_FORMAT
    return cell


def _percent(ws, value: float | None):
    """A percentage 0–100 shown as ``45.0%`` (the value stays the number 45)."""
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value)
    cell.number_format = _PERCENT_FORMAT
    return cell


class _Figures:
    """The formatted number cells of a long sheet's rows, one cell per column reused row after
    row: a write-only sheet writes each row out as it is appended, so the cell is free for the
    next value. (A new formatted cell per figure made the 120,000-row 进度历史 a third slower
    than writing its plain values.)"""

    def __init__(self, ws, *formats: str):
        self._cells = []
        for number_format in formats:
            cell = WriteOnlyCell(ws, 0)
            cell.number_format = number_format
            self._cells.append(cell)

    def row(self, *values: float | None) -> list:
        out = []
        for cell, value in zip(self._cells, values, strict=True):
            if value is None:
                out.append(None)
            else:
                cell.value = value
                out.append(cell)
        return out


def _text_safe(ws, row: list) -> list:
    """Strings that Excel would take for a formula become explicit text cells; every string
    is made fit for a cell (``cell_text``)."""
    for i, value in enumerate(row):
        if type(value) is not str:
            continue
        # (cell_text's own first test, made here: a million strings go through this loop.)
        if not value.isprintable() or "_x" in value or len(value) > EXCEL_CELL_LIMIT:
            value = row[i] = cell_text(value)
        if value[:1] == "=":
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            row[i] = cell
    return row


def _abandon(wb: Workbook) -> None:
    """End the streams of a write-only workbook that will not be saved. Left to the garbage
    collector, each sheet's row stream would try to finish its part in a file already closed
    and print an "Exception ignored" traceback."""
    for ws in wb.worksheets:
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            try:
                rows.close()
            except Exception:  # nothing more to save from it
                pass


def _task_sheet(wb: Workbook, store: Store) -> None:
    """重点任务: the plan's tasks with their units, as the 重点任务 page lists them."""
    from ..store.tasks import list_tasks

    tasks = list_tasks(store)
    ws = _sheet(wb, "重点任务", TASK_COLUMNS)
    for t in tasks:
        row = [
            t.code,
            t.chapter_label or None,
            t.section,
            t.title,
            t.text,
            t.source_line,
            t.lead_unit,
            "、".join(t.units_with_role("责任")) or None,
            "、".join(t.units_with_role("配合")) or None,
            t.notes,
        ]
        ws.append(_text_safe(ws, row))
    ws.auto_filter.ref = f"A1:{column_letter(len(TASK_COLUMNS) - 1)}{len(tasks) + 1}"


def export_register(
    store: Store,
    out: Path,
    *,
    projects: list[Project] | None = None,
    today: date | None = None,
    rules: StatusRules | None = None,
    progress: Progress = no_progress,
) -> Path:
    """Write the register (all projects, or ``projects`` — e.g. the filtered view) to ``out``."""
    check_target(out, kind=".xlsx")  # before the long work, not after it
    today = today or date.today()
    rules = rules or StatusRules.from_dict(store.get_setting("status_rules", {}) or {})
    from ..services.monitoring import status_period

    period = status_period(store, today).key
    if projects is None:
        projects = list_projects(store)
    plans = xstore.annual_plans(store, today.year)
    wb = Workbook(write_only=True)
    try:
        ws = _sheet(wb, "项目库", REGISTER_COLUMNS)
        fills = {
            light: PatternFill("solid", fgColor=color[1:]) for light, color in LIGHT_COLORS.items()
        }
        white = Font(color="FFFFFF", bold=True)
        total = len(projects)
        for n, p in enumerate(projects):
            if n % 1000 == 0:
                progress(n, total, "写出项目")
            status = evaluate(p, today, rules, current_period=period)
            light = WriteOnlyCell(ws, status.name)  # 红灯, 未开工 … as in the register and the PDF
            light.fill = fills[status.light]
            light.font = white
            units = {"牵头": [], "责任": [], "配合": []}
            for u in p.units:
                units[u.role].append(u.name)
            row = [
                p.code,
                p.name,
                f"专栏{p.column}" if p.column else None,
                p.category,
                p.stage,
                light,
                status.reason,
                p.district,
                "、".join(units["牵头"]) or None,
                "、".join(units["责任"]) or None,
                "、".join(units["配合"]) or None,
                _money(ws, p.total_investment),
                _money(ws, plans.get(p.id)),
                p.planned_start,
                p.planned_end,
                p.actual_start,
                p.actual_end,
                _percent(ws, p.percent_complete),
                _money(ws, p.investment_to_date),
                p.last_period,
                p.last_progress_text,
                p.scope,
            ]
            ws.append(_text_safe(ws, row))
        ws.auto_filter.ref = f"A1:{column_letter(len(REGISTER_COLUMNS) - 1)}{total + 1}"
        names = {p.id: (p.code, p.name) for p in projects}
        ms = _sheet(wb, "关键节点", MILESTONE_COLUMNS)
        for p in projects:
            for m in p.milestones:
                ms.append(_text_safe(ms, [p.code, p.name, m.name, m.planned_date, m.actual_date]))
        hist = _sheet(wb, "进度历史", HISTORY_COLUMNS)
        stamp = datetime.fromisoformat
        history_figures = _Figures(hist, _PERCENT_FORMAT, _MONEY_FORMAT, _MONEY_FORMAT)
        for pid, period_key, pct, to_date, this_year, *texts, reported_at in xstore.iter_reports(
            store
        ):
            if pid in names:
                # 填报时间 as a real date and time (sortable and filterable in Excel), not text.
                when = stamp(reported_at) if reported_at else None
                figures = history_figures.row(pct, to_date, this_year)
                hist.append(_text_safe(hist, [*names[pid], period_key, *figures, *texts, when]))
        _task_sheet(wb, store)
        progress(total, total, "保存文件")
        return save_file(Path(out), wb.save, kind=".xlsx")
    except BaseException:  # cancelled, or the file could not be written
        _abandon(wb)
        raise
