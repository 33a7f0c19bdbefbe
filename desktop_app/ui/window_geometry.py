"""Where the main window goes: sized to the screen it opens on, and back where the user left it
only if that place is still on a screen (a laptop taken off its docking station keeps no window
out of sight)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QDialog

# Comfortable on a 1920×1080 screen at 100 %; smaller screens get the window maximised.
PREFERRED = QSize(1440, 900)
# Below this much room a normal window leaves too little for the tables: open maximised.
MAXIMISE_BELOW = QSize(1500, 900)
MARGIN = 24  # the free border around a window that is not maximised
TITLE_BAR = 32  # the frame above a window's inside, on Windows at 100 %


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


def fit_into(rect: QRect, available: QRect, title_bar: int = TITLE_BAR) -> QRect:
    """``rect`` (a window's inside) made no larger than ``available`` less the title bar, and
    moved so that it lies on it, title bar included. A rectangle that fits is left as it is."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height() - title_bar)
    left = min(max(rect.left(), available.left()), available.right() + 1 - width)
    top = min(max(rect.top(), available.top() + title_bar), available.bottom() + 1 - height)
    return QRect(left, top, width, height)


class DialogFitter(QObject):
    """Keeps every dialog on its screen: a dialog made for a large screen (the import wizard,
    the print preview) is shrunk to a 1366×768 laptop or a 1920×1080 screen at 150 % when it
    is shown, instead of opening with its buttons below the taskbar."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Show and isinstance(watched, QDialog) and watched.isWindow():
            screen = watched.screen()
            if screen is not None:
                fitted = fit_into(watched.geometry(), screen.availableGeometry())
                if fitted != watched.geometry():
                    watched.setGeometry(fitted)
        return False


def install_dialog_fitter(app: QApplication) -> DialogFitter:
    """Fit every dialog the application shows to its screen (see DialogFitter)."""
    fitter = DialogFitter(app)
    app.installEventFilter(fitter)
    return fitter
