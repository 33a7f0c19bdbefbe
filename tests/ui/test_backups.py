"""Safety: a backup when the database opens and before deleting; restore one from the list."""

from datetime import date

import pytest
from PySide6.QtCore import QSettings

from desktop_app.locations import backups_dir
from desktop_app.services.backup import list_backups
from desktop_app.store.projects import count_projects
from desktop_app.ui.main_window import MainWindow


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


def test_daily_backup_on_open_is_made_off_the_gui_thread(qtbot, store, tmp_path):
    w = MainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    assert w.backup_job is not None  # started, not waited for: the window shows meanwhile
    w.show()
    qtbot.waitUntil(lambda: w.backup_job is None, timeout=20000)
    backups = list_backups(store.path)
    assert [b.reason for b in backups] == ["每日"]
    assert backups[0].path.parent == backups_dir(store.path)


def test_restore_a_backup_brings_the_data_back(qtbot, window, store):
    dialog = window.show_backups()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "每日"
    assert dialog.table.item(0, 2).text().endswith("KB")  # size shown
    window.show_page("register")
    window.register_page.view.selectRow(0)
    assert window.delete_selected(confirm=False), getattr(window, "last_error", "")
    assert count_projects(window.ctx.store) == 194
    dialog.reload()
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "删除前" in reasons
    row = reasons.index("每日")
    dialog.table.selectRow(row)
    assert dialog.restore(dialog.selected_backup())
    assert count_projects(window.ctx.store) == 195
    assert window.ctx.register_model.total_count == 195
    assert window.ctx.undo_stack.count() == 0  # another database state: nothing to undo
    assert "恢复前" in [b.reason for b in list_backups(window.ctx.store.path)]
    assert window.statusBar().currentMessage().startswith("已从备份「")  # said, not silent
    dialog.close()


@pytest.mark.parametrize("content", [b"not a database at all", b""], ids=["broken", "empty"])
def test_a_broken_or_empty_backup_is_refused(window, store, tmp_path, content):
    from desktop_app.ui.backups import BackupsDialog

    bad = tmp_path / "坏备份.db"
    bad.write_bytes(content)
    dialog = BackupsDialog(window.ctx, window)
    assert not dialog.restore(bad)
    assert "已损坏、是空文件" in window.last_error
    assert count_projects(window.ctx.store) == 195
    assert bad.read_bytes() == content  # read, never written
    dialog.close()


def test_keep_setting_limits_backups(window, store):
    from desktop_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.ctx, window)
    dialog.keep.setValue(2)
    dialog.accept()
    assert window.ctx.keep_backups() == 2
    from desktop_app.ui.backups import BackupsDialog

    backups = BackupsDialog(window.ctx, window)
    for _ in range(3):
        backups.backup_now()
    assert len(list_backups(store.path)) <= 2
    backups.close()


def test_restoring_the_oldest_kept_backup_restores_it(window, store):
    """Its 恢复前 backup would push the oldest one out of the kept number: the chosen backup
    is spared, read without being written, and its data comes back."""
    from desktop_app.ui.backups import BackupsDialog

    dialog = BackupsDialog(window.ctx, window)
    [daily] = list_backups(window.ctx.store.path)  # 195 projects
    oldest = daily.path.with_name(
        daily.path.name.replace(daily.at.strftime("%Y%m%d-%H%M%S"), "20260101-080000")
    )
    daily.path.rename(oldest)
    window.show_page("register")
    window.register_page.view.selectRow(0)
    assert window.delete_selected(confirm=False)
    while len(list_backups(window.ctx.store.path)) < window.ctx.keep_backups():
        dialog.backup_now()  # 194 projects
    assert list_backups(window.ctx.store.path)[-1].path == oldest
    size = oldest.stat().st_size
    assert dialog.restore(oldest)
    assert count_projects(window.ctx.store) == 195
    assert oldest.exists() and oldest.stat().st_size == size  # the chosen backup untouched
    dialog.close()


def test_two_backups_in_the_same_second_are_both_kept(window, store):
    from desktop_app.services.backup import auto_backup

    first = auto_backup(window.ctx.store, "手动")
    second = auto_backup(window.ctx.store, "手动")
    assert first != second and first.exists() and second.exists()


_QUIT_AT_ONCE = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.store import Store
from desktop_app.ui.main_window import MainWindow
store = Store.open(Path(sys.argv[1]), create=False)
window = MainWindow(store, QSettings(sys.argv[2], QSettings.IniFormat))
window.show()
QTimer.singleShot(0, app.quit)  # closed the moment it appears, the daily backup still running
sys.exit(app.exec())
"""


def test_quitting_right_after_start_finishes_the_daily_backup_quietly(store, tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _QUIT_AT_ONCE, str(store.path), str(tmp_path / "quit.ini")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    [backup] = list_backups(store.path)
    with sqlite3.connect(backup.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM project").fetchone()[0] == 195


def test_a_wait_cursor_shows_while_a_delete_backs_up_first_and_goes_away(
    qtbot, window, store, tmp_path, monkeypatch
):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    import desktop_app.services.editing as editing
    from desktop_app.ui.backups import BackupsDialog

    cursors = []
    real_backup = editing.auto_backup

    def watched_backup(*args, **kwargs):  # the real backup, noting the cursor meanwhile
        cursor = QApplication.overrideCursor()
        cursors.append(cursor.shape() if cursor else None)
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(editing, "auto_backup", watched_backup)
    window.show_page("register")
    window.register_page.view.selectRow(0)
    assert window.delete_selected(confirm=False)
    assert cursors == [Qt.WaitCursor] and QApplication.overrideCursor() is None
    bad = tmp_path / "坏备份.db"
    bad.write_bytes(b"not a database")
    dialog = BackupsDialog(window.ctx, window)
    assert not dialog.restore(bad)  # refused: the cursor is back before the message
    assert QApplication.overrideCursor() is None
    dialog.close()
