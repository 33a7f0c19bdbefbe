"""The 首页, 督办预警 and 主要指标 views, driven as a user would."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.domain.status import evaluate
from desktop_app.store.indicators import list_indicators, set_actual
from desktop_app.store.projects import list_projects
from desktop_app.store.supervision import list_supervisions
from desktop_app.ui.context import AppContext
from desktop_app.ui.monitoring.dashboard import DashboardPage
from desktop_app.ui.monitoring.indicators_page import IndicatorsPage
from desktop_app.ui.monitoring.rules_dialog import RulesDialog
from desktop_app.ui.monitoring.supervision_page import SupervisionPage

TODAY = date(2026, 11, 29)


@pytest.fixture
def ctx(store, make_project):
    make_project(
        "L-1",
        "逾期项目",
        lead="市交通运输局",
        district="广汉市",
        planned_start=date(2024, 1, 1),
        planned_end=date(2025, 12, 31),
        percent_complete=70,
    )
    make_project(
        "F-1",
        "正常项目",
        lead="市水利局",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=60,
    )
    return AppContext(store, today=TODAY)


def test_dashboard_numbers_equal_the_registers(qtbot, ctx):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    lights = [
        evaluate(p, TODAY, ctx.status_rules(), current_period="2026-11").light
        for p in list_projects(ctx.store)
    ]
    assert page.tiles["total"].value.text() == str(len(lights)) == "197"
    assert page.tiles["red"].value.text() == str(lights.count("红"))
    assert page.tiles["yellow"].value.text() == str(lights.count("黄"))
    assert page.late.item(0, 1).text() == "逾期项目"
    assert page.late.item(0, 3).text() == "333"
    # Each bar's name with its count on a line of its own (never cut to "在建 1…").
    axis = page.stage_chart.axes(Qt.Horizontal)[0]
    assert all("<br>" in label and label.split("<br>")[1].isdigit() for label in axis.categories())


def test_dashboard_click_asks_for_filtered_register(qtbot, ctx, tmp_path):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(ctx.show_projects_requested) as blocker:
        page.show_projects({"status": "红"})
    assert blocker.args == [{"status": "红"}]
    out = page.export_png(tmp_path / "首页.png")
    assert out.exists() and out.stat().st_size > 10_000


def test_issue_supervision_then_undo(qtbot, ctx):
    page = SupervisionPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)  # as the main window does
    assert page.watch.model().index(0, 3).data() == "逾期项目"
    assert page.watch.model().index(0, 5).data() == "计划 2025-12-31 完工，已逾期 333 天"
    # The light in its colour, named on hover; the reason in full on hover.
    light = page.watch.model().index(0, 0)
    assert light.data() == "●" and light.data(Qt.ToolTipRole) == "红灯"
    assert light.data(Qt.ForegroundRole).color().name().upper() == "#D93025"
    assert "已逾期 333 天" in page.watch.model().index(0, 5).data(Qt.ToolTipRole)
    assert page.watch.model().index(0, 8).data() == ""  # no 督办 yet
    page.watch.selectRow(0)
    page.issue_for(page.selected_statuses(), TODAY, 10, "请说明原因")
    assert page.watch.model().index(0, 8).data() == f"已发（{TODAY.isoformat()}）"
    records = list_supervisions(ctx.store)
    assert [(r.project_name, r.unit, r.reply_by) for r in records] == [
        ("逾期项目", "市交通运输局", date(2026, 12, 9))
    ]
    assert page.notices.rowCount() == 1
    assert "督办 逾期项目" in ctx.undo_stack.undoText()
    ctx.undo_stack.undo()
    assert list_supervisions(ctx.store) == []
    assert page.notices.rowCount() == 0


def test_reply_and_overdue_flag(qtbot, store, make_project):
    make_project(
        "L-1",
        "逾期项目",
        lead="市交通运输局",
        planned_start=date(2024, 1, 1),
        planned_end=date(2025, 12, 31),
        percent_complete=70,
    )
    ctx = AppContext(store, today=TODAY)
    page = SupervisionPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)  # as the main window does
    page.watch.selectRow(0)
    page.issue_for(page.selected_statuses(), date(2026, 11, 1), 10, "请说明原因")
    assert page.notices.item(0, 8).text() == "逾期 18 天"
    assert page.notices.item(0, 6).text() == "红"  # escalated: overdue more than 15 days
    page.record_reply(
        list_supervisions(store)[0],
        {"status": "已回复", "reply_text": "已整改", "replied_date": TODAY},
    )
    assert page.notices.item(0, 7).text() == "已回复" and page.notices.item(0, 8).text() == ""
    # A second reply on top of the first (the undo stack asks each command for its id).
    page.record_reply(list_supervisions(store)[0], {"status": "已办结"})
    assert page.notices.item(0, 7).text() == "已办结"
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    assert list_supervisions(store)[0].status == "已办结"


def test_indicator_actual_typed_in_then_undone(qtbot, ctx):
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)  # as the main window does
    page.set_value(0, 2024, "5.3")
    first = list_indicators(ctx.store)[0]
    assert first.actuals == {2024: 5.3}
    assert page.table.item(0, page.table.columnCount() - 4).text() == "已达标"
    assert page.table.item(0, page.table.columnCount() - 3).text() == "+0.3 %"
    page.set_value(0, 2025, "5.6")  # a second edit on top of the first
    assert list_indicators(ctx.store)[0].actuals == {2024: 5.3, 2025: 5.6}
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert list_indicators(ctx.store)[0].actuals == {}


def test_indicator_refuses_text(qtbot, ctx, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)  # as the main window does
    page.set_value(0, 2024, "五点三")
    assert shown and "不是数字" in shown[0] and "地区生产总值占全省比重 2024年" in shown[0]
    assert list_indicators(ctx.store)[0].actuals == {}


def test_rules_dialog_changes_lights(qtbot, ctx):
    dialog = RulesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.yellow.setValue(40)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.yellow.setValue(5)
    dialog.red.setValue(8)
    dialog.save()
    assert ctx.status_rules().red_points == 8 and ctx.status_rules().yellow_points == 5


def test_an_indicator_value_over_a_colleagues_entry_is_refused(qtbot, ctx, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)
    first = list_indicators(ctx.store)[0]
    set_actual(ctx.store, first.id, 2023, 5.0)  # a colleague, after this page loaded
    page.set_value(0, 2023, "7")
    assert shown and "已被他人" in shown[0]
    assert list_indicators(ctx.store)[0].actuals[2023] == 5.0
    assert ctx.undo_stack.count() == 0  # no step that did not happen


def test_a_reply_over_a_colleagues_reply_is_refused(qtbot, store, make_project, monkeypatch):
    from desktop_app.store.supervision import update_supervision

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    make_project(
        "L-2",
        "逾期项目二",
        lead="市交通运输局",
        planned_start=date(2024, 1, 1),
        planned_end=date(2025, 12, 31),
    )
    ctx = AppContext(store, today=TODAY)
    page = SupervisionPage(ctx)
    qtbot.addWidget(page)
    ctx.changed.connect(page.refresh)
    page.watch.selectRow(0)
    page.issue_for(page.selected_statuses(), date(2026, 11, 1), 10, "请说明原因")
    stale = list_supervisions(store)[0]
    update_supervision(store, stale.id, {"status": "已回复", "reply_text": "甲登记的回复"})
    page.record_reply(stale, {"status": "已办结"})
    assert shown and "已被他人" in shown[0]
    assert list_supervisions(store)[0].reply_text == "甲登记的回复"
