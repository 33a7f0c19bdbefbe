"""The lights of a year's tasks and the figures reported upward, on rows written straight into
the tables: each rule, and the silently wrong value it would give if it were broken."""

from __future__ import annotations

from datetime import date

import pytest
from year_list_rows import DRC, GUANGHAN, TRANSPORT, WATER, add_task, make_list, report, scenario

from desktop_app.domain.status import BLUE, GREEN, RED, YELLOW
from desktop_app.domain.task_status import CONTINUOUS, LATE, ON_TIME, OPEN, OVERDUE
from desktop_app.services.task_monitoring import (
    issue_supervisions,
    summary_line,
    task_statuses,
    unit_tasks,
    watch_tasks,
    year_figures,
)
from desktop_app.store.supervision import list_supervisions
from desktop_app.store.units import get_unit

TODAY = date(2026, 12, 6)


@pytest.fixture
def ids(store, make_project):
    return scenario(store, make_project)


def _rows(store, today=TODAY, **kw):
    monitor = task_statuses(store, today, **kw)
    return monitor, {r.task.code: r for r in monitor.rows}


def test_each_task_gets_its_light_outcome_and_reason(store, ids):
    monitor, rows = _rows(store)
    assert monitor.year == 2026 and monitor.period.key == "2026-11"
    assert monitor.status_key == "2026-11"
    got = {code[-2:]: (r.status.light, r.status.outcome, r.category) for code, r in rows.items()}
    assert got == {
        "01": (BLUE, ON_TIME, "按期完成"),
        "02": (BLUE, LATE, "逾期完成"),
        "03": (BLUE, LATE, "逾期完成"),
        "04": (RED, OVERDUE, "逾期未完成"),
        "05": (GREEN, CONTINUOUS, "持续推进"),
        "06": (YELLOW, OPEN, "未报送"),
        "07": (YELLOW, OPEN, "即将到期"),
        "08": (BLUE, ON_TIME, "按期完成"),
    }
    assert rows["LT2026-02"].status.reason == "逾期完成（晚 10 天）"
    assert rows["LT2026-04"].status.reason == "完成时限 2026-09-30 已过 67 天，尚未完成"
    assert rows["LT2026-06"].status.reason == f"本期未报送（{WATER}）"


def test_a_done_date_left_blank_is_the_end_of_the_first_period_reported_done(store, ids):
    """Without the rule a task done in April, due in March, would read 按期完成."""
    _, rows = _rows(store)
    t3 = rows["LT2026-03"]
    assert t3.done_date == date(2026, 4, 30)
    assert t3.status.days_late == 30
    assert "完成日期未填报，按2026年4月报告期末计" in t3.status.reason


def test_a_report_of_last_years_list_does_not_finish_this_years_task(store, ids):
    """T4 was reported 已完成 in December 2025 (in that year's list): in 2026 it is overdue."""
    _, rows = _rows(store)
    assert rows["LT2026-04"].state == "推进中"
    _, last_year = _rows(store, year=2025)
    assert last_year["LT2026-04"].status.outcome == ON_TIME  # in its own year it was done
    assert "LT2025-02" in last_year and "LT2025-02" not in rows


def test_a_continuing_task_is_never_overdue(store, ids):
    _, rows = _rows(store, today=date(2027, 3, 1), period="2026-12")
    t5 = rows["LT2026-05"]
    assert t5.status.outcome == CONTINUOUS and t5.status.light != RED


def test_a_report_for_another_period_is_not_this_periods(store, ids):
    """T6's October report does not count for November; before November's due date nothing is
    missing yet."""
    _, rows = _rows(store)
    assert rows["LT2026-06"].missing == (WATER,)
    monitor, before = _rows(store, today=date(2026, 12, 5))
    assert monitor.status_key == "2026-10"
    assert before["LT2026-06"].missing == () and before["LT2026-06"].category == "即将到期"


def test_the_lead_unit_decides_done_and_a_responsible_unit_answers_for_its_part(store, ids):
    _, rows = _rows(store)
    t7, t8 = rows["LT2026-07"], rows["LT2026-08"]
    assert t7.state == "推进中"  # 广汉市 (责任) done is not the task done
    assert t8.state == "已完成"  # 市交通运输局 (牵头) done is, whatever 广汉市 says
    guanghan = get_unit(store, GUANGHAN).id
    assert t7.view_for(guanghan).outcome == ON_TIME
    assert t8.view_for(guanghan).light == RED
    assert t8.view_for(get_unit(store, WATER).id) is None  # 配合 answers for nothing
    mine = [row.task.code for row, _ in unit_tasks(task_statuses(store, TODAY), guanghan)]
    assert mine == ["LT2026-07", "LT2026-08"]


def test_a_responsible_unit_silent_on_a_done_task_shares_its_done(store):
    """The lead reports the task done on time; 广汉市 (责任) never reported, 市水利局 (责任) last
    said 推进中: neither is counted overdue for a task that is done."""
    make_list(store)
    t = add_task(
        store, 2026, 1, "共建人才平台", due="6月底前", lead=DRC, responsible=(GUANGHAN, WATER)
    )
    report(store, t, DRC, "2026-11", "已完成", done="2026-06-15")
    report(store, t, WATER, "2026-05", "推进中")
    monitor = task_statuses(store, TODAY)
    (row,) = monitor.rows
    for name in (GUANGHAN, WATER):
        assert row.view_for(get_unit(store, name).id).outcome == ON_TIME
    assert {u.label: u.rate for u in year_figures(store, TODAY).units} == {
        GUANGHAN: 100.0, DRC: 100.0, WATER: 100.0,
    }  # fmt: skip


def test_without_a_lead_every_responsible_unit_must_be_done(store):
    make_list(store)
    t = add_task(store, 2026, 1, "共建人才平台", due="6月底前", responsible=(DRC, GUANGHAN))
    report(store, t, DRC, "2026-11", "已完成", done="2026-05-01")
    report(store, t, GUANGHAN, "2026-11", "推进中")
    (row,) = task_statuses(store, TODAY).rows
    assert row.status.outcome == OVERDUE
    report(store, t, GUANGHAN, "2026-10", "已完成", done="2026-06-10")
    with store.write():
        store.conn.execute("UPDATE task_report SET state = '已完成', done_date = '2026-06-10'"
                           " WHERE task_id = ? AND period = '2026-11'"
                           " AND unit_id = ?", (t, get_unit(store, GUANGHAN).id))  # fmt: skip
    (row,) = task_statuses(store, TODAY).rows
    assert row.status.outcome == ON_TIME and row.done_date == date(2026, 6, 10)


def test_without_a_lead_the_latest_done_date_stands_not_the_latest_report(store):
    """市发展改革委 reported in November that it was done on 05-01; 广汉市, whose last report is
    October's, was done on 06-10: the task was done on 06-10, late for 5月底前."""
    make_list(store)
    t = add_task(store, 2026, 1, "共建人才平台", due="5月底前", responsible=(DRC, GUANGHAN))
    report(store, t, DRC, "2026-11", "已完成", done="2026-05-01")
    report(store, t, GUANGHAN, "2026-10", "已完成", done="2026-06-10")
    (row,) = task_statuses(store, TODAY).rows
    assert row.done_date == date(2026, 6, 10)
    assert (row.status.outcome, row.status.days_late) == (LATE, 10)


def test_a_draft_list_and_periods_before_the_issue_ask_for_no_report(store):
    make_list(store, issued=None)
    add_task(store, 2026, 1, "共建人才平台", due="年底前", lead=DRC)
    (row,) = task_statuses(store, date(2026, 3, 10)).rows
    assert row.missing == ()
    with store.write():
        store.conn.execute("UPDATE annual_list SET issued_at = '2026-02-15'")
    # February ended after the list was issued: its report is due (March 10th > March 5th).
    assert task_statuses(store, date(2026, 3, 10)).rows[0].missing == (DRC,)
    with store.write():
        store.conn.execute("UPDATE annual_list SET issued_at = '2026-03-02'")
    assert task_statuses(store, date(2026, 3, 10)).rows[0].missing == ()


def test_figures_per_unit_and_overall(store, ids):
    f = year_figures(store, TODAY)
    o = f.overall
    assert (o.tasks, o.due, o.count(ON_TIME), o.count(LATE), o.count(OVERDUE)) == (8, 5, 2, 2, 1)
    assert o.rate == 40.0  # a late one counted on time: 60.0; the continuing one overdue: 33.3
    assert (o.projects, o.planned, o.done, o.investment_rate) == (2, 1500.0, 900.0, 60.0)
    assert (o.milestones_due, o.milestones_on_time, o.milestone_rate) == (3, 1, 33.3)
    by = {u.label: u for u in f.units}
    assert list(by) == [GUANGHAN, DRC, TRANSPORT, WATER]  # the office's order
    assert by[DRC].rate == 33.3
    assert by[TRANSPORT].rate == 50.0 and by[TRANSPORT].investment_rate == 80.0
    assert by[TRANSPORT].milestone_rate == 50.0
    assert by[WATER].rate is None and by[WATER].investment_rate == 20.0  # 2025's 400 not counted
    assert by[WATER].milestone_rate == 0.0
    assert by[GUANGHAN].rate == 50.0 and by[GUANGHAN].projects == 0
    assert sum(u.planned for u in f.units) == o.planned
    assert [r.task.code for r in f.overdue] == ["LT2026-04"]
    assert summary_line(f) == (
        "2026年度重点任务清单：重点任务8项，到期5项，按期完成2项，按期完成率40.0%；"
        "逾期完成2项，逾期未完成1项。清单项目2个，年度计划投资1,500万元，完成900万元，"
        "年度投资完成率60.0%；年内到期关键节点3个，按期完成1个，按期完成率33.3%。"
    )


def test_figures_of_a_past_period_use_its_reports_only(store, ids):
    """The October sheet: T8 done 10-15 counts, the November reports do not."""
    f = year_figures(store, TODAY, period="2026-10")
    assert f.day == date(2026, 10, 31)
    assert f.overall.done == 600.0
    rows = {r.task.code: r for r in f.monitor.rows}
    assert rows["LT2026-04"].status.days_late == 31
    assert rows["LT2026-01"].status.outcome == ON_TIME  # its June report stands
    # At the end of September: 主体完工 (planned 09-30, reached 10-15) is neither done nor late
    # yet; 开工 is done on time and 可研批复 (06-30) overdue.
    september = year_figures(store, TODAY, period="2026-09").overall
    assert (september.milestones_due, september.milestones_on_time) == (2, 1)


def test_a_correction_back_to_in_progress_restarts_the_run_of_done_reports(store):
    """Reported done in April, corrected to 推进中 in May, done again in November without a
    date: done at the end of November, not April."""
    make_list(store)
    t = add_task(store, 2026, 1, "共建人才平台", due="6月底前", lead=DRC)
    for period, state in (("2026-04", "已完成"), ("2026-05", "推进中"), ("2026-11", "已完成")):
        report(store, t, DRC, period, state)
    (row,) = task_statuses(store, TODAY).rows
    assert row.done_date == date(2026, 11, 30) and row.status.outcome == LATE


def test_a_deleted_project_leaves_the_lists_figures(store, ids):
    with store.write():
        store.conn.execute("UPDATE project SET deleted = 1 WHERE code = 'LP-2'")
    o = year_figures(store, TODAY).overall
    assert (o.projects, o.planned, o.done, o.milestones_due) == (1, 1000.0, 800.0, 2)


def test_no_list_no_figures(store):
    f = year_figures(store, TODAY)
    assert not f.exists and f.overall.tasks == 0 and summary_line(f) == ""


def test_supervision_of_a_task_goes_to_its_lead_or_each_responsible_unit(store, ids):
    monitor = task_statuses(store, TODAY)
    late = watch_tasks(monitor)
    assert [r.task.code for r in late] == ["LT2026-04", "LT2026-06", "LT2026-07"]
    make_list(store, 2027, issued="2027-01-20")
    t = add_task(store, 2027, 1, "无牵头任务", due="1月底前", responsible=(DRC, GUANGHAN))
    (leaderless,) = task_statuses(store, date(2027, 3, 1)).rows
    ids_ = issue_supervisions(store, [], [*late[:1], leaderless], issued=TODAY, reply_days=10)
    records = list_supervisions(store, kind="任务")
    assert len(ids_) == 3 == len(records)
    by_unit = {(r.unit, r.project_code, r.level, r.kind) for r in records}
    assert by_unit == {
        (GUANGHAN, "LT2027-01", "黄", "任务"),
        (DRC, "LT2027-01", "黄", "任务"),
        (TRANSPORT, "LT2026-04", "黄", "任务"),
    }
    assert {r.task_id for r in records} == {ids["T4"], t}
    assert list_supervisions(store, kind="项目") == []


def test_quarterly_reporting_asks_for_the_quarters_report(store):
    """With quarters, the report for 2026-09 (third quarter) is the one due on 2026-10-05; a
    report of August (a month) is not a quarter's report."""
    with store.write():
        store.set_setting("period_kind", "quarter")
    make_list(store)
    t = add_task(store, 2026, 1, "共建人才平台", due="年底前", lead=DRC)
    u = add_task(store, 2026, 2, "共建科创走廊", due="年底前", lead=GUANGHAN)
    report(store, t, DRC, "2026-09", "推进中")
    report(store, u, GUANGHAN, "2026-08", "推进中")
    monitor = task_statuses(store, date(2026, 11, 10))
    assert (monitor.period.key, monitor.status_key) == ("2026-09", "2026-09")
    assert [r.missing for r in monitor.rows] == [(), (GUANGHAN,)]


def test_a_supervision_concerns_one_project_or_one_task(store, ids):
    from desktop_app.store.supervision import create_supervision

    for project_id, task_id in ((None, None), (ids["P1"], ids["T4"])):
        with pytest.raises(ValueError):
            create_supervision(
                store, project_id, task_id=task_id, unit_id=None, issued_date=TODAY,
                reply_by=TODAY, reason="逾期",
            )  # fmt: skip
