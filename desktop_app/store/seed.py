"""Filling a new database: the built-in plan dataset, and bulk rows for demo data."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from ..domain.errors import UserError
from .database import Store
from .tasks import insert_task


def is_empty(store: Store) -> bool:
    return not store.scalar("SELECT count(*) FROM project") and not store.scalar(
        "SELECT count(*) FROM unit"
    )


def clear_all(store: Store) -> None:
    """Remove all user data (for ``init --force``); the caller backs the file up first."""
    with store.write(source="初始化"):
        for table in (
            "carryover",
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
            "task",
            "plan_section",
            "plan",
            "unit",
            "audit_log",
            "event_log",
        ):
            store.conn.execute(f"DELETE FROM {table}")


def load_dataset(
    store: Store, data: dict, *, with_projects: bool = True, builtin: bool = True
) -> dict[str, int]:
    """Load a plan dataset (the JSON under resources/dataset, or a plan list read from Excel
    with ``builtin=False``) in one transaction.

    Returns counts of what was added (and ``plan_id``). Project codes already present are
    refused, so a dataset cannot be loaded twice into the same database.
    """
    counts = {"sections": 0, "units": 0, "indicators": 0, "projects": 0, "tasks": 0}
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
                "INSERT INTO unit (name, short_name, kind, sort, origin) VALUES (?,?,?,?,?)",
                (u["name"], u.get("short_name"), u["kind"], sort, unit_origin(u)),
            ).lastrowid
            counts["units"] += 1
        for ind in data.get("indicators", []):
            _insert_indicator(store, plan_id, ind)
            counts["indicators"] += 1
        if with_projects:
            columns = {
                s["number"]: section_ids[s["key"]]
                for s in data.get("sections", [])
                if s["kind"] == "专栏"
            }
            for p in data.get("projects", []):
                insert_project(store, tx, p, plan_id, section_ids, columns, existing_units)
                counts["projects"] += 1
        for t in data.get("tasks", []):
            insert_task(store, t, plan_id, section_ids, existing_units)
            counts["tasks"] += 1
        if builtin:
            _set_dataset_version(store, plan)
        store.conn.execute(
            "INSERT INTO event_log (user, kind, summary) VALUES (?, 'init', ?)",
            (
                store.user,
                f"载入规划《{plan['title']}》：{counts['projects']} 个项目，"
                f"{counts['tasks']} 项重点任务，{counts['indicators']} 项指标，{counts['units']} 个单位",
            ),
        )
    counts["plan_id"] = plan_id
    return counts


def unit_origin(u: dict) -> str:
    """'规划原文' for a unit the plan names, '常用市级部门' for the built-in list it does not."""
    return "规划原文" if u.get("from_plan", True) else "常用市级部门"


def insert_project(
    store: Store,
    tx,
    p: dict,
    plan_id: int,
    section_ids: dict[str, int],
    columns: dict[int, int],
    units: dict[str, int],
) -> str:
    """Insert one dataset project (inside the caller's transaction); returns its id."""
    section = columns.get(p.get("column")) or section_ids.get(p.get("section") or "")
    if section is None and p.get("chapter"):
        section = section_ids.get(f"ch{p['chapter']}")
    pid = str(uuid.uuid4())
    store.conn.execute(
        "INSERT INTO project (id, code, name, plan_id, section_id, category, stage,"
        " district_id, scope, source_text, notes, side, total_investment, planned_start,"
        " planned_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            pid,
            p["code"],
            p["name"],
            plan_id,
            section,
            p.get("category"),
            p.get("stage"),
            units.get(p.get("district") or ""),
            p.get("scope"),
            p.get("source"),
            p.get("note"),
            p.get("side"),
            p.get("total_investment"),
            p.get("planned_start"),
            p.get("planned_end"),
        ),
    )
    for link in p.get("units", []):
        store.conn.execute(
            "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?,?,?)",
            (pid, units[link["name"]], link["role"]),
        )
    tx.audit("project", pid, "创建", None, p["name"], project_id=pid)
    return pid


# Fields of a dataset project that a newer dataset may correct in a database made by an older
# version, as long as the office has not changed the project since it was loaded.
DATASET_FIELDS: tuple[str, ...] = ("name", "category", "stage", "source_text", "notes", "side")


def upgrade_dataset(store: Store, data: dict) -> dict[str, list[str]]:
    """Bring a database loaded from an older copy of ``data`` up to it, in one transaction.

    New sections, units, indicators and projects are added. A project the office has never
    changed (its audit trail holds only its creation by 初始化) takes the dataset's corrected
    name, stage, side, note and source; one the office has changed keeps every value it has.
    Returns the codes/names of what was added, corrected and kept, and writes one line to the
    event log saying so. Does nothing when the plan is not in the database.
    """
    result: dict[str, list[str]] = {
        "projects": [],
        "corrected": [],
        "kept": [],
        "units": [],
        "indicators": [],
        "sections": [],
        "tasks": [],
    }
    plan = data["plan"]
    plan_id = store.scalar("SELECT id FROM plan WHERE code = ?", (plan["code"],))
    if plan_id is None:
        return result
    with store.write(source="初始化") as tx:
        section_ids = {
            key: sid
            for sid, key in store.conn.execute(
                "SELECT id, key FROM plan_section WHERE plan_id = ?", (plan_id,)
            )
        }
        for s in data.get("sections", []):
            if s["key"] in section_ids:
                continue
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
            result["sections"].append(s["title"])
        units = {name: uid for uid, name in store.conn.execute("SELECT id, name FROM unit")}
        sort = store.scalar("SELECT coalesce(max(sort), 0) FROM unit") or 0
        for u in data.get("units", []):
            if u["name"] in units:
                store.conn.execute(
                    "UPDATE unit SET origin = ? WHERE id = ? AND origin IS NULL",
                    (unit_origin(u), units[u["name"]]),
                )
                continue
            sort += 1
            units[u["name"]] = store.conn.execute(
                "INSERT INTO unit (name, short_name, kind, sort, origin) VALUES (?,?,?,?,?)",
                (u["name"], u.get("short_name"), u["kind"], sort, unit_origin(u)),
            ).lastrowid
            tx.audit("unit", units[u["name"]], "创建", None, u["name"])
            result["units"].append(u["name"])
        seqs = {
            seq
            for (seq,) in store.conn.execute(
                "SELECT seq FROM indicator WHERE plan_id = ?", (plan_id,)
            )
        }
        for ind in data.get("indicators", []):
            if ind["seq"] in seqs:
                store.conn.execute(
                    "UPDATE indicator SET origin = ?, source_text = ? WHERE plan_id = ? AND seq = ?"
                    " AND origin IS NULL",
                    (ind.get("origin"), ind.get("source"), plan_id, ind["seq"]),
                )
                continue
            _insert_indicator(store, plan_id, ind)
            result["indicators"].append(ind["name"])
        columns = {
            s["number"]: section_ids[s["key"]]
            for s in data.get("sections", [])
            if s["kind"] == "专栏"
        }
        present = {
            code: pid
            for pid, code in store.conn.execute(
                "SELECT id, code FROM project WHERE plan_id = ? OR id IN (SELECT project_id"
                " FROM carryover WHERE kind = 'project' AND from_plan_id = ?)",
                (plan_id, plan_id),
            )
        }
        touched = {
            pid
            for (pid,) in store.conn.execute(
                "SELECT DISTINCT project_id FROM audit_log"
                " WHERE project_id IS NOT NULL AND source NOT IN ('初始化', '系统')"
            )
        }
        # A database created without projects (init --empty) stays without them.
        dataset_projects = data.get("projects", []) if present else []
        for p in dataset_projects:
            pid = present.get(p["code"])
            if pid is None:
                if store.scalar("SELECT 1 FROM project WHERE code = ?", (p["code"],)):
                    result["kept"].append(p["code"])  # the office uses the code for another project
                    continue
                insert_project(store, tx, p, plan_id, section_ids, columns, units)
                result["projects"].append(p["code"])
                continue
            if pid in touched:
                result["kept"].append(p["code"])
                continue
            new = {
                "name": p["name"],
                "category": p.get("category"),
                "stage": p.get("stage"),
                "source_text": p.get("source"),
                "notes": p.get("note"),
                "side": p.get("side"),
            }
            row = store.conn.execute(
                f"SELECT {', '.join(DATASET_FIELDS)} FROM project WHERE id = ?", (pid,)
            ).fetchone()
            old = dict(zip(DATASET_FIELDS, row, strict=True))
            changed = {k: v for k, v in new.items() if old[k] != v}
            if not changed:
                continue
            store.conn.execute(
                f"UPDATE project SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
                (*changed.values(), pid),
            )
            for k, v in changed.items():
                if k != "side":  # side is new: nothing to show as a change
                    tx.audit("project", pid, k, old[k], v, project_id=pid)
            if set(changed) - {"side"}:
                result["corrected"].append(p["code"])
        have = {code for (code,) in store.conn.execute("SELECT code FROM task")}
        for t in data.get("tasks", []):
            if t["code"] not in have:
                insert_task(store, t, plan_id, section_ids)
                result["tasks"].append(t["code"])
        _set_dataset_version(store, plan)
        if any(result[k] for k in ("projects", "corrected", "units", "indicators", "tasks")):
            store.conn.execute(
                "INSERT INTO event_log (user, kind, summary) VALUES (?, 'init', ?)",
                (store.user, upgrade_summary(plan["title"], result)),
            )
    return result


DATASET_VERSION_KEY = "dataset_version"


def dataset_version(store: Store) -> int:
    """The version of the built-in dataset the database was last brought up to (1: before it
    had one)."""
    return int(store.get_setting(DATASET_VERSION_KEY, 1))


def _set_dataset_version(store: Store, plan: dict) -> None:
    store.conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (DATASET_VERSION_KEY, json.dumps(int(plan.get("dataset_version", 1)))),
    )


def upgrade_summary(title: str, result: dict[str, list[str]]) -> str:
    parts = [f"按新版规划数据更新《{title}》："]
    parts.append(
        f"新增 {len(result['projects'])} 个项目、{len(result['tasks'])} 项重点任务、"
        f"{len(result['indicators'])} 项指标、"
        f"{len(result['units'])} 个单位"
    )
    parts.append(f"；按规划原文更正 {len(result['corrected'])} 个未经改动的项目")
    if result["kept"]:
        parts.append(
            f"；{len(result['kept'])} 个项目已由本办修改，保留原样（{'、'.join(result['kept'][:10])}"
            + ("等" if len(result["kept"]) > 10 else "")
            + "）"
        )
    return "".join(parts) + "。"


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
        "task_report",
        "supervision",
    }
    if table not in allowed:
        raise ValueError(table)
    cur = store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        rows,
    )
    return cur.rowcount


def batch_ids(store: Store, shas: list[str]) -> dict[str, int]:
    """``sha256 -> id`` of the return batches already recorded for these files."""
    out: dict[str, int] = {}
    for i in range(0, len(shas), 500):
        chunk = shas[i : i + 500]
        out.update(
            store.conn.execute(
                "SELECT sha256, min(id) FROM import_batch WHERE kind = 'return'"
                f" AND sha256 IN ({','.join('?' * len(chunk))}) GROUP BY sha256",
                chunk,
            ).fetchall()
        )
    return out


def insert_import_batches(store: Store, rows: list[tuple]) -> list[int]:
    """Insert demo import batches ``(at, user, kind, file_name, sha256, unit_id, period,
    counts)`` inside the current transaction; their ids, in order."""
    assert store.in_write, "insert_import_batches must run inside store.write()"
    return [
        store.conn.execute(
            "INSERT INTO import_batch (at, user, kind, file_name, sha256, unit_id, period, counts)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (*r[:7], json.dumps(r[7], ensure_ascii=False)),
        ).lastrowid
        for r in rows
    ]


def assign_plan(store: Store, project_ids: list[str]) -> None:
    """Put projects inserted without a plan into the current plan (inside the caller's write)."""
    from .plans import current_plan_id

    plan = current_plan_id(store)
    if plan is None:
        return
    store.conn.executemany(
        "UPDATE project SET plan_id = ? WHERE id = ? AND plan_id IS NULL",
        [(plan, pid) for pid in project_ids],
    )


def _insert_indicator(store: Store, plan_id: int, ind: dict) -> None:
    """One indicator of the dataset, as given (the first load and the upgrade of an older file)."""
    store.conn.execute(
        "INSERT INTO indicator (plan_id, seq, category, name, unit, base_value, operator,"
        " target, target_text, year, attribute, origin, source_text)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
            ind.get("origin"),
            ind.get("source"),
        ),
    )
