"""Undoable edits of a 重点任务 (its 备注): each a QUndoCommand calling ``services.tasks``."""

from __future__ import annotations

from ...domain.errors import UserError
from ...services.changes import Changes
from ...services.tasks import edit_task_notes
from ...store.tasks import Task, task_notes
from ..undo import StoreCommand


class EditTaskNotesCommand(StoreCommand):
    """「修改 RW04-01 备注」: undo puts the notes back, unless someone changed them since."""

    def __init__(self, ctx, task: Task, notes: str | None):
        super().__init__(ctx, f"修改 {task.code} 备注")
        self.task_id = task.id
        self.notes = notes
        self.before = task.notes  # as the user saw them: a later change by another is kept
        self.after: str | None = None

    def apply(self) -> Changes:
        store = self.ctx.store
        try:
            with store.write():
                changes = edit_task_notes(store, self.task_id, self.notes, expected=self.before)
                self.after = task_notes(store, self.task_id)
        except UserError:
            self.ctx.notify(Changes(tasks=True))
            raise
        return changes

    def revert(self) -> Changes:
        try:
            return edit_task_notes(self.ctx.store, self.task_id, self.before, expected=self.after)
        except UserError:
            self.ctx.notify(Changes(tasks=True))  # show the notes as they are now
            raise
