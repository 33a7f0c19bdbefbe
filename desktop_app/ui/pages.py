"""The navigation pages of the main window, in order: (key, title, "module:Class").

Each page is a QWidget built as ``Class(ctx, parent)`` with ``refresh(changes)``; a page whose
module is not installed is shown as a short notice instead.
"""

from __future__ import annotations

import importlib

PAGES: tuple[tuple[str, str, str], ...] = (
    ("dashboard", "首页", "desktop_app.ui.monitoring.dashboard:DashboardPage"),
    ("register", "项目库", "desktop_app.ui.register.page:RegisterPage"),
    ("gantt", "甘特图", "desktop_app.ui.gantt.page:GanttPage"),
    ("reporting", "进度填报", "desktop_app.ui.exchange.page:ReportingPage"),
    ("supervision", "督办预警", "desktop_app.ui.monitoring.supervision_page:SupervisionPage"),
    ("annual", "年度清单", "desktop_app.ui.annual.page:AnnualListPage"),
    ("indicators", "主要指标", "desktop_app.ui.monitoring.indicators_page:IndicatorsPage"),
    ("assessment", "年度考核", "desktop_app.ui.assessment.page:AssessmentPage"),
    # After the first eight, whose Ctrl+1…Ctrl+8 users already know.
    # Ctrl+9 and Ctrl+0 go to the ninth and tenth; pages after those have no digit left.
    ("tasks", "重点任务", "desktop_app.ui.tasks.page:TasksPage"),
    ("units", "单位管理", "desktop_app.ui.units_page:UnitsPage"),
    ("plans", "规划", "desktop_app.ui.plans_page:PlansPage"),
)


def page_shortcut(index: int) -> str | None:
    """The key that shows the page at ``index`` (0-based): Ctrl+1 … Ctrl+9, then Ctrl+0 for the
    tenth, in the order of the keyboard's digit row (1 … 9, 0).
    Later pages have none: there is no "Ctrl+10" key, and an invented combination nobody would
    guess is worse than the navigation list and the 视图 menu, which reach every page."""
    if 0 <= index < 9:
        return f"Ctrl+{index + 1}"
    if index == 9:
        return "Ctrl+0"
    return None


def load_class(spec: str) -> type | None:
    """The class named by ``"module:Class"``, or None when that module is not there."""
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing page module is expected; a missing dependency inside it is a bug.
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, class_name, None)
