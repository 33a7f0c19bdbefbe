"""Where the main window goes: sized to the screen it opens on, and back where the user left it
only if that place is still on a screen (a laptop taken off its docking station keeps no window
out of sight)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize

# Comfortable on a 1920×1080 screen at 100 %; smaller screens get the window maximised.
PREFERRED = QSize(1440, 900)
# Below this much room a normal window leaves too little for the tables: open maximised.
MAXIMISE_BELOW = QSize(1500, 900)
MARGIN = 24  # the free border around a window that is not maximised


def first_geometry(available: QRect) -> tuple[QRect, bool]:
    """The window's rectangle on a screen whose free area is ``available``, and whether to
    open maximised (small screens: 1366×768, or 1920×1080 at 150 %)."""
    maximised = (
        available.width() < MAXIMISE_BELOW.width() or available.height() < MAXIMISE_BELOW.height()
    )
    width = min(PREFERRED.width(), available.width() - 2 * MARGIN)
    height = min(PREFERRED.height(), available.height() - 2 * MARGIN)
    rect = QRect(QPoint(0, 0), QSize(max(width, 320), max(height, 240)))
    rect.moveCenter(available.center())
    return rect, maximised


def fits(rect: QRect, screens: list[QRect]) -> bool:
    """Whether ``rect`` (a saved window) lies wholly on one of the screens' free areas."""
    return rect.isValid() and any(area.contains(rect) for area in screens)
