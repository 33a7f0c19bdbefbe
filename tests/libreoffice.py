"""Files saved again by LibreOffice, as a clerk without Excel saves them (the tests' one way of
calling ``soffice``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """``src`` converted to ``fmt`` (``xlsx``, ``xls``, ``pdf``, or with a filter name:
    ``xlsx:Calc MS Excel 2007 XML``) in ``outdir``, with a profile of its own there (tests run in
    parallel processes must not share one). Skips the test when LibreOffice is not installed."""
    if SOFFICE is None:
        pytest.skip("LibreOffice not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{outdir}/lo-profile",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return outdir / f"{Path(src).stem}.{fmt.split(':')[0]}"
