"""Qt fixtures: the application font (bundled CJK) is applied once per session, and every test
gets its own settings file, so a window size or grouping remembered by one test (or by a real
user of this machine) never leaks into another."""

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(scope="session", autouse=True)
def _app_font(qapp):
    from desktop_app.ui.fonts import apply_app_font

    qapp.setOrganizationName("成德同城化测试")
    qapp.setApplicationName("测试")
    apply_app_font(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _private_settings(tmp_path):
    folder = str(tmp_path / "settings")
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, folder)
        QSettings.setPath(fmt, QSettings.SystemScope, folder)
    yield
