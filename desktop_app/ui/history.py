"""History views: a project's or a 重点任务's audit trail (a task's with its reports) and the
database's log of imports and backups."""

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
from ..store.tasks import get_task, task_history, task_reports


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


def _audit_rows(history: list[dict]) -> list[list[object]]:
    return [
        [
            h["at"].replace("T", " "),
            h["user"],
            h["field"],
            h["old"] or "（空）",
            h["new"] or "（空）",
            h["source"],
        ]
        for h in history
    ]


AUDIT_HEADERS = ["时间", "用户", "字段", "原值", "新值", "来源"]


class ProjectHistoryWidget(QWidget):
    """Who changed what and when (手工 or 导入 with its file), newest first."""

    HEADERS = AUDIT_HEADERS

    def __init__(self, store, project_id: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        rows = _audit_rows(project_history(store, project_id)) if project_id else []
        self.table = _table(self.HEADERS, rows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not rows:
            layout.addWidget(QLabel("暂无修改记录。"))
        layout.addWidget(self.table)


class TaskHistoryWidget(QWidget):
    """A 重点任务's history: its audited changes (单位, 备注, 结转, its reports corrected) and its
    reports period by period, each with the import (file and time) that brought it."""

    REPORT_HEADERS = [
        "期次",
        "单位",
        "完成情况",
        "进展情况",
        "完成时间",
        "存在问题",
        "来源",
        "导入批次",
    ]

    def __init__(self, store, task_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        changes = _audit_rows(task_history(store, task_id))
        reports = [
            [
                r["period_label"],
                r["unit"],
                r["state"] or "",
                r["progress_text"] or "",
                r["done_date"] or "",
                r["problems"] or "",
                r["source"],
                f"{r['batch_at'].replace('T', ' ')[:16]} {r['file_name']}"
                if r["file_name"]
                else "",
            ]
            for r in task_reports(store, task_id)
        ]
        self.changes = _table(AUDIT_HEADERS, changes)
        self.reports = _table(self.REPORT_HEADERS, reports)
        self.tabs = QTabWidget()
        self.tabs.addTab(
            self._with_note(self.changes, "暂无修改记录。"), f"修改历史（{len(changes)}）"
        )
        self.tabs.addTab(
            self._with_note(self.reports, "暂无任务报告：单位报送后在这里按期次列出。"),
            f"任务报告（{len(reports)}）",
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    @staticmethod
    def _with_note(table: QTableWidget, empty: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        if table.rowCount() == 0:
            layout.addWidget(QLabel(empty))
        layout.addWidget(table)
        return box


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

    def __init__(
        self,
        ctx,
        project_id: str | None = None,
        parent: QWidget | None = None,
        *,
        task_id: int | None = None,
    ):
        super().__init__(parent)
        if task_id is not None:
            t = get_task(ctx.store, task_id)
            title = f"修改历史 — {t.code} {t.title}"
            body: QWidget = TaskHistoryWidget(ctx.store, task_id)
        elif project_id:
            p = ctx.register_model.project(project_id) if ctx.register_model else None
            title = f"修改历史 — {p.code} {p.name}" if p else "修改历史"
            body = ProjectHistoryWidget(ctx.store, project_id)
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
