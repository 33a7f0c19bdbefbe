"""A task's 备注 changed through the service: trimmed, audited as entity task, one transaction;
refused (database untouched) when too long, changed by someone else since, or on a closed plan."""

import pytest

from desktop_app.domain.errors import ConflictError, UserError, ValidationError
from desktop_app.services.plans import close_plan, list_plans, reopen_plan
from desktop_app.services.tasks import edit_task_notes
from desktop_app.store.tasks import list_tasks


def audit_rows(store, task_id):
    return store.query(
        "SELECT field, old, new, source FROM audit_log WHERE entity = 'task' AND entity_id = ?"
        " ORDER BY id",
        (str(task_id),),
    )


def test_notes_are_saved_trimmed_and_audited(store):
    task = list_tasks(store)[5]
    changes = edit_task_notes(store, task.id, "  按季度调度\n")
    assert changes.tasks
    assert list_tasks(store, ids=[task.id])[0].notes == "按季度调度"
    edit_task_notes(store, task.id, "   ", expected="按季度调度")  # blank clears
    assert list_tasks(store, ids=[task.id])[0].notes is None
    assert audit_rows(store, task.id) == [
        {"field": "notes", "old": None, "new": "按季度调度", "source": "手工"},
        {"field": "notes", "old": "按季度调度", "new": None, "source": "手工"},
    ]
    edit_task_notes(store, task.id, None)  # unchanged: no audit row
    assert len(audit_rows(store, task.id)) == 2


def test_too_long_notes_are_refused_with_the_count(store):
    task = list_tasks(store)[0]
    with pytest.raises(ValidationError) as exc:
        edit_task_notes(store, task.id, "字" * 5001)
    assert exc.value.message == "备注共 5,001 字，超过 5,000 字的上限，请精简后再填写"
    assert list_tasks(store, ids=[task.id])[0].notes is None
    assert audit_rows(store, task.id) == []


def test_notes_changed_by_someone_else_since_are_not_overwritten(store):
    task = list_tasks(store)[0]
    edit_task_notes(store, task.id, "甲的备注")
    with pytest.raises(ConflictError) as exc:
        edit_task_notes(store, task.id, "乙的备注", expected=None)  # 乙 saw it blank
    assert f"「{task.label}」的备注已被他人（或另一窗口）改为「甲的备注」" in exc.value.message
    assert list_tasks(store, ids=[task.id])[0].notes == "甲的备注"


def test_notes_of_a_task_of_a_closed_plan_are_refused_naming_the_plan(store):
    task = list_tasks(store)[3]
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    with pytest.raises(UserError) as exc:
        edit_task_notes(store, task.id, "关闭后修改")
    assert exc.value.message.startswith(
        f"重点任务「{task.title}」属于已关闭的规划《{plan.title}》，数据只读，不能修改。"
    )
    assert list_tasks(store, ids=[task.id])[0].notes is None
    assert audit_rows(store, task.id) == []
    reopen_plan(store, plan.id)
    edit_task_notes(store, task.id, "重新打开后修改")
    assert list_tasks(store, ids=[task.id])[0].notes == "重新打开后修改"


def test_units_of_a_task_of_a_closed_plan_are_refused_too(store):
    """The same read-only rule for the task's units: nothing assigned, no audit row."""
    from desktop_app.domain.bulk import UnitChange
    from desktop_app.services.bulk import assign_task_units
    from desktop_app.store.units import get_unit

    tasks = list_tasks(store)[:2]
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    before = [t.unit_links for t in tasks]
    with pytest.raises(UserError) as exc:
        assign_task_units(
            store, [t.id for t in tasks], UnitChange(lead=get_unit(store, "广汉市").id)
        )
    assert f"属于已关闭的规划《{plan.title}》" in exc.value.message
    assert [t.unit_links for t in list_tasks(store, ids=[t.id for t in tasks])] == before
    assert store.scalar("SELECT count(*) FROM audit_log WHERE entity = 'task'") == 0
