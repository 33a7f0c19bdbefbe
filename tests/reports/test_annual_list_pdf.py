"""年度清单 as a PDF: A3 landscape, the list's title and headings, every entry, type ≥ 9 pt."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from desktop_app.domain.errors import UserError
from desktop_app.reports.annual_list import render_annual_list
from desktop_app.services import annual


def test_the_list_prints_on_a3_landscape_with_its_headings(store, annual_2026, tmp_path, pdf):
    annual.issue_list(store, 2026, "成德同城办〔2026〕1号", date(2026, 2, 15))
    out = render_annual_list(store, 2026, tmp_path / "清单.pdf", printed=date(2026, 3, 1))
    page = PdfReader(str(out)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (1191, 842)  # A3 landscape, in points
    text = "".join(pdf.text(out)).replace(" ", "")
    assert "2026年成德同城化发展年度目标和重点任务清单" in text
    assert "成德同城办〔2026〕1号" in text
    assert "重大项目" in text and "成德大道北延线" in text and "完成路基工程" in text
    for name in annual_2026:
        assert name in text
    assert "共5项：重点任务3项，重点项目2项" in text
    assert all(pdf.embedded(f) for f in pdf.fonts(out))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_no_printed_type_is_under_9_points(store, annual_2026, tmp_path):
    out = render_annual_list(store, 2026, tmp_path / "清单.pdf")
    html = subprocess.run(
        ["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    heights = [
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)
    ]
    assert heights and min(heights) / 1.005 >= 9.0 - 0.05


def test_a_year_without_a_list_is_a_clear_error(store, tmp_path):
    with pytest.raises(UserError, match="2030 年还没有年度清单"):
        render_annual_list(store, 2030, tmp_path / "无.pdf")
    assert not (tmp_path / "无.pdf").exists()
