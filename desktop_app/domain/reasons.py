"""The kinds of reason a light is on, in the words a 通报 sums them up with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# (kind, words that mark it), checked in order: the first that matches names the reason.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("逾期未完工", ("完工，已逾期",)),
    ("关键节点逾期", ("关键节点", "已逾期")),
    ("关键节点临近到期", ("关键节点", "到期")),
    ("进度落后于序时进度", ("落后序时进度",)),
    ("未按计划开工", ("仍未开工",)),
    ("未按期报送进度", ("未报送",)),
    ("计划日期未填报", ("待填报",)),
)


def reason_kind(reason: str) -> str:
    """The kind of one reason (``"其他"`` when none fits)."""
    for kind, words in KINDS:
        if all(w in reason for w in words):
            return kind
    return "其他"


def main_kinds(reasons: Iterable[str], *, top: int = 3) -> str:
    """The most frequent kinds among ``reasons`` with their counts: 「进度落后于序时进度（5个）、…」."""
    counts = Counter(reason_kind(r) for r in reasons)
    return "、".join(f"{kind}（{n}个）" for kind, n in counts.most_common(top))
