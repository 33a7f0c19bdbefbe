"""Progress reports (进度填报): one per project per period, and the project's current state."""

from __future__ import annotations

from ..domain.errors import ValidationError
from ..domain.model import ProgressReport
from ..domain.money import round_wan
from .database import Store
from .plans import refuse_closed

REPORT_FIELDS: tuple[str, ...] = (
    "percent_complete",
    "investment_to_date",
    "investment_this_year",
    "progress_text",
    "problems",
    "next_steps",
)


def _problems(r: ProgressReport) -> dict[str, str]:
    problems = {}
    if r.percent_complete is not None and not 0 <= r.percent_complete <= 100:
        problems["percent_complete"] = f"完成百分比「{r.percent_complete:g}」超出 0–100"
    for f in ("investment_to_date", "investment_this_year"):
        v = getattr(r, f)
        if v is not None and v < 0:
            problems[f] = "投资额不能小于 0"
    return problems


def record_report(store: Store, report: ProgressReport) -> dict[str, tuple]:
    """Insert or update the report of ``report.project_id`` for ``report.period``.

    The fields given (not ``None``) replace the stored ones; the project's percent complete and
    累计完成投资 follow the latest period's report. Returns ``field -> (old, new)``.
    """
    problems = _problems(report)
    if problems:
        raise ValidationError(problems, subject=f"{report.period} 进度")
    values = {
        "percent_complete": None
        if report.percent_complete is None
        else round(report.percent_complete, 2),
        "investment_to_date": round_wan(report.investment_to_date),
        "investment_this_year": round_wan(report.investment_this_year),
        "progress_text": (report.progress_text or "").strip() or None,
        "problems": (report.problems or "").strip() or None,
        "next_steps": (report.next_steps or "").strip() or None,
    }
    with store.write(source=report.source, batch_id=report.batch_id) as tx:
        refuse_closed(store, report.project_id)
        row = store.conn.execute(
            f"SELECT id, {', '.join(REPORT_FIELDS)} FROM progress_report"
            " WHERE project_id = ? AND period = ?",
            (report.project_id, report.period),
        ).fetchone()
        if row is None:
            old = dict.fromkeys(REPORT_FIELDS)
            cur = store.conn.execute(
                "INSERT INTO progress_report (project_id, period, source, batch_id,"
                f" {', '.join(REPORT_FIELDS)}) VALUES (?,?,?,?,{','.join('?' * len(REPORT_FIELDS))})",
                (
                    report.project_id,
                    report.period,
                    report.source,
                    report.batch_id,
                    *values.values(),
                ),
            )
            report_id = cur.lastrowid
        else:
            report_id = row[0]
            old = dict(zip(REPORT_FIELDS, row[1:], strict=True))
        diff = {k: (old[k], v) for k, v in values.items() if v is not None and old[k] != v}
        if row is not None and diff:
            sets = ", ".join(f"{k} = ?" for k in diff)
            store.conn.execute(
                f"UPDATE progress_report SET {sets}, source = ?, batch_id = ?,"
                " reported_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
                (*(v for _, v in diff.values()), report.source, report.batch_id, report_id),
            )
        for field, (a, b) in diff.items():
            tx.audit("progress_report", report_id, field, a, b, project_id=report.project_id)
        _follow_latest(store, report.project_id, report.period, values, tx)
    return diff


def _follow_latest(store: Store, project_id: str, period: str, values: dict, tx) -> None:
    latest = store.scalar(
        "SELECT max(period) FROM progress_report WHERE project_id = ?", (project_id,)
    )
    if latest != period:
        return
    for field in ("percent_complete", "investment_to_date"):
        new = values[field]
        if new is None:
            continue
        old = store.scalar(f"SELECT {field} FROM project WHERE id = ?", (project_id,))
        if old != new:
            store.conn.execute(
                f"UPDATE project SET {field} = ?, version = version + 1 WHERE id = ?",
                (new, project_id),
            )
            tx.audit("project", project_id, field, old, new, project_id=project_id)


def list_reports(
    store: Store, project_id: str, *, limit: int | None = None, upto: str | None = None
) -> list[ProgressReport]:
    """A project's reports (up to the period ``upto``), newest period first, with the import
    file they came from."""
    params: tuple = (project_id,)
    sql = (
        "SELECT r.id, r.project_id, r.period, r.percent_complete, r.investment_to_date,"
        " r.investment_this_year, r.progress_text, r.problems, r.next_steps, r.source,"
        " r.reported_at, r.batch_id, b.file_name FROM progress_report r"
        " LEFT JOIN import_batch b ON b.id = r.batch_id WHERE r.project_id = ?"
    )
    if upto:
        sql += " AND r.period <= ?"
        params += (upto,)
    sql += " ORDER BY r.period DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        ProgressReport(
            project_id=pid,
            period=period,
            percent_complete=pc,
            investment_to_date=itd,
            investment_this_year=ity,
            progress_text=pt,
            problems=pr,
            next_steps=ns,
            source=src,
            reported_at=at,
            batch_id=bid,
            batch_file=fn,
            id=rid,
        )
        for rid, pid, period, pc, itd, ity, pt, pr, ns, src, at, bid, fn in store.conn.execute(
            sql, params
        )
    ]


# Each project's latest period up to a given one (``?``), read from the (project_id, period)
# index alone; joined back to its report, only those rows are read. At 10,000 projects and
# 110,000 reports: 0.04 s, against 0.17 s for one GROUP BY with bare columns (which reads every
# report) and 0.2 s for a subquery per report.
_LATEST_UPTO = (
    "SELECT project_id, max(period) AS period FROM progress_report"
    " WHERE period <= ? GROUP BY project_id"
)


def latest_reports_upto(store: Store, period: str) -> dict[str, tuple]:
    """Each project's latest report up to ``period``: ``project_id -> (period, percent,
    累计完成投资, 形象进度)``."""
    return {
        pid: tuple(rest)
        for pid, *rest in store.conn.execute(
            "SELECT r.project_id, r.period, r.percent_complete, r.investment_to_date,"
            " r.progress_text"
            f" FROM ({_LATEST_UPTO}) m"
            " JOIN progress_report r ON r.project_id = m.project_id AND r.period = m.period",
            (period,),
        )
    }


def projects_with_reports(store: Store) -> frozenset[str]:
    """The projects that have any progress report."""
    return frozenset(
        pid for (pid,) in store.conn.execute("SELECT DISTINCT project_id FROM progress_report")
    )


def reported_projects(store: Store, period: str) -> dict[str, str]:
    """Projects with a report for ``period``: ``project_id -> reported_at``."""
    return dict(
        store.conn.execute(
            "SELECT project_id, reported_at FROM progress_report WHERE period = ?", (period,)
        ).fetchall()
    )


def last_report_dates(store: Store) -> dict[str, tuple[str, str]]:
    """Every project's latest report: ``project_id -> (period, reported_at)``."""
    return {
        pid: (period, at)
        for pid, period, at in store.conn.execute(
            "SELECT project_id, max(period), reported_at FROM progress_report GROUP BY project_id"
        )
    }


def year_investment(store: Store, year: int) -> dict[str, float]:
    """本年完成投资 per project for ``year``: the value of its latest report of that year."""
    return {
        pid: value
        for pid, _, value in store.conn.execute(
            "SELECT project_id, max(period), investment_this_year FROM progress_report"
            " WHERE period LIKE ? GROUP BY project_id",
            (f"{year:04d}-%",),
        )
        if value is not None
    }


def sheet_figures(store: Store, period: str) -> dict[str, tuple[float | None, str | None]]:
    """For the printed sheets, per project up to ``period``: 本年完成投资 and 存在问题 of its
    latest report (the amount only when that report is of the period's year) —
    ``project_id -> (amount, text)``."""
    year = period[:4]
    return {
        pid: (amount if latest.startswith(year) else None, problems)
        for pid, latest, amount, problems in store.conn.execute(
            "SELECT r.project_id, r.period, r.investment_this_year, r.problems"
            f" FROM ({_LATEST_UPTO}) m"
            " JOIN progress_report r ON r.project_id = m.project_id AND r.period = m.period",
            (period,),
        )
    }
