"""Loading the office's existing 台账: header search, synonyms, units of money, mapping, matching."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
from xhelpers import sha

from desktop_app.cli import main
from desktop_app.exchange.register_import import read_register
from desktop_app.services.exchange import apply_register, save_register_mapping
from desktop_app.store.projects import get_project


def _ledger(path, *, rows=None, header=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重大项目台账"
    ws.append(["德阳市成德同城化重大项目台账（2026年）"])
    ws.merge_cells("A1:H1")
    ws.append(["填报单位：市发展改革委"])
    ws.append(
        header
        or [
            "序号",
            "项目名称",
            "建设内容",
            "总投资（亿元）",
            "牵头单位",
            "计划开工时间",
            "计划完工时间",
            "阶段",
        ]
    )
    for row in rows or [
        [
            1,
            "成德临港经济产业带道路",
            "道路 12 公里",
            3.5,
            "市交通运输局",
            "2026.3",
            "2028年12月",
            "在建",
        ],
        [
            2,
            "成都经广汉至德阳市域铁路S11线",
            "",
            "120亿元",
            "市交通运输局",
            "2021-06-01",
            "2026-12-31",
            "续建",
        ],
        ["", "合计", "", 123.5, "", "", "", ""],
    ]:
        ws.append(row)
    wb.save(path)
    return path


def test_title_rows_synonyms_and_money_in_yi(store, tmp_path):
    path = _ledger(tmp_path / "台账.xlsx")
    preview = read_register(store, path)
    assert preview.sheet == "重大项目台账"
    mapped = {preview.headers[c]: k for c, k in preview.mapping.items()}
    assert mapped["总投资（亿元）"] == "total_investment"
    assert mapped["计划开工时间"] == "planned_start"
    new, s11 = preview.rows[0], preview.rows[1]
    assert new.project_id is None
    assert new.values["total_investment"] == 35000  # 3.5 亿元 in 万元
    assert new.values["planned_start"] == date(2026, 3, 1)
    assert new.values["planned_end"] == date(2028, 12, 31)
    # Matched by name to the plan's S11 project; only what differs is a change.
    assert s11.project_id == get_project(store, "ZL02-001").id
    assert s11.changes["total_investment"] == (None, 1200000)
    assert "units" in s11.changes  # 牵头单位 市交通运输局 is new for it
    assert preview.counts() == {"created": 1, "updated": 1, "unchanged": 0, "refused": 0}


def test_apply_creates_and_updates_in_one_batch(store, tmp_path):
    path = _ledger(
        tmp_path / "台账.xlsx",
        rows=[
            [1, "成德临港经济产业带道路", "道路", 3.5, "市交通运输局", "2026.3", "2028-12", "在建"],
            [
                2,
                "成都经广汉至德阳市域铁路S11线",
                "",
                120,
                "市交通运输局",
                "2021-06-01",
                "2026-12-31",
                "在建",
            ],
        ],
    )
    outcome = apply_register(store, read_register(store, path))
    assert outcome.status == "applied" and len(outcome.created) == 1 and len(outcome.updated) == 1
    created = get_project(store, outcome.created[0])
    assert created.lead_unit == "市交通运输局" and created.total_investment == 35000
    sources = {
        r["source"]
        for r in store.query("SELECT source FROM audit_log WHERE batch_id = ?", (outcome.batch_id,))
    }
    assert sources == {"导入"}
    before = sha(store.path)
    assert apply_register(store, read_register(store, path)).status == "already-imported"
    assert sha(store.path) == before


def test_two_row_header_and_unknown_unit_refused(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资情况", "", "责任单位"])
    ws.append(["", "总投资（万元）", "累计完成投资", ""])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:D2")
    ws.append(["新项目乙", 500, 100, "不存在的局"])
    path = tmp_path / "两行表头.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    assert set(preview.mapping.values()) == {
        "name",
        "total_investment",
        "investment_to_date",
        "responsible",
    }
    [error] = preview.all_errors
    assert error.cell == "D3" and "「不存在的局」不是已登记的单位" in error.message
    before = sha(store.path)
    assert apply_register(store, preview).status == "rejected"
    assert sha(store.path) == before


def test_user_mapping_is_saved_and_reused(store, tmp_path):
    path = _ledger(
        tmp_path / "自定义.xlsx",
        header=[
            "序号",
            "工程名",
            "建设内容",
            "总投资（万元）",
            "牵头单位",
            "计划开工时间",
            "计划完工时间",
            "阶段",
        ],
        rows=[[1, "自定义名称项目", "", 10, "市水利局", "", "", "储备"]],
    )
    [error] = read_register(store, path).all_errors
    assert "找不到「项目名称」列" in error.message
    save_register_mapping(store, {"工程名": "name"})
    preview = read_register(store, path)
    assert preview.rows[0].name == "自定义名称项目"


def test_cli_import_register_json(store, tmp_path, capsys):
    path = _ledger(tmp_path / "台账.xlsx")
    store.close()
    code = main(
        ["--db", str(tmp_path / "项目库.db"), "import-register", str(path), "--dry-run", "--json"]
    )
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["status"] == "dry-run"
    assert result["mapping"]["总投资（亿元）"] == "total_investment"
    code = main(["--db", str(tmp_path / "项目库.db"), "import-register", str(path), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["status"] == "applied" and result["counts"]["created"] == 1
