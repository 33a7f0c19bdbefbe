"""年度清单 in Excel, in the form offices circulate it: 序号, 任务/项目, 牵头单位, 责任单位, 完成时限,
预期成果 (and for projects 年度计划投资, 形象进度目标, 目标阶段), section heading rows by 领域, A3
landscape. The same file comes back after edits (Excel, WPS, LibreOffice, .xls), and so does a
list in the office's own layout, its columns found by their headers or a mapping.

Reading never writes: ``read_list`` gives a preview (rows, what each changes, errors naming file,
sheet, cell and field); ``services.annual.apply_import`` writes it in one transaction.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins

from ..domain.errors import UserError
from ..domain.fields import STAGES
from ..domain.money import plain_number
from ..domain.parsing import (
    ParseError,
    clean_text,
    is_blank,
    normalize_text,
    parse_choice,
    parse_int,
    parse_money,
)
from ..domain.plans import closed_entry_message
from ..domain.task_status import DueError, parse_due
from ..domain.unit_names import UnitNames
from ..saving import check_target, save_file
from ..store import Store
from ..store import annual as astore
from ..store.projects import project_names
from ..store.tasks import task_titles
from ..store.units import list_units, merged_into
from .cell_text import cell_text
from .columns import column_letter
from .register_import import header_unit, name_key, similar_key
from .return_import import NOTE_WORDS, CellError, file_sha256, find_header, open_values, sheet_rows
from .workbook_safety import check_workbook

MAPPING_SETTING = "annual_list_import_mapping"
SHEET = "年度清单"


@dataclass(frozen=True, slots=True)
class ListField:
    key: str
    label: str
    synonyms: tuple[str, ...]
    width: float = 12


LIST_FIELDS: tuple[ListField, ...] = (
    ListField("seq", "序号", ("序号", "序", "编号"), 6),
    ListField(
        "name",
        "任务/项目",
        (
            "任务/项目",
            "任务（项目）",
            "重点任务（项目）",
            "重点任务",
            "任务名称",
            "项目名称",
            "工作任务",
            "重点工作",
            "任务内容",
            "工作内容",
            "任务",
            "项目",
            "名称",
        ),
        40,
    ),
    ListField("lead", "牵头单位", ("牵头单位", "牵头部门", "牵头责任单位", "牵头"), 16),
    ListField("responsible", "责任单位", ("责任单位", "责任部门", "参与单位"), 24),
    ListField("supporting", "配合单位", ("配合单位", "配合部门"), 16),
    ListField("due", "完成时限", ("完成时限", "时限", "完成时间", "时间节点", "完成期限"), 12),
    ListField(
        "expected",
        "预期成果",
        ("预期成果", "预期目标", "工作目标", "年度目标", "目标任务", "工作成效"),
        36,
    ),
    ListField(
        "investment",
        "年度计划投资（万元）",
        ("年度计划投资", "年度投资", "年度投资计划", "计划投资"),
        12,
    ),
    ListField(
        "image",
        "形象进度目标",
        ("形象进度目标", "年度形象进度", "形象进度", "年度形象进度目标"),
        28,
    ),
    ListField("stage", "目标阶段", ("目标阶段", "年底目标阶段", "年末目标阶段"), 9),
    ListField("code", "编码", ("编码", "任务编码", "项目编码", "代码"), 12),
)
FIELDS_BY_KEY = {f.key: f for f in LIST_FIELDS}
# The columns of the exported list, in order (配合单位 only when some entry has one).
EXPORT_KEYS = (
    "seq",
    "name",
    "lead",
    "responsible",
    "due",
    "expected",
    "investment",
    "image",
    "stage",
    "code",
)
_HEADER_UNIT = re.compile(r"[（(](亿元|万元|元)[）)]")
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[部分章类]、?)\s*"
)
_NOTE_ROW = re.compile(NOTE_WORDS)
_SPLIT = re.compile(r"[、，,；;/\s]+")
_CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (heading numbers)."""
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    if n < 20:
        return "十" + _CN_NUMBERS[n - 11]
    tens, ones = divmod(n, 10)
    return _CN_NUMBERS[tens - 1] + "十" + (_CN_NUMBERS[ones - 1] if ones else "")


def _field_key(text: object) -> str | None:
    if is_blank(text):
        return None
    clean = _HEADER_UNIT.sub("", "".join(normalize_text(text).split()))
    clean = clean.replace("(", "（").replace(")", "）").rstrip("*＊")
    for f in LIST_FIELDS:
        if clean in f.synonyms or clean == f.label:
            return f.key
    return None


def _key_with(saved: dict[str, str | None]):
    def key_of(text: object) -> str | None:
        if is_blank(text):
            return None
        for form in (clean_text(text), normalize_text(text)):
            if form in saved:
                return saved[form]
        return _field_key(text)

    return key_of


# -- export ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F2")
_GROUP_FILL = PatternFill("solid", fgColor="EEF2F7")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def grouped(items: list[astore.AnnualItem]) -> list[tuple[str | None, list[astore.AnnualItem]]]:
    """The list's entries under their headings, in the list's order (a heading that comes back
    later in the order starts a new group: what is printed is what is stored)."""
    groups: list[tuple[str | None, list]] = []
    for item in items:
        if not groups or groups[-1][0] != item.heading:
            groups.append((item.heading, []))
        groups[-1][1].append(item)
    return groups


def issue_line(lst: astore.AnnualList) -> str:
    if lst.issued_at:
        return f"文号：{lst.doc_no or ''}    印发日期：{lst.issued_at}"
    return "（草稿，未印发）"


def export_list(store: Store, year: int, out: Path) -> Path:
    """Write ``year``'s list to ``out`` as the office circulates it (A3 landscape)."""
    from ..services.annual import require_list

    check_target(Path(out), kind=".xlsx")
    lst = require_list(store, year)
    items = astore.list_items(store, year)
    keys = list(EXPORT_KEYS)
    if any(i.supporting for i in items):
        keys.insert(keys.index("responsible") + 1, "supporting")
    ncols = len(keys)
    last = column_letter(ncols - 1)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([lst.title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([issue_line(lst)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.append([FIELDS_BY_KEY[k].label for k in keys])
    for c in range(ncols):
        cell = ws.cell(3, c + 1)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[column_letter(c)].width = FIELDS_BY_KEY[keys[c]].width
    row = 3
    for n, (heading, group) in enumerate(grouped(items), start=1):
        row += 1
        ws.cell(row, 1, cell_text(f"{cn_number(n)}、{heading or '未分类'}"))
        ws.merge_cells(f"A{row}:{last}{row}")
        for c in range(ncols):
            cell = ws.cell(row, c + 1)
            cell.font = Font(bold=True)
            cell.fill = _GROUP_FILL
            cell.border = _BORDER
        for item in group:
            row += 1
            values = _row_values(item)
            for c, key in enumerate(keys):
                value = values.get(key)
                cell = ws.cell(row, c + 1, cell_text(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # text starting with "=" stays text
                cell.border = _BORDER
                cell.alignment = _CENTER if key in ("seq", "due", "stage") else _WRAP
                if key == "investment" and value is not None:
                    cell.number_format = "#,##0.00##"
                    cell.alignment = Alignment(vertical="center", horizontal="right")
                if key == "code":
                    cell.font = Font(color="808080")
                    cell.number_format = "@"
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    return save_file(Path(out), wb.save, kind=".xlsx")


def _row_values(item: astore.AnnualItem) -> dict:
    project = item.kind == "项目"
    return {
        "seq": item.seq,
        "name": item.name,
        "lead": item.lead,
        "responsible": "、".join(item.responsible) or None,
        "supporting": "、".join(item.supporting) or None,
        "due": item.due_text,
        "expected": None if project else item.expected,
        "investment": item.planned_investment if project else None,
        "image": item.expected if project else None,
        "stage": item.target_stage if project else None,
        "code": item.code,
    }


# -- import ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ListRow:
    """One entry as the file has it, matched to a task or project (or a new task)."""

    row: int  # sheet row (1-based)
    name: str
    heading: str | None
    kind: str | None = None  # 任务 / 项目 (None: unmatched)
    task_id: int | None = None
    project_id: str | None = None
    code: str | None = None
    new_task: bool = False
    item_id: int | None = None  # the entry of the year's list it updates (None: added)
    values: dict = field(
        default_factory=dict
    )  # expected, due_text, due_date, stage, investment, lead, responsible, supporting
    changes: list[str] = field(default_factory=list)  # what changes, in words
    errors: list[CellError] = field(default_factory=list)
    similar: list[tuple[str, str]] = field(default_factory=list)  # (code, name) candidates

    @property
    def key(self) -> tuple[str, object] | None:
        if self.task_id is not None:
            return ("task", self.task_id)
        if self.project_id is not None:
            return ("project", self.project_id)
        if self.new_task:
            return ("new", name_key(self.name))
        return None

    @property
    def action(self) -> str:
        if self.errors:
            return "有错误"
        if self.new_task:
            return "新增任务"
        if self.item_id is None:
            return "加入清单"
        return "修改" if self.changes else "不变"


@dataclass(slots=True)
class ListPreview:
    path: Path
    file_name: str
    sha256: str
    sheet: str
    year: int
    title: str | None
    mapping: dict[int, str]
    headers: dict[int, str]
    rows: list[ListRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)  # (item id, name) not in the file
    reordered: bool = False
    list_exists: bool = False
    title_change: tuple[str, str] | None = None
    # The list as read (item id -> version): the apply refuses when it changed since.
    versions: dict[int, int] = field(default_factory=dict)

    @property
    def all_errors(self) -> list[CellError]:
        return self.errors + [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        actions = [r.action for r in self.rows]
        return {
            "added": actions.count("加入清单"),
            "new_tasks": actions.count("新增任务"),
            "changed": actions.count("修改"),
            "unchanged": actions.count("不变"),
            "removed": len(self.removed),
            "errors": len(self.all_errors),
        }

    def summary(self) -> str:
        c = self.counts()
        text = (
            f"{self.year} 年清单：加入 {c['added']} 项，新增任务 {c['new_tasks']} 项，"
            f"修改 {c['changed']} 项，不变 {c['unchanged']} 项，移出 {c['removed']} 项"
        )
        if self.reordered:
            text += "，顺序按文件调整"
        return text + "。"


def _where(preview: ListPreview, ref: str) -> str:
    return f"「{preview.file_name}」工作表「{preview.sheet}」{ref} 单元格"


def _error(
    preview: ListPreview, row: int, col: int | None, label: str, value, text: str
) -> CellError:
    ref = f"{column_letter(col)}{row}" if col is not None else f"第 {row} 行"
    where = (
        _where(preview, ref)
        if col is not None
        else f"「{preview.file_name}」工作表「{preview.sheet}」{ref}"
    )
    shown = "" if is_blank(value) else str(value)
    return CellError(preview.sheet, ref, label, shown, f"{where}（{label}）：{text}")


def _year_of(title: str | None) -> int | None:
    match = re.search(r"(20\d{2})\s*年", title or "")
    return int(match.group(1)) if match else None


def read_list(
    store: Store,
    path: Path,
    *,
    year: int | None = None,
    mapping: dict[str, str | None] | None = None,
    choices: dict[int, str | None] | None = None,
) -> ListPreview:
    """Read a year's list from ``path`` and compare it with the database (read only).

    ``mapping`` (header text -> field key, None to ignore a column) corrects the columns found
    by their headers, on top of the saved mapping. ``choices`` answers rows whose name is close
    to a task's or project's without being it: ``sheet row -> code`` takes that one,
    ``sheet row -> None`` makes the row a new task.
    """
    path = Path(path)
    check_workbook(path)
    saved = {**(store.get_setting(MAPPING_SETTING, {}) or {}), **(mapping or {})}
    key_of = _key_with(saved)
    book = open_values(path)
    try:
        chosen = None
        for sheet in book.sheet_names:
            if sheet.startswith("_"):
                continue
            rows = sheet_rows(book, sheet, path.name)
            header, cols = find_header(rows, key_of)
            rank = ("name" in cols, len(cols))
            if chosen is None or rank > chosen[0]:
                chosen = (rank, sheet, rows, header, cols)
    finally:
        book.close()
    if chosen is None or not chosen[4]:
        raise UserError(
            f"「{path.name}」中找不到年度清单的表头：前 15 行里没有「任务/项目」「重点任务」或「项目名称」列。"
            "请确认这是年度清单；列标题不同时，请用列对应指定（命令行 --map 表头=字段）。"
        )
    _, sheet, rows, header, cols = chosen
    if not any(key_of(v) for v in rows[header]) and header + 1 < len(rows):
        # A title row right over the header row (no empty row between) was taken for the top
        # of a two-row header: the header is the row below it.
        header += 1
        cols = {}
        for c, v in enumerate(rows[header]):
            key = key_of(v)
            if key is not None and key not in cols:
                cols[key] = c
    title = next(
        (clean_text(v) for r in rows[:header] for v in r if not is_blank(v) and _year_of(str(v))),
        None,
    )
    if year is not None and _year_of(title) not in (None, year):
        raise UserError(
            f"「{path.name}」的标题是「{title}」，是 {_year_of(title)} 年的清单，"
            f"不能导入到 {year} 年。请选择 {_year_of(title)} 年后再导入，或改正文件标题。"
        )
    if year is None:
        year = _year_of(title)
        if year is None:
            raise UserError(
                f"「{path.name}」的标题中没有年度（如「2026年」），无法确定是哪一年的清单。"
                "请指定年度（命令行 --year 2026）。"
            )
    headers = {c: str(clean_text(v)) for c, v in enumerate(rows[header]) if not is_blank(v)}
    preview = ListPreview(
        path,
        path.name,
        file_sha256(path),
        sheet,
        year,
        title,
        {c: k for k, c in cols.items()},
        headers,
    )
    unmapped = [
        f"「{h}」（{column_letter(c)} 列）" for c, h in headers.items() if c not in preview.mapping
    ]
    if unmapped:
        preview.notes.append(
            f"以下列未导入：{'、'.join(unmapped)}。如需导入，请指定对应的字段（命令行 --map 表头=字段）。"
        )
    if "name" not in cols:
        preview.errors.append(
            CellError(
                sheet,
                "",
                "任务/项目",
                "",
                f"「{path.name}」工作表「{sheet}」中找不到「任务/项目」列（重点任务、任务名称、项目名称）。"
                "请在列对应中指定任务或项目名称所在的列（命令行 --map 表头=任务/项目）。",
            )
        )
        return preview
    if "lead" not in cols:
        preview.errors.append(
            CellError(
                sheet,
                "",
                "牵头单位",
                "",
                f"「{path.name}」工作表「{sheet}」中找不到「牵头单位」列。请在列对应中指定牵头单位所在的列。",
            )
        )
    if "due" not in cols:
        preview.errors.append(
            CellError(
                sheet,
                "",
                "完成时限",
                "",
                f"「{path.name}」工作表「{sheet}」中找不到「完成时限」列。请在列对应中指定完成时限所在的列。",
            )
        )
    start = header + 1
    if (
        start < len(rows)
        and any(key_of(v) for v in rows[start])
        and not any(isinstance(v, (int, float, date)) for v in rows[start])
    ):
        start += 1  # a second header row
    _parse(store, preview, rows, start, cols, choices or {})
    _diff(store, preview)
    return preview


def _parse(store, preview: ListPreview, rows, start: int, cols: dict[str, int], choices) -> None:
    tasks = task_titles(store)
    projects = project_names(store)
    by_code = {t["code"]: ("任务", t["id"], t["code"], t["title"]) for t in tasks}
    by_code.update({p["code"]: ("项目", p["id"], p["code"], p["name"]) for p in projects})
    # The plan worked on (and what the year's list holds already): a name is matched among
    # these only; a code of another plan's task or project is refused on its row.
    allowed = {("task" if c.kind == "任务" else "project", c.id) for c in astore.candidates(store)}
    allowed |= {i.key for i in astore.list_items(store, preview.year)}
    by_name: dict[str, list] = {}
    by_similar: dict[str, list] = {}
    for kind, key, code, name in by_code.values():
        if ("task" if kind == "任务" else "project", key) not in allowed:
            continue
        by_name.setdefault(name_key(name), []).append((kind, key, code, name))
        by_similar.setdefault(similar_key(name), []).append((kind, key, code, name))
    units = list_units(store)
    by_id = {u.id: u for u in units}
    merged = merged_into(store)
    names = UnitNames(units)
    all_names = [u.name for u in units if u.active]

    def unit(row: int, col: int, label: str, typed: str):
        found = names.find(typed)
        if found is not None and merged.get(found.id) in by_id:
            found = by_id[merged[found.id]]
        if found is None:
            close = difflib.get_close_matches(typed, all_names, n=3, cutoff=0.5)
            hint = f"是否指{'、'.join(f'「{n}」' for n in close)}？" if close else ""
            return None, _error(
                preview,
                row,
                col,
                label,
                typed,
                f"单位「{typed}」不在单位名单中。{hint}请改为单位管理中的名称，或先在单位管理中新增该单位。",
            )
        if not found.active:
            return None, _error(
                preview,
                row,
                col,
                label,
                typed,
                f"单位「{found.name}」已停用，请改为现在负责的单位。",
            )
        return found, None

    heading: str | None = None
    last_seq: int | None = None
    seen: dict[tuple, int] = {}

    def cell(values: list, key: str):
        c = cols.get(key)
        return values[c] if c is not None and c < len(values) else None

    for r in range(start, len(rows)):
        values = list(rows[r])
        sheet_row = r + 1
        filled = [v for v in values if not is_blank(v)]
        if not filled:
            continue
        texts = {normalize_text(v) for v in filled}
        name_raw = cell(values, "name")
        first = normalize_text(filled[0])
        if _NOTE_ROW.match(first) and is_blank(cell(values, "lead")):
            preview.notes.append(f"第 {sheet_row} 行「{first[:30]}」是说明文字，未导入。")
            continue
        if (
            len(texts) == 1
            and (len(filled) > 1 or is_blank(name_raw) or _NUMBERED.match(first))
            and not isinstance(filled[0], (int, float))
        ):
            heading = _NUMBERED.sub("", first).strip() or first
            last_seq = None
            continue
        name = clean_text(name_raw)
        lr = ListRow(sheet_row, name or "", heading)
        preview.rows.append(lr)
        if len(filled) == 1 and name:
            # Only a name: a heading written in the name column, or an entry not filled in.
            # Either way it is not guessed.
            lr.errors.append(
                _error(
                    preview,
                    sheet_row,
                    cols["name"],
                    "任务/项目",
                    name,
                    f"这一行只有「{name}」一项文字。如果是分组标题，请在前面加编号（如「一、{name}」）"
                    "或写在序号列；如果是任务或项目，请填写牵头单位和完成时限。",
                )
            )
            continue
        if not name:
            lr.errors.append(
                _error(
                    preview,
                    sheet_row,
                    cols["name"],
                    "任务/项目",
                    "",
                    "名称为空：请填写任务或项目名称，或删除这一行。",
                )
            )
            continue
        # 序号: increasing under each heading; a file sorted in Excel breaks it (its heading
        # rows no longer stand over their entries).
        seq_raw = cell(values, "seq")
        try:
            seq = parse_int(seq_raw)
        except ParseError:
            seq = None
        if seq is not None:
            if last_seq is not None and seq <= last_seq:
                lr.errors.append(
                    _error(
                        preview,
                        sheet_row,
                        cols["seq"],
                        "序号",
                        seq_raw,
                        f"序号 {seq} 排在序号 {last_seq} 之后：表格的行顺序被打乱（可能按某列排序过），"
                        "分组标题与任务已对应不上。请撤销排序、恢复原来的行顺序后再导入。",
                    )
                )
            last_seq = seq
        _match(preview, lr, cell(values, "code"), cols, by_code, by_name, by_similar, choices)
        if lr.key is not None and not lr.new_task and lr.key not in allowed:
            other = astore.plan_of_entry(store, lr.kind, lr.task_id or lr.project_id)
            where = f"属于规划「{other[1]}」，" if other else ""
            lr.errors.append(
                _error(
                    preview,
                    sheet_row,
                    cols.get("code", cols["name"]),
                    "编码",
                    lr.code or name,
                    f"{lr.kind}「{lr.code} {name}」{where}不是当前规划的{lr.kind}，不能列入本年清单。"
                    "请删除这一行，或先在“规划”页选择它所属的规划。",
                )
            )
            continue
        if lr.key is not None:
            if lr.key in seen:
                lr.errors.append(
                    _error(
                        preview,
                        sheet_row,
                        cols["name"],
                        "任务/项目",
                        name,
                        f"「{name}」在第 {seen[lr.key]} 行已经列过，同一任务或项目在清单中只能出现一次。请删除重复的一行。",
                    )
                )
            else:
                seen[lr.key] = sheet_row
        _read_values(preview, lr, values, cols, unit)


def _match(preview, lr: ListRow, code_raw, cols, by_code, by_name, by_similar, choices) -> None:
    code = clean_text(code_raw)
    if code:
        hit = by_code.get(code)
        if hit is None:
            lr.errors.append(
                _error(
                    preview,
                    lr.row,
                    cols.get("code"),
                    "编码",
                    code,
                    f"编码「{code}」不是已有任务或项目的编码。新增的任务请清空编码；项目请先在项目库中新增。",
                )
            )
            return
        _take(lr, hit)
        return
    if lr.row in choices:
        chosen = choices[lr.row]
        if chosen is None:
            lr.new_task = True
            lr.kind = "任务"
            return
        hit = by_code.get(chosen)
        if hit is None:
            lr.errors.append(
                _error(
                    preview,
                    lr.row,
                    cols["name"],
                    "任务/项目",
                    lr.name,
                    f"指定的编码「{chosen}」不存在。",
                )
            )
            return
        _take(lr, hit)
        return
    hits = by_name.get(name_key(lr.name), [])
    if len(hits) == 1:
        _take(lr, hits[0])
        return
    if len(hits) > 1:
        lr.similar = [(h[2], h[3]) for h in hits]
        lr.errors.append(
            _error(
                preview,
                lr.row,
                cols["name"],
                "任务/项目",
                lr.name,
                f"「{lr.name}」同名的有 {len(hits)} 个（{'、'.join(h[2] for h in hits)}）。"
                "请在编码列填写其中一个的编码（命令行 --match 行号=编码）。",
            )
        )
        return
    similar = by_similar.get(similar_key(lr.name), [])
    if similar:
        lr.similar = [(h[2], h[3]) for h in similar]
        lr.errors.append(
            _error(
                preview,
                lr.row,
                cols["name"],
                "任务/项目",
                lr.name,
                f"「{lr.name}」与已有的{'、'.join(f'{h[0]}「{h[3]}」（{h[2]}）' for h in similar)}相近但不相同。"
                "请确认：是同一个，就改成相同名称或指定编码（命令行 --match 行号=编码）；"
                "是新的任务，就用 --new 行号。",
            )
        )
        return
    lr.new_task = True
    lr.kind = "任务"


def _take(lr: ListRow, hit: tuple) -> None:
    kind, key, code, _name = hit
    lr.kind, lr.code = kind, code
    if kind == "任务":
        lr.task_id = key
    else:
        lr.project_id = key


def _read_values(preview: ListPreview, lr: ListRow, values: list, cols, unit) -> None:
    def raw(key: str):
        c = cols.get(key)
        return values[c] if c is not None and c < len(values) else None

    def err(key: str, value, text: str) -> None:
        lr.errors.append(
            _error(preview, lr.row, cols.get(key), FIELDS_BY_KEY[key].label, value, text)
        )

    project_fields = [k for k in ("investment", "image", "stage") if not is_blank(raw(k))]
    if lr.new_task and project_fields and not lr.errors:
        lr.new_task = False
        lr.kind = None
        err(
            "name",
            lr.name,
            f"项目库中没有「{lr.name}」这个项目（本行填了{FIELDS_BY_KEY[project_fields[0]].label}）。"
            "请先在项目库中新增该项目（或提交新增项目建议），或在编码列填写已有项目的编码。",
        )
    if lr.kind == "任务" and project_fields:
        key = project_fields[0]
        err(key, raw(key), f"「{lr.name}」是任务，不填{FIELDS_BY_KEY[key].label}；请清空这一格。")
    # 牵头单位, 责任单位, 配合单位
    lead_raw = clean_text(raw("lead"))
    lead = None
    if "lead" in cols:
        if not lead_raw:
            lr.values["lead_blank"] = True  # refused in _diff when the entry has a lead now
        elif len([p for p in _SPLIT.split(lead_raw) if p]) > 1:
            err(
                "lead",
                lead_raw,
                f"牵头单位只能填一个（现为「{lead_raw}」）；其余单位请填在责任单位列。",
            )
        else:
            lead, problem = unit(lr.row, cols["lead"], "牵头单位", lead_raw)
            if problem:
                lr.errors.append(problem)
    links = {}
    if lead is not None:
        links[lead.id] = "牵头"
    for key, role in (("responsible", "责任"), ("supporting", "配合")):
        text = clean_text(raw(key))
        if not text:
            continue
        for part in (p for p in _SPLIT.split(text) if p):
            found, problem = unit(lr.row, cols[key], FIELDS_BY_KEY[key].label, part)
            if problem:
                lr.errors.append(problem)
            elif found.id in links:
                preview.notes.append(
                    f"第 {lr.row} 行：「{found.name}」已列为{links[found.id]}单位，{FIELDS_BY_KEY[key].label}中的重复未计。"
                )
            else:
                links[found.id] = role
    lr.values["units"] = [(uid, role) for uid, role in links.items()]
    # The roles the file speaks for: a layout without a 配合单位 (or 责任单位) column leaves
    # those units as they are.
    lr.values["roles"] = frozenset(
        role
        for key, role in (("lead", "牵头"), ("responsible", "责任"), ("supporting", "配合"))
        if key in cols
    )
    # 完成时限: blank is not read as 年底前 (a value nobody wrote).
    due_raw = raw("due")
    if "due" in cols:
        if isinstance(due_raw, (datetime, date)):
            day = due_raw.date() if isinstance(due_raw, datetime) else due_raw
            lr.values["due_text"] = day.isoformat()
            lr.values["due_date"] = day.isoformat()
        elif isinstance(due_raw, (int, float)) and not isinstance(due_raw, bool):
            err(
                "due",
                plain_number(due_raw),
                "完成时限是一个数字，不是时限。请写成「6月底前」「年底前」「2026-09-30」或「持续推进」。",
            )
        elif is_blank(due_raw):
            err("due", "", "完成时限为空：请填写「6月底前」「三季度」「年底前」或「持续推进」。")
        else:
            text = clean_text(due_raw)
            try:
                due = parse_due(text, preview.year)
            except DueError as exc:
                err("due", text, str(exc))
            else:
                if due.day is not None and due.day.year < preview.year:
                    err(
                        "due",
                        text,
                        f"完成时限「{text}」不在 {preview.year} 年内（已是往年）。"
                        "请改为本年的时限，或「持续推进」。",
                    )
                lr.values["due_text"] = text
                lr.values["due_date"] = due.day.isoformat() if due.day else None
    # 预期成果 / 形象进度目标
    expected = clean_text(raw("expected"))
    image = clean_text(raw("image"))
    if "expected" not in cols and "image" not in cols:
        pass  # no column of targets: they stay as they are
    elif lr.kind == "项目":
        if expected and image and expected != image:
            err(
                "expected",
                expected,
                "项目的目标填在「形象进度目标」列；本行「预期成果」和「形象进度目标」都填了且不同，请只保留一个。",
            )
        lr.values["expected"] = image or expected
    else:
        lr.values["expected"] = expected
    # 年度计划投资, 目标阶段
    inv_raw = raw("investment")
    if lr.kind == "项目" and "investment" in cols:
        try:
            header = preview.headers.get(cols["investment"], "")
            lr.values["investment"] = parse_money(inv_raw, unit=header_unit(header))
        except ParseError as exc:
            err("investment", inv_raw, exc.reason)
    stage_raw = raw("stage")
    if lr.kind == "项目" and "stage" in cols:
        try:
            lr.values["stage"] = parse_choice(stage_raw, STAGES)
        except ParseError:
            err(
                "stage",
                stage_raw,
                f"目标阶段「{normalize_text(stage_raw)}」应为 {'/'.join(STAGES)} 之一。",
            )


def _diff(store: Store, preview: ListPreview) -> None:
    """What each row changes in the year's list; entries of the list not in the file."""
    lst = astore.get_list(store, preview.year)
    preview.list_exists = lst is not None
    items = astore.list_items(store, preview.year) if lst else []
    preview.versions = {i.id: i.version for i in items}
    if lst and preview.title and preview.title != lst.title:
        preview.title_change = (lst.title, preview.title)
    by_key = {i.key: i for i in items}
    unit_names = {u.id: u.name for u in list_units(store)}
    matched = set()
    for lr in preview.rows:
        item = by_key.get(lr.key) if lr.key else None
        if item is None:
            if lr.key is not None and not lr.new_task and not lr.errors:
                _refuse_closed(store, preview, lr, f"不能加入 {preview.year} 年清单")
            continue
        lr.item_id = item.id
        matched.add(item.id)
        v = lr.values
        if v.get("lead_blank") and item.lead:
            lr.errors.append(
                _error(
                    preview,
                    lr.row,
                    preview_col(preview, "lead"),
                    "牵头单位",
                    "",
                    f"牵头单位为空（现为「{item.lead}」）：导入不清空牵头单位。"
                    "请填写牵头单位；如需更换，填写新的单位。",
                )
            )
        checks = [
            ("分组", item.heading, lr.heading),
        ]
        if "expected" in v:
            label = "预期成果" if item.kind == "任务" else "形象进度目标"
            checks.append((label, item.expected, v["expected"]))
        if "due_text" in v:  # (an unreadable 时限 is an error of the row, not a change)
            checks.append(("完成时限", item.due_text, v["due_text"]))
        if "investment" in v:
            checks.append(("年度计划投资", item.planned_investment, v["investment"]))
        if "stage" in v:
            checks.append(("目标阶段", item.target_stage, v["stage"]))
        for label, old, new in checks:
            if old != new:
                lr.changes.append(f"{label}：{_show(old)} → {_show(new)}")
        roles = v.get("roles", frozenset())
        old_units = {(uid, role) for uid, _, role in item.units if role in roles}
        new_units = set(v.get("units", []))
        if roles and old_units != new_units and not lr.errors:

            def text(links):
                order = {"牵头": 0, "责任": 1, "配合": 2}
                return "、".join(
                    f"{unit_names[u]}（{r}）"
                    for u, r in sorted(links, key=lambda x: (order[x[1]], x[0]))
                )

            lr.changes.append(f"单位：{text(old_units) or '空'} → {text(new_units) or '空'}")
        if any(not c.startswith("分组：") for c in lr.changes) and not lr.errors:
            _refuse_closed(store, preview, lr, f"不能修改它在 {preview.year} 年清单中的目标和单位")
    no_lead = [lr.row for lr in preview.rows if lr.values.get("lead_blank") and not lr.errors]
    if no_lead:
        preview.notes.append(
            f"{len(no_lead)} 项没有牵头单位（第 {'、'.join(map(str, no_lead[:10]))}"
            f"{' 等' if len(no_lead) > 10 else ''} 行），印发前请补上。"
        )
    preview.removed = [(i.id, i.name) for i in items if i.id not in matched]
    file_order = [lr.item_id for lr in preview.rows if lr.item_id is not None]
    kept = [i.id for i in items if i.id in set(file_order)]
    preview.reordered = file_order != kept


def _refuse_closed(store: Store, preview: ListPreview, lr, refused: str) -> None:
    """An error on the row when it writes a task or project of a closed plan (read-only)."""
    found = astore.closed_plan_of_entry(store, lr.kind, lr.task_id or lr.project_id)
    if found:
        what = "重点任务" if lr.kind == "任务" else "项目"
        lr.errors.append(
            _error(
                preview,
                lr.row,
                preview_col(preview, "name"),
                "任务/项目",
                found[0],
                closed_entry_message(f"{what}「{found[0]}」", found[1], refused),
            )
        )


def preview_col(preview: ListPreview, key: str) -> int | None:
    return next((c for c, k in preview.mapping.items() if k == key), None)


def _show(value: object) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, float):
        return plain_number(value)
    return str(value)
