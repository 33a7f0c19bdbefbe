"""批量修改 from the Gantt's own context menu: rows chosen on the chart with a click and
Ctrl/Shift+clicks, a right-click inside the selection, the dialog answered; one undo step."""

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from desktop_app.store.projects import get_project
from desktop_app.ui.main_window import MainWindow


class MenuChooser(QObject):
    """Chooses an entry of the next menu shown, as a click on it would, and notes the menu."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.offered: list[str] = []

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Show and isinstance(obj, QMenu) and not self.offered:
            self.offered = [a.text() for a in obj.actions()]
            action = next(a for a in obj.actions() if a.text() == self.text)
            QTimer.singleShot(0, lambda: (obj.close(), action.trigger()))
        return False


@pytest.fixture
def window(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    w.show_page("gantt")
    qtbot.waitExposed(w)
    return w


def row_point(page, row: int) -> QPoint:
    """A point on the chart's row ``row`` (viewport coordinates)."""
    chart = page.chart
    y = row * chart.row_height + chart.row_height // 2 - chart.verticalScrollBar().value()
    return QPoint(chart.viewport().width() // 2, y)


def right_click(qapp, page, row: int, choose: str) -> list[str]:
    chooser = MenuChooser(choose)
    qapp.installEventFilter(chooser)
    try:
        # What a right-click on the chart delivers (QTest's mouse clicks make no menu event).
        viewport = page.chart.viewport()
        point = row_point(page, row)
        event = QContextMenuEvent(QContextMenuEvent.Mouse, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, event)
    finally:
        qapp.removeEventFilter(chooser)
    return chooser.offered


def test_bulk_edit_from_the_gantt_context_menu_on_its_selected_rows(qtbot, qapp, window, store):
    page = window.page("gantt")
    rows = [i for i, r in enumerate(page.chart.layout_.rows) if r.kind == "project"][:4]
    viewport = page.chart.viewport()
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.NoModifier, row_point(page, rows[0]))
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.ShiftModifier, row_point(page, rows[1]))
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.ControlModifier, row_point(page, rows[3]))
    chosen = page.selected_project_ids()
    keys = [page.chart.layout_.rows[r].key for r in (rows[0], rows[1], rows[3])]
    assert chosen == keys
    assert page.chart.options.selected_rows == frozenset((rows[0], rows[1], rows[3]))
    assert window.act_bulk.isEnabled()
    before = {pid: get_project(store, pid) for pid in chosen}
    mark = store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")

    offered = right_click(qapp, page, rows[1], "批量修改…")
    assert offered[:2] == ["打开项目…", "批量修改…"]
    assert page.selected_project_ids() == chosen  # a right-click inside keeps the selection
    dialog = window.bulk_dialog
    assert dialog.isVisible() and dialog.ok_button.text() == "应用到 3 个项目"
    dialog.checks["planned_start"].setChecked(True)
    QTest.keyClicks(dialog.fields["planned_start"], "2027-03-01")
    dialog.checks["planned_end"].setChecked(True)
    QTest.keyClicks(dialog.fields["planned_end"], "2029-12-31")
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市交通运输局"))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert not dialog.isVisible()

    for pid in chosen:
        p = get_project(store, pid)
        assert (p.planned_start, p.planned_end, p.lead_unit) == (
            date(2027, 3, 1),
            date(2029, 12, 31),
            "市交通运输局",
        )
        row = page.chart.layout_.row_of(pid)
        assert page.chart.layout_.rows[row].plan is not None  # the bar is drawn now
    assert page.selected_project_ids() == chosen  # still selected for the next change
    ops = store.conn.execute(
        "SELECT count(DISTINCT op_id) FROM audit_log WHERE id > ?", (mark,)
    ).fetchone()[0]
    assert ops == 1
    assert window.ctx.undo_stack.count() == 1
    assert window.act_undo.text() == "撤销 批量修改 3 个项目的计划开工、计划完工、单位"

    window.act_undo.trigger()
    for pid in chosen:
        now, was = get_project(store, pid), before[pid]
        assert (now.planned_start, now.planned_end, now.lead_unit) == (
            was.planned_start,
            was.planned_end,
            was.lead_unit,
        )
    assert QApplication.activeModalWidget() is None


def test_a_right_click_outside_the_selection_edits_that_row_only(qtbot, qapp, window):
    page = window.page("gantt")
    rows = [i for i, r in enumerate(page.chart.layout_.rows) if r.kind == "project"][:3]
    viewport = page.chart.viewport()
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.NoModifier, row_point(page, rows[0]))
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.ControlModifier, row_point(page, rows[1]))
    assert len(page.selected_project_ids()) == 2
    QTest.mouseClick(viewport, Qt.LeftButton, Qt.ControlModifier, row_point(page, rows[1]))
    assert len(page.selected_project_ids()) == 1  # Ctrl+click again takes it out
    offered = right_click(qapp, page, rows[2], "批量修改…")
    assert offered[:2] == ["打开项目…", "批量修改…"] and "设为前置项目" in offered
    assert page.selected_project_ids() == [page.chart.layout_.rows[rows[2]].key]
    dialog = window.bulk_dialog
    assert dialog.ok_button.text() == "应用到 1 个项目"
    dialog.reject()


def test_the_list_beside_the_chart_offers_the_same_menu(qtbot, qapp, window):
    page = window.page("gantt")
    page.table.selectAll()  # Ctrl+A in the list
    chosen = page.selected_project_ids()
    assert len(chosen) == window.ctx.register_model.shown_count == 195
    chooser = MenuChooser("批量修改…")
    viewport = page.table.viewport()
    point = page.table.visualRect(page.list_model.index(1, 1)).center()
    qapp.installEventFilter(chooser)
    try:
        event = QContextMenuEvent(QContextMenuEvent.Mouse, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, event)
    finally:
        qapp.removeEventFilter(chooser)
    assert chooser.offered[:2] == ["打开项目…", "批量修改…"]
    dialog = window.bulk_dialog
    assert dialog.ok_button.text() == f"应用到 {len(chosen)} 个项目"
    dialog.reject()
