"""Units (单位): 区县, 功能区 and 市级部门 — listing, adding, renaming, merging, deactivating."""

from __future__ import annotations

from ..domain.errors import NotFoundError, UserError, ValidationError
from ..domain.fields import UNIT_FIELD_LABELS, UNIT_KINDS
from ..domain.model import Unit
from ..domain.parsing import clean_text
from ..domain.validation import length_problem
from .database import Store, check_version

_COLS = "id, name, kind, short_name, contact_person, contact_phone, active, version, origin"
_ORDER = (
    " ORDER BY CASE kind WHEN '区县' THEN 0 WHEN '功能区' THEN 1 WHEN '市级部门' THEN 2 ELSE 3 END,"
    " sort, id"
)


def _unit(row: tuple) -> Unit:
    uid, name, kind, short, person, phone, active, version, origin = row
    return Unit(uid, name, kind, short, person, phone, bool(active), version, origin)


def list_units(store: Store, *, include_inactive: bool = True) -> list[Unit]:
    where = "" if include_inactive else " WHERE active = 1"
    return [_unit(r) for r in store.conn.execute(f"SELECT {_COLS} FROM unit{where}{_ORDER}")]


def unit_order(store: Store) -> dict[str, int]:
    """Each unit's place in the office's order, by full and by short name: the six 区（市、县）
    in administrative order, then the 功能区, then the 市级部门 (as 单位管理 lists them). Lists
    grouped by unit or district follow it instead of the characters' code points."""
    order: dict[str, int] = {}
    for i, unit in enumerate(list_units(store)):
        order.setdefault(unit.name, i)
        if unit.short_name:
            order.setdefault(unit.short_name, i)
    return order


def get_unit(store: Store, key: int | str) -> Unit:
    """A unit by id, full name or short name."""
    if isinstance(key, int):
        row = store.conn.execute(f"SELECT {_COLS} FROM unit WHERE id = ?", (key,)).fetchone()
    else:
        text = str(key).strip()
        row = store.conn.execute(
            f"SELECT {_COLS} FROM unit WHERE name = ? OR short_name = ?"
            " ORDER BY name = ? DESC LIMIT 1",
            (text, text, text),
        ).fetchone()
        if row is None:
            # As typed: full-width or half-width, another dash, a long or short form.
            from ..domain.unit_names import UnitNames

            rows = {r[0]: r for r in store.conn.execute(f"SELECT {_COLS} FROM unit ORDER BY id")}
            found = UnitNames(_unit(r) for r in rows.values()).find(text)
            row = rows[found.id] if found is not None else None
    if row is None:
        raise NotFoundError(f"找不到单位「{key}」。请用「units」命令查看单位名称。")
    return _unit(row)


def _same_name(store: Store, name: str) -> Unit | None:
    """A unit already called ``name`` (or so abbreviated), as written up to width, dashes and
    spaces: a new name may still be a long or short form of another unit's (市住建局 beside
    市住房城乡建设局); looking a typed name up prefers the exact one (see ``get_unit``)."""
    from ..domain.unit_names import unit_key

    wanted = unit_key(name)
    for row in store.conn.execute(f"SELECT {_COLS} FROM unit ORDER BY id"):
        if wanted in (unit_key(row[1]), unit_key(row[3] or "")):
            return _unit(row)
    return None


def merged_into(store: Store) -> dict[int, int]:
    """``unit -> the unit it was merged into`` for every merged unit."""
    return dict(
        store.conn.execute("SELECT id, merged_into_id FROM unit WHERE merged_into_id IS NOT NULL")
    )


def find_unit(store: Store, name: str) -> Unit | None:
    try:
        return get_unit(store, name)
    except NotFoundError:
        return None


def unit_project_count(store: Store, unit_id: int) -> int:
    return (
        store.scalar(
            "SELECT count(DISTINCT p.id) FROM project p WHERE p.deleted = 0 AND (p.district_id = ?"
            " OR p.id IN (SELECT project_id FROM project_unit WHERE unit_id = ?))",
            (unit_id, unit_id),
        )
        or 0
    )


def _validate(name: str | None, kind: str | None, texts: dict | None = None) -> dict[str, str]:
    problems = {}
    if name is not None and not clean_text(name):
        problems["name"] = "单位名称不能为空"
    if kind is not None and kind not in UNIT_KINDS:
        problems["kind"] = f"单位类别应为 {'/'.join(UNIT_KINDS)} 之一"
    for field, value in ({"name": name} | (texts or {})).items():
        reason = length_problem(field, clean_text(value) if isinstance(value, str) else value)
        if reason:
            problems.setdefault(field, f"{UNIT_FIELD_LABELS[field]}{reason}")
    return problems


def add_unit(
    store: Store,
    name: str,
    kind: str,
    *,
    short_name: str | None = None,
    contact_person: str | None = None,
    contact_phone: str | None = None,
) -> int:
    texts = {"short_name": short_name, "contact_person": contact_person}
    problems = _validate(name, kind, texts | {"contact_phone": contact_phone})
    if problems:
        raise ValidationError(problems, subject="新建单位")
    name = clean_text(name)
    if _same_name(store, name):
        raise ValidationError({"name": f"单位「{name}」已存在"}, subject="新建单位")
    with store.write() as tx:
        sort = (store.scalar("SELECT max(sort) FROM unit") or 0) + 1
        cur = store.conn.execute(
            "INSERT INTO unit (name, kind, short_name, contact_person, contact_phone, sort)"
            " VALUES (?,?,?,?,?,?)",
            (
                name,
                kind,
                clean_text(short_name),
                clean_text(contact_person),
                clean_text(contact_phone),
                sort,
            ),
        )
        tx.audit("unit", cur.lastrowid, "创建", None, name)
    return cur.lastrowid


def update_unit(
    store: Store, unit_id: int, changes: dict, *, expected_version: int | None = None
) -> dict[str, tuple]:
    """Rename, re-kind, change contact or (de)activate a unit; returns what changed."""
    allowed = {"name", "kind", "short_name", "contact_person", "contact_phone", "active"}
    if set(changes) - allowed:
        raise ValueError(f"unknown unit fields: {sorted(set(changes) - allowed)}")
    texts = {
        k: v for k, v in changes.items() if k in ("short_name", "contact_person", "contact_phone")
    }
    problems = _validate(changes.get("name"), changes.get("kind"), texts)
    if problems:
        raise ValidationError(problems, subject="修改单位")
    with store.write() as tx:
        check_version(store, "unit", "id", unit_id, expected_version)
        current = get_unit(store, unit_id)
        clean = {
            k: (int(bool(v)) if k == "active" else clean_text(v or None))
            for k, v in changes.items()
        }
        old = {
            "name": current.name,
            "kind": current.kind,
            "short_name": current.short_name,
            "contact_person": current.contact_person,
            "contact_phone": current.contact_phone,
            "active": int(current.active),
        }
        diff = {k: (old[k], v) for k, v in clean.items() if old[k] != v}
        if not diff:
            return {}
        if "name" in diff:
            other = _same_name(store, clean["name"])
            if other and other.id != unit_id:
                raise ValidationError({"name": f"单位「{clean['name']}」已存在"})
        sets = ", ".join(f"{k} = ?" for k in diff)
        store.conn.execute(
            f"UPDATE unit SET {sets}, version = version + 1,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
            (*(v for _, v in diff.values()), unit_id),
        )
        for field, (a, b) in diff.items():
            tx.audit("unit", unit_id, field, a, b)
    return diff


def set_active(store: Store, unit_id: int, active: bool) -> None:
    """Deactivate (停用) or reactivate a unit. A unit is never deleted while it has projects."""
    update_unit(store, unit_id, {"active": active})


def delete_unit(store: Store, unit_id: int) -> None:
    """Delete a unit that has never been used; one with projects can only be deactivated."""
    unit = get_unit(store, unit_id)
    used = store.scalar(
        "SELECT (SELECT count(*) FROM project_unit WHERE unit_id = :u)"
        " + (SELECT count(*) FROM project WHERE district_id = :u)"
        " + (SELECT count(*) FROM template_issue WHERE unit_id = :u)"
        " + (SELECT count(*) FROM import_batch WHERE unit_id = :u)",
        {"u": unit_id},
    )
    if used:
        raise UserError(f"单位「{unit.name}」已有项目或填报记录，不能删除，只能停用。")
    with store.write() as tx:
        store.conn.execute("DELETE FROM unit WHERE id = ?", (unit_id,))
        tx.audit("unit", unit_id, "删除", unit.name, None)


def merge_units(store: Store, source_id: int, target_id: int) -> int:
    """Move every link of ``source`` to ``target`` and deactivate ``source``.

    Returns the number of projects whose links moved. Where a project links both units, the
    stronger role is kept (牵头 > 责任 > 配合).
    """
    if source_id == target_id:
        raise UserError("不能把单位合并到它自己。")
    source, target = get_unit(store, source_id), get_unit(store, target_id)
    strength = {"牵头": 0, "责任": 1, "配合": 2}
    moved = 0
    with store.write() as tx:
        links = store.conn.execute(
            "SELECT project_id, role FROM project_unit WHERE unit_id = ?", (source_id,)
        ).fetchall()
        for project_id, role in links:
            existing = store.scalar(
                "SELECT role FROM project_unit WHERE project_id = ? AND unit_id = ?",
                (project_id, target_id),
            )
            store.conn.execute(
                "DELETE FROM project_unit WHERE project_id = ? AND unit_id = ?",
                (project_id, source_id),
            )
            new_role = role if existing is None or strength[role] < strength[existing] else existing
            store.conn.execute(
                "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?,?,?)"
                " ON CONFLICT(project_id, unit_id) DO UPDATE SET role = excluded.role",
                (project_id, target_id, new_role),
            )
            tx.audit(
                "project",
                project_id,
                "units",
                f"{source.name}（{role}）",
                f"{target.name}（{new_role}）",
                project_id=project_id,
            )
            store.conn.execute(
                "UPDATE project SET version = version + 1 WHERE id = ?", (project_id,)
            )
            moved += 1
        for (project_id,) in store.conn.execute(
            "SELECT id FROM project WHERE district_id = ?", (source_id,)
        ).fetchall():
            store.conn.execute(
                "UPDATE project SET district_id = ?, version = version + 1 WHERE id = ?",
                (target_id, project_id),
            )
            tx.audit(
                "project",
                project_id,
                "district_id",
                source.name,
                target.name,
                project_id=project_id,
            )
        store.conn.execute(
            "UPDATE unit SET active = 0, merged_into_id = ?, version = version + 1 WHERE id = ?",
            (target_id, source_id),
        )
        tx.audit("unit", source_id, "合并", source.name, target.name)
    return moved


def unmerge_unit(store: Store, unit_id: int, *, active: bool) -> None:
    """Undo a merge's mark on the source unit: no longer merged, active as it was before."""
    unit = get_unit(store, unit_id)
    with store.write() as tx:
        store.conn.execute(
            "UPDATE unit SET active = ?, merged_into_id = NULL, version = version + 1 WHERE id = ?",
            (int(active), unit_id),
        )
        tx.audit("unit", unit_id, "撤销合并", None, unit.name)
