"""The planning columns of a return (计划开工, 计划完工, 总投资, 年度计划投资, 建设内容).

The template opens them for the unit. A planning value the register does not have yet is filled
by the return; a value it has is the office's plan, and a unit's different value becomes a
变更申请 for the office to decide (services/change_requests.py). Here the cells are only read:
parsed like the rest of the row, and kept when they differ from the template as issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.money import round_wan
from ..domain.parsing import ParseError, clean_text, parse_date, parse_money
from .columns import BY_KEY, TEXT_LIMIT

PLANNING_KEYS: tuple[str, ...] = (
    "planned_start",
    "planned_end",
    "total_investment",
    "annual_plan",
    "scope",
)
SCOPE_LIMIT = TEXT_LIMIT


@dataclass(slots=True)
class PlanningValue:
    """A planning cell the unit filled or changed."""

    row: int
    project_id: str
    code: str
    name: str
    field: str
    value: object  # parsed (date, float or text)
    cell: str
    kind: str = ""  # "fill": the register has none, applied; "request": a 变更申请
    old: object = None  # the register's value when classified

    @property
    def label(self) -> str:
        return BY_KEY[self.field].header


def planning_columns(cols: dict[str, int]) -> list[tuple[str, int]]:
    """The planning columns a return's header names: ``(field, column)``."""
    return [(key, cols[key]) for key in PLANNING_KEYS if key in cols]


def parse_planning(key: str, raw: object) -> object:
    """A planning cell's value; ``ParseError`` with the reason when it cannot be read."""
    from .workbook_safety import ExcelError

    if isinstance(raw, ExcelError):
        raise ParseError(raw.reason)
    if key in ("planned_start", "planned_end"):
        return parse_date(raw, month_end=key == "planned_end")
    if key in ("total_investment", "annual_plan"):
        if type(raw) is float and raw >= 0:
            return round_wan(raw)
        return parse_money(raw)
    text = clean_text(int(raw) if type(raw) is float and raw.is_integer() else raw)
    if text is not None and len(text) > SCOPE_LIMIT:
        raise ParseError(f"共 {len(text)} 字，超过 {SCOPE_LIMIT} 字的上限")
    return text


def same_value(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-6
    if isinstance(a, date) and isinstance(b, str):
        return a.isoformat() == b
    if isinstance(b, date) and isinstance(a, str):
        return b.isoformat() == a
    return a == b


_MISSING = object()


def read_planning(
    preview, result, row: list, columns: list[tuple[str, int]], letters: dict, issue_row, meta
) -> None:
    """A listed project's planning cells: errors to ``result``, values the unit filled or
    changed (not as issued) to ``preview.planning``. ``issue_row`` (the database's record of the
    row as issued) or ``meta`` (the workbook's) tell what was issued."""
    issued = None
    for key, c in columns:
        raw = row[c]
        if raw is None or raw == "":
            continue
        if issued is None:
            issued = _issued(issue_row, meta)
        base = issued.get(key, _MISSING)
        # As issued (the usual case, on every row of a return): nothing to parse.
        if raw == base or (type(raw) is date and type(base) is str and raw.isoformat() == base):
            continue
        if type(raw) is str and not raw.strip():
            continue  # a planning value is not cleared by a return
        _read_cell(preview, result, key, raw, letters, base)


def _issued(issue_row, meta) -> dict:
    if issue_row is not None:
        return issue_row.snapshot or {}
    from .return_import import _meta_snapshot

    return _meta_snapshot(meta) or {}


def _read_cell(preview, result, key: str, raw: object, letters: dict, base: object) -> None:
    from .return_import import CellError

    ref = f"{letters[key]}{result.row}"
    label = BY_KEY[key].header
    try:
        value = parse_planning(key, raw)
    except ParseError as exc:
        shown = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
        result.errors.append(
            CellError(
                preview.sheet, ref, label, shown, f"{preview.sheet}!{ref} {label}{exc.reason}"
            )
        )
        return
    if value is None or (base is not _MISSING and same_value(value, base)):
        return  # as issued, written another way
    preview.planning.append(
        PlanningValue(result.row, result.project_id, result.code, result.name, key, value, ref)
    )


def _shown(value: object) -> str:
    from ..domain.money import plain_number

    if value is None or value == "":
        return "（空）"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return plain_number(value)
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def classify_planning(store, preview, *, notes: bool = True) -> None:
    """Sort the planning values against the register as it is now: a value the register lacks
    is a fill (applied with the return), a different value a 变更申请; the same value is
    dropped. Dates that would end before they start are refused on the row. Notes say which."""
    from ..domain.validation import project_problems
    from ..store.change_requests import planning_values
    from .return_import import CellError

    year = int(str(preview.period)[:4])
    now = planning_values(store, [v.project_id for v in preview.planning], year)
    rows = {r.row: r for r in preview.rows}
    kept = []
    for v in preview.planning:
        current = now.get(v.project_id, {})
        old = current.get(v.field)
        if old is not None and same_value(v.value, old):
            continue
        v.old = date.fromisoformat(old) if v.field.startswith("planned_") and old else old
        v.kind = "fill" if old is None or old == "" else "request"
        kept.append(v)
    preview.planning = kept
    # 计划完工 before 计划开工, on the dates as they would be after the fills.
    for v in kept:
        if v.kind != "fill" or v.field not in ("planned_start", "planned_end"):
            continue
        dates = {k: now.get(v.project_id, {}).get(k) for k in ("planned_start", "planned_end")}
        dates = {k: date.fromisoformat(d) if isinstance(d, str) else d for k, d in dates.items()}
        for other in kept:
            if other.project_id == v.project_id and other.kind == "fill" and other.field in dates:
                dates[other.field] = other.value
        for key, reason in project_problems(dates).items():
            if key == v.field:
                row = rows.get(v.row)
                if row is not None:
                    row.errors.append(
                        CellError(
                            preview.sheet,
                            v.cell,
                            v.label,
                            _shown(v.value),
                            f"{preview.sheet}!{v.cell} {reason}",
                        )
                    )
    if not notes:
        return
    fills = [v for v in kept if v.kind == "fill"]
    requests = [v for v in kept if v.kind == "request"]
    if fills:
        listed = "；".join(f"{v.code} {v.label} {_shown(v.value)}" for v in fills[:10])
        more = f" 等 {len(fills)} 项" if len(fills) > 10 else ""
        preview.notes.append(f"新填的计划信息（项目库原为空，将直接写入）：{listed}{more}。")
    if requests:
        listed = "；".join(
            f"{v.code} {v.label} {_shown(v.old)} → {_shown(v.value)}" for v in requests[:10]
        )
        more = f" 等 {len(requests)} 项" if len(requests) > 10 else ""
        preview.notes.append(
            f"变更申请（已有计划值的修改，不直接写入，导入后由办公室在「变更申请」中审核）："
            f"{listed}{more}。"
        )
