"""The year's list and plans: it offers the tasks and projects of the plan worked on, not those
of every plan, and refuses one of another plan by name."""

from __future__ import annotations

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
