"""The one-folder bundle built by PyInstaller runs without the source tree: CLI and GUI."""

from __future__ import annotations

import importlib.util
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
    assert len(json.loads(run.stdout)) == 195


def _bundled_cli(bundle: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    """The bundle's CLI on ``db``, run in the database's folder without the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [_exe(bundle, "desktop-app-cli"), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=db.parent,
        timeout=120,
    )


def test_bundle_writes_excel_and_pdf(bundle, tmp_path):
    """openpyxl, reportlab and the bundled fonts work from the bundle."""
    db = tmp_path / "报表.db"
    for args in (
        ["init"],
        ["export", str(tmp_path / "项目库.xlsx")],
        ["report", "overall", str(tmp_path / "总体进度表.pdf")],
    ):
        run = _bundled_cli(bundle, db, *args)
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "项目库.xlsx").stat().st_size > 10_000
    assert (tmp_path / "总体进度表.pdf").read_bytes().startswith(b"%PDF")


def test_bundle_writes_word_documents(bundle, tmp_path):
    """python-docx's default template is in the bundle: the bundled CLI drafts the 通报 and the
    督办通知, and they open with python-docx."""
    from docx import Document

    db = tmp_path / "公文.db"
    for args in (
        ["init"],
        # Projects with dates and reports, some late (the plan's own have no dates yet).
        ["demo", "--projects", "40"],
        ["report", "bulletin", str(tmp_path / "通报.docx"), "--period", "2026-11"],
        ["report", "notice", str(tmp_path / "督办"), "--format", "docx"],
    ):
        run = _bundled_cli(bundle, db, *args)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
    bulletin = Document(str(tmp_path / "通报.docx"))
    assert bulletin.paragraphs[0].text == "成德同城化重大项目2026年11月推进情况通报"
    assert bulletin.tables  # the annex
    notices = sorted((tmp_path / "督办").glob("*.docx"))
    assert notices
    first = Document(str(notices[0]))
    assert "督办通知" in "".join(p.text for p in first.paragraphs)


def test_bundle_reads_an_old_xls(bundle, tmp_path):
    """The checks made on an .xls before it is read (olefile, imported only then) are in the
    bundle: the exported register saved as .xls by LibreOffice is read, not a missing module."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    db = tmp_path / "旧格式.db"

    def cli(*args):
        return _bundled_cli(bundle, db, *args)

    assert cli("init").returncode == 0
    assert cli("export", str(tmp_path / "register.xlsx")).returncode == 0
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "register.xlsx"),
        ],
        capture_output=True,
        timeout=180,
    )
    xls = tmp_path / "register.xls"
    if not xls.exists():
        pytest.skip("LibreOffice could not convert the workbook")
    run = cli("import", str(xls), "--unit", "广汉市", "--period", "2026-11", "--dry-run", "--json")
    assert "Traceback" not in run.stderr and "No module" not in run.stderr, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] in ("dry-run", "rejected")


def test_bundle_holds_every_page_and_qt_module(bundle):
    """Pages are imported by name at run time, so the build must have taken them all."""
    from desktop_app.ui.pages import PAGES

    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller.utils.cliutils.archive_viewer",
            "--list",
            "--recursive",
            _exe(bundle, "desktop-app"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for _key, _title, spec in PAGES:
        module = spec.partition(":")[0]
        try:
            present = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # its package is not there either
            present = False
        if present:  # a page not yet in the source tree is shown as a notice, not bundled
            assert module in listing, f"{module} is not in the bundle"
    # 打印 reads the sheets' PDFs to send them to the printer as vectors.
    assert "desktop_app.ui.reports.pdf_painter" in listing and "pypdf._reader" in listing
    qt = bundle / "_internal" / "PySide6"
    for name in ("QtCharts", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtWidgets"):
        assert list(qt.glob(f"{name}.*")), f"PySide6.{name} is not in the bundle"
    assert list(bundle.rglob("qtbase_zh_CN.qm")), "Qt's Chinese translations are not in the bundle"
    for unwanted in ("QtWebEngineCore", "QtQml", "QtQuick", "QtMultimedia", "Qt3DCore"):
        assert not list(qt.glob(f"{unwanted}.*")), f"PySide6.{unwanted} should not be bundled"


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
    log = (tmp_path / "用户数据" / "logs" / "app.log").read_text(encoding="utf-8")
    assert "Qt 中文翻译：" in log and "qtbase_zh_CN.qm" in log, log  # Qt's dialogs in Chinese
