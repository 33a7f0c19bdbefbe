"""History views: a project's audit trail and the database's log of imports and backups."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..store.history import list_events, list_import_batches
from ..store.projects import history as project_history


def _table(headers: list[str], rows: list[list[object]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            item.setToolTip(item.text())
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Interactive)
    table.resizeColumnsToContents()
    for c in range(len(headers)):
        table.setColumnWidth(c, min(max(table.columnWidth(c), 70), 320))
    header.setStretchLastSection(True)
    return table


class ProjectHistoryWidget(QWidget):
    """Who changed what and when (手工 or 导入 with its file), newest first."""

    HEADERS = ["时间", "用户", "字段", "原值", "新值", "来源"]

    def __init__(self, store, project_id: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        rows = []
        if project_id:
            for h in project_history(store, project_id):
                rows.append(
                    [
                        h["at"].replace("T", " "),
                        h["user"],
                        h["field"],
                        h["old"] or "（空）",
                        h["new"] or "（空）",
                        h["source"],
                    ]
                )
        self.table = _table(self.HEADERS, rows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not rows:
            layout.addWidget(QLabel("暂无修改记录。"))
        layout.addWidget(self.table)


class DatabaseHistoryWidget(QWidget):
    """The database's log: imports (with counts) and events (backups, restores, templates)."""

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(parent)
        events = [
            [e["at"].replace("T", " "), e["user"], e["kind"], e["summary"], e["path"] or ""]
            for e in list_events(store)
        ]
        batches = []
        for b in list_import_batches(store):
            c = b["counts"]
            counts = "，".join(
                f"{name} {c[key]}"
                for key, name in (
                    ("updated", "更新"),
                    ("unchanged", "未变"),
                    ("refused", "拒绝"),
                    ("conflicts", "冲突"),
                    ("proposals", "新项目建议"),
                )
                if c.get(key)
            )
            batches.append(
                [
                    b["at"].replace("T", " "),
                    b["user"],
                    b["kind"],
                    b["file_name"],
                    b["unit"] or "",
                    b["period"] or "",
                    counts,
                ]
            )
        self.events = _table(["时间", "用户", "类别", "内容", "文件"], events)
        self.imports = _table(["时间", "用户", "类别", "文件", "单位", "期次", "结果"], batches)
        tabs = QTabWidget()
        tabs.addTab(self.imports, f"导入记录（{len(batches)}）")
        tabs.addTab(self.events, f"备份与操作记录（{len(events)}）")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tabs)


class HistoryDialog(QDialog):
    """A window around one of the history widgets."""

    def __init__(self, ctx, project_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if project_id:
            p = ctx.register_model.project(project_id) if ctx.register_model else None
            title = f"修改历史 — {p.code} {p.name}" if p else "修改历史"
            body: QWidget = ProjectHistoryWidget(ctx.store, project_id)
        else:
            title = "数据库日志 — 导入与备份"
            body = DatabaseHistoryWidget(ctx.store)
        self.setWindowTitle(title)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addWidget(buttons, 0, Qt.AlignRight)
        self.body = body
        self.resize(900, 520)
