"""The exchange commands: export, template(s), import with --json and its exit codes."""

from __future__ import annotations

import json

import openpyxl
from xhelpers import col, sha

from desktop_app.cli import main
from desktop_app.store.projects import get_project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_export_template_import_cycle(setup, capsys, tmp_path):
    db = str(setup.store.path)
    code, out, _ = run(capsys, "--db", db, "export", str(tmp_path / "项目库.xlsx"))
    assert code == 0
    wb = openpyxl.load_workbook(tmp_path / "项目库.xlsx")
    assert wb.sheetnames == ["项目库", "关键节点", "进度历史", "重点任务"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "template",
        "--unit",
        "广汉市",
        "--period",
        "2026-11",
        str(tmp_path / "t.xlsx"),
    )
    assert code == 0 and "已生成填报模板" in out
    code, out, _ = run(
        capsys, "--db", db, "templates", "--period", "2026-11", str(tmp_path / "all")
    )
    assert code == 0 and "共生成" in out

    path = setup.edit({("GH-1", "percent_complete"): 70})
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--dry-run", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "dry-run"
    assert result["changes"] == [{"code": "GH-1", "field": "完成百分比", "old": 30.0, "new": 70.0}]
    assert set(result["counts"]) == {"updated", "unchanged", "refused", "conflicts", "proposals"}
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--json")
    assert code == 0 and json.loads(out)["status"] == "applied"
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--json")
    assert code == 0 and json.loads(out)["status"] == "already-imported"


def test_rejected_import_exit_1_and_database_unchanged(setup, capsys):
    path = setup.edit({("GH-1", "percent_complete"): 120})
    before = sha(setup.store.path)
    code, out, _ = run(capsys, "--db", str(setup.store.path), "import", str(path), "--json")
    result = json.loads(out)
    assert code == 1 and result["status"] == "rejected"
    [error] = result["errors"]
    assert error["field"] == "完成百分比" and error["value"] == "120"
    assert error["cell"] == f"{col('percent_complete')}{setup.row_of('GH-1')}"
    assert sha(setup.store.path) == before


def test_unreadable_file_and_missing_unit_exit_2(setup, capsys):
    bad = setup.tmp / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    code, _, err = run(capsys, "--db", str(setup.store.path), "import", str(bad))
    assert code == 2 and "损坏" in err
    wb = openpyxl.Workbook()
    wb.active.append(["项目编码", "完成百分比"])
    wb.active.append(["GH-1", 10])
    plain = setup.tmp / "无模板.xlsx"
    wb.save(plain)
    code, _, err = run(
        capsys, "--db", str(setup.store.path), "import", str(plain), "--period", "2026-11"
    )
    assert code == 2 and "--unit" in err
    code, out, _ = run(
        capsys,
        "--db",
        str(setup.store.path),
        "import",
        str(plain),
        "--unit",
        "广汉市",
        "--period",
        "2026-11",
        "--json",
    )
    assert code == 0 and json.loads(out)["counts"]["updated"] == 1


def test_proposals_listed_accepted_and_rejected(setup, capsys):
    """Two new projects under a return's list: the office accepts one (adding its 总投资) and
    rejects the other, from the command line."""
    db = str(setup.store.path)
    wb = openpyxl.load_workbook(setup.template)
    ws = wb.worksheets[0]
    last = ws.max_row + 2
    ws.cell(last, 2).value = "广汉新建停车场"
    ws[f"{col('stage')}{last}"] = "前期"
    ws[f"{col('scope')}{last}"] = "新建停车位 300 个"
    ws[f"{col('total_investment')}{last}"] = "5,000"
    ws.cell(last + 1, 2).value = "广汉口袋公园"
    path = setup.tmp / "有建议.xlsx"
    wb.save(path)
    code, out, _ = run(capsys, "--db", db, "import", str(path))
    assert code == 0

    code, out, _ = run(capsys, "--db", db, "proposals", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert set(listed) == {"广汉新建停车场", "广汉口袋公园"}
    park, garden = listed["广汉新建停车场"], listed["广汉口袋公园"]
    assert (park["status"], park["unit"], park["file_name"]) == ("待审核", "广汉市", "有建议.xlsx")

    code, out, err = run(
        capsys,
        "--db",
        db,
        "proposal-accept",
        str(park["id"]),
        "--set",
        "项目编码=GH-9",
        "--set",
        "planned_start=2027-03",
        "--set",
        "累计完成投资=0",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["project"] == "GH-9"
    code, out, _ = run(capsys, "--db", db, "projects", "--json")
    made = next(p for p in json.loads(out) if p["code"] == "GH-9")
    assert (made["name"], made["stage"], made["total_investment"]) == (
        "广汉新建停车场",
        "前期",
        5000,
    )
    assert made["district"] == "广汉市" and made["planned_start"] == "2027-03-01"
    assert made["investment_to_date"] == 0
    assert get_project(setup.store, "GH-9").scope == "新建停车位 300 个"

    before = sha(setup.store.path)
    code, _, err = run(capsys, "--db", db, "proposal-accept", str(park["id"]))
    assert code == 1 and "已于" in err and "采纳" in err and "GH-9" in err
    code, _, err = run(capsys, "--db", db, "proposal-accept", str(garden["id"]), "--set", "投资=1")
    assert code == 1 and "无法理解 --set 投资=1" in err
    code, _, err = run(capsys, "--db", db, "proposal-reject", str(garden["id"]), "--reason", "  ")
    assert code == 1 and "请填写驳回理由" in err
    assert sha(setup.store.path) == before  # refusals change nothing

    code, out, _ = run(
        capsys, "--db", db, "proposal-reject", str(garden["id"]), "--reason", "与既有公园项目重复"
    )
    assert code == 0 and "已驳回" in out
    code, out, _ = run(capsys, "--db", db, "proposals", "--status", "全部")
    assert "共 2 条新增项目建议。" in out
    assert "已采纳  广汉市  广汉新建停车场" in out and "→ GH-9" in out
    assert "已驳回  广汉市  广汉口袋公园" in out and "理由：与既有公园项目重复" in out
    code, out, _ = run(capsys, "--db", db, "proposals")
    assert "共 0 条待审核的新增项目建议" in out


def test_period_given_wrong_is_a_usage_error_without_traceback(setup, capsys):
    path = setup.edit({("GH-1", "percent_complete"): 70})
    code, out, err = run(
        capsys, "--db", str(setup.store.path), "import", str(path), "--period", "abc"
    )
    assert code == 2
    assert "「abc」不是填报周期" in err and "Traceback" not in err + out


def _merged(setup, path, key: str):
    """The return with ``key``'s cells of GH-1 and the row under it merged, and 120% typed
    as GH-1's percent (a bad value)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    first = setup.row_of("GH-1")
    ws.protection.sheet = False
    ws.merge_cells(f"{col(key)}{first}:{col(key)}{first + 1}")
    ws[f"{col('percent_complete')}{first}"] = "120%"
    wb.save(path)
    return path


def test_error_report_after_skip_invalid_keeps_the_applied_rows(setup, capsys, tmp_path):
    """A return with merged cells and a bad value: the valid rows applied (--skip-invalid), the
    result printed, then the report written."""
    path = _merged(setup, setup.edit({("GH-2", "percent_complete"): 55}), "progress_text")
    first = setup.row_of("GH-1")
    report = tmp_path / "错误报告.xlsx"
    code, out, err = run(
        capsys,
        "--db",
        str(setup.store.path),
        "import",
        str(path),
        "--skip-invalid",
        "--error-report",
        str(report),
    )
    assert code == 0, err
    assert "已导入" in out and "已生成错误报告" in out
    assert get_project(setup.store, setup.ids["GH-2"]).percent_complete == 55
    marked = openpyxl.load_workbook(report).worksheets[1]
    cell = marked[f"{col('percent_complete')}{first}"]
    assert "超出 0–100" in cell.comment.text


def test_error_report_for_errors_in_a_merged_range(setup, capsys, tmp_path):
    path = _merged(setup, setup.edit({}), "percent_complete")
    first, letter = setup.row_of("GH-1"), col("percent_complete")
    report = tmp_path / "r.xlsx"
    code, out, err = run(
        capsys, "--db", str(setup.store.path), "import", str(path), "--error-report", str(report)
    )
    assert code == 1 and "Traceback" not in err
    comment = openpyxl.load_workbook(report).worksheets[1][f"{letter}{first}"].comment.text
    # Both rows' errors, on the one cell the unit sees.
    assert f"{letter}{first} " in comment and f"{letter}{first + 1} " in comment


def test_no_template_for_a_unit_without_projects(setup, capsys, tmp_path):
    from desktop_app.store.units import add_unit

    add_unit(setup.store, "市测试局", "市级部门")
    out = tmp_path / "空.xlsx"
    code, _, err = run(
        capsys,
        "--db",
        str(setup.store.path),
        "template",
        "--unit",
        "市测试局",
        "--period",
        "2026-11",
        str(out),
    )
    assert code == 1 and "没有需要填报的项目" in err and not out.exists()


def test_export_to_a_place_that_cannot_hold_it_says_why_and_nothing_else(setup, tmp_path):
    import subprocess
    import sys

    blocker = tmp_path / "报表"
    blocker.write_text("a file where a folder is expected", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app.cli",
            "--db",
            str(setup.store.path),
            "export",
            str(blocker / "项目库.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    # One line in Chinese: what and where; no traceback from the half-built workbook.
    assert done.stderr.strip().startswith("错误：无法")
    assert "报表" in done.stderr and "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
