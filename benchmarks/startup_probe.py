"""Run in a fresh process by the suite: the application's day in one process.

Starts the application on a database and reports when the main window has painted for the first
time; then opens every page (building each as a user's first click would, and letting the work a
page does in the background finish) and reports the peak memory of the window; then, in the same
process as the application's workers would, exports the register, issues a template and imports
a 10,000-row return (on a copy of the database) and prints the overall sheet, and reports the
peak memory of the whole run.

    python benchmarks/startup_probe.py DB [--work] [--steps]

The last line on stdout is a JSON object (``painted_at``, ``peak_rss_gui_mb``, ``peak_rss_mb``).
``--steps`` also writes to stderr the memory after each page and each step of the work, to find
what a change costs or buys.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float | None:
    """This process's resident memory now in MB (None where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _day_of_work(db: Path, step: Callable[[str], None] = lambda _name: None) -> None:
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
            step("导出项目库")
            ret, _ = prepare_return(store, work)
            step("下发填报模板")
            apply_return(store, read_return(store, ret))
            step("导入填报表")
            render_overall(store, work / "overall.pdf", ReportOptions(landscape=True))
            step("总体进度表 PDF")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="startup_probe",
        description="启动程序、逐页打开所有页面，测首次绘制时间和内存峰值（结果为 stdout 最后一行的 JSON）。",
    )
    parser.add_argument("db", type=Path, help="数据库文件（导入等在它的副本上进行，不改动它）")
    parser.add_argument(
        "--work",
        action="store_true",
        help="打开页面之后，在同一进程中导出项目库、下发模板、导入 1 万行填报表、生成总体进度表",
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="在 stderr 上逐页、逐步列出当时的内存和至此的峰值（MB）",
    )
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.suite import peak_rss_mb
    from desktop_app.services.setup import open_or_create
    from desktop_app.ui.fonts import apply_app_font
    from desktop_app.ui.main_window import MainWindow

    def step(name: str) -> None:
        if args.steps:
            now = rss_mb()
            shown = f"{now:7.1f}" if now is not None else "      —"
            print(
                f"{name:<16} 当前 {shown}  峰值 {peak_rss_mb():7.1f}", file=sys.stderr, flush=True
            )

    app = QApplication([])
    apply_app_font(app)
    store = open_or_create(args.db)
    window = MainWindow(store)
    result: dict = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Paint and "painted_at" not in result:
                result["painted_at"] = time.time()
                QTimer.singleShot(0, visit_pages)
            return False

    def visit_pages():
        step("主窗口")
        for key in window.page_keys:
            window.show_page(key)
            window.stack.currentWidget().repaint()
            app.processEvents()
            step(key)
        # What the pages compute in the background (年度考核's scores, the daily backup) is
        # part of opening them: wait for it and let the pages show what it brought.
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()
        step("后台计算完成")
        result["peak_rss_gui_mb"] = peak_rss_mb()
        if args.work:
            _day_of_work(args.db, step)
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
