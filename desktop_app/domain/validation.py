"""The rules a project must satisfy before it is saved, shared by the editor, import and CLI."""

from __future__ import annotations

from datetime import date

from .fields import PROJECT_FIELD_LABELS, ROLES, SIDES, STAGES, TEXT_LIMITS


def project_problems(values: dict) -> dict[str, str]:
    """Problems with a project's field values, as ``field -> reason`` (empty when all is well).

    ``values`` holds already-parsed values (dates as ``date``, money as float); only the fields
    present are checked, so a partial change can be validated against its merged project.
    """
    problems: dict[str, str] = {}
    label = PROJECT_FIELD_LABELS
    for field in ("code", "name"):
        if field in values and not (values[field] or "").strip():
            problems[field] = f"{label[field]}不能为空"
    for field, value in values.items():
        reason = length_problem(field, value)
        if reason:
            problems.setdefault(field, f"{label.get(field, field)}{reason}")
    if "stage" in values and values["stage"] is not None and values["stage"] not in STAGES:
        problems["stage"] = f"建设阶段应为 {'/'.join(STAGES)} 之一（或留空：待填报）"
    if values.get("side") is not None and values["side"] not in SIDES:
        problems["side"] = f"所属应为 {'/'.join(SIDES)} 之一"
    for field in ("total_investment", "investment_to_date"):
        value = values.get(field)
        if value is not None and value < 0:
            problems[field] = f"{label[field]}不能小于 0"
    percent = values.get("percent_complete")
    if percent is not None and not 0 <= percent <= 100:
        problems["percent_complete"] = f"完成百分比「{percent:g}」超出 0–100"
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a, b = values.get(start), values.get(end)
        if isinstance(a, date) and isinstance(b, date) and a > b:
            problems[end] = f"{label[end]} {b.isoformat()} 早于{label[start]} {a.isoformat()}"
    return problems


def length_problem(field: str, value: object) -> str | None:
    """Why ``value`` is too long for ``field`` (``"共 N 字，超过 M 字的上限…"``), or ``None``.

    The reason starts after the field's label, so that each caller can put the label, sheet and
    cell it knows in front of it.
    """
    limit = TEXT_LIMITS.get(field)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"共 {len(value):,} 字，超过 {limit:,} 字的上限，请精简后再填写"


def unit_links_problems(links: list[tuple[int, str]]) -> str | None:
    """Exactly one 牵头单位 at most, roles from the list, no unit twice."""
    roles = [role for _, role in links]
    if any(role not in ROLES for role in roles):
        return "单位角色应为 牵头/责任/配合"
    if roles.count("牵头") > 1:
        return "一个项目只能有一个牵头单位"
    ids = [unit_id for unit_id, _ in links]
    if len(ids) != len(set(ids)):
        return "同一单位不能重复列出"
    return None
