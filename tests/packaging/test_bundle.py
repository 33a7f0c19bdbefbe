"""The one-folder bundle built by PyInstaller runs without the source tree: CLI and GUI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    if (
        shutil.which("pyinstaller") is None
        and subprocess.run(
            [sys.executable, "-c", "import PyInstaller"], capture_output=True
        ).returncode
    ):
        pytest.skip("PyInstaller is not installed (pip install -e '.[dev]')")
    sys.path.insert(0, str(ROOT / "packaging"))
    from build import build_bundle, folder_size

    out = build_bundle(tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("work"))
    print(f"bundle size {folder_size(out) / 1e6:.0f} MB")
    return out


def _exe(bundle: Path, name: str) -> str:
    return str(bundle / (name + (".exe" if sys.platform == "win32" else "")))


def test_bundle_cli_init_and_projects(bundle, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    db = tmp_path / "中文路径" / "安装测试.db"
    run = subprocess.run(
        [_exe(bundle, "desktop-app-cli"), "--db", str(db), "init"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [_exe(bundle, "desktop-app-cli"), "--db", str(db), "projects", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 126


def test_bundle_gui_starts_offscreen(bundle, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"QT_QPA_PLATFORM": "offscreen", "CHENGDE_DATA_DIR": str(tmp_path / "用户数据")}
    proc = subprocess.Popen(
        [_exe(bundle, "desktop-app")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(6)
    alive = proc.poll() is None
    proc.terminate()
    out, err = proc.communicate(timeout=20)
    assert alive, f"the GUI exited early ({proc.returncode}): {err[-2000:]}"
    assert (tmp_path / "用户数据" / "projects.db").exists()
