"""Qt's own dialogs speak Chinese once the application has installed Qt's translations."""

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox

from desktop_app.ui.translations import install_qt_translations, remove_qt_translations


@pytest.fixture
def chinese(qapp):
    path = install_qt_translations(qapp)
    yield path
    remove_qt_translations(qapp)


def test_the_catalogue_is_found(chinese):
    assert chinese is not None and chinese.name == "qtbase_zh_CN.qm"


def test_message_box_buttons_are_chinese(qtbot, chinese):
    box = QMessageBox(
        QMessageBox.Question, "删除项目", "删除？", QMessageBox.Ok | QMessageBox.Cancel
    )
    qtbot.addWidget(box)
    texts = {box.button(b).text().replace("&", "") for b in (QMessageBox.Ok, QMessageBox.Cancel)}
    assert texts == {"确定", "取消"}
    yes_no = QDialogButtonBox(QDialogButtonBox.Yes | QDialogButtonBox.No)
    qtbot.addWidget(yes_no)
    assert {b.text() for b in yes_no.buttons()} == {"是(&Y)", "否(&N)"}


def test_file_dialog_is_chinese(qtbot, chinese, tmp_path):
    dialog = QFileDialog(None, "导入填报表", str(tmp_path))
    dialog.setOption(QFileDialog.DontUseNativeDialog)  # the one Qt draws (Linux, offscreen)
    qtbot.addWidget(dialog)
    labels = {w.objectName(): w.text() for w in dialog.findChildren(QLabel) if w.objectName()}
    assert labels == {
        "lookInLabel": "查找范围(&L)：",
        "fileNameLabel": "文件名称(&N)：",
        "fileTypeLabel": "文件类型(&T)：",
    }
    buttons = {
        b.text().replace("&", "") for b in dialog.findChildren(QDialogButtonBox)[0].buttons()
    }
    assert "取消" in buttons and "Cancel" not in buttons


def test_text_field_menu_is_chinese(qtbot, chinese):
    field = QLineEdit("成德")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert any("复制" in t for t in texts) and any("粘贴" in t for t in texts), texts
    assert not any("Copy" in t or "Paste" in t for t in texts)


def test_the_application_installs_them_at_start(qapp, monkeypatch, tmp_path):
    """desktop_app.app.main, as started by the user (its event loop replaced by a return)."""
    import logging
    import sys

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from desktop_app import app as entry
    from desktop_app.ui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(logging.getLogger(), "handlers", list(logging.getLogger().handlers))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    try:
        assert entry.main(["--db", str(tmp_path / "启动.db")]) == 0
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    finally:
        remove_qt_translations(qapp)
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                w.ctx.store.close()
                w.close()
                w.deleteLater()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
