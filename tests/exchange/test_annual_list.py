"""年度清单 in Excel: exported as offices circulate it, read back after edits made the way clerks
make them (openpyxl, LibreOffice, .xls), and an office's own layout; never a silent wrong value."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert

from desktop_app.domain.errors import UserError
from desktop_app.exchange.annual_list import export_list, read_list
from desktop_app.services import annual
from desktop_app.store import annual as astore


def _dump(store):
    return [
        store.query(f"SELECT * FROM {t} ORDER BY rowid")
        for t in (
            "annual_list",
            "annual_item",
            "task",
            "task_unit",
            "project_unit",
            "project_annual_target",
        )
    ]


@pytest.fixture
def exported(store, annual_2026, tmp_path) -> Path:
    return export_list(store, 2026, tmp_path / "2026年度清单.xlsx")


def _row_of(ws, name: str) -> int:
    for row in ws.iter_rows(min_row=4):
        if row[1].value == name:
            return row[0].row
    raise KeyError(name)


def _unmerge_body(ws) -> None:
    """openpyxl moves no merged range when rows are deleted (Excel does): the heading rows'
    merges are undone first, their text stays in column A."""
    for m in list(ws.merged_cells.ranges):
        if m.min_row >= 4:
            ws.unmerge_cells(str(m))


def _edit(src: Path, out: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb.active)
    wb.save(out)
    return out


def test_the_export_is_the_list_as_offices_circulate_it(store, exported, annual_2026):
    wb = openpyxl.load_workbook(exported)
    ws = wb.active
    assert ws.title == "年度清单"
    assert ws["A1"].value == "2026年成德同城化发展年度目标和重点任务清单"
    assert ws["A1"].font.b and "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == [
        "序号",
        "任务/项目",
        "牵头单位",
        "责任单位",
        "完成时限",
        "预期成果",
        "年度计划投资（万元）",
        "形象进度目标",
        "目标阶段",
        "编码",
    ]
    # Heading rows: numbered, bold, merged across the table; entries under them.
    headings = [r[0].value for r in ws.iter_rows(min_row=4) if r[0].font.b]
    assert headings[-1] == "二、重大项目" or headings[-1].endswith("、重大项目")
    assert all(f"A{r}:J{r}" in {str(m) for m in ws.merged_cells.ranges} for r in (4,))
    road = _row_of(ws, "成德大道北延线")
    assert [ws.cell(road, c).value for c in range(1, 10)] == [
        4,
        "成德大道北延线",
        "市交通运输局",
        "广汉市",
        "年底前",
        None,
        12000,
        "完成路基工程",
        "在建",
    ]
    task = _row_of(ws, next(iter(annual_2026)))
    assert ws.cell(task, 5).value == "6月底前" and ws.cell(task, 6).value == "出台工作方案"
    # A3 landscape, one page wide, the header row on every page.
    assert int(ws.page_setup.paperSize) == 8  # A3
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.fitToWidth == 1


def test_the_same_file_back_changes_nothing(store, exported):
    preview = read_list(store, exported)
    assert preview.year == 2026 and preview.all_errors == []
    assert [r.action for r in preview.rows] == ["不变"] * 5
    assert preview.removed == [] and not preview.reordered
    before = _dump(store)
    annual.apply_import(store, preview)
    assert _dump(store) == before


def test_edits_made_in_excel_are_read_as_written(store, exported, annual_2026, tmp_path):
    first = next(iter(annual_2026))

    def edit(ws):
        r = _row_of(ws, first)
        ws.cell(r, 5).value = "6月15日前"
        ws.cell(r, 6).value = "出台工作方案并印发实施"
        ws.cell(r, 3).value = "发改委"  # the short name a clerk types
        ws.cell(r, 4).value = "旌阳区、罗江区"
        road = _row_of(ws, "成德大道北延线")
        ws.cell(road, 7).value = "1.5亿元"
        ws.cell(road, 9).value = "竣工"
        ws.cell(road, 4).value = "广汉市，什邡市"

    path = _edit(exported, tmp_path / "改.xlsx", edit)
    last_audit = store.scalar("SELECT max(id) FROM audit_log")
    preview = read_list(store, path)
    assert preview.all_errors == []
    changed = {r.name: r.changes for r in preview.rows if r.action == "修改"}
    assert set(changed) == {first, "成德大道北延线"}
    assert "完成时限：6月底前 → 6月15日前" in changed[first]
    annual.apply_import(store, preview)
    item = astore.get_item(store, annual_2026[first])
    assert item.due_text == "6月15日前" and item.due_date == "2026-06-15"  # not June 30
    assert item.expected == "出台工作方案并印发实施"
    assert item.lead == "市发展改革委" and item.responsible == ["旌阳区", "罗江区"]
    road = astore.get_item(store, annual_2026["成德大道北延线"])
    assert road.planned_investment == 15000 and road.target_stage == "竣工"
    assert road.responsible == ["广汉市", "什邡市"]
    # Every change of the import is audited as the import's, the project's in its history.
    audit = store.query(
        "SELECT entity, field, source, project_id FROM audit_log WHERE id > ?", (last_audit,)
    )
    assert {a["source"] for a in audit} == {"导入"}
    assert {(a["entity"], a["field"]) for a in audit if a["project_id"] == road.project_id} == {
        ("annual_item", "target_stage"),
        ("project", "2026年计划投资"),
        ("project", "units"),
    }
    assert (
        store.scalar(
            "SELECT count(*) FROM audit_log WHERE source = '导入' AND entity = 'annual_item'"
            " AND field = 'due_text' AND new = '6月15日前'"
        )
        == 1
    )


def test_a_unit_name_typo_is_an_error_in_its_cell_and_nothing_changes(
    store, exported, annual_2026, tmp_path
):
    first = next(iter(annual_2026))
    row = []

    def edit(ws):
        row.append(_row_of(ws, first))
        ws.cell(row[0], 3).value = "市交通运输厅"  # 厅 for 局
        ws.cell(row[0], 5).value = "9月底前"

    path = _edit(exported, tmp_path / "错.xlsx", edit)
    preview = read_list(store, path)
    errors = preview.all_errors
    assert len(errors) == 1
    e = errors[0]
    assert (e.sheet, e.cell, e.field) == ("年度清单", f"C{row[0]}", "牵头单位")
    assert "「错.xlsx」" in e.message and "市交通运输厅" in e.message
    assert "市交通运输局" in e.message  # the close name is suggested, never taken
    before = _dump(store)
    with pytest.raises(UserError, match="未导入"):
        annual.apply_import(store, preview)
    assert _dump(store) == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("尽快", "无法识别"),
        (None, "完成时限为空"),
        (45000, "是一个数字"),
        ("2025年6月底前", "不在 2026 年内"),
    ],
)
def test_a_due_that_cannot_be_read_as_written_is_refused(
    store, exported, annual_2026, tmp_path, typed, message
):
    first = next(iter(annual_2026))
    row = []

    def edit(ws):
        row.append(_row_of(ws, first))
        ws.cell(row[0], 5).value = typed

    preview = read_list(store, _edit(exported, tmp_path / "时限.xlsx", edit))
    (error,) = preview.all_errors
    assert error.cell == f"E{row[0]}" and error.field == "完成时限" and message in error.message


def test_a_date_cell_is_its_day(store, exported, annual_2026, tmp_path):
    from datetime import datetime

    first = next(iter(annual_2026))

    def edit(ws):
        ws.cell(_row_of(ws, first), 5).value = datetime(2026, 8, 20)

    preview = read_list(store, _edit(exported, tmp_path / "日期.xlsx", edit))
    annual.apply_import(store, preview)
    assert astore.get_item(store, annual_2026[first]).due_date == "2026-08-20"


def test_a_sorted_sheet_is_refused_rather_than_read_under_the_wrong_headings(
    store, exported, tmp_path
):
    def edit(ws):
        # Sorted by 牵头单位 in Excel: the rows move, the heading rows with them.
        _unmerge_body(ws)
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
        rows.sort(key=lambda r: str(r[2] or ""))
        for i, values in enumerate(rows):
            for c, v in enumerate(values):
                ws.cell(4 + i, c + 1).value = v

    preview = read_list(store, _edit(exported, tmp_path / "排序.xlsx", edit))
    seq_errors = [e for e in preview.all_errors if e.field == "序号"]
    assert seq_errors and "排序" in seq_errors[0].message
    before = _dump(store)
    with pytest.raises(UserError):
        annual.apply_import(store, preview)
    assert _dump(store) == before


def test_an_entry_moved_under_another_heading_is_shown_and_applied(
    store, exported, annual_2026, tmp_path
):
    first = next(iter(annual_2026))

    def edit(ws):
        # The clerk cuts the task's row and pastes it under 「重大项目」 (renumbered).
        _unmerge_body(ws)
        r = _row_of(ws, first)
        values = [c.value for c in ws[r]]
        ws.delete_rows(r)
        last = ws.max_row + 1
        for c, v in enumerate(values):
            ws.cell(last, c + 1).value = v
        ws.cell(last, 1).value = 9

    preview = read_list(store, _edit(exported, tmp_path / "移动.xlsx", edit))
    assert preview.all_errors == []
    (moved,) = [r for r in preview.rows if r.action == "修改"]
    assert moved.name == first and moved.changes[0].endswith("→ 重大项目")
    annual.apply_import(store, preview)
    items = astore.list_items(store, 2026)
    assert items[-1].name == first and items[-1].heading == "重大项目"


def test_duplicates_and_unknown_projects_are_errors_new_names_new_tasks(
    store, exported, annual_2026, tmp_path
):
    first = next(iter(annual_2026))

    def edit(ws):
        r = _row_of(ws, first)
        values = [c.value for c in ws[r]]
        end = ws.max_row
        for c, v in enumerate(values):
            ws.cell(end + 1, c + 1).value = v  # the same task twice
        new = ["9", "开展成德同城化宣传月活动", "市商务局", None, "5月底前", "举办活动 3 场"]
        for c, v in enumerate(new):
            ws.cell(end + 2, c + 1).value = v
        unknown = ["10", "某某不存在的项目", "旌阳区", None, "年底前", None, 500]
        for c, v in enumerate(unknown):
            ws.cell(end + 3, c + 1).value = v
        for row in (end + 1, end + 2, end + 3):
            ws.cell(row, 10).value = None if row > end + 1 else ws.cell(row, 10).value

    preview = read_list(store, _edit(exported, tmp_path / "新增.xlsx", edit))
    messages = [e.message for e in preview.all_errors]
    assert any("已经列过" in m for m in messages)
    assert any("项目库中没有「某某不存在的项目」" in m for m in messages)
    assert [r.action for r in preview.rows if r.name == "开展成德同城化宣传月活动"] == ["新增任务"]


def test_a_new_task_from_the_file_is_created_on_apply(store, exported, tmp_path):
    def edit(ws):
        end = ws.max_row
        for c, v in enumerate(["6", "开展成德同城化宣传月活动", "市商务局", "广汉市", "5月底前"]):
            ws.cell(end + 1, c + 1).value = v

    preview = read_list(store, _edit(exported, tmp_path / "新任务.xlsx", edit))
    assert preview.all_errors == []
    annual.apply_import(store, preview)
    item = [i for i in astore.list_items(store, 2026) if i.name == "开展成德同城化宣传月活动"][0]
    assert item.kind == "任务" and item.lead == "市商务局" and item.due_date == "2026-05-31"
    assert store.scalar("SELECT source_line FROM task WHERE id = ?", (item.task_id,)) is None


def test_a_name_close_to_a_task_asks_which_one(store, exported, annual_2026, tmp_path):
    first = next(iter(annual_2026))
    row = []

    def edit(ws):
        row.append(_row_of(ws, first))
        ws.cell(row[0], 2).value = first + "（2026年）"  # close, not the same
        ws.cell(row[0], 10).value = None  # no 编码 to go by

    path = _edit(exported, tmp_path / "相近.xlsx", edit)
    preview = read_list(store, path)
    (error,) = preview.all_errors
    assert error.cell == f"B{row[0]}" and "相近" in error.message and first in error.message
    code = astore.get_item(store, annual_2026[first]).code
    chosen = read_list(store, path, choices={row[0]: code})
    assert chosen.all_errors == [] and chosen.removed == []


def test_a_row_left_out_of_the_file_is_taken_off_the_list(store, exported, annual_2026, tmp_path):
    def edit(ws):
        _unmerge_body(ws)
        ws.delete_rows(_row_of(ws, "德阳东湖山公园提升"))

    preview = read_list(store, _edit(exported, tmp_path / "删.xlsx", edit))
    assert [n for _, n in preview.removed] == ["德阳东湖山公园提升"]
    annual.apply_import(store, preview)
    assert "德阳东湖山公园提升" not in {i.name for i in astore.list_items(store, 2026)}


def test_a_list_of_another_year_is_refused(store, exported):
    with pytest.raises(UserError, match="不能导入到 2027 年"):
        read_list(store, exported, year=2027)


def test_the_list_changed_after_the_preview_is_refused(store, exported, annual_2026, tmp_path):
    preview = read_list(store, exported)
    name = next(iter(annual_2026))
    annual.set_targets(store, annual_2026[name], annual.Targets(due_text="8月底前"))
    with pytest.raises(UserError, match="重新导入"):
        annual.apply_import(store, preview)


def test_libreoffice_resaves_and_xls_read_the_same(store, exported, annual_2026, tmp_path):
    first = next(iter(annual_2026))

    def edit(ws):
        ws.cell(_row_of(ws, first), 5).value = "6月15日前"

    edited = _edit(exported, tmp_path / "编辑.xlsx", edit)
    resaved = convert(edited, "xlsx", tmp_path / "lo")
    xls = convert(edited, "xls", tmp_path / "xls")
    for path in (resaved, xls):
        preview = read_list(store, path)
        assert preview.all_errors == [], path
        assert [r.name for r in preview.rows if r.action == "修改"] == [first], path
        assert preview.removed == [] and not preview.reordered
    annual.apply_import(store, read_list(store, xls))
    assert astore.get_item(store, annual_2026[first]).due_date == "2026-06-15"


def test_an_offices_own_layout_is_read_with_a_mapping(store, annual_2026, tmp_path):
    """Headings typed in column A (not merged), numbers restarting under each heading, other
    column titles, and one column only a mapping names."""
    names = list(annual_2026)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["德阳市2026年推进成德同城化发展重点工作任务清单"])
    ws.append([])
    ws.append(["序号", "重点工作", "主抓单位", "配合部门", "时间节点", "工作目标"])
    ws.append(["一、基础设施"])
    ws.append([1, names[0], "市发展改革委", "旌阳区", "6月底前", "出台工作方案"])
    ws.append([2, names[1], "市交通运输局", None, "三季度", "建立协同机制"])
    ws.append(["二、改革创新"])
    ws.append([1, names[2], "市发展改革委", None, "持续推进", "形成阶段性成果"])
    ws.append(["注：时间节点为最迟完成时间。"])
    path = tmp_path / "自有格式.xlsx"
    wb.save(path)
    with pytest.raises(UserError):
        # 「主抓单位」 names no field: without 牵头单位 the file cannot be read.
        annual.apply_import(store, read_list(store, path))
    preview = read_list(store, path, mapping={"主抓单位": "lead"})
    assert preview.all_errors == []
    assert [r.heading for r in preview.rows] == ["基础设施", "基础设施", "改革创新"]
    # The projects are not in this file: they leave the list (said in the preview).
    assert sorted(n for _, n in preview.removed) == ["德阳东湖山公园提升", "成德大道北延线"]
    assert any("说明文字" in n for n in preview.notes)
    annual.apply_import(store, preview)
    items = astore.list_items(store, 2026)
    assert [i.name for i in items] == names[:3]
    assert items[0].supporting == ["旌阳区"] and items[0].responsible == []
    assert items[2].heading == "改革创新"


def test_a_cleared_lead_unit_is_refused_not_taken_as_none(store, exported, annual_2026, tmp_path):
    row = []

    def edit(ws):
        row.append(_row_of(ws, "成德大道北延线"))
        ws.cell(row[0], 3).value = None

    preview = read_list(store, _edit(exported, tmp_path / "空牵头.xlsx", edit))
    (error,) = preview.all_errors
    assert error.cell == f"C{row[0]}" and "现为「市交通运输局」" in error.message


def test_text_that_looks_like_a_formula_goes_out_and_comes_back_as_text(
    store, annual_2026, tmp_path
):
    name = next(iter(annual_2026))
    annual.set_targets(
        store, annual_2026[name], annual.Targets(expected="=1+1 项成果", due_text="年底前")
    )
    out = export_list(store, 2026, tmp_path / "公式.xlsx")
    ws = openpyxl.load_workbook(out).active
    cell = ws.cell(_row_of(ws, name), 6)
    assert cell.value == "=1+1 项成果" and cell.data_type == "s"
    preview = read_list(store, out)
    assert preview.all_errors == [] and all(r.action == "不变" for r in preview.rows)


def test_a_stopped_unit_is_refused(store, exported, annual_2026, tmp_path):
    from desktop_app.store.units import get_unit, set_active

    set_active(store, get_unit(store, "广汉市").id, False)
    preview = read_list(store, exported)
    messages = [e.message for e in preview.all_errors]
    assert messages and all("「广汉市」已停用" in m for m in messages)


def test_a_row_with_only_a_name_is_neither_guessed_a_heading_nor_an_entry(
    store, annual_2026, tmp_path
):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年重点任务清单"])
    ws.append([])
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([None, "交通基础设施"])
    ws.append([1, next(iter(annual_2026)), "市发展改革委", "6月底前"])
    path = tmp_path / "标题在名称列.xlsx"
    wb.save(path)
    preview = read_list(store, path)
    (error,) = preview.all_errors
    assert error.cell == "B4" and "「一、交通基础设施」" in error.message
