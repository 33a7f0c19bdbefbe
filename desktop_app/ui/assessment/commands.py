"""Undoable edits of the 年度考核: a save of the year's rules, a 加分 or 扣分 entered or deleted.
Each runs its service once; undo / redo put the rules or the points back as they were, unless
someone changed them since (then refused, nothing overwritten)."""

from __future__ import annotations

from ...services import assessment as service
from ...services.changes import Changes
from ..undo import StoreCommand

# The 年度考核 page reloads on any change; reports=True also refreshes the pages showing the
# year's figures.
_CHANGED = Changes(reports=True)


class SaveRulesCommand(StoreCommand):
    def __init__(self, ctx, rules, expected):
        super().__init__(ctx, f"保存 {rules.year} 年考核规则")
        self.rules, self.expected = rules, expected
        self.step: service.RulesStep | None = None

    def apply(self) -> Changes:
        if self.step is None:  # the first run: the save itself
            self.step = service.save_rules_step(self.ctx.store, self.rules, expected=self.expected)
        else:
            service.undo_rules(self.ctx.store, self.step, redo=True)
        return _CHANGED

    def revert(self) -> Changes:
        service.undo_rules(self.ctx.store, self.step)
        return _CHANGED


class AddAdjustmentCommand(StoreCommand):
    def __init__(self, ctx, year: int, unit_id: int, unit: str, points: float, reason, basis):
        super().__init__(ctx, f"{'加分' if points > 0 else '扣分'} {unit} {points:+g} 分")
        self.args = (year, unit_id, points, reason, basis)
        self.step: service.AdjustmentStep | None = None

    def apply(self) -> Changes:
        if self.step is None:
            self.step = service.add_adjustment(self.ctx.store, *self.args)
        else:
            service.undo_adjustment(self.ctx.store, self.step, redo=True)
        return _CHANGED

    def revert(self) -> Changes:
        service.undo_adjustment(self.ctx.store, self.step)
        return _CHANGED


class DeleteAdjustmentCommand(StoreCommand):
    def __init__(self, ctx, adjustment):
        super().__init__(ctx, f"删除加减分 {adjustment.unit} {adjustment.points:+g} 分")
        self.adjustment_id = adjustment.id
        self.step: service.AdjustmentStep | None = None

    def apply(self) -> Changes:
        if self.step is None:
            self.step = service.delete_adjustment(self.ctx.store, self.adjustment_id)
        else:
            service.undo_adjustment(self.ctx.store, self.step, redo=True)
        return _CHANGED

    def revert(self) -> Changes:
        service.undo_adjustment(self.ctx.store, self.step)
        return _CHANGED
