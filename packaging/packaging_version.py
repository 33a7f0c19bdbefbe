"""Version information for the Windows executables, read from pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def windows_version_file() -> str:
    """Write build/version_info.txt (PyInstaller's VSVersionInfo) and return its path."""
    parts = [int(p) for p in version().split(".")[:3]] + [0]
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tuple(parts)}, prodvers={tuple(parts)}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '成德同城化发展领导小组办公室'),
      StringStruct('FileDescription', '成德同城化重大项目管理'),
      StringStruct('FileVersion', '{version()}'),
      StringStruct('ProductName', '成德同城化重大项目管理'),
      StringStruct('ProductVersion', '{version()}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""
    out = ROOT / "build" / "version_info.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return str(out)
