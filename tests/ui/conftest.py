"""Qt fixtures: the application font (bundled CJK) is applied once per session."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _app_font(qapp):
    from desktop_app.ui.fonts import apply_app_font

    apply_app_font(qapp)
    return qapp
