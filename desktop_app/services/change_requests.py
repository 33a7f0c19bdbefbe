"""变更申请: the office decides the plan. A return's planning values are applied here — filled
where the register has none, recorded as requests where it has one — and the office accepts a
request (the unit's value, or its own correction) or returns it with a reason.

Each function is one transaction; the import's part runs inside the import's own.
"""

from __future__ import annotations

from datetime import date

from ..domain.errors import ConflictError, UserError, ValidationError
from ..domain.model import AnnualTarget
from ..domain.parsing import ParseError, parse_money
from ..exchange.change_requests import classify_planning
from ..exchange.columns import BY_KEY
from ..store import Store
from ..store import change_requests as request_store
from ..store import projects as project_store
from .changes import Changes
from .editing import parse_field


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def apply_planning(store: Store, preview, batch_id: int) -> tuple[int, int]:
    """Inside the import's transaction: the return's planning values, judged against the
    register as it is now. Returns ``(filled, requested)``."""
    if not preview.planning:
        return 0, 0
    with store.write(source="导入", batch_id=batch_id):
        since = request_store.last_audit_id(store)
        classify_planning(store, preview, notes=False)  # again, against what the write sees
        refused = {r.row for r in preview.rows if r.errors}
        filled = requested = 0
        year = int(str(preview.period)[:4])
        for v in preview.planning:
            if v.row in refused:
                continue
            if v.kind == "fill":
                _apply(store, v.project_id, v.field, v.value, year)
                filled += 1
            elif v.kind == "request":
                # A newer return asking again for the same value replaces the waiting request.
                for older in request_store.pending_for(store, v.project_id, v.field):
                    request_store.decide(
                        store,
                        older,
                        "已退回",
                        reason=f"已由「{preview.file_name}」中新的变更申请取代",
                    )
                request_store.add_change_request(
                    store,
                    batch_id=batch_id,
                    unit_id=preview.unit_id,
                    project_id=v.project_id,
                    period=preview.period,
                    field=v.field,
                    year=year if v.field == "annual_plan" else None,
                    old=_jsonable(v.old),
                    new=_jsonable(v.value),
                    cell=f"{preview.sheet}!{v.cell}",
                )
                requested += 1
        # The editor's paths audit as 手工: filed under the import, as the register import does.
        request_store.file_audit_under_import(store, since, batch_id)
    return filled, requested


def _apply(store: Store, project_id: str, key: str, value: object, year: int | None) -> None:
    """Set one planning value through the editor's audited paths."""
    if key == "annual_plan":
        project = project_store.get_project(store, project_id, include_deleted=True)
        targets = [t for t in project.annual_targets if t.year != year]
        goal = next((t.goal for t in project.annual_targets if t.year == year), None)
        if value is not None or goal is not None:
            targets.append(AnnualTarget(year, value, goal))
        project_store.set_annual_targets(store, project_id, targets)
    else:
        project_store.update_project(store, project_id, {key: value})


def _parsed(key: str, value: object) -> object:
    if key == "annual_plan":
        try:
            return parse_money(value)
        except ParseError as exc:
            raise ValidationError({key: f"{BY_KEY[key].header}：{exc.reason}"}) from exc
    return parse_field(key, value)


def accept_change_request(store: Store, request_id: int, value: object = None) -> Changes:
    """Apply a request: the unit's value, or ``value`` (the office's correction), audited."""
    request = request_store.get_change_request(store, request_id)
    if request.status != "待审核":
        raise UserError(f"变更申请 {request_id} 已{request.status}，不能再次处理。")
    chosen = request.new if value is None or value == "" else value
    parsed = _parsed(request.field, chosen)
    if parsed is None:
        raise ValidationError({request.field: f"{BY_KEY[request.field].header}不能为空"})
    with store.write():
        _apply(store, request.project_id, request.field, parsed, request.year)
        note = None if value in (None, "") else f"按办公室更正采纳（申请值 {request.new}）"
        request_store.decide(store, request_id, "已采纳", value=_jsonable(parsed), reason=note)
    return Changes(projects=frozenset({request.project_id}), schedule=True)


def reject_change_request(store: Store, request_id: int, reason: str) -> Changes:
    """Return a request: the plan stays as it is; the reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("退回变更申请请填写理由（将记录在案，便于告知报送单位）。")
    request = request_store.get_change_request(store, request_id)
    if request.status != "待审核":
        raise UserError(f"变更申请 {request_id} 已{request.status}，不能再次处理。")
    request_store.decide(store, request_id, "已退回", reason=reason)
    return Changes(projects=frozenset({request.project_id}))


def current_value(store: Store, request_id: int) -> object:
    """The register's value now of the field a request is about (what an undo restores)."""
    request = request_store.get_change_request(store, request_id)
    year = request.year or int(str(request.period or "0000")[:4] or 0)
    values = request_store.planning_values(store, [request.project_id], year)
    return values.get(request.project_id, {}).get(request.field)


def reopen_change_request(store: Store, request_id: int, restore: object = None) -> Changes:
    """Undo a decision: the request 待审核 again; an accepted one's field back to ``restore``
    (its value before), unless someone has changed it since (then refused, nothing changed)."""
    with store.write():
        request = request_store.get_change_request(store, request_id)
        if request.status == "已采纳":
            now = current_value(store, request_id)
            decided = request.decided
            if not (now == decided or _same(now, decided)):
                raise ConflictError(
                    f"「{request.code} {BY_KEY[request.field].header}」在采纳之后已被修改，"
                    "不能撤销这次采纳，以免覆盖之后的修改。"
                )
            value = restore
            if request.field in ("planned_start", "planned_end") and isinstance(value, str):
                value = date.fromisoformat(value)
            _apply(store, request.project_id, request.field, value, request.year)
        request_store.reopen(store, request_id)
    return Changes(projects=frozenset({request.project_id}), schedule=True)


def _same(a: object, b: object) -> bool:
    from ..exchange.change_requests import same_value

    return same_value(a, b)
