"""A demo year of returns: for every unit that reports and each of the last twelve months ended,
the import batches the office would have recorded (most on time, some late by days or weeks, a
few units repeatedly late, a few months never sent, some corrected, some with rows refused), the
reports they carried, and the year's 督办 with their replies. Everything follows from the seed.

A return refused whole leaves no import record (the import writes nothing), so the demo makes
none; a return imported with some rows skipped records them as 拒收 in its counts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..domain.file_names import safe_file_name
from ..domain.period import Period, due_date
from ..domain.supervision import DEFAULT_REPLY_DAYS, escalated_level
from ..store import Store, seed
from ..store.monitoring import expected_reporters
from ..store.units import list_units
from . import monitoring

# How often a unit's return is late, how often a month is never sent, by the unit's habit.
_HABITS = {
    "按时": (0.05, 0.015),
    "时有迟报": (0.25, 0.04),
    "经常迟报": (0.65, 0.10),
}
# The clerk's way of naming the file (kept from month to month).
_FILE_NAMES = (
    "{unit}_{key}_进度填报.xlsx",
    "{key}_{unit}_填报模板.xlsx",
    "{unit}{label}重大项目进度填报表.xlsx",
    "{unit}_{key}_进度填报.xls",
)
_REPLIES = (
    "已召开专题会议研究整改，明确责任人和完成时限，正在加快推进。",
    "已协调解决用地问题，施工单位增加作业面，力争下月追回进度。",
    "资金已落实到位，正在按整改方案推进。",
    "已制定赶工计划，每周调度，确保按期完成。",
)


def habit(seed_value: int, unit_name: str) -> str:
    """A unit's reporting habit: most report on time, some now and then late, a few often."""
    x = random.Random(f"{seed_value}:{unit_name}:习惯").random()
    return "经常迟报" if x < 0.12 else "时有迟报" if x < 0.4 else "按时"


@dataclass(frozen=True)
class DemoBatch:
    unit_id: int
    period: str
    at: str
    file_name: str
    sha256: str
    refused: int
    n: int  # 0: the first return of the unit for the period; 1: its correction
    id: int = 0


class DemoReturns:
    """The returns filed (up to ``today``) per unit and period, with their batch ids."""

    def __init__(self, batches: list[DemoBatch]):
        self.batches = batches
        self.by_key: dict[tuple[int, str], list[DemoBatch]] = {}
        for b in batches:
            self.by_key.setdefault((b.unit_id, b.period), []).append(b)

    def final(self, unit_id: int, period: str) -> DemoBatch | None:
        """The unit's last return for the period (the one whose values stand), or None."""
        mine = self.by_key.get((unit_id, period))
        return mine[-1] if mine else None

    def corrected(self, unit_id: int, period: str) -> bool:
        return len(self.by_key.get((unit_id, period), ())) > 1


def _weekday(day: date, step: int) -> date:
    """``day``, or the nearest working day before (step -1) or after (step 1) it."""
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def _stamp(rng: random.Random, day: date) -> datetime:
    """A time in office hours (08:30–17:45) on ``day``."""
    minutes = rng.randint(0, 9 * 60 + 15)
    return datetime.combine(day, time(8, 30)) + timedelta(
        minutes=minutes, seconds=rng.randint(0, 59)
    )


def _unit_period(
    seed_value: int, unit_name: str, period: Period, due: date
) -> list[tuple[datetime, int]]:
    """When the unit's return(s) for ``period`` were imported, and the rows refused in each; the
    same whatever day the demo is made (what has not happened yet is dropped later)."""
    rng = random.Random(f"{seed_value}:{unit_name}:{period.key}")
    late_share, missing_share = _HABITS[habit(seed_value, unit_name)]
    draws = [rng.random() for _ in range(5)]
    if draws[0] < missing_share:
        return []  # never sent
    if draws[1] < late_share:
        late = rng.randint(1, 6) if draws[2] < 0.6 else rng.randint(7, 28)
        day = _weekday(due + timedelta(days=late), 1)
    else:
        day = _weekday(due - timedelta(days=rng.randint(0, 4)), -1)
    first = _stamp(rng, day)
    refused = rng.choice((1, 1, 2, 3)) if draws[3] < 0.05 else 0
    out = [(first, refused)]
    if (refused and draws[4] < 0.8) or draws[4] < 0.07:
        again = _weekday(day + timedelta(days=rng.randint(1, 9)), 1)
        out.append((_stamp(rng, again), 0))
    return out


def _file_name(seed_value: int, unit_name: str, period: Period, n: int) -> str:
    pattern = random.Random(f"{seed_value}:{unit_name}:文件名").choice(_FILE_NAMES)
    name = pattern.format(unit=safe_file_name(unit_name), key=period.key, label=period.label)
    if n:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem}（更正）.{suffix}"
    return name


def make_returns(
    store: Store,
    periods: list[Period],
    today: date,
    *,
    task_units: dict[int, set[int]],
    reported: dict[int, int],
    seed_value: int,
) -> DemoReturns:
    """The import batches of every reporting unit for ``periods`` filed before ``today``, written
    (a batch already there from an earlier demo run is kept, not made twice).

    Reporting units: those with projects to report (``expected_reporters``), and in a year with
    a list, the 牵头 and 责任 units of its tasks (``task_units``: year -> units). ``reported``
    is the number of demo projects each unit's return fills in (the rest it returns unchanged).
    """
    projects = {u: len(p) for u, p in expected_reporters(store).items()}
    due_day = monitoring.report_due_day(store)
    units = list_units(store, include_inactive=False)
    planned: list[DemoBatch] = []
    for period in periods:
        due = due_date(period, due_day=due_day)
        also = task_units.get(period.year, set())
        for unit in units:
            if unit.id not in projects and unit.id not in also:
                continue
            for n, (at, refused) in enumerate(_unit_period(seed_value, unit.name, period, due)):
                if at.date() >= today:
                    break  # not come yet
                key = f"演示:{seed_value}:{unit.name}:{period.key}:{n}"
                planned.append(
                    DemoBatch(
                        unit.id,
                        period.key,
                        at.isoformat(timespec="seconds"),
                        _file_name(seed_value, unit.name, period, n),
                        hashlib.sha256(key.encode()).hexdigest(),
                        refused,
                        n,
                    )
                )
    known = seed.batch_ids(store, [b.sha256 for b in planned])
    new = [b for b in planned if b.sha256 not in known]
    rows = []
    for b in new:
        total = projects.get(b.unit_id, 0)
        filled = min(reported.get(b.unit_id, 0), total)
        if b.n:  # a correction: the rows put right, the others sent again as they were
            updated = min(filled, random.Random(b.sha256).randint(1, 4))
        else:
            updated = max(0, filled - b.refused)
        counts = {
            "updated": updated,
            "unchanged": max(0, total - updated - b.refused),
            "refused": b.refused,
            "conflicts": 0,
            "proposals": 0,
        }
        rows.append(
            (b.at, store.user, "return", b.file_name, b.sha256, b.unit_id, b.period, counts)
        )
    ids = dict(zip((b.sha256 for b in new), seed.insert_import_batches(store, rows), strict=True))
    ids |= known
    batches = [
        DemoBatch(b.unit_id, b.period, b.at, b.file_name, b.sha256, b.refused, b.n, ids[b.sha256])
        for b in planned
    ]
    batches.sort(key=lambda b: (b.at, b.id))
    return DemoReturns(batches)


def attach_project_reports(store: Store, reports: list[tuple], returns: DemoReturns) -> list[tuple]:
    """The demo projects' reports that came in: a project's report for a month stands when every
    unit reporting on it sent its return for that month (a unit that did not has none of its
    projects reported, as 报送情况 shows it); it carries the time and batch of the last of those
    returns. ``reports`` rows are ``(project_id, period, …)`` with ``reported_at`` third."""
    by_project: dict[str, list[int]] = {}
    for unit_id, pids in expected_reporters(store).items():
        for pid in pids:
            by_project.setdefault(pid, []).append(unit_id)
    final = returns.final
    out = []
    for r in reports:
        pid, period = r[0], r[1]
        last = None
        for unit_id in by_project.get(pid, ()):
            b = final(unit_id, period)
            if b is None:
                last = None
                break
            if last is None or (b.at, b.id) > (last.at, last.id):
                last = b
        if last is not None:
            out.append((pid, period, last.at, *r[3:], last.id))
    return out


def supervisions(
    candidates: list[tuple],
    today: date,
    *,
    seed_value: int,
    unit_names: dict[int, str],
) -> list[tuple]:
    """督办 of the last twelve months: ``candidates`` are ``(project_id, task_id, unit_id,
    month, reason, light)`` (a month the item was found late); each becomes a notice issued in
    the middle of the following month, replied on time, late, or not yet, as units do.

    Rows: ``(project_id, task_id, unit_id, issued_date, reply_by, level, status, reason, request,
    reply_text, replied_date, closed_date)``."""
    rows = []
    for project_id, task_id, unit_id, month, reason, light in candidates:
        rng = random.Random(f"{seed_value}:督办:{project_id or task_id}:{month.key}")
        issued = _weekday(month.shift(1).first_day + timedelta(days=rng.randint(8, 18)), 1)
        if issued >= today:
            continue
        reply_by = issued + timedelta(days=DEFAULT_REPLY_DAYS)
        careless = habit(seed_value, unit_names.get(unit_id, "")) == "经常迟报"
        fate = rng.random()
        if fate < (0.35 if careless else 0.65):
            replied = issued + timedelta(days=rng.randint(3, DEFAULT_REPLY_DAYS))
        elif fate < (0.8 if careless else 0.88):
            replied = reply_by + timedelta(days=rng.randint(2, 25))
        else:
            replied = None
        if replied is not None and replied >= today:
            replied = None
        level = "黄" if light == "红" else "蓝"
        status, closed, text = "已发", None, None
        if replied is not None:
            text = rng.choice(_REPLIES)
            # The office closes a notice once the reply's measures have worked; many stay open.
            closed = replied + timedelta(days=rng.randint(5, 30))
            status = "已办结" if closed < today and rng.random() < 0.6 else "已回复"
            closed = closed if status == "已办结" else None
        else:
            level = escalated_level(level, "已发", reply_by, today)
        rows.append(
            (
                project_id,
                task_id,
                unit_id,
                issued.isoformat(),
                reply_by.isoformat(),
                level,
                status,
                reason,
                "请说明滞后原因，提出整改措施和完成时限，按期书面回复。",
                text,
                replied.isoformat() if replied else None,
                closed.isoformat() if closed else None,
            )
        )
    return rows
