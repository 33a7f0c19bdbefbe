"""The question asked before a form with unsaved edits is closed (取消, Esc, the close button)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_before_closing(
    parent: QWidget, text: str, on_answer: Callable[[str], None], *, save: str | None = "保存"
) -> QMessageBox:
    """Ask ``text`` with ``save`` (if any) / 不保存 (放弃修改 without ``save``) / 继续编辑, the last
    one also for Esc. ``on_answer`` gets "save", "discard" or "keep". Shown without blocking
    (window-modal), so that the caller returns to the event loop meanwhile."""
    buttons = QMessageBox.Discard | QMessageBox.Cancel
    if save:
        buttons |= QMessageBox.Save
    box = QMessageBox(QMessageBox.Question, "未保存的修改", text, buttons, parent)
    if save:
        box.button(QMessageBox.Save).setText(save)
    box.button(QMessageBox.Discard).setText("不保存" if save else "放弃修改")
    box.button(QMessageBox.Cancel).setText("继续编辑")
    box.setDefaultButton(QMessageBox.Save if save else QMessageBox.Cancel)
    box.setEscapeButton(QMessageBox.Cancel)
    box.setAttribute(Qt.WA_DeleteOnClose)
    answers = {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        on_answer(answers.get(box.standardButton(clicked), "keep") if clicked else "keep")

    box.finished.connect(finished)
    box.open()
    return box
