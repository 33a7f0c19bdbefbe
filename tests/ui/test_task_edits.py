"""重点任务 edits in the window, done as a user does them: the 备注 typed into the detail pane and
saved with Enter (one undo step, audited), read-only on a closed plan."""

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.services.plans import close_plan, list_plans
from desktop_app.store.tasks import list_tasks
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    w.show_page("tasks")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    return w


def type_chinese(widget, text: str) -> None:
    """Chinese arrives as an input method's commit (QTest only types ASCII keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click_row(qtbot, page, row: int) -> None:
    view = page.view
    rect = view.visualRect(view.model().index(row, 3))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())


def notes_column(page) -> list[str]:
    model = page.view.model()
    c = [model.headerData(i, Qt.Horizontal) for i in range(model.columnCount())].index("备注")
    return [model.index(r, c).data() for r in range(model.rowCount())]


def test_notes_typed_in_the_detail_pane_are_saved_audited_and_undone_in_one_step(
    qtbot, window, store
):
    page = window.page("tasks")
    click_row(qtbot, page, 2)
    (task_id,) = page.selected_task_ids()
    code = page.model.task(task_id).code
    assert page.notes_edit.isEnabled() and not page.notes_edit.isReadOnly()
    mark = store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")

    qtbot.mouseClick(page.notes_edit, Qt.LeftButton)
    QTest.keyClicks(page.notes_edit, "  ")
    type_chinese(page.notes_edit, "市发展改革委牵头，每季度调度")
    QTest.keyClicks(page.notes_edit, "  ")
    QTest.keyClick(page.notes_edit, Qt.Key_Return)

    (saved,) = list_tasks(store, ids=[task_id])
    assert saved.notes == "市发展改革委牵头，每季度调度"  # trimmed as every text field is
    assert notes_column(page)[2] == "市发展改革委牵头，每季度调度"
    assert "备注：市发展改革委牵头，每季度调度" in page.detail.text()
    rows = store.query(
        "SELECT entity, entity_id, field, old, new, source FROM audit_log WHERE id > ?", (mark,)
    )
    assert rows == [
        {
            "entity": "task",
            "entity_id": str(task_id),
            "field": "notes",
            "old": None,
            "new": "市发展改革委牵头，每季度调度",
            "source": "手工",
        }
    ]
    assert window.act_undo.text() == f"撤销 修改 {code} 备注"
    # Enter again, or leaving the field, with nothing changed adds no step.
    QTest.keyClick(page.notes_edit, Qt.Key_Return)
    assert window.ctx.undo_stack.count() == 1

    page.view.setFocus()
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert list_tasks(store, ids=[task_id])[0].notes is None
    assert notes_column(page)[2] == "" and page.notes_edit.text() == ""
    assert page.selected_task_ids() == [task_id]  # still selected after the undo
    window.act_redo.trigger()
    assert list_tasks(store, ids=[task_id])[0].notes == "市发展改革委牵头，每季度调度"
    assert page.notes_edit.text() == "市发展改革委牵头，每季度调度"


def test_clearing_the_notes_saves_a_blank_when_the_field_is_left(qtbot, window, store):
    page = window.page("tasks")
    click_row(qtbot, page, 0)
    (task_id,) = page.selected_task_ids()
    qtbot.mouseClick(page.notes_edit, Qt.LeftButton)
    type_chinese(page.notes_edit, "待与成都市对接")
    QTest.keyClick(page.notes_edit, Qt.Key_Tab)  # leaves the field: saved
    assert list_tasks(store, ids=[task_id])[0].notes == "待与成都市对接"
    page.notes_edit.setFocus()
    page.notes_edit.selectAll()
    QTest.keyClick(page.notes_edit, Qt.Key_Delete)
    QTest.keyClick(page.notes_edit, Qt.Key_Return)
    assert list_tasks(store, ids=[task_id])[0].notes is None
    assert window.ctx.undo_stack.count() == 2
    window.act_undo.trigger()
    assert list_tasks(store, ids=[task_id])[0].notes == "待与成都市对接"


def test_notes_of_a_closed_plans_task_are_read_only_and_name_the_plan(qtbot, window, store):
    page = window.page("tasks")
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    window.refresh_all()
    click_row(qtbot, page, 1)
    (task_id,) = page.selected_task_ids()
    assert page.notes_edit.isReadOnly()
    assert page.notes_state.text() == f"属于已关闭的规划《{plan.title}》，只读"
    mark = store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")
    qtbot.mouseClick(page.notes_edit, Qt.LeftButton)
    assert not page.notes_edit.testAttribute(Qt.WA_InputMethodEnabled)  # no input method here
    QTest.keyClicks(page.notes_edit, "2026")
    QTest.keyClick(page.notes_edit, Qt.Key_Return)
    assert page.notes_edit.text() == ""
    assert list_tasks(store, ids=[task_id])[0].notes is None
    assert store.scalar("SELECT count(*) FROM audit_log WHERE id > ?", (mark,)) == 0
    assert window.ctx.undo_stack.count() == 0


def test_notes_saved_after_another_window_closed_the_plan_are_refused_naming_it(
    qtbot, window, store
):
    """The page still shows the task editable (the plan was closed elsewhere): the save is
    refused by the service with the plan's name, nothing is written, no undo step."""
    page = window.page("tasks")
    click_row(qtbot, page, 1)
    (task_id,) = page.selected_task_ids()
    (plan,) = list_plans(store)
    close_plan(store, plan.id)  # another window: this page is not told
    assert not page.notes_edit.isReadOnly()
    qtbot.mouseClick(page.notes_edit, Qt.LeftButton)
    type_chinese(page.notes_edit, "迟到的修改")
    QTest.keyClick(page.notes_edit, Qt.Key_Return)
    assert f"属于已关闭的规划《{plan.title}》" in window.last_error
    assert list_tasks(store, ids=[task_id])[0].notes is None
    assert window.ctx.undo_stack.count() == 0
    assert page.notes_edit.isReadOnly() and page.notes_edit.text() == ""  # reloaded


def test_assigning_units_to_a_closed_plans_task_is_refused_in_the_dialog(qtbot, window, store):
    page = window.page("tasks")
    (plan,) = list_plans(store)
    close_plan(store, plan.id)
    window.refresh_all()
    click_row(qtbot, page, 0)
    (task_id,) = page.selected_task_ids()
    before = list_tasks(store, ids=[task_id])[0].unit_links
    qtbot.mouseClick(page.assign_button, Qt.LeftButton)
    dialog = page.assign_dialog
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市发展改革委"))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.isVisible()  # stays open with the reason
    assert f"属于已关闭的规划《{plan.title}》" in dialog.error.text()
    assert list_tasks(store, ids=[task_id])[0].unit_links == before
    assert window.ctx.undo_stack.count() == 0
    dialog.reject()
