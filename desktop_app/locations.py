"""Where the user's files live: the database, backups, logs and settings.

Default database: ``Documents/成德同城化/projects.db`` (the user's Documents folder: the known
folder on Windows, the XDG folder on Linux, e.g. ``~/文档``). Settings and logs: the per-user
application-data folder. Portable mode: when a file named ``portable.txt`` sits next to the
program, everything lives in a ``data`` folder beside it instead. ``CHENGDE_DATA_DIR`` overrides
both (used by tests and by offices that keep the data on a shared drive).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "成德同城化"
DB_NAME = "projects.db"
PORTABLE_MARKER = "portable.txt"


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def portable_dir() -> Path | None:
    marker = program_dir() / PORTABLE_MARKER
    return program_dir() / "data" if marker.exists() else None


def _windows_known_folder(folder_id: str) -> Path | None:
    """SHGetKnownFolderPath, so a Documents folder moved by the user (or OneDrive) is found."""
    try:
        import ctypes
        from ctypes import wintypes

        class GUID(ctypes.Structure):
            _fields_ = [
                ("d1", wintypes.DWORD),
                ("d2", wintypes.WORD),
                ("d3", wintypes.WORD),
                ("d4", ctypes.c_ubyte * 8),
            ]

        import uuid as _uuid

        u = _uuid.UUID(folder_id)
        guid = GUID(u.fields[0], u.fields[1], u.fields[2], (ctypes.c_ubyte * 8)(*u.bytes[8:]))
        out = ctypes.c_wchar_p()
        shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
        if shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(out)) != 0:
            return None
        path = Path(out.value)
        ctypes.windll.ole32.CoTaskMemFree(out)  # type: ignore[attr-defined]
        return path
    except Exception:  # not Windows, or an unusual shell: fall back to the environment
        return None


def _xdg_documents_dir() -> Path | None:
    """The Documents folder of a Linux desktop (UOS, Kylin, GNOME, KDE …), as Qt's
    ``QStandardPaths.DocumentsLocation`` finds it: ``XDG_DOCUMENTS_DIR`` from the environment or
    from ``~/.config/user-dirs.dirs`` (``XDG_DOCUMENTS_DIR="$HOME/文档"`` on a Chinese desktop)."""
    value = os.environ.get("XDG_DOCUMENTS_DIR")
    if not value:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        try:
            lines = (config / "user-dirs.dirs").read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        for line in lines:
            key, _, raw = line.strip().partition("=")
            if key == "XDG_DOCUMENTS_DIR":
                value = raw.strip().strip('"')
    if not value:
        return None
    value = value.replace("$HOME", str(Path.home()))
    path = Path(value)
    # The spec's "no documents folder" is the home folder itself: keep our folder out of $HOME.
    return path if path.is_absolute() and path != Path.home() else None


def documents_dir() -> Path:
    if sys.platform == "win32":
        found = _windows_known_folder("FDD39AD0-238F-46AF-ADB4-6C85480369C7")
        if found:
            return found
        return Path(os.environ.get("USERPROFILE", Path.home())) / "Documents"
    return _xdg_documents_dir() or Path.home() / "Documents"


def app_data_dir() -> Path:
    """Per-user folder for settings, logs and automatic backups."""
    override = os.environ.get("CHENGDE_DATA_DIR")
    if override:
        return Path(override)
    portable = portable_dir()
    if portable:
        return portable
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or Path.home())
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def default_db_path() -> Path:
    override = os.environ.get("CHENGDE_DATA_DIR")
    if override:
        return Path(override) / DB_NAME
    portable = portable_dir()
    if portable:
        return portable / DB_NAME
    return documents_dir() / APP_FOLDER / DB_NAME


def backups_dir(db_path: Path) -> Path:
    """Automatic backups sit beside the database, in a folder named after it."""
    return db_path.parent / "备份" / db_path.stem


def log_dir() -> Path:
    return app_data_dir() / "logs"
