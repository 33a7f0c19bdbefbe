"""年度考核's 任务按期完成率 and the dashboard's 按期完成率 are one figure: for every unit, on the same
day, the assessment counts the same tasks with the same outcomes as ``year_figures`` does.

Two scenarios: the monitoring tests' list (tests/year_list_rows.py) with the cases where a
simpler rule would part from the monitoring's, and the assessment's own year (``assessment_year``).
"""

from __future__ import annotations

from datetime import date

import pytest
from year_list_rows import DRC, GUANGHAN, TRANSPORT, WATER, add_task, report, scenario

from desktop_app.domain.assessment import AGAINST, FOR
from desktop_app.domain.task_status import LATE, ON_TIME, OVERDUE
from desktop_app.services.assessment import assess
from desktop_app.services.task_monitoring import unit_tasks, year_figures
from desktop_app.store.assessment import assessed_units

TODAY = date(2026, 12, 6)
COUNTED = (ON_TIME, LATE, OVERDUE)


def _edge_cases(store) -> None:
    """Beside the scenario's own (T3 已完成 without a 完成时间, T4 done only in the 2025 list,
    T6 its lead silent since October, T7 and T8 several units that disagree):"""
    # T9: the lead reports a period after the one looked at (December, typed on 12-03): on
    # 2026-12-06 the working period is November, so the task is still 推进中, not done.
    t = add_task(store, 2026, 11, "共建成德人才协作平台", due="年底前", lead=WATER)
    report(store, t, WATER, "2026-11", "推进中")
    report(store, t, WATER, "2026-12", "已完成", done="2026-12-02", at="2026-12-03T09:00:00")
    # T10: the lead reported it done in May and stopped reporting; the 责任 unit still reports
    # 推进中 in November. The lead's 已完成 stands: on time, for both units.
    t = add_task(
        store, 2026, 12, "编制成德同城化交通规划", due="6月底前", lead=DRC,
        responsible=(GUANGHAN,),
    )  # fmt: skip
    report(store, t, DRC, "2026-05", "已完成", done="2026-05-20")
    report(store, t, GUANGHAN, "2026-11", "推进中")
    # T11: listed in 2025 and again in 2026, its only report 2025's 已完成: overdue in 2026.
    t = add_task(store, 2025, 4, "建设成德公交一卡通", due="年底前", lead=TRANSPORT)
    report(store, t, TRANSPORT, "2025-12", "已完成", done="2025-12-20")
    add_task(store, 2026, 13, "建设成德公交一卡通", due="6月底前", task_id=t)


def _assessment_tasks(store) -> dict[str, tuple]:
    """Each assessed unit's 任务按期完成率 item: (on time, counted, rate) and the outcome of
    each task its evidence lists as counted."""
    out = {}
    for s in assess(store, 2026, today=TODAY).scores:
        item = s.item("tasks")
        counted = {e.label.split("（")[0]: e.ok for e in item.evidence if e.ok in (FOR, AGAINST)}
        out[s.unit] = (item.numerator, item.denominator, item.rate, counted)
    return out


def _dashboard_tasks(store) -> dict[str, tuple]:
    """The same, from the dashboard's figures per unit (year_figures) and each unit's view."""
    figures = year_figures(store, TODAY, year=2026)
    per_unit = {f.label: f for f in figures.units}
    out = {}
    for unit in assessed_units(store):
        f = per_unit.get(unit.name)
        counted = {
            f"{row.task.seq}. {row.task.title}": view.outcome == ON_TIME
            for row, view in unit_tasks(figures.monitor, unit.id)
            if view.outcome in COUNTED
        }
        out[unit.name] = (
            f.count(ON_TIME) if f else 0,
            f.due if f else 0,
            f.rate if f else None,
            counted,
        )
    return out


def test_every_units_task_rate_is_the_dashboards_on_the_monitoring_scenario(store, make_project):
    scenario(store, make_project)
    _edge_cases(store)
    assessed, dashboard = _assessment_tasks(store), _dashboard_tasks(store)
    assert assessed == dashboard
    # By hand (the scenario's docstring, and the cases above):
    #   市发展改革委 T1 按期, T2 逾期完成, T3 逾期完成 (04-30 inferred), T10 按期 → 2 / 4
    #   市交通运输局 T4 and T11 逾期未完成, T7 not due, T8 按期 → 1 / 3
    #   广汉市 (责任) T7 its part done 11-10: 按期; T8 its part 未完成 past 10-31; T10 shares the
    #   lead's done: 按期 → 2 / 3
    #   市水利局 T5 持续推进, T6 and T9 not due (T9's December report is not looked at) → none
    rates = {unit: v[:3] for unit, v in assessed.items() if v[1] or unit == WATER}
    assert rates == {
        DRC: (2, 4, 50.0),
        TRANSPORT: (1, 3, 33.3),
        GUANGHAN: (2, 3, 66.7),
        WATER: (0, 0, None),
    }
    # The evidence lines say why, in the monitoring's words.
    result = assess(store, 2026, today=TODAY)
    drc = {e.label: e for e in result.unit(DRC).item("tasks").evidence}
    t3 = drc["3. 建立同城化项目库（牵头）"]
    assert (t3.day, t3.ok) == ("2026-04-30", AGAINST)
    assert "逾期完成（晚 30 天；完成日期未填报，按2026年4月报告期末计）" in t3.detail
    guanghan = {e.label: e for e in result.unit(GUANGHAN).item("tasks").evidence}
    t10 = guanghan["12. 编制成德同城化交通规划（责任）"]
    assert (t10.day, t10.ok) == ("2026-05-20", FOR)
    assert "本单位 2026-11 报告「推进中」；任务「已完成」，完成于 2026-05-20" in t10.detail
    t9 = next(e for e in result.unit(WATER).item("tasks").evidence if e.label.startswith("11."))
    assert t9.ok is None and "本单位 2026-11 报告「推进中」" in t9.detail


def test_every_units_task_rate_is_the_dashboards_on_the_assessment_year(assessment_year):
    assessed, dashboard = _assessment_tasks(assessment_year), _dashboard_tasks(assessment_year)
    assert assessed == dashboard
    # The hand calculation of tests/services/test_assessment.py: 旌阳区 2 / 4, 交通局 0 / 1.
    assert assessed["旌阳区"][:3] == (2, 4, 50.0)
    assert assessed["市交通运输局"][:3] == (0, 1, 0.0)
    assert assessed["广汉市"][:3] == assessed["市水利局"][:3] == (0, 0, None)


def _with_task_roles(store, roles: list[str]) -> None:
    from desktop_app.domain.assessment import RuleSet
    from desktop_app.services.assessment import save_rules

    changed = tuple(
        r.__class__(r.item, r.name, r.weight, r.enabled, {**r.params, "roles": roles})
        if r.item == "tasks"
        else r
        for r in RuleSet.default(2026).rules
    )
    save_rules(store, RuleSet(2026, changed))


@pytest.mark.parametrize("roles", [["牵头"], ["责任"]])
def test_the_rules_roles_choose_the_tasks_and_keep_the_monitorings_outcomes(
    store, make_project, roles
):
    """A rule counting only 牵头 (or only 责任) tasks takes those of the dashboard's tasks."""
    scenario(store, make_project)
    _edge_cases(store)
    _with_task_roles(store, roles)
    figures = year_figures(store, TODAY, year=2026)
    result = assess(store, 2026, today=TODAY)
    for s in result.scores:
        item = s.item("tasks")
        views = [
            view.outcome
            for row, view in unit_tasks(figures.monitor, s.unit_id)
            if next(u.role for u in row.task.units if u.unit_id == s.unit_id) in roles
        ]
        due = [o for o in views if o in COUNTED]
        assert (item.numerator, item.denominator) == (due.count(ON_TIME), len(due)), s.unit
    guanghan = result.unit(GUANGHAN).item("tasks")
    assert (guanghan.numerator, guanghan.denominator) == ((0, 0) if roles == ["牵头"] else (2, 3))


def test_a_supporting_unit_counted_by_the_rule_shares_the_whole_tasks_outcome(store, make_project):
    """配合 units report nothing and are not in the dashboard's figures; a rule that counts them
    gives them the task's own light: 市水利局 supports T8, done on time by its lead."""
    scenario(store, make_project)
    _edge_cases(store)
    _with_task_roles(store, ["牵头", "责任", "配合"])
    water = assess(store, 2026, today=TODAY).unit(WATER).item("tasks")
    assert (water.numerator, water.denominator, water.rate) == (1, 1, 100.0)
    t8 = next(e for e in water.evidence if "（配合）" in e.label)
    assert t8.label == "8. 打造成德临界产业带（配合）" and t8.ok is FOR
    assert "任务「已完成」，完成于 2026-10-15；按期完成" in t8.detail
    assert "配合单位按整项任务计" in assess(store, 2026, today=TODAY).rules.formula("tasks")
