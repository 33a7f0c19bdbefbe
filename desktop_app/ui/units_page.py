"""单位管理: the units (区县, 功能区, 市级部门) — add, rename, contact, merge, deactivate.

A unit that has projects is never deleted: it is deactivated, or merged into another unit (its
links move). Every change is undoable.
"""

from __future__ import annotations

from contextlib import nullcontext

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import UserError
from ..domain.fields import UNIT_KINDS
from ..domain.model import Unit
from ..services.changes import Changes
from ..store.units import list_units, unit_project_count
from .busy import busy_cursor
from .context import AppContext
from .undo import AddUnitCommand, EditUnitCommand, MergeUnitsCommand, execute

_EDITABLE = {1: "name", 2: "short_name", 4: "contact_person", 5: "contact_phone"}
USUAL_DEPARTMENT = "常用市级部门，非规划原文（规划只写「市级各部门」），可按需修改"
HEADERS = ["状态", "单位名称", "简称", "类别", "联系人", "联系电话", "项目数"]


class UnitDialog(QDialog):
    """新建单位: name, kind, contact."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("新建单位")
        self.name = QLineEdit()
        self.short_name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItems(list(UNIT_KINDS))
        self.contact_person = QLineEdit()
        self.contact_phone = QLineEdit()
        form = QFormLayout(self)
        form.addRow("单位名称", self.name)
        form.addRow("简称", self.short_name)
        form.addRow("单位类别", self.kind)
        form.addRow("联系人", self.contact_person)
        form.addRow("联系电话", self.contact_phone)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("确定")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        ok = buttons.button(QDialogButtonBox.Ok)
        ok.setEnabled(False)
        self.name.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "short_name": self.short_name.text(),
            "kind": self.kind.currentText(),
            "contact_person": self.contact_person.text(),
            "contact_phone": self.contact_phone.text(),
        }


class MergeDialog(QDialog):
    """合并单位: choose the unit that takes over the links."""

    def __init__(self, source: Unit, units: list[Unit], count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("合并单位")
        self.target = QComboBox()
        for u in units:
            if u.id != source.id and u.active:
                self.target.addItem(u.name, u.id)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"把「{source.name}」合并到另一单位：其 {count} 个项目的关联将移到目标单位，"
                f"「{source.name}」随后停用。合并前会自动备份数据库，可撤销。"
            )
        )
        layout.addWidget(self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("合并")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class UnitsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.units: list[Unit] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索单位…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_search)
        self.show_inactive = QCheckBox("显示已停用单位")
        self.show_inactive.setChecked(True)
        self.show_inactive.toggled.connect(self._apply_search)
        self.add_button = QPushButton("新建单位…")
        self.add_button.clicked.connect(self._add_clicked)
        self.merge_button = QPushButton("合并到…")
        self.merge_button.clicked.connect(self._merge_clicked)
        self.active_button = QPushButton("停用")
        self.active_button.clicked.connect(self._toggle_active_clicked)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_inactive)
        top.addWidget(self.add_button)
        top.addWidget(self.merge_button)
        top.addWidget(self.active_button)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(
            QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        for c, w in enumerate((60, 260, 150, 90, 110, 150, 70)):
            self.table.setColumnWidth(c, w)
        # The name takes the free width; 项目数 stays as narrow as its figures.
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setStretchLastSection(False)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        hint = QLabel("双击单元格可修改单位名称、简称、联系人和联系电话（联系人用于填报模板）。")
        hint.setStyleSheet("color: #5F6368;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self._loading = False
        self.reload()

    # -- showing ---------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.current_unit()
        self.units = list_units(self.ctx.store)
        self._loading = True
        try:
            self.table.setRowCount(len(self.units))
            grey = QBrush(QColor("#9AA0A6"))
            for r, u in enumerate(self.units):
                count = unit_project_count(self.ctx.store, u.id)
                values = [
                    "启用" if u.active else "停用",
                    u.name,
                    u.short_name or "",
                    u.kind,
                    u.contact_person or "",
                    u.contact_phone or "",
                    str(count),
                ]
                for c, v in enumerate(values):
                    item = QTableWidgetItem(v)
                    item.setData(Qt.UserRole, u.id)
                    if c not in _EDITABLE:
                        item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                    if c == 6:
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    if not u.active:
                        item.setForeground(grey)
                    if u.origin == "常用市级部门" and c in (1, 3):
                        item.setToolTip(USUAL_DEPARTMENT)
                    self.table.setItem(r, c, item)
        finally:
            self._loading = False
        self._apply_search()
        if current is not None:
            self.select_unit(current.id)
        self._update_buttons()

    def _apply_search(self, *_args) -> None:
        text = self.search.text().strip().lower()
        for r, u in enumerate(self.units):
            hay = f"{u.name} {u.short_name or ''} {u.contact_person or ''}".lower()
            hidden = (text and text not in hay) or (
                not u.active and not self.show_inactive.isChecked()
            )
            self.table.setRowHidden(r, bool(hidden))

    def row_of(self, unit_id: int) -> int | None:
        return next((r for r, u in enumerate(self.units) if u.id == unit_id), None)

    def select_unit(self, unit_id: int) -> None:
        r = self.row_of(unit_id)
        if r is not None:
            self.table.selectRow(r)

    def current_unit(self) -> Unit | None:
        r = self.table.currentRow()
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if rows:
            r = rows[0].row()
        return self.units[r] if 0 <= r < len(self.units) else None

    def _update_buttons(self) -> None:
        u = self.current_unit()
        self.merge_button.setEnabled(u is not None and u.active)
        self.active_button.setEnabled(u is not None)
        self.active_button.setText("启用" if u is not None and not u.active else "停用")

    # -- operations (the buttons call these after their dialog; tests call them directly) --

    def add_unit(self, values: dict) -> int | None:
        command = AddUnitCommand(self.ctx, values)
        if not self._execute(command):
            return None
        self.select_unit(command.unit_id)
        return command.unit_id

    def edit_unit(self, unit_id: int, values: dict) -> bool:
        unit = next(u for u in self.units if u.id == unit_id)
        if "name" in values:
            text = f"重命名单位 {unit.name} → {values['name'].strip()}"
        elif "active" in values:
            text = f"{'启用' if values['active'] else '停用'}单位 {unit.name}"
        else:
            text = f"修改单位 {unit.name} 联系方式"
        # Against the unit as this page shows it: a colleague's change since is not overwritten.
        return self._execute(
            EditUnitCommand(self.ctx, unit_id, values, text, expected_version=unit.version)
        )

    def merge(self, source_id: int, target_id: int) -> int | None:
        source = next(u for u in self.units if u.id == source_id)
        target = next(u for u in self.units if u.id == target_id)
        command = MergeUnitsCommand(
            self.ctx,
            source_id,
            target_id,
            f"合并单位 {source.name} → {target.name}",
            keep_backups=self.ctx.keep_backups(),
        )
        if not self._execute(command, busy=True):  # a backup of the whole database comes first
            return None
        return command.moved

    def _execute(self, command, *, busy: bool = False) -> bool:
        try:
            with busy_cursor() if busy else nullcontext():
                execute(self.ctx, command)
        except UserError as exc:
            self.last_error = exc.message
            self.ctx.report_error(exc)
            self.reload()
            return False
        return True

    # -- button handlers (dialogs) ---------------------------------------------------------

    def _add_clicked(self) -> None:
        dialog = UnitDialog(self)
        if dialog.exec() == QDialog.Accepted:
            self.add_unit(dialog.values())

    def _merge_clicked(self) -> None:
        source = self.current_unit()
        if source is None:
            return
        count = unit_project_count(self.ctx.store, source.id)
        dialog = MergeDialog(source, self.units, count, self)
        if dialog.exec() == QDialog.Accepted and dialog.target.currentData() is not None:
            self.merge(source.id, dialog.target.currentData())

    def _toggle_active_clicked(self) -> None:
        u = self.current_unit()
        if u is None:
            return
        if u.active:
            count = unit_project_count(self.ctx.store, u.id)
            answer = QMessageBox.question(
                self,
                "停用单位",
                f"停用「{u.name}」？它的 {count} 个项目关联保留，新的填报模板不再为它生成。",
            )
            if answer != QMessageBox.Yes:
                return
        self.edit_unit(u.id, {"active": not u.active})

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() not in _EDITABLE:
            return
        unit_id = item.data(Qt.UserRole)
        field = _EDITABLE[item.column()]
        if not self.edit_unit(unit_id, {field: item.text()}):
            return

    def refresh(self, changes: Changes) -> None:
        if changes.units or changes.database or changes.all_projects:
            self.reload()
