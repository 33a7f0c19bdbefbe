"""年度考核: each class of units ranked by the year's score; a click on a figure lists the records
that made it. The rules, the hand-entered points and the three files are reached from here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.assessment import CLASSES, ItemResult, UnitScore
from ...domain.errors import UserError
from ...services import assessment as service
from ...services.changes import Changes
from ..context import AppContext
from ..worker import start_job
from .dialogs import AdjustmentsDialog, RulesDialog, TraceDialog

CENTER = Qt.AlignCenter
RIGHT = Qt.AlignRight | Qt.AlignVCenter
LOW = "#C00000"  # an item below 60 % of its weight
OUTPUTS = {
    "xlsx": ("导出 Excel", "Excel 工作簿 (*.xlsx)", "年度考核得分表.xlsx"),
    "pdf": ("打印 PDF", "PDF 文件 (*.pdf)", "年度考核得分表.pdf"),
    "docx": ("考核情况报告", "Word 文档 (*.docx)", "年度考核情况报告.docx"),
}


class AssessmentPage(QWidget):
    """The year's assessment: a table per class (区县 / 功能区 / 市级部门)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: service.Assessment | None = None
        self.job = None  # a file being saved
        self.assess_job = None
        self.loading = False
        self._serial = 0
        self.last_file: Path | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("考核年度"))
        self.year = QSpinBox()
        self.year.setObjectName("assessment_year")
        self.year.setRange(2000, 2100)
        today = ctx.today()
        # In January and February the office assesses the year just ended.
        self.year.setValue(today.year - 1 if today.month <= 2 else today.year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        bar.addWidget(self.year)
        self.rules_button = QPushButton("考核规则…")
        self.adjust_button = QPushButton("加分与扣分…")
        bar.addWidget(self.rules_button)
        bar.addWidget(self.adjust_button)
        bar.addStretch(1)
        self.output_buttons: dict[str, QPushButton] = {}
        for kind, (text, _, _) in OUTPUTS.items():
            button = QPushButton(text + "…")
            button.clicked.connect(lambda _c=False, k=kind: self.save_output(k))
            self.output_buttons[kind] = button
            bar.addWidget(button)
        self.rules_button.clicked.connect(lambda: self.edit_rules())
        self.adjust_button.clicked.connect(lambda: self.edit_adjustments())
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setObjectName("assessment_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for kind in CLASSES:
            table = QTableWidget()
            table.setObjectName(f"assessment_{kind}")
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QAbstractItemView.NoEditTriggers)
            table.setSelectionMode(QAbstractItemView.SingleSelection)
            table.setAlternatingRowColors(True)
            table.cellClicked.connect(lambda r, c, k=kind: self.show_records(k, r, c))
            self.tables[kind] = table
            self.tabs.addTab(table, kind)
        layout.addWidget(self.tabs, 1)
        hint = QLabel(
            "单击任一得分，查看计分所依据的报送、任务、项目和督办记录；单击总分，查看总分的构成。"
        )
        hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(hint)
        self.reload()

    # -- showing ---------------------------------------------------------------------------------

    def refresh(self, changes: Changes | None = None) -> None:
        self.reload()

    def _shown_lights(self, day: date) -> service.ShownLights | None:
        """The projects' lights the window holds (the register's), when they are ``day``'s."""
        statuses = self.ctx.loaded_project_statuses()
        if statuses is None or day != self.ctx.today():
            return None
        return service.shown_lights(self.ctx.store, day, statuses)

    def reload(self) -> None:
        """Compute the year's scores again, off the window's thread; the table is filled when
        they arrive. The lights of the projects are the window's when it holds those of the
        day assessed; only the figures are kept, the records behind one are read when it is
        clicked (``item_records``)."""
        self._serial += 1
        serial, year, today = self._serial, self.year.value(), self.ctx.today()
        self.loading = True
        self.summary.setText(f"正在计算 {year} 年度考核得分…")
        shown = self._shown_lights(today)

        def work(store, progress):
            nonlocal shown
            lights, shown = shown, None  # not kept with the job once read
            return service.assess(store, year, today=today, shown=lights, records=False)

        def done(result) -> None:
            if serial != self._serial:  # a later year asked meanwhile
                return
            self.loading = False
            self.show_result(result)

        def failed(exc, text) -> None:
            if serial != self._serial:
                return
            self.loading = False
            if isinstance(exc, UserError):
                self.summary.setText(exc.message)
                return
            raise exc

        self.assess_job = start_job(
            self.ctx.store.path, work, on_done=done, on_error=failed, user=self.ctx.store.user
        )

    def show_result(self, r: service.Assessment) -> None:
        self.result = r
        rules = service.rules_text(r)
        periods = f"{r.periods[0]} 至 {r.periods[-1]} 共 {len(r.periods)} 期" if r.periods else "无"
        self.summary.setText(
            f"{r.year}年度考核（{rules}）：数据截至 {r.as_of.isoformat()}，计入填报 {periods}；"
            f"满分 {r.rules.total_weight:g} 分，加分上限 {r.rules.bonus_cap:g}，"
            f"扣分上限 {r.rules.penalty_cap:g}。"
        )
        for kind in CLASSES:
            self._fill(kind, r.classes.get(kind, []))
            self.tabs.setTabText(CLASSES.index(kind), f"{kind}（{len(r.classes.get(kind, []))}）")

    def headers(self) -> list[str]:
        items = [f"{x.name}\n（{x.weight:g}分）" for x in self.result.rules.active]
        return ["排名", "单位", *items, "基础得分", "加分", "扣分", "总分"]

    def _fill(self, kind: str, scores: list[UnitScore]) -> None:
        table = self.tables[kind]
        headers = self.headers()
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(scores))
        bold = QFont()
        bold.setBold(True)
        for row, s in enumerate(scores):
            cells = [(str(s.rank) if s.rank else "—", CENTER, None), (s.unit, None, None)]
            for i in s.items:
                if not s.assessed:
                    cells.append(("无记录", RIGHT, "#5f6368"))
                    continue
                if i.rate is None:
                    text = f"{i.score:.2f}（无记录）" if i.score is not None else "不计"
                    color = "#5f6368"
                else:
                    text = f"{i.score:.2f}（{i.rate:g}%）"
                    color = LOW if i.rate < 60 else None
                cells.append((text, RIGHT, color))
            cells += [
                (f"{s.base:.2f}" if s.assessed else "—", RIGHT, None),
                (f"{s.bonus:g}" if s.bonus else "", RIGHT, "#2E7D32"),
                (f"{s.penalty:g}" if s.penalty else "", RIGHT, LOW),
                (f"{s.total:.2f}" if s.assessed else "无考核记录", RIGHT, None),
            ]
            for col, (text, align, color) in enumerate(cells):
                item = QTableWidgetItem(text)
                if align is not None:
                    item.setTextAlignment(align)
                if color:
                    item.setForeground(QColor(color))
                if col == len(cells) - 1:
                    item.setFont(bold)
                table.setItem(row, col, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setMinimumSectionSize(60)

    def scores(self, kind: str) -> list[UnitScore]:
        return self.result.classes.get(kind, []) if self.result else []

    def cell_text(self, kind: str, unit: str, column: str) -> str:
        """The text shown for ``unit`` under the column whose header starts with ``column``."""
        table = self.tables[kind]
        headers = self.headers()
        col = next(i for i, h in enumerate(headers) if h.startswith(column))
        row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == unit)
        return table.item(row, col).text()

    # -- the records behind a figure -------------------------------------------------------------

    def trace(self, kind: str, row: int, column: int) -> TraceDialog | None:
        """The dialog listing the records behind the figure at ``row``, ``column``."""
        scores = self.scores(kind)
        if not 0 <= row < len(scores):
            return None
        s = scores[row]
        n = len(s.items)
        if 2 <= column < 2 + n:
            return TraceDialog(
                s, self.result.rules, self.item_records(s, s.items[column - 2]), self
            )
        if column in (3 + n, 4 + n):  # 加分, 扣分
            return TraceDialog(s, self.result.rules, None, self)
        if column in (2 + n, 5 + n) and s.assessed:  # 基础得分, 总分
            return TraceDialog(s, self.result.rules, None, self, total=True)
        return None

    def item_records(self, s: UnitScore, item: ItemResult) -> ItemResult:
        """``item`` of ``s`` with the records behind it, read now for that unit and item. When
        they no longer give the figure shown (the records changed meanwhile), the figures are
        computed again."""
        r = self.result
        if r.records:
            return item
        found = service.item_records(
            self.ctx.store, r, s.unit_id, item.item, shown=self._shown_lights(r.as_of)
        )
        shown = (item.numerator, item.denominator, item.rate, item.score)
        if (found.numerator, found.denominator, found.rate, found.score) != shown:
            if not self.loading:
                self.reload()
        return found

    def show_records(self, kind: str, row: int, column: int) -> None:
        dialog = self.trace(kind, row, column)
        if dialog is not None:
            dialog.exec()

    # -- rules, points, files ---------------------------------------------------------------------

    def edit_rules(self) -> bool:
        dialog = RulesDialog(self.ctx, self.year.value(), self)
        if dialog.exec():
            self.reload()
            return True
        return False

    def edit_adjustments(self) -> bool:
        dialog = AdjustmentsDialog(self.ctx, self.year.value(), self)
        dialog.exec()
        if dialog.changed:
            self.reload()
        return dialog.changed

    def save_output(self, kind: str) -> None:
        title, filters, name = OUTPUTS[kind]
        year = self.year.value()
        path, _ = QFileDialog.getSaveFileName(self, title, f"{year}{name}", filters)
        if not path:
            return
        out = Path(path)
        if out.suffix.lower() != f".{kind}":
            out = out.with_name(out.name + f".{kind}")
        today: date = self.ctx.today()
        for button in self.output_buttons.values():
            button.setEnabled(False)
        shown = self._shown_lights(today)

        def work(store, progress):
            progress(0, 1, f"正在生成{title}")
            return service.write_assessment(store, year, out, today=today, shown=shown)

        def done(result) -> None:
            self._job_over()
            self.last_file = Path(result)
            QMessageBox.information(self, "已保存", f"已保存：\n{result}")

        def failed(exc, text) -> None:
            self._job_over()
            if isinstance(exc, UserError):
                QMessageBox.warning(self, "未保存", exc.message)
            else:
                raise exc

        self.job = start_job(
            self.ctx.store.path, work, on_done=done, on_error=failed, user=self.ctx.store.user
        )

    def _job_over(self) -> None:
        self.job = None
        for button in self.output_buttons.values():
            button.setEnabled(True)
