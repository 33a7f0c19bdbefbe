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
    rows = store.conn.execute(
        "SELECT p.id FROM project p WHERE p.deleted = 0 AND ("
        " p.id IN (SELECT project_id FROM project_unit WHERE unit_id = ? AND role IN ('牵头','责任'))"
        " OR (p.district_id = ? AND EXISTS (SELECT 1 FROM unit u WHERE u.id = ? AND u.kind = '区县')))"
        " ORDER BY p.code",
        (unit_id, unit_id, unit_id),
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
    """The editable values of every live project now: project fields plus the period's report.

    ``percent_complete``/``investment_to_date`` are the project's own (they follow the latest
    report, and an office edit changes them there); the other report fields come from the
    period's report.
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
    for row in store.conn.execute(
        f"SELECT project_id, {', '.join(_REPORT_FIELDS)} FROM progress_report WHERE period = ?",
        (period,),
    ):
        values = out.get(row[0])
        if values is None:
            continue
        for field, value in zip(_REPORT_FIELDS, row[1:], strict=True):
            if value is not None and field not in ("percent_complete", "investment_to_date"):
                values[field] = value
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
            " JOIN unit u ON u.id = r.unit_id AND u.active = 1 GROUP BY r.unit_id"
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
    store: Store, period: str, reports: list[tuple[str, dict]], *, batch_id: int
) -> int:
    """Record many imported reports for ``period`` at once (same rules as ``record_report``).

    ``reports`` holds ``(project_id, {field: value})``; the values given (not ``None``) replace
    the stored ones, the project's percent complete and 累计完成投资 follow its latest period,
    and every changed field gets an audit row (source 导入, the batch). One statement per kind
    of write instead of several per row keeps a 10,000-row return import fast. Returns the
    number of audit rows written.
    """
    if not reports:
        return 0
    with store.write(source="导入", batch_id=batch_id) as tx:
        existing: dict[str, tuple] = {}
        for row in store.conn.execute(
            f"SELECT project_id, id, {', '.join(_REPORT_FIELDS)} FROM progress_report"
            " WHERE period = ?",
            (period,),
        ):
            existing[row[0]] = row[1:]
        # Projects already reported for a later period keep their current values.
        later = {
            pid
            for (pid,) in store.conn.execute(
                "SELECT DISTINCT project_id FROM progress_report WHERE period > ?", (period,)
            )
        }
        project_now = {
            pid: (pc, itd)
            for pid, pc, itd in store.conn.execute(
                "SELECT id, percent_complete, investment_to_date FROM project"
            )
        }
        now = _now(store)
        inserts, updates, audits, follows = [], [], [], []
        for pid, raw in reports:
            values = _clean_report(raw)
            if pid in existing:
                report_id, *old_values = existing[pid]
                old = dict(zip(_REPORT_FIELDS, old_values, strict=True))
                diff = {k: (old[k], v) for k, v in values.items() if old[k] != v}
                if diff:
                    given = (values.get(k) for k in _REPORT_FIELDS)
                    updates.append((*given, batch_id, now, report_id))
            else:
                diff = {k: (None, v) for k, v in values.items()}
                report_id = None
                inserts.append((pid, *(values.get(k) for k in _REPORT_FIELDS)))
            audits.append((pid, report_id, diff))
            if pid not in later:
                pc_old, itd_old = project_now.get(pid, (None, None))
                new_pc = values.get("percent_complete", pc_old)
                new_itd = values.get("investment_to_date", itd_old)
                if (new_pc, new_itd) != (pc_old, itd_old):
                    follows.append((pid, pc_old, new_pc, itd_old, new_itd))
        cols = ", ".join(_REPORT_FIELDS)
        store.conn.executemany(
            f"INSERT INTO progress_report (project_id, {cols}, period, source, batch_id,"
            f" reported_at) VALUES (?, {', '.join('?' * len(_REPORT_FIELDS))}, ?, '导入', ?, ?)",
            [(*row, period, batch_id, now) for row in inserts],
        )
        # The new reports' ids, read before the updates below file the existing ones under
        # this batch as well.
        new_ids = dict(
            store.conn.execute(
                "SELECT project_id, id FROM progress_report WHERE period = ? AND batch_id = ?",
                (period, batch_id),
            ).fetchall()
            if inserts
            else ()
        )
        # In the table's order: the period's rows lie scattered among the other periods'.
        updates.sort(key=lambda u: u[-1])
        sets = ", ".join(f"{k} = coalesce(?, {k})" for k in _REPORT_FIELDS)
        store.conn.executemany(
            f"UPDATE progress_report SET {sets}, source = '导入', batch_id = ?,"
            " reported_at = ? WHERE id = ?",
            updates,
        )
        store.conn.executemany(
            "UPDATE project SET percent_complete = ?, investment_to_date = ?, version = version + 1"
            " WHERE id = ?",
            [(pc, itd, pid) for pid, _, pc, _, itd in follows],
        )
        rows = []
        for pid, report_id, diff in audits:
            rid = str(report_id if report_id is not None else new_ids.get(pid))
            rows.extend(("progress_report", rid, pid, f, a, b) for f, (a, b) in diff.items())
        for pid, pc_old, pc, itd_old, itd in follows:
            if pc != pc_old:
                rows.append(("project", pid, pid, "percent_complete", pc_old, pc))
            if itd != itd_old:
                rows.append(("project", pid, pid, "investment_to_date", itd_old, itd))
        _audit_many(store, tx, rows)
    return len(rows)


def _clean_report(raw: dict) -> dict:
    """The report values given (``None`` and blank text left out), rounded and trimmed."""
    values = {}
    for key in _REPORT_FIELDS:
        value = raw.get(key)
        if value is None:
            continue
        if key == "percent_complete":
            value = round(float(value), 2)
        elif key in ("investment_to_date", "investment_this_year"):
            value = round_wan(value)
        else:
            value = value.strip() or None
            if value is None:
                continue
        values[key] = value
    return values


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
