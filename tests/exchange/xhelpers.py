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


def write_xlsb(
    path: Path, sheet: str, cells: dict[tuple[int, int], object], *, dimension: bytes = bytes(16)
) -> Path:
    """A minimal binary workbook (.xlsb, MS-XLSB) of one sheet: ``{(row, column): value}``,
    both from 0, values numbers or text; ``dimension`` the sheet's size record."""
    import struct
    import zipfile

    def record(kind: int, payload: bytes = b"") -> bytes:
        head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
        size, n = bytearray(), len(payload)
        while True:
            n, low = n >> 7, n & 0x7F
            size.append(low | (0x80 if n else 0))
            if not n:
                return head + bytes(size) + payload

    def wide(text: str) -> bytes:
        data = text.encode("utf-16-le")
        return struct.pack("<I", len(data) // 2) + data

    book = (
        record(0x83)  # begin book
        + record(0x8F)  # begin sheets
        + record(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide(sheet))
        + record(0x90)
        + record(0x84)
    )
    body = bytearray(record(0x81) + record(0x94, dimension) + record(0x91))
    for r in sorted({r for r, _ in cells}):
        body += record(0x00, struct.pack("<I", r) + bytes(13))  # row header
        for (_, c), value in sorted(i for i in cells.items() if i[0][0] == r):
            if isinstance(value, str):
                body += record(0x06, struct.pack("<II", c, 0) + wide(value))
            else:
                body += record(0x05, struct.pack("<IId", c, 0, float(value)))
    body += record(0x92) + record(0x82)
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>'
        "</Relationships>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="bin" ContentType="application/'
        'vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels.format(kind="officeDocument", target="xl/workbook.bin"))
        z.writestr("xl/workbook.bin", book)
        z.writestr(
            "xl/_rels/workbook.bin.rels",
            rels.format(kind="worksheet", target="worksheets/sheet1.bin"),
        )
        z.writestr("xl/worksheets/sheet1.bin", bytes(body))
    return path
