"""Backups of the database file: on demand, daily on open, before destructive actions; restore."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..domain.errors import UserError, os_reason
from ..locations import backups_dir
from ..store import Store, StoreError
from ..store.database import file_schema_version, is_program_database, schema_version

_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[^.]+)\.db$")
DEFAULT_KEEP = 10


@dataclass(frozen=True)
class BackupFile:
    path: Path
    at: datetime
    reason: str
    size: int


def backup_to(store: Store, target: Path, *, overwrite: bool = False) -> Path:
    """Copy the whole database to ``target`` and log it.

    An existing file is replaced only when ``overwrite`` (it may be another database, or
    anything else the user picked by mistake); the database itself never.
    """
    target = Path(target)
    try:
        if target.is_dir():
            target = target / f"{store.path.stem}-{datetime.now().strftime(_STAMP)}.db"
        exists = target.exists()
    except OSError as exc:  # a name the system refuses outright (too long, say)
        raise UserError(
            f"无法写入备份文件「{target}」：{os_reason(exc)}。请换一个位置后重试。"
        ) from exc
    if exists:
        if target.resolve() == store.path.resolve():
            raise UserError(
                f"备份文件不能是数据库「{store.path.name}」本身。请另选一个文件名或文件夹。"
            )
        if not overwrite:
            raise UserError(
                f"「{target}」已存在，未覆盖。请换一个文件名（命令行可加 --force 覆盖）。"
            )
    path = store.backup_to(target)
    if not store.read_only:
        try:
            store.log_event("backup", f"备份到 {path.name}", str(path))
        except UserError:
            pass  # the copy is made; a database busy or read-only just misses the history line
    return path


def auto_backup(
    store: Store, reason: str = "自动", *, keep: int = DEFAULT_KEEP, spare: Path | None = None
) -> Path:
    """A timestamped backup in the database's backup folder; keeps the newest ``keep`` (and
    ``spare``, the backup about to be restored, whatever its age)."""
    folder = backups_dir(store.path)
    now = datetime.now()
    path = folder / f"{store.path.stem}-{now.strftime(_STAMP)}-{reason}.db"
    second = 1
    while path.exists():  # two in the same second: the later one waits a second in its name
        stamp = (now + timedelta(seconds=second)).strftime(_STAMP)
        path = folder / f"{store.path.stem}-{stamp}-{reason}.db"
        second += 1
    backup_to(store, path)
    prune(store.path, keep, spare=spare)
    return path


def daily_backup(store: Store, *, keep: int = DEFAULT_KEEP) -> Path | None:
    """The once-a-day backup made when the database is opened (None if today's exists)."""
    today = datetime.now().date()
    if any(b.at.date() == today and b.reason == "每日" for b in list_backups(store.path)):
        return None
    return auto_backup(store, "每日", keep=keep)


def list_backups(db_path: Path) -> list[BackupFile]:
    """Backups of ``db_path``, newest first."""
    folder = backups_dir(db_path)
    if not folder.exists():
        return []
    out = []
    for f in folder.iterdir():
        m = _NAME.match(f.name)
        if not m or m.group("stem") != db_path.stem:
            continue
        out.append(
            BackupFile(
                f, datetime.strptime(m.group("stamp"), _STAMP), m.group("reason"), f.stat().st_size
            )
        )
    return sorted(out, key=lambda b: b.at, reverse=True)


def prune(db_path: Path, keep: int, *, spare: Path | None = None) -> None:
    spared = spare.resolve() if spare else None
    for old in list_backups(db_path)[max(keep, 1) :]:
        if old.path.resolve() != spared:
            old.path.unlink(missing_ok=True)


def restore(store: Store, backup: Path, *, keep: int = DEFAULT_KEEP) -> Store:
    """Replace the open database with ``backup``; returns the reopened store.

    The current state is backed up first (reason 恢复前), so a restore can itself be undone;
    the chosen backup is never pruned for it. The backup is checked (a database of this
    program, integrity ok) before anything is replaced, and read without ever being written.
    """
    backup = Path(backup)
    uri = f"{backup.resolve().as_uri()}?mode=ro"
    # First of all, from the file's header: a backup made by a newer version would replace
    # the live database with one this program then refuses to open.
    version, target = file_schema_version(backup), schema_version()
    if version is not None and version > target:
        raise UserError(
            f"备份文件「{backup.name}」由更新版本的程序创建（结构版本 {version}，本程序支持 "
            f"{target}），本程序无法使用，未恢复，当前数据库没有改变。请升级程序后再恢复该备份。"
        )
    ok = is_program_database(backup)
    if not ok:
        raise UserError(
            f"备份文件「{backup.name}」已损坏、是空文件或不是本程序的数据库，未恢复。请选择其他备份。"
        )
    auto_backup(store, "恢复前", keep=keep, spare=backup)
    path, user = store.path, store.user
    source = sqlite3.connect(uri, uri=True)
    try:
        with store.write(source="系统"):
            pass  # takes and releases the write lock: nobody is mid-write
        source.backup(store.conn)
    except sqlite3.Error as exc:
        raise StoreError(f"恢复失败：{exc}。数据库未改变。") from exc
    finally:
        source.close()
    store.close()
    reopened = Store.open(path, user=user)
    reopened.log_event("restore", f"从备份 {backup.name} 恢复", str(backup))
    return reopened


def file_size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


__all__ = [
    "BackupFile",
    "auto_backup",
    "backup_to",
    "daily_backup",
    "list_backups",
    "prune",
    "restore",
    "file_size_text",
]
