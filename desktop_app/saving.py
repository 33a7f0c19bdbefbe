"""Saving the files users keep (workbooks, PDFs): written whole beside the target, then moved
into place.

Writing straight over an existing file empties it first: a save that then fails (a full disk, a
network folder gone, an error half-way through) leaves neither last month's file nor a new one.
Written to a temporary file in the same folder and renamed over the target only once complete,
the target is at every moment either the old file or the new one.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from .domain.errors import UserError, os_reason


def save_file(out: Path, write: Callable[[Path], object], *, kind: str) -> Path:
    """Save ``out`` by ``write(path)`` into a temporary file beside it, then replace ``out``
    with it; ``kind`` names the file type in messages (".xlsx", "PDF"). Returns ``out``.

    An ``OSError`` becomes a ``UserError`` saying why, in Chinese; whatever goes wrong, the
    temporary file is removed and an existing ``out`` is left as it was.
    """
    out = check_target(out, kind=kind)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"无法创建文件夹「{out.parent}」：{os_reason(exc)}。请换一个保存位置。"
        ) from exc
    # Beside the target (a rename across disks would be a copy), under a name no other save
    # uses at the same time.
    part = out.with_name(f"~{out.stem}.{secrets.token_hex(4)}.part{out.suffix}")
    try:
        write(part)
        move_into_place(part, out)
    except OSError as exc:
        raise UserError(f"无法写入「{out}」：{_why(exc, kind)}") from exc
    finally:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass  # left behind only if the folder itself became unwritable meanwhile
    return out


# The programs that hold a file of each kind open (and so lock it on Windows).
_OPENED_BY = {"PDF": "PDF 阅读器", "Word 文档": "Word 或 WPS"}


def _why(exc: OSError, kind: str) -> str:
    """The reason a save failed and the one thing to do about it, for this kind of file."""
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM):
        program = _OPENED_BY.get(kind, "Excel 或 WPS")
        return (
            f"文件正被其他程序（如 {program}）打开，或没有写入权限。"
            f"请关闭打开它的程序后重试，或换一个位置。"
        )
    if exc.errno == errno.ENOENT:
        return "文件夹不存在。请换一个已有的文件夹。"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"{os_reason(exc)}。请清理磁盘空间或换一个位置。"
    return f"{os_reason(exc)}。请换一个文件名或位置后重试。"


def check_target(out: Path, *, kind: str) -> Path:
    """Refuse, before any work, a target that is a folder, a read-only file or a name the system
    refuses outright (too long, say); returns it as a ``Path``."""
    import stat

    out = Path(out)
    try:
        is_folder = out.is_dir()
        read_only = out.is_file() and not out.stat().st_mode & stat.S_IWUSR
    except OSError as exc:
        raise UserError(f"无法写入「{out}」：{os_reason(exc)}。请换一个文件名或位置。") from exc
    if is_folder:
        raise UserError(f"「{out}」是一个文件夹，请给出 {kind} 文件名。")
    if read_only:
        raise UserError(
            f"「{out}」是只读文件，不会覆盖它。请换一个文件名，或先在文件属性中取消“只读”。"
        )
    return out


# A file just written is often held for a moment by a virus scanner or an indexer on Windows, and
# moving it then fails as if access were denied: a few tries before saying so.
MOVE_TRIES = 5
MOVE_PAUSE_S = 0.1


def move_into_place(part: Path, out: Path) -> None:
    """``os.replace(part, out)``, tried again for a moment while access is refused."""
    for attempt in range(MOVE_TRIES):
        try:
            os.replace(part, out)
            return
        except PermissionError:
            if attempt == MOVE_TRIES - 1:
                raise
            time.sleep(MOVE_PAUSE_S)
