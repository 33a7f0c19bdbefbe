"""Baselines (saved copies of the planned schedule) and finish-to-start dependencies."""

from __future__ import annotations

from datetime import date

from ..domain.errors import NotFoundError, UserError, ValidationError
from ..domain.parsing import from_iso
from ..domain.schedule import Link
from .database import Store


def save_baseline(store: Store, name: str) -> int:
    """Copy every project's planned start/end into a new baseline named ``name``."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "基线名称不能为空"})
    if store.scalar("SELECT 1 FROM baseline WHERE name = ?", (name,)):
        raise ValidationError({"name": f"基线「{name}」已存在，请换一个名称"})
    with store.write() as tx:
        bid = store.conn.execute("INSERT INTO baseline (name) VALUES (?)", (name,)).lastrowid
        store.conn.execute(
            "INSERT INTO baseline_item (baseline_id, project_id, planned_start, planned_end)"
            " SELECT ?, id, planned_start, planned_end FROM project WHERE deleted = 0",
            (bid,),
        )
        tx.audit("baseline", bid, "保存基线", None, name)
    return bid


def delete_baseline(store: Store, baseline_id: int) -> None:
    with store.write() as tx:
        name = store.scalar("SELECT name FROM baseline WHERE id = ?", (baseline_id,))
        if name is None:
            raise NotFoundError(f"找不到基线（{baseline_id}）")
        store.conn.execute("DELETE FROM baseline WHERE id = ?", (baseline_id,))
        tx.audit("baseline", baseline_id, "删除基线", name, None)


def list_baselines(store: Store) -> list[tuple[int, str, str]]:
    """``(id, name, created_at)``, newest first."""
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT id, name, created_at FROM baseline ORDER BY created_at DESC, id DESC"
        )
    ]


def baseline_items(store: Store, baseline_id: int) -> dict[str, tuple[date | None, date | None]]:
    return {
        pid: (from_iso(s), from_iso(e))
        for pid, s, e in store.conn.execute(
            "SELECT project_id, planned_start, planned_end FROM baseline_item WHERE baseline_id = ?",
            (baseline_id,),
        )
    }


def add_link(
    store: Store,
    pred_project_id: str,
    succ_project_id: str,
    *,
    lag_days: int = 0,
    pred_milestone_id: int | None = None,
    succ_milestone_id: int | None = None,
) -> int:
    if pred_project_id == succ_project_id and pred_milestone_id == succ_milestone_id:
        raise UserError("前置任务和后续任务不能是同一个。")
    if store.scalar(
        "SELECT 1 FROM dependency WHERE pred_project_id = ? AND succ_project_id = ?"
        " AND pred_milestone_id IS ? AND succ_milestone_id IS ?",
        (pred_project_id, succ_project_id, pred_milestone_id, succ_milestone_id),
    ):
        raise UserError("这条前后置关系已经存在。")
    if pred_project_id != succ_project_id and store.scalar(
        "WITH RECURSIVE after(id) AS (SELECT ? UNION SELECT d.succ_project_id FROM dependency d"
        " JOIN after ON d.pred_project_id = after.id) SELECT 1 FROM after WHERE id = ?",
        (succ_project_id, pred_project_id),
    ):
        names = dict(
            store.conn.execute(
                "SELECT id, name FROM project WHERE id IN (?, ?)",
                (pred_project_id, succ_project_id),
            ).fetchall()
        )
        raise UserError(
            f"「{names.get(succ_project_id, succ_project_id)}」已直接或间接排在"
            f"「{names.get(pred_project_id, pred_project_id)}」之后，不能再作它的前置，"
            "否则前后置关系会形成循环。"
        )
    with store.write() as tx:
        lid = store.conn.execute(
            "INSERT INTO dependency (pred_project_id, pred_milestone_id, succ_project_id,"
            " succ_milestone_id, lag_days) VALUES (?,?,?,?,?)",
            (pred_project_id, pred_milestone_id, succ_project_id, succ_milestone_id, lag_days),
        ).lastrowid
        tx.audit(
            "dependency",
            lid,
            "前置关系",
            None,
            f"{pred_project_id} → {succ_project_id}",
            project_id=succ_project_id,
        )
    return lid


def remove_link(store: Store, link_id: int) -> None:
    with store.write() as tx:
        row = store.conn.execute(
            "SELECT pred_project_id, succ_project_id FROM dependency WHERE id = ?", (link_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"找不到前后置关系（{link_id}）")
        store.conn.execute("DELETE FROM dependency WHERE id = ?", (link_id,))
        tx.audit("dependency", link_id, "前置关系", f"{row[0]} → {row[1]}", None, project_id=row[1])


def list_links(store: Store) -> list[Link]:
    return [
        Link(lid, pred, succ, lag, pm, sm)
        for lid, pred, succ, lag, pm, sm in store.conn.execute(
            "SELECT id, pred_project_id, succ_project_id, lag_days, pred_milestone_id,"
            " succ_milestone_id FROM dependency ORDER BY id"
        )
    ]


def plan_years(store: Store) -> tuple[int, int] | None:
    row = store.conn.execute("SELECT min(start_year), max(end_year) FROM plan").fetchone()
    return (row[0], row[1]) if row and row[0] else None
