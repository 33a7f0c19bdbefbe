"""The project editor: every field, units with roles, milestones, annual targets, history.

Values are checked as they are typed, with the reason next to the field; 保存 stays disabled
until the whole form is valid. Saving pushes one undoable command; 取消 changes nothing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ConflictError, UserError, ValidationError
from ...domain.fields import (
    MILESTONE_NAMES,
    MISSING,
    PROJECT_FIELD_LABELS,
    ROLES,
    SIDES,
    STAGES,
)
from ...domain.model import AnnualTarget, Milestone, Project
from ...domain.money import format_percent, format_wan_column, plain_number
from ...domain.parsing import ParseError, parse_date, parse_int, parse_money
from ...domain.validation import project_problems, unit_links_problems
from ...services.editing import ProjectForm, parse_field
from ...store.plans import viewed_plan_id
from ...store.progress import list_reports
from ...store.projects import categories, code_taken, get_project, list_sections, next_code
from ...store.units import list_units
from ..history import ProjectHistoryWidget
from ..undo import CreateProjectCommand, SaveProjectCommand, execute
from ..unsaved import AsksBeforeClosing

ERROR_STYLE = "color: #C5221F;"
_TEXT_FIELDS = (
    "code",
    "name",
    "total_investment",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "percent_complete",
    "investment_to_date",
)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _money(v: float | None) -> str:
    return "" if v is None else plain_number(v)


class MessageLine(QLabel):
    """One line for a field's message: cut with "…" when the column is narrower than the
    message (the whole of it in the tooltip), never widening the column."""

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.ElideRight, self.contentsRect().width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(Qt.AlignLeft | Qt.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            text,
            QPalette.WindowText,
        )


def reserve_line(label: QLabel, lines: int = 1) -> None:
    """A message label that keeps its place whether it says something or not, and never widens
    the form: a validation message must not move the field under the user's mouse."""
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
    label.setMinimumWidth(0)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 2)


def fit_lines(box: QPlainTextEdit, lines: int) -> None:
    """A text box exactly ``lines`` lines tall in the current font (frame and margins included)."""
    margins = box.contentsMargins()
    doc = box.document().documentMargin()
    height = box.fontMetrics().lineSpacing() * lines + 2 * doc + margins.top() + margins.bottom()
    box.setFixedHeight(int(height) + 2)


class ProjectEditor(AsksBeforeClosing, QDialog):
    """Edit one project (``project_id``) or create a new one (``project_id=None``)."""

    CLOSE_TEXT = "该项目有尚未保存的修改。关闭前要保存吗？"

    def __init__(self, ctx, project_id: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.project_id = project_id
        self.project: Project | None = get_project(ctx.store, project_id) if project_id else None
        self.units = list_units(ctx.store)
        self.errors: dict[str, str] = {}
        self.saved = False
        self.setWindowTitle(
            f"编辑项目 — {self.project.code} {self.project.name}" if self.project else "新建项目"
        )

        self.inputs: dict[str, QLineEdit] = {}
        self._error_palette = QPalette()
        self._error_palette.setColor(QPalette.Base, QColor("#FCE8E6"))
        self.error_labels: dict[str, QLabel] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), "基本信息")
        self.tabs.addTab(self._units_tab(), "责任单位")
        self.tabs.addTab(self._milestones_tab(), "关键节点")
        self.tabs.addTab(self._targets_tab(), "年度目标")
        if self.project:
            self.tabs.addTab(self._reports_tab(), "进度报告")
            self.tabs.addTab(ProjectHistoryWidget(ctx.store, project_id), "修改历史")

        self.summary = QLabel()
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setWordWrap(True)
        reserve_line(self.summary, lines=2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.Save)
        self.save_button.setText("保存")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(860, 620)
        self._load()
        self._loaded = self._state()  # what closing without saving would throw away differs
        self.validate()

    # -- building --------------------------------------------------------------------------

    def _line(self, field: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(field)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.validate)
        self.inputs[field] = edit
        label = MessageLine()
        label.setObjectName(f"error_{field}")
        label.setStyleSheet(ERROR_STYLE)
        reserve_line(label)
        self.error_labels[field] = label
        return edit

    def _basic_tab(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        row = 0

        def put(field: str, widget: QWidget, col: int = 0) -> None:
            label = QLabel(PROJECT_FIELD_LABELS[field])
            if field in self.error_labels:
                # Level with its field, above the line kept for the field's message.
                label.setFixedHeight(widget.sizeHint().height())
                names = QVBoxLayout()
                names.setSpacing(0)
                names.addWidget(label)
                names.addSpacing(self.error_labels[field].height())
                grid.addLayout(names, row, col)
            else:
                grid.addWidget(label, row, col)
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            if field in self.error_labels:
                box.addWidget(self.error_labels[field])
            grid.addLayout(box, row, col + 1)

        put("code", self._line("code", "如 XM-0001"))
        put("name", self._line("name", "项目名称"), 2)
        row += 1
        self.section = QComboBox()
        self.section.addItem("（未归入专栏）", None)
        # The 专栏 of the plan looked at (a project carried over keeps its old one, shown below).
        for s in list_sections(self.ctx.store, "专栏", plan_id=viewed_plan_id(self.ctx.store)):
            self.section.addItem(s.label, s.id)
        put("section_id", self.section)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems([""] + categories(self.ctx.store))
        put("category", self.category, 2)
        row += 1
        self.stage = QComboBox()
        for s in STAGES:
            self.stage.addItem(s, s)
        self.stage.addItem(MISSING, None)  # the plan does not say
        self.side = QComboBox()
        self.side.addItem("（未填）", None)
        for s in SIDES:
            self.side.addItem(s, s)
        stage_and_side = QWidget()
        pair = QHBoxLayout(stage_and_side)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(self.stage, 1)
        pair.addWidget(QLabel(PROJECT_FIELD_LABELS["side"]))
        pair.addWidget(self.side, 1)
        put("stage", stage_and_side)
        self.district = QComboBox()
        self.district.addItem("（未填）", None)
        for u in self.units:
            if u.kind == "区县" or u.kind == "功能区":
                self.district.addItem(u.name, u.id)
        put("district_id", self.district, 2)
        row += 1
        put("total_investment", self._line("total_investment", "万元，如 12000 或 1.2亿"))
        put("investment_to_date", self._line("investment_to_date", "万元"), 2)
        row += 1
        put("planned_start", self._line("planned_start", "YYYY-MM-DD"))
        put("planned_end", self._line("planned_end", "YYYY-MM-DD"), 2)
        row += 1
        put("actual_start", self._line("actual_start", "YYYY-MM-DD"))
        put("actual_end", self._line("actual_end", "YYYY-MM-DD"), 2)
        row += 1
        put("percent_complete", self._line("percent_complete", "0–100"))
        # A project of the plan's other chapters sits in a 节, not a 专栏: shown here, by its
        # own name, so that 专栏 means a 专栏 as in the register's 专栏 column.
        self.plan_section = QLineEdit()
        self.plan_section.setObjectName("plan_section")
        self.plan_section.setReadOnly(True)
        self.plan_section.setPlaceholderText("（无）")
        plan_label = QLabel("规划章节")
        plan_label.setFixedHeight(self.plan_section.sizeHint().height())
        grid.addWidget(plan_label, row, 2, Qt.AlignTop)
        grid.addWidget(self.plan_section, row, 3, Qt.AlignTop)
        self.plan_section_id: int | None = None
        row += 1
        self.scope = QPlainTextEdit()
        fit_lines(self.scope, 3)
        grid.addWidget(QLabel("建设内容"), row, 0, Qt.AlignTop)
        grid.addWidget(self.scope, row, 1, 1, 3)
        row += 1
        self.notes = QPlainTextEdit()
        fit_lines(self.notes, 2)
        grid.addWidget(QLabel("备注"), row, 0, Qt.AlignTop)
        grid.addWidget(self.notes, row, 1, 1, 3)
        row += 1
        self.source_text = QPlainTextEdit()
        fit_lines(self.source_text, 4)  # the plan's sentence, three lines and more, unclipped
        grid.addWidget(QLabel("规划原文"), row, 0, Qt.AlignTop)
        grid.addWidget(self.source_text, row, 1, 1, 3)
        grid.setRowStretch(row + 1, 1)
        return w

    def _table_tab(self, table: QTableWidget, buttons: list[tuple[str, object]], error: QLabel):
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        for text, slot in buttons:
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(error)
        layout.addLayout(row)
        return w

    def _make_table(self, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().setVisible(False)
        t.setSelectionBehavior(QAbstractItemView.SelectRows)
        t.setSelectionMode(QAbstractItemView.SingleSelection)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        t.itemChanged.connect(self.validate)
        return t

    def _error_label(self, name: str) -> QLabel:
        label = MessageLine()
        label.setObjectName(f"error_{name}")
        label.setStyleSheet(ERROR_STYLE)
        reserve_line(label)
        self.error_labels[name] = label
        return label

    def _units_tab(self) -> QWidget:
        self.units_table = self._make_table(["单位", "角色"])
        return self._table_tab(
            self.units_table,
            [
                ("添加单位", lambda: self.add_unit_row()),
                ("移除", lambda: self._remove(self.units_table)),
            ],
            self._error_label("units"),
        )

    def add_unit_row(self, unit_id: int | None = None, role: str = "责任") -> None:
        t = self.units_table
        r = t.rowCount()
        t.insertRow(r)
        unit = QComboBox()
        for u in self.units:
            if u.active or u.id == unit_id:
                unit.addItem(u.name if u.active else f"{u.name}（已停用）", u.id)
        if unit_id is not None:
            unit.setCurrentIndex(max(unit.findData(unit_id), 0))
        unit.currentIndexChanged.connect(self.validate)
        role_box = QComboBox()
        role_box.addItems(list(ROLES))
        role_box.setCurrentText(role)
        role_box.currentIndexChanged.connect(self.validate)
        t.setCellWidget(r, 0, unit)
        t.setCellWidget(r, 1, role_box)
        self.validate()

    def _milestones_tab(self) -> QWidget:
        self.ms_table = self._make_table(["节点名称", "计划日期", "实际日期"])
        return self._table_tab(
            self.ms_table,
            [
                ("添加节点", lambda: self.add_milestone_row()),
                ("移除", lambda: self._remove(self.ms_table)),
                ("上移", lambda: self._move(self.ms_table, -1)),
                ("下移", lambda: self._move(self.ms_table, 1)),
            ],
            self._error_label("milestones"),
        )

    def add_milestone_row(
        self, name: str | None = None, planned: str = "", actual: str = ""
    ) -> None:
        t = self.ms_table
        if name is None:
            used = {t.item(r, 0).text() for r in range(t.rowCount()) if t.item(r, 0)}
            name = next((n for n in MILESTONE_NAMES if n not in used), "新节点")
        t.blockSignals(True)
        r = t.rowCount()
        t.insertRow(r)
        for c, v in enumerate((name, planned, actual)):
            t.setItem(r, c, QTableWidgetItem(v))
        t.blockSignals(False)
        self.validate()

    def _targets_tab(self) -> QWidget:
        self.targets_table = self._make_table(["年度", "计划投资（万元）", "年度目标"])
        return self._table_tab(
            self.targets_table,
            [
                ("添加年度", lambda: self.add_target_row()),
                ("移除", lambda: self._remove(self.targets_table)),
            ],
            self._error_label("annual_targets"),
        )

    def add_target_row(self, year: str | None = None, invest: str = "", goal: str = "") -> None:
        t = self.targets_table
        if year is None:
            years = [
                parse_int_safe(t.item(r, 0).text()) for r in range(t.rowCount()) if t.item(r, 0)
            ]
            years = [y for y in years if y]
            year = str(max(years) + 1 if years else self.ctx.today().year)
        t.blockSignals(True)
        r = t.rowCount()
        t.insertRow(r)
        for c, v in enumerate((year, invest, goal)):
            t.setItem(r, c, QTableWidgetItem(v))
        t.blockSignals(False)
        self.validate()

    def _reports_tab(self) -> QWidget:
        reports = list_reports(self.ctx.store, self.project_id)
        headers = [
            "期次",
            "完成百分比",
            "累计完成投资",
            "本年完成投资",
            "形象进度",
            "存在问题",
            "来源",
            "填报时间",
        ]
        t = QTableWidget(len(reports), len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setEditTriggers(QAbstractItemView.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        for r, rep in enumerate(reports):
            source = f"{rep.source}（{rep.batch_file}）" if rep.batch_file else rep.source
            values = [
                rep.period,
                format_percent(rep.percent_complete),
                format_wan_column(rep.investment_to_date),
                format_wan_column(rep.investment_this_year),
                rep.progress_text or "",
                rep.problems or "",
                source,
                (rep.reported_at or "").replace("T", " "),
            ]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                t.setItem(r, c, item)
        w = QWidget()
        layout = QVBoxLayout(w)
        if not reports:
            layout.addWidget(QLabel("该项目还没有进度报告。"))
        layout.addWidget(t)
        return w

    # -- table helpers ---------------------------------------------------------------------

    def _remove(self, table: QTableWidget) -> None:
        r = table.currentRow()
        if r < 0:
            r = table.rowCount() - 1
        if r >= 0:
            table.removeRow(r)
        self.validate()

    def _move(self, table: QTableWidget, step: int) -> None:
        r = table.currentRow()
        to = r + step
        if r < 0 or not 0 <= to < table.rowCount():
            return
        table.blockSignals(True)
        for c in range(table.columnCount()):
            a, b = table.takeItem(r, c), table.takeItem(to, c)
            table.setItem(r, c, b)
            table.setItem(to, c, a)
        table.blockSignals(False)
        table.setCurrentCell(to, 0)
        self.validate()

    # -- loading and reading the form ------------------------------------------------------

    def _load(self) -> None:
        p = self.project
        if p is None:
            self.inputs["code"].setText(next_code(self.ctx.store))
            return
        values = {
            "code": p.code,
            "name": p.name,
            "total_investment": _money(p.total_investment),
            "investment_to_date": _money(p.investment_to_date),
            "planned_start": _iso(p.planned_start),
            "planned_end": _iso(p.planned_end),
            "actual_start": _iso(p.actual_start),
            "actual_end": _iso(p.actual_end),
            "percent_complete": ""
            if p.percent_complete is None
            else plain_number(p.percent_complete),
        }
        for k, v in values.items():
            self.inputs[k].setText(v)
        if p.section_id is not None and self.section.findData(p.section_id) < 0:
            # Placed in a 节 (or 章) of the plan rather than a 专栏: shown as 规划章节, kept when
            # saving unless a 专栏 is chosen for it.
            for s in list_sections(self.ctx.store):
                if s.id == p.section_id:
                    self.plan_section_id = s.id
                    self.plan_section.setText(s.label)
                    self.plan_section.setToolTip(s.label)
        self.section.setCurrentIndex(max(self.section.findData(p.section_id), 0))
        self.category.setCurrentText(p.category or "")
        self.stage.setCurrentIndex(self.stage.findData(p.stage))
        self.side.setCurrentIndex(max(self.side.findData(p.side), 0))
        i = self.district.findData(p.district_id)
        if i < 0 and p.district_id is not None:
            self.district.addItem(p.district or str(p.district_id), p.district_id)
            i = self.district.count() - 1
        self.district.setCurrentIndex(max(i, 0))
        self.scope.setPlainText(p.scope or "")
        self.notes.setPlainText(p.notes or "")
        self.source_text.setPlainText(p.source_text or "")
        for link in p.units:
            self.add_unit_row(link.unit_id, link.role)
        for m in p.milestones:
            self.add_milestone_row(m.name, _iso(m.planned_date), _iso(m.actual_date))
        for t in p.annual_targets:
            self.add_target_row(str(t.year), _money(t.planned_investment), t.goal or "")

    def _read(self) -> tuple[ProjectForm | None, dict[str, str]]:
        """The form's values, and problems as ``field -> reason``."""
        problems: dict[str, str] = {}
        fields: dict = {}
        for field in _TEXT_FIELDS:
            try:
                fields[field] = parse_field(field, self.inputs[field].text())
            except ValidationError as exc:
                problems.update(exc.problems)
        fields["section_id"] = self.section.currentData() or self.plan_section_id
        fields["category"] = self.category.currentText().strip() or None
        fields["stage"] = self.stage.currentData()
        fields["side"] = self.side.currentData()
        fields["district_id"] = self.district.currentData()
        fields["scope"] = self.scope.toPlainText().strip() or None
        fields["notes"] = self.notes.toPlainText().strip() or None
        fields["source_text"] = self.source_text.toPlainText().strip() or None
        for k, v in project_problems(fields).items():
            problems.setdefault(k, v)
        code = (fields.get("code") or "").strip()
        if code and code_taken(self.ctx.store, code, except_id=self.project_id):
            problems["code"] = f"项目编码「{code}」已被其他项目使用"

        links = []
        for r in range(self.units_table.rowCount()):
            links.append(
                (
                    self.units_table.cellWidget(r, 0).currentData(),
                    self.units_table.cellWidget(r, 1).currentText(),
                )
            )
        problem = unit_links_problems(links)
        if problem:
            problems["units"] = problem

        milestones = []
        for r in range(self.ms_table.rowCount()):
            cells = [
                (self.ms_table.item(r, c).text() if self.ms_table.item(r, c) else "")
                for c in range(3)
            ]
            name = cells[0].strip()
            if not name:
                problems.setdefault("milestones", f"第 {r + 1} 个节点名称不能为空")
                continue
            try:
                planned, actual = parse_date(cells[1]), parse_date(cells[2])
            except ParseError as exc:
                problems.setdefault("milestones", f"节点「{name}」：{exc.reason}")
                continue
            milestones.append(Milestone(name, planned, actual))

        targets = []
        for r in range(self.targets_table.rowCount()):
            cells = [
                (self.targets_table.item(r, c).text() if self.targets_table.item(r, c) else "")
                for c in range(3)
            ]
            year = parse_int_safe(cells[0])
            if year is None or not 2000 <= year <= 2100:
                problems.setdefault(
                    "annual_targets", f"第 {r + 1} 行年度「{cells[0]}」不是有效年份"
                )
                continue
            try:
                invest = parse_money(cells[1])
            except ParseError as exc:
                problems.setdefault("annual_targets", f"{year} 年计划投资：{exc.reason}")
                continue
            if invest is not None and invest < 0:
                problems.setdefault("annual_targets", f"{year} 年计划投资不能小于 0")
            targets.append(AnnualTarget(year, invest, cells[2].strip() or None))
        years = [t.year for t in targets]
        if len(years) != len(set(years)):
            problems.setdefault("annual_targets", "同一年度不能填写两次")
        if problems:
            return None, problems
        return ProjectForm(fields, links, milestones, targets), problems

    def validate(self, *_args) -> bool:
        if not hasattr(self, "save_button"):
            return False
        _, problems = self._read()
        self.errors = problems
        for field, label in self.error_labels.items():
            text = problems.get(field, "")
            label.setText(text)  # in the line kept for it: nothing below moves
            label.setToolTip(text)
            if field in self.inputs:
                # Tinted, not re-bordered: a style sheet border would change the field's size.
                self.inputs[field].setPalette(self._error_palette if text else QPalette())
        self.save_button.setEnabled(not problems)
        if problems:
            first = next(iter(problems.values()))
            more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
            self.summary.setText(f"不能保存：{first}{more}")
        else:
            self.summary.setText("")
        return not problems

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        form, problems = self._read()
        if form is None:
            self.validate()
            return
        try:
            if self.project is None:
                command = CreateProjectCommand(self.ctx, form)
                execute(self.ctx, command)
                self.project_id = command.project_id
            else:
                execute(
                    self.ctx,
                    SaveProjectCommand(
                        self.ctx, self.project.id, form, expected_version=self.project.version
                    ),
                )
        except ConflictError as exc:
            self._warn(exc.message + "\n已重新载入该项目的最新内容，请核对后再修改。")
            self.reload()
            return
        except UserError as exc:
            self._warn(exc.message)
            return
        self.saved = True
        self.accept()

    def reload(self) -> None:
        """Show the project as it is in the database now (after a conflict)."""
        self.project = get_project(self.ctx.store, self.project_id)
        for t in (self.units_table, self.ms_table, self.targets_table):
            t.setRowCount(0)
        self._load()
        self._loaded = self._state()
        self.validate()

    # -- closing ---------------------------------------------------------------------------

    def _state(self) -> tuple:
        """Everything the user can change in the editor, as shown."""

        def cells(t: QTableWidget) -> tuple:
            return tuple(
                tuple(t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount()))
                for r in range(t.rowCount())
            )

        return (
            tuple(e.text() for e in self.inputs.values()),
            tuple(
                b.currentText()
                for b in (self.section, self.category, self.stage, self.side, self.district)
            ),
            tuple(t.toPlainText() for t in (self.scope, self.notes, self.source_text)),
            tuple(
                (
                    self.units_table.cellWidget(r, 0).currentData(),
                    self.units_table.cellWidget(r, 1).currentText(),
                )
                for r in range(self.units_table.rowCount())
            ),
            cells(self.ms_table),
            cells(self.targets_table),
        )

    @property
    def has_unsaved_changes(self) -> bool:
        return not self.saved and self._state() != self._loaded

    def _warn(self, text: str) -> None:
        self.summary.setText(text)
        box = QMessageBox(QMessageBox.Warning, "未保存", text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()  # not modal-blocking: tests and the user keep control
        self.last_message = text


def parse_int_safe(text: str) -> int | None:
    try:
        return parse_int(text)
    except (ParseError, ValueError):
        return None
