"""The Word documents: 督办通知 per unit (文号 numbered per year and recorded, GB/T 9704 fonts)
and the 月度推进情况通报, whose figures are the overall sheet's. Read back with python-docx and
through LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.domain.model import AnnualTarget, ProgressReport
from desktop_app.services.documents import (
    bulletin_data,
    issued_notices,
    set_notice_settings,
    write_bulletin_doc,
    write_notice_docs,
)
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.store.progress import record_report
from desktop_app.store.projects import set_annual_targets

TODAY = date(2026, 12, 6)


@pytest.fixture
def late(store, make_project):
    pid = make_project(
        "QL-009",
        "旌阳区绵远河大桥",
        lead="旌阳区",
        stage="在建",
        planned_start=date(2024, 1, 1),
        planned_end=date(2026, 6, 30),
        percent_complete=60,
        total_investment=52000,
    )
    set_annual_targets(store, pid, [AnnualTarget(2026, 9000.0)])
    record_report(
        store,
        ProgressReport(
            pid,
            "2026-11",
            percent_complete=60,
            investment_this_year=3000,
            problems="主桥钢箱梁供货延误",
        ),
    )
    return pid


def _text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _east_asia(paragraph) -> set[str]:
    faces = set()
    for run in paragraph.runs:
        fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            faces.add(fonts.get(qn("w:eastAsia")))
    return faces


def test_a_notice_is_an_official_document(store, late, tmp_path):
    set_notice_settings(store, contact="李明", phone="0838-2212345")
    options = ReportOptions(today=TODAY)
    [path] = write_notice_docs(store, tmp_path / "旌阳区督办", options, unit="旌阳区")
    assert path.suffix == ".docx"
    doc = Document(str(path))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    assert paras[0].text == "成德同城办督〔2026〕1号"
    title = paras[1]
    assert title.text == "关于加快推进滞后重大项目的督办通知"
    assert _east_asia(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22
    assert paras[2].text == "旌阳区："  # 主送
    body = paras[3]
    assert _east_asia(body) == {"仿宋"} and body.runs[0].font.size.pt == 16
    text = _text(path)
    assert "旌阳区绵远河大桥" in text and "已逾期159天" in text.replace(" ", "")  # 06-30 → 12-06
    item = next(p.text for p in paras if "旌阳区绵远河大桥" in p.text).replace(" ", "")
    assert item.count("已逾期159天") == 1  # said once, not in the reason and again after it
    assert "2026年12月16日前" in text  # reply within 10 days
    assert "联系人：李明，联系电话：0838-2212345" in text
    assert "成德同城化发展领导小组办公室" in text and "2026年12月6日" in text  # 落款, 成文日期
    # The annex table's 逾期（天） is filled in as the text says.
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    row = next(r for r in table.rows if "旌阳区绵远河大桥" in r.cells[1].text)
    assert row.cells[header.index("逾期（天）")].text == "159"
    assert "None" not in text and "{" not in text and "（）" not in text


def _late_in_another_unit(make_project) -> str:
    """A second late project, of 广汉市: the plan's own projects have no dates and none is late."""
    return make_project(
        "QL-010",
        "广汉市三星堆大道改造",
        lead="广汉市",
        stage="在建",
        planned_start=date(2024, 1, 1),
        planned_end=date(2026, 3, 31),
        percent_complete=70,
    )


def test_notices_are_numbered_per_year_and_recorded(store, late, make_project, tmp_path):
    _late_in_another_unit(make_project)
    first = write_notice_docs(store, tmp_path / "a.docx", ReportOptions(today=TODAY), unit="旌阳区")
    folder = tmp_path / "各单位"
    rest = write_notice_docs(store, folder, ReportOptions(today=TODAY))
    assert first and sorted(p.name.split("_")[0] for p in rest) == ["广汉市", "旌阳区"]
    numbers = [e["doc_number"] for e in issued_notices(store, 2026)]
    assert numbers[:3] == [f"成德同城办督〔2026〕{n}号" for n in (1, 2, 3)]
    assert len(numbers) == len(set(numbers)) == 1 + len(rest)
    # One unit per file, each its own document with its own 主送.
    for path in rest:
        doc = Document(str(path))
        unit = path.name.split("_")[0]
        assert [p.text for p in doc.paragraphs if p.text.endswith("：")][0] == f"{unit}："
    entry = issued_notices(store, 2026)[0]
    assert entry["unit"] == "旌阳区" and "QL-009" in entry["projects"]
    # A new year starts again at 1.
    [path] = write_notice_docs(
        store, tmp_path / "next.docx", ReportOptions(today=date(2027, 1, 8)), unit="旌阳区"
    )
    assert Document(str(path)).paragraphs[0].text == "成德同城办督〔2027〕1号"


def test_the_bulletins_figures_are_the_overall_sheets(store, late, tmp_path):
    options = ReportOptions(today=TODAY, period="2026-11")
    [sheet] = render_sheet(store, "overall", tmp_path / "总体.pdf", options)
    printed = "".join(p.extract_text() for p in PdfReader(str(sheet)).pages).replace("\n", "")
    total = re.search(r"合计：(\d+) 个项目 (\S+) (\S+) (\S+) (\S+)", printed)
    assert total, printed[-400:]
    data = bulletin_data(store, options)
    path = write_bulletin_doc(store, tmp_path / "通报.docx", options)
    text = _text(path)
    assert f"纳入监测的重大项目共{data.total}个" in text and str(data.total) == total.group(1)
    # 总投资, 年度计划投资, 本年完成投资 and 年度投资完成率 as the sheet's 合计 row prints them.
    sums = total.group(2, 3, 4, 5)
    for figure in sums:
        assert figure in text, (figure, sums)
    lights = re.search(
        r"合计：\d+ 个项目.*?((?:红灯|黄灯|未开工|待填报|已竣工|绿灯)\d+个(?:，\S+?\d+个)*)",
        printed,
    )
    found = re.findall(r"(红灯|黄灯|绿灯|未开工|待填报|已竣工)(\d+)个", lights.group(1))
    assert "待填报" in dict(found)  # the plan's projects without dates, apart from 未开工
    for name, n in found:
        assert f"{name}{n}个" in text
    assert "旌阳区绵远河大桥" in text and "主桥钢箱梁供货延误" in text  # behind, with its problem
    assert "开工率" in text and "资金到位率暂无填报数据" in text and "按期完工率" in text
    assert "未报送" in text  # who has not reported November (due 12-05)
    assert "None" not in text and "{" not in text
    doc = Document(str(path))
    assert doc.paragraphs[0].text == "成德同城化重大项目2026年11月推进情况通报"
    assert len(doc.tables[0].rows) == data.total + 1  # the annex: every project


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_documents(store, late, tmp_path):
    options = ReportOptions(today=TODAY, period="2026-11")
    paths = [
        write_bulletin_doc(store, tmp_path / "通报.docx", options),
        *write_notice_docs(store, tmp_path / "n.docx", options, unit="旌阳区"),
    ]
    profile = (tmp_path / "lo").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), *map(str, paths)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    bulletin = PdfReader(str(tmp_path / "pdf" / "通报.pdf"))
    assert len(bulletin.pages) >= 3
    first = bulletin.pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert "推进情况通报" in first
    notice = PdfReader(str(tmp_path / "pdf" / "n.pdf"))
    text = "".join(p.extract_text() for p in notice.pages).replace(" ", "").replace("\n", "")
    assert "成德同城办督〔2026〕1号" in text and "旌阳区：" in text


def test_cli_word_documents(store, late, make_project, tmp_path, capsys):
    _late_in_another_unit(make_project)
    db = str(store.path)
    store.close()
    out = tmp_path / "通报.docx"
    assert main(["--db", db, "report", "bulletin", str(out), "--period", "2026-11"]) == 0
    assert "推进情况通报" in Document(str(out)).paragraphs[0].text
    folder = tmp_path / "督办"
    assert main(["--db", db, "report", "notice", str(folder), "--format", "docx"]) == 0
    assert len(list(folder.glob("*.docx"))) == 2
    capsys.readouterr()
    assert (
        main(["--db", db, "report", "overall", str(tmp_path / "x.docx"), "--format", "docx"]) == 1
    )
    assert "只有 notice" in capsys.readouterr().err


def _late_projects(count: int) -> list:
    from desktop_app.domain.model import Project

    return [
        Project(
            f"p{i}",
            f"QL-{i:03d}",
            f"旌阳区第{i}号道路" + "配套管网工程" * (i % 3),
            stage="在建",
            planned_start=date(2024, 1, 1),
            planned_end=date(2026, 6, 30),
            percent_complete=60,
        )
        for i in range(1, count + 1)
    ]


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice and pdftotext are needed",
)
def test_the_signature_never_stands_alone_on_a_page(tmp_path):
    """落款 and 成文日期 stay on a page with body text, wherever the body ends: notices of 1 to
    16 items (of three lengths) put the page break at every line of the closing block."""
    from datetime import timedelta

    from desktop_app.domain.status import evaluate
    from desktop_app.reports.documents import NoticeDocument, write_notice
    from desktop_app.reports.notice import NoticeItem
    from desktop_app.reports.word import cn_date

    org = "成德同城化发展领导小组办公室"
    projects = _late_projects(16)
    paths = []
    for n in range(1, 17):
        notice = NoticeDocument(
            number=f"成德同城办督〔2026〕{n}号",
            unit="旌阳区",
            org=org,
            period_label="2026年11月",
            issued=TODAY,
            reply_by=TODAY + timedelta(days=10),
            items=[NoticeItem(p, evaluate(p, TODAY)) for p in projects[:n]],
            contact="李明" if n % 2 else "",
            phone="0838-2212345" if n % 2 else "",
        )
        paths.append(write_notice(notice, tmp_path / f"{n:02d}.docx"))
    profile = (tmp_path / "lo").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path / "pdf"), *map(str, paths)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    closing = {org, cn_date(TODAY), "附件：督办项目清单"}
    moved = 0  # notices whose closing block would have started a page on its own
    for path in paths:
        pdf = tmp_path / "pdf" / path.with_suffix(".pdf").name
        pages = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        # (pdftotext puts spaces between Chinese and digits: compare without spaces)
        lines = [["".join(ln.split()) for ln in page.splitlines() if ln.strip()] for page in pages]
        [signed] = [i for i, page in enumerate(lines) if cn_date(TODAY) in page]
        page = lines[signed]
        body = [ln for ln in page if ln not in closing and not re.fullmatch(r"—\d+—", ln)]
        assert body, (path.name, page)
        assert page.index(org) > page.index(body[-1])  # the body comes first, then the 落款
        if signed > 0 and page[0] not in closing and "附件：督办项目清单" in page:
            moved += page.index("附件：督办项目清单") <= 2
    assert moved >= 1  # some notice had its page break right at the closing block
