"""批量修改: one dialog to set units (and, for projects, 专栏, stage, dates, investment) on many
selected rows. Only the rows ticked 「修改」 change; the change runs through ``on_apply``, and a
refusal (which rows, why) is shown in the dialog, which stays open to be adjusted."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.bulk import ADD, KEEP, REPLACE, UnitChange
from ...domain.errors import UserError
from ...domain.fields import MISSING, STAGES
from ...services.bulk import BulkEdit
from ...services.editing import parse_field
from ...store.projects import list_sections
from ...store.units import list_units

CLEAR = 0  # the lead combo's 「清除」: no 牵头单位
MODE_TEXTS = {REPLACE: "替换为", ADD: "追加"}


class UnitPicker(QListWidget):
    """Active units with a check box each, in the office's order."""

    def __init__(self, units, parent: QWidget | None = None):
        super().__init__(parent)
        for u in units:
            item = QListWidgetItem(u.name)
            item.setData(Qt.UserRole, u.id)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.addItem(item)
        # Five units in view: the dialog fits a 720-pixel-high screen (1920×1080 at 150 %).
        self.setFixedHeight(5 * self.sizeHintForRow(0) + 2 * self.frameWidth() + 2)

    def checked_ids(self) -> tuple[int, ...]:
        return tuple(
            self.item(i).data(Qt.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.Checked
        )

    def check(self, name: str, on: bool = True) -> None:
        for i in range(self.count()):
            if self.item(i).text() == name:
                self.item(i).setCheckState(Qt.Checked if on else Qt.Unchecked)
                return
        raise KeyError(name)


class BulkEditDialog(QDialog):
    """``kind`` "项目" (all fields) or "任务" (units only). ``on_apply(result)`` applies the
    change and returns nothing, or raises ``UserError`` whose message the dialog shows."""

    def __init__(
        self,
        ctx,
        count: int,
        on_apply: Callable[[object], None],
        *,
        kind: str = "项目",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.on_apply = on_apply
        self.applied = False
        noun = "个项目" if kind == "项目" else "项任务"
        self.setWindowTitle(f"批量修改 — 选中的 {count} {noun}" if kind == "项目" else "分配单位")
        units = [u for u in list_units(ctx.store) if u.active]

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        self.checks: dict[str, QCheckBox] = {}
        row = 0

        def add(key: str, title: str, editor: QWidget, extra: QWidget | None = None) -> None:
            nonlocal row
            check = QCheckBox("修改")
            check.setObjectName(f"bulk_check_{key}")
            editor.setEnabled(False)
            check.toggled.connect(editor.setEnabled)
            if extra is not None:
                extra.setEnabled(False)
                check.toggled.connect(extra.setEnabled)
            self.checks[key] = check
            grid.addWidget(check, row, 0, Qt.AlignTop)
            grid.addWidget(QLabel(title), row, 1, Qt.AlignTop)
            if extra is not None:
                box = QVBoxLayout()
                box.addWidget(extra)
                box.addWidget(editor)
                grid.addLayout(box, row, 2)
            else:
                grid.addWidget(editor, row, 2)
            row += 1

        self.lead = QComboBox()
        self.lead.addItem("（请选择）", None)
        self.lead.addItem("（清除牵头单位）", CLEAR)
        for u in units:
            self.lead.addItem(u.name, u.id)
        add("lead", "牵头单位", self.lead)
        self.pickers: dict[str, UnitPicker] = {}
        self.modes: dict[str, QComboBox] = {}
        for key, title in (("responsible", "责任单位"), ("supporting", "配合单位")):
            mode = QComboBox()
            for m, text in MODE_TEXTS.items():
                mode.addItem(text, m)
            self.modes[key] = mode
            self.pickers[key] = UnitPicker(units)
            add(key, title, self.pickers[key], mode)

        self.fields: dict[str, QWidget] = {}
        if kind == "项目":
            column = QComboBox()
            column.addItem("（不归入专栏）", None)
            for s in list_sections(ctx.store, "专栏"):
                column.addItem(s.label, s.id)
            self.fields["section_id"] = column
            add("section_id", "专栏", column)
            stage = QComboBox()
            for s in STAGES:
                stage.addItem(s, s)
            stage.addItem(f"{MISSING}（清除）", None)
            self.fields["stage"] = stage
            add("stage", "建设阶段", stage)
            for key, title in (
                ("planned_start", "计划开工"),
                ("planned_end", "计划完工"),
                ("total_investment", "总投资（万元）"),
            ):
                edit = QLineEdit()
                edit.setPlaceholderText(
                    "如 2026-03-01 或 2026年3月；留空即清除"
                    if key != "total_investment"
                    else "如 12000 或 1.2亿；留空即清除"
                )
                self.fields[key] = edit
                add(key, title, edit)

        self.error = QLabel()
        self.error.setObjectName("bulk_error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error.setStyleSheet("color: #C5221F;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(f"应用到 {count} {noun}")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        hint = QLabel(
            "勾选「修改」的内容应用到全部选中的"
            + ("项目" if kind == "项目" else "任务")
            + "，其余保持不变；一次「撤销」（Ctrl+Z）可全部恢复。"
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    # -- reading the form --------------------------------------------------------------------

    def preset(self, links: list[tuple[str, str]]) -> None:
        """Start from one item's own units (name, role): its 牵头 chosen, its 责任/配合 ticked."""
        for name, role in links:
            if role == "牵头":
                self.lead.setCurrentIndex(max(self.lead.findText(name), 0))
            else:
                key = "responsible" if role == "责任" else "supporting"
                try:
                    self.pickers[key].check(name)
                except KeyError:  # a unit taken out of use
                    continue

    def unit_change(self) -> UnitChange:
        lead = None
        if self.checks["lead"].isChecked():
            lead = self.lead.currentData()
            if lead is None:
                raise UserError("请选择牵头单位，或选「（清除牵头单位）」，或取消勾选这一行。")
        modes = {}
        for key in ("responsible", "supporting"):
            if self.checks[key].isChecked():
                modes[key] = (self.modes[key].currentData(), self.pickers[key].checked_ids())
            else:
                modes[key] = (KEEP, ())
        return UnitChange(lead, modes["responsible"], modes["supporting"])

    def result_value(self):
        """The change asked for: a ``UnitChange`` (tasks) or a ``BulkEdit`` (projects);
        ``UserError`` when a typed value cannot be read."""
        units = self.unit_change()
        if self.kind != "项目":
            return units
        values: dict = {}
        for key, widget in self.fields.items():
            if not self.checks[key].isChecked():
                continue
            if isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            else:
                values[key] = parse_field(key, widget.text())
        return BulkEdit(values, units)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        try:
            value = self.result_value()
            if value.empty:
                raise UserError("没有勾选要修改的内容：请在要修改的一行勾选「修改」。")
            self.on_apply(value)
        except UserError as exc:
            self.show_error(exc.message)
            return
        self.applied = True
        super().accept()
