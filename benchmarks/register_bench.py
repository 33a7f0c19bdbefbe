"""Register speed at 10,000 projects: model build, search-as-you-type filter, one scroll frame.

Usage: ``python benchmarks/register_bench.py [DB]`` (without DB, a temporary database with the
built-in plan plus 10,000 demo projects is made). Targets: filter ≤ 50 ms, scroll frame ≤ 16 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 11, 29)


def _app():
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.fonts import apply_app_font

    app = QApplication.instance() or QApplication([])
    apply_app_font(app)
    return app


def make_demo_db(count: int = 10_000) -> Path:
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.setup import init_database

    path = Path(tempfile.mkdtemp(prefix="register-bench-")) / "bench.db"
    store, _ = init_database(path)
    generate_demo(store, count, today=TODAY)
    store.close()
    return path


def _model(db_path: Path):
    from PySide6.QtCore import QSettings

    from desktop_app.store import Store
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.register.model import RegisterModel

    store = Store.open(db_path)
    ctx = AppContext(store, QSettings(), today=TODAY)
    return ctx, RegisterModel(ctx)


def measure_build_ms(db_path: Path) -> float:
    _app()
    start = time.perf_counter()
    ctx, _model_ = _model(db_path)
    ms = (time.perf_counter() - start) * 1000
    ctx.store.close()
    return ms


def measure_filter_ms(db_path: Path) -> float:
    """Median time of one keystroke of search-as-you-type (the model rebuilds its rows)."""
    _app()
    ctx, model = _model(Path(db_path))
    times = []
    for text in ("旌", "旌阳", "旌阳区", "市", "市交", "市交通", "S", "S1", ""):
        start = time.perf_counter()
        model.set_search(text)
        times.append((time.perf_counter() - start) * 1000)
    ctx.store.close()
    return statistics.median(times)


def measure_scroll_ms(db_path: Path) -> float:
    """Median time to paint one scrolled frame of the register view into a QImage."""
    app = _app()
    from PySide6.QtGui import QImage

    from desktop_app.ui.register.page import RegisterView

    ctx, model = _model(Path(db_path))
    view = RegisterView(model)
    view.resize(1400, 800)
    view.show()
    app.processEvents()
    image = QImage(view.viewport().size(), QImage.Format_ARGB32)
    bar = view.verticalScrollBar()
    times = []
    for step in range(20):
        bar.setValue(step * bar.maximum() // 20)
        start = time.perf_counter()
        view.viewport().render(image)
        times.append((time.perf_counter() - start) * 1000)
    view.close()
    ctx.store.close()
    return statistics.median(times)


def main(argv: list[str]) -> int:
    db = Path(argv[0]) if argv else make_demo_db()
    print(f"数据库：{db}")
    print(f"build model:  {measure_build_ms(db):7.1f} ms")
    print(f"filter (key): {measure_filter_ms(db):7.1f} ms   (target ≤ 50)")
    print(f"scroll frame: {measure_scroll_ms(db):7.1f} ms   (target ≤ 16)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
