"""A bank of messy returns, made the way clerks make them. Every case ends in exactly one of two
outcomes: applied exactly as the unit meant (the stored values are checked), or refused with a
message naming the file, the sheet and cell, and what to do, the database byte-identical."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert
from xhelpers import PERIOD, col, sha

from desktop_app.domain.errors import UserError
from desktop_app.domain.model import ProgressReport
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW
from desktop_app.services.exchange import import_return, issue_template
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import get_project

PROJECT_FIELDS = ("stage", "actual_start", "actual_end", "percent_complete", "investment_to_date")


@dataclass
class Applied:
    """The values the unit meant: ``{(code, field): value}`` (report fields of ``period``)."""

    values: dict
    period: str = PERIOD
    conflicts: int = 0


@dataclass
class Refused:
    """Refused: the words of the message, and the cell (``项目进展!M5``) when a cell is at fault."""

    words: tuple[str, ...]
    cell: str | None = None
    kwargs: dict = field(default_factory=dict)


# -- builders: what a clerk does to a template ------------------------------------------------


def _open(template: Path):
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    rows = {ws[f"A{r}"].value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
    return wb, ws, rows


def filled(template: Path, out: Path, changes: dict) -> Path:
    wb, ws, rows = _open(template)
    for (code, key), value in changes.items():
        cell = ws[f"{col(key)}{rows[code]}"]
        cell.value = value
    wb.save(out)
    return out


def without_properties(src: Path, out: Path) -> Path:
    """As WPS saves some files: the document's custom properties dropped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename == "docProps/custom.xml":
                continue
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b'<Override PartName="/docProps/custom.xml"', b"<Override_x ")
                data = data.replace(b"<Override_x ", b'<Override PartName="/docProps/x.xml"')
            zout.writestr(item, data)
    return out


def move_column(ws, key: str, before: str) -> None:
    """Cut a column and insert it before another (as Excel's 剪切 → 插入剪切的单元格)."""
    src = ws[f"{col(key)}1"].column
    values = [ws.cell(r, src).value for r in range(1, ws.max_row + 1)]
    ws.delete_cols(src)
    dst = next(c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == before)
    ws.insert_cols(dst)
    for r, v in enumerate(values, start=1):
        ws.cell(r, dst).value = v


# -- the cases ---------------------------------------------------------------------------------
# Each takes the ``setup`` (广汉市 with GH-1 在建 30 %, GH-2 前期, GH-3 储备; a 2026-11 template)
# and returns (file, expected outcome).


def libreoffice_resave(s):
    src = filled(
        s.template,
        s.tmp / "广汉市.xlsx",
        {
            ("GH-1", "percent_complete"): 45,
            ("GH-1", "problems"): "征地拆迁",
            ("GH-2", "actual_start"): date(2026, 3, 1),
            ("GH-2", "stage"): "在建",
        },
    )
    out = convert(src, "xlsx", s.tmp / "lo")
    return out, Applied(
        {
            ("GH-1", "percent_complete"): 45,
            ("GH-1", "problems"): "征地拆迁",
            ("GH-2", "actual_start"): date(2026, 3, 1),
            ("GH-2", "stage"): "在建",
        }
    )


def saved_as_xls(s):
    src = filled(
        s.template,
        s.tmp / "广汉市xls.xlsx",
        {("GH-1", "investment_to_date"): 3200.5, ("GH-3", "progress_text"): "完成可研"},
    )
    out = convert(src, "xls", s.tmp / "xls")
    return out, Applied(
        {("GH-1", "investment_to_date"): 3200.5, ("GH-3", "progress_text"): "完成可研"}
    )


def wps_style(s):
    """Re-saved by another program, custom properties dropped, numbers typed as text."""
    src = filled(
        s.template,
        s.tmp / "wps.xlsx",
        {("GH-1", "percent_complete"): "４５％", ("GH-1", "investment_this_year"): "1,200"},
    )
    out = without_properties(convert(src, "xlsx", s.tmp / "wps"), s.tmp / "wps_saved.xlsx")
    return out, Applied({("GH-1", "percent_complete"): 45, ("GH-1", "investment_this_year"): 1200})


def columns_moved(s):
    wb, ws, rows = _open(s.template)
    ws.protection.sheet = False
    move_column(ws, "problems", before="建设阶段")
    r = rows["GH-1"]
    problems = next(
        c for c in range(1, ws.max_column + 1) if ws.cell(HEADER_ROW, c).value == "存在问题"
    )
    ws.cell(r, problems).value = "资金缺口"
    out = s.tmp / "列换位.xlsx"
    wb.save(out)
    return out, Applied({("GH-1", "problems"): "资金缺口", ("GH-1", "percent_complete"): 30})


def rows_sorted(s):
    wb, ws, rows = _open(s.template)
    data = [
        [c.value for c in ws[r]] for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value
    ]
    data.sort(key=lambda row: row[0], reverse=True)
    for i, values in enumerate(data):
        for j, v in enumerate(values, start=1):
            ws.cell(FIRST_DATA_ROW + i, j).value = v
    new_rows = {ws[f"A{r}"].value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
    ws[f"{col('percent_complete')}{new_rows['GH-1']}"] = 33
    ws[f"{col('progress_text')}{new_rows['GH-3']}"] = "选址"
    out = s.tmp / "排序.xlsx"
    wb.save(out)
    return out, Applied({("GH-1", "percent_complete"): 33, ("GH-3", "progress_text"): "选址"})


def merged_problems(s):
    wb, ws, rows = _open(s.template)
    r1, r2 = rows["GH-1"], rows["GH-2"]
    assert r2 == r1 + 1
    ws[f"{col('problems')}{r1}"] = "共用征地指标未批"
    ws.merge_cells(f"{col('problems')}{r1}:{col('problems')}{r2}")
    out = s.tmp / "合并.xlsx"
    wb.save(out)
    return out, Applied(
        {("GH-1", "problems"): "共用征地指标未批", ("GH-2", "problems"): "共用征地指标未批"}
    )


def chinese_forms(s):
    out = filled(
        s.template,
        s.tmp / "中文写法.xlsx",
        {
            ("GH-2", "actual_start"): "2026年3月1日",
            ("GH-2", "stage"): "在建",
            ("GH-1", "investment_to_date"): "0.5亿元",
            ("GH-1", "investment_this_year"): "800万元",
            ("GH-1", "percent_complete"): "45%",
            ("GH-3", "actual_start"): "2026.4.2",
            ("GH-3", "stage"): "在建",
        },
    )
    return out, Applied(
        {
            ("GH-2", "actual_start"): date(2026, 3, 1),
            ("GH-1", "investment_to_date"): 5000,
            ("GH-1", "investment_this_year"): 800,
            ("GH-1", "percent_complete"): 45,
            ("GH-3", "actual_start"): date(2026, 4, 2),
        }
    )


def corrections_of_corrections(s):
    for i, value in enumerate((40, 44)):
        first = filled(
            s.template,
            s.tmp / f"第{i}次.xlsx",
            {("GH-1", "percent_complete"): value, ("GH-1", "problems"): f"第{i}次"},
        )
        assert import_return(s.store, first).status == "applied"
    out = filled(s.template, s.tmp / "再更正.xlsx", {("GH-1", "percent_complete"): 47})
    # The last correction leaves 存在问题 as issued (empty): what the earlier returns said stands.
    return out, Applied({("GH-1", "percent_complete"): 47, ("GH-1", "problems"): "第1次"})


def late_return(s):
    pid = s.ids["GH-1"]
    record_report(
        s.store, ProgressReport(pid, "2026-12", percent_complete=60, progress_text="十二月")
    )
    late = issue_template(s.store, "广汉市", PERIOD, s.tmp / "补报模板.xlsx")
    out = filled(
        late,
        s.tmp / "补报.xlsx",
        {("GH-1", "percent_complete"): 45, ("GH-1", "progress_text"): "十一月"},
    )
    return out, Applied(
        {("GH-1", "percent_complete"): 45, ("GH-1", "progress_text"): "十一月"}
        # (the project's own 60 % is checked in test_return_truth)
    )


def shared_project_second_unit(s):
    """GH-2 is led by 市交通运输局 with 广汉市 responsible: the lead reports first."""
    theirs = issue_template(s.store, "市交通运输局", PERIOD, s.tmp / "交通模板.xlsx")
    first = filled(theirs, s.tmp / "交通.xlsx", {("GH-2", "percent_complete"): 15})
    assert import_return(s.store, first).status == "applied"
    out = filled(
        s.template,
        s.tmp / "广汉共用.xlsx",
        {("GH-2", "percent_complete"): 12, ("GH-1", "percent_complete"): 31},
    )
    # 广汉市's 12 conflicts with the lead's 15 (the database's value since the issue): kept.
    return out, Applied(
        {("GH-2", "percent_complete"): 15, ("GH-1", "percent_complete"): 31}, conflicts=1
    )


def wrong_unit(s):
    out = filled(s.template, s.tmp / "错单位.xlsx", {("GH-1", "percent_complete"): 50})
    return out, Refused(
        ("错单位.xlsx", "是发给「广汉市」的模板", "什邡市"), kwargs={"unit": "什邡市"}
    )


def old_template_reused_months_later(s):
    august = issue_template(s.store, "广汉市", "2026-08", s.tmp / "八月模板.xlsx")
    sent = filled(august, s.tmp / "八月.xlsx", {("GH-1", "percent_complete"): 20})
    assert import_return(s.store, sent).status == "applied"
    issue_template(s.store, "广汉市", PERIOD, s.tmp / "十一月模板.xlsx")
    out = filled(august, s.tmp / "八月模板再用.xlsx", {("GH-1", "percent_complete"): 50})
    return out, Refused(("八月模板再用.xlsx", "2026-08 的填报模板", f"使用 {PERIOD} 的模板"))


def percent_over_100(s):
    out = filled(s.template, s.tmp / "超百.xlsx", {("GH-1", "percent_complete"): 120})
    return out, Refused(
        ("超百.xlsx", "超出"), cell=f"项目进展!{col('percent_complete')}{s.row_of('GH-1')}"
    )


def swapped_codes(s):
    wb, ws, rows = _open(s.template)
    ws[f"A{rows['GH-1']}"], ws[f"A{rows['GH-3']}"] = "GH-3", "GH-1"
    out = s.tmp / "编码对调.xlsx"
    wb.save(out)
    return out, Refused(("编码对调.xlsx", "编码与名称不符"), cell=f"项目进展!B{rows['GH-1']}")


def formula_without_result(s):
    wb, ws, rows = _open(s.template)
    ws[f"{col('percent_complete')}{rows['GH-2']}"] = "=10*2"
    out = s.tmp / "公式.xlsx"
    wb.save(out)
    return out, Refused(
        ("公式.xlsx", "Excel 或 WPS"), cell=f"项目进展!{col('percent_complete')}{rows['GH-2']}"
    )


def emptied_cumulative(s):
    out = filled(s.template, s.tmp / "清空.xlsx", {("GH-1", "percent_complete"): None})
    return out, Refused(
        ("清空.xlsx", "不能清空"), cell=f"项目进展!{col('percent_complete')}{s.row_of('GH-1')}"
    )


def pasted_without_template(s):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["广汉市 2026年11月 项目进展"])
    ws.append(["项目编码", "项目名称", "完成百分比", "存在问题"])
    ws.append(["GH-1", "广汉测试道路", "50%", "无"])
    ws.append(["GH-3", "广汉属地项目", None, None])
    out = s.tmp / "粘贴.xlsx"
    wb.save(out)
    return (
        out,
        Applied({("GH-1", "percent_complete"): 50, ("GH-1", "problems"): "无"}),
        {
            "unit": "广汉市",
            "period": PERIOD,
        },
    )


def another_units_project(s):
    wb, ws, rows = _open(s.template)
    r = ws.max_row + 1
    ws[f"A{r}"], ws[f"B{r}"] = "OT-1", "什邡的项目"
    ws[f"{col('percent_complete')}{r}"] = 70
    out = s.tmp / "越界.xlsx"
    wb.save(out)
    return out, Refused(("越界.xlsx", "不属于「广汉市」的填报范围"), cell=f"项目进展!A{r}")


CASES: dict[str, Callable] = {
    f.__name__: f
    for f in (
        libreoffice_resave,
        saved_as_xls,
        wps_style,
        columns_moved,
        rows_sorted,
        merged_problems,
        chinese_forms,
        corrections_of_corrections,
        late_return,
        shared_project_second_unit,
        wrong_unit,
        old_template_reused_months_later,
        percent_over_100,
        swapped_codes,
        formula_without_result,
        emptied_cumulative,
        pasted_without_template,
        another_units_project,
    )
}


def stored(store, code: str, key: str, period: str):
    project = get_project(store, code)
    if (
        key in PROJECT_FIELDS
        and period == PERIOD
        and key not in ("percent_complete", "investment_to_date")
    ):
        return getattr(project, key)
    report = next((r for r in list_reports(store, project.id) if r.period == period), None)
    if key in ("percent_complete", "investment_to_date") and report is None:
        return getattr(project, key)
    if key in ("stage", "actual_start", "actual_end"):
        return getattr(project, key)
    return getattr(report, key) if report else None


@pytest.mark.parametrize("case", list(CASES))
def test_every_messy_return_is_applied_as_meant_or_refused_cleanly(setup, case):
    built = CASES[case](setup)
    path, expected, kwargs = (*built, {}) if len(built) == 2 else built
    if isinstance(expected, Refused):
        kwargs = expected.kwargs
    before = sha(setup.store.path)
    try:
        outcome = import_return(setup.store, path, **kwargs)
    except UserError as exc:
        assert isinstance(expected, Refused), exc.message
        assert expected.cell is None
        for words in expected.words:
            assert words in exc.message
        assert sha(setup.store.path) == before
        return
    if isinstance(expected, Refused):
        assert outcome.status == "rejected"
        assert path.name in outcome.message
        cells = {f"{e.sheet}!{e.cell}": e.message for e in outcome.preview.all_errors}
        assert expected.cell in cells, cells
        message = outcome.message + " ".join(cells.values())
        for words in expected.words:
            assert words in message
        assert sha(setup.store.path) == before
        return
    assert outcome.status == "applied", [e.message for e in outcome.preview.all_errors]
    assert not outcome.preview.all_errors
    assert outcome.preview.counts()["conflicts"] == expected.conflicts
    for (code, key), value in expected.values.items():
        assert stored(setup.store, code, key, expected.period) == value, (code, key)
