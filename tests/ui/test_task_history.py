"""A 重点任务's history from the 重点任务 page (button 「历史…」 and the context menu): its units
assigned, its 备注, its 结转 into the next plan, and its reports period by period with the import
that brought them — a task worked on for a year, through the services a user's actions call."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from plan_lists import write_next_plan
from PySide6.QtCore import QSettings, Qt

sys.path.insert(0, str(Path(__file__).parents[1] / "exchange"))
from taskhelpers import TaskReturn, add_report, make_year_list  # noqa: E402

from desktop_app.domain.bulk import ADD, UnitChange  # noqa: E402
from desktop_app.services import plans  # noqa: E402
from desktop_app.services.bulk import assign_task_units  # noqa: E402
from desktop_app.services.exchange import import_return, issue_template  # noqa: E402
from desktop_app.services.tasks import edit_task_notes  # noqa: E402
from desktop_app.store.units import get_unit  # noqa: E402
from desktop_app.ui.history import TaskHistoryWidget  # noqa: E402
from desktop_app.ui.main_window import MainWindow  # noqa: E402

CODE = "RW04-1-2"


@pytest.fixture
def worked(store, tmp_path) -> int:
    """RW04-1-2 through a year: 广汉市 made its 牵头 with the list, 什邡市 added as 配合 by hand,
    a 备注, October typed by the office, November imported from 广汉市's return, then the plan
    closed and the task carried into the next plan (it is not done)."""
    ids = make_year_list(store, 2026, [{"code": CODE, "units": {"广汉市": "牵头"}}])
    task_id = ids[CODE]
    assign_task_units(
        store,
        [task_id],
        UnitChange(supporting=(ADD, (get_unit(store, "什邡市").id,))),
    )
    edit_task_notes(store, task_id, "与成都市交通局联合调度")
    add_report(store, CODE, "广汉市", "2026-10", progress_text="完成路线方案", state="推进中")
    template = issue_template(store, "广汉市", "2026-11", tmp_path / "广汉市_模板.xlsx")
    filled = TaskReturn(template, tmp_path).edit(
        {(CODE, "progress_text"): "两条断头路开工", (CODE, "problems"): "征地协调难"},
        name="广汉市_2026年11月.xlsx",
    )
    outcome = import_return(store, filled)
    assert outcome.status == "applied", outcome.preview.all_errors
    (plan,) = plans.list_plans(store)
    plans.close_plan(store, plan.id)
    plans.import_plan(store, write_next_plan(tmp_path / "十五五规划清单.xlsx"))
    return task_id


@pytest.fixture
def window(qtbot, store, worked, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    w.show_page("tasks")
    return w


def table_rows(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def select_task(qtbot, page, task_id: int) -> None:
    row = page.model.row_of(task_id)
    page.view.scrollTo(page.model.index(row, 3))
    rect = page.view.visualRect(page.model.index(row, 3))
    qtbot.mouseClick(page.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert page.selected_task_ids() == [task_id]


def test_the_history_button_shows_the_tasks_changes_and_reports(qtbot, window, worked):
    page = window.page("tasks")
    assert not page.history_button.isEnabled()  # nothing selected yet
    select_task(qtbot, page, worked)
    assert page.history_button.isEnabled()
    qtbot.mouseClick(page.history_button, Qt.LeftButton)
    dialog = page.history_dialog
    assert dialog.isVisible()
    assert dialog.windowTitle() == f"修改历史 — {CODE} 加密多通道多节点公路路网"
    body = dialog.body
    assert isinstance(body, TaskHistoryWidget)
    assert [body.tabs.tabText(i) for i in range(body.tabs.count())] == [
        f"修改历史（{body.changes.rowCount()}）",
        "任务报告（2）",
    ]
    changes = table_rows(body.changes)
    fields = [r[2] for r in changes]
    # Newest first: the carry-over, the import's corrections, the 备注, the units.
    assert fields[0] == "结转"
    old_plan, new_plan = plans.list_plans(window.ctx.store)
    assert changes[0][3:6] == [old_plan.title, new_plan.title, "手工"]
    assert "十四五" in old_plan.title and "十五五" in new_plan.title
    imported = [r for r in changes if r[2].startswith("报告 2026年11月 广汉市：")]
    assert {r[2] for r in imported} >= {
        "报告 2026年11月 广汉市：进展情况",
        "报告 2026年11月 广汉市：存在问题",
    }
    assert all(r[5] == "导入（广汉市_2026年11月.xlsx）" for r in imported)
    progress = next(r for r in imported if r[2].endswith("进展情况"))
    assert progress[4] == "两条断头路开工"
    notes = next(r for r in changes if r[2] == "备注")
    assert notes[3:6] == ["（空）", "与成都市交通局联合调度", "手工"]
    units = next(r for r in changes if r[2] == "单位")
    assert units[3:5] == ["广汉市（牵头）", "广汉市（牵头）；什邡市（配合）"]
    assert fields.index("结转") < fields.index(progress[2]) < fields.index("备注")

    reports = table_rows(body.reports)
    assert [r[:4] for r in reports] == [
        ["2026年11月", "广汉市", "推进中", "两条断头路开工"],
        ["2026年10月", "广汉市", "推进中", "完成路线方案"],
    ]
    assert reports[0][5] == "征地协调难"
    assert reports[0][6] == "导入" and reports[0][7].endswith(" 广汉市_2026年11月.xlsx")
    assert reports[1][6] == "手工" and reports[1][7] == ""
    dialog.reject()


def test_the_context_menu_opens_the_history_of_the_one_selected_task(qtbot, window, worked):
    page = window.page("tasks")
    select_task(qtbot, page, worked)
    menu = page.context_menu()
    (action,) = [a for a in menu.actions() if a.text() == "历史…"]
    assert action.isEnabled()
    action.trigger()
    dialog = page.history_dialog
    assert dialog.isVisible() and dialog.windowTitle().startswith(f"修改历史 — {CODE}")
    dialog.reject()
    # Two tasks selected: one history cannot show both, the action says so by being off.
    page.view.selectAll()
    menu = page.context_menu()
    (action,) = [a for a in menu.actions() if a.text() == "历史…"]
    assert not action.isEnabled() and not page.history_button.isEnabled()


def test_a_task_never_changed_says_so(qtbot, window, store):
    page = window.page("tasks")
    other = page.model.shown[0].id
    select_task(qtbot, page, other)
    qtbot.mouseClick(page.history_button, Qt.LeftButton)
    body = page.history_dialog.body
    assert body.changes.rowCount() == 0 and body.reports.rowCount() == 0
    assert [body.tabs.tabText(i) for i in range(2)] == ["修改历史（0）", "任务报告（0）"]
    page.history_dialog.reject()


def test_ctrl_h_on_the_tasks_page_shows_the_selected_tasks_history(qtbot, window, worked):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    page = window.page("tasks")
    assert not window.act_history.isEnabled()
    select_task(qtbot, page, worked)
    assert window.act_history.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key_H, Qt.ControlModifier)
    dialog = page.history_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle().startswith(f"修改历史 — {CODE}")
    dialog.reject()
