"""变更申请: planning values (计划开工, 计划完工, 总投资, 年度计划投资, 建设内容) a unit's return asked
to change. The office accepts one (the unit's value, or a corrected one typed here) or returns it
with a reason; both call services/change_requests.py, and the project's history records them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.money import plain_number
from ...exchange.columns import BY_KEY
from ...services import change_requests as service
from ...store.change_requests import ChangeRequest, list_change_requests
from ..context import AppContext
from ..undo import StoreCommand, execute

FILTERS = (("待审核", "待审核"), ("已采纳", "已采纳"), ("已退回", "已退回"), ("全部", None))
COLUMNS = ("编号", "状态", "项目", "栏目", "原计划", "申请值", "处理情况", "报送单位", "来源")
ERROR_STYLE = "color: #C5221F;"


def _shown(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float):
        return plain_number(value)
    return str(value)


def _label(r: ChangeRequest) -> str:
    label = BY_KEY[r.field].header
    return f"{r.year}年{label}" if r.field == "annual_plan" and r.year else label


def _outcome(r: ChangeRequest) -> str:
    if r.status == "已采纳":
        return f"采纳为 {_shown(r.decided)}" + (f"（{r.reason}）" if r.reason else "")
    if r.status == "已退回":
        return f"退回：{r.reason}"
    return ""


class AcceptChangeCommand(StoreCommand):
    """采纳: the value into the project; undo puts the value before back, the request 待审核."""

    def __init__(self, ctx, request: ChangeRequest, value: str | None, before: object):
        super().__init__(ctx, f"采纳变更申请 {request.code} {_label(request)}")
        self.request_id = request.id
        self.value = value
        self.before = before

    def apply(self):
        return service.accept_change_request(self.ctx.store, self.request_id, self.value)

    def revert(self):
        return service.reopen_change_request(self.ctx.store, self.request_id, self.before)


class RejectChangeCommand(StoreCommand):
    """退回 with a reason; undo puts the request back to 待审核."""

    def __init__(self, ctx, request: ChangeRequest, reason: str):
        super().__init__(ctx, f"退回变更申请 {request.code} {_label(request)}")
        self.request_id = request.id
        self.reason = reason

    def apply(self):
        return service.reject_change_request(self.ctx.store, self.request_id, self.reason)

    def revert(self):
        return service.reopen_change_request(self.ctx.store, self.request_id)


class ChangeRequestsDialog(QDialog):
    """The office's list of 变更申请, with 采纳 and 退回."""

    handled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("变更申请")
        self.resize(1000, 520)
        self.requests: list[ChangeRequest] = []
        intro = QLabel(
            "单位在填报表中修改了已有的计划信息。计划由办公室确定：采纳后写入项目库"
            "（可先填写更正后的值），退回则计划不变并记录理由。"
        )
        intro.setWordWrap(True)
        self.filter_combo = QComboBox()
        for text, status in FILTERS:
            self.filter_combo.addItem(text, status)
        self.filter_combo.currentIndexChanged.connect(lambda _: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("显示："))
        top.addWidget(self.filter_combo)
        top.addStretch()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("不填则采纳单位申请的值")
        self.accept_button = QPushButton("采纳")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("退回理由（必填）")
        self.reject_button = QPushButton("退回")
        self.reject_button.clicked.connect(self.reject_selected)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("采纳值："))
        actions.addWidget(self.value_edit, 1)
        actions.addWidget(self.accept_button)
        actions.addSpacing(24)
        actions.addWidget(QLabel("退回理由："))
        actions.addWidget(self.reason_edit, 2)
        actions.addWidget(self.reject_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addLayout(bottom)
        self.reload()
        ctx.changed.connect(self._changed)

    def _changed(self, changes) -> None:
        """An undo or redo (or another view) changed things: show the requests as they are."""
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.requests = list_change_requests(self.ctx.store, self.filter_combo.currentData())
        self.table.setRowCount(0)
        for r in self.requests:
            i = self.table.rowCount()
            self.table.insertRow(i)
            for j, text in enumerate(
                (
                    str(r.id),
                    r.status,
                    f"{r.code} {r.name}",
                    _label(r),
                    _shown(r.old),
                    _shown(r.new),
                    _outcome(r),
                    r.unit or "",
                    f"{r.file_name} {r.cell or ''}（{r.period or r.imported_at[:10]}）",
                )
            ):
                item = QTableWidgetItem(text)
                if j in (4, 5):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        if self.requests:
            self.table.selectRow(0)
        self._selected_changed()

    def selected(self) -> ChangeRequest | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.requests):
            return None
        return self.requests[rows[0].row()]

    def _selected_changed(self) -> None:
        r = self.selected()
        pending = r is not None and r.status == "待审核"
        for widget in (self.accept_button, self.reject_button, self.value_edit, self.reason_edit):
            widget.setEnabled(pending)

    def _done(self, text: str) -> None:
        self.value_edit.clear()
        self.reason_edit.clear()
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.reload()
        self.handled.emit()

    def _refused(self, exc: UserError) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(exc.message)

    def accept_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        value = self.value_edit.text().strip() or None
        before = service.current_value(self.ctx.store, r.id)
        try:
            execute(self.ctx, AcceptChangeCommand(self.ctx, r, value, before))
        except UserError as exc:
            self._refused(exc)
            return
        self._done(f"已采纳变更申请 {r.id}：{r.code} {_label(r)}（可撤销）。")

    def reject_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        try:
            execute(self.ctx, RejectChangeCommand(self.ctx, r, self.reason_edit.text()))
        except UserError as exc:
            self._refused(exc)
            return
        self._done(f"已退回变更申请 {r.id}，计划不变（可撤销）。")
