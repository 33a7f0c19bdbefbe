"""A year's cycle through the services, as the office runs it: the list made and issued, templates
sent with the 「重点任务」 sheet, three units' returns (one with errors, one corrected later), the
lights and rates, and the list printed and exported. Each step also checks the wrong value that
would pass unnoticed there."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "exchange"))
from taskhelpers import task_report, task_rows, tcol  # noqa: E402
from xhelpers import sha  # noqa: E402

from desktop_app.domain.status import RED  # noqa: E402
from desktop_app.exchange.annual_list import export_list  # noqa: E402
from desktop_app.exchange.task_sheet import TASK_SHEET  # noqa: E402
from desktop_app.reports.annual_list import render_annual_list  # noqa: E402
from desktop_app.services import annual, task_monitoring  # noqa: E402
from desktop_app.services.exchange import import_return, issue_template  # noqa: E402
from desktop_app.store import annual as astore  # noqa: E402
from desktop_app.store.units import get_unit  # noqa: E402

YEAR, PERIOD, TODAY = 2026, "2026-11", date(2026, 12, 6)
JY, GH, SF = "旌阳区", "广汉市", "什邡市"


@pytest.fixture
def year_list(store):
    """2026's list as the office makes it through the services: four tasks of the plan and a
    project, each with its targets and units. Not issued yet."""
    annual.create_list(store, YEAR)
    cands = astore.candidates(store)
    tasks = [c for c in cands if c.kind == "任务"][:4]
    project = next(c for c in cands if c.kind == "项目" and c.code == "ZL02-001")
    annual.add_items(store, YEAR, [("任务", t.id) for t in tasks] + [("项目", project.id)])
    unit = {n: get_unit(store, n).id for n in (JY, GH, SF)}
    plan = [  # (due, expected, units)
        ("9月底前", "S11线旌阳段开工", [(unit[JY], "牵头"), (unit[GH], "责任")]),
        ("年底前", "打通断头路2条", [(unit[GH], "牵头")]),
        ("6月底前", "物流枢纽规划获批", [(unit[SF], "牵头")]),
        ("10月底前", "城乡公交一体化", [(unit[SF], "牵头")]),
    ]
    items = {i.task_id: i for i in astore.list_items(store, YEAR) if i.task_id}
    for t, (due, expected, units) in zip(tasks, plan, strict=True):
        annual.set_targets(
            store,
            items[t.id].id,
            annual.Targets(expected=expected, due_text=due, units=units),
        )
    pitem = next(i for i in astore.list_items(store, YEAR) if i.project_id == project.id)
    annual.set_targets(
        store,
        pitem.id,
        annual.Targets(expected="完成主体工程60%", planned_investment=25000, target_stage="在建"),
    )
    return {"tasks": tasks, "codes": [t.code for t in tasks], "project": project}


def fill(template: Path, out: Path, edits: dict[tuple[str, str], object]) -> Path:
    """A clerk's return: the template's task sheet edited in Excel (openpyxl); ``(code, None)``
    types a task's code on a new row under the list."""
    wb = openpyxl.load_workbook(template)
    ws = wb[TASK_SHEET]
    rows = task_rows(template)
    for (code, key), value in edits.items():
        if key is None:
            rows[code] = max(rows.values()) + 1
            ws[f"{tcol('code')}{rows[code]}"] = code
            continue
        ws[f"{tcol(key)}{rows[code]}"] = value
    wb.save(out)
    return out


def test_a_year_of_the_list_through_the_services(store, year_list, tmp_path):
    t1, t2, t3, t4 = year_list["codes"]
    titles = {t.code: t.name for t in year_list["tasks"]}

    # A draft list's tasks are not sent out: the template has no task rows yet.
    draft = issue_template(store, JY, PERIOD, tmp_path / "草稿时.xlsx")
    assert TASK_SHEET not in openpyxl.load_workbook(draft).sheetnames
    annual.issue_list(store, YEAR, "成德同城办〔2026〕1号", "2026-02-15")

    # Templates: each unit gets the tasks it leads or answers for, in the list's order.
    out = tmp_path / "模板"
    out.mkdir()
    template = {u: issue_template(store, u, PERIOD, out / f"{u}.xlsx") for u in (JY, GH, SF)}
    assert list(task_rows(template[JY])) == [t1]
    assert list(task_rows(template[GH])) == [t1, t2]  # 责任 on t1, 牵头 of t2
    assert list(task_rows(template[SF])) == [t3, t4]
    ws = openpyxl.load_workbook(template[SF])[TASK_SHEET]
    row = task_rows(template[SF])[t3]
    assert ws[f"{tcol('title')}{row}"].value == titles[t3]

    # 旌阳区 and 什邡市 report; t1 done on its date, t4 done on time, t3 late and not done.
    back = tmp_path / "回报"
    back.mkdir()
    jy = fill(
        template[JY],
        back / "旌阳区.xlsx",
        {(t1, "state"): "已完成", (t1, "done_date"): "2026-09-30", (t1, "progress_text"): "已开工"},
    )
    assert import_return(store, jy).status == "applied"
    sf = fill(
        template[SF],
        back / "什邡市.xlsx",
        {
            (t3, "state"): "推进中",
            (t3, "problems"): "规划待省厅审批",
            (t4, "state"): "已完成",
            (t4, "done_date"): "2026-10-20",
        },
    )
    assert import_return(store, sf).status == "applied"

    # 广汉市's return: a word not in the list, a date that is no date, and a task it is not on
    # typed under its list. Refused whole, each cell named, nothing written.
    gh = fill(
        template[GH],
        back / "广汉市.xlsx",
        {
            (t1, "state"): "基本完成",
            (t2, "state"): "已完成",
            (t2, "done_date"): "下旬",
            (t3, None): None,
        },
    )
    before = sha(store.path)
    refused = import_return(store, gh)
    assert refused.status != "applied"
    rows = task_rows(gh)
    errors = {e.cell: e.message for e in refused.preview.all_errors}
    assert set(errors) == {
        f"{tcol('state')}{rows[t1]}",
        f"{tcol('done_date')}{rows[t2]}",
        f"{tcol('code')}{rows[t3]}",
    }, errors
    assert "基本完成" in errors[f"{tcol('state')}{rows[t1]}"]
    assert "不在「广汉市」2026年度重点任务清单的任务中" in errors[f"{tcol('code')}{rows[t3]}"]
    assert all(m.startswith(f"{TASK_SHEET}!") for m in errors.values())
    assert sha(store.path) == before
    assert task_report(store, t3, GH, PERIOD) is None  # not reported by a unit not on it

    # The rates before the correction: t1 and t4 on time, t3 overdue, t2 not due yet.
    def figures():
        return task_monitoring.year_figures(store, TODAY, year=YEAR)

    f = figures()
    assert (f.overall.tasks, f.overall.due, f.overall.rate) == (4, 3, 66.7)
    # 旌阳区 finds t1 was done in October, after its 时限: it sends the same file corrected.
    corrected = fill(jy, back / "旌阳区（更正）.xlsx", {(t1, "done_date"): date(2026, 10, 15)})
    outcome = import_return(store, corrected)
    assert outcome.status == "applied", outcome.preview.all_errors
    report = task_report(store, t1, JY, PERIOD)
    assert (report["done_date"], report["version"]) == ("2026-10-15", 2)
    assert store.scalar("SELECT count(*) FROM task_report WHERE period = ?", (PERIOD,)) == 3

    # The lights and rates: the correction replaces the report (not a second one counted).
    f = figures()
    assert (f.overall.tasks, f.overall.due, f.overall.count("按期完成")) == (4, 3, 1)
    assert f.overall.rate == 33.3
    by_unit = {u.label: u for u in f.units}
    assert (by_unit[JY].rate, by_unit[SF].rate) == (0.0, 50.0)
    assert by_unit[GH].tasks == 2  # its part of t1 (done late with the task) and t2
    rows_by_code = {r.task.code: r for r in f.monitor.rows}
    assert rows_by_code[t1].category == "逾期完成"
    assert rows_by_code[t4].category == "按期完成"
    late = rows_by_code[t3]
    assert (late.category, late.status.light) == ("逾期未完成", RED)
    assert late.status.days_late == (TODAY - date(2026, 6, 30)).days
    watch = task_monitoring.watch_tasks(f.monitor)
    assert watch[0].task.code == t3  # first in 督办预警
    assert [r.task.code for r in f.overdue] == [t3]
    line = task_monitoring.summary_line(f)
    assert "重点任务4项，到期3项，按期完成1项，按期完成率33.3%" in line
    assert "清单项目1个，年度计划投资2.50亿元" in line

    # The list printed: every entry with its units and targets, the doc number on top.
    pdf = render_annual_list(store, YEAR, tmp_path / "清单.pdf", printed=TODAY)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "成德同城办〔2026〕1号" in flat
    for t in year_list["tasks"]:
        assert "".join(t.name.split())[:8] in flat
    for expected in ("物流枢纽规划获批", "城乡公交一体化", "完成主体工程60%", "6月底前"):
        assert expected in flat
    # And exported: the rows as the office circulates them.
    xlsx = export_list(store, YEAR, tmp_path / "清单.xlsx")
    ws = openpyxl.load_workbook(xlsx).active
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header = values[2]
    by_name = {r[header.index("任务/项目")]: r for r in values[3:] if r[0] and str(r[0]).isdigit()}
    row = by_name[titles[t1]]
    assert (row[header.index("牵头单位")], row[header.index("责任单位")]) == (JY, GH)
    assert row[header.index("完成时限")] == "9月底前"
    prow = by_name[year_list["project"].name]
    assert prow[header.index("年度计划投资（万元）")] in (25000, "25000")
    assert len(by_name) == 5
