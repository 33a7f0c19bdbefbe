"""The import wizard (导入填报表): choose files → preview the changes → resolve conflicts → apply.

Reading and applying run off the GUI thread (ui/worker.py) with a progress bar and 取消; the
wizard only shows the ``ReturnPreview`` the exchange layer computed and calls the same service
the CLI calls. Nothing is written before 应用.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.money import plain_number
from ...exchange.workbook_safety import WORKBOOK_SUFFIXES
from ...services.changes import Changes
from ..context import AppContext
from ..worker import start_job

AUTO_UNIT = "（按模板自动识别）"
MODES = ("单位填报表（进度报送）", "项目台账（首次导入或批量更新项目）")
IGNORE = "（忽略此列）"
NOTES_TAB = 5  # the preview's 提示 tab
SIMILAR_TAB = 6  # the register import's 相近项目 tab
TASKS_TAB = 7  # the return's 「重点任务」 sheet
RESULT_COLUMNS = ("文件", "单位", "结果", "说明")
RESULT_STATES = {
    "applied": "已导入",
    "rejected": "未导入",
    "already-imported": "此前已导入",
    "dry-run": "仅预览",
}
EXCEL_FILTER = f"Excel 文件 ({' '.join('*' + s for s in WORKBOOK_SUFFIXES)});;所有文件 (*)"


def _text(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return plain_number(value)
    return str(value)


def _label(key: str) -> str:
    from ...domain.fields import label

    return label(key)


def _has_work(preview) -> bool:
    if hasattr(preview, "conflicts"):
        tasks = preview.task_counts()
        return bool(
            (
                preview.changes
                or preview.proposals
                or preview.conflicts
                or preview.planning
                or tasks["updated"]
                or tasks["carried"]
                or tasks["conflicts"]
            )
            and not preview.already_imported
        )
    counts = preview.counts()
    return bool(counts["created"] or counts["updated"])


class ImportWizard(QDialog):
    """Import one or several returns; ``files`` pre-fills the list (e.g. files dropped)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, files=()):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导入填报表")
        self.setAcceptDrops(True)
        self.resize(1100, 680)
        self.previews: list = []  # ReturnPreview (or RegisterPreview) per file, in list order
        self.register_mapping: dict[str, str | None] | None = None
        # path -> sheet row -> code to merge into (None: a new project), for near-duplicate names
        self.register_choices: dict[str, dict[int, str | None]] = {}
        self.failures: list[tuple[Path, str]] = []
        self.outcomes: list = []
        self.taken: dict[str, set[tuple[str, str]]] = {}  # sha256 -> conflicts to take from file
        self._conflict_file = None
        self.job = None
        self._close_when_idle = False  # closed while a job ran: close once it has stopped
        self._writing = False  # the running job writes to the database: not to be closed away
        self._waiting_note = ""  # said beside the progress while a close waits for the job
        self.stack = QStackedWidget()
        self.stack.addWidget(self._files_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._result_page())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.back_button = QPushButton("上一步")
        self.back_button.clicked.connect(lambda: self._go(0))
        self.next_button = QPushButton("下一步：预览")
        self.next_button.setMinimumWidth(140)
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_label)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.add_files([Path(f) for f in files])
        self._go(0)

    # -- page 1: files ---------------------------------------------------------------------

    def _files_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                "选择各单位报送的填报表（可一次选择多个文件，也可把文件拖到此窗口）。"
                "导入前会先显示将要修改的内容，确认后才写入数据库。"
            )
        )
        kind = QHBoxLayout()
        kind.addWidget(QLabel("导入内容："))
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(MODES)
        kind.addWidget(self.mode_combo)
        kind.addStretch()
        layout.addLayout(kind)
        self.file_list = QListWidget()
        layout.addWidget(self.file_list, 1)
        row = QHBoxLayout()
        add = QPushButton("添加文件…")
        add.clicked.connect(self._choose_files)
        remove = QPushButton("移除所选")
        remove.clicked.connect(
            lambda: [
                self.file_list.takeItem(self.file_list.row(i))
                for i in self.file_list.selectedItems()
            ]
        )
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()
        row.addWidget(QLabel("报送单位："))
        self.unit_combo = QComboBox()
        self.unit_combo.addItem(AUTO_UNIT)
        from ...store.units import list_units

        for unit in list_units(self.ctx.store, include_inactive=False):
            self.unit_combo.addItem(unit.name)
        row.addWidget(self.unit_combo)
        row.addWidget(QLabel("填报周期："))
        self.period_combo = QComboBox()
        current = self.ctx.current_period()
        for i in range(0, 13):
            self.period_combo.addItem(current.shift(-i).label, current.shift(-i).key)
        row.addWidget(self.period_combo)
        layout.addLayout(row)
        layout.addWidget(
            QLabel("报送单位和周期只用于不是由本程序生成的表格；模板文件自带单位和周期。")
        )
        return page

    def add_files(self, files: list[Path]) -> None:
        present = {self.file_list.item(i).data(Qt.UserRole) for i in range(self.file_list.count())}
        for path in files:
            if str(path) in present:
                continue
            item = QListWidgetItem(path.name)
            item.setData(Qt.UserRole, str(path))
            item.setToolTip(str(path))
            self.file_list.addItem(item)

    def files(self) -> list[Path]:
        return [
            Path(self.file_list.item(i).data(Qt.UserRole)) for i in range(self.file_list.count())
        ]

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择填报表", "", EXCEL_FILTER)
        self.add_files([Path(n) for n in names])

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.add_files([Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()])
        self._go(0)

    # -- page 2: preview -------------------------------------------------------------------

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter()
        self.preview_files = QListWidget()
        self.preview_files.currentRowChanged.connect(self._show_file)
        split.addWidget(self.preview_files)
        self.tabs = QTabWidget()
        self.changes_tree = QTreeWidget()
        self.changes_tree.setHeaderLabels(["项目 / 栏目", "原值", "新值", "单元格"])
        self.changes_tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tabs.addTab(self.changes_tree, "修改")
        self.conflict_table = QTableWidget(0, 6)
        self.conflict_table.setHorizontalHeaderLabels(
            ["项目", "栏目", "发放时", "数据库现值", "报送值", "采用报送值"]
        )
        self.conflict_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.conflict_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.tabs.addTab(self.conflict_table, "冲突")
        self.error_table = QTableWidget(0, 4)
        self.error_table.setHorizontalHeaderLabels(["单元格", "栏目", "填写内容", "问题"])
        self.error_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.error_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.tabs.addTab(self.error_table, "错误")
        self.proposal_list = QListWidget()
        self.tabs.addTab(self.proposal_list, "新增项目建议")
        self.tabs.addTab(self._mapping_tab(), "列对应")
        # What to look at before applying: implausible values, edits not taken, notes.
        self.notes_table = QTableWidget(0, 3)
        self.notes_table.setHorizontalHeaderLabels(["类别", "单元格", "说明"])
        self.notes_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.notes_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.notes_table.setWordWrap(True)
        self.notes_table.verticalHeader().setVisible(False)
        self.tabs.addTab(self.notes_table, "提示")
        self.tabs.addTab(self._similar_tab(), "相近项目")
        self.tabs.setTabVisible(SIMILAR_TAB, False)
        self.task_tree = QTreeWidget()
        self.task_tree.setHeaderLabels(["任务 / 栏目", "原值", "新值", "单元格"])
        self.task_tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tabs.addTab(self.task_tree, "重点任务")
        self.tabs.setTabVisible(TASKS_TAB, False)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 4)
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        self.report_button = QPushButton("保存错误报告…")
        self.report_button.clicked.connect(self._save_error_report)
        row.addWidget(self.report_button)
        row.addStretch()
        layout.addLayout(row)
        return page

    def _next(self) -> None:
        index = self.stack.currentIndex()
        if index == 0:
            self.start_preview()
        elif index == 1:
            self.start_apply()
        else:
            self.accept()

    @property
    def register_mode(self) -> bool:
        return self.mode_combo.currentIndex() == 1

    def start_preview(self) -> None:
        files = self.files()
        if not files:
            QMessageBox.information(self, "导入填报表", "请先添加要导入的文件。")
            return
        if self.register_mode:
            self._start_register_preview(files)
            return
        unit = self.unit_combo.currentText()
        unit = None if unit == AUTO_UNIT else unit
        period = self.period_combo.currentData()

        def job(store, progress):
            from ...exchange.return_import import read_return
            from ...exchange.workbook_safety import WorkbookError

            previews, failures = [], []
            for i, path in enumerate(files):
                progress(i, len(files), f"读取 {path.name}")
                try:
                    # The period given only matters for files without template information.
                    try:
                        previews.append(read_return(store, path, unit=unit, period=None))
                    except UserError as exc:
                        if "周期" not in exc.message:
                            raise
                        previews.append(read_return(store, path, unit=unit, period=period))
                except (UserError, WorkbookError) as exc:
                    failures.append((path, exc.message))
            progress(len(files), len(files), "完成")
            return previews, failures

        self._run(job, self._preview_done, "正在读取和核对…")

    def _preview_done(self, result) -> None:
        self.previews, self.failures = result
        self.tabs.setTabVisible(1, True)
        self.tabs.setTabVisible(3, True)
        self.tabs.setTabVisible(4, False)
        self.tabs.setTabVisible(NOTES_TAB, True)
        self.tabs.setTabVisible(SIMILAR_TAB, False)
        self.tabs.setTabVisible(TASKS_TAB, any(p.task_sheet for p in self.previews))
        self.preview_files.clear()
        for p in self.previews:
            c = p.counts()
            mark = "⚠ " if p.all_errors or p.already_imported else ""
            t = p.task_counts()
            tasks = f"，任务 {t['updated'] + t['carried']}" if p.task_sheet else ""
            self.preview_files.addItem(f"{mark}{p.file_name}（{p.unit}）更新 {c['updated']}{tasks}")
        for path, message in self.failures:
            item = QListWidgetItem(f"✖ {path.name}：无法导入")
            item.setToolTip(message)
            item.setForeground(QBrush(QColor("#D93025")))
            self.preview_files.addItem(item)
        totals = dict.fromkeys(("updated", "unchanged", "refused", "conflicts", "proposals"), 0)
        for p in self.previews:
            for k, v in p.counts().items():
                totals[k] += v
        lines = [
            f"共 {len(self.previews) + len(self.failures)} 个文件：更新 {totals['updated']} 个项目，"
            f"未变化 {totals['unchanged']}，错误 {totals['refused']}，冲突 {totals['conflicts']}，"
            f"新增项目建议 {totals['proposals']}。"
        ]
        lines += [f"「{path.name}」无法导入：{message}" for path, message in self.failures]
        lines += [
            f"「{p.file_name}」已于 {p.already_imported['at']} 导入过，将不再重复导入。"
            for p in self.previews
            if p.already_imported
        ]
        fills = sum(1 for p in self.previews for v in p.planning if v.kind == "fill")
        asked = sum(1 for p in self.previews for v in p.planning if v.kind == "request")
        if fills or asked:
            lines.append(
                f"计划信息：新填 {fills} 项（项目库原为空，直接写入）；变更申请 {asked} 项"
                "（已有计划值的修改，不直接写入，导入后在「变更申请」中由办公室审核）。"
            )
        tasks = dict.fromkeys(("updated", "carried", "unchanged", "refused", "conflicts"), 0)
        for p in self.previews:
            for k, v in p.task_counts().items():
                tasks[k] += v
        if any(p.task_sheet for p in self.previews):
            lines.append(
                f"重点任务：修改 {tasks['updated']} 项，沿用模板内容报送 {tasks['carried']} 项，"
                f"未变化 {tasks['unchanged']}，错误 {tasks['refused']}，冲突 {tasks['conflicts']}"
                "（见「重点任务」页；错误和冲突与项目的一并列在「错误」「冲突」页）。"
            )
        if totals["refused"]:
            lines.append("有错误的行不会导入；可保存错误报告发回报送单位。")
        if totals["conflicts"]:
            lines.append(
                "冲突：数据库在模板发放后已修改且与报送值不同，默认保留数据库值，可在「冲突」页选择采用报送值。"
            )
        hints = sum(len(p.hints) for p in self.previews)
        skipped = sum(len(p.not_imported) for p in self.previews)
        if hints or skipped:
            lines.append(
                f"请核对：{hints} 处数值可疑（不影响导入），{skipped} 处修改不会导入，见「提示」页。"
            )
        self.summary.setText("\n".join(lines))
        if self.preview_files.count():
            self.preview_files.setCurrentRow(0)
        self._go(1)

    def _show_file(self, row: int) -> None:
        if self.previews and not hasattr(self.previews[0], "conflicts"):
            self._show_register_file(row)
            return
        self._remember_choices()
        self._conflict_file = None
        self.changes_tree.clear()
        self.conflict_table.setRowCount(0)
        self.error_table.setRowCount(0)
        self.proposal_list.clear()
        self.notes_table.setRowCount(0)
        self.task_tree.clear()
        if not 0 <= row < len(self.previews):
            # A file that could not be read: nothing of another file's may linger here.
            for i, title in enumerate(("修改", "冲突", "错误", "新增项目建议")):
                self.tabs.setTabText(i, title)
            self.tabs.setTabText(NOTES_TAB, "提示")
            self.tabs.setTabText(TASKS_TAB, "重点任务")
            self.report_button.setEnabled(False)
            return
        p = self.previews[row]
        for r in p.rows:
            if not r.changes or r.errors:
                continue
            top = QTreeWidgetItem([f"{r.code}  {r.name}", "", "", f"第 {r.row} 行"])
            for c in r.changes:
                item = QTreeWidgetItem(top, [c.label, _text(c.old), _text(c.new), c.cell])
                if c.new is None:  # emptied by the unit: cleared
                    item.setForeground(2, QBrush(QColor("#B06000")))
                    item.setToolTip(2, "报送表中此格已清空，导入后该栏为空")
            self.changes_tree.addTopLevelItem(top)
            top.setExpanded(True)
        conflicts = [(c, f"{c.code} {c.name}", (c.project_id, c.field)) for c in p.conflicts]
        conflicts += [(c, f"任务 {c.code} {c.title}", c.key) for c in p.task_conflicts]
        for c, what, key in conflicts:
            i = self.conflict_table.rowCount()
            self.conflict_table.insertRow(i)
            for j, value in enumerate((what, c.label, _text(c.issued), _text(c.old), _text(c.new))):
                self.conflict_table.setItem(i, j, QTableWidgetItem(value))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            taken = key in self.taken.get(p.sha256, set())
            check.setCheckState(Qt.Checked if taken else Qt.Unchecked)
            check.setData(Qt.UserRole, key)
            self.conflict_table.setItem(i, 5, check)
        self._conflict_file = p
        for e in p.all_errors:
            i = self.error_table.rowCount()
            self.error_table.insertRow(i)
            # A cell of another sheet than the projects' (重点任务) is named with its sheet.
            cell = e.cell if e.sheet == p.sheet or not e.cell else f"{e.sheet}!{e.cell}"
            for j, value in enumerate((cell, e.field, e.value, e.message)):
                item = QTableWidgetItem(value)
                item.setForeground(QBrush(QColor("#D93025")))
                self.error_table.setItem(i, j, item)
        for prop in p.proposals:
            self.proposal_list.addItem(f"第 {prop.row} 行：{prop.name}")
        self._show_planning(p)
        self.tabs.setTabText(0, f"修改（{len(p.changes)}）")
        self.tabs.setTabText(1, f"冲突（{len(p.conflicts) + len(p.task_conflicts)}）")
        self.tabs.setTabText(2, f"错误（{len(p.all_errors)}）")
        self.tabs.setTabText(3, f"新增项目建议（{len(p.proposals)}）")
        self._show_notes(p)
        self._show_tasks(p)
        self.report_button.setEnabled(bool(p.all_errors))

    def _show_tasks(self, p) -> None:
        """The task rows: each task's changes (a cleared cell as a change to （空）), the ones
        reported as prefilled, the refused ones with their reason."""
        for t in p.tasks:
            where = f"第 {t.row} 行"
            if t.errors:
                top = QTreeWidgetItem([f"✖ {t.code}  {t.title}", "", "未导入", where])
                for e in t.errors:
                    item = QTreeWidgetItem(top, [e.field, e.value or "", "", e.cell])
                    item.setToolTip(0, e.message)
                    item.setText(2, e.message)
                    item.setForeground(2, QBrush(QColor("#D93025")))
                top.setForeground(0, QBrush(QColor("#D93025")))
            elif t.changes or t.conflicts:
                top = QTreeWidgetItem([f"{t.code}  {t.title}", "", "", where])
                for c in t.changes:
                    item = QTreeWidgetItem(top, [c.label, _text(c.old), _text(c.new), c.cell])
                    if c.new is None:
                        item.setForeground(2, QBrush(QColor("#B06000")))
                        item.setToolTip(2, "报送表中此格已清空，导入后该栏为空")
                for c in t.conflicts:
                    item = QTreeWidgetItem(
                        top, [f"冲突：{c.label}", _text(c.old), _text(c.new), c.cell]
                    )
                    item.setToolTip(0, "发放后数据库已修改，默认保留数据库值，可在「冲突」页选择")
            elif t.carried:
                top = QTreeWidgetItem(
                    [f"{t.code}  {t.title}", "", "本期报送（与模板中的内容相同）", where]
                )
            else:
                continue
            self.task_tree.addTopLevelItem(top)
            top.setExpanded(True)
        for column in (1, 2):
            self.task_tree.resizeColumnToContents(column)
        counts = p.task_counts()
        shown = counts["updated"] + counts["carried"] + counts["refused"]
        self.tabs.setTabText(TASKS_TAB, f"重点任务（{shown}）")
        self.tabs.setTabVisible(TASKS_TAB, p.task_sheet is not None)

    def _show_notes(self, p) -> None:
        """The file's hints, the edits it makes that are not imported, and its notes."""

        def where(text: str) -> tuple[str, str]:
            # "项目进展!H4 总投资…" -> ("H4", "总投资…"): the cell in its own column.
            head, _, rest = text.partition(" ")
            if "!" in head and rest:
                return head.rpartition("!")[2], rest
            return "", text

        rows = [("请核对", *where(h.message), "#B06000") for h in p.hints]
        rows += [("未导入", *where(item), "#5F6368") for item in p.not_imported]
        rows += [
            ("说明", "", note, None) for note in p.notes if not note.startswith("以下修改未导入")
        ]
        if p.not_imported:
            rows.insert(
                len(p.hints),
                (
                    "未导入",
                    "",
                    "以下修改未导入（基本信息由办公室维护，如需更改请联系办公室）：",
                    "#5F6368",
                ),
            )
        self.notes_table.setRowCount(len(rows))
        for i, (kind, cell, text, color) in enumerate(rows):
            for j, value in enumerate((kind, cell, text)):
                item = QTableWidgetItem(value)
                if color:
                    item.setForeground(QBrush(QColor(color)))
                self.notes_table.setItem(i, j, item)
        self.notes_table.resizeRowsToContents()
        self.tabs.setTabText(NOTES_TAB, f"提示（{len(p.hints) + len(p.not_imported)}）")

    def _show_planning(self, p) -> None:
        """Planning values under their own heading: filled ones are written, changed ones
        become 变更申请 for the office (not written now)."""
        refused = {r.row for r in p.rows if r.errors}
        shown = [v for v in p.planning if v.kind and v.row not in refused]
        if not shown:
            return
        fills = sum(1 for v in shown if v.kind == "fill")
        top = QTreeWidgetItem(
            [f"计划信息：新填 {fills} 项（写入），变更申请 {len(shown) - fills} 项（待办公室审核）"]
        )
        for v in shown:
            what = "新填" if v.kind == "fill" else "变更申请"
            item = QTreeWidgetItem(
                top, [f"{what}：{v.code} {v.label}", _text(v.old), _text(v.value), v.cell]
            )
            item.setToolTip(0, f"{v.code} {v.name}")
        self.changes_tree.addTopLevelItem(top)
        top.setFirstColumnSpanned(True)
        top.setExpanded(True)

    def _remember_choices(self) -> None:
        """Keep the 采用报送值 ticks of the file shown before switching or applying."""
        p = self._conflict_file
        if p is None:
            return
        chosen = set()
        for i in range(self.conflict_table.rowCount()):
            item = self.conflict_table.item(i, 5)
            if item.checkState() == Qt.Checked:
                chosen.add(item.data(Qt.UserRole))
        self.taken[p.sha256] = chosen

    def take_return(self, preview) -> set[tuple[str, str]]:
        return set(self.taken.get(preview.sha256, set()))

    def _save_error_report(self) -> None:
        row = self.preview_files.currentRow()
        if not 0 <= row < len(self.previews) or self.job is not None:
            return
        p = self.previews[row]
        name, _ = QFileDialog.getSaveFileName(
            self,
            "保存错误报告",
            str(p.path.with_name(f"{p.path.stem}_错误报告.xlsx")),
            EXCEL_FILTER,
        )
        if not name:
            return
        from ...exchange.error_report import write_error_report

        # A return of thousands of rows takes seconds to copy: off the GUI thread.
        self._run(
            lambda _store, progress: write_error_report(p, Path(name), progress=progress),
            lambda out: self.progress_label.setText(f"错误报告已保存：{out.name}"),
            "正在生成错误报告…",
            title="保存错误报告",
            cancelled="已取消，未保存错误报告。",
            database=False,
        )

    # -- applying --------------------------------------------------------------------------

    def start_apply(self) -> None:
        if self.previews and not hasattr(self.previews[0], "conflicts"):
            self._start_register_apply()
            return
        self._remember_choices()
        plans = [(p, self.take_return(p)) for p in self.previews if not p.already_imported]
        if not plans:
            self._show_result([], "没有需要导入的内容。")
            return

        def job(store, progress):
            from ...services.exchange import apply_return
            from ...services.progress import Cancelled

            outcomes = []
            # One transaction per file: a file is applied whole (its valid rows) or not at all.
            # A cancel takes effect between files: those written stay written and are reported.
            for i, (preview, take) in enumerate(plans):
                try:
                    progress(i, len(plans), f"写入 {preview.file_name}")
                except Cancelled:
                    if not outcomes:
                        raise
                    break
                outcomes.append(apply_return(store, preview, skip_invalid=True, take_return=take))
            return outcomes, len(plans) - len(outcomes)

        self._run(job, self._apply_done, "正在写入数据库…", writes=True)

    def _apply_done(self, result) -> None:
        outcomes, left = result
        self.outcomes = outcomes
        ids = frozenset(c.project_id for o in outcomes for c in o.applied)
        self.ctx.notify(Changes(projects=ids, reports=True))
        note = f"已取消：其余 {left} 个文件未导入，数据库中没有它们的任何修改。" if left else ""
        self._show_result(outcomes, note)

    # -- page 3: result --------------------------------------------------------------------

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.result_title = QLabel()
        self.result_title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(self.result_title)
        self.result_table = QTableWidget(0, len(RESULT_COLUMNS))
        self.result_table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.result_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.result_table.verticalHeader().setVisible(False)
        self.result_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.result_table.setWordWrap(True)
        layout.addWidget(self.result_table, 1)
        self.result_label = QLabel()  # a cancel's note, and where to look next
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        return page

    def _show_result(self, outcomes: list, note: str = "") -> None:
        """The last page: a headline, one row per file (what became of it), the messages."""
        done = [o for o in outcomes if o.status == "applied"]
        self.result_title.setText(
            f"导入结束：{len(outcomes)} 个文件中 {len(done)} 个已导入"
            + (f"，{len(outcomes) - len(done)} 个未导入" if len(done) < len(outcomes) else "")
            + "。"
            if outcomes
            else "没有导入任何文件。"
        )
        self.result_table.setRowCount(len(outcomes))
        for i, o in enumerate(outcomes):
            values = (
                o.preview.file_name,
                getattr(o.preview, "unit", "") or "",
                RESULT_STATES.get(o.status, o.status),
                o.message,
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if j == 2:
                    item.setForeground(
                        QBrush(QColor("#2E9D47" if o.status == "applied" else "#D93025"))
                    )
                self.result_table.setItem(i, j, item)
        self.result_table.resizeColumnsToContents()
        self.result_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.result_table.resizeRowsToContents()
        after = "各单位的报送情况见「进度填报」页。" if done else ""
        self.result_label.setText("\n".join(t for t in (note, after) if t))
        self._go(2)

    # -- plumbing --------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.back_button.setVisible(index == 1)
        # The last page has one way out: 关闭 (not 完成 beside it, which did the same).
        self.next_button.setVisible(index < 2)
        self.next_button.setText(("下一步：预览", "应用全部有效行", "")[index])
        self.cancel_button.setText("关闭" if index == 2 else "取消")
        if index == 1:
            has_work = any(_has_work(p) for p in self.previews)
            self.next_button.setEnabled(has_work)
        else:
            self.next_button.setEnabled(True)

    def _run(
        self,
        fn,
        on_done,
        text: str,
        *,
        title: str = "导入填报表",
        cancelled: str = "已取消，数据库未修改。",
        database: bool = True,
        writes: bool = False,
    ) -> None:
        """Run ``fn(store, progress)`` off the GUI thread (``store`` is ``None`` unless
        ``database``), with the progress bar and the cancel button. A job that ``writes`` keeps
        the window open until it ends (closing it would hide what was written)."""
        self._writing = writes
        self._waiting_note = ""
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress_label.setText(text)
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)

        def done(result):
            self.job = None
            self._idle()
            on_done(result)  # finished before it saw the cancel: shown and announced all the same
            self._close_if_asked()

        def failed(exc, trace):
            self.job = None
            self._idle()
            from ...services.progress import Cancelled

            if isinstance(exc, Cancelled):
                self.progress_label.setText(cancelled)
                self._close_if_asked()
                return
            if isinstance(exc, UserError):
                QMessageBox.warning(self, title, exc.message)
                self._close_if_asked()
                return
            raise exc

        def progress(done_, total, label):
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done_)
            self.progress_label.setText(label + self._waiting_note)

        self.job = start_job(
            Path(self.ctx.store.path) if database else None,
            fn,
            on_done=done,
            on_error=failed,
            on_progress=progress,
            user=self.ctx.store.user,
        )

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.progress_label.setText("")
        self.back_button.setEnabled(True)
        self.next_button.setEnabled(True)
        self._go(self.stack.currentIndex())

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            return
        self.reject()

    def reject(self) -> None:
        """Esc or the window's close button. While files are read or a report is written:
        cancel, and close once the job has stopped (its progress and result have nowhere to go
        once the window is gone). While an import is written: stay open until it is done, so
        that what was written is shown."""
        if self.job is not None and self._writing:
            self._waiting_note = "（写完后才能关闭窗口）"
            self.progress_label.setText("正在写入数据库" + self._waiting_note)
            return
        if self.job is not None:
            self._close_when_idle = True
            self.job.cancel()  # no more progress from it: the label stays
            self.progress_label.setText("正在取消，停下后关闭窗口…")
            return
        super().reject()

    def _close_if_asked(self) -> None:
        if self._close_when_idle:
            self._close_when_idle = False
            super().reject()

    # -- the register (台账) import ------------------------------------------------------------

    def _mapping_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            QLabel(
                "每一列对应项目库的哪个字段（自动按表头识别，可更正）。更正后点「按此对应重新预览」。"
            )
        )
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setHorizontalHeaderLabels(["表头", "对应字段"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        layout.addWidget(self.mapping_table, 1)
        row = QHBoxLayout()
        again = QPushButton("按此对应重新预览")
        again.clicked.connect(self._remap)
        save = QPushButton("保存列对应（下次自动使用）")
        save.clicked.connect(self._save_mapping)
        row.addWidget(again)
        row.addWidget(save)
        row.addStretch()
        layout.addLayout(row)
        return tab

    def _similar_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = QLabel(
            "以下行的项目名称与项目库中已有项目相近，可能是同一项目。请逐行选择合并到已有项目"
            "或作为新项目，然后点「按此选择重新预览」。未选择的行不导入。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.similar_table = QTableWidget(0, 3)
        self.similar_table.setHorizontalHeaderLabels(["行", "台账中的名称", "处理"])
        self.similar_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.similar_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.similar_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        layout.addWidget(self.similar_table, 1)
        row = QHBoxLayout()
        self.similar_button = QPushButton("按此选择重新预览")
        self.similar_button.clicked.connect(self._rechoose)
        row.addWidget(self.similar_button)
        row.addStretch()
        layout.addLayout(row)
        return tab

    def _show_similar(self, p) -> None:
        self.similar_table.setRowCount(0)
        rows = [r for r in p.rows if r.similar]
        for r in rows:
            i = self.similar_table.rowCount()
            self.similar_table.insertRow(i)
            self.similar_table.setItem(i, 0, QTableWidgetItem(str(r.row)))
            self.similar_table.setItem(i, 1, QTableWidgetItem(r.name))
            combo = QComboBox()
            combo.addItem("请选择…", "")
            combo.addItem("作为新项目", None)
            for code, name in r.similar:
                combo.addItem(f"合并到 {code} {name}", code)
            if r.chosen == "new":
                combo.setCurrentIndex(1)
            elif r.chosen:
                combo.setCurrentIndex(max(combo.findData(r.chosen), 0))
            self.similar_table.setCellWidget(i, 2, combo)
        waiting = sum(1 for r in rows if not r.chosen)
        self.tabs.setTabVisible(SIMILAR_TAB, bool(rows))
        self.tabs.setTabText(
            SIMILAR_TAB, f"相近项目（{waiting} 待选择）" if waiting else "相近项目"
        )

    def similar_choices(self) -> dict[int, str | None]:
        """The choices made in the 相近项目 table: sheet row -> code, or None for a new project."""
        out: dict[int, str | None] = {}
        for i in range(self.similar_table.rowCount()):
            combo = self.similar_table.cellWidget(i, 2)
            if combo.currentData() != "":
                out[int(self.similar_table.item(i, 0).text())] = combo.currentData()
        return out

    def _rechoose(self) -> None:
        row = self.preview_files.currentRow()
        if 0 <= row < len(self.previews):
            self.register_choices[str(self.previews[row].path)] = self.similar_choices()
        self._start_register_preview(self.files())

    def _start_register_preview(self, files: list[Path]) -> None:
        mapping = self.register_mapping
        choices = {k: dict(v) for k, v in self.register_choices.items()}

        def job(store, progress):
            from ...exchange.register_import import read_register
            from ...exchange.workbook_safety import WorkbookError

            previews, failures = [], []
            for i, path in enumerate(files):
                progress(i, len(files), f"读取 {path.name}")
                try:
                    previews.append(
                        read_register(store, path, mapping=mapping, choices=choices.get(str(path)))
                    )
                except (UserError, WorkbookError) as exc:
                    failures.append((path, exc.message))
            return previews, failures

        self._run(job, self._register_preview_done, "正在读取台账…")

    def _register_preview_done(self, result) -> None:
        self.previews, self.failures = result
        self.preview_files.clear()
        totals = dict.fromkeys(("created", "updated", "unchanged", "refused"), 0)
        for p in self.previews:
            c = p.counts()
            for k, v in c.items():
                totals[k] += v
            mark = "⚠ " if p.all_errors else ""
            self.preview_files.addItem(
                f"{mark}{p.file_name}（{p.sheet}）新建 {c['created']}，更新 {c['updated']}"
            )
        for path, message in self.failures:
            item = QListWidgetItem(f"✖ {path.name}：无法导入")
            item.setToolTip(message)
            item.setForeground(QBrush(QColor("#D93025")))
            self.preview_files.addItem(item)
        lines = [
            f"台账 {len(self.previews) + len(self.failures)} 个文件：新建 {totals['created']} 个项目，"
            f"更新 {totals['updated']}，未变化 {totals['unchanged']}，"
            f"有错误的行 {totals['refused']}。"
        ]
        lines += [f"「{path.name}」无法导入：{message}" for path, message in self.failures]
        lines += [f"「{p.file_name}」：{note}" for p in self.previews for note in p.notes]
        waiting = sum(1 for p in self.previews for r in p.rows if r.similar and not r.chosen)
        if waiting:
            lines.append(
                f"有 {waiting} 行的项目名称与已有项目相近，请在「相近项目」中选择合并或新建；"
                "未选择的行不导入。"
            )
        self.summary.setText("\n".join(lines))
        self.tabs.setTabVisible(1, False)
        self.tabs.setTabVisible(3, False)
        self.tabs.setTabVisible(4, True)
        self.tabs.setTabVisible(NOTES_TAB, False)
        self.tabs.setTabVisible(TASKS_TAB, False)
        if self.preview_files.count():
            self.preview_files.setCurrentRow(0)
        self._go(1)

    def _show_register_file(self, row: int) -> None:
        from ...exchange.register_import import EXTRA_LABELS, FIELDS_BY_KEY, REGISTER_FIELDS
        from ...store.units import list_units

        self.changes_tree.clear()
        self.error_table.setRowCount(0)
        self.mapping_table.setRowCount(0)
        if not 0 <= row < len(self.previews):
            return
        p = self.previews[row]
        names = {u.id: u.name for u in list_units(self.ctx.store)}

        def shown(key: str, value) -> str:
            """Units by their names, not their numbers in the database."""
            if key in ("lead_unit", "district", "district_id") and isinstance(value, int):
                return names.get(value, str(value))
            if key in ("responsible", "supporting", "other_districts"):
                return "、".join(names.get(v, str(v)) for v in value)
            if key == "units" and isinstance(value, list):
                return "、".join(f"{names.get(u, str(u))}（{role}）" for u, role in value)
            return _text(value)

        for r in p.rows:
            if r.errors:
                continue
            if r.project_id is None:
                top = QTreeWidgetItem([f"新建  {r.name}", "", "", f"第 {r.row} 行"])
                for key, value in r.values.items():
                    label = (
                        FIELDS_BY_KEY[key].label
                        if key in FIELDS_BY_KEY
                        else EXTRA_LABELS.get(key) or _label(key)
                    )
                    QTreeWidgetItem(top, [label, "", shown(key, value), ""])
            elif r.changes:
                title = f"{r.code or ''}  {r.name}".strip()
                if r.merged_into:
                    title = f"合并到 {r.merged_into}（台账中为「{r.name}」）"
                top = QTreeWidgetItem([title, "", "", f"第 {r.row} 行"])
                for key, (old, new) in r.changes.items():
                    label = FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else _label(key)
                    QTreeWidgetItem(top, [label, shown(key, old), shown(key, new), ""])
            else:
                continue
            self.changes_tree.addTopLevelItem(top)
        for e in p.all_errors:
            i = self.error_table.rowCount()
            self.error_table.insertRow(i)
            for j, value in enumerate((e.cell, e.field, e.value, e.message)):
                self.error_table.setItem(i, j, QTableWidgetItem(value))
        choices = [IGNORE] + [f.label for f in REGISTER_FIELDS]
        keys = [None] + [f.key for f in REGISTER_FIELDS]
        for c, header in sorted(p.headers.items()):
            i = self.mapping_table.rowCount()
            self.mapping_table.insertRow(i)
            self.mapping_table.setItem(i, 0, QTableWidgetItem(header))
            combo = QComboBox()
            combo.addItems(choices)
            combo.setCurrentIndex(keys.index(p.mapping.get(c)))
            combo.setProperty("keys", keys)
            self.mapping_table.setCellWidget(i, 1, combo)
        self.tabs.setTabText(0, f"新建和修改（{p.counts()['created'] + p.counts()['updated']}）")
        self.tabs.setTabText(2, f"错误（{len(p.all_errors)}）")
        self._show_similar(p)
        self.report_button.setEnabled(False)

    def mapping_from_table(self) -> dict[str, str | None]:
        from ...exchange.register_import import REGISTER_FIELDS

        keys = [None] + [f.key for f in REGISTER_FIELDS]
        return {
            self.mapping_table.item(i, 0).text(): keys[
                self.mapping_table.cellWidget(i, 1).currentIndex()
            ]
            for i in range(self.mapping_table.rowCount())
        }

    def _remap(self) -> None:
        self.register_mapping = self.mapping_from_table()
        self._start_register_preview(self.files())

    def _save_mapping(self) -> None:
        from ...services.exchange import save_register_mapping

        save_register_mapping(self.ctx.store, self.mapping_from_table())
        self.summary.setText(self.summary.text() + "\n已保存列对应，下次导入台账时自动使用。")

    def _start_register_apply(self) -> None:
        plans = list(self.previews)

        def job(store, progress):
            from ...services.exchange import apply_register

            return [apply_register(store, p, skip_invalid=True) for p in plans]

        self._run(job, self._register_apply_done, "正在写入数据库…", writes=True)

    def _register_apply_done(self, outcomes) -> None:
        self.outcomes = outcomes
        ids = frozenset(pid for o in outcomes for pid in o.created + o.updated)
        self.ctx.notify(Changes(projects=ids, all_projects=True, reports=True))
        self._show_result(outcomes)
