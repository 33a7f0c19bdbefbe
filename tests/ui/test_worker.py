"""Long jobs when the application quits: cancelled and waited for, nothing left half-done."""

from __future__ import annotations

import time

from desktop_app.saving import save_file
from desktop_app.ui.worker import start_job, stop_all_jobs


def _slow_save(out, pieces: int = 200):
    """A file written piece by piece, asking the progress callback between pieces (as the
    register export and the PDF sheets do)."""

    def job(_store, progress):
        def write(part):
            with open(part, "wb") as fh:
                for i in range(pieces):
                    progress(i, pieces, "写入")
                    fh.write(b"x" * 1024)
                    time.sleep(0.01)

        return save_file(out, write, kind=".xlsx")

    return job


def test_quitting_cancels_running_and_queued_jobs_and_waits_for_them(qtbot, tmp_path):
    folder = tmp_path / "导出"
    folder.mkdir()
    kept = folder / "上月项目库.xlsx"
    kept.write_bytes(b"last month")
    outcomes = []
    jobs = [
        start_job(
            None,
            _slow_save(out),
            on_done=outcomes.append,
            on_error=lambda exc, _trace: outcomes.append(exc),
        )
        for out in (kept, folder / "本月项目库.xlsx")
        for _ in range(3)  # more jobs than pool threads here: some are still queued
    ]
    time.sleep(0.1)  # the first ones are writing
    started = time.perf_counter()
    assert stop_all_jobs()
    assert time.perf_counter() - started < 5  # stopped at the next piece, not run to the end
    assert all(j.cancelled for j in jobs)
    assert kept.read_bytes() == b"last month"  # the file being replaced is untouched
    assert sorted(p.name for p in folder.iterdir()) == ["上月项目库.xlsx"]  # no half file
    qtbot.waitUntil(lambda: len(outcomes) == len(jobs))
    assert all(type(o).__name__ == "Cancelled" for o in outcomes)
