"""Run in a fresh process by the suite: the application's day in one process.

Starts the application on a database and reports when the main window has painted for the first
time; then opens every page (building each as a user's first click would) and reports the peak
memory of the window; then, in the same process as the application's workers would, exports the
register, issues a template and imports a 10,000-row return (on a copy of the database) and
prints the overall sheet, and reports the peak memory of the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _day_of_work(db: Path) -> None:
    """What the workers do for the 导出, 导入 and 打印 actions, on a copy of ``db``."""
    from benchmarks.excel_bench import prepare_return
    from desktop_app.exchange.register_export import export_register
    from desktop_app.exchange.return_import import read_return
    from desktop_app.services.exchange import apply_return
    from desktop_app.services.reports import ReportOptions, render_overall
    from desktop_app.store import Store

    work = Path(tempfile.mkdtemp(prefix="probe_"))
    try:
        shutil.copy(db, work / "copy.db")
        with Store.open(work / "copy.db", create=False, user="基准") as store:
            export_register(store, work / "export.xlsx")
            ret, _ = prepare_return(store, work)
            apply_return(store, read_return(store, ret))
            render_overall(store, work / "overall.pdf", ReportOptions(landscape=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    db = Path(sys.argv[1])
    with_work = "--work" in sys.argv[2:]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.suite import peak_rss_mb
    from desktop_app.services.setup import open_or_create
    from desktop_app.ui.fonts import apply_app_font
    from desktop_app.ui.main_window import MainWindow

    app = QApplication([])
    apply_app_font(app)
    store = open_or_create(db)
    window = MainWindow(store)
    result: dict = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Paint and "painted_at" not in result:
                result["painted_at"] = time.time()
                QTimer.singleShot(0, visit_pages)
            return False

    def visit_pages():
        for key in window.page_keys:
            window.show_page(key)
            window.stack.currentWidget().repaint()
            app.processEvents()
        result["peak_rss_gui_mb"] = peak_rss_mb()
        if with_work:
            _day_of_work(db)
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result), flush=True)
        app.quit()

    painter = FirstPaint()
    window.installEventFilter(painter)
    window.resize(1600, 900)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
