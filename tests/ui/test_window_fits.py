"""The window on the screens offices have: a 1366×768 laptop and a 1920×1080 screen at 150 %
(1280×720 in Qt's units), each less a 40-pixel taskbar. What a user would notice: the window's
frame on the screen, no page scrolling sideways, sums and names readable, groups in the
office's order, a click on ▸ opening a group, and a first start that says what to do."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDialog, QFileDialog

from desktop_app.domain.fields import DISTRICTS
from desktop_app.store.units import list_units
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.register.model import column_index
from desktop_app.ui.window_geometry import (
    TITLE_BAR,
    first_geometry,
    fit_into,
    install_dialog_fitter,
)

TODAY = date(2026, 11, 29)
TASKBAR = 40
# (screen in Qt's units, less the taskbar): 1366×768 at 100 %, 1920×1080 at 150 %
SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768 - TASKBAR),
    "1920x1080@150%": QRect(0, 0, 1280, 720 - TASKBAR),
}


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, store, settings):
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("name", SCREENS)
def test_a_first_start_fills_a_small_screen_and_the_frame_stays_on_it(name):
    available = SCREENS[name]
    rect, maximised = first_geometry(available)
    assert maximised  # small screens: the whole screen
    framed = rect.adjusted(0, 0, 0, 0)
    assert available.contains(framed)  # and if un-maximised, the frame is still on it


def test_a_large_screen_gets_a_window_in_its_middle():
    available = QRect(0, 0, 2560, 1400)
    rect, maximised = first_geometry(available)
    assert not maximised
    assert available.contains(rect) and rect.center() == available.center()
    assert (rect.width(), rect.height()) == (1440, 900)


def test_size_position_and_maximised_state_come_back_only_if_they_fit(qtbot, store, settings):
    screen = QApplication.primaryScreen().availableGeometry()
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.setGeometry(QRect(screen.left() + 30, screen.top() + 60, 500, 400))
    w.close()
    again = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(again)
    assert again.geometry() == QRect(screen.left() + 30, screen.top() + 60, 500, 400)
    again.close()

    # saved on a second screen that is gone now: placed on this one instead
    settings.setValue("window/rect", QRect(screen.right() + 500, 100, 700, 500))
    settings.setValue("window/maximised", True)
    moved = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(moved)
    assert screen.contains(moved.geometry().adjusted(0, -TITLE_BAR, 0, 0))

    settings.setValue("window/rect", QRect(screen.left() + 10, screen.top() + 40, 500, 400))
    settings.setValue("window/maximised", True)
    big = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(big)
    assert big.windowState() & Qt.WindowMaximized


def _visible_sideways_bars(page) -> list[str]:
    """Scroll areas of the page (the Gantt timeline aside, which scrolls through time) whose
    horizontal scroll bar shows."""
    found = []
    for area in page.findChildren(QAbstractScrollArea):
        if not area.isVisibleTo(page) or type(area).__name__ == "GanttChart":
            continue
        if area.horizontalScrollBar().isVisibleTo(page):
            if area.horizontalScrollBarPolicy() == Qt.ScrollBarAlwaysOn:
                continue  # kept for the list beside the timeline (same height as the chart)
            found.append(f"{type(area).__name__} {area.objectName()}")
    return found


@pytest.mark.parametrize("name", SCREENS)
def test_no_page_scrolls_sideways_on_an_office_screen(window, name):
    available = SCREENS[name]
    window.resize(available.width(), available.height() - TITLE_BAR)
    for key in window.page_keys:
        window.show_page(key)
        page = window.pages[key]
        for _ in range(3):
            QApplication.processEvents()
        assert window.width() == available.width(), key  # no page made the window wider
        assert page.minimumSizeHint().width() <= page.width(), key
        assert _visible_sideways_bars(page) == [], key


def test_the_navigation_fills_its_pane(window):
    nav = window.nav
    assert nav.geometry().right() + 1 == window.stack.geometry().left()  # no strip between
    font = QFont(nav.font())
    font.setPointSizeF(11)
    widest = max(QFontMetrics(font).horizontalAdvance(nav.item(i).text()) for i in range(7))
    assert widest + 28 <= nav.width() <= widest + 60
    assert "outline: 0" in nav.styleSheet()  # no text-field-like focus frame on the chosen page


def test_a_huge_subtotal_is_shown_in_yi_and_fits_its_column(window, make_project):
    # 68,092,981 万元 once came out as 「68,092,981.…」
    make_project("BIG-1", "特大项目", district="中江县", total_investment=68_092_981.0)
    window.refresh_all()
    window.resize(1366, 768 - TASKBAR - TITLE_BAR)
    window.show_page("register")
    page, model = window.register_page, window.ctx.register_model
    page.group_combo.setCurrentIndex(page.group_combo.findData("district"))
    row = next(r for r in range(model.rowCount()) if (g := model.group_at(r)) and "中江" in g.label)
    text = model.index(row, column_index("total_investment")).data()
    assert text == "6,809.30亿元"
    bold = QFont(page.view.font())
    bold.setBold(True)
    room = page.view.columnWidth(column_index("total_investment")) - 8  # the cell's margins
    assert QFontMetrics(bold).horizontalAdvance(text) <= room
    # and the 合计 under the table, in its column too
    totals = page.totals.texts()
    assert totals["label"] == f"合计 · {model.shown_count:,} 个项目"
    assert totals["total_investment"].endswith("亿元")
    cell = page.totals.cell("total_investment")
    assert QFontMetrics(page.totals.font()).horizontalAdvance(totals["total_investment"]) <= (
        cell.width()
    )


def test_groups_follow_the_offices_order_not_the_characters(window, store, make_project):
    make_project("ORD-1", "功能区项目", lead="德阳经开区")
    make_project("ORD-2", "部门项目", lead="市交通运输局")
    make_project("ORD-3", "区县项目", lead="中江县")
    make_project("ORD-4", "区县项目二", lead="旌阳区")
    window.refresh_all()
    model = window.ctx.register_model
    model.set_group_by("district")
    labels = [g.label for r in range(model.rowCount()) if (g := model.group_at(r))]
    shown = [label for label in labels if label in DISTRICTS]
    assert shown == [d for d in DISTRICTS if d in shown]  # 旌阳区, 罗江区, 广汉市 … 中江县
    assert labels[-1] == "未填区县"
    model.set_group_by("lead")
    labels = [g.label for r in range(model.rowCount()) if (g := model.group_at(r))]
    office = [u.name for u in list_units(store)]  # as 单位管理 lists them
    known = [label for label in labels if label in office]
    assert known == sorted(known, key=office.index)
    assert known.index("旌阳区") < known.index("中江县") < known.index("德阳经开区")
    assert known.index("德阳经开区") < known.index("市交通运输局")


def test_one_click_on_the_arrow_opens_a_group_in_the_register(window):
    window.show_page("register")
    page, model = window.register_page, window.ctx.register_model
    model.set_group_by("district")
    model.set_all_collapsed(True)
    key = model.group_at(0).key
    rect = page.view.visualRect(model.index(0, column_index("status")))
    QTest.mouseClick(
        page.view.viewport(),
        Qt.LeftButton,
        Qt.NoModifier,
        QPoint(rect.left() + 8, rect.center().y()),
    )
    assert not model.is_collapsed(key)
    assert model.index(0, column_index("status")).data().startswith("▾")


def test_a_first_start_opens_on_the_home_page_with_the_next_steps(
    qtbot, store, settings, monkeypatch, tmp_path
):
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.show()
    assert w.current_page_key() == "dashboard"
    steps = w.pages["dashboard"].next_steps
    assert steps.isVisible()
    texts = [text for text, _button, _b in steps.steps]
    # First, assign what the plan leaves open; then the templates, for what units fill in.
    assert texts[0].startswith("195 个项目计划日期待填报：") and "批量修改" in texts[0]
    assert "待填报" in texts[1] and "填报模板" in texts[1]
    assert any("台账" in t for t in texts)

    # 去分配… shows the register's 待分配 view
    button = next(b for _t, _x, b in steps.steps if b.text() == "去分配…")
    QTest.mouseClick(button, Qt.LeftButton)
    assert w.current_page_key() == "register"
    assert w.ctx.register_model.filters.assign == "any"
    assert w.register_page.assign_combo.currentText() == "待分配（任一项） 195"
    w.show_page("dashboard")

    # 导入现有台账… opens the import set to a register, on 进度填报
    opened = []
    monkeypatch.setattr(QDialog, "open", lambda self: opened.append(self))
    button = next(b for _t, _x, b in steps.steps if b.text() == "导入现有台账…")
    QTest.mouseClick(button, Qt.LeftButton)
    assert w.current_page_key() == "reporting"
    assert opened and opened[-1].mode_combo.currentIndex() == 1
    opened[-1].close()

    # 生成全部单位模板… asks for a folder and writes one template per unit there
    w.show_page("dashboard")
    folder = tmp_path / "模板"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    button = next(b for _t, _x, b in steps.steps if b.text() == "生成全部单位模板…")
    QTest.mouseClick(button, Qt.LeftButton)
    assert w.current_page_key() == "reporting"
    reporting = w.pages["reporting"]
    qtbot.waitUntil(lambda: reporting.job is None, timeout=60000)
    assert len(list(Path(folder).glob("*.xlsx"))) == reporting.table.rowCount() > 0


@pytest.mark.parametrize("name", SCREENS)
def test_a_dialog_made_for_a_large_screen_is_fitted_to_a_small_one(name):
    available = SCREENS[name]
    wizard = QRect(available.left() + 100, available.top() + 50, 1100, 760)  # import, print
    fitted = fit_into(wizard, available)
    assert available.contains(fitted.adjusted(0, -TITLE_BAR, 0, 0))
    assert fitted.width() == min(1100, available.width())
    small = QRect(available.left() + 100, available.top() + 100, 400, 300)
    assert fit_into(small, available) == small  # one that fits stays where it is


def test_dialogs_shown_are_kept_on_the_screen(qtbot):
    app = QApplication.instance()
    fitter = install_dialog_fitter(app)
    try:
        dialog = QDialog()
        qtbot.addWidget(dialog)
        screen = dialog.screen().availableGeometry()
        dialog.resize(screen.width() + 300, screen.height() + 200)
        dialog.show()
        assert screen.contains(dialog.geometry().adjusted(0, -TITLE_BAR, 0, 0))
    finally:
        app.removeEventFilter(fitter)


def test_unit_and_indicator_tables_use_their_width_well(window):
    window.resize(1366, 768 - TASKBAR - TITLE_BAR)
    window.show_page("units")
    units = window.pages["units"]
    for _ in range(3):
        QApplication.processEvents()
    count_col = units.table.columnCount() - 1  # 项目数: as narrow as its figures
    assert units.table.columnWidth(count_col) <= 100
    assert units.table.columnWidth(1) >= 260  # the unit names get the room

    window.show_page("indicators")
    page = window.pages["indicators"]
    for _ in range(3):
        QApplication.processEvents()
    name_col = 2
    widest = max(
        page.table.fontMetrics().horizontalAdvance(page.table.item(r, name_col).text())
        for r in range(page.table.rowCount())
    )
    # long names wrap onto two lines rather than being cut while the page has room
    assert page.table.columnWidth(name_col) * 2 >= widest
    page.table.selectRow(0)
    assert page.chart_stack.currentWidget() is page.no_data  # no value yet: no made-up axis
    assert "暂无数据" in page.no_data.text()
    page.set_value(0, 2024, "5.2")
    page.table.selectRow(1)
    page.table.selectRow(0)
    assert page.chart_stack.currentWidget() is page.chart_view


def _clipped_texts(page) -> list[str]:
    """Labels and buttons of the page whose one-line text is wider than the widget shows."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    out = []
    for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
        if not widget.isVisibleTo(page) or not widget.text() or "\n" in widget.text():
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or widget.textFormat() == Qt.RichText):
            continue
        text = widget.text().replace("&", "")
        need = widget.fontMetrics().horizontalAdvance(text)
        room = widget.contentsRect().width()
        if isinstance(widget, QAbstractButton):
            room -= 8  # the button's own margins
        if need > room:
            out.append(f"{type(widget).__name__}「{text}」{need}>{room}")
    return out


@pytest.mark.parametrize("name", SCREENS)
def test_no_label_or_button_is_cut_short(window, name):
    available = SCREENS[name]
    window.resize(available.width(), available.height() - TITLE_BAR)
    for key in window.page_keys:
        window.show_page(key)
        for _ in range(3):
            QApplication.processEvents()
        assert _clipped_texts(window.pages[key]) == [], key
