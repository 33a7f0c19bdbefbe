"""督办 records: notices to the unit responsible for a late project or task, and their replies.

A record concerns a project (``project_id``) or a task of the year's list (``task_id``); for a
task's, ``project_code`` and ``project_name`` hold the task's code and title, so that every list
and notice shows either the same way (``kind`` says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.errors import NotFoundError, UserError, ValidationError
from ..domain.parsing import from_iso, iso
from ..domain.plans import CLOSED
from ..domain.supervision import LEVELS, STATES
from .database import Store, check_version


@dataclass(frozen=True, slots=True)
class Supervision:
    id: int
    project_id: str | None  # None: a task's
    project_code: str
    project_name: str
    unit_id: int | None
    unit: str | None
    issued_date: date
    reply_by: date
    level: str
    status: str
    reason: str
    request: str | None
    reply_text: str | None
    replied_date: date | None
    closed_date: date | None
    version: int
    task_id: int | None = None

    @property
    def kind(self) -> str:
        """项目 or 任务."""
        return "任务" if self.task_id is not None else "项目"


_SELECT = (
    "SELECT s.id, s.project_id, coalesce(p.code, t.code), coalesce(p.name, t.title), s.unit_id,"
    " u.name, s.issued_date, s.reply_by, s.level, s.status, s.reason, s.request, s.reply_text,"
    " s.replied_date, s.closed_date, s.version, s.task_id FROM supervision s"
    " LEFT JOIN project p ON p.id = s.project_id LEFT JOIN task t ON t.id = s.task_id"
    " LEFT JOIN unit u ON u.id = s.unit_id"
)
# A record whose project is deleted for good goes with it (ON DELETE CASCADE); one of neither
# kind cannot be written (create_supervision), so every record read has a code and a name.
_KNOWN = "(p.id IS NOT NULL OR t.id IS NOT NULL)"


def _row(r: tuple) -> Supervision:
    return Supervision(
        *r[:6],
        from_iso(r[6]),
        from_iso(r[7]),
        *r[8:13],
        from_iso(r[13]),
        from_iso(r[14]),
        r[15],
        r[16],
    )


def list_supervisions(
    store: Store,
    *,
    unit_id: int | None = None,
    project_id: str | None = None,
    task_id: int | None = None,
    kind: str | None = None,
    open_only: bool = False,
) -> list[Supervision]:
    """督办 records, newest first; ``kind`` 项目 or 任务 keeps one kind."""
    where, params = [_KNOWN], []
    if unit_id is not None:
        where.append("s.unit_id = ?")
        params.append(unit_id)
    if project_id is not None:
        where.append("s.project_id = ?")
        params.append(project_id)
    if task_id is not None:
        where.append("s.task_id = ?")
        params.append(task_id)
    if kind == "项目":
        where.append("s.task_id IS NULL")
    elif kind == "任务":
        where.append("s.task_id IS NOT NULL")
    if open_only:
        where.append("s.status <> '已办结'")
    sql = _SELECT + " WHERE " + " AND ".join(where)
    sql += " ORDER BY s.issued_date DESC, s.id DESC"
    return [_row(r) for r in store.conn.execute(sql, params)]


def get_supervision(store: Store, supervision_id: int) -> Supervision:
    row = store.conn.execute(_SELECT + " WHERE s.id = ?", (supervision_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"找不到督办记录（{supervision_id}）")
    return _row(row)


def refuse_closed_plans(
    store: Store, project_ids: list[str] = (), task_ids: list[int] = ()
) -> None:
    """Refuse 督办 on projects or tasks of a closed plan (its data are read-only), naming each
    of them and its plan; nothing is issued when one of them is."""
    found: dict[str, list[str]] = {}
    for ids, sql, kind in (
        (
            list(dict.fromkeys(project_ids)),
            "SELECT x.name, p.title FROM project x JOIN plan p ON p.id = x.plan_id"
            " WHERE p.status = ? AND x.id IN ({})",
            "项目",
        ),
        (
            list(dict.fromkeys(task_ids)),
            "SELECT t.title, p.title FROM task t JOIN plan p ON p.id = t.plan_id"
            " WHERE p.status = ? AND t.id IN ({})",
            "重点任务",
        ),
    ):
        for start in range(0, len(ids), 500):  # SQLite's limit on the number of parameters
            part = ids[start : start + 500]
            query = sql.format(",".join("?" * len(part)))
            for name, plan in store.conn.execute(query, (CLOSED, *part)):
                found.setdefault(plan, []).append(f"{kind}「{name}」")
    if not found:
        return
    parts = []
    for plan, names in found.items():
        shown = "、".join(names[:5]) + (f"等 {len(names)} 项" if len(names) > 5 else "")
        parts.append(f"{shown}属于已关闭的规划《{plan}》")
    raise UserError(
        "；".join(parts) + "，不能再发督办（已关闭规划的数据只读）。"
        "如确需督办，请先在“规划”页（或命令 plan open）重新打开该规划。"
    )


def create_supervision(
    store: Store,
    project_id: str | None,
    *,
    task_id: int | None = None,
    unit_id: int | None,
    issued_date: date,
    reply_by: date,
    reason: str,
    request: str | None = None,
    level: str = "蓝",
) -> int:
    if (project_id is None) == (task_id is None):
        raise ValueError("a 督办 concerns one project or one task")
    problems = {}
    if reply_by < issued_date:
        problems["reply_by"] = f"回复期限 {iso(reply_by)} 早于发出日期 {iso(issued_date)}"
    if level not in LEVELS:
        problems["level"] = f"督办等级应为 {'/'.join(LEVELS)} 之一"
    if not (reason or "").strip():
        problems["reason"] = "督办事由不能为空"
    if problems:
        raise ValidationError(problems, subject="新建督办")
    refuse_closed_plans(
        store, [project_id] if project_id else [], [task_id] if task_id is not None else []
    )
    with store.write() as tx:
        sid = store.conn.execute(
            "INSERT INTO supervision (project_id, task_id, unit_id, issued_date, reply_by, level,"
            " reason, request) VALUES (?,?,?,?,?,?,?,?)",
            (
                project_id,
                task_id,
                unit_id,
                iso(issued_date),
                iso(reply_by),
                level,
                reason.strip(),
                (request or "").strip() or None,
            ),
        ).lastrowid
        tx.audit(
            "supervision", sid, "督办", None, f"{level} {reason.strip()}", project_id=project_id
        )
    return sid


def update_supervision(
    store: Store, supervision_id: int, changes: dict, *, expected_version: int | None = None
) -> dict[str, tuple]:
    """Record a reply, close, change level or reply-by; returns what changed."""
    allowed = {
        "status",
        "reply_text",
        "replied_date",
        "closed_date",
        "level",
        "reply_by",
        "request",
    }
    if set(changes) - allowed:
        raise ValueError(f"unknown supervision fields: {sorted(set(changes) - allowed)}")
    if "status" in changes and changes["status"] not in STATES:
        raise ValidationError({"status": f"督办状态应为 {'/'.join(STATES)} 之一"})
    if "level" in changes and changes["level"] not in LEVELS:
        raise ValidationError({"level": f"督办等级应为 {'/'.join(LEVELS)} 之一"})
    with store.write() as tx:
        check_version(store, "supervision", "id", supervision_id, expected_version)
        current = get_supervision(store, supervision_id)
        old = {
            "status": current.status,
            "reply_text": current.reply_text,
            "replied_date": iso(current.replied_date),
            "closed_date": iso(current.closed_date),
            "level": current.level,
            "reply_by": iso(current.reply_by),
            "request": current.request,
        }
        new = {
            k: (
                iso(v)
                if isinstance(v, date)
                else ((v or "").strip() or None if isinstance(v, str) or v is None else v)
            )
            for k, v in changes.items()
        }
        diff = {k: (old[k], v) for k, v in new.items() if old[k] != v}
        if not diff:
            return {}
        sets = ", ".join(f"{k} = ?" for k in diff)
        store.conn.execute(
            f"UPDATE supervision SET {sets}, version = version + 1 WHERE id = ?",
            (*(v for _, v in diff.values()), supervision_id),
        )
        for field, (a, b) in diff.items():
            tx.audit("supervision", supervision_id, field, a, b, project_id=current.project_id)
    return diff


def delete_supervision(store: Store, supervision_id: int) -> None:
    current = get_supervision(store, supervision_id)
    with store.write() as tx:
        store.conn.execute("DELETE FROM supervision WHERE id = ?", (supervision_id,))
        tx.audit(
            "supervision",
            supervision_id,
            "删除",
            current.reason,
            None,
            project_id=current.project_id,
        )
