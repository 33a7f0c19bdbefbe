"""The application starts, renders Chinese with its own font, and lists the plan's projects."""

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QAbstractItemView

from desktop_app.services.setup import open_or_create
from desktop_app.ui.main_window import MainWindow


def test_bundled_font_covers_chinese(qapp):
    metrics = QFontMetrics(qapp.font())
    for ch in "成德同城化发展领导小组办公室待填报":
        assert metrics.inFontUcs4(ord(ch)), ch


def test_first_run_creates_database_and_lists_projects(qtbot, tmp_path):
    path = tmp_path / "新用户" / "projects.db"
    store = open_or_create(path)
    window = MainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.show_page("register")
    assert path.exists()
    assert "projects.db" in window.windowTitle()
    views = window.findChildren(QAbstractItemView)
    assert any(v.model() is not None and v.model().rowCount() == 195 for v in views)
    image: QImage = window.grab().toImage()
    assert image.width() > 600 and not image.isNull()
    window.ctx.store.close()


def test_the_database_used_last_opens_again_or_the_user_is_told(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.app import last_database
    from desktop_app.services.setup import init_database

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    assert last_database(settings) is None  # first start: the default database
    shared = tmp_path / "共享文件夹" / "projects.db"
    init_database(shared, empty=True)[0].close()
    settings.setValue("recent/databases", [str(shared)])
    assert last_database(settings) == shared
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    shared.rename(shared.with_name("搬走了.db"))  # the share not connected, say
    assert last_database(settings) is None
    assert warned and "现在无法找到" in warned[0] and str(shared) in warned[0]
