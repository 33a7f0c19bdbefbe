"""变更申请: planning values a unit's return asks to change, and what the office decided.

The import writes them (``add_change_request``); the office lists them and accepts or returns
each one. The value applied to the project is written by the service through the editor's
audited paths; this module keeps the request's own record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain.errors import NotFoundError
from .database import Store

STATUSES: tuple[str, ...] = ("待审核", "已采纳", "已退回")
ENTITY = "change_request"


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    id: int
    project_id: str
    code: str
    name: str
    field: str
    year: int | None
    old: object  # JSON-ready (dates as ISO text)
    new: object
    cell: str | None
    status: str
    unit: str | None
    period: str | None
    file_name: str
    imported_at: str
    decided: object = None
    reason: str | None = None
    decided_at: str | None = None
    decided_by: str | None = None


_SELECT = """
SELECT c.id, c.project_id, p.code, p.name, c.field, c.year, c.old_value, c.new_value, c.cell,
       c.status, u.name, c.period, b.file_name, b.at, c.decided_value, c.reason, c.decided_at,
       c.decided_by
FROM change_request c
JOIN project p ON p.id = c.project_id
JOIN import_batch b ON b.id = c.batch_id
LEFT JOIN unit u ON u.id = c.unit_id
"""


def _loads(text: str | None) -> object:
    return None if text is None else json.loads(text)


def _request(row: tuple) -> ChangeRequest:
    (rid, pid, code, name, field, year, old, new, cell, status, unit, period, file_name, at) = row[
        :14
    ]
    decided, reason, decided_at, decided_by = row[14:]
    return ChangeRequest(
        rid,
        pid,
        code,
        name,
        field,
        year,
        _loads(old),
        _loads(new),
        cell,
        status,
        unit,
        period,
        file_name,
        at,
        _loads(decided),
        reason,
        decided_at,
        decided_by,
    )


def add_change_request(
    store: Store,
    *,
    batch_id: int,
    unit_id: int | None,
    project_id: str,
    period: str | None,
    field: str,
    year: int | None,
    old: object,
    new: object,
    cell: str | None,
) -> int:
    """Record a request (inside the import's transaction)."""
    with store.write() as tx:
        cur = store.conn.execute(
            "INSERT INTO change_request (batch_id, unit_id, project_id, period, field, year,"
            " old_value, new_value, cell) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                batch_id,
                unit_id,
                project_id,
                period,
                field,
                year,
                json.dumps(old, ensure_ascii=False),
                json.dumps(new, ensure_ascii=False),
                cell,
            ),
        )
        tx.audit(ENTITY, cur.lastrowid, field, old, new, project_id=project_id)
        return cur.lastrowid


def list_change_requests(store: Store, status: str | None = "待审核") -> list[ChangeRequest]:
    """Requests with ``status`` (all when ``None``), oldest first."""
    sql, params = _SELECT, ()
    if status:
        sql += " WHERE c.status = ?"
        params = (status,)
    return [_request(r) for r in store.conn.execute(sql + " ORDER BY c.id", params)]


def get_change_request(store: Store, request_id: int) -> ChangeRequest:
    row = store.conn.execute(_SELECT + " WHERE c.id = ?", (request_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"找不到变更申请（编号 {request_id}），可能已被删除。请刷新。")
    return _request(row)


def count_change_requests(store: Store, status: str = "待审核") -> int:
    return store.scalar("SELECT count(*) FROM change_request WHERE status = ?", (status,)) or 0


def pending_for(store: Store, project_id: str, field: str) -> list[int]:
    """The requests still waiting for a project's field (a newer one supersedes them)."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM change_request WHERE project_id = ? AND field = ? AND status = '待审核'",
            (project_id, field),
        )
    ]


def decide(
    store: Store,
    request_id: int,
    status: str,
    *,
    value: object = None,
    reason: str | None = None,
) -> None:
    """Mark a request 已采纳 (with the value applied) or 已退回 (with the reason), audited."""
    if status not in STATUSES[1:]:
        raise ValueError(f"unknown decision: {status}")
    with store.write() as tx:
        old, pid = store.conn.execute(
            "SELECT status, project_id FROM change_request WHERE id = ?", (request_id,)
        ).fetchone() or (None, None)
        if old is None:
            raise NotFoundError(f"找不到变更申请（编号 {request_id}），可能已被删除。请刷新。")
        store.conn.execute(
            "UPDATE change_request SET status = ?, decided_value = ?, reason = ?,"
            " decided_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'), decided_by = ?"
            " WHERE id = ?",
            (
                status,
                None if status == "已退回" else json.dumps(value, ensure_ascii=False),
                reason,
                store.user,
                request_id,
            ),
        )
        tx.audit(ENTITY, request_id, "status", old, status, project_id=pid)
        if reason:
            tx.audit(ENTITY, request_id, "reason", None, reason, project_id=pid)


def planning_values(store: Store, project_ids: list[str], year: int) -> dict[str, dict]:
    """``project -> {planned_start, planned_end, total_investment, scope, annual_plan}`` as the
    register holds them now (dates as ISO text; annual_plan of ``year``)."""
    out: dict[str, dict] = {}
    ids = sorted(set(project_ids))
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        for pid, start, end, total, scope, plan in store.conn.execute(
            "SELECT p.id, p.planned_start, p.planned_end, p.total_investment, p.scope,"
            " (SELECT planned_investment FROM project_annual_target t"
            "  WHERE t.project_id = p.id AND t.year = ?)"
            f" FROM project p WHERE p.id IN ({marks})",
            (year, *part),
        ):
            out[pid] = {
                "planned_start": start,
                "planned_end": end,
                "total_investment": total,
                "scope": scope,
                "annual_plan": plan,
            }
    return out


def last_audit_id(store: Store) -> int:
    return store.scalar("SELECT max(id) FROM audit_log") or 0


def file_audit_under_import(store: Store, after_id: int, batch_id: int) -> None:
    """The audit rows written since ``after_id`` (by the editor's paths, labelled 手工) filed
    under an import batch: a range of the primary key, not a scan of the whole log."""
    with store.write(source="导入", batch_id=batch_id):
        store.conn.execute(
            "UPDATE audit_log SET source = '导入', batch_id = ? WHERE id > ?", (batch_id, after_id)
        )


def reopen(store: Store, request_id: int) -> str:
    """Put a decided request back to 待审核 (the undo of a decision), audited; returns the
    status it had."""
    with store.write() as tx:
        old, pid = store.conn.execute(
            "SELECT status, project_id FROM change_request WHERE id = ?", (request_id,)
        ).fetchone() or (None, None)
        if old is None:
            raise NotFoundError(f"找不到变更申请（编号 {request_id}），可能已被删除。请刷新。")
        store.conn.execute(
            "UPDATE change_request SET status = '待审核', decided_value = NULL, reason = NULL,"
            " decided_at = NULL, decided_by = NULL WHERE id = ?",
            (request_id,),
        )
        tx.audit(ENTITY, request_id, "status", old, "待审核", project_id=pid)
    return old
