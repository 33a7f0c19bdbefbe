"""The stored side of a return import: reports and project fields written in bulk, audited."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.errors import ValidationError
from desktop_app.domain.model import ProgressReport
from desktop_app.store import exchange as xstore
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import get_project

PERIOD = "2026-11"


def _batch(store) -> int:
    return xstore.create_batch(
        store,
        kind="return",
        file_name="回报.xlsx",
        sha256="0" * 64,
        unit_id=None,
        period=PERIOD,
        template_id=None,
        counts={},
    )


def _audit(store, batch_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT entity, project_id, field, old, new, source FROM audit_log"
            " WHERE batch_id = ? ORDER BY id",
            (batch_id,),
        )
    ]


def test_bulk_reports_update_insert_follow_and_audit(store, make_project):
    a = make_project("A-1", "已有本期报告的项目")
    b = make_project("B-1", "本期未报告的项目")
    record_report(store, ProgressReport(a, PERIOD, percent_complete=20, progress_text="旧"))
    with store.write(source="导入"):
        batch_id = _batch(store)
        written = xstore.record_reports_bulk(
            store,
            PERIOD,
            [
                (a, {"percent_complete": 30, "progress_text": " 新 "}),
                (b, {"investment_to_date": 12.345678, "problems": "   "}),
            ],
            batch_id=batch_id,
        )
    [ra] = list_reports(store, a)
    assert (ra.percent_complete, ra.progress_text, ra.source, ra.batch_id) == (
        30,
        "新",
        "导入",
        batch_id,
    )
    [rb] = list_reports(store, b)
    assert (rb.investment_to_date, rb.problems, rb.batch_id) == (12.3457, None, batch_id)
    assert get_project(store, "A-1").percent_complete == 30
    assert get_project(store, "B-1").investment_to_date == 12.3457
    audit = _audit(store, batch_id)
    assert audit[:3] == [
        ("progress_report", a, "percent_complete", "20", "30", "导入"),
        ("progress_report", a, "progress_text", "旧", "新", "导入"),
        ("progress_report", b, "investment_to_date", None, "12.3457", "导入"),
    ]
    # The projects' rows follow (in the audit index's order, not the input's).
    assert sorted(audit[3:]) == sorted(
        [
            ("project", a, "percent_complete", "20", "30", "导入"),
            ("project", b, "investment_to_date", None, "12.3457", "导入"),
        ]
    )
    assert written == len(audit)


def test_bulk_reports_leave_a_project_reported_for_a_later_period(store, make_project):
    a = make_project("A-1", "已报下期的项目")
    record_report(store, ProgressReport(a, "2026-12", percent_complete=60))
    with store.write(source="导入"):
        batch_id = _batch(store)
        xstore.record_reports_bulk(
            store, PERIOD, [(a, {"percent_complete": 50})], batch_id=batch_id
        )
    assert get_project(store, "A-1").percent_complete == 60
    assert [r.percent_complete for r in list_reports(store, a)] == [60, 50]


def test_bulk_project_fields_write_version_and_audit(store, make_project):
    a = make_project("A-1", "甲", stage="前期")
    b = make_project("B-1", "乙", stage="前期")
    before = get_project(store, "A-1").version
    with store.write(source="导入"):
        batch_id = _batch(store)
        changed = xstore.apply_project_fields(
            store,
            [
                (a, {"stage": "在建", "actual_start": date(2026, 3, 1)}),
                (b, {"stage": "前期"}),  # as stored: nothing to write
            ],
            batch_id=batch_id,
        )
    assert set(changed) == {a}
    p = get_project(store, "A-1")
    assert (p.stage, p.actual_start, p.version) == ("在建", date(2026, 3, 1), before + 1)
    assert get_project(store, "B-1").version == before
    assert _audit(store, batch_id) == [
        ("project", a, "stage", "前期", "在建", "导入"),
        ("project", a, "actual_start", None, "2026-03-01", "导入"),
    ]


def test_bulk_project_fields_refuse_end_before_start_and_write_nothing(store, make_project):
    a = make_project("A-1", "甲", stage="在建", actual_start=date(2026, 5, 1))
    b = make_project("B-1", "乙", stage="前期")
    with pytest.raises(ValidationError) as err:
        xstore.apply_project_fields(
            store,
            [(b, {"stage": "在建"}), (a, {"actual_end": date(2026, 4, 1)})],
            batch_id=None,
        )
    assert "A-1" in err.value.message
    assert get_project(store, "B-1").stage == "前期"
    assert get_project(store, "A-1").actual_end is None


def _state(store) -> tuple:
    reports = sorted(
        tuple(r)
        for r in store.conn.execute(
            "SELECT p.code, r.period, r.percent_complete, r.investment_to_date,"
            " r.investment_this_year, r.progress_text, r.problems, r.next_steps"
            " FROM progress_report r JOIN project p ON p.id = r.project_id"
        )
    )
    projects = sorted(
        tuple(r)
        for r in store.conn.execute(
            "SELECT code, percent_complete, investment_to_date FROM project"
        )
    )
    audit = sorted(
        (r[0], r[1], r[2], r[3], r[4])
        for r in store.conn.execute(
            "SELECT a.entity, p.code, a.field, a.old, a.new FROM audit_log a"
            " JOIN project p ON p.id = a.project_id WHERE a.entity IN ('project', 'progress_report')"
            " AND a.source = '导入'"
        )
    )
    return reports, projects, audit


def test_bulk_reports_write_what_one_by_one_reports_write(store, make_project, tmp_path):
    """Many kinds of rows at once (new and existing reports, a later period already reported,
    blanks, whitespace, unrounded amounts, a project twice): the bulk write leaves the same
    reports, project values and audit rows as recording the reports one at a time."""
    import random
    import shutil

    from desktop_app.store import Store

    rng = random.Random(7)
    ids = [
        make_project(f"R-{i:02d}", f"项目{i}", percent_complete=rng.choice([None, 10]))
        for i in range(24)
    ]
    for pid in ids[:12]:
        record_report(
            store,
            ProgressReport(
                pid, PERIOD, percent_complete=20, investment_to_date=5, problems="旧问题"
            ),
        )
    for pid in ids[8:10]:
        record_report(store, ProgressReport(pid, "2026-12", percent_complete=90))
    choices = {
        "percent_complete": [None, 20, 20.004, 35.5, 100],
        "investment_to_date": [None, 5, 5.00001, 12.345678],
        "investment_this_year": [None, 0, 3.3],
        "progress_text": [None, "   ", " 新进展 ", "旧"],
        "problems": [None, "旧问题", "", "新问题"],
        "next_steps": [None, "下步"],
    }
    batch_rows = []
    for pid in ids + ids[:3]:  # three projects twice: the later values win
        raw = {k: rng.choice(v) for k, v in choices.items()}
        batch_rows.append((pid, {k: v for k, v in raw.items() if v is not None}))
    store.close()
    one_path = tmp_path / "逐条.db"
    shutil.copy(store.path, one_path)

    bulk = Store.open(store.path, user="测试员")
    with bulk.write(source="导入"):
        batch_id = _batch(bulk)
        xstore.record_reports_bulk(bulk, PERIOD, batch_rows, batch_id=batch_id)

    single = Store.open(one_path, user="测试员")
    merged: dict[str, dict] = {}
    for pid, raw in batch_rows:
        merged[pid] = merged.get(pid, {}) | raw
    with single.write(source="导入"):
        for pid, raw in merged.items():
            record_report(single, ProgressReport(pid, PERIOD, source="导入", **raw))
    try:
        assert _state(bulk) == _state(single)
    finally:
        bulk.close()
        single.close()


def test_bulk_audit_writes_numbers_as_the_editor_writes_them(store, make_project):
    """The bulk write formats the audit's numbers in SQL; the history shows each number as the
    one-by-one writes show it (45 not 45.0, 0.30000000000000004 in full, no exponent where
    Python writes none)."""
    from desktop_app.store.database import _audit_text

    amounts = [
        45.0,
        45.37,
        0.1 + 0.2,
        1e-05,
        0.0001,
        123456789012.35,
        999999999999999.9,
        1e15,
        1.5e16,
        1e20,
        2 / 3,
        5000.0,
        7,
    ]
    ids = [make_project(f"N-{i:02d}", f"数字项目{i}") for i in range(len(amounts))]
    with store.write(source="导入"):
        batch_id = _batch(store)
        xstore.record_reports_bulk(
            store,
            PERIOD,
            [(pid, {"investment_to_date": v}) for pid, v in zip(ids, amounts, strict=True)],
            batch_id=batch_id,
            normalized=True,  # the values as given, unrounded
        )
    written = {
        pid: new
        for pid, new in store.conn.execute(
            "SELECT project_id, new FROM audit_log WHERE batch_id = ? AND entity = 'project'"
            " AND field = 'investment_to_date'",
            (batch_id,),
        )
    }
    assert [written[pid] for pid in ids] == [_audit_text(v) for v in amounts]
    assert written[ids[0]] == "45" and written[ids[2]] == "0.30000000000000004"
    assert written[ids[3]] == "1e-05" and written[ids[8]] == "15000000000000000"
