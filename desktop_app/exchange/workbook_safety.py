"""Checks made on a workbook file before any parser touches it.

A return arrives by mail or USB stick and may be truncated, encrypted, an old .xls/.et, or a
"zip bomb" that would fill memory. These checks look only at the file's first bytes and its zip
directory, so a hostile file is refused with a clear message before it costs anything.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import UserError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed of one member; real sheets stay far below
MAX_CELLS = 2_000_000

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP = b"PK\x03\x04"


class WorkbookError(UserError):
    """The file cannot be read as a workbook; the message says why and what to do."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class WorkbookInfo:
    path: Path
    kind: str  # xlsx / xls
    has_macros: bool = False
    has_external_links: bool = False


def check_workbook(path: Path, *, verify_checksums: bool = True) -> WorkbookInfo:
    """Refuse files that are not safe or not possible to read; say what kind of workbook it is.

    ``verify_checksums=False`` leaves the parts' checksums to a later ``verify_checksums`` call
    (the import runs it while the sheets are being parsed).
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise WorkbookError(f"文件「{name}」不存在。请检查路径。")
    if path.is_dir():
        raise WorkbookError(f"「{name}」是文件夹，不是 Excel 文件。")
    size = path.stat().st_size
    if size == 0:
        raise WorkbookError(
            f"文件「{name}」是空文件（0 字节），可能没有保存完整。请让报送单位重新发送。"
        )
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"文件「{name}」过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）。"
            "请删除无关的工作表和图片后再导入。"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE2:
        return _check_ole2(path)
    if not head.startswith(_ZIP):
        raise WorkbookError(
            f"「{name}」不是 Excel 工作簿（文件内容无法识别）。请在 Excel 或 WPS 中打开后"
            "另存为「Excel 工作簿 (*.xlsx)」再导入。"
        )
    info = _check_zip(path)
    if verify_checksums:
        verify_zip_checksums(path)
    return info


def verify_zip_checksums(path: Path) -> None:
    """Refuse an .xlsx whose parts fail their checksums (calamine would read them silently).

    Call after ``check_workbook``, which refuses oversized parts before this decompresses them.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip() if len(archive.infolist()) < 200 else None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise WorkbookError(
            f"「{path.name}」已损坏或不完整（{type(exc).__name__}），无法读取。"
            "可能是传输中断或未保存完整，请让报送单位重新发送。"
        ) from None
    if bad is not None:
        raise WorkbookError(
            f"「{path.name}」已损坏（内部部件 {bad} 校验失败）。请让报送单位重新发送。"
        )


def _check_ole2(path: Path) -> WorkbookInfo:
    # OLE2 compound files are old .xls/.et workbooks, or encrypted (password-protected) .xlsx:
    # Office stores those as an OLE2 container with an "EncryptedPackage" stream.
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
        raise WorkbookError(
            f"「{path.name}」设置了打开密码，无法读取。请在 Excel 或 WPS 中打开，"
            "在「文件 → 信息 → 保护工作簿 → 用密码进行加密」中清除密码后保存，再导入。"
        )
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise WorkbookError(
            f"「{path.name}」不是 Excel 工作簿（旧格式文件中没有工作表）。请另存为 .xlsx 后再导入。"
        )
    return WorkbookInfo(path, "xls")


def _check_zip(path: Path) -> WorkbookInfo:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise WorkbookError(
            f"「{name}」已损坏或不完整（{type(exc).__name__}），无法读取。"
            "可能是传输中断或未保存完整，请让报送单位重新发送。"
        ) from None
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names:
            kind = "ODS 表格（WPS/LibreOffice）"
        elif "word/document.xml" in names:
            kind = "Word 文档"
        else:
            kind = "不是 Excel 工作簿"
        raise WorkbookError(
            f"「{name}」{kind}，不是 Excel 工作簿。请另存为「Excel 工作簿 (*.xlsx)」再导入。"
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO and info.file_size > 10 * 1024 * 1024:
            raise WorkbookError(
                f"「{name}」的内容异常（{info.filename} 压缩比 {ratio:.0f}:1，疑似恶意构造的文件），"
                "为安全起见不予读取。请让报送单位用正常的 Excel 文件重新报送。"
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(
            f"「{name}」解压后过大（{total / 1024 / 1024:.0f} MB，上限 "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB）。请删除无关内容后再导入。"
        )
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_dimension(path, info)
    return WorkbookInfo(
        path,
        "xlsx",
        has_macros=any(n.endswith("vbaProject.bin") for n in names),
        has_external_links=any(n.startswith("xl/externalLinks/") for n in names),
    )


_DIMENSION = re.compile(rb'<dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _check_dimension(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a sheet whose declared used range is huge, reading only the start of its XML."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(info) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        raise WorkbookError(
            f"「{path.name}」已损坏或不完整，无法读取。请让报送单位重新发送。"
        ) from None
    match = _DIMENSION.search(head)
    if not match or not match.group(3):
        return
    rows = int(match.group(4)) - int(match.group(2)) + 1
    cols = _col_number(match.group(3).decode()) - _col_number(match.group(1).decode()) + 1
    sheet = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    check_cell_count(path.name, sheet, rows, cols)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_cell_count(name: str, sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose used range is absurdly large (a few stray cells far away are fine)."""
    if rows * cols > MAX_CELLS:
        raise WorkbookError(
            f"「{name}」的工作表「{sheet}」过大（{rows} 行 × {cols} 列），超出上限 {MAX_CELLS:,} 个单元格。"
            "请删除无关的行列后再导入。"
        )
