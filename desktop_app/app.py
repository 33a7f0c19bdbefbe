"""The desktop application's entry point (``desktop-app`` / ``python -m desktop_app``)."""

from __future__ import annotations

import argparse
import logging
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

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    apply_app_font(app)
    install_excepthook()

    path = Path(args.db) if args.db else default_db_path()
    try:
        store = open_or_create(path)
    except UserError as exc:
        QMessageBox.critical(None, APP_NAME, exc.message)
        return 1
    window = MainWindow(store)
    window.show()
    logging.getLogger(__name__).info("opened %s", path)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
