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
    return w


def test_daily_backup_on_open(window, store):
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
    assert count_projects(window.ctx.store) == 125
    dialog.reload()
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "删除前" in reasons
    row = reasons.index("每日")
    dialog.table.selectRow(row)
    assert dialog.restore(dialog.selected_backup())
    assert count_projects(window.ctx.store) == 126
    assert window.ctx.register_model.total_count == 126
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
    assert count_projects(window.ctx.store) == 126
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
    [daily] = list_backups(window.ctx.store.path)  # 126 projects
    oldest = daily.path.with_name(
        daily.path.name.replace(daily.at.strftime("%Y%m%d-%H%M%S"), "20260101-080000")
    )
    daily.path.rename(oldest)
    window.show_page("register")
    window.register_page.view.selectRow(0)
    assert window.delete_selected(confirm=False)
    while len(list_backups(window.ctx.store.path)) < window.ctx.keep_backups():
        dialog.backup_now()  # 125 projects
    assert list_backups(window.ctx.store.path)[-1].path == oldest
    size = oldest.stat().st_size
    assert dialog.restore(oldest)
    assert count_projects(window.ctx.store) == 126
    assert oldest.exists() and oldest.stat().st_size == size  # the chosen backup untouched
    dialog.close()


def test_two_backups_in_the_same_second_are_both_kept(window, store):
    from desktop_app.services.backup import auto_backup

    first = auto_backup(window.ctx.store, "手动")
    second = auto_backup(window.ctx.store, "手动")
    assert first != second and first.exists() and second.exists()
