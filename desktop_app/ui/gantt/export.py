"""Export of the Gantt chart to PNG (what is in view, or the whole chart) and to a multi-page
PDF (A3/A4 landscape, the dates fitted to the page width, the header repeated on every page).

Both paint through ``GanttPainter`` — the code that paints the screen — onto a QImage or a
QPdfWriter, with a column of project names on the left in place of the register table.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from ...domain.errors import UserError
from ...saving import save_file
from .. import images
from .painter import HEADER_HEIGHT, GanttPainter, PaintOptions
from .rows import RowLayout
from .timescale import TimeScale, zoom_name

LABEL_WIDTH = 260
MAX_PNG_HEIGHT = 30000  # a taller image is refused (memory), the PDF has no such limit
PAGE_SIZES = {"A3": QPageSize.A3, "A4": QPageSize.A4}
TITLE = "成德同城化重大项目甘特图"


@dataclass
class ChartSnapshot:
    """What to export, copied from the chart so a worker thread can paint it safely."""

    layout: RowLayout
    scale: TimeScale
    options: PaintOptions
    first: date  # the dates to show
    last: date
    rows: range
    font: QFont
    x0: float  # where the picture starts and how wide it is, in the snapshot scale's pixels
    width: int


def snapshot(chart, whole: bool = False) -> ChartSnapshot:
    """The chart as it is in view (``whole=False``) or all its rows and dates."""
    opt = replace(chart.options, preview=None, selected_row=-1, selected_rows=frozenset())
    layout = copy.copy(chart.layout_)
    layout.rows = [copy.copy(r) for r in chart.layout_.rows]
    if whole:
        if layout.first is not None:
            first = date.fromordinal(layout.first) - timedelta(days=15)
            last = date.fromordinal(layout.last) + timedelta(days=15)
        elif opt.plan_period:
            first, last = opt.plan_period
        else:
            first, last = chart._range
        first, last = min(first, opt.today), max(last, opt.today + timedelta(days=15))
        rows = range(len(layout))
        x0 = chart.scale.x(first)
        width = int(chart.scale.x(last) - x0 + chart.scale.px_per_day)
    else:
        x = chart.horizontalScrollBar().value()
        vw, vh = chart.viewport().width(), chart.viewport().height()
        first, last = chart.scale.date_at(x), chart.scale.date_at(x + vw)
        y = chart.verticalScrollBar().value()
        rows = layout.visible(y, y + vh - 1)
        x0, width = x, vw
    return ChartSnapshot(layout, chart.scale, opt, first, last, rows, chart.painter.font, x0, width)


def _paint_block(
    p: QPainter,
    painter: GanttPainter,
    snap: ChartSnapshot,
    scale: TimeScale,
    rows: range,
    top: float,
    label_width: float,
    chart_width: float,
    x0: float,
) -> None:
    """Header, name column and chart body for ``rows``, with the header's top at y = ``top``
    and the content x ``x0`` at the left edge of the chart part."""
    h = snap.layout.row_height
    y0, y1 = rows.start * h, rows.stop * h
    body_height = y1 - y0
    p.save()
    p.translate(label_width - x0, top)
    p.setClipRect(QRectF(x0, 0, chart_width, HEADER_HEIGHT))
    painter.paint_header(p, scale, x0, x0 + chart_width, snap.options.today)
    p.restore()
    p.save()
    p.translate(0, top + HEADER_HEIGHT - y0)
    p.setClipRect(QRectF(0, y0, label_width, body_height))
    p.fillRect(QRectF(0, y0, label_width, body_height), Qt.white)
    painter.paint_labels(p, snap.layout, y0, y1 - 1, label_width)
    p.restore()
    p.save()
    p.translate(label_width - x0, top + HEADER_HEIGHT - y0)
    clip = QRectF(x0, y0, chart_width, body_height)
    p.setClipRect(clip)
    painter.paint_body(p, scale, snap.layout, clip, snap.options)
    p.restore()
    p.setPen(QColor("#C9CDD2"))
    p.drawRect(QRectF(0, top, label_width + chart_width - 1, HEADER_HEIGHT + body_height - 1))


def render_image(snap: ChartSnapshot, label_width: int = LABEL_WIDTH) -> QImage:
    """The chart as an image: name column + header + rows, at the screen's scale."""
    h = snap.layout.row_height
    height = HEADER_HEIGHT + max(len(snap.rows), 1) * h
    if height > MAX_PNG_HEIGHT:
        raise UserError(
            f"图表有 {len(snap.rows)} 行，整图太高，无法导出为一张图片（最多约 "
            f"{(MAX_PNG_HEIGHT - HEADER_HEIGHT) // h} 行）。请先筛选或折叠分组，或导出为 PDF。"
        )
    chart_width = snap.width
    image = QImage(label_width + chart_width, height, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.white)
    p = QPainter(image)
    _paint_block(
        p,
        GanttPainter(snap.font),
        snap,
        snap.scale,
        snap.rows,
        0,
        label_width,
        chart_width,
        snap.x0,
    )
    p.end()
    return image


def save_png(snap: ChartSnapshot, path: Path) -> Path:
    return images.save_png(render_image(snap), Path(path))


def save_pdf(
    snap: ChartSnapshot,
    path: Path,
    page: str = "A3",
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Write a landscape PDF, the dates fitted to the page width, the header on every page.

    Returns the number of pages. ``progress(done, total, text)`` may raise to cancel: an
    existing file at ``path`` is then left as it was.
    """
    path = Path(path)
    pages: list[int] = []
    save_file(
        path, lambda part: pages.append(_write_pdf(snap, part, path, page, progress)), kind="PDF"
    )
    return pages[0]


def _write_pdf(snap: ChartSnapshot, part: Path, path: Path, page: str, progress) -> int:
    writer = QPdfWriter(str(part))
    writer.setResolution(96)  # one PDF unit = one screen pixel: the same sizes as on screen
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[page]),
            QPageLayout.Landscape,
            QMarginsF(10, 10, 10, 10),
            QPageLayout.Millimeter,
        )
    )
    writer.setTitle(TITLE)
    writer.setCreator("成德同城化重大项目管理")
    rect = writer.pageLayout().paintRectPixels(96)
    width, height = rect.width(), rect.height()
    label_width = min(LABEL_WIDTH, width // 4)
    chart_width = width - label_width
    days = (snap.last - snap.first).days + 1
    ppd = chart_width / max(days, 1)
    scale = TimeScale(snap.first, ppd, zoom_name(ppd))
    title_height = 24
    per_page = max(1, (height - title_height - HEADER_HEIGHT) // snap.layout.row_height)
    rows = snap.rows
    pages = max(1, -(-len(rows) // per_page))
    painter = GanttPainter(snap.font)
    p = QPainter()
    if not p.begin(writer):
        raise UserError(f"无法写入文件 {path}：文件可能正被其他程序打开，请关闭后重试。")
    try:
        for i in range(pages):
            if progress:
                progress(i, pages, f"正在生成第 {i + 1}/{pages} 页")
            if i:
                writer.newPage()
            chunk = range(
                rows.start + i * per_page, min(rows.stop, rows.start + (i + 1) * per_page)
            )
            p.setFont(painter.bold)
            p.setPen(QColor("#202124"))
            p.drawText(QRectF(0, 0, width, title_height - 4), Qt.AlignVCenter | Qt.AlignLeft, TITLE)
            p.setFont(painter.font)
            p.drawText(
                QRectF(0, 0, width, title_height - 4),
                Qt.AlignVCenter | Qt.AlignRight,
                f"{snap.first.isoformat()} 至 {snap.last.isoformat()}    "
                f"第 {i + 1} 页 / 共 {pages} 页",
            )
            _paint_block(
                p,
                painter,
                snap,
                scale,
                chunk,
                title_height,
                label_width,
                chart_width,
                scale.x(snap.first),
            )
    except BaseException:
        p.end()
        raise
    p.end()
    if progress:
        progress(pages, pages, "完成")
    return pages


__all__ = ["ChartSnapshot", "snapshot", "render_image", "save_png", "save_pdf"]
