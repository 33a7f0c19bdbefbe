"""重点任务: the plan's key tasks, read section by section."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Store
from .plans import viewed_plan_id


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
    lead_unit: str | None
    notes: str | None


_SELECT = """
SELECT t.id, t.code, c.number, c.title, s.title, t.number, t.title, t.text, t.source_line,
       u.name, t.notes
FROM task t
LEFT JOIN plan_section s ON s.id = t.section_id
LEFT JOIN plan_section c ON c.id = s.parent_id
LEFT JOIN unit u ON u.id = t.lead_unit_id
"""


def list_tasks(
    store: Store, *, unit: tuple[str, ...] = (), plan_id: int | None = None
) -> list[Task]:
    """Every task of a plan (``plan_id``, else the plan the session looks at) in the plan's
    order. With ``unit`` (a unit's full and short names), only the tasks it leads or whose text
    names it."""
    pid = plan_id if plan_id is not None else viewed_plan_id(store)
    where, params = "", ()
    if pid is not None:
        where = (
            " WHERE (t.plan_id = ? OR t.id IN (SELECT task_id FROM carryover"
            " WHERE kind = 'task' AND from_plan_id = ?))"
        )
        params = (pid, pid)
    rows = [
        Task(*r)
        for r in store.conn.execute(_SELECT + where + " ORDER BY t.source_line, t.code", params)
    ]
    if unit:
        names = [n for n in unit if n]
        rows = [
            t
            for t in rows
            if t.lead_unit in names or any(n in f"{t.title}{t.text or ''}" for n in names)
        ]
    return rows


def insert_task(
    store: Store,
    t: dict,
    plan_id: int,
    section_ids: dict[str, int],
    units: dict[str, int] | None = None,
) -> int:
    """Insert one dataset task inside the caller's transaction."""
    return store.conn.execute(
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
            (units or {}).get(t.get("lead_unit") or ""),
        ),
    ).lastrowid
