"""Qt's own words in Chinese: the file dialog, the 确定 / 取消 of message boxes, the context
menus of text fields. PySide6 ships ``qtbase_zh_CN.qm``; the packaged application carries it
at the same place under its bundle folder."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CATALOGUE = "qtbase_zh_CN.qm"
# Labels Qt 6.11's Chinese catalogue lacks (its translations of these lack the "&" form).
MISSING = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class MissingWords(QTranslator):
    """The few words the catalogue lacks, consulted after it."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: N802 (Qt's name)
        return MISSING.get((context, source), "")

    def isEmpty(self) -> bool:  # noqa: N802
        return False


_installed: list[QTranslator] = []  # a translator must outlive its installation


def translation_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.TranslationsPath))]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller keeps PySide6's folder layout inside the bundle
        dirs.append(Path(frozen) / "PySide6" / "Qt" / "translations")
    return dirs


def install_qt_translations(app: QApplication) -> Path | None:
    """Install Qt's Chinese catalogue; the file used, or None when it is nowhere to be found
    (the interface then still works, with Qt's own buttons in English)."""
    for folder in translation_dirs():
        path = folder / CATALOGUE
        translator = QTranslator(app)
        if path.is_file() and translator.load(str(path)):
            extra = MissingWords(app)
            app.installTranslator(extra)  # the last installed is asked first; it knows 2 words
            app.installTranslator(translator)
            _installed.extend((extra, translator))
            QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
            return path
    return None


def remove_qt_translations(app: QApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())
