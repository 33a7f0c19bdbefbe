"""督办 on a closed plan's projects and tasks is refused, naming them and the plan; the database
is left as it was, and reopening the plan allows it again."""

from __future__ import annotations

from datetime import date

import pytest
from year_list_rows import scenario

from desktop_app.domain.errors import UserError
from desktop_app.services import monitoring, task_monitoring
from desktop_app.services.plans import close_plan, list_plans, reopen_plan
from desktop_app.store.supervision import create_supervision, list_supervisions

TODAY = date(2026, 12, 6)
REOPEN = "如确需督办，请先在“规划”页（或命令 plan open）重新打开该规划。"


@pytest.fixture
def closed(store, make_project):
    """A late project and the year's late tasks, their plan then closed."""
    scenario(store, make_project)
    make_project(
        "L-1", "逾期项目", lead="市交通运输局",
        planned_start=date(2024, 1, 1), planned_end=date(2025, 12, 31), percent_complete=70,
    )  # fmt: skip
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    return plan


def late_projects(store):
    watched = monitoring.watch_list(monitoring.project_statuses(store, TODAY))
    return [s for s in watched if s.project.code == "L-1"]


def audit_count(store) -> int:
    return store.scalar("SELECT count(*) FROM audit_log")


def test_supervision_of_a_closed_plans_project_is_refused_naming_it_and_the_plan(store, closed):
    before = audit_count(store)
    with pytest.raises(UserError) as exc:
        monitoring.issue_supervisions(store, late_projects(store), issued=TODAY)
    assert exc.value.message == (
        f"项目「逾期项目」属于已关闭的规划《{closed.title}》，不能再发督办（已关闭规划的数据只读）。"
        + REOPEN
    )
    assert list_supervisions(store) == [] and audit_count(store) == before


def test_projects_and_tasks_together_are_refused_whole_and_all_named(store, closed):
    tasks = task_monitoring.watch_tasks(task_monitoring.task_statuses(store, TODAY))
    assert tasks  # the year's late tasks
    with pytest.raises(UserError) as exc:
        task_monitoring.issue_supervisions(
            store, late_projects(store), tasks, issued=TODAY, reply_days=10
        )
    text = exc.value.message
    assert text.startswith("项目「逾期项目」、重点任务「")
    for row in tasks:
        assert f"重点任务「{row.task.title}」" in text
    assert f"属于已关闭的规划《{closed.title}》，不能再发督办" in text
    assert list_supervisions(store) == []


def test_the_store_refuses_a_single_record_too(store, closed):
    """Whatever calls it (a script, a later feature), a record is never made on a closed plan."""
    pid = store.scalar("SELECT id FROM project WHERE code = 'L-1'")
    with pytest.raises(UserError, match=f"《{closed.title}》"):
        create_supervision(
            store, pid, unit_id=None, issued_date=TODAY, reply_by=TODAY, reason="滞后"
        )
    assert list_supervisions(store) == []


def test_reopened_the_plan_takes_supervision_again(store, closed):
    reopen_plan(store, closed.id)
    ids = monitoring.issue_supervisions(store, late_projects(store), issued=TODAY)
    assert len(ids) == 1 and list_supervisions(store)[0].project_name == "逾期项目"
