"""Filling a new database: the built-in plan dataset, and bulk rows for demo data."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ..domain.errors import UserError
from .database import Store


def is_empty(store: Store) -> bool:
    return not store.scalar("SELECT count(*) FROM project") and not store.scalar(
        "SELECT count(*) FROM unit"
    )


def clear_all(store: Store) -> None:
    """Remove all user data (for ``init --force``); the caller backs the file up first."""
    with store.write(source="初始化"):
        for table in (
            "dependency",
            "baseline_item",
            "baseline",
            "supervision",
            "project_proposal",
            "template_issue_row",
            "template_issue",
            "progress_report",
            "milestone",
            "project_annual_target",
            "project_unit",
            "project",
            "indicator_value",
            "indicator",
            "import_batch",
            "plan_section",
            "plan",
            "unit",
            "audit_log",
            "event_log",
        ):
            store.conn.execute(f"DELETE FROM {table}")


def load_dataset(store: Store, data: dict, *, with_projects: bool = True) -> dict[str, int]:
    """Load a plan dataset (the JSON under resources/dataset) in one transaction.

    Returns counts of what was added. Project codes already present are refused, so a dataset
    cannot be loaded twice into the same database.
    """
    counts = {"sections": 0, "units": 0, "indicators": 0, "projects": 0}
    plan = data["plan"]
    with store.write(source="初始化") as tx:
        if store.scalar("SELECT 1 FROM plan WHERE code = ?", (plan["code"],)):
            raise UserError(f"规划「{plan['title']}」已在数据库中，不能重复导入。")
        plan_id = store.conn.execute(
            "INSERT INTO plan (code, title, doc_no, start_year, end_year) VALUES (?,?,?,?,?)",
            (plan["code"], plan["title"], plan.get("doc_no"), plan["start_year"], plan["end_year"]),
        ).lastrowid
        section_ids: dict[str, int] = {}
        for s in data.get("sections", []):
            section_ids[s["key"]] = store.conn.execute(
                "INSERT INTO plan_section (plan_id, key, kind, number, title, parent_id)"
                " VALUES (?,?,?,?,?,?)",
                (
                    plan_id,
                    s["key"],
                    s["kind"],
                    s["number"],
                    s["title"],
                    section_ids.get(s.get("parent")),
                ),
            ).lastrowid
            counts["sections"] += 1
        existing_units = {
            name: uid for uid, name in store.conn.execute("SELECT id, name FROM unit")
        }
        for sort, u in enumerate(data.get("units", []), start=1):
            if u["name"] in existing_units:
                continue
            existing_units[u["name"]] = store.conn.execute(
                "INSERT INTO unit (name, short_name, kind, sort) VALUES (?,?,?,?)",
                (u["name"], u.get("short_name"), u["kind"], sort),
            ).lastrowid
            counts["units"] += 1
        for ind in data.get("indicators", []):
            store.conn.execute(
                "INSERT INTO indicator (plan_id, seq, category, name, unit, base_value, operator,"
                " target, target_text, year, attribute) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    plan_id,
                    ind["seq"],
                    ind.get("category"),
                    ind["name"],
                    ind.get("unit"),
                    ind.get("base_value"),
                    ind["operator"],
                    ind["target"],
                    ind.get("target_text"),
                    ind["year"],
                    ind.get("attribute"),
                ),
            )
            counts["indicators"] += 1
        if with_projects:
            columns = {
                s["number"]: section_ids[s["key"]]
                for s in data.get("sections", [])
                if s["kind"] == "专栏"
            }
            for p in data.get("projects", []):
                section = columns.get(p.get("column")) or section_ids.get(p.get("section") or "")
                if section is None and p.get("chapter"):
                    section = section_ids.get(f"ch{p['chapter']}")
                pid = str(uuid.uuid4())
                store.conn.execute(
                    "INSERT INTO project (id, code, name, plan_id, section_id, category, stage,"
                    " district_id, scope, source_text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        pid,
                        p["code"],
                        p["name"],
                        plan_id,
                        section,
                        p.get("category"),
                        p.get("stage") or "储备",
                        existing_units.get(p.get("district") or ""),
                        p.get("scope"),
                        p.get("source"),
                    ),
                )
                for link in p.get("units", []):
                    store.conn.execute(
                        "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?,?,?)",
                        (pid, existing_units[link["name"]], link["role"]),
                    )
                tx.audit("project", pid, "创建", None, p["name"], project_id=pid)
                counts["projects"] += 1
        store.conn.execute(
            "INSERT INTO event_log (user, kind, summary) VALUES (?, 'init', ?)",
            (
                store.user,
                f"载入规划《{plan['title']}》：{counts['projects']} 个项目，"
                f"{counts['indicators']} 项指标，{counts['units']} 个单位",
            ),
        )
    return counts


def demo_count(store: Store) -> int:
    """How many demo projects the database holds (new ones are numbered after them)."""
    return store.scalar("SELECT count(*) FROM project WHERE is_demo = 1") or 0


def bulk_insert(store: Store, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert many rows into one table inside the current transaction (for demo data)."""
    assert store.in_write, "bulk_insert must run inside store.write()"
    allowed = {
        "project",
        "project_unit",
        "milestone",
        "progress_report",
        "project_annual_target",
        "dependency",
        "unit",
        "indicator_value",
    }
    if table not in allowed:
        raise ValueError(table)
    cur = store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        rows,
    )
    return cur.rowcount
