"""Settings of the status rules (thresholds) and of the reporting period (monthly/quarterly)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ...domain.status import StatusRules
from ...services.changes import Changes
from ...services.monitoring import report_due_day
from ..context import AppContext

PERIOD_KINDS = {"month": "按月", "quarter": "按季度"}


class RulesDialog(QDialog):
    """红黄绿灯规则: edited here, stored in the database so every user of the file shares them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("状态规则与填报周期")
        rules = ctx.status_rules()
        form = QFormLayout(self)
        form.addRow(QLabel("进度落后序时进度（计划工期已过比例）的百分点："))
        self.red = self._points(rules.red_points)
        self.yellow = self._points(rules.yellow_points)
        form.addRow("超过此值为红灯", self.red)
        form.addRow("超过此值为黄灯", self.yellow)
        self.overdue = self._days(rules.milestone_overdue_days)
        self.due = self._days(rules.milestone_due_days)
        form.addRow("关键节点逾期超过（天）为红灯", self.overdue)
        form.addRow("关键节点到期前（天）未完成为黄灯", self.due)
        self.period = QComboBox()
        for key, label in PERIOD_KINDS.items():
            self.period.addItem(label, key)
        self.period.setCurrentIndex(list(PERIOD_KINDS).index(ctx.period_kind()))
        form.addRow("填报周期", self.period)
        self.due_day = QSpinBox()
        self.due_day.setRange(1, 28)
        self.due_day.setValue(report_due_day(ctx.store))
        self.due_day.setPrefix("次月 ")
        self.due_day.setSuffix(" 日")
        self.due_day.setToolTip("每期进度在次月这一天前报送；过了这一天仍未报送才算「未报送」")
        form.addRow("报送截止日", self.due_day)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #D93025")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("保存")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for box in (self.red, self.yellow):
            box.valueChanged.connect(self._check)
        self._check()

    @staticmethod
    def _points(value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0, 100)
        box.setDecimals(1)
        box.setValue(value)
        box.setSuffix(" 个百分点")
        return box

    @staticmethod
    def _days(value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 365)
        box.setValue(value)
        box.setSuffix(" 天")
        return box

    def _check(self) -> bool:
        ok = self.yellow.value() < self.red.value()
        self.problem.setText("" if ok else "黄灯阈值应小于红灯阈值")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(ok)
        return ok

    def rules(self) -> StatusRules:
        return StatusRules(
            red_points=self.red.value(),
            yellow_points=self.yellow.value(),
            milestone_overdue_days=self.overdue.value(),
            milestone_due_days=self.due.value(),
        )

    def save(self) -> None:
        if not self._check():
            return
        with self.ctx.store.write():
            self.ctx.store.set_setting("status_rules", self.rules().to_dict())
            self.ctx.store.set_setting("period_kind", self.period.currentData())
            self.ctx.store.set_setting("report_due_day", self.due_day.value())
        self.ctx.notify(Changes(all_projects=True, reports=True))
        self.accept()
