"""The plan evaluation: every indicator and every chapter in the Word report (as LibreOffice
shows it) and in the Excel annex; the figures from the plan's own data."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from desktop_app.domain.model import ProgressReport
from desktop_app.services.evaluation import evaluate, write_evaluation
from desktop_app.store.indicators import list_indicators, set_actual
from desktop_app.store.progress import record_report
from desktop_app.store.projects import get_project, list_sections, update_project
from desktop_app.store.tasks import list_tasks


@pytest.fixture
def evaluated(store):
    hq = get_project(store, "CH04-002")  # 建成华强沟水库: finished within the plan
    update_project(store, hq.id, {"stage": "竣工", "actual_end": date(2025, 9, 30)})
    sq = get_project(store, "CH04-003")  # 建成石泉水库: still being built
    update_project(store, sq.id, {"stage": "在建"})
    record_report(store, ProgressReport(project_id=sq.id, period="2025-12", percent_complete=70))
    first, second = list_indicators(store)[:2]
    for year, value in ((2021, 4.6), (2023, 4.8), (2025, 5.1)):
        set_actual(store, first.id, year, value)
    set_actual(store, second.id, 2025, 9.1)  # target ≥9.5: not met
    tasks = list_tasks(store)
    unit = store.scalar("SELECT id FROM unit WHERE name = '市发展改革委'")
    with store.write():
        for task, state in ((tasks[0], "已完成"), (tasks[1], "推进中")):
            store.conn.execute(
                "INSERT INTO task_report (task_id, unit_id, period, state) VALUES (?,?,?,?)",
                (task.id, unit, "2025-11", state),
            )
    return store


def test_the_final_evaluation_judges_targets_indicators_and_tasks(evaluated):
    e = evaluate(evaluated, "CD-2021", date(2025, 12, 31))
    assert e.kind == "总结评估"
    states = {r.indicator.name: r.state for r in e.indicators}
    assert states["地区生产总值占全省比重"] == "已达标"
    assert states["人均地区生产总值"] == "未达标"
    assert list(states.values()).count("无数据") == len(states) - 2
    first = e.indicators[0]
    assert first.values == {2021: 4.6, 2023: 4.8, 2025: 5.1}
    targets = {p.project.name: p.result.state for p in e.build_targets}
    assert targets == {"华强沟水库": "达到", "石泉水库": "未达到"}
    results = {x.task.id: x.result for x in e.tasks}
    tasks = list_tasks(evaluated)
    assert results[tasks[0].id] == "已完成" and results[tasks[1].id] == "未完成"
    assert list(results.values()).count("无数据") == len(tasks) - 2
    # A mid-term evaluation on an earlier date sees only what was known then.
    mid = evaluate(evaluated, "CD-2021", date(2023, 6, 30))
    assert mid.kind == "中期评估"
    assert mid.indicators[0].values == {2021: 4.6, 2023: 4.8}
    assert {p.project.name: p.result.state for p in mid.build_targets}["华强沟水库"] == "未达到"


def _text(path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_report_and_annex_hold_every_indicator_and_chapter(evaluated, tmp_path):
    report, annex = write_evaluation(
        evaluated,
        tmp_path / "评估报告.docx",
        "CD-2021",
        date(2025, 12, 31),
        annex=tmp_path / "评估附表.xlsx",
    )
    text = _text(report)
    assert "实施情况总结评估报告" in text
    assert "规划明确要求建成的项目2个，已按期建成1个（华强沟水库），尚未建成1个（石泉水库）" in text
    for ind in list_indicators(evaluated):
        assert ind.name in text
    chapters = list_sections(evaluated, "章")
    assert len(chapters) == 11
    for c in chapters:
        assert c.title in text
    wb = load_workbook(annex)
    assert wb.sheetnames == ["总体情况", "主要指标", "重大项目", "重点任务", "分章节汇总"]
    names = [r[2] for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)]
    assert names == [i.name for i in list_indicators(evaluated)]
    assert wb["重大项目"].max_row - 1 == 195
    assert wb["重点任务"].max_row - 1 == 73
    rows = {r[4]: r for r in wb["重大项目"].iter_rows(min_row=2, values_only=True)}
    assert rows["华强沟水库"][5] == "规划期内建成" and rows["华强沟水库"][9] == "达到"


def test_libreoffice_opens_the_report_with_every_indicator_and_chapter(evaluated, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler is not installed")
    report, _ = write_evaluation(
        evaluated, tmp_path / "评估报告.docx", "CD-2021", date(2025, 12, 31)
    )
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / "评估报告.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for ind in list_indicators(evaluated):
        assert re.sub(r"\s+", "", ind.name) in flat, ind.name
    for c in list_sections(evaluated, "章"):
        assert c.title in flat, c.title
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
        ).group(1)
    )
    assert pages >= 5


def test_the_next_plans_evaluation_groups_what_it_took_over(store, tmp_path):
    from plan_lists import write_next_plan

    from desktop_app.services import plans

    plans.close_plan(store, 1)
    plans.import_plan(store, write_next_plan(tmp_path / "十五五.xlsx"))
    e = evaluate(store, "CD-2026", date(2026, 12, 6))
    assert e.kind == "中期评估"
    labels = [c.label for c in e.chapters]
    assert labels == [
        "第一章 发展基础",
        "第二章 交通同城",
        "第三章 产业协作",
        "从上一规划结转的项目和任务",
    ]
    taken = e.chapters[-1]
    assert len(taken.projects) == 195 and len(taken.tasks) == 73
    s11 = next(p for p in taken.projects if p.project.code == "ZL02-001")
    assert s11.column == "专栏2 成德交通基础设施建设重大项目"
    assert [p.project.code for p in e.chapters[1].projects] == ["ZL01-101", "ZL01-102"]
    # The closed plan's own evaluation still lists every one of its projects, in its chapters.
    old = evaluate(store, "CD-2021", date(2025, 12, 31))
    assert len(old.projects) == 195 and len(old.tasks) == 73
    assert sum(1 for p in old.projects if p.carried_to) == 195
