"""The metadata sheet's header read from the sheet's first bytes gives what the value reader
gives for the whole sheet, in the files clerks send back (saved by openpyxl, by LibreOffice, with
the sheet edited); where it cannot be read that way, the whole sheet is read as before."""

from __future__ import annotations

import openpyxl
import pytest
from libreoffice import convert
from xhelpers import sha

from desktop_app.domain.errors import UserError
from desktop_app.exchange.columns import META_SHEET
from desktop_app.exchange.return_import import open_values, sheet_rows
from desktop_app.exchange.template import read_meta_header, read_meta_rows
from desktop_app.services.exchange import import_return


def full_header(path):
    book = open_values(path)
    try:
        return read_meta_rows(sheet_rows(book, META_SHEET, path.name))[0]
    finally:
        book.close()


def test_header_equals_the_whole_sheets_header_as_issued_and_resaved(setup):
    assert read_meta_header(setup.template) == full_header(setup.template)
    assert set(read_meta_header(setup.template)) >= {"template_id", "unit", "unit_id", "period"}
    wb = openpyxl.load_workbook(setup.template)
    wb.save(resaved := setup.tmp / "另存.xlsx")
    assert read_meta_header(resaved) == full_header(resaved) == full_header(setup.template)


def test_header_of_a_file_saved_by_libreoffice(setup):
    out = convert(setup.template, "xlsx:Calc MS Excel 2007 XML", setup.tmp / "lo")
    header = read_meta_header(out)
    assert header is not None and header == full_header(out)
    assert header["unit"] == "广汉市"


def test_header_edited_in_the_sheet_is_read_as_edited_and_refused(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[META_SHEET]
    row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "period")
    ws.cell(row, 2).value = "2026-10"
    wb.save(path := setup.tmp / "改了周期.xlsx")
    assert read_meta_header(path)["period"] == "2026-10" == full_header(path)["period"]
    before = sha(setup.store.path)
    with pytest.raises(UserError, match="隐藏模板信息被改动过"):
        import_return(setup.store, path)
    assert sha(setup.store.path) == before


def test_an_unusual_layout_falls_back_to_the_whole_sheet(setup):
    # The blank row between the header and the column names deleted, rows inserted above:
    # the header cannot be told from the first rows alone with certainty.
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[META_SHEET]
    ws.insert_rows(1, 3)
    wb.save(path := setup.tmp / "插了行.xlsx")
    assert read_meta_header(path) is None
    assert full_header(path) == {}
    # A workbook without the sheet at all.
    wb = openpyxl.load_workbook(setup.template)
    del wb[META_SHEET]
    wb.save(none := setup.tmp / "没有模板信息.xlsx")
    assert read_meta_header(none) is None


def test_a_return_whose_template_is_unknown_to_the_database_still_uses_the_sheets_rows(setup):
    """No issue record: the values as issued come from the sheet's rows (read in full)."""
    wb = openpyxl.load_workbook(setup.template)
    wb.save(path := setup.tmp / "回报.xlsx")
    with setup.store.write():
        setup.store.conn.execute("DELETE FROM template_issue_row")
    outcome = import_return(setup.store, path, dry_run=True)
    assert "按文件中记录的发放时数据核对冲突" in " ".join(outcome.preview.notes)
