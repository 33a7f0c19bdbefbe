"""The year's list and plans: it offers the tasks and projects of the plan worked on, not those
of every plan, and refuses one of another plan by name."""

from __future__ import annotations

import re

import pytest
from plan_lists import write_next_plan

from desktop_app.domain.errors import UserError
from desktop_app.services import annual, plans
from desktop_app.store import annual as astore
from desktop_app.store import plans as plan_store
from desktop_app.store.projects import get_project


@pytest.fixture
def two_plans(store, make_project, tmp_path):
    """The built-in plan closed with a finished project and task (not carried) and unfinished
    ones (carried), and the next plan opened from its list."""
    done = make_project("OLD-1", "已竣工的老项目", lead="市水利局", stage="竣工")
    going = make_project("OLD-2", "未完成的老项目", lead="市水利局", stage="在建")
    finished_task = store.scalar("SELECT id FROM task ORDER BY id LIMIT 1")
    unit = store.scalar("SELECT id FROM unit WHERE name = '市发展改革委'")
    with store.write():
        store.conn.execute(
            "INSERT INTO task_report (task_id, unit_id, period, state) VALUES (?,?,?,?)",
            (finished_task, unit, "2025-12", "已完成"),
        )
    plans.close_plan(store, 1)
    plans.import_plan(store, write_next_plan(tmp_path / "p.xlsx"))
    new_plan = plan_store.current_plan_id(store)
    assert new_plan != 1
    return {"done": done, "going": going, "new_plan": new_plan}


def test_the_list_offers_the_plan_worked_on_and_a_new_list_belongs_to_it(store, two_plans):
    offered = {(c.kind, c.code) for c in astore.candidates(store)}
    assert ("任务", "RW2026-01") in offered and ("项目", "ZL01-101") in offered
    assert ("项目", "OLD-2") in offered  # carried into the new plan
    assert ("项目", "OLD-1") not in offered  # finished in the closed plan, not carried
    new_codes = {
        r["code"]
        for r in store.query("SELECT code FROM task WHERE plan_id = ?", (two_plans["new_plan"],))
    }
    offered_tasks = {code for kind, code in offered if kind == "任务"}
    assert offered_tasks == new_codes  # no task left behind in the closed plan
    annual.create_list(store, 2026)
    assert (
        store.scalar("SELECT plan_id FROM annual_list WHERE year = 2026") == (two_plans["new_plan"])
    )
    # Looking at the old plan (the window's plan chooser) offers the old plan's entries.
    store.plan_view = 1
    try:
        old = {(c.kind, c.code) for c in astore.candidates(store)}
    finally:
        store.plan_view = None
    assert ("项目", "OLD-1") in old and ("任务", "RW2026-01") not in old


def test_an_entry_of_another_plan_is_refused_by_name(store, two_plans):
    annual.create_list(store, 2026)
    offered = {c.id for c in astore.candidates(store) if c.kind == "任务"}
    left = next(
        r
        for r in store.query("SELECT id, title FROM task WHERE plan_id = 1")
        if r["id"] not in offered
    )
    before = store.query("SELECT * FROM annual_item")
    with pytest.raises(
        UserError, match=f"任务「{left['title']}」属于规划「.+」，不是当前规划的任务"
    ):
        annual.add_items(store, 2026, [("任务", left["id"])])
    old = get_project(store, two_plans["done"])
    with pytest.raises(UserError, match=f"项目「{old.name}」属于规划"):
        annual.add_items(store, 2026, [("项目", old.id)])
    assert store.query("SELECT * FROM annual_item") == before


def test_a_list_file_naming_another_plans_task_is_refused_on_its_row(store, two_plans, tmp_path):
    from openpyxl import load_workbook

    from desktop_app.exchange.annual_list import export_list, read_list

    annual.create_list(store, 2026)
    ours = next(c for c in astore.candidates(store) if c.kind == "任务")
    annual.add_items(store, 2026, [("任务", ours.id)])
    offered = {c.id for c in astore.candidates(store) if c.kind == "任务"}
    left = next(
        r
        for r in store.query("SELECT id, code, title FROM task WHERE plan_id = 1")
        if r["id"] not in offered
    )
    path = export_list(store, 2026, tmp_path / "清单.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[3]]
    row = ws.max_row + 1
    values = {"序号": 2, "任务/项目": left["title"], "牵头单位": "市发展改革委"}
    values |= {"完成时限": "年底前", "编码": left["code"]}
    for title, value in values.items():
        ws.cell(row, header.index(title) + 1, value)
    wb.save(path)
    before = store.query("SELECT * FROM annual_item")
    preview = read_list(store, path, year=2026)
    [error] = preview.all_errors
    assert error.cell.endswith(str(row))
    assert f"任务「{left['code']} {left['title']}」属于规划" in error.message
    assert "不是当前规划的任务" in error.message
    with pytest.raises(UserError):
        annual.apply_import(store, preview)
    assert store.query("SELECT * FROM annual_item") == before
    # Named without its code, the old task is not matched by name either: a new task of the
    # plan worked on (the preview says so), never the closed plan's.
    ws.cell(row, header.index("编码") + 1).value = None
    wb.save(path)
    again = read_list(store, path, year=2026)
    assert again.all_errors == []
    added = next(r for r in again.rows if r.name == left["title"])
    assert added.new_task and added.task_id is None


def _tables(store) -> dict:
    """What a refused write must leave as it was (the audit log included)."""
    return {
        t: store.query(f"SELECT * FROM {t}")
        for t in (
            "annual_list",
            "annual_item",
            "task",
            "task_unit",
            "project_unit",
            "project_annual_target",
            "audit_log",
        )
    }


def test_the_list_does_not_write_a_closed_plans_tasks_and_projects(store, annual_2026):
    """Closed after its 2026 list was made: the entries' targets and units, a project's 年度计划
    投资, adding, carrying and a task new on the list are refused by name; the heading (the
    entry's place on the list) and taking an entry off the list are the list's own."""
    plan = plan_store.get_plan(store, 1)
    plans.close_plan(store, 1)
    items = {i.name: i for i in astore.list_items(store, 2026)}
    task_name = next(i.name for i in items.values() if i.kind == "任务")
    task = items[task_name]
    road = items["成德大道北延线"]
    before = _tables(store)
    closed = f"属于已关闭的规划《{plan.title}》，数据只读，不能修改它在 2026 年清单中的目标和单位"

    def same(item, **change):
        values = {
            "expected": item.expected,
            "due_text": item.due_text,
            "heading": item.heading,
            "target_stage": item.target_stage,
            "planned_investment": item.planned_investment,
        }
        return annual.Targets(**(values | change))

    with pytest.raises(UserError, match=f"重点任务「{re.escape(task_name)}」{closed}"):
        annual.set_targets(store, task.id, same(task, due_text="9月底前"))
    units = [(u, "牵头" if r == "牵头" else "责任") for u, _, r in task.units if r != "配合"]
    with pytest.raises(UserError, match=f"重点任务「{re.escape(task_name)}」{closed}"):
        annual.set_targets(store, task.id, same(task, units=units[:1]))
    with pytest.raises(UserError, match=f"项目「成德大道北延线」{closed}"):
        annual.set_targets(store, road.id, same(road, planned_investment=99))
    with pytest.raises(UserError, match=f"项目「成德大道北延线」{closed}"):
        annual.set_targets(store, road.id, same(road, units=[(road.units[0][0], "牵头")]))
    offered = next(c for c in astore.candidates(store) if c.kind == "任务" and c.name not in items)
    with pytest.raises(
        UserError, match=f"「{re.escape(offered.name)}」属于已关闭的规划.+不能加入 2026 年清单"
    ):
        annual.add_items(store, 2026, [("任务", offered.id)])
    with pytest.raises(
        UserError, match=f"不能新增任务「招商推介会」：2026 年清单所属的规划《{plan.title}》已关闭"
    ):
        annual.add_new_task(store, 2026, "招商推介会")
    with pytest.raises(UserError) as carry:
        annual.carry_forward(store, 2026, 2027)
    assert (
        f"属于已关闭的规划《{plan.title}》，数据只读，不能结转到 2027 年清单" in carry.value.message
    )
    for name in ("成德大道北延线", "德阳东湖山公园提升", task_name):
        assert f"「{name}」" in carry.value.message
    assert _tables(store) == before  # nothing written, not even an audit row

    # The list's own: the heading, the order, taking an entry off.
    annual.set_targets(store, task.id, same(task, heading="重大项目"))
    assert astore.get_item(store, task.id).heading == "重大项目"
    annual.remove_items(store, [road.id])
    assert road.id not in {i.id for i in astore.list_items(store, 2026)}

    # Reopened, the same writes go through.
    plans.reopen_plan(store, 1)
    annual.set_targets(store, task.id, same(task, due_text="9月底前"))
    assert astore.get_item(store, task.id).due_text == "9月底前"


def test_a_new_years_list_writes_the_next_plans_entries(store, two_plans):
    """The next plan's tasks and the projects carried into it are written through the list as
    before, and a task new on a list made under the closed plan goes to the next plan."""
    annual.create_list(store, 2026)
    new_task = next(c for c in astore.candidates(store) if c.kind == "任务")
    ids = annual.add_items(store, 2026, [("任务", new_task.id), ("项目", two_plans["going"])])
    unit = store.scalar("SELECT id FROM unit WHERE name = '市水利局'")
    for item_id in ids:
        annual.set_targets(
            store, item_id, annual.Targets(due_text="9月底前", units=[(unit, "牵头")])
        )
    assert {i.due_text for i in astore.list_items(store, 2026)} == {"9月底前"}
    result = annual.carry_forward(store, 2026, 2027)
    assert len(result.carried) == 2
    # A list made while the closed plan was worked on: a new task joins the next plan.
    with store.write():
        store.conn.execute("UPDATE annual_list SET plan_id = 1 WHERE year = 2026")
    item_id = annual.add_new_task(store, 2026, "举办招商推介会")
    task_id = astore.get_item(store, item_id).task_id
    assert (
        store.scalar("SELECT plan_id FROM task WHERE id = ?", (task_id,)) == two_plans["new_plan"]
    )


def test_a_list_file_changing_a_closed_plans_entry_is_refused_on_its_row(
    store, annual_2026, tmp_path
):
    from openpyxl import load_workbook

    from desktop_app.exchange.annual_list import export_list, read_list

    path = export_list(store, 2026, tmp_path / "清单.xlsx")
    plan = plan_store.get_plan(store, 1)
    plans.close_plan(store, 1)
    # Sent back unchanged: nothing to refuse.
    assert read_list(store, path, year=2026).all_errors == []
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[3]]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "成德大道北延线")
    ws.cell(row, header.index("完成时限") + 1).value = "9月底前"
    wb.save(path)
    before = _tables(store)
    preview = read_list(store, path, year=2026)
    [error] = preview.all_errors
    assert error.cell == f"B{row}"
    assert f"项目「成德大道北延线」属于已关闭的规划《{plan.title}》，数据只读" in error.message
    with pytest.raises(UserError):
        annual.apply_import(store, preview)
    assert _tables(store) == before
