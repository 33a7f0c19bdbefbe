"""Queries behind the monitoring of a year's list: its tasks with their units, the units'
reports on them, and the annual figures of its projects (年度计划投资, 本年完成投资, 关键节点)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.parsing import from_iso
from .database import Store


@dataclass(frozen=True, slots=True)
class YearList:
    year: int
    title: str
    doc_no: str | None
    issued_at: date | None  # None: 草稿 (no report is expected on a draft)


@dataclass(frozen=True, slots=True)
class TaskUnitLink:
    unit_id: int
    unit: str
    role: str  # 牵头 / 责任 / 配合


@dataclass(frozen=True, slots=True)
class ListTask:
    """A task as an entry of a year's list."""

    item_id: int
    seq: int
    heading: str | None
    task_id: int
    code: str
    title: str
    expected: str | None  # 预期成果
    due_text: str | None  # 完成时限 as written
    due_date: date | None  # 完成时限 as read when the list was made
    units: tuple[TaskUnitLink, ...]

    @property
    def lead(self) -> TaskUnitLink | None:
        return next((u for u in self.units if u.role == "牵头"), None)

    def answering(self) -> tuple[TaskUnitLink, ...]:
        """The units that report on it and answer for it (牵头, 责任); 配合 do not."""
        return tuple(u for u in self.units if u.role in ("牵头", "责任"))


@dataclass(frozen=True, slots=True)
class TaskReport:
    task_id: int
    unit_id: int
    period: str
    reported_at: str
    state: str | None
    done_date: date | None
    progress_text: str | None
    problems: str | None


@dataclass(frozen=True, slots=True)
class ListProject:
    """A project as an entry of a year's list, with its figures for that year."""

    project_id: str
    code: str
    name: str
    lead_unit_id: int | None
    lead_unit: str | None
    planned: float | None  # 年度计划投资 (万元)
    done: float | None  # 本年完成投资 of its latest report of the year up to the period


@dataclass(frozen=True, slots=True)
class ListMilestone:
    project_id: str
    lead_unit_id: int | None
    lead_unit: str | None
    name: str
    planned: date
    actual: date | None


def year_list(store: Store, year: int) -> YearList | None:
    row = store.conn.execute(
        "SELECT year, title, doc_no, issued_at FROM annual_list WHERE year = ?", (year,)
    ).fetchone()
    if row is None:
        return None
    issued = row[3][:10] if row[3] else None
    return YearList(row[0], row[1], row[2], from_iso(issued))


def list_tasks(store: Store, year: int) -> list[ListTask]:
    """The tasks of ``year``'s list in its order (序号), each with its units."""
    links: dict[int, list[TaskUnitLink]] = {}
    for task_id, unit_id, name, role in store.conn.execute(
        "SELECT tu.task_id, tu.unit_id, u.name, tu.role FROM task_unit tu"
        " JOIN unit u ON u.id = tu.unit_id"
        " JOIN annual_item i ON i.task_id = tu.task_id AND i.year = ?"
        " ORDER BY CASE tu.role WHEN '牵头' THEN 0 WHEN '责任' THEN 1 ELSE 2 END, u.sort, u.id",
        (year,),
    ):
        links.setdefault(task_id, []).append(TaskUnitLink(unit_id, name, role))
    return [
        ListTask(
            item_id,
            seq,
            heading,
            task_id,
            code,
            title,
            expected,
            due_text,
            from_iso(due_date),
            tuple(links.get(task_id, ())),
        )
        for item_id, seq, heading, task_id, code, title, expected, due_text, due_date in (
            store.conn.execute(
                "SELECT i.id, i.seq, i.heading, t.id, t.code, t.title, i.expected, i.due_text,"
                " i.due_date FROM annual_item i JOIN task t ON t.id = i.task_id"
                " WHERE i.year = ? ORDER BY i.seq, i.id",
                (year,),
            )
        )
    ]


def task_reports(store: Store, year: int, first: str, last: str) -> list[TaskReport]:
    """The reports on the tasks of ``year``'s list for the periods ``first``–``last``
    (``YYYY-MM``, inclusive), oldest period first."""
    return [
        TaskReport(r[0], r[1], r[2], r[3], r[4], from_iso(r[5]), r[6], r[7])
        for r in store.conn.execute(
            "SELECT r.task_id, r.unit_id, r.period, r.reported_at, r.state, r.done_date,"
            " r.progress_text, r.problems FROM task_report r"
            " JOIN annual_item i ON i.task_id = r.task_id AND i.year = ?"
            " WHERE r.period BETWEEN ? AND ? ORDER BY r.period, r.id",
            (year, first, last),
        )
    ]


def list_projects(store: Store, year: int, first: str, last: str) -> list[ListProject]:
    """The (not deleted) projects of ``year``'s list with their 年度计划投资 of the year and the
    本年完成投资 of their latest report for the periods ``first``–``last``."""
    return [
        ListProject(*r)
        for r in store.conn.execute(
            "SELECT p.id, p.code, p.name, lead.unit_id, u.name, t.planned_investment,"
            " (SELECT r.investment_this_year FROM progress_report r WHERE r.project_id = p.id"
            "  AND r.period BETWEEN ? AND ? ORDER BY r.period DESC LIMIT 1)"
            " FROM annual_item i JOIN project p ON p.id = i.project_id AND p.deleted = 0"
            " LEFT JOIN project_unit lead ON lead.project_id = p.id AND lead.role = '牵头'"
            " LEFT JOIN unit u ON u.id = lead.unit_id"
            " LEFT JOIN project_annual_target t ON t.project_id = p.id AND t.year = i.year"
            " WHERE i.year = ? ORDER BY i.seq, i.id",
            (first, last, year),
        )
    ]


def list_milestones(store: Store, year: int) -> list[ListMilestone]:
    """The milestones of ``year``'s list projects planned for that year."""
    return [
        ListMilestone(r[0], r[1], r[2], r[3], from_iso(r[4]), from_iso(r[5]))
        for r in store.conn.execute(
            "SELECT m.project_id, lead.unit_id, u.name, m.name, m.planned_date, m.actual_date"
            " FROM annual_item i JOIN project p ON p.id = i.project_id AND p.deleted = 0"
            " JOIN milestone m ON m.project_id = p.id"
            " LEFT JOIN project_unit lead ON lead.project_id = p.id AND lead.role = '牵头'"
            " LEFT JOIN unit u ON u.id = lead.unit_id"
            " WHERE i.year = ? AND m.planned_date BETWEEN ? AND ?"
            " ORDER BY i.seq, m.sort, m.id",
            (year, f"{year:04d}-01-01", f"{year:04d}-12-31"),
        )
    ]
