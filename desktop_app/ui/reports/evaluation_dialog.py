"""规划实施评估: choose the plan and the date, then save the Word report (and its Excel annex)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from ...domain.errors import UserError
from ...domain.evaluation import kind_for
from ...reports.page import DEFAULT_ORG
from ...services.evaluation import write_evaluation
from ...services.plans import list_plans
from ...store.plans import viewed_plan_id
from ..busy import busy_cursor
from ..errors import show_user_error


class EvaluationDialog(QDialog):
    """The plan (default: the one looked at), the date (default: today, or the plan's last day
    once it has ended), whether to write the Excel annex, and 编制单位."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("规划实施评估")
        self.plans = list_plans(ctx.store)
        self.plan_box = QComboBox()
        for p in self.plans:
            self.plan_box.addItem(p.label, p.id)
        viewed = viewed_plan_id(ctx.store)
        for i, p in enumerate(self.plans):
            if p.id == viewed:
                self.plan_box.setCurrentIndex(i)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.kind_label = QLabel()
        self.annex_box = QCheckBox(
            "同时生成 Excel 附表（主要指标、重大项目、重点任务、分章节汇总）"
        )
        self.annex_box.setChecked(True)
        self.org_edit = QLineEdit()
        self.org_edit.setPlaceholderText(DEFAULT_ORG)
        form = QFormLayout()
        form.addRow("规划：", self.plan_box)
        form.addRow("评估日期：", self.date_edit)
        form.addRow("评估类型：", self.kind_label)
        form.addRow("编制单位：", self.org_edit)
        form.addRow("", self.annex_box)
        self.make_button = QPushButton("生成评估报告…")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(lambda: self.make())
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.addButton(self.make_button, QDialogButtonBox.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            "按章节评估主要指标（达标/未达标/无数据）、重大项目（对照规划“建成”等要求）和重点任务，"
            "生成公文格式的评估报告初稿（Word），供编辑后印发。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.plan_box.currentIndexChanged.connect(lambda _i: self._plan_changed())
        self.date_edit.dateChanged.connect(lambda _d: self._show_kind())
        self._plan_changed()
        self.written: tuple[Path, Path | None] | None = None

    def plan(self):
        return self.plans[self.plan_box.currentIndex()] if self.plans else None

    def day(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    def _plan_changed(self) -> None:
        p = self.plan()
        if p is None:
            self.make_button.setEnabled(False)
            return
        default = min(self.ctx.today(), date(p.end_year, 12, 31))
        self.date_edit.setMinimumDate(QDate(p.start_year, 1, 1))
        self.date_edit.setDate(QDate(default.year, default.month, default.day))
        self._show_kind()

    def _show_kind(self) -> None:
        p = self.plan()
        if p is not None:
            self.kind_label.setText(kind_for(self.day(), p.end_year))

    def make(self) -> None:
        p = self.plan()
        if p is None:
            return
        kind = kind_for(self.day(), p.end_year)
        name, _ = QFileDialog.getSaveFileName(
            self,
            "保存评估报告",
            str(Path.home() / f"{p.short_name}实施{kind}报告.docx"),
            "Word 文档 (*.docx)",
        )
        if not name:
            return
        out = Path(name)
        annex = out.with_name(out.stem + "（附表）.xlsx") if self.annex_box.isChecked() else None
        try:
            with busy_cursor():
                self.written = write_evaluation(
                    self.ctx.store,
                    out,
                    p.id,
                    self.day(),
                    annex=annex,
                    org=self.org_edit.text().strip(),
                )
        except UserError as exc:
            show_user_error(self, exc, "评估报告未生成")
            return
        report, annex_path = self.written
        text = f"评估报告已保存：\n{report}"
        if annex_path:
            text += f"\n\nExcel 附表：\n{annex_path}"
        QMessageBox.information(self, "规划实施评估", text)
