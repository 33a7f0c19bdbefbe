"""Projects (重大项目): reading the register and changing a project, with its audit trail."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from ..domain.errors import NotFoundError, ValidationError
from ..domain.fields import PROJECT_FIELD_LABELS
from ..domain.model import AnnualTarget, Milestone, Project, Section, UnitLink
from ..domain.money import round_wan
from ..domain.parsing import clean_text, from_iso, iso
from ..domain.validation import length_problem, project_problems, unit_links_problems
from .database import Store, check_version
from .history import audit_entry
from .plans import current_plan_id, refuse_closed, scope_sql

ALL_PLANS = -1  # list_projects(plan_id=ALL_PLANS): every plan's projects

# Columns of the project table a user (or an import) may change.
EDITABLE_FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "section_id",
    "category",
    "stage",
    "district_id",
    "scope",
    "total_investment",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "percent_complete",
    "investment_to_date",
    "source_text",
    "notes",
    "side",
)
_DATE_FIELDS = {"planned_start", "planned_end", "actual_start", "actual_end"}
_MONEY_FIELDS = {"total_investment", "investment_to_date"}

_SELECT = """
SELECT p.id, p.code, p.name, p.stage, p.category, p.section_id, s.number AS column_no,
       s.kind AS section_kind, s.title AS section_title, p.district_id, d.name AS district,
       p.scope, p.total_investment, p.planned_start, p.planned_end, p.actual_start, p.actual_end,
       p.percent_complete, p.investment_to_date, p.source_text, p.notes, p.is_demo, p.version,
       p.updated_at,
       r.period AS last_period, r.progress_text AS last_progress_text, r.reported_at AS last_reported_at,
       p.side
FROM project p
LEFT JOIN plan_section s ON s.id = p.section_id
LEFT JOIN unit d ON d.id = p.district_id
LEFT JOIN progress_report r ON r.project_id = p.id
       AND r.period = (SELECT max(period) FROM progress_report WHERE project_id = p.id)
"""


def _to_project(row: tuple) -> Project:
    """A row of ``_SELECT`` (its columns in that order) as a Project."""
    (
        pid,
        code,
        name,
        stage,
        category,
        section_id,
        column_no,
        section_kind,
        section_title,
        district_id,
        district,
        scope,
        total_investment,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        percent_complete,
        investment_to_date,
        source_text,
        notes,
        is_demo,
        version,
        updated_at,
        last_period,
        last_progress_text,
        last_reported_at,
        side,
    ) = row
    return Project(
        id=pid,
        code=code,
        name=name,
        stage=stage,
        category=category,
        section_id=section_id,
        column=column_no if section_kind == "专栏" else None,
        section_title=section_title,
        district_id=district_id,
        district=district,
        scope=scope,
        total_investment=total_investment,
        planned_start=from_iso(planned_start),
        planned_end=from_iso(planned_end),
        actual_start=from_iso(actual_start),
        actual_end=from_iso(actual_end),
        percent_complete=percent_complete,
        investment_to_date=investment_to_date,
        source_text=source_text,
        notes=notes,
        is_demo=bool(is_demo),
        version=version,
        updated_at=updated_at,
        last_period=last_period,
        last_progress_text=last_progress_text,
        side=side,
        last_reported_at=last_reported_at,
    )


def list_projects(
    store: Store,
    *,
    unit_id: int | None = None,
    ids: list[str] | None = None,
    include_deleted: bool = False,
    plan_id: int | None = None,
) -> list[Project]:
    """Projects in code order, with units, milestones and annual targets filled in.

    ``unit_id`` keeps the projects a unit is linked to (any role) or, for a district, located in.
    Without ``ids``, only one plan's projects: ``plan_id``, else the plan the session looks at
    (``plans.viewed_plan_id``); ``ALL_PLANS`` for every plan's.
    """
    where, params = _where(store, unit_id, ids, include_deleted, plan_id)
    sql = _SELECT + where + " ORDER BY p.code"
    projects = [_to_project(row) for row in store.conn.execute(sql, params)]
    _attach_children(store, projects)
    return projects


def _where(
    store: Store,
    unit_id: int | None = None,
    ids: list[str] | None = None,
    include_deleted: bool = False,
    plan_id: int | None = None,
) -> tuple[str, list]:
    """The WHERE clause (or "") and its parameters that choose ``list_projects``' projects."""
    where, params = [], []
    if ids is None and plan_id != ALL_PLANS:
        scope, scope_params = scope_sql(store, "p", plan_id)
        if scope:
            where.append(scope)
            params += scope_params
    if not include_deleted:
        where.append("p.deleted = 0")
    if unit_id is not None:
        where.append(
            "(p.district_id = ? OR p.id IN (SELECT project_id FROM project_unit WHERE unit_id = ?))"
        )
        params += [unit_id, unit_id]
    if ids is not None:
        where.append(f"p.id IN ({','.join('?' * len(ids))})")
        params += ids
    return (" WHERE " + " AND ".join(where) if where else ""), params


# What a progress sheet prints of a project and what its light is worked out from.
_SHEET_SELECT = """
SELECT p.id, p.code, p.name, p.stage, s.number, s.kind, s.title, p.district_id, d.name,
       p.total_investment, p.planned_start, p.planned_end, p.actual_end, p.percent_complete,
       p.investment_to_date, r.period, r.progress_text
FROM project p
LEFT JOIN plan_section s ON s.id = p.section_id
LEFT JOIN unit d ON d.id = p.district_id
LEFT JOIN progress_report r ON r.project_id = p.id
       AND r.period = (SELECT max(period) FROM progress_report WHERE project_id = p.id)
"""


def sheet_projects(store: Store, year: int, *, unit_id: int | None = None) -> list[Project]:
    """The projects of ``list_projects(store, unit_id=unit_id)`` as the progress sheets read
    them: only what a sheet prints and its light is worked out from.

    Filled in: code, name, stage, 专栏, district, investment, planned dates, completion date,
    percent, the latest report's period and text, the units (all roles, in order), the
    milestones not yet reached (the only ones a light looks at) and the annual target of
    ``year`` alone. Not read: scope, source text, notes, category, actual start, version,
    reached milestones and other years' targets. At 10,000 projects about a third quicker than
    ``list_projects``: a fifth of the milestones, fewer columns.
    """
    where, params = _where(store, unit_id)
    rows = store.conn.execute(_SHEET_SELECT + where + " ORDER BY p.code", params)
    day = date.fromisoformat
    projects = [
        Project(
            id=pid,
            code=code,
            name=name,
            stage=stage,
            column=number if kind == "专栏" else None,
            section_title=title,
            district_id=district_id,
            district=district,
            total_investment=total,
            planned_start=day(start) if start else None,
            planned_end=day(end) if end else None,
            actual_end=day(actual_end) if actual_end else None,
            percent_complete=percent,
            investment_to_date=to_date,
            last_period=last_period,
            last_progress_text=last_text,
        )
        for (
            pid,
            code,
            name,
            stage,
            number,
            kind,
            title,
            district_id,
            district,
            total,
            start,
            end,
            actual_end,
            percent,
            to_date,
            last_period,
            last_text,
        ) in rows
    ]
    _attach_children(store, projects, open_milestones=True, year=year)
    return projects


def _attach_children(
    store: Store, projects: list[Project], *, open_milestones: bool = False, year: int | None = None
) -> None:
    """Units, milestones and annual targets of ``projects`` (only the milestones not reached
    and the one year's target, when asked)."""
    if not projects:
        return
    by_id = {p.id: p for p in projects}
    if len(projects) > 500:
        scope, params = [], ()  # cheaper to read all than to bind thousands of ids
    else:
        scope = [f"project_id IN ({','.join('?' * len(projects))})"]
        params = tuple(by_id)
    # Fetched unordered and sorted per project in Python: an ORDER BY over the whole table
    # costs more than the sorting of a few items per project.
    rank = {"牵头": 0, "责任": 1, "配合": 2}
    links: dict[str, list[tuple]] = defaultdict(list)
    pu_scope = _and([c.replace("project_id", "pu.project_id") for c in scope])
    for pid, unit_id, name, role, sort in store.conn.execute(
        "SELECT pu.project_id, pu.unit_id, u.name, pu.role, u.sort FROM project_unit pu"
        f" JOIN unit u ON u.id = pu.unit_id{pu_scope}",
        params,
    ):
        links[pid].append((rank[role], sort, name, unit_id, role))
    for pid, items in links.items():
        if pid in by_id:
            by_id[pid].units.extend(UnitLink(u, n, r) for _, _, n, u, r in sorted(items))
    # Index order (milestone_project): already grouped by project and sorted.
    fromiso = date.fromisoformat
    reached = ["actual_date IS NULL", "planned_date IS NOT NULL"] if open_milestones else []
    for mid, pid, name, planned, actual in store.conn.execute(
        f"SELECT id, project_id, name, planned_date, actual_date FROM milestone"
        f"{_and(scope + reached)} ORDER BY project_id, sort, id",
        params,
    ):
        project = by_id.get(pid)
        if project is not None:
            project.milestones.append(
                Milestone(
                    name,
                    fromiso(planned) if planned else None,
                    fromiso(actual) if actual else None,
                    mid,
                )
            )
    years = ["year = ?"] if year is not None else []
    for pid, year_, planned, goal in store.conn.execute(
        f"SELECT project_id, year, planned_investment, goal FROM project_annual_target"
        f"{_and(scope + years)} ORDER BY project_id, year",
        (*params, year) if years else params,
    ):
        if pid in by_id:
            by_id[pid].annual_targets.append(AnnualTarget(year_, planned, goal))


def _and(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def get_project(store: Store, key: str, *, include_deleted: bool = False) -> Project:
    """A project by id or code (as typed: ``ch04-001`` or ``ＣＨ04-001`` finds ``CH04-001``)."""
    pid = store.scalar("SELECT id FROM project WHERE id = ? OR code = ?", (key, key))
    if pid is None and isinstance(key, str):
        from ..domain.parsing import normalize_text

        code = normalize_text(key)
        pid = store.scalar(
            "SELECT id FROM project WHERE code = ? COLLATE NOCASE ORDER BY deleted LIMIT 1", (code,)
        )
    found = list_projects(store, ids=[pid], include_deleted=include_deleted) if pid else []
    if not found:
        if pid:  # there, but deleted (by a colleague, say, while it was open here)
            code, name = store.conn.execute(
                "SELECT code, name FROM project WHERE id = ?", (pid,)
            ).fetchone()
            raise NotFoundError(
                f"项目「{code} {name}」已被删除（可能是同事在另一台电脑上删除的），无法再修改。"
            )
        raise NotFoundError(f"找不到项目「{key}」。请检查项目编码。")
    return found[0]


def project_id_for_code(store: Store, code: str) -> str | None:
    return store.scalar("SELECT id FROM project WHERE code = ? AND deleted = 0", (code.strip(),))


def code_owner(store: Store, code: str) -> str | None:
    """The id of the project with ``code`` exactly as given, deleted ones too."""
    return store.scalar("SELECT id FROM project WHERE code = ?", (code,))


def project_names(store: Store) -> list:
    """Id, code and name of every project not deleted, of every plan."""
    return store.query("SELECT id, code, name FROM project WHERE deleted = 0")


def move_to_section(store: Store, project_id: str, section_id: int) -> int | None:
    """Put a project in another section (inside the caller's transaction, without audit or
    version change); returns the section it was in."""
    old = store.scalar("SELECT section_id FROM project WHERE id = ?", (project_id,))
    store.conn.execute("UPDATE project SET section_id = ? WHERE id = ?", (section_id, project_id))
    return old


def code_taken(store: Store, code: str, *, except_id: str | None = None) -> bool:
    return bool(
        store.scalar(
            "SELECT 1 FROM project WHERE code = ? AND id IS NOT ?", (code.strip(), except_id)
        )
    )


def next_code(store: Store, prefix: str = "XM") -> str:
    """A free code ``XM-0001``-style for a new project."""
    n = store.scalar("SELECT count(*) FROM project") or 0
    while True:
        n += 1
        code = f"{prefix}-{n:04d}"
        if not code_taken(store, code):
            return code


def _db_value(field: str, value: object) -> object:
    if field in _DATE_FIELDS:
        return iso(value) if isinstance(value, date) else value
    if field in _MONEY_FIELDS:
        return round_wan(value)
    if field == "percent_complete" and value is not None:
        return round(float(value), 2)
    if isinstance(value, str):
        return clean_text(value)  # whatever the caller, no control character is stored
    return value


def _row_values(store: Store, project_id: str) -> dict:
    cursor = store.conn.execute(
        f"SELECT {', '.join(EDITABLE_FIELDS)}, version, deleted FROM project WHERE id = ?",
        (project_id,),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFoundError(f"找不到项目（{project_id}），可能已被删除。请刷新。")
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def _check(values: dict, code: str) -> None:
    typed = {
        k: (from_iso(v) if k in _DATE_FIELDS and isinstance(v, str) else v)
        for k, v in values.items()
    }
    problems = project_problems(typed)
    if problems:
        raise ValidationError(problems, subject=f"项目「{code}」")


def create_project(
    store: Store,
    values: dict,
    *,
    units: list[tuple[int, str]] = (),
    milestones: list[Milestone] = (),
    annual_targets: list[AnnualTarget] = (),
    project_id: str | None = None,
    is_demo: bool = False,
    plan_id: int | None = None,
) -> str:
    """Insert a project (with its links, milestones and targets) into ``plan_id``, else the
    current plan; returns its id."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {sorted(unknown)}")
    row = {k: _db_value(k, v) for k, v in values.items()}
    row.setdefault("stage", "储备")
    _check(row, row.get("code") or "")
    if row.get("code") and code_taken(store, row["code"]):
        raise ValidationError({"code": f"项目编码「{row['code']}」已存在"}, subject="新建项目")
    pid = project_id or str(uuid.uuid4())
    plan = plan_id if plan_id is not None else current_plan_id(store)
    with store.write() as tx:
        cols = ["id", "is_demo", "plan_id", *row]
        store.conn.execute(
            f"INSERT INTO project ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (pid, int(is_demo), plan, *row.values()),
        )
        tx.audit("project", pid, "创建", None, row.get("name"), project_id=pid)
        if units:
            set_units(store, pid, list(units), audit=False)
        if milestones:
            set_milestones(store, pid, list(milestones), audit=False)
        if annual_targets:
            set_annual_targets(store, pid, list(annual_targets), audit=False)
    return pid


def update_project(
    store: Store, project_id: str, changes: dict, *, expected_version: int | None = None
) -> dict[str, tuple[object, object]]:
    """Change some fields of a project; returns ``field -> (old, new)`` of what really changed.

    ``expected_version`` is the version the user's copy was read at: if someone saved in
    between, the change is refused with ``ConflictError`` ("该项目已被他人修改").
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields: {sorted(unknown)}")
    with store.write() as tx:
        check_version(store, "project", "id", project_id, expected_version)
        current = _row_values(store, project_id)
        refuse_closed(store, project_id)
        new = {k: _db_value(k, v) for k, v in changes.items()}
        diff = {k: (current[k], v) for k, v in new.items() if current[k] != v}
        if not diff:
            return {}
        merged = {k: current[k] for k in EDITABLE_FIELDS} | new
        _check(merged, merged["code"] or current["code"])
        if "code" in diff and code_taken(store, new["code"], except_id=project_id):
            raise ValidationError({"code": f"项目编码「{new['code']}」已存在"})
        sets = ", ".join(f"{k} = ?" for k in diff)
        store.conn.execute(
            f"UPDATE project SET {sets}, version = version + 1,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
            (*(v for _, v in diff.values()), project_id),
        )
        for field, (old, value) in diff.items():
            tx.audit("project", project_id, field, old, value, project_id=project_id)
    return diff


def _bump(store: Store, project_id: str) -> None:
    store.conn.execute(
        "UPDATE project SET version = version + 1,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
        (project_id,),
    )


def _links_text(store: Store, project_id: str) -> str:
    rows = store.conn.execute(
        "SELECT u.name, pu.role FROM project_unit pu JOIN unit u ON u.id = pu.unit_id"
        " WHERE pu.project_id = ? ORDER BY CASE pu.role WHEN '牵头' THEN 0 WHEN '责任' THEN 1"
        " ELSE 2 END, u.name",
        (project_id,),
    ).fetchall()
    return "；".join(f"{name}（{role}）" for name, role in rows)


def set_units(
    store: Store, project_id: str, links: list[tuple[int, str]], *, audit: bool = True
) -> bool:
    """Replace the project's units and roles; returns whether anything changed."""
    problem = unit_links_problems(links)
    if problem:
        raise ValidationError({"units": problem})
    with store.write() as tx:
        refuse_closed(store, project_id)
        before = _links_text(store, project_id)
        store.conn.execute("DELETE FROM project_unit WHERE project_id = ?", (project_id,))
        store.conn.executemany(
            "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?,?,?)",
            [(project_id, unit_id, role) for unit_id, role in links],
        )
        after = _links_text(store, project_id)
        if before == after:
            return False
        if audit:
            tx.audit(
                "project", project_id, "units", before or None, after or None, project_id=project_id
            )
            _bump(store, project_id)
    return True


def _milestones_text(ms: list[Milestone]) -> str:
    return "；".join(
        f"{m.name} 计划{iso(m.planned_date) or '—'} 实际{iso(m.actual_date) or '—'}" for m in ms
    )


def set_milestones(
    store: Store, project_id: str, milestones: list[Milestone], *, audit: bool = True
) -> bool:
    """Replace the project's milestones (order as given); returns whether anything changed."""
    for m in milestones:
        name = clean_text(m.name)
        if not name:
            raise ValidationError({"milestones": "关键节点名称不能为空"})
        if too_long := length_problem("milestone", name):
            raise ValidationError({"milestones": f"关键节点名称「{name[:20]}…」{too_long}"})
    with store.write() as tx:
        refuse_closed(store, project_id)
        before = [
            Milestone(n, from_iso(p), from_iso(a))
            for n, p, a in store.conn.execute(
                "SELECT name, planned_date, actual_date FROM milestone WHERE project_id = ?"
                " ORDER BY sort, id",
                (project_id,),
            )
        ]
        after = [Milestone(clean_text(m.name), m.planned_date, m.actual_date) for m in milestones]
        if before == after:
            return False
        # Keep ids of milestones that stay (dependencies point at them) by matching on name.
        existing = {
            name: mid
            for mid, name in store.conn.execute(
                "SELECT id, name FROM milestone WHERE project_id = ?", (project_id,)
            )
        }
        keep = set()
        for sort, m in enumerate(after):
            mid = existing.get(m.name)
            if mid is not None and mid not in keep:
                store.conn.execute(
                    "UPDATE milestone SET planned_date = ?, actual_date = ?, sort = ? WHERE id = ?",
                    (iso(m.planned_date), iso(m.actual_date), sort, mid),
                )
                keep.add(mid)
            else:
                cur = store.conn.execute(
                    "INSERT INTO milestone (project_id, name, planned_date, actual_date, sort)"
                    " VALUES (?,?,?,?,?)",
                    (project_id, m.name, iso(m.planned_date), iso(m.actual_date), sort),
                )
                keep.add(cur.lastrowid)
        gone = [mid for mid in existing.values() if mid not in keep]
        store.conn.executemany("DELETE FROM milestone WHERE id = ?", [(g,) for g in gone])
        if audit:
            tx.audit(
                "project",
                project_id,
                "milestones",
                _milestones_text(before) or None,
                _milestones_text(after) or None,
                project_id=project_id,
            )
            _bump(store, project_id)
    return True


def set_annual_targets(
    store: Store, project_id: str, targets: list[AnnualTarget], *, audit: bool = True
) -> bool:
    years = [t.year for t in targets]
    if len(years) != len(set(years)):
        raise ValidationError({"annual_targets": "同一年度不能填写两次"})
    for t in targets:
        if t.planned_investment is not None and t.planned_investment < 0:
            raise ValidationError({"annual_targets": f"{t.year} 年计划投资不能小于 0"})
    with store.write() as tx:
        refuse_closed(store, project_id)
        before = [
            AnnualTarget(y, p, g)
            for y, p, g in store.conn.execute(
                "SELECT year, planned_investment, goal FROM project_annual_target"
                " WHERE project_id = ? ORDER BY year",
                (project_id,),
            )
        ]
        after = sorted(
            (
                AnnualTarget(
                    t.year, round_wan(t.planned_investment), (t.goal or "").strip() or None
                )
                for t in targets
            ),
            key=lambda t: t.year,
        )
        if before == after:
            return False
        store.conn.execute("DELETE FROM project_annual_target WHERE project_id = ?", (project_id,))
        store.conn.executemany(
            "INSERT INTO project_annual_target (project_id, year, planned_investment, goal)"
            " VALUES (?,?,?,?)",
            [(project_id, t.year, t.planned_investment, t.goal) for t in after],
        )
        if audit:
            text = lambda ts: "；".join(
                f"{t.year}年 {t.planned_investment or '—'}万元 {t.goal or ''}".strip() for t in ts
            )  # noqa: E731
            tx.audit(
                "project",
                project_id,
                "annual_targets",
                text(before) or None,
                text(after) or None,
                project_id=project_id,
            )
            _bump(store, project_id)
    return True


def save_project(
    store: Store,
    project_id: str,
    *,
    fields: dict,
    units: list[tuple[int, str]] | None = None,
    milestones: list[Milestone] | None = None,
    annual_targets: list[AnnualTarget] | None = None,
    expected_version: int | None = None,
) -> bool:
    """Save everything the editor shows in one transaction; returns whether anything changed."""
    with store.write():
        check_version(store, "project", "id", project_id, expected_version)
        changed = bool(update_project(store, project_id, fields))
        if units is not None:
            changed |= set_units(store, project_id, units)
        if milestones is not None:
            changed |= set_milestones(store, project_id, milestones)
        if annual_targets is not None:
            changed |= set_annual_targets(store, project_id, annual_targets)
    return changed


def set_deleted(store: Store, project_id: str, deleted: bool) -> None:
    """Delete (or bring back) a project. Deleted projects keep their data and history."""
    with store.write() as tx:
        old = store.scalar("SELECT deleted FROM project WHERE id = ?", (project_id,))
        if old is None:
            raise NotFoundError(f"找不到项目（{project_id}）")
        if bool(old) == deleted:
            return
        refuse_closed(store, project_id)
        store.conn.execute(
            "UPDATE project SET deleted = ? WHERE id = ?", (int(deleted), project_id)
        )
        _bump(store, project_id)
        tx.audit("project", project_id, "deleted", bool(old), deleted, project_id=project_id)


def snapshot(store: Store, project_id: str) -> dict:
    """Everything about a project that an undo may need to put back."""
    p = get_project(store, project_id, include_deleted=True)
    values = _row_values(store, project_id)
    return {
        "fields": {k: values[k] for k in EDITABLE_FIELDS},
        "units": [(u.unit_id, u.role) for u in p.units],
        "milestones": [Milestone(m.name, m.planned_date, m.actual_date) for m in p.milestones],
        "annual_targets": list(p.annual_targets),
        "deleted": bool(values["deleted"]),
        "version": values["version"],
    }


def restore_snapshot(store: Store, project_id: str, snap: dict) -> None:
    with store.write():
        save_project(
            store,
            project_id,
            fields=snap["fields"],
            units=snap["units"],
            milestones=snap["milestones"],
            annual_targets=snap["annual_targets"],
        )
        set_deleted(store, project_id, snap["deleted"])


def project_version(store: Store, project_id: str) -> int | None:
    return store.scalar("SELECT version FROM project WHERE id = ?", (project_id,))


def list_sections(
    store: Store, kind: str | None = None, *, plan_id: int | None = None
) -> list[Section]:
    """Chapters, sections and 专栏 (of one plan with ``plan_id``, else of every plan)."""
    sql = "SELECT id, key, kind, number, title, parent_id FROM plan_section"
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if plan_id is not None:
        where.append("plan_id = ?")
        params.append(plan_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY CASE kind WHEN '章' THEN 0 WHEN '节' THEN 1 ELSE 2 END, number, id"
    return [Section(*row) for row in store.conn.execute(sql, tuple(params))]


def categories(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT category FROM project WHERE category IS NOT NULL AND deleted = 0"
            " ORDER BY category"
        )
    ]


def count_projects(store: Store) -> int:
    """Live projects of the plan the session looks at."""
    scope, params = scope_sql(store, "p")
    where = f" AND {scope}" if scope else ""
    return store.scalar(f"SELECT count(*) FROM project p WHERE p.deleted = 0{where}", params) or 0


def history(store: Store, project_id: str) -> list[dict]:
    """The audit trail of a project, newest first, with the import file when from an import."""
    rows = store.conn.execute(
        "SELECT a.at, a.user, a.entity, a.field, a.old, a.new, a.source, b.file_name"
        " FROM audit_log a LEFT JOIN import_batch b ON b.id = a.batch_id"
        " WHERE a.project_id = ? ORDER BY a.id DESC",
        (project_id,),
    ).fetchall()
    out = []
    sections = None
    for at, user, entity, field, old, new, source, file_name in rows:
        label = PROJECT_FIELD_LABELS.get(field, field)
        if field == "section_id" and entity == "project":
            if sections is None:
                sections = {str(s.id): s.label for s in list_sections(store)}
            old, new = sections.get(old, old), sections.get(new, new)
        if entity == "progress_report":
            from ..domain.fields import REPORT_FIELD_LABELS

            label = "进度：" + REPORT_FIELD_LABELS.get(field, field)
        elif entity == "change_request":
            # A unit's request is not a change of the plan: said so, beside the decision.
            words = {"status": "处理", "reason": "理由", "annual_plan": "年度计划投资（万元）"}
            label = "变更申请：" + words.get(field, label)
        out.append(audit_entry(at, user, label, old, new, source, file_name))
    return out
