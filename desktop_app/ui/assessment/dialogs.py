"""The dialogs of 年度考核: the records behind a figure, the year's rules, 加分 / 扣分."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessment import (
    ITEMS,
    NO_DATA_CHOICES,
    ROLES,
    Evidence,
    ItemResult,
    Rule,
    RuleSet,
    UnitScore,
    formula,
)
from ...domain.errors import UserError
from ...services import assessment as service
from ...store import assessment as q
from ..context import AppContext
from ..undo import execute
from .commands import AddAdjustmentCommand, DeleteAdjustmentCommand, SaveRulesCommand

OK_COLORS = {True: "#2E7D32", False: "#C00000", None: "#5F6368"}
OK_WORDS = {True: "计入", False: "扣减", None: "不计入"}


def _item(text: str, *, align=None, color: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
    if align is not None:
        item.setTextAlignment(align)
    if color:
        item.setForeground(QColor(color))
    return item


MAX_COLUMN_WIDTH = 440  # px: wider text wraps


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setWordWrap(True)
    t.horizontalHeader().setStretchLastSection(True)
    return t


# -- the records behind a figure -------------------------------------------------------------


class TraceDialog(QDialog):
    """The records that made one figure: returns, tasks, projects, 督办, or the points entered."""

    def __init__(
        self,
        score: UnitScore,
        rules: RuleSet,
        item: ItemResult | None,
        parent: QWidget | None = None,
        *,
        total: bool = False,
    ):
        super().__init__(parent)
        self.setObjectName("assessment_trace")
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet("color: #3c4043;")
        layout.addWidget(self.heading)
        layout.addWidget(self.formula)
        if total:
            self._total(score, rules)
        elif item is not None:
            self.setWindowTitle(f"{score.unit} · {item.name} 的依据")
            self.heading.setText(_item_heading(score, item))
            self.formula.setText(rules.formula(item.item))
            self.table = _table(["类别", "日期", "记录", "说明", "计分"])
            self._fill(item.evidence)
        else:
            self.setWindowTitle(f"{score.unit} · 加分与扣分")
            self.heading.setText(
                f"{score.unit}：加分 {score.bonus:g}（上限 {rules.bonus_cap:g}），"
                f"扣分 {score.penalty:g}（上限 {rules.penalty_cap:g}）"
            )
            self.formula.setText(
                "加分、扣分由本办逐项录入，写明理由和依据；每次录入、删除均记入修改记录。"
            )
            self.table = _table(["分值", "理由", "依据", "录入人", "录入时间"])
            for a in score.adjustments:
                row = self.table.rowCount()
                self.table.insertRow(row)
                color = OK_COLORS[a.points > 0]
                for col, text in enumerate(
                    [
                        f"{a.points:+g}",
                        a.reason,
                        a.basis or "",
                        a.entered_by,
                        a.entered_at.replace("T", " "),
                    ]
                ):
                    self.table.setItem(row, col, _item(text, color=color if col == 0 else None))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.resizeColumnsToContents()
        # A long explanation wraps in its column rather than pushing 计分 out of sight.
        for col in range(self.table.columnCount() - 1):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), MAX_COLUMN_WIDTH))
        self.table.resizeRowsToContents()

    def _total(self, score: UnitScore, rules: RuleSet) -> None:
        """How the total is made: each item's score, then the points entered by hand."""
        self.setWindowTitle(f"{score.unit} · 总分的构成")
        scaled = any(i.score is None for i in score.items)
        self.heading.setText(
            f"{score.unit}：基础得分 {score.base:.2f} + 加分 {score.bonus:g} − 扣分 {score.penalty:g}"
            f" = 总分 {score.total:.2f}"
            + (f"（{score.kind}第 {score.rank} 名）" if score.rank else "（不排名）")
        )
        self.formula.setText(
            "基础得分 = 各项得分之和"
            + ("；无记录的项目不计，其余按比例折算到满分" if scaled else "")
            + f"。加分最多 {rules.bonus_cap:g} 分，扣分最多 {rules.penalty_cap:g} 分。"
            "单击表中各项得分可查看其依据记录。"
        )
        self.table = _table(["考核项目", "权重", "计算", "比率", "得分", "说明"])
        for i in score.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            values = [
                i.name,
                f"{i.weight:g}",
                i.fraction,
                f"{i.rate:g}%" if i.rate is not None else "—",
                f"{i.score:.2f}" if i.score is not None else "不计",
                i.note,
            ]
            for col, text in enumerate(values):
                self.table.setItem(row, col, _item(text))
        for a in score.adjustments:
            row = self.table.rowCount()
            self.table.insertRow(row)
            values = [
                "加分" if a.points > 0 else "扣分",
                "",
                a.reason,
                "",
                f"{a.points:+g}",
                a.basis or "",
            ]
            for col, text in enumerate(values):
                self.table.setItem(
                    row, col, _item(text, color=OK_COLORS[a.points > 0] if col == 4 else None)
                )

    def _fill(self, evidence: tuple[Evidence, ...]) -> None:
        for e in evidence:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate([e.kind, e.day, e.label, e.detail, OK_WORDS[e.ok]]):
                self.table.setItem(
                    row, col, _item(text, color=OK_COLORS[e.ok] if col == 4 else None)
                )

    def rows(self) -> list[list[str]]:
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]


def _item_heading(score: UnitScore, item: ItemResult) -> str:
    if item.rate is None:
        got = f"{item.score:g} 分" if item.score is not None else "不计分"
        return f"{score.unit} · {item.name}（权重 {item.weight:g}）：{item.note}，{got}"
    return (
        f"{score.unit} · {item.name}（权重 {item.weight:g}）：{item.fraction} = {item.rate:g}%"
        f" → {item.score:.2f} 分"
    )


# -- the year's rules ----------------------------------------------------------------------------


class _Params(QWidget):
    """The parameters of one item, as the controls that item has."""

    def __init__(self, item: str, params: dict, on_change):
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        self.item = item
        defaults = {**ITEMS[item][2], **params}
        self.grace = self.roles = self.located = self.yellow = None
        if "grace_days" in defaults:
            row.addWidget(QLabel("宽限天数"))
            self.grace = QSpinBox()
            self.grace.setRange(0, 60)
            self.grace.setValue(int(defaults["grace_days"] or 0))
            self.grace.valueChanged.connect(lambda _v: on_change())
            row.addWidget(self.grace)
        if "roles" in defaults:
            row.addWidget(QLabel("计入角色"))
            self.roles = {}
            for role in ROLES:
                box = QCheckBox(role)
                box.setChecked(role in (defaults["roles"] or []))
                box.toggled.connect(lambda _v: on_change())
                self.roles[role] = box
                row.addWidget(box)
        if "located" in defaults:
            self.located = QCheckBox("区县计入所在地项目")
            self.located.setChecked(bool(defaults["located"]))
            self.located.toggled.connect(lambda _v: on_change())
            row.addWidget(self.located)
        if "yellow_behind" in defaults:
            self.yellow = QCheckBox("黄灯也算未按期")
            self.yellow.setChecked(bool(defaults["yellow_behind"]))
            self.yellow.toggled.connect(lambda _v: on_change())
            row.addWidget(self.yellow)
        row.addStretch(1)

    def value(self) -> dict:
        out: dict = {}
        if self.grace is not None:
            out["grace_days"] = self.grace.value()
        if self.roles is not None:
            out["roles"] = [r for r, box in self.roles.items() if box.isChecked()]
        if self.located is not None:
            out["located"] = self.located.isChecked()
        if self.yellow is not None:
            out["yellow_behind"] = self.yellow.isChecked()
        return out


class RulesDialog(QDialog):
    """考核规则: the year's items (启用, 名称, 权重, 参数) with each formula, caps and options;
    saved as the year's rules, exported to or imported from a file the office keeps."""

    COLUMNS = ["启用", "考核项目", "权重（分）", "参数", "备注"]

    def __init__(self, ctx: AppContext, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.setObjectName("assessment_rules")
        self.setWindowTitle(f"{year}年度考核规则")
        self.resize(1040, 620)
        layout = QVBoxLayout(self)
        self.stored = QLabel()
        layout.addWidget(self.stored)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(4, 160)
        self.table.itemSelectionChanged.connect(self._show_formula)
        layout.addWidget(self.table, 1)
        self.formula = QTextEdit()
        self.formula.setObjectName("rule_formula")
        self.formula.setReadOnly(True)
        self.formula.setMaximumHeight(90)
        layout.addWidget(QLabel("计算公式（由程序按所选参数写出，与实际计算一致）："))
        layout.addWidget(self.formula)
        form = QFormLayout()
        self.bonus_cap = QDoubleSpinBox()
        self.bonus_cap.setRange(0, 100)
        self.penalty_cap = QDoubleSpinBox()
        self.penalty_cap.setRange(0, 100)
        self.no_data = QComboBox()
        self.no_data.addItems(
            [
                f"{c}：{'按满分计' if c == '满分' else '不计，其余项目按比例折算'}"
                for c in NO_DATA_CHOICES
            ]
        )
        self.note = QLineEdit()
        form.addRow("加分上限（分）", self.bonus_cap)
        form.addRow("扣分上限（分）", self.penalty_cap)
        form.addRow("无相关记录的项目", self.no_data)
        form.addRow("说明", self.note)
        layout.addLayout(form)
        self.total = QLabel()
        self.total.setObjectName("weight_total")
        layout.addWidget(self.total)
        buttons = QHBoxLayout()
        self.import_button = QPushButton("导入规则文件…")
        self.export_button = QPushButton("导出规则文件…")
        self.default_button = QPushButton("恢复默认")
        self.save_button = QPushButton("保存")
        self.cancel_button = QPushButton("取消")
        self.save_button.setDefault(True)
        for b in (self.import_button, self.export_button, self.default_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.import_button.clicked.connect(lambda: self.import_file())
        self.export_button.clicked.connect(lambda: self.export_file())
        self.default_button.clicked.connect(lambda: self.load(RuleSet.default(self.year)))
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(self.reject)
        rules, stored = service.rules_for(ctx.store, year)
        self.loaded = rules if stored else None  # what another person's save is checked against
        self.stored.setText(
            f"{year}年考核规则"
            + ("（已保存）" if stored else "尚未设置，以下为默认规则；保存后生效。")
        )
        self.load(rules)

    # -- filling and reading ------------------------------------------------------------------

    def load(self, rules: RuleSet) -> None:
        self.table.setRowCount(0)
        self._params: list[_Params] = []
        by_item = {r.item: r for r in rules.rules}
        for key, (name, _weight, _p) in ITEMS.items():
            rule = by_item.get(key) or Rule(key, name, 0.0, False, {})
            row = self.table.rowCount()
            self.table.insertRow(row)
            enabled = QTableWidgetItem()
            enabled.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable | Qt.ItemIsSelectable)
            enabled.setCheckState(Qt.Checked if rule.enabled else Qt.Unchecked)
            enabled.setData(Qt.UserRole, key)
            self.table.setItem(row, 0, enabled)
            self.table.setItem(row, 1, QTableWidgetItem(rule.name))
            weight = QDoubleSpinBox()
            weight.setRange(0, 100)
            weight.setDecimals(1)
            weight.setValue(rule.weight)
            weight.valueChanged.connect(lambda _v: self._changed())
            self.table.setCellWidget(row, 2, weight)
            params = _Params(key, rule.params, self._changed)
            self._params.append(params)
            self.table.setCellWidget(row, 3, params)
            self.table.setItem(row, 4, QTableWidgetItem(rule.note or ""))
        self.table.itemChanged.connect(lambda _i: self._changed())
        self.table.resizeRowsToContents()
        self.bonus_cap.setValue(rules.bonus_cap)
        self.penalty_cap.setValue(rules.penalty_cap)
        self.no_data.setCurrentIndex(NO_DATA_CHOICES.index(rules.no_data))
        self.note.setText(rules.note or "")
        self.table.selectRow(0)
        self._changed()

    def weight_box(self, row: int) -> QDoubleSpinBox:
        return self.table.cellWidget(row, 2)

    def rules(self) -> RuleSet:
        rules = []
        for row in range(self.table.rowCount()):
            key = self.table.item(row, 0).data(Qt.UserRole)
            rules.append(
                Rule(
                    key,
                    self.table.item(row, 1).text().strip(),
                    round(self.weight_box(row).value(), 4),
                    self.table.item(row, 0).checkState() == Qt.Checked,
                    self._params[row].value(),
                    self.table.item(row, 4).text().strip() or None,
                )
            )
        return RuleSet(
            self.year,
            tuple(rules),
            self.bonus_cap.value(),
            self.penalty_cap.value(),
            NO_DATA_CHOICES[self.no_data.currentIndex()],
            self.note.text().strip() or None,
        )

    def _changed(self) -> None:
        if not hasattr(self, "_params") or len(self._params) < self.table.rowCount():
            return
        rules = self.rules()
        total = rules.total_weight
        good = abs(total - 100) < 1e-6
        self.total.setText(f"启用项目权重合计：{total:g} 分" + ("" if good else "（应为 100 分）"))
        self.total.setStyleSheet("" if good else "color: #C00000; font-weight: bold;")
        self._show_formula()

    def _show_formula(self) -> None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not hasattr(self, "_params"):
            return
        row = rows[0].row()
        if row >= len(self._params):
            return
        key = self.table.item(row, 0).data(Qt.UserRole)
        self.formula.setPlainText(formula(key, self._params[row].value(), self.year))

    # -- actions --------------------------------------------------------------------------------

    def save(self) -> bool:
        try:
            execute(self.ctx, SaveRulesCommand(self.ctx, self.rules(), self.loaded))
        except UserError as exc:
            QMessageBox.warning(self, "规则未保存", exc.message)
            return False
        self.accept()
        return True

    def export_file(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "导出考核规则", f"{self.year}年度考核规则.json", "考核规则 (*.json)"
        )
        if not path:
            return None
        try:
            out = service.write_rules_file(self.rules(), Path(path))
        except UserError as exc:
            QMessageBox.warning(self, "规则未导出", exc.message)
            return None
        QMessageBox.information(self, "已导出", f"已导出考核规则：\n{out}")
        return out

    def import_file(self) -> RuleSet | None:
        path, _ = QFileDialog.getOpenFileName(self, "导入考核规则", "", "考核规则 (*.json)")
        if not path:
            return None
        try:
            rules = service.read_rules_file(Path(path), year=self.year)
        except UserError as exc:
            QMessageBox.warning(self, "规则文件有误", exc.message)
            return None
        self.load(rules)
        self.stored.setText(f"已读入「{Path(path).name}」，作为 {self.year} 年规则；保存后生效。")
        return rules


# -- 加分 / 扣分 ----------------------------------------------------------------------------------


class AdjustmentsDialog(QDialog):
    """The year's 加分 and 扣分: each with its unit, points, reason and basis; added and deleted
    here only, every step in the modification record."""

    def __init__(self, ctx: AppContext, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.changed = False
        self.setObjectName("assessment_adjustments")
        self.setWindowTitle(f"{year}年度考核加分与扣分")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.table = _table(["单位", "分值", "理由", "依据", "录入人", "录入时间"])
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.unit = QComboBox()
        for u in q.assessed_units(ctx.store):
            self.unit.addItem(f"{u.name}（{u.kind}）", u.id)
        self.points = QDoubleSpinBox()
        self.points.setRange(-100, 100)
        self.points.setDecimals(1)
        self.points.setSingleStep(0.5)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：承办成德同城化现场推进会")
        self.basis = QLineEdit()
        self.basis.setPlaceholderText("如：市同城办通报〔2026〕5号")
        form.addRow("单位", self.unit)
        form.addRow("分值（加分为正，扣分为负）", self.points)
        form.addRow("理由", self.reason)
        form.addRow("依据", self.basis)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加")
        self.delete_button = QPushButton("删除所选")
        self.close_button = QPushButton("关闭")
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setStyleSheet("color: #5f6368;")
        layout.addWidget(self.history)
        self.add_button.clicked.connect(lambda: self.add())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.close_button.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        self.items = q.list_adjustments(self.ctx.store, self.year)
        self.table.setRowCount(0)
        for a in self.items:
            r = self.table.rowCount()
            self.table.insertRow(r)
            color = OK_COLORS[a.points > 0]
            for col, text in enumerate(
                [
                    a.unit,
                    f"{a.points:+g}",
                    a.reason,
                    a.basis or "",
                    a.entered_by,
                    a.entered_at.replace("T", " "),
                ]
            ):
                self.table.setItem(r, col, _item(text, color=color if col == 1 else None))
        self.table.resizeColumnsToContents()
        trail = q.adjustment_history(self.ctx.store, self.year)
        self.history.setText(
            f"修改记录 {len(trail)} 条"
            + (
                f"，最近：{trail[-1]['at'][:16]} {trail[-1]['user']} {trail[-1]['field']}"
                if trail
                else ""
            )
        )

    def add(self) -> bool:
        try:
            execute(
                self.ctx,
                AddAdjustmentCommand(
                    self.ctx,
                    self.year,
                    self.unit.currentData(),
                    self.unit.currentText().split("（")[0],
                    self.points.value(),
                    self.reason.text(),
                    self.basis.text(),
                ),
            )
        except UserError as exc:
            QMessageBox.warning(self, "未添加", exc.message)
            return False
        self.changed = True
        self.reason.clear()
        self.basis.clear()
        self.points.setValue(0)
        self.reload()
        return True

    def delete_selected(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            QMessageBox.information(self, "删除", "请先在表中选择要删除的加减分。")
            return False
        a = self.items[rows[0].row()]
        answer = QMessageBox.question(
            self,
            "删除加减分",
            f"删除「{a.unit} {a.points:+g} 分：{a.reason}」？删除会记入修改记录。",
        )
        if answer != QMessageBox.Yes:
            return False
        try:
            execute(self.ctx, DeleteAdjustmentCommand(self.ctx, a))
        except UserError as exc:
            QMessageBox.warning(self, "未删除", exc.message)
            return False
        self.changed = True
        self.reload()
        return True
