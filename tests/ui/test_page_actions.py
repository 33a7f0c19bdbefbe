"""Each page's main action, done with the mouse and keyboard on the real window.

首页: click a tile, land on the filtered register. 督办预警: select a late project, press 发督办,
answer the dialog, then register the reply. 主要指标: type a year's actual into the table.
备份与恢复: back up now, restore with the question answered. 甘特图: zoom and jump to today
with the buttons. 单位管理: 新建单位 through its dialog. 项目库: test_register.py; 进度填报 and 打印 in
test_month_end.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from desktop_app.store.indicators import list_indicators
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store):
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def button(root, text: str) -> QPushButton:
    (found,) = [b for b in root.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    return found


def answer_next_dialog(answer) -> list:
    """Answer the dialog that opens next (modally) with ``answer(dialog)``."""
    seen = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet
            QTimer.singleShot(10, run)
            return
        seen.append(dialog.windowTitle())
        answer(dialog)

    QTimer.singleShot(0, run)
    return seen


def click_row(qtbot, view, row: int, column: int = 0) -> None:
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())


def test_dashboard_tile_opens_the_register_filtered(qtbot, window, make_project):
    make_project(
        "LATE-1", "滞后的道路", lead="广汉市", stage="在建", percent_complete=5,
        planned_start=date(2025, 1, 1), planned_end=date(2026, 6, 30),
    )  # fmt: skip
    window.refresh_all()
    window.show_page("dashboard")
    page = window.page("dashboard")
    red = page.tiles["red"]
    assert int(red.value.text()) >= 1
    qtbot.mouseClick(red, Qt.LeftButton)
    assert window.current_page_key() == "register"
    register = window.page("register")
    assert register.model.filters.active
    assert "LATE-1" in [
        register.model.project_at(r).code
        for r in range(register.model.rowCount())
        if register.model.project_at(r)
    ]
    assert f"筛选出 {red.value.text()} /" in register.count_label.text()


def test_supervision_issue_and_reply_by_the_buttons(qtbot, window, make_project):
    make_project(
        "LATE-2", "逾期的管廊", lead="旌阳区", stage="在建", percent_complete=10,
        planned_start=date(2025, 1, 1), planned_end=date(2026, 6, 30),
    )  # fmt: skip
    window.refresh_all()
    window.show_page("supervision")
    page = window.page("supervision")
    row = next(r for r in range(page.watch.model().rowCount()) if page.rows[r].code == "LATE-2")
    click_row(qtbot, page.watch, row, 1)

    def send(dialog):
        dialog.days.setValue(7)
        qtbot.mouseClick(button(dialog, "发出督办"), Qt.LeftButton)

    seen = answer_next_dialog(send)
    qtbot.mouseClick(button(page, "对选中项目、任务发督办…"), Qt.LeftButton)
    assert seen == ["发出督办"]
    assert page.tabs.currentWidget() is page.notices
    names = [page.notices.item(r, 2).text() for r in range(page.notices.rowCount())]
    notice_row = next(r for r, n in enumerate(names) if "逾期的管廊" in n)
    texts = [page.notices.item(notice_row, c).text() for c in range(page.notices.columnCount())]
    assert "已发" in texts

    click_row(qtbot, page.notices, notice_row, 1)

    def close_it(dialog):
        dialog.status.setCurrentText("已办结")
        dialog.text.setPlainText("已整改，12月复工")
        qtbot.mouseClick(button(dialog, "保存"), Qt.LeftButton)

    seen = answer_next_dialog(close_it)
    qtbot.mouseClick(button(page, "登记回复/办结…"), Qt.LeftButton)
    assert seen and seen[0].startswith("登记回复")
    names = [page.notices.item(r, 2).text() for r in range(page.notices.rowCount())]
    notice_row = next(r for r, n in enumerate(names) if "逾期的管廊" in n)
    texts = [page.notices.item(notice_row, c).text() for c in range(page.notices.columnCount())]
    assert "已办结" in texts
    assert window.act_undo.text() == "撤销 办结督办 逾期的管廊"


def test_indicator_actual_typed_into_the_table(qtbot, window, store):
    window.show_page("indicators")
    page = window.page("indicators")
    table = page.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    year_col = headers.index("2025年")
    name = table.item(0, headers.index("指标")).text()
    rect = table.visualRect(table.model().index(0, year_col))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    (line,) = table.viewport().findChildren(QLineEdit)  # the cell's editor
    line.selectAll()
    QTest.keyClicks(line, "12.5")
    QTest.keyClick(line, Qt.Key_Return)  # committed through a queued call
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.EditingState, timeout=5000)
    assert table.item(0, year_col).text() == "12.5"
    ind = next(i for i in list_indicators(store) if i.name == name)
    assert ind.actuals[2025] == 12.5
    assert "12.5（2025）" in table.item(0, headers.index("最新实际")).text()
    assert window.act_undo.text() == f"撤销 修改 {name} 2025年实际值"


def test_backup_now_and_restore_with_the_buttons(qtbot, window, store, monkeypatch):
    window.act_backups.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "BackupsDialog")
    assert dialog.isVisible()
    before = dialog.table.rowCount()
    qtbot.mouseClick(dialog.backup_button, Qt.LeftButton)
    assert dialog.table.rowCount() == before + 1
    assert dialog.table.item(0, 1).text() == "手动"
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(lambda _p, title, text, *a, **k: asked.append(text) or QMessageBox.Yes),
    )
    click_row(qtbot, dialog.table, 0, 0)
    qtbot.mouseClick(dialog.restore_button, Qt.LeftButton)
    assert asked and "替换当前数据库" in asked[0]
    assert window.statusBar().currentMessage().startswith("已从备份「")
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "恢复前" in reasons
    dialog.done(QDialog.Accepted)


def test_gantt_zoom_fit_and_today_buttons(qtbot, window):
    window.show_page("gantt")
    page = window.page("gantt")
    chart = page.chart
    for b in page.zoom_buttons.buttons():
        qtbot.mouseClick(b, Qt.LeftButton)
        assert chart.zoom == b.text() and b.isChecked()
    qtbot.mouseClick(page.zoom_buttons.buttons()[0], Qt.LeftButton)  # 周: far wider than the view
    weeks = chart.horizontalScrollBar().maximum()
    qtbot.mouseClick(button(page, "适合窗口"), Qt.LeftButton)
    assert chart.horizontalScrollBar().maximum() < weeks / 10  # about the plan period in view
    qtbot.mouseClick(page.zoom_buttons.buttons()[0], Qt.LeftButton)
    qtbot.mouseClick(button(page, "跳转到今天"), Qt.LeftButton)
    today_x = chart.scale.x(date(2026, 11, 29)) - chart.horizontalScrollBar().value()
    assert 0 <= today_x <= chart.viewport().width()


def test_units_new_unit_by_the_button_and_its_dialog(qtbot, window, store):
    window.show_page("units")
    page = window.page("units")
    rows = page.table.rowCount()

    def fill(dialog):
        ok = button(dialog, "确定")
        assert not ok.isEnabled()  # no name yet
        dialog.name.insert("德阳市数据局")  # as an input method commits Chinese text
        dialog.kind.setCurrentText("市级部门")
        QTest.keyClicks(dialog.contact_phone, "0838-1234567")
        qtbot.mouseClick(ok, Qt.LeftButton)

    seen = answer_next_dialog(fill)
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert seen == ["新建单位"]
    assert page.table.rowCount() == rows + 1
    names = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]  # 单位名称
    assert "德阳市数据局" in names
    from desktop_app.store.units import get_unit

    assert get_unit(store, "德阳市数据局").contact_phone == "0838-1234567"
    assert window.act_undo.text().startswith("撤销 ")


def test_keyboard_shortcuts_reach_their_actions(qtbot, window):
    """Ctrl+I opens the import wizard, Ctrl+4 shows 进度填报, Ctrl+F puts the cursor in the
    register's search box: typed on the window, not called."""
    from desktop_app.ui.exchange.wizard import ImportWizard

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key_4, Qt.ControlModifier)
    assert window.current_page_key() == "reporting"
    QTest.keyClick(window, Qt.Key_I, Qt.ControlModifier)
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible() and wizard.file_list.count() == 0
    wizard.reject()
    QTest.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    assert window.current_page_key() == "register"
    assert window.page("register").search.hasFocus()


def test_every_listed_page_shortcut_shows_its_page(qtbot, window):
    """Each shortcut the 视图 menu lists, typed on the window, shows its page: Ctrl+1 … Ctrl+9,
    Ctrl+0 for the tenth. A page after the tenth lists none (there is no "Ctrl+10" key), and the
    navigation list's tooltip says the same key as the menu."""
    from PySide6.QtGui import QKeySequence

    (view_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "视图(&V)"]
    listed = {
        a.text(): a.shortcut()
        for a in view_menu.actions()
        if a.text() in {window.nav.item(i).text() for i in range(window.nav.count())}
    }
    assert len(listed) == window.nav.count() == 11
    texts = {title: key.toString() for title, key in listed.items()}
    assert texts["首页"] == "Ctrl+1" and texts["重点任务"] == "Ctrl+9"
    assert texts["单位管理"] == "Ctrl+0" and texts["规划"] == ""
    for title, text in texts.items():
        row = [window.nav.item(i).text() for i in range(window.nav.count())].index(title)
        tip = window.nav.item(row).toolTip()
        assert tip == (f"{title}（{text}）" if text else ""), title
    every = [a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(every) == len(set(every)), "two actions share a key"

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.show_page("plans")
    for title, key in listed.items():
        if key.isEmpty():
            continue
        combo = QKeySequence(key)[0]
        QTest.keyClick(window, combo.key(), combo.keyboardModifiers())
        row = window.nav.currentRow()
        assert window.nav.item(row).text() == title, key.toString()
        assert window.stack.currentWidget() is window.pages[window.current_page_key()]
