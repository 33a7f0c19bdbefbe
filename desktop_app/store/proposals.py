"""新增项目建议: the rows of returns naming a new project, for the office to accept or reject.

The import writes them (``exchange.add_proposal``); this module lists them with where they came
from and what became of them, and changes their status. Who handled a proposal, when, why it was
rejected and which project it became live in the audit log, not in extra columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain.errors import NotFoundError
from ..domain.parsing import normalize_text
from .database import Store

STATUSES: tuple[str, ...] = ("待审核", "已采纳", "已驳回")
ENTITY = "project_proposal"
# Audit field of the row that ties an accepted proposal to its project (shown in the project's
# history, hence a Chinese name like the other event rows: 创建, 删除, 合并).
LINK_FIELD = "采纳建议"


@dataclass(frozen=True, slots=True)
class ProjectProposal:
    id: int
    name: str
    payload: dict  # the row as typed, by the template's column headers
    status: str
    unit_id: int | None
    unit: str | None
    unit_kind: str | None
    batch_id: int
    file_name: str
    imported_at: str
    period: str | None
    handled_at: str | None = None  # when its status last changed
    handled_by: str | None = None
    reason: str | None = None  # why it was rejected
    project_id: str | None = None  # the project it became (accepted)
    project_code: str | None = None


_SELECT = f"""
SELECT p.id, p.name, p.payload, p.status, p.unit_id, u.name, u.kind, p.batch_id, b.file_name,
       b.at, b.period,
       (SELECT a.at FROM audit_log a WHERE a.entity = '{ENTITY}' AND a.entity_id = CAST(p.id AS TEXT)
        AND a.field = 'status' ORDER BY a.id DESC LIMIT 1),
       (SELECT a.user FROM audit_log a WHERE a.entity = '{ENTITY}'
        AND a.entity_id = CAST(p.id AS TEXT) AND a.field = 'status' ORDER BY a.id DESC LIMIT 1),
       (SELECT a.new FROM audit_log a WHERE a.entity = '{ENTITY}' AND a.entity_id = CAST(p.id AS TEXT)
        AND a.field = 'reason' ORDER BY a.id DESC LIMIT 1),
       (SELECT a.project_id FROM audit_log a WHERE a.entity = '{ENTITY}'
        AND a.entity_id = CAST(p.id AS TEXT) AND a.field = '{LINK_FIELD}' ORDER BY a.id DESC LIMIT 1)
FROM project_proposal p
JOIN import_batch b ON b.id = p.batch_id
LEFT JOIN unit u ON u.id = p.unit_id
"""


def _proposal(store: Store, row: tuple) -> ProjectProposal:
    (pid, name, payload, status, unit_id, unit, kind, batch_id, file_name, at, period) = row[:11]
    handled_at, handled_by, reason, project_id = row[11:]
    accepted = status == "已采纳"
    code = (
        store.scalar("SELECT code FROM project WHERE id = ?", (project_id,))
        if accepted and project_id
        else None
    )
    return ProjectProposal(
        id=pid,
        name=name,
        payload=json.loads(payload or "{}"),
        status=status,
        unit_id=unit_id,
        unit=unit,
        unit_kind=kind,
        batch_id=batch_id,
        file_name=file_name,
        imported_at=at,
        period=period,
        handled_at=handled_at if status != "待审核" else None,
        handled_by=handled_by if status != "待审核" else None,
        reason=reason if status == "已驳回" else None,
        project_id=project_id if accepted else None,
        project_code=code,
    )


def list_proposals(store: Store, status: str | None = "待审核") -> list[ProjectProposal]:
    """Proposals with ``status`` (all when ``None``), oldest import first."""
    sql, params = _SELECT, ()
    if status:
        sql += " WHERE p.status = ?"
        params = (status,)
    rows = store.conn.execute(sql + " ORDER BY b.at, p.id", params).fetchall()
    return [_proposal(store, row) for row in rows]


def get_proposal(store: Store, proposal_id: int) -> ProjectProposal:
    row = store.conn.execute(_SELECT + " WHERE p.id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"找不到新增项目建议（编号 {proposal_id}），可能已被删除。请刷新。")
    return _proposal(store, row)


def count_proposals(store: Store, status: str = "待审核") -> int:
    return store.scalar("SELECT count(*) FROM project_proposal WHERE status = ?", (status,)) or 0


def set_status(
    store: Store,
    proposal_id: int,
    status: str,
    *,
    reason: str | None = None,
    project_id: str | None = None,
    origin: str | None = None,
) -> str:
    """Change a proposal's status, audited; returns the status it had.

    ``reason`` (a rejection) and ``project_id`` (the project an accepted proposal became, with
    ``origin`` describing the proposal for that project's history) get audit rows of their own.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown proposal status: {status}")
    with store.write() as tx:
        old = store.scalar("SELECT status FROM project_proposal WHERE id = ?", (proposal_id,))
        if old is None:
            raise NotFoundError(f"找不到新增项目建议（编号 {proposal_id}），可能已被删除。请刷新。")
        store.conn.execute(
            "UPDATE project_proposal SET status = ? WHERE id = ?", (status, proposal_id)
        )
        tx.audit(ENTITY, proposal_id, "status", old, status)
        if reason:
            tx.audit(ENTITY, proposal_id, "reason", None, reason)
        if project_id:
            tx.audit(ENTITY, proposal_id, LINK_FIELD, None, origin, project_id=project_id)
    return old


def project_named(store: Store, name: str) -> str | None:
    """The code and name of a live project called ``name`` (spaces and full-width forms aside),
    as the return import matches names; ``None`` when there is none."""
    wanted = normalize_text(name)
    for code, other in store.conn.execute("SELECT code, name FROM project WHERE deleted = 0"):
        if other == name or normalize_text(other) == wanted:
            return f"{code} {other}"
    return None
