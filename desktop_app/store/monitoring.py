"""Queries behind the monitoring views: who is expected to report, and who did, per period."""

from __future__ import annotations

from .database import Store
from .plans import scope_sql


def expected_reporters(store: Store, *, plan_id: int | None = None) -> dict[int, set[str]]:
    """Active units that must report, with the projects they report on (of ``plan_id``, else
    of the plan worked on).

    A unit reports on the projects it leads (牵头) or is responsible for (责任); a district (区县)
    also on the projects located in it (属地). 配合单位 do not report.
    """
    out: dict[int, set[str]] = {}
    for unit_id, project_id in store.conn.execute(*_reporting(store, plan_id)):
        out.setdefault(unit_id, set()).add(project_id)
    return out


def reporting_units(store: Store, *, plan_id: int | None = None) -> set[int]:
    """The units of ``expected_reporters``, without their projects."""
    sql, params = _reporting(store, plan_id)
    return {u for (u,) in store.conn.execute(f"SELECT DISTINCT unit_id FROM ({sql})", params)}


def _reporting(store: Store, plan_id: int | None) -> tuple[str, tuple]:
    # The plan worked on: a closed plan asks no reports.
    scope, params = scope_sql(store, "p", plan_id)
    also = f" AND {scope}" if scope else ""
    return (
        "SELECT pu.unit_id AS unit_id, pu.project_id AS project_id FROM project_unit pu"
        " JOIN project p ON p.id = pu.project_id AND p.deleted = 0"
        " JOIN unit u ON u.id = pu.unit_id AND u.active = 1"
        f" WHERE pu.role IN ('牵头', '责任'){also}"
        " UNION SELECT p.district_id, p.id FROM project p JOIN unit u ON u.id = p.district_id"
        f" WHERE p.deleted = 0 AND u.active = 1 AND u.kind = '区县'{also}",
        params * 2,
    )


def reports_in_period(store: Store, period: str) -> dict[str, str]:
    """``project_id -> reported_at`` of the reports for ``period``."""
    return dict(
        store.conn.execute(
            "SELECT project_id, reported_at FROM progress_report WHERE period = ?", (period,)
        ).fetchall()
    )


def returns_in_period(store: Store, period: str) -> dict[int, str]:
    """``unit_id -> time of its latest return`` imported for ``period``."""
    return dict(
        store.conn.execute(
            "SELECT unit_id, max(at) FROM import_batch WHERE kind = 'return' AND period = ?"
            " AND unit_id IS NOT NULL GROUP BY unit_id",
            (period,),
        ).fetchall()
    )


def last_report_per_project(store: Store) -> dict[str, tuple[str, str]]:
    """``project_id -> (latest period, reported_at)``."""
    return {
        pid: (period, at)
        for pid, period, at in store.conn.execute(
            "SELECT r.project_id, r.period, r.reported_at FROM progress_report r JOIN ("
            " SELECT project_id, max(period) AS mp FROM progress_report GROUP BY project_id) m"
            " ON m.project_id = r.project_id AND m.mp = r.period"
        )
    }
