"""Undoable Gantt edits: moving or resizing a planned span, baselines and dependencies.

Each command calls the schedule services (never SQL) and tells the views what changed. A drag
is applied once, on release, so one drag is one step; consecutive nudges of the same project
with the keyboard fold into one step through ``mergeWith``.
"""

from __future__ import annotations

from datetime import date

from ...services import schedule
from ...services.changes import Changes
from ..undo import StoreCommand, _project_label

MOVE_ID = 0x6A7  # QUndoCommand.id() of span edits, so that nudges can merge

_VERBS = {"move": "移动 {} 计划工期", "start": "修改 {} 计划开工", "end": "修改 {} 计划完工"}


class SetSpanCommand(StoreCommand):
    """Set a project's planned start and end (drag, resize, nudge)."""

    def __init__(
        self,
        ctx,
        project_id: str,
        start: date | None,
        end: date | None,
        mode: str = "move",
        *,
        merge: bool = False,
        version: int | None = None,
    ):
        super().__init__(
            ctx, _VERBS.get(mode, _VERBS["move"]).format(_project_label(ctx, project_id))
        )
        self.project_id = project_id
        self.new = (start, end)
        old_start, old_end, current = schedule.planned_span(ctx.store, project_id)
        self.old = (old_start, old_end)
        self._version = (
            version if version is not None else current
        )  # the version the user saw; a newer one means someone else saved
        self._merge = merge

    def id(self) -> int:
        return MOVE_ID if self._merge else -1

    def mergeWith(self, other) -> bool:
        if not isinstance(other, SetSpanCommand) or other.project_id != self.project_id:
            return False
        self.new = other.new
        self._version = other._version
        return True

    def _set(self, span: tuple[date | None, date | None]) -> Changes:
        changes = schedule.set_planned_span(
            self.ctx.store, self.project_id, *span, expected_version=self._version
        )
        self._version = schedule.planned_span(self.ctx.store, self.project_id)[2]
        return changes

    def apply(self) -> Changes:
        return self._set(self.new)

    def revert(self) -> Changes:
        return self._set(self.old)


class SaveBaselineCommand(StoreCommand):
    def __init__(self, ctx, name: str):
        super().__init__(ctx, f"保存基线「{name.strip()}」")
        self.name = name
        self.baseline_id: int | None = None

    def apply(self) -> Changes:
        self.baseline_id, changes = schedule.save_baseline(self.ctx.store, self.name)
        return changes

    def revert(self) -> Changes:
        return schedule.delete_baseline(self.ctx.store, self.baseline_id)


class AddLinkCommand(StoreCommand):
    def __init__(
        self,
        ctx,
        pred_id: str,
        succ_id: str,
        lag_days: int = 0,
        *,
        pred_milestone_id: int | None = None,
        succ_milestone_id: int | None = None,
    ):
        super().__init__(
            ctx, f"添加前置关系 {_project_label(ctx, pred_id)} → {_project_label(ctx, succ_id)}"
        )
        self.args = (pred_id, succ_id, lag_days)
        self.milestones = {
            "pred_milestone_id": pred_milestone_id,
            "succ_milestone_id": succ_milestone_id,
        }
        self.link_id: int | None = None

    def apply(self) -> Changes:
        pred, succ, lag = self.args
        self.link_id, changes = schedule.add_dependency(
            self.ctx.store, pred, succ, lag_days=lag, **self.milestones
        )
        return changes

    def revert(self) -> Changes:
        return schedule.remove_dependency(self.ctx.store, self.link_id)


class RemoveLinkCommand(StoreCommand):
    def __init__(self, ctx, link):
        super().__init__(
            ctx,
            f"删除前置关系 {_project_label(ctx, link.pred_project_id)} → "
            f"{_project_label(ctx, link.succ_project_id)}",
        )
        self.link = link

    def apply(self) -> Changes:
        return schedule.remove_dependency(self.ctx.store, self.link.id)

    def revert(self) -> Changes:
        link = self.link
        lid, changes = schedule.add_dependency(
            self.ctx.store,
            link.pred_project_id,
            link.succ_project_id,
            lag_days=link.lag_days,
            pred_milestone_id=link.pred_milestone_id,
            succ_milestone_id=link.succ_milestone_id,
        )
        self.link = type(link)(
            lid,
            link.pred_project_id,
            link.succ_project_id,
            link.lag_days,
            link.pred_milestone_id,
            link.succ_milestone_id,
        )
        return changes
