"""Where the user's files go: Documents by default, a data folder next to the program when
portable, and the override used for shared folders and tests."""

from pathlib import Path

from desktop_app import locations


def test_override_puts_everything_in_one_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CHENGDE_DATA_DIR", str(tmp_path / "共享"))
    assert locations.default_db_path() == tmp_path / "共享" / "projects.db"
    assert locations.log_dir() == tmp_path / "共享" / "logs"


def test_default_is_documents(monkeypatch, tmp_path):
    monkeypatch.delenv("CHENGDE_DATA_DIR", raising=False)
    monkeypatch.setattr(locations, "portable_dir", lambda: None)
    monkeypatch.setattr(locations, "documents_dir", lambda: tmp_path / "文档")
    assert locations.default_db_path() == tmp_path / "文档" / "成德同城化" / "projects.db"


def test_portable_mode_when_marker_present(monkeypatch, tmp_path):
    monkeypatch.delenv("CHENGDE_DATA_DIR", raising=False)
    monkeypatch.setattr(locations, "program_dir", lambda: tmp_path)
    assert locations.portable_dir() is None
    (tmp_path / locations.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert locations.default_db_path() == tmp_path / "data" / "projects.db"
    assert locations.app_data_dir() == tmp_path / "data"


def test_backups_sit_beside_the_database():
    db = Path("/共享盘/成德/projects.db")
    assert locations.backups_dir(db) == Path("/共享盘/成德/备份/projects")


def test_portable_mode_keeps_the_settings_in_the_data_folder_too(tmp_path):
    """Run in a process of its own: the settings' location is process-wide."""
    import subprocess
    import sys

    (tmp_path / locations.PORTABLE_MARKER).write_text("", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; import desktop_app.locations as L\n"
        f"L.program_dir = lambda: Path({str(tmp_path)!r})\n"
        "from PySide6.QtCore import QCoreApplication, QSettings\n"
        "app = QCoreApplication([]); app.setOrganizationName('测试单位'); app.setApplicationName('测试')\n"
        "from desktop_app.app import use_portable_settings\n"
        "use_portable_settings(); s = QSettings(); s.setValue('recent/databases', ['x']); s.sync()\n"
        "print(s.fileName())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout.strip()
    assert Path(out).is_relative_to(tmp_path / "data") and Path(out).is_file()


def _linux_home(monkeypatch, tmp_path, user_dirs: str | None) -> Path:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    if user_dirs is not None:
        (home / ".config" / "user-dirs.dirs").write_text(user_dirs, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    for name in ("CHENGDE_DATA_DIR", "XDG_DOCUMENTS_DIR", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(locations, "portable_dir", lambda: None)
    monkeypatch.setattr(locations.sys, "platform", "linux")
    return home


def test_a_chinese_linux_desktop_keeps_the_database_in_its_documents_folder(monkeypatch, tmp_path):
    """统信 UOS / 麒麟 name the folder 文档 in ~/.config/user-dirs.dirs: the database goes there,
    not loose in the home folder."""
    home = _linux_home(
        monkeypatch,
        tmp_path,
        '# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR="$HOME/桌面"\n'
        'XDG_DOCUMENTS_DIR="$HOME/文档"\n',
    )
    assert locations.default_db_path() == home / "文档" / "成德同城化" / "projects.db"


def test_linux_without_user_dirs_uses_documents_not_home(monkeypatch, tmp_path):
    home = _linux_home(monkeypatch, tmp_path, None)
    assert locations.default_db_path() == home / "Documents" / "成德同城化" / "projects.db"
    # "no documents folder" in the spec's sense ($HOME itself) is not taken literally either
    _linux_home(monkeypatch, tmp_path / "2", 'XDG_DOCUMENTS_DIR="$HOME/"\n')
    assert locations.documents_dir() == tmp_path / "2" / "home" / "Documents"


def test_the_environment_variable_wins(monkeypatch, tmp_path):
    _linux_home(monkeypatch, tmp_path, 'XDG_DOCUMENTS_DIR="$HOME/文档"\n')
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "资料"))
    assert locations.documents_dir() == tmp_path / "资料"
