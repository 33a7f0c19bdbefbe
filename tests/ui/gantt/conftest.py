"""A Gantt page over a real database with a few dated projects."""

from datetime import date

import pytest
from PySide6.QtCore import QSettings

from desktop_app.ui.context import AppContext
from desktop_app.ui.gantt.page import GanttPage

TODAY = date(2026, 11, 29)


@pytest.fixture
def gantt(qtbot, store, make_project, tmp_path):
    ids = {
        "a": make_project(
            "GT-1",
            "成德S11线",
            planned_start=date(2026, 9, 1),
            planned_end=date(2027, 6, 30),
            total_investment=300,
            percent_complete=40,
            stage="在建",
            actual_start=date(2026, 9, 10),
        ),
        "b": make_project(
            "GT-2",
            "天府大道北延",
            planned_start=date(2026, 3, 1),
            planned_end=date(2026, 12, 31),
            total_investment=100,
            percent_complete=90,
            stage="在建",
        ),
    }
    ctx = AppContext(store, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), today=TODAY)
    page = GanttPage(ctx)
    ctx.changed.connect(page.refresh)  # as the main window does for every page
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    qtbot.waitExposed(page)
    return page, ctx, ids
