"""Progress and cancellation for long jobs (import, export, PDF), without Qt.

A long service function takes ``progress: Progress`` and calls ``progress(done, total, text)``
now and then; the caller's callback may raise ``Cancelled`` to stop it (the service's transaction
then rolls back, so a cancelled job changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The user pressed 取消; nothing was changed."""


def no_progress(done: int, total: int, text: str = "") -> None:
    return None
