"""Database-level history: imports, backups, restores (event log and import batches)."""

from __future__ import annotations

import json

from .database import Store


def audit_entry(at, user, label: str, old, new, source: str, file_name: str | None) -> dict:
    """One line of an item's history as the history views show it (the import's file beside
    its source)."""
    return {
        "at": at,
        "user": user,
        "field": label,
        "old": old,
        "new": new,
        "source": f"{source}（{file_name}）" if file_name else source,
    }


def list_events(store: Store, limit: int = 500) -> list[dict]:
    """Events of the database (backups, restores, imports, templates), newest first."""
    kinds = {
        "init": "初始化",
        "import": "导入",
        "backup": "备份",
        "restore": "恢复",
        "template": "生成模板",
        "demo": "演示数据",
        "other": "其他",
    }
    rows = store.conn.execute(
        "SELECT at, user, kind, summary, path FROM event_log ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [
        {"at": at, "user": user, "kind": kinds.get(kind, kind), "summary": summary, "path": path}
        for at, user, kind, summary, path in rows
    ]


def list_import_batches(store: Store, limit: int = 500) -> list[dict]:
    """Import batches (填报表, 项目库, 指标), newest first, with their counts."""
    kinds = {"return": "进度填报", "register": "项目库", "indicators": "主要指标"}
    rows = store.conn.execute(
        "SELECT b.id, b.at, b.user, b.kind, b.file_name, u.name, b.period, b.counts"
        " FROM import_batch b LEFT JOIN unit u ON u.id = b.unit_id ORDER BY b.id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    out = []
    for bid, at, user, kind, file_name, unit, period, counts in rows:
        try:
            c = json.loads(counts or "{}")
        except ValueError:
            c = {}
        out.append(
            {
                "id": bid,
                "at": at,
                "user": user,
                "kind": kinds.get(kind, kind),
                "file_name": file_name,
                "unit": unit,
                "period": period,
                "counts": c,
            }
        )
    return out


def last_import(store: Store) -> dict | None:
    """The newest import batch (for the status bar), or None."""
    batches = list_import_batches(store, limit=1)
    return batches[0] if batches else None
