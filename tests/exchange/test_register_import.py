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


def test_a_file_naming_only_the_lead_keeps_the_projects_other_units(store, tmp_path):
    from desktop_app.store.projects import set_units
    from desktop_app.store.units import get_unit

    s11 = get_project(store, "ZL02-001")
    ids = {n: get_unit(store, n).id for n in ("市交通运输局", "旌阳区", "广汉市", "市发展改革委")}
    set_units(
        store,
        s11.id,
        [
            (ids["市交通运输局"], "牵头"),
            (ids["旌阳区"], "责任"),
            (ids["广汉市"], "责任"),
            (ids["市发展改革委"], "配合"),
        ],
    )
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "牵头单位"])
    wb.active.append(["成都经广汉至德阳市域铁路S11线", "市交通运输局"])
    path = tmp_path / "只有牵头.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    assert preview.counts()["unchanged"] == 1  # what the preview says is what is applied
    apply_register(store, preview)
    links = {(u.name, u.role) for u in get_project(store, s11.id).units}
    assert links == {
        ("市交通运输局", "牵头"),
        ("旌阳区", "责任"),
        ("广汉市", "责任"),
        ("市发展改革委", "配合"),
    }


def test_money_unit_under_its_header_and_dates_typed_as_numbers(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["重大项目台账"])
    ws.append(["序号", "项目名称", "总投资", "计划工期", ""])
    ws.append(["", "", "亿元", "开工", "完工"])
    ws.append([1, "新建示范道路", 1.2, 2026.3, 2027.12])
    ws.append([2, "新建示范公园", 0.8, 2026.1, 2027.6])  # 2026.1: January, or October typed?
    path = tmp_path / "亿元在下.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    road, park = preview.rows
    assert road.values["total_investment"] == 12000  # 1.2 亿元
    assert road.values["planned_start"] == date(2026, 3, 1)
    assert road.values["planned_end"] == date(2027, 12, 31)
    [error] = park.errors
    assert "分不清是 2026 年 1 月还是 10 月" in error.message and error.cell == "D5"


def test_group_titles_totals_notes_and_serial_numbers_are_not_projects(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "产业项目"
    ws.append(["编号", "项目名称", "总投资（万元）"])
    for row in (
        ["", "一、交通基础设施", ""],
        [1, "示范道路甲", 1000],
        [2, "示范道路乙", 2000],
        ["", "小计(2个)", 3000],
        ["", "（二）产业发展", ""],
        [3, "示范园区丙", 500],
        ["", "合计(3个)", 3500],
        ["", "注：金额单位万元", ""],
        ["", "填报人：李四 联系电话：0838-2222222", ""],
    ):
        ws.append(row)
    wb.create_sheet("交通项目").append(["项目名称", "总投资"])
    path = tmp_path / "分组.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    assert [r.name for r in preview.rows] == ["示范道路甲", "示范道路乙", "示范园区丙"]
    assert all("code" not in r.values for r in preview.rows)  # 1, 2, 3 are row numbers
    assert any("只有数字序号" in n for n in preview.notes)
    assert any("「交通项目」未导入" in n for n in preview.notes)


def test_rules_across_fields_are_checked_in_the_preview(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["项目编码", "项目名称", "计划开工", "计划完工"])
    wb.active.append(["NEW-01", "倒置日期项目", "2027-06-01", "2026-03-31"])
    wb.active.append(["NEW-02", "新项目一", "2026-01-01", "2027-01-01"])
    wb.active.append(["NEW-02", "新项目二", "2026-01-01", "2027-01-01"])
    path = tmp_path / "规则.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    messages = [e.message for e in preview.all_errors]
    assert any("D2 计划完工 2026-03-31 早于计划开工 2027-06-01" in m for m in messages)
    assert any("A4" in m and "与第 3 行的新项目编码相同" in m for m in messages)
    outcome = apply_register(store, preview, skip_invalid=True)
    assert outcome.status == "applied" and len(outcome.created) == 1


def test_units_written_with_the_city_or_merged_since_are_found(store, tmp_path):
    from desktop_app.store.units import add_unit, get_unit, merge_units

    old = add_unit(store, "市旧局", "市级部门")
    merge_units(store, old, get_unit(store, "市交通运输局").id)
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "牵头单位", "责任单位"])
    wb.active.append(["新项目丁", "德阳市交通运输局", "市旧局、德阳市发改委"])
    path = tmp_path / "单位写法.xlsx"
    wb.save(path)
    [row] = read_register(store, path).rows
    assert not row.errors
    assert row.values["lead_unit"] == get_unit(store, "市交通运输局").id
    # The merged unit stands for the one it was merged into (already the lead here).
    assert row.values["responsible"] == [
        get_unit(store, "市交通运输局").id,
        get_unit(store, "市发展改革委").id,
    ]


def test_percent_formatted_cells_are_read_as_shown(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编码", "项目名称", "完成百分比"])
    ws.append(["GL-007", "汉江路", 0.45])
    ws["C2"].number_format = "0%"
    ws.append(["GL-008", "广青路", 12.5])  # a plain number: 12.5 %
    path = tmp_path / "百分比格式.xlsx"
    wb.save(path)
    rows = read_register(store, path).rows
    assert [r.values["percent_complete"] for r in rows] == [45, 12.5]


def test_the_same_ledger_with_a_corrected_mapping_imports_again(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "开始", "总投资（万元）"])
    wb.active.append(["新项目戊", "2026-05-01", 800])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    save_register_mapping(store, {"总投资（万元）": "total_investment"})
    first = apply_register(store, read_register(store, path))  # 开始 not understood yet
    assert first.status == "applied"
    assert apply_register(store, read_register(store, path)).status == "already-imported"
    # A correction on the command line adds to the saved mapping, not replaces it.
    corrected = read_register(store, path, mapping={"开始": "planned_start"})
    assert set(corrected.mapping.values()) == {"name", "planned_start", "total_investment"}
    assert apply_register(store, corrected).status == "applied"
    [pid] = first.created
    assert get_project(store, pid).planned_start == date(2026, 5, 1)


def test_new_names_kept_as_written_and_unknown_corrections_named(store, tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "总投资（万元）"])
    wb.active.append(["广汉航空产业园（一期）", 800])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    preview = read_register(store, path, mapping={"投资": "total_investment"})
    assert preview.rows[0].name == "广汉航空产业园（一期）"  # full-width brackets kept
    assert any("「投资」" in n and "没有找到" in n for n in preview.notes)
    code = main(["--db", str(store.path), "import-register", str(tmp_path / "无.xlsx"), "--json"])
    assert code == 2 and json.loads(capsys.readouterr().out)["status"] == "rejected"


def test_planned_and_actual_dates_under_group_titles_are_told_apart(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "计划工期", "", "实际工期", ""])
    ws.append(["", "开工", "完工", "开工", "完工"])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    ws.append(["新项目己", "2026-03", "2027-06", "2026-04", "2027-08"])
    path = tmp_path / "工期.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    mapped = {preview.headers[c]: k for c, k in preview.mapping.items()}
    assert mapped == {
        "项目名称": "name",
        "计划工期开工": "planned_start",
        "计划工期完工": "planned_end",
        "实际工期开工": "actual_start",
        "实际工期完工": "actual_end",
    }
    assert preview.rows[0].values["actual_end"] == date(2027, 8, 31)
    # A correction on the 列对应 page names one column, not every "完工".
    corrected = read_register(store, path, mapping={"实际工期完工": None})
    assert "actual_end" not in corrected.mapping.values()
    assert "planned_end" in corrected.mapping.values()
