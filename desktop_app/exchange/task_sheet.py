"""The 「重点任务」 sheet of a unit's template and return: its tasks of the year's list.

Written beside the projects' sheet when the unit has tasks in the year's issued list, read back
by the same rules as the projects' rows: matched by 任务编号 (never by position), the name
checked against the code, every cell parsed with a cell-precise message, a blank cell where a
value was prefilled taken as cleared, conflicts judged against the row as issued. No database
access here: the store's state comes in a ``TaskContext``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from openpyxl.styles import Alignment, Font, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.fields import NAME_LIMIT, REPORT_TEXT_LIMIT
from ..domain.parsing import ParseError, clean_text, is_blank, normalize_text, parse_date
from ..domain.plans import closed_message
from ..domain.task_status import STATES, DueError, parse_due
from .columns import FIRST_DATA_ROW, HEADER_ROW, Column, column_letter
from .template import date_validation, protect_and_fit
from .workbook_safety import ExcelError

TASK_SHEET = "重点任务"
STATE_LIST_NAME = "完成情况列表"
DONE = "已完成"

TASK_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "number", False, 6, ()),
    Column("code", "任务编号", "text", False, 12, ("任务代码", "任务编码")),
    Column("title", "任务", "text", False, 34, ("任务名称", "重点任务", "任务内容"), NAME_LIMIT),
    Column("lead_unit", "牵头单位", "text", False, 14, ("牵头部门",)),
    Column("responsible_units", "责任单位", "text", False, 18, ("责任部门",)),
    Column("due_text", "完成时限", "text", False, 12, ("时限", "完成期限")),
    Column("expected", "预期成果", "text", False, 28, ("预期目标", "工作目标")),
    Column(
        "progress_text", "进展情况", "text", True, 36, ("工作进展", "推进情况"), REPORT_TEXT_LIMIT
    ),
    Column("state", "完成情况", "state", True, 10, ("完成状态",)),
    Column("done_date", "完成时间", "date", True, 12, ("实际完成时间", "完成日期")),
    Column("problems", "存在问题", "text", True, 28, ("问题", "困难问题"), REPORT_TEXT_LIMIT),
)
TASK_BY_KEY = {c.key: c for c in TASK_COLUMNS}
TASK_EDITABLE = tuple(c.key for c in TASK_COLUMNS if c.editable)
# The office's columns an unprotected sheet may have had edited (listed as not imported).
TASK_LOCKED = ("lead_unit", "responsible_units", "due_text", "expected")
# Emptied where a value was prefilled: "none now". 完成情况 describes the task and may not be
# emptied; 完成时间 goes with it (checked together).
TASK_CLEARABLE = frozenset(("progress_text", "problems", "done_date"))

_HEADERS: dict[str, str] = {}
for _c in TASK_COLUMNS:
    for _name in (_c.header, *_c.synonyms):
        _HEADERS.setdefault(_name, _c.key)


def task_header_key(text: object) -> str | None:
    """The task column a header cell names (its header or a synonym), ignoring spaces, brackets'
    width and a required-field star."""
    if text is None:
        return None
    clean = "".join(str(text).split()).replace("(", "（").replace(")", "）").rstrip("*＊")
    return _HEADERS.get(clean)


# -- the template's sheet ---------------------------------------------------------------------


@dataclass(slots=True)
class TaskTemplateRow:
    """One task as issued: the list's columns locked, the report's cells prefilled."""

    task_id: int
    version: int  # the period's record's version (0: none yet)
    values: dict

    def snapshot(self) -> dict:
        snap = {k: _jsonable(self.values.get(k)) for k in TASK_EDITABLE}
        snap["code"] = self.values.get("code")
        snap["title"] = self.values.get("title")
        return snap


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def write_task_sheet(wb, spec, lists) -> None:
    """Add the 「重点任务」 sheet for ``spec.tasks`` (after the projects' sheet) and its list of
    完成情况 on the hidden ``lists`` sheet."""
    from .template import BORDER, FONT, GREY, HEADER_FILL, HEADER_INPUT_FILL, INPUT, put

    for i, state in enumerate(STATES, start=1):
        lists.cell(i, 2, state)
    wb.defined_names[STATE_LIST_NAME] = DefinedName(
        STATE_LIST_NAME, attr_text=f"{lists.title}!$B$1:$B${len(STATES)}"
    )
    ws = wb.create_sheet(TASK_SHEET, 1)
    last = column_letter(len(TASK_COLUMNS) - 1)
    ws.merge_cells(f"A1:{last}1")
    put(
        ws["A1"],
        f"{spec.period.year}年度重点任务推进情况填报表（{spec.period.label} · {spec.unit}）",
    )
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    put(
        ws["A2"],
        f"{spec.period.year}年度重点任务清单中本单位牵头或负责的任务。灰色列由办公室维护，不可修改；"
        f"黄色单元格请填写：完成情况从列表选择（{'/'.join(STATES)}），选「已完成」的须填写完成时间"
        "（例如 2026-09-30）；已解决的问题请清空存在问题。",
    )
    ws["A2"].font = Font(name=FONT, size=10, color="595959")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 30
    for i, col in enumerate(TASK_COLUMNS):
        cell = ws.cell(HEADER_ROW, i + 1)
        put(cell, col.header)
        cell.font = Font(name="黑体", bold=True, color="FFFFFF")
        cell.fill = HEADER_INPUT_FILL if col.editable else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 28
    body = Font(name=FONT, size=10)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(spec.tasks, start=FIRST_DATA_ROW):
        # Not every spreadsheet grows a row for wrapped text: the height the longest cell needs.
        ws.row_dimensions[r].height = 14 * max(
            1, *(_lines(row.values.get(c.key), c.width) for c in TASK_COLUMNS)
        )
        for i, col in enumerate(TASK_COLUMNS):
            cell = ws.cell(r, i + 1)
            value = row.values.get(col.key)
            if value is not None:
                put(cell, value)
            if col.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif col.key == "code":
                cell.number_format = "@"
            cell.font = body
            cell.border = BORDER
            cell.alignment = wrap
            if col.editable:
                cell.fill = INPUT
                cell.protection = Protection(locked=False)
            else:
                cell.fill = GREY
                cell.protection = Protection(locked=True)
    end = FIRST_DATA_ROW + max(len(spec.tasks), 1) - 1
    _task_validations(ws, end)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 4)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{end}"
    protect_and_fit(ws)


def _lines(value: object, width: float) -> int:
    """Lines a value takes wrapped in a column ``width`` characters wide (Chinese: two each)."""
    if value is None:
        return 1
    text = str(value)
    return -(-sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) // max(int(width) - 1, 1))


def _task_validations(ws, end: int) -> None:
    def add(dv: DataValidation, key: str, style: str = "stop") -> None:
        letter = column_letter(next(i for i, c in enumerate(TASK_COLUMNS) if c.key == key))
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{end}")
        dv.showErrorMessage = True  # openpyxl leaves it off, and then Excel accepts anything
        dv.showInputMessage = True
        dv.errorStyle = style
        ws.add_data_validation(dv)

    add(
        DataValidation(
            type="list",
            formula1=STATE_LIST_NAME,
            allow_blank=True,
            errorTitle="完成情况",
            error=f"请从列表中选择：{'/'.join(STATES)}。",
            promptTitle="完成情况",
            prompt="选「已完成」的，请在完成时间中填写完成日期。",
        ),
        "state",
    )
    add(
        date_validation(
            errorTitle="完成时间",
            error="应为日期，例如 2026-09-30。写“2026年9月30日”“2026.9.30”也可以，导入时会识别。",
            promptTitle="完成时间",
            prompt="完成情况为「已完成」时必填，例如 2026-09-30",
        ),
        "done_date",
        "warning",
    )
    for key in ("progress_text", "problems"):
        add(
            DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(REPORT_TEXT_LIMIT),
                allow_blank=True,
                errorTitle="文字过长",
                error=f"请不超过 {REPORT_TEXT_LIMIT} 字。",
            ),
            key,
        )


# -- reading a return's sheet -----------------------------------------------------------------


@dataclass(slots=True)
class TaskChange:
    task_id: int
    code: str
    title: str
    field: str
    old: object
    new: object
    issued: object = None
    cell: str = ""

    @property
    def label(self) -> str:
        return TASK_BY_KEY[self.field].header

    @property
    def key(self) -> tuple[str, str]:
        """How a conflict resolved in favour of the return is named (beside projects' ids)."""
        return (task_key(self.task_id), self.field)


def task_key(task_id: int) -> str:
    return f"任务:{task_id}"


@dataclass(slots=True)
class TaskRowResult:
    row: int  # 1-based sheet row
    task_id: int | None
    code: str
    title: str
    values: dict = field(default_factory=dict)  # field -> value typed (None: blank)
    changes: list[TaskChange] = field(default_factory=list)
    conflicts: list[TaskChange] = field(default_factory=list)
    errors: list = field(default_factory=list)  # CellError
    # The period's record does not exist yet and the row keeps what was prefilled from an
    # earlier period's: written as this period's record all the same (the unit reported).
    carried: bool = False
    base: dict = field(default_factory=dict)  # the values now for the period (what it changes)


@dataclass(slots=True)
class TaskContext:
    """What a task sheet is checked against (read by the store with the return's state)."""

    year: int
    period: str
    unit: str
    template_id: str | None
    lines: dict  # code -> TaskLine of the unit's list
    codes: dict  # every task: code -> (id, title)
    states: dict  # task id -> TaskNow
    issued: dict  # task id -> IssuedTask
    today: date
    closed: dict = field(default_factory=dict)  # task id -> its closed plan's title


_NOTE = re.compile(
    r"(合\s*计|小\s*计|总\s*计|备注|说明|填报人|填表人|制表人?|联系人|联系电话|审核人"
    r"|(单位)?负责人|填报单位|填报日期|注)(\s|[:：（(、]|$)"
)


def find_task_header(rows: list[list]) -> tuple[int, dict[str, int]]:
    best: tuple[int, dict[str, int]] = (-1, {})
    for r in range(min(15, len(rows))):
        cols: dict[str, int] = {}
        for c, value in enumerate(rows[r]):
            key = task_header_key(value)
            if key is not None and key not in cols:
                cols[key] = c
        if len(cols) > len(best[1]):
            best = (r, cols)
    return best


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _loose(text: object) -> str:
    return "".join(normalize_text(text).split())


def _text_value(col: Column, raw: object) -> str | None:
    if isinstance(raw, ExcelError):
        raise ParseError(raw.reason)
    if type(raw) is float and raw.is_integer():
        raw = int(raw)
    text = clean_text(raw)
    if text is not None and col.max_length and len(text) > col.max_length:
        raise ParseError(f"共 {len(text)} 字，超过 {col.max_length} 字的上限")
    return text


def _state_value(col: Column, raw: object) -> str | None:
    if isinstance(raw, ExcelError):
        raise ParseError(raw.reason)
    text = "".join(normalize_text(raw).split())
    if text in STATES:
        return text
    raise ParseError(f"「{_shown(raw)}」不是可选的完成情况，请从列表中选择：{'/'.join(STATES)}")


def _date_value(col: Column, raw: object) -> date | None:
    if type(raw) is date:
        return raw
    if isinstance(raw, ExcelError):
        raise ParseError(raw.reason)
    return parse_date(raw, month_end=True)


_PARSERS = {"text": _text_value, "state": _state_value, "date": _date_value}


def parse_task_sheet(preview, sheet: str, rows: list[list], ctx: TaskContext, cell_error) -> None:
    """Read the task rows of ``rows`` into ``preview.tasks`` (errors, hints and edits not
    imported into the preview's lists); ``cell_error`` builds the preview's ``CellError``."""
    header, cols = find_task_header(rows)
    if "code" not in cols:
        preview.errors.append(
            cell_error(
                sheet,
                "",
                "任务编号",
                "",
                f"工作表「{sheet}」的前 15 行中找不到「任务编号」列标题：无法核对各行是哪项任务。"
                "请使用办公室下发的模板，不要删除或改写表头。",
            )
        )
        return
    letters = {k: column_letter(c) for k, c in cols.items()}
    width = max(cols.values()) + 1
    seen: dict[int, int] = {}
    past = 0
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if len(row) < width:
            row = list(row) + [""] * (width - len(row))
        excel_row = r + 1
        raw_code = row[cols["code"]]
        if isinstance(raw_code, ExcelError):
            ref = f"{letters['code']}{excel_row}"
            preview.errors.append(
                cell_error(
                    sheet, ref, "任务编号", raw_code, f"{sheet}!{ref} 任务编号{raw_code.reason}"
                )
            )
            continue
        code = "" if is_blank(raw_code) else normalize_text(_shown(raw_code))
        typed_title = row[cols["title"]] if "title" in cols else None
        if not code:
            title = "" if is_blank(typed_title) else normalize_text(typed_title)
            filled = [k for k in TASK_EDITABLE if k in cols and not is_blank(row[cols[k]])]
            if (not title and not filled) or _NOTE.match(title):
                continue  # blank rows and notes under the list
            ref = f"{letters['code']}{excel_row}"
            preview.errors.append(
                cell_error(
                    sheet,
                    ref,
                    "任务编号",
                    "",
                    f"{sheet}!{ref} 第 {excel_row} 行没有任务编号。重点任务由办公室列入年度清单，"
                    "报送表中不能新增；请删除这一行，或填写清单中的任务编号。",
                )
            )
            continue
        if _NOTE.match(code):
            continue
        found = ctx.codes.get(code)
        line = ctx.lines.get(code)
        task_id = found[0] if found else None
        result = TaskRowResult(excel_row, task_id, code, found[1] if found else _shown(typed_title))
        preview.tasks.append(result)
        ref = f"{letters['code']}{excel_row}"
        if found is None:
            reason = f"任务编号「{code}」不存在。请核对编号，不要修改模板中的任务编号。"
        elif task_id in ctx.closed:
            reason = closed_message(f"重点任务「{code} {found[1]}」", ctx.closed[task_id])
        elif line is None:
            reason = (
                f"任务「{code} {found[1]}」不在「{ctx.unit}」{ctx.year}年度重点任务清单的任务中"
                "（本单位不是该任务的牵头或责任单位），不能由该单位报送。请核对编号。"
            )
        else:
            reason = None
        if reason:
            result.errors.append(
                cell_error(sheet, ref, "任务编号", code, f"{sheet}!{ref} {reason}")
            )
            continue
        issued = ctx.issued.get(task_id)
        snapshot = issued.snapshot if issued else {}
        # The name first: a code typed over with another task's is named as such, not as a
        # second row of that task.
        if not is_blank(typed_title):
            problem = _title_problem(typed_title, found[1], code, snapshot)
            if problem:
                tref = f"{letters['title']}{excel_row}"
                result.errors.append(
                    cell_error(
                        sheet, tref, "任务", _shown(typed_title), f"{sheet}!{tref} {problem}"
                    )
                )
                continue
        if task_id in seen:
            reason = f"任务「{code}」在第 {seen[task_id]} 行已出现，同一任务只能填一行。"
            result.errors.append(
                cell_error(sheet, ref, "任务编号", code, f"{sheet}!{ref} {reason}")
            )
            continue
        seen[task_id] = excel_row
        now = ctx.states.get(task_id)
        _read_task_row(preview, sheet, result, row, cols, letters, now, snapshot, ctx, cell_error)
        if now is not None and now.later and not result.errors:
            past += 1
        if not getattr(rows, "protected", False):
            _locked_task_edits(preview, sheet, row, cols, excel_row, line)
    if past:
        preview.notes.append(
            f"「{sheet}」中 {past} 项任务在 {ctx.period} 之后已有报送：只更新这些任务 "
            f"{ctx.period} 的记录，不改变之后各期的记录。"
        )


def _title_problem(typed: object, title: str, code: str, snapshot: dict) -> str | None:
    if isinstance(typed, ExcelError):
        return f"任务名称{typed.reason}。"
    loose = _loose(typed)
    if loose == _loose(title) or (snapshot.get("title") and loose == _loose(snapshot["title"])):
        return None
    return (
        f"任务编号「{code}」是任务「{title}」，而本行的任务是「{_shown(typed)}」，编号与任务不符"
        "（可能编号被改动，或行被错位）。请核对这一行的任务编号和任务名称，改正后重新报送。"
    )


def _read_task_row(preview, sheet, result, row, cols, letters, now, snapshot, ctx, cell_error):
    """Parse a task row's cells and diff them against the task's report for the period."""
    base = dict(now.values) if now is not None else dict.fromkeys(TASK_EDITABLE)
    result.base = base
    own_template = now is not None and ctx.template_id and now.record_template == ctx.template_id
    row_no = str(result.row)
    typed: dict = {}
    blank: set[str] = set()  # the cells left empty in the file
    for key in TASK_EDITABLE:
        if key not in cols:
            typed[key] = base.get(key)  # a column dropped: nothing reported there
            continue
        col = TASK_BY_KEY[key]
        raw = row[cols[key]]
        ref = letters[key] + row_no
        old = base.get(key)
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            blank.add(key)
            prefilled = snapshot.get(key)
            if prefilled is None:
                # Nothing was prefilled there (or no record of the issue): not reported.
                typed[key] = old
                continue
            if key not in TASK_CLEARABLE:
                result.errors.append(
                    cell_error(
                        sheet,
                        ref,
                        col.header,
                        "",
                        f"{sheet}!{ref} {col.header}原为「{_shown(prefilled)}」，报送表中被清空。"
                        f"{col.header}不能清空：请从列表中选择（{'/'.join(STATES)}）。",
                    )
                )
                typed[key] = old
                continue
            value = None
        else:
            try:
                value = _PARSERS[col.kind](col, raw)
            except ParseError as exc:
                result.errors.append(
                    cell_error(
                        sheet,
                        ref,
                        col.header,
                        _shown(raw),
                        f"{sheet}!{ref} {col.header}{exc.reason}",
                    )
                )
                typed[key] = old
                continue
        typed[key] = value
    if typed.get("state") not in (None, DONE) and "done_date" in blank:
        # A 完成时间 goes with 已完成 only: the cell left empty beside another state means none
        # (a unit correcting an 已完成 sent by mistake), whatever was reported before.
        typed["done_date"] = None
    _check_done(sheet, result, typed, letters, ctx, cell_error)
    if result.errors:
        return
    result.values = typed
    for key in TASK_EDITABLE:
        if key not in cols:
            continue
        value, old = typed[key], base.get(key)
        if value == old:
            continue
        change = TaskChange(
            result.task_id, result.code, result.title, key, old, value, None, letters[key] + row_no
        )
        if key in snapshot:
            issued = snapshot[key]
            if key == "done_date" and isinstance(issued, str):
                issued = date.fromisoformat(issued)
            change.issued = issued
            if value == issued and not own_template:
                continue  # left as issued: the database's later value stands
            if old != issued and not own_template:
                result.conflicts.append(change)
                continue
        result.changes.append(change)
        if key == "state" and old == DONE and value != DONE:
            preview.hints.append(
                cell_error(
                    sheet,
                    change.cell,
                    "完成情况",
                    value,
                    f"{sheet}!{change.cell} 任务「{result.code}」的完成情况由「已完成」改为「{value}」，请确认。",
                )
            )
    _late_hint(preview, sheet, result, ctx, cell_error)
    has_record = now is not None and now.record_id is not None
    if not has_record and not result.changes and any(v is not None for v in typed.values()):
        result.carried = True
    text = typed.get("progress_text")
    written = result.changes or result.carried
    if (
        written
        and text
        and now is not None
        and now.from_period
        and now.from_period < ctx.period
        and text == now.values.get("progress_text")
    ):
        ref = letters.get("progress_text", "") + row_no
        preview.hints.append(
            cell_error(
                sheet,
                ref,
                "进展情况",
                text,
                f"{sheet}!{ref} 任务「{result.code}」的进展情况与 {now.from_period} 的报送完全相同，"
                "请确认本期进展是否已更新。",
            )
        )


def _late_hint(preview, sheet, result, ctx, cell_error) -> None:
    """A 完成时间 reported after the task's 完成时限: pointed out (it counts as done late)."""
    change = next((c for c in result.changes if c.field == "done_date" and c.new), None)
    line = ctx.lines.get(result.code)
    if change is None or line is None:
        return
    try:
        due = parse_due(line.due_text, ctx.year)
    except DueError:
        return
    if due.day is not None and change.new > due.day:
        preview.hints.append(
            cell_error(
                sheet,
                change.cell,
                "完成时间",
                change.new.isoformat(),
                f"{sheet}!{change.cell} 任务「{result.code}」的完成时间 {change.new.isoformat()} 晚于"
                f"完成时限「{line.due_text or '年底前'}」（{due.day.isoformat()}），将计为逾期完成，请确认。",
            )
        )


def _check_done(sheet, result, typed, letters, ctx, cell_error) -> None:
    """完成时间 goes with 已完成: required with it, refused without it, never in the future."""
    state, done = typed.get("state"), typed.get("done_date")
    ref = letters.get("done_date", letters.get("state", "")) + str(result.row)
    if any(e.field in ("完成情况", "完成时间") for e in result.errors):
        return
    if state == DONE and done is None:
        message = "完成情况为「已完成」，须填写完成时间（例如 2026-09-30）。"
    elif done is not None and state != DONE:
        message = (
            f"填写了完成时间 {done.isoformat()}，但完成情况是「{state or '（空）'}」："
            "任务已完成的请将完成情况选为「已完成」，未完成的请清空完成时间。"
        )
    elif done is not None and done > ctx.today:
        message = (
            f"完成时间 {done.isoformat()} 晚于今天（{ctx.today.isoformat()}）：尚未完成的任务"
            "请选择「推进中」，不填完成时间。"
        )
    else:
        return
    shown = done.isoformat() if done else ""
    result.errors.append(cell_error(sheet, ref, "完成时间", shown, f"{sheet}!{ref} {message}"))


def _locked_task_edits(preview, sheet, row, cols, excel_row, line) -> None:
    for key in TASK_LOCKED:
        if key not in cols:
            continue
        raw, now = row[cols[key]], getattr(line, key)
        if (is_blank(raw) and not now) or (
            not is_blank(raw) and now and _loose(raw) == _loose(now)
        ):
            continue
        shown = "（空）" if is_blank(raw) else _shown(raw)
        preview.not_imported.append(
            f"{sheet}!{column_letter(cols[key])}{excel_row} {TASK_BY_KEY[key].header}"
            f"「{now or '（空）'}」改为「{shown}」"
        )


def task_record(result: TaskRowResult, take_return) -> dict | None:
    """The period's record a valid row leaves (``None``: nothing to write): the values now,
    with the row's changes and the conflicts the user decided for the return."""
    chosen = result.changes + [c for c in result.conflicts if c.key in take_return]
    if not chosen and not result.carried:
        return None
    record = dict(result.base)
    if result.carried:
        record.update(result.values)
    for change in chosen:
        record[change.field] = change.new
    return record
