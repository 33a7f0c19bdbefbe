"""年度清单: a year's list of tasks and projects with their annual targets (tables annual_list,
annual_item, task_unit; a project's 年度计划投资 in project_annual_target)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.plans import CLOSED
from .database import Store, WriteContext
from .plans import scope_sql, task_scope_sql, viewed_plan_id

ROLE_ORDER = "CASE {t}.role WHEN '牵头' THEN 0 WHEN '责任' THEN 1 ELSE 2 END"


@dataclass(frozen=True, slots=True)
class AnnualList:
    year: int
    plan_id: int | None
    title: str
    doc_no: str | None
    issued_at: str | None  # ISO date; None: 草稿
    version: int

    @property
    def issued(self) -> bool:
        return self.issued_at is not None


@dataclass(frozen=True, slots=True)
class AnnualItem:
    """One entry of a year's list, with what the list shows of its task or project."""

    id: int
    year: int
    seq: int
    heading: str | None
    kind: str  # 任务 / 项目
    task_id: int | None
    project_id: str | None
    code: str
    name: str
    expected: str | None  # 预期成果 (a project: 形象进度目标)
    due_text: str | None
    due_date: str | None
    target_stage: str | None
    planned_investment: float | None  # a project's 年度计划投资 for the year
    stage: str | None  # a project's stage now
    carried_from: int | None
    version: int
    units: tuple[tuple[int, str, str], ...] = field(default=())  # (unit id, name, role)

    @property
    def lead(self) -> str | None:
        return next((n for _, n, r in self.units if r == "牵头"), None)

    @property
    def responsible(self) -> list[str]:
        return [n for _, n, r in self.units if r == "责任"]

    @property
    def supporting(self) -> list[str]:
        return [n for _, n, r in self.units if r == "配合"]

    @property
    def key(self) -> tuple[str, object]:
        return ("task", self.task_id) if self.task_id is not None else ("project", self.project_id)


def write(store: Store, source: str = "手工"):
    """A transaction of the list's services: inside another one (an import, the demo) it takes
    that one's source, so that every audit row of an import says 导入."""
    outer: list[WriteContext] = store._tx
    return store.write(source=outer[-1].source if outer else source)


def bump_project(store: Store, project_id: str) -> None:
    """A project's version and time of change (an editor open on it sees it changed)."""
    store.conn.execute(
        "UPDATE project SET version = version + 1,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
        (project_id,),
    )


def get_list(store: Store, year: int) -> AnnualList | None:
    row = store.conn.execute(
        "SELECT year, plan_id, title, doc_no, issued_at, version FROM annual_list WHERE year = ?",
        (year,),
    ).fetchone()
    return AnnualList(*row) if row else None


def list_years(store: Store) -> list[int]:
    return [r[0] for r in store.conn.execute("SELECT year FROM annual_list ORDER BY year")]


def first_plan_id(store: Store) -> int | None:
    """The plan a new list (and a task new on it) belongs to: the plan worked on."""
    return viewed_plan_id(store)


def insert_list(store: Store, year: int, plan_id: int | None, title: str) -> None:
    store.conn.execute(
        "INSERT INTO annual_list (year, plan_id, title) VALUES (?,?,?)", (year, plan_id, title)
    )


def update_list(store: Store, year: int, values: dict) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    store.conn.execute(
        f"UPDATE annual_list SET {sets}, version = version + 1 WHERE year = ?",
        (*values.values(), year),
    )


_ITEMS = """
SELECT a.id, a.year, a.seq, a.heading,
       CASE WHEN a.task_id IS NOT NULL THEN '任务' ELSE '项目' END,
       a.task_id, a.project_id, COALESCE(t.code, p.code), COALESCE(t.title, p.name),
       a.expected, a.due_text, a.due_date, a.target_stage, pat.planned_investment, p.stage,
       a.carried_from, a.version
FROM annual_item a
LEFT JOIN task t ON t.id = a.task_id
LEFT JOIN project p ON p.id = a.project_id
LEFT JOIN project_annual_target pat ON pat.project_id = a.project_id AND pat.year = a.year
"""


def list_items(store: Store, year: int) -> list[AnnualItem]:
    """The list's entries in their order (序号), each with its units and roles."""
    rows = store.conn.execute(_ITEMS + " WHERE a.year = ? ORDER BY a.seq, a.id", (year,)).fetchall()
    task_units: dict[int, list] = {}
    for tid, uid, name, role in store.conn.execute(
        "SELECT tu.task_id, u.id, u.name, tu.role FROM task_unit tu JOIN unit u ON u.id = tu.unit_id"
        " WHERE tu.task_id IN (SELECT task_id FROM annual_item WHERE year = ?)"
        f" ORDER BY {ROLE_ORDER.format(t='tu')}, u.sort, u.name",
        (year,),
    ):
        task_units.setdefault(tid, []).append((uid, name, role))
    project_units: dict[str, list] = {}
    for pid, uid, name, role in store.conn.execute(
        "SELECT pu.project_id, u.id, u.name, pu.role FROM project_unit pu"
        " JOIN unit u ON u.id = pu.unit_id"
        " WHERE pu.project_id IN (SELECT project_id FROM annual_item WHERE year = ?)"
        f" ORDER BY {ROLE_ORDER.format(t='pu')}, u.sort, u.name",
        (year,),
    ):
        project_units.setdefault(pid, []).append((uid, name, role))
    out = []
    for r in rows:
        units = task_units.get(r[5], []) if r[5] is not None else project_units.get(r[6], [])
        out.append(AnnualItem(*r, units=tuple(units)))
    return out


def get_item(store: Store, item_id: int) -> AnnualItem | None:
    row = store.conn.execute(_ITEMS + " WHERE a.id = ?", (item_id,)).fetchone()
    if row is None:
        return None
    if row[5] is not None:
        units = store.conn.execute(
            "SELECT u.id, u.name, tu.role FROM task_unit tu JOIN unit u ON u.id = tu.unit_id"
            f" WHERE tu.task_id = ? ORDER BY {ROLE_ORDER.format(t='tu')}, u.sort, u.name",
            (row[5],),
        ).fetchall()
    else:
        units = store.conn.execute(
            "SELECT u.id, u.name, pu.role FROM project_unit pu JOIN unit u ON u.id = pu.unit_id"
            f" WHERE pu.project_id = ? ORDER BY {ROLE_ORDER.format(t='pu')}, u.sort, u.name",
            (row[6],),
        ).fetchall()
    return AnnualItem(*row, units=tuple(units))


def next_seq(store: Store, year: int) -> int:
    return int(
        store.scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM annual_item WHERE year = ?", (year,))
    )


def insert_item(store: Store, year: int, values: dict) -> int:
    cols = ["year", *values]
    return store.conn.execute(
        f"INSERT INTO annual_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        (year, *values.values()),
    ).lastrowid


def item_row(store: Store, item_id: int) -> dict | None:
    rows = store.query("SELECT * FROM annual_item WHERE id = ?", (item_id,))
    return rows[0] if rows else None


def update_item(store: Store, item_id: int, values: dict) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    store.conn.execute(
        f"UPDATE annual_item SET {sets}, version = version + 1 WHERE id = ?",
        (*values.values(), item_id),
    )


def delete_item(store: Store, item_id: int) -> None:
    store.conn.execute("DELETE FROM annual_item WHERE id = ?", (item_id,))


def set_seqs(store: Store, order: list[int]) -> None:
    store.conn.executemany(
        "UPDATE annual_item SET seq = ? WHERE id = ?",
        [(i, item) for i, item in enumerate(order, 1)],
    )


# -- tasks and their units ---------------------------------------------------------------------


def task_units(store: Store, task_id: int) -> list[tuple[int, str]]:
    return [
        (uid, role)
        for uid, role in store.conn.execute(
            f"SELECT unit_id, role FROM task_unit tu WHERE task_id = ? ORDER BY {ROLE_ORDER.format(t='tu')}, unit_id",
            (task_id,),
        )
    ]


def replace_task_units(store: Store, task_id: int, links: list[tuple[int, str]]) -> None:
    store.conn.execute("DELETE FROM task_unit WHERE task_id = ?", (task_id,))
    store.conn.executemany(
        "INSERT INTO task_unit (task_id, unit_id, role) VALUES (?,?,?)",
        [(task_id, uid, role) for uid, role in links],
    )


def project_units(store: Store, project_id: str) -> list[tuple[int, str]]:
    return [
        (uid, role)
        for uid, role in store.conn.execute(
            f"SELECT unit_id, role FROM project_unit pu WHERE project_id = ? ORDER BY {ROLE_ORDER.format(t='pu')}, unit_id",
            (project_id,),
        )
    ]


def insert_task(store: Store, plan_id: int, code: str, title: str, text: str | None) -> int:
    """A task the office adds itself (not from the plan's text: no source line)."""
    return store.conn.execute(
        "INSERT INTO task (plan_id, code, title, text, source_line) VALUES (?,?,?,?,NULL)",
        (plan_id, code, title, text),
    ).lastrowid


def next_task_code(store: Store, year: int) -> str:
    prefix = f"RW{year}-"
    codes = [
        r[0] for r in store.conn.execute("SELECT code FROM task WHERE code LIKE ?", (prefix + "%",))
    ]
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A task or project that may be put on a list, with the heading it would stand under."""

    kind: str  # 任务 / 项目
    id: object  # task id or project id
    code: str
    name: str
    heading: str | None
    lead: str | None


def chapter_titles(store: Store) -> dict[int, str]:
    """Each section's chapter (章) title: the heading its tasks and projects stand under."""
    sections = {
        sid: (kind, title, parent)
        for sid, kind, title, parent in store.conn.execute(
            "SELECT id, kind, title, parent_id FROM plan_section"
        )
    }
    out = {}
    for sid in sections:
        at, seen = sid, set()
        while at in sections and sections[at][0] != "章" and sections[at][2] and at not in seen:
            seen.add(at)
            at = sections[at][2]
        out[sid] = sections.get(at, sections[sid])[1]
    return out


def candidates(store: Store) -> list[Candidate]:
    """The tasks and (not deleted) projects of the plan worked on (``plans.viewed_plan_id``:
    those of other plans are not offered), in the plan's order, with its chapter as heading."""
    chapters = chapter_titles(store)
    tscope, targs = task_scope_sql(store, "t")
    pscope, pargs = scope_sql(store, "p")
    tasks = store.conn.execute(
        "SELECT t.id, t.code, t.title, t.section_id,"
        " (SELECT u.name FROM task_unit tu JOIN unit u ON u.id = tu.unit_id"
        "  WHERE tu.task_id = t.id AND tu.role = '牵头')"
        f" FROM task t {'WHERE ' + tscope if tscope else ''}"
        " ORDER BY t.source_line IS NULL, t.source_line, t.code",
        targs,
    ).fetchall()
    projects = store.conn.execute(
        "SELECT p.id, p.code, p.name, p.section_id,"
        " (SELECT u.name FROM project_unit pu JOIN unit u ON u.id = pu.unit_id"
        "  WHERE pu.project_id = p.id AND pu.role = '牵头'), p.category"
        f" FROM project p WHERE p.deleted = 0 {'AND ' + pscope if pscope else ''}"
        " ORDER BY p.code",
        pargs,
    ).fetchall()
    return [Candidate("任务", i, c, n, chapters.get(s), lead) for i, c, n, s, lead in tasks] + [
        Candidate("项目", i, c, n, chapters.get(s) or cat, lead)
        for i, c, n, s, lead, cat in projects
    ]


def plan_of_entry(store: Store, kind: str, key: object) -> tuple[str, str] | None:
    """``(name, plan title)`` of a task (``kind`` 任务) or project in some plan, else None."""
    sql = (
        "SELECT t.title, p.title FROM task t JOIN plan p ON p.id = t.plan_id WHERE t.id = ?"
        if kind == "任务"
        else "SELECT x.name, p.title FROM project x JOIN plan p ON p.id = x.plan_id WHERE x.id = ?"
    )
    return store.conn.execute(sql, (key,)).fetchone()


def closed_plan_of_entry(store: Store, kind: str, key: object) -> tuple[str, str] | None:
    """``(name, plan title)`` when the task (``kind`` 任务) or project belongs to a closed plan;
    None otherwise (an undo putting rows back, ``plans.restoring``, is not refused)."""
    if getattr(store, "_restoring", False):
        return None
    sql = (
        "SELECT t.title, p.title FROM task t JOIN plan p ON p.id = t.plan_id"
        " WHERE t.id = ? AND p.status = ?"
        if kind == "任务"
        else "SELECT x.name, p.title FROM project x JOIN plan p ON p.id = x.plan_id"
        " WHERE x.id = ? AND p.status = ?"
    )
    return store.conn.execute(sql, (key, CLOSED)).fetchone()


def plan_is_closed(store: Store, plan_id: int | None) -> bool:
    return plan_id is not None and bool(
        store.scalar("SELECT count(*) FROM plan WHERE id = ? AND status = ?", (plan_id, CLOSED))
    )


def task_heading(store: Store, task_id: int) -> str | None:
    return next(
        (c.heading for c in candidates(store) if c.kind == "任务" and c.id == task_id), None
    )


def latest_task_states(store: Store) -> dict[int, str | None]:
    """Each reported task's state in its latest period (several units: the latest report)."""
    rows = store.conn.execute(
        "SELECT task_id, state FROM task_report ORDER BY task_id, period, reported_at, id"
    ).fetchall()
    return {tid: state for tid, state in rows}


# -- a project's annual investment -------------------------------------------------------------


def planned_investment(store: Store, project_id: str, year: int) -> float | None:
    return store.scalar(
        "SELECT planned_investment FROM project_annual_target WHERE project_id = ? AND year = ?",
        (project_id, year),
    )


def set_planned_investment(store: Store, project_id: str, year: int, value: float | None) -> None:
    exists = store.scalar(
        "SELECT count(*) FROM project_annual_target WHERE project_id = ? AND year = ?",
        (project_id, year),
    )
    if exists:
        store.conn.execute(
            "UPDATE project_annual_target SET planned_investment = ? WHERE project_id = ? AND year = ?",
            (value, project_id, year),
        )
    elif value is not None:
        store.conn.execute(
            "INSERT INTO project_annual_target (project_id, year, planned_investment) VALUES (?,?,?)",
            (project_id, year, value),
        )
    bump_project(store, project_id)


# -- demo data ---------------------------------------------------------------------------------


def add_task_units(store: Store, links: list[tuple[int, int, str]]) -> None:
    """Task units (task id, unit id, role), leaving a task's existing units as they are."""
    store.conn.executemany(
        "INSERT OR IGNORE INTO task_unit (task_id, unit_id, role) VALUES (?,?,?)", links
    )


def insert_task_reports(store: Store, rows: list[tuple]) -> None:
    """(task id, unit id, period, reported_at, progress_text, state, done_date, problems,
    source, version) rows."""
    store.conn.executemany(
        "INSERT INTO task_report (task_id, unit_id, period, reported_at, progress_text, state,"
        " done_date, problems, source, version) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def insert_task_supervisions(store: Store, rows: list[tuple]) -> None:
    """(task id, unit id, issued_date, reply_by, level, status, reason, request) rows."""
    store.conn.executemany(
        "INSERT INTO supervision (project_id, task_id, unit_id, issued_date, reply_by, level,"
        " status, reason, request) VALUES (NULL,?,?,?,?,?,?,?,?)",
        rows,
    )


# -- a year's list as it stands, for undo and redo ---------------------------------------------


def _in(ids) -> tuple[str, tuple]:
    ids = tuple(ids)
    return ", ".join("?" * len(ids)) or "NULL", ids


def list_state(store: Store, year: int, task_ids: set[int], project_ids: set[str]) -> dict:
    """What the list's operations change, for the tasks and projects named: the list, its
    entries, those tasks (rows and units), those projects' units and this year's targets."""
    tq, tp = _in(sorted(task_ids))
    pq, pp = _in(sorted(project_ids))
    return {
        "list": (store.query("SELECT * FROM annual_list WHERE year = ?", (year,)) or [None])[0],
        "items": store.query("SELECT * FROM annual_item WHERE year = ? ORDER BY id", (year,)),
        "tasks": store.query(f"SELECT * FROM task WHERE id IN ({tq}) ORDER BY id", tp),
        "task_units": store.query(
            f"SELECT * FROM task_unit WHERE task_id IN ({tq}) ORDER BY task_id, unit_id", tp
        ),
        "project_units": store.query(
            f"SELECT * FROM project_unit WHERE project_id IN ({pq}) ORDER BY project_id, unit_id",
            pp,
        ),
        "targets": store.query(
            f"SELECT * FROM project_annual_target WHERE year = ? AND project_id IN ({pq})"
            " ORDER BY project_id",
            (year, *pp),
        ),
    }


def _insert(store: Store, table: str, row: dict, conflict: str | None = None) -> None:
    cols = list(row)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    if conflict:
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != conflict)
        sql += f" ON CONFLICT({conflict}) DO UPDATE SET {updates}"
    store.conn.execute(sql, tuple(row.values()))


def restore_list_state(
    store: Store, year: int, state: dict, task_ids: set[int], project_ids: set[str]
) -> None:
    """Put the list, and the tasks and projects named, back as ``state`` holds them (inside the
    caller's transaction). Tasks named but absent from ``state`` did not exist: they go."""
    tq, tp = _in(sorted(task_ids))
    pq, pp = _in(sorted(project_ids))
    if state["list"] is None:
        store.conn.execute("DELETE FROM annual_list WHERE year = ?", (year,))
    else:
        _insert(store, "annual_list", state["list"], "year")
    keep = {t["id"] for t in state["tasks"]}
    for task_id in task_ids - keep:
        store.conn.execute("DELETE FROM task WHERE id = ?", (task_id,))
    for row in state["tasks"]:
        _insert(store, "task", row, "id")
    wanted = {i["id"] for i in state["items"]}
    for (item_id,) in store.conn.execute(
        "SELECT id FROM annual_item WHERE year = ?", (year,)
    ).fetchall():
        if item_id not in wanted:
            store.conn.execute("DELETE FROM annual_item WHERE id = ?", (item_id,))
    for row in state["items"]:
        _insert(store, "annual_item", row, "id")
    store.conn.execute(f"DELETE FROM task_unit WHERE task_id IN ({tq})", tp)
    for row in state["task_units"]:
        _insert(store, "task_unit", row)
    store.conn.execute(f"DELETE FROM project_unit WHERE project_id IN ({pq})", pp)
    for row in state["project_units"]:
        _insert(store, "project_unit", row)
    store.conn.execute(
        f"DELETE FROM project_annual_target WHERE year = ? AND project_id IN ({pq})", (year, *pp)
    )
    for row in state["targets"]:
        _insert(store, "project_annual_target", row)
    for project_id in project_ids:
        bump_project(store, project_id)


def reports_of(store: Store, task_ids: set[int]) -> int:
    tq, tp = _in(sorted(task_ids))
    return int(store.scalar(f"SELECT count(*) FROM task_report WHERE task_id IN ({tq})", tp))


def unfinished_project_ids(store: Store, year: int) -> set[str]:
    """Projects not finished before ``year``: those a year's list can still set targets for."""
    return {
        pid
        for (pid,) in store.conn.execute(
            "SELECT id FROM project WHERE deleted = 0"
            " AND (stage IS NOT '竣工' OR actual_end IS NULL OR actual_end >= ?)",
            (f"{year:04d}-01-01",),
        )
    }


def last_task_id(store: Store) -> int:
    """The highest task id so far (0 when there is none): tasks added later have higher ones."""
    return store.scalar("SELECT COALESCE(MAX(id), 0) FROM task")


def task_ids_after(store: Store, task_id: int) -> set[int]:
    """The tasks added since ``task_id`` was the last one."""
    return {r[0] for r in store.conn.execute("SELECT id FROM task WHERE id > ?", (task_id,))}
