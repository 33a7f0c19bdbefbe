"""Files that are broken, encrypted, old-format or malicious: a clear message, database untouched."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from libreoffice import SOFFICE, convert
from xhelpers import col, sha, write_xlsb

from desktop_app.exchange.return_import import read_return
from desktop_app.exchange.workbook_safety import WorkbookError, _within_declared
from desktop_app.services.exchange import import_return
from desktop_app.store.projects import get_project


def _refused(setup, path: Path, *, match: str) -> None:
    before = sha(setup.store.path)
    with pytest.raises(WorkbookError, match=match) as err:
        import_return(setup.store, path, unit="广汉市", period="2026-11")
    assert err.value.exit_code == 2
    assert sha(setup.store.path) == before


def test_truncated_file(setup):
    data = setup.template.read_bytes()
    path = setup.tmp / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(setup, path, match="已损坏或不完整")


def test_empty_and_not_a_workbook(setup):
    empty = setup.tmp / "空.xlsx"
    empty.write_bytes(b"")
    _refused(setup, empty, match="空文件")
    text = setup.tmp / "文本.xlsx"
    text.write_text("项目编码,项目名称\n", encoding="utf-8")
    _refused(setup, text, match="不是 Excel 工作簿")


def test_zip_bomb_is_refused_before_parsing(setup):
    path = setup.tmp / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        # ~60 MB of zeros compresses to a few tens of KB.
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    _refused(setup, path, match="疑似恶意构造")


def test_password_protected_file(setup):
    # An encrypted .xlsx is an OLE2 compound file holding an EncryptedPackage stream.
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    path = setup.tmp / "加密.xlsx"
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024)
    _refused(setup, path, match="设置了打开密码")


def test_broken_old_xls_says_how_to_convert(setup):
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    path = setup.tmp / "旧格式.xls"
    path.write_bytes(header + "Workbook".encode("utf-16-le") + b"\0" * 2048)
    _refused(setup, path, match="另存为「Excel 工作簿")


def test_macros_and_external_links_are_ignored(setup):
    path = setup.tmp / "带宏.xlsm"
    shutil.copy(setup.template, path)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
        z.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    preview = read_return(setup.store, path)
    assert any("宏" in n for n in preview.notes)
    assert any("外部链接" in n for n in preview.notes)
    assert not preview.all_errors


def test_huge_used_range_is_refused(setup, monkeypatch):
    from desktop_app.exchange import workbook_safety

    monkeypatch.setattr(workbook_safety, "MAX_CELLS", 50)
    _refused(setup, setup.template, match="超出上限")


def test_the_size_in_the_message_is_the_sheets_real_size(setup, monkeypatch):
    from desktop_app.exchange import workbook_safety

    ws = openpyxl.load_workbook(setup.template)["项目进展"]
    rows, cols = ws.max_row, ws.max_column
    no_dimension = _with_sheet_xml(
        setup, "无尺寸小表.xlsx", lambda d: re.sub(rb"<dimension [^>]*/>", b"", d)
    )
    monkeypatch.setattr(workbook_safety, "MAX_CELLS", rows * cols - 1)  # the others fit
    _refused(setup, no_dimension, match=f"工作表「项目进展」过大（{rows} 行 × {cols} 列）")


def test_ods_is_refused_with_advice(setup):
    path = setup.tmp / "表格.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    _refused(setup, path, match="ODS")


needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) 未安装：apt-get install -y libreoffice-calc"
)


@needs_soffice
def test_libreoffice_saved_copy_imports_the_same(setup):
    path = setup.edit(
        {
            ("GH-1", "percent_complete"): 45,
            ("GH-1", "actual_start"): "2026-03-01",
            ("GH-2", "investment_to_date"): "1,234.5",
            ("GH-2", "progress_text"): "=完成桩基",
        },
        name="fill.xlsx",
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["项目进展"]
    ws[f"{col('progress_text')}{setup.row_of('GH-2')}"].data_type = "s"  # typed text, not a formula
    r = setup.row_of("GH-3")
    ws[f"{col('investment_this_year')}{r}"] = (
        "=10+5"  # a formula: read by its cached value after LibreOffice computes it
    )
    wb.save(path)
    copy = convert(path, "xlsx", setup.tmp / "lo")
    original = read_return(setup.store, path)
    resaved = read_return(setup.store, copy)
    key = lambda p: sorted((c.code, c.field, str(c.new)) for c in p.changes)  # noqa: E731
    assert not resaved.all_errors
    assert resaved.template_id == original.template_id
    assert ("GH-3", "investment_this_year", "15.0") in key(resaved)
    assert [k for k in key(resaved) if k[0] != "GH-3"] == key(original)


@needs_soffice
def test_an_old_xls_whose_header_claims_billions_of_sectors_is_refused(setup):
    """The reader reserves memory by the header's sector counts before it reads the tables:
    a 6 KB file claiming four billion would have it ask for 16 GB, where Windows refuses and
    the program ends. Refused as damaged; the same file with a true header reads."""
    path = setup.edit({("GH-1", "percent_complete"): 66}, name="旧表.xlsx")
    xls = convert(path, "xls", setup.tmp / "xls")
    data = bytearray(xls.read_bytes())
    data[44:48] = (0xFFFFFFF0).to_bytes(4, "little")  # the count of FAT sectors
    lying = setup.tmp / "文件头不实.xls"
    lying.write_bytes(data)
    _refused(setup, lying, match="已损坏（文件头的内容与文件不符）")
    assert import_return(setup.store, xls).status == "applied"


def _xls_with(setup, name: str, cells: dict[str, object]) -> Path:
    """An .xls saved by LibreOffice from a sheet named 项目进展 holding ``cells``."""
    wb = openpyxl.Workbook()
    wb.active.title = "项目进展"
    for ref, value in cells.items():
        wb.active[ref] = value
    wb.save(setup.tmp / f"{name}.xlsx")
    return convert(setup.tmp / f"{name}.xlsx", "xls", setup.tmp / "xls")


@needs_soffice
def test_an_old_xls_is_checked_before_the_reader_lays_its_sheets_out(setup):
    """The reader lays out every sheet of an .xls when it opens it: a DIMENSIONS record
    claiming four billion rows had it ask for 11 PB and end the program; a cell at IV65536
    cost it a gigabyte and two seconds before the refusal. Both are refused before."""
    cells = {"A1": "项目编码", "B1": "完成百分比", "A2": "GH-1", "B2": 45}
    far = _xls_with(setup, "远处单元格", cells | {"IV65536": 1})
    _refused(setup, far, match="工作表「项目进展」过大（65536 行 × 256 列）")
    small = _xls_with(setup, "小表", cells)
    data = bytearray(small.read_bytes())
    at = data.index(bytes([0x00, 0x02, 0x0E, 0x00]))  # the sheet's DIMENSIONS record
    data[at + 4 : at + 16] = (
        (0).to_bytes(4, "little")
        + (0xFFFFFFF0).to_bytes(4, "little")
        + (0).to_bytes(2, "little")
        + (0xFFF0).to_bytes(2, "little")
    )
    lying = setup.tmp / "尺寸不实.xls"
    lying.write_bytes(data)
    _refused(setup, lying, match="记录的范围不合理")
    outcome = import_return(setup.store, small, unit="广汉市", period="2026-11")
    assert outcome.status == "applied"
    assert get_project(setup.store, setup.ids["GH-1"]).percent_complete == 45


@needs_soffice
def test_xls_saved_by_libreoffice_is_read(setup):
    path = setup.edit({("GH-1", "percent_complete"): 66}, name="old.xlsx")
    xls = convert(path, "xls", setup.tmp / "xls")
    # Also when it was renamed .xlsx on the way (read by its content, not its name).
    renamed = shutil.copy(xls, setup.tmp / "改了扩展名.xlsx")
    assert read_return(setup.store, renamed).changes
    outcome = import_return(setup.store, xls)
    assert outcome.status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 66


def test_declared_huge_sheet_is_refused_before_parsing(setup):
    path = setup.tmp / "巨大.xlsx"
    with zipfile.ZipFile(setup.template) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            dst.writestr(info, data)
    _refused(setup, path, match="超出上限")


def _with_sheet_xml(setup, name: str, change) -> Path:
    """The filled template with its data sheet's XML passed through ``change``."""
    path = setup.tmp / name
    with zipfile.ZipFile(setup.template) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            dst.writestr(info, data, zipfile.ZIP_DEFLATED)
    return path


def _far_cell(data: bytes, element: bytes = b"c") -> bytes:
    """One cell at XFD1048576, in a row of its own at the end of the sheet."""
    row = (
        b'<row r="1048576"><'
        + element
        + b' r="XFD1048576" t="inlineStr"><is><t>x</t></is></'
        + element
        + b"></row>"
    )
    return data.replace(b"</sheetData>", row + b"</sheetData>")


@pytest.mark.parametrize(
    "name, change",
    [
        # No <dimension> at all (it is optional): a 14 KB file that would take the program down.
        ("无尺寸.xlsx", lambda d: _far_cell(re.sub(rb"<dimension [^>]*/>", b"", d))),
        # A <dimension> that does not tell the truth.
        ("尺寸不实.xlsx", lambda d: _far_cell(d)),
        # A small <dimension> in the far corner: the cells from A1 on are outside it.
        (
            "远角尺寸.xlsx",
            lambda d: _far_cell(
                re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="XFD1048570:XFD1048576"', d)
            ),
        ),
        # The cell written with a namespace prefix, which a reader takes as a cell all the same.
        (
            "前缀.xlsx",
            lambda d: _far_cell(
                d.replace(b"<worksheet ", b'<worksheet xmlns:x="urn:x" ', 1), b"x:c"
            ),
        ),
        # The far cell spelled as a reader also reads it.
        ("单引号.xlsx", lambda d: _far_cell(d).replace(b'r="XFD1048576"', b"r='XFD1048576'")),
        (
            "等号两边空格.xlsx",
            lambda d: _far_cell(d).replace(b' r="XFD1048576"', b' r = "XFD1048576"'),
        ),
        (
            "小写列号.xlsx",
            lambda d: (
                _far_cell(d)
                .replace(b'<row r="1048576">', b"<row>")
                .replace(b'r="XFD1048576"', b'r="xfd1048576"')
            ),
        ),
        # A repeated r: the reader takes a cell's last one.
        (
            "重复引用.xlsx",
            lambda d: _far_cell(d).replace(b' r="XFD1048576"', b' r="A1048576" r="XFD1048576"'),
        ),
    ],
)
def test_a_stray_far_cell_is_refused_whatever_the_dimension_says(setup, name, change):
    _refused(setup, _with_sheet_xml(setup, name, change), match="1048576 行 × 16384 列")


def _with_parts(setup, name: str, change: dict) -> Path:
    """The template with some parts changed (``member -> function of its bytes``) or added
    (``member -> bytes``)."""
    path = setup.tmp / name
    with zipfile.ZipFile(setup.template) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            edit = change.get(info.filename)
            dst.writestr(info, edit(data) if callable(edit) else data, zipfile.ZIP_DEFLATED)
        for member, data in change.items():
            if not callable(data):
                dst.writestr(member, data, zipfile.ZIP_DEFLATED)
    return path


def _far_sheet(setup) -> bytes:
    with zipfile.ZipFile(setup.template) as z:
        return _far_cell(z.read("xl/worksheets/sheet1.xml"))


def test_a_sheet_the_reader_finds_otherwise_than_by_its_name_is_checked_too(setup):
    """Where the workbook's index can be read two ways, the check does not settle for one."""
    # Two sheets of the same name: the reader takes the first, here a sheet with a far cell.
    first = _with_parts(
        setup,
        "同名工作表.xlsx",
        {
            "xl/workbook.xml": lambda d: d.replace(
                b"<sheets>", '<sheets><sheet name="项目进展" sheetId="9" r:id="rId99"/>'.encode()
            ),
            "xl/_rels/workbook.xml.rels": lambda d: d.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument'
                b'/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/></Relationships>',
            ),
            "xl/worksheets/sheet9.xml": _far_sheet(setup),
        },
    )
    _refused(setup, first, match="1048576 行 × 16384 列")
    # The sheet's part named in other letters' case; its attributes spaced and single-quoted.
    target = b'Target="/xl/worksheets/sheet1.xml"'
    for name, rels in (
        ("大小写.xlsx", lambda d: d.replace(target, b'Target="/XL/Worksheets/Sheet1.xml"')),
        ("属性空格.xlsx", lambda d: d.replace(target, b"Target = '/xl/worksheets/sheet1.xml'")),
    ):
        path = _with_parts(
            setup, name, {"xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": _far_cell}
        )
        _refused(setup, path, match="1048576 行 × 16384 列")


def test_index_parts_claiming_more_than_they_hold_are_refused(setup):
    """The reader reserves memory by the shared strings' claimed count; a workbook listing
    10,000 sheets would be read sheet by sheet."""
    strings = _with_parts(
        setup,
        "共享字符串.xlsx",
        {
            "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
            b'/2006/main" count="4294967295" uniqueCount="4294967295"><si><t>x</t></si></sst>'
        },
    )
    _refused(setup, strings, match="共享字符串表记录的数量（4,294,967,295）与内容不符")
    entries = "".join(
        f'<sheet name="表{i}" sheetId="{i + 10}" r:id="rId1"/>' for i in range(10_000)
    )
    many = _with_parts(
        setup,
        "工作表过多.xlsx",
        {"xl/workbook.xml": lambda d: d.replace(b"<sheets>", ("<sheets>" + entries).encode())},
    )
    _refused(setup, many, match="列出的工作表过多（10004 个")


def test_a_part_stored_with_a_compression_excel_does_not_use_is_refused(setup):
    data = bytearray(setup.template.read_bytes())
    # The data sheet's entry in the central directory: compression method 99 (AES).
    name = b"xl/worksheets/sheet1.xml"
    at = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    data[at + 10 : at + 12] = (99).to_bytes(2, "little")
    path = setup.tmp / "压缩方式.xlsx"
    path.write_bytes(data)
    _refused(setup, path, match="使用了 Excel 不用的压缩方式")


@pytest.mark.parametrize(
    "cells, inside",
    [
        (["A1", "R10023"], True),  # the dimension's own corners
        (["A1", "Q9999", "R10022"], True),
        (["A1", "S5"], False),  # a column past R
        (["A1", "R10024"], False),  # a row past 10023
        (["A1", "AA1"], False),
        (["A1", "A01"], False),  # not a reference a writer makes: walked
    ],
)
def test_the_quick_extent_check_keeps_to_the_declared_block(cells, inside):
    """The one-pass search passes exactly the sheets whose cells all lie in A1 to the end of
    their dimension; any other sheet is walked cell by cell."""
    body = "".join(
        f'<row r="{i + 1}"><c r="{ref}"><v>1</v></c></row>' for i, ref in enumerate(cells)
    )
    xml = f'<worksheet><dimension ref="A1:R10023"/><sheetData>{body}</sheetData></worksheet>'
    assert _within_declared(xml.encode()) is inside
    # A cell without a reference, or one with another attribute first, is never taken as inside.
    assert not _within_declared(xml.replace('<c r="A1">', "<c>").encode())
    assert not _within_declared(xml.replace('<c r="A1">', '<c s="1" r="A1">').encode())


def test_a_binary_xlsb_return_is_read_and_its_far_cell_refused(setup):
    """An .xlsb (Excel's binary workbook) is read like an .xlsx, and a stray far cell in it is
    found before the reader lays the sheet out (it would take the program down)."""
    cells = {(0, 0): "项目编码", (0, 1): "完成百分比", (1, 0): "GH-1", (1, 1): 45}
    path = write_xlsb(setup.tmp / "二进制.xlsb", "项目进展", cells)
    far = write_xlsb(setup.tmp / "远处单元格.xlsb", "项目进展", cells | {(1048575, 16383): 1})
    _refused(setup, far, match="工作表「项目进展」过大（1048576 行 × 16384 列）")
    # A size record shorter than the 16 bytes the reader takes from it (it panicked).
    short = write_xlsb(setup.tmp / "尺寸记录不全.xlsb", "项目进展", cells, dimension=b"\0")
    _refused(setup, short, match="工作表尺寸记录不完整")
    # A far cell in the .xlsx parts of a workbook that also holds a clean .xlsb index and
    # sheet: the reader may take either, so both are checked.
    far_xml = _with_sheet_xml(setup, "远处.xlsx", _far_cell)
    both = setup.tmp / "两种索引.xlsx"
    with zipfile.ZipFile(far_xml) as xml, zipfile.ZipFile(path) as binary:
        with zipfile.ZipFile(both, "w", zipfile.ZIP_DEFLATED) as out:
            for item in xml.infolist():
                out.writestr(item, xml.read(item))
            for item in binary.infolist():
                if item.filename.startswith("xl/") and item.filename not in xml.namelist():
                    out.writestr(item, binary.read(item))
    _refused(setup, both, match="过大（1048576 行 × 16384 列）")
    outcome = import_return(setup.store, path, unit="广汉市", period="2026-11")
    assert outcome.status == "applied"
    assert get_project(setup.store, setup.ids["GH-1"]).percent_complete == 45


def test_a_sheet_without_dimension_or_cell_references_still_imports(setup):
    """Writers may leave out <dimension> and the cells' references: walked, then read."""
    filled = setup.edit({("GH-1", "percent_complete"): 45})
    setup.template, original = filled, setup.template
    try:
        path = _with_sheet_xml(
            setup,
            "无引用.xlsx",
            lambda d: re.sub(
                rb'(<c) r="[A-Z]+\d+"', rb"\1", re.sub(rb"<dimension [^>]*/>", b"", d)
            ),
        )
    finally:
        setup.template = original
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied"
    assert get_project(setup.store, setup.ids["GH-1"]).percent_complete == 45


def test_a_data_sheet_altered_in_transit_is_refused_though_it_still_parses(setup):
    """A changed byte that leaves well-formed XML (a digit in an uncompressed part) is read by
    calamine without complaint; only the part's checksum tells, and the import refuses it."""
    filled = setup.edit({("GH-1", "percent_complete"): 45})
    stored = setup.tmp / "未压缩.xlsx"
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename), zipfile.ZIP_STORED)
    data = bytearray(stored.read_bytes())
    at = data.index(b"<v>45</v>")
    data[at + 3] = ord("9")  # 45 -> 95, the checksum of the part unchanged
    damaged = setup.tmp / "传输损坏.xlsx"
    damaged.write_bytes(bytes(data))
    _refused(setup, damaged, match=r"已损坏（内部部件 xl/worksheets/sheet1\.xml 校验失败）")
    assert get_project(setup.store, "GH-1").percent_complete != 95
