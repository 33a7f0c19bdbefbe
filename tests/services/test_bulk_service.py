"""批量修改 as a service: one transaction, one op_id, refused whole when one row cannot take it."""

from datetime import date

import pytest

from desktop_app.domain.bulk import ADD, REPLACE, UnitChange
from desktop_app.domain.errors import ConflictError, UserError
from desktop_app.services.bulk import (
    BulkEdit,
    assign_task_units,
    bulk_edit_projects,
    restore_projects,
    set_tasks_units,
    snapshots,
)
from desktop_app.store.projects import get_project, update_project
from desktop_app.store.tasks import list_tasks, unassigned_count
from desktop_app.store.units import get_unit


def audit_since(store, mark):
    return store.query("SELECT * FROM audit_log WHERE id > ? ORDER BY id", (mark,))


def mark(store) -> int:
    return store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")


def test_a_version_changed_since_the_rows_were_shown_refuses_the_whole_edit(store, make_project):
    a = make_project("B-1", "甲")
    b = make_project("B-2", "乙")
    versions = {a: get_project(store, a).version, b: get_project(store, b).version}
    update_project(store, b, {"notes": "他人刚改"})
    m = mark(store)
    with pytest.raises(UserError) as err:
        bulk_edit_projects(
            store, [a, b], BulkEdit({"total_investment": 100.0}), expected_versions=versions
        )
    assert "B-2 乙：已被他人（或另一窗口）修改，请刷新后再选" in err.value.message
    assert "B-1" not in err.value.message
    assert audit_since(store, m) == []
    assert get_project(store, a).total_investment is None


def test_units_and_fields_in_one_operation_and_its_exact_undo(store, make_project):
    a = make_project("B-1", "甲", lead="市交通运输局", responsible=("旌阳区",))
    b = make_project("B-2", "乙", planned_start=date(2026, 1, 1), planned_end=date(2026, 6, 30))
    water = get_unit(store, "市水利局").id
    zhongjiang = get_unit(store, "中江县").id
    m = mark(store)
    before = bulk_edit_projects(
        store,
        [a, b],
        BulkEdit(
            {"planned_end": date(2027, 12, 31), "stage": "在建"},
            UnitChange(lead=water, responsible=(ADD, (zhongjiang,))),
        ),
    )
    pa, pb = get_project(store, a), get_project(store, b)
    assert pa.lead_unit == pb.lead_unit == "市水利局"
    assert pa.units_with_role("责任") == ["旌阳区", "中江县"]
    assert pb.units_with_role("责任") == ["中江县"]
    assert (pb.planned_start, pb.planned_end, pb.stage) == (
        date(2026, 1, 1),
        date(2027, 12, 31),
        "在建",
    )
    rows = audit_since(store, m)
    assert len({r["op_id"] for r in rows}) == 1
    assert {(r["project_id"], r["field"]) for r in rows} == {
        (pid, f) for pid in (a, b) for f in ("planned_end", "stage", "units")
    }
    after = snapshots(store, [a, b])
    restore_projects(store, before, expected=after)
    assert get_project(store, a).lead_unit == "市交通运输局"
    assert get_project(store, b).planned_end == date(2026, 6, 30)
    assert len({r["op_id"] for r in audit_since(store, m)}) == 2


def test_an_undo_over_another_users_change_is_refused(store, make_project):
    a = make_project("B-1", "甲")
    before = bulk_edit_projects(store, [a], BulkEdit({"total_investment": 50.0}))
    after = snapshots(store, [a])
    update_project(store, a, {"total_investment": 80.0})
    with pytest.raises(ConflictError, match="B-1 甲 在这一步之后已被他人"):
        restore_projects(store, before, expected=after)
    assert get_project(store, a).total_investment == 80.0


def test_a_negative_investment_is_refused_like_a_single_edit(store, make_project):
    a = make_project("B-1", "甲")
    with pytest.raises(UserError, match=r"B-1 甲：总投资（万元）不能小于 0"):
        bulk_edit_projects(store, [a], BulkEdit({"total_investment": -1.0}))


def test_assign_units_to_tasks_and_put_them_back(store):
    tasks = list_tasks(store)[:3]
    ids = [t.id for t in tasks]
    fgw = get_unit(store, "市发展改革委").id
    jy = get_unit(store, "旌阳区").id
    m = mark(store)
    before = assign_task_units(store, ids, UnitChange(lead=fgw, responsible=(REPLACE, (jy,))))
    assert before == {tid: [] for tid in ids}
    assert unassigned_count(store) == 70
    now = {t.id: t for t in list_tasks(store, ids=ids)}
    assert {(t.lead_unit, tuple(t.units_with_role("责任"))) for t in now.values()} == {
        ("市发展改革委", ("旌阳区",))
    }
    rows = audit_since(store, m)
    assert [(r["entity"], r["entity_id"], r["field"]) for r in rows] == [
        ("task", t.code, "units") for t in tasks
    ]
    assert len({r["op_id"] for r in rows}) == 1
    after = {tid: t.unit_links for tid, t in now.items()}
    set_tasks_units(store, before, expected=after)
    assert unassigned_count(store) == 73
    # Redo over a task someone else assigned meanwhile is refused.
    assign_task_units(store, ids[:1], UnitChange(lead=jy))
    with pytest.raises(ConflictError, match=tasks[0].code):
        set_tasks_units(store, after, expected=before)
    assert list_tasks(store, ids=ids[:1])[0].lead_unit == "旌阳区"


def test_tasks_that_no_longer_exist_are_named(store):
    with pytest.raises(UserError, match="已不存在"):
        assign_task_units(store, [999999], UnitChange(lead=0))
