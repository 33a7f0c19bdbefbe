"""The template's planning columns: empty ones filled by the unit, set ones changed only through
a 变更申请 that the office accepts (with correction) or returns."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import date

import openpyxl
import pytest
from xhelpers import col, sha

from desktop_app.cli import main
from desktop_app.exchange.columns import DATA_SHEET
from desktop_app.services.exchange import import_return
from desktop_app.store import Store
from desktop_app.store.change_requests import list_change_requests
from desktop_app.store.database import schema_sections, schema_version
from desktop_app.store.projects import get_project, history


def _cli(setup, *args):
    return main(["--db", str(setup.store.path), *args])


def test_empty_planning_cells_are_open_and_validated(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    gh3 = setup.row_of("GH-3")  # no plan at all yet
    for key in ("planned_start", "planned_end", "total_investment", "annual_plan", "scope"):
        cell = ws[f"{col(key)}{gh3}"]
        assert cell.value is None and not cell.protection.locked, key
        assert cell.fill.fgColor.rgb.endswith("FFF8DC"), key  # yellow: to fill
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            rules[rng.split(":")[0].rstrip("0123456789")] = dv
    for key, kind in (
        ("planned_start", "date"),
        ("planned_end", "date"),
        ("total_investment", "decimal"),
        ("annual_plan", "decimal"),
        ("scope", "textLength"),
    ):
        rule = rules[col(key)]
        assert rule.type == kind and rule.showErrorMessage, key
    guide = " ".join(str(c.value or "") for c in wb["填报说明"]["A"])
    assert "变更申请" in guide


def test_a_filled_empty_plan_is_applied(setup, capsys):
    out = setup.edit(
        {
            ("GH-3", "planned_start"): "2026.3",
            ("GH-3", "planned_end"): "2028年6月",
            ("GH-3", "total_investment"): "1.5亿元",
            ("GH-3", "annual_plan"): 3000,
            ("GH-3", "scope"): "新建厂房 2 万平方米",
        }
    )
    setup.store.close()
    assert _cli(setup, "import", str(out), "--dry-run", "--json") == 0
    preview = json.loads(capsys.readouterr().out)
    assert any("新填的计划信息" in n and "GH-3" in n for n in preview["notes"])
    assert _cli(setup, "import", str(out), "--json") == 0
    capsys.readouterr()
    with Store.open(setup.store.path) as store:
        p = get_project(store, "GH-3")
        assert (p.planned_start, p.planned_end) == (date(2026, 3, 1), date(2028, 6, 30))
        assert p.total_investment == 15000 and p.scope == "新建厂房 2 万平方米"
        assert [(t.year, t.planned_investment) for t in p.annual_targets] == [(2026, 3000)]
        trail = {h["field"]: h["source"] for h in history(store, p.id)}
        for label in ("计划开工", "计划完工", "总投资（万元）", "建设内容", "年度目标"):
            assert trail[label] == "导入（回报.xlsx）", (label, trail)
        assert list_change_requests(store) == []


def test_a_changed_plan_is_a_change_request_accepted_with_correction(setup, capsys):
    out = setup.edit({("GH-1", "total_investment"): 13500, ("GH-1", "percent_complete"): 40})
    setup.store.close()
    assert _cli(setup, "import", str(out), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert any("变更申请" in n and "GH-1" in n and "12000 → 13500" in n for n in result["notes"])
    with Store.open(setup.store.path) as store:
        gh1 = get_project(store, "GH-1")
        assert gh1.total_investment == 12000  # the plan stays until the office decides
        assert gh1.percent_complete == 40  # the rest of the row is applied
    assert _cli(setup, "change-requests", "--json") == 0
    [request] = json.loads(capsys.readouterr().out)
    assert (request["project_code"], request["field"]) == ("GH-1", "total_investment")
    assert (request["old"], request["new"], request["unit"]) == (12000, 13500, "广汉市")
    assert request["cell"].startswith(f"{DATA_SHEET}!{col('total_investment')}")
    assert _cli(setup, "change-accept", str(request["id"]), "--value", "1.3亿") == 0
    assert "改为 13000" in capsys.readouterr().out
    with Store.open(setup.store.path) as store:
        gh1 = get_project(store, "GH-1")
        assert gh1.total_investment == 13000
        trail = history(store, gh1.id)
        plan = [h for h in trail if h["field"] == "总投资（万元）"]
        assert len(plan) == 1  # the request itself changed nothing of the plan
        assert "13000" in str(plan[0]["new"]) and "12000" in str(plan[0]["old"]), plan[0]
        asked = next(h for h in trail if h["field"] == "变更申请：总投资（万元）")
        assert "13500" in str(asked["new"]) and "导入" in asked["source"]
        assert any(h["field"] == "变更申请：处理" and h["new"] == "已采纳" for h in trail)
        [done] = list_change_requests(store, "已采纳")
        assert done.decided == 13000 and "更正" in done.reason
    assert _cli(setup, "change-accept", str(request["id"])) == 1
    assert "已采纳，不能再次处理" in capsys.readouterr().err


def test_a_change_request_returned_keeps_the_plan_and_the_reason(setup, capsys):
    out = setup.edit({("GH-1", "planned_end"): "2028-06-30"})
    setup.store.close()
    assert _cli(setup, "import", str(out)) == 0
    capsys.readouterr()
    assert _cli(setup, "change-requests") == 0
    listing = capsys.readouterr().out
    assert "GH-1" in listing and "2027-12-31 → 2028-06-30" in listing
    with Store.open(setup.store.path) as store:
        [request] = list_change_requests(store)
    assert _cli(setup, "change-reject", str(request.id), "--reason", " ") == 1
    assert "理由" in capsys.readouterr().err
    assert _cli(setup, "change-reject", str(request.id), "--reason", "工期调整未经批复") == 0
    capsys.readouterr()
    with Store.open(setup.store.path) as store:
        assert get_project(store, "GH-1").planned_end == date(2027, 12, 31)
        [returned] = list_change_requests(store, "已退回")
        assert returned.reason == "工期调整未经批复" and returned.decided_at


def test_a_plan_left_as_issued_is_no_request(setup):
    out = setup.edit({("GH-1", "percent_complete"): 35})  # planning cells untouched
    outcome = import_return(setup.store, out)
    assert outcome.status == "applied"
    assert list_change_requests(setup.store) == []


def test_a_wrong_planning_value_refuses_the_file(setup, capsys):
    out = setup.edit({("GH-3", "planned_start"): "明年春天", ("GH-3", "percent_complete"): 5})
    db = setup.store.path
    setup.store.close()
    before = sha(db)
    assert _cli(setup, "import", str(out), "--json") == 1
    result = json.loads(capsys.readouterr().out)
    cell = f"{col('planned_start')}{setup.row_of('GH-3')}"
    assert any(e["cell"] == cell and "计划开工" in e["message"] for e in result["errors"])
    assert sha(db) == before


def test_a_filled_end_before_the_start_is_refused(setup, capsys):
    out = setup.edit({("GH-3", "planned_start"): "2027-01-01", ("GH-3", "planned_end"): "2026-06"})
    setup.store.close()
    assert _cli(setup, "import", str(out), "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert any("计划完工" in e["message"] for e in result["errors"])


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_planning_cells_filled_and_re_saved_by_libreoffice(setup, capsys):
    out = setup.edit({("GH-3", "total_investment"): 800, ("GH-1", "scope"): "道路 5 公里"})
    lo = setup.tmp / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(lo), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    outcome = import_return(setup.store, lo / out.name)
    assert outcome.status == "applied", outcome.message
    assert get_project(setup.store, "GH-3").total_investment == 800
    [request] = list_change_requests(setup.store)
    assert (request.field, request.old, request.new) == (
        "scope",
        "广汉测试道路建设内容",
        "道路 5 公里",
    )


def test_upgrade_from_version_3_keeps_data_and_adds_change_requests(tmp_path):
    old = tmp_path / "第三版.db"
    conn = sqlite3.connect(old)
    sections = schema_sections()
    conn.executescript(sections[1] + sections[2] + sections[3])
    conn.execute(
        "INSERT INTO project (id, code, name, stage, total_investment)"
        " VALUES ('p1', 'OLD-1', '旧项目', '在建', 500)"
    )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Store.open(old) as store:
        assert store.scalar("PRAGMA user_version") == schema_version() >= 4
        assert get_project(store, "OLD-1").total_investment == 500
        assert list_change_requests(store, None) == []


def test_a_newer_request_for_the_same_value_replaces_the_waiting_one(setup):
    first = setup.edit({("GH-1", "total_investment"): 13500}, name="第一次.xlsx")
    assert import_return(setup.store, first).status == "applied"
    again = setup.edit({("GH-1", "total_investment"): 14000}, name="更正.xlsx")
    assert import_return(setup.store, again).status == "applied"
    [waiting] = list_change_requests(setup.store)
    assert waiting.new == 14000 and waiting.file_name == "更正.xlsx"
    [replaced] = list_change_requests(setup.store, "已退回")
    assert replaced.new == 13500 and "更正.xlsx" in replaced.reason
    assert get_project(setup.store, "GH-1").total_investment == 12000
