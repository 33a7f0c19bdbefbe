"""The plan's main indicators (主要指标) and their yearly actual values."""

from __future__ import annotations

from ..domain.errors import NotFoundError, UserError
from ..domain.model import Indicator
from .database import Store
from .plans import viewed_plan_id


def list_indicators(store: Store, *, plan_id: int | None = None) -> list[Indicator]:
    """The indicators of a plan (``plan_id``, else the plan the session looks at)."""
    pid = plan_id if plan_id is not None else viewed_plan_id(store)
    actuals: dict[int, dict[int, float]] = {}
    for iid, year, value in store.conn.execute(
        "SELECT indicator_id, year, value FROM indicator_value ORDER BY year"
    ):
        actuals.setdefault(iid, {})[year] = value
    return [
        Indicator(
            id=iid,
            seq=seq,
            name=name,
            unit=unit,
            operator=op,
            target=target,
            year=year,
            category=cat,
            base_value=base,
            target_text=text,
            attribute=attr,
            actuals=actuals.get(iid, {}),
        )
        for iid, seq, name, unit, op, target, year, cat, base, text, attr in store.conn.execute(
            "SELECT id, seq, name, unit, operator, target, year, category, base_value,"
            " target_text, attribute FROM indicator WHERE ? IS NULL OR plan_id = ?"
            " ORDER BY plan_id, seq",
            (pid, pid),
        )
    ]


def get_actual(store: Store, indicator_id: int, year: int) -> float | None:
    """The actual value entered for an indicator and year (``None`` when none)."""
    return store.scalar(
        "SELECT value FROM indicator_value WHERE indicator_id = ? AND year = ?",
        (indicator_id, year),
    )


def set_actual(
    store: Store,
    indicator_id: int,
    year: int,
    value: float | None,
    *,
    note: str | None = None,
    source: str = "手工",
) -> None:
    """Enter (or clear, with ``None``) the actual value of an indicator for a year."""
    name = store.scalar("SELECT name FROM indicator WHERE id = ?", (indicator_id,))
    if name is None:
        raise NotFoundError(f"找不到指标（{indicator_id}）")
    if not 2000 <= year <= 2100:
        raise UserError(f"年份「{year}」不正确")
    with store.write(source=source) as tx:
        old = store.scalar(
            "SELECT value FROM indicator_value WHERE indicator_id = ? AND year = ?",
            (indicator_id, year),
        )
        if old == value:
            return
        if value is None:
            store.conn.execute(
                "DELETE FROM indicator_value WHERE indicator_id = ? AND year = ?",
                (indicator_id, year),
            )
        else:
            store.conn.execute(
                "INSERT INTO indicator_value (indicator_id, year, value, source, note)"
                " VALUES (?,?,?,?,?) ON CONFLICT(indicator_id, year) DO UPDATE SET"
                " value = excluded.value, source = excluded.source, note = excluded.note",
                (indicator_id, year, value, source, note),
            )
        tx.audit("indicator_value", f"{indicator_id}/{year}", f"{name} {year}年", old, value)
