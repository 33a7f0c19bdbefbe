"""The one entry to a database file: opening, schema and migrations, transactions and the audit log.

A ``Store`` owns one ``sqlite3`` connection, configured the same way every time (foreign keys
on, busy timeout, rollback journal so that the file may live on a network share). Every write
runs inside ``store.write(...)``: one transaction, rolled back whole on any error, with the audit
rows of the change written in the same transaction.
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import ConflictError, UserError, os_reason
from ..paths import schema_path
from ..saving import move_into_place

BUSY_TIMEOUT_MS = 5000
_STORE_SERIALS = itertools.count(1)
_SECTION = re.compile(r"^-- ---- version (\d+):", re.MULTILINE)
_HEADER_VERSION = re.compile(r"^-- schema-version: (\d+)", re.MULTILINE)


class StoreError(UserError):
    """The database file cannot be used as asked (not a database, read-only, locked, full…)."""


def current_user() -> str:
    try:
        return os.environ.get("USERNAME") or getpass.getuser() or "未知用户"
    except Exception:  # getpass raises when no user name is available (some service accounts)
        return "未知用户"


def _writable(path: Path) -> bool:
    """Whether the file can be opened for writing (os.access is wrong for administrators and
    for files made immutable or on read-only shares)."""
    try:
        with open(path, "r+b"):
            return True
    except OSError:
        return False


def schema_sections(text: str | None = None) -> dict[int, str]:
    """The schema split by version: ``{1: sql, 2: sql, ...}``.

    ``db/schema.sql`` is the whole current schema; each ``-- ---- version N:`` marker starts the
    part that version N added. A new database runs all parts; an old one runs the parts after
    its ``user_version`` (see ``migrations.py`` for steps that are more than additions).
    """
    text = text if text is not None else schema_path().read_text(encoding="utf-8")
    parts: dict[int, str] = {}
    marks = list(_SECTION.finditer(text))
    parts[1] = text[: marks[0].start()] if marks else text
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parts[int(mark.group(1))] = text[mark.start() : end]
    return parts


def schema_version() -> int:
    match = _HEADER_VERSION.search(schema_path().read_text(encoding="utf-8"))
    return int(match.group(1)) if match else 1


@dataclass
class WriteContext:
    """The transaction in progress: where its changes come from, for the audit rows."""

    store: Store
    source: str
    batch_id: int | None
    op_id: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (entity, id, field)

    def audit(
        self,
        entity: str,
        entity_id: object,
        field_name: str,
        old: object,
        new: object,
        *,
        project_id: str | None = None,
    ) -> None:
        self.store.conn.execute(
            "INSERT INTO audit_log (user, entity, entity_id, project_id, field, old, new, source,"
            " batch_id, op_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                self.store.user,
                entity,
                str(entity_id),
                project_id,
                field_name,
                _audit_text(old),
                _audit_text(new),
                self.source,
                self.batch_id,
                self.op_id,
            ),
        )
        self.changes.append((entity, str(entity_id), field_name))


def _audit_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Store:
    """An open database file. Use ``Store.open(path)``; close it with ``close()`` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, user: str, read_only: bool = False):
        self.conn = conn
        self._db = None
        self.path = path
        self.user = user
        self.read_only = read_only
        # The plan this session looks at when not the current one (window chooser, --plan).
        self.plan_view: int | None = None
        self._tx: list[WriteContext] = []
        self._serial = next(_STORE_SERIALS)  # tells this open connection from later ones

    @property
    def db(self):
        """The connection as a ``sqlite_utils.Database`` (savepoints of nested writes).

        Made on first use: importing sqlite-utils also imports numpy where it is installed,
        which would add a fifth of a second to every start of the application.
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike, *, create: bool = True, user: str | None = None
    ) -> Store:
        """Open ``path``, creating it with the current schema when it does not exist."""
        path = Path(path)
        user = user or current_user()
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            if path.is_file():
                raise StoreError(
                    f"数据库文件「{path}」是空文件（0 字节），没有任何数据。"
                    "请从备份恢复，或用 init 命令重新创建。"
                )
            raise StoreError(f"数据库文件「{path}」不存在。请检查路径，或先用 init 命令创建。")
        if exists and path.is_dir():
            raise StoreError(f"「{path}」是文件夹，不是数据库文件。")
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"无法创建文件夹「{path.parent}」：{os_reason(exc)}。请选择其他位置。"
                ) from exc
        if exists:
            # Before any connection: opening a database switches its journal mode (and a
            # WAL-mode file gets its side files), which must not happen to a file refused.
            _refuse_newer(path, file_schema_version(path))
        read_only = exists and not _writable(path)
        try:
            if read_only:
                conn = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=True,
                )
            else:
                conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(
                f"无法打开数据库「{path}」：{exc}。请检查文件是否存在、是否有访问权限。"
            ) from exc
        store = cls(conn, path, user=user, read_only=read_only)
        try:
            store._configure()
            store._ensure_schema()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise translate_error(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def _configure(self) -> None:
        # Must run outside any transaction: inside one, SQLite silently ignores foreign_keys.
        assert not self.conn.in_transaction
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Scratch tables of bulk writes stay in memory, never in a temporary file.
        self.conn.execute("PRAGMA temp_store = MEMORY")
        # Audit values formatted by SQL statements exactly as the Python side formats them.
        self.conn.create_function("audit_text", 1, _audit_text, deterministic=True)
        # Checking the file is SQLite at all (raises "file is not a database" otherwise).
        self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Its version as the connection sees it (a WAL file's latest state), still before the
        # journal mode below changes anything.
        _refuse_newer(self.path, self.conn.execute("PRAGMA user_version").fetchone()[0])
        if not self.read_only:
            # Rollback journal: WAL does not work on network shares.
            self.conn.execute("PRAGMA journal_mode = DELETE")
            self.conn.execute("PRAGMA synchronous = FULL")

    def _ensure_schema(self) -> None:
        from . import migrations

        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        target = schema_version()
        has_tables = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table'"
        ).fetchone()[0]
        _refuse_newer(self.path, version)
        if version == target:
            return
        if version == 0 and has_tables:
            raise StoreError(
                f"「{self.path.name}」不是本程序的数据库（缺少版本标记）。请选择正确的数据库文件。"
            )
        if self.read_only:
            raise StoreError(
                f"数据库「{self.path.name}」需要升级，但文件为只读。请复制到可写位置后再打开。"
            )
        migrations.upgrade(self.conn, version, target, schema_sections())

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def large_page_cache(self, mib: int = 16) -> Iterator[None]:
        """A page cache of up to ``mib`` MiB for the block (SQLite's default is 2 MiB).

        A bulk write touching thousands of pages (a 10,000-row import) would otherwise spill
        them to the file mid-transaction; everyday work keeps the small cache and its memory.
        """
        old = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-1024 * int(mib)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(old)}")

    @contextmanager
    def write(self, *, source: str = "手工", batch_id: int | None = None) -> Iterator[WriteContext]:
        """One transaction (a savepoint when nested); everything in it is applied or nothing is."""
        if self.read_only:
            raise StoreError(
                f"数据库「{self.path.name}」为只读文件，不能修改。请检查文件属性或权限。"
            )
        if self._tx:
            outer = self._tx[-1]
            ctx = WriteContext(
                self, source, batch_id if batch_id is not None else outer.batch_id, outer.op_id
            )
            self._tx.append(ctx)
            try:
                with self.db.atomic():
                    yield ctx
                outer.changes.extend(ctx.changes)
            finally:
                self._tx.pop()
            return
        ctx = WriteContext(self, source, batch_id, uuid.uuid4().hex)
        self._tx.append(ctx)
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise translate_error(exc, self.path, writing=True) from exc
            try:
                yield ctx
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise translate_error(exc, self.path, writing=True) from exc
                raise
        finally:
            self._tx.pop()

    @property
    def in_write(self) -> bool:
        return bool(self._tx)

    def change_token(self) -> tuple[int, int, int]:
        """Equal tokens from this store mean the database did not change between them: not
        through this connection (its count of changed rows) nor through any other connection
        or process (SQLite's ``data_version``). Something read after the first token may be
        reused at the second, inside a write transaction, instead of being read again."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return (self._serial, version, self.conn.total_changes)

    # -- small helpers ---------------------------------------------------------------------

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        cursor = self.conn.execute(sql, params)
        cols = [c[0] for c in cursor.description or ()]
        return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: tuple | dict = ()) -> object:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def log_event(self, kind: str, summary: str, path: str | None = None) -> None:
        """A database-level event (backup, restore, template, import) for the history view."""
        with self.write(source="系统"):
            self.conn.execute(
                "INSERT INTO event_log (user, kind, summary, path) VALUES (?,?,?,?)",
                (self.user, kind, summary, path),
            )

    def get_setting(self, key: str, default: object = None) -> object:
        raw = self.scalar("SELECT value FROM setting WHERE key = ?", (key,))
        return default if raw is None else json.loads(raw)

    def set_setting(self, key: str, value: object) -> None:
        with self.write(source="系统") as tx:
            old = self.get_setting(key)
            self.conn.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )
            tx.audit("setting", key, "value", old, value)

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity and foreign-key checks (empty when healthy)."""
        try:
            problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
        except sqlite3.DatabaseError as exc:  # too damaged for the checks to finish
            problems = [f"数据库文件已损坏，检查无法完成（SQLite：{exc}）"]
        return problems

    def backup_to(self, target: str | os.PathLike) -> Path:
        """A consistent copy of the whole database into ``target`` (SQLite's online backup)."""
        target = Path(target)
        tmp = target.with_name(target.name + ".part")
        try:
            # SQLite's online backup waits as long as another program holds the file exclusively
            # (the window frozen meanwhile); a read first gives up after the busy timeout.
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.open("wb").close()  # a place that cannot take the file says why, as a file error
            dest = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
            move_into_place(tmp, target)
        except sqlite3.Error as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise translate_error(exc, target) from exc
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise StoreError(
                f"无法写入备份文件「{target}」：{os_reason(exc)}。请换一个位置后重试。"
            ) from exc
        return target

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CONSTRAINT_NAMES = {
    "project.code": "项目编码已存在，请换一个编码",
    "unit.name": "单位名称已存在",
    "baseline.name": "基线名称已存在",
    "project_unit.project_id": "一个项目只能有一个牵头单位",
    "project_unit.project_id, project_unit.unit_id": "同一单位不能重复列出",
    "progress_report.project_id, progress_report.period": "该项目本期已有进度报告",
}


def file_schema_version(path: Path) -> int | None:
    """The schema version (``PRAGMA user_version``) written in a database file's header, read
    as plain bytes: nothing is opened through SQLite, so nothing of the file can change.
    ``None`` when the file is not an SQLite database (or too short to tell)."""
    try:
        with Path(path).open("rb") as fh:
            header = fh.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return None
    return int.from_bytes(header[60:64], "big")


def newer_version_message(path: Path, version: int) -> str | None:
    """What to say when ``path`` holds a schema newer than this program's (else ``None``)."""
    target = schema_version()
    if version is None or version <= target:
        return None
    return (
        f"数据库「{Path(path).name}」由更新版本的程序创建（结构版本 {version}，本程序支持 {target}）。"
        "请升级程序后再打开。"
    )


def _refuse_newer(path: Path, version: int | None) -> None:
    message = newer_version_message(path, version)
    if message:
        raise StoreError(message)


def is_program_database(path: Path) -> bool:
    """Whether ``path`` is a sound database of this program (read only: the file is never
    created or written, as ``sqlite3.connect`` would do to a missing one)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return (
                probe.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                and probe.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name IN ('project', 'unit')"
                ).fetchone()[0]
                == 2
            )
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        return False


def translate_error(
    exc: sqlite3.Error, path: Path | None = None, *, writing: bool = False
) -> UserError:
    """An SQLite error as a message a person can act on (``writing``: while saving a change)."""
    text = str(exc)
    unsaved = "修改未保存。" if writing else ""
    name = f"「{path.name}」" if path else ""
    if isinstance(exc, sqlite3.IntegrityError):
        if text.startswith("UNIQUE constraint failed: "):
            cols = text.removeprefix("UNIQUE constraint failed: ")
            return UserError(_CONSTRAINT_NAMES.get(cols, f"数据重复（{cols}）"))
        if "FOREIGN KEY" in text:
            return UserError("引用的记录不存在或仍被其他记录使用（外键约束），修改未保存")
        if text.startswith("CHECK constraint failed"):
            return UserError(f"数据不符合规则（{text.split(':', 1)[-1].strip()}），修改未保存")
        if text.startswith("NOT NULL constraint failed"):
            return UserError(f"必填项为空（{text.split(':', 1)[-1].strip()}），修改未保存")
        return UserError(f"数据不符合规则：{text}")
    low = text.lower()
    if "file is not a database" in low or "file is encrypted" in low:
        return StoreError(
            f"{name}不是本程序的数据库文件（不是 SQLite 数据库）。请选择正确的 .db 文件。"
        )
    if "locked" in low or "busy" in low:
        return StoreError(f"数据库{name}正被其他用户或程序使用，请稍后再试。{unsaved}")
    if "readonly" in low or "read-only" in low:
        return StoreError(f"数据库{name}为只读，不能修改。请检查文件属性或权限。")
    if "disk is full" in low or "disk i/o" in low:
        return StoreError(f"磁盘空间不足或无法写入数据库{name}，修改未保存。请清理磁盘后重试。")
    if "malformed" in low or "corrupt" in low:
        return StoreError(f"数据库{name}已损坏。请从备份恢复（文件 → 恢复备份）。")
    if "unable to open" in low:
        return StoreError(f"无法打开数据库{name}。请检查路径和访问权限。")
    return StoreError(f"数据库操作失败{name}：{text}")


def check_version(
    store: Store, entity: str, key_sql: str, key: object, expected: int | None
) -> None:
    """Refuse a change made from an old copy of a row (另一人已修改)."""
    if expected is None:
        return
    current = store.scalar(f"SELECT version FROM {entity} WHERE {key_sql} = ?", (key,))
    if current is not None and current != expected:
        raise ConflictError(
            "该项目已被他人修改，请刷新后重试。"
            if entity == "project"
            else "该记录已被他人修改，请刷新后重试。"
        )
