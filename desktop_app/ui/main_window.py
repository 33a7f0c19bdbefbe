"""The main window: navigation between the pages, menus, toolbar, status bar, open/new database.

It only wires things: pages come from ``ui/pages.py``, edits go through ``ui/undo.py``
commands, and every view reloads itself from ``ctx.changed``.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from .. import APP_NAME
from ..domain.errors import UserError
from ..exchange.workbook_safety import WORKBOOK_SUFFIXES
from ..services.backup import daily_backup
from ..services.changes import Changes
from ..services.plans import list_plans, view_plan
from ..services.setup import init_database, update_dataset
from ..store import Store
from ..store.history import last_import
from ..store.plans import current_plan_id, viewed_plan_id
from ..store.projects import count_projects
from .busy import busy_cursor
from .context import AppContext
from .pages import PAGES, load_class, page_shortcut
from .register.model import RegisterModel
from .undo import BulkEditCommand, DeleteProjectsCommand, execute
from .window_geometry import TITLE_BAR, first_geometry, fits
from .worker import start_job

MAX_RECENT = 8


def _truthy(value) -> bool:
    """A bool read back from QSettings (an INI file gives the text "true")."""
    return value is True or str(value).lower() == "true"


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        settings: QSettings | None = None,
        *,
        today: date | None = None,
        backup_on_open: bool = True,
    ):
        super().__init__()
        self.ctx = AppContext(store, settings, today=today)
        self.ctx.register_model = RegisterModel(self.ctx)
        self.settings = self.ctx.settings
        self.editor = None
        self.bulk_dialog = None  # the 批量修改 dialog while it is open
        self.backup_job = None  # the daily backup, while it runs
        self.setAcceptDrops(True)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        # No dotted focus rectangle around the chosen page (it looked like a text field); the
        # keyboard still moves through the list, the colour shows where it is.
        self.nav.setStyleSheet(
            "QListWidget#navigation { font-size: 11pt; border: none; outline: 0;"
            " background: #F1F3F4; }"
            "QListWidget#navigation::item { padding: 10px 14px; border: none; }"
            "QListWidget#navigation::item:selected { background: #D2E3FC; color: #174EA6; }"
        )
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        # Pages are built when first shown, and a hidden page gets the changes it missed when
        # it is shown again: at 10,000 projects reloading every page on each edit takes seconds.
        self.pages: dict[str, QWidget] = {}
        self.page_keys: list[str] = []
        self._page_classes: dict[str, type] = {}
        self._pending: dict[str, Changes] = {}
        for key, title, spec in PAGES:
            # Only check the module is installed: importing every page at start-up costs time
            # the first paint does not need; a page's module is imported when first shown.
            if importlib.util.find_spec(spec.split(":")[0]) is None:
                continue
            self._page_classes[key] = spec
            self.page_keys.append(key)
            self.stack.addWidget(QWidget())  # placeholder until the page is first shown
            self.nav.addItem(QListWidgetItem(title))
        self.nav.currentRowChanged.connect(self._page_changed)
        self._fit_navigation()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.page("register")  # built now: it owns the column settings and the search

        self.ctx.changed.connect(self._changed)
        self.ctx.edit_project_requested.connect(self.open_editor)
        self.ctx.show_projects_requested.connect(self.show_projects)
        self.ctx.show_tasks_requested.connect(self.show_tasks)
        self.ctx.error_reported.connect(self.show_error)
        self.ctx.action_requested.connect(self.do_action)

        self._restore_window()
        self._update_title()
        self._update_status()
        self._update_actions()
        if backup_on_open:
            self._daily_backup()

    # -- building --------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        # triggered(bool) must not reach a slot with an optional parameter (import_files(files)).
        action.triggered.connect(lambda: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        stack = self.ctx.undo_stack
        self.act_undo = stack.createUndoAction(self, "撤销")
        self.act_undo.setShortcut(QKeySequence.Undo)
        self.act_redo = stack.createRedoAction(self, "重做")
        # QKeySequence(Redo) is only the platform's first binding (Ctrl+Y here): Ctrl+Shift+Z,
        # the other usual one, is named explicitly.
        self.act_redo.setShortcuts(
            list(
                dict.fromkeys(
                    [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
                    + QKeySequence.keyBindings(QKeySequence.Redo)
                )
            )
        )
        # Short toolbar twins of undo/redo: the menu items carry the full step name.
        self.tb_undo = QAction("撤销", self)
        self.tb_undo.triggered.connect(stack.undo)
        self.tb_undo.setEnabled(False)
        stack.canUndoChanged.connect(self.tb_undo.setEnabled)
        stack.undoTextChanged.connect(self._undo_text_changed)
        self.tb_redo = QAction("重做", self)
        self.tb_redo.triggered.connect(stack.redo)
        self.tb_redo.setEnabled(False)
        stack.canRedoChanged.connect(self.tb_redo.setEnabled)
        stack.redoTextChanged.connect(self._redo_text_changed)
        self.act_new_project = self._action("新建项目…", self.new_project, "Ctrl+N")
        self.act_edit = self._action("编辑项目…", self.edit_current, "Ctrl+E")
        self.act_delete = self._action("删除项目", self.delete_selected, QKeySequence.Delete)
        self.act_bulk = self._action(
            "批量修改…",
            self.bulk_edit,
            "Ctrl+Shift+E",
            "给选中的多个项目一次设定牵头/责任单位、专栏、阶段、计划日期或总投资",
        )
        self.act_history = self._action("修改历史…", self.show_project_history, "Ctrl+H")
        self.act_find = self._action("查找", self.focus_search, QKeySequence.Find)
        self.act_refresh = self._action("刷新", self.refresh_all, "F5")
        self.act_print = self._action("打印…", self.print_dialog, QKeySequence.Print)
        self.act_evaluation = self._action(
            "规划实施评估…", self.evaluation_dialog, tip="按章节评估规划实施情况，生成 Word 报告"
        )
        self.act_import = self._action("导入填报表…", self.import_files, "Ctrl+I")
        self.act_open = self._action("打开数据库…", self.open_database_dialog, QKeySequence.Open)
        self.act_new_db = self._action("新建数据库…", self.new_database_dialog, "Ctrl+Shift+N")
        self.act_backups = self._action("备份与恢复…", self.show_backups)
        self.act_log = self._action("导入与备份日志…", self.show_database_log)
        self.act_settings = self._action("设置…", self.show_settings)
        self.act_quit = self._action("退出", self.close, QKeySequence.Quit)

    def _undo_text_changed(self, text: str) -> None:
        self.tb_undo.setToolTip(f"撤销 {text}（Ctrl+Z）")

    def _redo_text_changed(self, text: str) -> None:
        self.tb_redo.setToolTip(f"重做 {text}（Ctrl+Y）")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addAction(self.act_new_db)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("最近打开")
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_print)
        file_menu.addAction(self.act_evaluation)
        file_menu.addSeparator()
        file_menu.addAction(self.act_backups)
        file_menu.addAction(self.act_log)
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        self._fill_recent_menu()

        edit_menu = bar.addMenu("编辑(&E)")
        edit_menu.addAction(self.act_undo)
        edit_menu.addAction(self.act_redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_new_project)
        edit_menu.addAction(self.act_edit)
        edit_menu.addAction(self.act_bulk)
        edit_menu.addAction(self.act_delete)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_find)
        edit_menu.addAction(self.act_history)

        view_menu = bar.addMenu("视图(&V)")
        self.page_actions: dict[str, QAction] = {}
        for i, key in enumerate(self.page_keys):
            item = self.nav.item(i)
            shortcut = page_shortcut(i)
            action = self._action(item.text(), lambda k=key: self.show_page(k), shortcut)
            if shortcut:
                item.setToolTip(f"{item.text()}（{shortcut}）")
            self.page_actions[key] = action
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.act_refresh)

        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self._action("关于", self.about))

    def _build_toolbar(self) -> None:
        bar = QToolBar("常用")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for action in (
            self.act_new_project,
            self.act_edit,
            self.act_delete,
            None,
            self.tb_undo,
            self.tb_redo,
            None,
            self.act_find,
            self.act_refresh,
            None,
            self.act_import,
            self.act_print,
            self.act_backups,
        ):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        self.path_label = QLabel()
        self.count_label = QLabel()
        self.import_label = QLabel()
        # Which plan the window looks at (the current plan unless another is chosen).
        self.plan_chooser = QComboBox()
        self.plan_chooser.setObjectName("plan_chooser")
        self.plan_chooser.setToolTip("查看哪个规划的项目、任务和指标（默认当前规划）")
        self.plan_chooser.activated.connect(lambda index: self._plan_chosen(index))
        bar = self.statusBar()
        bar.addWidget(self.path_label, 1)
        bar.addPermanentWidget(self.plan_chooser)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.import_label)

    def _fit_navigation(self) -> None:
        """The list exactly as wide as its longest title with the item padding: the whole
        pane is the list, no grey strip beside it."""
        font = self.nav.font()
        font.setPointSizeF(11)
        metrics = QFontMetrics(font)
        widest = max(
            (metrics.horizontalAdvance(self.nav.item(i).text()) for i in range(self.nav.count())),
            default=0,
        )
        self.nav.setFixedWidth(widest + 2 * 14 + 16)

    # -- pages -----------------------------------------------------------------------------

    @property
    def register_page(self):
        return self.page("register")

    def page(self, key: str) -> QWidget | None:
        """The page ``key``, built now if it was not shown yet (None if not installed)."""
        if key in self.pages:
            return self.pages[key]
        if key not in self._page_classes:
            return None
        cls = self._page_classes[key]
        if isinstance(cls, str):
            cls = load_class(cls)
            if cls is None:
                return None
            self._page_classes[key] = cls
        index = self.page_keys.index(key)
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        page = cls(self.ctx, self)
        self.pages[key] = page
        self._wire_page(key, page)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        return page

    def _wire_page(self, key: str, page: QWidget) -> None:
        """The window's actions on a page's selected projects: its context menu offers them,
        and its selection enables them."""
        if key == "register":
            page.context_actions = [
                self.act_edit,
                self.act_bulk,
                self.act_history,
                None,
                self.act_delete,
            ]
            page.view.selectionModel().selectionChanged.connect(self._update_actions)
        elif key == "gantt":
            page.context_actions = [self.act_bulk]
            page.table.selectionModel().selectionChanged.connect(self._update_actions)
        elif key == "tasks":  # 修改历史 (Ctrl+H) shows the selected task's
            page.view.selectionModel().selectionChanged.connect(self._update_actions)

    def show_page(self, key: str) -> None:
        if key in self.page_keys:
            self.nav.setCurrentRow(self.page_keys.index(key))

    def current_page_key(self) -> str | None:
        i = self.nav.currentRow()
        return self.page_keys[i] if 0 <= i < len(self.page_keys) else None

    def _page_changed(self, row: int) -> None:
        if 0 <= row < len(self.page_keys):
            key = self.page_keys[row]
            page = self.page(key)
            self.stack.setCurrentIndex(row)
            pending = self._pending.pop(key, None)
            if pending is not None:
                page.refresh(pending)
            self.settings.setValue("window/page", key)
        self._update_actions()

    def show_projects(self, request: dict) -> None:
        """Show the register filtered as another view asked (e.g. {"status": "红"})."""
        self.ctx.register_model.apply_request(dict(request or {}))
        self.show_page("register")

    def show_tasks(self, request: dict) -> None:
        """Show the 重点任务 page filtered as another view asked (e.g. {"unassigned": True})."""
        page = self.page("tasks")
        if page is not None:
            self.show_page("tasks")
            page.show_filtered(dict(request or {}))

    # -- project actions -------------------------------------------------------------------

    def selected_project_ids(self) -> list[str]:
        page = self.stack.currentWidget()
        if hasattr(page, "selected_project_ids"):
            return page.selected_project_ids()
        return []

    def _current_project_id(self) -> str | None:
        page = self.stack.currentWidget()
        if hasattr(page, "current_project_id"):
            return page.current_project_id()
        ids = self.selected_project_ids()
        return ids[0] if ids else None

    def new_project(self) -> None:
        self.open_editor(None)

    def edit_current(self) -> None:
        pid = self._current_project_id()
        if pid:
            self.open_editor(pid)

    def open_editor(self, project_id: str | None):
        from .editor.dialog import ProjectEditor

        try:
            editor = ProjectEditor(self.ctx, project_id, self)
        except UserError as exc:
            self.show_error(exc)
            return None
        editor.setAttribute(Qt.WA_DeleteOnClose)
        self.editor = editor
        editor.finished.connect(lambda _r, e=editor: self._editor_closed(e))
        editor.open()
        return editor

    def _editor_closed(self, editor) -> None:
        if editor.saved and editor.project_id and self.register_page is not None:
            self.register_page.select_project(editor.project_id)
        if self.editor is editor:
            self.editor = None

    def delete_selected(self, *, confirm: bool = True) -> bool:
        ids = self.selected_project_ids()
        if not ids:
            return False
        model = self.ctx.register_model
        names = [model.project(i).name for i in ids if model.project(i)]
        if confirm:
            what = f"「{names[0]}」" if len(ids) == 1 else f"选中的 {len(ids)} 个项目"
            answer = QMessageBox.question(
                self,
                "删除项目",
                f"删除{what}？\n删除前会自动备份数据库；删除后可用「撤销」（Ctrl+Z）恢复。",
            )
            if answer != QMessageBox.Yes:
                return False
        try:
            with busy_cursor():  # a backup of the whole database comes first
                execute(
                    self.ctx,
                    DeleteProjectsCommand(self.ctx, ids, keep_backups=self.ctx.keep_backups()),
                )
        except UserError as exc:
            self.show_error(exc)
            return False
        return True

    def bulk_edit(self):
        """批量修改 of the selected projects: the dialog applies the change as one undo step."""
        ids = (
            self.selected_project_ids() if self.current_page_key() in ("register", "gantt") else []
        )
        if not ids:
            return None
        from .register.bulk_dialog import BulkEditDialog

        model = self.ctx.register_model
        versions = {pid: p.version for pid in ids if (p := model.project(pid)) is not None}

        def apply(edit) -> None:
            execute(self.ctx, BulkEditCommand(self.ctx, ids, edit, expected_versions=versions))
            page = self.stack.currentWidget()
            if hasattr(page, "select_projects"):  # still selected, for the next change
                page.select_projects(ids)

        dialog = BulkEditDialog(self.ctx, len(ids), apply, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.bulk_dialog = dialog
        dialog.open()
        return dialog

    def show_project_history(self) -> None:
        from .history import HistoryDialog

        if self.current_page_key() == "tasks":
            self.page("tasks").show_history()
            return

        pid = self._current_project_id()
        if pid:
            dialog = HistoryDialog(self.ctx, pid, self)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.open()

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if not hasattr(page, "focus_search"):
            self.show_page("register")
            page = self.register_page
        if page is not None and hasattr(page, "focus_search"):
            page.focus_search()

    def refresh_all(self) -> None:
        self.ctx.notify(Changes.everything())

    # -- other dialogs ---------------------------------------------------------------------

    def print_dialog(self) -> None:
        cls = load_class("desktop_app.ui.reports.print_dialog:PrintDialog")
        if cls is None:
            self.statusBar().showMessage("打印功能未安装。", 5000)
            return
        dialog = cls(self.ctx, self, project_id=self._current_project_id())
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()

    def import_files(self, *, files: list[Path] | None = None) -> None:
        cls = load_class("desktop_app.ui.exchange.wizard:ImportWizard")
        if cls is None:
            self.statusBar().showMessage("导入功能未安装。", 5000)
            return
        dialog = cls(self.ctx, self, files=list(files or []))
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()

    def import_register(self):
        """The import wizard set to a 项目台账 (the office's existing Excel register)."""
        cls = load_class("desktop_app.ui.exchange.wizard:ImportWizard")
        if cls is None:
            self.statusBar().showMessage("导入功能未安装。", 5000)
            return None
        dialog = cls(self.ctx, self)
        dialog.mode_combo.setCurrentIndex(1)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def do_action(self, action: str) -> None:
        """A next step chosen on 首页, done where it is normally done (进度填报)."""
        if action == "assign":
            self.show_projects({"assign": "any"})
            return
        self.show_page("reporting")
        page = self.page("reporting")
        if action == "issue_templates" and page is not None:
            page.issue_all()
        elif action == "import_register":
            self.import_register()
        elif action == "import_returns":
            self.import_files(files=[])

    def show_backups(self):
        from .backups import BackupsDialog

        dialog = BackupsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_database_log(self) -> None:
        from .history import HistoryDialog

        dialog = HistoryDialog(self.ctx, None, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()

    def show_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()

    def about(self) -> None:
        from .. import __version__

        QMessageBox.about(
            self,
            "关于",
            f"{APP_NAME}\n版本 {__version__}\n成德同城化发展领导小组办公室\n\n"
            f"数据库：{self.ctx.store.path}",
        )

    def show_error(self, exc: UserError) -> None:
        """A refused operation: a message box that does not block, and a line in the status bar."""
        text = getattr(exc, "message", str(exc))
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        box = QMessageBox(QMessageBox.Warning, "操作未完成", text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()

    # -- databases -------------------------------------------------------------------------

    def open_database_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "打开数据库", str(self.ctx.store.path.parent), "项目数据库 (*.db);;所有文件 (*)"
        )
        if path:
            self.open_database(Path(path))

    def new_database_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "新建数据库", str(self.ctx.store.path.parent / "新项目库.db"), "项目数据库 (*.db)"
        )
        if path:
            self.new_database(Path(path))

    def open_database(self, path: Path) -> bool:
        """Switch to another database file (e.g. on a shared folder); it must exist (新建数据库
        makes new ones): a file moved away is never replaced by an empty one at its old place."""
        try:
            store = Store.open(path, create=False)
        except UserError as exc:
            problem = exc
            if not Path(path).exists():
                self._forget_recent(Path(path))
                problem = UserError(
                    f"数据库文件「{path}」不存在，可能已被移动、改名或删除（共享文件夹也可能未连接）。"
                    "已从「最近打开」中移除。请用「打开数据库」重新选择。"
                )
            self.show_error(problem)
            return False
        try:
            update_dataset(store)  # a file made by an earlier version gets the plan's new entries
        except UserError as exc:
            store.close()
            self.show_error(exc)
            return False
        self._switch_to(store)
        return True

    def _forget_recent(self, path: Path) -> None:
        text = str(path)
        self.settings.setValue(
            "recent/databases", [r for r in self.recent_databases() if r != text]
        )
        self._fill_recent_menu()

    def new_database(self, path: Path, *, empty: bool = False) -> bool:
        """Create a database with the built-in plan dataset (or empty) and switch to it."""
        try:
            store, _ = init_database(path, empty=empty)
        except UserError as exc:
            self.show_error(exc)
            return False
        self._switch_to(store)
        return True

    def _switch_to(self, store: Store) -> None:
        self.ctx.replace_store(store)
        self._add_recent(store.path)
        self._update_title()
        # Says which file is open now (and clears an earlier file's error from the bar).
        self.statusBar().showMessage(f"已打开数据库 {store.path}", 10000)
        self._daily_backup()

    def _daily_backup(self) -> None:
        """Today's first backup of the open database, made off the GUI thread (with a connection
        of its own): on a shared folder, copying a large database takes seconds, which the window
        would otherwise spend blank before it is even shown."""
        store = self.ctx.store
        if store.read_only:
            return
        keep = self.ctx.keep_backups()
        self.backup_job = start_job(
            Path(store.path),
            lambda job_store, _progress: daily_backup(job_store, keep=keep),
            on_done=self._daily_backup_done,
            on_error=self._daily_backup_failed,
            user=store.user,
        )

    def _daily_backup_done(self, _path) -> None:
        self.backup_job = None

    def _daily_backup_failed(self, exc: BaseException, trace: str) -> None:
        self.backup_job = None
        if not isinstance(exc, UserError):
            raise exc
        self.statusBar().showMessage(f"自动备份未完成：{exc.message}", 10000)

    def recent_databases(self) -> list[str]:
        value = self.settings.value("recent/databases", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if v]

    def _add_recent(self, path: Path) -> None:
        text = str(path)
        recent = [text] + [r for r in self.recent_databases() if r != text]
        self.settings.setValue("recent/databases", recent[:MAX_RECENT])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_databases()
        for text in recent:
            self.recent_menu.addAction(text, lambda t=text: self.open_database(Path(t)))
        self.recent_menu.setEnabled(bool(recent))

    # -- state -----------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        current = self.current_page_key()
        for key, page in self.pages.items():
            if key == current:
                page.refresh(changes)
            else:
                self._pending[key] = self._pending.get(key, Changes()) | changes
        if changes.database:
            self._update_title()
        self._update_status()
        self._update_actions()

    def _update_title(self) -> None:
        path = self.ctx.store.path
        ro = "（只读）" if self.ctx.store.read_only else ""
        self.setWindowTitle(f"{path.name}{ro} — {APP_NAME} — {path}")
        self.path_label.setText(f"数据库：{path}")

    def _fill_plan_chooser(self) -> None:
        store = self.ctx.store
        plans = list_plans(store)
        viewed = viewed_plan_id(store)
        self.plan_chooser.blockSignals(True)
        self.plan_chooser.clear()
        for p in plans:
            closed = "，已关闭" if p.closed else ""
            self.plan_chooser.addItem(f"规划：{p.short_name}（{p.years}{closed}）", p.id)
            if p.id == viewed:
                self.plan_chooser.setCurrentIndex(self.plan_chooser.count() - 1)
        self.plan_chooser.setVisible(bool(plans))
        self.plan_chooser.blockSignals(False)

    def _plan_chosen(self, index: int) -> None:
        plan_id = self.plan_chooser.itemData(index)
        store = self.ctx.store
        if plan_id is None or plan_id == viewed_plan_id(store):
            return
        view_plan(store, None if plan_id == current_plan_id(store) else plan_id)
        self.ctx.changed.emit(Changes.everything())

    def evaluation_dialog(self) -> None:
        from .reports.evaluation_dialog import EvaluationDialog

        EvaluationDialog(self.ctx, self).exec()

    def _update_status(self) -> None:
        store = self.ctx.store
        self._fill_plan_chooser()
        self.count_label.setText(f"项目 {count_projects(store)} 个")
        batch = last_import(store)
        if batch:
            self.import_label.setText(
                f"最近导入：{batch['at'].replace('T', ' ')[:16]} {batch['file_name']}"
            )
        else:
            self.import_label.setText("最近导入：无")

    def _update_actions(self, *_args) -> None:
        on_projects = self.current_page_key() in ("register", "gantt")
        has = bool(self.selected_project_ids()) if on_projects else False
        self.act_edit.setEnabled(has)
        self.act_delete.setEnabled(has)
        self.act_bulk.setEnabled(has)
        if self.current_page_key() == "tasks":
            self.act_history.setEnabled(len(self.page("tasks").selected_task_ids()) == 1)
        else:
            self.act_history.setEnabled(has)

    def _restore_window(self) -> None:
        """Back where the user left it if that still fits a screen; else sized to this screen
        (maximised on small ones). A first start opens on 首页, which says what to do first."""
        rect = self.settings.value("window/rect")
        screens = [s.availableGeometry() for s in QGuiApplication.screens()]
        # The saved rectangle is the inside of the window: leave room for its title bar.
        if isinstance(rect, QRect) and fits(rect.adjusted(0, -TITLE_BAR, 0, 0), screens):
            self.setGeometry(rect)
            maximised = _truthy(self.settings.value("window/maximised", False))
        else:
            screen = self.screen() or QGuiApplication.primaryScreen()
            rect, maximised = first_geometry(screen.availableGeometry())
            self.setGeometry(rect.adjusted(0, TITLE_BAR, 0, 0))
        if maximised:
            self.setWindowState(self.windowState() | Qt.WindowMaximized)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        page = self.settings.value("window/page") or "dashboard"
        if page not in self.page_keys:
            page = "dashboard" if "dashboard" in self.page_keys else "register"
        self.show_page(page)
        if self.nav.currentRow() < 0 and self.page_keys:
            self.nav.setCurrentRow(0)
        self._add_recent(self.ctx.store.path)

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/rect", self.normalGeometry())
        self.settings.setValue("window/maximised", self.isMaximized())
        self.settings.setValue("window/state", self.saveState())
        if self.register_page is not None:
            self.register_page.save_columns()
        self.settings.sync()
        super().closeEvent(event)

    # -- drop files to import --------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(
            u.toLocalFile().lower().endswith(WORKBOOK_SUFFIXES) for u in event.mimeData().urls()
        ):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [
            Path(u.toLocalFile())
            for u in event.mimeData().urls()
            if u.toLocalFile().lower().endswith(WORKBOOK_SUFFIXES)
        ]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_files(files=files))
