"""重点任务: the plan's key tasks section by section, their units and roles, filters, assignment."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
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
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.fields import MISSING
from ...domain.parsing import clean_text
from ...services.changes import Changes
from ...store.plans import closed_task_plans
from ...store.tasks import Task, list_tasks
from ...store.units import list_units
from ..context import AppContext
from ..undo import AssignTaskUnitsCommand, execute
from .commands import EditTaskNotesCommand

ANY = "（全部）"
GREY = QColor("#9AA0A6")


def chapter_text(t: Task) -> str:
    """「第四章 加快推进成德基础设施一体化」."""
    if t.chapter is None:
        return ""
    return f"{t.chapter_label} {t.chapter_title or ''}".strip()


@dataclass(frozen=True)
class TaskColumn:
    key: str
    title: str
    width: int


COLUMNS: tuple[TaskColumn, ...] = (
    TaskColumn("code", "编号", 92),
    TaskColumn("chapter", "章", 56),
    TaskColumn("section", "节", 170),
    TaskColumn("title", "任务", 300),
    TaskColumn("lead", "牵头单位", 130),
    TaskColumn("responsible", "责任单位", 150),
    TaskColumn("supporting", "配合单位", 130),
    TaskColumn("notes", "备注", 120),
)


def cell_text(t: Task, key: str) -> str | None:
    """A task's text in column ``key``; None: 待填报 (no 牵头单位 yet)."""
    if key == "code":
        return t.code
    if key == "chapter":
        return t.chapter_label
    if key == "section":
        return t.section or ""
    if key == "title":
        return t.title
    if key == "lead":
        return t.lead_unit
    if key == "responsible":
        return "、".join(t.units_with_role("责任"))
    if key == "supporting":
        return "、".join(t.units_with_role("配合"))
    return t.notes or ""


def detail_text(t: Task) -> str:
    """The detail pane: where the task stands in the plan, its own words, its units."""
    lines = [f"{t.code}　{chapter_text(t)}　{t.section or ''}".rstrip(), f"任务：{t.title}"]
    if t.text:
        where = f"（规划原文第 {t.source_line} 行）" if t.source_line else ""
        lines.append(f"规划原文：{t.text}{where}")
    roles = [
        f"{role}单位：{'、'.join(names)}"
        for role in ("牵头", "责任", "配合")
        if (names := t.units_with_role(role))
    ]
    lines.append(
        "；".join(roles) if roles else f"牵头单位：{MISSING}（在上方选中任务后点「分配单位…」）"
    )
    if t.notes:
        lines.append(f"备注：{t.notes}")
    return "\n".join(lines)


@dataclass(frozen=True)
class TaskFilter:
    text: str = ""
    chapter: int | None = None
    unit: str | None = None  # a unit's name: tasks it is assigned to, in any role
    unassigned: bool = False  # only tasks without a 牵头单位


class TaskModel(QAbstractTableModel):
    """The tasks passing the filter; every change reloads (73 tasks, or a few hundred)."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tasks: list[Task] = []
        self.shown: list[Task] = []
        self.closed: dict[int, str] = {}  # task id -> title of its plan, when that is closed
        self.filters = TaskFilter()
        self.reload()

    def reload(self) -> None:
        self.tasks = list_tasks(self.ctx.store)
        self.closed = closed_task_plans(self.ctx.store)
        self._apply()

    def set_filters(self, filters: TaskFilter) -> None:
        if filters != self.filters:
            self.filters = filters
            self._apply()

    def _apply(self) -> None:
        f = self.filters
        rows = self.tasks
        if f.chapter is not None:
            rows = [t for t in rows if t.chapter == f.chapter]
        if f.unit:
            rows = [t for t in rows if any(u.name == f.unit for u in t.units)]
        if f.unassigned:
            rows = [t for t in rows if not t.lead_unit]
        for word in f.text.lower().split():
            rows = [
                t
                for t in rows
                if word
                in " ".join(
                    (t.code, t.title, t.text or "", t.section or "", t.notes or "")
                    + tuple(u.name for u in t.units)
                ).lower()
            ]
        self.beginResetModel()
        self.shown = rows
        self.endResetModel()

    @property
    def unassigned_count(self) -> int:
        return sum(1 for t in self.tasks if not t.lead_unit)

    def chapters(self) -> list[tuple[int, str]]:
        seen: dict[int, str] = {}
        for t in self.tasks:
            if t.chapter is not None:
                seen.setdefault(t.chapter, chapter_text(t))
        return sorted(seen.items())

    def task(self, task_id: int) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def task_at(self, row: int) -> Task | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def row_of(self, task_id: int) -> int | None:
        return next((i for i, t in enumerate(self.shown) if t.id == task_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        t = self.shown[index.row()]
        key = COLUMNS[index.column()].key
        if role == Qt.DisplayRole:
            text = cell_text(t, key)
            return MISSING if text is None else text
        if role == Qt.ForegroundRole and cell_text(t, key) is None:
            return QBrush(GREY)
        if role == Qt.ToolTipRole:
            return detail_text(t)
        if role == Qt.UserRole:
            return t.id
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section].title
        return None


class TasksPage(QWidget):
    """The 重点任务 page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = TaskModel(ctx, self)
        self.assign_dialog = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索编号、任务、规划原文、单位…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self._update(text=text.strip()))
        self.chapter_box = QComboBox()
        self.chapter_box.setObjectName("tasks_chapter")
        self.chapter_box.currentIndexChanged.connect(
            lambda _=0: self._update(chapter=self.chapter_box.currentData())
        )
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("tasks_unit")
        self.unit_box.currentIndexChanged.connect(
            lambda _=0: self._update(unit=self.unit_box.currentData())
        )
        self.unassigned = QCheckBox()
        self.unassigned.setObjectName("tasks_unassigned")
        self.unassigned.toggled.connect(lambda on: self._update(unassigned=on))
        self.assign_button = QPushButton("分配单位…")
        self.assign_button.setObjectName("tasks_assign")
        self.assign_button.setToolTip("给选中的一项或多项任务设定牵头、责任、配合单位")
        self.assign_button.clicked.connect(lambda: self.assign_selected())
        self.history_button = QPushButton("历史…")
        self.history_button.setObjectName("tasks_history")
        self.history_button.setToolTip("选中任务的修改历史（单位、备注、结转）和各期任务报告")
        self.history_button.clicked.connect(lambda: self.show_history())
        self.history_dialog = None
        self.print_button = QPushButton("打印任务清单…")
        self.print_button.clicked.connect(lambda: self.print_list())
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(QLabel("章"))
        top.addWidget(self.chapter_box, 1)
        top.addWidget(QLabel("单位"))
        top.addWidget(self.unit_box, 1)
        top.addWidget(self.unassigned)
        tools = QHBoxLayout()
        tools.addWidget(self.assign_button)
        tools.addWidget(self.history_button)
        tools.addWidget(self.print_button)
        tools.addStretch(1)
        tools.addWidget(self.count_label)

        self.view = QTableView()
        self.view.setObjectName("tasks_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        for i, col in enumerate(COLUMNS):
            self.view.setColumnWidth(i, col.width)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.assign_selected())
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())

        self.detail = QLabel()
        self.detail.setObjectName("tasks_detail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.setMargin(6)
        self.detail.setStyleSheet("background: #F8F9FA; border: 1px solid #DADCE0;")
        # The selected task's 备注, saved (one undo step) on Enter or when the field is left.
        self.notes_edit = QLineEdit()
        self.notes_edit.setObjectName("tasks_notes")
        self.notes_edit.setClearButtonEnabled(True)
        self.notes_edit.editingFinished.connect(lambda: self.save_notes())
        self.notes_state = QLabel()
        self.notes_state.setObjectName("tasks_notes_state")
        self.notes_state.setStyleSheet("color: #5F6368;")
        self._notes_task: int | None = None  # the task the notes field shows
        notes_row = QHBoxLayout()
        notes_row.setContentsMargins(0, 0, 0, 0)
        notes_row.addWidget(QLabel("备注"))
        notes_row.addWidget(self.notes_edit, 1)
        notes_row.addWidget(self.notes_state)
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(4)
        pane_layout.addWidget(self.detail, 1)
        pane_layout.addLayout(notes_row)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.view)
        split.addWidget(pane)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addLayout(tools)
        layout.addWidget(split, 1)
        self._updating = False
        self._fill_boxes()
        self._update_count()
        self._show_detail()

    # -- filters -------------------------------------------------------------------------------

    def _fill_boxes(self) -> None:
        self._updating = True
        try:
            chapter, unit = self.chapter_box.currentData(), self.unit_box.currentData()
            self.chapter_box.clear()
            self.chapter_box.addItem(ANY, None)
            for number, text in self.model.chapters():
                self.chapter_box.addItem(text, number)
            self.chapter_box.setCurrentIndex(max(self.chapter_box.findData(chapter), 0))
            self.unit_box.clear()
            self.unit_box.addItem(ANY, None)
            for u in list_units(self.ctx.store):
                if u.active:
                    self.unit_box.addItem(u.name, u.name)
            self.unit_box.setCurrentIndex(max(self.unit_box.findData(unit), 0))
        finally:
            self._updating = False

    def _update(self, **changes) -> None:
        if self._updating:
            return
        self.model.set_filters(replace(self.model.filters, **changes))
        self._update_count()
        self._show_detail()

    def show_filtered(self, request: dict) -> None:
        """Show what another view asked for ({"unassigned": True}, {"unit": "广汉市"})."""
        self.search.blockSignals(True)
        self.search.setText(request.get("text", ""))
        self.search.blockSignals(False)
        self._updating = True
        try:
            self.chapter_box.setCurrentIndex(
                max(self.chapter_box.findData(request.get("chapter")), 0)
            )
            self.unit_box.setCurrentIndex(max(self.unit_box.findData(request.get("unit")), 0))
            self.unassigned.setChecked(bool(request.get("unassigned")))
        finally:
            self._updating = False
        self.model.set_filters(
            TaskFilter(
                request.get("text", ""),
                request.get("chapter"),
                request.get("unit"),
                bool(request.get("unassigned")),
            )
        )
        self._update_count()
        self._show_detail()

    def _update_count(self) -> None:
        m = self.model
        self.unassigned.setText(f"只看未分配（无牵头单位 {m.unassigned_count} 项）")
        text = f"共 {len(m.tasks)} 项重点任务"
        if m.filters != TaskFilter():
            text = f"筛选出 {len(m.shown)} / {len(m.tasks)} 项重点任务"
        self.count_label.setText(text)

    # -- selection and actions -------------------------------------------------------------------

    def selected_task_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.shown[r].id for r in rows if r < len(self.model.shown)]

    def select_tasks(self, task_ids: list[int]) -> int:
        """Select these tasks (those shown); returns how many were selected."""
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        rows = [r for tid in task_ids if (r := self.model.row_of(tid)) is not None]
        for r in rows:
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        self.view.selectionModel().select(
            selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
        )
        return len(rows)

    def _show_detail(self) -> None:
        ids = self.selected_task_ids()
        if len(ids) == 1:
            t = self.model.task_at(self.model.row_of(ids[0]))
            self.detail.setText(detail_text(t))
        elif ids:
            self.detail.setText(f"已选 {len(ids)} 项任务：点「分配单位…」一次设定它们的单位。")
        else:
            self.detail.setText("选中一项任务，这里显示它在规划中的位置和规划原文。")
        self.assign_button.setEnabled(bool(ids))
        self.history_button.setEnabled(len(ids) == 1)
        self._show_notes(self.model.task(ids[0]) if len(ids) == 1 else None)

    # -- 备注 ------------------------------------------------------------------------------------

    def _show_notes(self, task: Task | None) -> None:
        self._notes_task = task.id if task is not None else None
        closed = self.model.closed.get(task.id) if task is not None else None
        self.notes_edit.setText((task.notes or "") if task is not None else "")
        self.notes_edit.setEnabled(task is not None)
        self.notes_edit.setReadOnly(closed is not None)
        if task is None:
            self.notes_edit.setPlaceholderText("选中一项任务后填写备注")
            self.notes_state.setText("")
        elif closed is not None:
            self.notes_edit.setPlaceholderText("")
            self.notes_state.setText(f"属于已关闭的规划《{closed}》，只读")
        else:
            self.notes_edit.setPlaceholderText("填写备注，回车或离开输入框即保存")
            self.notes_state.setText("")
        self.notes_edit.setToolTip(self.notes_state.text() or self.notes_edit.placeholderText())

    def edit_notes(self) -> None:
        """Put the cursor in the selected task's 备注."""
        self.notes_edit.setFocus()
        self.notes_edit.selectAll()

    def save_notes(self) -> bool:
        """Save the notes field into the task it shows, as one undo step; returns whether a
        change was made. A refusal (closed plan, changed by someone else) is reported."""
        task = self.model.task(self._notes_task) if self._notes_task is not None else None
        if task is None or self.notes_edit.isReadOnly():
            return False
        text = clean_text(self.notes_edit.text())
        if text == task.notes:
            return False
        try:
            execute(self.ctx, EditTaskNotesCommand(self.ctx, task, text))
        except UserError as exc:
            self.ctx.report_error(exc)
            return False
        return True

    def context_menu(self) -> QMenu:
        """The table's right-click menu for the tasks selected now."""
        menu = QMenu(self)
        ids = self.selected_task_ids()
        one = len(ids) == 1
        menu.addAction("分配单位…", lambda: self.assign_selected()).setEnabled(bool(ids))
        menu.addAction("编辑备注", lambda: self.edit_notes()).setEnabled(
            one and not self.notes_edit.isReadOnly()
        )
        menu.addAction("历史…", lambda: self.show_history()).setEnabled(one)
        menu.addAction("打印任务清单…", lambda: self.print_list())
        return menu

    def _context_menu(self, pos) -> None:
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def assign_selected(self):
        """Open the assignment dialog for the selected tasks (not blocking: ``open()``)."""
        from ..register.bulk_dialog import BulkEditDialog

        ids = self.selected_task_ids()
        if not ids:
            return None
        if len(ids) == 1:
            t = self.model.task_at(self.model.row_of(ids[0]))
            text = f"分配 {t.code} {t.title[:16]} 的单位"
        else:
            text = f"分配 {len(ids)} 项重点任务的单位"

        def apply(change) -> None:
            execute(self.ctx, AssignTaskUnitsCommand(self.ctx, ids, change, text=text))

        dialog = BulkEditDialog(self.ctx, len(ids), apply, kind="任务", parent=self)
        if len(ids) == 1:  # one task: start from its own units
            dialog.preset([(u.name, u.role) for u in t.units])
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.assign_dialog = dialog
        dialog.open()
        return dialog

    def show_history(self):
        """The selected task's history (its changes and its reports), not blocking."""
        from ..history import HistoryDialog

        ids = self.selected_task_ids()
        if len(ids) != 1:
            return None
        dialog = HistoryDialog(self.ctx, None, self, task_id=ids[0])
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.history_dialog = dialog
        dialog.open()
        return dialog

    def print_list(self):
        from ..reports.print_dialog import PrintDialog

        dialog = PrintDialog(self.ctx, self.window(), sheet="tasks")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self, changes: Changes) -> None:
        if changes.tasks or changes.units or changes.database:
            selected = self.selected_task_ids()
            self.model.reload()
            if changes.units or changes.database:
                self._fill_boxes()
            self._update_count()
            self.select_tasks(selected)  # still selected after the change
            self._show_detail()
