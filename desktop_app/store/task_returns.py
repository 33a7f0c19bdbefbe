"""Stored side of the 「重点任务」 sheet of a return: a unit's tasks of the year's list, their
reports as they stand for a period, the template rows as issued, and the writes of an import.

A task's report is per unit and period (``task_report``). What a template shows for a period,
and what a return for it is compared with, is the unit's latest report for that period or an
earlier one: a past period's template never speaks of a later period's record, and a return for
it writes that period's record only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from ..domain.parsing import from_iso
from .database import Store
from .plans import refuse_closed_task

# The roles that report on a task, as for projects: 配合单位 support it but do not report.
REPORTING_ROLES = ("牵头", "责任")
# The fields a unit reports on a task, in the sheet's order.
TASK_REPORT_FIELDS = ("progress_text", "state", "done_date", "problems")


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task of the year's list as the unit's template shows it."""

    task_id: int
    code: str
    title: str
    seq: int
    heading: str | None
    lead_unit: str | None  # names joined by 、
    responsible_units: str | None
    due_text: str | None
    expected: str | None


def unit_tasks(store: Store, unit_id: int, year: int) -> list[TaskLine]:
    """The tasks of ``year``'s issued list that ``unit_id`` leads or is 责任单位 of, in the
    list's order (none when the year has no list, or its list is still a draft)."""
    names: dict[tuple[int, str], list[str]] = {}
    for task_id, role, name in store.conn.execute(
        "SELECT tu.task_id, tu.role, u.name FROM task_unit tu JOIN unit u ON u.id = tu.unit_id"
        " JOIN annual_item a ON a.task_id = tu.task_id AND a.year = ?"
        " ORDER BY tu.role, u.sort, u.id",
        (year,),
    ):
        names.setdefault((task_id, role), []).append(name)
    out = []
    for task_id, code, title, seq, heading, due_text, expected in store.conn.execute(
        "SELECT t.id, t.code, t.title, a.seq, a.heading, a.due_text, a.expected"
        " FROM annual_item a JOIN annual_list l ON l.year = a.year AND l.issued_at IS NOT NULL"
        " JOIN task t ON t.id = a.task_id"
        " WHERE a.year = ? AND EXISTS (SELECT 1 FROM task_unit tu WHERE tu.task_id = t.id"
        f" AND tu.unit_id = ? AND tu.role IN ({','.join('?' * len(REPORTING_ROLES))}))"
        " ORDER BY a.seq, a.id",
        (year, unit_id, *REPORTING_ROLES),
    ):
        lead = names.get((task_id, "牵头"))
        responsible = names.get((task_id, "责任"))
        out.append(
            TaskLine(
                task_id,
                code,
                title,
                seq,
                heading,
                "、".join(lead) if lead else None,
                "、".join(responsible) if responsible else None,
                due_text,
                expected,
            )
        )
    return out


def has_unit_tasks(store: Store, unit_id: int, year: int) -> bool:
    return bool(unit_tasks(store, unit_id, year))


@dataclass(frozen=True, slots=True)
class TaskNow:
    """A unit's report on a task as it stands for a period.

    ``values`` are those of the latest report for the period or before (``from_period``: the
    period they come from, None when there is none); ``record_id``/``version`` are the period's
    own record (None/0 when it has none) and ``record_template`` the template of the return that
    last wrote it; ``later`` whether the unit has reported on the task for a later period."""

    values: dict
    from_period: str | None
    record_id: int | None
    version: int
    record_template: str | None
    later: bool


EMPTY_VALUES = dict.fromkeys(TASK_REPORT_FIELDS)


def task_states(store: Store, unit_id: int, period: str) -> dict[int, TaskNow]:
    """``task id -> TaskNow`` for every task the unit has reported on (see ``TaskNow``)."""
    latest: dict[int, tuple] = {}
    own: dict[int, tuple] = {}
    later: set[int] = set()
    for row in store.conn.execute(
        "SELECT r.task_id, r.period, r.progress_text, r.state, r.done_date, r.problems, r.id,"
        # (A record last written by hand has no template, whatever batch it came from first.)
        " r.version, CASE WHEN r.source = '导入' THEN b.template_id END FROM task_report r"
        " LEFT JOIN import_batch b ON b.id = r.batch_id WHERE r.unit_id = ? ORDER BY r.period",
        (unit_id,),
    ):
        task_id, at = row[0], row[1]
        if at > period:
            later.add(task_id)
            continue
        latest[task_id] = row
        if at == period:
            own[task_id] = row
    out = {}
    for task_id in latest.keys() | later:
        row = latest.get(task_id)
        values = (
            {
                "progress_text": row[2],
                "state": row[3],
                "done_date": from_iso(row[4]),
                "problems": row[5],
            }
            if row
            else dict(EMPTY_VALUES)
        )
        mine = own.get(task_id)
        out[task_id] = TaskNow(
            values,
            row[1] if row else None,
            mine[6] if mine else None,
            mine[7] if mine else 0,
            mine[8] if mine else None,
            task_id in later,
        )
    return out


def task_codes(store: Store) -> dict[str, tuple[int, str]]:
    """Every task: ``code -> (id, title)``."""
    return {
        code: (tid, title)
        for tid, code, title in store.conn.execute("SELECT id, code, title FROM task")
    }


# -- templates issued -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedTask:
    task_id: int
    version: int  # the period's record's version as issued (0: none)
    snapshot: dict  # the sheet's values as issued, with the task's code and title


def record_issue_tasks(store: Store, template_id: str, rows: list[IssuedTask]) -> None:
    """Remember each task row of a template as issued (inside the issue's transaction)."""
    with store.write(source="系统"):
        store.conn.executemany(
            "INSERT INTO template_issue_task (template_id, task_id, version, snapshot)"
            " VALUES (?,?,?,?)",
            [
                (template_id, r.task_id, r.version, json.dumps(r.snapshot, ensure_ascii=False))
                for r in rows
            ],
        )


def issued_tasks(store: Store, template_id: str) -> dict[int, IssuedTask]:
    return {
        task_id: IssuedTask(task_id, version, json.loads(snapshot))
        for task_id, version, snapshot in store.conn.execute(
            "SELECT task_id, version, snapshot FROM template_issue_task WHERE template_id = ?",
            (template_id,),
        )
    }


# -- writing a return's task rows -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskReportWrite:
    """The period's record of a task as a return leaves it (every field, None = empty)."""

    task_id: int
    values: dict


def write_task_reports(
    store: Store, unit_id: int, period: str, rows: list[TaskReportWrite], *, batch_id: int
) -> int:
    """Create or correct the unit's records of ``period`` (inside the import's transaction):
    a new record has version 1; a changed one goes up by one, its old values kept in the audit
    log. Returns how many records were written."""
    written = 0
    with store.write(source="导入", batch_id=batch_id) as tx:
        for row in rows:
            refuse_closed_task(store, row.task_id)  # validation names the row; this holds anyway
            values = {k: row.values.get(k) for k in TASK_REPORT_FIELDS}
            stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
            old = store.conn.execute(
                "SELECT id, progress_text, state, done_date, problems FROM task_report"
                " WHERE task_id = ? AND unit_id = ? AND period = ?",
                (row.task_id, unit_id, period),
            ).fetchone()
            if old is None:
                report_id = store.conn.execute(
                    "INSERT INTO task_report (task_id, unit_id, period, progress_text, state,"
                    " done_date, problems, source, batch_id) VALUES (?,?,?,?,?,?,?,'导入',?)",
                    (row.task_id, unit_id, period, *stored.values(), batch_id),
                ).lastrowid
                for key, value in stored.items():
                    if value is not None:
                        tx.audit("task_report", report_id, key, None, value)
                written += 1
                continue
            before = dict(zip(TASK_REPORT_FIELDS, old[1:], strict=True))
            changed = {k: v for k, v in stored.items() if before[k] != v}
            if not changed:
                continue
            store.conn.execute(
                "UPDATE task_report SET progress_text = ?, state = ?, done_date = ?,"
                " problems = ?, source = '导入', batch_id = ?, version = version + 1,"
                " reported_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
                (*stored.values(), batch_id, old[0]),
            )
            for key, value in changed.items():
                tx.audit("task_report", old[0], key, before[key], value)
            written += 1
    return written
