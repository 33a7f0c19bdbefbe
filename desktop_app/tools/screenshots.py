"""Render every main view and the main dialogs offscreen to PNG, one file per view.

Usage: ``python -m desktop_app.tools.screenshots OUTDIR``. Works on a temporary copy of the
built-in plan dataset with 20 demo projects and the demo's year's list (its tasks, reports and
督办) and a fixed
"today" (2026-12-06), so the pictures are reproducible.
Pages that are not installed are skipped.

Each screen an office commonly has is rendered by a child process of its own (Qt fixes the
screen and the scale factor when it starts): a 1366×768 laptop at 100 % into OUTDIR, and a
1920×1080 screen at 150 % (1280×720 in Qt's units) into OUTDIR/1920x1080-150. The window is
placed by the application's own rule for a first start on that screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TODAY = date(2026, 12, 6)
DEMO_PROJECTS = 20  # the demo list takes its projects from these


@dataclass(frozen=True)
class Screen:
    """A screen as an office has it: its pixels, its Windows scaling, where its pictures go."""

    name: str
    width: int
    height: int
    scale: float
    folder: str  # below OUTDIR ("" = OUTDIR itself)


SCREENS = (
    Screen("1366x768", 1366, 768, 1.0, ""),
    Screen("1920x1080-150", 1920, 1080, 1.5, "1920x1080-150"),
)


def screen_environment(screen: Screen, work: Path) -> dict[str, str]:
    """The environment of a child process whose only screen is ``screen`` (offscreen)."""
    config = work / f"screen-{screen.name}.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": screen.name,
                        "x": 0,
                        "y": 0,
                        "width": screen.width,
                        "height": screen.height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["QT_SCALE_FACTOR"] = f"{screen.scale:g}"
    env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    return env


def _settle(app) -> None:
    for _ in range(3):
        app.processEvents()


def _loaded(page, app) -> None:
    """Wait for a page that computes its figures off the window's thread (年度考核)."""
    from PySide6.QtCore import QThreadPool

    for _ in range(600):
        if not getattr(page, "loading", False):
            return
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def _save(widget, out: Path, name: str, app) -> Path:
    _settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def demo_database(path: Path):
    """The built-in plan dataset with the demo's projects and year's list (tasks, reports,
    督办), so that 年度清单, 督办预警 and 首页 show tasks, lights and rates rather than their
    empty states."""
    from ..services.demo import generate_demo
    from ..services.setup import init_database

    store, _ = init_database(path)
    generate_demo(store, DEMO_PROJECTS, today=TODAY)
    return store


def render_all(out: Path) -> list[Path]:
    """Write the PNGs into ``out``; returns their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .. import APP_NAME
    from ..store.projects import list_projects
    from ..ui.fonts import apply_app_font
    from ..ui.window_geometry import install_dialog_fitter

    app = QApplication.instance() or QApplication([])
    app.setApplicationName(APP_NAME)
    apply_app_font(app)
    install_dialog_fitter(app)  # as the application does: dialogs kept on the screen
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    os.environ["CHENGDE_DATA_DIR"] = str(work / "userdata")
    store = demo_database(work / "项目库.db")

    from ..ui.backups import BackupsDialog
    from ..ui.editor.dialog import ProjectEditor
    from ..ui.history import HistoryDialog
    from ..ui.main_window import MainWindow
    from ..ui.settings_dialog import SettingsDialog

    settings = QSettings(str(work / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(store, settings, today=TODAY)
    window.show()
    written: list[Path] = []

    # A first edit, so that the history and the undo menu have something to show.
    s11 = next(p for p in list_projects(store) if "S11" in p.name)
    editor = ProjectEditor(window.ctx, s11.id, window)
    editor.inputs["planned_start"].setText("2024-06-01")
    editor.inputs["planned_end"].setText("2028-12-31")
    editor.inputs["total_investment"].setText("1.5亿")
    editor.inputs["percent_complete"].setText("35")
    editor.save()

    window.show_page("register")
    window.register_page.select_project(s11.id)
    written.append(_save(window, out, "main_window", app))
    page = window.register_page
    page.group_combo.setCurrentIndex(page.group_combo.findData("column"))
    page.view.clearSelection()
    page.view.scrollToTop()
    written.append(_save(window, out, "register", app))
    page.group_combo.setCurrentIndex(0)
    tasks = window.page("tasks")
    if tasks is not None:  # one task chosen: the pane below shows the plan's words
        tasks.select_tasks([tasks.model.shown[3].id])
    for key in window.page_keys:
        if key == "register":
            continue
        window.show_page(key)
        _loaded(window.pages.get(key), app)
        written.append(_save(window, out, key, app))
    window.show_page("register")

    dialogs = []
    # 批量修改 of five projects, refused: the dialog names the rows and why.
    page.select_projects([page.model.project_at(r).id for r in range(1, 6)])
    bulk = window.bulk_edit()
    bulk.checks["lead"].setChecked(True)
    bulk.lead.setCurrentIndex(bulk.lead.findText("市水利局"))
    bulk.checks["planned_start"].setChecked(True)
    bulk.fields["planned_start"].setText("2027年3月")
    bulk.checks["planned_end"].setChecked(True)
    bulk.fields["planned_end"].setText("2026-12-31")
    bulk.accept()
    dialogs.append(("bulk_edit", bulk))
    editor = ProjectEditor(window.ctx, s11.id, window)
    editor.show()
    dialogs.append(("editor", editor))
    invalid = ProjectEditor(window.ctx, s11.id, window)
    invalid.inputs["percent_complete"].setText("120")
    invalid.inputs["planned_end"].setText("2020-01-01")
    invalid.show()
    dialogs.append(("editor_invalid", invalid))
    history = ProjectEditor(window.ctx, s11.id, window)
    history.tabs.setCurrentIndex(history.tabs.count() - 1)
    history.show()
    dialogs.append(("history", history))
    log = HistoryDialog(window.ctx, None, window)
    log.show()
    dialogs.append(("database_log", log))
    backups = BackupsDialog(window.ctx, window)
    backups.show()
    dialogs.append(("backups", backups))
    settings_dialog = SettingsDialog(window.ctx, window)
    settings_dialog.show()
    dialogs.append(("settings", settings_dialog))
    from ..ui.exchange.wizard import ImportWizard
    from ..ui.reports.print_dialog import PrintDialog

    wizard = ImportWizard(window.ctx, window)
    wizard.show()
    dialogs.append(("import_wizard", wizard))
    printing = PrintDialog(window.ctx, window)
    printing.show()
    dialogs.append(("print_dialog", printing))
    from ..ui.reports.evaluation_dialog import EvaluationDialog

    evaluation = EvaluationDialog(window.ctx, window)
    evaluation.show()
    dialogs.append(("evaluation_dialog", evaluation))
    for name, dialog in dialogs:
        written.append(_save(dialog, out, name, app))
        dialog.close()
    window.close()
    window.ctx.store.close()
    return written


def render_screens(out: Path, screens: tuple[Screen, ...] = SCREENS) -> int:
    """Render every view once per screen, each in a child process; 0 when all succeeded."""
    work = Path(tempfile.mkdtemp(prefix="screens-"))
    failed = 0
    for screen in screens:
        folder = out / screen.folder if screen.folder else out
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app.tools.screenshots", "--one", str(folder)],
            env=screen_environment(screen, work),
            check=False,
        )
        failed |= done.returncode
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--one"] and len(args) == 2:
        for path in render_all(Path(args[1])):
            print(path)
        return 0
    if len(args) != 1:
        print("用法：python -m desktop_app.tools.screenshots 输出文件夹", file=sys.stderr)
        return 2
    return render_screens(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
