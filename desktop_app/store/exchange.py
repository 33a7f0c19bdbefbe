"""Stored side of the Excel exchange: templates issued, import batches, proposals, who returned.

The exchange modules read and write only through these functions (and the project/progress
store functions), so every query about templates and returns lives here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..domain.errors import ValidationError
from ..domain.money import round_wan
from ..domain.parsing import from_iso
from ..domain.validation import project_problems
from .database import Store
from .plans import scope_sql
from .projects import list_projects

# Project columns an import may write.
IMPORT_PROJECT_FIELDS = ("stage", "actual_start", "actual_end")
_REPORT_FIELDS = (
    "percent_complete",
    "investment_to_date",
    "investment_this_year",
    "progress_text",
    "problems",
    "next_steps",
)


def reporting_project_ids(store: Store, unit_id: int) -> list[str]:
    """Projects a unit reports on: it leads them or is 责任单位, or (a district) they lie in it.

    配合单位 support a project but do not report on it.
    """
    scope, scope_params = scope_sql(store, "p")
    rows = store.conn.execute(
        "SELECT p.id FROM project p WHERE p.deleted = 0 AND ("
        " p.id IN (SELECT project_id FROM project_unit WHERE unit_id = ? AND role IN ('牵头','责任'))"
        " OR (p.district_id = ? AND EXISTS (SELECT 1 FROM unit u WHERE u.id = ? AND u.kind = '区县')))"
        + (f" AND {scope}" if scope else "")
        + " ORDER BY p.code",
        (unit_id, unit_id, unit_id, *scope_params),
    ).fetchall()
    return [r[0] for r in rows]


def reporting_projects(store: Store, unit_id: int) -> list:
    ids = reporting_project_ids(store, unit_id)
    return list_projects(store, ids=ids) if ids else []


def project_keys(store: Store) -> dict[str, tuple[str, str, int]]:
    """Every live project: ``code -> (id, name, version)`` (for matching rows of a return)."""
    return {
        code: (pid, name, version)
        for pid, code, name, version in store.conn.execute(
            "SELECT id, code, name, version FROM project WHERE deleted = 0"
        )
    }


def current_values(store: Store, period: str) -> dict[str, dict]:
    """The editable values of every live project for ``period``: project fields plus the
    period's report.

    ``percent_complete``/``investment_to_date`` are the project's own (they follow the latest
    report, and an office edit changes them there); the other report fields come from the
    period's report. For a project already reported for a later period, ``period`` is past:
    every value comes from that period's report alone, and the project's current fields (stage,
    actual dates) are left out, since a return for a past period does not change them.
    """
    out: dict[str, dict] = {}
    for pid, stage, a_start, a_end, pc, itd, version in store.conn.execute(
        "SELECT id, stage, actual_start, actual_end, percent_complete, investment_to_date, version"
        " FROM project WHERE deleted = 0"
    ):
        out[pid] = {
            "stage": stage,
            "actual_start": from_iso(a_start),
            "actual_end": from_iso(a_end),
            "percent_complete": pc,
            "investment_to_date": itd,
            "investment_this_year": None,
            "progress_text": None,
            "problems": None,
            "next_steps": None,
            "version": version,
        }
    later = _reported_later(store, period)
    for pid in later:
        if pid in out:
            out[pid] |= dict.fromkeys(IMPORT_PROJECT_FIELDS + _FOLLOW_FIELDS)
    for row in store.conn.execute(
        f"SELECT project_id, {', '.join(_REPORT_FIELDS)} FROM progress_report WHERE period = ?",
        (period,),
    ):
        values = out.get(row[0])
        if values is None:
            continue
        past = row[0] in later
        for field, value in zip(_REPORT_FIELDS, row[1:], strict=True):
            if value is not None and (past or field not in _FOLLOW_FIELDS):
                values[field] = value
    return out


# What a return's rows are checked against: per live project, its identity and its editable
# values now (``RETURN_STATE_KEYS`` order, dates as ``date``).
RETURN_STATE_KEYS = IMPORT_PROJECT_FIELDS + _REPORT_FIELDS


# A return_state row: ``(id, code, name, version, *values, past, total_investment,
# last_text)``, the values from this index on.
STATE_VALUES = 4
# After the values: whether the period is past for the project (it was reported for a later
# one: its values are that period's report's, and the return leaves the project's current
# fields alone), its 总投资, and the 形象进度 of the period before (for the hints).
STATE_PAST = STATE_VALUES + len(RETURN_STATE_KEYS)
STATE_TOTAL = STATE_PAST + 1
STATE_LAST_TEXT = STATE_PAST + 2


@dataclass(frozen=True, slots=True)
class ReportKeys:
    """Where ``record_reports_bulk`` writes a period's reports: each project's report for the
    period (when it has one) and the projects already reported for a later period (their
    percent complete does not follow this one). Read with a return's state, so
    that applying it need not read them again while ``token`` (``Store.change_token``) still
    matches (``None``: read inside the write itself)."""

    token: tuple | None
    report_ids: dict[str, int]
    later: frozenset[str]
    # The row of every project the reports may name (its rowid): the writes reach it directly
    # instead of through the index of its id (a text key).
    project_rows: dict[str, int]


def return_state(store: Store, period: str) -> tuple[dict[str, tuple], ReportKeys]:
    """``code -> (id, code, name, version, *values, past, total, last_text)`` of every live
    project (see ``STATE_PAST``), the values in ``RETURN_STATE_KEYS`` order with the report
    fields from ``period``'s report (the values of ``current_values``, read in one query; plain
    tuples: 10,000 of them are built per import), and the keys its reports will be written
    under."""
    token = store.change_token()  # before the reads: a change during them shows at the apply
    fromiso = date.fromisoformat
    out = {}
    report_ids, project_rows = {}, {}
    later = _reported_later(store, period)
    before = _previous_period(period)
    for row in store.conn.execute(
        "SELECT p.id, p.code, p.name, p.version, p.stage, p.actual_start, p.actual_end,"
        " p.percent_complete, p.investment_to_date, r.investment_this_year, r.progress_text,"
        " r.problems, r.next_steps, r.id, p.rowid, r.percent_complete, r.investment_to_date,"
        " p.total_investment, q.progress_text FROM project p"
        " LEFT JOIN progress_report r ON r.project_id = p.id AND r.period = ?"
        " LEFT JOIN progress_report q ON q.project_id = p.id AND q.period = ?"
        " WHERE p.deleted = 0",
        (period, before),
    ):
        start, end, report_id = row[5], row[6], row[13]
        if report_id is not None:
            report_ids[row[0]] = report_id
        project_rows[row[0]] = row[14]
        past = row[0] in later
        if start is None and end is None and not past:  # most rows: no tuple to rebuild
            out[row[1]] = row[:13] + (False, row[17], row[18])
            continue
        values = (
            None if start is None else fromiso(start),
            None if end is None else fromiso(end),
            # A past period's figures are its own report's, not the project's latest.
            *(row[15:17] if past else row[7:9]),
        )
        out[row[1]] = (*row[:5], *values, *row[9:13], past, row[17], row[18])
    keys = ReportKeys(token, report_ids, later, project_rows)
    return out, keys


def _previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{year:04d}-{month:02d}"


def _report_keys(store: Store, period: str) -> ReportKeys:
    conn = store.conn
    return ReportKeys(
        None,
        dict(
            conn.execute(
                "SELECT project_id, id FROM progress_report WHERE period = ?", (period,)
            ).fetchall()
        ),
        _reported_later(store, period),
        dict(conn.execute("SELECT id, rowid FROM project").fetchall()),
    )


def _reported_later(store: Store, period: str) -> frozenset[str]:
    return frozenset(
        pid
        for (pid,) in store.conn.execute(
            "SELECT DISTINCT project_id FROM progress_report WHERE period > ?", (period,)
        )
    )


def reporting_scope(store: Store, unit_id: int) -> set[str]:
    """The ids of the projects a unit reports on (as ``reporting_project_ids``, unordered and
    including deleted ones: callers match them against live projects)."""
    scope = {
        pid
        for (pid,) in store.conn.execute(
            "SELECT project_id FROM project_unit WHERE unit_id = ? AND role IN ('牵头','责任')",
            (unit_id,),
        )
    }
    scope.update(
        pid
        for (pid,) in store.conn.execute(
            "SELECT p.id FROM project p JOIN unit u ON u.id = p.district_id AND u.kind = '区县'"
            " WHERE p.district_id = ?",
            (unit_id,),
        )
    )
    return scope


def reference_values(store: Store, project_ids: set[str], year: int) -> dict[str, dict]:
    """The office's columns of a template as they stand now, per project of ``project_ids``:
    建设内容, 牵头单位, 责任单位 (names joined by 、), 计划开工/完工 (ISO text), 总投资, the year's
    年度计划投资.
    (Three flat queries: a subquery per project costs ten times as much at 10,000 projects.)"""
    units: dict[tuple[str, str], list[str]] = {}
    for pid, role, name in store.conn.execute(
        "SELECT pu.project_id, pu.role, u.name FROM project_unit pu"
        " JOIN unit u ON u.id = pu.unit_id WHERE pu.role IN ('牵头', '责任') ORDER BY pu.rowid"
    ):
        units.setdefault((pid, role), []).append(name)
    plans = annual_plans(store, year)
    out = {}
    for pid, scope, start, end, total in store.conn.execute(
        "SELECT id, scope, planned_start, planned_end, total_investment FROM project"
        " WHERE deleted = 0"
    ):
        if pid in project_ids:
            lead, responsible = units.get((pid, "牵头")), units.get((pid, "责任"))
            out[pid] = {
                "scope": scope,
                "lead_unit": lead[0] if lead else None,
                "responsible_units": "、".join(responsible) if responsible else None,
                "planned_start": start,  # ISO text: compared as such
                "planned_end": end,
                "total_investment": total,
                "annual_plan": plans.get(pid),
            }
    return out


def annual_plans(store: Store, year: int) -> dict[str, float]:
    return {
        pid: value
        for pid, value in store.conn.execute(
            "SELECT project_id, planned_investment FROM project_annual_target WHERE year = ?",
            (year,),
        )
        if value is not None
    }


# -- templates issued -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueRow:
    project_id: str
    version: int
    snapshot: dict


def record_template_issue(
    store: Store,
    template_id: str,
    unit_id: int,
    period: str,
    file_name: str,
    rows: list[IssueRow],
) -> None:
    """Remember a template handed out, with each row's state, for 未报送 and conflict checks."""
    with store.write(source="系统"):
        store.conn.execute(
            "INSERT INTO template_issue (id, unit_id, period, user, file_name, project_count)"
            " VALUES (?,?,?,?,?,?)",
            (template_id, unit_id, period, store.user, file_name, len(rows)),
        )
        store.conn.executemany(
            "INSERT INTO template_issue_row (template_id, project_id, version, snapshot)"
            " VALUES (?,?,?,?)",
            [
                (template_id, r.project_id, r.version, json.dumps(r.snapshot, ensure_ascii=False))
                for r in rows
            ],
        )
        store.conn.execute(
            "INSERT INTO event_log (user, kind, summary, path) VALUES (?,?,?,?)",
            (store.user, "template", f"生成 {period} 填报模板（{len(rows)} 个项目）", file_name),
        )


def template_issue(store: Store, template_id: str) -> dict | None:
    rows = store.query(
        "SELECT t.id, t.unit_id, u.name AS unit, t.period, t.issued_at FROM template_issue t"
        " JOIN unit u ON u.id = t.unit_id WHERE t.id = ?",
        (template_id,),
    )
    return rows[0] if rows else None


def issue_rows(store: Store, template_id: str) -> dict[str, IssueRow]:
    rows = store.conn.execute(
        "SELECT project_id, version, snapshot FROM template_issue_row WHERE template_id = ?",
        (template_id,),
    ).fetchall()
    # One JSON document for all rows: a single parse is several times faster than 10,000.
    snapshots = json.loads("[" + ",".join(snap for _, _, snap in rows) + "]") if rows else []
    return {
        pid: IssueRow(pid, version, snap)
        for (pid, version, _), snap in zip(rows, snapshots, strict=True)
    }


# -- import batches ---------------------------------------------------------------------------


def batch_counts_by_sha(store: Store, sha256: str, kind: str) -> list[dict]:
    """The counts recorded with every import of the file ``sha256`` (oldest first)."""
    return [
        json.loads(counts or "{}")
        for (counts,) in store.conn.execute(
            "SELECT counts FROM import_batch WHERE sha256 = ? AND kind = ? ORDER BY id",
            (sha256, kind),
        )
    ]


def last_change_templates(
    store: Store, project_ids: list[str]
) -> dict[tuple[str, str], str | None]:
    """``(project, field) -> template`` of the import that last changed the field (``None``
    when the last change was not an import of a template)."""
    latest: dict[tuple[str, str], str | None] = {}
    for i in range(0, len(project_ids), 500):
        chunk = project_ids[i : i + 500]
        for pid, field_name, template_id in store.conn.execute(
            "SELECT a.project_id, a.field, b.template_id FROM audit_log a"
            " LEFT JOIN import_batch b ON b.id = a.batch_id"
            f" WHERE a.project_id IN ({','.join('?' * len(chunk))}) ORDER BY a.id",
            chunk,
        ):
            latest[(pid, field_name)] = template_id
    return latest


def template_reused(store: Store, template_id: str, unit_id: int, period: str) -> dict | None:
    """When the template ``template_id`` (for ``period``) was already returned and the unit has
    been issued a template for a later period since: ``{"at", "later"}`` (that return's time and
    the later period); else ``None``."""
    row = store.conn.execute(
        "SELECT b.at, max(t.period) FROM import_batch b JOIN template_issue t"
        " ON t.unit_id = ? AND t.period > ? AND t.issued_at >= b.at"
        " WHERE b.template_id = ? AND b.kind = 'return' GROUP BY b.id ORDER BY b.id LIMIT 1",
        (unit_id, period, template_id),
    ).fetchone()
    return {"at": row[0], "later": row[1]} if row else None


def batch_by_sha(store: Store, sha256: str, kind: str) -> dict | None:
    rows = store.query(
        "SELECT id, at, file_name, period, unit_id, counts FROM import_batch"
        " WHERE sha256 = ? AND kind = ? ORDER BY id LIMIT 1",
        (sha256, kind),
    )
    return rows[0] if rows else None


def create_batch(
    store: Store,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    unit_id: int | None,
    period: str | None,
    template_id: str | None,
    counts: dict,
) -> int:
    """Insert the import batch row (call inside the import's transaction)."""
    with store.write(source="导入"):
        cur = store.conn.execute(
            "INSERT INTO import_batch (user, kind, file_name, sha256, unit_id, period,"
            " template_id, counts) VALUES (?,?,?,?,?,?,?,?)",
            (
                store.user,
                kind,
                file_name,
                sha256,
                unit_id,
                period,
                template_id,
                json.dumps(counts, ensure_ascii=False),
            ),
        )
        store.conn.execute(
            "INSERT INTO event_log (user, kind, summary, path) VALUES (?,?,?,?)",
            (store.user, "import", f"导入 {file_name}", file_name),
        )
    return cur.lastrowid


def set_batch_counts(store: Store, batch_id: int, counts: dict) -> None:
    """The counts of an import batch, once they are all known."""
    with store.write(source="导入"):
        store.conn.execute(
            "UPDATE import_batch SET counts = ? WHERE id = ?",
            (json.dumps(counts, ensure_ascii=False), batch_id),
        )


def add_proposal(store: Store, batch_id: int, unit_id: int | None, name: str, payload: dict) -> int:
    with store.write(source="导入", batch_id=batch_id) as tx:
        cur = store.conn.execute(
            "INSERT INTO project_proposal (batch_id, unit_id, name, payload) VALUES (?,?,?,?)",
            (batch_id, unit_id, name, json.dumps(payload, ensure_ascii=False, default=str)),
        )
        tx.audit("project_proposal", cur.lastrowid, "创建", None, name)
    return cur.lastrowid


def list_proposals(store: Store, status: str | None = "待审核") -> list[dict]:
    sql = (
        "SELECT p.id, p.name, p.payload, p.status, u.name AS unit, b.file_name, b.at"
        " FROM project_proposal p JOIN import_batch b ON b.id = p.batch_id"
        " LEFT JOIN unit u ON u.id = p.unit_id"
    )
    params: tuple = ()
    if status:
        sql += " WHERE p.status = ?"
        params = (status,)
    return store.query(sql + " ORDER BY p.id", params)


def apply_project_fields(
    store: Store, changes: list[tuple[str, dict]], *, batch_id: int | None
) -> dict[str, dict[str, tuple]]:
    """Write the project fields a return changes (stage, actual dates), audited as 导入.

    ``changes`` holds ``(project_id, {field: value})``. Each project is checked against its
    merged values (e.g. 实际完工 before 实际开工); one refusal refuses them all. Returns
    ``project_id -> {field: (old, new)}`` for the projects that changed.
    """
    unknown = {f for _, fields in changes for f in fields} - set(IMPORT_PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"fields not importable: {sorted(unknown)}")
    if not changes:
        return {}
    with store.write(source="导入", batch_id=batch_id) as tx:
        stored = _project_states(store, [pid for pid, _ in changes])
        now = _now(store)
        updates: dict[tuple[str, ...], list[tuple]] = {}
        audits, out = [], {}
        for pid, fields in changes:
            code, *values = stored[pid]
            current = dict(zip(IMPORT_PROJECT_FIELDS, values, strict=True))
            new = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()}
            diff = {k: (current[k], v) for k, v in new.items() if current[k] != v}
            if not diff:
                continue
            merged = {k: (from_iso(v) if k != "stage" else v) for k, v in (current | new).items()}
            problems = project_problems(merged)
            if problems:
                raise ValidationError(problems, subject=f"项目「{code}」")
            updates.setdefault(tuple(diff), []).append((*(v for _, v in diff.values()), now, pid))
            audits.extend(("project", pid, pid, f, a, b) for f, (a, b) in diff.items())
            out[pid] = diff
        for fields, params in updates.items():
            sets = ", ".join(f"{k} = ?" for k in fields)
            store.conn.executemany(
                f"UPDATE project SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
                params,
            )
        _audit_many(store, tx, audits)
    return out


def _project_states(store: Store, ids: list[str]) -> dict[str, tuple]:
    """``project_id -> (code, stage, actual_start, actual_end)`` for ``ids``."""
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out.update(
            (row[0], row[1:])
            for row in store.conn.execute(
                "SELECT id, code, stage, actual_start, actual_end FROM project"
                f" WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
        )
    return out


def _now(store: Store) -> str:
    """The time stamp of a bulk write, taken once (as the columns' defaults would give it)."""
    return store.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')")


# -- 报送情况 -------------------------------------------------------------------------------


def return_status(store: Store, period: str) -> list[dict]:
    """Per unit for ``period``: templates issued, latest return (when, file, counts), or 未报送.

    Units listed are those with a template issued for the period or with projects to report.
    """
    issued = {
        unit_id: (at, count)
        for unit_id, at, count in store.conn.execute(
            "SELECT unit_id, max(issued_at), max(project_count) FROM template_issue"
            " WHERE period = ? GROUP BY unit_id",
            (period,),
        )
    }
    returns: dict[int, list[dict]] = {}
    for row in store.query(
        "SELECT id, at, file_name, unit_id, counts FROM import_batch"
        " WHERE kind = 'return' AND period = ? ORDER BY id",
        (period,),
    ):
        returns.setdefault(row["unit_id"], []).append(row)
    scope, scope_params = scope_sql(store, "p")
    reporting = {
        unit_id: n
        for unit_id, n in store.conn.execute(
            # A union of the two ways a unit reports (joined by role, or as the district), not an
            # OR in the join: the OR made SQLite pair every unit with every project (minutes at
            # 10,000 projects).
            "SELECT r.unit_id, count(DISTINCT r.project_id) FROM ("
            " SELECT unit_id, project_id FROM project_unit WHERE role IN ('牵头','责任')"
            " UNION ALL SELECT u.id, p.id FROM project p"
            " JOIN unit u ON u.id = p.district_id AND u.kind = '区县'"
            ") r JOIN project p ON p.id = r.project_id AND p.deleted = 0"
            + (f" AND {scope}" if scope else "")
            + " JOIN unit u ON u.id = r.unit_id AND u.active = 1 GROUP BY r.unit_id",
            scope_params,
        )
    }
    out = []
    for uid, name, kind in store.conn.execute(
        "SELECT id, name, kind FROM unit ORDER BY CASE kind WHEN '区县' THEN 0 WHEN '功能区' THEN 1"
        " WHEN '市级部门' THEN 2 ELSE 3 END, sort, id"
    ):
        if uid not in issued and uid not in returns and not reporting.get(uid):
            continue
        batches = returns.get(uid, [])
        counts: dict = {}
        for b in batches:
            for k, v in json.loads(b["counts"] or "{}").items():
                counts[k] = counts.get(k, 0) + v
        last = batches[-1] if batches else None
        out.append(
            {
                "unit_id": uid,
                "unit": name,
                "kind": kind,
                "projects": reporting.get(uid, 0),
                "issued_at": issued.get(uid, (None, 0))[0],
                "returned_at": last["at"] if last else None,
                "file_name": last["file_name"] if last else None,
                "returns": len(batches),
                "updated": counts.get("updated", 0),
                "refused": counts.get("refused", 0),
                "conflicts": counts.get("conflicts", 0),
                "proposals": counts.get("proposals", 0),
                "status": "已报送" if batches else "未报送",
            }
        )
    return out


def iter_reports(store: Store) -> Iterator[tuple]:
    """Progress history for the export: ``(project_id, period, percent, 累计, 本年, 形象进度,
    存在问题, 下步计划, source, reported_at)`` in project-code and period order.

    Streamed from the cursor: the history of 10,000 projects is 120,000 rows, which held in a
    list would take about 90 MB.
    """
    yield from store.conn.execute(
        "SELECT r.project_id, r.period, r.percent_complete, r.investment_to_date,"
        " r.investment_this_year, r.progress_text, r.problems, r.next_steps, r.source,"
        " r.reported_at FROM progress_report r JOIN project p ON p.id = r.project_id"
        " ORDER BY p.code, r.period"
    )


def mark_import_audit(store: Store, op_id: str, batch_id: int) -> None:
    """File the audit rows of one import operation under its batch (source 导入).

    Project creation and editing are shared with the editor, whose writes are audited as 手工;
    a register import runs them inside its own transaction and re-labels that operation's rows.
    """
    with store.write(source="导入", batch_id=batch_id):
        store.conn.execute(
            "UPDATE audit_log SET source = '导入', batch_id = ? WHERE op_id = ?", (batch_id, op_id)
        )


def record_reports_bulk(
    store: Store,
    period: str,
    reports: list[tuple[str, dict]],
    *,
    batch_id: int,
    normalized: bool = False,
    keys: ReportKeys | None = None,
) -> int:
    """Record many imported reports for ``period`` at once (same rules as ``record_report``).

    ``reports`` holds ``(project_id, {field: value})``; the values given (not ``None``) replace
    the stored ones (``CLEARED`` clears a report field, when normalized), the project's percent complete and 累计完成投资 follow its latest period,
    and every changed field gets an audit row (source 导入, the batch). Other keys are ignored.
    The values are rounded and trimmed as stored unless ``normalized`` says they already are
    (the return import's parsers give them so). ``keys`` are the reports' keys when the caller
    knows them still valid (read since the last change); else they are read here. Returns the
    number of audit rows written.
    """
    if not reports:
        return 0
    with store.large_page_cache(), store.write(source="导入", batch_id=batch_id):
        writer = ReportWriter(store, period, batch_id=batch_id, normalized=normalized, keys=keys)
        try:
            return writer.write(reports)
        finally:
            writer.close()


@dataclass(slots=True)
class PreparedReports:
    """Rows for ``ReportWriter.write_prepared``: their scratch-table values one after another,
    and whether any has no report for the period yet."""

    values: list
    new_reports: bool

    def __add__(self, other: PreparedReports) -> PreparedReports:
        return PreparedReports(self.values + other.values, self.new_reports or other.new_reports)


class ReportWriter:
    """Writes a period's imported reports, one part of a file after another, inside the caller's
    transaction (see ``record_reports_bulk`` for the rules).

    The reports go into a temporary table and SQLite compares, writes and audits them in a few
    set-wise statements: at 10,000 rows a Python loop over fields costs more than the writes
    themselves. All parts share one time stamp, as one import would.
    """

    def __init__(
        self,
        store: Store,
        period: str,
        *,
        batch_id: int,
        normalized: bool = False,
        keys: ReportKeys | None = None,
    ) -> None:
        if not store.in_write:
            raise RuntimeError("ReportWriter writes inside a transaction")
        self.store, self.period, self.batch_id = store, period, batch_id
        conn = store.conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_report (seq INTEGER PRIMARY KEY,"
            " project_id TEXT NOT NULL, report_id INTEGER, follows INTEGER, project_row INTEGER,"
            f" {', '.join(_REPORT_FIELDS)})"
        )
        conn.execute("DELETE FROM temp.import_report")
        _field_tables(conn)
        # With each row: its report for the period (if any) and whether the project follows
        # this period (no report for a later one).
        self.keys = keys if keys is not None else _report_keys(store, period)
        self.values = (
            (lambda raw: map(raw.get, _REPORT_FIELDS)) if normalized else _clean_report_row
        )
        self.now = _now(store)
        self.at = store.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now', 'localtime')")

    def write(self, reports: list[tuple[str, dict]]) -> int:
        """Write ``(project_id, {field: value})``; returns the number of audit rows written."""
        return self.write_prepared(self.prepare(reports))

    def prepare(self, reports: list[tuple[str, dict]]) -> PreparedReports:
        """The rows of ``reports`` as ``write_prepared`` takes them (a project given twice: the
        later values win). Reads nothing from the database: another thread may prepare the next
        rows while this one writes."""
        if len({pid for pid, _ in reports}) < len(reports):
            merged: dict[str, dict] = {}
            for pid, raw in reports:
                merged[pid] = merged[pid] | raw if pid in merged else raw
            reports = list(merged.items())
        keys, values = self.keys, self.values
        report_id, later, row_of = keys.report_ids.get, keys.later, keys.project_rows.get
        return PreparedReports(
            [
                v
                for pid, raw in reports
                for v in (pid, *values(raw), report_id(pid), pid not in later, row_of(pid))
            ],
            any(report_id(pid) is None for pid, _ in reports),
        )

    def write_prepared(self, prepared: PreparedReports) -> int:
        """Write prepared rows (of projects not written before by this writer)."""
        if not prepared.values:
            return 0
        store, period, batch_id = self.store, self.period, self.batch_id
        with store.write(source="导入", batch_id=batch_id) as tx:
            conn = store.conn
            _insert_rows(conn, prepared.values)
            audit = {
                "at": self.at,
                "user": store.user,
                "source": tx.source,
                "batch": tx.batch_id,
                "op": tx.op_id,
                "period": period,
            }
            follow = _FOLLOW_FIELDS
            # 1. Changes to the period's existing reports, audited before they are written.
            written = _audit_import(
                conn,
                audit,
                entity="progress_report",
                entity_id="CAST(n.report_id AS TEXT)",
                old="r",
                joins="JOIN progress_report r ON r.id = n.report_id",
            )
            differs = " OR ".join(
                f"(n.{f} IS NOT NULL AND nullif(n.{f}, '') IS NOT progress_report.{f})"
                for f in _REPORT_FIELDS
            )
            conn.execute(
                "UPDATE progress_report SET "
                + ", ".join(
                    f"{f} = CASE WHEN n.{f} = '' THEN NULL"
                    f" ELSE coalesce(n.{f}, progress_report.{f}) END"
                    for f in _REPORT_FIELDS
                )
                + ", source = '导入', batch_id = :batch, reported_at = :now"
                f" FROM temp.import_report n WHERE progress_report.id = n.report_id AND ({differs})",
                {"batch": batch_id, "now": self.now},
            )
            # 2. New reports for the period, then their audit rows (every value given is new).
            if prepared.new_reports:
                cols = ", ".join(_REPORT_FIELDS)
                given = ", ".join(f"nullif({f}, '')" for f in _REPORT_FIELDS)
                conn.execute(
                    f"INSERT INTO progress_report (project_id, period, {cols}, source, batch_id,"
                    f" reported_at) SELECT project_id, :period, {given}, '导入', :batch, :now"
                    " FROM temp.import_report WHERE report_id IS NULL ORDER BY seq",
                    {"period": period, "batch": batch_id, "now": self.now},
                )
                written += _audit_import(
                    conn,
                    audit,
                    entity="progress_report",
                    entity_id="CAST(r.id AS TEXT)",
                    old=None,
                    joins="JOIN progress_report r ON r.project_id = n.project_id"
                    " AND r.period = :period",
                    where="n.report_id IS NULL",
                )
            # 3. The project's percent complete and 累计完成投资 follow its latest period (not
            #    for projects already reported for a later one).
            written += _audit_import(
                conn,
                audit,
                entity="project",
                entity_id="n.project_id",
                old="p",
                joins="JOIN project p ON p.rowid = n.project_row",
                where="n.follows",
                fields=follow,
                # In the order of the audit index (the project's id): each index page is
                # visited once instead of at random.
                order="project_id, i",
            )
            moved = " OR ".join(f"(n.{f} IS NOT NULL AND n.{f} IS NOT project.{f})" for f in follow)
            conn.execute(
                "UPDATE project SET "
                + ", ".join(f"{f} = coalesce(n.{f}, project.{f})" for f in follow)
                + ", version = version + 1"
                f" FROM temp.import_report n WHERE project.rowid = n.project_row AND n.follows"
                f" AND ({moved})"
            )
            conn.execute("DELETE FROM temp.import_report")
        return written

    def close(self) -> None:
        self.store.conn.execute("DELETE FROM temp.import_report")


# Rows go into the scratch table by statements of many rows each: a few hundred statements
# fewer than one per row, and a connection that lets other threads run while SQLite works gives
# the lock back far less often.
_ROWS_PER_INSERT = 250
_REPORT_COLUMNS = len(_REPORT_FIELDS) + 4


def _insert_rows(conn, flat: list) -> None:
    """Insert the rows ``flat`` (their values one after another) into the scratch table."""
    head = (
        f"INSERT INTO temp.import_report (project_id, {', '.join(_REPORT_FIELDS)},"
        " report_id, follows, project_row) VALUES "
    )
    one = "(" + ",".join("?" * _REPORT_COLUMNS) + ")"
    step = _REPORT_COLUMNS * _ROWS_PER_INSERT
    whole = len(flat) - len(flat) % step
    if whole:
        sql = head + ",".join([one] * _ROWS_PER_INSERT)
        for i in range(0, whole, step):
            conn.execute(sql, flat[i : i + step])
    if whole < len(flat):
        conn.execute(
            head + ",".join([one] * ((len(flat) - whole) // _REPORT_COLUMNS)), flat[whole:]
        )


# A stored value as audit text, as ``database._audit_text`` writes it for what the columns hold,
# in SQL (a call into Python per value costs some 20 ms of a 10,000-row import's writes): text
# as it is; integers, and whole reals below 10^15, as integers; other reals from 0.0001 to 10^15
# as their 15 significant digits when these read back as the same number: that string is then
# the number's shortest form, Python's. Anything else goes through the Python function.
_AUDIT_TEXT = (
    "CASE typeof({0}) WHEN 'text' THEN {0} WHEN 'null' THEN NULL"
    " WHEN 'integer' THEN CAST({0} AS TEXT)"
    " WHEN 'real' THEN CASE"
    " WHEN abs({0}) < 1e15 AND {0} = CAST({0} AS INTEGER) THEN CAST(CAST({0} AS INTEGER) AS TEXT)"
    " WHEN abs({0}) >= 1e-4 AND abs({0}) < 1e15 AND CAST(printf('%.15g', {0}) AS REAL) = {0}"
    " THEN printf('%.15g', {0}) ELSE audit_text({0}) END"
    " ELSE audit_text({0}) END"
)


# The fields a scratch row's values are audited by, each as a table of (position, name).
_FOLLOW_FIELDS = ("percent_complete", "investment_to_date")
_FIELD_TABLES = {_REPORT_FIELDS: "import_field", _FOLLOW_FIELDS: "import_follow_field"}


def _field_tables(conn) -> None:
    for fields, table in _FIELD_TABLES.items():
        conn.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {table} (i INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        conn.execute(f"DELETE FROM temp.{table}")
        conn.executemany(f"INSERT INTO temp.{table} VALUES (?, ?)", enumerate(fields))


# A scratch row's value as written: ``''`` stands for a value the return cleared (``NULL``
# stands for a value not given, which leaves the stored one).
CLEARED = ""
_GIVEN = "nullif(new, '')"


def _audit_import(
    conn,
    params: dict,
    *,
    entity: str,
    entity_id: str,
    old: str | None,
    joins: str,
    where: str = "1",
    fields: tuple[str, ...] = _REPORT_FIELDS,
    order: str = "seq, i",
) -> int:
    """Audit rows for the fields of ``temp.import_report`` (``n``) that differ from the stored
    ones (table alias ``old``, or none for new rows): one per changed field, in input order
    unless ``order`` says otherwise."""

    def pick(alias: str) -> str:
        whens = " ".join(f"WHEN {i} THEN {alias}.{f}" for i, f in enumerate(fields))
        return f"CASE f.i {whens} END"

    # The fields as a table keyed by their position (see _field_tables), joined inside the rows
    # (CROSS JOIN keeps that nesting): the rows come out in (seq, i) order as they are read,
    # without a sort.
    cur = conn.execute(
        "INSERT INTO audit_log (at, user, entity, entity_id, project_id, field, old, new, source,"
        f" batch_id, op_id) SELECT :at, :user, '{entity}', entity_id, project_id, name,"
        # Text as it is; numbers formatted as the Python side formats them.
        f" {_AUDIT_TEXT.format('old')}, {_AUDIT_TEXT.format(_GIVEN)},"
        " :source, :batch, :op FROM ("
        f" SELECT n.seq, n.project_id, {entity_id} AS entity_id, f.i, f.name,"
        f" {pick(old) if old else 'NULL'} AS old, {pick('n')} AS new"
        f" FROM temp.import_report n {joins} CROSS JOIN temp.{_FIELD_TABLES[fields]} f"
        f" WHERE {where}"
        f") WHERE new IS NOT NULL AND old IS NOT {_GIVEN} ORDER BY {order}",
        params,
    )
    return cur.rowcount


def _clean_report_row(raw: dict) -> tuple:
    """The report values in ``_REPORT_FIELDS`` order, ``None`` where not given or blank."""
    get = raw.get
    pc, itd, ity = get("percent_complete"), get("investment_to_date"), get("investment_this_year")
    text, problems, steps = get("progress_text"), get("problems"), get("next_steps")
    return (
        None if pc is None else round(float(pc), 2),
        None if itd is None else round_wan(itd),
        None if ity is None else round_wan(ity),
        None if text is None else text.strip() or None,
        None if problems is None else problems.strip() or None,
        None if steps is None else steps.strip() or None,
    )


def _audit_many(store: Store, tx, rows: list[tuple]) -> None:
    """Audit rows ``(entity, entity_id, project_id, field, old, new)`` of a bulk write.

    The rows share one time stamp, taken once: the column's default would ask the C library
    for the local time again for every row.
    """
    from .database import _audit_text

    if not rows:
        return
    at = store.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now', 'localtime')")
    user, source, batch_id, op_id = store.user, tx.source, tx.batch_id, tx.op_id
    store.conn.executemany(
        "INSERT INTO audit_log (at, user, entity, entity_id, project_id, field, old, new, source,"
        " batch_id, op_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (at, user, e, eid, pid, f, _audit_text(a), _audit_text(b), source, batch_id, op_id)
            for e, eid, pid, f, a, b in rows
        ],
    )
    tx.changes.extend((e, eid, f) for e, eid, _, f, _, _ in rows)
