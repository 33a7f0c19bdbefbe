"""A database made by the first release (schema 3, the first dataset of 126 projects), then
edited by the office, opened by this version: upgraded in place, the office's edits kept."""

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from desktop_app.services.setup import open_or_create
from desktop_app.store import Store
from desktop_app.store.database import schema_version
from desktop_app.store.projects import get_project, list_projects

DATA = Path(__file__).parent / "data"


def _first_release_db(path: Path) -> None:
    """The file as the first release made it: its schema and its loader, then two office edits."""
    data = json.loads((DATA / "plan_2021_first_release.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.execute("PRAGMA user_version = 3")
    plan = data["plan"]
    plan_id = conn.execute(
        "INSERT INTO plan (code, title, doc_no, start_year, end_year) VALUES (?,?,?,?,?)",
        (plan["code"], plan["title"], plan["doc_no"], plan["start_year"], plan["end_year"]),
    ).lastrowid
    sections = {}
    for s in data["sections"]:
        sections[s["key"]] = conn.execute(
            "INSERT INTO plan_section (plan_id, key, kind, number, title, parent_id)"
            " VALUES (?,?,?,?,?,?)",
            (plan_id, s["key"], s["kind"], s["number"], s["title"], sections.get(s["parent"])),
        ).lastrowid
    units = {}
    for sort, u in enumerate(data["units"], start=1):
        units[u["name"]] = conn.execute(
            "INSERT INTO unit (name, short_name, kind, sort) VALUES (?,?,?,?)",
            (u["name"], u["short_name"], u["kind"], sort),
        ).lastrowid
    for i in data["indicators"]:
        conn.execute(
            "INSERT INTO indicator (plan_id, seq, category, name, unit, operator, target,"
            " target_text, year) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                plan_id,
                i["seq"],
                i["category"],
                i["name"],
                i["unit"],
                i["operator"],
                i["target"],
                i["target_text"],
                i["year"],
            ),
        )
    columns = {s["number"]: sections[s["key"]] for s in data["sections"] if s["kind"] == "专栏"}
    for p in data["projects"]:
        pid = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO project (id, code, name, plan_id, section_id, category, stage,"
            " district_id, source_text) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                pid,
                p["code"],
                p["name"],
                plan_id,
                columns.get(p["column"]) or sections.get(p["section"] or ""),
                p["category"],
                p["stage"] or "储备",
                units.get(p["district"] or ""),
                p["source"],
            ),
        )
        conn.execute(
            "INSERT INTO audit_log (user, entity, entity_id, project_id, field, old, new, source)"
            " VALUES ('张三', 'project', ?, ?, '创建', NULL, ?, '初始化')",
            (pid, pid, p["name"]),
        )
    # The office's own work: 华强沟水库 marked 在建 with a planned end, a unit's return on 石泉水库.
    for code, field, old, new, source in (
        ("CH04-002", "stage", "竣工", "在建", "手工"),
        ("CH04-003", "percent_complete", None, "40", "导入"),
    ):
        pid = conn.execute("SELECT id FROM project WHERE code = ?", (code,)).fetchone()[0]
        value = new if field == "stage" else float(new)
        conn.execute(f"UPDATE project SET {field} = ? WHERE id = ?", (value, pid))
        conn.execute(
            "INSERT INTO audit_log (user, entity, entity_id, project_id, field, old, new, source)"
            " VALUES ('李四', 'project', ?, ?, ?, ?, ?, ?)",
            (pid, pid, field, old, new, source),
        )
    conn.execute("UPDATE project SET planned_end = '2024-06-30' WHERE code = 'CH04-002'")
    conn.commit()
    conn.close()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "旧版项目库.db"
    _first_release_db(path)
    return path


def test_first_release_database_is_upgraded_in_place(old_db):
    with open_or_create(old_db) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        projects = {p.code: p for p in list_projects(store)}
        # New entries added (126 → 195), nothing lost.
        assert len(projects) == 195
        assert projects["ZL10-005"].name == "德阳综合保税区"
        assert projects["CH04-101"].side == "成都"
        # The office's edits are kept as they were.
        edited = projects["CH04-002"]
        assert (edited.stage, edited.planned_end.isoformat()) == ("在建", "2024-06-30")
        returned = projects["CH04-003"]
        assert returned.stage == "竣工" and returned.percent_complete == 40
        # What nobody touched follows the plan's reading now.
        assert projects["ZL16-015"].stage is None
        assert projects["CH04-014"].name == "德阳南等输变电工程"
        assert projects["GL-001"].stage is None
        assert projects["CH04-005"].side == "成都"
        # Units and indicators: 天府数谷 added, the usual departments marked as such.
        origin = dict(store.conn.execute("SELECT name, origin FROM unit"))
        assert origin["天府数谷"] == "规划原文" and origin["市水利局"] == "常用市级部门"
        assert store.scalar("SELECT count(*) FROM indicator") == 17
        # The history says what was added and what was kept.
        summary = store.scalar("SELECT summary FROM event_log ORDER BY id DESC LIMIT 1")
        assert "新增 69 个项目、73 项重点任务、2 项指标、1 个单位" in summary
        assert "2 个项目已由本办修改，保留原样（CH04-002、CH04-003）" in summary
        trail = store.query(
            "SELECT field, old, new FROM audit_log WHERE project_id = ? ORDER BY id",
            (get_project(store, "CH04-014").id,),
        )
        assert ("name", "德阳南输变电工程", "德阳南等输变电工程") in [
            (r["field"], r["old"], r["new"]) for r in trail
        ]


def test_upgrade_runs_once_and_an_unknown_stage_can_be_stored(old_db):
    open_or_create(old_db).close()
    with open_or_create(old_db) as store:
        events = store.scalar("SELECT count(*) FROM event_log WHERE summary LIKE '按新版规划数据%'")
        assert events == 1
        assert len(list_projects(store)) == 195
        with store.write():
            store.conn.execute("UPDATE project SET stage = NULL WHERE code = 'CH04-002'")
        assert get_project(store, "CH04-002").stage_text == "待填报"
        assert store.scalar("PRAGMA integrity_check") == "ok"


def test_fresh_and_upgraded_files_have_the_same_schema(old_db, tmp_path):
    def schema(s: Store) -> list[str]:
        return sorted(
            r["sql"] for r in s.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )

    with open_or_create(old_db) as old, Store.open(tmp_path / "新.db") as fresh:
        assert schema(old) == schema(fresh)
