"""Build the one-folder bundle (dist/成德同城化/) and, on Windows with Inno Setup, the installer.

python packaging/build.py            # bundle only
python packaging/build.py --installer  # bundle + installer (needs ISCC.exe on PATH)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "成德同城化"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build_bundle(dist: Path = ROOT / "dist", work: Path = ROOT / "build" / "pyinstaller") -> Path:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "chengde.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    out = dist / "成德同城化"
    print(f"bundle: {out}  {folder_size(out) / 1e6:.0f} MB  in {time.perf_counter() - start:.0f} s")
    return out


def build_installer() -> None:
    iscc = shutil.which("ISCC") or shutil.which("iscc")
    if not iscc:
        raise SystemExit("Inno Setup (ISCC.exe) not found on PATH")
    sys.path.insert(0, str(ROOT / "packaging"))
    from packaging_version import version

    subprocess.run(
        [iscc, f"/DAppVersion={version()}", str(ROOT / "packaging" / "installer.iss")],
        check=True,
        cwd=ROOT,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--installer", action="store_true")
    args = parser.parse_args()
    build_bundle()
    if args.installer:
        build_installer()


if __name__ == "__main__":
    main()
