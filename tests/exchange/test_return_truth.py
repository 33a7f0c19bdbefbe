"""A return never lies: what the unit emptied is cleared, a past period writes only its record,
codes and names must agree, formulas need their results, the office's columns and the hidden
metadata are not taken from the unit, and parallel imports judge conflicts as sequential ones."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from xhelpers import PERIOD, col, sha

from desktop_app.domain.errors import UserError
from desktop_app.domain.model import ProgressReport
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, META_SHEET
from desktop_app.exchange.return_import import read_return
from desktop_app.services.exchange import apply_return, import_return, issue_template
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import get_project

ROOT = Path(__file__).resolve().parents[2]


def fill(template: Path, changes: dict, out: Path, *, formulas: bool = False) -> Path:
    """Fill a template as a clerk would in Excel: ``{(code, field): value}``."""
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    rows = {ws[f"A{r}"].value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
    for (code, key), value in changes.items():
        cell = ws[f"{col(key)}{rows[code]}"]
        cell.value = value
        if isinstance(value, str) and value.startswith("=") and not formulas:
            cell.data_type = "s"
    wb.save(out)
    return out


def cell_of(template: Path, code: str, key: str) -> object:
    wb = openpyxl.load_workbook(template, read_only=True)
    ws = wb[DATA_SHEET]
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        if row[0].value == code:
            value = row[ord(col(key)) - 65].value
            wb.close()
            return value
    raise KeyError(code)


def report(store, pid: str, period: str = PERIOD) -> ProgressReport | None:
    return next((r for r in list_reports(store, pid) if r.period == period), None)


# -- 1. a prefilled cell emptied is cleared ---------------------------------------------------


@pytest.fixture
def prefilled(setup):
    """The period's report already says 存在问题/下步计划/本年完成投资 when the template is made."""
    record_report(
        setup.store,
        ProgressReport(
            setup.ids["GH-1"],
            PERIOD,
            investment_this_year=800,
            problems="征地拆迁未完成",
            next_steps="加快征地",
            progress_text="路基施工",
        ),
    )
    return issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "预填模板.xlsx")


def test_a_prefilled_cell_the_unit_empties_is_cleared(setup, prefilled):
    assert cell_of(prefilled, "GH-1", "problems") == "征地拆迁未完成"
    path = fill(
        prefilled,
        {
            ("GH-1", "problems"): None,
            ("GH-1", "next_steps"): "   ",  # spaces only
            ("GH-1", "investment_this_year"): None,
        },
        setup.tmp / "问题已解决.xlsx",
    )
    preview = read_return(setup.store, path)
    cleared = {(c.label, c.old, c.new) for c in preview.changes}
    assert cleared == {
        ("存在问题", "征地拆迁未完成", None),
        ("下步计划", "加快征地", None),
        ("本年完成投资（万元）", 800, None),
    }
    outcome = apply_return(setup.store, preview)
    assert outcome.status == "applied"
    r = report(setup.store, setup.ids["GH-1"])
    assert (r.problems, r.next_steps, r.investment_this_year) == (None, None, None)
    assert r.progress_text == "路基施工"  # left as it was
    audit = setup.store.query(
        "SELECT field, old, new FROM audit_log WHERE batch_id = ?", (outcome.batch_id,)
    )
    assert ("problems", "征地拆迁未完成", None) in {(a["field"], a["old"], a["new"]) for a in audit}


def test_a_correction_that_empties_what_the_first_return_said_clears_it(setup):
    first = fill(setup.template, {("GH-1", "problems"): "资金未到位"}, setup.tmp / "第一次.xlsx")
    assert import_return(setup.store, first).status == "applied"
    assert report(setup.store, setup.ids["GH-1"]).problems == "资金未到位"
    # The same template, corrected: the cell the unit filled is empty again.
    again = fill(
        setup.template,
        {("GH-1", "problems"): None, ("GH-1", "next_steps"): "开工"},
        setup.tmp / "更正.xlsx",
    )
    outcome = import_return(setup.store, again)
    assert outcome.status == "applied"
    r = report(setup.store, setup.ids["GH-1"])
    assert (r.problems, r.next_steps) == ("资金未到位", "开工")  # never prefilled: not cleared
    # A new template shows what is stored; emptying it there clears it.
    third_template = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "再发.xlsx")
    third = fill(third_template, {("GH-1", "problems"): ""}, setup.tmp / "再更正.xlsx")
    outcome = import_return(setup.store, third)
    assert [(c.label, c.new) for c in outcome.preview.changes] == [("存在问题", None)]
    assert report(setup.store, setup.ids["GH-1"]).problems is None
    assert outcome.as_json()["changes"] == [
        {"code": "GH-1", "field": "存在问题", "old": "资金未到位", "new": None, "cleared": True}
    ]


def test_emptying_a_prefilled_figure_of_the_project_is_refused(setup):
    before = sha(setup.store.path)
    path = fill(setup.template, {("GH-1", "percent_complete"): None}, setup.tmp / "清空百分比.xlsx")
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    [error] = outcome.preview.all_errors
    ref = f"{col('percent_complete')}{setup.row_of('GH-1')}"
    assert error.cell == ref and f"项目进展!{ref}" in error.message
    assert "原为「30」" in error.message and "不能清空" in error.message
    assert "清空百分比.xlsx" in outcome.message
    assert sha(setup.store.path) == before


# -- 2. formulas saved without their results --------------------------------------------------


def test_a_formula_without_a_saved_result_is_refused_naming_the_cell(setup):
    path = fill(
        setup.template,
        {("GH-1", "problems"): '="资金"&"缺口"', ("GH-2", "percent_complete"): "=20+5"},
        setup.tmp / "公式.xlsx",
        formulas=True,
    )
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    cells = {e.cell: e.message for e in outcome.preview.all_errors}
    problems = f"{col('problems')}{setup.row_of('GH-1')}"
    percent = f"{col('percent_complete')}{setup.row_of('GH-2')}"
    assert set(cells) == {problems, percent}
    assert "没有保存公式的计算结果" in cells[problems]
    assert "Excel 或 WPS 中打开该文件并保存" in cells[problems]
    assert sha(setup.store.path) == before


def test_the_same_formulas_saved_by_libreoffice_are_read_by_their_results(setup, tmp_path):
    soffice = pytest.importorskip("shutil").which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    path = fill(
        setup.template,
        {("GH-1", "problems"): '="资金"&"缺口"', ("GH-2", "percent_complete"): "=20+5"},
        setup.tmp / "公式.xlsx",
        formulas=True,
    )
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    outcome = import_return(setup.store, out / path.name)
    assert outcome.status == "applied", outcome.preview.all_errors
    assert report(setup.store, setup.ids["GH-1"]).problems == "资金缺口"
    assert get_project(setup.store, "GH-2").percent_complete == 25


def test_the_register_import_refuses_a_formula_without_its_result(store, tmp_path):
    from desktop_app.exchange.register_import import read_register

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "牵头单位", "阶段", "总投资（万元）"])
    ws.append(["公式写的项目", "市交通运输局", '="已开工"', 1000])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    preview = read_register(store, path)
    [error] = preview.all_errors
    assert error.cell == "C2" and "Excel 或 WPS" in error.message


# -- 3. a past period's template ----------------------------------------------------------------


@pytest.fixture
def reported_twice(setup):
    """GH-1 reported for November (40 %) and December (60 %, 竣工 not yet)."""
    pid = setup.ids["GH-1"]
    record_report(
        setup.store,
        ProgressReport(
            pid, PERIOD, percent_complete=40, investment_to_date=3000, progress_text="十一月"
        ),
    )
    record_report(
        setup.store,
        ProgressReport(
            pid, "2026-12", percent_complete=60, investment_to_date=5000, progress_text="十二月"
        ),
    )
    return pid


def test_a_past_periods_template_is_prefilled_from_that_periods_record(setup, reported_twice):
    late = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "补报模板.xlsx")
    assert cell_of(late, "GH-1", "percent_complete") == 40
    assert cell_of(late, "GH-1", "investment_to_date") == 3000
    assert cell_of(late, "GH-1", "progress_text") == "十一月"
    assert cell_of(late, "GH-1", "stage") is None  # the project's current state is not November's
    # A project with no later report is prefilled as before.
    assert cell_of(late, "GH-2", "stage") == "前期"


def test_a_late_return_writes_its_periods_record_only(setup, reported_twice):
    pid = reported_twice
    late = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "补报模板.xlsx")
    path = fill(
        late,
        {
            ("GH-1", "percent_complete"): 45,
            ("GH-1", "progress_text"): "十一月（更正）",
            ("GH-1", "stage"): "竣工",
            ("GH-1", "actual_end"): date(2026, 11, 30),
        },
        setup.tmp / "补报.xlsx",
    )
    preview = read_return(setup.store, path)
    olds = {c.label: (c.old, c.new) for c in preview.changes}
    assert olds == {"完成百分比": (40, 45), "形象进度": ("十一月", "十一月（更正）")}
    assert any("不改变项目当前的建设阶段" in n for n in preview.notes)
    assert any("建设阶段「竣工」" in item for item in preview.not_imported)
    assert apply_return(setup.store, preview).status == "applied"
    nov, dec = report(setup.store, pid), report(setup.store, pid, "2026-12")
    assert (nov.percent_complete, nov.investment_to_date, nov.progress_text) == (
        45,
        3000,
        "十一月（更正）",
    )
    assert (dec.percent_complete, dec.progress_text) == (60, "十二月")
    p = get_project(setup.store, "GH-1")
    assert (p.stage, p.actual_end, p.percent_complete, p.investment_to_date) == (
        "在建",
        None,
        60,
        5000,
    )


# -- 4. codes and names that contradict each other; hints -------------------------------------


def test_swapped_codes_are_refused_naming_both_projects(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    r1, r2 = setup.row_of("GH-1"), setup.row_of("GH-2")
    ws[f"A{r1}"], ws[f"A{r2}"] = "GH-2", "GH-1"
    ws[f"{col('investment_to_date')}{r1}"] = 9000  # meant for 广汉测试道路
    path = setup.tmp / "编码对调.xlsx"
    wb.save(path)
    before = sha(setup.store.path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "rejected"
    messages = {e.cell: e.message for e in outcome.preview.all_errors}
    assert set(messages) == {f"B{r1}", f"B{r2}"}
    assert "「GH-2」是项目「三星堆配套工程」" in messages[f"B{r1}"]
    assert "「广汉测试道路」" in messages[f"B{r1}"]
    assert sha(setup.store.path) == before


def test_a_name_written_with_other_spaces_and_widths_is_the_same_name(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    ws[f"B{setup.row_of('GH-1')}"] = " 广汉 测试道路 "
    ws[f"{col('percent_complete')}{setup.row_of('GH-1')}"] = 35
    path = setup.tmp / "名称空格.xlsx"
    wb.save(path)
    assert import_return(setup.store, path).status == "applied"
    assert get_project(setup.store, "GH-1").percent_complete == 35


def test_implausible_values_are_hints_not_refusals(setup):
    record_report(
        setup.store, ProgressReport(setup.ids["GH-1"], "2026-10", progress_text="路基施工中")
    )
    path = fill(
        setup.template,
        {
            ("GH-1", "investment_to_date"): 15000,  # 总投资 12000
            ("GH-1", "percent_complete"): 20,  # was 30
            ("GH-1", "progress_text"): "路基施工中",  # as last month
        },
        setup.tmp / "可疑.xlsx",
    )
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied"
    hints = outcome.as_json()["hints"]
    text = " ".join(h["message"] for h in hints)
    assert "超过总投资 12000 万元" in text
    assert "由 30% 降为 20%" in text
    assert "与上一期完全相同" in text
    assert {h["cell"] for h in hints} == {
        f"{col(k)}{setup.row_of('GH-1')}"
        for k in ("investment_to_date", "percent_complete", "progress_text")
    }
    assert get_project(setup.store, "GH-1").investment_to_date == 15000


# -- 5. edits the import does not take --------------------------------------------------------


def test_edits_to_the_offices_columns_and_added_sheets_are_listed(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    ws.protection.sheet = False  # the password is published in the guide
    r = setup.row_of("GH-1")
    ws[f"{col('total_investment')}{r}"] = 15000
    ws[f"{col('lead_unit')}{r}"] = "市交通运输局"
    ws[f"{col('percent_complete')}{r}"] = 35
    wb.create_sheet("补充说明")["A1"] = "另附情况说明"
    path = setup.tmp / "改了灰色列.xlsx"
    wb.save(path)
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied"
    result = outcome.as_json()
    items = result["not_imported"]
    assert any("牵头单位「广汉市」改为「市交通运输局」" in i for i in items)
    # A planning value already set is the unit's request, for the office to decide: listed as a
    # 变更申请, not as an edit left out.
    assert not any("总投资" in i for i in items)
    assert any("变更申请" in n and "GH-1" in n and "12000 → 15000" in n for n in result["notes"])
    assert "新增的工作表「补充说明」" in items
    note = next(n for n in outcome.preview.notes if n.startswith("以下修改未导入："))
    assert "基本信息由办公室维护" in note
    p = get_project(setup.store, "GH-1")
    assert (p.total_investment, p.lead_unit, p.percent_complete) == (12000, "广汉市", 35)


# -- 7. hidden metadata edited by hand ----------------------------------------------------------


@pytest.mark.parametrize("field, value", [("unit", "什邡市"), ("period", "2026-10")])
def test_metadata_edited_by_hand_is_refused(setup, field, value):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[META_SHEET]
    row = next(r for r in range(1, 10) if ws.cell(r, 1).value == field)
    ws.cell(row, 2).value = value
    path = setup.tmp / "改了模板信息.xlsx"
    wb.save(path)
    before = sha(setup.store.path)
    with pytest.raises(UserError, match="隐藏模板信息被改动过|与发放记录不符") as exc:
        import_return(setup.store, path)
    assert "改了模板信息.xlsx" in exc.value.message and value in exc.value.message
    assert sha(setup.store.path) == before


# -- the JSON of a file already imported ------------------------------------------------------


def test_json_of_an_already_imported_file_lists_nothing_it_would_change(setup):
    path = fill(setup.template, {("GH-1", "percent_complete"): 50}, setup.tmp / "已导入.xlsx")
    assert import_return(setup.store, path).status == "applied"
    for dry_run in (False, True):
        data = import_return(setup.store, path, dry_run=dry_run).as_json()
        if not dry_run:
            assert data["status"] == "already-imported"
            assert data["changes"] == [] and data["conflicts"] == []
            assert set(data["counts"].values()) == {0}


# -- 6. two processes at once -------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, sys
    from desktop_app.services import exchange
    from desktop_app.store import Store

    opened_return = exchange.open_return

    def open_then_wait(*args, **kwargs):
        opened = opened_return(*args, **kwargs)
        print("opened", flush=True)
        sys.stdin.readline()  # until the other import is done
        return opened

    exchange.open_return = open_then_wait
    with Store.open(sys.argv[1], create=False, user=sys.argv[3]) as store:
        outcome = exchange.import_return(store, sys.argv[2])
    print(json.dumps(outcome.as_json()["counts"]), flush=True)
    """
)


def _import_in_child(db: Path, path: Path, user: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db), str(path), user],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )


def _shared_returns(setup):
    """Two units' returns sharing GH-1 and GH-2: 广汉市's, and 市交通运输局's (lead of GH-2)."""
    from desktop_app.store.projects import set_units
    from desktop_app.store.units import get_unit

    traffic = get_unit(setup.store, "市交通运输局").id
    set_units(
        setup.store,
        setup.ids["GH-1"],
        [(get_unit(setup.store, "广汉市").id, "牵头"), (traffic, "责任")],
    )
    ours = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "广汉.xlsx")
    theirs = issue_template(setup.store, "市交通运输局", PERIOD, setup.tmp / "交通.xlsx")
    a = fill(
        ours,
        {("GH-1", "percent_complete"): 41, ("GH-2", "percent_complete"): 11},
        setup.tmp / "广汉回报.xlsx",
    )
    b = fill(
        theirs,
        {("GH-1", "percent_complete"): 42, ("GH-2", "percent_complete"): 12},
        setup.tmp / "交通回报.xlsx",
    )
    return a, b


def test_two_processes_importing_shared_projects_at_once_give_the_sequential_outcome(
    setup, tmp_path
):
    a, b = _shared_returns(setup)
    # Sequential, on a copy: the second return conflicts on both shared projects.
    seq_db = tmp_path / "顺序.db"
    seq_db.write_bytes(setup.store.path.read_bytes())
    from desktop_app.store import Store

    with Store.open(seq_db, create=False, user="甲") as s:
        import_return(s, a)
        sequential = import_return(s, b)
        seq_values = [get_project(s, c).percent_complete for c in ("GH-1", "GH-2")]
    assert sequential.preview.counts()["conflicts"] == 2
    # In parallel: the second process has read the file and the database before the first
    # writes, and writes after it.
    setup.store.close()
    db = setup.store.path
    second = _import_in_child(db, b, "乙")
    assert second.stdout.readline().strip() == "opened"
    first = _import_in_child(db, a, "甲")
    first.stdin.write("\n")
    first.stdin.flush()
    first.wait(timeout=120)
    second.stdin.write("\n")
    second.stdin.flush()
    out, _ = second.communicate(timeout=120)
    counts = json.loads(out.strip().splitlines()[-1])
    assert counts["conflicts"] == 2
    with Store.open(db, create=False, user="丙") as s:
        assert [get_project(s, c).percent_complete for c in ("GH-1", "GH-2")] == seq_values
        assert seq_values == [41, 11]


def test_a_template_of_a_unit_renamed_since_is_still_taken(setup):
    from desktop_app.store.units import get_unit, update_unit

    path = fill(setup.template, {("GH-1", "percent_complete"): 36}, setup.tmp / "改名后.xlsx")
    update_unit(setup.store, get_unit(setup.store, "广汉市").id, {"name": "广汉市人民政府"})
    outcome = import_return(setup.store, path)
    assert outcome.status == "applied" and outcome.preview.unit == "广汉市人民政府"
    assert get_project(setup.store, "GH-1").percent_complete == 36
