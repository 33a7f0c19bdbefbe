"""重点任务: the plan's key tasks, read section by section."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..domain.errors import NotFoundError, ValidationError
from ..domain.period import Period
from ..domain.validation import unit_links_problems
from .database import Store
from .history import audit_entry
from .plans import refuse_closed_task, viewed_plan_id

_ROLE_RANK = {"牵头": 0, "责任": 1, "配合": 2}


@dataclass(frozen=True, slots=True)
class TaskUnit:
    unit_id: int
    name: str
    role: str  # 牵头 / 责任 / 配合


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    code: str
    chapter: int | None
    chapter_title: str | None
    section: str | None
    number: int | None
    title: str
    text: str | None
    source_line: int | None
    lead_unit: str | None  # the 牵头单位 (task_unit; the plan's own lead is copied there)
    notes: str | None
    units: tuple[TaskUnit, ...] = field(default=())  # 牵头, then 责任, then 配合

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def chapter_label(self) -> str:
        """「第四章」 (empty when the task has no chapter)."""
        return f"第{chinese_numeral(self.chapter)}章" if self.chapter else ""

    def units_with_role(self, role: str) -> list[str]:
        return [u.name for u in self.units if u.role == role]

    @property
    def unit_links(self) -> list[tuple[int, str]]:
        return [(u.unit_id, u.role) for u in self.units]


def chinese_numeral(n: int) -> str:
    """1–99 as the plan writes chapter numbers: 四, 十, 十一, 二十三."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


_SELECT = """
SELECT t.id, t.code, c.number, c.title, s.title, t.number, t.title, t.text, t.source_line,
       u.name, t.notes
FROM task t
LEFT JOIN plan_section s ON s.id = t.section_id
LEFT JOIN plan_section c ON c.id = s.parent_id
LEFT JOIN unit u ON u.id = t.lead_unit_id
"""


def _units_by_task(store: Store, task_ids: list[int] | None = None) -> dict[int, list[TaskUnit]]:
    scope, params = "", ()
    if task_ids is not None:
        scope, params = f" WHERE tu.task_id IN ({','.join('?' * len(task_ids))})", tuple(task_ids)
    found: dict[int, list[tuple]] = defaultdict(list)
    for task_id, unit_id, name, role, sort in store.conn.execute(
        "SELECT tu.task_id, tu.unit_id, u.name, tu.role, u.sort FROM task_unit tu"
        f" JOIN unit u ON u.id = tu.unit_id{scope}",
        params,
    ):
        found[task_id].append((_ROLE_RANK[role], sort, name, unit_id, role))
    return {
        tid: [TaskUnit(u, n, r) for _, _, n, u, r in sorted(items)] for tid, items in found.items()
    }


def _with_units(row: tuple, units: list[TaskUnit]) -> Task:
    lead = next((u.name for u in units if u.role == "牵头"), None)
    return Task(*row[:9], lead, row[10], units=tuple(units))


def list_tasks(
    store: Store,
    *,
    unit: tuple[str, ...] = (),
    ids: list[int] | None = None,
    plan_id: int | None = None,
) -> list[Task]:
    """Every task of a plan (``plan_id``, else the plan the session looks at) in the plan's
    order, with its units and roles; ``ids``: those tasks, whatever their plan.

    With ``unit`` (a unit's full and short names), only the tasks the unit is assigned to (any
    role) or whose text names it.
    """
    where, params = "", ()
    if ids is not None:
        where, params = f" WHERE t.id IN ({','.join('?' * len(ids))})", tuple(ids)
    else:
        pid = plan_id if plan_id is not None else viewed_plan_id(store)
        if pid is not None:
            where = (
                " WHERE (t.plan_id = ? OR t.id IN (SELECT task_id FROM carryover"
                " WHERE kind = 'task' AND from_plan_id = ?))"
            )
            params = (pid, pid)
    units = _units_by_task(store, list(ids) if ids is not None else None)
    rows = [
        _with_units(r, units.get(r[0], []))
        for r in store.conn.execute(_SELECT + where + " ORDER BY t.source_line, t.code", params)
    ]
    if unit:
        names = [n for n in unit if n]
        rows = [t for t in rows if unit_role(t, names) is not None]
    return rows


def unit_role(task: Task, names: list[str]) -> str | None:
    """The role of the unit called ``names`` (full and short names) in ``task``: 牵头, 责任 or
    配合 where it is assigned, 规划提及 where only the plan's text names it, else None."""
    for u in task.units:
        if u.name in names:
            return u.role
    if any(n in f"{task.title}{task.text or ''}" for n in names):
        return "规划提及"
    return None


def task_id_by_code(store: Store, code: str) -> int:
    """The id of the task numbered ``code`` (e.g. ``RW04-1-1``)."""
    found = store.scalar("SELECT id FROM task WHERE code = ?", (code.strip(),))
    if found is None:
        raise NotFoundError(
            f"找不到编号为「{code}」的重点任务。请用 tasks 命令查看任务编号（如 RW04-1-1）。"
        )
    return found


def get_task(store: Store, task_id: int) -> Task:
    found = list_tasks(store, ids=[task_id])
    if not found:
        raise NotFoundError(f"找不到重点任务（{task_id}），可能已被删除。请刷新。")
    return found[0]


def _links_text(store: Store, task_id: int) -> str:
    return "；".join(
        f"{u.name}（{u.role}）" for u in _units_by_task(store, [task_id]).get(task_id, [])
    )


def set_task_units(store: Store, task_id: int, links: list[tuple[int, str]]) -> bool:
    """Replace the task's units and roles (audited); refused on a task of a closed plan.
    Returns whether anything changed."""
    problem = unit_links_problems(links)
    if problem:
        raise ValidationError({"units": problem.replace("一个项目", "一项任务")})
    with store.write() as tx:
        code = store.scalar("SELECT code FROM task WHERE id = ?", (task_id,))
        if code is None:
            raise NotFoundError(f"找不到重点任务（{task_id}），可能已被删除。请刷新。")
        refuse_closed_task(store, task_id)
        before = _links_text(store, task_id)
        store.conn.execute("DELETE FROM task_unit WHERE task_id = ?", (task_id,))
        store.conn.executemany(
            "INSERT INTO task_unit (task_id, unit_id, role) VALUES (?,?,?)",
            [(task_id, unit_id, role) for unit_id, role in links],
        )
        after = _links_text(store, task_id)
        if before == after:
            return False
        tx.audit("task", code, "units", before or None, after or None)
    return True


def task_notes(store: Store, task_id: int) -> str | None:
    """The task's 备注 as stored (``NotFoundError`` when the task is gone)."""
    row = store.conn.execute("SELECT notes FROM task WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"找不到重点任务（{task_id}），可能已被删除。请刷新。")
    return row[0]


def set_task_notes(store: Store, task_id: int, notes: str | None) -> bool:
    """Replace the task's 备注 (audited as entity ``task``, field ``notes``); refused on a task
    of a closed plan. Returns whether anything changed."""
    with store.write() as tx:
        before = task_notes(store, task_id)
        refuse_closed_task(store, task_id)
        if before == notes:
            return False
        store.conn.execute("UPDATE task SET notes = ? WHERE id = ?", (notes, task_id))
        tx.audit("task", task_id, "notes", before, notes)
    return True


# How a task's audited fields and its reports' fields are named in its history.
TASK_FIELD_LABELS = {"units": "单位", "notes": "备注"}
TASK_REPORT_LABELS = {
    "progress_text": "进展情况",
    "state": "完成情况",
    "done_date": "完成时间",
    "problems": "存在问题",
}


def _period_label(period: str | None) -> str:
    """「2026年11月」 from ``2026-11``."""
    return Period.parse(period).label if period else ""


def task_history(store: Store, task_id: int) -> list[dict]:
    """The audit trail of a task, newest first: its units, 备注, 结转 and creation (audited by
    the task's id, or by its code for unit assignments), and every change to its reports, with
    the import file when from an import."""
    code = store.scalar("SELECT code FROM task WHERE id = ?", (task_id,))
    if code is None:
        raise NotFoundError(f"找不到重点任务（{task_id}），可能已被删除。请刷新。")
    rows = store.conn.execute(
        "SELECT a.at, a.user, a.entity, a.field, a.old, a.new, a.source, b.file_name,"
        " r.period, u.name"
        " FROM audit_log a LEFT JOIN import_batch b ON b.id = a.batch_id"
        " LEFT JOIN task_report r ON a.entity = 'task_report' AND r.id = a.entity_id"
        " LEFT JOIN unit u ON u.id = r.unit_id"
        " WHERE (a.entity = 'task' AND a.entity_id IN (?, ?))"
        " OR (a.entity = 'task_report' AND a.entity_id IN"
        " (SELECT CAST(id AS TEXT) FROM task_report WHERE task_id = ?))"
        " ORDER BY a.id DESC",
        (str(task_id), code, task_id),
    ).fetchall()
    out = []
    for at, user, entity, field_name, old, new, source, file_name, period, unit in rows:
        if entity == "task_report":
            what = TASK_REPORT_LABELS.get(field_name, field_name)
            label = f"报告 {_period_label(period)} {unit or ''}：{what}".replace("  ", " ")
        else:
            label = TASK_FIELD_LABELS.get(field_name, field_name)
        out.append(audit_entry(at, user, label, old, new, source, file_name))
    return out


def task_reports(store: Store, task_id: int) -> list[dict]:
    """The task's reports, newest period first, unit by unit (in the office's unit order), with
    the import that brought each (file name and time) when it came from one."""
    rows = store.conn.execute(
        "SELECT r.period, u.name, r.state, r.progress_text, r.done_date, r.problems, r.source,"
        " r.reported_at, b.file_name, b.at"
        " FROM task_report r JOIN unit u ON u.id = r.unit_id"
        " LEFT JOIN import_batch b ON b.id = r.batch_id"
        " WHERE r.task_id = ? ORDER BY r.period DESC, u.sort, u.name",
        (task_id,),
    ).fetchall()
    keys = (
        "period",
        "unit",
        "state",
        "progress_text",
        "done_date",
        "problems",
        "source",
        "reported_at",
        "file_name",
        "batch_at",
    )
    return [
        dict(zip(keys, row, strict=True)) | {"period_label": _period_label(row[0])} for row in rows
    ]


def unassigned_count(store: Store) -> int:
    """Tasks (of the plan the session looks at) without a 牵头单位."""
    return sum(1 for t in list_tasks(store) if not t.lead_unit)


def insert_task(
    store: Store,
    t: dict,
    plan_id: int,
    section_ids: dict[str, int],
    units: dict[str, int] | None = None,
) -> int:
    """Insert one dataset task inside the caller's transaction; the plan's own lead unit, where
    it names one, is the task's 牵头 (task_unit) from the start."""
    lead = (units or {}).get(t.get("lead_unit") or "")
    task_id = store.conn.execute(
        "INSERT INTO task (plan_id, code, section_id, number, title, text, source_line,"
        " lead_unit_id) VALUES (?,?,?,?,?,?,?,?)",
        (
            plan_id,
            t["code"],
            section_ids.get(t.get("section") or ""),
            t.get("number"),
            t["title"],
            t.get("text"),
            t.get("line"),
            lead,
        ),
    ).lastrowid
    if lead is not None:
        store.conn.execute(
            "INSERT OR IGNORE INTO task_unit (task_id, unit_id, role) VALUES (?,?,'牵头')",
            (task_id, lead),
        )
    return task_id


def task_titles(store: Store) -> list:
    """Id, code and title of every task, of every plan."""
    return store.query("SELECT id, code, title FROM task")


def task_code_taken(store: Store, code: str) -> bool:
    """Whether a task of any plan has ``code``."""
    return bool(store.scalar("SELECT 1 FROM task WHERE code = ?", (code,)))


def task_section_ids(store: Store, plan_id: int) -> dict[int, int | None]:
    """``task -> its section`` for the plan's tasks and those carried out of it."""
    return {
        tid: sid
        for tid, sid in store.conn.execute(
            "SELECT id, section_id FROM task WHERE plan_id = ? OR id IN (SELECT task_id FROM"
            " carryover WHERE kind = 'task' AND from_plan_id = ?)",
            (plan_id, plan_id),
        )
    }
