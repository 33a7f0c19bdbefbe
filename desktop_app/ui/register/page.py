"""项目库: the register page — search as you type, filters, grouping, columns, selection."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.fields import MISSING, STAGES
from ...domain.status import GREY, LIGHT_NAMES, LIGHTS, PENDING_NAME
from ...services.changes import Changes
from ..context import AppContext
from .model import (
    ASSIGN_GAPS,
    COLUMNS,
    DEFAULT_VISIBLE,
    GROUP_BG,
    GROUPINGS,
    RegisterModel,
    column_index,
    subtotal_text,
)
from .row_painter import RowPainter

ANY = "（全部）"


class RegisterView(QTableView):
    """The register table: fast uniform rows, multi-select, movable and hideable columns."""

    def __init__(self, model: RegisterModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._row_painter = RowPainter(self)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # Rows are told apart by alternating colours: Qt's grid lines cost more than half of
        # every frame (measured: 62 ms → 23 ms a scroll frame at 10,000 projects).
        self.setShowGrid(False)
        # Double-click opens the project editor; F2 or a click on a selected cell edits in place.
        self.setEditTriggers(QAbstractItemView.EditKeyPressed | QAbstractItemView.SelectedClicked)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicator(model.sort_column, model.sort_order)
        # Enabled after the indicator is set: enabling sorts by the indicator's column.
        self.setSortingEnabled(True)
        for i, col in enumerate(COLUMNS):
            self.setColumnWidth(i, col.width)
            self.setColumnHidden(i, col.key not in DEFAULT_VISIBLE)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        """The name column takes the width the others leave (at least NAME_MIN): the table fits
        a 1366-pixel screen, and at 1280 (1920 at 150 %) without scrolling sideways."""
        header = self.horizontalHeader()
        name = column_index("name")
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(name, QHeaderView.Stretch)
        header.setStretchLastSection(False)

    def mousePressEvent(self, event) -> None:
        """A click on a group's ▸ / ▾ (the start of its header line) opens or closes it, as in
        every tree; a double-click anywhere on the header does too."""
        model = self.model()
        pos = event.position().toPoint()
        row = self.rowAt(pos.y())
        group = model.group_at(row) if row >= 0 and isinstance(model, RegisterModel) else None
        if group is not None and event.button() == Qt.LeftButton:
            header = self.horizontalHeader()
            first = next(
                (
                    header.logicalIndex(v)
                    for v in range(header.count())
                    if not header.isSectionHidden(header.logicalIndex(v))
                ),
                None,
            )
            if first is not None and 0 <= pos.x() - header.sectionViewportPosition(first) <= 24:
                model.toggle_group(group.key)
                self.selectRow(min(row, model.rowCount() - 1))
                return
        super().mousePressEvent(event)

    def paintEvent(self, event) -> None:
        # The visible rows are painted in one pass from the model's precomputed texts: Qt's
        # per-cell painting calls data() about seven times a cell, most of a frame in Python.
        # Header, selection, editing, scrolling and keyboard handling stay QTableView's.
        if not isinstance(self.model(), RegisterModel) or self.showGrid() or self.isRightToLeft():
            super().paintEvent(event)
            return
        painter = QPainter(self.viewport())
        try:
            self._row_painter.paint(painter, event.rect())
        finally:
            painter.end()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._row_painter.invalidate()
        super().changeEvent(event)


class TotalsBar(QWidget):
    """The 合计 row under the table: how many projects the filter shows and their total
    investment (and investment to date), each under its own column, following column moves,
    widths and sideways scrolling. It stays in view however far the table scrolls."""

    SUMMED = ("total_investment", "investment_to_date")

    def __init__(self, view: RegisterView, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.setObjectName("register_totals")
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setFixedHeight(view.verticalHeader().defaultSectionSize() + 2)
        header = view.horizontalHeader()
        model = view.model()
        for signal in (
            model.modelReset,
            header.sectionResized,
            header.sectionMoved,
            header.geometriesChanged,
            view.horizontalScrollBar().valueChanged,
        ):
            signal.connect(self.update)

    def texts(self) -> dict[str, str]:
        """What the bar shows: the label and each summed column's figure."""
        totals = self.view.model().totals
        return {
            "label": f"合计 · {totals.count:,} 个项目",
            "total_investment": subtotal_text(totals.total_investment),
            "investment_to_date": subtotal_text(totals.investment_to_date),
        }

    def _origin(self) -> int:
        """The table's left edge (of its cells) in the bar's coordinates."""
        return self.mapFromGlobal(self.view.viewport().mapToGlobal(QPoint(0, 0))).x()

    def cell(self, key: str) -> QRect | None:
        """Where ``key``'s figure goes in the bar (None when its column is hidden)."""
        header = self.view.horizontalHeader()
        logical = column_index(key)
        if self.view.isColumnHidden(logical):
            return None
        origin = self._origin()
        x = origin + header.sectionViewportPosition(logical)
        return QRect(x + 4, 0, header.sectionSize(logical) - 8, self.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), GROUP_BG)
        texts = self.texts()
        metrics = painter.fontMetrics()
        origin = self._origin()
        label_right = self.width()
        cells = {key: self.cell(key) for key in self.SUMMED}
        for rect in cells.values():
            if rect is not None and rect.left() > origin:
                label_right = min(label_right, rect.left() - 8)
        label = metrics.elidedText(texts["label"], Qt.ElideRight, label_right - origin - 6)
        painter.drawText(
            QRect(origin + 6, 0, label_right - origin - 6, self.height()),
            Qt.AlignVCenter | Qt.AlignLeft,
            label,
        )
        for key, rect in cells.items():
            if rect is not None and rect.width() > 0:
                text = metrics.elidedText(texts[key], Qt.ElideRight, rect.width())
                painter.drawText(rect, Qt.AlignVCenter | Qt.AlignRight, text)
        painter.end()


class RegisterPage(QWidget):
    """The 项目库 page. It shows ``ctx.register_model`` (shared with the Gantt page)."""

    selectionChangedIds = Signal(list)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        if ctx.register_model is None:
            ctx.register_model = RegisterModel(ctx)
        self.model: RegisterModel = ctx.register_model

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索编码、名称、单位、建设内容…（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.model.set_search)

        self.combos: dict[str, QComboBox] = {}
        filter_row = QHBoxLayout()
        filter_row.setSpacing(6)
        filter_row.addWidget(self.search, 2)
        for key, title in (
            ("column", "专栏"),
            ("category", "类别"),
            ("stage", "阶段"),
            ("district", "区县"),
            ("lead", "牵头单位"),
            ("status", "状态"),
        ):
            combo = QComboBox()
            combo.setObjectName(f"filter_{key}")
            # Narrow enough for a 1366-pixel screen: the closed box may cut a long name short,
            # its list shows names in full.
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
            combo.setMaximumWidth(180)
            combo.view().setMinimumWidth(260)
            combo.currentIndexChanged.connect(lambda _=0, k=key: self._combo_changed(k))
            self.combos[key] = combo
            filter_row.addWidget(QLabel(title))
            filter_row.addWidget(combo)
        self.missing = QCheckBox("只看待填报")
        self.missing.toggled.connect(lambda on: self.model.update_filters(missing=on))
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        # 待分配: the office's first job on a new plan, with how many lack each thing.
        self.assign_combo = QComboBox()
        self.assign_combo.setObjectName("filter_assign")
        self.assign_combo.setToolTip("待分配：还缺牵头单位、计划开工/完工日期或总投资的项目")
        self.assign_combo.currentIndexChanged.connect(
            lambda _=0: (
                None
                if self._updating
                else self.model.update_filters(assign=self.assign_combo.currentData())
            )
        )
        self.tasks_button = QPushButton()
        self.tasks_button.setObjectName("register_tasks_unassigned")
        self.tasks_button.setToolTip("打开「重点任务」，只看还没有牵头单位的任务")
        self.tasks_button.clicked.connect(
            lambda: self.ctx.show_tasks_requested.emit({"unassigned": True})
        )

        # The last filters open the second row: the first must fit a 1366-pixel screen.
        tool_row = QHBoxLayout()
        tool_row.addWidget(self.missing)
        tool_row.addWidget(self.assign_combo)
        tool_row.addWidget(self.tasks_button)
        tool_row.addWidget(self.clear_button)
        tool_row.addSpacing(18)
        tool_row.addWidget(QLabel("分组"))
        self.group_combo = QComboBox()
        self.group_combo.addItem("不分组", None)
        for key, title in GROUPINGS.items():
            self.group_combo.addItem(f"按{title}", key)
        self.group_combo.currentIndexChanged.connect(
            lambda _: self.model.set_group_by(self.group_combo.currentData())
        )
        tool_row.addWidget(self.group_combo)
        self.expand_button = QPushButton("全部展开")
        self.expand_button.clicked.connect(lambda: self.model.set_all_collapsed(False))
        self.collapse_button = QPushButton("全部折叠")
        self.collapse_button.clicked.connect(lambda: self.model.set_all_collapsed(True))
        tool_row.addWidget(self.expand_button)
        tool_row.addWidget(self.collapse_button)
        self.columns_button = QPushButton("显示列…")
        self.columns_button.clicked.connect(lambda: self._show_column_menu())
        tool_row.addWidget(self.columns_button)
        tool_row.addStretch(1)
        self.count_label = QLabel()
        tool_row.addWidget(self.count_label)

        self.view = RegisterView(self.model)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.horizontalHeader().setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.horizontalHeader().customContextMenuRequested.connect(
            lambda pos: self._show_column_menu(self.view.horizontalHeader().mapToGlobal(pos))
        )
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.selectionChangedIds.emit(self.selected_project_ids())
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(filter_row)
        layout.addLayout(tool_row)
        self.totals = TotalsBar(self.view)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals)

        # Actions the main window provides (edit, delete, history) are set by it.
        self.context_actions: list = []
        self._updating = False
        self.model.filtersChanged.connect(self._sync_widgets)
        self.model.modelReset.connect(self._update_count)
        self._fill_combos()
        self._sync_widgets()
        self._update_count()
        self.restore_columns()

    # -- filters ---------------------------------------------------------------------------

    def _fill_combos(self) -> None:
        self._updating = True
        try:
            for key, combo in self.combos.items():
                current = combo.currentData()
                combo.clear()
                combo.addItem(ANY, None)
                if key == "status":
                    for light in LIGHTS:
                        combo.addItem(LIGHT_NAMES[light], light)
                        if light == GREY:  # the grey lights still waiting for their data
                            combo.addItem(PENDING_NAME, PENDING_NAME)
                elif key == "stage":
                    for stage in (*STAGES, MISSING):  # 待填报: the plan does not say
                        combo.addItem(stage, stage)
                else:
                    for value in self.model.choices(key):
                        combo.addItem(f"专栏{value}" if key == "column" else str(value), value)
                i = combo.findData(current)
                combo.setCurrentIndex(max(i, 0))
            self._fill_assign()
        finally:
            self._updating = False

    def _fill_assign(self) -> None:
        """The 待分配 choices with their counts (of all projects), and the tasks' button."""
        counts = self.model.assign_counts()
        combo = self.assign_combo
        current = self.model.filters.assign
        combo.clear()
        combo.addItem("待分配：不限", None)
        for key, title in ASSIGN_GAPS.items():
            combo.addItem(f"{title} {counts[key]}", key)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        from ...store.tasks import unassigned_count

        open_tasks = unassigned_count(self.ctx.store)
        self.tasks_button.setText(f"重点任务待分配 {open_tasks} 项…")
        self.tasks_button.setVisible(bool(open_tasks))

    def _combo_changed(self, key: str) -> None:
        if self._updating:
            return
        self.model.update_filters(**{key: self.combos[key].currentData()})

    def _sync_widgets(self) -> None:
        """Show the model's filters in the widgets (after a request from another view)."""
        f = self.model.filters
        self._updating = True
        try:
            if self.search.text().strip() != f.text:
                self.search.blockSignals(True)
                self.search.setText(f.text)
                self.search.blockSignals(False)
            for key, combo in self.combos.items():
                value = getattr(f, key)
                i = combo.findData(value)
                if i < 0 and value is not None:
                    combo.addItem(str(value), value)
                    i = combo.count() - 1
                combo.setCurrentIndex(max(i, 0))
            self.missing.blockSignals(True)
            self.missing.setChecked(f.missing)
            self.missing.blockSignals(False)
            self.assign_combo.setCurrentIndex(max(self.assign_combo.findData(f.assign), 0))
            i = self.group_combo.findData(self.model.group_by)
            self.group_combo.blockSignals(True)
            self.group_combo.setCurrentIndex(max(i, 0))
            self.group_combo.blockSignals(False)
        finally:
            self._updating = False
        self._update_count()

    def clear_filters(self) -> None:
        self.model.clear_filters()

    def show_filtered(self, request: dict) -> None:
        self.model.apply_request(request)

    def _update_count(self) -> None:
        m = self.model
        text = f"共 {m.total_count} 个项目"
        if m.filters.active:
            text = f"筛选出 {m.shown_count} / {m.total_count} 个项目"
            if m.filters.ids is not None:
                text += "（指定项目）"
        self.count_label.setText(text)

    # -- columns ---------------------------------------------------------------------------

    def _show_column_menu(self, pos=None) -> None:
        menu = self.column_menu()
        menu.exec(
            pos
            if pos is not None
            else self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())
        )

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        for i, col in enumerate(COLUMNS):
            action = menu.addAction(col.title)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(i))
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
        menu.addSeparator()
        menu.addAction("恢复默认列", self.reset_columns)
        return menu

    def set_column_visible(self, index: int, visible: bool) -> None:
        self.view.setColumnHidden(index, not visible)
        self.save_columns()

    def reset_columns(self) -> None:
        header = self.view.horizontalHeader()
        for i, col in enumerate(COLUMNS):
            header.moveSection(header.visualIndex(i), i)
            self.view.setColumnWidth(i, col.width)
            self.view.setColumnHidden(i, col.key not in DEFAULT_VISIBLE)
        self.view.fit_name_column()
        self.save_columns()

    def save_columns(self) -> None:
        self.ctx.settings.setValue("register/header", self.view.horizontalHeader().saveState())

    def restore_columns(self) -> None:
        state = self.ctx.settings.value("register/header")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.view.horizontalHeader().restoreState(state)
            self.view.horizontalHeader().setSortIndicator(
                self.model.sort_column, self.model.sort_order
            )
            self.view.fit_name_column()

    # -- selection and actions -------------------------------------------------------------

    def selected_project_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        out = []
        for r in rows:
            p = self.model.project_at(r)
            if p is not None:
                out.append(p.id)
        return out

    def current_project_id(self) -> str | None:
        index = self.view.currentIndex()
        p = self.model.project_at(index.row()) if index.isValid() else None
        if p is not None:
            return p.id
        ids = self.selected_project_ids()
        return ids[0] if ids else None

    def select_project(self, project_id: str) -> bool:
        row = self.model.row_of(project_id)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 1))
        return True

    def select_projects(self, project_ids: list[str]) -> int:
        """Select these projects (those shown); returns how many were selected."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        last = self.model.columnCount() - 1
        rows = [r for pid in project_ids if (r := self.model.row_of(pid)) is not None]
        for r in rows:
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        self.view.selectionModel().select(
            selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        )
        return len(rows)

    def _double_clicked(self, index: QModelIndex) -> None:
        group = self.model.group_at(index.row())
        if group is not None:
            self.model.toggle_group(group.key)
            return
        p = self.model.project_at(index.row())
        if p is not None:
            self.ctx.edit_project_requested.emit(p.id)

    def _context_menu(self, pos) -> None:
        if not self.context_actions:
            return
        menu = QMenu(self)
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self, changes: Changes) -> None:
        # The shared model reloads itself from ctx.changed; only the filter lists follow here.
        if changes.database or changes.units or changes.all_projects or changes.projects:
            self._fill_combos()
            self._sync_widgets()
        elif changes.tasks:
            self._updating = True
            try:
                self._fill_assign()
            finally:
                self._updating = False
