"""Hostile files through the command line, each in a process of its own: refused with a clear
message (exit 2, no traceback), the database unchanged, and at a bounded cost in memory
(the child's peak resident size, as the kernel accounts it, under 200 MB)."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from xhelpers import sha

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 200
SHEET = "xl/worksheets/sheet1.xml"

_MIB = 1 << 20


def _deflated_zeros(prefix: bytes, mib: int) -> bytes:
    """A raw deflate stream of ``prefix`` and ``mib`` MiB of "0": the same flushed block
    repeated (a few KB per GB), so that a test makes a gigabyte in no time."""
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = start.compress(prefix) + start.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = block.compress(b"0" * _MIB) + block.flush(zlib.Z_FULL_FLUSH)
    return head + unit * mib + b"\x03\x00"  # an empty final block ends the stream


def _zip(out: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of ``(name, raw deflate data, declared size, declared CRC)``, written by hand so
    that its directory can say what it likes."""
    central = []
    with out.open("wb") as fh:
        for name, data, size, crc in members:
            encoded = name.encode()
            offset = fh.tell()
            fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
            fh.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded + data)
            central.append(
                struct.pack(
                    "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset
                )
                + encoded
            )
        start = fh.tell()
        for entry in central:
            fh.write(entry)
        fh.write(
            struct.pack(
                "<4sHHHHIIH",
                b"PK\x05\x06",
                0,
                0,
                len(central),
                len(central),
                fh.tell() - start,
                start,
                0,
            )
        )
    return out


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _template_members(template: Path, replace: dict[str, tuple[bytes, int, int]]) -> list:
    """The template's parts, some replaced by ``(raw deflate, declared size, declared CRC)``."""
    members = []
    with zipfile.ZipFile(template) as z:
        for info in z.infolist():
            if info.filename in replace:
                members.append((info.filename, *replace.pop(info.filename)))
            else:
                data = z.read(info)
                members.append((info.filename, _deflate(data), len(data), zlib.crc32(data)))
    members.extend((name, *value) for name, value in replace.items())
    return members


def lying_bomb(template: Path, out: Path, member: str, gib: int = 2) -> Path:
    """``member`` inflates to ``gib`` GiB while the zip directory says 1,000 bytes (with the
    checksum of those first bytes): every size and ratio check passes on what it declares."""
    prefix = b'<?xml version="1.0"?><x>'
    declared = (prefix + b"0" * 1000)[:1000]
    data = _deflated_zeros(prefix, gib * 1024)
    return _zip(out, _template_members(template, {member: (data, 1000, zlib.crc32(declared))}))


def honest_bomb(template: Path, out: Path, gib: int = 1) -> Path:
    """A sheet that truly inflates to ``gib`` GiB, and says so."""
    size = gib * 1024 * _MIB
    crc = 0
    for _ in range(gib * 1024):
        crc = zlib.crc32(b"0" * _MIB, crc)
    return _zip(
        out, _template_members(template, {SHEET: (_deflated_zeros(b"", gib * 1024), size, crc)})
    )


def with_part(template: Path, out: Path, member: str, data: bytes) -> Path:
    return _zip(
        out, _template_members(template, {member: (_deflate(data), len(data), zlib.crc32(data))})
    )


def _sheet_xml(template: Path) -> bytes:
    with zipfile.ZipFile(template) as z:
        return z.read(SHEET)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def _cases(template: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    sheet = _sheet_xml(template)
    deep = sheet.replace(b"<sheetData>", b"<sheetData>" + b"<x>" * 1_000_000 + b"</x>" * 1_000_000)
    laughs_sheet = LAUGHS + re.sub(rb"^<\?xml[^>]*\?>", b"", sheet).replace(
        b"</sheetData>",
        b'<row r="99"><c r="A99" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>',
    )
    laughs_props = LAUGHS + b"<Properties>&lol9;</Properties>"
    strings = b"".join(b"<si><t>%08d</t></si>" % i for i in range(2_000_000))
    sst = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        b'main" count="2000000" uniqueCount="2000000">' + strings + b"</sst>"
    )
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    big_xls = tmp / "巨大.xls"
    with big_xls.open("wb") as fh:
        fh.write(ole + "Workbook".encode("utf-16-le"))
        fh.write(os.urandom(45 * _MIB))
    oversize = tmp / "超过50MB.xlsx"
    with oversize.open("wb") as fh:
        fh.write(b"PK\x03\x04" + os.urandom(60 * _MIB))
    truncated = tmp / "截断.xlsx"
    truncated.write_bytes(template.read_bytes()[: template.stat().st_size // 2])
    not_zip = tmp / "文本.xlsx"
    not_zip.write_text("项目编码,项目名称\n" * 1000, encoding="utf-8")
    password = tmp / "加密.xlsx"
    password.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4096)
    return {
        "lying-bomb-sheet": (lying_bomb(template, tmp / "谎报大小-表.xlsx", SHEET), "疑似恶意构造"),
        "lying-bomb-workbook": (
            lying_bomb(template, tmp / "谎报大小-簿.xlsx", "xl/workbook.xml"),
            "疑似恶意构造",
        ),
        "lying-bomb-properties": (
            lying_bomb(template, tmp / "谎报大小-属性.xlsx", "docProps/custom.xml"),
            "疑似恶意构造",
        ),
        "lying-bomb-strings": (
            lying_bomb(template, tmp / "谎报大小-字符串.xlsx", "xl/sharedStrings.xml"),
            "疑似恶意构造",
        ),
        "honest-bomb": (honest_bomb(template, tmp / "炸弹.xlsx"), "疑似恶意构造"),
        "deep-nesting": (with_part(template, tmp / "深层嵌套.xlsx", SHEET, deep), "结构异常"),
        "billion-laughs-sheet": (
            with_part(template, tmp / "实体膨胀-表.xlsx", SHEET, laughs_sheet),
            "结构异常",
        ),
        "billion-laughs-properties": (
            with_part(template, tmp / "实体膨胀-属性.xlsx", "docProps/custom.xml", laughs_props),
            "无法",
        ),
        "huge-shared-strings": (
            with_part(template, tmp / "巨大字符串表.xlsx", "xl/sharedStrings.xml", sst),
            "共享字符串表过大（2,000,000 条",
        ),
        "huge-xls": (big_xls, "无法读取"),
        "over-50-mb": (oversize, "过大"),
        "truncated": (truncated, "已损坏或不完整"),
        "not-a-zip": (not_zip, "不是 Excel 工作簿"),
        "password": (password, "设置了打开密码"),
    }


# A small launcher runs the command and reports its peak: a child forked straight from the test
# process would start out with the test process's own resident pages counted as its peak.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _run_measured(tmp: Path, *args: object) -> tuple[int, str, str, int]:
    """The CLI in a child process: ``(exit code, stdout, stderr, peak resident MB)``."""
    peak = tmp / "peak.txt"
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, peak, sys.executable, "-m", "desktop_app.cli"]
        + [str(a) for a in args],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    return result.returncode, result.stdout, result.stderr, int(peak.read_text()) // 1024


@pytest.fixture
def cases(setup):
    return _cases(setup.template, setup.tmp)


CASE_NAMES = [
    "lying-bomb-sheet",
    "lying-bomb-workbook",
    "lying-bomb-properties",
    "lying-bomb-strings",
    "honest-bomb",
    "deep-nesting",
    "billion-laughs-sheet",
    "billion-laughs-properties",
    "huge-shared-strings",
    "huge-xls",
    "over-50-mb",
    "truncated",
    "not-a-zip",
    "password",
]


# Files a parser that recursed or expanded entities would choke on; ours reads them without
# either, so they may also be read (and change nothing), as long as it costs little.
HARMLESS = {"deep-nesting", "billion-laughs-properties"}


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_hostile_file_is_refused_cheaply_and_clearly(setup, cases, case):
    path, expected = cases[case]
    before = sha(setup.store.path)
    code, out, err, peak = _run_measured(
        setup.tmp,
        "--db",
        setup.store.path,
        "import",
        path,
        "--unit",
        "广汉市",
        "--period",
        "2026-11",
    )
    print(f"{case}: exit {code}, peak {peak} MB, {err.strip() or out.strip()}")
    assert peak < PEAK_LIMIT_MB, f"{case}: {peak} MB"
    assert "Traceback" not in err
    if case in HARMLESS and code == 0:
        assert "更新 0 个项目" in out
        return
    assert code == 2, (out, err)
    assert err.startswith("错误：") and expected in err, err
    assert sha(setup.store.path) == before
