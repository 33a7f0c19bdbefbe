"""The 甘特图 page: the register's project list on the left, the timeline on the right.

Both halves show the one shared register model (same filters, grouping, collapsed groups) and
scroll together. The toolbar holds the zoom levels, 适合窗口, 跳转到今天, the baseline chooser,
保存基线 and the exports; a side list names the projects that slipped against the baseline.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...services.changes import Changes
from ...services.progress import Cancelled
from ...store import schedule as schedule_store
from ..errors import show_user_error
from ..undo import execute
from ..worker import start_job
from . import export
from .chart import GanttChart
from .commands import AddLinkCommand, RemoveLinkCommand, SaveBaselineCommand, SetSpanCommand
from .link_dialog import LinkDialog, link_label
from .listmodel import GanttListModel
from .painter import HEADER_HEIGHT
from .rows import ROW_HEIGHT
from .timescale import ZOOM_ORDER


def _register_model(ctx):
    model = getattr(ctx, "register_model", None)
    if model is None:
        from ..register.model import RegisterModel

        model = ctx.register_model = RegisterModel(ctx)
    return model


class GanttPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = _register_model(ctx)
        self.baseline_id: int | None = None
        self._job = None
        self.last_export: tuple[str, object] | None = None

        self.chart = GanttChart(today=ctx.today())
        self.chart.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.chart.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # the list's bar scrolls both
        self.chart.set_plan_period(*(schedule_store.plan_years(ctx.store) or (None, None)))
        self.chart.set_model(self.model)
        self.table = QTableView()
        self.list_model = GanttListModel(self.chart, self)
        self.table.setModel(self.list_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        # Several rows (Shift/Ctrl+click, Ctrl+A) for 批量修改; the chart highlights them all.
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.verticalHeader().setMinimumSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().setFixedHeight(HEADER_HEIGHT)
        self.table.setWordWrap(False)
        self.table.setColumnWidth(0, 124)
        # The name takes the list's remaining width and a long one ends in "…".
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setTextElideMode(Qt.ElideRight)
        self.table.doubleClicked.connect(self._table_double_clicked)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)

        # one vertical position for both halves (pixels: the list scrolls per pixel)
        self.table.verticalScrollBar().valueChanged.connect(self.chart.verticalScrollBar().setValue)
        self.chart.verticalScrollBar().valueChanged.connect(self.table.verticalScrollBar().setValue)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.chart.set_selected_row(cur.row())
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selection())
        self.chart.rowClicked.connect(self._select_row)
        self.chart.rowsExtended.connect(self._extend_selection)
        self.chart.rowActivated.connect(self._activate_row)
        self.chart.spanEdited.connect(self._span_edited)
        self.chart.zoomChanged.connect(self._zoom_shown)
        # On the scroll area, not its viewport: the area takes the viewport's context menu
        # events (a request on the viewport is never emitted); ``pos`` is in viewport pixels.
        self.chart.setContextMenuPolicy(Qt.CustomContextMenu)
        self.chart.customContextMenuRequested.connect(self._chart_menu)
        self._pending_pred: str | None = None  # "设为前置项目" waits for its successor
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        # Actions the main window provides for the selected projects (批量修改), set by it.
        self.context_actions: list = []

        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        self.slipped = QListWidget()
        self.slipped.itemDoubleClicked.connect(self._slipped_clicked)
        self.slipped.hide()
        split.addWidget(self.slipped)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 1000, 240])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._toolbar())
        layout.addWidget(self._filter_bar())
        layout.addWidget(split, 1)

        self._kept: tuple[int, str | None] = (0, None)
        self._kept_selection: list[str] = []
        self.list_model.modelAboutToBeReset.connect(self._before_reset)
        self.list_model.modelReset.connect(self._after_reset)
        self._load_schedule()
        self.chart.set_zoom("季")
        self._zoom_shown("季")
        self.jump_to_today()
        self._shown_once = False
        self.model.filtersChanged.connect(self._show_filter)
        self.model.modelReset.connect(self._show_filter)
        self._show_filter()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.initial_view()

    def initial_view(self) -> None:
        """Today at the 季 zoom; the whole plan period when most projects have no dates yet."""
        rows = [r for r in self.chart.layout_.rows if r.kind == "project"]
        dated = sum(1 for r in rows if r.plan)
        if rows and dated < len(rows) / 2:
            self.chart.fit_to_window()
        else:
            self.chart.set_zoom("季")
            self.jump_to_today()

    # -- widgets -----------------------------------------------------------------------------

    def _toolbar(self) -> QHBoxLayout:
        from ..register.model import GROUPINGS

        row = QHBoxLayout()
        row.addWidget(QLabel("分组"))
        self.group_combo = QComboBox()
        self.group_combo.addItem("不分组", None)
        for key, title in GROUPINGS.items():
            self.group_combo.addItem(f"按{title}", key)
        self.group_combo.currentIndexChanged.connect(
            lambda _: self.model.set_group_by(self.group_combo.currentData())
        )
        self.model.filtersChanged.connect(self._sync_group_combo)
        self._sync_group_combo()
        row.addWidget(self.group_combo)
        row.addSpacing(12)
        row.addWidget(QLabel("刻度"))
        self.zoom_buttons = QButtonGroup(self)
        for zoom in ZOOM_ORDER:
            b = QPushButton(zoom)
            b.setCheckable(True)
            b.setFixedWidth(36)
            b.setToolTip(f"按{zoom}显示（Ctrl+滚轮可连续缩放）")
            b.clicked.connect(lambda _=False, z=zoom: self.chart.set_zoom(z))
            self.zoom_buttons.addButton(b)
            row.addWidget(b)
        fit = QPushButton("适合窗口")
        fit.setToolTip("缩放到能看到全部项目的工期")
        fit.clicked.connect(self.chart.fit_to_window)
        today = QPushButton("跳转到今天")
        today.clicked.connect(self.jump_to_today)
        row.addWidget(fit)
        row.addWidget(today)
        row.addSpacing(12)
        row.addWidget(QLabel("基线"))
        self.baseline_combo = QComboBox()
        self.baseline_combo.setMinimumWidth(150)
        self.baseline_combo.currentIndexChanged.connect(self._baseline_chosen)
        row.addWidget(self.baseline_combo)
        save = QPushButton("保存基线…")
        save.setToolTip("把当前所有项目的计划开工、完工日期保存为一个基线，以后对比延误")
        save.clicked.connect(self.save_baseline)
        row.addWidget(save)
        row.addStretch(1)
        out = QPushButton("导出…")
        out.setObjectName("gantt_export")
        menu = QMenu(out)
        menu.addAction("当前视图为图片（PNG）…", lambda: self.export_dialog("png", whole=False))
        menu.addAction("整张图为图片（PNG）…", lambda: self.export_dialog("png", whole=True))
        menu.addAction("整张图为 PDF（A3 横向）…", lambda: self.export_dialog("A3", whole=True))
        menu.addAction("整张图为 PDF（A4 横向）…", lambda: self.export_dialog("A4", whole=True))
        out.setMenu(menu)
        row.addWidget(out)
        return row

    def _filter_bar(self) -> QWidget:
        """A strip that says the chart shows only what the register's filter lets through (the
        two pages share it), with a button that clears it. Hidden when nothing is filtered."""
        bar = QWidget()
        bar.setObjectName("gantt_filter_bar")
        bar.setStyleSheet(
            "QWidget#gantt_filter_bar { background: #FEF7E0; border: 1px solid #F9D67A;"
            " border-radius: 4px; }"
        )
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 2, 4, 2)
        self.filter_label = QLabel()
        self.filter_label.setObjectName("gantt_filter_label")
        row.addWidget(self.filter_label, 1)
        self.clear_filter_button = QPushButton("清除筛选")
        self.clear_filter_button.clicked.connect(lambda: self.model.clear_filters())
        row.addWidget(self.clear_filter_button)
        self.filter_bar = bar
        return bar

    def _show_filter(self) -> None:
        m = self.model
        self.filter_bar.setVisible(m.filters.active)
        if m.filters.active:
            self.filter_label.setText(
                f"已筛选：按项目库的筛选条件显示 {m.shown_count} / {m.total_count} 个项目"
            )

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        """In the list, a click on a group's ▸/▾ and the → / ← keys open and close the group,
        as in every tree; elsewhere the list behaves as a table."""
        kind = event.type()
        if watched is self.table.viewport() and kind == QEvent.MouseButtonPress:
            index = self.table.indexAt(event.position().toPoint())
            cell = self.table.visualRect(index)
            on_arrow = index.column() == 0 and event.position().x() - cell.left() <= 24
            if on_arrow and event.button() == Qt.LeftButton and self._toggle(index.row()):
                return True
        elif watched is self.table and kind == QEvent.KeyPress:
            key = event.key()
            if key in (Qt.Key_Left, Qt.Key_Right):
                row = self.table.currentIndex().row()
                group = self.model.group_at(row) if row >= 0 else None
                if group is not None and group.collapsed == (key == Qt.Key_Right):
                    return self._toggle(row)
        return super().eventFilter(watched, event)

    def _toggle(self, row: int) -> bool:
        group = self.model.group_at(row)
        if group is None:
            return False
        self.model.toggle_group(group.key)
        row = next(
            (
                i
                for i in range(self.model.rowCount())
                if self.model.group_at(i) is not None and self.model.group_at(i).key == group.key
            ),
            None,
        )
        if row is not None:
            self._select_row(row)
        return True

    def _sync_group_combo(self) -> None:
        i = self.group_combo.findData(self.model.group_by)
        if i >= 0 and i != self.group_combo.currentIndex():
            self.group_combo.blockSignals(True)
            self.group_combo.setCurrentIndex(i)
            self.group_combo.blockSignals(False)

    def _zoom_shown(self, zoom: str) -> None:
        for b in self.zoom_buttons.buttons():
            b.setChecked(b.text() == zoom)

    # -- data --------------------------------------------------------------------------------

    def _before_reset(self) -> None:
        current = self.table.currentIndex()
        info = (
            self.chart.layout_.rows[current.row()]
            if current.isValid() and current.row() < len(self.chart.layout_)
            else None
        )
        self._kept = (self.table.verticalScrollBar().value(), info.key if info else None)
        self._kept_selection = self.selected_project_ids()

    def _after_reset(self) -> None:
        """Keep the scroll position and the current project across a reload (after an edit)."""
        value, key = self._kept
        row = self.chart.layout_.row_of(key) if key else None
        if row is None and key:
            row = next((i for i, r in enumerate(self.chart.layout_.rows) if r.key == key), None)
        if row is not None:
            sideways = self.table.horizontalScrollBar().value()
            self._make_current(self.list_model.index(row, 1))
            self.table.horizontalScrollBar().setValue(sideways)
        else:
            self.chart.set_selected_row(-1)
        if len(self._kept_selection) > 1:  # a multi-row selection outlives the reload
            self.select_projects(self._kept_selection, keep_current=True)
        self.table.verticalScrollBar().setValue(value)
        self.chart.verticalScrollBar().setValue(self.table.verticalScrollBar().value())
        self._fill_slipped()

    def _load_schedule(self) -> None:
        """Baselines, the chosen baseline's dates and the dependencies, read again."""
        store = self.ctx.store
        self.chart.set_links(schedule_store.list_links(store))
        self.baseline_combo.blockSignals(True)
        self.baseline_combo.clear()
        self.baseline_combo.addItem("不显示基线", None)
        for bid, name, _created in schedule_store.list_baselines(store):
            self.baseline_combo.addItem(name, bid)
        i = self.baseline_combo.findData(self.baseline_id)
        self.baseline_combo.setCurrentIndex(max(i, 0))
        self.baseline_combo.blockSignals(False)
        if i < 0:
            self.baseline_id = None
        self._show_baseline()

    def _show_baseline(self) -> None:
        items = (
            schedule_store.baseline_items(self.ctx.store, self.baseline_id)
            if self.baseline_id
            else None
        )
        self.chart.set_baseline(items)
        self._fill_slipped()

    def slipped_rows(self) -> list[tuple[str, str, int]]:
        """(project id, label, days) of the shown projects later than the baseline, worst first."""
        rows = [
            (r.key, r.label, r.slip_days)
            for r in self.chart.layout_.rows
            if r.kind == "project" and r.slip_days and r.slip_days > 0
        ]
        return sorted(rows, key=lambda t: (-t[2], t[1]))

    def _fill_slipped(self) -> None:
        self.slipped.clear()
        if not self.baseline_id:
            self.slipped.hide()
            return
        rows = self.slipped_rows()
        head = QListWidgetItem(f"较基线延误：{len(rows)} 个项目")
        head.setFlags(Qt.NoItemFlags)
        self.slipped.addItem(head)
        for pid, label, days in rows[:2000]:
            item = QListWidgetItem(f"{label}　延误 {days} 天")
            item.setData(Qt.UserRole, pid)
            item.setToolTip(f"{label}\n计划完工比基线晚 {days} 天。单击定位，双击打开项目")
            self.slipped.addItem(item)
        self.slipped.show()

    def refresh(self, changes: Changes) -> None:
        # The shared model reloads itself on ``ctx.changed``; the chart follows its signals.
        if changes.database:
            self.chart.set_today(self.ctx.today())
            self.chart.set_plan_period(*(schedule_store.plan_years(self.ctx.store) or (None, None)))
        if changes.schedule or changes.database or changes.touches_projects:
            self._load_schedule()

    def current_project_id(self) -> str | None:
        """The project of the current row (for the main window's edit/delete/history actions)."""
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.chart.layout_):
            info = self.chart.layout_.rows[row]
            return info.key if info.kind == "project" else None
        return None

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_project_ids(self) -> list[str]:
        """The projects of the selected rows, in row order (group rows are not projects)."""
        rows = self.chart.layout_.rows
        ids = [
            rows[r].key for r in self.selected_rows() if r < len(rows) and rows[r].kind == "project"
        ]
        if ids:
            return ids
        pid = self.current_project_id()
        return [pid] if pid else []

    def select_projects(self, project_ids: list[str], *, keep_current: bool = False) -> int:
        """Select the rows of these projects (those shown); returns how many were selected."""
        found = [r for pid in project_ids if (r := self.chart.layout_.row_of(pid)) is not None]
        if not found:
            return 0
        current = self.table.currentIndex()
        selection = QItemSelection()
        last = self.list_model.columnCount() - 1
        for r in found:
            selection.select(self.list_model.index(r, 0), self.list_model.index(r, last))
        model = self.table.selectionModel()
        if not (keep_current and current.isValid()):
            model.setCurrentIndex(self.list_model.index(found[0], 1), QItemSelectionModel.NoUpdate)
        model.select(selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        return len(found)

    def _show_selection(self) -> None:
        self.chart.set_selected_rows(self.selected_rows())

    def _extend_selection(self, row: int, as_range: bool) -> None:
        """Ctrl+click on the chart adds or removes a row, Shift+click selects up to it."""
        model = self.table.selectionModel()
        index = self.list_model.index(row, 1)
        if as_range and self.table.currentIndex().isValid():
            a, b = sorted((self.table.currentIndex().row(), row))
            last = self.list_model.columnCount() - 1
            span = QItemSelection(self.list_model.index(a, 0), self.list_model.index(b, last))
            model.select(span, QItemSelectionModel.Select | QItemSelectionModel.Rows)
        else:
            model.select(index, QItemSelectionModel.Toggle | QItemSelectionModel.Rows)
        model.setCurrentIndex(index, QItemSelectionModel.NoUpdate)

    # -- actions -----------------------------------------------------------------------------

    def jump_to_today(self) -> None:
        self.chart.scroll_to_date(self.ctx.today())

    def _baseline_chosen(self, _index: int) -> None:
        self.baseline_id = self.baseline_combo.currentData()
        self._show_baseline()

    def save_baseline(self) -> None:
        name, ok = QInputDialog.getText(self, "保存基线", "基线名称（如“2026年初计划”）：")
        if ok:
            self.save_baseline_named(name)

    def save_baseline_named(self, name: str) -> bool:
        command = SaveBaselineCommand(self.ctx, name)
        try:
            execute(self.ctx, command)
        except UserError as exc:
            show_user_error(self, exc)
            return False
        self.baseline_id = command.baseline_id
        self._load_schedule()
        return True

    def _span_edited(self, project_id: str, start, end, mode: str) -> None:
        project = self.model.project(project_id)
        command = SetSpanCommand(
            self.ctx, project_id, start, end, mode, version=project.version if project else None
        )
        try:
            execute(self.ctx, command)
        except UserError as exc:
            show_user_error(self, exc)

    def _table_double_clicked(self, index) -> None:
        self._activate_row(index.row())

    def _activate_row(self, row: int) -> None:
        project = self.model.project_at(row)
        if project is not None:
            self.ctx.edit_project_requested.emit(project.id)
            return
        group = self.model.group_at(row)
        if group is not None:
            self.model.toggle_group(group.key)

    def _select_row(self, row: int) -> None:
        current = self.table.currentIndex()
        column = current.column() if current.isValid() else 1
        # Only the row is brought into view: scrolling sideways to show the whole cell would
        # hide the code and the light at the left.
        sideways = self.table.horizontalScrollBar().value()
        self._make_current(self.list_model.index(row, column))
        self.table.horizontalScrollBar().setValue(sideways)

    def _make_current(self, index) -> None:
        """That row alone selected and current, whatever keys are held (Ctrl+End moving to the
        last row must not add it to the selection)."""
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        )
        self.table.scrollTo(index)

    def _slipped_clicked(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.UserRole)
        if pid:
            self.ctx.edit_project_requested.emit(pid)

    # -- dependencies ------------------------------------------------------------------------

    def _chart_menu(self, pos) -> None:
        y = pos.y() + self.chart.verticalScrollBar().value()
        menu = self.context_menu(self.chart.layout_.row_at(y))
        if menu is not None:
            menu.exec(self.chart.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _table_menu(self, pos) -> None:
        menu = self.context_menu(self.table.indexAt(pos).row())
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def context_menu(self, row: int) -> QMenu | None:
        """The menu of a right-click on ``row`` (chart or list): the project, the actions on the
        selected projects (批量修改…), its dependencies. A right-click inside a selection of
        several rows keeps it, as in a file list; elsewhere it selects that row."""
        if (
            row < 0
            or row >= len(self.chart.layout_)
            or self.chart.layout_.rows[row].kind != "project"
        ):
            return None
        info = self.chart.layout_.rows[row]
        if row not in self.selected_rows():
            self._select_row(row)
        menu = QMenu(self)
        menu.addAction("打开项目…", lambda: self.ctx.edit_project_requested.emit(info.key))
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction("设为前置项目", lambda: setattr(self, "_pending_pred", info.key))
        pred = self._pending_pred
        if pred and pred != info.key and pred in self.chart._projects:
            name = self.chart._projects[pred].name
            menu.addAction(f"设为「{name}」的后续项目…", lambda: self._ask_link(pred, info.key))
        for li in self.chart.layout_.links:
            link = li.link
            if info.key in (link.pred_project_id, link.succ_project_id):
                mark = "（未满足）" if li.violated_days else ""
                label = link_label(link, self.chart._projects, info.key)
                menu.addAction(f"删除{label}{mark}", lambda link=link: self.unlink(link))
        return menu

    def _ask_link(self, pred: str, succ: str) -> None:
        projects = self.chart._projects
        dialog = LinkDialog(projects[pred], projects[succ], self)
        if dialog.exec() == QDialog.Accepted:
            pred_ms, succ_ms, lag = dialog.choice()
            self.link(pred, succ, lag, pred_milestone_id=pred_ms, succ_milestone_id=succ_ms)

    def link(
        self,
        pred: str,
        succ: str,
        lag_days: int = 0,
        *,
        pred_milestone_id: int | None = None,
        succ_milestone_id: int | None = None,
    ) -> bool:
        """Add a finish-to-start link, between the projects or some of their milestones (undoable)."""
        command = AddLinkCommand(
            self.ctx,
            pred,
            succ,
            lag_days,
            pred_milestone_id=pred_milestone_id,
            succ_milestone_id=succ_milestone_id,
        )
        try:
            execute(self.ctx, command)
        except UserError as exc:
            show_user_error(self, exc)
            return False
        self._pending_pred = None
        return True

    def unlink(self, link) -> None:
        try:
            execute(self.ctx, RemoveLinkCommand(self.ctx, link))
        except UserError as exc:
            show_user_error(self, exc)

    # -- export ------------------------------------------------------------------------------

    def export_dialog(self, kind: str, *, whole: bool) -> None:
        suffix = "PNG 图片 (*.png)" if kind == "png" else "PDF 文件 (*.pdf)"
        default = f"甘特图.{'png' if kind == 'png' else 'pdf'}"
        path, _ = QFileDialog.getSaveFileName(self, "导出甘特图", default, suffix)
        if path:
            self.export_to(Path(path), kind, whole=whole)

    def export_to(self, path: Path, kind: str, *, whole: bool, wait: bool = False) -> None:
        """Write the chart on a worker thread (progress + cancel); ``wait`` blocks (tests)."""
        snap = export.snapshot(self.chart, whole=whole)

        def work(_store, progress):
            if kind == "png":
                export.save_png(snap, path)
                return 1
            return export.save_pdf(snap, path, page=kind, progress=progress)

        dialog = None
        if not wait:
            dialog = QProgressDialog("正在导出甘特图…", "取消", 0, 0, self)
            dialog.setWindowModality(Qt.WindowModal)
            dialog.setMinimumDuration(400)
        self.last_export = None

        def done(result):
            if dialog:
                dialog.close()
            self.last_export = ("ok", result)
            if not wait:
                what = "图片" if kind == "png" else f"PDF（{result} 页）"
                QMessageBox.information(self, "导出完成", f"甘特图已导出为{what}：\n{path}")

        def failed(exc, tb):
            if dialog:
                dialog.close()
            self.last_export = ("error", exc)
            if isinstance(exc, Cancelled):
                return
            if isinstance(exc, UserError):
                if not wait:
                    show_user_error(self, exc, "导出未完成")
                return
            raise exc

        def progressed(done_n, total, text):
            if dialog:
                dialog.setMaximum(total)
                dialog.setValue(done_n)
                dialog.setLabelText(f"正在导出甘特图：{text}")

        self._job = start_job(None, work, on_done=done, on_error=failed, on_progress=progressed)
        if dialog:
            dialog.canceled.connect(self._job.cancel)
        if wait:
            QThreadPool.globalInstance().waitForDone()
            QApplication.processEvents()
            QApplication.processEvents()
