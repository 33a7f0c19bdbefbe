"""Press everything: every page's buttons, every toolbar and menu entry, every context menu.

The real main window on a database holding the plan dataset. Widgets are found generically
(``findChildren``), so a button added tomorrow is pressed without editing this test. Dialogs the
presses open are answered here: a blocking dialog is shown, its own buttons are pressed in turn
(one level down), then it is cancelled; a file, folder or input dialog returns "cancelled"; a
question is answered 否. The test fails when any exception reaches the event loop or the
excepthook, and when the application's own 程序错误 box would have been shown or its log written.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from desktop_app.locations import log_dir
from desktop_app.ui import errors
from desktop_app.ui.main_window import MainWindow

MAX_DEPTH = 2  # pages, the dialogs they open, the dialogs those open (cancelled unswept)


@dataclass
class Sweep:
    qtbot: object
    window: MainWindow
    pressed: list[str] = field(default_factory=list)
    messages: list[tuple[str, str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    menus: list[QMenu] = field(default_factory=list)
    per_page: list[tuple[str, int]] = field(default_factory=list)
    depth: int = 0
    where: str = ""

    # -- answering what the presses open ---------------------------------------------------

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def box(kind, answer):
            def show(parent, title, text, *args, **kwargs):
                self.messages.append((kind, title, text))
                return answer

            return staticmethod(show)

        monkeypatch.setattr(QMessageBox, "question", box("question", QMessageBox.No))
        monkeypatch.setattr(QMessageBox, "warning", box("warning", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "information", box("information", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "critical", box("critical", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "about", box("about", None))
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._message_exec(box))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
        monkeypatch.setattr(QFileDialog, "exec", lambda d: QDialog.Rejected)
        monkeypatch.setattr(QPrintDialog, "exec", lambda d: QDialog.Rejected)
        for name in ("getItem", "getText", "getMultiLineText", "getInt", "getDouble"):
            monkeypatch.setattr(QInputDialog, name, staticmethod(lambda *a, **k: ("", False)))
        monkeypatch.setattr(QDialog, "exec", lambda dialog: self._dialog_exec(dialog))
        # QMenu.exec cannot be replaced (it is also a static method): a menu is caught as it
        # shows, closed at once (its exec returns None, as if dismissed), and its entries are
        # triggered afterwards.
        self._menu_catcher = MenuCatcher(self.menus)
        QApplication.instance().installEventFilter(self._menu_catcher)

        # The application's own handler (log file + 程序错误 box), as the real program installs
        # it, with a recorder in front and pytest-qt's capture behind.
        previous = sys.excepthook  # pytest-qt's capture, which fails the test as well
        handlers = list(logging.getLogger().handlers)
        errors.install_excepthook()
        app_hook = sys.excepthook

        def hook(exc_type, exc, tb):
            self.exceptions.append(f"{self.where}: {exc_type.__name__}: {exc}")
            app_hook(exc_type, exc, tb)
            previous(exc_type, exc, tb)

        monkeypatch.setattr(sys, "excepthook", hook)
        monkeypatch.setattr(errors, "_shown", False)
        monkeypatch.setattr(
            logging.getLogger(),
            "handlers",
            handlers + [h for h in logging.getLogger().handlers if h not in handlers],
        )

    def _message_exec(self, box: QMessageBox) -> int:
        self.messages.append(("exec", box.windowTitle(), box.text()))
        return QMessageBox.Cancel

    def _dialog_exec(self, dialog: QDialog) -> int:
        self.visit_dialog(dialog)
        return QDialog.Rejected

    # -- visiting ---------------------------------------------------------------------------

    def settle(self) -> None:
        """Let queued events, timers at 0 and finished background jobs arrive."""
        for _ in range(3):
            QApplication.processEvents()
            QThreadPool.globalInstance().waitForDone(30000)
            QApplication.processEvents()

    def visit_dialog(self, dialog: QDialog) -> None:
        if not shiboken6.isValid(dialog):
            return
        where = self.where
        self.where = f"{where} › {type(dialog).__name__}「{dialog.windowTitle()}」"
        if isinstance(dialog, QMessageBox):
            self.messages.append(("open", dialog.windowTitle(), dialog.text()))
        elif self.depth < MAX_DEPTH:
            dialog.show()
            self.depth += 1
            try:
                self.press_all(dialog)
            finally:
                self.depth -= 1
        close(dialog)
        self.settle()
        self.where = where

    def after_press(self, before: set[int]) -> None:
        """Answer what the press left open: menus (each entry triggered) and dialogs."""
        self.settle()
        while self.menus:
            menu = self.menus.pop(0)
            if shiboken6.isValid(menu):
                self.trigger_menu(menu)
        for widget in list(QApplication.topLevelWidgets()):
            if (
                shiboken6.isValid(widget)
                and isinstance(widget, QDialog)
                and widget.isVisible()
                and id(widget) not in before
            ):
                self.visit_dialog(widget)

    def open_windows(self) -> set[int]:
        return {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}

    def press(self, button: QWidget, label: str) -> None:
        if not (shiboken6.isValid(button) and button.isVisible() and button.isEnabled()):
            return
        before = self.open_windows()
        where = self.where
        self.where = f"{where} › 「{label}」"
        self.pressed.append(self.where)
        if isinstance(button, QToolButton) and button.menu() is not None:
            self.menus.append(button.menu())
        self.qtbot.mouseClick(button, Qt.LeftButton)
        self.after_press(before)
        self.where = where

    def trigger(self, action: QAction, label: str) -> None:
        if not shiboken6.isValid(action) or action.isSeparator():
            return
        if action.menu() is not None:
            self.trigger_menu(action.menu())
            return
        if not action.isEnabled():
            return
        before = self.open_windows()
        where = self.where
        self.where = f"{where} › 「{label}{action.text()}」"
        self.pressed.append(self.where)
        action.trigger()
        self.after_press(before)
        if shiboken6.isValid(action) and action.isCheckable() and action.isEnabled():
            action.trigger()  # and back: a column hidden by the sweep is shown again
            self.after_press(before)
        self.where = where
        if not self.window.isVisible():  # 退出
            self.window.show()

    def trigger_menu(self, menu: QMenu) -> None:
        if self.depth > MAX_DEPTH:
            return
        self.depth += 1
        try:
            menu.aboutToShow.emit()  # menus filled when they open
            for action in list(menu.actions()):
                self.trigger(action, f"{menu.title()} › " if menu.title() else "")
        finally:
            self.depth -= 1

    def select_first_rows(self, root: QWidget) -> None:
        if not shiboken6.isValid(root):
            return
        for view in root.findChildren(QAbstractItemView):
            model = view.model()
            if view.isVisible() and model is not None and model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))

    def buttons(self, root: QWidget) -> list[QWidget]:
        found = [
            b
            for b in root.findChildren(QAbstractButton)
            if isinstance(b, (QPushButton, QToolButton))
            and not isinstance(b.parentWidget(), QToolBar)  # toolbar actions: triggered below
        ]
        # Widgets that say they can be clicked (a hand cursor: the 首页 tiles) are pressed too.
        found += [
            w
            for w in root.findChildren(QWidget)
            if not isinstance(w, QAbstractButton)
            and w.testAttribute(Qt.WA_SetCursor)
            and w.cursor().shape() == Qt.PointingHandCursor
        ]
        # The buttons that close a dialog (its button box) come last, so the rest are reached.
        return sorted(found, key=lambda b: isinstance(b.parentWidget(), QDialogButtonBox))

    def press_all(self, root: QWidget, show=None) -> None:
        """Every button of ``root`` (each tab of its tab widgets too), then its context menus."""
        tabs = [t for t in root.findChildren(QTabWidget) if t.isVisible()] or [None]
        for tab_widget in tabs:
            for t in range(tab_widget.count() if tab_widget else 1):
                if tab_widget is not None:
                    if not shiboken6.isValid(tab_widget) or not root.isVisible():
                        return
                    tab_widget.setCurrentIndex(t)
                self.select_first_rows(root)
                for button in self.buttons(root):
                    if show is not None:
                        show()
                    if not (shiboken6.isValid(root) and root.isVisible()):
                        return  # the dialog closed itself (关闭, 完成)
                    if shiboken6.isValid(button):
                        self.press(button, label_of(button))
                self.context_menus(root, show)

    def context_menus(self, root: QWidget, show=None) -> None:
        if not shiboken6.isValid(root):
            return
        for widget in root.findChildren(QWidget):
            if not shiboken6.isValid(root):
                return  # the dialog closed (and deleted itself) meanwhile
            if not (shiboken6.isValid(widget) and widget.isVisible()):
                continue
            if widget.contextMenuPolicy() == Qt.CustomContextMenu:
                if show is not None:
                    show()
                self.select_first_rows(root)
                before = self.open_windows()
                self.where += f" › 右键菜单({type(widget).__name__})"
                rect = widget.rect()
                for pos in (QPoint(rect.width() // 3, min(12, rect.height() // 2)), rect.center()):
                    widget.customContextMenuRequested.emit(pos)
                    self.after_press(before)
                self.where = self.where.rsplit(" › 右键菜单", 1)[0]
            elif widget.contextMenuPolicy() == Qt.ActionsContextMenu:
                for action in widget.actions():
                    self.trigger(action, "右键 › ")


def label_of(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text()
    texts = [w.text() for w in widget.findChildren(QLabel) if w.text()]
    return widget.toolTip() or (texts[0] if texts else type(widget).__name__)


class MenuCatcher(QObject):
    def __init__(self, menus: list[QMenu]):
        super().__init__()
        self.menus = menus

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Show and isinstance(obj, QMenu):
            if obj not in self.menus:
                self.menus.append(obj)  # holding it keeps a menu made without a parent alive
            QTimer.singleShot(0, obj.close)
        return False


def close(dialog: QDialog) -> None:
    """Cancel a dialog; one that asks before closing (unsaved edits) is answered 继续编辑 by the
    sweep, so it is then closed without its question."""
    if not shiboken6.isValid(dialog) or not dialog.isVisible():
        return
    dialog.reject()
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():  # the question "关闭前要保存吗？"
        if isinstance(widget, QMessageBox) and widget.isVisible():
            QDialog.done(widget, QMessageBox.Cancel)
    if shiboken6.isValid(dialog) and dialog.isVisible():
        QDialog.done(dialog, QDialog.Rejected)
    QApplication.processEvents()


@pytest.fixture
def window(qtbot, store):
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def test_every_button_action_and_menu_of_the_window_works(qtbot, window, monkeypatch):
    sweep = Sweep(qtbot, window)
    sweep.install(monkeypatch)
    try:
        run_sweep(sweep, window)
    finally:
        QApplication.instance().removeEventFilter(sweep._menu_catcher)
    assert sweep.exceptions == []
    shown = [m for m in sweep.messages if m[1] == "程序错误"]
    assert shown == [], shown
    log = log_dir() / "app.log"
    assert not log.exists() or "未处理的错误" not in log.read_text(encoding="utf-8")
    # The sweep reached every page (主要指标 has no button: its table is typed into).
    assert [k for k, _n in sweep.per_page] == window.page_keys
    assert sum(n for _k, n in sweep.per_page) > 100, sweep.per_page
    assert len(sweep.pressed) > 200


def run_sweep(sweep: Sweep, window: MainWindow) -> None:
    for key in window.page_keys:
        window.show_page(key)
        page = window.page(key)
        sweep.where = key
        before = len(sweep.pressed)
        sweep.press_all(page, show=lambda k=key: window.show_page(k))
        sweep.per_page.append((key, len(sweep.pressed) - before))

    # The toolbar and the menus, on each page (what they act on depends on the page).
    toolbar = window.findChild(QToolBar, "main_toolbar")
    for key in ("register", "gantt", "reporting"):
        window.show_page(key)
        sweep.select_first_rows(window.page(key))
        sweep.where = f"{key} 工具栏"
        for action in toolbar.actions():
            sweep.trigger(action, "")
        sweep.where = f"{key} 菜单"
        for menu_action in window.menuBar().actions():
            sweep.trigger_menu(menu_action.menu())
    sweep.settle()


@pytest.mark.qt_no_exception_capture  # the crash below is the point: recorded by the sweep
def test_the_sweep_finds_a_button_that_hands_its_flag_to_the_slot(qtbot, window, monkeypatch):
    """The mistake that shipped twice, planted on a page: the sweep must report it."""

    def open_files(files=()):
        return list(files)  # clicked(bool) arrives as files: TypeError

    page = window.page("units")
    planted = QPushButton("导入…", page)
    planted.clicked.connect(open_files)
    planted.show()
    window.show_page("units")
    sweep = Sweep(qtbot, window)
    sweep.install(monkeypatch)
    try:
        sweep.where = "units"
        sweep.press(planted, "导入…")
    finally:
        QApplication.instance().removeEventFilter(sweep._menu_catcher)
    assert len(sweep.exceptions) == 1
    assert "「导入…」" in sweep.exceptions[0] and "TypeError" in sweep.exceptions[0]
    assert [m[1] for m in sweep.messages if m[0] == "critical"] == ["程序错误"]
    assert "未处理的错误" in (log_dir() / "app.log").read_text(encoding="utf-8")
