"""备份与恢复: the database's backups with date, reason and size; back up now; restore one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import UserError
from ..locations import backups_dir
from ..services.backup import auto_backup, file_size_text, list_backups, restore
from .busy import busy_cursor


class BackupsDialog(QDialog):
    """List the backups of the open database; 立即备份 and 恢复所选."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("备份与恢复")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["备份时间", "原因", "大小", "文件"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for c, w in enumerate((160, 80, 80, 360)):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("恢复所选备份…")
        self.restore_button.clicked.connect(self._restore_clicked)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(780, 420)
        self.reload()

    def reload(self) -> None:
        self.backups = list_backups(self.ctx.store.path)
        self.info.setText(
            f"数据库：{self.ctx.store.path}\n备份文件夹：{backups_dir(self.ctx.store.path)}"
            f"（自动保留最近 {self.ctx.keep_backups()} 份；打开数据库时每日备份一次，"
            "删除、合并、恢复前也会自动备份）"
        )
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            for c, v in enumerate(
                (b.at.strftime("%Y-%m-%d %H:%M:%S"), b.reason, file_size_text(b.size), b.path.name)
            ):
                item = QTableWidgetItem(v)
                if c == 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(str(b.path))
                self.table.setItem(r, c, item)
        if self.backups:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.backups))

    def backup_now(self) -> Path | None:
        try:
            with busy_cursor():
                path = auto_backup(self.ctx.store, "手动", keep=self.ctx.keep_backups())
        except UserError as exc:
            self.ctx.report_error(exc)
            return None
        self.reload()
        return path

    def selected_backup(self) -> Path | None:
        r = self.table.currentRow()
        return self.backups[r].path if 0 <= r < len(self.backups) else None

    def _restore_clicked(self) -> None:
        path = self.selected_backup()
        if path is None:
            return
        answer = QMessageBox.question(
            self,
            "恢复备份",
            f"用备份「{path.name}」替换当前数据库？\n当前数据会先自动备份（原因：恢复前），"
            "恢复后可再从该备份恢复回来。",
        )
        if answer == QMessageBox.Yes:
            self.restore(path)

    def restore(self, path: Path) -> bool:
        """Replace the open database with ``path``; every view reloads."""
        try:
            with busy_cursor():
                store = restore(self.ctx.store, path, keep=self.ctx.keep_backups())
        except UserError as exc:
            self.ctx.report_error(exc)
            return False
        self.ctx.replace_store(store)
        self.reload()
        self.status_text = f"已从备份「{path.name}」恢复。恢复前的数据另存为备份（原因：恢复前），需要时可再恢复回来。"
        parent = self.parent()
        if parent is not None and hasattr(parent, "statusBar"):
            parent.statusBar().showMessage(self.status_text, 15000)
        return True
