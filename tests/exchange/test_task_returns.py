"""The 「重点任务」 sheet: issued with the unit's tasks of the year's list, filled as clerks fill it,
imported by the projects' rules (blank = cleared, past periods, conflicts, corrections, errors
refusing the whole file), through the service and the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import openpyxl
import pytest
from libreoffice import convert
from taskhelpers import TaskReturn, add_report, make_year_list, task_report, task_rows, tcol
from xhelpers import col, sha

from desktop_app.cli import main
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW, LISTS_SHEET
from desktop_app.exchange.error_report import LIST_SHEET, write_error_report
from desktop_app.exchange.return_import import read_return
from desktop_app.exchange.task_sheet import STATE_LIST_NAME, TASK_COLUMNS, TASK_SHEET
from desktop_app.services.exchange import apply_return, import_return, issue_template
from desktop_app.store.projects import get_project

PERIOD = "2026-11"
UNIT = "广汉市"
ITEMS = [
    {
        "code": "RW04-1-1",
        "units": {"市交通运输局": "牵头", UNIT: "责任"},
        "due": "2026年9月底前",
        "expected": "S11线广汉段开工建设",
    },
    {"code": "RW04-1-2", "units": {UNIT: "牵头"}, "due": "年底前", "expected": "打通断头路2条"},
    {"code": "RW04-1-3", "units": {UNIT: "牵头", "什邡市": "责任"}, "expected": "物流枢纽规划获批"},
    {"code": "RW04-1-4", "units": {"什邡市": "牵头"}, "expected": "公交线路开通"},
    {"code": "RW04-2-1", "units": {"市水利局": "牵头", UNIT: "配合"}, "expected": "水库开工"},
]
TITLES = {
    "RW04-1-1": "建设多层次多制式轨道交通",
    "RW04-1-2": "加密多通道多节点公路路网",
    "RW04-1-3": "共建高能级高效率物流枢纽",
}


@pytest.fixture
def tasks(store, make_project, tmp_path) -> TaskReturn:
    """广汉市 has a project and three tasks of 2026's list (责任, 牵头, 牵头); one task of 什邡市
    and one it only supports (配合) are not its own. RW04-1-2 was reported for 2026-10."""
    make_project("GH-1", "广汉测试道路", lead=UNIT, stage="在建", percent_complete=30)
    make_year_list(store, 2026, ITEMS)
    add_report(
        store,
        "RW04-1-2",
        UNIT,
        "2026-10",
        progress_text="完成路线方案",
        state="推进中",
        problems="征地协调难",
    )
    template = issue_template(store, UNIT, PERIOD, tmp_path / "广汉市_模板.xlsx")
    return TaskReturn(template, tmp_path)


def state_of(store) -> str:
    """What a failed import must leave exactly as it was."""
    return sha(store.path)


# -- the template -----------------------------------------------------------------------------


def test_template_has_the_units_tasks_in_the_lists_order_locked_and_prefilled(tasks, store):
    wb = openpyxl.load_workbook(tasks.template)
    assert wb.sheetnames[:2] == [DATA_SHEET, TASK_SHEET]
    ws = wb[TASK_SHEET]
    headers = [ws.cell(HEADER_ROW, i + 1).value for i in range(len(TASK_COLUMNS))]
    assert headers == [
        "序号",
        "任务编号",
        "任务",
        "牵头单位",
        "责任单位",
        "完成时限",
        "预期成果",
        "进展情况",
        "完成情况",
        "完成时间",
        "存在问题",
    ]
    rows = task_rows(tasks.template)
    assert list(rows) == ["RW04-1-1", "RW04-1-2", "RW04-1-3"]  # not 什邡市's, not a 配合 one
    r1 = rows["RW04-1-1"]
    assert [
        ws[f"{tcol(k)}{r1}"].value for k in ("seq", "title", "lead_unit", "responsible_units")
    ] == [
        1,
        TITLES["RW04-1-1"],
        "市交通运输局",
        UNIT,
    ]
    assert ws[f"{tcol('due_text')}{r1}"].value == "2026年9月底前"
    assert ws[f"{tcol('expected')}{r1}"].value == "S11线广汉段开工建设"
    # The October report is what the November template starts from.
    r2 = rows["RW04-1-2"]
    assert ws[f"{tcol('progress_text')}{r2}"].value == "完成路线方案"
    assert ws[f"{tcol('state')}{r2}"].value == "推进中"
    assert ws[f"{tcol('problems')}{r2}"].value == "征地协调难"
    # Protected like the projects' sheet: the list's columns locked, the report's open.
    assert ws.protection.sheet
    for key in ("seq", "code", "title", "lead_unit", "responsible_units", "due_text", "expected"):
        assert ws[f"{tcol(key)}{r1}"].protection.locked, key
    for key in ("progress_text", "state", "done_date", "problems"):
        assert not ws[f"{tcol(key)}{r1}"].protection.locked, key
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert lists[STATE_LIST_NAME] == f"{tcol('state')}{FIRST_DATA_ROW}:{tcol('state')}{r1 + 2}"
    assert [c.value for c in wb[LISTS_SHEET]["B"]][:4] == ["未启动", "推进中", "已完成", "未完成"]
    assert wb.defined_names[STATE_LIST_NAME].attr_text == f"{LISTS_SHEET}!$B$1:$B$4"
    # The issue is recorded per task: the period's record's version and the values shown.
    issued = {
        r["code"]: (r["version"], json.loads(r["snapshot"]))
        for r in store.query(
            "SELECT t.code, i.version, i.snapshot FROM template_issue_task i JOIN task t"
            " ON t.id = i.task_id"
        )
    }
    assert set(issued) == set(rows)
    assert issued["RW04-1-2"] == (
        0,
        {
            "progress_text": "完成路线方案",
            "state": "推进中",
            "done_date": None,
            "problems": "征地协调难",
            "code": "RW04-1-2",
            "title": TITLES["RW04-1-2"],
        },
    )


def test_no_task_sheet_without_an_issued_list_for_the_year(store, make_project, tmp_path):
    make_project("GH-1", "广汉测试道路", lead=UNIT)
    make_year_list(store, 2026, ITEMS[:2], issued=False)  # a draft is not the office's word yet
    make_year_list(store, 2025, ITEMS[:2])  # last year's list is not this year's
    path = issue_template(store, UNIT, PERIOD, tmp_path / "t.xlsx")
    assert TASK_SHEET not in openpyxl.load_workbook(path).sheetnames
    assert store.scalar("SELECT count(*) FROM template_issue_task") == 0


def test_a_past_periods_template_shows_that_periods_record_not_a_later_one(tasks, store):
    add_report(
        store,
        "RW04-1-2",
        UNIT,
        "2026-12",
        progress_text="十二月进展",
        state="已完成",
        done_date="2026-12-01",
    )
    path = issue_template(store, UNIT, PERIOD, tasks.tmp / "再发.xlsx")
    ws = openpyxl.load_workbook(path)[TASK_SHEET]
    r = task_rows(path)["RW04-1-2"]
    assert ws[f"{tcol('progress_text')}{r}"].value == "完成路线方案"
    assert ws[f"{tcol('state')}{r}"].value == "推进中"
    assert ws[f"{tcol('done_date')}{r}"].value is None


def test_a_unit_with_tasks_and_no_project_gets_a_template(store, tmp_path):
    make_year_list(store, 2026, [{"code": "RW04-1-1", "units": {"市商务局": "牵头"}}])
    path = issue_template(store, "市商务局", PERIOD, tmp_path / "t.xlsx")
    assert list(task_rows(path)) == ["RW04-1-1"]


# -- importing --------------------------------------------------------------------------------


def test_a_filled_sheet_is_applied_exactly(tasks, store):
    path = tasks.edit(
        {
            ("RW04-1-1", "progress_text"): "S11线广汉段已开工",
            ("RW04-1-1", "state"): "已完成",
            ("RW04-1-1", "done_date"): "2026年9月30日",  # pasted as text
            ("RW04-1-3", "state"): "未启动",
        },
        projects={("GH-1", "percent_complete"): 45},
    )
    outcome = import_return(store, path)
    assert outcome.status == "applied", outcome.preview.all_errors
    r1 = task_report(store, "RW04-1-1", UNIT, PERIOD)
    assert (r1["progress_text"], r1["state"], r1["done_date"], r1["version"]) == (
        "S11线广汉段已开工",
        "已完成",
        "2026-09-30",
        1,
    )
    assert r1["source"] == "导入" and r1["batch_id"] == outcome.batch_id
    assert task_report(store, "RW04-1-3", UNIT, PERIOD)["state"] == "未启动"
    assert get_project(store, "GH-1").percent_complete == 45
    # The October-prefilled row returned unchanged is November's report all the same.
    r2 = task_report(store, "RW04-1-2", UNIT, PERIOD)
    assert (r2["progress_text"], r2["state"], r2["problems"]) == (
        "完成路线方案",
        "推进中",
        "征地协调难",
    )
    tasks_json = outcome.as_json()["tasks"]
    assert tasks_json["counts"] == {
        "updated": 2,
        "carried": 1,
        "unchanged": 0,
        "refused": 0,
        "conflicts": 0,
    }
    assert tasks_json["carried"] == ["RW04-1-2"]
    assert {
        "code": "RW04-1-1",
        "task": TITLES["RW04-1-1"],
        "field": "完成时间",
        "old": None,
        "new": "2026-09-30",
        "cell": f"{tcol('done_date')}{task_rows(path)['RW04-1-1']}",
    } in (tasks_json["changes"])
    # The same text as October's is pointed out, not refused.
    [hint] = [h for h in outcome.preview.hints if h.sheet == TASK_SHEET]
    assert "与 2026-10 的报送完全相同" in hint.message
    assert "重点任务报送 3 项" in outcome.message


def test_a_cleared_cell_clears_and_is_shown_as_a_change_to_empty(tasks, store):
    path = tasks.edit({("RW04-1-2", "problems"): None, ("RW04-1-2", "progress_text"): "   "})
    preview = read_return(store, path)
    changes = {c.label: (c.old, c.new) for c in preview.task_changes}
    assert changes == {"存在问题": ("征地协调难", None), "进展情况": ("完成路线方案", None)}
    outcome = apply_return(store, preview)
    assert outcome.status == "applied"
    r = task_report(store, "RW04-1-2", UNIT, PERIOD)
    assert (r["progress_text"], r["state"], r["problems"]) == (None, "推进中", None)
    assert all(c.get("cleared") for c in outcome.as_json()["tasks"]["changes"])


def test_a_cleared_state_is_refused(tasks, store):
    before = state_of(store)
    path = tasks.edit({("RW04-1-2", "state"): None})
    outcome = import_return(store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    assert (
        error.sheet == TASK_SHEET and error.cell == f"{tcol('state')}{task_rows(path)['RW04-1-2']}"
    )
    assert "不能清空" in error.message and "推进中" in error.message
    assert state_of(store) == before


@pytest.mark.parametrize(
    ("edits", "key", "expected"),
    [
        ({"state": "完成了"}, "state", "不是可选的完成情况"),
        ({"state": "已完成"}, "done_date", "须填写完成时间"),
        ({"state": "已完成", "done_date": "九月底"}, "done_date", "不是日期"),
        ({"state": "推进中", "done_date": "2026-09-30"}, "done_date", "请将完成情况选为「已完成」"),
        ({"progress_text": "进" * 501}, "progress_text", "超过 500 字"),
    ],
)
def test_a_bad_cell_refuses_the_whole_file_with_its_cell(tasks, store, edits, key, expected):
    before = state_of(store)
    path = tasks.edit(
        {("RW04-1-1", k): v for k, v in edits.items()},
        projects={("GH-1", "percent_complete"): 80},
    )
    outcome = import_return(store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    row = task_rows(path)["RW04-1-1"]
    assert (error.sheet, error.cell) == (TASK_SHEET, f"{tcol(key)}{row}")
    assert error.message.startswith(f"{TASK_SHEET}!{tcol(key)}{row} ")
    assert expected in error.message
    # Atomic: the project's valid change is not applied either.
    assert state_of(store) == before
    assert get_project(store, "GH-1").percent_complete == 30


def test_a_done_date_in_the_future_is_refused(tasks, store):
    later = date.today() + timedelta(days=20)
    path = tasks.edit({("RW04-1-1", "state"): "已完成", ("RW04-1-1", "done_date"): later})
    outcome = import_return(store, path)
    [error] = outcome.preview.all_errors
    assert "晚于今天" in error.message and later.isoformat() in error.message
    assert task_report(store, "RW04-1-1", UNIT, PERIOD) is None


def test_codes_not_in_the_units_list_or_contradicting_their_name_are_refused(tasks, store):
    wb = openpyxl.load_workbook(tasks.template)
    ws = wb[TASK_SHEET]
    ws.protection.sheet = False  # the unit removed the protection to edit the codes
    rows = task_rows(tasks.template)
    # A row's code typed over with another of its tasks' codes (the name left in place).
    ws[f"B{rows['RW04-1-3']}"] = "RW04-1-1"
    ws[f"{tcol('state')}{rows['RW04-1-3']}"] = "已完成"
    ws[f"{tcol('done_date')}{rows['RW04-1-3']}"] = date(2026, 10, 8)
    # 什邡市's task, and one no list has, added under the list.
    extra = rows["RW04-1-3"] + 1
    ws[f"B{extra}"], ws[f"C{extra}"] = "RW04-1-4", "完善一体便捷的公共交通服务"
    ws[f"{tcol('state')}{extra}"] = "推进中"
    ws[f"B{extra + 1}"], ws[f"{tcol('state')}{extra + 1}"] = "RW99-9-9", "推进中"
    path = tasks.tmp / "改了编号.xlsx"
    wb.save(path)
    before = state_of(store)
    outcome = import_return(store, path)
    assert outcome.status == "rejected"
    errors = {e.cell: e.message for e in outcome.preview.all_errors}
    assert set(errors) == {f"C{rows['RW04-1-3']}", f"B{extra}", f"B{extra + 1}"}
    assert "编号与任务不符" in errors[f"C{rows['RW04-1-3']}"]
    assert TITLES["RW04-1-3"] in errors[f"C{rows['RW04-1-3']}"]
    assert "不在「广汉市」2026年度重点任务清单" in errors[f"B{extra}"]
    assert "不存在" in errors[f"B{extra + 1}"]
    assert state_of(store) == before
    # Nothing of the other task was taken from the wrong row.
    assert task_report(store, "RW04-1-1", UNIT, PERIOD) is None


def test_rows_sorted_by_the_unit_still_apply_to_their_tasks(tasks, store):
    wb = openpyxl.load_workbook(tasks.template)
    ws = wb[TASK_SHEET]
    rows = task_rows(tasks.template)
    first, last = min(rows.values()), max(rows.values())
    values = [
        [ws.cell(r, c + 1).value for c in range(len(TASK_COLUMNS))] for r in range(first, last + 1)
    ]
    values[0][TASK_COLUMNS.index(next(c for c in TASK_COLUMNS if c.key == "state"))] = "推进中"
    values[0][7] = "一号任务进展"
    values[2][7] = "三号任务进展"
    for r, row in enumerate(reversed(values), start=first):  # sorted descending by 任务编号
        for c, value in enumerate(row):
            ws.cell(r, c + 1).value = value
    path = tasks.tmp / "排序.xlsx"
    wb.save(path)
    assert task_rows(path)["RW04-1-1"] == last
    outcome = import_return(store, path)
    assert outcome.status == "applied", outcome.preview.all_errors
    assert task_report(store, "RW04-1-1", UNIT, PERIOD)["progress_text"] == "一号任务进展"
    assert task_report(store, "RW04-1-3", UNIT, PERIOD)["progress_text"] == "三号任务进展"
    cells = {c.code: c.cell for c in outcome.preview.task_changes if c.field == "progress_text"}
    assert cells == {"RW04-1-1": f"H{last}", "RW04-1-3": f"H{first}"}


def test_a_formula_without_its_result_is_refused(tasks, store):
    path = tasks.edit({("RW04-1-1", "state"): '="推进"&"中"'})
    before = state_of(store)
    outcome = import_return(store, path)
    [error] = outcome.preview.all_errors
    assert error.sheet == TASK_SHEET and "没有保存公式的计算结果" in error.message
    assert state_of(store) == before


def test_a_correction_raises_the_version_and_keeps_the_old_values_in_the_audit_log(tasks, store):
    first = tasks.edit(
        {("RW04-1-1", "state"): "已完成", ("RW04-1-1", "done_date"): "2026-09-30"}, name="一.xlsx"
    )
    assert import_return(store, first).status == "applied"
    # The unit finds the task was not done after all, and sends the same template again.
    second = tasks.edit(
        {("RW04-1-1", "state"): "推进中", ("RW04-1-1", "progress_text"): "尚在招标"},
        name="更正.xlsx",
    )
    outcome = import_return(store, second)
    assert outcome.status == "applied", outcome.preview.all_errors
    assert outcome.preview.task_conflicts == []
    changes = {c.label: (c.old, c.new) for c in outcome.preview.task_changes}
    assert changes == {
        "完成情况": ("已完成", "推进中"),
        "完成时间": (date(2026, 9, 30), None),
        "进展情况": (None, "尚在招标"),
    }
    r = task_report(store, "RW04-1-1", UNIT, PERIOD)
    assert (r["state"], r["done_date"], r["progress_text"], r["version"]) == (
        "推进中",
        None,
        "尚在招标",
        2,
    )
    audit = store.query(
        "SELECT field, old, new FROM audit_log WHERE entity = 'task_report' AND entity_id = ?"
        " AND batch_id = ? ORDER BY id",
        (str(r["id"]), outcome.batch_id),
    )
    assert {(a["field"], a["old"], a["new"]) for a in audit} == {
        ("state", "已完成", "推进中"),
        ("done_date", "2026-09-30", None),
        ("progress_text", None, "尚在招标"),
    }
    assert [h for h in outcome.preview.hints if "由「已完成」改为" in h.message]


def test_a_conflict_with_the_offices_record_keeps_it_unless_the_return_is_chosen(tasks, store):
    # After the template went out, the office typed 广汉市's November report on RW04-1-2.
    add_report(
        store,
        "RW04-1-2",
        UNIT,
        PERIOD,
        progress_text="办公室录入",
        state="推进中",
        problems="征地协调难",
    )
    path = tasks.edit({("RW04-1-2", "progress_text"): "单位报送的进展"})
    preview = read_return(store, path)
    [conflict] = preview.task_conflicts
    assert (conflict.label, conflict.issued, conflict.old, conflict.new) == (
        "进展情况",
        "完成路线方案",
        "办公室录入",
        "单位报送的进展",
    )
    assert preview.counts()["conflicts"] == 1
    outcome = apply_return(store, preview)
    assert outcome.status == "applied"
    assert task_report(store, "RW04-1-2", UNIT, PERIOD)["progress_text"] == "办公室录入"
    assert outcome.as_json()["tasks"]["conflicts"][0]["database"] == "办公室录入"
    # Imported again with the return's value chosen (a fresh copy of the same file).
    again = tasks.edit({("RW04-1-2", "progress_text"): "单位报送的进展 "}, name="再次.xlsx")
    preview = read_return(store, again)
    [conflict] = preview.task_conflicts
    outcome = apply_return(store, preview, take_return={conflict.key})
    r = task_report(store, "RW04-1-2", UNIT, PERIOD)
    assert r["progress_text"] == "单位报送的进展" and r["version"] == 2


def test_a_past_periods_return_never_changes_a_later_record(tasks, store):
    add_report(store, "RW04-1-1", UNIT, "2026-12", progress_text="十二月", state="推进中")
    path = tasks.edit({("RW04-1-1", "state"): "已完成", ("RW04-1-1", "done_date"): "2026-11-20"})
    outcome = import_return(store, path)
    assert outcome.status == "applied"
    assert task_report(store, "RW04-1-1", UNIT, PERIOD)["state"] == "已完成"
    december = task_report(store, "RW04-1-1", UNIT, "2026-12")
    assert (december["state"], december["progress_text"], december["version"]) == (
        "推进中",
        "十二月",
        1,
    )
    assert any("之后已有报送" in n and TASK_SHEET in n for n in outcome.preview.notes)


def test_a_return_without_the_task_sheet_imports_its_projects_as_before(
    store, make_project, tmp_path
):
    make_project("GH-1", "广汉测试道路", lead=UNIT, percent_complete=30)
    old = issue_template(store, UNIT, PERIOD, tmp_path / "旧模板.xlsx")  # before the list
    make_year_list(store, 2026, ITEMS)
    wb = openpyxl.load_workbook(old)
    ws = wb[DATA_SHEET]
    row = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value == "GH-1")
    ws[f"{col('percent_complete')}{row}"] = 55
    wb.save(tmp_path / "旧模板回报.xlsx")
    outcome = import_return(store, tmp_path / "旧模板回报.xlsx")
    assert outcome.status == "applied"
    assert get_project(store, "GH-1").percent_complete == 55
    assert outcome.preview.tasks == [] and outcome.preview.task_sheet is None
    assert outcome.as_json()["tasks"]["counts"]["updated"] == 0
    assert store.scalar("SELECT count(*) FROM task_report") == 0


def test_a_task_sheet_removed_from_a_template_that_had_one_is_said(tasks, store):
    wb = openpyxl.load_workbook(tasks.edit({}, projects={("GH-1", "percent_complete"): 40}))
    del wb[TASK_SHEET]
    wb.save(tasks.tmp / "删了任务表.xlsx")
    outcome = import_return(store, tasks.tmp / "删了任务表.xlsx")
    assert outcome.status == "applied"
    assert any("没有该工作表" in n and "3 项任务" in n for n in outcome.preview.notes)


def test_edits_of_the_offices_columns_are_listed_as_not_imported(tasks, store):
    wb = openpyxl.load_workbook(tasks.template)
    ws = wb[TASK_SHEET]
    ws.protection.sheet = False
    r = task_rows(tasks.template)["RW04-1-1"]
    ws[f"{tcol('due_text')}{r}"] = "2027年底前"
    ws[f"{tcol('state')}{r}"] = "推进中"
    wb.save(tasks.tmp / "改时限.xlsx")
    outcome = import_return(store, tasks.tmp / "改时限.xlsx")
    assert outcome.status == "applied"
    assert f"{TASK_SHEET}!{tcol('due_text')}{r} 完成时限「2026年9月底前」改为「2027年底前」" in (
        outcome.preview.not_imported
    )
    assert store.scalar("SELECT due_text FROM annual_item WHERE seq = 1") == "2026年9月底前"


def test_the_error_report_marks_the_task_sheets_cells(tasks, store, tmp_path):
    path = tasks.edit({("RW04-1-3", "state"): "差不多完成"})
    preview = read_return(store, path)
    out = write_error_report(preview, tmp_path / "错误报告.xlsx")
    wb = openpyxl.load_workbook(out)
    ref = f"{tcol('state')}{task_rows(path)['RW04-1-3']}"
    cell = wb[TASK_SHEET][ref]
    assert cell.fill.fgColor.rgb.endswith("FF9999")
    assert "不是可选的完成情况" in cell.comment.text
    listed = [[c.value for c in row] for row in wb[LIST_SHEET].iter_rows(min_row=3)]
    assert listed[0][:4] == [TASK_SHEET, ref, "完成情况", "差不多完成"]


# -- files as clerks make them ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_return_resaved_by_libreoffice_or_as_xls_is_read_alike(tasks, store, tmp_path, fmt):
    path = tasks.edit(
        {
            ("RW04-1-1", "state"): "已完成",
            ("RW04-1-1", "done_date"): date(2026, 9, 30),
            ("RW04-1-2", "problems"): None,
            ("RW04-1-3", "progress_text"): "规划已报批",
        },
        name="广汉市11月.xlsx",
    )
    converted = convert(path, fmt, tmp_path / "lo")
    outcome = import_return(
        store, converted, **({"unit": UNIT, "period": PERIOD} if fmt == "xls" else {})
    )
    assert outcome.status == "applied", outcome.preview.all_errors
    r1 = task_report(store, "RW04-1-1", UNIT, PERIOD)
    assert (r1["state"], r1["done_date"]) == ("已完成", "2026-09-30")
    assert task_report(store, "RW04-1-2", UNIT, PERIOD)["problems"] is None
    assert task_report(store, "RW04-1-3", UNIT, PERIOD)["progress_text"] == "规划已报批"


# -- the CLI ----------------------------------------------------------------------------------


def test_the_cli_import_json_includes_the_tasks(tasks, store, capsys):
    path = tasks.edit({("RW04-1-3", "state"): "推进中", ("RW04-1-1", "state"): "完成"})
    try:
        code = main(["--db", str(store.path), "import", str(path), "--json"])
    except SystemExit as exc:
        code = exc.code
    result = json.loads(capsys.readouterr().out)
    assert code == 1 and result["status"] == "rejected"
    [error] = result["errors"]
    assert (
        error["sheet"] == TASK_SHEET and error["field"] == "完成情况" and error["value"] == "完成"
    )
    assert result["tasks"]["counts"]["refused"] == 1
    path = tasks.edit({("RW04-1-3", "state"): "推进中"}, name="改正.xlsx")
    code = main(["--db", str(store.path), "import", str(path), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["status"] == "applied"
    assert {
        "code": "RW04-1-3",
        "task": TITLES["RW04-1-3"],
        "field": "完成情况",
        "old": None,
        "new": "推进中",
        "cell": f"{tcol('state')}{task_rows(path)['RW04-1-3']}",
    } in (result["tasks"]["changes"])


def test_a_record_typed_between_preview_and_apply_is_judged_at_the_write(tasks, store):
    path = tasks.edit({("RW04-1-3", "progress_text"): "单位报送的进展"})
    preview = read_return(store, path)
    assert preview.task_conflicts == [] and len(preview.task_changes) == 1
    # Another PC types the same task's November record while the preview is open.
    add_report(store, "RW04-1-3", UNIT, PERIOD, progress_text="办公室录入", state="推进中")
    outcome = apply_return(store, preview)
    assert outcome.status == "applied"
    assert task_report(store, "RW04-1-3", UNIT, PERIOD)["progress_text"] == "办公室录入"
    [conflict] = outcome.preview.task_conflicts
    assert (conflict.old, conflict.new) == ("办公室录入", "单位报送的进展")


def test_control_characters_and_spaces_in_task_text_are_cleaned(tasks, store):
    path = tasks.edit(
        {("RW04-1-3", "progress_text"): "  规划_x0007_已报批 ", ("RW04-1-3", "state"): " 推进中"}
    )
    outcome = import_return(store, path)
    assert outcome.status == "applied", outcome.preview.all_errors
    r = task_report(store, "RW04-1-3", UNIT, PERIOD)
    assert (r["progress_text"], r["state"]) == ("规划已报批", "推进中")


def test_templates_for_all_units_include_a_unit_with_tasks_only(store, tmp_path):
    from desktop_app.services.exchange import issue_templates

    make_year_list(store, 2026, [{"code": "RW04-1-1", "units": {"市商务局": "牵头"}}])
    written = issue_templates(store, PERIOD, tmp_path / "all")
    [only_tasks] = [p for p in written if "市商务局" in p.name]
    assert list(task_rows(only_tasks)) == ["RW04-1-1"]
    assert all(
        TASK_SHEET not in openpyxl.load_workbook(p, read_only=True).sheetnames
        for p in written
        if "市商务局" not in p.name and "广汉市" in p.name
    )


def test_the_cli_import_text_says_what_became_of_the_tasks(tasks, store, capsys):
    add_report(store, "RW04-1-3", UNIT, PERIOD, progress_text="办公室录入", state="推进中")
    path = tasks.edit({("RW04-1-3", "progress_text"): "单位报送", ("RW04-1-1", "state"): "推进中"})
    code = main(["--db", str(store.path), "import", str(path)])
    out = capsys.readouterr().out
    assert code == 0
    assert (
        "冲突：任务 RW04-1-3 进展情况：发放时「空」，数据库现为「办公室录入」，报送为「单位报送」"
        in out
    )
    assert "重点任务：修改 1，沿用模板内容报送 1，未变 0，错误 0，冲突 1。" in out


def test_an_error_on_the_projects_sheet_keeps_the_valid_task_rows_out_too(tasks, store):
    before = state_of(store)
    path = tasks.edit(
        {("RW04-1-3", "state"): "推进中", ("RW04-1-3", "progress_text"): "规划已报批"},
        projects={("GH-1", "percent_complete"): 150},
    )
    outcome = import_return(store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    assert error.sheet == DATA_SHEET
    assert state_of(store) == before
    assert store.scalar("SELECT count(*) FROM task_report WHERE period = ?", (PERIOD,)) == 0
    # With --skip-invalid the valid task rows go in, the wrong project cell does not.
    outcome = import_return(store, path, skip_invalid=True)
    assert outcome.status == "applied"
    assert task_report(store, "RW04-1-3", UNIT, PERIOD)["progress_text"] == "规划已报批"
    assert get_project(store, "GH-1").percent_complete == 30


def test_a_task_done_after_its_time_limit_is_pointed_out_not_refused(tasks, store):
    path = tasks.edit({("RW04-1-1", "state"): "已完成", ("RW04-1-1", "done_date"): "2026-10-15"})
    outcome = import_return(store, path)
    assert outcome.status == "applied"
    [hint] = [h for h in outcome.preview.hints if h.field == "完成时间"]
    assert "晚于完成时限「2026年9月底前」（2026-09-30），将计为逾期完成" in hint.message
    assert hint.cell == f"{tcol('done_date')}{task_rows(path)['RW04-1-1']}"
    assert task_report(store, "RW04-1-1", UNIT, PERIOD)["done_date"] == "2026-10-15"


def test_a_blank_cell_that_was_not_prefilled_leaves_the_offices_value(tasks, store):
    # Typed by the office after the template went out; the unit's cell was (and stays) empty.
    add_report(store, "RW04-1-3", UNIT, PERIOD, state="推进中", problems="用地指标不足")
    path = tasks.edit({("RW04-1-3", "progress_text"): "规划已报批"})
    outcome = import_return(store, path)
    assert outcome.status == "applied"
    r = task_report(store, "RW04-1-3", UNIT, PERIOD)
    assert (r["progress_text"], r["state"], r["problems"], r["version"]) == (
        "规划已报批",
        "推进中",
        "用地指标不足",
        2,
    )
    assert [c.field for c in outcome.preview.task_changes] == ["progress_text"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2026-9", "2026-09-30"), ("2026.9.8", "2026-09-08"), (46295, "2026-09-30")],
)
def test_a_done_date_in_other_forms_is_read_as_meant(tasks, store, typed, stored):
    path = tasks.edit({("RW04-1-2", "state"): "已完成", ("RW04-1-2", "done_date"): typed})
    outcome = import_return(store, path)
    assert outcome.status == "applied", outcome.preview.all_errors
    assert task_report(store, "RW04-1-2", UNIT, PERIOD)["done_date"] == stored


def test_a_correction_over_the_offices_hand_edit_is_a_conflict(tasks, store):
    first = tasks.edit({("RW04-1-3", "progress_text"): "规划编制中"}, name="一.xlsx")
    assert import_return(store, first).status == "applied"
    # The office corrects the imported record by hand (its batch stays as it was).
    with store.write(source="手工"):
        store.conn.execute(
            "UPDATE task_report SET progress_text = '规划已报批（办公室核实）', source = '手工',"
            " version = version + 1 WHERE period = ? AND task_id = (SELECT id FROM task"
            " WHERE code = 'RW04-1-3')",
            (PERIOD,),
        )
    second = tasks.edit({("RW04-1-3", "progress_text"): "规划已完成编制"}, name="二.xlsx")
    outcome = import_return(store, second)
    [conflict] = outcome.preview.task_conflicts
    assert (conflict.old, conflict.new) == ("规划已报批（办公室核实）", "规划已完成编制")
    assert (
        task_report(store, "RW04-1-3", UNIT, PERIOD)["progress_text"] == "规划已报批（办公室核实）"
    )


def test_a_task_of_a_closed_plan_is_refused_row_by_row_and_nothing_is_written(tasks, store):
    from desktop_app.domain.errors import UserError
    from desktop_app.services import plans
    from desktop_app.store.task_returns import TaskReportWrite, write_task_reports

    path = tasks.edit({("RW04-1-2", "state"): "已完成", ("RW04-1-2", "done_date"): "2026-11-20"})
    plans.close_plan(store, 1)
    before = state_of(store)
    outcome = import_return(store, path)
    assert outcome.status != "applied"
    row = task_rows(path)["RW04-1-2"]
    messages = [e.message for e in outcome.preview.all_errors if e.cell == f"{tcol('code')}{row}"]
    assert len(messages) == 1, outcome.preview.all_errors
    assert "重点任务「RW04-1-2 加密多通道多节点公路路网」属于已关闭的规划" in messages[0]
    assert messages[0].startswith(f"{TASK_SHEET}!{tcol('code')}{row} ")
    assert state_of(store) == before
    assert task_report(store, "RW04-1-2", UNIT, PERIOD) is None
    # The writing itself holds the line too (a preview read before the plan was closed).
    task_id = store.scalar("SELECT id FROM task WHERE code = 'RW04-1-2'")
    unit_id = store.scalar("SELECT id FROM unit WHERE name = ?", (UNIT,))
    with pytest.raises(UserError, match="属于已关闭的规划"):
        write_task_reports(
            store, unit_id, PERIOD, [TaskReportWrite(task_id, {"state": "已完成"})], batch_id=None
        )
    assert state_of(store) == before
