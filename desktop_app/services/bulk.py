"""批量修改: set the same fields or units on many projects (or units on many tasks) at once.

Each change is one transaction, so its audit rows share one ``op_id``: the history shows one
operation, and the undo command (``ui/undo.py``) puts every row back in one step. A change that
one row cannot take (a 计划完工 before that row's 计划开工, a row changed by someone else since
it was shown) is refused whole, with every such row named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.bulk import BulkProblem, BulkRefusal, UnitChange, apply_units
from ..domain.errors import ConflictError, UserError
from ..domain.parsing import from_iso
from ..domain.validation import project_problems, unit_links_problems
from ..store import Store
from ..store import projects as project_store
from ..store import tasks as task_store
from .changes import Changes

# The fields a bulk edit may set on projects (the dialog offers these).
BULK_FIELDS: tuple[str, ...] = (
    "section_id",
    "stage",
    "planned_start",
    "planned_end",
    "total_investment",
)
_DATES = ("planned_start", "planned_end", "actual_start", "actual_end")


@dataclass(frozen=True)
class BulkEdit:
    """What one bulk edit sets: project fields (already parsed) and units."""

    fields: dict = field(default_factory=dict)
    units: UnitChange = UnitChange()

    @property
    def empty(self) -> bool:
        return not self.fields and self.units.empty


def _typed(values: dict) -> dict:
    return {
        k: (from_iso(v) if k in _DATES and isinstance(v, str) else v) for k, v in values.items()
    }


def _project_label(snap: dict) -> str:
    f = snap["fields"]
    name = f["name"] if len(f["name"]) <= 24 else f["name"][:23] + "…"
    return f"{f['code']} {name}"


def bulk_edit_projects(
    store: Store,
    project_ids: list[str],
    edit: BulkEdit,
    *,
    expected_versions: dict[str, int] | None = None,
) -> dict[str, dict]:
    """Apply ``edit`` to every project in one transaction; returns each project's snapshot as it
    was before (for the undo). ``UserError`` naming every row that cannot take it, and nothing
    changed, when one cannot; ``expected_versions`` refuses rows saved by someone else since."""
    unknown = set(edit.fields) - set(BULK_FIELDS)
    if unknown:
        raise ValueError(f"not bulk-editable: {sorted(unknown)}")
    before: dict[str, dict] = {}
    problems: list[BulkProblem] = []
    plans: list[tuple[str, list[tuple[int, str]] | None]] = []
    with store.write():
        for pid in project_ids:
            snap = project_store.snapshot(store, pid)
            before[pid] = snap
            label = _project_label(snap)
            expected = (expected_versions or {}).get(pid)
            if expected is not None and expected != snap["version"]:
                problems.append(BulkProblem(label, "已被他人（或另一窗口）修改，请刷新后再选"))
                continue
            merged = _typed(snap["fields"] | edit.fields)
            found = project_problems({k: merged[k] for k in (*edit.fields, *_DATES)})
            links = None
            if not edit.units.empty:
                links = apply_units(snap["units"], edit.units)
                if problem := unit_links_problems(links):
                    found["units"] = problem
            problems += [BulkProblem(label, reason) for reason in found.values()]
            plans.append((pid, links))
        if problems:
            raise UserError(BulkRefusal(tuple(problems)).message("项目"))
        for pid, links in plans:
            if edit.fields:
                project_store.update_project(store, pid, edit.fields)
            if links is not None:
                project_store.set_units(store, pid, links)
    return before


def restore_projects(
    store: Store, snapshots: dict[str, dict], *, expected: dict[str, dict] | None = None
) -> Changes:
    """Put projects back as in ``snapshots`` (the undo of a bulk edit), in one transaction.

    ``expected``: the projects as the bulk edit left them; one changed since by someone else
    refuses the whole undo (``ConflictError`` naming it) rather than overwrite their change.
    """
    with store.write():
        if expected is not None:
            changed = [
                _project_label(snap)
                for pid, snap in expected.items()
                if _state(project_store.snapshot(store, pid)) != _state(snap)
            ]
            if changed:
                raise ConflictError(
                    f"{'、'.join(changed[:5])}{'等' if len(changed) > 5 else ''}"
                    f" 在这一步之后已被他人（或另一窗口）修改，不能撤销或重做这一步，"
                    "以免覆盖他人的修改。已重新载入最新内容。"
                )
        for pid, snap in snapshots.items():
            project_store.restore_snapshot(store, pid, snap)
    return Changes(projects=frozenset(snapshots), schedule=True)


def snapshots(store: Store, project_ids: list[str]) -> dict[str, dict]:
    return {pid: project_store.snapshot(store, pid) for pid in project_ids}


def _state(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "version"}


# -- tasks -----------------------------------------------------------------------------------


def assign_task_units(
    store: Store, task_ids: list[int], change: UnitChange
) -> dict[int, list[tuple[int, str]]]:
    """Apply ``change`` to the units of every task in one transaction; returns each task's units
    as they were (for the undo). Refused whole, naming the tasks, when one cannot take it."""
    tasks = task_store.list_tasks(store, ids=list(task_ids))
    if len(tasks) != len(set(task_ids)):
        raise UserError("选中的重点任务有的已不存在，请刷新后再选。")
    before = {t.id: t.unit_links for t in tasks}
    problems: list[BulkProblem] = []
    plans: list[tuple[int, list[tuple[int, str]]]] = []
    for t in tasks:
        links = apply_units(t.unit_links, change)
        problem = unit_links_problems(links)
        if problem:
            problems.append(BulkProblem(t.label, problem))
        plans.append((t.id, links))
    if problems:
        raise UserError(BulkRefusal(tuple(problems)).message("任务"))
    with store.write():
        for task_id, links in plans:
            task_store.set_task_units(store, task_id, links)
    return before


def set_tasks_units(
    store: Store,
    links_by_task: dict[int, list[tuple[int, str]]],
    *,
    expected: dict[int, list[tuple[int, str]]] | None = None,
) -> Changes:
    """Give each task exactly its units (undo/redo of an assignment), in one transaction;
    refused when a task's units are no longer ``expected`` (changed by someone else since)."""
    with store.write():
        if expected is not None:
            now = {t.id: t for t in task_store.list_tasks(store, ids=list(expected))}
            changed = [
                now[tid].label
                for tid, links in expected.items()
                if tid in now and sorted(now[tid].unit_links) != sorted(links)
            ]
            if changed:
                raise ConflictError(
                    f"{'、'.join(changed[:5])}{'等' if len(changed) > 5 else ''}"
                    " 的单位在这一步之后已被他人（或另一窗口）修改，不能撤销或重做这一步，"
                    "以免覆盖他人的修改。已重新载入最新内容。"
                )
        for task_id, links in links_by_task.items():
            task_store.set_task_units(store, task_id, links)
    return Changes(tasks=True)


def task_links(store: Store, task_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    return {t.id: t.unit_links for t in task_store.list_tasks(store, ids=list(task_ids))}
