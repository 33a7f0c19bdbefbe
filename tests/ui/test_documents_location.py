"""The default database folder is the one Qt's file dialogs call 文档 on a Linux desktop."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths

from desktop_app import locations


@pytest.mark.skipif(sys.platform == "win32", reason="the XDG folders are Linux's")
@pytest.mark.parametrize("line", ['XDG_DOCUMENTS_DIR="$HOME/文档"\n', None])
def test_documents_folder_agrees_with_qt(qapp, monkeypatch, tmp_path, line):
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / "文档").mkdir()
    (home / "Documents").mkdir()
    if line:
        (home / ".config" / "user-dirs.dirs").write_text(line, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DOCUMENTS_DIR", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    qt = Path(QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation))
    assert locations.documents_dir() == qt
    assert qt == home / ("文档" if line else "Documents")
