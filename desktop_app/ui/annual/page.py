"""年度清单: a year's list of tasks and projects grouped by heading, with targets and units; the
office adds and removes entries, edits targets, issues the list, carries last year's unfinished
entries forward, and exports, imports and prints it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.money import format_wan_column
from ...domain.status import LIGHT_COLORS, LIGHT_NAMES
from ...domain.task_status import TASK_LIGHT_NAMES
from ...exchange.annual_list import cn_number, export_list, grouped, read_list
from ...reports.annual_list import render_annual_list
from ...services import annual, task_monitoring
from ...services.changes import Changes
from ...store import annual as astore
from ...store.units import list_units
from ..context import AppContext
from ..undo import execute
from ..worker import start_job
from .commands import ListCommand
from .dialogs import (
    RECHECK,
    AddItemsDialog,
    ImportPreviewDialog,
    IssueDialog,
    NewTaskDialog,
    TargetsDialog,
)

COLUMNS = (
    "序号",
    "任务/项目",
    "类型",
    "状态",
    "牵头单位",
    "责任单位",
    "完成时限",
    "预期成果 / 形象进度目标",
    "年度投资（万元）",
    "目标阶段",
    "状态说明",
)
LIGHT_COL, REASON_COL = 3, len(COLUMNS) - 1
ITEM_ROLE = Qt.UserRole + 1
EXCEL_FILTER = "Excel 工作簿 (*.xlsx *.xls *.xlsm *.et)"


def _ask(dialog) -> int:
    """Show ``dialog`` modally; it is deleted once its answer has been read (the page would
    otherwise keep every dialog it ever showed as a hidden child)."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


class AnnualListPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[astore.AnnualItem] = []
        self.job = None  # the file being written or read, if any
        self._last_job = None
        self.current: astore.AnnualList | None = None
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setPrefix("年度 ")
        years = astore.list_years(ctx.store)
        this_year = ctx.today().year
        self.year_box.setValue(this_year if this_year in years or not years else years[-1])
        self.year_box.valueChanged.connect(lambda _v: self.reload())
        self.title = QLabel()
        self.title.setObjectName("annual_title")
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("annual_status")
        # The list's rates, as 首页, the overall sheet and the 通报 give them (one computation:
        # services.task_monitoring).
        self.rates = QLabel()
        self.rates.setObjectName("annual_rates")
        self.rates.setWordWrap(True)
        self.figures: task_monitoring.YearFigures | None = None
        self.message = QLabel()
        self.message.setObjectName("annual_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#1A5FB4")

        def button(text: str, slot, tip: str = "") -> QPushButton:
            b = QPushButton(text)
            b.clicked.connect(lambda _checked=False: slot())
            if tip:
                b.setToolTip(tip)
            return b

        self.create_button = button("新建清单", self.create_list, "新建所选年度的清单")
        self.carry_button = button(
            "从上年结转", self.carry_forward, "把上一年未完成的任务和项目复制到本年清单"
        )
        self.add_button = button("添加任务/项目", self.add_items, "从规划的重点任务和项目库中选择")
        self.new_task_button = button("新增任务", self.new_task, "规划中没有的任务")
        self.edit_button = button(
            "编辑目标", self.edit_targets, "完成时限、预期成果、单位、年度投资"
        )
        self.remove_button = button("移出清单", self.remove_items)
        self.up_button = button("上移", lambda: self.move(-1))
        self.down_button = button("下移", lambda: self.move(1))
        self.issue_button = button("印发", self.issue, "记录印发文号和日期")
        self.export_button = button("导出 Excel", self.export_excel)
        self.import_button = button("导入 Excel", self.import_excel)
        self.pdf_button = button("打印 PDF", self.print_pdf, "A3 横向")

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit_targets())
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(36)
        for col, width in enumerate((64, 0, 40, 92, 110, 120, 84, 0, 90, 60, 0)):
            if width:
                self.tree.setColumnWidth(col, width)
                header.setSectionResizeMode(col, QHeaderView.Interactive)
            else:  # the name and the targets share the rest of the width
                header.setSectionResizeMode(col, QHeaderView.Stretch)

        top = QHBoxLayout()
        top.addWidget(self.year_box)
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        top.addWidget(self.create_button)
        top.addWidget(self.carry_button)
        edits = QHBoxLayout()
        for b in (
            self.add_button,
            self.new_task_button,
            self.edit_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            edits.addWidget(b)
        edits.addStretch(1)
        for b in (self.issue_button, self.export_button, self.import_button, self.pdf_button):
            edits.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(edits)
        layout.addWidget(self.rates)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message)
        self.reload()

    # -- showing -------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.year_box.value()

    def refresh(self, changes: Changes) -> None:
        self.reload()

    def reload(self) -> None:
        store = self.ctx.store
        self.current = astore.get_list(store, self.year)
        self.items = astore.list_items(store, self.year) if self.current else []
        selected = set(self.selected_ids())
        self.tree.clear()
        if self.current is None:
            self.title.setText(f"{self.year} 年还没有年度清单")
            self.status.setText("")
        else:
            self.title.setText(self.current.title)
            self.status.setText(
                f"已印发：{self.current.doc_no}（{self.current.issued_at}）"
                if self.current.issued
                else "草稿（未印发）"
            )
        lights = self._lights()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        fill = QBrush(QColor("#EEF2F7"))
        for n, (heading, group) in enumerate(grouped(self.items), start=1):
            top = QTreeWidgetItem(self.tree, [f"{cn_number(n)}、{heading or '未分类'}"])
            top.setFirstColumnSpanned(True)
            top.setFont(0, bold)
            for col in range(len(COLUMNS)):
                top.setBackground(col, fill)
            top.setFlags(top.flags() & ~Qt.ItemIsSelectable)
            for item in group:
                project = item.kind == "项目"
                row = QTreeWidgetItem(
                    top,
                    [
                        str(item.seq),
                        item.name,
                        item.kind,
                        "",
                        item.lead or "（未定）",
                        "、".join(item.responsible),
                        item.due_text or "",
                        item.expected or "",
                        format_wan_column(
                            item.planned_investment
                        )  # 万元, two decimals as every amount column
                        if project and item.planned_investment is not None
                        else "",
                        item.target_stage or "",
                        "",
                    ],
                )
                row.setData(0, ITEM_ROLE, item.id)
                row.setToolTip(1, f"{item.code}　{item.name}")
                row.setToolTip(7, item.expected or "")
                row.setTextAlignment(8, Qt.AlignRight | Qt.AlignVCenter)
                self._show_light(row, lights.get(item.key))
                if item.lead is None:
                    row.setForeground(4, QBrush(QColor("#C00000")))
                if item.carried_from:
                    row.setToolTip(0, "由上年清单结转")
                if item.id in selected:
                    row.setSelected(True)
        self.tree.expandAll()
        self._update_buttons()

    def _lights(self) -> dict[tuple[str, object], tuple[str, str, str, tuple[str, ...]]]:
        """Each entry's ``(light, word, reason, reasons)`` by its key, and the list's rates in
        ``self.rates``: a task's from the year-list monitoring (the light 督办预警 shows), a
        project's from the projects' monitoring (the register's light)."""
        self.figures = None
        if self.current is None or not self.items:
            self.rates.setText("")
            return {}
        today = self.ctx.today()
        monitor = task_monitoring.task_statuses(self.ctx.store, today, year=self.year)
        self.figures = task_monitoring.year_figures(
            self.ctx.store, today, year=self.year, monitor=monitor
        )
        self.rates.setText(task_monitoring.summary_line(self.figures))
        out: dict[tuple[str, object], tuple[str, str, str, tuple[str, ...]]] = {}
        for r in monitor.rows:
            st = r.status
            out[("task", r.task.task_id)] = (st.light, r.category, st.reason, st.reasons)
        wanted = {i.project_id for i in self.items if i.project_id}
        if wanted:
            for s in self.ctx.project_statuses():
                if s.project.id in wanted:
                    st = s.status
                    name = LIGHT_NAMES[st.light]
                    out[("project", s.project.id)] = (st.light, name, st.reason, st.reasons)
        return out

    @staticmethod
    def _show_light(row: QTreeWidgetItem, found) -> None:
        if found is None:
            return
        light, word, reason, reasons = found
        row.setText(LIGHT_COL, f"● {word}")
        row.setForeground(LIGHT_COL, QBrush(QColor(LIGHT_COLORS[light])))
        names = TASK_LIGHT_NAMES if row.text(2) == "任务" else LIGHT_NAMES
        row.setToolTip(LIGHT_COL, names.get(light, ""))
        row.setText(REASON_COL, reason)
        row.setToolTip(REASON_COL, "\n".join(reasons) or reason)

    def light_of(self, name: str) -> tuple[str, str]:
        """(状态, 状态说明) as the table shows them for the entry called ``name``."""
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            for k in range(top.childCount()):
                if top.child(k).text(1) == name:
                    return top.child(k).text(LIGHT_COL), top.child(k).text(REASON_COL)
        raise KeyError(name)

    def selected_ids(self) -> list[int]:
        return [i.data(0, ITEM_ROLE) for i in self.tree.selectedItems() if i.data(0, ITEM_ROLE)]

    def select(self, name: str) -> None:
        """Select the entry called ``name`` (and only it)."""
        self.tree.clearSelection()
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            for k in range(top.childCount()):
                if top.child(k).text(1) == name:
                    top.child(k).setSelected(True)
                    self.tree.setCurrentItem(top.child(k))
                    return
        raise KeyError(name)

    def _update_buttons(self) -> None:
        has_list = self.current is not None
        chosen = bool(self.selected_ids())
        self.create_button.setEnabled(not has_list)
        for b in (self.add_button, self.new_task_button, self.import_button):
            b.setEnabled(has_list or b is self.import_button)
        for b in (self.edit_button, self.remove_button, self.up_button, self.down_button):
            b.setEnabled(has_list and chosen)
        for b in (self.issue_button, self.export_button, self.pdf_button):
            b.setEnabled(has_list and bool(self.items))
        if self.job is not None:
            for b in (self.export_button, self.import_button, self.pdf_button):
                b.setEnabled(False)
        self.carry_button.setEnabled(astore.get_list(self.ctx.store, self.year - 1) is not None)

    def _run(self, text: str, op, **scope) -> object:
        """Run a service on the year's list as an undoable step (编辑 → 撤销); the views reload
        from the change it reports. ``UserError`` when refused (nothing changed)."""
        command = ListCommand(self.ctx, text, self.year, op, **scope)
        execute(self.ctx, command)
        return command.result

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.reload()

    def _refused(self, exc: UserError) -> None:
        self.message.setText("")
        QMessageBox.warning(self, "操作未完成", exc.message)

    # -- actions -------------------------------------------------------------------------------

    def create_list(self) -> None:
        try:
            self._run(
                f"新建 {self.year} 年清单", lambda: annual.create_list(self.ctx.store, self.year)
            )
        except UserError as exc:
            self._refused(exc)
            return
        self._done(f"已新建 {self.year} 年清单。请添加任务和项目，或从上年结转。")

    def carry_forward(self) -> None:
        try:
            previous = astore.list_items(self.ctx.store, self.year - 1)
            result = self._run(
                f"从 {self.year - 1} 年结转",
                lambda: annual.carry_forward(self.ctx.store, self.year - 1, self.year),
                task_ids={i.task_id for i in previous if i.task_id},
                project_ids={i.project_id for i in previous if i.project_id},
            )
        except UserError as exc:
            self._refused(exc)
            return
        text = f"已从 {self.year - 1} 年结转未完成的 {len(result.carried)} 项。"
        if result.skipped:
            text += f" {len(result.skipped)} 项已在本年清单中，未重复加入。"
        if result.due_reset:
            text += f" {len(result.due_reset)} 项的完成时限写的是往年，已改为「年底前」，请核对。"
        self._done(text)

    def add_items(self) -> None:
        present = {i.key for i in self.items}
        candidates = [
            c
            for c in astore.candidates(self.ctx.store)
            if (("task", c.id) if c.kind == "任务" else ("project", c.id)) not in present
        ]
        dialog = AddItemsDialog(self, candidates)

        def save() -> None:
            chosen = dialog.chosen()
            if not chosen:
                raise UserError("请勾选要加入清单的任务或项目。")
            self._run(
                f"加入清单 {len(chosen)} 项",
                lambda: annual.add_items(self.ctx.store, self.year, chosen),
                task_ids={k for kind, k in chosen if kind == "任务"},
                project_ids={k for kind, k in chosen if kind == "项目"},
            )

        dialog.save = save
        if _ask(dialog):
            self._done(f"已加入 {len(dialog.chosen())} 项。请逐项设置完成时限和预期成果。")

    def _headings(self) -> list[str]:
        return list(dict.fromkeys(i.heading for i in self.items if i.heading))

    def new_task(self) -> None:
        dialog = NewTaskDialog(self, list_units(self.ctx.store), self._headings())

        def save() -> None:
            self._run(
                "新增任务",
                lambda: annual.add_new_task(
                    self.ctx.store,
                    self.year,
                    dialog.title.text(),
                    heading=dialog.heading.currentText(),
                    lead_unit_id=dialog.lead.currentData(),
                ),
            )

        dialog.save = save
        if _ask(dialog):
            self._done(f"已新增任务「{dialog.title.text().strip()}」。")

    def edit_targets(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        item = next((i for i in self.items if i.id == ids[0]), None)
        if item is None:
            return
        dialog = TargetsDialog(self, item, list_units(self.ctx.store), self._headings())

        def save() -> None:
            targets = dialog.targets()
            self._run(
                f"编辑目标 {item.name[:20]}",
                lambda: annual.set_targets(
                    self.ctx.store, item.id, targets, expected_version=item.version
                ),
            )

        dialog.save = save
        if _ask(dialog):
            self._done(f"已保存「{item.name}」的年度目标。")

    def remove_items(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [i.name for i in self.items if i.id in ids]
        answer = QMessageBox.question(
            self,
            "移出清单",
            f"把以下 {len(names)} 项移出 {self.year} 年清单？\n"
            + "\n".join(names[:10])
            + "\n\n任务、项目本身和它们的进展报告都保留。",
        )
        if answer != QMessageBox.Yes:
            return
        try:
            self._run(f"移出清单 {len(ids)} 项", lambda: annual.remove_items(self.ctx.store, ids))
        except UserError as exc:
            self._refused(exc)
            return
        self._done(f"已移出 {len(ids)} 项。")

    def move(self, delta: int) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        try:
            self._run(
                "上移" if delta < 0 else "下移",
                lambda: annual.move_item(self.ctx.store, ids[0], delta),
            )
        except UserError as exc:
            self._refused(exc)
            return
        self._done("")
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            for k in range(top.childCount()):
                if top.child(k).data(0, ITEM_ROLE) == ids[0]:
                    top.child(k).setSelected(True)

    def issue(self) -> None:
        lst = self.current
        if lst is None:
            return
        dialog = IssueDialog(self, lst.doc_no, self.ctx.today())

        def save() -> None:
            doc_no, day = dialog.doc_no.text(), dialog.chosen_day()
            self._run(
                f"印发 {self.year} 年清单",
                lambda: annual.issue_list(self.ctx.store, self.year, doc_no, day),
            )

        dialog.save = save
        if _ask(dialog):
            self._done(f"{self.year} 年清单已记为印发（{dialog.doc_no.text().strip()}）。")

    # -- files: written and read off the GUI thread -------------------------------------------

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _job(self, fn, text: str, on_done) -> None:
        """Run ``fn(store, progress)`` on a worker with its own connection; ``on_done(result)``
        back here. The file buttons wait meanwhile."""
        self.message.setText(text)
        for b in (self.export_button, self.import_button, self.pdf_button):
            b.setEnabled(False)

        def done(result) -> None:
            self._ended()
            on_done(result)

        def failed(exc, trace) -> None:
            self._ended()
            if isinstance(exc, UserError):
                self._refused(exc)
            else:
                raise exc

        self.job = start_job(
            Path(self.ctx.store.path), fn, on_done=done, on_error=failed, user=self.ctx.store.user
        )

    def _ended(self) -> None:
        # The job is kept until the next one ends: its worker may not have let go of it yet,
        # and the last reference dropped there would delete its signals on the wrong thread.
        self._last_job, self.job = self.job, None
        self._update_buttons()

    def export_excel(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "导出年度清单", f"{self.year}年度清单.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if not name:
            return
        year = self.year
        self._job(
            lambda store, _progress: export_list(store, year, Path(name)),
            "正在导出……",
            lambda out: self.message.setText(f"已导出到 {out}"),
        )

    def print_pdf(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "打印年度清单（PDF）", f"{self.year}年度清单.pdf", "PDF 文件 (*.pdf)"
        )
        if not name:
            return
        year, today = self.year, self.ctx.today()
        self._job(
            lambda store, _progress: render_annual_list(store, year, Path(name), printed=today),
            "正在生成 PDF……",
            lambda out: self.message.setText(f"已生成 PDF：{out}"),
        )

    def import_excel(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "导入年度清单", "", EXCEL_FILTER)
        if name:
            self._read_import(Path(name), {}, {})

    def _read_import(self, path: Path, mapping: dict, choices: dict) -> None:
        year = self.year
        self._job(
            lambda store, _progress: read_list(
                store, path, year=year, mapping=mapping, choices=choices
            ),
            "正在读取……",
            lambda preview: self._preview_import(preview, mapping, choices),
        )

    def _preview_import(self, preview, mapping: dict, choices: dict) -> None:
        self.message.setText("")
        dialog = ImportPreviewDialog(self, preview)
        result = []

        def save() -> None:
            result.append(
                self._run(
                    f"导入清单 {preview.file_name}",
                    lambda: annual.apply_import(self.ctx.store, preview),
                    task_ids={r.task_id for r in preview.rows if r.task_id},
                    project_ids={r.project_id for r in preview.rows if r.project_id},
                    source="导入",
                )
            )

        dialog.save = save
        answer = _ask(dialog)
        if answer == RECHECK:
            self._read_import(preview.path, dialog.mapping(), {**choices, **dialog.choices()})
        elif answer and result:
            self._done(result[0].message)
