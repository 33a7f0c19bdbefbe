"""The demo's year: a list of the plan's tasks and demo projects, a year of task reports (in the
units' returns, corrected, done on time and late, 未完成) and task 督办."""

from __future__ import annotations

from datetime import date

from desktop_app.domain.task_status import parse_due
from desktop_app.services.demo import generate_demo
from desktop_app.store.annual import get_list, list_items
from desktop_app.store.projects import get_project

TODAY = date(2026, 11, 29)


def test_the_demo_makes_the_years_list_with_reports_and_supervision(store):
    generate_demo(store, 25, today=TODAY)
    lst = get_list(store, 2026)
    assert lst is not None and lst.issued
    items = list_items(store, 2026)
    tasks = [i for i in items if i.kind == "任务"]
    projects = [i for i in items if i.kind == "项目"]
    assert len(tasks) == 30 and 10 <= len(projects) <= 20
    # No project finished before the year stands on its list (its target would be met already).
    for item in projects:
        project = get_project(store, item.code)
        assert project.stage != "竣工" or project.actual_end >= date(2026, 1, 1), item.code
    assert all(i.lead for i in items)
    assert all(p.code.startswith("DEMO-") and p.planned_investment for p in projects)
    # Each heading's entries lie together.
    headings = [i.heading for i in items]
    runs = [h for n, h in enumerate(headings) if n == 0 or headings[n - 1] != h]
    assert len(runs) == len(set(headings))
    reports = store.query("SELECT * FROM task_report")
    assert {r["source"] for r in reports} == {"演示"}
    # January to October: the last month ended by 29 November.
    assert {r["period"] for r in reports} == {f"2026-{m:02d}" for m in range(1, 11)}
    assert any(r["version"] == 2 for r in reports)
    assert {r["state"] for r in reports} == {"未启动", "推进中", "已完成", "未完成"}
    # Done on time and done late, judged against each task's own 时限.
    due = {i.task_id: parse_due(i.due_text, 2026).day for i in tasks}
    done = {r["task_id"]: date.fromisoformat(r["done_date"]) for r in reports if r["done_date"]}
    assert any(d <= due[t] for t, d in done.items())
    assert any(d > due[t] for t, d in done.items())
    # Each came in with its unit's return for the month (see test_demo_returns.py).
    batches = {b["id"]: b for b in store.query("SELECT * FROM import_batch WHERE kind = 'return'")}
    assert all(
        (batches[r["batch_id"]]["unit_id"], batches[r["batch_id"]]["at"])
        == (r["unit_id"], r["reported_at"])
        for r in reports
    )
    sup = store.query("SELECT * FROM supervision WHERE task_id IS NOT NULL")
    assert sup and all(s["project_id"] is None and s["unit_id"] for s in sup)
    # Another demo run leaves the year's list as it is.
    generate_demo(store, 5, today=TODAY)
    assert len(list_items(store, 2026)) == len(items)
