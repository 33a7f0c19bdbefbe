"""The error report sent back to a unit: its own return with the bad cells marked and explained.

Each refused cell is filled red and carries a comment with the reason; a first sheet 错误清单
lists every error, so the unit can correct the file and send it again.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from ..saving import save_file
from ..services.progress import Progress, no_progress
from .cell_text import cell_text
from .return_import import ReturnPreview

BAD = PatternFill("solid", fgColor="FF9999")
LIST_SHEET = "错误清单"


def _anchor(ws, ref: str) -> str:
    """The cell that shows ``ref``: the top-left cell of a merged range holding it (the others
    cannot carry a fill or a comment)."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return merged.start_cell.coordinate
    return ref


def write_error_report(
    preview: ReturnPreview, out: Path, *, progress: Progress = no_progress
) -> Path:
    """Write a copy of the return with every error marked; returns ``out``.

    A return of thousands of rows takes seconds to copy (the whole workbook is read and written
    again): ``progress`` hears of each step, and may cancel before the file is written.
    """
    errors = preview.all_errors
    progress(0, 3, "读取报送文件")
    try:
        wb = load_workbook(preview.path)
    except Exception:  # an .xls or damaged file: the list alone still helps the unit
        wb = Workbook()
        wb.active.title = LIST_SHEET
    progress(1, 3, "标记错误单元格")
    notes: dict[tuple[str, str], list[str]] = {}
    for error in errors:
        if error.sheet in wb.sheetnames and error.cell:
            ref = _anchor(wb[error.sheet], error.cell)
            notes.setdefault((error.sheet, ref), []).append(error.message)
    for (sheet, ref), messages in notes.items():
        cell = wb[sheet][ref]
        cell.fill = BAD
        cell.comment = Comment(cell_text("\n".join(messages)), "填报核对", width=300, height=120)
    ws = wb[LIST_SHEET] if LIST_SHEET in wb.sheetnames else wb.create_sheet(LIST_SHEET, 0)
    ws.append([f"{preview.file_name}：共 {len(errors)} 处错误，请改正红色单元格后重新报送。"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(["工作表", "单元格", "栏目", "填写内容", "问题"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for error in errors:
        row = [error.sheet, error.cell, error.field, error.value, error.message]
        ws.append([cell_text(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    for letter, width in zip("ABCDE", (12, 10, 18, 24, 80), strict=True):
        ws.column_dimensions[letter].width = width
    wb.active = wb.sheetnames.index(LIST_SHEET)
    progress(2, 3, "保存错误报告")  # the last chance to cancel: the file is written whole
    return save_file(Path(out), wb.save, kind=".xlsx")
