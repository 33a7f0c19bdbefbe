"""The main window as a user meets it: pages, status bar, delete with confirmation and undo,
other databases, remembered layout, a clear message when another program holds the file."""

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.services.setup import init_database
from desktop_app.store.projects import count_projects
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, store, settings):
    w = MainWindow(store, settings, today=date(2026, 11, 29))
    qtbot.addWidget(w)
    w.show()
    w.show_page("register")
    return w


def test_navigation_and_status_bar(window, store):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    for title in ("项目库", "进度填报", "督办预警", "主要指标", "单位管理"):
        assert title in titles
    for key in window.page_keys:
        window.show_page(key)
        assert window.stack.currentWidget() is window.pages[key]
    assert str(store.path) in window.path_label.text()
    assert window.count_label.text() == "项目 195 个"
    assert window.import_label.text() == "最近导入：无"
    assert "项目库.db" in window.windowTitle()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    shortcuts = {a.text(): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["新建项目…"] == "Ctrl+N"
    assert shortcuts["查找"] == "Ctrl+F"
    assert shortcuts["刷新"] == "F5"
    assert shortcuts["打印…"] == "Ctrl+P"
    assert shortcuts["删除项目"] == "Del"


def test_the_window_fits_a_1366_pixel_laptop_screen(window):
    for page in (
        "dashboard",
        "register",
        "gantt",
        "reporting",
        "supervision",
        "indicators",
        "tasks",
    ):
        window.show_page(page)
        assert window.minimumSizeHint().width() <= 1280, page


def test_delete_asks_first_and_can_be_undone(window, monkeypatch):
    page = window.register_page
    page.view.selectRow(0)
    name = page.model.project_at(0).name
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No
    )
    window.act_delete.trigger()
    assert asked and name in asked[0]
    assert count_projects(window.ctx.store) == 195
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.act_delete.trigger()
    assert count_projects(window.ctx.store) == 194
    assert window.count_label.text() == "项目 194 个"
    assert page.model.row_of(page.model.project_at(0).id) == 0
    assert window.act_undo.text() == f"撤销 删除 {name if len(name) <= 20 else name[:19] + '…'}"
    window.act_undo.trigger()
    assert count_projects(window.ctx.store) == 195
    assert window.count_label.text() == "项目 195 个"


def test_open_another_and_a_new_database(window, tmp_path, settings):
    other_path = tmp_path / "共享文件夹" / "其他项目库.db"
    other, _ = init_database(other_path, empty=True)
    other.close()
    assert window.open_database(other_path)
    assert "其他项目库.db" in window.windowTitle()
    assert window.statusBar().currentMessage() == f"已打开数据库 {other_path}"
    assert window.ctx.register_model.total_count == 0
    assert window.recent_databases()[0] == str(other_path)
    new_path = tmp_path / "新建.db"
    assert window.new_database(new_path)
    assert window.ctx.register_model.total_count == 195
    assert window.recent_databases()[:2] == [str(new_path), str(other_path)]
    # A file moved away since: a message, no empty database made at its old place.
    other_path.rename(other_path.with_name("改名了.db"))
    assert not window.open_database(other_path)
    assert not other_path.exists() and "不存在，可能已被移动" in window.last_error
    assert str(other_path) not in window.recent_databases()
    assert "新建.db" in window.windowTitle()
    assert not window.open_database(tmp_path)  # a folder is refused with a message
    assert "文件夹" in window.last_error


def test_window_layout_and_last_view_are_remembered(qtbot, store, settings):
    w = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w)
    # the offscreen screen is 800x600; a size inside it survives restoreGeometry unclamped
    w.resize(720, 520)
    w.show_page("units")
    w.close()
    w2 = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w2)
    assert w2.current_page_key() == "units"
    assert w2.size().width() == 720


def test_a_locked_database_gives_a_clear_message(window, store):
    store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(store.path))
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        window.register_page.view.selectRow(0)
        assert not window.delete_selected(confirm=False)
    finally:
        other.rollback()
        other.close()
    assert "正被其他用户或程序使用" in window.last_error
    assert count_projects(window.ctx.store) == 195


def test_undo_refused_after_another_user_changed_it(window, store, monkeypatch):
    page = window.register_page
    page.view.selectRow(0)
    pid = page.model.project_at(0).id
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.act_delete.trigger()
    store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(store.path))
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        window.act_undo.trigger()
    finally:
        other.rollback()
        other.close()
    assert "正被其他用户或程序使用" in window.last_error
    assert window.ctx.register_model.project(pid) is None  # still deleted, view consistent


def test_find_shortcut_focuses_search(window):
    window.show_page("units")
    window.act_find.trigger()
    assert window.current_page_key() in ("units", "register")
    window.show_page("register")
    window.act_find.trigger()


def test_workbooks_dropped_on_the_window_open_the_import(qtbot, window, tmp_path):
    """Excel's, WPS's (.et) and binary (.xlsb) workbooks dropped on the window open the import
    with them listed; other files are not taken."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from desktop_app.ui.exchange.wizard import ImportWizard

    names = ["广汉市.xlsx", "旌阳区.et", "什邡市.xlsb", "旧表.xls", "说明.docx"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / n)) for n in names])
    event = QDropEvent(QPointF(20, 20), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(window.findChildren(ImportWizard)))
    wizard = window.findChildren(ImportWizard)[0]
    assert [p.name for p in wizard.files()] == names[:4]
    wizard.close()


def test_opening_a_first_release_database_adds_the_new_plan_entries(window, first_release_db):
    assert window.open_database(first_release_db)
    model = window.ctx.register_model
    assert model.total_count == 195
    codes = {model.project_at(r).code: model.project_at(r) for r in range(model.rowCount())}
    assert codes["CH04-002"].stage == "在建"  # the office's own edit, kept
    assert codes["ZL10-005"].stage_text == "前期"
    window.show_page("register")
    window.register_page.combos["stage"].setCurrentIndex(
        window.register_page.combos["stage"].findData("待填报")
    )
    assert model.shown_count > 0
    assert all(model.project_at(r).stage is None for r in range(model.rowCount()))
    # Their light says what is missing, once, without guessing 未开工.
    from desktop_app.ui.register.model import column_index

    status = model.index(0, column_index("status"))
    assert status.data() == "待填报"
