"""Text as a workbook cell can hold it: the last check before a value is written to a sheet.

Every entry cleans what it stores (``domain.parsing.clean_text``), but a database written by an
older version may hold control characters (openpyxl refuses them and the export stops) or a text
longer than a cell can hold (Excel keeps 32,767 characters and cuts the rest without a word).
Both are handled here, for every sheet the program writes.
"""

from __future__ import annotations

from ..domain.parsing import strip_control

EXCEL_CELL_LIMIT = 32_767


def cell_text(value: object) -> object:
    """``value`` ready for a cell: strings without control characters and, when longer than a
    cell holds, cut with a visible note saying so and how long the full text is."""
    if not isinstance(value, str):
        return value
    text = strip_control(value)
    if len(text) > EXCEL_CELL_LIMIT:
        note = f"…（以下省略：全文共 {len(text):,} 字，超出 Excel 单元格上限，请在程序中查看）"
        text = text[: EXCEL_CELL_LIMIT - len(note)] + note
    return text
