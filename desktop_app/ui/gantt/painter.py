"""Drawing of the Gantt chart: grid, plan period, 今天 line, bars, milestones, baseline, links.

The same functions paint the screen, the PNG export and every PDF page; they take a QPainter
already translated so that (0, 0) is the content origin (x = ``scale.x(origin)``, y = row 0),
and a clip in content coordinates, and draw only the rows and dates inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF

from ...domain.money import format_percent
from .rows import MS_DONE, MS_OVERDUE, RowLayout
from .timescale import TimeScale

HEADER_HEIGHT = 44
PENDING = "待填报"

_GRID = QColor("#E6E8EB")
_GRID_MAJOR = QColor("#C9CDD2")
_PLAN_PERIOD = QColor("#F3F7FD")
_GROUP_BG = QColor("#EEF1F5")
_SELECTED = QColor("#D6E6FB")
_TODAY = QColor("#D93025")
_TEXT = QColor("#3C4043")
_MUTED = QColor("#80868B")
_BASELINE = QColor("#7D8590")
_LINK = QColor("#5F6368")
_HEADER_BG = QColor("#F8F9FA")


@dataclass
class PaintOptions:
    today: date
    plan_period: tuple[date, date] | None = None  # shaded: e.g. 2021-01-01 .. 2025-12-31
    selected_row: int = -1
    selected_rows: frozenset[int] = frozenset()  # the other rows of a multi-row selection
    show_baseline: bool = False
    show_links: bool = True
    preview: tuple[int, int, int] | None = None  # (row, start ordinal, end ordinal) while dragging


class GanttPainter:
    """Holds the pens, brushes and fonts once, so a frame allocates almost nothing."""

    def __init__(self, font: QFont | None = None):
        self.font = QFont(font) if font is not None else QFont()
        self.font.setPixelSize(11)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self._colors: dict[str, QColor] = {}
        self._styles: dict[str, tuple[QPen, QBrush, QBrush, QBrush]] = {}
        self._hatch = QBrush(QColor("#B0B5BB"), Qt.BDiagPattern)
        self._dash = QPen(_TODAY, 1.5, Qt.DashLine)

    def _color(self, hex_color: str) -> QColor:
        c = self._colors.get(hex_color)
        if c is None:
            c = self._colors[hex_color] = QColor(hex_color)
        return c

    # -- body --------------------------------------------------------------------------------

    def paint_body(
        self, p: QPainter, scale: TimeScale, layout: RowLayout, clip: QRectF, opt: PaintOptions
    ) -> None:
        """Paint the rows and dates inside ``clip`` (content coordinates)."""
        x0, x1, y0, y1 = clip.left(), clip.right(), clip.top(), clip.bottom()
        rows = layout.visible(y0, y1)
        h = layout.row_height
        p.fillRect(clip, Qt.white)
        if opt.plan_period:
            a, b = opt.plan_period
            left = max(x0, scale.x(a))
            right = min(x1, scale.x(b) + scale.px_per_day)
            if right > left:
                p.fillRect(QRectF(left, y0, right - left, y1 - y0), _PLAN_PERIOD)
        for row in rows:  # row backgrounds
            info = layout.rows[row]
            if row == opt.selected_row or row in opt.selected_rows:
                p.fillRect(QRectF(x0, row * h, x1 - x0, h), _SELECTED)
            elif info.kind == "group":
                p.fillRect(QRectF(x0, row * h, x1 - x0, h), _GROUP_BG)
        self._grid(p, scale, x0, x1, y0, y1)
        p.setRenderHint(QPainter.Antialiasing, False)  # bars are axis-aligned: crisp and fast
        p.setFont(self.font)
        ppd = scale.px_per_day
        origin = scale.origin.toordinal()
        period = opt.plan_period
        for row in rows:
            info = layout.rows[row]
            top = row * h
            if info.kind == "group":
                self._group(p, info, top, h, ppd, origin, x0, x1)
                continue
            if info.plan is None:
                if period:
                    self._pending(p, scale.x(period[0]), scale.x(period[1]) + ppd, top, x0, x1)
                continue
            self._project(p, info, top, ppd, origin, x0, x1, opt.show_baseline)
        if opt.preview:
            row, s, e = opt.preview
            left, right = (s - origin) * ppd, (e + 1 - origin) * ppd
            p.setPen(QPen(QColor("#1A73E8"), 2, Qt.DashLine))
            p.setBrush(Qt.NoBrush)
            p.drawRect(QRectF(left, row * h + 3, right - left, 14))
        if opt.show_links and layout.links:
            self._links(p, scale, layout, rows, h, x0, x1)
        # 今天 line over everything
        tx = scale.x(opt.today)
        if x0 <= tx <= x1:
            p.setRenderHint(QPainter.Antialiasing, False)
            p.setPen(self._dash)
            p.drawLine(QPointF(tx, y0), QPointF(tx, y1))

    def _grid(self, p: QPainter, scale: TimeScale, x0: float, x1: float, y0: float, y1: float):
        first, last = scale.date_at(x0), scale.date_at(x1)
        top, bottom = scale.tiers()
        p.setRenderHint(QPainter.Antialiasing, False)
        p.setPen(_GRID)
        for t in scale.ticks(bottom, first, last):
            x = scale.x(t.start)
            p.drawLine(QPointF(x, y0), QPointF(x, y1))
        p.setPen(_GRID_MAJOR)
        for t in scale.ticks(top, first, last):
            x = scale.x(t.start)
            p.drawLine(QPointF(x, y0), QPointF(x, y1))

    def _pending(self, p: QPainter, left: float, right: float, top: int, x0: float, x1: float):
        """No dates yet: a hatched bar over the plan period, labelled 待填报."""
        rect = QRectF(left, top + 5, right - left, 13)
        p.setPen(QPen(QColor("#B0B5BB"), 1, Qt.DashLine))
        p.setBrush(self._hatch)
        p.drawRect(rect)
        # the label stays in view even when the bar is wider than the window
        vis_left, vis_right = max(left, x0), min(right, x1)
        if vis_right - vis_left > 40:
            p.fillRect(QRectF(vis_left + 3, top + 6, 40, 11), Qt.white)
            p.setPen(_MUTED)
            p.drawText(QRectF(vis_left + 4, top, 60, 24), Qt.AlignVCenter | Qt.AlignLeft, PENDING)

    def _style(self, hex_color: str) -> tuple[QPen, QBrush, QBrush, QBrush]:
        """Pen, pale fill, solid fill and dark fill of a status colour, made once."""
        style = self._styles.get(hex_color)
        if style is None:
            color = QColor(hex_color)
            # the pale fill is pre-blended with white: opaque fills cost far less than alpha ones
            a = 45 / 255
            pale = QColor(
                round(255 + (color.red() - 255) * a),
                round(255 + (color.green() - 255) * a),
                round(255 + (color.blue() - 255) * a),
            )
            style = (QPen(color, 1), QBrush(pale), QBrush(color), QBrush(color.darker(130)))
            self._styles[hex_color] = style
        return style

    def _project(self, p, info, top, ppd, origin, x0, x1, show_baseline) -> None:
        pen, pale, solid, dark = self._style(info.color)
        s, e = info.plan
        left, right = (s - origin) * ppd, (e + 1 - origin) * ppd
        width = max(right - left, 2.0)
        if right >= x0 - 60 and left <= x1:
            # planned span: outlined; the share done: filled in the status colour
            p.setPen(pen)
            p.setBrush(pale)
            p.drawRect(QRectF(left, top + 4, width, 12))
            if info.percent:
                p.fillRect(
                    QRectF(left, top + 4, width * min(max(info.percent, 0.0), 100.0) / 100.0, 12.5),
                    solid,
                )
            label = format_percent(info.percent)
            if show_baseline and info.slip_days:
                label += f"  {'+' if info.slip_days > 0 else ''}{info.slip_days}天"
            if label and right < x1:
                p.setPen(_TODAY if show_baseline and (info.slip_days or 0) > 0 else _TEXT)
                p.drawText(QRectF(left + width + 4, top, 120, 20), Qt.AlignVCenter, label)
        if info.actual:
            a, b = info.actual
            al, ar = (a - origin) * ppd, (b + 1 - origin) * ppd
            if ar >= x0 and al <= x1:
                p.fillRect(QRectF(al, top + 17, max(ar - al, 2.0), 3), dark)
        if show_baseline and info.baseline:
            a, b = info.baseline
            bl, br = (a - origin) * ppd, (b + 1 - origin) * ppd
            if br >= x0 and bl <= x1:
                p.fillRect(QRectF(bl, top + 21, max(br - bl, 2.0), 2), _BASELINE)
        if not info.milestones:
            return
        p.setRenderHint(QPainter.Antialiasing, True)
        for when, state, _name in info.milestones:
            x = (when - origin) * ppd + ppd / 2
            if x < x0 - 8 or x > x1 + 8:
                continue
            if state == MS_OVERDUE:
                p.setPen(QPen(_TODAY, 1.2))
                p.setBrush(_TODAY)
            elif state == MS_DONE:
                p.setPen(QPen(_TEXT, 1.2))
                p.setBrush(_TEXT)
            else:
                p.setPen(QPen(_TEXT, 1.2))
                p.setBrush(Qt.white)
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, top + 4),
                        QPointF(x + 6, top + 10),
                        QPointF(x, top + 16),
                        QPointF(x - 6, top + 10),
                    ]
                )
            )
        p.setRenderHint(QPainter.Antialiasing, False)

    def _group(self, p, info, top, h, ppd, origin, x0, x1) -> None:
        """A summary bar from the members' earliest start to latest end, with their percent."""
        if info.plan is None:
            return
        s, e = info.plan
        left, right = (s - origin) * ppd, (e + 1 - origin) * ppd
        if right < x0 - 60 or left > x1:
            return
        dark = self._color(info.color)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#BDC1C6"))
        p.drawRect(QRectF(left, top + 7, right - left, 7))
        if info.percent:
            p.setBrush(dark)
            p.drawRect(QRectF(left, top + 7, (right - left) * min(info.percent, 100.0) / 100.0, 7))
        p.setBrush(dark)
        for x, d in ((left, 1), (right, -1)):  # the bracket ends of a summary bar
            p.drawPolygon(
                QPolygonF([QPointF(x, top + 6), QPointF(x + 6 * d, top + 6), QPointF(x, top + 18)])
            )
        if info.percent is not None:
            p.setPen(_TEXT)
            p.setFont(self.bold)
            p.drawText(
                QRectF(right + 6, top, 120, h), Qt.AlignVCenter, format_percent(info.percent)
            )
            p.setFont(self.font)

    def _links(self, p, scale, layout, rows, h, x0, x1) -> None:
        p.setRenderHint(QPainter.Antialiasing, True)
        lo, hi = rows.start, rows.stop
        ppd, origin = scale.px_per_day, scale.origin.toordinal()
        for li in layout.links:
            if max(li.pred_row, li.succ_row) < lo or min(li.pred_row, li.succ_row) >= hi:
                continue
            fx = (li.finish + 1 - origin) * ppd
            sx = (li.start - origin) * ppd
            fy = li.pred_row * h + 10
            sy = li.succ_row * h + 10
            if max(fx, sx) + 12 < x0 or min(fx, sx) - 12 > x1:
                continue
            color = _TODAY if li.violated_days else _LINK
            p.setPen(QPen(color, 2 if li.violated_days else 1.2))
            p.setBrush(Qt.NoBrush)
            mid = fx + 8
            down = 1 if sy >= fy else -1
            pts = [QPointF(fx, fy), QPointF(mid, fy)]
            if sx - 8 >= mid:
                pts += [QPointF(mid, sy), QPointF(sx - 2, sy)]
            else:  # successor starts before the predecessor ends: route around
                turn = sy - down * h / 2
                pts += [
                    QPointF(mid, turn),
                    QPointF(sx - 10, turn),
                    QPointF(sx - 10, sy),
                    QPointF(sx - 2, sy),
                ]
            p.drawPolyline(QPolygonF(pts))
            p.setBrush(color)
            p.drawPolygon(
                QPolygonF([QPointF(sx, sy), QPointF(sx - 6, sy - 4), QPointF(sx - 6, sy + 4)])
            )
            if li.violated_days:  # the mark of a violated link
                p.setPen(QPen(_TODAY, 1))
                p.setBrush(Qt.white)
                p.drawEllipse(QPointF(sx - 14, sy), 6, 6)
                p.setPen(_TODAY)
                p.setFont(self.bold)
                p.drawText(QRectF(sx - 20, sy - 6, 12, 12), Qt.AlignCenter, "!")
                p.setFont(self.font)

    # -- header ------------------------------------------------------------------------------

    def paint_header(
        self,
        p: QPainter,
        scale: TimeScale,
        x0: float,
        x1: float,
        today: date,
        height: int = HEADER_HEIGHT,
    ) -> None:
        """The two-level date header for content x0..x1, drawn at y = 0..height."""
        p.setRenderHint(QPainter.Antialiasing, False)
        p.fillRect(QRectF(x0, 0, x1 - x0, height), _HEADER_BG)
        first, last = scale.date_at(x0), scale.date_at(x1)
        half = height / 2
        p.setFont(self.font)
        for tier, y, font in (
            (scale.tiers()[0], 0, self.bold),
            (scale.tiers()[1], half, self.font),
        ):
            p.setFont(font)
            for t in scale.ticks(tier, first, last):
                left, right = scale.x(t.start), scale.x(t.end)
                p.setPen(_GRID_MAJOR)
                p.drawLine(QPointF(left, y), QPointF(left, y + half))
                # keep the top label readable when its cell starts left of the view
                vis = QRectF(max(left, x0), y, min(right, x1) - max(left, x0), half)
                if vis.width() > 14:
                    p.setPen(_TEXT)
                    p.drawText(vis.adjusted(3, 0, -2, 0), Qt.AlignVCenter | Qt.AlignLeft, t.label)
        p.setPen(_GRID_MAJOR)
        p.drawLine(QPointF(x0, half), QPointF(x1, half))
        p.drawLine(QPointF(x0, height - 1), QPointF(x1, height - 1))
        tx = scale.x(today)
        if x0 <= tx <= x1:
            p.setPen(QPen(_TODAY, 2))
            p.drawLine(QPointF(tx, half), QPointF(tx, height))
            # the 今天 flag sits over the lower tier's line, left of its own line
            p.setFont(self.bold)
            flag = QRectF(tx - 32, half + 3, 30, half - 6)
            p.fillRect(flag, _TODAY)
            p.setPen(Qt.white)
            p.drawText(flag, Qt.AlignCenter, "今天")

    # -- label column (exports only: on screen the register table is on the left) -----------

    def paint_labels(
        self, p: QPainter, layout: RowLayout, y0: float, y1: float, width: float
    ) -> None:
        h = layout.row_height
        p.setRenderHint(QPainter.Antialiasing, True)
        for row in layout.visible(y0, y1):
            info = layout.rows[row]
            top = row * h
            if info.kind == "group":
                p.fillRect(QRectF(0, top, width, h), _GROUP_BG)
                p.setFont(self.bold)
                p.setPen(_TEXT)
                text = p.fontMetrics().elidedText(
                    f"{info.label}（{info.count} 项）", Qt.ElideMiddle, int(width - 8)
                )
                p.drawText(QRectF(4, top, width - 8, h), Qt.AlignVCenter, text)
                continue
            p.setFont(self.font)
            p.setPen(Qt.NoPen)
            p.setBrush(self._color(info.color))
            p.drawEllipse(QPointF(10, top + h / 2), 4, 4)
            p.setPen(_TEXT)
            text = p.fontMetrics().elidedText(info.label, Qt.ElideRight, int(width - 24))
            p.drawText(QRectF(20, top, width - 24, h), Qt.AlignVCenter, text)
        p.setPen(_GRID_MAJOR)
        p.drawLine(QPointF(width - 1, y0), QPointF(width - 1, y1))
