"""SIGKILL in the middle of an import apply and of a backup, many times at random points:
the database always opens, passes integrity_check, and holds the whole import or none of it."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS, column_letter
from desktop_app.services.demo import generate_demo
from desktop_app.services.exchange import issue_template
from desktop_app.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

PERIOD = "2026-11"
KILLS = 12


def _column(key: str) -> str:
    return column_letter(next(i for i, c in enumerate(TEMPLATE_COLUMNS) if c.key == key))


@pytest.fixture(scope="module")
def big_return(tmp_path_factory) -> tuple[Path, Path, int]:
    """A demo database and a filled-in return of 旌阳区 changing every row."""
    folder = tmp_path_factory.mktemp("faults")
    db = folder / "原始.db"
    with Store.open(db) as store:
        generate_demo(store, 1500)
        template = issue_template(store, "旌阳区", PERIOD, folder / "旌阳区.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    col = _column("progress_text")
    rows = 0
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        if ws[f"A{r}"].value:
            ws[f"{col}{r}"].value = f"第{r}行：本月完成主体结构施工"
            rows += 1
    filled = folder / "旌阳区_报送.xlsx"
    wb.save(filled)
    return db, filled, rows


def _state(db: Path) -> tuple[int, int]:
    """(import batches of the return, reports of the period imported) — after checking the
    file is sound. (The demo's own year of returns is there before.)"""
    with Store.open(db, create=False) as store:
        assert store.check() == []
        batches = store.scalar(
            "SELECT count(*) FROM import_batch WHERE file_name = ?", ("旌阳区_报送.xlsx",)
        )
        reports = store.scalar(
            "SELECT count(*) FROM progress_report WHERE period = ? AND source = '导入'", (PERIOD,)
        )
    return batches, reports


@pytest.mark.parametrize("part", [None, 20], ids=["as-one-part", "in-parts-of-20-rows"])
def test_import_killed_at_random_points(big_return, tmp_path, child, part):
    db, filled, rows = big_return
    assert rows > 100
    parts = () if part is None else (part,)  # written part by part while the rest is parsed
    # How long a whole import takes here, to spread the kills over it.
    work = tmp_path / "计时.db"
    shutil.copy(db, work)
    start = time.perf_counter()
    proc = child("import", work, filled, *parts)
    assert proc.wait(120) == 0 and proc.stdout.read().strip() == "applied"
    duration = time.perf_counter() - start
    assert _state(work) == (1, rows)

    rng = random.Random(7)
    outcomes = []
    for i in range(KILLS):
        work = tmp_path / f"第{i}次.db"
        shutil.copy(db, work)
        proc = child("import", work, filled, *parts)
        time.sleep(rng.uniform(0, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        state = _state(work)
        assert state in ((0, 0), (1, rows)), f"kill {i}: half-applied import {state}"
        outcomes.append(state)
    # Some kills must have landed inside the import for the test to mean anything.
    assert (0, 0) in outcomes


def test_backup_killed_at_random_points(big_return, tmp_path, child):
    db = tmp_path / "备份源.db"
    shutil.copy(big_return[0], db)
    before = _state(db)
    rng = random.Random(11)
    for _ in range(KILLS):
        proc = child("backup", db, tmp_path)
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert _state(db) == before
    backups = list((db.parent / "备份" / db.stem).glob("*.db"))
    assert backups, "no backup was completed"
    for b in backups:  # every finished backup is a sound, complete copy
        conn = sqlite3.connect(b)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM project").fetchone()[0] == 1500
        conn.close()
