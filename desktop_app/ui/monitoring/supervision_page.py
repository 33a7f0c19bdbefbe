"""督办预警: the red and yellow projects and tasks of the year's list with their reasons, and the
督办 notices sent about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.status import LIGHT_COLORS, LIGHT_NAMES, LIGHT_RANK, RED
from ...domain.supervision import DEFAULT_REPLY_DAYS, STATES, escalated_level, overdue_days
from ...domain.task_status import TASK_LIGHT_NAMES
from ...services import task_monitoring
from ...services.changes import Changes
from ...services.monitoring import (
    ProjectStatus,
    UnitReporting,
    awaiting_dates,
    period_due,
    unit_reporting,
    watch_list,
)
from ...store.monitoring import last_report_per_project
from ...store.supervision import (
    Supervision,
    delete_supervision,
    get_supervision,
    list_supervisions,
    update_supervision,
)
from ...store.units import unit_order
from ..context import AppContext
from ..undo import StoreCommand, execute

WATCH_COLUMNS = (
    "灯",
    "类别",
    "编码",
    "名称",
    "牵头单位",
    "原因",
    "逾期天数",
    "最近报送",
    "督办",
)
NOTICE_COLUMNS = (
    "类别",
    "编码",
    "名称",
    "责任单位",
    "发出日期",
    "回复期限",
    "等级",
    "状态",
    "逾期",
    "事由",
    "回复",
)
REPORTING_COLUMNS = ("状态", "单位", "类型", "应报项目", "已报项目", "最近报送", "导入填报表")
LEVEL_COLORS = {"蓝": "#1A73E8", "黄": "#F2A900", "红": "#D93025"}
KINDS = ("全部", "项目", "任务")  # the 类别 filter
LIGHT_FILTERS = ("红灯和黄灯", "红灯", "黄灯")


@dataclass(frozen=True)
class WatchRow:
    """A line of the watch list: a late project or a late task of the year's list."""

    kind: str  # 项目 / 任务
    code: str
    name: str
    lead: str | None
    light: str
    reason: str
    reasons: tuple[str, ...]
    days_late: int
    project: ProjectStatus | None = None
    task: task_monitoring.TaskRow | None = None

    @classmethod
    def of_project(cls, s: ProjectStatus) -> WatchRow:
        p, st = s.project, s.status
        return cls("项目", p.code, p.name, p.lead_unit, st.light, st.reason, st.reasons,
                   st.days_late, project=s)  # fmt: skip

    @classmethod
    def of_task(cls, r: task_monitoring.TaskRow) -> WatchRow:
        st = r.status
        lead = r.lead_unit or "、".join(u.unit for u in r.task.answering()) or None
        return cls("任务", r.task.code, r.task.title, lead, st.light, st.reason, st.reasons,
                   st.days_late, task=r)  # fmt: skip


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _item(text: object, *, data: object = None, color: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    if data is not None:
        item.setData(Qt.UserRole, data)
    if color:
        item.setForeground(QBrush(QColor(color)))
    return item


class WatchModel(QAbstractTableModel):
    """The watch list's rows as plain Python values: a red/yellow line costs a tuple of its texts
    rather than a table item (with its own colour, tooltip and data) for each cell."""

    LIGHT, REASON = 0, 5  # the columns with a colour and a tooltip

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[WatchRow] = []
        self.cells: list[tuple[str, ...]] = []
        self._brushes = {k: QBrush(QColor(c)) for k, c in LIGHT_COLORS.items()}

    def reset(self, rows: list[WatchRow], cells: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self.rows, self.cells = rows, cells
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(WATCH_COLUMNS)

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        return Qt.ItemIsSelectable | Qt.ItemIsEnabled

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return WATCH_COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.DisplayRole:
            return self.cells[row][col]
        if role == Qt.ToolTipRole:
            w = self.rows[row]
            if col == self.LIGHT:
                return (TASK_LIGHT_NAMES if w.task is not None else LIGHT_NAMES)[w.light]
            if col == self.REASON:
                return "\n".join(w.reasons) or w.reason
        elif role == Qt.ForegroundRole and col == self.LIGHT:
            return self._brushes[self.rows[row].light]
        elif role == Qt.UserRole and col == self.LIGHT:
            return row
        return None


class IssueCommand(QUndoCommand):
    """发督办 for the selected projects and tasks; undo removes the notices again."""

    def __init__(
        self,
        ctx: AppContext,
        statuses: list[ProjectStatus],
        issued: date,
        reply_days: int,
        request: str,
        tasks: list[task_monitoring.TaskRow] | None = None,
    ):
        tasks = list(tasks or [])
        names = [s.project.name for s in statuses] + [r.task.title for r in tasks]
        if len(names) == 1:
            text = names[0]
        else:
            text = "、".join(
                x for x in (
                    f"{len(statuses)} 个项目" if statuses else "",
                    f"{len(tasks)} 项任务" if tasks else "",
                ) if x
            )  # fmt: skip
        super().__init__(f"督办 {text}")
        self.ctx, self.statuses, self.tasks = ctx, statuses, tasks
        self.issued, self.reply_days, self.request = issued, reply_days, request
        self.ids: list[int] = []
        self._first = True

    def issue(self) -> None:
        """The first run, before the command is pushed: a refusal (a closed plan, the database
        busy) raises ``UserError`` to the caller, and nothing is issued or pushed."""
        self._issue()
        self.ctx.notify(Changes(supervision=True))

    def _issue(self) -> None:
        self.ids = task_monitoring.issue_supervisions(
            self.ctx.store,
            self.statuses,
            self.tasks,
            issued=self.issued,
            reply_days=self.reply_days,
            request=self.request,
        )

    def redo(self) -> None:
        if self._first:  # already issued by issue()
            self._first = False
            return
        try:
            self._issue()
        except UserError as exc:  # a redo after the plan was closed meanwhile
            self.setObsolete(True)
            self.ctx.report_error(exc)
        self.ctx.notify(Changes(supervision=True))

    def undo(self) -> None:
        with self.ctx.store.write():
            for sid in self.ids:
                delete_supervision(self.ctx.store, sid)
        self.ctx.notify(Changes(supervision=True))


class UpdateCommand(StoreCommand):
    """Record a reply or close a notice; undo puts the old values back. Each step is made only
    over the record as it expects it: a colleague's reply since is never overwritten."""

    def __init__(self, ctx: AppContext, record: Supervision, changes: dict, text: str):
        super().__init__(ctx, f"{text} {record.project_name}")
        self.record_id, self.changes, self.label = record.id, changes, record.project_name
        # The record as this page showed it: what the first step expects to find.
        self.before = {
            k: getattr(record, k) for k in ("status", "reply_text", "replied_date", *changes)
        }
        self.after: dict = {}

    def _step(self, expected: dict, values: dict, doing: str) -> Changes:
        store = self.ctx.store
        with store.write():
            now = get_supervision(store, self.record_id)
            if any(getattr(now, k) != v for k, v in expected.items()):
                raise self._conflict(f"{self.label}的督办", doing)
            update_supervision(store, self.record_id, values)
            done = get_supervision(store, self.record_id)
        self.after = {k: getattr(done, k) for k in self.before}
        return Changes(supervision=True)

    def apply(self) -> Changes:
        if self._first:
            return self._step(self.before, self.changes, "保存")
        return self._step(self.before, self.changes, "重做")

    def revert(self) -> Changes:
        restore = {k: self.before[k] for k in self.changes}
        return self._step(self.after, restore, "撤销")


class IssueDialog(QDialog):
    def __init__(self, count: int, today: date, parent: QWidget | None = None, *, tasks: int = 0):
        super().__init__(parent)
        self.setWindowTitle("发出督办")
        form = QFormLayout(self)
        what = "、".join(
            x for x in (f"{count} 个项目" if count else "", f"{tasks} 项任务" if tasks else "") if x
        )
        label = QLabel(
            f"将对选中的 {what}发出督办，发送给各项目、任务的牵头单位"
            "（无牵头单位时：项目为所在区县，任务为各责任单位）。"
        )
        label.setWordWrap(True)
        form.addRow(label)
        self.issued = QDateEdit(QDate(today.year, today.month, today.day))
        self.issued.setCalendarPopup(True)
        self.issued.setDisplayFormat("yyyy-MM-dd")
        self.days = QSpinBox()
        self.days.setRange(1, 90)
        self.days.setValue(DEFAULT_REPLY_DAYS)
        self.days.setSuffix(" 天内回复")
        self.request = QPlainTextEdit("请说明滞后原因，提出整改措施和完成时限，按期书面回复。")
        self.request.setFixedHeight(70)
        form.addRow("发出日期", self.issued)
        form.addRow("回复期限", self.days)
        form.addRow("督办要求", self.request)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("发出督办")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[date, int, str]:
        return self.issued.date().toPython(), self.days.value(), self.request.toPlainText().strip()


class ReplyDialog(QDialog):
    def __init__(self, record: Supervision, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"登记回复 — {record.project_name}")
        form = QFormLayout(self)
        form.addRow("督办事由", QLabel(record.reason))
        self.status = QComboBox()
        self.status.addItems(STATES)
        self.status.setCurrentText("已回复" if record.status == "已发" else record.status)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.text = QPlainTextEdit(record.reply_text or "")
        form.addRow("状态", self.status)
        form.addRow("回复/办结日期", self.date)
        form.addRow("回复内容", self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("保存")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def changes(self) -> dict:
        day = self.date.date().toPython()
        changes: dict = {"status": self.status.currentText(), "reply_text": self.text.toPlainText()}
        if changes["status"] == "已回复":
            changes["replied_date"] = day
        elif changes["status"] == "已办结":
            changes["closed_date"] = day
        return changes


class SupervisionPage(QWidget):
    """督办预警: what is late and why — projects, and tasks of the year's list; the notices sent
    and their replies."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.statuses: list[ProjectStatus] = []  # the late projects
        self.tasks: list[task_monitoring.TaskRow] = []  # the late tasks
        self.rows: list[WatchRow] = []  # the watch list as shown (filtered)
        self.records: list[Supervision] = []  # the notices as shown (filtered)
        self.summary = QLabel()
        self.watch_model = WatchModel(self)
        self.watch = QTableView()
        self.watch.setModel(self.watch_model)
        self._look(self.watch)
        self.watch.doubleClicked.connect(self._edit_watch)
        self.notices = self._table(NOTICE_COLUMNS)
        self.notices.doubleClicked.connect(lambda _: self.reply())

        issue = QPushButton("对选中项目、任务发督办…")
        issue.clicked.connect(self.issue)
        reply = QPushButton("登记回复/办结…")
        reply.clicked.connect(self.reply)
        print_button = QPushButton("打印督办通知单…")
        print_button.clicked.connect(self.print_notices)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for b in (issue, reply, print_button):
            top.addWidget(b)

        # Projects still without their planned dates: one grouped line, not one warning each.
        self.awaiting_ids: list[str] = []
        self.awaiting = QPushButton()
        self.awaiting.setObjectName("supervision_awaiting_dates")
        self.awaiting.setFlat(True)
        self.awaiting.setStyleSheet("text-align: left; color: #5F6368;")
        self.awaiting.clicked.connect(
            lambda: self.ctx.show_projects_requested.emit({"ids": list(self.awaiting_ids)})
        )
        watch_box = QWidget()
        watch_layout = QVBoxLayout(watch_box)
        watch_layout.setContentsMargins(0, 0, 0, 0)
        watch_layout.addWidget(self.awaiting)
        watch_layout.addWidget(self.watch)

        # 类别 (项目 / 任务) and light filters, for the watch list and the notices alike.
        self.kind_box = QComboBox()
        self.kind_box.addItems(KINDS)
        self.kind_box.currentIndexChanged.connect(lambda _: self._refill())
        self.light_box = QComboBox()
        self.light_box.addItems(LIGHT_FILTERS)
        self.light_box.currentIndexChanged.connect(lambda _: self._refill())
        filters = QHBoxLayout()
        filters.addWidget(QLabel("类别："))
        filters.addWidget(self.kind_box)
        filters.addSpacing(12)
        filters.addWidget(QLabel("灯："))
        filters.addWidget(self.light_box)
        self.year_label = QLabel()
        self.year_label.setStyleSheet("color: #5f6368")
        filters.addSpacing(12)
        filters.addWidget(self.year_label, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(watch_box, "预警清单（红灯、黄灯）")
        self.tabs.addTab(self.notices, "督办记录")

        # 报送情况: who has (not) reported for a period; 未报送 first.
        self.units: list[UnitReporting] = []
        self.period_box = QComboBox()
        self.period_box.currentIndexChanged.connect(lambda _: self._fill_reporting())
        self.reporting_summary = QLabel()
        self.reporting = self._table(REPORTING_COLUMNS)
        self.reporting.doubleClicked.connect(self._show_unit_projects)
        reporting_box = QWidget()
        reporting_layout = QVBoxLayout(reporting_box)
        period_row = QHBoxLayout()
        period_row.addWidget(QLabel("填报周期："))
        period_row.addWidget(self.period_box)
        period_row.addWidget(self.reporting_summary, 1)
        reporting_layout.addLayout(period_row)
        reporting_layout.addWidget(self.reporting)
        self.tabs.addTab(reporting_box, "报送情况（未报送单位）")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.tabs)
        self.reload()

    def _table(self, columns: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        self._look(table)
        return table

    @staticmethod
    def _look(table: QTableView) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)

    # -- data ------------------------------------------------------------------------------

    def refresh(self, changes: Changes) -> None:
        if (
            changes.touches_projects
            or changes.supervision
            or changes.reports
            or changes.units
            or changes.database
        ):
            self.reload()

    def reload(self) -> None:
        today = self.ctx.today()
        store = self.ctx.store
        every = self.ctx.project_statuses()
        self.statuses = watch_list(every)
        self.awaiting_ids = [s.project.id for s in awaiting_dates(every)]
        self.awaiting.setText(
            f"● {len(self.awaiting_ids)} 个项目计划日期待填报（不逐个列为预警）"
            "——点击在项目库中查看，选中后用「批量修改」补齐"
        )
        self.awaiting.setVisible(bool(self.awaiting_ids))
        monitor = task_monitoring.task_statuses(store, today)
        self.tasks = task_monitoring.watch_tasks(monitor)
        self.all_records = list_supervisions(store)
        self.last_reports = last_report_per_project(store)
        if monitor.year_list is None:
            self.year_label.setText(f"{monitor.year}年度重点任务清单尚未建立：预警清单中只有项目")
        else:
            self.year_label.setText(
                f"任务取自{monitor.year}年度重点任务清单（{len(monitor.rows)} 项），"
                f"按 {monitor.period.key} 填报周期评价"
            )
        self._refill()
        self._fill_periods()
        overdue = sum(1 for r in self.all_records if overdue_days(r.status, r.reply_by, today))
        red = sum(1 for s in self.statuses if s.status.light == RED)
        task_red = sum(1 for r in self.tasks if r.status.light == RED)
        self.summary.setText(
            f"项目：红灯 {red} 个，黄灯 {len(self.statuses) - red} 个；"
            f"任务：红灯 {task_red} 项，黄灯 {len(self.tasks) - task_red} 项；"
            f"督办 {len(self.all_records)} 件，其中逾期未回复 {overdue} 件"
            f"（评价日期 {today.isoformat()}）"
        )

    def _refill(self) -> None:
        """The watch list and the notices as the filters choose."""
        kind = self.kind_box.currentText()
        light = self.light_box.currentText()
        rows = [WatchRow.of_project(s) for s in self.statuses]
        rows += [WatchRow.of_task(r) for r in self.tasks]
        rows.sort(key=lambda r: (LIGHT_RANK[r.light], -r.days_late, r.kind, r.code))
        if kind != "全部":
            rows = [r for r in rows if r.kind == kind]
        if light != LIGHT_FILTERS[0]:
            rows = [r for r in rows if LIGHT_NAMES[r.light] == light]
        self.rows = rows
        self.records = [r for r in self.all_records if kind == "全部" or r.kind == kind]
        open_by_item: dict[tuple[str, object], Supervision] = {}
        for r in self.records:
            if r.status != "已办结":
                open_by_item.setdefault((r.kind, r.task_id or r.project_id), r)
        self._fill_watch(open_by_item)
        self._fill_notices(self.ctx.today())

    def _fill_watch(self, open_by_item: dict[tuple[str, object], Supervision]) -> None:
        cells = []
        for w in self.rows:
            if w.task is not None:
                key, last = w.task.task.task_id, self._task_last_report(w.task)
            else:
                p = w.project.project
                key, last = p.id, self._last_report(p.id, p.last_period)
            notice = open_by_item.get((w.kind, key))
            cells.append((
                "●",
                w.kind,
                _text(w.code),
                _text(w.name),
                w.lead or "待填报",
                _text(w.reason),
                _text(w.days_late or ""),
                _text(last),
                f"{notice.status}（{notice.issued_date.isoformat()}）" if notice else "",
            ))  # fmt: skip
        self.watch_model.reset(self.rows, cells)
        self._widths(self.watch, (34, 44, 100, 260, 130, 380, 70, 134, 130), stretch=5)

    def _last_report(self, project_id: str, last_period: str | None) -> str:
        """The latest period reported and the day it came in: "2026-11（11-28）"."""
        period, at = self.last_reports.get(project_id, (last_period, None))
        if not period:
            return "从未报送"
        return f"{period}（{at[5:10]}）" if at and len(at) >= 10 else period

    @staticmethod
    def _task_last_report(row: task_monitoring.TaskRow) -> str:
        last = row.last_report
        if last is None:
            return "本年未报送"
        period, at = last
        return f"{period}（{at[5:10]}）" if at and len(at) >= 10 else period

    def _fill_notices(self, today: date) -> None:
        table = self.notices
        table.clearSelection()
        table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            level = escalated_level(r.level, r.status, r.reply_by, today)
            late = overdue_days(r.status, r.reply_by, today)
            cells = (
                _item(r.kind, data=row),
                _item(r.project_code),
                _item(r.project_name),
                _item(r.unit or ""),
                _item(r.issued_date.isoformat()),
                _item(r.reply_by.isoformat()),
                _item(level, color=LEVEL_COLORS[level]),
                _item(r.status),
                _item(f"逾期 {late} 天" if late else "", color="#D93025" if late else None),
                _item(r.reason),
                _item(r.reply_text or ""),
            )
            for col, cell in enumerate(cells):
                table.setItem(row, col, cell)
        self._widths(table, (44, 100, 220, 120, 90, 90, 50, 60, 80, 240, 160), stretch=9)

    def _fill_periods(self) -> None:
        """The current period and the eleven before it (months or quarters)."""
        current = self.ctx.current_period()
        step = 3 if self.ctx.period_kind() == "quarter" else 1
        keys = [current.shift(-step * i).key for i in range(12)]
        chosen = self.period_box.currentText() if self.period_box.count() else current.key
        self.period_box.blockSignals(True)
        self.period_box.clear()
        self.period_box.addItems(keys)
        self.period_box.setCurrentIndex(keys.index(chosen) if chosen in keys else 0)
        self.period_box.blockSignals(False)
        self._fill_reporting()

    def _fill_reporting(self) -> None:
        period = self.period_box.currentText()
        if not period:
            return
        units = unit_reporting(self.ctx.store, period, self.ctx.today())
        # Not reported first, each part in the office's order (区县, 功能区, 市级部门).
        order = unit_order(self.ctx.store)
        self.units = sorted(units, key=lambda u: (u.reported, order.get(u.unit, len(order))))
        table = self.reporting
        table.setRowCount(len(self.units))
        for row, u in enumerate(self.units):
            cells = (
                _item(u.state, data=row, color=LIGHT_COLORS["红"] if u.missing else None),
                _item(u.unit),
                _item(u.kind),
                _item(u.projects),
                _item(u.reported_projects),
                _item((u.last_report or "")[:16].replace("T", " ")),
                _item((u.returned_at or "")[:16].replace("T", " ")),
            )
            for col, cell in enumerate(cells):
                table.setItem(row, col, cell)
        self._widths(table, (70, 220, 70, 70, 70, 140))
        pending = sum(1 for u in self.units if not u.reported)
        due = period_due(self.ctx.store, period)
        if self.ctx.today() > due:
            state = f"未报送 {pending} 个"
        else:
            state = f"待报送 {pending} 个（{due.isoformat()} 截止，到期前不计未报送）"
        self.reporting_summary.setText(
            f"应报单位 {len(self.units)} 个，{state}（双击单位在项目库中查看其未报项目）"
        )

    def _show_unit_projects(self, index) -> None:
        if 0 <= index.row() < len(self.units):
            u = self.units[index.row()]
            ids = u.pending_project_ids if not u.reported else ()
            if ids:
                self.ctx.show_projects_requested.emit({"ids": list(ids)})
            elif u.kind == "区县":
                self.ctx.show_projects_requested.emit({"district": u.unit})
            else:
                self.ctx.show_projects_requested.emit({"lead": u.unit})

    @staticmethod
    def _widths(table: QTableView, widths: tuple[int, ...], *, stretch: int | None = None) -> None:
        """Column widths; the ``stretch`` column (a reason, a long text) takes the width the
        others leave, so that the table fits the page without sideways scrolling."""
        header = table.horizontalHeader()
        for col, width in enumerate(widths):
            table.setColumnWidth(col, width)
        if stretch is not None:
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch, QHeaderView.Stretch)

    # -- actions ---------------------------------------------------------------------------

    def _selected_rows(self) -> list[WatchRow]:
        rows = sorted({i.row() for i in self.watch.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def selected_statuses(self) -> list[ProjectStatus]:
        """The projects selected in the watch list."""
        return [w.project for w in self._selected_rows() if w.project is not None]

    def selected_tasks(self) -> list[task_monitoring.TaskRow]:
        """The tasks selected in the watch list."""
        return [w.task for w in self._selected_rows() if w.task is not None]

    def selected_record(self) -> Supervision | None:
        rows = self.notices.selectionModel().selectedRows()
        return self.records[rows[0].row()] if rows else None

    def issue(self) -> None:
        chosen, tasks = self.selected_statuses(), self.selected_tasks()
        if not chosen and not tasks:
            QMessageBox.information(
                self, "发督办", "请先在预警清单中选择要督办的项目或任务（可多选）。"
            )
            return
        dialog = IssueDialog(len(chosen), self.ctx.today(), self, tasks=len(tasks))
        if dialog.exec() != QDialog.Accepted:
            return
        self.issue_for(chosen, *dialog.values(), tasks=tasks)

    def issue_for(
        self,
        chosen: list[ProjectStatus],
        issued: date,
        reply_days: int,
        request: str,
        *,
        tasks: list[task_monitoring.TaskRow] | None = None,
    ) -> None:
        command = IssueCommand(self.ctx, chosen, issued, reply_days, request, tasks)
        try:
            command.issue()
        except UserError as exc:  # e.g. a closed plan's projects: the message names the plan
            QMessageBox.warning(self, "发督办", exc.message)
            return
        self.ctx.undo_stack.push(command)
        self.tabs.setCurrentWidget(self.notices)

    def reply(self) -> None:
        record = self.selected_record()
        if record is None:
            QMessageBox.information(self, "登记回复", "请先在督办记录中选择一条。")
            return
        dialog = ReplyDialog(record, self.ctx.today(), self)
        if dialog.exec() != QDialog.Accepted:
            return
        self.record_reply(record, dialog.changes())

    def record_reply(self, record: Supervision, changes: dict) -> None:
        text = "办结督办" if changes.get("status") == "已办结" else "登记督办回复"
        try:
            execute(self.ctx, UpdateCommand(self.ctx, record, changes, text))
        except UserError as exc:  # a colleague's reply meanwhile, the database busy …
            QMessageBox.warning(self, "登记回复", exc.message)
            self.refresh(Changes(supervision=True))

    def print_notices(self) -> None:
        record = self.selected_record()
        unit = record.unit if record else None
        if unit is None and self._selected_rows():
            first = self._selected_rows()[0]
            if first.task is not None:  # its lead, else its first 责任 unit (whom 督办 reach)
                units = task_monitoring.task_supervision_units(first.task)
                unit = units[0][1] if units else None
            else:
                unit = first.lead
        try:
            from ..reports.print_dialog import PrintDialog
        except ImportError:
            QMessageBox.information(self, "打印", "打印功能不可用。")
            return
        PrintDialog(self.ctx, self, sheet="notice", unit=unit).exec()

    def _edit_watch(self, index) -> None:
        if 0 <= index.row() < len(self.rows):
            w = self.rows[index.row()]
            if w.project is not None:
                self.ctx.edit_project_requested.emit(w.project.project.id)
            else:  # a task: its reasons and units' reports in full
                lines = [f"{w.code} {w.name}", f"牵头单位：{w.lead or '未定'}"]
                lines += [f"· {r}" for r in (w.reasons or (w.reason,))]
                for part in w.task.parts:
                    got = part.latest
                    said = f"{got.period} {got.state or '未填完成情况'}" if got else "本年未报送"
                    lines.append(f"{part.role} {part.unit}：{said}")
                QMessageBox.information(self, "重点任务", "\n".join(lines))
