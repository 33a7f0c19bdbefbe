"""重点任务清单 (PDF): every task by chapter with the plan's words and its units; by unit; CLI."""

from __future__ import annotations

import subprocess
from datetime import date

from desktop_app.cli import main
from desktop_app.domain.bulk import ADD, UnitChange
from desktop_app.services.bulk import assign_task_units
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.store.tasks import list_tasks
from desktop_app.store.units import get_unit

OPTIONS = ReportOptions(today=date(2026, 12, 6))


def layout_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_task_by_chapter_with_its_units(pdf, store, tmp_path):
    first = list_tasks(store)[0]
    assign_task_units(
        store,
        [first.id],
        UnitChange(
            lead=get_unit(store, "市发展改革委").id,
            responsible=(ADD, (get_unit(store, "旌阳区").id,)),
        ),
    )
    (out,) = render_sheet(store, "tasks", tmp_path / "任务.pdf", OPTIONS)
    pages = pdf.text(out)
    assert len(pages) >= 3
    text = "\n".join(pages)
    assert pages[0].count("成德同城化发展规划重点任务清单") == 1
    assert "共 73 项重点任务：已明确牵头单位 1 项，待分配 72 项。" in text
    assert "第四章 加快推进成德基础设施一体化（6 项）" in text
    assert "第 1 页 共" in pages[0]
    lines = layout_text(out).splitlines()
    row = next(line for line in lines if line.strip().startswith(first.code))
    assert "市发展改革委" in row and "旌阳区" in row
    transport = next(line for line in lines if line.strip().startswith("RW04-1-1"))
    assert "建设多层次多制式轨道交通" in transport and "强化成德快速轨道交通建设。" in transport
    assert "待填报" in transport
    # Every task's code is printed once.
    codes = [t.code for t in list_tasks(store)]
    assert all(text.count(code) == 1 for code in codes)


def test_a_units_list_holds_its_tasks_only(pdf, store, tmp_path):
    (out,) = render_sheet(store, "tasks", tmp_path / "广汉.pdf", OPTIONS, unit="广汉市")
    text = "\n".join(pdf.text(out))
    mine = list_tasks(store, unit=("广汉市", "广汉"))
    assert mine and f"共 {len(mine)} 项重点任务（广汉市）" in text
    others = [t.code for t in list_tasks(store) if t not in mine]
    assert all(t.code in text for t in mine)
    assert not any(code in text for code in others)


def test_the_cli_prints_the_task_list(pdf, store, tmp_path, capsys):
    db = str(store.path)
    store.close()
    out = tmp_path / "重点任务.pdf"
    assert main(["--db", db, "report", "tasks", str(out)]) == 0
    assert f"已生成 {out}" in capsys.readouterr().out
    assert "重点任务清单" in pdf.text(out)[0]
    assert main(["--db", db, "report", "tasks", str(tmp_path / "x"), "--unit", "all"]) == 1
    assert "重点任务清单不支持「--unit all」" in capsys.readouterr().err
