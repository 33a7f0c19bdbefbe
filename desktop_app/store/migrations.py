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
