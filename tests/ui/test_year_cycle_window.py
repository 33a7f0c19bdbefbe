"""A year's cycle through the window only: the list made, its targets set and issued on the
年度清单 page; templates issued on 进度填报 carry each unit's tasks; three returns go through the
import wizard (one with errors, one corrected later); the 年度清单 page, 督办预警 and 首页 then show
the late task and the rates; the list is printed and exported with the page's buttons."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

sys.path.insert(0, str(Path(__file__).parents[1] / "exchange"))
from taskhelpers import task_report, task_rows, tcol  # noqa: E402
from test_annual_page import answer_next_dialog, ok  # noqa: E402
from test_month_end import button, click  # noqa: E402
from test_month_end_tasks import fill_tasks, run_wizard  # noqa: E402

from desktop_app.exchange.task_sheet import TASK_SHEET  # noqa: E402
from desktop_app.store import annual as astore  # noqa: E402
from desktop_app.ui.exchange.wizard import ImportWizard  # noqa: E402
from desktop_app.ui.main_window import MainWindow  # noqa: E402

PERIOD, TODAY = "2026-11", date(2026, 12, 6)
JY, GH, SF = "旌阳区", "广汉市", "什邡市"
PROJECT = "成都经广汉至德阳市域铁路S11线"
TARGETS = [  # (时限, 预期成果, 牵头, 责任)
    ("9月底前", "S11线旌阳段开工", JY, GH),
    ("年底前", "打通断头路2条", GH, ""),
    ("6月底前", "物流枢纽规划获批", SF, ""),
    ("10月底前", "城乡公交一体化", SF, ""),
]


@pytest.fixture
def window(qtbot, store):
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def entry(page, name: str) -> dict[str, str]:
    """An entry's cells as the 年度清单 table shows them, by column title."""
    tree = page.tree
    titles = [tree.headerItem().text(c) for c in range(tree.columnCount())]
    for n in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(n)
        for k in range(top.childCount()):
            if top.child(k).text(1) == name:
                return {t: top.child(k).text(c) for c, t in enumerate(titles)}
    raise KeyError(name)


def make_list(qtbot, window, store) -> list:
    """The office makes 2026's list on the page: four tasks and a project, targets, issued."""
    window.show_page("annual")
    page = window.page("annual")
    page.year_box.setValue(2026)
    click(qtbot, page.create_button)
    tasks = [c for c in astore.candidates(store) if c.kind == "任务"][:4]

    def tick(dialog):
        for t in tasks:
            dialog.check(t.code)
        dialog.check("ZL02-001")
        ok(dialog)

    answer_next_dialog(tick)
    click(qtbot, page.add_button)
    for t, (due, expected, lead, responsible) in zip(tasks, TARGETS, strict=True):
        page.select(t.name)

        def targets(dialog, due=due, expected=expected, lead=lead, responsible=responsible):
            dialog.due.setText(due)
            dialog.expected.setPlainText(expected)
            dialog.lead.setCurrentIndex(dialog.lead.findText(lead))
            dialog.responsible.setText(responsible)
            ok(dialog)

        answer_next_dialog(targets)
        click(qtbot, page.edit_button)
    page.select(PROJECT)

    def project(dialog):
        dialog.investment.setText("2.5亿")
        dialog.stage.setCurrentText("在建")
        dialog.expected.setPlainText("完成主体工程60%")
        ok(dialog)

    answer_next_dialog(project)
    click(qtbot, page.edit_button)
    assert entry(page, tasks[0].name)["责任单位"] == GH
    assert page.status.text() == "草稿（未印发）"

    def issue(dialog):
        dialog.doc_no.setText("成德同城办〔2026〕1号")
        ok(dialog)

    answer_next_dialog(issue)
    click(qtbot, page.issue_button)
    assert page.status.text().startswith("已印发：成德同城办〔2026〕1号")
    return tasks


def test_a_year_of_the_list_through_the_window(qtbot, window, store, tmp_path, monkeypatch):
    told = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(
            QMessageBox, kind, staticmethod(lambda _p, title, text, *a, **k: told.append(text))
        )
    tasks = make_list(qtbot, window, store)
    t1, t2, t3, t4 = (t.code for t in tasks)
    annual_page = window.page("annual")

    # Templates for every unit from 进度填报.
    window.show_page("reporting")
    page = window.page("reporting")
    page.period_combo.setCurrentIndex(page.period_combo.findData(PERIOD))
    folder = tmp_path / "发出的模板"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    click(qtbot, button(page, "生成全部单位模板…"))
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    template = {u: folder / f"{PERIOD}_{u}_填报模板.xlsx" for u in (JY, GH, SF)}
    assert list(task_rows(template[JY])) == [t1]
    assert list(task_rows(template[GH])) == [t1, t2]
    assert list(task_rows(template[SF])) == [t3, t4]

    returns = tmp_path / "收到的报表"
    returns.mkdir()
    jy = fill_tasks(
        template[JY],
        returns / "旌阳区 11月.xlsx",
        {(t1, "state"): "已完成", (t1, "done_date"): "2026年9月30日"},
    )
    sf = fill_tasks(
        template[SF],
        returns / "什邡市 11月.xlsx",
        {
            (t3, "state"): "推进中",
            (t3, "problems"): "规划待省厅审批",
            (t4, "state"): "已完成",
            (t4, "done_date"): "2026-10-20",
        },
    )
    gh = fill_tasks(
        template[GH],
        returns / "广汉市 11月.xlsx",
        {(t1, "state"): "基本完成", (t2, "done_date"): "下旬"},
    )
    # The clerk also types 什邡市's task under its list, as if it were 广汉市's to report.
    wb = openpyxl.load_workbook(gh)
    extra = max(task_rows(gh).values()) + 1
    wb[TASK_SHEET][f"{tcol('code')}{extra}"] = t3
    wb[TASK_SHEET][f"{tcol('state')}{extra}"] = "已完成"
    wb.save(gh)
    wizard = run_wizard(qtbot, window, page, [jy, sf, gh], monkeypatch)
    files = [wizard.preview_files.item(i).text() for i in range(wizard.preview_files.count())]
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if GH in f))
    errors = {
        wizard.error_table.item(r, 0).text(): wizard.error_table.item(r, 3).text()
        for r in range(wizard.error_table.rowCount())
    }
    rows = task_rows(gh)
    state_cell, date_cell = f"{tcol('state')}{rows[t1]}", f"{tcol('done_date')}{rows[t2]}"
    code_cell = f"{tcol('code')}{rows[t3]}"
    not_ours = errors.pop(f"重点任务!{code_cell}")
    assert "不在「广汉市」2026年度重点任务清单的任务中" in not_ours
    assert errors == {
        f"重点任务!{state_cell}": f"重点任务!{state_cell} 完成情况「基本完成」不是可选的完成情况，"
        "请从列表中选择：未启动/推进中/已完成/未完成",
        f"重点任务!{date_cell}": f"重点任务!{date_cell} 完成时间「下旬」不是日期，"
        "应写成 2026-03-01 这样的格式",
    }
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2 and wizard.job is None, timeout=60_000)
    click(qtbot, button(wizard, "关闭"))
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is None, timeout=10_000)
    assert (
        store.scalar(
            "SELECT count(*) FROM task_report r JOIN unit u ON u.id = r.unit_id WHERE u.name = ?",
            (GH,),
        )
        == 0
    )  # its wrong rows were not written

    # The 年度清单 page, opened again, shows the lights and rates of the imported reports.
    window.show_page("annual")
    assert "按期完成率66.7%" in annual_page.rates.text()
    assert entry(annual_page, tasks[0].name)["状态"] == "● 按期完成"
    late = entry(annual_page, tasks[2].name)
    assert late["状态"] == "● 逾期未完成"
    days = (TODAY - date(2026, 6, 30)).days
    assert late["状态说明"] == f"完成时限 2026-06-30 已过 {days} 天，尚未完成"

    # 旌阳区 corrects its return: done on 10-15, after its 时限.
    window.show_page("reporting")
    corrected = fill_tasks(
        jy, returns / "旌阳区 11月（更正）.xlsx", {(t1, "done_date"): date(2026, 10, 15)}
    )
    wizard = run_wizard(qtbot, window, page, [corrected], monkeypatch)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2 and wizard.job is None, timeout=60_000)
    click(qtbot, button(wizard, "关闭"))
    assert task_report(store, t1, JY, PERIOD)["version"] == 2

    window.show_page("annual")
    assert "重点任务4项，到期3项，按期完成1项，按期完成率33.3%" in annual_page.rates.text()
    assert entry(annual_page, tasks[0].name)["状态"] == "● 逾期完成"
    assert entry(annual_page, PROJECT)["状态"].startswith("●")

    # 督办预警: the late task first among the tasks, with its reason.
    window.show_page("supervision")
    watch = window.page("supervision").watch
    shown = [
        [watch.model().index(r, c).data() for c in range(watch.model().columnCount())]
        for r in range(watch.model().rowCount())
    ]
    task_lines = [r for r in shown if r[1] == "任务"]
    assert task_lines[0][2] == t3 and task_lines[0][5] == late["状态说明"]
    assert t4 not in [r[2] for r in task_lines]  # done on time: no warning

    # 首页: the same rate.
    window.show_page("dashboard")
    tile = window.page("dashboard").year_list.tiles["rate"]
    assert tile.value.text() == "33.3%"
    assert "到期 3 项，按期完成 1 项" in tile.detail.text()

    # Printed and exported from the page.
    window.show_page("annual")
    pdf, xlsx = tmp_path / "清单.pdf", tmp_path / "清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    click(qtbot, annual_page.pdf_button)
    qtbot.waitUntil(lambda: not annual_page.busy, timeout=60_000)
    text = "".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "成德同城办〔2026〕1号" in text and "物流枢纽规划获批" in text
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    click(qtbot, annual_page.export_button)
    qtbot.waitUntil(lambda: not annual_page.busy, timeout=60_000)
    ws = openpyxl.load_workbook(xlsx).active
    names = [r[1] for r in ws.iter_rows(min_row=4, values_only=True) if str(r[0]).isdigit()]
    assert sorted(names) == sorted([*(t.name for t in tasks), PROJECT])
    assert told == []
