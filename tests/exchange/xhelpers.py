"""Helpers for the exchange tests: column letters, file hashes, a unit's template to fill in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS

PERIOD = "2026-11"


def col(key: str) -> str:
    """The template's column letter of a field."""
    from desktop_app.exchange.columns import column_letter

    return column_letter(next(i for i, c in enumerate(TEMPLATE_COLUMNS) if c.key == key))


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class Setup:
    store: object
    ids: dict  # code -> project id
    template: Path
    tmp: Path

    def edit(self, changes: dict[tuple[str, str], object], name: str = "回报.xlsx", **kw) -> Path:
        """Fill the template like a unit would: ``{(code, field): value}``; returns the new file."""
        wb = openpyxl.load_workbook(self.template)
        ws = wb[DATA_SHEET]
        rows = {ws[f"A{r}"].value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
        for (code, key), value in changes.items():
            cell = ws[f"{col(key)}{rows[code]}"]
            cell.value = value
            if key in kw.get("percent_format", ()):
                cell.number_format = "0%"
        out = self.tmp / name
        wb.save(out)
        return out

    def row_of(self, code: str) -> int:
        wb = openpyxl.load_workbook(self.template, read_only=True)
        ws = wb[DATA_SHEET]
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if row and row[0] == code:
                wb.close()
                return r
        wb.close()
        raise KeyError(code)
