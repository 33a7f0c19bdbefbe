"""Run in a fresh process by the suite: start the application on a database, report when the
main window has painted for the first time, then visit every page and report peak memory."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    db = Path(sys.argv[1])
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QStackedWidget

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
        for stack in window.findChildren(QStackedWidget):
            for i in range(stack.count()):
                stack.setCurrentIndex(i)
                stack.currentWidget().repaint()
                app.processEvents()
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
