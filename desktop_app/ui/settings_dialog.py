"""设置: how many automatic backups to keep; the status-rule thresholds (their own dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .pages import load_class


class SettingsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("设置")
        self.keep = QSpinBox()
        self.keep.setRange(1, 200)
        self.keep.setValue(ctx.keep_backups())
        self.keep.setSuffix(" 份")
        form = QFormLayout(self)
        form.addRow("自动备份保留", self.keep)
        form.addRow(QLabel("打开数据库时每天自动备份一次；删除、合并、恢复前也会备份。"))
        rules = load_class("desktop_app.ui.monitoring.rules_dialog:RulesDialog")
        if rules is not None:
            button = QPushButton("红黄绿灯规则…")
            button.clicked.connect(lambda: rules(ctx, self).exec())
            form.addRow("状态规则", button)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("确定")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.ctx.settings.setValue("backup/keep", self.keep.value())
        super().accept()
