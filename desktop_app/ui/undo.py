"""Undoable edits: every change a user makes is a QUndoCommand on ``ctx.undo_stack``.

A command does its first run through ``execute(ctx, command)``: when the service refuses the
change (a ``UserError``), nothing is pushed and the error goes to the caller. Later redo/undo
calls the same services; a failure then (another user changed the row meanwhile) is reported
through ``ctx.report_error`` and the views reload.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..domain.errors import ConflictError, UserError
from ..domain.fields import label
from ..services import editing
from ..services.changes import Changes


class StoreCommand(QUndoCommand):
    """A command whose ``apply``/``revert`` call services and return ``Changes``."""

    def __init__(self, ctx, text: str):
        super().__init__(text)
        self.ctx = ctx
        self._first = True

    def apply(self) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        if self._first:  # already applied by execute()
            self._first = False
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    # -- another user's later change: refused, never overwritten ------------------------------

    def _conflict(self, what: str, doing: str) -> ConflictError:
        return ConflictError(
            f"「{what}」在这一步之后已被他人（或另一窗口）修改，不能{doing}这一步，"
            "以免覆盖他人的修改。已重新载入最新内容。"
        )

    def _run(self, step) -> None:
        try:
            changes = step()
        except UserError as exc:
            self.setObsolete(True)
            self.ctx.report_error(exc)
            self.ctx.notify(Changes(all_projects=True, units=True))
            return
        self.ctx.notify(changes)


def _snap_state(snap: dict) -> dict:
    """A snapshot without its version: what an undo would overwrite."""
    return {k: v for k, v in snap.items() if k != "version"}


def execute(ctx, command: StoreCommand) -> bool:
    """Apply ``command`` now and push it on the undo stack; ``UserError`` if refused.

    A version conflict reloads the views before the error is raised, so the user sees the
    other person's values.
    """
    try:
        changes = command.apply()
    except ConflictError:
        ctx.notify(Changes(all_projects=True, units=True))
        raise
    ctx.undo_stack.push(command)
    ctx.notify(changes)
    return True


def _project_label(ctx, project_id: str) -> str:
    model = getattr(ctx, "register_model", None)
    p = model.project(project_id) if model is not None else None
    if p is None:
        from ..store.projects import get_project

        try:
            p = get_project(ctx.store, project_id, include_deleted=True)
        except UserError:
            return project_id
    return p.name if len(p.name) <= 20 else p.name[:19] + "…"


def _same(a: object, b: object) -> bool:
    """Whether a form value equals a stored one (dates as ISO text, blanks as None)."""

    def norm(v: object) -> object:
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, str):
            return v.strip() or None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return round(float(v), 2)
        return v

    return norm(a) == norm(b)


def _form_changes(before: dict, form: editing.ProjectForm) -> list[str]:
    """Labels of what a save changes, for the command's name."""
    changed = [k for k, v in form.fields.items() if not _same(v, before["fields"].get(k))]
    if sorted(form.units) != sorted(before["units"]):
        changed.append("units")
    if list(form.milestones) != list(before["milestones"]):
        changed.append("milestones")
    if sorted(form.annual_targets, key=lambda t: t.year) != list(before["annual_targets"]):
        changed.append("annual_targets")
    return [label(k) for k in changed]


class EditFieldsCommand(StoreCommand):
    """Change some fields of one project (table cell, Gantt drag): "修改 S11线 计划完工"."""

    def __init__(
        self,
        ctx,
        project_id: str,
        values: dict,
        *,
        expected_version: int | None = None,
        text: str | None = None,
    ):
        fields = "、".join(label(k) for k in values)
        super().__init__(ctx, text or f"修改 {_project_label(ctx, project_id)} {fields}")
        self.project_id = project_id
        self.values = dict(values)
        self.expected_version = expected_version
        self.before: dict = {}
        self.after: dict = {}  # the fields as this command left them

    def _check(self, expected: dict, doing: str) -> None:
        """Refuse when the fields this command sets no longer hold ``expected`` (someone else
        changed them since): undo and redo never overwrite another person's value."""
        from ..store.projects import get_project

        p = get_project(self.ctx.store, self.project_id, include_deleted=True)
        if any(not _same(getattr(p, k, None), v) for k, v in expected.items()):
            raise self._conflict(_project_label(self.ctx, self.project_id), doing)

    def apply(self) -> Changes:
        from ..store.projects import update_project

        with self.ctx.store.write():  # the check and the change in one transaction
            if not self._first:  # redo: only over the values the undo left
                self._check(self.before, "重做")
            diff = update_project(
                self.ctx.store, self.project_id, self.values, expected_version=self.expected_version
            )
        if self._first:
            self.before = {k: old for k, (old, _) in diff.items()}
            self.after = {k: new for k, (_, new) in diff.items()}
        self.expected_version = None
        return Changes(projects=frozenset({self.project_id}), schedule=True)

    def revert(self) -> Changes:
        with self.ctx.store.write():
            self._check(self.after, "撤销")
            return editing.update_fields(self.ctx.store, self.project_id, self.before)


class SaveProjectCommand(StoreCommand):
    """Save the editor's form; undo puts the project back as it was before the save."""

    def __init__(self, ctx, project_id: str, form: editing.ProjectForm, *, expected_version: int):
        self.before: dict | None = editing.snapshot(ctx.store, project_id)
        what = _form_changes(self.before, form)
        shown = "、".join(what[:3]) + ("等" if len(what) > 3 else "")
        super().__init__(ctx, f"修改 {_project_label(ctx, project_id)} {shown}".strip())
        self.project_id = project_id
        self.form = form
        self.expected_version: int | None = expected_version
        self.after: dict | None = None  # the project as the save left it

    def _check(self, expected: dict, doing: str) -> None:
        now = editing.snapshot(self.ctx.store, self.project_id)
        if _snap_state(now) != _snap_state(expected):
            raise self._conflict(_project_label(self.ctx, self.project_id), doing)

    def apply(self) -> Changes:
        with self.ctx.store.write():  # the check and the save in one transaction
            if self._first:  # the state the save replaces (not the one the form was read at)
                self.before = editing.snapshot(self.ctx.store, self.project_id)
            else:  # redo: only over the project as the undo left it
                self._check(self.before, "重做")
            changes = editing.save_form(
                self.ctx.store, self.project_id, self.form, expected_version=self.expected_version
            )
            self.after = editing.snapshot(self.ctx.store, self.project_id)
        self.expected_version = None
        return changes

    def revert(self) -> Changes:
        with self.ctx.store.write():  # the check and the restore in one transaction
            self._check(self.after, "撤销")
            return editing.restore(self.ctx.store, self.project_id, self.before)


class CreateProjectCommand(StoreCommand):
    """A new project; undo deletes it again (softly), redo brings it back."""

    def __init__(self, ctx, form: editing.ProjectForm):
        super().__init__(ctx, f"新建项目 {form.fields.get('name') or ''}".strip())
        self.form = form
        self.project_id: str | None = None

    def apply(self) -> Changes:
        if self.project_id is None:
            self.project_id = editing.create_from_form(self.ctx.store, self.form)
            return Changes(projects=frozenset({self.project_id}))
        return editing.set_deleted(self.ctx.store, [self.project_id], False)

    def revert(self) -> Changes:
        return editing.set_deleted(self.ctx.store, [self.project_id], True, backup=False)


class DeleteProjectsCommand(StoreCommand):
    """Delete projects (soft, after a backup); undo brings them back."""

    def __init__(self, ctx, project_ids: list[str], *, keep_backups: int = 10):
        if len(project_ids) == 1:
            text = f"删除 {_project_label(ctx, project_ids[0])}"
        else:
            text = f"删除 {len(project_ids)} 个项目"
        super().__init__(ctx, text)
        self.project_ids = list(project_ids)
        self.keep = keep_backups

    def apply(self) -> Changes:
        return editing.set_deleted(
            self.ctx.store, self.project_ids, True, backup=self._first, keep=self.keep
        )

    def revert(self) -> Changes:
        return editing.set_deleted(self.ctx.store, self.project_ids, False)


class AddUnitCommand(StoreCommand):
    def __init__(self, ctx, values: dict):
        super().__init__(ctx, f"新建单位 {values.get('name') or ''}".strip())
        self.values = dict(values)
        self.unit_id: int | None = None

    def apply(self) -> Changes:
        if self.unit_id is None:
            self.unit_id, changes = editing.add_unit(self.ctx.store, self.values)
            return changes
        return editing.update_unit(self.ctx.store, self.unit_id, {"active": True})

    def revert(self) -> Changes:
        # A unit is never deleted once created (it may be referenced): undo deactivates it.
        return editing.update_unit(self.ctx.store, self.unit_id, {"active": False})


class EditUnitCommand(StoreCommand):
    """Rename a unit, change its contact, (de)activate it."""

    def __init__(
        self, ctx, unit_id: int, values: dict, text: str, *, expected_version: int | None = None
    ):
        super().__init__(ctx, text)
        self.unit_id = unit_id
        self.values = dict(values)
        self.before = {
            k: v for k, v in editing.unit_values(ctx.store, unit_id).items() if k in values
        }
        self.expected_version = expected_version  # the unit as the page showed it
        self.after: dict = {}

    def _check(self, expected: dict, doing: str) -> None:
        now = editing.unit_values(self.ctx.store, self.unit_id)
        if any(not _same(now.get(k), v) for k, v in expected.items()):
            raise self._conflict(now.get("name") or str(self.unit_id), doing)

    def apply(self) -> Changes:
        with self.ctx.store.write():
            if not self._first:
                self._check(self.before, "重做")
            changes = editing.update_unit(
                self.ctx.store, self.unit_id, self.values, expected_version=self.expected_version
            )
            now = editing.unit_values(self.ctx.store, self.unit_id)
        self.after = {k: now.get(k) for k in self.values}
        self.expected_version = None
        return changes

    def revert(self) -> Changes:
        with self.ctx.store.write():
            self._check(self.after, "撤销")
            return editing.update_unit(self.ctx.store, self.unit_id, self.before)


class MergeUnitsCommand(StoreCommand):
    """Merge unit ``source`` into ``target`` (backup first); undo moves the links back."""

    def __init__(self, ctx, source_id: int, target_id: int, text: str, *, keep_backups: int = 10):
        super().__init__(ctx, text)
        self.source_id, self.target_id = source_id, target_id
        self.keep = keep_backups
        self.moved = 0
        self.undo_info: editing.MergeUndo | None = None

    def apply(self) -> Changes:
        self.moved, self.undo_info, changes = editing.merge_units(
            self.ctx.store, self.source_id, self.target_id, backup=self._first, keep=self.keep
        )
        return changes

    def revert(self) -> Changes:
        return editing.unmerge(self.ctx.store, self.undo_info)


class BulkEditCommand(StoreCommand):
    """批量修改 of many projects: one step on the undo stack, one op_id in the audit log."""

    def __init__(self, ctx, project_ids: list[str], edit, *, expected_versions=None):
        from ..services.bulk import BulkEdit

        assert isinstance(edit, BulkEdit)
        what = [label(k) for k in edit.fields]
        if not edit.units.empty:
            what.append("单位")
        shown = "、".join(what[:3]) + ("等" if len(what) > 3 else "")
        super().__init__(ctx, f"批量修改 {len(project_ids)} 个项目的{shown}")
        self.project_ids = list(project_ids)
        self.edit = edit
        self.expected_versions = expected_versions
        self.before: dict[str, dict] = {}
        self.after: dict[str, dict] = {}

    def apply(self) -> Changes:
        from ..services import bulk

        store = self.ctx.store
        with store.write():  # the check and the change in one transaction
            if not self._first:  # redo: only over the projects as the undo left them
                bulk.restore_projects(store, {}, expected=self.before)
            before = bulk.bulk_edit_projects(
                store, self.project_ids, self.edit, expected_versions=self.expected_versions
            )
            self.after = bulk.snapshots(store, self.project_ids)
        if self._first:
            self.before = before
        self.expected_versions = None
        return Changes(projects=frozenset(self.project_ids), schedule=True)

    def revert(self) -> Changes:
        from ..services import bulk

        return bulk.restore_projects(self.ctx.store, self.before, expected=self.after)


class AssignTaskUnitsCommand(StoreCommand):
    """Set the units of one or many 重点任务; undo gives each its units back."""

    def __init__(self, ctx, task_ids: list[int], change, *, text: str | None = None):
        super().__init__(ctx, text or f"分配 {len(task_ids)} 项重点任务的单位")
        self.task_ids = list(task_ids)
        self.change = change
        self.before: dict[int, list[tuple[int, str]]] = {}
        self.after: dict[int, list[tuple[int, str]]] = {}

    def apply(self) -> Changes:
        from ..services import bulk

        store = self.ctx.store
        with store.write():
            if self._first:
                self.before = bulk.assign_task_units(store, self.task_ids, self.change)
            else:
                bulk.set_tasks_units(store, self.after, expected=self.before)
            self.after = bulk.task_links(store, self.task_ids)
        return Changes(tasks=True)

    def revert(self) -> Changes:
        from ..services import bulk

        return bulk.set_tasks_units(self.ctx.store, self.before, expected=self.after)
