"""新增项目建议: the projects units listed in their returns that the register does not have.

The office reviews them here: 采纳 opens a small form prefilled from the return (the office
corrects code, name, stage, dates, units) and creates the project; 驳回 asks for a reason. Both are
undoable commands calling services/proposals.py; the history (已采纳/已驳回) is one filter away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.fields import PROJECT_FIELD_LABELS, STAGES
from ...domain.money import format_wan_column, plain_number
from ...exchange.columns import BY_KEY
from ...services import proposals
from ...services.changes import Changes
from ...store.proposals import ProjectProposal, get_proposal, list_proposals
from ...store.units import list_units
from ..context import AppContext
from ..undo import StoreCommand, execute
from ..unsaved import AsksBeforeClosing

ERROR_STYLE = "color: #C5221F;"
HINT_STYLE = "color: #5F6368;"
NOTE_STYLE = "color: #B06000;"
NO_LEAD = "（无牵头单位）"
NO_DISTRICT = "（未填）"
FILTERS = (("待审核", "待审核"), ("已采纳", "已采纳"), ("已驳回", "已驳回"), ("全部", None))
COLUMNS = (
    "状态",
    "报送单位",
    "项目名称",
    "处理情况",  # hidden while 待审核 is shown
    "建设阶段",
    "计划开工",
    "计划完工",
    "年度计划投资（万元）",
    "牵头单位",
    "责任单位",
    "文件",
    "导入时间",
)
_PAYLOAD_COLUMNS = (
    "stage",
    "planned_start",
    "planned_end",
    "annual_plan",
    "lead_unit",
    "responsible_units",
)
_HANDLED = COLUMNS.index("处理情况")


def _shown(value: object) -> str:
    """A value as the unit typed it (numbers without a needless .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return plain_number(value)
    return str(value).strip()


def _time(text: str | None) -> str:
    return (text or "").replace("T", " ")[:16]


def _payload(p: ProjectProposal, key: str) -> str:
    value = p.payload.get(BY_KEY[key].header)
    if key == "annual_plan" and isinstance(value, int | float):
        return format_wan_column(value)  # a column of amounts: two decimals, as everywhere
    return _shown(value)


def payload_text(p: ProjectProposal) -> str:
    """Everything the unit typed in the row, header by header."""
    return "；".join(f"{k}：{_shown(v)}" for k, v in p.payload.items() if _shown(v)) or "（空）"


def handled_text(p: ProjectProposal) -> str:
    who = " · ".join(x for x in (p.handled_by, _time(p.handled_at)) if x)
    if p.status == "已采纳":
        what = f"已建为项目 {p.project_code}" if p.project_code else "已建为项目"
    elif p.status == "已驳回":
        what = f"理由：{p.reason or '（未填）'}"
    else:
        return ""
    return f"{what}（{who}）" if who else what


# -- undoable commands ------------------------------------------------------------------------


class AcceptProposalCommand(StoreCommand):
    """采纳: create the project; undo deletes it again and puts the proposal back to 待审核."""

    def __init__(self, ctx, proposal_id: int, name: str, fields: dict, units: list):
        super().__init__(ctx, f"采纳新增项目建议 {name}")
        self.proposal_id = proposal_id
        self.fields = dict(fields)
        self.units = list(units)
        self.project_id: str | None = None

    def apply(self) -> Changes:
        if self.project_id is None:
            self.project_id, changes = proposals.accept_proposal(
                self.ctx.store, self.proposal_id, self.fields, units=self.units
            )
            return changes
        return proposals.reaccept_proposal(self.ctx.store, self.proposal_id, self.project_id)

    def revert(self) -> Changes:
        return proposals.reopen_proposal(self.ctx.store, self.proposal_id)


class RejectProposalCommand(StoreCommand):
    """驳回 with a reason; undo puts the proposal back to 待审核."""

    def __init__(self, ctx, proposal_id: int, name: str, reason: str):
        super().__init__(ctx, f"驳回新增项目建议 {name}")
        self.proposal_id = proposal_id
        self.reason = reason

    def apply(self) -> Changes:
        return proposals.reject_proposal(self.ctx.store, self.proposal_id, self.reason)

    def revert(self) -> Changes:
        return proposals.reopen_proposal(self.ctx.store, self.proposal_id)


class ReopenProposalCommand(StoreCommand):
    """恢复为待审核 (a rejection made by mistake); undo rejects it again with its reason."""

    def __init__(self, ctx, proposal: ProjectProposal):
        super().__init__(ctx, f"恢复新增项目建议 {proposal.name}")
        self.proposal_id = proposal.id
        self.reason = proposal.reason or "（恢复前的驳回）"

    def apply(self) -> Changes:
        return proposals.reopen_proposal(self.ctx.store, self.proposal_id)

    def revert(self) -> Changes:
        return proposals.reject_proposal(self.ctx.store, self.proposal_id, self.reason)


def _warn(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()  # not modal-blocking: tests and the user keep control


# -- 采纳: the form -----------------------------------------------------------------------------


class AcceptProposalDialog(AsksBeforeClosing, QDialog):
    """The project a proposal becomes, prefilled from the return; 创建项目 accepts it."""

    CLOSE_TEXT = "对这条建议所做的更正尚未使用。关闭前要创建项目吗？"
    SAVE_TEXT = "创建项目"

    _LINES = (
        ("code", "如 XM-0001"),
        ("name", "项目名称"),
        ("planned_start", "YYYY-MM-DD"),
        ("planned_end", "YYYY-MM-DD"),
        ("total_investment", "万元，如 12000 或 1.2亿"),
        ("annual_plan", "万元"),
        ("actual_start", "YYYY-MM-DD"),
        ("actual_end", "YYYY-MM-DD"),
        ("percent_complete", "0–100"),
        ("investment_to_date", "万元"),
    )

    def __init__(self, ctx: AppContext, proposal_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.draft = proposals.draft_project(ctx.store, proposal_id)
        self.proposal = self.draft.proposal
        self.project_id: str | None = None
        self.problems: dict[str, str] = {}
        self.last_message = ""
        self.setWindowTitle(f"采纳新增项目建议 — {self.proposal.name}")
        self.inputs: dict[str, QLineEdit] = {}
        self.error_labels: dict[str, QLabel] = {}
        for field, placeholder in self._LINES:
            edit = QLineEdit()
            edit.setObjectName(field)
            edit.setPlaceholderText(placeholder)
            self.inputs[field] = edit
        for field in (*self.inputs, "stage", "units"):
            label = QLabel()
            label.setObjectName(f"error_{field}")
            label.setStyleSheet(ERROR_STYLE)
            label.setWordWrap(True)
            label.setVisible(False)
            self.error_labels[field] = label
        units = list_units(ctx.store)
        self.stage = QComboBox()
        self.stage.addItems(list(STAGES))
        self.district = QComboBox()
        self.district.addItem(NO_DISTRICT, None)
        for u in units:
            if u.kind in ("区县", "功能区") and u.active:
                self.district.addItem(u.name, u.id)
        self.lead = QComboBox()
        self.lead.addItem(NO_LEAD, None)
        self.responsible = QListWidget()
        self.responsible.setFlow(QListView.Flow.LeftToRight)
        self.responsible.setWrapping(True)
        self.responsible.setResizeMode(QListView.ResizeMode.Adjust)
        self.responsible.setSpacing(2)
        self.responsible.setFixedHeight(112)
        linked = {uid for uid, _ in self.draft.units}
        for u in units:
            if not u.active and u.id not in linked:
                continue
            shown = u.name if u.active else f"{u.name}（已停用）"
            self.lead.addItem(shown, u.id)
            item = QListWidgetItem(shown)
            item.setData(Qt.UserRole, u.id)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.responsible.addItem(item)
        self.scope = QPlainTextEdit()
        self.scope.setFixedHeight(56)

        intro = QLabel(
            f"「{self.proposal.unit or '未知单位'}」在填报表「{self.proposal.file_name}」"
            f"（{self.proposal.period or ''}，导入于 {_time(self.proposal.imported_at)}）中报送的新项目。"
            "请核对、修改后点「创建项目」，项目将加入项目库。"
        )
        intro.setWordWrap(True)
        notes = QLabel("\n".join(self.draft.notes))
        notes.setObjectName("notes")
        notes.setStyleSheet(NOTE_STYLE)
        notes.setWordWrap(True)
        notes.setVisible(bool(self.draft.notes))
        typed = QLabel(payload_text(self.proposal))
        typed.setObjectName("payload")
        typed.setWordWrap(True)
        typed.setTextInteractionFlags(Qt.TextSelectableByMouse)
        typed.setStyleSheet(HINT_STYLE)
        typed_box = QGroupBox("填报原文")
        QVBoxLayout(typed_box).addWidget(typed)

        self.summary = QLabel()
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.Ok)
        self.create_button.setText("创建项目")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._form(), 1)
        layout.addWidget(notes)
        layout.addWidget(typed_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(860, 640)
        self._load()
        self._loaded = self.form_values()  # the corrections closing would throw away differ
        for edit in self.inputs.values():
            edit.textChanged.connect(self.validate)
        for combo in (self.stage, self.district, self.lead):
            combo.currentIndexChanged.connect(self.validate)
        self.responsible.itemChanged.connect(self.validate)
        self.validate()

    def _form(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        labels = PROJECT_FIELD_LABELS | {
            "annual_plan": f"{self.draft.year}年计划投资（万元）",
            "lead": "牵头单位",
            "responsible": "责任单位",
        }
        widgets = {"stage": self.stage, "district_id": self.district, "lead": self.lead}
        pairs = (
            ("code", "name"),
            ("stage", "district_id"),
            ("planned_start", "planned_end"),
            ("total_investment", "annual_plan"),
            ("actual_start", "actual_end"),
            ("percent_complete", "investment_to_date"),
        )
        row = 0
        for pair in pairs:
            for col, field in zip((0, 2), pair, strict=True):
                grid.addWidget(QLabel(labels[field]), row, col)
                box = QVBoxLayout()
                box.setSpacing(0)
                box.addWidget(self.inputs.get(field) or widgets[field])
                if field in self.error_labels:
                    box.addWidget(self.error_labels[field])
                grid.addLayout(box, row, col + 1)
            row += 1
        grid.addWidget(QLabel(labels["lead"]), row, 0)
        grid.addWidget(self.lead, row, 1)
        row += 1
        grid.addWidget(QLabel(labels["responsible"]), row, 0, Qt.AlignTop)
        box = QVBoxLayout()
        box.setSpacing(0)
        box.addWidget(self.responsible)
        box.addWidget(self.error_labels["units"])
        grid.addLayout(box, row, 1, 1, 3)
        row += 1
        grid.addWidget(QLabel(labels["scope"]), row, 0, Qt.AlignTop)
        grid.addWidget(self.scope, row, 1, 1, 3)
        return w

    def _load(self) -> None:
        values = self.draft.values
        for field, edit in self.inputs.items():
            edit.setText(_shown(values.get(field)))
        stage = _shown(values.get("stage")) or "储备"
        if self.stage.findText(stage) < 0:
            self.stage.addItem(stage)  # as typed, shown as a problem until a stage is chosen
        self.stage.setCurrentText(stage)
        self.district.setCurrentIndex(max(self.district.findData(values.get("district_id")), 0))
        self.scope.setPlainText(_shown(values.get("scope")))
        roles = dict(self.draft.units)
        lead = next((uid for uid, role in self.draft.units if role == "牵头"), None)
        self.lead.setCurrentIndex(max(self.lead.findData(lead), 0))
        for i in range(self.responsible.count()):
            item = self.responsible.item(i)
            if roles.get(item.data(Qt.UserRole)) == "责任":
                item.setCheckState(Qt.Checked)

    def form_values(self) -> tuple[dict, list[tuple[int, str]]]:
        """The fields and unit links as the form shows them now."""
        fields: dict[str, object] = {k: e.text() for k, e in self.inputs.items()}
        fields["stage"] = self.stage.currentText()
        fields["district_id"] = self.district.currentData()
        fields["scope"] = self.scope.toPlainText()
        lead = self.lead.currentData()
        links = [(lead, "牵头")] if lead is not None else []
        for i in range(self.responsible.count()):
            item = self.responsible.item(i)
            uid = item.data(Qt.UserRole)
            if item.checkState() == Qt.Checked and uid != lead:
                links.append((uid, "责任"))
        return fields, links

    def set_responsible(self, names: list[str]) -> None:
        """Check exactly the units named (the list's checkboxes)."""
        for i in range(self.responsible.count()):
            item = self.responsible.item(i)
            item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)

    def validate(self, *_args) -> bool:
        fields, links = self.form_values()
        self.problems = proposals.acceptance_problems(self.ctx.store, self.draft, fields, links)
        for field, label in self.error_labels.items():
            text = self.problems.get(field, "")
            label.setText(text)
            label.setVisible(bool(text))
            if field in self.inputs:
                self.inputs[field].setStyleSheet("border: 1px solid #C5221F;" if text else "")
        self.create_button.setEnabled(not self.problems)
        if self.problems:
            first = next(iter(self.problems.values()))
            more = f"（另有 {len(self.problems) - 1} 处）" if len(self.problems) > 1 else ""
            self.summary.setText(f"不能创建：{first}{more}")
        else:
            self.summary.setText("")
        return not self.problems

    def save(self) -> None:
        if not self.validate():
            return
        fields, links = self.form_values()
        command = AcceptProposalCommand(
            self.ctx, self.proposal.id, fields.get("name") or self.proposal.name, fields, links
        )
        try:
            execute(self.ctx, command)
        except UserError as exc:
            self.last_message = exc.message
            self.summary.setText(exc.message)
            _warn(self, "未创建", exc.message)
            return
        self.project_id = command.project_id
        self.accept()

    @property
    def has_unsaved_changes(self) -> bool:
        """Corrections made and not yet used (the proposal stays pending either way)."""
        return self.project_id is None and self.form_values() != self._loaded


# -- 驳回: the reason ---------------------------------------------------------------------------


class RejectProposalDialog(QDialog):
    """Ask why a proposal is rejected (the reason goes to the audit log); 驳回 applies it."""

    def __init__(self, ctx: AppContext, proposal: ProjectProposal, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.proposal = proposal
        self.last_message = ""
        self.setWindowTitle(f"驳回新增项目建议 — {proposal.name}")
        prompt = QLabel(
            f"驳回「{proposal.unit or '未知单位'}」报送的「{proposal.name}」。"
            "请填写理由（记入操作日志，便于答复报送单位）："
        )
        prompt.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("如：已列入其他项目；不属于同城化重大项目范围")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.reject_button = self.buttons.button(QDialogButtonBox.Ok)
        self.reject_button.setText("驳回")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 260)
        self._update()

    def _update(self) -> None:
        self.reject_button.setEnabled(bool(self.reason.toPlainText().strip()))

    def save(self) -> None:
        command = RejectProposalCommand(
            self.ctx, self.proposal.id, self.proposal.name, self.reason.toPlainText()
        )
        try:
            execute(self.ctx, command)
        except UserError as exc:
            self.last_message = exc.message
            _warn(self, "未驳回", exc.message)
            return
        self.accept()


# -- the list ---------------------------------------------------------------------------------


class ProposalsDialog(QDialog):
    """Pending proposals to accept or reject, and (by the filter) those already handled."""

    handled = Signal()  # a proposal was accepted, rejected or reopened

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ProjectProposal] = []
        self.accept_dialog: AcceptProposalDialog | None = None
        self.reject_dialog: RejectProposalDialog | None = None
        self.setWindowTitle("新增项目建议")
        intro = QLabel(
            "各单位在填报表中列出、项目库中还没有的项目。采纳：核对后加入项目库；"
            "驳回：填写理由。两者都可撤销（Ctrl+Z）。"
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HINT_STYLE)
        self.filter = QComboBox()
        for text, status in FILTERS:
            self.filter.addItem(text, status)
        self.filter.currentIndexChanged.connect(lambda _: self.reload())
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("显示："))
        top.addWidget(self.filter)
        top.addSpacing(12)
        top.addWidget(self.count_label, 1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _: self.start_accept())

        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.setStyleSheet(HINT_STYLE)
        self.detail.setMinimumHeight(40)
        self.detail.setAlignment(Qt.AlignTop | Qt.AlignLeft)

        self.accept_button = QPushButton("采纳…")
        self.accept_button.clicked.connect(self.start_accept)
        self.reject_button = QPushButton("驳回…")
        self.reject_button.clicked.connect(self.start_reject)
        self.reopen_button = QPushButton("恢复为待审核")
        self.reopen_button.setToolTip("把驳回的建议放回待审核，重新审核")
        self.reopen_button.clicked.connect(self.reopen)
        self.message = QLabel()
        self.message.setWordWrap(True)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.reject_button, self.reopen_button):
            buttons.addWidget(b)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.resize(1280, 560)
        ctx.changed.connect(self._changed)
        self.reload()

    # -- showing ---------------------------------------------------------------------------

    def status(self) -> str | None:
        return self.filter.currentData()

    def set_status(self, status: str | None) -> None:
        self.filter.setCurrentIndex(max(self.filter.findData(status), 0))

    def _changed(self, _changes: Changes) -> None:
        if self.isVisible():  # an undo or redo may have changed a proposal
            self.reload()

    def reload(self) -> None:
        selected = self.selected()
        self.rows = list_proposals(self.ctx.store, self.status())
        self.table.setRowCount(len(self.rows))
        for r, p in enumerate(self.rows):
            values = (
                p.status,
                p.unit or "",
                p.name,
                handled_text(p),
                *(_payload(p, key) for key in _PAYLOAD_COLUMNS),
                p.file_name,
                _time(p.imported_at),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                item.setData(Qt.UserRole, p.id)
                if c == COLUMNS.index("年度计划投资（万元）"):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.setColumnHidden(0, self.status() is not None)
        self.table.setColumnHidden(_HANDLED, self.status() == "待审核")
        self.table.resizeColumnsToContents()
        for c, header in enumerate(COLUMNS):
            widest = (
                260 if header in ("项目名称", "处理情况") else 180
            )  # the rest is in the tooltip and below
            self.table.setColumnWidth(c, min(max(self.table.columnWidth(c), 64), widest))
        shown = self.filter.currentText()
        pending = proposals.pending_count(self.ctx.store)
        self.count_label.setText(
            f"{shown} {len(self.rows)} 条" + (f"，待审核 {pending} 条" if shown != "待审核" else "")
        )
        row = next((i for i, p in enumerate(self.rows) if selected and p.id == selected.id), 0)
        if self.rows:
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> ProjectProposal | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, name: str) -> None:
        """Select the proposal named ``name`` in the list shown."""
        row = next(i for i, p in enumerate(self.rows) if p.name == name)
        self.table.selectRow(row)

    def _selection_changed(self) -> None:
        p = self.selected()
        pending = p is not None and p.status == "待审核"
        self.accept_button.setEnabled(pending)
        self.reject_button.setEnabled(pending)
        self.reopen_button.setVisible(self.status() in ("已驳回", None))
        self.reopen_button.setEnabled(p is not None and p.status == "已驳回")
        if p is None:
            self.detail.setText(
                "没有待审核的新增项目建议。" if self.status() == "待审核" else "没有记录。"
            )
            return
        text = f"填报原文：{payload_text(p)}"
        if p.status != "待审核":
            text += f"\n处理情况：{p.status}，{handled_text(p)}"
        self.detail.setText(text)

    # -- acting ----------------------------------------------------------------------------

    def start_accept(self) -> AcceptProposalDialog | None:
        p = self.selected()
        if p is None or p.status != "待审核":
            return None
        try:
            dialog = AcceptProposalDialog(self.ctx, p.id, self)
        except UserError as exc:
            _warn(self, "新增项目建议", exc.message)
            self.reload()
            return None
        dialog.accepted.connect(lambda d=dialog: self._accepted(d))
        self.accept_dialog = dialog
        dialog.open()
        return dialog

    def _accepted(self, dialog: AcceptProposalDialog) -> None:
        code = get_proposal(self.ctx.store, dialog.proposal.id).project_code
        self.message.setText(f"已采纳「{dialog.proposal.name}」，项目 {code} 已加入项目库。")
        self.reload()
        self.handled.emit()

    def start_reject(self) -> RejectProposalDialog | None:
        p = self.selected()
        if p is None or p.status != "待审核":
            return None
        dialog = RejectProposalDialog(self.ctx, p, self)
        dialog.accepted.connect(lambda d=dialog: self._rejected(d))
        self.reject_dialog = dialog
        dialog.open()
        return dialog

    def _rejected(self, dialog: RejectProposalDialog) -> None:
        self.message.setText(f"已驳回「{dialog.proposal.name}」。")
        self.reload()
        self.handled.emit()

    def reopen(self) -> None:
        p = self.selected()
        if p is None or p.status != "已驳回":
            return
        try:
            execute(self.ctx, ReopenProposalCommand(self.ctx, p))
        except UserError as exc:
            _warn(self, "新增项目建议", exc.message)
            return
        self.message.setText(f"「{p.name}」已恢复为待审核。")
        self.reload()
        self.handled.emit()
