"""Checks made on a workbook file before any parser touches it.

A return arrives by mail or USB stick and may be truncated, encrypted, an old .xls/.et, or a
"zip bomb" that would fill memory. ``check_workbook`` looks only at the file's first bytes and
its zip directory, so a hostile file is refused with a clear message before it costs anything;
``check_sheet_extent`` then searches a sheet's XML, just before its values are read, for cells
far outside the range the sheet declares.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import UserError

# The workbooks the import reads: Excel's (also binary and macro-enabled), old .xls, WPS's .et.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".et")

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed of one member; real sheets stay far below
MAX_CELLS = 2_000_000
MAX_SHEETS = 500
# Entries of the shared-strings table: the reader keeps every one in memory (about 80 bytes
# each, however short). A return of 10,000 rows holds at most a few tens of thousands.
MAX_SHARED_STRINGS = 500_000

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
            for info in archive.infolist():
                read_part(archive, info, keep=False)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        raise WorkbookError(
            f"「{path.name}」已损坏或不完整，无法读取。"
            "可能是传输中断或未保存完整，请让报送单位重新发送。"
        ) from None


# One part is inflated at most this much at a time: the memory a check costs, whatever the file.
_CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … name length, extra length


def read_part(
    archive: zipfile.ZipFile,
    member: str | zipfile.ZipInfo,
    *,
    keep: bool = True,
    scan: Callable[[bytes], object] | None = None,
) -> bytes:
    """A part of the workbook, inflated a chunk at a time from the file itself.

    Refused (``WorkbookError``) as soon as it inflates to more than its entry in the zip
    directory says: the checks on sizes and ratios read that entry, and a file that lies in it
    would otherwise have the reader inflate gigabytes before anything noticed. Also refused when
    its checksum or size does not match (damaged in transit). ``keep=False`` checks without
    keeping the bytes (memory: one chunk); ``scan`` is given each chunk as it is inflated.
    """
    if not archive.filename:
        raise TypeError("read_part reads a zip opened from a file, not from a stream")
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    name = Path(archive.filename).name
    if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise WorkbookError(
            f"「{name}」使用了 Excel 不用的压缩方式（可能是另加密码的压缩包），无法读取。"
            "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        )
    out = bytearray()
    size = crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    try:
        with open(archive.filename, "rb") as fh:
            fh.seek(info.header_offset)
            header = fh.read(_LOCAL_HEADER.size)
            if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile
            name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
            fh.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
            left = info.compress_size
            while True:
                if inflater is not None and inflater.unconsumed_tail:
                    data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
                elif left > 0:
                    raw = fh.read(min(_CHUNK, left))
                    if not raw:
                        raise zipfile.BadZipFile  # cut short
                    left -= len(raw)
                    data = inflater.decompress(raw, _CHUNK) if inflater is not None else raw
                else:
                    break
                size += len(data)
                if size > info.file_size:
                    raise WorkbookError(
                        f"「{name}」的内容异常（{info.filename} 解压后比文件目录中记录的大小大，"
                        "疑似恶意构造的文件），为安全起见不予读取。"
                        "请让报送单位用正常的 Excel 文件重新报送。"
                    )
                crc = zlib.crc32(data, crc)
                if scan is not None:
                    scan(data)
                if keep:
                    out += data
                if inflater is not None and inflater.eof:
                    break
            if inflater is not None and not inflater.eof:
                raise zipfile.BadZipFile  # the compressed stream ends early
    except (OSError, EOFError, ValueError, zlib.error, zipfile.BadZipFile):
        raise WorkbookError(
            f"「{name}」已损坏或不完整（内部部件 {info.filename} 无法读取），"
            "可能是传输中断或未保存完整。请让报送单位重新发送。"
        ) from None
    if size != info.file_size or crc != info.CRC:
        raise WorkbookError(
            f"「{name}」已损坏（内部部件 {info.filename} 校验失败）。请让报送单位重新发送。"
        )
    return bytes(out)


def password_message(name: str) -> str:
    return (
        f"「{name}」设置了打开密码，无法读取。请在 Excel 或 WPS 中打开，"
        "在「文件 → 信息 → 保护工作簿 → 用密码进行加密」中清除密码后保存，再导入。"
    )


def _check_ole2(path: Path) -> WorkbookInfo:
    # OLE2 compound files are old .xls/.et workbooks, or encrypted (password-protected) .xlsx:
    # Office stores those as an OLE2 container with an "EncryptedPackage" stream.
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
        raise WorkbookError(password_message(path.name))
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise WorkbookError(
            f"「{path.name}」无法读取：旧格式文件中找不到工作表，文件可能已损坏或不完整，"
            "也可能不是 Excel 工作簿。请让报送单位重新发送，或另存为 .xlsx 后再导入。"
        )
    if not _plausible_ole2_header(data):
        raise WorkbookError(
            f"「{path.name}」已损坏（文件头的内容与文件不符），无法读取。"
            "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        )
    _check_xls_extent(path.name, data)
    return WorkbookInfo(path, "xls")


def _plausible_ole2_header(data: bytes) -> bool:
    """Whether the counts in a compound file's header fit the file: the reader reserves memory
    for its sector tables by these counts before reading them, so a file of a few KB claiming
    four billion sectors would have it ask for 16 GB (and end the program where that fails)."""
    if len(data) < 512:
        return False
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        return False
    sectors = len(data) // (1 << shift) + 1
    fat = int.from_bytes(data[44:48], "little")
    difat = int.from_bytes(data[72:76], "little")
    # The reader takes its DIFAT count from offset 62 (halves of the mini-FAT start and count),
    # and reserves memory by that too.
    misread = int.from_bytes(data[62:66], "little")
    return fat <= sectors and difat <= sectors and misread <= 1 << 24


def _check_zip(path: Path) -> WorkbookInfo:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise WorkbookError(
            f"「{name}」已损坏或不完整，无法读取。"
            "可能是传输中断或未保存完整，请让报送单位重新发送。"
        ) from None
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names:
            kind = "ODS 表格（WPS/LibreOffice）"
        elif "word/document.xml" in names:
            kind = "Word 文档"
        else:
            kind = "是其他内容的压缩文件"
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
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise WorkbookError(
            f"「{name}」使用了 Excel 不用的压缩方式（可能是另加密码的压缩包），无法读取。"
            "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        )
    _check_indexes(path, infos)
    sheets = None
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            if sheets is None:
                sheets = _sheet_names_by_part(path)
            _check_dimension(path, info, sheets.get(info.filename))
    return WorkbookInfo(
        path,
        "xlsx",
        has_macros=any(n.endswith("vbaProject.bin") for n in names),
        has_external_links=any(n.startswith("xl/externalLinks/") for n in names),
    )


_DIMENSION = re.compile(rb'<dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _check_indexes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook listing absurdly many sheets, or whose shared-strings table claims
    more entries than its part can hold (the reader reserves memory by that claim)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            for info in infos:
                base = info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
                if base == "workbook.xml":
                    count = len(re.findall(rb"<(?:[\w.-]+:)?sheet[\s/>]", read_part(archive, info)))
                    if count > MAX_SHEETS:
                        raise WorkbookError(
                            f"「{name}」列出的工作表过多（{count} 个，上限 {MAX_SHEETS} 个），"
                            "文件可能已损坏或被改动。请让报送单位重新发送。"
                        )
                elif base == "sharedstrings.xml":
                    if info.file_size <= _VERIFY_FIRST:
                        # Read as the workbook is opened, while the rest is still checked:
                        # a small one is checked whole now, so that a lie about its size is
                        # always what the message names.
                        read_part(archive, info, keep=False)
                    with archive.open(info) as fh:
                        head = fh.read(4096)
                    tag = re.search(rb"<(?:[\w.-]+:)?sst\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", head)
                    claimed = _attributes(tag.group(1)).get("uniqueCount", "") if tag else ""
                    # An entry takes at least five bytes (<si/>).
                    if claimed.strip().isdigit() and int(claimed) > info.file_size // 5 + 16:
                        raise WorkbookError(
                            f"「{name}」的共享字符串表记录的数量（{int(claimed):,}）与内容不符，"
                            "文件可能已损坏或被改动。请让报送单位重新发送。"
                        )
                    # An entry takes at least five bytes: only a part large enough to hold more
                    # than the limit is counted (a chunk at a time).
                    if info.file_size > MAX_SHARED_STRINGS * 5:
                        count = _count_entries(archive, info)
                        if count > MAX_SHARED_STRINGS:
                            raise WorkbookError(
                                f"「{name}」的共享字符串表过大（{count:,} 条，上限 "
                                f"{MAX_SHARED_STRINGS:,} 条），疑似恶意构造或含大量无关内容。"
                                "请删除无关的工作表和内容后另存，再导入。"
                            )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError):
        raise WorkbookError(f"「{name}」已损坏或不完整，无法读取。请让报送单位重新发送。") from None


_VERIFY_FIRST = 4 * 1024 * 1024
_ENTRY = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


def _count_entries(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The ``<si>`` entries of a shared-strings part, counted as it is inflated."""
    count = 0
    tail = b""

    def scan(chunk: bytes) -> None:
        nonlocal count, tail
        text = tail + chunk
        # An entry starting in the last bytes is counted with the next chunk.
        keep_from = max(len(text) - 32, 0)
        count += sum(1 for m in _ENTRY.finditer(text) if m.start() < keep_from)
        tail = text[keep_from:]

    read_part(archive, info, keep=False, scan=scan)
    return count + len(_ENTRY.findall(tail))


_ATTR = re.compile(r"""(?:^|\s)([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(text: bytes | str) -> dict[str, str]:
    """The attributes of a start tag's text, as a reader takes them: either quote, spaces
    around ``=``, the first of a repeated name (values not unescaped)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        out.setdefault(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
    return out


def _member(archive: zipfile.ZipFile, name: str) -> str:
    """The zip member ``name`` stands for, found as the reader finds it (case and slashes
    aside); ``KeyError`` when there is none."""
    if name in archive.NameToInfo:
        return name
    wanted = name.replace("\\", "/").lower()
    for member in archive.namelist():
        if member.replace("\\", "/").lower() == wanted:
            return member
    raise KeyError(name)


def _sheet_names_by_part(path: Path) -> dict[str, str]:
    """``zip member -> sheet name`` of the workbook's sheets (empty when unreadable)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {part: name for name, part in _sheet_parts(archive).items()}
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return {}


def _check_dimension(path: Path, info: zipfile.ZipInfo, sheet: str | None = None) -> None:
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
    check_cell_count(path.name, sheet or info.filename.rsplit("/", 1)[-1], rows, cols)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_cell_count(name: str, sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose used range is absurdly large (a few stray cells far away are fine)."""
    if rows < 0 or cols < 0 or rows > 1_048_576 or cols > 16_384:
        raise WorkbookError(
            f"「{name}」的工作表「{sheet}」记录的范围不合理（超出 Excel 的最大行列数），"
            "文件可能已损坏或被改动。请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        )
    if rows * cols > MAX_CELLS:
        raise WorkbookError(
            f"「{name}」的工作表「{sheet}」过大（{rows} 行 × {cols} 列），超出上限 {MAX_CELLS:,} 个单元格。"
            "请删除无关的行列后再导入。"
        )


def sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member holding the sheet named ``sheet_name`` (``KeyError`` when none)."""
    return _member(archive, _sheet_parts(archive)[sheet_name])


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """``sheet name -> zip member`` for every sheet the workbook lists, in one reading of its
    two index parts."""
    if "xl/workbook.xml" not in archive.NameToInfo and "xl/workbook.bin" in archive.NameToInfo:
        return _xlsb_sheet_parts(archive)
    folder = _workbook_folder(archive)
    workbook = _without_comments(read_part(archive, _member(archive, f"{folder}workbook.xml")))
    targets = _rel_targets(
        read_part(archive, _member(archive, f"{folder}_rels/workbook.xml.rels")), folder
    )
    parts: dict[str, str] = {}
    for m in _TAG.finditer(workbook):
        if m.group(1) != "sheet":
            continue
        attrs = _attributes(m.group(2))
        name = attrs.get("name")
        rid = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), None)
        if name is not None and rid in targets:
            parts.setdefault(_xml_unescape(name), targets[rid])  # the first of a repeated name
    return parts


_TAG = re.compile(r"""<(?:[\w.-]+:)?([\w.-]+)((?:[^>"']|"[^"]*"|'[^']*')*)>""")


def _rel_targets(rels_xml: bytes, folder: str = "xl/") -> dict[str, str]:
    """``relationship id -> zip member`` of a workbook's relationships part."""
    targets: dict[str, str] = {}
    for m in _TAG.finditer(_without_comments(rels_xml)):
        if m.group(1) != "Relationship":
            continue
        attrs = _attributes(m.group(2))
        rid, path = attrs.get("Id"), attrs.get("Target")
        if rid is not None and path is not None:
            path = _xml_unescape(path).replace("\\", "/")
            targets.setdefault(
                _xml_unescape(rid), path.lstrip("/") if path.startswith("/") else folder + path
            )
    return targets


def _workbook_folder(archive: zipfile.ZipFile) -> str:
    """The folder of the workbook part, as the package's root relationships name it
    (``xl/`` when they do not)."""
    try:
        rels = _without_comments(read_part(archive, _member(archive, "_rels/.rels")))
    except KeyError:
        return "xl/"
    for m in _TAG.finditer(rels):
        attrs = _attributes(m.group(2)) if m.group(1) == "Relationship" else {}
        if attrs.get("Type", "").endswith("/relationships/officeDocument") and "Target" in attrs:
            target = _xml_unescape(attrs["Target"])
            folder = target[: target.rfind("/") + 1]
            return folder.removeprefix("/")
    return "xl/"


def _without_comments(xml: bytes) -> str:
    """The text of an XML part without the comments, CDATA sections, processing instructions
    and document type declaration, which a reader does not take as elements."""
    return _NOT_ELEMENTS.sub(b" ", xml).decode("utf-8", "replace")


_NOT_ELEMENTS = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S
)


def _xml_unescape(text: str) -> str:
    """XML's five named entities and character references resolved."""
    if "&" not in text:
        return text

    def one(m: re.Match) -> str:
        ref = m.group(1)
        if ref.startswith("#"):
            try:
                return chr(int(ref[2:], 16) if ref[1:2] in "xX" else int(ref[1:]))
            except (ValueError, OverflowError):
                return m.group(0)
        return _ENTITIES.get(ref, m.group(0))

    return re.sub(r"&(#[xX][0-9A-Fa-f]+|#\d+|\w+);", one, text)


_ENTITIES = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}


# -- the cells' true extent ------------------------------------------------------------------
#
# The value reader lays a sheet out as one block from its first to its last cell, and a single
# stray cell at XFD1048576 makes that block 17 billion cells: the allocation fails and takes the
# whole program down. The sheet's <dimension> is optional and may say anything, so before a
# sheet is read its XML is searched for any cell or row outside the block from A1 to the end of
# the dimension it declares (one regular-expression pass); only a sheet without a dimension, one
# whose block from A1 is over the limit, or one that does not keep to it, is walked cell by cell
# to find where its cells really are.


def check_sheet_extent(path: Path, sheet_name: str) -> bytes | None:
    """Refuse a sheet whose cells, wherever they are, span more than ``MAX_CELLS``; returns
    the sheet's XML (``None`` for an old .xls or a missing part)."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return None  # an old .xls: its format caps a sheet at 65,536 × 256 cells
    except OSError:
        raise WorkbookError(f"无法读取「{path.name}」。请检查文件是否存在、能否打开。") from None
    part = None
    try:
        with archive:
            # The reader goes by the file's name, else by what it finds: a workbook holding
            # both kinds of index is checked as both.
            if "xl/workbook.bin" in archive.NameToInfo:
                _check_xlsb_extent(path.name, archive, sheet_name)
                if "xl/workbook.xml" not in archive.NameToInfo:
                    return None
            try:
                part = sheet_part(archive, sheet_name)
            except KeyError:
                # Not found the way it is named: every part holding cells is checked, so that
                # whichever the reader takes is safe.
                _check_every_sheet(path.name, archive)
                return None
            xml = read_part(archive, part)  # checks the part's size and checksum too
    except KeyError:
        return None  # no such part: the reader says the sheet cannot be read
    except zipfile.BadZipFile:
        raise WorkbookError(
            f"「{path.name}」已损坏（内部部件 {part} 校验失败）。请让报送单位重新发送。"
        ) from None
    except (OSError, EOFError, ValueError, zlib.error, NotImplementedError):
        raise WorkbookError(
            f"「{path.name}」已损坏或不完整，无法读取。请让报送单位重新发送。"
        ) from None
    _check_sheet_xml(path.name, sheet_name, xml)
    return xml


def _check_sheet_xml(file_name: str, sheet_name: str, xml: bytes) -> None:
    if not _within_declared(xml):
        rows, cols = _walk_extent(file_name, sheet_name, xml)
        check_cell_count(file_name, sheet_name, rows, cols)


def _check_every_sheet(file_name: str, archive: zipfile.ZipFile) -> None:
    names = {part: name for name, part in _sheet_parts_or_none(archive).items()}
    for info in archive.infolist():
        if info.filename.lower().endswith(".xml") and not info.filename.endswith(".rels"):
            xml = read_part(archive, info)
            if b"sheetData" in xml:
                label = names.get(info.filename, info.filename.rsplit("/", 1)[-1])
                _check_sheet_xml(file_name, label, xml)


def _sheet_parts_or_none(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        return _sheet_parts(archive)
    except (KeyError, IndexError):
        return {}


def _within_declared(xml: bytes) -> bool:
    """Whether every cell and row of the sheet lies in the block from A1 to the end of its
    declared dimension, and that block is within ``MAX_CELLS``."""
    declared = _DIMENSION.search(xml, 0, 4096)
    if not declared or not declared.group(3) or _PREFIXED.search(xml):
        return False
    last_col, last_row = declared.group(3).decode(), declared.group(4).decode()
    if last_row.startswith("0") or _col_number(last_col) * int(last_row) > MAX_CELLS:
        return False
    rows = _up_to(last_row, "0123456789", first="123456789")
    ref = _up_to(last_col, _LETTERS) + rows
    # A cell or row whose first attribute is not a reference inside the block (for a cell:
    # followed by nothing but its style and type): one pattern that starts with a literal, so
    # the search skips along quickly.
    outside = re.compile(
        rb'<c(?: (?!r="(?:' + ref.encode() + rb')"' + _CELL_REST + rb")|[\t\r\n/>])"
        rb'|<row(?: (?!r="(?:' + rows.encode() + rb')")|[\t\r\n/>])'
    )
    return outside.search(xml) is None


# -- .xlsb (binary) workbooks ------------------------------------------------------------------
#
# The same reader lays out an .xlsb sheet the same way, so its cells are found before: a sheet
# part is a run of records (MS-XLSB 2.1.4), a row header (type 0) giving the row of the cells
# that follow and each cell record (types 1 to 11) starting with its column.

_XLSB_CELLS = frozenset(range(1, 12))
_XLSB_DIMENSION = 0x0094  # the reader takes 16 bytes from it, whatever its length
_BUNDLE_SHEET = 0x009C  # a sheet's entry in workbook.bin: state, tab id, relationship id, name
_END_BUNDLE_SHEETS = 0x0090


def _records(data: bytes):
    """``(type, payload)`` of each record of an .xlsb part; ``IndexError`` when cut short."""
    pos, end = 0, len(data)
    while pos < end:
        b = data[pos]
        pos += 1
        kind = b & 0x7F
        if b & 0x80:
            kind |= (data[pos] & 0x7F) << 7
            pos += 1
        size = 0
        for i in range(4):
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                break
        if pos + size > end:
            raise IndexError("record past the end of the part")
        yield kind, data[pos : pos + size]
        pos += size


def _xlsb_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    parts: dict[str, str] = {}
    try:
        targets = _rel_targets(read_part(archive, _member(archive, "xl/_rels/workbook.bin.rels")))
        for kind, payload in _records(read_part(archive, _member(archive, "xl/workbook.bin"))):
            if kind == _END_BUNDLE_SHEETS:
                break
            if kind != _BUNDLE_SHEET:
                continue
            rel_len = int.from_bytes(payload[8:12], "little")
            if rel_len == 0xFFFFFFFF:
                continue
            at = 12 + 2 * rel_len
            rid = payload[12:at].decode("utf-16-le", "replace")
            name_len = int.from_bytes(payload[at : at + 4], "little")
            name = payload[at + 4 : at + 4 + 2 * name_len].decode("utf-16-le", "replace")
            if rid in targets:
                parts.setdefault(name, targets[rid])  # the reader takes the first of a name
    except (IndexError, KeyError):
        pass  # what was read so far; the sheets not found are all walked
    return parts


def _check_xlsb_extent(file_name: str, archive: zipfile.ZipFile, sheet_name: str) -> None:
    """Refuse an .xlsb sheet whose cells span more than ``MAX_CELLS`` (every sheet of the
    workbook when the one asked for cannot be told from its index)."""
    parts = _xlsb_sheet_parts(archive)
    try:
        wanted = {_member(archive, parts[sheet_name]): sheet_name}
    except KeyError:
        names = {part.lower(): name for name, part in parts.items()}
        wanted = {
            n: names.get(n.lower(), n.rsplit("/", 1)[-1])
            for n in archive.namelist()
            if n.lower().endswith(".bin") and ("worksheets/" in n.lower() or n.lower() in names)
        }
    for part, name in wanted.items():
        rows, cols = _xlsb_extent(file_name, read_part(archive, part))
        check_cell_count(file_name, name, rows, cols)


def _xlsb_extent(file_name: str, data: bytes) -> tuple[int, int]:
    """Rows and columns from the sheet's first to its last cell record."""
    top = left = None
    bottom = right = row = 0
    try:
        for kind, payload in _records(data):
            if kind == _XLSB_DIMENSION and len(payload) < 16:
                raise WorkbookError(
                    f"「{file_name}」的内容异常（工作表尺寸记录不完整），无法读取。"
                    "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
                )
            if kind != 0 and kind not in _XLSB_CELLS:
                continue
            if len(payload) < 4:
                # The reader would take the position from the previous record's bytes.
                raise WorkbookError(
                    f"「{file_name}」的内容异常（单元格记录不完整），无法读取。"
                    "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
                )
            value = int.from_bytes(payload[:4], "little")
            if kind == 0:
                row = value
                continue
            top = row if top is None else min(top, row)
            left = value if left is None else min(left, value)
            bottom, right = max(bottom, row), max(right, value)
    except IndexError:
        raise WorkbookError(
            f"「{file_name}」已损坏或不完整，无法读取。请让报送单位重新发送。"
        ) from None
    if top is None:
        return 0, 0
    return bottom - top + 1, right - left + 1


# -- old .xls workbooks ------------------------------------------------------------------------
#
# The reader lays out every sheet of an .xls as soon as it opens the file, reserving room first
# for the used range each sheet declares (a DIMENSIONS record: a 6 KB file may claim four
# billion rows) and then spanning the block from its first to its last cell (whose column
# fields go to 65,535). So the workbook stream is walked the way the reader walks it, from each
# sheet's recorded offset, before it is opened.

_XLS_BOF, _XLS_EOF, _XLS_BOUNDSHEET, _XLS_DIMENSIONS, _XLS_MULRK = 0x0809, 0x000A, 0x85, 0x200, 0xBD
_XLS_FILEPASS = 0x002F
# Formula, RString, LabelSst, Number, Label, BoolErr, Rk: each starts with its row and column.
_XLS_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_XLS_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


def _xls_records(stream: bytes, pos: int = 0):
    """``(type, payload)`` of the records from ``pos``; a record cut short ends the walk
    (the reader reports the file as damaged there)."""
    end = len(stream)
    while pos + 4 <= end:
        kind, size = (
            int.from_bytes(stream[pos : pos + 2], "little"),
            int.from_bytes(stream[pos + 2 : pos + 4], "little"),
        )
        if pos + 4 + size > end:
            return
        yield kind, stream[pos + 4 : pos + 4 + size]
        pos += 4 + size


def _check_xls_extent(file_name: str, data: bytes) -> None:
    """Refuse an .xls with a sheet whose declared or actual extent is over ``MAX_CELLS``."""
    import olefile  # only for old .xls files

    try:
        with olefile.OleFileIO(data) as ole:
            name = next((n for n in _XLS_STREAMS if ole.exists(n)), None)
            if name is None:
                return  # no workbook stream: the reader says so
            stream = ole.openstream(name).read()
    except Exception:  # olefile raises several kinds for a damaged container
        raise WorkbookError(
            f"「{file_name}」已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开，"
            "另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        ) from None
    sheets = []
    biff8 = True
    for kind, payload in _xls_records(stream):
        if kind == _XLS_EOF:
            break
        if kind == _XLS_BOF and len(payload) >= 2:
            biff8 = int.from_bytes(payload[:2], "little") == 0x0600
        if kind == _XLS_FILEPASS and payload[:2] != b"\0\0":
            raise WorkbookError(password_message(file_name))  # the rest is encrypted
        if kind == _XLS_BOUNDSHEET and len(payload) >= 4:
            sheets.append((int.from_bytes(payload[:4], "little"), _xls_sheet_name(payload, biff8)))
    for i, (pos, sheet) in enumerate(sheets, 1):
        if pos > len(stream):
            raise WorkbookError(
                f"「{file_name}」已损坏（工作表位置超出文件），无法读取。请让报送单位重新发送。"
            )
        rows, cols = _xls_sheet_extent(stream, pos)
        check_cell_count(file_name, sheet or f"第 {i} 个工作表", rows, cols)


def _xls_sheet_name(payload: bytes, biff8: bool) -> str:
    """The name in a BOUNDSHEET record: its length, then (Excel 97 on) a flag for UTF-16, then
    the characters (Excel 95's in the workbook's code page, taken here as GBK)."""
    if len(payload) < 7:
        return ""
    count = payload[6]
    if not biff8:
        return payload[7 : 7 + count].decode("gbk", "replace")
    wide = len(payload) > 7 and payload[7] & 1
    text = payload[8 : 8 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def _xls_sheet_extent(stream: bytes, pos: int) -> tuple[int, int]:
    """The larger of the sheet's declared used range and its cells' block, as the reader
    reserves and lays them out (charts and other sheets nested in it are skipped, as there)."""
    top = left = None
    bottom = right = 0
    declared = (0, 0)
    seen_bof, depth = False, 0
    for kind, payload in _xls_records(stream, pos):
        if depth:  # inside a chart or other sheet nested in this one
            if kind == _XLS_BOF:
                depth += 1
            elif kind == _XLS_EOF:
                depth -= 1
            continue
        if kind == _XLS_BOF:
            depth = 1 if seen_bof else 0  # the first one opens the sheet itself
            seen_bof = True
        elif kind == _XLS_EOF:
            break
        elif kind == _XLS_DIMENSIONS:
            declared = max(declared, _xls_dimensions(payload), key=lambda d: d[0] * d[1])
        elif (kind in _XLS_CELLS and len(payload) >= 4) or (
            kind == _XLS_MULRK and len(payload) >= 6
        ):
            row = int.from_bytes(payload[:2], "little")
            first = int.from_bytes(payload[2:4], "little")
            last = int.from_bytes(payload[-2:], "little") if kind == _XLS_MULRK else first
            top = row if top is None else min(top, row)
            left = first if left is None else min(left, first)
            bottom, right = max(bottom, row), max(right, last, first)
    cells = (0, 0) if top is None else (bottom - top + 1, right - left + 1)
    return max(declared, cells, key=lambda d: d[0] * d[1])


def _xls_dimensions(payload: bytes) -> tuple[int, int]:
    """Rows and columns a DIMENSIONS record makes the reader reserve room for (its arithmetic,
    32-bit and wrapping, included)."""
    if len(payload) == 10:
        first, last = (int.from_bytes(payload[i : i + 2], "little") for i in (0, 2))
        col_first, col_last = (int.from_bytes(payload[i : i + 2], "little") for i in (4, 6))
    elif len(payload) == 14:
        first, last = (int.from_bytes(payload[i : i + 4], "little") for i in (0, 4))
        col_first, col_last = (int.from_bytes(payload[i : i + 2], "little") for i in (8, 10))
    else:
        return 0, 0  # the reader refuses the file
    if col_first > 0xFF or col_last < col_first:
        col_first = 0
    if last < 1 or col_last < 1:
        return 1, 1
    wrap = 1 << 32
    return ((last - 1 - first) % wrap) + 1, ((col_last - 1 - col_first) % wrap) + 1


_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S
)


class ExcelError(str):
    """A cell holding an Excel error value (``#DIV/0!``): refused wherever it stands."""

    @property
    def reason(self) -> str:
        return f"是公式出错的结果（{self}），请改正公式或直接填写数值"


def error_cells(xml: bytes) -> list[tuple[int, int, str]]:
    """Cells holding an Excel error value (``#DIV/0!``, ``#N/A`` …), which the value reader
    returns as empty: ``(row, column, error)``, both from 1."""
    if b't="e"' not in xml:
        return []
    return [
        (int(row), _col_number(letters.decode()), value.decode("utf-8", "replace"))
        for letters, row, value in _ERROR_CELL.findall(xml)
    ]


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# What may follow a cell's reference in the quick check: its style and type, and the tag's end.
# (The reader takes a cell's last r attribute, so a cell with anything else is walked.)
_CELL_REST = rb'(?: s="[^"]*+")?+(?: t="[^"]*+")?+ ?+/?+>'
# Elements with a namespace prefix (<x:c>): read as cells all the same, so walked.
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")


def _up_to(value: str, alphabet: str, first: str | None = None) -> str:
    """A pattern, as one group, for the strings of ``alphabet`` that read as numbers or column
    letters up to ``value``: shorter ones, or as long and not greater place by place. ``first``
    are the characters a string may start with (no leading zeros)."""
    first = first or alphabet
    n = len(value)
    alts = [f"[{first}][{alphabet}]{{0,{n - 2}}}"] if n > 1 else []
    for i, ch in enumerate(value):
        allowed = first if i == 0 else alphabet
        lower = allowed[: allowed.index(ch)]
        if lower:
            rest = n - i - 1
            alts.append(
                re.escape(value[:i]) + f"[{lower}]" + (f"[{alphabet}]{{{rest}}}" if rest else "")
            )
    alts.append(re.escape(value))
    return "(?:" + "|".join(alts) + ")"


# The walk reads a sheet's cells as the value reader does: comments and the like skipped; a
# <row> with a reference sets the current row, and its end moves to the next; a <c> is placed by
# its reference, else at the current row and column, and the column moves on past it; an empty
# element counts as a start and an end; the reader stops at </sheetData>. Attributes are read by
# its rules: either quote, spaces around "=", a row's first "r", a cell's last (it stops looking
# once it has seen three of r, s and t).
_ELEMENT = re.compile(
    rb"""<(/?)(?:[^ \t\r\n/>:]*:)?(c|row|sheetData)(?=[ \t\r\n/>])((?:[^>"']|"[^"]*"|'[^']*')*)>"""
)
_SPACE = b" \t\n\x0c\r"  # what the reader skips between attributes


def _walk_extent(file_name: str, sheet_name: str, xml: bytes) -> tuple[int, int]:
    """Rows and columns from the sheet's first to its last cell, placing cells as the value
    reader does; a sheet whose cells it cannot place is refused."""

    def refuse() -> WorkbookError:
        return WorkbookError(
            f"「{file_name}」的工作表「{sheet_name}」内容结构异常，无法确定单元格的位置。"
            "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿 (*.xlsx)」后再导入。"
        )

    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise refuse()  # declarations a sheet never needs, read differently by readers
    text = _NOT_ELEMENTS.sub(b" ", xml)
    begin = next(
        (m.end() for m in _ELEMENT.finditer(text) if m.group(2) == b"sheetData" and not m.group(1)),
        None,
    )
    if begin is None:
        return 0, 0  # the reader finds no cells
    top = left = None
    bottom = right = 0
    row = col = 0  # from 0, as the reader counts
    in_cell = False
    for m in _ELEMENT.finditer(text, begin):
        closing, name, attrs = m.group(1), m.group(2), m.group(3)
        empty = not closing and attrs.endswith(b"/")
        if empty:
            attrs = attrs[:-1]
        if in_cell:
            if name == b"c" and closing:
                in_cell = False
                col += 1
                continue
            raise refuse()  # a cell, row or sheetData tag inside a cell
        if name == b"sheetData":
            if closing:
                break
            continue
        if name == b"row":
            if closing:
                row, col = row + 1, 0
                continue
            ref = _raw_attrs(attrs, refuse, first=(b"r",)).get(b"r")
            if ref is not None:
                row = _position(ref, refuse, need_column=False)[0]
            if empty:
                row, col = row + 1, 0
            continue
        if closing:
            continue  # a stray </c>
        ref = _raw_attrs(attrs, refuse, last=(b"r", b"s", b"t")).get(b"r")
        if ref is not None:
            at_row, col = _position(ref, refuse, need_column=True)
        else:
            at_row = row
        top = at_row if top is None else min(top, at_row)
        left = col if left is None else min(left, col)
        bottom, right = max(bottom, at_row), max(right, col)
        if empty:
            col += 1
        else:
            in_cell = True
    if top is None:
        return 0, 0
    return bottom - top + 1, right - left + 1


def _raw_attrs(raw: bytes, refuse, *, first: tuple = (), last: tuple = ()) -> dict:
    """The attributes ``first`` (the first of each name) or ``last`` (the last of each, until
    as many matches as names were seen) of a start tag, read by the value reader's rules."""
    out: dict[bytes, bytes] = {}
    pos, end, found = 0, len(raw), 0
    while True:
        while pos < end and raw[pos] in _SPACE:
            pos += 1
        if pos >= end:
            return out
        eq = raw.find(b"=", pos)
        if eq < 0:
            raise refuse()
        key = raw[pos:eq].rstrip(_SPACE)
        pos = eq + 1
        while pos < end and raw[pos] in _SPACE:
            pos += 1
        quote = raw[pos : pos + 1]
        if quote not in (b'"', b"'"):
            raise refuse()
        close = raw.find(quote, pos + 1)
        close = end if close < 0 else close
        value = raw[pos + 1 : close]
        pos = close + 1
        if key in first:
            out.setdefault(key, value)
            if len(out) == len(first):
                return out
        elif key in last:
            out[key] = value
            found += 1
            if found == len(last):
                return out


def _position(ref: bytes, refuse, *, need_column: bool) -> tuple[int, int]:
    """``(row, column)`` from 0 of a reference such as ``B12`` (letters, then digits)."""
    m = re.fullmatch(rb"([A-Za-z]*)([0-9]+)", ref)
    if not m or int(m.group(2)) < 1 or (need_column and not m.group(1)):
        raise refuse()
    return int(m.group(2)) - 1, _col_number(m.group(1).decode().upper()) - 1
