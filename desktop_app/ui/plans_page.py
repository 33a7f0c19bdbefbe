"""规划: the plans in the database, which one is looked at, closing and reopening a plan,
opening the next one from a filled plan list, and the plan evaluation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
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
from ..services import plans as plan_service
from ..services.changes import Changes
from ..store.plans import current_plan_id, viewed_plan_id
from .busy import busy_cursor
from .errors import show_user_error

COLUMNS = (
    "规划",
    "文号",
    "规划期",
    "状态",
    "项目",
    "重点任务",
    "主要指标",
    "结转转入",
    "结转转出",
    "",
)


class PlansPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.viewing = QLabel()
        self.viewing.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.view_selected())

        self.view_button = QPushButton("查看此规划")
        self.use_button = QPushButton("设为当前规划")
        self.close_button = QPushButton("关闭规划")
        self.reopen_button = QPushButton("重新打开")
        self.import_button = QPushButton("导入下一规划…")
        self.template_button = QPushButton("规划清单模板…")
        self.draft_button = QPushButton("从规划文本生成清单…")
        self.evaluate_button = QPushButton("规划实施评估…")
        for button, slot in (
            (self.view_button, self.view_selected),
            (self.use_button, self.use_selected),
            (self.close_button, self.close_selected),
            (self.reopen_button, self.reopen_selected),
            (self.import_button, self.import_next),
            (self.template_button, self.save_template),
            (self.draft_button, self.draft_from_text),
            (self.evaluate_button, self.evaluate),
        ):
            button.clicked.connect(lambda _checked=False, s=slot: s())
        # Two rows: what to do with the chosen plan, and the documents of the plan cycle.
        buttons = QHBoxLayout()
        for b in (self.view_button, self.use_button, self.close_button, self.reopen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        documents = QHBoxLayout()
        for b in (
            self.evaluate_button,
            self.template_button,
            self.draft_button,
            self.import_button,
        ):
            documents.addWidget(b)
        documents.addStretch(1)
        help_text = QLabel(
            "规划期结束后：先做“规划实施评估”，再“关闭规划”（数据保留、只读），然后“导入下一规划”：填好的"
            "规划清单导入后，上一规划未竣工的项目和未完成的任务连同全部进度、节点和修改历史结转到新规划，"
            "新规划成为当前规划。项目库、甘特图、进度表和填报模板默认使用当前规划；“查看此规划”只改变本窗口"
            "正在查看的规划。"
        )
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: #5F6368;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.viewing)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(documents)
        layout.addWidget(help_text)
        self.reload()

    # -- showing ---------------------------------------------------------------------------

    def reload(self) -> None:
        store = self.ctx.store
        self.plans = plan_service.list_plans(store)
        current, viewed = current_plan_id(store), viewed_plan_id(store)
        keep = self.selected_plan()
        self.table.setRowCount(len(self.plans))
        for row, p in enumerate(self.plans):
            marks = []
            if p.id == current:
                marks.append("当前规划")
            if p.id == viewed:
                marks.append("正在查看")
            values = (
                p.short_name,
                p.doc_no or "",
                p.years,
                p.status,
                str(p.projects),
                str(p.tasks),
                str(p.indicators),
                str(p.carried_in) if p.carried_in else "",
                str(p.carried_out) if p.carried_out else "",
                "、".join(marks),
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setToolTip(p.title)
                if col in (4, 5, 6, 7, 8):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        target = keep.id if keep else viewed
        for row, p in enumerate(self.plans):
            if p.id == target:
                self.table.selectRow(row)
        shown = next((p for p in self.plans if p.id == viewed), None)
        self.viewing.setText(
            f"正在查看：{shown.label}"
            if shown
            else "数据库中还没有规划。请新建数据库或导入规划清单。"
        )
        self._update_buttons()

    def refresh(self, changes: Changes) -> None:
        self.reload()

    def selected_plan(self):
        rows = self.table.selectionModel().selectedRows() if self.table.model() else []
        if not rows or not getattr(self, "plans", None):
            return None
        row = rows[0].row()
        return self.plans[row] if row < len(self.plans) else None

    def select_plan(self, code: str) -> None:
        for row, p in enumerate(self.plans):
            if p.code == code:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        p = self.selected_plan()
        for b in (self.view_button, self.use_button):
            b.setEnabled(p is not None)
        self.close_button.setEnabled(p is not None and not p.closed)
        self.reopen_button.setEnabled(p is not None and p.closed)
        self.evaluate_button.setEnabled(bool(self.plans))

    # -- operations ------------------------------------------------------------------------

    def _broadcast(self, changes: Changes | None = None) -> None:
        self.ctx.changed.emit(changes or Changes.everything())

    def view_selected(self) -> None:
        p = self.selected_plan()
        if p is None:
            return
        plan_service.view_plan(
            self.ctx.store, None if p.id == current_plan_id(self.ctx.store) else p.id
        )
        self._broadcast()

    def use_selected(self) -> None:
        p = self.selected_plan()
        if p is None:
            return
        try:
            plan_service.use_plan(self.ctx.store, p.id)
        except UserError as exc:
            show_user_error(self, exc)
            return
        self._broadcast()

    def close_selected(self) -> None:
        p = self.selected_plan()
        if p is None:
            return
        answer = QMessageBox.question(
            self,
            "关闭规划",
            f"关闭《{p.title}》？\n\n关闭后它的数据全部保留，但不能再修改（需要时可重新打开）。"
            "之后可以导入下一规划，结转未完成的项目和任务。",
        )
        if answer != QMessageBox.Yes:
            return
        try:
            self._broadcast(plan_service.close_plan(self.ctx.store, p.id))
        except UserError as exc:
            show_user_error(self, exc)

    def reopen_selected(self) -> None:
        p = self.selected_plan()
        if p is None:
            return
        try:
            self._broadcast(plan_service.reopen_plan(self.ctx.store, p.id))
        except UserError as exc:
            show_user_error(self, exc)

    def save_template(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "保存规划清单模板",
            str(Path.home() / "规划清单模板.xlsx"),
            "Excel 工作簿 (*.xlsx)",
        )
        if not name:
            return
        try:
            out = plan_service.save_template(Path(name))
        except UserError as exc:
            show_user_error(self, exc)
            return
        QMessageBox.information(
            self, "规划清单模板", f"模板已保存：\n{out}\n\n请按“填写说明”表填写。"
        )

    def draft_from_text(self) -> None:
        text, _ = QFileDialog.getOpenFileName(
            self, "选择规划正文（纯文本）", str(Path.home()), "文本文件 (*.txt)"
        )
        if not text:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "保存规划清单初稿", str(Path(text).with_suffix(".xlsx")), "Excel 工作簿 (*.xlsx)"
        )
        if not name:
            return
        try:
            with busy_cursor():
                out, c = plan_service.draft_from_text(Path(text), Path(name))
        except UserError as exc:
            show_user_error(self, exc, "规划清单未生成")
            return
        QMessageBox.information(
            self,
            "从规划文本生成清单",
            f"已生成规划清单初稿：\n{out}\n\n{c['chapters']} 章、{c['sections']} 节、{c['boxes']} 个专栏、"
            f"重点任务 {c['tasks']} 项；含建设类动词的候选句子 {c['candidates']} 句列在「候选句子」表。\n"
            "请补全「规划」「主要指标」「重大项目」表后，用“导入下一规划…”导入。",
        )

    def import_next(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "导入下一规划（规划清单）", str(Path.home()), "Excel 工作簿 (*.xlsx *.xls *.et)"
        )
        if not name:
            return
        try:
            with busy_cursor():
                result = plan_service.import_plan(self.ctx.store, Path(name))
        except UserError as exc:
            show_user_error(self, exc, "规划未导入")
            return
        self._broadcast()
        QMessageBox.information(self, "导入下一规划", result.summary())

    def evaluate(self) -> None:
        from .reports.evaluation_dialog import EvaluationDialog

        EvaluationDialog(self.ctx, self).exec()
