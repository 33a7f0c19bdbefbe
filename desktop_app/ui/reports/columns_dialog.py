"""选择列: which columns a 进度表 prints and in which order, kept per sheet in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...reports.progress_sheet import CATALOGUE, column_label
from ...services.reports import SHEETS, save_columns, saved_columns
from ..context import AppContext


class ColumnsDialog(QDialog):
    """Tick the columns to print and drag them into order; 序号 always comes first."""

    def __init__(self, ctx: AppContext, sheet: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.sheet = ctx, sheet
        self.setWindowTitle(f"选择列 — {SHEETS[sheet]}")
        chosen = saved_columns(ctx.store, sheet) or ()
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.InternalMove)
        keys = [k for k in chosen if k != "seq"] + [k for k in CATALOGUE if k not in chosen]
        for key in keys:
            if key == "seq":
                continue
            item = QListWidgetItem(column_label(key))
            item.setData(Qt.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsDragEnabled)
            item.setCheckState(Qt.Checked if key in chosen else Qt.Unchecked)
            self.list.addItem(item)
        self.default_button = QPushButton("恢复默认（按纸张）")
        self.default_button.clicked.connect(lambda: self._save(None))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("保存")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(lambda: self._save(self.keys()))
        buttons.rejected.connect(self.reject)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #D93025")
        layout = QVBoxLayout(self)
        hint = "勾选要打印的列，拖动调整顺序（序号总在第一列）。"
        if not chosen:
            hint += "\n现在按纸张自动选择列；保存后固定使用所选的列。"
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.default_button)
        layout.addWidget(buttons)

    def keys(self) -> list[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [it.data(Qt.UserRole) for it in items if it.checkState() == Qt.Checked]

    def _save(self, keys: list[str] | None) -> None:
        if keys is not None and not keys:
            self.problem.setText("至少勾选一列。")
            return
        save_columns(self.ctx.store, self.sheet, keys)
        self.accept()
