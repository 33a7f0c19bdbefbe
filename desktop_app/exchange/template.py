"""The 填报模板: one workbook per unit and period, identity locked, input cells validated.

The workbook carries a hidden, protected ``_meta`` sheet naming the template id, unit, period and
each row's project id, version and values as issued, so that a return can be matched to the
projects by id and its conflicts found. No database access here: the service passes the rows in.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.period import Period
from ..saving import save_file
from .cell_text import cell_text
from .change_requests import PLANNING_KEYS
from .columns import (
    DATA_SHEET,
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    SHEET_PASSWORD,
    STAGE_CHOICES,
    STAGE_LIST_NAME,
    TEMPLATE_COLUMNS,
    TEMPLATE_FORMAT,
    TEXT_LIMIT,
    column_letter,
)
from .workbook_safety import read_part, sheet_part

SPARE_ROWS = 20  # unlocked blank rows under the list, for projects the register lacks
GREY = PatternFill("solid", fgColor="E7E6E6")
INPUT = PatternFill("solid", fgColor="FFF8DC")
# A planning value the register already holds: open, but a change is a 变更申请 for the office.
PLAN_SET = PatternFill("solid", fgColor="DDEBF7")
HEADER_PLAN_FILL = PatternFill("solid", fgColor="2E75B6")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_INPUT_FILL = PatternFill("solid", fgColor="BF8F00")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"
# The percent column stays "General": typing 45% there makes Excel, WPS and LibreOffice give the
# cell a percent format (read back as 45), which they do not do over a custom number format.
_FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0.00", "percent": "General"}


@dataclass(slots=True)
class TemplateRow:
    """One project as issued: identity shown locked, editable values pre-filled."""

    project_id: str
    version: int
    values: dict  # column key -> value (dates as date)

    def snapshot(self) -> dict:
        """The editable values as issued, JSON-ready, with the project's code and name at issue
        (a return's row is matched to its project through the code should it change since; the
        name is checked against the code, and may be the one issued). Planning values are kept
        too, so that one left as issued is not taken for a change."""
        snap = {
            c.key: _jsonable(self.values.get(c.key))
            for c in TEMPLATE_COLUMNS
            if c.editable or c.key in PLANNING_KEYS
        }
        snap["code"] = str(self.values.get("code"))
        snap["name"] = self.values.get("name")
        return snap


@dataclass(slots=True)
class TemplateSpec:
    template_id: str
    unit_id: int
    unit: str
    period: Period
    issued_at: str
    rows: list[TemplateRow] = field(default_factory=list)
    # The unit's tasks of the period's year's list (task_sheet.TaskTemplateRow): a 「重点任务」
    # sheet when there are any.
    tasks: list = field(default_factory=list)


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def put(cell, value: object) -> None:
    """Write a value; user text is always text, even when it starts with = + - @."""
    value = cell_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_template(spec: TemplateSpec, path: Path) -> Path:
    """Write the template workbook to ``path`` (parent folders created)."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    _data_sheet(ws, spec)
    _guide_sheet(wb.create_sheet(GUIDE_SHEET), spec)
    lists = wb.create_sheet(LISTS_SHEET)
    for i, stage in enumerate(STAGE_CHOICES, start=1):
        lists.cell(i, 1, stage)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    lists.protection.password = SHEET_PASSWORD
    wb.defined_names[STAGE_LIST_NAME] = DefinedName(
        STAGE_LIST_NAME, attr_text=f"{LISTS_SHEET}!$A$1:$A${len(STAGE_CHOICES)}"
    )
    if spec.tasks:
        from .task_sheet import write_task_sheet

        write_task_sheet(wb, spec, lists)
    _meta_sheet(wb.create_sheet(META_SHEET), spec)
    # The metadata header again as document properties: an import reads them without parsing
    # the metadata sheet (needed only when the database has no record of the issue).
    for key, value in _meta_header(spec):
        prop = IntProperty if isinstance(value, int) else StringProperty
        wb.custom_doc_props.append(prop(name=PROPERTY_PREFIX + key, value=cell_text(value)))
    wb.security = WorkbookProtection(workbookPassword=SHEET_PASSWORD, lockStructure=True)
    wb.active = 0
    try:
        return save_file(Path(path), wb.save, kind=".xlsx")
    finally:
        _release(wb)


def _release(wb: Workbook) -> None:
    """Free a saved workbook's cells now. Each cell refers back to its sheet, so without this
    they wait for the cycle collector: tens of MB per large template, piling up while a
    template per unit is written."""
    for ws in wb.worksheets:
        cells = getattr(ws, "_cells", None)
        if isinstance(cells, dict):
            cells.clear()


def _data_sheet(ws, spec: TemplateSpec) -> None:
    ncols = len(TEMPLATE_COLUMNS)
    last = column_letter(ncols - 1)
    ws.merge_cells(f"A1:{last}1")
    put(ws["A1"], f"{spec.period.label}重大项目进度填报表（{spec.unit}）")
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    put(
        ws["A2"],
        "灰色列为项目基本信息，不可修改；黄色单元格请填写。计划信息（建设内容、计划开工、计划完工、"
        "总投资、年度计划投资）空白的请补填；浅蓝色为已有计划值，修改将作为变更申请由办公室审核。"
        "完成百分比填 0–100；金额单位万元；日期写成 2026-03-01。"
        "清单外的新项目请填在表格下方空白行（不填项目编码）。",
    )
    ws["A2"].font = Font(name=FONT, size=10, color="595959")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 30
    for i, col in enumerate(TEMPLATE_COLUMNS):
        cell = ws.cell(HEADER_ROW, i + 1)
        put(cell, col.header)
        cell.font = Font(name="黑体", bold=True, color="FFFFFF")
        cell.fill = (
            HEADER_INPUT_FILL
            if col.editable
            else HEADER_PLAN_FILL
            if col.key in PLANNING_KEYS
            else HEADER_FILL
        )
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 32
    body_font = Font(name=FONT, size=10)
    wrap = Alignment(vertical="top", wrap_text=True)
    unlocked = Protection(locked=False)
    locked = Protection(locked=True)
    end_row = FIRST_DATA_ROW + len(spec.rows) + SPARE_ROWS - 1
    for r in range(FIRST_DATA_ROW, end_row + 1):
        row = spec.rows[r - FIRST_DATA_ROW] if r - FIRST_DATA_ROW < len(spec.rows) else None
        for i, col in enumerate(TEMPLATE_COLUMNS):
            cell = ws.cell(r, i + 1)
            if row is not None:
                value = row.values.get(col.key)
                if value is not None:
                    put(cell, value)
            if col.kind in _FORMATS:
                cell.number_format = _FORMATS[col.kind]
            elif col.key == "code":
                cell.number_format = "@"
            cell.font = body_font
            cell.border = BORDER
            if col.kind == "text" and col.wrap:
                cell.alignment = wrap
            # Spare rows are open in every column: a unit may propose a project there.
            if col.editable or row is None:
                cell.fill = INPUT
                cell.protection = unlocked
            elif col.key in PLANNING_KEYS:
                # The unit fills an empty plan; a set one it may ask to change (变更申请).
                cell.fill = INPUT if row.values.get(col.key) in (None, "") else PLAN_SET
                cell.protection = unlocked
            else:
                cell.fill = GREY
                cell.protection = locked
    _validations(ws, end_row)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{FIRST_DATA_ROW + max(len(spec.rows), 1) - 1}"
    protect_and_fit(ws)
    ws["A1"].comment = Comment(f"模板编号 {spec.template_id}", "系统")


def date_validation(**texts: str) -> DataValidation:
    """A date cell's validation: any date from 2000 to 2100, blank allowed; ``texts`` are its
    error and prompt titles and messages."""
    return DataValidation(
        type="date",
        operator="between",
        formula1="36526",  # 2000-01-01
        formula2="73415",  # 2100-12-31
        allow_blank=True,
        **texts,
    )


def protect_and_fit(ws) -> None:
    """A data sheet as the units get it: locked cells cannot be edited, while columns may still
    be widened, rows resized and rows filtered; printed landscape on A4, one page wide, the
    header row on every page."""
    ws.protection.sheet = True
    ws.protection.password = SHEET_PASSWORD
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _validations(ws, end_row: int) -> None:
    def add(dv: DataValidation, key: str, style: str = "stop") -> None:
        index = next(i for i, c in enumerate(TEMPLATE_COLUMNS) if c.key == key)
        letter = column_letter(index)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{end_row}")
        # openpyxl leaves showErrorMessage off, and then Excel accepts anything.
        dv.showErrorMessage = True
        dv.showInputMessage = True
        # "warning" asks and lets the unit keep what it typed: amounts and dates written as
        # text ("0.5亿元", "2026.3.1") are read by the import, which refuses what is wrong.
        dv.errorStyle = style
        ws.add_data_validation(dv)

    add(
        DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            errorTitle="完成百分比",
            error="请填写 0–100 的数字（例如 45 表示 45%）。",
            promptTitle="完成百分比",
            prompt="0–100",
        ),
        "percent_complete",
    )
    for key in ("investment_to_date", "investment_this_year"):
        add(
            DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                errorTitle="金额",
                error="金额应为不小于 0 的数字，单位万元。写“0.5亿元”“1,234.5万元”也可以，"
                "导入时会换算。",
                promptTitle="金额（万元）",
                prompt="单位：万元",
            ),
            key,
            "warning",
        )
    for key in ("total_investment", "annual_plan"):
        add(
            DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                errorTitle="金额",
                error="金额应为不小于 0 的数字，单位万元。写“0.5亿元”也可以，导入时会换算。",
                promptTitle="计划信息（万元）",
                prompt="空白的请补填；已有数值的修改将作为变更申请，由办公室审核。",
            ),
            key,
            "warning",
        )
    for key in ("planned_start", "planned_end"):
        add(
            date_validation(
                errorTitle="日期",
                error="应为日期，例如 2026-03-01。写“2026.3.1”“2026年3月”也可以，导入时会识别。",
                promptTitle="计划日期",
                prompt="空白的请补填；已有日期的修改将作为变更申请，由办公室审核。",
            ),
            key,
            "warning",
        )
    add(
        DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(TEXT_LIMIT),
            allow_blank=True,
            errorTitle="文字过长",
            error=f"请不超过 {TEXT_LIMIT} 字。",
            promptTitle="建设内容",
            prompt="空白的请补填；已有内容的修改将作为变更申请，由办公室审核。",
        ),
        "scope",
    )
    for key in ("actual_start", "actual_end"):
        add(
            date_validation(
                errorTitle="日期",
                error="应为日期，例如 2026-03-01。写“2026.3.1”“2026年3月1日”“2026-3”也可以，"
                "导入时会识别。",
                promptTitle="日期",
                prompt="例如 2026-03-01",
            ),
            key,
            "warning",
        )
    # The list lives on a hidden sheet: Excel refuses inline lists over 255 characters.
    add(
        DataValidation(
            type="list",
            formula1=STAGE_LIST_NAME,
            allow_blank=True,
            errorTitle="建设阶段",
            error=f"请从列表中选择：{'/'.join(STAGE_CHOICES)}。",
        ),
        "stage",
    )
    for key in ("progress_text", "problems", "next_steps"):
        add(
            DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(TEXT_LIMIT),
                allow_blank=True,
                errorTitle="文字过长",
                error=f"请不超过 {TEXT_LIMIT} 字。",
            ),
            key,
        )


def _guide_sheet(ws, spec: TemplateSpec) -> None:
    lines = [
        f"{spec.period.label}重大项目进度填报说明",
        "",
        f"填报单位：{spec.unit}",
        f"填报周期：{spec.period.label}",
        f"项目个数：{len(spec.rows)}",
        *([f"重点任务：{len(spec.tasks)} 项"] if spec.tasks else []),
        "",
        "一、灰色列（项目编码、名称、牵头单位、责任单位）为项目基本信息，不可修改。"
        "计划信息（建设内容、计划开工、计划完工、总投资、年度计划投资）：黄色空白格请补填，"
        "导入后直接写入项目库；浅蓝色为已有计划值，如需调整可直接修改，导入后作为“变更申请”"
        "由办公室审核，审核前项目库中的计划不变。",
        "二、黄色列请按实际情况填写：",
        "    完成百分比：0–100 的数字，例如 45 表示 45%（写 45% 也可以）；",
        "    累计完成投资、本年完成投资：单位万元，不小于 0（写“0.5亿元”会换算为 5000 万元）；",
        "    实际开工、实际完工：日期，例如 2026-03-01；",
        f"    建设阶段：从下拉列表选择（{'/'.join(STAGE_CHOICES)}）；",
        f"    形象进度、存在问题、下步计划：文字，每格不超过 {TEXT_LIMIT} 字。",
        "三、不要删除、插入列，不要修改项目编码；可以筛选、隐藏行（导入时按项目编码对应，与行的顺序无关）。",
        "四、清单外的新项目请填在表格下方空白行，不填项目编码，写明项目名称、建设内容、总投资等，"
        "由办公室审核后纳入项目库。",
        "五、未变化的内容保留原值即可；模板中原本空白的单元格留空，视为“本期未填报”；"
        "预先填好的内容被清空，视为“现在没有了”（例如问题已解决而清空存在问题），导入后该栏为空。",
        "六、请保存为 .xlsx 格式（Excel 或 WPS 均可），不要另存为其他格式后再改名。",
        *(
            [
                f"七、「重点任务」工作表列出本单位牵头或负责的 {spec.period.year} 年度重点任务"
                f"（{len(spec.tasks)} 项）：请填写进展情况、完成情况（未启动/推进中/已完成/未完成）、"
                "存在问题；选「已完成」的须填写完成时间（不晚于填报当天）。已解决的问题请清空"
                "存在问题。任务编号和任务名称不可修改，导入时按任务编号对应。",
            ]
            if spec.tasks
            else []
        ),
        "",
        f"工作表保护密码（仅用于调整格式）：{SHEET_PASSWORD}",
        f"模板编号：{spec.template_id}",
    ]
    wrap = Alignment(wrap_text=True, vertical="top")
    width = 72  # characters of the column (fits A4 portrait): a Chinese character takes two
    for i, text in enumerate(lines, start=1):
        put(ws.cell(i, 1), text)
        ws.cell(i, 1).font = Font(name="黑体" if i == 1 else FONT, size=14 if i == 1 else 11)
        ws.cell(i, 1).alignment = wrap
        # Row heights are not grown for wrapped text by every spreadsheet: set them.
        needed = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) / (width - 2)
        if needed > 1:
            ws.row_dimensions[i].height = 16 * -(-needed // 1)
    ws.column_dimensions["A"].width = width
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.password = SHEET_PASSWORD


def _meta_header(spec: TemplateSpec) -> list[tuple[str, object]]:
    return [
        ("template_id", spec.template_id),
        ("unit", spec.unit),
        ("unit_id", spec.unit_id),
        ("period", spec.period.key),
        ("format", TEMPLATE_FORMAT),
        ("issued_at", spec.issued_at),
    ]


def _meta_sheet(ws, spec: TemplateSpec) -> None:
    header = _meta_header(spec)
    for i, (key, value) in enumerate(header, start=1):
        put(ws.cell(i, 1), key)
        put(ws.cell(i, 2), value)
    start = len(header) + 2
    for i, name in enumerate(("project_id", "code", "version", "snapshot"), start=1):
        put(ws.cell(start, i), name)
    for r, row in enumerate(spec.rows, start=start + 1):
        put(ws.cell(r, 1), row.project_id)
        put(ws.cell(r, 2), str(row.values.get("code")))
        ws.cell(r, 3, row.version)
        put(ws.cell(r, 4), json.dumps(row.snapshot(), ensure_ascii=False))
    # veryHidden: not listed by Excel's "unhide" dialog; structure protection keeps it so.
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = SHEET_PASSWORD


def read_meta_rows(rows: list[list]) -> tuple[dict, dict[str, dict]]:
    """Parse the ``_meta`` sheet's values: ``(header, code -> {project_id, version, snapshot})``.

    ``snapshot`` is the JSON text of the row's editable values as issued.
    """
    header: dict = {}
    by_code: dict[str, dict] = {}
    i = 0
    while i < len(rows) and rows[i] and rows[i][0] not in ("", None, "project_id"):
        header[str(rows[i][0])] = rows[i][1] if len(rows[i]) > 1 else None
        i += 1
    while i < len(rows) and (not rows[i] or rows[i][0] != "project_id"):
        i += 1
    for row in rows[i + 1 :]:
        if len(row) < 4 or not row[0]:
            continue
        code = row[1]
        if isinstance(code, float) and code.is_integer():
            code = int(code)
        # The snapshot stays JSON text: it is parsed only when the database has no issue record.
        snapshot = row[3] if isinstance(row[3], str) else None
        by_code[str(code).strip()] = {
            "project_id": str(row[0]),
            "version": int(row[2]) if row[2] not in ("", None) else None,
            "snapshot": snapshot,
        }
    return header, by_code


PROPERTY_PREFIX = "cdtch_"
# The value element may declare its namespace itself (openpyxl writes ``<vt:lpwstr xmlns:vt=…>``
# when lxml is installed; Excel and WPS declare it once on the root).
_PROPERTY = re.compile(
    r'<property\b[^>]*\bname="([^"]*)"[^>]*>\s*<vt:(\w+)\b[^>]*>([^<]*)</vt:\w+>\s*</property>'
)


# The metadata sheet's header, read from the first bytes of its XML (see read_meta_header).
_HEAD_BYTES = 1 << 18
_HEAD_ROWS = 40
_ROW_XML = re.compile(rb"<(?:\w+:)?row\b([^>]*)>(.*?)</(?:\w+:)?row>", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_XML = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_V_XML = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>")
_T_XML = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>|<(?:\w+:)?t\b[^>]*/>")
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SI_XML = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\b[^>]*/>", re.S)


def read_meta_header(path: Path) -> dict | None:
    """The metadata sheet's header (its rows above ``project_id``), as ``read_meta_rows`` gives
    it, read from the start of the sheet's XML and of the shared strings only: the sheet's other
    rows (one per project, the larger part of a return) are not parsed. ``None`` when the header
    cannot be read this way (an .xls, no such sheet, an unusual layout): then the whole sheet
    is read as before."""
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open(sheet_part(archive, META_SHEET)) as fh:
                head = fh.read(_HEAD_BYTES)
            cells: dict[int, list] = {}
            for attrs, body in _ROW_XML.findall(head):
                number = _ROW_NUMBER.search(attrs)
                if number is None:
                    return None
                row = ["", ""]
                for cell_attrs, cell_body in _CELL_XML.findall(body):
                    ref = _CELL_REF.search(cell_attrs)
                    if ref is None:
                        return None
                    if ref.group(1) in (b"A", b"B"):
                        row[ref.group(1) == b"B"] = _cell_value(cell_attrs, cell_body or b"")
                n = int(number.group(1))
                gap = n != len(cells) + 1
                cells[n] = row
                # The header, then (after the blank row the template leaves) the row naming
                # the columns: the project rows below are not looked at.
                if gap or len(cells) > _HEAD_ROWS:
                    break
            wanted = {v.index for row in cells.values() for v in row if isinstance(v, _Shared)}
            if wanted:
                strings = _shared_strings(archive, max(wanted))
                cells = {
                    r: [strings[v.index] if isinstance(v, _Shared) else v for v in row]
                    for r, row in cells.items()
                }
    except (KeyError, ValueError, IndexError, OSError, zipfile.BadZipFile, zlib.error):
        return None
    # As read_meta_rows reads it: rows from the first down to an empty one or project_id,
    # and a project_id row after them (else the header may run past what was read).
    header: dict = {}
    r = 1
    while r in cells and cells[r][0] not in ("", None, "project_id"):
        header[str(cells[r][0])] = cells[r][1]
        r += 1
    if not any(row[0] == "project_id" for n, row in cells.items() if n >= r):
        return None
    return header


@dataclass(frozen=True, slots=True)
class _Shared:
    index: int


def _cell_value(attrs: bytes, body: bytes):
    kind = _CELL_TYPE.search(attrs)
    kind = kind.group(1) if kind else b"n"
    if kind == b"inlineStr":
        return _text(body)
    value = _V_XML.search(body)
    if value is None:
        return ""
    raw = value.group(1)
    if kind == b"s":
        return _Shared(int(raw))
    if kind in (b"str", b"e"):
        return html.unescape(raw.decode("utf-8"))
    if kind == b"b":
        return raw == b"1"
    return float(raw)  # as the value reader gives numbers


def _text(body: bytes) -> str:
    """The text of a string item: its runs joined, phonetic hints left out."""
    body = _PHONETIC.sub(b"", body)
    return html.unescape(b"".join(m.group(1) or b"" for m in _T_XML.finditer(body)).decode("utf-8"))


def _shared_strings(archive: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings up to index ``last``."""
    name = next(n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml"))
    xml = read_part(archive, name)
    out = []
    for m in _SI_XML.finditer(xml):
        out.append(_text(m.group(1) or b""))
        if len(out) > last:
            break
    return out


def read_template_properties(path: Path) -> dict:
    """The metadata header from the workbook's document properties (``{}`` when it has none,
    e.g. a template of an earlier version, or a file saved by a program that drops them)."""
    try:
        with zipfile.ZipFile(path) as archive:
            xml = read_part(archive, "docProps/custom.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    props: dict = {}
    for name, kind, text in _PROPERTY.findall(xml):
        if not name.startswith(PROPERTY_PREFIX):
            continue
        value = html.unescape(text)
        if kind in ("i4", "i8", "int"):
            try:
                value = int(value)
            except ValueError:
                continue
        props[name.removeprefix(PROPERTY_PREFIX)] = value
    if not all(props.get(k) not in (None, "") for k in ("template_id", "unit_id", "period")):
        return {}
    return props
