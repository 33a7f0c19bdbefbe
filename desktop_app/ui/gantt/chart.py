"""The Gantt chart widget: a QAbstractScrollArea that paints only the rows and dates in view.

Rows come from the shared register model through a precomputed ``RowLayout``; dates map to x
through a ``TimeScale``. Zooming swaps the scale, scrolling moves a clip: nothing per bar is
created, so 10,000 rows cost the same per frame as 100. Mouse and keyboard handling (drag to
move or resize a bar, header panning, Ctrl+wheel zoom, tooltips) live in ``interaction.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from ...domain.model import Project
from ...domain.schedule import Link
from .interaction import ChartInteraction
from .painter import HEADER_HEIGHT, GanttPainter, PaintOptions
from .rows import ROW_HEIGHT, RowLayout, build_layout
from .timescale import ZOOMS, TimeScale, zoom_name

MIN_PX_PER_DAY, MAX_PX_PER_DAY = 0.15, 24.0


class _Header(QWidget):
    """The two-level date header above the viewport; dragging it pans the timeline."""

    def __init__(self, chart: GanttChart):
        super().__init__(chart)
        self.chart = chart
        self.setCursor(Qt.OpenHandCursor)
        self._press: tuple[float, int] | None = None

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        x = self.chart.horizontalScrollBar().value()
        p.translate(-x, 0)
        self.chart.painter.paint_header(
            p, self.chart.scale, x, x + self.width(), self.chart.options.today, self.height()
        )
        p.end()

    def mousePressEvent(self, event) -> None:
        self._press = (event.position().x(), self.chart.horizontalScrollBar().value())
        self.setCursor(Qt.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:
        if self._press:
            start_x, start_value = self._press
            self.chart.horizontalScrollBar().setValue(
                int(start_value - (event.position().x() - start_x))
            )

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
        self.setCursor(Qt.OpenHandCursor)


class GanttChart(QAbstractScrollArea):
    rowClicked = Signal(int)  # the user selected this row
    rowsExtended = Signal(int, bool)  # Ctrl+click (False: toggle) / Shift+click (True: range)
    rowActivated = Signal(int)  # double-click / Enter
    spanEdited = Signal(str, object, object, str)  # project id, new start, new end, "move"/…
    zoomChanged = Signal(str)
    layoutRebuilt = Signal()  # the rows were read again from the model

    def __init__(self, parent=None, *, today: date | None = None, row_height: int = ROW_HEIGHT):
        super().__init__(parent)
        self.interaction = ChartInteraction(self)
        self.painter = GanttPainter(self.font())
        self.options = PaintOptions(today=today or date.today())
        self.layout_ = RowLayout([], row_height)
        self.row_height = row_height
        self._model = None
        self._range = (
            self.options.today - timedelta(days=365),
            self.options.today + timedelta(days=365),
        )
        self.scale = TimeScale.for_zoom(self._range[0], "月")
        self._baseline: dict | None = None
        self._links: list[Link] = []
        self._projects: dict[str, Project] = {}
        self.header = _Header(self)
        self.setViewportMargins(0, HEADER_HEIGHT, 0, 0)
        self.setFocusPolicy(Qt.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.horizontalScrollBar().valueChanged.connect(self.header.update)

    # -- data --------------------------------------------------------------------------------

    def set_model(self, model) -> None:
        if self._model is not None:
            for sig in (
                self._model.modelReset,
                self._model.layoutChanged,
                self._model.rowsInserted,
                self._model.rowsRemoved,
                self._model.dataChanged,
            ):
                sig.disconnect(self.reload)
        self._model = model
        for sig in (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.dataChanged,
        ):
            sig.connect(self.reload)
        self.reload()

    def model(self):
        return self._model

    def set_today(self, today: date) -> None:
        self.options.today = today
        self.layout_ = RowLayout([], self.row_height)  # rows drawn against today: rebuild all

    def set_plan_period(self, first_year: int | None, last_year: int | None) -> None:
        if first_year and last_year:
            self.options.plan_period = (date(first_year, 1, 1), date(last_year, 12, 31))
        else:
            self.options.plan_period = None
        self._update_range()

    def reload(self, *args) -> None:
        """Rebuild the layout from the model (rows, filters, grouping or dates changed)."""
        if self._model is None:
            return
        self.layout_ = build_layout(
            self._model, self.options.today, self.row_height, previous=self.layout_
        )
        self._projects = {r.key: r.project for r in self.layout_.rows if r.project is not None}
        self.layout_.set_baseline(self._baseline)
        self.layout_.set_links(self._links, self._projects)
        if self.options.selected_row >= len(self.layout_):
            self.options.selected_row = -1
        self.options.selected_rows = frozenset(
            r for r in self.options.selected_rows if r < len(self.layout_)
        )
        self._update_range()
        self.layoutRebuilt.emit()

    def set_baseline(self, items: dict | None) -> None:
        self._baseline = items
        self.options.show_baseline = items is not None
        self.layout_.set_baseline(items)
        self.viewport().update()

    def set_links(self, links: list[Link], projects: dict[str, Project] | None = None) -> None:
        self._links = list(links)
        self.layout_.set_links(self._links, projects or self._projects)
        self.viewport().update()

    # -- geometry ----------------------------------------------------------------------------

    def _update_range(self) -> None:
        """The scrollable dates: the data, the plan period and today, with a margin."""
        today = self.options.today
        lo, hi = today, today
        if self.layout_.first is not None:
            lo = min(lo, date.fromordinal(self.layout_.first))
            hi = max(hi, date.fromordinal(self.layout_.last))
        if self.options.plan_period:
            lo = min(lo, self.options.plan_period[0])
            hi = max(hi, self.options.plan_period[1])
        first = date(lo.year - 1, 1, 1)
        last = date(hi.year + 1, 12, 31)
        if (first, last) != self._range:
            keep = self.scale.date_at(self.horizontalScrollBar().value())
            self._range = (first, last)
            self.scale = TimeScale(first, self.scale.px_per_day, self.scale.zoom)
            self._update_scrollbars()
            self.horizontalScrollBar().setValue(int(self.scale.x(keep)))
        else:
            self._update_scrollbars()
        self.viewport().update()
        self.header.update()

    def content_width(self) -> int:
        return int(self.scale.x(self._range[1]) + self.scale.px_per_day)

    def _update_scrollbars(self) -> None:
        vw, vh = self.viewport().width(), self.viewport().height()
        h = self.horizontalScrollBar()
        h.setRange(0, max(0, self.content_width() - vw))
        h.setPageStep(vw)
        h.setSingleStep(20)
        v = self.verticalScrollBar()
        v.setRange(0, max(0, self.layout_.height - vh))
        v.setPageStep(vh)
        v.setSingleStep(self.row_height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        vp = self.viewport().geometry()
        self.header.setGeometry(vp.left(), vp.top() - HEADER_HEIGHT, vp.width(), HEADER_HEIGHT)
        self._update_scrollbars()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()
        if dx:
            self.header.update()

    # -- zoom --------------------------------------------------------------------------------

    @property
    def zoom(self) -> str:
        return self.scale.zoom

    def set_px_per_day(self, ppd: float, anchor_x: float | None = None) -> None:
        """Change the scale keeping the date under ``anchor_x`` (viewport x) in place."""
        ppd = min(max(ppd, MIN_PX_PER_DAY), MAX_PX_PER_DAY)
        bar = self.horizontalScrollBar()
        if anchor_x is None:
            anchor_x = self.viewport().width() / 2
        days = (bar.value() + anchor_x) / self.scale.px_per_day
        old = self.scale.zoom
        self.scale = TimeScale(self._range[0], ppd, zoom_name(ppd))
        self._update_scrollbars()
        bar.setValue(int(days * ppd - anchor_x))
        self.viewport().update()
        self.header.update()
        if self.scale.zoom != old:
            self.zoomChanged.emit(self.scale.zoom)

    def set_zoom(self, level: str) -> None:
        self.set_px_per_day(ZOOMS[level][0])
        if self.scale.zoom != level:  # a level is exact, not whatever suits the pixels
            self.scale = TimeScale(self._range[0], ZOOMS[level][0], level)
            self.zoomChanged.emit(level)

    def zoom_by(self, steps: float, anchor_x: float | None = None) -> None:
        self.set_px_per_day(self.scale.px_per_day * (1.25**steps), anchor_x)

    def fit_to_window(self) -> None:
        """Show every bar (or the plan period when there are no dates) across the width."""
        if self.layout_.first is not None:
            first, last = date.fromordinal(self.layout_.first), date.fromordinal(self.layout_.last)
        elif self.options.plan_period:
            first, last = self.options.plan_period
        else:
            first, last = self._range
        width = max(self.viewport().width() - 40, 100)
        ppd = width / max((last - first).days + 1, 1)
        self.set_px_per_day(ppd, 0)
        self.horizontalScrollBar().setValue(int(self.scale.x(first)) - 20)

    def scroll_to_date(self, day: date) -> None:
        """``day`` in the middle of the view, with as much time before it as after: the
        scrollable dates are extended when they end too soon after it (a wide view at 年)."""
        half = self.viewport().width() / 2
        days_after = int(half / self.scale.px_per_day) + 31
        if day + timedelta(days=days_after) > self._range[1]:
            self._range = (self._range[0], day + timedelta(days=days_after))
            self._update_scrollbars()
            self.header.update()
        self.horizontalScrollBar().setValue(int(self.scale.x(day) - half))

    def scroll_to_row(self, row: int) -> None:
        v = self.verticalScrollBar()
        top, vh = row * self.row_height, self.viewport().height()
        if top < v.value():
            v.setValue(top)
        elif top + self.row_height > v.value() + vh:
            v.setValue(top + self.row_height - vh)

    # -- selection ---------------------------------------------------------------------------

    @property
    def selected_row(self) -> int:
        return self.options.selected_row

    def set_selected_row(self, row: int) -> None:
        if row != self.options.selected_row:
            self.options.selected_row = row
            self.viewport().update()

    def set_selected_rows(self, rows) -> None:
        """Highlight these rows too (a selection of several rows made in the list or with
        Ctrl/Shift+click)."""
        rows = frozenset(rows)
        if rows != self.options.selected_rows:
            self.options.selected_rows = rows
            self.viewport().update()

    # -- painting ----------------------------------------------------------------------------

    def paint_viewport(self, p: QPainter, width: int, height: int) -> None:
        """Paint what the viewport shows onto ``p`` (the screen, or a QImage in benchmarks)."""
        x, y = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        p.translate(-x, -y)
        self.painter.paint_body(
            p, self.scale, self.layout_, QRectF(x, y, width, height), self.options
        )

    def paintEvent(self, event) -> None:
        p = QPainter(self.viewport())
        self.paint_viewport(p, self.viewport().width(), self.viewport().height())
        p.end()

    # -- events (delegated) ------------------------------------------------------------------

    def viewportEvent(self, event) -> bool:
        if self.interaction.viewport_event(event):
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:
        self.interaction.press(event)

    def mouseMoveEvent(self, event) -> None:
        self.interaction.move(event)

    def mouseReleaseEvent(self, event) -> None:
        self.interaction.release(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self.interaction.double_click(event)

    def wheelEvent(self, event) -> None:
        if not self.interaction.wheel(event):
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        if not self.interaction.key(event):
            super().keyPressEvent(event)
