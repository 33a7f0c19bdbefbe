"""The README names the Debian/Ubuntu package of every system library Qt's xcb plugin loads, so
that a fresh Linux desktop can be made ready from it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_LIBS = re.compile(r"^lib(xcb|X11-xcb|xkbcommon|GL\.|EGL|fontconfig|freetype|dbus|glib)")


def debian_package(soname: str) -> str:
    """libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0."""
    name, _, version = soname.partition(".so.")
    if name == "libglib-2.0":
        return "libglib2.0-0"
    name = name.lower()
    return f"{name}{'-' if name[-1].isdigit() else ''}{version.split('.')[0]}"


def test_package_names():
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libdbus-1.so.3") == "libdbus-1-3"


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"), reason="Linux")
def test_readme_lists_what_the_xcb_plugin_needs():
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    needed = set()
    for lib in (qt / "plugins" / "platforms" / "libqxcb.so", *qt.glob("lib/libQt6XcbQpa.so*")):
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
        needed |= {line.split()[0] for line in out.splitlines() if line.strip()}
    packages = {debian_package(n) for n in needed if SYSTEM_LIBS.match(n)}
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"} <= packages
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme[readme.index("sudo apt install") :].split("```")[0]
    assert sorted(p for p in packages if p not in install) == []
