"""A database made by the first release (schema 3, the first dataset of 126 projects), then
edited by the office, opened by this version: upgraded in place, the office's edits kept."""

from pathlib import Path

import pytest

from desktop_app.services.setup import open_or_create
from desktop_app.store import Store
from desktop_app.store.database import schema_version
from desktop_app.store.projects import get_project, list_projects


@pytest.fixture
def old_db(first_release_db) -> Path:
    return first_release_db


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
