"""Dialogs of the 年度清单 page: choosing entries, an entry's targets, a new task, issuing the list,
and the preview of an imported list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from ...domain.errors import UserError
from ...domain.fields import STAGES
from ...domain.money import plain_number
from ...domain.parsing import ParseError, parse_money
from ...domain.unit_names import UnitNames
from ...exchange.annual_list import LIST_FIELDS
from ...exchange.columns import column_letter
from ...services.annual import Targets
from ...store.annual import AnnualItem, Candidate

NO_UNIT = "（未定）"
RECHECK = 2  # the preview dialog's answer: read the file again with the rows' choices
_SPLIT = "、，,；; "


class _Dialog(QDialog):
    """A dialog whose OK runs ``save``; a refusal is shown in red inside it, which stays open."""

    def __init__(self, parent, title: str, ok_text: str = "确定"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#C00000")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.save: Callable[[], None] | None = None

    def _ok(self) -> None:
        try:
            if self.save is not None:
                self.save()
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class AddItemsDialog(_Dialog):
    """Tasks and projects of the plan not yet on the list, to tick and add."""

    def __init__(self, parent, candidates: list[Candidate]):
        super().__init__(parent, "添加任务或项目", "加入清单")
        self.resize(760, 560)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("输入名称、编码或牵头单位筛选")
        self.filter.textChanged.connect(self._filter)
        self.kind = QComboBox()
        self.kind.addItems(["全部", "任务", "项目"])
        self.kind.currentIndexChanged.connect(lambda _i: self._filter(self.filter.text()))
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.NoSelection)
        for c in candidates:
            lead = f"　牵头：{c.lead}" if c.lead else ""
            item = QListWidgetItem(
                f"[{c.kind}] {c.code}　{c.name}{lead}　（{c.heading or '未分类'}）"
            )
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            item.setData(Qt.UserRole, (c.kind, c.id))
            item.setData(Qt.UserRole + 1, c.kind)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("筛选", self.filter)
        top.addRow("类型", self.kind)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _filter(self, text: str) -> None:
        kind = self.kind.currentText()
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = (text.strip() and text.strip() not in item.text()) or (
                kind != "全部" and item.data(Qt.UserRole + 1) != kind
            )
            item.setHidden(bool(hidden))

    def check(self, name: str) -> None:
        """Tick the entry whose line contains ``name`` (a code or a name)."""
        for row in range(self.list.count()):
            if name in self.list.item(row).text():
                self.list.item(row).setCheckState(Qt.Checked)
                return
        raise KeyError(name)

    def chosen(self) -> list[tuple[str, object]]:
        return [
            self.list.item(r).data(Qt.UserRole)
            for r in range(self.list.count())
            if self.list.item(r).checkState() == Qt.Checked
        ]


def _unit_box(units, current: str | None) -> QComboBox:
    box = QComboBox()
    box.addItem(NO_UNIT, None)
    for u in units:
        box.addItem(u.name, u.id)
    if current:
        box.setCurrentIndex(max(0, box.findText(current)))
    return box


class TargetsDialog(_Dialog):
    """An entry's targets: heading, 预期成果 (形象进度目标), 完成时限, its 牵头, 责任 and 配合 units;
    a project's 年度计划投资 and 目标阶段."""

    def __init__(self, parent, item: AnnualItem, units, headings: list[str]):
        super().__init__(parent, f"编辑目标：{item.name}", "保存")
        self.item = item
        self.units = [u for u in units if u.active]
        self.names = UnitNames(self.units)
        self.resize(620, 400)
        form = QFormLayout()
        form.addRow("名称", QLabel(f"[{item.kind}] {item.code}　{item.name}"))
        self.heading = QComboBox()
        self.heading.setEditable(True)
        self.heading.addItems(headings)
        self.heading.setCurrentText(item.heading or "")
        form.addRow("分组（领域）", self.heading)
        self.expected = QPlainTextEdit(item.expected or "")
        self.expected.setFixedHeight(70)
        form.addRow("形象进度目标" if item.kind == "项目" else "预期成果", self.expected)
        self.due = QLineEdit(item.due_text or "")
        self.due.setPlaceholderText("如：6月底前、三季度、年底前、2026-09-30、持续推进")
        form.addRow("完成时限", self.due)
        self.lead = _unit_box(self.units, item.lead)
        form.addRow("牵头单位", self.lead)
        self.responsible = QLineEdit("、".join(item.responsible))
        self.responsible.setPlaceholderText("多个单位用顿号分隔，如：旌阳区、广汉市")
        form.addRow("责任单位", self.responsible)
        self.supporting = QLineEdit("、".join(item.supporting))
        self.supporting.setPlaceholderText("配合单位（不报送），多个用顿号分隔；可空")
        form.addRow("配合单位", self.supporting)
        self.investment = QLineEdit(
            plain_number(item.planned_investment) if item.planned_investment is not None else ""
        )
        self.stage = QComboBox()
        self.stage.addItems(["", *STAGES])
        self.stage.setCurrentText(item.target_stage or "")
        if item.kind == "项目":
            form.addRow(f"{item.year}年计划投资（万元）", self.investment)
            form.addRow("年底目标阶段", self.stage)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def targets(self) -> Targets:
        """The form as targets; ``UserError`` naming the field when something cannot be read."""
        links = []
        if self.lead.currentData() is not None:
            links.append((self.lead.currentData(), "牵头"))
        for unit_id in self._named(self.responsible.text(), "责任单位"):
            if unit_id not in {u for u, _ in links}:
                links.append((unit_id, "责任"))
        named = {u: r for u, r in links}
        names = {uid: name for uid, name, _ in self.item.units} | {u.id: u.name for u in self.units}
        for unit_id in self._named(self.supporting.text(), "配合单位"):
            if unit_id in named:
                raise UserError(
                    f"配合单位「{names[unit_id]}」已是{named[unit_id]}单位，"
                    "一个单位只能有一个角色：请从配合单位中删去它。"
                )
            if unit_id not in {u for u, _ in links}:
                links.append((unit_id, "配合"))
        investment = None
        if self.item.kind == "项目":
            try:
                investment = parse_money(self.investment.text())
            except ParseError as exc:
                raise UserError(f"年度计划投资：{exc.reason}") from None
        return Targets(
            expected=self.expected.toPlainText(),
            due_text=self.due.text(),
            heading=self.heading.currentText(),
            target_stage=(self.stage.currentText() or None) if self.item.kind == "项目" else None,
            planned_investment=investment,
            units=links,
            keep_supporting=False,  # the 配合 units are on the form
        )

    def _named(self, text: str, label: str) -> list[int]:
        """The units written in ``text`` (顿号, commas, spaces between), by full or short name;
        a unit the entry has already is kept even when no longer active."""
        for ch in _SPLIT:
            text = text.replace(ch, "、")
        current = {name: uid for uid, name, _ in self.item.units}
        found = []
        for part in (p.strip() for p in text.split("、") if p.strip()):
            unit = self.names.find(part)
            unit_id = unit.id if unit is not None else current.get(part)
            if unit_id is None:
                raise UserError(f"{label}「{part}」不在单位名单中，请检查名称。")
            found.append(unit_id)
        return found


class NewTaskDialog(_Dialog):
    """A task the office adds itself (not one of the plan's)."""

    def __init__(self, parent, units, headings: list[str]):
        super().__init__(parent, "新增任务", "新增")
        self.resize(560, 220)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setPlaceholderText("任务名称")
        form.addRow("任务名称", self.title)
        self.heading = QComboBox()
        self.heading.setEditable(True)
        self.heading.addItems(headings)
        self.heading.setCurrentText("其他重点任务")
        form.addRow("分组（领域）", self.heading)
        self.lead = _unit_box([u for u in units if u.active], None)
        form.addRow("牵头单位", self.lead)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)


class IssueDialog(_Dialog):
    """印发: 文号 and date."""

    def __init__(self, parent, doc_no: str | None, day: date):
        super().__init__(parent, "印发清单", "印发")
        form = QFormLayout()
        self.doc_no = QLineEdit(doc_no or "")
        self.doc_no.setPlaceholderText("如：成德同城办〔2026〕1号")
        form.addRow("印发文号", self.doc_no)
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        form.addRow("印发日期", self.day)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())


def unmapped(preview) -> list[str]:
    return [h for c, h in preview.headers.items() if c not in preview.mapping]


class ImportPreviewDialog(_Dialog):
    """What an imported list would change; 导入 only when it has no error."""

    def __init__(self, parent, preview):
        super().__init__(parent, f"导入清单预览：{preview.file_name}", "导入")
        self.resize(960, 680)
        self.preview = preview
        errors = preview.all_errors
        head = QLabel(
            preview.summary() + (f"　错误 {len(errors)} 处，不能导入。" if errors else "")
        )
        head.setObjectName("preview_summary")
        head.setWordWrap(True)
        # Every error in full, above the table (a long message would be cut in a cell).
        self.errors = QLabel("\n".join(e.message for e in errors[:12]))
        self.errors.setObjectName("preview_errors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color:#C00000")
        self.errors.setVisible(bool(errors))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["行", "处理", "任务/项目", "说明"])
        self.tree.setColumnWidth(0, 50)
        self.tree.setColumnWidth(1, 80)
        self.tree.setColumnWidth(2, 300)
        for e in errors:
            row = QTreeWidgetItem(self.tree, [e.cell, "错误", e.field, e.message])
            row.setToolTip(3, e.message)
        for r in preview.rows:
            if r.action in ("不变",) or r.errors:
                continue
            QTreeWidgetItem(self.tree, [str(r.row), r.action, r.name, "；".join(r.changes)])
        for _, name in preview.removed:
            QTreeWidgetItem(self.tree, ["", "移出清单", name, "文件中没有这一项"])
        for note in preview.notes:
            QTreeWidgetItem(self.tree, ["", "提示", "", note])
        self.ok_button.setEnabled(not errors)
        # Rows whose name is close to a task's or project's: the user says which it is.
        self.choice_boxes: dict[int, QComboBox] = {}
        choices = QFormLayout()
        for r in preview.rows:
            if not r.similar:
                continue
            box = QComboBox()
            box.addItem("请选择……", "")
            for code, name in r.similar:
                box.addItem(f"就是 {code} {name}", code)
            box.addItem("作为新任务", None)
            self.choice_boxes[r.row] = box
            choices.addRow(f"第 {r.row} 行「{r.name}」", box)
        # 列对应: every titled column of the sheet and the field it is read as.
        self.column_boxes: dict[str, QComboBox] = {}
        columns = QGridLayout()
        for n, (col, header) in enumerate(sorted(preview.headers.items())):
            box = QComboBox()
            box.addItem("不导入", None)
            for f in LIST_FIELDS:
                box.addItem(f.label, f.key)
            box.setCurrentIndex(max(0, box.findData(preview.mapping.get(col))))
            self.column_boxes[header] = box
            columns.addWidget(QLabel(f"{column_letter(col)} 列「{header}」"), n // 3, (n % 3) * 2)
            columns.addWidget(box, n // 3, (n % 3) * 2 + 1)
        self.columns_box = QGroupBox("列对应（列标题认不出或认错时在此更正，再点“按所选重新检查”）")
        self.columns_box.setLayout(columns)
        self.columns_box.setCheckable(True)
        self.columns_box.setChecked(bool(preview.all_errors) or bool(unmapped(preview)))
        self.recheck_button = QPushButton("按所选重新检查")
        self.recheck_button.clicked.connect(lambda _checked=False: self.done(RECHECK))
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.errors)
        layout.addLayout(choices)
        layout.addWidget(self.columns_box)
        recheck = QHBoxLayout()
        recheck.addStretch(1)
        recheck.addWidget(self.recheck_button)
        layout.addLayout(recheck)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def mapping(self) -> dict[str, str | None]:
        """``header -> field key`` (None: not imported) as the 列对应 now says."""
        return {header: box.currentData() for header, box in self.column_boxes.items()}

    def choices(self) -> dict[int, str | None]:
        """``sheet row -> code`` (that task or project) or ``None`` (a new task), as chosen."""
        return {
            row: box.currentData()
            for row, box in self.choice_boxes.items()
            if box.currentData() != ""
        }
