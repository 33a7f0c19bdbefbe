"""打印 of the 总体进度表 at 10,000 projects: vector pages (what a printer gets now) against pages as
images (what it got before, and what a page the replayer cannot draw still gets).

    python -m benchmarks.print_bench [PDF | DB]   (default: the overall sheet of a fresh demo
                                                    database of 10,000 projects)

Both are sent to Qt's PDF printer at 600 dpi, which stands in for a printer (offscreen there is
none):
- vector: every page replayed by ``ui.reports.pdf_painter`` (reading the file included);
- images: ``SAMPLE`` pages drawn as 600-dpi images in bands, as ``PrintDialog._paint_image`` does,
  timed as rendering alone (QtPdf) and rendering plus drawing into the printer, and extrapolated
  to every page (drawing them all would write gigabytes).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SAMPLE = 10
DPI = 600


def overall_sheet(source: Path | None, work: Path) -> Path:
    if source is not None and source.suffix.lower() == ".pdf":
        return source
    from desktop_app.services.reports import ReportOptions, render_sheet
    from desktop_app.store import Store

    if source is None:
        from desktop_app.services.demo import generate_demo
        from desktop_app.services.setup import builtin_dataset
        from desktop_app.store import seed

        source = work / "demo.db"
        with Store.open(source, user="测试") as store:
            seed.load_dataset(store, builtin_dataset())
            generate_demo(store, 10_000, today=date(2026, 11, 29))
    copy = work / "copy.db"
    copy.write_bytes(source.read_bytes())
    with Store.open(copy, user="测试") as store:
        options = ReportOptions(today=date(2026, 12, 6), period="2026-11")
        [out] = render_sheet(store, "overall", work / "overall.pdf", options)
    return out


def printer(path: Path, landscape_size):
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    p = QPrinter(QPrinter.HighResolution)
    p.setResolution(DPI)
    p.setOutputFormat(QPrinter.PdfFormat)
    p.setOutputFileName(str(path))
    w, h = landscape_size
    p.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Point),
            QPageLayout.Landscape if w > h else QPageLayout.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    p.setFullPage(True)
    return p


def main() -> None:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QPainter
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.reports.pdf_painter import PdfPages
    from desktop_app.ui.reports.print_dialog import page_bands, page_pixels

    app = QApplication.instance() or QApplication([])  # noqa: F841 - fonts need the application
    work = Path(tempfile.mkdtemp(prefix="print_bench_"))
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    pdf = overall_sheet(source, work)

    start = time.perf_counter()
    pages = PdfPages(pdf)
    box = pages.page_box(0)
    out = printer(work / "vector.pdf", (box.width(), box.height()))
    painter = QPainter(out)
    for i in range(pages.page_count()):
        if i:
            out.newPage()
        pages.paint(painter, i, QRectF(painter.viewport()))
    painter.end()
    vector_s = time.perf_counter() - start
    count = pages.page_count()

    document = QPdfDocument()
    document.load(str(pdf))
    render_s = 0.0
    start = time.perf_counter()
    out = printer(work / "images.pdf", (box.width(), box.height()))
    painter = QPainter(out)
    for i in range(SAMPLE):
        if i:
            out.newPage()
        full = page_pixels(document, i, DPI)
        painter.save()
        area = painter.viewport()
        scaled = full.scaled(area.size(), Qt.KeepAspectRatio)
        painter.setViewport(area.x(), area.y(), scaled.width(), scaled.height())
        painter.setWindow(0, 0, full.width(), full.height())
        bands = page_bands(document, i, full)
        while True:
            t = time.perf_counter()
            band = next(bands, None)
            render_s += time.perf_counter() - t
            if band is None:
                break
            painter.drawImage(QPointF(0, band[0]), band[1])
        painter.restore()
    painter.end()
    images_s = time.perf_counter() - start
    result = {
        "pages": count,
        "vector_s": round(vector_s, 2),
        "vector_ms_per_page": round(vector_s / count * 1000, 1),
        "vector_file_mb": round((work / "vector.pdf").stat().st_size / 1e6, 1),
        "image_render_s_per_page": round(render_s / SAMPLE, 2),
        "image_print_s_per_page": round(images_s / SAMPLE, 2),
        "image_render_all_s": round(render_s / SAMPLE * count),
        "image_print_all_s": round(images_s / SAMPLE * count),
        "image_file_mb_per_page": round((work / "images.pdf").stat().st_size / 1e6 / SAMPLE, 1),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
