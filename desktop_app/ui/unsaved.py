"""Forms that ask before unsaved edits are closed away (取消, Esc, the window's close button)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class AsksBeforeClosing:
    """Mixin for a ``QDialog`` form (listed before ``QDialog``): closing it with unsaved edits
    asks ``CLOSE_TEXT`` with ``SAVE_TEXT`` / 不保存 / 继续编辑 (Esc = 继续编辑) instead of throwing
    away what was typed. The form says whether it has such edits (``has_unsaved_changes``) and
    saves with ``save()``, which closes it when it succeeds and otherwise keeps it open, saying
    what is wrong."""

    CLOSE_TEXT = "有尚未保存的修改。关闭前要保存吗？"
    SAVE_TEXT = "保存"
    close_question: QMessageBox | None = None  # the question while it is shown

    @property
    def has_unsaved_changes(self) -> bool:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        if not self.has_unsaved_changes:
            super().reject()
        elif self.close_question is None:
            self.close_question = ask_before_closing(
                self, self.CLOSE_TEXT, self._close_answer, save=self.SAVE_TEXT
            )

    def _close_answer(self, answer: str) -> None:
        self.close_question = None
        if answer == "save":
            self.save()
        elif answer == "discard":
            super().reject()


def ask_before_closing(
    parent: QWidget, text: str, on_answer: Callable[[str], None], *, save: str = "保存"
) -> QMessageBox:
    """Ask ``text`` with ``save`` / 不保存 / 继续编辑, the last one also for Esc; ``on_answer``
    gets "save", "discard" or "keep". Shown without blocking (window-modal), so that the
    caller returns to the event loop meanwhile."""
    box = QMessageBox(
        QMessageBox.Question,
        "未保存的修改",
        text,
        QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
        parent,
    )
    box.button(QMessageBox.Save).setText(save)
    box.button(QMessageBox.Discard).setText("不保存")
    box.button(QMessageBox.Cancel).setText("继续编辑")
    box.setDefaultButton(QMessageBox.Save)
    box.setEscapeButton(QMessageBox.Cancel)
    box.setAttribute(Qt.WA_DeleteOnClose)
    answers = {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        on_answer(answers.get(box.standardButton(clicked), "keep") if clicked else "keep")

    box.finished.connect(finished)
    box.open()
    return box
