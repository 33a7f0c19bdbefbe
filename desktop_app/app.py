"""The desktop application's entry point (``desktop-app`` / ``python -m desktop_app``)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="desktop-app", description="成德同城化重大项目管理")
    parser.add_argument("--db", metavar="PATH", help="打开指定的数据库文件")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication, QMessageBox

    from . import APP_NAME, ORG_NAME
    from .domain.errors import UserError
    from .locations import default_db_path
    from .services.setup import open_or_create
    from .ui.errors import install_excepthook
    from .ui.fonts import apply_app_font
    from .ui.main_window import MainWindow
    from .ui.translations import install_qt_translations
    from .ui.window_geometry import install_dialog_fitter
    from .ui.worker import stop_all_jobs

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    use_portable_settings()
    apply_app_font(app)
    install_excepthook()
    qt_chinese = install_qt_translations(app)
    logging.getLogger(__name__).info("Qt 中文翻译：%s", qt_chinese or "未找到")
    install_dialog_fitter(app)

    if args.db:
        path = Path(args.db)
    elif os.environ.get("CHENGDE_DATA_DIR"):  # an explicit data folder wins over the last file
        path = default_db_path()
    else:
        path = last_database() or default_db_path()
    try:
        store = open_or_create(path)
    except UserError as exc:
        QMessageBox.critical(None, APP_NAME, exc.message)
        return 1
    window = MainWindow(store)
    window.show()
    logging.getLogger(__name__).info("opened %s", path)
    code = app.exec()
    stop_all_jobs()  # a job still running (an export, a backup) stops cleanly before the exit
    return code


def use_portable_settings() -> None:
    """In portable mode the settings (recent files, layout, backups kept) live in the data
    folder beside the program too, not in the registry of the PC it happens to run on."""
    from PySide6.QtCore import QSettings

    from .locations import portable_dir

    folder = portable_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))


def last_database(settings=None) -> Path | None:
    """The database used last (opened from a shared folder, say), when it is still there.

    When it is not (the share not connected, the file moved), the user is told before the
    default database opens in its place, so that nobody types into the wrong file unawares.
    """
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from . import APP_NAME
    from .locations import default_db_path

    recent = (settings or QSettings()).value("recent/databases", []) or []
    if isinstance(recent, str):
        recent = [recent]
    if not recent:
        return None
    last = Path(recent[0])
    if last.is_file():
        return last
    if last != default_db_path():
        QMessageBox.warning(
            None,
            APP_NAME,
            f"上次使用的数据库「{last}」现在无法找到（共享文件夹可能未连接，或文件已移动）。\n"
            f"将打开本机的数据库「{default_db_path()}」。需要时请用「文件 → 打开数据库」重新选择。",
        )
    return None


if __name__ == "__main__":
    sys.exit(main())
