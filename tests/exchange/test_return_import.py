"""Importing a unit's return: what people type, what is refused, scope, conflicts, idempotence."""

from __future__ import annotations

import time
from datetime import date, datetime

import openpyxl
import pytest
from xhelpers import PERIOD, col, sha

from desktop_app.domain.errors import UserError
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW
from desktop_app.exchange.error_report import write_error_report
from desktop_app.exchange.return_import import read_return
from desktop_app.services.exchange import apply_return, import_return
from desktop_app.store.exchange import list_proposals, return_status
from desktop_app.store.progress import list_reports
from desktop_app.store.projects import get_project, update_project


@pytest.fixture(autouse=True, params=["rows-in-one-part", "a-part-per-row"])
def parts(request, monkeypatch):
    """Every import twice: as one part (a small return), and written row by row while the rest
    is still being parsed (as a 10,000-row return is, some thousand rows at a time)."""
    from desktop_app.exchange import return_import

    if request.param == "a-part-per-row":
        monkeypatch.setattr(return_import, "PARSED_ROWS_STEP", 1)
    return request.param


def test_untouched_template_changes_nothing(setup):
    before = get_project(setup.store, "GH-1")
    outcome = import_return(setup.store, setup.template)
    assert outcome.status == "applied"
    counts = outcome.preview.counts()
    assert counts["updated"] == 0 and counts["refused"] == 0 and counts["unchanged"] >= 3
    after = get_project(setup.store, "GH-1")
    assert (after.percent_complete, after.version) == (before.percent_complete, before.version)
    assert list_reports(setup.store, setup.ids["GH-1"]) == []


def test_applied_return_records_report_batch_and_audit(setup):
    path = setup.edit(
        {
            ("GH-1", "percent_complete"): 45,
            ("GH-1", "investment_to_date"): "0.5亿元",
            ("GH-1", "progress_text"): "  路基完成  ",
            ("GH-2", "actual_start"): "2026年3月1日",
            ("GH-2", "stage"): "在建",
        }
    )
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied"
    assert outcome.preview.counts()["updated"] == 2
    p = get_project(setup.store, "GH-1")
    assert (p.percent_complete, p.investment_to_date) == (45, 5000)
    report = list_reports(setup.store, setup.ids["GH-1"])[0]
    assert (report.period, report.source, report.progress_text) == (PERIOD, "导入", "路基完成")
    assert report.batch_file == path.name
    p2 = get_project(setup.store, "GH-2")
    assert (p2.stage, p2.actual_start) == ("在建", date(2026, 3, 1))
    batch = setup.store.query("SELECT * FROM import_batch WHERE id = ?", (outcome.batch_id,))[0]
    assert batch["sha256"] == sha(path) and batch["period"] == PERIOD
    sources = {
        r["source"]
        for r in setup.store.query(
            "SELECT source FROM audit_log WHERE batch_id = ?", (outcome.batch_id,)
        )
    }
    assert sources == {"导入"}
    status = {s["unit"]: s for s in return_status(setup.store, PERIOD)}
    assert status["广汉市"]["status"] == "已报送" and status["广汉市"]["updated"] == 2


def test_same_file_again_changes_nothing_and_says_so(setup):
    path = setup.edit({("GH-1", "percent_complete"): 50})
    assert import_return(setup.store, path).status == "applied"
    before = sha(setup.store.path)
    again = import_return(setup.store, path)
    assert again.status == "already-imported"
    assert "已于" in again.message and "未做任何修改" in again.message
    assert sha(setup.store.path) == before


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("45%", 45),
        (45, 45),
        ("４５", 45),
        ("４５％", 45),
        (" 45 ", 45),
        ("45.5", 45.5),
    ],
)
def test_percent_forms(setup, typed, expected):
    path = setup.edit({("GH-1", "percent_complete"): typed})
    preview = read_return(setup.store, path)
    assert not preview.all_errors
    assert [c.new for c in preview.changes if c.field == "percent_complete"] == [expected]


def test_percent_formatted_cell(setup):
    path = setup.edit({("GH-1", "percent_complete"): 0.45}, percent_format=("percent_complete",))
    preview = read_return(setup.store, path)
    assert [c.new for c in preview.changes] == [45]


def test_percent_format_is_read_cell_by_cell(setup):
    # 0.45 shown as 45% is 45; 0.5 in a plain cell is half a percent.
    wb, ws = _rows(setup.template)
    gh1 = ws[_cell(setup, "GH-1", "percent_complete")]
    gh1.value, gh1.number_format = 0.45, "0%"
    ws[_cell(setup, "GH-2", "percent_complete")] = 0.5
    path = setup.tmp / "百分比格式.xlsx"
    wb.save(path)
    preview = read_return(setup.store, path)
    assert {c.code: c.new for c in preview.changes} == {"GH-1": 45, "GH-2": 0.5}


@pytest.mark.parametrize("stored", [1.2, 2.0, 45.0])
def test_over_100_percent_in_a_percent_formatted_cell_is_refused(setup, stored):
    """1.2 in a percent cell is the 120% the unit typed and sees, not 1.2%."""
    path = setup.edit({("GH-1", "percent_complete"): stored}, percent_format=("percent_complete",))
    preview = read_return(setup.store, path)
    [error] = preview.all_errors
    assert f"「{stored * 100:g}%」超出 0–100" in error.message
    assert not preview.changes


def test_a_percent_under_one_in_a_plain_cell_is_taken_as_is_with_a_note(setup):
    path = setup.edit({("GH-1", "percent_complete"): 0.45})
    preview = read_return(setup.store, path)
    assert [c.new for c in preview.changes] == [0.45]
    cell = _cell(setup, "GH-1", "percent_complete")
    assert any(cell in note and "如指 45%，请改为 45" in note for note in preview.notes)


def test_a_formula_that_failed_is_refused_not_taken_as_blank(setup):
    path = setup.edit(
        {("GH-1", "percent_complete"): "#DIV/0!", ("GH-2", "investment_to_date"): "#N/A"}
    )
    wb = openpyxl.load_workbook(path)
    assert wb[DATA_SHEET][_cell(setup, "GH-1", "percent_complete")].data_type == "e"
    messages = [e.message for e in read_return(setup.store, path).all_errors]
    assert any("（#DIV/0!）" in m and "公式出错" in m for m in messages)
    assert any("（#N/A）" in m for m in messages)


def test_totals_notes_and_signatures_under_the_list_are_not_projects(setup):
    wb, ws = _rows(setup.template)
    last = ws.max_row + 2
    ws.cell(last, 2).value = "合  计"
    ws.cell(last + 1, 2).value = "注：本表数据截至11月25日"
    ws.cell(last + 2, 1).value = "填报人：张三　联系电话：0838-1234567"
    path = setup.tmp / "带合计.xlsx"
    wb.save(path)
    preview = read_return(setup.store, path)
    assert not preview.all_errors and not preview.proposals


def test_a_proposal_with_wrong_values_is_refused_cell_by_cell(setup):
    wb, ws = _rows(setup.template)
    last = ws.max_row + 2
    ws.cell(last, 2).value = "广汉市（三星堆）文旅综合体（一期）"
    ws[f"{col('planned_start')}{last}"] = "明年"
    ws[f"{col('total_investment')}{last}"] = -5
    path = setup.tmp / "建议有误.xlsx"
    wb.save(path)
    preview = read_return(setup.store, path)
    assert not preview.proposals
    messages = [e.message for e in preview.all_errors]
    assert any(f"{col('planned_start')}{last}" in m and "「明年」不是日期" in m for m in messages)
    assert any("为负数" in m for m in messages)
    ws[f"{col('planned_start')}{last}"] = "2027-03"
    ws[f"{col('total_investment')}{last}"] = "0.5亿元"
    wb.save(path)
    [proposal] = read_return(setup.store, path).proposals
    assert proposal.name == "广汉市（三星堆）文旅综合体（一期）"  # as the unit wrote it


def test_a_proposal_keeps_the_percent_the_unit_saw(setup):
    """A new project's 45% in a percent-formatted cell is proposed as 45, not 0.45."""
    wb, ws = _rows(setup.template)
    pcol = ws[_cell(setup, "GH-1", "percent_complete")].column
    last = ws.max_row + 2
    ws.cell(last, 2).value = "广汉新建停车场"
    cell = ws.cell(last, pcol)
    cell.value, cell.number_format = 0.45, "0%"
    path = setup.tmp / "新增建议百分比.xlsx"
    wb.save(path)
    [proposal] = read_return(setup.store, path).proposals
    assert proposal.payload["完成百分比"] == 45


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1,234.5", 1234.5),
        ("1234.5万元", 1234.5),
        ("0.5亿元", 5000),
        ("１２３４", 1234),
        (800, 800),
    ],
)
def test_money_forms(setup, typed, expected):
    path = setup.edit({("GH-1", "investment_to_date"): typed})
    preview = read_return(setup.store, path)
    assert not preview.all_errors
    assert [c.new for c in preview.changes] == [expected]


@pytest.mark.parametrize(
    "typed, expected",
    [
        (date(2026, 3, 1), date(2026, 3, 1)),
        (datetime(2026, 3, 1), date(2026, 3, 1)),
        (46082, date(2026, 3, 1)),
        ("2026/3/1", date(2026, 3, 1)),
        ("2026.3.1", date(2026, 3, 1)),
        ("2026年3月1日", date(2026, 3, 1)),
        ("2026-3", date(2026, 3, 1)),
        ("20260301", date(2026, 3, 1)),
        (20260301, date(2026, 3, 1)),
    ],
)
def test_date_forms(setup, typed, expected):
    path = setup.edit({("GH-1", "actual_start"): typed})
    preview = read_return(setup.store, path)
    assert not preview.all_errors, preview.all_errors
    assert [c.new for c in preview.changes] == [expected]


def test_month_alone_as_end_date_means_month_end(setup):
    path = setup.edit({("GH-1", "actual_start"): "2026-01-05", ("GH-1", "actual_end"): "2026-10"})
    changes = {c.field: c.new for c in read_return(setup.store, path).changes}
    assert changes["actual_end"] == date(2026, 10, 31)


def _cell(setup, code: str, key: str) -> str:
    return f"{col(key)}{setup.row_of(code)}"


@pytest.mark.parametrize(
    "key, typed, reason",
    [
        ("percent_complete", 120, "完成百分比「120」超出 0–100"),
        ("percent_complete", "大约一半", "完成百分比「大约一半」不是百分比，应填写 0–100 的数字"),
        ("investment_to_date", -5, "累计完成投资（万元）「-5」为负数，金额不能小于 0"),
        ("investment_this_year", "很多", "本年完成投资（万元）「很多」不是金额"),
        ("actual_start", "明年", "实际开工「明年」不是日期，应写成 2026-03-01 这样的格式"),
        ("actual_start", "2026-02-30", "实际开工「2026-02-30」不是有效日期"),
        ("stage", "施工中", "建设阶段「施工中」不在可选范围（储备/前期/在建/竣工）内"),
        ("problems", "长" * 501, "存在问题共 501 字，超过 500 字的上限"),
    ],
)
def test_refusals_name_sheet_cell_field_value(setup, key, typed, reason):
    path = setup.edit({("GH-1", key): typed})
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    ref = _cell(setup, "GH-1", key)
    assert error.sheet == DATA_SHEET and error.cell == ref
    assert error.message.startswith(f"{DATA_SHEET}!{ref} {reason}")
    assert sha(setup.store.path) == before


def test_end_before_start_is_refused(setup):
    path = setup.edit(
        {("GH-1", "actual_start"): "2026-05-01", ("GH-1", "actual_end"): "2026-04-01"}
    )
    [error] = read_return(setup.store, path).all_errors
    assert "实际完工 2026-04-01 早于实际开工 2026-05-01" in error.message


def test_skip_invalid_applies_the_good_rows_only(setup):
    path = setup.edit({("GH-1", "percent_complete"): 120, ("GH-2", "percent_complete"): 20})
    outcome = import_return(setup.store, path, skip_invalid=True)
    assert outcome.status == "applied"
    assert get_project(setup.store, "GH-2").percent_complete == 20
    assert get_project(setup.store, "GH-1").percent_complete == 30
    assert outcome.preview.counts()["refused"] == 1


def _rows(path):
    wb = openpyxl.load_workbook(path)
    return wb, wb[DATA_SHEET]


def test_reordered_hidden_blank_and_extra_rows(setup):
    wb, ws = _rows(setup.template)
    r1, r2 = setup.row_of("GH-1"), setup.row_of("GH-2")
    # Swap two rows' values wholesale, hide one, insert a blank row and a new project.
    a = [c.value for c in ws[r1]]
    b = [c.value for c in ws[r2]]
    for i, v in enumerate(b, start=1):
        ws.cell(r1, i).value = v
    for i, v in enumerate(a, start=1):
        ws.cell(r2, i).value = v
    ws[f"{col('percent_complete')}{r2}"] = 55  # GH-1 now lives on r2
    ws.row_dimensions[r2].hidden = True
    ws.insert_rows(FIRST_DATA_ROW + 1)
    last = ws.max_row + 2
    ws.cell(last, 2).value = "广汉新建停车场"
    ws[f"{col('percent_complete')}{last}"] = 5
    path = setup.tmp / "乱序.xlsx"
    wb.save(path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 55
    assert outcome.preview.counts()["proposals"] == 1
    [proposal] = list_proposals(setup.store)
    assert proposal["name"] == "广汉新建停车场" and proposal["unit"] == "广汉市"
    assert setup.store.scalar("SELECT count(*) FROM project WHERE name = '广汉新建停车场'") == 0


def test_merged_cells_and_cached_formula_values(setup):
    wb, ws = _rows(setup.template)
    r1 = setup.row_of("GH-1")
    ws[f"{col('problems')}{r1}"] = "征地拆迁慢"
    ws.merge_cells(f"{col('problems')}{r1}:{col('problems')}{r1 + 1}")
    path = setup.tmp / "合并.xlsx"
    wb.save(path)
    preview = read_return(setup.store, path)
    problems = {c.code: c.new for c in preview.changes if c.field == "problems"}
    assert problems[ws[f"A{r1}"].value] == "征地拆迁慢"
    assert problems[ws[f"A{r1 + 1}"].value] == "征地拆迁慢"


def test_scope_refuses_another_units_project(setup):
    wb, ws = _rows(setup.template)
    r = ws.max_row + 1
    ws.cell(r, 1).value = "OT-1"
    ws[f"{col('percent_complete')}{r}"] = 90
    path = setup.tmp / "越权.xlsx"
    wb.save(path)
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    assert f"{DATA_SHEET}!A{r} 项目「OT-1 什邡的项目」不属于「广汉市」的填报范围" in error.message
    assert sha(setup.store.path) == before


def test_unknown_code_and_duplicate_rows(setup):
    wb, ws = _rows(setup.template)
    r = ws.max_row + 1
    ws.cell(r, 1).value = "NOPE-9"
    ws.cell(r + 1, 1).value = "GH-1"
    ws[f"{col('percent_complete')}{r + 1}"] = 40
    path = setup.tmp / "重复.xlsx"
    wb.save(path)
    messages = [e.message for e in read_return(setup.store, path).all_errors]
    assert any("项目编码「NOPE-9」在项目库中不存在" in m for m in messages)
    assert any(f"项目「GH-1」在第 {setup.row_of('GH-1')} 行已出现" in m for m in messages)


def test_pasted_data_without_metadata_needs_the_unit(setup):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["广汉市报送表"])
    ws.append(["编号", "项目名称", "形象进度（%）", "累计投资"])
    ws.append(["GH-1", "广汉测试道路", "60%", "1,000"])
    ws.append(["OT-1", "什邡的项目", 10, None])
    path = setup.tmp / "粘贴.xlsx"
    wb.save(path)
    with pytest.raises(UserError) as err:
        read_return(setup.store, path)
    assert "--unit" in err.value.message
    preview = read_return(setup.store, path, unit="广汉", period=PERIOD)
    assert preview.unit == "广汉市" and preview.template_id is None
    assert {(c.code, c.field, c.new) for c in preview.changes} == {
        ("GH-1", "percent_complete", 60),
        ("GH-1", "investment_to_date", 1000),
    }
    assert len(preview.all_errors) == 1  # OT-1 belongs to 什邡市
    outcome = apply_return(setup.store, preview, skip_invalid=True)
    assert outcome.status == "applied"


def test_a_workbook_without_a_return_sheet_says_so(setup):
    wb = openpyxl.Workbook()
    wb.active.append(["本月工作小结"])
    path = setup.tmp / "其他表格.xlsx"
    wb.save(path)
    with pytest.raises(UserError, match="找不到填报表"):
        read_return(setup.store, path)


def test_wrong_unit_for_template_is_refused(setup):
    with pytest.raises(UserError, match="是发给「广汉市」的模板"):
        read_return(setup.store, setup.template, unit="什邡市")


def test_conflict_shown_and_applied_only_when_chosen(setup):
    # After issue, the office sets 40; the unit's return says 35 (from 30 as issued).
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    path = setup.edit({("GH-1", "percent_complete"): 35, ("GH-1", "problems"): "资金"})
    preview = read_return(setup.store, path)
    [conflict] = preview.conflicts
    assert (conflict.issued, conflict.old, conflict.new) == (30, 40, 35)
    assert preview.counts()["conflicts"] == 1
    outcome = apply_return(setup.store, preview)
    assert outcome.status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 40  # database value kept
    report = list_reports(setup.store, setup.ids["GH-1"])[0]
    assert report.problems == "资金" and report.percent_complete is None


def test_conflict_taken_from_the_return(setup):
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    path = setup.edit({("GH-1", "percent_complete"): 35})
    preview = read_return(setup.store, path)
    apply_return(setup.store, preview, take_return={(setup.ids["GH-1"], "percent_complete")})
    assert get_project(setup.store, "GH-1").percent_complete == 35


def test_a_corrected_return_of_the_same_template_is_no_conflict_with_the_first(setup):
    """The unit sends 40, then a corrected 45: its own first return is not the office's
    change, so the correction is applied."""
    first = setup.edit({("GH-1", "percent_complete"): 40}, name="第一次.xlsx")
    assert apply_return(setup.store, read_return(setup.store, first)).status == "applied"
    second = setup.edit({("GH-1", "percent_complete"): 45}, name="更正.xlsx")
    preview = read_return(setup.store, second)
    assert not preview.conflicts
    assert [(c.old, c.new) for c in preview.changes] == [(40, 45)]
    apply_return(setup.store, preview)
    assert get_project(setup.store, "GH-1").percent_complete == 45
    # The office's own change after that is still protected from a third return.
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 50})
    third = setup.edit({("GH-1", "percent_complete"): 47}, name="再更正.xlsx")
    assert [c.new for c in read_return(setup.store, third).conflicts] == [47]


def test_untouched_field_keeps_the_offices_later_change(setup):
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    preview = read_return(setup.store, setup.template)  # 30 as issued, unchanged by the unit
    assert not preview.conflicts and not preview.changes


def test_error_report_marks_cells_with_comments(setup):
    path = setup.edit({("GH-1", "percent_complete"): 120, ("GH-2", "actual_start"): "明年"})
    preview = read_return(setup.store, path)
    out = write_error_report(preview, setup.tmp / "错误回退.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "错误清单"
    ws = wb[DATA_SHEET]
    bad = ws[_cell(setup, "GH-1", "percent_complete")]
    assert bad.fill.fgColor.rgb.endswith("FF9999")
    assert "超出 0–100" in bad.comment.text
    listed = [r[4] for r in wb["错误清单"].iter_rows(min_row=3, values_only=True)]
    assert len(listed) == 2


def test_conflicts_found_from_the_workbook_when_the_issue_record_is_gone(setup):
    # E.g. the template was issued from another copy of the database.
    with setup.store.write(source="系统"):
        setup.store.conn.execute("DELETE FROM template_issue")
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    path = setup.edit({("GH-1", "percent_complete"): 35})
    preview = read_return(setup.store, path)
    assert [(c.issued, c.old, c.new) for c in preview.conflicts] == [(30, 40, 35)]
    assert any("没有该模板的发放记录" in n for n in preview.notes)


def test_dry_run_writes_nothing(setup):
    path = setup.edit({("GH-1", "percent_complete"): 50})
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path, dry_run=True)
    assert outcome.status == "dry-run" and len(outcome.preview.changes) == 1
    assert sha(setup.store.path) == before


def _without_document_properties(src, dst):
    """The workbook as a program that drops custom document properties would save it."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "docProps/custom.xml":
                zout.writestr(item, zin.read(item.filename))
    return dst


def _summary(preview):
    return (
        preview.template_id,
        preview.unit,
        preview.period,
        sorted((c.code, c.field, c.old, c.new) for c in preview.changes),
        sorted((c.code, c.field, c.issued, c.old, c.new) for c in preview.conflicts),
        [e.message for e in preview.all_errors],
    )


def test_a_return_without_document_properties_reads_the_same(setup):
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    path = setup.edit(
        {("GH-1", "percent_complete"): 35, ("GH-2", "stage"): "在建", ("GH-3", "problems"): "用地"}
    )
    bare = _without_document_properties(path, setup.tmp / "另存.xlsx")
    assert _summary(read_return(setup.store, bare)) == _summary(read_return(setup.store, path))


@pytest.mark.parametrize("issue_record", ["with codes", "without codes"])
def test_a_code_changed_after_issue_still_finds_its_project(setup, issue_record):
    if issue_record == "without codes":  # a template issued by an earlier version
        with setup.store.write(source="系统"):
            setup.store.conn.execute(
                "UPDATE template_issue_row SET snapshot = json_remove(snapshot, '$.code')"
            )
    update_project(setup.store, setup.ids["GH-1"], {"code": "GH-1A"})
    path = setup.edit({("GH-1", "percent_complete"): 45})
    preview = read_return(setup.store, path)
    [change] = preview.changes
    assert (change.project_id, change.field, change.new) == (
        setup.ids["GH-1"],
        "percent_complete",
        45,
    )
    assert not preview.all_errors
    apply_return(setup.store, preview)
    assert get_project(setup.store, "GH-1A").percent_complete == 45


def test_a_template_that_claims_another_unit_is_refused(setup):
    """Document properties can be edited in Excel (文件 → 属性); the issue record decides."""
    import zipfile

    from desktop_app.store.units import get_unit

    other = get_unit(setup.store, "什邡市")
    path = setup.template
    forged = setup.tmp / "改了属性.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/custom.xml":
                text = data.decode()
                gid = get_unit(setup.store, "广汉市").id
                text = text.replace("广汉市", "什邡市").replace(
                    f"<vt:i4>{gid}</vt:i4>", f"<vt:i4>{other.id}</vt:i4>"
                )
                data = text.encode()
            zout.writestr(item, data)
    before = sha(setup.store.path)
    with pytest.raises(UserError, match="模板信息被改动过"):
        import_return(setup.store, forged)
    assert sha(setup.store.path) == before


@pytest.mark.parametrize("writer", ["this window", "another process"])
def test_reports_filed_between_preview_and_apply_are_updated_not_duplicated(setup, writer):
    """A preview may wait while the office (or a colleague on the shared file) files the
    period's report for a project in the return: applying then updates that report."""
    from desktop_app.domain.model import ProgressReport
    from desktop_app.store import Store
    from desktop_app.store.progress import record_report

    path = setup.edit({("GH-1", "percent_complete"): 45, ("GH-1", "progress_text"): "路基完成"})
    preview = read_return(setup.store, path)
    report = ProgressReport(setup.ids["GH-1"], PERIOD, percent_complete=40, problems="征地")
    if writer == "this window":
        record_report(setup.store, report)
    else:
        with Store.open(setup.store.path, create=False, user="同事") as other:
            record_report(other, report)
    outcome = apply_return(setup.store, preview)
    assert outcome.status == "applied"
    # Judged against the database as it is when written, as if the report had been filed
    # before the preview: the office's 40 since the issue (30) is a conflict, kept by default.
    assert [(c.issued, c.old, c.new) for c in outcome.preview.conflicts] == [(30, 40, 45)]
    [filed] = list_reports(setup.store, setup.ids["GH-1"])
    assert (filed.percent_complete, filed.progress_text, filed.problems) == (40, "路基完成", "征地")
    assert get_project(setup.store, "GH-1").percent_complete == 40
    audit = setup.store.query(
        "SELECT field, old, new FROM audit_log WHERE batch_id = ? AND entity = 'progress_report'",
        (outcome.batch_id,),
    )
    assert {(a["field"], a["old"], a["new"]) for a in audit} == {
        ("progress_text", None, "路基完成")
    }


def test_a_later_report_filed_between_preview_and_apply_keeps_the_projects_percent(setup):
    from desktop_app.domain.model import ProgressReport
    from desktop_app.store import Store
    from desktop_app.store.progress import record_report

    path = setup.edit({("GH-1", "percent_complete"): 45})
    preview = read_return(setup.store, path)
    with Store.open(setup.store.path, create=False, user="同事") as other:
        record_report(other, ProgressReport(setup.ids["GH-1"], "2026-12", percent_complete=60))
    assert apply_return(setup.store, preview).status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 60
    assert [r.percent_complete for r in list_reports(setup.store, setup.ids["GH-1"])] == [60, 45]


# -- written while parsed --------------------------------------------------------------------


def test_error_found_after_rows_were_written_rolls_them_back(setup, parts, monkeypatch):
    from desktop_app.store import exchange as xstore

    written = []
    write = xstore.ReportWriter.write_prepared
    monkeypatch.setattr(
        xstore.ReportWriter,
        "write_prepared",
        lambda self, rows: written.append(len(rows.values)) or write(self, rows),
    )
    last = max(setup.ids, key=lambda code: setup.row_of(code) if code.startswith("GH") else 0)
    # The last row takes its time, as the rows after the first thousand would: the rows
    # before it are written meanwhile.
    from desktop_app.exchange import return_import

    read_row = return_import._read_row

    def slow_last(preview, result, *args):
        if result.code == last:
            time.sleep(0.3)
        return read_row(preview, result, *args)

    monkeypatch.setattr(return_import, "_read_row", slow_last)
    path = setup.edit(
        {
            ("GH-1", "percent_complete"): 60,
            ("GH-2", "progress_text"): "已开工",
            (last, "percent_complete"): 130,  # the last row of the return
        }
    )
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected" and "未导入任何数据" in outcome.message
    [error] = outcome.preview.all_errors
    assert "完成百分比「130」超出 0–100" in error.message
    assert sha(setup.store.path) == before  # not one byte of what was written stays
    assert get_project(setup.store, "GH-1").percent_complete == 30
    assert setup.store.scalar("SELECT count(*) FROM import_batch") == 0
    if parts == "a-part-per-row":
        assert sum(written) >= 1  # rows before the bad one had been written, then rolled back


def test_failure_while_parsing_leaves_the_database_as_it_was(setup, monkeypatch):
    import sys

    from desktop_app.exchange import return_import

    path = setup.edit({("GH-1", "percent_complete"): 60, ("GH-2", "percent_complete"): 70})
    read_row = return_import._read_row
    seen = []

    def fails_on_second_row(preview, result, *args):
        seen.append(result.code)
        if len(seen) == 2:
            raise RuntimeError("parser broke")
        return read_row(preview, result, *args)

    monkeypatch.setattr(return_import, "_read_row", fails_on_second_row)
    before, switch = sha(setup.store.path), sys.getswitchinterval()
    with pytest.raises(RuntimeError, match="parser broke"):
        import_return(setup.store, path)
    assert sha(setup.store.path) == before
    assert sys.getswitchinterval() == switch
    assert not setup.store.in_write  # the connection is usable again
    monkeypatch.undo()
    assert import_return(setup.store, path).status == "applied"


def test_same_file_imported_by_another_process_meanwhile(setup, monkeypatch):
    from desktop_app.services import exchange as services
    from desktop_app.store import Store

    path = setup.edit({("GH-1", "percent_complete"): 65})
    open_return = services.open_return

    def other_process_imports_it_first(store, *args, **kw):
        opened = open_return(store, *args, **kw)
        if store is setup.store:
            with Store.open(setup.store.path, user="另一台电脑") as other:
                assert services.import_return(other, path).status == "applied"
        return opened

    monkeypatch.setattr(services, "open_return", other_process_imports_it_first)
    outcome = import_return(setup.store, path)
    assert outcome.status == "already-imported" and "未做任何修改" in outcome.message
    assert setup.store.scalar("SELECT count(*) FROM import_batch") == 1
    assert get_project(setup.store, "GH-1").percent_complete == 65


def test_written_part_by_part_gives_what_preview_then_apply_gives(setup, monkeypatch, tmp_path):
    """A conflict taken from the return, a change, a refused row skipped and a proposal: each
    row written on its own while the next is parsed, the result as the window's two steps."""
    import shutil

    from desktop_app.exchange import return_import
    from desktop_app.store import Store

    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    wb, ws = _rows(
        setup.edit(
            {
                ("GH-1", "percent_complete"): 35,  # the office's 40 since the issue: a conflict
                ("GH-1", "problems"): "资金",
                ("GH-2", "progress_text"): "已开工",
                ("GH-3", "percent_complete"): 130,  # refused, skipped
            }
        )
    )
    last = ws.max_row + 1
    ws.cell(last, 2).value = "广汉新建停车场"
    path = setup.tmp / "逐行.xlsx"
    wb.save(path)
    copy = tmp_path / "副本.db"
    shutil.copy(setup.store.path, copy)
    take = {(setup.ids["GH-1"], "percent_complete")}

    read_row = return_import._read_row
    monkeypatch.setattr(return_import, "_read_row", lambda *a: time.sleep(0.05) or read_row(*a))
    monkeypatch.setattr(return_import, "PARSED_ROWS_STEP", 1)
    streamed = import_return(setup.store, path, skip_invalid=True, take_return=take)
    monkeypatch.undo()
    with Store.open(copy, user="测试员") as other:
        stepwise = apply_return(
            other, read_return(other, path), skip_invalid=True, take_return=take
        )
        expected = _state(other)
    assert streamed.status == stepwise.status == "applied"
    assert streamed.preview.counts() == stepwise.preview.counts()
    assert streamed.preview.counts()["refused"] == 1 and streamed.preview.counts()["proposals"] == 1
    assert [(c.code, c.field, c.old, c.new) for c in streamed.applied] == [
        (c.code, c.field, c.old, c.new) for c in stepwise.applied
    ]
    assert _state(setup.store) == expected
    assert get_project(setup.store, "GH-1").percent_complete == 35


def _state(store) -> dict:
    """What an import leaves in the database, without time stamps and ids."""
    return {
        "projects": store.conn.execute(
            "SELECT code, stage, percent_complete, investment_to_date, version FROM project"
            " ORDER BY code"
        ).fetchall(),
        "reports": store.conn.execute(
            "SELECT project_id, period, percent_complete, progress_text, problems, source"
            " FROM progress_report ORDER BY project_id, period"
        ).fetchall(),
        "audit": sorted(
            store.conn.execute(
                "SELECT entity, project_id, field, old, new, source FROM audit_log"
                " WHERE source = '导入'"
            ).fetchall(),
            key=repr,
        ),
        "proposals": [p["name"] for p in list_proposals(store)],
        "batches": store.conn.execute("SELECT counts FROM import_batch").fetchall(),
    }


def test_same_file_imported_elsewhere_between_preview_and_apply(setup, monkeypatch):
    """The window's preview; as it applies, a colleague's import of the same file lands just
    after the apply looked and just before it writes: the apply says so and writes nothing."""
    from desktop_app.store import Store
    from desktop_app.store import exchange as xstore

    path = setup.edit({("GH-1", "percent_complete"): 66})
    preview = read_return(setup.store, path)
    assert not preview.already_imported
    by_sha, calls = xstore.batch_by_sha, []

    def colleague_imports_right_after_the_look(store, sha256, kind):
        found = by_sha(store, sha256, kind)
        if store is setup.store and not calls:
            calls.append(found)
            with Store.open(setup.store.path, user="同事") as other:
                assert import_return(other, path).status == "applied"
        return found

    monkeypatch.setattr(xstore, "batch_by_sha", colleague_imports_right_after_the_look)
    outcome = apply_return(setup.store, preview)
    assert calls == [None]  # the apply looked before the colleague's import
    assert outcome.status == "already-imported" and "未做任何修改" in outcome.message
    assert setup.store.scalar("SELECT count(*) FROM import_batch") == 1


def test_rows_renumbered_by_another_process_after_the_preview(setup):
    """Another program rewrites the project table between the preview and the apply, so that
    the projects' rows get other numbers (as a table rebuilt by copying does): the import still
    writes to the right projects."""
    import sqlite3

    path = setup.edit(
        {("GH-1", "percent_complete"): 61, ("GH-2", "percent_complete"): 62}, name="改号后.xlsx"
    )
    preview = read_return(setup.store, path)
    others = setup.store.conn.execute(
        "SELECT code, percent_complete FROM project WHERE code NOT IN ('GH-1', 'GH-2')"
    ).fetchall()
    other = sqlite3.connect(setup.store.path)
    # GH-1 takes GH-2's row number and GH-2 a new one.
    gh1, gh2 = (
        other.execute("SELECT rowid FROM project WHERE code = ?", (c,)).fetchone()[0]
        for c in ("GH-1", "GH-2")
    )
    top = other.execute("SELECT max(rowid) FROM project").fetchone()[0]
    other.execute("UPDATE project SET rowid = ? WHERE rowid = ?", (top + 1, gh2))
    other.execute("UPDATE project SET rowid = ? WHERE rowid = ?", (gh2, gh1))
    other.commit()
    other.close()
    assert apply_return(setup.store, preview).status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 61
    assert get_project(setup.store, "GH-2").percent_complete == 62
    assert (
        setup.store.conn.execute(
            "SELECT code, percent_complete FROM project WHERE code NOT IN ('GH-1', 'GH-2')"
        ).fetchall()
        == others
    )


def test_a_return_for_a_closed_plans_project_is_refused_and_changes_nothing(setup):
    from desktop_app.services.plans import close_plan

    path = setup.edit({("GH-1", "percent_complete"): 45})
    close_plan(setup.store, 1)
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    messages = [e.message for e in outcome.preview.all_errors]
    assert any(
        "项目「GH-1 广汉测试道路」属于已关闭的规划" in m and "重新打开" in m for m in messages
    )
    assert sha(setup.store.path) == before
    assert get_project(setup.store, "GH-1").percent_complete == 30
