"""Build the one-folder bundle (dist/成德同城化/) and, on Windows with Inno Setup, the installer.

python packaging/build.py            # bundle only
python packaging/build.py --installer  # bundle + installer (needs Inno Setup 6.3+; 7 preferred)
python packaging/build.py --installer --download-chinese  # Inno Setup 6: fetch its Chinese texts
"""

from __future__ import annotations

import argparse
import hashlib
import os
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


# Inno Setup's own Simplified Chinese messages (official since 7.0.2), for an older compiler.
CHINESE_ISL = "ChineseSimplified.isl"
CHINESE_ISL_URL = "https://raw.githubusercontent.com/jrsoftware/issrc/is-7_1_0/Files/Languages/ChineseSimplified.isl"
CHINESE_ISL_SHA256 = "e0b0b350e2245f3c5e65586dfe43d574f6e7f06f2261149aba284954b3fc9a8d"


def find_iscc() -> Path:
    """ISCC.exe on PATH, or where Inno Setup 7 or 6 installs itself (machine or per-user)."""
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return Path(found)
    roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramFiles(x86)")]
    roots.append(str(Path(os.environ.get("LOCALAPPDATA", "")) / "Programs"))
    for version in ("7", "6"):
        for root in filter(None, roots):
            candidate = Path(root) / f"Inno Setup {version}" / "ISCC.exe"
            if candidate.is_file():
                return candidate
    raise SystemExit(
        "Inno Setup (ISCC.exe) not found: install Inno Setup 7, or put ISCC.exe on PATH"
    )


def check_chinese_messages(iscc: Path, *, download: bool = False) -> None:
    """installer.iss takes the compiler's Chinese messages, else the file next to it; with
    ``download``, a missing file is fetched from Inno Setup's repository (7.1.0, checked)."""
    if (iscc.parent / "Languages" / CHINESE_ISL).is_file():
        return
    local = ROOT / "packaging" / CHINESE_ISL
    if not local.is_file() and download:
        import urllib.request

        with urllib.request.urlopen(CHINESE_ISL_URL, timeout=60) as response:
            data = response.read()
        digest = hashlib.sha256(data).hexdigest()
        if digest != CHINESE_ISL_SHA256:
            raise SystemExit(f"{CHINESE_ISL_URL}: unexpected sha256 {digest}")
        local.write_bytes(data)
    if not local.is_file():
        raise SystemExit(
            f"{iscc.parent} has no Languages\\{CHINESE_ISL} (Inno Setup before 7.0.2): "
            f"install Inno Setup 7, run with --download-chinese, or save {CHINESE_ISL_URL} as {local}"
        )


def build_installer(*, download_chinese: bool = False) -> None:
    iscc = find_iscc()
    check_chinese_messages(iscc, download=download_chinese)
    sys.path.insert(0, str(ROOT / "packaging"))
    from packaging_version import version

    subprocess.run(
        [str(iscc), f"/DAppVersion={version()}", str(ROOT / "packaging" / "installer.iss")],
        check=True,
        cwd=ROOT,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--installer", action="store_true")
    parser.add_argument(
        "--download-chinese",
        action="store_true",
        help="fetch Inno Setup's Chinese messages when the installed compiler lacks them",
    )
    args = parser.parse_args()
    build_bundle()
    if args.installer:
        build_installer(download_chinese=args.download_chinese)


if __name__ == "__main__":
    main()
