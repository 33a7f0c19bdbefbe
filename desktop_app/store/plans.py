"""Plans (规划): which exist, which one is worked on, closing and reopening, and carrying a
plan's unfinished projects and tasks into the next.

A project or task carried over keeps its id (so its reports, milestones, 督办 and audit trail stay
with it); its ``plan_id`` becomes the new plan's and a ``carryover`` row records where it came
from. Every list of projects goes through ``scope_sql`` to see one plan's projects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from ..domain.errors import NotFoundError, UserError
from ..domain.plans import CLOSED, OPEN, PlanInfo, carries_project, carries_task, closed_message
from .database import Store

CURRENT_PLAN_KEY = "current_plan"

_SELECT = """
SELECT p.id, p.code, p.title, p.doc_no, p.start_year, p.end_year, p.status, p.closed_at,
       (SELECT count(*) FROM project x WHERE x.plan_id = p.id AND x.deleted = 0),
       (SELECT count(*) FROM task t WHERE t.plan_id = p.id),
       (SELECT count(*) FROM indicator i WHERE i.plan_id = p.id),
       (SELECT count(*) FROM carryover c WHERE c.to_plan_id = p.id),
       (SELECT count(*) FROM carryover c WHERE c.from_plan_id = p.id)
FROM plan p
"""


def list_plans(store: Store) -> list[PlanInfo]:
    return [PlanInfo(*row) for row in store.conn.execute(_SELECT + " ORDER BY p.start_year, p.id")]


def get_plan(store: Store, key: int | str) -> PlanInfo:
    """A plan by id, code (CD-2021) or start year (2021)."""
    text = str(key).strip()
    row = store.conn.execute(
        _SELECT + " WHERE p.code = ? COLLATE NOCASE OR CAST(p.id AS TEXT) = ?"
        " ORDER BY p.code = ? COLLATE NOCASE DESC LIMIT 1",
        (text, text, text),
    ).fetchone()
    if row is None and text.isdigit() and len(text) == 4:
        row = store.conn.execute(_SELECT + " WHERE p.start_year = ?", (int(text),)).fetchone()
    if row is None:
        names = "、".join(f"{p.id}（{p.code}）" for p in list_plans(store)) or "无"
        raise NotFoundError(f"找不到规划「{text}」。已有的规划：{names}。请用 plan list 查看。")
    return PlanInfo(*row)


def current_plan_id(store: Store) -> int | None:
    """The plan worked on by default: the setting ``current_plan``, else the latest open plan,
    else the latest plan (``None`` when the database holds no plan)."""
    saved = store.get_setting(CURRENT_PLAN_KEY)
    if saved is not None and store.scalar("SELECT 1 FROM plan WHERE id = ?", (saved,)):
        return int(saved)
    return store.scalar(
        "SELECT id FROM plan ORDER BY status = ? DESC, start_year DESC, id DESC LIMIT 1", (OPEN,)
    )


def set_current_plan(store: Store, plan_id: int) -> None:
    get_plan(store, plan_id)
    store.set_setting(CURRENT_PLAN_KEY, int(plan_id))


def viewed_plan_id(store: Store) -> int | None:
    """The plan this session looks at: one chosen for it (window chooser, ``--plan``), else the
    current plan."""
    chosen = getattr(store, "plan_view", None)
    if chosen is not None:
        return chosen
    return current_plan_id(store)


def scope_sql(store: Store, alias: str = "p", plan_id: int | None = None) -> tuple[str, tuple]:
    """The condition keeping one plan's projects (its own, those it carried into the next, and
    any not yet assigned to a plan); ``("", ())`` when the database holds no plan."""
    pid = plan_id if plan_id is not None else viewed_plan_id(store)
    if pid is None:
        return "", ()
    return (
        f"({alias}.plan_id = ? OR {alias}.plan_id IS NULL OR {alias}.id IN"
        " (SELECT project_id FROM carryover WHERE kind = 'project' AND from_plan_id = ?))",
        (pid, pid),
    )


def task_scope_sql(store: Store, alias: str = "t", plan_id: int | None = None) -> tuple[str, tuple]:
    """``scope_sql`` for tasks: the viewed plan's own, those it carried into the next, and any
    not assigned to a plan; ``("", ())`` when the database holds no plan."""
    pid = plan_id if plan_id is not None else viewed_plan_id(store)
    if pid is None:
        return "", ()
    return (
        f"({alias}.plan_id = ? OR {alias}.plan_id IS NULL OR {alias}.id IN"
        " (SELECT task_id FROM carryover WHERE kind = 'task' AND from_plan_id = ?))",
        (pid, pid),
    )


def plan_of_project(store: Store, project_id: str) -> tuple[str, str, str] | None:
    """``(project name, plan title, plan status)`` of a project's plan (``None``: no plan)."""
    return store.conn.execute(
        "SELECT x.name, p.title, p.status FROM project x JOIN plan p ON p.id = x.plan_id"
        " WHERE x.id = ?",
        (project_id,),
    ).fetchone()


@contextmanager
def restoring(store: Store) -> Iterator[None]:
    """Within the block, projects of closed plans may be written: an undo putting back what a
    change of all plans (a merge of units) did to them, not an edit of the plan."""
    before = getattr(store, "_restoring", False)
    store._restoring = True
    try:
        yield
    finally:
        store._restoring = before


def refuse_closed(store: Store, project_id: str) -> None:
    """Refuse a change to a project of a closed plan, saying which and what to do."""
    if getattr(store, "_restoring", False):
        return
    found = plan_of_project(store, project_id)
    if found and found[2] == CLOSED:
        raise UserError(closed_message(f"项目「{found[0]}」", found[1]))


def refuse_closed_task(store: Store, task_id: int) -> None:
    """Refuse a change to a task (its units, its reports) of a closed plan."""
    if getattr(store, "_restoring", False):
        return
    found = store.conn.execute(
        "SELECT t.title, p.title, p.status FROM task t JOIN plan p ON p.id = t.plan_id"
        " WHERE t.id = ?",
        (task_id,),
    ).fetchone()
    if found and found[2] == CLOSED:
        raise UserError(closed_message(f"重点任务「{found[0]}」", found[1]))


def closed_project_plans(store: Store) -> dict[str, str]:
    """``project id -> plan title`` of the projects whose plan is closed."""
    return dict(
        store.conn.execute(
            "SELECT x.id, p.title FROM project x JOIN plan p ON p.id = x.plan_id WHERE p.status = ?",
            (CLOSED,),
        )
    )


def closed_task_plans(store: Store) -> dict[int, str]:
    """``task id -> plan title`` of the tasks whose plan is closed."""
    return dict(
        store.conn.execute(
            "SELECT t.id, p.title FROM task t JOIN plan p ON p.id = t.plan_id WHERE p.status = ?",
            (CLOSED,),
        )
    )


def set_status(store: Store, plan_id: int, status: str) -> bool:
    """Close or reopen a plan; returns whether it changed."""
    plan = get_plan(store, plan_id)
    if plan.status == status:
        return False
    with store.write() as tx:
        store.conn.execute(
            "UPDATE plan SET status = ?, closed_at = ?, closed_by = ? WHERE id = ?",
            (
                status,
                date.today().isoformat() if status == CLOSED else None,
                store.user if status == CLOSED else None,
                plan.id,
            ),
        )
        tx.audit("plan", plan.id, "status", plan.status, status)
    return True


def plan_code_taken(store: Store, code: str) -> bool:
    """Whether a plan has ``code`` (in any letter case)."""
    return bool(store.scalar("SELECT 1 FROM plan WHERE code = ? COLLATE NOCASE", (code,)))


def column_sections(store: Store) -> list[tuple[int, int, str]]:
    """``(id, number, title)`` of every plan's 专栏."""
    return store.conn.execute(
        "SELECT id, number, title FROM plan_section WHERE kind = '专栏'"
    ).fetchall()


def create_plan(
    store: Store, *, code: str, title: str, doc_no: str | None, start_year: int, end_year: int
) -> int:
    """A new, empty plan (inside the caller's transaction or its own)."""
    with store.write() as tx:
        if plan_code_taken(store, code):
            raise UserError(f"规划编号「{code}」已存在，请换一个编号。")
        pid = store.conn.execute(
            "INSERT INTO plan (code, title, doc_no, start_year, end_year) VALUES (?,?,?,?,?)",
            (code, title, doc_no, start_year, end_year),
        ).lastrowid
        tx.audit("plan", pid, "创建", None, title)
    return pid


def insert_section(
    store: Store, plan_id: int, key: str, kind: str, number: int, title: str, parent_id: int | None
) -> int:
    return store.conn.execute(
        "INSERT INTO plan_section (plan_id, key, kind, number, title, parent_id)"
        " VALUES (?,?,?,?,?,?)",
        (plan_id, key, kind, number, title, parent_id),
    ).lastrowid


def sections_of(store: Store, plan_id: int) -> list[dict]:
    return store.query(
        "SELECT id, key, kind, number, title, parent_id FROM plan_section WHERE plan_id = ?"
        " ORDER BY id",
        (plan_id,),
    )


# -- task states (年度任务清单 reports) ---------------------------------------------------------


def task_states(store: Store, upto: date | None = None) -> dict[int, tuple[str | None, str]]:
    """The latest reported state of each task (``task_id -> (state, period)``): its units'
    report of the latest period up to ``upto`` (the last one saved when several units report
    the same period). Tasks never reported are absent."""
    sql = "SELECT task_id, state, period FROM task_report"
    params: tuple = ()
    if upto is not None:
        sql += " WHERE period <= ?"
        params = (f"{upto.year:04d}-{upto.month:02d}",)
    out: dict[int, tuple[str | None, str]] = {}
    for task_id, state, period in store.conn.execute(
        sql + " ORDER BY period, reported_at, id", params
    ):
        out[task_id] = (state, period)
    return out


# -- carrying over ----------------------------------------------------------------------------


def carry_over(store: Store, from_plan_id: int, to_plan_id: int) -> dict[str, list[str]]:
    """Move the unfinished projects and tasks of one plan into another (inside the caller's
    transaction). Returns the codes carried: ``{"projects": [...], "tasks": [...]}``."""
    source = get_plan(store, from_plan_id)
    target = get_plan(store, to_plan_id)
    done: dict[str, list[str]] = {"projects": [], "tasks": []}
    with store.write() as tx:
        rows = store.conn.execute(
            "SELECT id, code, name, stage, deleted, section_id, percent_complete,"
            " investment_to_date FROM project WHERE plan_id = ? ORDER BY code",
            (source.id,),
        ).fetchall()
        for pid, code, _name, stage, deleted, section_id, percent, invest in rows:
            if not carries_project(stage, bool(deleted)):
                continue
            state = {"stage": stage, "percent_complete": percent, "investment_to_date": invest}
            store.conn.execute(
                "INSERT INTO carryover (kind, project_id, from_plan_id, to_plan_id,"
                " from_section_id, state, user) VALUES ('project',?,?,?,?,?,?)",
                (
                    pid,
                    source.id,
                    target.id,
                    section_id,
                    json.dumps(state, ensure_ascii=False),
                    store.user,
                ),
            )
            store.conn.execute(
                "UPDATE project SET plan_id = ?, version = version + 1,"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
                (target.id, pid),
            )
            tx.audit("project", pid, "结转", source.title, target.title, project_id=pid)
            done["projects"].append(code)
        states = task_states(store)
        for tid, code, section_id in store.conn.execute(
            "SELECT id, code, section_id FROM task WHERE plan_id = ? ORDER BY code", (source.id,)
        ).fetchall():
            state = states.get(tid, (None, None))[0]
            if not carries_task(state):
                continue
            store.conn.execute(
                "INSERT INTO carryover (kind, task_id, from_plan_id, to_plan_id, from_section_id,"
                " state, user) VALUES ('task',?,?,?,?,?,?)",
                (
                    tid,
                    source.id,
                    target.id,
                    section_id,
                    json.dumps({"state": state}, ensure_ascii=False),
                    store.user,
                ),
            )
            store.conn.execute("UPDATE task SET plan_id = ? WHERE id = ?", (target.id, tid))
            tx.audit("task", tid, "结转", source.title, target.title)
            done["tasks"].append(code)
    return done


def carried_in(store: Store, plan_id: int) -> list[tuple[str, str | None, int | None]]:
    """``(kind, project_id, task_id)`` of every project and task carried into the plan."""
    return store.conn.execute(
        "SELECT kind, project_id, task_id FROM carryover WHERE to_plan_id = ?", (plan_id,)
    ).fetchall()


def carried_project_codes(store: Store, plan_id: int) -> set[str]:
    """Codes of the plan's projects that closing it carries into the next plan."""
    return {
        code
        for code, stage, deleted in store.conn.execute(
            "SELECT code, stage, deleted FROM project WHERE plan_id = ?", (plan_id,)
        )
        if carries_project(stage, bool(deleted))
    }


def carried_from(store: Store, project_id: str) -> list[dict]:
    """Where a project came from, oldest first: plan, 专栏/章 and its state when carried."""
    return store.query(
        "SELECT c.at, c.user, f.title AS from_plan, f.code AS from_code, t.title AS to_plan,"
        " s.kind AS section_kind, s.number AS section_number, s.title AS section_title, c.state"
        " FROM carryover c JOIN plan f ON f.id = c.from_plan_id JOIN plan t ON t.id = c.to_plan_id"
        " LEFT JOIN plan_section s ON s.id = c.from_section_id"
        " WHERE c.kind = 'project' AND c.project_id = ? ORDER BY c.id",
        (project_id,),
    )


def carried_out(store: Store, plan_id: int) -> dict[str, dict[object, dict]]:
    """What a plan carried into the next: ``{"project": {id: row}, "task": {id: row}}``, each row
    with the section it was under and the state it had."""
    out: dict[str, dict[object, dict]] = {"project": {}, "task": {}}
    for row in store.query(
        "SELECT c.kind, c.project_id, c.task_id, c.from_section_id, c.state, t.title AS to_plan"
        " FROM carryover c JOIN plan t ON t.id = c.to_plan_id WHERE c.from_plan_id = ?",
        (plan_id,),
    ):
        key = row["project_id"] if row["kind"] == "project" else row["task_id"]
        row["state"] = json.loads(row["state"] or "{}")
        out[row["kind"]][key] = row
    return out
