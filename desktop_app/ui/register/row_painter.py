"""Paints the register table's visible rows in one pass, from the model's precomputed texts.

Qt's own item painting asks the model for about seven roles per cell and runs the style's item
code per cell; with a Python model that is most of a frame at 10,000 projects. ``RowPainter``
reads each visible row once (``RegisterModel.paint_row``) and draws backgrounds, texts, status
lights and the focus frame itself, with the geometry the current style gives an item (text
margins, light position, text centring), so the table looks as before. Text widths, elided texts
and laid-out texts are cached.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyleOptionFocusRect, QStyleOptionViewItem, QTableView

from ...domain.fields import MISSING
from ...domain.status import LIGHT_COLORS
from .model import COLUMNS, GREY_TEXT, GROUP_BG, column_index

LIGHT_SIZE = 12  # the status light's square; the dot inside is 10 px, as in the model's icon
_STATUS = column_index("status")
_SUBTOTAL = column_index("total_investment")
_RIGHT = tuple(c.align_right for c in COLUMNS)
_ALL = None  # a row selected across every column
# Entries kept per cache, cleared when full; a frame needs a few hundred. A laid-out text holds
# about 1 KB (a 16-character name), hence the lower limit.
_CACHE_LIMIT = 20_000
_STATIC_LIMIT = 5_000


class _Texts:
    """How the texts of one font are drawn: widths, elided forms and, for a text seen more than
    once, a laid-out QStaticText (measured: drawn in 50–70 % of the time of ``drawText``, but
    slower to make than drawing a text once). Caches are cleared when full."""

    def __init__(self, font: QFont):
        self.font = font
        self.metrics = QFontMetricsF(font)
        self.ascent = self.metrics.ascent()
        # Centred as QStyle.alignedRect centres an item's text line: in whole pixels.
        self.half_height = round(self.metrics.ascent() + self.metrics.descent()) // 2
        self._widths: dict[str, float] = {}
        self._elided: dict[tuple[str, float], tuple[str, float]] = {}
        self._static: dict[str, QStaticText] = {}

    def draw(
        self,
        painter: QPainter,
        left: float,
        right: float,
        align_right: bool,
        y: int,
        h: int,
        text: str,
    ) -> None:
        """Draw ``text`` in the row at ``y`` (height ``h``) between ``left`` and ``right``,
        elided with "…" when it does not fit, as Qt's item text."""
        width = self._widths.get(text)
        first_time = width is None
        if first_time:
            if len(self._widths) > _CACHE_LIMIT:
                self._widths.clear()
                self._static.clear()
            width = self._widths[text] = self.metrics.horizontalAdvance(text)
        if width > right - left:
            text, width = self._fit(text, right - left)
        x = right - width if align_right else left
        top = y + h // 2 - self.half_height
        if first_time:
            painter.drawText(QPointF(x, top + self.ascent), text)
            return
        static = self._static.get(text)
        if static is None:
            if len(self._static) > _STATIC_LIMIT:
                self._static.clear()
            static = self._static[text] = QStaticText(text)
            static.setTextFormat(Qt.PlainText)
            static.prepare(QTransform(), self.font)
        painter.drawStaticText(QPointF(x, top), static)

    def _fit(self, text: str, width: float) -> tuple[str, float]:
        key = (text, width)
        found = self._elided.get(key)
        if found is None:
            if len(self._elided) > _CACHE_LIMIT:
                self._elided.clear()
            elided = self.metrics.elidedText(text, Qt.ElideRight, width)
            found = self._elided[key] = (elided, self.metrics.horizontalAdvance(elided))
        return found


class RowPainter:
    """Draws the visible part of a ``RegisterView``; ``invalidate()`` after a font or style
    change (column widths and model resets need nothing: caches are keyed by texts and widths;
    colours are read from the palette every frame)."""

    def __init__(self, view: QTableView):
        self._view = view
        self.invalidate()

    def invalidate(self) -> None:
        font = QFont(self._view.font())
        bold = QFont(font)
        bold.setBold(True)
        self._texts = (_Texts(font), _Texts(bold))
        self._geometry: dict[tuple[int, int, bool], tuple[int, int, QRect]] = {}
        self._lights = {k: QColor(v) for k, v in LIGHT_COLORS.items()}

    # -- geometry --------------------------------------------------------------------------

    def _item_option(self, width: int, height: int, decorated: bool) -> QStyleOptionViewItem:
        opt = QStyleOptionViewItem()
        self._view.initViewItemOption(opt)
        opt.rect = QRect(0, 0, width, height)
        opt.features = QStyleOptionViewItem.HasDisplay
        opt.text = MISSING
        if decorated:
            opt.features |= QStyleOptionViewItem.HasDecoration
            opt.decorationSize.setWidth(LIGHT_SIZE)
            opt.decorationSize.setHeight(LIGHT_SIZE)
        return opt

    def _cell_geometry(self, width: int, height: int, decorated: bool):
        """(text left, text right, light rect) of a cell at (0, 0), as the style lays it out."""
        key = (width, height, decorated)
        geometry = self._geometry.get(key)
        if geometry is None:
            if len(self._geometry) > 1000:  # a column dragged through many widths
                self._geometry.clear()
            view = self._view
            style = view.style()
            opt = self._item_option(width, height, decorated)
            text = style.subElementRect(QStyle.SE_ItemViewItemText, opt, view)
            margin = style.pixelMetric(QStyle.PM_FocusFrameHMargin, None, view) + 1
            light = (
                style.subElementRect(QStyle.SE_ItemViewItemDecoration, opt, view)
                if decorated
                else QRect()
            )
            geometry = (text.left() + margin, text.right() + 1 - margin, light)
            self._geometry[key] = geometry
        return geometry

    # -- painting --------------------------------------------------------------------------

    def _visible_columns(self, rect: QRect, height: int) -> tuple[list[tuple], list[tuple]]:
        """The sections that intersect ``rect``, in visual order, laid out for project rows and
        for group rows (no light): (logical index, x, width, right aligned, text left, text
        right, light rect)."""
        header = self._view.horizontalHeader()
        first = header.visualIndexAt(rect.left())
        if first < 0:
            return [], []
        last = header.visualIndexAt(rect.right())
        if last < 0:
            last = header.count() - 1
        projects, groups = [], []
        for visual in range(first, last + 1):
            logical = header.logicalIndex(visual)
            if header.isSectionHidden(logical):
                continue
            width = header.sectionSize(logical)
            if width <= 0:
                continue
            x = header.sectionViewportPosition(logical)
            right = _RIGHT[logical]
            left, end, light = self._cell_geometry(width, height, False)
            groups.append((logical, x, width, right, x + left, x + end, light))
            if logical == _STATUS:
                left, end, light = self._cell_geometry(width, height, True)
            projects.append((logical, x, width, right, x + left, x + end, light))
        return projects, groups

    def _group_label_span(self, height: int) -> tuple[int, int] | None:
        """Where a group header's line goes: from the first shown column up to the subtotal's
        column (or the last column), over the empty cells between — one readable line, as a
        spreadsheet lets a text run over empty neighbours."""
        header = self._view.horizontalHeader()
        shown = [
            logical
            for logical in (header.logicalIndex(v) for v in range(header.count()))
            if not header.isSectionHidden(logical) and header.sectionSize(logical) > 0
        ]
        if not shown:
            return None
        first = shown[0]
        left, _end, _light = self._cell_geometry(header.sectionSize(first), height, False)
        last = shown[-1]
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        for logical in shown[1:]:
            if logical == _SUBTOTAL:
                right = header.sectionViewportPosition(logical)
                break
        return header.sectionViewportPosition(first) + left, right - left

    def _selected_rows(self, first: int, last: int) -> dict[int, set[int] | None]:
        """Selected rows among ``first..last``: row -> None (whole row) or a set of columns."""
        selection = self._view.selectionModel()
        if selection is None:
            return {}
        every = len(COLUMNS) - 1
        out: dict[int, set[int] | None] = {}
        for span in selection.selection():
            top, bottom = max(span.top(), first), min(span.bottom(), last)
            if top > bottom:
                continue
            whole = span.left() <= 0 and span.right() >= every
            columns = range(span.left(), span.right() + 1)
            for row in range(top, bottom + 1):
                if whole:
                    out[row] = _ALL
                elif row not in out:
                    out[row] = set(columns)
                elif out[row] is not _ALL:
                    out[row].update(columns)
        return out

    def paint(self, painter: QPainter, rect: QRect) -> None:
        view = self._view
        model = view.model()
        rows = model.rowCount()
        first = view.rowAt(rect.top())
        if first < 0 or rows == 0:
            return
        last = view.rowAt(rect.bottom())
        if last < 0:
            last = rows - 1
        height = view.rowHeight(first)
        project_columns, group_columns = self._visible_columns(rect, height)
        if not project_columns:
            return
        span_left = project_columns[0][1]
        span_width = project_columns[-1][1] + project_columns[-1][2] - span_left
        label_span = self._group_label_span(height)

        palette = view.palette()
        if not view.isEnabled():
            state = QPalette.Disabled
        elif view.isActiveWindow():
            state = QPalette.Active
        else:
            state = QPalette.Inactive
        highlight = palette.color(state, QPalette.Highlight)
        highlighted_text = palette.color(state, QPalette.HighlightedText)
        text_colour = palette.color(state, QPalette.Text)
        alternate = (
            palette.color(state, QPalette.AlternateBase) if view.alternatingRowColors() else None
        )
        selected_rows = self._selected_rows(first, last)
        paint_row = model.paint_row
        fill = painter.fillRect
        set_pen = painter.setPen

        lights = []  # (x, y, light, selected), drawn after the texts with antialiasing
        pen = None
        texts_of = self._texts
        font = texts_of[0]
        painter.setFont(font.font)
        for row in range(first, last + 1):
            y = view.rowViewportPosition(row)
            h = view.rowHeight(row)
            is_group, texts, light = paint_row(row)
            columns = group_columns if is_group else project_columns
            selected = selected_rows.get(row, False)
            # Backgrounds: alternate rows, group headers, then the selection on top.
            if selected is _ALL:
                fill(span_left, y, span_width, h, highlight)
            else:
                if is_group:
                    fill(span_left, y, span_width, h, GROUP_BG)
                elif alternate is not None and row & 1:
                    fill(span_left, y, span_width, h, alternate)
                if selected:
                    for logical, x, width, *_ in columns:
                        if logical in selected:
                            fill(x, y, width, h, highlight)
            if texts_of[is_group] is not font:
                font = texts_of[is_group]
                painter.setFont(font.font)
            draw = font.draw
            if is_group and label_span is not None and texts[_STATUS]:
                on = selected is _ALL or bool(selected)
                colour = highlighted_text if on else text_colour
                if colour is not pen:
                    set_pen(colour)
                    pen = colour
                draw(painter, label_span[0], label_span[1], False, y, h, texts[_STATUS])
            for logical, x, _width, right, left, end, light_rect in columns:
                text = texts[logical]
                on = selected is _ALL or (selected and logical in selected)
                if text is None or (is_group and logical == _STATUS):
                    if is_group:
                        continue
                    text = MISSING
                    colour = highlighted_text if on else GREY_TEXT
                else:
                    colour = highlighted_text if on else text_colour
                if light is not None and logical == _STATUS:
                    lights.append((x + light_rect.x(), y + light_rect.y(), light, on))
                if end <= left:
                    continue
                if colour is not pen:
                    set_pen(colour)
                    pen = colour
                draw(painter, left, end, right, y, h, text)
        if lights:
            self._paint_lights(painter, lights, highlighted_text)
        self._paint_focus(painter, palette.color(state, QPalette.Window), highlight)

    def _paint_lights(self, painter: QPainter, lights: list, ring: QColor) -> None:
        """Status lights as crisp dots at any screen scale; on a selected row with a thin ring in
        the selection's text colour, so that the light stays readable on the highlight."""
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        ring_pen = QPen(ring, 1.5)
        colours = self._lights
        inset = (LIGHT_SIZE - 10) / 2
        for x, y, light, selected in lights:
            painter.setBrush(colours[light])
            if selected:
                painter.setPen(ring_pen)
                painter.drawEllipse(QRectF(x + inset, y + inset, 10, 10))
                painter.setPen(Qt.NoPen)
            else:
                painter.drawEllipse(QRectF(x + inset, y + inset, 10, 10))
        painter.restore()

    def _paint_focus(self, painter: QPainter, window: QColor, highlight: QColor) -> None:
        """The current cell's focus frame, drawn by the style as Qt's item painting does."""
        view = self._view
        if not (view.hasFocus() or view.viewport().hasFocus()):
            return
        index = view.currentIndex()
        if not index.isValid() or view.isColumnHidden(index.column()):
            return
        cell = view.visualRect(index)
        if not cell.isValid():
            return
        style = view.style()
        opt = self._item_option(cell.width(), cell.height(), index.column() == _STATUS)
        opt.rect = cell
        focus = QStyleOptionFocusRect()
        focus.initFrom(view)
        focus.rect = style.subElementRect(QStyle.SE_ItemViewItemFocusRect, opt, view)
        focus.state |= QStyle.State_KeyboardFocusChange | QStyle.State_Item | QStyle.State_HasFocus
        selection = view.selectionModel()
        selected = selection is not None and selection.isSelected(index)
        if selected:
            focus.state |= QStyle.State_Selected
        focus.backgroundColor = highlight if selected else window
        style.drawPrimitive(QStyle.PE_FrameFocusRect, focus, painter, view)
