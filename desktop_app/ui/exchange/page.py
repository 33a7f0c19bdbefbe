"""The 进度填报 page: the period's 报送情况 (who returned, when, with what), templates, imports.

Generating templates, importing returns and exporting the register all run off the GUI thread
through ui/worker.py and call the same services as the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...services.changes import Changes
from ...services.monitoring import unit_reporting
from ...services.proposals import pending_count
from ...store.exchange import return_status
from ..context import AppContext
from ..worker import start_job

if TYPE_CHECKING:
    from .proposals import ProposalsDialog
    from .wizard import ImportWizard

STATUS_COLUMNS = (
    "单位",
    "类别",
    "项目数",
    "模板生成",
    "报送状态",
    "报送时间",
    "文件",
    "更新",
    "错误",
    "冲突",
    "新增建议",
)

FILE_WIDTH = 320  # the 文件 column at most (pixels)


class ReportingPage(QWidget):
    """进度填报: choose a period, see 报送情况, issue templates, import returns, export."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.period_combo = QComboBox()
        self._fill_periods()
        self.period_combo.currentIndexChanged.connect(lambda _: self.reload())
        self.summary = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("填报周期："))
        buttons.addWidget(self.period_combo)
        buttons.addSpacing(16)
        self.proposals_button = QPushButton()
        self.proposals_button.setToolTip("各单位填报表中列出、项目库中还没有的项目：采纳或驳回")
        self.proposals_button.clicked.connect(self.open_proposals)
        self.proposals_dialog: ProposalsDialog | None = None
        self.requests_button = QPushButton()
        self.requests_button.setToolTip("各单位对已有计划信息的修改：由办公室采纳或退回")
        self.requests_button.clicked.connect(self.open_change_requests)
        self.requests_dialog = None
        for widget in (
            self._button("生成填报模板（单个单位）…", self.issue_one),
            self._button("生成全部单位模板…", self.issue_all),
            self._button("导入填报表…", self.open_import),
            self.proposals_button,
            self.requests_button,
            self._button("导出项目库…", self.export_register),
        ):
            buttons.addWidget(widget)
        buttons.addStretch()
        self.table = QTableWidget(0, len(STATUS_COLUMNS))
        self.table.setHorizontalHeaderLabels(STATUS_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # Each column as wide as its texts; a long file name is cut in its middle (its end says
        # which period and unit it is) and shown whole in its tooltip.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.setTextElideMode(Qt.ElideMiddle)
        self.table.setAlternatingRowColors(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(lambda: self.job and self.job.cancel())
        status_row = QHBoxLayout()
        status_row.addWidget(self.summary, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        title = QLabel("进度填报 · 报送情况")
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)
        self.reload()

    @staticmethod
    def _button(text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())  # clicked(bool) must not reach the slot
        return button

    def _fill_periods(self) -> None:
        current = self.ctx.current_period()
        for i in range(-1, 13):
            p = current.shift(-i)
            self.period_combo.addItem(p.label, p.key)
        self.period_combo.setCurrentIndex(1)

    def period(self) -> str:
        return self.period_combo.currentData()

    def refresh(self, changes: Changes) -> None:
        if changes.reports or changes.units or changes.database or changes.touches_projects:
            self.reload()
        else:
            self.update_proposals_button()  # a proposal rejected (or its rejection undone)

    def update_proposals_button(self) -> None:
        pending = pending_count(self.ctx.store)
        self.proposals_button.setText(f"新增项目建议（{pending}）")
        self.proposals_button.setStyleSheet("font-weight: bold;" if pending else "")
        from ...store.change_requests import count_change_requests

        requests = count_change_requests(self.ctx.store)
        self.requests_button.setText(f"变更申请（{requests}）")
        self.requests_button.setStyleSheet("font-weight: bold;" if requests else "")

    def reload(self) -> None:
        rows = return_status(self.ctx.store, self.period())
        # Reports entered directly (not through a return) count as reported too, as on 首页
        # and in 督办预警: the same units are 未报送 on every page.
        filled = {u.unit_id for u in unit_reporting(self.ctx.store, self.period()) if u.reported}
        for r in rows:
            if not r["returns"] and r["unit_id"] in filled:
                r["status"] = "已报送（直接录入）"
        self.table.setRowCount(len(rows))
        late = QBrush(QColor("#D93025"))
        done = QBrush(QColor("#2E9D47"))
        for i, r in enumerate(rows):
            values = (
                r["unit"],
                r["kind"],
                r["projects"],
                (r["issued_at"] or "未生成").replace("T", " "),
                r["status"],
                (r["returned_at"] or "").replace("T", " "),
                r["file_name"] or "",
                r["updated"] if r["returns"] else "",
                r["refused"] if r["returns"] else "",
                r["conflicts"] if r["returns"] else "",
                r["proposals"] if r["returns"] else "",
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if j == 4:
                    item.setForeground(late if r["status"] == "未报送" else done)
                item.setData(Qt.UserRole, r["unit_id"])
                self.table.setItem(i, j, item)
        self.fit_columns()
        returned = sum(1 for r in rows if r["status"] != "未报送")
        self.summary.setText(
            f"{self.period_combo.currentText()}：应报送 {len(rows)} 个单位，已报送 {returned}，"
            f"未报送 {len(rows) - returned}。"
        )
        self.update_proposals_button()

    def fit_columns(self) -> None:
        """Widths from the texts (header included), the file column at most FILE_WIDTH: the
        table keeps its layout after an import instead of giving one column the page."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for col, title in enumerate(STATUS_COLUMNS):
            least = metrics.horizontalAdvance(title) + 24
            width = max(self.table.columnWidth(col), least)
            if col == STATUS_COLUMNS.index("文件"):
                width = min(max(width, 160), FILE_WIDTH)
            self.table.setColumnWidth(col, width)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, STATUS_COLUMNS.index("文件"))
            if item is not None and item.text():
                item.setToolTip(item.text())

    # -- actions ---------------------------------------------------------------------------

    def selected_unit(self) -> str | None:
        row = self.table.currentRow()
        return self.table.item(row, 0).text() if row >= 0 and self.table.item(row, 0) else None

    def issue_one(self) -> None:
        from ...domain.period import Period
        from ...services.exchange import template_file_name

        unit = self.selected_unit()
        if unit is None:
            names = [self.table.item(i, 0).text() for i in range(self.table.rowCount())]
            unit, ok = QInputDialog.getItem(self, "生成填报模板", "单位：", names, 0, False)
            if not ok:
                return
        period = self.period()
        name, _ = QFileDialog.getSaveFileName(
            self,
            "保存填报模板",
            str(Path.home() / template_file_name(unit, Period.parse(period))),
            "Excel 工作簿 (*.xlsx)",
        )
        if not name:
            return

        def job(store, progress):
            from ...services.exchange import issue_template

            return [issue_template(store, unit, period, Path(name))]

        self._run(job, "正在生成填报模板…")

    def issue_all(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存模板的文件夹", str(Path.home()))
        if not folder:
            return
        period = self.period()

        def job(store, progress):
            from ...services.exchange import issue_templates

            return issue_templates(store, period, Path(folder), progress=progress)

        self._run(job, "正在生成全部单位的填报模板…")

    def open_import(self, *, files: Sequence[Path] = ()) -> ImportWizard:
        """The import wizard, as Ctrl+I opens it: modal to the window, without a nested loop."""
        from .wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self, files=list(files))
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def open_proposals(self) -> ProposalsDialog:
        """The 新增项目建议 window (pending ones first; the history is one filter away)."""
        from .proposals import ProposalsDialog

        if self.proposals_dialog is None:
            self.proposals_dialog = ProposalsDialog(self.ctx, self)
            self.proposals_dialog.handled.connect(self.update_proposals_button)
        else:
            self.proposals_dialog.reload()
        self.proposals_dialog.open()
        return self.proposals_dialog

    def open_change_requests(self):
        """The 变更申请 window (pending ones first; the decided ones one filter away)."""
        from .change_requests import ChangeRequestsDialog

        if self.requests_dialog is None:
            self.requests_dialog = ChangeRequestsDialog(self.ctx, self)
            self.requests_dialog.handled.connect(self.update_proposals_button)
        else:
            self.requests_dialog.reload()
        self.requests_dialog.open()
        return self.requests_dialog

    def export_register(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "导出项目库", str(Path.home() / "项目库.xlsx"), "Excel 工作簿 (*.xlsx)"
        )
        if not name:
            return
        today = self.ctx.today()
        rules = self.ctx.status_rules()

        def job(store, progress):
            from ...exchange.register_export import export_register

            return [export_register(store, Path(name), today=today, rules=rules, progress=progress)]

        self._run(job, "正在导出项目库…", notify=False)

    def _run(self, fn, text: str, *, notify: bool = True) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self.summary.setText(text)

        def progress(done, total, label):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.summary.setText(label)

        def finish():
            self.job = None
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)

        def done(paths):
            finish()
            if notify:
                self.ctx.notify(Changes(reports=True))
            self.reload()
            self.summary.setText(f"已保存 {len(paths)} 个文件：{paths[0].parent if paths else ''}")

        def failed(exc, trace):
            finish()
            self.reload()
            from ...services.progress import Cancelled

            if isinstance(exc, Cancelled):
                self.summary.setText("已取消。")
            elif isinstance(exc, UserError):
                QMessageBox.warning(self, "进度填报", exc.message)
            else:
                raise exc

        self.job = start_job(
            Path(self.ctx.store.path),
            fn,
            on_done=done,
            on_error=failed,
            on_progress=progress,
            user=self.ctx.store.user,
        )
