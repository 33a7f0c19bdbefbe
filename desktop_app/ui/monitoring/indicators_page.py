"""主要指标: the plan's 2025 targets, yearly actuals typed in by hand, met / not met, trend, charts."""

from __future__ import annotations

import shiboken6
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.indicators import MET, NOT_MET, evaluate_indicator
from ...domain.model import Indicator
from ...domain.money import plain_number
from ...domain.parsing import ParseError, normalize_text
from ...services.changes import Changes
from ...store.indicators import get_actual, list_indicators, set_actual
from ..context import AppContext
from ..undo import StoreCommand, execute

STATE_COLORS = {MET: "#2E9D47", NOT_MET: "#D93025"}
FIXED = ("序号", "类别", "指标", "单位", "2025年目标")
TAIL = ("最新实际", "完成情况", "与目标差距", "趋势", "走势")
SPARK_ROLE = Qt.UserRole + 10


def gap_text(gap: float | None, unit: str | None) -> str:
    """Latest actual minus target, signed, in the indicator's unit: "-0.12 %", "+3 件"."""
    if gap is None:
        return ""
    return f"{gap:+.4g} {unit or ''}".strip()


class ActualCommand(StoreCommand):
    """An actual value typed in (or cleared); undo puts the old one back. Each step is made
    only over the value it expects: a colleague's entry since is never overwritten."""

    def __init__(self, ctx: AppContext, indicator: Indicator, year: int, value: float | None):
        super().__init__(ctx, f"修改 {indicator.name} {year}年实际值")
        self.name, self.indicator_id, self.year = indicator.name, indicator.id, year
        self.old, self.new = indicator.actuals.get(year), value

    def _step(self, expected: float | None, value: float | None, doing: str) -> Changes:
        store = self.ctx.store
        with store.write():
            now = get_actual(store, self.indicator_id, self.year)
            if now != expected:
                raise self._conflict(f"{self.name} {self.year}年", doing)
            set_actual(store, self.indicator_id, self.year, value)
        return Changes(indicators=True)

    def apply(self) -> Changes:
        return self._step(self.old, self.new, "保存" if self._first else "重做")

    def revert(self) -> Changes:
        return self._step(self.new, self.old, "撤销")


class SparklineDelegate(QStyledItemDelegate):
    """A small line of the yearly actuals with the target as a dashed line."""

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        data = index.data(SPARK_ROLE)
        if not data:
            return
        points, target = data
        if not points:
            return
        values = [v for _, v in points] + [target]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        rect = QRectF(option.rect).adjusted(6, 5, -6, -5)
        years = [y for y, _ in points]
        first = min(years)
        last = max(max(years), first + 1)

        def at(year: float, value: float) -> QPointF:
            x = rect.left() + (year - first) / max(last - first, 1) * rect.width()
            return QPointF(x, rect.bottom() - (value - low) / span * rect.height())

        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(QColor("#9AA0A6"), 1, Qt.DashLine))
        y = at(first, target).y()
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.setPen(QPen(QColor("#1A73E8"), 1.6))
        line = [at(year, value) for year, value in points]
        for a, b in zip(line, line[1:], strict=False):
            painter.drawLine(a, b)
        painter.setBrush(QColor("#1A73E8"))
        for p in line:
            painter.drawEllipse(p, 2.2, 2.2)
        painter.restore()


class IndicatorsPage(QWidget):
    """The indicator table (actuals editable per year) and a chart of the selected indicator."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.indicators: list[Indicator] = []
        self._filling = False
        self.summary = QLabel()
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.itemChanged.connect(self._edited)
        self.table.itemSelectionChanged.connect(self._show_chart)
        self.chart = QChart()
        self.chart.legend().setVisible(True)
        self.chart.legend().setAlignment(Qt.AlignBottom)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumHeight(160)
        # An indicator without any actual value has nothing to draw: say so instead of an
        # empty chart with a made-up axis.
        self.no_data = QLabel()
        self.no_data.setObjectName("indicator_no_data")
        self.no_data.setAlignment(Qt.AlignCenter)
        self.no_data.setWordWrap(True)
        self.no_data.setStyleSheet("color:#5f6368; font-size: 11pt; background: white;")
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(self.chart_view)
        self.chart_stack.addWidget(self.no_data)
        hint = QLabel("双击年份单元格录入实际值（可撤销）；红色虚线为目标值。")
        hint.setStyleSheet("color:#5f6368")
        # The table across the whole width (the names in full, no sideways scrolling), the
        # selected indicator's chart below it.
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart_stack)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        splitter.setSizes([500, 200])
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.reload()

    def years(self) -> list[int]:
        start = 2021
        end = max([i.year for i in self.indicators] + [self.ctx.today().year - 1, start])
        return list(range(start, end + 1))

    def refresh(self, changes: Changes) -> None:
        if changes.indicators or changes.database:
            self.reload()

    def reload(self) -> None:
        selected = self.table.currentRow()
        self.indicators = list_indicators(self.ctx.store)
        years = self.years()
        headers = [*FIXED, *(f"{y}年" for y in years), *TAIL]
        self._filling = True
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.indicators))
        self.table.setItemDelegateForColumn(len(headers) - 1, SparklineDelegate(self.table))
        met = 0
        for row, ind in enumerate(self.indicators):
            result = evaluate_indicator(ind)
            met += result.met
            fixed = (
                str(ind.seq),
                ind.category or "",
                ind.name,
                ind.unit or "",
                ind.target_text or f"{ind.operator}{ind.target:g}",
            )
            for col, text in enumerate(fixed):
                cell = self._readonly(text)
                cell.setToolTip(text)
                self.table.setItem(row, col, cell)
            for k, year in enumerate(years):
                value = ind.actuals.get(year)
                item = QTableWidgetItem("" if value is None else plain_number(value))
                item.setData(Qt.UserRole, year)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, len(FIXED) + k, item)
            base = len(FIXED) + len(years)
            latest = "" if result.actual is None else f"{result.actual:g}（{result.year}）"
            self.table.setItem(row, base, self._readonly(latest))
            state = self._readonly(result.state)
            if result.state in STATE_COLORS:
                state.setForeground(QBrush(QColor(STATE_COLORS[result.state])))
            self.table.setItem(row, base + 1, state)
            gap = self._readonly(gap_text(result.gap, ind.unit))
            gap.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.table.setItem(row, base + 2, gap)
            trend = self._readonly(result.trend)
            if result.trend_good is not None:
                trend.setForeground(QBrush(QColor("#2E9D47" if result.trend_good else "#D93025")))
            self.table.setItem(row, base + 3, trend)
            spark = self._readonly("")
            spark.setData(SPARK_ROLE, (sorted(ind.actuals.items()), ind.target))
            self.table.setItem(row, base + 4, spark)
        self._filling = False
        self._fit_columns(len(headers))
        with_data = sum(1 for i in self.indicators if i.actuals)
        self.summary.setText(
            f"主要指标 {len(self.indicators)} 项：已录入实际值 {with_data} 项，已达标 {met} 项，"
            f"未达标 {with_data - met} 项"
        )
        if self.indicators:
            self.table.selectRow(max(0, min(selected, len(self.indicators) - 1)))

    def _fit_columns(self, count: int) -> None:
        """Every column as wide as its texts, the 指标 name taking the rest of the width."""
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        metrics = header.fontMetrics()
        for col in range(count):
            title = self.table.horizontalHeaderItem(col).text()
            self.table.setColumnWidth(
                col, max(self.table.columnWidth(col), metrics.horizontalAdvance(title) + 14)
            )
        self.table.setColumnWidth(count - 1, 80)  # the sparkline
        header.setSectionResizeMode(FIXED.index("指标"), QHeaderView.Stretch)
        header.setMinimumSectionSize(30)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """A name longer than its column goes onto a second line instead of being cut (once
        the column has its width: after the layout has run)."""
        if not hasattr(self, "_rows_timer"):
            # A timer of the page's own: it goes with the page (a free single shot would call
            # a table already deleted).
            self._rows_timer = QTimer(self)
            self._rows_timer.setSingleShot(True)
            self._rows_timer.setInterval(0)
            self._rows_timer.timeout.connect(self.table.resizeRowsToContents)
        self._rows_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    @staticmethod
    def _readonly(text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
        return item

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        year = item.data(Qt.UserRole)
        if not isinstance(year, int):
            return
        indicator = self.indicators[item.row()]
        text = normalize_text(item.text()).replace(",", "")
        try:
            value = None if text == "" else float(text.removesuffix(indicator.unit or "\0").strip())
        except ValueError:
            error = ParseError(f"「{item.text()}」不是数字")
            QMessageBox.warning(
                self, "主要指标", f"{indicator.name} {year}年：{error.reason}。请填写数字。"
            )
            self.reload()
            return
        if value == indicator.actuals.get(year):
            return
        try:
            execute(self.ctx, ActualCommand(self.ctx, indicator, year, value))
        except UserError as exc:  # a colleague's entry meanwhile, the database busy …
            QMessageBox.warning(self, "主要指标", exc.message)
            self.reload()

    def set_value(self, row: int, year: int, text: str) -> None:
        """Type ``text`` into the cell of ``year`` on ``row`` (as a user would)."""
        col = len(FIXED) + self.years().index(year)
        self.table.item(row, col).setText(text)

    def _show_chart(self) -> None:
        row = self.table.currentRow()
        # A new chart each time: removing series and axes from a QChart leaves the old axis
        # labels drawn over the new ones.
        old, self.chart = self.chart, QChart()
        self.chart.legend().setVisible(True)
        self.chart.legend().setAlignment(Qt.AlignBottom)
        self.chart_view.setChart(self.chart)
        shiboken6.delete(old)
        if not 0 <= row < len(self.indicators):
            return
        ind = self.indicators[row]
        self.chart.setTitle(f"{ind.name}（{ind.unit or ''}）")
        if not ind.actuals:
            self.no_data.setText(
                f"{ind.name}（目标 {ind.target_text or f'{ind.operator}{ind.target:g}'}）"
                "\n\n暂无数据\n"
                "在上表的年份单元格中双击即可录入实际值。"
            )
            self.chart_stack.setCurrentWidget(self.no_data)
            return
        self.chart_stack.setCurrentWidget(self.chart_view)
        years = self.years()
        actual = QLineSeries()
        actual.setName("实际值")
        actual.setPen(QPen(QColor("#1A73E8"), 2))
        dots = QScatterSeries()
        dots.setMarkerSize(7)
        dots.setColor(QColor("#1A73E8"))
        dots.setBorderColor(QColor("#1A73E8"))
        dots.setName("")
        for year, value in sorted(ind.actuals.items()):
            actual.append(year, value)
            dots.append(year, value)
        target = QLineSeries()
        target.setName(f"目标 {ind.target_text or ind.target}")
        target.setPen(QPen(QColor("#D93025"), 1.5, Qt.DashLine))
        target.append(years[0], ind.target)
        target.append(years[-1], ind.target)
        for series in (target, actual, dots):
            self.chart.addSeries(series)
        x = QValueAxis()
        x.setRange(years[0], years[-1])
        x.setTickCount(len(years))
        x.setLabelFormat("%d")
        y = QValueAxis()
        values = list(ind.actuals.values()) + [ind.target]
        low, high = min(values), max(values)
        pad = (high - low) * 0.2 or abs(high) * 0.1 or 1
        y.setRange(low - pad, high + pad)
        self.chart.addAxis(x, Qt.AlignBottom)
        self.chart.addAxis(y, Qt.AlignLeft)
        for series in (target, actual, dots):
            series.attachAxis(x)
            series.attachAxis(y)
        markers = self.chart.legend().markers(dots)
        for m in markers:
            m.setVisible(False)
