"""Baselines and dependencies in SQLite: saved, listed, refused when wrong, audited."""

from datetime import date

import pytest

from desktop_app.domain.errors import UserError
from desktop_app.services import schedule
from desktop_app.store import schedule as schedule_store
from desktop_app.store.projects import get_project


def _audit(store, entity):
    return store.conn.execute(
        "SELECT field, old, new FROM audit_log WHERE entity = ?", (entity,)
    ).fetchall()


def test_baseline_keeps_the_schedule_of_its_day_and_reports_slip(store, make_project):
    a = make_project(
        "G-1", "一号线", planned_start=date(2025, 1, 1), planned_end=date(2025, 12, 31)
    )
    b = make_project("G-2", "二号线", planned_start=date(2025, 3, 1), planned_end=date(2026, 6, 30))
    bid, changes = schedule.save_baseline(store, "2026年初计划")
    assert changes.schedule
    assert schedule_store.list_baselines(store)[0][:2] == (bid, "2026年初计划")
    items = schedule_store.baseline_items(store, bid)
    assert items[a] == (date(2025, 1, 1), date(2025, 12, 31))

    schedule.set_planned_span(store, a, date(2025, 1, 1), date(2026, 3, 31))
    slipped = schedule.slipped_projects(store, bid)
    assert [(p.id, days) for p, days in slipped] == [(a, 90)]
    assert schedule_store.baseline_items(store, bid)[a][1] == date(2025, 12, 31)  # unchanged
    assert b not in [p.id for p, _ in slipped]
    assert _audit(store, "baseline")


def test_baseline_name_must_be_new_and_not_empty(store):
    schedule.save_baseline(store, "年初")
    with pytest.raises(UserError, match="已存在"):
        schedule.save_baseline(store, "年初")
    with pytest.raises(UserError, match="不能为空"):
        schedule.save_baseline(store, "  ")
    assert len(schedule_store.list_baselines(store)) == 1


def test_dependency_added_listed_refused_twice_and_removed(store, make_project):
    a = make_project("D-1", "前置")
    b = make_project("D-2", "后续")
    lid, _ = schedule.add_dependency(store, a, b, lag_days=5)
    [link] = schedule_store.list_links(store)
    assert (link.id, link.pred_project_id, link.succ_project_id, link.lag_days) == (lid, a, b, 5)
    with pytest.raises(UserError, match="已经存在"):
        schedule.add_dependency(store, a, b)
    with pytest.raises(UserError):
        schedule.add_dependency(store, a, a)
    schedule.remove_dependency(store, lid)
    assert schedule_store.list_links(store) == []
    assert len(_audit(store, "dependency")) == 2


def test_a_dependency_that_would_close_a_loop_is_refused(store, make_project):
    a, b, c = (make_project(f"L-{i}", name) for i, name in enumerate(("甲", "乙", "丙")))
    schedule.add_dependency(store, a, b)
    schedule.add_dependency(store, b, c)
    for pred, succ in ((b, a), (c, a)):
        with pytest.raises(UserError, match="形成循环"):
            schedule.add_dependency(store, pred, succ)
    assert len(schedule_store.list_links(store)) == 2


def test_planned_span_refuses_end_before_start(store, make_project):
    a = make_project("S-1", "测试", planned_start=date(2025, 1, 1), planned_end=date(2025, 6, 30))
    with pytest.raises(UserError, match="早于"):
        schedule.set_planned_span(store, a, date(2025, 7, 1), date(2025, 6, 30))
    assert get_project(store, a).planned_end == date(2025, 6, 30)
