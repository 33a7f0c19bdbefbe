"""A messy 台账 as offices keep them: near-duplicate names, a 形象进度 column of percentages and
stage words, several districts in one cell, unit names in another width."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.domain.unit_names import UnitNames, unit_key
from desktop_app.exchange.register_import import read_register, similar_key
from desktop_app.store.projects import get_project, list_projects
from desktop_app.store.units import get_unit, list_units

HEADER = ["序号", "项目名称", "建设地点", "牵头单位", "总投资（万元）", "形象进度", "备注"]


def _messy(path, rows=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["德阳市成德同城化重大项目台账"])
    ws.append(HEADER)
    for row in rows or [
        [1, "天府大道北延线（德阳段）", "旌阳区", "市交通运输局", 900000, "75%", ""],
        [2, "广汉三星堆文旅配套道路", "广汉市、旌阳区", "广汉市", 12000, "竣工", ""],
        [3, "德阿园区标准厂房", "什邡市", "德阳－阿坝生态经济产业园区", 5000, "90％", ""],
        [4, "中江县城污水处理厂扩建", "中江县", "中江县", 3000, "主体完工", ""],
    ]:
        ws.append(row)
    wb.save(path)
    return path


def _cli(store, path, *extra):
    return main(["--db", str(store.path), "import-register", str(path), "--json", *extra])


def test_similar_key_ignores_brackets_sections_suffixes_and_width():
    base = similar_key("天府大道北延线")
    for written in (
        "天府大道北延线（德阳段）",
        "天府大道北延线(德阳段)",
        "天府大道北延线德阳段",
        "天府大道 北延线工程",
        "天府大道北延线项目",
        "ＴＦ天府大道北延线"[2:],
    ):
        assert similar_key(written) == base, written
    assert similar_key("成德临港经济产业带道路") != base


def test_a_near_duplicate_is_refused_until_the_user_chooses(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    before = len(list_projects(store))
    store.close()
    code = _cli(store, path)
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["status"] == "rejected"
    near = next(s for s in out["similar"] if s["row"] == 3)
    assert near["candidates"] == [{"code": "ZL02-008", "name": "天府大道北延线"}]
    message = next(e["message"] for e in out["errors"] if "天府大道北延线" in e["message"])
    assert "ZL02-008" in message and "--match 3=ZL02-008" in message and "--new 3" in message
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        assert len(list_projects(again)) == before  # nothing written


def test_merge_chosen_on_the_command_line_updates_the_existing_project(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    store.close()
    code = _cli(store, path, "--match", "3=ZL02-008")
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "applied", out
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        northern = get_project(again, "ZL02-008")
        assert northern.name == "天府大道北延线"  # merged: the register's name stays
        assert northern.total_investment == 900000
        assert northern.percent_complete == 75
        assert not any("德阳段" in p.name for p in list_projects(again))


def test_new_chosen_on_the_command_line_creates_the_project(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    store.close()
    code = _cli(store, path, "--new", "3")
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "applied"
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        names = {p.name for p in list_projects(again)}
        assert "天府大道北延线（德阳段）" in names and "天府大道北延线" in names
        assert get_project(again, "ZL02-008").total_investment != 900000


def test_a_wrong_choice_is_a_clear_message(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    store.close()
    assert _cli(store, path, "--match", "3=NO-SUCH") == 1
    out = json.loads(capsys.readouterr().out)
    assert any("NO-SUCH" in e["message"] and "不存在" in e["message"] for e in out["errors"])
    code = main(["--db", str(store.path), "import-register", str(path), "--match", "三=X"])
    assert code == 2 and "行号=项目编码" in capsys.readouterr().err


def test_unmapped_columns_are_listed_and_progress_is_read(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    preview = read_register(store, path, choices={3: None})
    assert "形象进度" not in preview.unmapped
    assert preview.unmapped == ["序号"]
    assert any("以下列未导入" in n and "「序号」（A 列）" in n for n in preview.notes)
    by_row = {r.row: r for r in preview.rows}
    assert by_row[3].values["percent_complete"] == 75
    assert by_row[4].values["stage"] == "竣工" and by_row[4].values["percent_complete"] == 100
    assert by_row[5].values["percent_complete"] == 90  # 90％ written full-width
    assert "percent_complete" not in by_row[6].values
    assert any("F6「主体完工」" in n and "未导入" in n for n in preview.notes)


def test_a_column_nobody_maps_is_named_in_the_json(store, tmp_path, capsys):
    rows = [[1, "成德临港经济产业带道路", "旌阳区", "市交通运输局", 100, "30%", "业主：城投"]]
    path = _messy(tmp_path / "台账.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb.active["G2"] = "业主单位"
    wb.save(path)
    store.close()
    assert _cli(store, path, "--dry-run") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["unmapped"] == ["序号", "业主单位"]
    assert any("「业主单位」（G 列）" in n for n in out["notes"])


def test_every_district_is_kept(store, tmp_path):
    path = _messy(tmp_path / "台账.xlsx")
    preview = read_register(store, path, choices={3: None})
    assert any("广汉市、旌阳区" in n and "配合单位" in n for n in preview.notes)
    from desktop_app.services.exchange import apply_register

    outcome = apply_register(store, preview)
    assert outcome.status == "applied", outcome.message
    project = next(p for p in list_projects(store) if p.name == "广汉三星堆文旅配套道路")
    assert project.district_id == get_unit(store, "广汉市").id
    assert (get_unit(store, "旌阳区").id, "配合") in {(u.unit_id, u.role) for u in project.units}


def test_unit_names_in_another_width_and_short_forms(store, tmp_path):
    names = UnitNames(list_units(store))
    park = get_unit(store, "德阳－阿坝生态经济产业园区")
    for typed in (
        "德阳－阿坝生态经济产业园区",
        "德阳-阿坝生态经济产业园区",
        "德阳—阿坝生态经济产业园区",
        "德阳 - 阿坝 生态经济产业园区",
        "德阿产业园区",
    ):
        assert names.find(typed) is park or names.find(typed).id == park.id, typed
    development = get_unit(store, "市发展改革委").id
    for typed in ("德阳市发展和改革委员会", "市发改委", "发改委", "德阳市发展改革委"):
        assert names.find(typed).id == development, typed
    assert names.find("住房和城乡建设局").id == get_unit(store, "市住房城乡建设局").id
    assert names.find("成都市交通运输局") is None
    assert unit_key("德阳－阿坝") == unit_key("德阳-阿坝")
    # Returns and proposals look units up through the store, with the same function.
    assert get_unit(store, "德阳市发展和改革委员会").id == development


def test_a_full_width_unit_in_the_register_is_found(store, tmp_path):
    path = _messy(tmp_path / "台账.xlsx")
    preview = read_register(store, path, choices={3: None})
    row = next(r for r in preview.rows if r.row == 5)
    assert not row.errors, [e.message for e in row.errors]
    assert row.values["lead_unit"] == get_unit(store, "德阳－阿坝生态经济产业园区").id


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_the_messy_ledger_re_saved_by_libreoffice(store, tmp_path, capsys):
    (tmp_path / "src").mkdir()
    path = _messy(tmp_path / "src" / "台账.xlsx")
    out_dir = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out_dir / "台账.xlsx"
    store.close()
    assert _cli(store, saved, "--match", "3=ZL02-008") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "applied" and out["unmapped"] == ["序号"]
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        assert get_project(again, "ZL02-008").percent_complete == 75


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_the_messy_ledger_as_an_old_xls(store, tmp_path, capsys):
    (tmp_path / "src").mkdir()
    path = _messy(tmp_path / "src" / "台账.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    store.close()
    assert _cli(store, tmp_path / "台账.xls", "--dry-run") == 1  # the near-duplicate waits
    out = json.loads(capsys.readouterr().out)
    assert [s["row"] for s in out["similar"]] == [3]
    assert _cli(store, tmp_path / "台账.xls", "--new", "3") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "applied" and out["counts"]["created"] == 4
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        park = next(p for p in list_projects(again) if p.name == "德阿园区标准厂房")
        assert park.lead_unit == "德阳－阿坝生态经济产业园区" and park.percent_complete == 90


def test_a_progress_column_under_another_header_is_mapped_by_hand(store, tmp_path, capsys):
    rows = [[1, "成德临港经济产业带道路", "旌阳区", "市交通运输局", 100, "", "60%"]]
    path = _messy(tmp_path / "台账.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb.active["G2"] = "目前进展"
    wb.save(path)
    store.close()
    assert _cli(store, path, "--dry-run") == 0
    out = json.loads(capsys.readouterr().out)
    assert "目前进展" in out["unmapped"]
    assert _cli(store, path, "--map", "目前进展=形象进度", "--map", "形象进度=忽略") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"]["目前进展"] == "progress" and "形象进度" in out["unmapped"]
    from desktop_app.store import Store

    with Store.open(store.path) as again:
        road = next(p for p in list_projects(again) if p.name == "成德临港经济产业带道路")
        assert road.percent_complete == 60


def test_a_choice_for_a_row_matched_already_is_refused_not_ignored(store, tmp_path, capsys):
    path = _messy(tmp_path / "台账.xlsx")
    preview = read_register(store, path, choices={3: None, 4: None})
    assert preview.rows[0].errors == []  # row 3: the near-duplicate, made new as asked
    exact = [[1, "天府大道北延线", "旌阳区", "市交通运输局", 900000, "75%", ""]]
    path = _messy(tmp_path / "台账2.xlsx", exact)
    preview = read_register(store, path, choices={3: None})
    [error] = preview.rows[0].errors
    assert "已按名称对应到项目 ZL02-008" in error.message and "作为新项目" in error.message
