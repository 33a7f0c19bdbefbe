"""Bringing an older database file up to the current schema, keeping its data.

Each version's part of ``db/schema.sql`` is applied in order, inside one transaction together
with the ``user_version`` bump, so an interrupted upgrade leaves the file at its old version.
``STEPS`` holds the extra work a version needs beyond its schema part (data moves, rebuilt
tables), run before that part.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# version -> function(conn) run before that version's schema part is applied.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def upgrade(conn: sqlite3.Connection, version: int, target: int, sections: dict[int, str]) -> None:
    """Apply the schema parts ``version+1 .. target`` to ``conn`` in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in range(version + 1, target + 1):
            if step in STEPS:
                STEPS[step](conn)
            for statement in _statements(sections.get(step, "")):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(sql: str) -> list[str]:
    """Split a schema part into statements (``executescript`` would commit our transaction)."""
    out, buf = [], []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            out.append(candidate)
            buf = []
    rest = "\n".join(buf).strip()
    if rest and not all(l.strip().startswith("--") or not l.strip() for l in buf):
        out.append(rest)
    return out


_OLD_STAGE = "stage               TEXT NOT NULL DEFAULT '储备' CHECK (stage IN ('储备', '前期', '在建', '竣工')),"
_NEW_STAGE = (
    "stage               TEXT DEFAULT '储备'"
    " CHECK (stage IS NULL OR stage IN ('储备', '前期', '在建', '竣工')),  -- NULL: 待填报"
)


def _edit_table(conn: sqlite3.Connection, table: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``table``'s stored definition.

    Only for changes that leave every stored row valid (dropping a NOT NULL, widening a CHECK):
    the definition is edited in place (SQLite's documented procedure for such changes) instead
    of rebuilding a table that others refer to. A file whose definition is already new is left.
    """
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
    ).fetchone()
    if old not in sql:
        return
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type='table' AND name=?",
            (sql.replace(old, new), table),
        )
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    problems = conn.execute("PRAGMA quick_check").fetchall()
    if problems != [("ok",)]:
        raise sqlite3.DatabaseError(f"quick_check after editing {table}: {problems}")


def _stage_may_be_unknown(conn: sqlite3.Connection) -> None:
    """Version 5: ``project.stage`` may be NULL (待填报)."""
    _edit_table(conn, "project", _OLD_STAGE, _NEW_STAGE)


_OLD_SUPERVISED = "project_id    TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,"
_NEW_SUPERVISED = (
    "project_id    TEXT REFERENCES project(id) ON DELETE CASCADE,  -- NULL: a task's (version 6)"
)


def _supervision_of_tasks(conn: sqlite3.Connection) -> None:
    """Version 6: a 督办 may concern a task instead of a project (``supervision.project_id`` NULL)."""
    _edit_table(conn, "supervision", _OLD_SUPERVISED, _NEW_SUPERVISED)


STEPS[5] = _stage_may_be_unknown
STEPS[6] = _supervision_of_tasks
