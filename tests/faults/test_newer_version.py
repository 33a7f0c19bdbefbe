"""A database or backup written by a newer version of the program: refused before anything of
it, or of the live database, changes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.locations import backups_dir
from desktop_app.services.backup import list_backups
from desktop_app.store.database import schema_version
from desktop_app.store.projects import count_projects
from desktop_app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _from_newer_version(path: Path, *, wal: bool = False) -> Path:
    """``path`` made into a database a later version wrote: schema version one higher (and,
    when ``wal``, left in WAL mode, as a version using it would)."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    if wal:
        assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.close()
    return path


@pytest.fixture
def window(qtbot, store, tmp_path):
    w = MainWindow(
        store,
        QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        today=date(2026, 11, 29),
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.backup_job is None, timeout=20000)
    return w


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_restoring_a_backup_from_a_newer_version_is_refused_and_changes_nothing(
    qtbot, window, store, monkeypatch, wal
):
    folder = backups_dir(store.path)
    newer = folder / f"{store.path.stem}-20261128-120000-手动.db"
    newer.write_bytes(store.path.read_bytes())
    _from_newer_version(newer, wal=wal)
    backup_before, live_before = _sha(newer), _sha(store.path)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes
    )
    dialog = window.show_backups()
    names = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(names.index(newer.name))
    qtbot.mouseClick(dialog.restore_button, Qt.LeftButton)
    assert asked  # the user confirmed, as in real use
    assert "由更新版本的程序创建" in window.last_error
    assert "未恢复" in window.last_error and "请升级程序" in window.last_error
    assert _sha(store.path) == live_before  # the live database untouched …
    assert _sha(newer) == backup_before  # … and the backup too
    assert not Path(f"{newer}-wal").exists() and not Path(f"{newer}-shm").exists()
    assert "恢复前" not in [b.reason for b in list_backups(store.path)]
    assert window.ctx.store is store and count_projects(window.ctx.store) == 195
    dialog.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_opening_a_newer_database_leaves_the_file_as_it_was(store, tmp_path, wal):
    """The program refuses it, and does not first switch it to its own journal mode."""
    path = tmp_path / "新版本.db"
    path.write_bytes(store.path.read_bytes())
    _from_newer_version(path, wal=wal)
    before = _sha(path)
    result = _cli("--db", path, "units")
    assert result.returncode != 0
    assert "由更新版本的程序创建" in result.stderr and "Traceback" not in result.stderr
    assert _sha(path) == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    with path.open("rb") as fh:
        header = fh.read(20)
    assert header[18:20] == (b"\x02\x02" if wal else b"\x01\x01")  # its journal mode kept
