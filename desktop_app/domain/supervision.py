"""督办 rules: when a notice is overdue and how its level escalates (蓝 → 黄 → 红).

A notice starts 蓝 when issued. While it stays unanswered past its reply-by date it escalates to 黄,
and to 红 once it has been overdue for ``red_after_days`` more; a reply (已回复) or closure (已办结)
stops the escalation. A project whose light turns back to green or blue needs no further notice.
"""

from __future__ import annotations

from datetime import date

LEVELS: tuple[str, ...] = ("蓝", "黄", "红")
STATES: tuple[str, ...] = ("已发", "已回复", "已办结")
DEFAULT_REPLY_DAYS = 10
RED_AFTER_DAYS = 15


def is_overdue(status: str, reply_by: date, today: date) -> bool:
    """Issued, not answered, and past its reply-by date."""
    return status == "已发" and today > reply_by


def overdue_days(status: str, reply_by: date, today: date) -> int:
    return (today - reply_by).days if is_overdue(status, reply_by, today) else 0


def escalated_level(
    level: str, status: str, reply_by: date, today: date, *, red_after_days: int = RED_AFTER_DAYS
) -> str:
    """The level a notice should carry today (never lower than the level it was issued at)."""
    if status != "已发":
        return level
    late = overdue_days(status, reply_by, today)
    wanted = "蓝"
    if late > red_after_days:
        wanted = "红"
    elif late > 0:
        wanted = "黄"
    return max(level, wanted, key=LEVELS.index)


def initial_level(light: str) -> str:
    """A notice for a red project starts 黄, for a yellow one 蓝."""
    return "黄" if light == "红" else "蓝"
