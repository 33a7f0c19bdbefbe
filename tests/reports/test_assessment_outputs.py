"""年度考核 files: the Word draft opens in LibreOffice with every class and item; the PDF table
carries each unit's figures and the rules; the Excel file lists the records behind the scores."""

import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from desktop_app.services.assessment import write_assessment
from desktop_app.store.assessment import add_adjustment

TODAY = date(2026, 12, 6)


def _flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_assessment_report(assessment_year, tmp_path):
    add_adjustment(assessment_year, 2026, 1, 3, "承办成德同城化现场推进会", "市同城办通报")
    out = write_assessment(assessment_year, 2026, tmp_path / "考核情况报告.docx", today=TODAY)
    profile = (tmp_path / "lo").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), str(out)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = PdfReader(str(tmp_path / "pdf" / "考核情况报告.pdf"))
    text = _flat("".join(p.extract_text() for p in pdf.pages))
    assert len(pdf.pages) >= 3
    assert "关于2026年度成德同城化工作考核情况的报告" in text
    for heading in ("一、考核组织情况", "二、考核结果", "（一）区县", "（三）市级部门"):
        assert heading in text
    # 旌阳区: 64.24 + 3 = 67.24; the hand-entered points named with their reason.
    assert "旌阳区（67.24分）" in text
    assert "旌阳区加3分：承办成德同城化现场推进会（依据：市同城办通报）" in text
    for name in ("报送及时率", "报送质量", "任务按期完成率", "项目按期推进率", "督办按期回复率"):
        assert f"{name}（" in text  # each item's rule in the annex
    assert "2026年度考核评分规则" in text


def test_pdf_table_and_excel_records(assessment_year, tmp_path):
    pdf = write_assessment(assessment_year, 2026, tmp_path / "得分表.pdf", today=TODAY)
    text = _flat("".join(p.extract_text() for p in PdfReader(str(pdf)).pages))
    assert "16.36（81.8%）" in text and "64.24" in text
    assert "评分规则" in text and "得分=权重×按期报送期数÷应报送期数" in text
    xlsx = write_assessment(assessment_year, 2026, tmp_path / "考核.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(xlsx)
    records = [r for r in wb["得分依据"].iter_rows(min_row=2, values_only=True)]
    supervision = [r for r in records if r[0] == "旌阳区" and r[2] == "督办按期回复率"]
    assert [r[7] for r in supervision].count("计入（按期/合格）") == 1
    assert len(supervision) == 4  # three counted, one not yet due
