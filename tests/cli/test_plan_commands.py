"""``plan list|close|open|use|import|template``, ``--plan`` and ``evaluation`` on the command line."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook
from plan_lists import write_next_plan

from desktop_app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "项目库.db"
    assert run(capsys, "--db", str(path), "init")[0] == 0
    return str(path)


def test_the_plan_cycle_from_the_command_line(db, tmp_path, capsys):
    code, out, _ = run(capsys, "--db", db, "plan", "list")
    assert code == 0 and out.startswith("* 1  CD-2021") and "执行中" in out

    code, _, err = run(
        capsys, "--db", db, "plan", "import", str(write_next_plan(tmp_path / "a.xlsx"))
    )
    assert code == 1 and "尚未关闭" in err

    assert run(capsys, "--db", db, "plan", "close", "CD-2021")[0] == 0
    code, out, _ = run(capsys, "--db", db, "plan", "import", str(tmp_path / "a.xlsx"))
    assert code == 0 and "结转未完成项目 195 个、未完成任务 73 项" in out

    code, out, _ = run(capsys, "--db", db, "plan", "list", "--json")
    listed = json.loads(out)
    assert [(p["code"], p["status"], p["current"]) for p in listed] == [
        ("CD-2021", "已关闭", False),
        ("CD-2026", "执行中", True),
    ]
    assert listed[1]["projects"] == 197 and listed[1]["carried_in"] == 195 + 73

    # Other commands work on the current plan, or on the one given by --plan.
    code, out, _ = run(capsys, "--db", db, "projects", "--json")
    assert {"ZL01-101", "ZL02-001"} <= {p["code"] for p in json.loads(out)}
    code, out, _ = run(capsys, "--db", db, "--plan", "CD-2021", "projects", "--json")
    assert code == 0 and len(json.loads(out)) == 195  # the closed plan, with what it carried on
    pdf = tmp_path / "十四五总体进度表.pdf"
    code, _, err = run(capsys, "--db", db, "--plan", "CD-2021", "report", "overall", str(pdf))
    assert code == 0 and pdf.stat().st_size > 10_000, err
    code, out, _ = run(capsys, "--db", db, "--plan", "2021", "indicators")
    assert code == 0 and "地区生产总值占全省比重" in out and "成德轨道交通线路" not in out
    code, _, err = run(capsys, "--db", db, "--plan", "CD-2040", "projects")
    assert code == 1 and "找不到规划「CD-2040」" in err

    assert run(capsys, "--db", db, "plan", "open", "1")[0] == 0
    code, _, err = run(capsys, "--db", db, "plan", "open", "1")
    assert code == 1 and "没有关闭" in err
    code, out, _ = run(capsys, "--db", db, "plan", "use", "CD-2021")
    assert code == 0 and "十四五" in out


def test_evaluation_writes_the_report_and_its_annex(db, tmp_path, capsys):
    out_doc, annex = tmp_path / "评估" / "评估报告.docx", tmp_path / "评估" / "附表.xlsx"
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "evaluation",
        str(out_doc),
        "--plan",
        "CD-2021",
        "--date",
        "2023-06-30",
        "--annex",
        str(annex),
    )
    assert code == 0 and "已生成评估报告" in out and "已生成 Excel 附表" in out
    text = "\n".join(p.text for p in Document(str(out_doc)).paragraphs)
    assert "实施情况中期评估报告" in text and "截至2023年6月30日" in text
    assert load_workbook(annex)["总体情况"]["B3"].value == "中期评估"

    code, _, err = run(capsys, "--db", db, "evaluation", str(out_doc), "--date", "2023-13-01")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run(capsys, "--db", db, "evaluation", str(out_doc), "--date", "2019-01-01")
    assert code == 1 and "早于规划期" in err


def test_plan_template_is_the_list_the_office_fills(tmp_path, capsys):
    code, out, _ = run(capsys, "plan", "template", str(tmp_path / "规划清单模板"))
    assert code == 0
    wb = load_workbook(tmp_path / "规划清单模板.xlsx")
    assert wb.sheetnames == ["填写说明", "规划", "章节", "主要指标", "重大项目", "重点任务"]
    assert [c.value for c in wb["重大项目"][1]][:3] == ["项目编码", "项目名称", "章节编码"]
