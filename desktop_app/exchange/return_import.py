"""Reading a unit's return: parse → validate → diff against the database. Nothing is written here.

Values are read with python-calamine (fast); the few cells whose meaning depends on their number
format (a percent cell holding 0.45) are looked up in the file's XML. Rows are matched by project
code (and the metadata sheet's project ids), never by position or name. The result is a
``ReturnPreview`` that the service applies in one transaction, or that the user inspects.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import python_calamine

from ..collector import gc_paused
from ..domain.errors import UserError
from ..domain.model import Unit
from ..domain.money import round_wan
from ..domain.parsing import (
    ParseError,
    clean_text,
    from_iso,
    is_blank,
    normalize_text,
    parse_choice,
    parse_date,
    parse_money,
    parse_percent,
)
from ..domain.period import Period
from ..domain.plans import closed_message
from ..domain.validation import length_problem, project_problems
from ..services.progress import Progress, no_progress
from ..store import Store
from ..store import exchange as xstore
from ..store import task_returns as tstore
from ..store.plans import closed_project_plans, closed_task_plans
from ..store.units import find_unit, get_unit
from .change_requests import PLANNING_KEYS, classify_planning, planning_columns, read_planning
from .columns import (
    BY_KEY,
    DATA_SHEET,
    EDITABLE_KEYS,
    GUIDE_SHEET,
    LISTS_SHEET,
    META_SHEET,
    PROJECT_KEYS,
    STAGE_CHOICES,
    TEMPLATE_COLUMNS,
    Column,
    column_letter,
    header_key,
)
from .task_sheet import TASK_SHEET, TaskContext, parse_task_sheet
from .template import read_meta_header, read_meta_rows, read_template_properties
from .workbook_safety import (
    ExcelError,
    WorkbookError,
    check_cell_count,
    check_sheet_extent,
    check_workbook,
    error_cells,
    password_message,
    read_part,
    sheet_part,
    verify_zip_checksums,
)

HEADER_SCAN_ROWS = 15


class ImportUsageError(UserError):
    """The import was asked for without what it needs (unit, period): a usage error."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class CellError:
    sheet: str
    cell: str
    field: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)
class FieldChange:
    project_id: str
    code: str
    name: str
    field: str
    old: object
    new: object
    issued: object = None  # value in the template as issued (conflicts)
    cell: str = ""

    @property
    def label(self) -> str:
        return BY_KEY[self.field].header


@dataclass(slots=True)
class RowResult:
    row: int  # 1-based sheet row
    project_id: str | None
    code: str
    name: str
    values: dict = field(default_factory=dict)  # field -> parsed value (only filled cells)
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


@dataclass(slots=True)
class Proposal:
    row: int
    name: str
    payload: dict


@dataclass(slots=True)
class ReturnPreview:
    path: Path
    file_name: str
    sha256: str
    unit_id: int
    unit: str
    period: str
    template_id: str | None
    sheet: str
    rows: list[RowResult] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # file-level and row-level refusals
    planning: list = field(default_factory=list)  # change_requests.PlanningValue
    notes: list[str] = field(default_factory=list)
    # Implausible values (累计完成投资 above 总投资, figures falling, text as last month's):
    # shown, never blocking.
    hints: list[CellError] = field(default_factory=list)
    # What the unit changed that the import does not take (locked columns, added sheets, a
    # past period's project fields), each as "where: what".
    not_imported: list[str] = field(default_factory=list)
    # Rows of projects reported for a later period since: only this period's record changes.
    past_rows: int = 0
    # The data sheet still protected as issued: the office's columns were not edited.
    sheet_protected: bool = False
    # Cells whose percent complete reads as under 1 % (0.45): maybe 45 % meant, said in a note.
    small_percents: list[str] = field(default_factory=list, repr=False, compare=False)
    already_imported: dict | None = None
    # Where the reports will be written, as read with the state (see xstore.ReportKeys).
    report_keys: xstore.ReportKeys | None = field(default=None, repr=False, compare=False)
    # The 「重点任务」 sheet's rows (task_sheet.TaskRowResult); ``task_sheet`` names the sheet
    # when the return has one.
    tasks: list = field(default_factory=list)
    task_sheet: str | None = None

    @property
    def all_errors(self) -> list[CellError]:
        return (
            self.errors
            + [e for r in self.rows for e in r.errors]
            + [e for t in self.tasks for e in t.errors]
        )

    @property
    def task_changes(self) -> list:
        return [c for t in self.tasks if not t.errors for c in t.changes]

    @property
    def task_conflicts(self) -> list:
        return [c for t in self.tasks if not t.errors for c in t.conflicts]

    def task_counts(self) -> dict[str, int]:
        """The task rows: updated (a value changed), carried (this period's report made of
        what was prefilled, unchanged), unchanged, refused, conflicts."""
        counts = dict.fromkeys(("updated", "carried", "unchanged", "refused", "conflicts"), 0)
        for t in self.tasks:
            if t.errors:
                counts["refused"] += 1
                continue
            counts["conflicts"] += len(t.conflicts)
            if t.changes:
                counts["updated"] += 1
            elif t.carried:
                counts["carried"] += 1
            elif not t.conflicts:
                counts["unchanged"] += 1
        return counts

    @property
    def changes(self) -> list[FieldChange]:
        return [c for r in self.rows if not r.errors for c in r.changes]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [c for r in self.rows if not r.errors for c in r.conflicts]

    def counts(self) -> dict[str, int]:
        updated = unchanged = refused = conflicts = 0
        for r in self.rows:  # one pass: 10,000 rows at the end of an import
            if r.errors:
                refused += 1
                continue
            conflicts += len(r.conflicts)
            if r.changes:
                updated += 1
            elif not r.conflicts:
                unchanged += 1
        for t in self.tasks:  # the task sheet's rows count with the projects' in 错误 and 冲突
            if t.errors:
                refused += 1
            else:
                conflicts += len(t.conflicts)
        return {
            "updated": updated,
            "unchanged": unchanged,
            "refused": refused + len({(e.sheet, e.cell) for e in self.errors if e.cell}),
            "conflicts": conflicts,
            "proposals": len(self.proposals),
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_values(path: Path) -> python_calamine.CalamineWorkbook:
    """Open a checked workbook for reading values (xlsx, or old xls/et through calamine)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            old_format = fh.read(8) == bytes.fromhex("D0CF11E0A1B11AE1")
        if old_format and path.suffix.lower() != ".xls":
            # An .xls named .xlsx (or a WPS .et): the reader goes by the name unless given
            # the content.
            with path.open("rb") as fh:
                return python_calamine.CalamineWorkbook.from_filelike(fh)
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:  # an old .xls with an opening password
        raise WorkbookError(password_message(path.name)) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's own errors, and its panics (not an Exception)
        raise WorkbookError(
            f"无法读取「{path.name}」：文件已损坏或格式不受支持。"
            "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        ) from None


class SheetRows(list):
    """A sheet's rows, and whether the sheet is still protected as issued (its locked cells,
    the office's columns, then cannot have been edited in Excel, WPS or LibreOffice)."""

    protected: bool = False


_PROTECTED = re.compile(rb'<(?:\w+:)?sheetProtection\b[^>]*\bsheet="(?:1|true)"')


def sheet_rows(book, name: str, file_name: str) -> SheetRows:
    """A sheet's values from A1, merged ranges filled with their top-left value."""
    # Before the reader lays the sheet out (an .xls read from its content has no path: its
    # format caps the size of a sheet).
    xml = check_sheet_extent(Path(book.path), name) if book.path else None
    # A formula that failed (#DIV/0!, #N/A) reads as empty: shown as it is instead, so that it
    # is refused like any other wrong value rather than taken as "not filled in". Such cells are
    # looked for while the reader lays the sheet out (it does so without holding Python's lock).
    errors: list[tuple[int, int, str]] = []
    formulas: list[tuple[int, int]] = []

    def look() -> None:
        errors.extend(error_cells(xml))
        formulas.extend(uncached_formulas(xml))

    scan = threading.Thread(target=look, name="error-cells")
    if xml:
        scan.start()
    try:
        sheet = book.get_sheet_by_name(name)
        # total_height/width are the last row's and column's indexes (from 0), not counts.
        check_cell_count(file_name, name, sheet.total_height + 1, sheet.total_width + 1)
        rows = SheetRows(sheet.to_python(skip_empty_area=False))
    except (KeyboardInterrupt, SystemExit, WorkbookError):
        raise
    except BaseException as exc:  # calamine's errors, and its panics (not an Exception)
        raise WorkbookError(
            f"「{file_name}」已损坏或不完整（工作表「{name}」无法读取），"
            "可能是传输中断或未保存完整。请让报送单位重新发送。"
        ) from exc
    finally:
        if xml:
            scan.join()
    # The element follows the cells: searched for from the end.
    rows.protected = bool(xml) and _PROTECTED.search(xml, max(0, len(xml) - 65536)) is not None
    for r, c, error in errors:
        if r <= len(rows) and c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = ExcelError(error or "#错误")
    for r, c in formulas:
        while len(rows) < r:
            rows.append([])
        if len(rows[r - 1]) < c:
            rows[r - 1].extend([""] * (c - len(rows[r - 1])))
        rows[r - 1][c - 1] = UncachedFormula("#公式无结果")
    merged = getattr(sheet, "merged_cell_ranges", None) or []
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if rows[r][c] in ("", None):
                    rows[r][c] = value
    return rows


class UncachedFormula(ExcelError):
    """A formula cell saved without its result (written by a program that does not calculate,
    as openpyxl and some online exports do): its value is unknown, not blank."""

    @property
    def reason(self) -> str:
        return (
            "是公式，但文件中没有保存公式的计算结果（生成该文件的程序没有计算公式）。"
            "请在 Excel 或 WPS 中打开该文件并保存，再重新导入"
        )


_CELL_XML = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE_XML = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]+)</(?:\w+:)?v>|<(?:\w+:)?is\b")


def _has_formula(xml: bytes) -> bool:
    """Whether the XML holds a formula element (``<f>``, ``<f …>``, ``<f/>``, ``<x:f>``), not
    counting ``<formula1>`` of a data validation, which every template has: two passes over
    the text instead of one per spelling."""
    for mark in (b"<f", b":f"):
        at = xml.find(mark)
        while at >= 0:
            if xml[at + 2 : at + 3] in (b">", b" ", b"/"):
                return True
            at = xml.find(mark, at + 2)
    return False


def uncached_formulas(xml: bytes) -> list[tuple[int, int]]:
    """``(row, column)`` (from 1) of the formula cells of a sheet's XML saved without a result
    (no value, or an empty one that is not a text result), which the value reader returns as
    empty."""
    # Quick test first: a formula element (not <formula1> of a data validation, which every
    # template has); the walk over every cell costs a third of a second at 10,000 rows.
    if not _has_formula(xml):
        return []
    out = []
    for attrs, body in _CELL_XML.findall(xml):
        if not body or (b"<f" not in body and b":f>" not in body and b":f " not in body):
            continue
        if _VALUE_XML.search(body) or (b't="str"' in attrs and b"<v" in body):
            continue
        ref = _CELL_R.search(attrs)
        if ref:
            letters, row = ref.groups()
            number = 0
            for ch in letters.decode():
                number = number * 26 + ord(ch) - 64
            out.append((int(row), number))
    return out


def find_header(rows: list[list], key_of=header_key) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and ``key -> column`` in the first rows, with two-row headers."""
    best: tuple[int, dict[str, int]] = (-1, {})
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        cols: dict[str, int] = {}
        below = rows[r + 1] if r + 1 < len(rows) else []
        for c, value in enumerate(rows[r]):
            key = key_of(value)
            if key is None and c < len(below):
                # Two-row merged headers: the second row names the column under a group title,
                # read together with it first ("实际工期" over "开工" is 实际开工).
                if not is_blank(value) and not is_blank(below[c]):
                    key = key_of(f"{normalize_text(value)}{normalize_text(below[c])}")
                if key is None:
                    key = key_of(below[c])
            if key is not None and key not in cols:
                cols[key] = c
        if len(cols) > len(best[1]):
            best = (r, cols)
    return best


def _two_row_header(rows: list[list], header: int, key_of=header_key) -> bool:
    """Whether the row under the header names columns the header row does not (data below it)."""
    if header + 1 >= len(rows):
        return False
    top, below = rows[header], rows[header + 1]
    return any(
        key_of(below[c]) is not None and key_of(top[c] if c < len(top) else None) is None
        for c in range(len(below))
    )


def code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(value) if not is_blank(value) else ""


# -- the percent-format lookup ----------------------------------------------------------------

_XF = re.compile(r"<xf\b([^>]*)>|<xf\b([^>]*)/>")
_NUMFMT = re.compile(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"')


def _scales_by_100(code: str) -> bool:
    """Whether an Excel number format shows a value ×100 with a percent sign: a ``%`` outside
    quotes. ``0.0"%"`` or ``0.0\\%`` only writes the sign after the number as it is (45 → 45.0%),
    as the register export does."""
    code = html.unescape(code)
    code = re.sub(r'"[^"]*"', "", code)  # literal text
    code = re.sub(r"\\.", "", code)  # an escaped character
    return "%" in code


def percent_styles(path: Path) -> set[int]:
    """The cell styles (indexes) of the workbook with a percent number format."""
    try:
        with zipfile.ZipFile(path) as archive:
            styles = read_part(archive, "xl/styles.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return set()
    custom = {int(i): code for i, code in _NUMFMT.findall(styles)}
    xfs_part = re.search(r"<cellXfs\b.*?</cellXfs>", styles, re.S)
    percent_xf = set()
    for i, m in enumerate(_XF.finditer(xfs_part.group(0) if xfs_part else "")):
        attrs = m.group(1) or m.group(2) or ""
        fid = re.search(r'numFmtId="(\d+)"', attrs)
        num = int(fid.group(1)) if fid else 0
        if num in (9, 10) or _scales_by_100(custom.get(num, "")):
            percent_xf.add(i)
    return percent_xf


def percent_styled(
    path: Path, sheet_name: str, refs: set[str], percent_xf: set[int] | None = None
) -> set[str]:
    """Which of ``refs`` (e.g. ``F12``) carry a percent number format in the file.

    Reading all formats with openpyxl costs seconds at 10,000 rows; the cells in question are
    looked up directly in the sheet's XML instead (not at all when the workbook has no
    percent format).
    """
    if not refs:
        return set()
    percent_xf = percent_styles(path) if percent_xf is None else percent_xf
    if not percent_xf:
        return set()
    try:
        with zipfile.ZipFile(path) as archive:
            xml = read_part(archive, sheet_part(archive, sheet_name))
    except (KeyError, zipfile.BadZipFile, OSError):
        return set()
    return {ref for ref, style in _cell_styles(xml, refs).items() if style in percent_xf}


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_STYLE = re.compile(rb'\bs="(\d+)"')


def _cell_styles(xml: bytes, refs: set[str]) -> dict[str, int]:
    """The style index of each of ``refs`` found in a sheet's XML (unstyled cells left out).

    Cells are written row by row, so each one is searched for from where the previous one was
    found: one pass over the sheet, where a regular expression over every cell costs more than
    the rest of the lookup at 10,000 rows.
    """

    def order(ref: str) -> tuple[int, int, str]:
        letters, row = _CELL_REF.fullmatch(ref).groups()
        return int(row), len(letters), letters

    styles: dict[str, int] = {}
    pos = 0
    for ref in sorted(refs, key=order):
        needle = f' r="{ref}"'.encode()
        at = xml.find(needle, pos)
        if at < 0:
            at = xml.find(needle)  # a file written out of order
            if at < 0:
                continue
        pos = at
        start, end = xml.rfind(b"<", 0, at), xml.find(b">", at)
        match = _STYLE.search(xml, start, end)
        if match:
            styles[ref] = int(match.group(1))
    return styles


# -- reading a return -------------------------------------------------------------------------


@gc_paused()
def read_return(
    store: Store,
    path: Path,
    *,
    unit: str | None = None,
    period: str | None = None,
    progress: Progress = no_progress,
) -> ReturnPreview:
    """Parse, validate and diff a return against the database (read only)."""
    opened = open_return(store, path, unit=unit, period=period, progress=progress)
    progress(2, 4, "校验数据")
    opened.parse()
    opened.finish(store)
    progress(4, 4, "完成")
    return opened.preview


@dataclass(slots=True)
class OpenedReturn:
    """A return read and checked against its unit, period and template, its rows not yet parsed.

    ``parse`` fills ``preview`` with the rows, their changes, conflicts and errors (it needs no
    database: it may run on another thread, reporting every few hundred rows through
    ``on_rows``); ``finish`` then completes the preview from the database.
    """

    preview: ReturnPreview
    rows: list[list]
    meta_rows: dict[str, dict]
    stored: _Stored | None  # None once parsed, when the import frees what it no longer needs
    task_rows: list | None = None  # the 「重点任务」 sheet's values (None: no such sheet)

    def parse(self, on_rows: Callable[[int], object] | None = None) -> None:
        _parse_rows(self.preview, self.rows, self.meta_rows, self.stored, on_rows)
        _parse_tasks(self.preview, self.task_rows, self.stored)

    def reread_state(self, store: Store) -> None:
        """Read the database's state again (inside the import's write, when the database changed
        since the file was opened): the rows are then judged against the state they are written
        over, as if the imports had run one after the other."""
        p = self.preview
        meta = {"template_id": p.template_id} if p.template_id else {}
        self.stored = _read_stored(
            store,
            p.file_name,
            meta,
            p.unit_id,
            p.period,
            p.sha256,
            office_columns=not p.sheet_protected,
        )
        p.already_imported = self.stored.already_imported
        p.report_keys = self.stored.report_keys

    def finish(self, store: Store) -> None:
        preview = self.preview
        if preview.template_id and any(r.conflicts for r in preview.rows):
            _resubmitted(store, preview)
        if preview.planning:
            classify_planning(store, preview)
        if preview.small_percents:
            cells = preview.small_percents
            shown = "、".join(cells[:8]) + (f" 等 {len(cells)} 处" if len(cells) > 8 else "")
            preview.notes.append(
                f"{preview.sheet}!{shown} 的完成百分比小于 1（如 0.45），按不到 1% 导入；"
                "如指 45%，请改为 45 后重新报送。"
            )
        if preview.past_rows:
            preview.notes.append(
                f"本表是 {preview.period} 的报送，其中 {preview.past_rows} 个项目在此之后已有报送："
                f"只更新这些项目 {preview.period} 的进度记录，不改变项目当前的建设阶段、实际开工、"
                "实际完工、完成百分比和累计完成投资。"
            )
        if preview.not_imported:
            preview.notes.append(not_imported_message(preview.not_imported))


def not_imported_message(items: list[str], shown: int = 10) -> str:
    listed = "；".join(items[:shown]) + (f" 等 {len(items)} 处" if len(items) > shown else "")
    return f"以下修改未导入：{listed}（基本信息由办公室维护，如需更改请联系办公室）。"


def open_return(
    store: Store,
    path: Path,
    *,
    unit: str | None = None,
    period: str | None = None,
    progress: Progress = no_progress,
) -> OpenedReturn:
    """Read a return's file and the database state its rows are checked against."""
    path = Path(path)
    info = check_workbook(path, verify_checksums=False)
    progress(0, 4, "读取文件")
    # calamine parses the sheets outside the GIL: the data sheet is read on a worker thread
    # while this one checks the file and reads the database's state.
    # A template names itself in its document properties and in its hidden metadata sheet:
    # both are read, and a file where they disagree (one of them edited by hand) is refused.
    with ThreadPoolExecutor(2, thread_name_prefix="return-read") as pool:
        data_job = pool.submit(_read_data, path)
        props = read_template_properties(path) if info.kind == "xlsx" else {}
        # The metadata sheet's header is read from the sheet's first bytes where it can be; its
        # rows (the values as issued, one per project) only when the database has no record of
        # the template: they are most of the sheet, which is a third of a return's file.
        quick = read_meta_header(path) if info.kind == "xlsx" else None
        meta_job = pool.submit(_read_meta, path) if quick is None else None
        try:
            sha = file_sha256(path)
            sheet_header, sheet_meta_rows = (quick, None) if meta_job is None else meta_job.result()
            _check_meta_agrees(store, path.name, props, sheet_header)
            meta_header, meta_rows = (props, None) if props else (sheet_header, sheet_meta_rows)
            progress(1, 4, "核对单位和周期")
            try:
                stored = _read_stored(store, path.name, meta_header, unit, period, sha)
            except UserError:
                if info.kind == "xlsx":
                    verify_zip_checksums(path)  # a damaged file says that first,
                data_job.result()  # and a file without a return sheet
                raise
            if meta_rows is None:
                meta_rows = _issued_codes(stored.issued)
                if meta_rows is None:
                    meta_rows = sheet_meta_rows if meta_job else _read_meta(path)[1]
            # While the data sheet is still being parsed: a damaged file is refused before
            # anything read from it is used.
            if info.kind == "xlsx":
                verify_zip_checksums(path)
            sheet_name, rows, sheet_names, task_rows = data_job.result()
            # The office's columns are compared only where they could have been edited.
            if not getattr(rows, "protected", False):
                stored.reference = xstore.reference_values(
                    store, stored.scope, int(stored.period[:4])
                )
        except BaseException:
            data_job.cancel()
            raise
    preview = ReturnPreview(
        path=path,
        file_name=path.name,
        sha256=sha,
        unit_id=stored.unit.id,
        unit=stored.unit.name,
        period=stored.period,
        template_id=stored.template_id,
        sheet=sheet_name,
        already_imported=stored.already_imported,
        report_keys=stored.report_keys,
        sheet_protected=getattr(rows, "protected", False),
        task_sheet=TASK_SHEET if task_rows is not None else None,
    )
    if info.has_macros:
        preview.notes.append("文件含宏（VBA），已忽略，未执行。")
    if info.has_external_links:
        preview.notes.append("文件含外部链接，已忽略，只读取单元格中保存的值。")
    if stored.template_id and not stored.issued and meta_rows:
        preview.notes.append("数据库中没有该模板的发放记录，按文件中记录的发放时数据核对冲突。")
    if stored.template_id:
        preview.not_imported.extend(
            f"新增的工作表「{name}」" for name in sheet_names if name not in TEMPLATE_SHEETS
        )
    return OpenedReturn(preview, rows, meta_rows, stored, task_rows)


TEMPLATE_SHEETS = frozenset((DATA_SHEET, TASK_SHEET, GUIDE_SHEET, LISTS_SHEET, META_SHEET))


def _parse_tasks(preview: ReturnPreview, task_rows: list | None, stored: _Stored | None) -> None:
    """The 「重点任务」 sheet's rows into ``preview.tasks`` (a return without the sheet, e.g. from
    a template issued before the year's list, imports its projects as before)."""
    if stored is None or stored.tasks is None:
        return
    if task_rows is None:
        if stored.tasks.issued:
            preview.notes.append(
                f"模板发放时含「{TASK_SHEET}」工作表（{len(stored.tasks.issued)} 项任务），"
                "报送文件中没有该工作表：本次未导入任何任务的进展。如需报送，请使用原模板填写后重新报送。"
            )
        return
    parse_task_sheet(preview, TASK_SHEET, task_rows, stored.tasks, CellError)


# What names the template in its metadata: the same in the document properties and the sheet.
_META_KEYS = {"template_id": "模板编号", "unit": "单位", "unit_id": "单位编号", "period": "周期"}


def _check_meta_agrees(store: Store, file_name: str, props: dict, sheet: dict) -> None:
    """Refuse a template whose hidden metadata was edited: its sheet and its document
    properties disagree, or the unit it names is not the unit of its unit number."""
    for header in (props, sheet):
        if header.get("unit") and header.get("unit_id") not in (None, ""):
            named = find_unit(store, str(header["unit"]))
            by_id = _unit_by_id(store, header["unit_id"])
            # (A name no unit has, beside a known number: the unit was renamed since the issue.)
            if (named is None and by_id is None) or (
                named is not None and by_id is not None and named.id != by_id.id
            ):
                raise UserError(_meta_edited(file_name, f"单位「{header['unit']}」与单位编号不符"))
    if not props or not sheet:
        return
    for key, label in _META_KEYS.items():
        a, b = props.get(key), sheet.get(key)
        if a in (None, "") or b in (None, ""):
            continue
        if isinstance(b, float) and b.is_integer():
            b = int(b)
        if str(a).strip() != str(b).strip():
            raise UserError(
                _meta_edited(file_name, f"模板信息页的{label}「{b}」与文件属性中的「{a}」不符")
            )


def _meta_edited(file_name: str, what: str) -> str:
    return (
        f"「{file_name}」的隐藏模板信息被改动过：{what}。模板信息由程序生成，不能手工修改；"
        "请让报送单位在办公室下发的原模板中填报后重新报送。"
    )


def _resubmitted(store: Store, preview: ReturnPreview) -> None:
    """A unit's corrected return of the same template: where the database's value since the
    issue came from the unit's own earlier return (not from the office), the newer return's
    value is no conflict but an update."""
    wanted = {(c.project_id, c.field) for r in preview.rows for c in r.conflicts}
    latest = xstore.last_change_templates(store, sorted({pid for pid, _ in wanted}))
    for r in preview.rows:
        own = [c for c in r.conflicts if latest.get((c.project_id, c.field)) == preview.template_id]
        if own:
            r.conflicts = [c for c in r.conflicts if c not in own]
            r.changes.extend(own)


@dataclass(slots=True)
class _Stored:
    """What a return is checked against: its unit and period, and the database's state."""

    unit: Unit
    period: str
    template_id: str | None
    already_imported: dict | None
    projects: dict[str, tuple]  # code -> live project and its values now (return_state)
    report_keys: xstore.ReportKeys
    scope: set[str]  # the projects the unit reports on
    issued: dict[str, xstore.IssueRow]  # project id -> the row as issued
    # project id -> the office's columns now (建设内容, 总投资 …), for edits not imported
    reference: dict[str, dict] = field(default_factory=dict)
    tasks: TaskContext | None = None  # what the 「重点任务」 sheet is checked against
    closed: dict[str, str] = field(default_factory=dict)  # project id -> its closed plan


def _read_stored(
    store: Store,
    file_name: str,
    meta: dict,
    unit: str | None,
    period: str | None,
    sha: str,
    *,
    office_columns: bool = False,
) -> _Stored:
    """The database's state a return is judged against; with ``office_columns``, also the
    office's columns of its projects (for a sheet whose protection was removed: its edits
    there are listed as not imported)."""
    unit_obj = _resolve_unit(store, file_name, meta, unit)
    period_key = _resolve_period(file_name, meta, period)
    template_id = str(meta["template_id"]) if meta.get("template_id") else None
    issue = xstore.template_issue(store, template_id) if template_id else None
    if issue and (issue["unit_id"] != unit_obj.id or issue["period"] != period_key):
        # The file's own account of itself (document properties, metadata sheet) can be edited;
        # the database's record of the template it was issued as cannot.
        raise UserError(
            f"「{file_name}」的模板信息（{unit_obj.name}，{period_key}）与发放记录不符："
            f"该模板是 {issue['issued_at'][:10]} 发给「{issue['unit']}」的 {issue['period']} "
            "填报模板。请核实文件来源，或让报送单位使用发给本单位的模板重新填报。"
        )
    already = xstore.batch_by_sha(store, sha, "return")
    reused = None
    if issue and not already:
        reused = xstore.template_reused(store, template_id, unit_obj.id, period_key)
    if reused:
        # A month's template kept and filled in again for a later month would write that later
        # month's figures into the old one's record.
        later = reused["later"]
        raise UserError(
            f"「{file_name}」是 {period_key} 的填报模板，{reused['at'][:10]} 已导入过；此后已向"
            f"「{unit_obj.name}」发放 {later} 的填报模板。报送 {later} 的情况请使用 {later} 的模板；"
            f"如确为更正 {period_key} 的数据，请联系办公室在项目库中修改。"
        )
    projects, report_keys = xstore.return_state(store, period_key)
    scope = xstore.reporting_scope(store, unit_obj.id)
    return _Stored(
        unit=unit_obj,
        period=period_key,
        template_id=template_id,
        already_imported=already,
        projects=projects,
        report_keys=report_keys,
        scope=scope,
        issued=xstore.issue_rows(store, template_id) if template_id else {},
        reference=(
            xstore.reference_values(store, scope, int(period_key[:4])) if office_columns else {}
        ),
        tasks=_task_context(store, unit_obj, period_key, template_id),
        closed=closed_project_plans(store),
    )


def _task_context(store: Store, unit: Unit, period: str, template_id: str | None) -> TaskContext:
    year = int(period[:4])
    return TaskContext(
        year=year,
        period=period,
        unit=unit.name,
        template_id=template_id,
        lines={t.code: t for t in tstore.unit_tasks(store, unit.id, year)},
        codes=tstore.task_codes(store),
        states=tstore.task_states(store, unit.id, period),
        issued=tstore.issued_tasks(store, template_id) if template_id else {},
        today=date.today(),
        closed=closed_task_plans(store),
    )


def _read_meta(path: Path) -> tuple[dict, dict[str, dict]]:
    """The metadata sheet's header and rows (empty when the workbook has none)."""
    book = open_values(path)
    try:
        if META_SHEET not in book.sheet_names:
            return {}, {}
        return read_meta_rows(sheet_rows(book, META_SHEET, path.name))
    finally:
        book.close()


def _issued_codes(issued: dict[str, xstore.IssueRow]) -> dict[str, dict] | None:
    """``code at issue -> {project_id, version}`` from the database's record of a template, as
    the metadata sheet would give it; ``None`` when the record lacks the codes (or is missing)."""
    out = {}
    for row in issued.values():
        code = row.snapshot.get("code")
        if code is None:
            return None
        out[code] = {"project_id": row.project_id, "version": row.version, "snapshot": None}
    return out or None


def _read_data(path: Path) -> tuple[str, list[list], list[str], list[list] | None]:
    book = open_values(path)
    try:
        names = list(book.sheet_names)
        data = _data_rows(book, names, path.name)
        tasks = sheet_rows(book, TASK_SHEET, path.name) if TASK_SHEET in names else None
        return (*data, names, tasks)
    finally:
        book.close()


def _data_rows(book, names: list[str], file_name: str) -> tuple[str, list[list]]:
    candidates = [DATA_SHEET] if DATA_SHEET in names else []
    candidates += [
        n for n in names if n not in (DATA_SHEET, TASK_SHEET, META_SHEET) and not n.startswith("_")
    ]
    for name in candidates:
        rows = sheet_rows(book, name, file_name)
        header, cols = find_header(rows)
        if "code" in cols:
            return name, rows
    raise UserError(
        f"「{file_name}」中找不到填报表：没有哪个工作表的前 {HEADER_SCAN_ROWS} 行含有「项目编码」列标题。"
        "请使用办公室下发的填报模板，或在表头写明「项目编码」。"
    )


def _resolve_unit(store: Store, file_name: str, meta: dict, given: str | None):
    meta_unit = None
    if meta.get("unit_id") not in (None, ""):
        meta_unit = find_unit(store, str(meta.get("unit") or "")) or _unit_by_id(
            store, meta["unit_id"]
        )
    if given:
        unit = get_unit(store, given)
        if meta_unit is not None and meta_unit.id != unit.id:
            raise UserError(
                f"「{file_name}」是发给「{meta_unit.name}」的模板，与指定的单位「{unit.name}」不符。"
                "请确认文件来源，或不指定单位直接导入。"
            )
        return unit
    if meta_unit is not None:
        return meta_unit
    raise ImportUsageError(
        f"「{file_name}」不是由本程序生成的填报模板（没有模板信息），无法判断报送单位。"
        "请在导入窗口中选择报送单位后再导入（命令行加 --unit 单位名称）。",
        field="unit",
    )


def _unit_by_id(store: Store, unit_id: object):
    try:
        return get_unit(store, int(float(unit_id)))
    except (UserError, ValueError, TypeError):
        return None


def _resolve_period(file_name: str, meta: dict, given: str | None) -> str:
    if given:
        try:
            given = Period.parse(given).key
        except ParseError as exc:
            raise ImportUsageError(f"{exc.reason}。") from None
    text = given or (str(meta["period"]) if meta.get("period") else None)
    if meta.get("period") and given and given != str(meta["period"]):
        raise UserError(
            f"「{file_name}」是 {meta['period']} 的填报模板，与指定的周期 {given} 不符。"
        )
    if not text:
        raise ImportUsageError(
            f"「{file_name}」没有模板信息，无法判断填报周期。请指定周期（例如 2026-11）。"
        )
    try:
        return Period.parse(text).key
    except ParseError as exc:
        raise UserError(exc.reason) from None


# One parser per column kind: ``(column, raw cell value, percent-formatted?) -> value``. Each
# takes the shape a template cell usually holds directly and leaves the rest to the shared
# parsers of ``domain.parsing`` (raising ``ParseError`` with the reason).


def _text_cell(col: Column, raw: object, percent_format: bool) -> str | None:
    if type(raw) is str:
        text = clean_text(raw)
    elif isinstance(raw, ExcelError):
        raise ParseError(raw.reason)
    else:
        text = clean_text(int(raw) if type(raw) is float and raw.is_integer() else raw)
    if text is not None and col.max_length and len(text) > col.max_length:
        raise ParseError(f"共 {len(text)} 字，超过 {col.max_length} 字的上限")
    return text


def _refuse_error(raw: object) -> None:
    if isinstance(raw, ExcelError):
        raise ParseError(raw.reason)


def _money_cell(col: Column, raw: object, percent_format: bool) -> float | None:
    if type(raw) is float and raw >= 0:
        return round_wan(raw)
    _refuse_error(raw)
    return parse_money(raw)


def _percent_cell(col: Column, raw: object, percent_format: bool) -> float | None:
    if type(raw) is float and not percent_format and 0 <= raw <= 100:
        return round(raw, 2)
    _refuse_error(raw)
    return parse_percent(raw, percent_format=percent_format)


def _date_cell(col: Column, raw: object, percent_format: bool) -> date | None:
    if type(raw) is date:
        return raw
    _refuse_error(raw)
    return parse_date(raw, month_end=col.key == "actual_end")


def _stage_cell(col: Column, raw: object, percent_format: bool) -> str | None:
    if raw in STAGE_CHOICES:
        return raw
    _refuse_error(raw)
    return parse_choice(raw, STAGE_CHOICES)


_CELL_PARSERS = {
    "text": _text_cell,
    "money": _money_cell,
    "percent": _percent_cell,
    "date": _date_cell,
    "stage": _stage_cell,
}


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-6
    return False


_DATE_KEYS = frozenset(c.key for c in TEMPLATE_COLUMNS if c.kind == "date")


# Where each editable field's stored value sits in a ``return_state`` row.
_STATE_INDEX = {key: xstore.STATE_VALUES + i for i, key in enumerate(xstore.RETURN_STATE_KEYS)}
_PLAIN_CODE = re.compile(r"[!-~]+")  # printable ASCII without spaces: already normalised
# What people write under a list besides projects: totals, notes, who filled it in.
# Totals, notes and who filled the sheet in: the words that open such a line (a 台账 adds
# group titles to them, see register_import).
NOTE_WORDS = (
    r"(合\s*计|小\s*计|总\s*计|共\s*计|备注|说明|填报人|填表人|制表人?|联系人|联系电话|审核人"
    r"|(单位)?负责人|填报单位|填报日期|注)(\s|[:：（(、]|$)"
)
_NOTE_ROW = re.compile(NOTE_WORDS)


# How often a parse on another thread reports the rows it has done.
PARSED_ROWS_STEP = 500


def _parse_rows(
    preview: ReturnPreview,
    rows: list[list],
    meta_rows: dict[str, dict],
    stored: _Stored,
    on_rows: Callable[[int], object] | None = None,
) -> None:
    """Parse the data rows into ``preview``; ``on_rows(n)`` is told every ``PARSED_ROWS_STEP``
    sheet rows that the first ``n`` of ``preview.rows`` are complete (they change no more)."""
    header, cols = find_header(rows)
    start = header + 1
    if _two_row_header(rows, header):
        start += 1
    sheet = preview.sheet
    projects, scope, issued = stored.projects, stored.scope, stored.issued
    by_id: dict[str, tuple] | None = None  # built when a meta row needs it
    names: dict[str, str] | None = None  # normalized name -> code, built when a row lacks a code
    letters = {k: column_letter(c) for k, c in cols.items()}
    percent_rows = _percent_rows(preview, rows, start, cols.get("percent_complete"))
    # (field, column, index in the stored values, the rows where its cell is percent-formatted)
    editable = [
        (key, cols[key], _STATE_INDEX[key], percent_rows if key == "percent_complete" else ())
        for key in EDITABLE_KEYS
        if key in cols
    ]
    planning = planning_columns(cols)
    seen: dict[str, int] = {}
    code_col, name_col = cols.get("code"), cols.get("name")
    # The office's columns shown for reference (an edit there is listed as not imported).
    locked = [(k, c) for k, c in cols.items() if k in LOCKED_KEYS] if stored.reference else []
    plain_code = _PLAIN_CODE.fullmatch
    width = max(cols.values()) + 1
    told = start
    for r in range(start, len(rows)):
        if on_rows is not None and r - told >= PARSED_ROWS_STEP:
            on_rows(len(preview.rows))
            told = r
        row = rows[r]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        excel_row = r + 1
        if code_col is None:
            code = ""
        else:
            code = row[code_col]
            if type(code) is not str or not plain_code(code):
                if isinstance(code, ExcelError):
                    ref = f"{letters['code']}{excel_row}"
                    preview.errors.append(
                        CellError(
                            sheet, ref, "项目编码", code, f"{sheet}!{ref} 项目编码{code.reason}"
                        )
                    )
                    continue
                code = code_text(code)
                if _NOTE_ROW.match(code):
                    continue  # "填报人：… 联系电话：…" written under the list
        if not code:
            name = _name_text(row, name_col)
            if not name or _NOTE_ROW.match(name):
                continue  # blank rows, notes and totals under the list
            if names is None:
                names = {normalize_text(p[2]): c for c, p in projects.items()}
            _proposal_or_refusal(
                preview, sheet, row, cols, excel_row, name, names, code_col, percent_rows
            )
            continue
        state = projects.get(code)
        meta = meta_rows.get(code)
        if meta is not None and (state is None or state[0] != meta["project_id"]):
            # The project the template was issued for, should its code have changed since.
            if by_id is None:
                by_id = {p[0]: p for p in projects.values()}
            state = by_id.get(meta["project_id"], state)
        pid = state[0] if state is not None else None
        result = RowResult(excel_row, pid, code, state[2] if pid else _name_text(row, name_col))
        preview.rows.append(result)
        if pid is None:
            reason = (
                f"项目编码「{code}」在项目库中不存在。请核对编码；"
                "新项目请不填编码，作为新增项目建议报送。"
            )
        elif pid in stored.closed:
            reason = closed_message(f"项目「{code} {result.name}」", stored.closed[pid])
        elif pid not in scope:
            reason = (
                f"项目「{code} {result.name}」不属于「{preview.unit}」的填报范围，"
                "不能由该单位报送。"
            )
        elif pid in seen:
            reason = f"项目「{code}」在第 {seen[pid]} 行已出现，同一项目只能填一行。"
        else:
            seen[pid] = excel_row
            issue_row = issued.get(pid)
            typed = row[name_col] if name_col is not None else None
            if typed != state[2] and not is_blank(typed):
                problem = _name_problem(typed, state[2], code, issue_row, meta)
                if problem:
                    ref = f"{letters['name']}{excel_row}"
                    result.errors.append(
                        CellError(sheet, ref, "项目名称", _shown(typed), f"{sheet}!{ref} {problem}")
                    )
                    continue
            _read_row(preview, result, row, state, editable, letters, issue_row, meta)
            if state[xstore.STATE_PAST]:
                preview.past_rows += 1
            if locked:
                _locked_edits(preview, row, excel_row, pid, locked, stored.reference)
            if planning:
                read_planning(preview, result, row, planning, letters, issue_row, meta)
            continue
        ref = f"{letters['code']}{excel_row}"
        result.errors.append(CellError(sheet, ref, "项目编码", code, f"{sheet}!{ref} {reason}"))


# Fields a unit may clear by emptying a prefilled cell ("none now": a problem solved). The
# others (stage, actual dates, cumulative figures) describe the project itself: emptied, they
# are refused rather than guessed at.
CLEARABLE_KEYS = frozenset(("investment_this_year", "progress_text", "problems", "next_steps"))


def _read_row(
    preview: ReturnPreview,
    result: RowResult,
    row: list,
    now: tuple,
    editable: list,
    letters: dict[str, str],
    issue_row,
    meta: dict | None,
) -> None:
    """Parse a row's editable cells into ``result.values`` and diff them against the stored
    values ``now``: changes (a prefilled cell emptied is a change to ``None``), conflicts with
    the office's changes since the template was issued, per-cell errors and hints."""
    excel_row, values, sheet = result.row, result.values, preview.sheet
    small_percents = preview.small_percents
    row_no = str(excel_row)
    past = now[xstore.STATE_PAST]
    snapshot = None
    project_change = False
    for key, c, i, percent_rows in editable:
        raw, old = row[c], now[i]
        if raw == old and old is not None and type(raw) is type(old):
            if not percent_rows or excel_row not in percent_rows:
                values[key] = old  # as stored: nothing to parse or compare
                continue
        if raw == "" or raw is None or (type(raw) is str and not raw.strip()):
            if old is None or (past and key in PROJECT_KEYS):
                continue
            if snapshot is None:
                snapshot = _issued_snapshot(issue_row, meta)
            if snapshot.get(key) is None:
                continue  # nothing was prefilled there (or not a template): nothing reported
            if key not in CLEARABLE_KEYS:
                ref = letters[key] + row_no
                header = BY_KEY[key].header
                result.errors.append(
                    CellError(
                        sheet,
                        ref,
                        header,
                        "",
                        f"{sheet}!{ref} {header}原为「{_shown(old)}」，报送表中被清空。"
                        f"{header}不能清空：请填写当前的{header}；确需删除时请联系办公室修改。",
                    )
                )
                continue
            value = None
        else:
            col = BY_KEY[key]
            try:
                value = _CELL_PARSERS[col.kind](col, raw, excel_row in percent_rows)
            except ParseError as exc:
                ref = f"{letters[key]}{excel_row}"
                result.errors.append(
                    CellError(
                        sheet,
                        ref,
                        col.header,
                        _shown(raw),
                        f"{sheet}!{ref} {col.header}{exc.reason}",
                    )
                )
                continue
            if value is None:
                continue
            if past and key in PROJECT_KEYS:
                if value != old:
                    preview.not_imported.append(
                        f"{sheet}!{letters[key]}{row_no} {col.header}「{_shown(value)}」"
                        f"（{preview.period} 之后已有报送，项目当前的{col.header}不按本表修改）"
                    )
                continue
            values[key] = value
        if value == old or (type(value) is not str and _same(value, old)):
            continue
        if key == "percent_complete" and value is not None and 0 < value < 1:
            small_percents.append(letters[key] + row_no)
        if snapshot is None:
            snapshot = _issued_snapshot(issue_row, meta)
        change = FieldChange(
            result.project_id,
            result.code,
            result.name,
            key,
            old,
            value,
            None,
            letters[key] + row_no,
        )
        if key in snapshot:
            base = snapshot[key]
            if key in _DATE_KEYS and type(base) is str:
                base = from_iso(base)
            change.issued = base
            if value == base or (type(value) is not str and _same(value, base)):
                continue  # the unit left it as issued; the office's later change stands
            # (A past period's record that does not exist yet is no one's change: the issued
            # value was the project's own then.)
            if (
                old != base
                and (type(old) is str or not _same(old, base))
                and not (past and old is None)
            ):
                result.conflicts.append(change)
                continue
        result.changes.append(change)
        if key in _HINTED_KEYS and value is not None:
            _hint_change(preview, change, now)
        if key in PROJECT_KEYS:
            project_change = True
    text = values.get("progress_text")
    if text is not None and text == now[xstore.STATE_LAST_TEXT]:
        ref = letters["progress_text"] + row_no
        preview.hints.append(
            CellError(
                sheet,
                ref,
                "形象进度",
                _shown(text),
                f"{sheet}!{ref} 项目「{result.code}」的形象进度与上一期完全相同，请确认本期进展是否已更新。",
            )
        )
    if project_change:
        _check_project_fields(preview, result, now, letters)


_HINTED_KEYS = frozenset(("percent_complete", "investment_to_date"))


def _hint_change(preview: ReturnPreview, change: FieldChange, now: tuple) -> None:
    """Hints on an implausible figure (shown in the preview, never blocking)."""
    value, old, label = change.new, change.old, change.label
    where = f"{preview.sheet}!{change.cell} 项目「{change.code}」的{label}"
    reasons = []
    if old is not None and value < old:
        unit = "%" if change.field == "percent_complete" else " 万元"
        reasons.append(f"由 {_shown(old)}{unit} 降为 {_shown(value)}{unit}，累计数一般不会减少")
    total = now[xstore.STATE_TOTAL]
    if change.field == "investment_to_date" and total and value > total:
        reasons.append(
            f"{_shown(value)} 万元超过总投资 {_shown(total)} 万元（请核对金额单位是否为万元、"
            "项目编码是否填错）"
        )
    for reason in reasons:
        preview.hints.append(
            CellError(preview.sheet, change.cell, label, _shown(value), f"{where}{reason}。")
        )


def _issued_snapshot(issue_row, meta: dict | None) -> dict:
    """The row's values as issued: the database's record, else the workbook's (``{}``)."""
    return (issue_row.snapshot if issue_row else _meta_snapshot(meta)) or {}


def _loose_name(name: object) -> str:
    return "".join(normalize_text(name).split())


def _name_problem(typed: object, name: str, code: str, issue_row, meta: dict | None) -> str | None:
    """Why a row's project name contradicts its code (``None`` when it is the project's name,
    now or as issued, up to spaces and full-width forms)."""
    if isinstance(typed, ExcelError):
        return f"项目名称{typed.reason}。"
    loose = _loose_name(typed)
    if loose == _loose_name(name):
        return None
    issued_name = _issued_snapshot(issue_row, meta).get("name")
    if issued_name and loose == _loose_name(issued_name):
        return None
    return (
        f"项目编码「{code}」是项目「{name}」，而本行的项目名称是「{_shown(typed)}」，编码与名称不符"
        "（可能编码填错，或行被错位）。请核对这一行的项目编码和名称，改正后重新报送；"
        "新项目请不填编码，作为新增项目建议报送。"
    )


# The office's columns (identity and set plan values): shown for reference, not taken from a
# return. Planning cells are read by change_requests (filled when empty, 变更申请 when set).
LOCKED_KEYS = frozenset(
    c.key
    for c in TEMPLATE_COLUMNS
    if not c.editable and c.key not in ("code", "name") and c.key not in PLANNING_KEYS
)


def _locked_edits(
    preview: ReturnPreview, row: list, excel_row: int, pid: str, locked: list, reference: dict
) -> None:
    """List the office's cells of a row that differ from the project's values."""
    ref_values = reference.get(pid)
    if ref_values is None:
        return
    for key, c in locked:
        raw, now = row[c], ref_values.get(key)
        if raw == now or (is_blank(raw) and now is None):
            continue
        if type(raw) is date and now is not None and raw.isoformat() == now:
            continue  # the usual date cell
        if _same_reference(key, raw, now):
            continue
        col = BY_KEY[key]
        was = "（空）" if now is None else _shown(now)
        preview.not_imported.append(
            f"{preview.sheet}!{column_letter(c)}{excel_row} {col.header}"
            f"「{was}」改为「{'（空）' if is_blank(raw) else _shown(raw)}」"
        )


def _same_reference(key: str, raw: object, now: object) -> bool:
    kind = BY_KEY[key].kind
    try:
        if kind == "date":
            value = raw if type(raw) is date else parse_date(raw)
            return value is not None and value.isoformat() == now
        if kind == "money":
            value = parse_money(raw)
            return value is not None and now is not None and _same(value, now)
    except ParseError:
        return False
    if is_blank(raw) or now is None:
        return False
    if key == "responsible_units":
        return set(re.split(r"[、,，;；\s]+", normalize_text(raw))) == set(
            re.split(r"[、,，;；\s]+", normalize_text(now))
        )
    return _loose_name(raw) == _loose_name(now)


def _name_text(row: list, name_col: int | None) -> str:
    if name_col is None or is_blank(row[name_col]):
        return ""
    return normalize_text(row[name_col])


def _percent_rows(preview: ReturnPreview, rows: list[list], start: int, pcol: int | None) -> set:
    """The rows whose percent cell is percent-formatted: its number is a fraction (0.45 shown
    as 45%, 1.2 as 120%)."""
    if pcol is None:
        return set()
    percent_xf = percent_styles(preview.path)  # none in an .xls: not a zip
    if not percent_xf:
        return set()  # the usual case: no cell of the workbook is percent-formatted
    letter = column_letter(pcol)
    maybe = {
        f"{letter}{r + 1}"
        for r in range(start, len(rows))
        if pcol < len(rows[r]) and type(v := rows[r][pcol]) is float and v > 0
    }
    styled = percent_styled(preview.path, preview.sheet, maybe, percent_xf)
    return {int(ref.removeprefix(letter)) for ref in styled}


def _shown(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _proposal_or_refusal(
    preview, sheet, row, cols, excel_row, name, names, code_col, percent_rows
) -> None:
    ref = f"{column_letter(code_col)}{excel_row}"
    if len(preview.proposals) >= MAX_PROPOSALS:
        _too_many_proposals(preview, sheet, excel_row)
        return
    if name in names:
        preview.errors.append(
            CellError(
                sheet,
                ref,
                "项目编码",
                "",
                f"{sheet}!{ref} 第 {excel_row} 行未填项目编码，但项目名称与已有项目「{names[name]}」相同。"
                "请填写项目编码。",
            )
        )
        return
    # The name as the unit wrote it (full-width brackets and all), for the project it may become.
    typed = row[cols["name"]] if "name" in cols else None
    typed = clean_text(typed) if isinstance(typed, str) else None
    shown = " ".join(typed.split()) if typed else name
    if length_problem("name", shown):
        cell = f"{column_letter(cols['name'])}{excel_row}"
        preview.errors.append(
            CellError(
                sheet,
                cell,
                "项目名称",
                f"{shown[:30]}…",
                f"{sheet}!{cell} 新增项目「{shown[:30]}…」的项目名称{length_problem('name', shown)}",
            )
        )
        return
    payload = {}
    errors = []
    for key, c in cols.items():
        value = row[c]
        if is_blank(value):
            continue
        col = BY_KEY[key]
        percent_format = key == "percent_complete" and excel_row in percent_rows
        parser = _CELL_PARSERS.get(col.kind)
        if parser is not None:
            # Checked as the project's own cells are, so that the unit hears of a wrong value
            # now rather than the office when it takes the proposal in.
            try:
                parser(col, value, percent_format)
            except ParseError as exc:
                cell = f"{column_letter(c)}{excel_row}"
                errors.append(
                    CellError(
                        sheet,
                        cell,
                        col.header,
                        _shown(value),
                        f"{sheet}!{cell} 新增项目「{shown}」的{col.header}{exc.reason}",
                    )
                )
                continue
        if percent_format:
            value = round(value * 100, 2)  # 0.45 shown as 45% in the cell: the unit typed 45
        if isinstance(value, str):
            value = clean_text(value)
        payload[col.header] = value.isoformat() if isinstance(value, date) else value
    if errors:
        preview.errors.extend(errors)
        return
    preview.proposals.append(Proposal(excel_row, shown, payload))


# New-project rows one return may carry: a unit proposes a handful a month; a file with
# thousands is a mistake (a list pasted into the wrong sheet) that would flood the office's queue.
MAX_PROPOSALS = 200


def _too_many_proposals(preview, sheet: str, excel_row: int) -> None:
    """Refuse the return once, at the first new-project row over ``MAX_PROPOSALS``."""
    if preview.errors and preview.errors[-1].field == "新增项目":
        return
    preview.errors.append(
        CellError(
            sheet,
            f"A{excel_row}",
            "新增项目",
            "",
            f"{sheet}!A{excel_row} 起的新增项目超过上限：一份填报表最多报送 {MAX_PROPOSALS} 个"
            "新增项目（未填项目编码的行）。请删除多余的行，或分批报送。",
        )
    )


def _meta_snapshot(meta: dict | None) -> dict | None:
    """The issued values recorded in the workbook (parsed only when the database has none)."""
    if not meta or not meta.get("snapshot"):
        return None
    try:
        return json.loads(meta["snapshot"])
    except (TypeError, ValueError):
        return None


def _check_project_fields(
    preview: ReturnPreview, result: RowResult, now: tuple, letters: dict[str, str]
) -> None:
    """Cross-field rules against the merged project (e.g. 实际完工 before 实际开工)."""
    merged = {k: now[_STATE_INDEX[k]] for k in ("stage", "actual_start", "actual_end")}
    for c in result.changes:
        if c.field in merged:
            merged[c.field] = c.new
    problems = project_problems(merged)
    for key, reason in problems.items():
        ref = f"{letters[key]}{result.row}" if key in letters else ""
        label = BY_KEY[key].header if key in BY_KEY else key
        result.errors.append(
            CellError(
                preview.sheet,
                ref,
                label,
                _shown(merged.get(key)),
                f"{preview.sheet}!{ref} {reason}",
            )
        )
