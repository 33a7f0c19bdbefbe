"""Edits a user makes in the window (register, editor, units), each returning what changed.

The undo commands in ``ui/undo.py`` call these functions both ways; the CLI and tests can call
them too. Destructive actions (delete, merge) take a backup of the database file first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import ValidationError
from ..domain.fields import PROJECT_FIELD_LABELS
from ..domain.model import AnnualTarget, Milestone
from ..domain.parsing import ParseError, clean_text, parse_date, parse_money, parse_percent
from ..store import Store
from ..store import projects as project_store
from ..store import units as unit_store
from ..store.plans import restoring
from .backup import auto_backup
from .changes import Changes

_DATE_FIELDS = {"planned_start", "planned_end", "actual_start", "actual_end"}
_MONEY_FIELDS = {"total_investment", "investment_to_date"}


def parse_field(field: str, text: object) -> object:
    """A project field typed by a user, as the value to store; ``ValidationError`` if unreadable.

    Uses the same parsers as the Excel import, so "2026年3月", "45%", "1.2亿" mean the same here.
    """
    try:
        if field in _DATE_FIELDS:
            # A month alone ("2028-06") ends a span on its last day, as in the Excel imports.
            return parse_date(text, month_end=field.endswith("_end"))
        if field in _MONEY_FIELDS:
            return parse_money(text)
        if field == "percent_complete":
            return parse_percent(text)
    except ParseError as exc:
        raise ValidationError(
            {field: f"{PROJECT_FIELD_LABELS.get(field, field)}：{exc.reason}"}
        ) from exc
    return clean_text(text)


def update_fields(
    store: Store, project_id: str, values: dict, *, expected_version: int | None = None
) -> Changes:
    """Change some fields of one project (a table cell, a Gantt drag)."""
    project_store.update_project(store, project_id, values, expected_version=expected_version)
    return Changes(projects=frozenset({project_id}), schedule=True)


@dataclass(frozen=True)
class ProjectForm:
    """Everything the editor saves for one project."""

    fields: dict
    units: list[tuple[int, str]]
    milestones: list[Milestone]
    annual_targets: list[AnnualTarget]


def save_form(
    store: Store, project_id: str, form: ProjectForm, *, expected_version: int | None = None
) -> Changes:
    """Save the editor's form in one transaction (refused if someone saved in between)."""
    project_store.save_project(
        store,
        project_id,
        fields=form.fields,
        units=form.units,
        milestones=form.milestones,
        annual_targets=form.annual_targets,
        expected_version=expected_version,
    )
    return Changes(projects=frozenset({project_id}), schedule=True)


def create_from_form(store: Store, form: ProjectForm, *, project_id: str | None = None) -> str:
    """A new project from the editor's form; returns its id."""
    return project_store.create_project(
        store,
        form.fields,
        units=form.units,
        milestones=form.milestones,
        annual_targets=form.annual_targets,
        project_id=project_id,
    )


def snapshot(store: Store, project_id: str) -> dict:
    return project_store.snapshot(store, project_id)


def restore(store: Store, project_id: str, snap: dict) -> Changes:
    """Put a project back as it was in ``snap`` (undo of an edit, a save or a delete)."""
    project_store.restore_snapshot(store, project_id, snap)
    return Changes(projects=frozenset({project_id}), schedule=True)


def _backup_before(store: Store, reason: str, keep: int) -> None:
    """Back up before a destructive action, failing fast when another program holds the file.

    SQLite's online backup retries forever while another connection holds a write lock, so the
    lock is taken (and released) first: a busy database gives the usual clear message instead.
    """
    with store.write(source="系统"):
        pass
    auto_backup(store, reason, keep=keep)


def set_deleted(
    store: Store, project_ids: list[str], deleted: bool, *, backup: bool = True, keep: int = 10
) -> Changes:
    """Delete (or bring back) projects; a backup is taken before deleting."""
    if deleted and backup:
        _backup_before(store, "删除前", keep)
    with store.write():
        for pid in project_ids:
            project_store.set_deleted(store, pid, deleted)
    return Changes(projects=frozenset(project_ids), schedule=True)


# -- units -----------------------------------------------------------------------------------


def add_unit(store: Store, values: dict) -> tuple[int, Changes]:
    uid = unit_store.add_unit(
        store,
        values.get("name") or "",
        values.get("kind") or "其他",
        short_name=values.get("short_name"),
        contact_person=values.get("contact_person"),
        contact_phone=values.get("contact_phone"),
    )
    return uid, Changes(units=True)


def update_unit(
    store: Store, unit_id: int, values: dict, *, expected_version: int | None = None
) -> Changes:
    unit_store.update_unit(store, unit_id, values, expected_version=expected_version)
    return Changes(units=True, all_projects="name" in values)


def unit_values(store: Store, unit_id: int) -> dict:
    """The editable values of a unit (for the undo of a change)."""
    u = unit_store.get_unit(store, unit_id)
    return {
        "name": u.name,
        "kind": u.kind,
        "short_name": u.short_name,
        "contact_person": u.contact_person,
        "contact_phone": u.contact_phone,
        "active": u.active,
    }


def linked_project_ids(store: Store, unit_id: int) -> list[str]:
    """Projects (deleted ones too, of every plan) linked to a unit in any role or located in it."""
    return [
        p.id
        for p in project_store.list_projects(
            store, unit_id=unit_id, include_deleted=True, plan_id=project_store.ALL_PLANS
        )
    ]


@dataclass(frozen=True)
class MergeUndo:
    """What a merge changed, to put it back: the projects as they were and the source unit."""

    source_id: int
    source_active: bool
    snapshots: dict[str, dict]


def merge_units(
    store: Store, source_id: int, target_id: int, *, backup: bool = True, keep: int = 10
) -> tuple[int, MergeUndo, Changes]:
    """Move every link of ``source`` to ``target`` and deactivate ``source`` (backup first)."""
    ids = linked_project_ids(store, source_id)
    snaps = {pid: project_store.snapshot(store, pid) for pid in ids}
    undo = MergeUndo(source_id, unit_store.get_unit(store, source_id).active, snaps)
    if backup:
        _backup_before(store, "合并前", keep)
    moved = unit_store.merge_units(store, source_id, target_id)
    return moved, undo, Changes(units=True, all_projects=True)


def unmerge(store: Store, undo: MergeUndo) -> Changes:
    """Undo a merge: the projects' links and districts as before, the source unit active again."""
    with store.write(), restoring(store):
        unit_store.unmerge_unit(store, undo.source_id, active=undo.source_active)
        for pid, snap in undo.snapshots.items():
            project_store.save_project(
                store,
                pid,
                fields={"district_id": snap["fields"]["district_id"]},
                units=snap["units"],
            )
    return Changes(units=True, all_projects=True)
