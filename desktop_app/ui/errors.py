"""Programming errors: logged to a file in the user's data folder and shown once, politely."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler

from PySide6.QtWidgets import QApplication, QMessageBox

from ..domain.errors import UserError
from ..locations import log_dir

_shown = False


def setup_logging() -> None:
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            folder / "app.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def show_user_error(parent, exc: UserError, title: str = "操作未完成") -> None:
    QMessageBox.warning(parent, title, exc.message)


def install_excepthook() -> None:
    setup_logging()

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, UserError):
            QMessageBox.warning(QApplication.activeWindow(), "操作未完成", str(exc))
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        logging.getLogger("desktop_app").error("未处理的错误：\n%s", text)
        global _shown
        if not _shown and QApplication.instance() is not None:
            _shown = True
            QMessageBox.critical(
                QApplication.activeWindow(),
                "程序错误",
                "程序遇到了一个内部错误，已记录到日志文件：\n"
                f"{log_dir() / 'app.log'}\n\n您的数据未受影响。请把日志文件发给维护人员。",
            )

    sys.excepthook = hook
