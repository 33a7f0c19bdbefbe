"""年度清单 through the services: the list made, targets set, issued, amended, carried forward."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.errors import UserError, ValidationError
from desktop_app.services import annual
from desktop_app.store import annual as astore
from desktop_app.store.units import get_unit


def _items(store, year=2026):
    return {i.name: i for i in astore.list_items(store, year)}


def _dump(store):
    return [
        store.query(f"SELECT * FROM {t} ORDER BY rowid")
        for t in ("annual_list", "annual_item", "task", "task_unit", "project_annual_target")
    ]


def test_the_list_holds_each_entry_with_its_targets_and_units(store, annual_2026):
    items = _items(store)
    first, second, third = list(items.values())[:3]
    assert first.due_text == "6月底前" and first.due_date == "2026-06-30"
    assert first.lead == "市发展改革委" and first.responsible == ["旌阳区"]
    assert second.due_date == "2026-09-30"  # 三季度
    assert third.due_date is None  # 持续推进: no 时限
    road = items["成德大道北延线"]
    assert road.kind == "项目" and road.heading == "重大项目"
    assert road.planned_investment == 12000 and road.target_stage == "在建"
    assert road.expected == "完成路基工程"
    assert (
        store.scalar(
            "SELECT planned_investment FROM project_annual_target WHERE project_id = ? AND year = 2026",
            (road.project_id,),
        )
        == 12000
    )
    # A task's units are task_unit rows; the plan's tasks stand under their chapter.
    assert store.scalar("SELECT count(*) FROM task_unit WHERE task_id = ?", (first.task_id,)) == 2
    assert first.heading == astore.task_heading(store, first.task_id)
    assert [i.seq for i in items.values()] == [1, 2, 3, 4, 5]


def test_every_change_is_audited(store, annual_2026):
    rows = store.query(
        "SELECT entity, field, old, new FROM audit_log WHERE entity IN ('annual_item', 'task',"
        " 'annual_list', 'project') ORDER BY id"
    )
    fields = {(r["entity"], r["field"]) for r in rows}
    assert ("annual_list", "创建") in fields
    assert ("annual_item", "加入清单") in fields
    assert ("annual_item", "due_text") in fields
    assert ("task", "units") in fields
    assert ("project", "2026年计划投资") in fields
    item_id = annual_2026["成德大道北延线"]
    item = astore.get_item(store, item_id)
    annual.set_targets(
        store,
        item_id,
        annual.Targets(
            expected=item.expected,
            due_text="6月15日前",
            target_stage="在建",
            planned_investment=12000,
            units=[(u, r) for u, _, r in item.units],
        ),
    )
    after = astore.get_item(store, item_id)
    assert after.due_date == "2026-06-15"  # not the month's end
    last = store.query("SELECT field, old, new FROM audit_log ORDER BY id DESC LIMIT 2")
    assert {"field": "due_text", "old": "年底前", "new": "6月15日前"} in last


def test_an_unreadable_due_names_the_item_and_changes_nothing(store, annual_2026):
    before = _dump(store)
    name = next(iter(annual_2026))
    with pytest.raises(ValidationError) as err:
        annual.set_targets(store, annual_2026[name], annual.Targets(due_text="尽快完成"))
    assert f"「{name}」" in err.value.message and "尽快完成" in err.value.message
    assert _dump(store) == before


def test_a_task_takes_no_investment_and_one_lead_only(store, annual_2026):
    name = next(iter(annual_2026))
    with pytest.raises(ValidationError, match="是任务"):
        annual.set_targets(store, annual_2026[name], annual.Targets(planned_investment=10))
    a, b = get_unit(store, "市水利局").id, get_unit(store, "市商务局").id
    with pytest.raises(ValidationError, match="只能有一个牵头单位"):
        annual.set_targets(
            store, annual_2026[name], annual.Targets(units=[(a, "牵头"), (b, "牵头")])
        )


def test_an_entry_is_on_a_list_once(store, annual_2026):
    task_id = list(_items(store).values())[0].task_id
    with pytest.raises(UserError, match="已在 2026 年清单中"):
        annual.add_items(store, 2026, [("任务", task_id)])


def test_a_new_task_is_typed_in_and_stands_under_its_heading(store, annual_2026):
    lead = get_unit(store, "市商务局").id
    item_id = annual.add_new_task(store, 2026, "举办成德同城化招商推介会", lead_unit_id=lead)
    item = astore.get_item(store, item_id)
    row = store.query("SELECT code, source_line FROM task WHERE id = ?", (item.task_id,))[0]
    assert row == {"code": "RW2026-001", "source_line": None}
    assert item.lead == "市商务局" and item.heading == "其他重点任务"
    # Added to an existing heading, an entry joins its group instead of the end of the list.
    second = annual.add_new_task(store, 2026, "第二项", heading="重大项目")
    order = [i.name for i in astore.list_items(store, 2026)]
    assert order.index("第二项") == order.index("德阳东湖山公园提升") + 1
    assert astore.get_item(store, second).seq == order.index("第二项") + 1


def test_removing_an_entry_keeps_the_task_and_its_reports(store, annual_2026):
    first = list(_items(store).values())[0]
    unit = get_unit(store, "市发展改革委").id
    store.conn.execute(
        "INSERT INTO task_report (task_id, unit_id, period, state) VALUES (?, ?, '2026-03', '推进中')",
        (first.task_id, unit),
    )
    store.conn.commit()
    annual.remove_items(store, [first.id])
    assert first.name not in _items(store)
    assert store.scalar("SELECT count(*) FROM task_report WHERE task_id = ?", (first.task_id,)) == 1
    assert [i.seq for i in astore.list_items(store, 2026)] == [1, 2, 3, 4]  # renumbered


def test_moving_an_entry_changes_the_order(store, annual_2026):
    road = annual_2026["成德大道北延线"]
    annual.move_item(store, road, 1)
    assert [i.name for i in astore.list_items(store, 2026)][-2:] == [
        "德阳东湖山公园提升",
        "成德大道北延线",
    ]


def test_an_issued_list_keeps_its_number_and_may_still_be_amended(store, annual_2026):
    annual.issue_list(store, 2026, "成德同城办〔2026〕1号", date(2026, 2, 15))
    lst = astore.get_list(store, 2026)
    assert lst.issued and lst.doc_no == "成德同城办〔2026〕1号" and lst.issued_at == "2026-02-15"
    name = next(iter(annual_2026))
    item = astore.get_item(store, annual_2026[name])
    annual.set_targets(
        store,
        item.id,
        annual.Targets(expected="出台并实施工作方案", due_text="7月底前", units=None),
    )
    assert astore.get_item(store, item.id).due_date == "2026-07-31"
    assert (
        store.scalar(
            "SELECT count(*) FROM audit_log WHERE entity = 'annual_item' AND entity_id = ?"
            " AND field = 'due_text' AND new = '7月底前'",
            (str(item.id),),
        )
        == 1
    )
    with pytest.raises(ValidationError, match="文号"):
        annual.issue_list(store, 2026, " ", date(2026, 2, 15))


def _report(store, task_id, unit, period, state):
    store.conn.execute(
        "INSERT INTO task_report (task_id, unit_id, period, state, reported_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (task_id, unit, period, state, f"{period}-28T10:00:00"),
    )
    store.conn.commit()


def test_carry_forward_copies_the_unfinished_entries_with_their_history(store, annual_2026):
    items = list(_items(store).values())
    done, going, never = items[0], items[1], items[2]
    unit = get_unit(store, "市发展改革委").id
    _report(store, done.task_id, unit, "2026-05", "推进中")
    _report(store, done.task_id, unit, "2026-06", "已完成")
    _report(store, going.task_id, unit, "2026-05", "已完成")  # the latest says otherwise
    _report(store, going.task_id, unit, "2026-11", "推进中")
    park = _items(store)["德阳东湖山公园提升"]
    store.conn.execute("UPDATE project SET stage = '竣工' WHERE id = ?", (park.project_id,))
    store.conn.commit()
    # A 时限 naming 2026 itself cannot stay in 2027's list.
    annual.set_targets(
        store,
        never.id,
        annual.Targets(expected=never.expected, due_text="2026年10月底前", units=None),
    )

    result = annual.carry_forward(store, 2026, 2027)

    assert sorted(result.carried) == sorted([going.name, never.name, "成德大道北延线"])
    assert result.due_reset == [never.name]
    new = _items(store, 2027)
    assert set(new) == {going.name, never.name, "成德大道北延线"}
    assert new[going.name].carried_from == going.id
    assert new[going.name].due_text == "三季度" and new[going.name].due_date == "2027-09-30"
    assert new[never.name].due_text == "年底前" and new[never.name].due_date == "2027-12-31"
    assert new[going.name].expected == going.expected
    assert new[going.name].lead == going.lead  # the same task: its units and reports go along
    assert (
        store.scalar(
            "SELECT count(*) FROM task_report WHERE task_id = ?", (new[going.name].task_id,)
        )
        == 2
    )
    assert astore.get_list(store, 2027).title == "2027年成德同城化发展年度目标和重点任务清单"
    # Done twice, nothing is copied twice.
    again = annual.carry_forward(store, 2026, 2027)
    assert again.carried == [] and len(again.skipped) == 3
    with pytest.raises(UserError, match="前一年"):
        annual.carry_forward(store, 2027, 2026)


def test_a_second_list_for_a_year_is_refused(store, annual_2026):
    with pytest.raises(UserError, match="已经存在"):
        annual.create_list(store, 2026)
    with pytest.raises(UserError, match="还没有年度清单"):
        annual.add_items(store, 2031, [])


def _state(store, year=2026):
    items = astore.list_items(store, year)
    return (
        astore.get_list(store, year),
        [
            (i.id, i.seq, i.heading, i.expected, i.due_text, i.units, i.planned_investment)
            for i in items
        ],
        store.query("SELECT id, code FROM task ORDER BY id"),
    )


def test_an_operation_is_undone_and_redone_over_the_tasks_and_projects_it_touched(
    store, annual_2026
):
    before = _state(store)
    road = annual_2026["成德大道北延线"]
    item = astore.get_item(store, road)
    lead = get_unit(store, "市水利局").id

    def op():
        annual.set_targets(
            store,
            road,
            annual.Targets(
                expected="完成路面工程",
                due_text="9月底前",
                target_stage="在建",
                planned_investment=20000,
                units=[(lead, "牵头")],
            ),
        )
        annual.add_new_task(store, 2026, "新的一项")

    _, undo = annual.run_undoable(store, 2026, op)
    after = _state(store)
    assert astore.get_item(store, road).lead == "市水利局"
    annual.undo_list(store, undo)
    assert _state(store) == before  # the new task is gone, the project's units are back
    assert astore.get_item(store, road).units == item.units
    assert (
        store.scalar(
            "SELECT planned_investment FROM project_annual_target WHERE project_id = ? AND year = 2026",
            (item.project_id,),
        )
        == 12000
    )
    annual.undo_list(store, undo, redo=True)
    assert _state(store) == after


def test_an_undo_over_someone_elses_later_change_is_refused(store, annual_2026):
    name = next(iter(annual_2026))
    _, undo = annual.run_undoable(
        store, 2026, lambda: annual.move_item(store, annual_2026[name], 1)
    )
    annual.set_targets(store, annual_2026[name], annual.Targets(due_text="8月底前"))
    changed = _state(store)
    with pytest.raises(UserError, match="已被他人"):
        annual.undo_list(store, undo)
    assert _state(store) == changed


def test_undoing_a_carry_forward_takes_the_new_list_away(store, annual_2026):
    previous = astore.list_items(store, 2026)
    _, undo = annual.run_undoable(
        store,
        2027,
        lambda: annual.carry_forward(store, 2026, 2027),
        task_ids={i.task_id for i in previous if i.task_id},
        project_ids={i.project_id for i in previous if i.project_id},
    )
    assert len(astore.list_items(store, 2027)) == 5
    annual.undo_list(store, undo)
    assert astore.get_list(store, 2027) is None and astore.list_items(store, 2027) == []
    assert len(astore.list_items(store, 2026)) == 5
