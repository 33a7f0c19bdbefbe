"""Long jobs off the GUI thread, with progress and cancel.

A job is a function ``fn(store, progress) -> result`` run on the global QThreadPool with its
own ``Store`` connection to the same file (an SQLite connection never crosses threads).
``on_done(result)`` / ``on_error(exc)`` run back on the GUI thread. ``Cancelled`` raised from
the progress callback after ``cancel()`` ends the job (its transaction rolls back).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..services.progress import Cancelled
from ..store import Store


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback


class Job(QRunnable):
    def __init__(self, db_path: Path | None, fn: Callable, *, user: str | None = None):
        super().__init__()
        self.signals = _Signals()
        self._db_path = db_path
        self._fn = fn
        self._user = user
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total, text)

    def run(self) -> None:  # runs on a pool thread
        store = None
        try:
            if self._cancel.is_set():  # cancelled while still queued (the application quit)
                raise Cancelled()
            if self._db_path is not None:
                store = Store.open(self._db_path, create=False, user=self._user)
            result = self._fn(store, self._progress)
        except BaseException as exc:  # handed to the GUI thread, which decides how to show it
            _tell(self.signals.failed, exc, traceback.format_exc())
        else:
            _tell(self.signals.done, result)
        finally:
            if store is not None:
                store.close()
            with _RUNNING_LOCK:
                _RUNNING.discard(self)


_RUNNING: set[Job] = set()
_RUNNING_LOCK = threading.Lock()


def stop_all_jobs(timeout_ms: int = 15000) -> bool:
    """Cancel the jobs still running and wait for them to stop (for the application's exit):
    an import being written rolls back and a file being saved is not left half-written, instead
    of the process ending under them. True when all have stopped within ``timeout_ms``."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for job in running:
        job.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def _tell(signal, *args) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:
        # The application quit while the job ran (e.g. closed right after the daily backup
        # started): its windows are gone and nobody is left to tell; the job has ended either way.
        pass


def start_job(
    db_path: Path | None,
    fn: Callable,
    *,
    on_done: Callable[[object], None],
    on_error: Callable[[BaseException, str], None],
    on_progress: Callable[[int, int, str], None] | None = None,
    user: str | None = None,
) -> Job:
    job = Job(db_path, fn, user=user)
    job.signals.done.connect(on_done)
    job.signals.failed.connect(on_error)
    if on_progress:
        job.signals.progress.connect(on_progress)
    with _RUNNING_LOCK:  # from now until it has run: queued jobs are cancelled at exit too
        _RUNNING.add(job)
    QThreadPool.globalInstance().start(job)
    return job
