"""A database made by the previous releases (schema 5 and 6, with a year of demo data and the
office's edits) is upgraded in place to plans in turn with nothing lost."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from plan_lists import write_next_plan

from desktop_app.services import plans
from desktop_app.services.evaluation import evaluate
from desktop_app.store import Store
from desktop_app.store import plans as plan_store
from desktop_app.store.database import schema_version
from desktop_app.store.projects import count_projects, get_project, history, list_projects

DATA = Path(__file__).parent / "data"


def _columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        conn.close()


def _contents(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of the given tables and columns (project.plan_id aside: it is filled in)."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for t, cols in columns.items():
            keep = [c for c in cols if not (t == "project" and c == "plan_id")]
            out[t] = sorted(conn.execute(f"SELECT {', '.join(keep)} FROM {t}").fetchall(), key=repr)
        return out
    finally:
        conn.close()


@pytest.fixture(params=["main_v5_with_year.db.gz", "main_v6_with_year.db.gz"])
def old_file(request, tmp_path) -> Path:
    path = tmp_path / "项目库.db"
    path.write_bytes(gzip.decompress((DATA / request.param).read_bytes()))
    return path


def test_an_older_file_is_upgraded_with_nothing_lost(old_file):
    columns = _columns(old_file)
    before = _contents(old_file, columns)
    old_version = sqlite3.connect(old_file).execute("PRAGMA user_version").fetchone()[0]
    assert old_version in (5, 6)
    unassigned = (
        sqlite3.connect(old_file)
        .execute("SELECT count(*) FROM project WHERE plan_id IS NULL")
        .fetchone()[0]
    )
    assert unassigned == 41  # 40 demo projects and one added by hand

    with Store.open(old_file, user="测试员") as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        assert store.check() == []
        after = _contents(old_file, columns)
        for table, rows in before.items():
            assert after[table] == rows, table
        # Every project now belongs to the plan; the register shows all of them.
        assert store.scalar("SELECT count(*) FROM project WHERE plan_id IS NULL") == 0
        assert count_projects(store) == 195 + 41
        assert len(list_projects(store)) == 195 + 41
        [plan] = plan_store.list_plans(store)
        assert plan.status == "执行中" and plan_store.current_plan_id(store) == plan.id
        added = get_project(store, "XM-0001")
        assert [m.name for m in added.milestones] == ["开工"]
        assert added.percent_complete == 45.0
        assert any(h["field"] == "创建" for h in history(store, added.id))


def test_an_upgraded_file_is_evaluated_closed_and_carried_on(old_file, tmp_path):
    with Store.open(old_file, user="测试员") as store:
        e = evaluate(store, None, date(2025, 12, 31))
        assert {p.project.name: p.result.state for p in e.build_targets}["华强沟水库"] == "达到"
        assert e.indicators[0].state == "已达标"
        s11_history = history(store, get_project(store, "ZL02-001").id)
        plans.close_plan(store, 1)
        result = plans.import_plan(store, write_next_plan(tmp_path / "十五五.xlsx"))
        assert "ZL02-001" in result.carried["projects"] and "XM-0001" in result.carried["projects"]
        assert "CH04-002" not in result.carried["projects"]
        s11 = get_project(store, "ZL02-001")
        assert history(store, s11.id)[1:] == s11_history
        assert s11.last_period == "2026-11"
