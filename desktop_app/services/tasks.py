"""Edits of a 重点任务 made in the window or from the command line: its 备注. One transaction each,
audited (entity ``task``), refused on a task of a closed plan."""

from __future__ import annotations

from ..domain.errors import ConflictError, ValidationError
from ..domain.parsing import clean_text
from ..domain.validation import length_problem
from ..store import tasks as task_store
from ..store.database import Store
from ..store.plans import refuse_closed_task
from .changes import Changes

_ANY = object()  # no expectation: write whatever the notes are now


def edit_task_notes(
    store: Store, task_id: int, notes: str | None, *, expected: object = _ANY
) -> Changes:
    """Set the task's 备注 (blank clears it). With ``expected`` (the notes as the user saw them),
    refused when someone else has changed them since: a later save never overwrites theirs."""
    value = clean_text(notes)
    problem = length_problem("notes", value)
    if problem:
        raise ValidationError({"notes": f"备注{problem}"})
    with store.write():
        current = task_store.task_notes(store, task_id)
        refuse_closed_task(store, task_id)  # before any other reason: the plan is read-only
        if expected is not _ANY and clean_text(expected) != current:
            task = task_store.get_task(store, task_id)
            raise ConflictError(
                f"重点任务「{task.label}」的备注已被他人（或另一窗口）改为「{current or '（空）'}」，"
                "这次修改未执行，以免覆盖他人的修改。已重新载入最新内容。"
            )
        task_store.set_task_notes(store, task_id, value)
    return Changes(tasks=True)
