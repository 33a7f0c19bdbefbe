"""The register export as the office opens it in Excel, and read back by the 台账 import."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl

from desktop_app.domain.model import Milestone, ProgressReport
from desktop_app.exchange.register_export import export_register
from desktop_app.exchange.register_import import read_register
from desktop_app.store.progress import record_report
from desktop_app.store.projects import save_project

TODAY = date(2026, 11, 29)


def _register(store, make_project):
    a = make_project(
        "EX-2",
        '=HYPERLINK("http://example.com")',
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 6, 30),
        total_investment=123456.78,
        percent_complete=40,
    )
    b = make_project("EX-1", "德阳东站综合交通枢纽", lead="市交通运输局", stage="前期")
    save_project(store, a, fields={}, milestones=[Milestone("开工", date(2025, 1, 1))])
    for period in ("2026-10", "2026-09"):
        record_report(store, ProgressReport(a, period, 40, progress_text=f"{period} 进展"))
    record_report(store, ProgressReport(b, "2026-10", progress_text="可研编制"))
    return a, b


def test_export_is_a_workbook_an_office_can_use(store, make_project, tmp_path):
    _register(store, make_project)
    out = export_register(store, tmp_path / "项目库.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(out)
    ws = wb["项目库"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["项目编码", "项目名称", "专栏"]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    col = {h: i for i, h in enumerate(headers)}
    ex2 = rows["EX-2"]
    # user text that looks like a formula stays text
    assert ex2[col["项目名称"]].value == '=HYPERLINK("http://example.com")'
    assert ex2[col["项目名称"]].data_type == "s"
    # real dates and numbers, amounts with thousands separators
    assert ex2[col["计划开工"]].value == datetime(2025, 1, 1)
    assert ex2[col["总投资（万元）"]].value == 123456.78
    assert ex2[col["总投资（万元）"]].number_format == "#,##0.00"
    assert ex2[col["完成百分比"]].value == 40
    # a percentage reads as every table shows it (40.0%), the value staying the number 40
    assert ex2[col["完成百分比"]].number_format == '0.0"%"'
    report = next(r for r in wb["进度历史"].iter_rows(min_row=2) if r[0].value == "EX-2")
    assert report[3].value == 40 and report[3].number_format == '0.0"%"'
    # the light: its name on its colour (late: planned end passed)
    light = ex2[col["状态"]]
    assert light.value == "红灯" and light.fill.fgColor.rgb.endswith("D93025")
    assert [c.value for c in wb["关键节点"][2]][:3] == ["EX-2", ex2[1].value, "开工"]
    history = [(r[0].value, r[2].value) for r in wb["进度历史"].iter_rows(min_row=2)]
    assert history == [("EX-1", "2026-10"), ("EX-2", "2026-09"), ("EX-2", "2026-10")]
    reported = wb["进度历史"].cell(2, 11)
    assert wb["进度历史"].cell(1, 11).value == "填报时间"
    assert isinstance(reported.value, datetime) and reported.is_date


def test_exported_register_read_back_changes_nothing(store, make_project, tmp_path):
    _register(store, make_project)
    out = export_register(store, tmp_path / "项目库.xlsx", today=TODAY)
    preview = read_register(store, out)
    counts = preview.counts()
    assert counts["created"] == 0 and counts["refused"] == 0 and counts["updated"] == 0
    assert counts["unchanged"] >= 2


def test_every_history_row_keeps_its_own_figures(store, make_project, tmp_path):
    """The 进度历史 sheet's figures are written through reused cells: each row must still carry
    its own values (and an empty figure stays empty), formatted as the other tables."""
    pid = make_project("EX-9", "历史数字项目", lead="市交通运输局", stage="在建")
    figures = {"2026-08": (10, 100.5, None), "2026-09": (20, None, 30.25), "2026-10": (35, 300, 40)}
    for period, (pct, to_date, this_year) in figures.items():
        record_report(
            store,
            ProgressReport(
                pid,
                period,
                pct,
                investment_to_date=to_date,
                investment_this_year=this_year,
                progress_text=period,
            ),
        )
    out = export_register(store, tmp_path / "项目库.xlsx", today=TODAY)
    ws = openpyxl.load_workbook(out)["进度历史"]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=2) if r[0].value == "EX-9"}
    for period, expected in figures.items():
        cells = rows[period][3:6]
        assert tuple(c.value for c in cells) == expected, period
        for cell, value, number_format in zip(
            cells, expected, ('0.0"%"', "#,##0.00", "#,##0.00"), strict=True
        ):
            if value is not None:
                assert cell.number_format == number_format, (period, number_format)
    assert rows["2026-09"][4].value is None  # not reported: an empty cell, not the row before's


def test_the_plans_tasks_are_a_sheet_of_their_own_with_their_units(store, tmp_path):
    from desktop_app.domain.bulk import ADD, UnitChange
    from desktop_app.services.bulk import assign_task_units
    from desktop_app.store.tasks import list_tasks
    from desktop_app.store.units import get_unit

    first = list_tasks(store)[0]
    assign_task_units(
        store,
        [first.id],
        UnitChange(
            lead=get_unit(store, "市发展改革委").id,
            supporting=(ADD, (get_unit(store, "广汉市").id, get_unit(store, "什邡市").id)),
        ),
    )
    out = export_register(store, tmp_path / "项目库.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "重点任务"
    ws = wb["重点任务"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "编号", "章", "节", "任务", "规划原文", "原文行号", "牵头单位", "责任单位", "配合单位", "备注"
    )  # fmt: skip
    assert len(rows) == 1 + 73
    assert ws.auto_filter.ref == "A1:J74"
    assert rows[1][:4] == (first.code, first.chapter_label, first.section, first.title)
    assert rows[1][4:] == (
        first.text, first.source_line, "市发展改革委", None, "广汉市、什邡市", None
    )  # fmt: skip
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["RW04-1-1"][1:6] == (
        "第四章",
        "全面推进交通基础设施互联互通",
        "建设多层次多制式轨道交通",
        "强化成德快速轨道交通建设。",
        699,
    )
    assert all(r[6] is None for code, r in by_code.items() if code != first.code)


def test_rows_written_with_their_cells_as_given_are_the_same_file(
    store, make_project, tmp_path, monkeypatch
):
    """The sheets take formatted cells as they are (a faster conversion of a row than
    openpyxl's own): every sheet part is the same as openpyxl's own conversion writes it."""
    import zipfile

    from desktop_app.exchange import register_export

    _register(store, make_project)
    pid = make_project("EX-9", "历史数字项目", lead="市交通运输局", stage="在建")
    record_report(store, ProgressReport(pid, "2026-08", 10, investment_to_date=100.5))
    ours = export_register(store, tmp_path / "快.xlsx", today=TODAY)
    monkeypatch.setattr(register_export, "_cells_as_given", lambda ws: None)
    theirs = export_register(store, tmp_path / "原.xlsx", today=TODAY)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith("docProps/"):  # (the time of writing)
                assert a.read(name) == b.read(name), name
