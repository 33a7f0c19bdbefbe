"""Check the installer on Linux under Wine: compile installer.iss, install for the current user
(silently, as /CURRENTUSER), check the files, shortcuts and uninstall entry, then uninstall and
check that the program is gone and the user's data is not.

python packaging/wine_check.py --iscc PATH/TO/ISCC.exe [--bundle DIR] [--chinese FILE]

Needs Debian's wine (wine64 and wine32: Inno Setup's compiler and Setup are 32-bit programs)
and xvfb-run. Seen on Debian 12: adding wine32 removed libreoffice-calc, which the import tests
need; reinstall it afterwards. Without ``--bundle`` the payload is a stand-in folder with the
bundle's shape: what is checked here is the installer, not the program (PyInstaller builds the
Windows program only on Windows). ``--chinese`` names the Chinese messages for a compiler before
7.0.2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_FOLDER = "成德同城化"
APP_NAME = "成德同城化重大项目管理"
APP_ID = "{6C1E4B0A-3D1F-4C8B-9E2A-5B7D0C2F8A11}_is1"


def wine_path(path: Path) -> str:
    return "Z:" + str(path.resolve()).replace("/", "\\")


def run(args: list[str], env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, timeout=timeout, capture_output=True, text=True)


def stand_in_bundle(folder: Path) -> Path:
    bundle = folder / APP_FOLDER
    (bundle / "_internal" / "resources").mkdir(parents=True)
    for name in ("desktop-app.exe", "desktop-app-cli.exe", "_internal/base_library.zip"):
        (bundle / name).write_bytes(b"stand-in for " + name.encode())
    (bundle / "_internal" / "resources" / "数据集.json").write_text("{}", encoding="utf-8")
    return bundle


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iscc", type=Path, required=True)
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--chinese", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wine_check_"))
    env = dict(os.environ, WINEPREFIX=str(work / "prefix"), WINEARCH="win64", WINEDEBUG="-all")
    bundle = args.bundle or stand_in_bundle(work / "payload")
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    defines = [f"/DBundleDir={wine_path(bundle)}"]
    if args.chinese:
        defines.append(f"/DChineseMessages={wine_path(args.chinese)}")
    installer = wine_path(ROOT / "packaging" / "installer.iss")
    done = run(
        ["wine", str(args.iscc), "/Q", f"/O{wine_path(work / 'out')}", *defines, installer], env
    )
    setups = list((work / "out").glob("*.exe"))
    check(done.returncode == 0 and len(setups) == 1, f"compiled: {[s.name for s in setups]}")
    if failures:
        print(done.stdout[-2000:], done.stderr[-2000:])
        return 1

    run(["wine", "winecfg", "-v", "win10"], env)
    log = work / "install.log"
    run(
        ["xvfb-run", "-a", "wine", str(setups[0]), "/VERYSILENT", "/SUPPRESSMSGBOXES"]
        + ["/CURRENTUSER", "/TASKS=desktopicon", f"/LOG={wine_path(log)}"],
        env,
    )
    users = [u for u in (work / "prefix" / "drive_c" / "users").iterdir() if u.name != "Public"]
    home = users[0]
    app = home / "AppData" / "Local" / "Programs" / APP_FOLDER
    menu = home / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    installed = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file())
    check(
        all((app / name).is_file() for name in installed),
        f"{len(installed)} files in %LOCALAPPDATA%\\Programs\\{APP_FOLDER}",
    )
    check((app / "unins000.exe").is_file(), "uninstaller beside the program")
    check((menu / APP_NAME / f"{APP_NAME}.lnk").is_file(), "Start-menu shortcut")
    check((menu / APP_NAME / f"卸载 {APP_NAME}.lnk").is_file(), "Start-menu uninstall shortcut")
    check((home / "Desktop" / f"{APP_NAME}.lnk").is_file(), "desktop shortcut")
    key = f"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{APP_ID}"
    check(run(["wine", "reg", "query", key], env).returncode == 0, "per-user uninstall entry")

    # What the program writes while in use: the user's database, backups, settings and logs,
    # and Python's cache in its own folder.
    data = [
        home / "Documents" / APP_FOLDER / "projects.db",
        home / "Documents" / APP_FOLDER / "备份" / "projects" / "projects-2026-11-29.db",
        home / "AppData" / "Local" / APP_FOLDER / "settings.json",
        home / "AppData" / "Local" / APP_FOLDER / "logs" / "app.log",
    ]
    for path in data + [app / "__pycache__" / "x.pyc"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"user data")

    run(
        ["xvfb-run", "-a", "wine", str(app / "unins000.exe"), "/VERYSILENT", "/SUPPRESSMSGBOXES"],
        env,
    )
    for _ in range(60):  # the uninstaller goes on from a copy of itself
        if not app.exists():
            break
        time.sleep(1)
    check(not app.exists(), "program folder removed")
    check(not (menu / APP_NAME).exists(), "Start-menu folder removed")
    check(not (home / "Desktop" / f"{APP_NAME}.lnk").exists(), "desktop shortcut removed")
    check(run(["wine", "reg", "query", key], env).returncode != 0, "uninstall entry removed")
    check(
        all(p.read_bytes() == b"user data" for p in data),
        "user's database, backups, settings, logs kept",
    )
    print(f"{'all checks passed' if not failures else f'{len(failures)} failed'} ({work})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
