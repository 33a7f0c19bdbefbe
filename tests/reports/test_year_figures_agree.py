"""The figures of the year's list reported upward — 按期完成率, the list's projects' investment
against the annual plan, milestones met — are the same on 首页, on the overall sheet (read back
with pdftotext) and in the 通报 (read back with python-docx)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from year_list_rows import scenario

from desktop_app.services.documents import write_bulletin_doc
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.services.task_monitoring import year_figures
from desktop_app.ui.context import AppContext
from desktop_app.ui.monitoring.dashboard import YEAR_COLUMNS, DashboardPage

TODAY = date(2026, 12, 6)
NUM = r"([\d,.]+%?)"


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")
def test_dashboard_sheet_and_bulletin_give_the_same_figures(qtbot, store, make_project, tmp_path):
    scenario(store, make_project)
    options = ReportOptions(today=TODAY)

    page = DashboardPage(AppContext(store, today=TODAY))
    qtbot.addWidget(page)
    box = page.year_list
    tiles = {k: (t.value.text(), _squeeze(t.detail.text())) for k, t in box.tiles.items()}
    due, on_time = re.search(r"到期(\d+)项，按期完成(\d+)项", tiles["rate"][1]).groups()
    done, planned = re.search(r"完成(\S+?)/计划(\S+?)（", tiles["investment"][1]).groups()
    m_due, m_on_time = re.search(r"到期(\d+)个，按期完成(\d+)个", tiles["milestones"][1]).groups()
    on_screen = (
        due, on_time, tiles["rate"][0], planned, done, tiles["investment"][0],
        m_due, m_on_time, tiles["milestones"][0],
    )  # fmt: skip
    total = [box.table.item(box.table.rowCount() - 1, c).text() for c in range(len(YEAR_COLUMNS))]
    col = {name: i for i, name in enumerate(YEAR_COLUMNS)}
    assert total[0] == "合计"
    assert (total[col["到期"]], total[col["按期完成"]], total[col["按期完成率"]]) == on_screen[:3]
    assert (total[col["年度计划投资"]], total[col["本年完成投资"]]) == (planned, done)

    [sheet] = render_sheet(store, "overall", tmp_path / "总体.pdf", options)
    printed = _squeeze(
        subprocess.run(
            ["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    on_sheet = (
        *re.search(rf"到期(\d+)项，按期完成(\d+)项，按期完成率{NUM}", printed).groups(),
        *re.search(rf"年度计划投资(\S+?)，完成(\S+?)，年度投资完成率{NUM}", printed).groups(),
        *re.search(rf"年内到期关键节点(\d+)个，按期完成(\d+)个，按期完成率{NUM}", printed).groups(),
    )

    doc = Document(str(write_bulletin_doc(store, tmp_path / "通报.docx", options)))
    text = "\n".join(p.text for p in doc.paragraphs)
    in_bulletin = (
        *re.search(rf"完成时限已到的任务(\d+)项，按期完成(\d+)项，按期完成率{NUM}", text).groups(),
        *re.search(rf"清单项目年度计划投资(\S+?)，完成(\S+?)，年度投资完成率{NUM}", text).groups(),
        *re.search(rf"年内到期关键节点(\d+)个，按期完成(\d+)个，按期完成率{NUM}", text).groups(),
    )

    assert on_screen == on_sheet == in_bulletin
    f = year_figures(store, TODAY).overall
    assert on_screen == (
        str(f.due), "2", f"{f.rate:.1f}%", "1,500万元", "900万元", f"{f.investment_rate:.1f}%",
        str(f.milestones_due), str(f.milestones_on_time), f"{f.milestone_rate:.1f}%",
    )  # fmt: skip
    assert on_screen[2] == "40.0%"  # a late task taken as on time would give 60.0%
    # The 通报 names the overdue task, under its own heading, before 报送情况.
    headings = [p.text for p in doc.paragraphs if re.match(r"^[一二三四五六七]、", p.text)]
    assert headings[3:] == ["四、年度重点任务清单推进情况", "五、报送情况", "六、主要指标进展",
                            "七、下一步工作"]  # fmt: skip
    assert (
        "逾期未完成的任务：开通成德公交换乘优惠（牵头单位：市交通运输局，完成时限2026-09-30，"
        "已逾期67天）" in text
    )
    assert "分单位按期完成率：广汉市50.0%（到期2项，按期完成1项）" in text


def test_without_a_list_the_bulletin_keeps_its_sections_and_the_sheet_its_rows(
    qtbot, store, tmp_path
):
    options = ReportOptions(today=TODAY)
    doc = Document(str(write_bulletin_doc(store, tmp_path / "通报.docx", options)))
    headings = [p.text for p in doc.paragraphs if re.match(r"^[一二三四五六七]、", p.text)]
    assert headings[3:] == ["四、报送情况", "五、主要指标进展", "六、下一步工作"]
    page = DashboardPage(AppContext(store, today=TODAY))
    qtbot.addWidget(page)
    assert "2026年度重点任务清单尚未建立" in page.year_list.title.text()
    assert page.year_list.table.isHidden()
