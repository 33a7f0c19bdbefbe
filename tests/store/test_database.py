"""The store: connection settings, constraints, transactions, audit, migrations, bad files."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop_app.domain.errors import ConflictError, UserError, ValidationError
from desktop_app.store import Store, StoreError
from desktop_app.store.database import schema_sections, schema_version
from desktop_app.store.projects import get_project, history, update_project


def test_new_file_gets_schema_foreign_keys_and_rollback_journal(db_path):
    with Store.open(db_path) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA journal_mode") == "delete"
        assert store.scalar("PRAGMA busy_timeout") == 5000
        tables = {
            r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {"project", "unit", "milestone", "progress_report", "indicator", "audit_log"} <= tables


def test_dangling_reference_is_refused(empty_store):
    with pytest.raises(UserError, match="外键"), empty_store.write():
        empty_store.conn.execute(
            "INSERT INTO project_unit (project_id, unit_id, role) VALUES ('nope', 999, '牵头')"
        )
    assert empty_store.scalar("SELECT count(*) FROM project_unit") == 0


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("stage", "'施工中'", "stage"),
        ("percent_complete", "120", "percent_complete"),
        ("total_investment", "-1", "total_investment"),
        ("planned_start", "'2026-13-01'", "planned_start"),
    ],
)
def test_check_constraints_refuse_bad_rows(empty_store, column, value, reason):
    with pytest.raises(UserError, match="不符合规则"), empty_store.write():
        empty_store.conn.execute(
            f"INSERT INTO project (id, code, name, {column}) VALUES ('p1', 'C1', '名', {value})"
        )
    assert empty_store.scalar("SELECT count(*) FROM project") == 0


def test_date_order_is_a_constraint(empty_store):
    with pytest.raises(UserError), empty_store.write():
        empty_store.conn.execute(
            "INSERT INTO project (id, code, name, planned_start, planned_end)"
            " VALUES ('p1', 'C1', '名', '2026-05-01', '2026-04-01')"
        )


def test_only_one_lead_unit_per_project(store, make_project):
    pid = make_project(lead="市交通运输局")
    unit = store.scalar("SELECT id FROM unit WHERE name = '市水利局'")
    with pytest.raises(UserError, match="牵头"), store.write():
        store.conn.execute(
            "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?, ?, '牵头')",
            (pid, unit),
        )


def test_transaction_rolls_back_whole(store, make_project):
    pid = make_project(name="回滚测试")
    with pytest.raises(RuntimeError), store.write():
        update_project(store, pid, {"name": "改了名"})
        with store.write():  # nested: a savepoint inside the same transaction
            update_project(store, pid, {"percent_complete": 50})
        raise RuntimeError("boom")
    p = get_project(store, pid)
    assert (p.name, p.percent_complete) == ("回滚测试", None)
    assert (
        store.scalar(
            "SELECT count(*) FROM audit_log WHERE project_id = ? AND field != '创建'", (pid,)
        )
        == 0
    )


def test_every_change_writes_audit_rows(store, make_project):
    pid = make_project(name="审计测试")
    update_project(store, pid, {"planned_end": date(2027, 6, 30), "total_investment": 1234.5})
    rows = store.query(
        "SELECT user, field, old, new, source FROM audit_log WHERE project_id = ? AND field != '创建'"
        " ORDER BY field",
        (pid,),
    )
    assert rows == [
        {
            "user": "测试员",
            "field": "planned_end",
            "old": None,
            "new": "2027-06-30",
            "source": "手工",
        },
        {
            "user": "测试员",
            "field": "total_investment",
            "old": None,
            "new": "1234.5",
            "source": "手工",
        },
    ]


def test_validation_refuses_with_reason(store, make_project):
    pid = make_project()
    with pytest.raises(ValidationError, match="完成百分比「120」超出 0–100"):
        update_project(store, pid, {"percent_complete": 120})
    with pytest.raises(ValidationError, match="计划完工 2026-01-01 早于计划开工 2026-03-01"):
        update_project(
            store, pid, {"planned_start": date(2026, 3, 1), "planned_end": date(2026, 1, 1)}
        )


def test_edit_from_an_old_version_is_refused(store, make_project):
    pid = make_project()
    version = get_project(store, pid).version
    update_project(store, pid, {"name": "别人先改了"}, expected_version=version)
    with pytest.raises(ConflictError, match="该项目已被他人修改"):
        update_project(store, pid, {"name": "我后改的"}, expected_version=version)
    assert get_project(store, pid).name == "别人先改了"


def test_upgrade_from_version_1_keeps_data(tmp_path):
    old = tmp_path / "旧版本.db"
    conn = sqlite3.connect(old)
    conn.executescript(schema_sections()[1])
    conn.execute("INSERT INTO unit (name, kind) VALUES ('广汉市', '区县')")
    conn.execute(
        "INSERT INTO project (id, code, name, stage) VALUES ('p1', 'OLD-1', '旧项目', '在建')"
    )
    conn.execute("INSERT INTO project_unit VALUES ('p1', 1, '牵头')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    with Store.open(old) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        p = get_project(store, "OLD-1")
        assert (p.name, p.stage, p.lead_unit) == ("旧项目", "在建", "广汉市")
        # Tables of version 2 exist and work.
        with store.write():
            store.conn.execute("INSERT INTO baseline (name) VALUES ('2026年初计划')")
        fresh = Store.open(tmp_path / "新.db")
        schema = lambda s: sorted(
            r["sql"] for r in s.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )  # noqa: E731
        assert schema(store) == schema(fresh)
        fresh.close()


def test_upgrade_from_version_2_keeps_the_audit_trail_under_leaner_indexes(tmp_path):
    old = tmp_path / "第二版.db"
    conn = sqlite3.connect(old)
    sections = schema_sections()
    conn.executescript(sections[1] + sections[2])
    conn.execute(
        "INSERT INTO project (id, code, name, stage) VALUES ('p1', 'OLD-1', '旧项目', '在建')"
    )
    conn.executemany(
        "INSERT INTO audit_log (at, user, entity, entity_id, project_id, field, old, new, source)"
        " VALUES (?, '张三', 'project', 'p1', 'p1', 'stage', ?, ?, '手工')",
        [("2026-01-05T09:00:00.000", "储备", "前期"), ("2026-03-02T09:00:00.000", "前期", "在建")],
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()

    with Store.open(old) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        indexes = {
            r["name"]
            for r in store.query("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_log'")
        }
        assert {"audit_by_project", "audit_proposal"} <= indexes
        assert not {"audit_project", "audit_entity"} & indexes
        trail = history(store, "p1")
        assert [(h["old"], h["new"]) for h in trail] == [("前期", "在建"), ("储备", "前期")]


def test_audit_lookups_use_their_indexes(store):
    """A project's history and the proposals' review rows are found through an index, not by
    reading the whole audit trail (which grows by thousands of rows with every import)."""
    from desktop_app.store import proposals

    def plan(sql: str, params: tuple) -> str:
        return " / ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))

    trail = plan("SELECT a.at FROM audit_log a WHERE a.project_id = ? ORDER BY a.id DESC", ("p1",))
    assert "USING INDEX audit_by_project" in trail and "TEMP B-TREE" not in trail
    review = plan(proposals._SELECT + " WHERE p.id = ?", (1,))
    assert review.count("USING INDEX audit_proposal") == 4, review


def test_newer_version_is_refused_clearly(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="更新版本的程序"):
        Store.open(db_path)


def test_not_a_database_gets_a_clear_message(tmp_path):
    bad = tmp_path / "报表.db"
    bad.write_bytes(b"PK\x03\x04 this is a zip, not sqlite" * 100)
    before = bad.read_bytes()
    with pytest.raises(StoreError, match="不是本程序的数据库文件"):
        Store.open(bad)
    assert bad.read_bytes() == before


def test_missing_file_without_create(tmp_path):
    with pytest.raises(StoreError, match="不存在"):
        Store.open(tmp_path / "没有.db", create=False)


def test_read_only_file_opens_but_refuses_writes(store, tmp_path, make_project):
    make_project(name="只读测试")
    path = store.path
    store.close()
    path.chmod(0o444)
    try:
        import os

        if os.access(path, os.W_OK):  # root ignores permission bits
            pytest.skip("running as root: the file stays writable")
        with Store.open(path) as ro:
            assert ro.read_only
            with pytest.raises(StoreError, match="只读"), ro.write():
                pass
    finally:
        path.chmod(0o644)


def test_integrity_check_reports_healthy(store):
    assert store.check() == []


def test_backup_is_a_complete_copy(store, make_project, tmp_path):
    make_project(name="备份测试")
    target = store.backup_to(tmp_path / "备份" / "副本.db")
    with Store.open(target) as copy:
        assert copy.scalar("SELECT count(*) FROM project WHERE name = '备份测试'") == 1


def test_upgrade_from_version_5_keeps_supervision_and_lets_tasks_be_supervised(tmp_path):
    from desktop_app.store.migrations import _NEW_SUPERVISED, _OLD_SUPERVISED

    old = tmp_path / "第五版.db"
    conn = sqlite3.connect(old)
    sections = schema_sections()
    conn.executescript(
        "".join(sections[v] for v in range(1, 6)).replace(_NEW_SUPERVISED, _OLD_SUPERVISED)
    )
    conn.execute(
        "INSERT INTO plan (id, code, title, start_year, end_year) VALUES (1, 'P', '规划', 2021, 2025)"
    )
    conn.execute("INSERT INTO unit (id, name, kind) VALUES (1, '广汉市', '区县')")
    conn.execute(
        "INSERT INTO project (id, code, name, stage) VALUES ('p1', 'OLD-1', '旧项目', '在建')"
    )
    conn.execute(
        "INSERT INTO supervision (project_id, unit_id, issued_date, reply_by, reason)"
        " VALUES ('p1', 1, '2026-10-08', '2026-10-20', '逾期')"
    )
    conn.execute(
        "INSERT INTO task (id, plan_id, code, title, lead_unit_id) VALUES (7, 1, 'RW-1', '任务', 1)"
    )
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO supervision (issued_date, reply_by, reason) VALUES ('2026-10-08', '2026-10-20', 'x')"
        )
    conn.close()

    with Store.open(old) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        assert store.scalar("SELECT reason FROM supervision WHERE project_id = 'p1'") == "逾期"
        # The plan's named lead became the task's 牵头 unit.
        assert (
            store.query("SELECT unit_id, role FROM task_unit WHERE task_id = 7")[0]["role"]
            == "牵头"
        )
        with store.write():
            store.conn.execute(
                "INSERT INTO supervision (task_id, unit_id, issued_date, reply_by, reason)"
                " VALUES (7, 1, '2026-11-08', '2026-11-20', '任务逾期')"
            )
        assert store.scalar("SELECT count(*) FROM supervision WHERE task_id = 7") == 1
        assert store.scalar("PRAGMA integrity_check") == "ok"
        fresh = Store.open(tmp_path / "新.db")
        schema = lambda s: sorted(  # noqa: E731
            r["sql"] for r in s.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
        assert schema(store) == schema(fresh)
        fresh.close()


def test_upgrade_from_version_6_keeps_everything_and_adds_the_assessment(tmp_path):
    old = tmp_path / "第六版.db"
    conn = sqlite3.connect(old)
    sections = schema_sections()
    conn.executescript("".join(sections[v] for v in range(1, 7)))
    conn.execute(
        "INSERT INTO plan (id, code, title, start_year, end_year) VALUES (1, 'P', '规划', 2021, 2025)"
    )
    conn.execute("INSERT INTO unit (id, name, kind) VALUES (1, '旌阳区', '区县')")
    conn.execute(
        "INSERT INTO project (id, code, name, stage) VALUES ('p1', 'OLD-1', '旧项目', '在建')"
    )
    conn.execute(
        "INSERT INTO import_batch (user, kind, file_name, sha256, unit_id, period)"
        " VALUES ('张三', 'return', '旌阳区_10月.xlsx', 'abc', 1, '2026-10')"
    )
    conn.execute("INSERT INTO annual_list (year, plan_id, title) VALUES (2026, 1, '2026年清单')")
    conn.execute("INSERT INTO task (id, plan_id, code, title) VALUES (7, 1, 'RW-1', '任务')")
    conn.execute(
        "INSERT INTO annual_item (year, seq, task_id, due_text) VALUES (2026, 1, 7, '年底前')"
    )
    conn.execute(
        "INSERT INTO task_report (task_id, unit_id, period, state) VALUES (7, 1, '2026-10', '推进中')"
    )
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    before = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    conn.close()

    with Store.open(old) as store:
        assert store.scalar("PRAGMA user_version") == schema_version()
        for table, count in before.items():
            assert store.scalar(f"SELECT count(*) FROM {table}") == count, table
        assert store.scalar("SELECT file_name FROM import_batch") == "旌阳区_10月.xlsx"
        from desktop_app.domain.assessment import RuleSet
        from desktop_app.store.assessment import add_adjustment, save_rule_set, stored_rule_set

        save_rule_set(store, RuleSet.default(2026))
        add_adjustment(store, 2026, 1, 2, "承办现场会")
        assert stored_rule_set(store, 2026).total_weight == 100
        assert store.scalar("PRAGMA integrity_check") == "ok"
        fresh = Store.open(tmp_path / "新.db")
        schema = lambda s: sorted(  # noqa: E731
            r["sql"] for r in s.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
        assert schema(store) == schema(fresh)
        fresh.close()
