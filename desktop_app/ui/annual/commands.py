"""Undoable operations on a year's list: each runs a service once, and undo / redo put the list
(and the tasks and projects it touched) back as they were, unless someone changed them since."""

from __future__ import annotations

from collections.abc import Callable

from ...services import annual
from ...services.changes import Changes
from ..undo import StoreCommand


class ListCommand(StoreCommand):
    def __init__(
        self,
        ctx,
        text: str,
        year: int,
        op: Callable[[], object],
        *,
        task_ids=frozenset(),
        project_ids=frozenset(),
        source: str = "手工",
    ):
        super().__init__(ctx, text)
        self.year, self.op = year, op
        self.task_ids, self.project_ids, self.source = set(task_ids), set(project_ids), source
        self.result: object = None
        self.undo_info: annual.ListUndo | None = None

    def apply(self) -> Changes:
        if self.undo_info is None:  # the first run: the operation itself
            self.result, self.undo_info = annual.run_undoable(
                self.ctx.store,
                self.year,
                self.op,
                task_ids=self.task_ids,
                project_ids=self.project_ids,
                source=self.source,
            )
            return Changes(projects=frozenset(self.undo_info.projects), reports=True)
        return annual.undo_list(self.ctx.store, self.undo_info, redo=True)

    def revert(self) -> Changes:
        return annual.undo_list(self.ctx.store, self.undo_info)
