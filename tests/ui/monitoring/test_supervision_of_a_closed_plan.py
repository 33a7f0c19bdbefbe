"""督办预警 on a closed plan (the office still looks at its late projects and tasks): pressing
发督办 and answering the dialog gets the service's answer naming the plan; nothing is issued."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from year_list_rows import scenario

from desktop_app.services.plans import close_plan, list_plans
from desktop_app.store.supervision import list_supervisions
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.monitoring.supervision_page import WATCH_COLUMNS

TODAY = date(2026, 12, 6)
CODE = WATCH_COLUMNS.index("编码")


@pytest.fixture
def window(qtbot, store, make_project, tmp_path):
    scenario(store, make_project)
    make_project(
        "LATE-9", "逾期的道路", lead="广汉市", stage="在建", percent_complete=10,
        planned_start=date(2025, 1, 1), planned_end=date(2026, 6, 30),
    )  # fmt: skip
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def button(root, text: str) -> QPushButton:
    (found,) = [b for b in root.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    return found


def answer_next_dialog(answer) -> list:
    seen = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        seen.append(dialog.windowTitle())
        answer(dialog)

    QTimer.singleShot(0, run)
    return seen


def test_issue_on_a_closed_plans_project_and_task_is_answered_naming_the_plan(
    qtbot, window, store, monkeypatch
):
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    window.refresh_all()
    window.show_page("supervision")
    page = window.page("supervision")
    codes = [page.watch.model().index(r, CODE).data() for r in range(page.watch.model().rowCount())]
    project_row, task_row = codes.index("LATE-9"), codes.index("LT2026-04")
    rect = page.watch.visualRect(page.watch.model().index(project_row, 3))
    qtbot.mouseClick(page.watch.viewport(), Qt.LeftButton, pos=rect.center())
    rect = page.watch.visualRect(page.watch.model().index(task_row, 3))
    qtbot.mouseClick(page.watch.viewport(), Qt.LeftButton, Qt.ControlModifier, rect.center())
    selection = page.watch.selectionModel()
    assert {i.row() for i in selection.selectedRows()} == {project_row, task_row}
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warnings.append(text))

    def send(dialog):
        qtbot.mouseClick(button(dialog, "发出督办"), Qt.LeftButton)

    seen = answer_next_dialog(send)
    qtbot.mouseClick(button(page, "对选中项目、任务发督办…"), Qt.LeftButton)
    assert seen == ["发出督办"]
    assert len(warnings) == 1
    assert warnings[0].startswith("项目「逾期的道路」、重点任务「")
    assert f"属于已关闭的规划《{plan.title}》，不能再发督办" in warnings[0]
    assert list_supervisions(store) == []
    assert window.ctx.undo_stack.count() == 0
    assert page.tabs.currentWidget() is not page.notices


def test_a_redo_after_the_plan_was_closed_is_refused_with_the_message(qtbot, window, store):
    """Issued while the plan was open, undone, the plan closed, then 重做: the step is refused
    with the message naming the plan (in the window's status bar), nothing is issued again."""
    window.show_page("supervision")
    page = window.page("supervision")
    codes = [page.watch.model().index(r, CODE).data() for r in range(page.watch.model().rowCount())]
    rect = page.watch.visualRect(page.watch.model().index(codes.index("LATE-9"), 3))
    qtbot.mouseClick(page.watch.viewport(), Qt.LeftButton, pos=rect.center())
    seen = answer_next_dialog(lambda d: qtbot.mouseClick(button(d, "发出督办"), Qt.LeftButton))
    qtbot.mouseClick(button(page, "对选中项目、任务发督办…"), Qt.LeftButton)
    assert seen == ["发出督办"] and len(list_supervisions(store)) == 1
    window.act_undo.trigger()
    assert list_supervisions(store) == []
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    window.act_redo.trigger()
    assert list_supervisions(store) == []
    assert f"属于已关闭的规划《{plan.title}》，不能再发督办" in window.last_error
    assert not window.act_redo.isEnabled()  # the refused step is gone from the stack
