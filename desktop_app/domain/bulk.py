"""批量修改: one change applied to many projects or tasks (their units and roles, their fields).

Pure rules; the service (``services/bulk.py``) reads the rows, applies them in one transaction
and refuses the whole change when one row would break a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEEP = "keep"  # leave the units of that role as they are
REPLACE = "replace"  # the units of that role become exactly those given
ADD = "add"  # the units given are added to those of that role
MODES = (KEEP, REPLACE, ADD)
ROLES = ("牵头", "责任", "配合")


@dataclass(frozen=True)
class UnitChange:
    """How the units of each selected item change.

    ``lead``: None keeps the 牵头单位, 0 clears it, a unit id sets it. ``responsible`` and
    ``supporting``: a mode (``KEEP``/``REPLACE``/``ADD``) and the unit ids it applies.
    """

    lead: int | None = None
    responsible: tuple[str, tuple[int, ...]] = (KEEP, ())
    supporting: tuple[str, tuple[int, ...]] = (KEEP, ())

    @property
    def empty(self) -> bool:
        return self.lead is None and self.responsible[0] == KEEP and self.supporting[0] == KEEP


@dataclass(frozen=True)
class BulkProblem:
    """Why one row cannot take the change: its label (编码 名称) and the reason."""

    label: str
    reason: str


@dataclass(frozen=True)
class BulkRefusal:
    """Every row that cannot take the change (nothing is applied when there is one)."""

    problems: tuple[BulkProblem, ...] = field(default=())

    def message(self, what: str, limit: int = 12) -> str:
        """The message a user reads: how many rows, which ones and why, what to do."""
        shown = [f"· {p.label}：{p.reason}" for p in self.problems[:limit]]
        more = len(self.problems) - limit
        if more > 0:
            shown.append(f"· 另有 {more} 个{what}同样不能修改")
        return (
            f"批量修改未执行：选中的{what}中有 {len(self.problems)} 个不能这样修改，"
            f"所有{what}都保持原样。\n"
            + "\n".join(shown)
            + f"\n请调整修改内容，或取消选择这些{what}后再试。"
        )


def apply_units(links: list[tuple[int, str]], change: UnitChange) -> list[tuple[int, str]]:
    """``links`` (unit id, role) after ``change``: a unit keeps one role, the newest one asked.

    Setting a 牵头单位 moves the old lead out and takes the new one out of any other role;
    units added as 责任 or 配合 leave the role they had (never the lead's own, which stays).
    """
    roles: dict[int, str] = dict(links)
    if change.lead is not None:
        for uid in [u for u, r in roles.items() if r == "牵头"]:
            del roles[uid]
        if change.lead:
            roles[change.lead] = "牵头"
    lead = next((u for u, r in roles.items() if r == "牵头"), None)
    for role, (mode, ids) in (("责任", change.responsible), ("配合", change.supporting)):
        if mode == KEEP:
            continue
        if mode == REPLACE:
            for uid in [u for u, r in roles.items() if r == role]:
                del roles[uid]
        for uid in ids:
            if uid != lead:
                roles[uid] = role
    order = {r: i for i, r in enumerate(ROLES)}
    return sorted(roles.items(), key=lambda link: (order[link[1]], link[0]))
