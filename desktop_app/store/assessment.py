"""年度考核 in the database: the year's rules and hand-entered points, and the records scored.

The records are read as they are stored (import batches, the units answering for the year's
tasks, project links, annual targets and reports, 督办); the tasks themselves are read by the
monitoring (``store/task_monitoring.py``); the scoring is in ``domain/assessment.py`` and
``services/assessment.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain.assessment import CLASSES, Adjustment, Rule, RuleSet
from ..domain.errors import ConflictError, NotFoundError, ValidationError
from .database import Store

# -- rules ----------------------------------------------------------------------------------


def stored_rule_set(store: Store, year: int) -> RuleSet | None:
    """The rules saved for ``year``, or None when the office has not set them."""
    rows = store.query(
        "SELECT item, name, weight, enabled, params, note FROM assessment_rule"
        " WHERE year = ? ORDER BY sort, item",
        (year,),
    )
    if not rows:
        return None
    options = store.query(
        "SELECT bonus_cap, penalty_cap, no_data, note FROM assessment_year WHERE year = ?", (year,)
    )
    opt = options[0] if options else {}
    rules = tuple(
        Rule(
            r["item"],
            r["name"],
            float(r["weight"]),
            bool(r["enabled"]),
            json.loads(r["params"] or "{}"),
            r["note"],
        )
        for r in rows
    )
    return RuleSet(
        year,
        rules,
        float(opt.get("bonus_cap", 5.0)),
        float(opt.get("penalty_cap", 10.0)),
        opt.get("no_data", "满分"),
        opt.get("note"),
    )


def rule_years(store: Store) -> list[int]:
    return [
        y for (y,) in store.conn.execute("SELECT DISTINCT year FROM assessment_rule ORDER BY 1")
    ]


def _rule_fields(r: Rule) -> dict:
    return {
        "name": r.name,
        "weight": r.weight,
        "enabled": int(r.enabled),
        "params": json.dumps(r.params, ensure_ascii=False, sort_keys=True),
        "note": r.note,
    }


_UNSET = object()


def save_rule_set(store: Store, rules: RuleSet, *, expected: object = _UNSET) -> int:
    """Store ``rules`` as the year's (checked first); every changed value is audited. Returns
    the number of values changed.

    ``expected`` is the year's rules as they were read before editing (None: not set then):
    when another person saved different rules since, nothing is saved and the editor is told."""
    rules.check()
    changed = 0
    with store.write() as tx:
        old = stored_rule_set(store, rules.year)
        if expected is not _UNSET and old != expected:
            raise ConflictError(
                f"{rules.year}年考核规则在您编辑期间已被他人修改，本次未保存。"
                "请关闭后重新打开「考核规则」，在最新的规则上修改。"
            )
        before = {r.item: _rule_fields(r) for r in old.rules} if old else {}
        store.conn.execute("DELETE FROM assessment_rule WHERE year = ?", (rules.year,))
        for sort, r in enumerate(rules.rules):
            now = _rule_fields(r)
            store.conn.execute(
                "INSERT INTO assessment_rule (year, item, name, weight, enabled, params, note,"
                " sort) VALUES (?,?,?,?,?,?,?,?)",
                (rules.year, r.item, *now.values(), sort),
            )
            was = before.pop(r.item, {})
            for key, value in now.items():
                if was.get(key) != value:
                    tx.audit("assessment_rule", f"{rules.year}/{r.item}", key, was.get(key), value)
                    changed += 1
        for item, was in before.items():
            tx.audit("assessment_rule", f"{rules.year}/{item}", "删除", was["name"], None)
            changed += 1
        opts = {
            "bonus_cap": rules.bonus_cap,
            "penalty_cap": rules.penalty_cap,
            "no_data": rules.no_data,
            "note": rules.note,
        }
        was_opts = (
            {
                "bonus_cap": old.bonus_cap,
                "penalty_cap": old.penalty_cap,
                "no_data": old.no_data,
                "note": old.note,
            }
            if old
            else {}
        )
        store.conn.execute(
            "INSERT INTO assessment_year (year, bonus_cap, penalty_cap, no_data, note)"
            " VALUES (:year, :bonus_cap, :penalty_cap, :no_data, :note)"
            " ON CONFLICT(year) DO UPDATE SET bonus_cap = excluded.bonus_cap,"
            " penalty_cap = excluded.penalty_cap, no_data = excluded.no_data,"
            " note = excluded.note, version = version + 1",
            {"year": rules.year, **opts},
        )
        for key, value in opts.items():
            if was_opts.get(key) != value:
                tx.audit("assessment_year", rules.year, key, was_opts.get(key), value)
                changed += 1
    return changed


def delete_rule_set(store: Store, year: int) -> None:
    """The year's rules no longer set (an undo of the first save): every value audited."""
    old = stored_rule_set(store, year)
    if old is None:
        return
    with store.write() as tx:
        store.conn.execute("DELETE FROM assessment_rule WHERE year = ?", (year,))
        store.conn.execute("DELETE FROM assessment_year WHERE year = ?", (year,))
        for r in old.rules:
            tx.audit("assessment_rule", f"{year}/{r.item}", "删除", r.name, None)


# -- 加分 / 扣分 --------------------------------------------------------------------------------

_ADJ = (
    "SELECT a.id, a.year, a.unit_id, u.name, a.points, a.reason, a.basis, a.entered_by,"
    " a.entered_at FROM assessment_adjustment a JOIN unit u ON u.id = a.unit_id"
)


def list_adjustments(store: Store, year: int) -> list[Adjustment]:
    return [
        Adjustment(*r)
        for r in store.conn.execute(_ADJ + " WHERE a.year = ? ORDER BY a.id", (year,))
    ]


def add_adjustment(
    store: Store,
    year: int,
    unit_id: int,
    points: float,
    reason: str,
    basis: str | None = None,
) -> int:
    problems = {}
    if not points or not -100 <= points <= 100:
        problems["points"] = "分值应为 -100 到 100 之间、不为 0 的数（加分为正，扣分为负）"
    if not (reason or "").strip():
        problems["reason"] = "请写明加分或扣分的理由"
    unit = store.scalar("SELECT name FROM unit WHERE id = ?", (unit_id,))
    if unit is None:
        problems["unit"] = "找不到该单位，请重新选择"
    if problems:
        raise ValidationError(problems, subject="录入加减分")
    with store.write() as tx:
        aid = store.conn.execute(
            "INSERT INTO assessment_adjustment (year, unit_id, points, reason, basis, entered_by)"
            " VALUES (?,?,?,?,?,?)",
            (
                year,
                unit_id,
                float(points),
                reason.strip(),
                (basis or "").strip() or None,
                store.user,
            ),
        ).lastrowid
        tx.audit(
            "assessment_adjustment",
            aid,
            "录入",
            None,
            f"{year}年 {unit} {points:+g} 分：{reason.strip()}",
        )
    return aid


def delete_adjustment(store: Store, adjustment_id: int) -> None:
    rows = [a for a in store.conn.execute(_ADJ + " WHERE a.id = ?", (adjustment_id,))]
    if not rows:
        raise NotFoundError(f"找不到加减分记录（{adjustment_id}），可能已被删除。")
    a = Adjustment(*rows[0])
    with store.write() as tx:
        store.conn.execute("DELETE FROM assessment_adjustment WHERE id = ?", (adjustment_id,))
        tx.audit(
            "assessment_adjustment",
            adjustment_id,
            "删除",
            f"{a.year}年 {a.unit} {a.points:+g} 分：{a.reason}",
            None,
        )


def adjustment_row(store: Store, adjustment_id: int) -> dict | None:
    """One 加减分 as stored (all its columns), None when it is not there."""
    rows = store.query("SELECT * FROM assessment_adjustment WHERE id = ?", (adjustment_id,))
    return dict(rows[0]) if rows else None


def _adjustment_text(store: Store, row: dict) -> str:
    unit = store.scalar("SELECT name FROM unit WHERE id = ?", (row["unit_id"],))
    return f"{row['year']}年 {unit} {row['points']:+g} 分：{row['reason']}"


def put_back_adjustment(store: Store, row: dict, field: str) -> None:
    """Store ``row`` again as it was (same id, 录入人 and time): an undone deletion or a redone
    entry. Refused when a row with its id is there already."""
    with store.write() as tx:
        if adjustment_row(store, row["id"]) is not None:
            raise ConflictError(
                f"加减分「{_adjustment_text(store, row)}」已在数据库中（可能已由他人恢复），"
                "不能再次恢复。已重新载入最新内容。"
            )
        cols = list(row)
        store.conn.execute(
            f"INSERT INTO assessment_adjustment ({', '.join(cols)})"
            f" VALUES ({', '.join('?' * len(cols))})",
            tuple(row.values()),
        )
        tx.audit("assessment_adjustment", row["id"], field, None, _adjustment_text(store, row))


def take_back_adjustment(store: Store, row: dict, field: str) -> None:
    """Remove the 加减分 ``row`` (an undone entry or a redone deletion), only while it is stored
    exactly as ``row`` says."""
    with store.write() as tx:
        now = adjustment_row(store, row["id"])
        if now != row:
            gone = "已被删除" if now is None else "已被修改"
            raise ConflictError(
                f"加减分「{_adjustment_text(store, row)}」在这一步之后{gone}（他人或另一窗口），"
                "不能撤销或重做这一步，以免覆盖他人的修改。已重新载入最新内容。"
            )
        store.conn.execute("DELETE FROM assessment_adjustment WHERE id = ?", (row["id"],))
        tx.audit("assessment_adjustment", row["id"], field, _adjustment_text(store, row), None)


def adjustment_history(store: Store, year: int) -> list[dict]:
    """The audit trail of the year's hand-entered points (录入 and 删除), oldest first."""
    return store.query(
        "SELECT at, user, field, old, new FROM audit_log WHERE entity = 'assessment_adjustment'"
        " AND coalesce(new, old) LIKE ? ORDER BY id",
        (f"{year}年%",),
    )


# -- the records scored ---------------------------------------------------------------------


@dataclass(frozen=True)
class AssessedUnit:
    id: int
    name: str
    kind: str


def assessed_units(store: Store) -> list[AssessedUnit]:
    """Active units of the three classes, in the office's order."""
    marks = ",".join("?" * len(CLASSES))
    return [
        AssessedUnit(*r)
        for r in store.conn.execute(
            f"SELECT id, name, kind FROM unit WHERE active = 1 AND kind IN ({marks})"
            " ORDER BY CASE kind WHEN '区县' THEN 0 WHEN '功能区' THEN 1 ELSE 2 END, sort, id",
            CLASSES,
        )
    ]


def year_returns(store: Store, year: int) -> dict[int, dict[str, list[dict]]]:
    """Returns imported for the year's periods: ``unit_id -> period -> [batch, …]`` oldest first;
    each batch with ``id, at, file_name, refused`` (rows or cells refused on import)."""
    out: dict[int, dict[str, list[dict]]] = {}
    for bid, unit_id, period, at, name, counts in store.conn.execute(
        "SELECT id, unit_id, period, at, file_name, counts FROM import_batch"
        " WHERE kind = 'return' AND unit_id IS NOT NULL AND period LIKE ? ORDER BY at, id",
        (f"{year:04d}-%",),
    ):
        refused = int((json.loads(counts or "{}") or {}).get("refused", 0) or 0)
        out.setdefault(unit_id, {}).setdefault(period, []).append(
            {"id": bid, "at": at, "file_name": name, "refused": refused}
        )
    return out


def project_links(store: Store, *, unit_id: int | None = None) -> dict[int, dict[str, str]]:
    """``unit_id -> project_id -> role`` of live projects; a district's located projects carry
    the role 「属地」 unless it has a role of its own. With ``unit_id``, that unit's only."""
    out: dict[int, dict[str, str]] = {}
    one = "" if unit_id is None else " WHERE pu.unit_id = ?"
    for uid, pid, role in store.conn.execute(
        "SELECT pu.unit_id, pu.project_id, pu.role FROM project_unit pu"
        " JOIN project p ON p.id = pu.project_id AND p.deleted = 0" + one,
        () if unit_id is None else (unit_id,),
    ):
        out.setdefault(uid, {})[pid] = role
    for uid, pid in _located(store, unit_id):
        out.setdefault(uid, {}).setdefault(pid, "属地")
    return out


def located_projects(store: Store, *, unit_id: int | None = None) -> dict[int, set[str]]:
    """``district unit_id -> live projects located in it`` (whatever role it has on them).
    With ``unit_id``, that unit's only."""
    out: dict[int, set[str]] = {}
    for uid, pid in _located(store, unit_id):
        out.setdefault(uid, set()).add(pid)
    return out


def _located(store: Store, unit_id: int | None):
    one = "" if unit_id is None else " AND p.district_id = ?"
    return store.conn.execute(
        "SELECT p.district_id, p.id FROM project p JOIN unit u ON u.id = p.district_id"
        " WHERE p.deleted = 0 AND u.kind = '区县'" + one,
        () if unit_id is None else (unit_id,),
    )


def year_investment_upto(store: Store, year: int) -> dict[str, tuple[str, float]]:
    """本年完成投资 per project: ``project_id -> (period, amount)`` of its latest report of
    ``year`` that gives one."""
    return {
        pid: (period, value)
        for pid, period, value in store.conn.execute(
            "SELECT project_id, max(period), investment_this_year FROM progress_report"
            " WHERE period LIKE ? AND investment_this_year IS NOT NULL GROUP BY project_id",
            (f"{year:04d}-%",),
        )
    }


def annual_plans(store: Store, year: int) -> dict[str, float]:
    """年度计划投资 of ``year`` per project (only those above zero)."""
    return dict(
        store.conn.execute(
            "SELECT project_id, planned_investment FROM project_annual_target"
            " WHERE year = ? AND planned_investment > 0",
            (year,),
        ).fetchall()
    )


def year_supervisions(store: Store, year: int) -> list[dict]:
    """督办 issued in ``year`` to a unit, with what they concern (a project or a task)."""
    return store.query(
        "SELECT s.id, s.unit_id, s.issued_date, s.reply_by, s.replied_date, s.closed_date,"
        " s.status, s.reason, coalesce(p.code, t.code) AS code, coalesce(p.name, t.title) AS name"
        " FROM supervision s LEFT JOIN project p ON p.id = s.project_id"
        " LEFT JOIN task t ON t.id = s.task_id"
        " WHERE s.unit_id IS NOT NULL AND s.issued_date LIKE ? ORDER BY s.issued_date, s.id",
        (f"{year:04d}-%",),
    )


def task_reporters(store: Store, year: int) -> set[int]:
    """Units that report on the tasks of ``year``'s list (牵头 and 责任)."""
    return {
        u
        for (u,) in store.conn.execute(
            "SELECT DISTINCT tu.unit_id FROM task_unit tu"
            " JOIN annual_item a ON a.task_id = tu.task_id AND a.year = ?"
            " WHERE tu.role IN ('牵头', '责任')",
            (year,),
        )
    }
