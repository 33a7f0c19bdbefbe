"""Fonts for the interface: the bundled CJK font, so Chinese never shows as boxes."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import bundled_cjk_font

# Preferred Windows faces first; the bundled font is always registered as the fallback.
PREFERRED_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "SimSun", "宋体")

_registered: list[str] = []


def register_fonts() -> list[str]:
    """Register the bundled font (once) and return its family names."""
    if not _registered:
        font_id = QFontDatabase.addApplicationFont(str(bundled_cjk_font()))
        if font_id >= 0:
            _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_registered)


def apply_app_font(app: QApplication, point_size: int = 10) -> QFont:
    """Set the application font: a Windows Chinese face if present, else the bundled one."""
    bundled = register_fonts()
    available = set(QFontDatabase.families())
    families = [f for f in PREFERRED_FAMILIES if f in available] + bundled
    font = QFont()
    font.setFamilies(families or bundled)
    font.setPointSize(point_size)
    app.setFont(font)
    return font
