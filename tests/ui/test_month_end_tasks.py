"""The month end with the year's list: templates carry a 「重点任务」 sheet, three units fill it as
clerks do (one clean with a pasted date and a cleared cell, one with a bad word, one conflicting
with the office's own record), the returns go through the wizard's buttons, then one unit sends
a correction. Everything through the window."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

sys.path.insert(0, str(Path(__file__).parents[1] / "exchange"))
from taskhelpers import add_report, make_year_list, task_report, task_rows, tcol  # noqa: E402
from test_month_end import button, click  # noqa: E402

from desktop_app.exchange.error_report import LIST_SHEET  # noqa: E402
from desktop_app.exchange.task_sheet import TASK_SHEET  # noqa: E402
from desktop_app.ui.exchange.wizard import TASKS_TAB, ImportWizard  # noqa: E402
from desktop_app.ui.main_window import MainWindow  # noqa: E402

PERIOD = "2026-11"
UNITS = ("旌阳区", "广汉市", "什邡市")
SHOTS = os.environ.get("EXCHANGE_SCREENSHOTS")


@pytest.fixture
def window(qtbot, store):
    make_year_list(
        store,
        2026,
        [
            {
                "code": "RW04-1-1",
                "units": {"旌阳区": "牵头", "广汉市": "责任"},
                "due": "9月底前",
                "expected": "轨道交通项目开工",
            },
            {"code": "RW04-1-2", "units": {"旌阳区": "牵头"}, "expected": "打通断头路2条"},
            {"code": "RW04-1-3", "units": {"广汉市": "牵头"}, "expected": "物流枢纽规划获批"},
            {"code": "RW04-1-4", "units": {"什邡市": "牵头"}, "expected": "城乡公交一体化"},
        ],
    )
    add_report(
        store,
        "RW04-1-2",
        "旌阳区",
        "2026-10",
        progress_text="完成方案",
        state="推进中",
        problems="资金缺口",
    )
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def fill_tasks(template: Path, out: Path, edits: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb[TASK_SHEET]
    rows = task_rows(template)
    for (code, key), value in edits.items():
        ws[f"{tcol(key)}{rows[code]}"] = value
    wb.save(out)
    return out


def run_wizard(qtbot, window, page, files, monkeypatch, take_conflicts=False) -> ImportWizard:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(f) for f in files], "")
    )
    click(qtbot, button(page, "导入填报表…"))
    wizard = window.findChild(ImportWizard)
    click(qtbot, button(wizard, "添加文件…"))
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 1 and wizard.job is None, timeout=60_000)
    return wizard


def tree_texts(tree) -> dict[str, list[list[str]]]:
    out = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out[top.text(0)] = [
            [top.child(j).text(c) for c in range(4)] for j in range(top.childCount())
        ]
    return out


def test_month_end_with_task_sheets_through_the_window(qtbot, window, store, tmp_path, monkeypatch):
    told = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(
            QMessageBox, kind, staticmethod(lambda _p, title, text, *a, **k: told.append(text))
        )
    window.show_page("reporting")
    page = window.page("reporting")
    page.period_combo.setCurrentIndex(page.period_combo.findData(PERIOD))
    folder = tmp_path / "发出的模板"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    click(qtbot, button(page, "生成全部单位模板…"))
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    template = {u: folder / f"{PERIOD}_{u}_填报模板.xlsx" for u in UNITS}
    assert list(task_rows(template["旌阳区"])) == ["RW04-1-1", "RW04-1-2"]
    assert list(task_rows(template["广汉市"])) == ["RW04-1-1", "RW04-1-3"]
    assert list(task_rows(template["什邡市"])) == ["RW04-1-4"]

    # The office types 什邡市's November record by hand after the templates went out.
    add_report(
        store,
        "RW04-1-4",
        "什邡市",
        PERIOD,
        progress_text="办公室电话了解：已开通3条线路",
        state="推进中",
    )
    returns = tmp_path / "收到的报表"
    returns.mkdir()
    clean = fill_tasks(
        template["旌阳区"],
        returns / "旌阳区 11月.xlsx",
        {
            ("RW04-1-1", "state"): "已完成",
            ("RW04-1-1", "done_date"): "2026年9月30日",
            ("RW04-1-1", "progress_text"): "S11线旌阳段开工",
            ("RW04-1-2", "problems"): None,  # the problem is solved
        },
    )
    with_error = fill_tasks(
        template["广汉市"],
        returns / "广汉市 11月.xlsx",
        {("RW04-1-1", "state"): "基本完成", ("RW04-1-3", "state"): "推进中"},
    )
    with_conflict = fill_tasks(
        template["什邡市"],
        returns / "什邡市 11月.xlsx",
        {("RW04-1-4", "progress_text"): "已开通城乡公交线路5条", ("RW04-1-4", "state"): "推进中"},
    )
    wizard = run_wizard(qtbot, window, page, [clean, with_error, with_conflict], monkeypatch)
    assert "重点任务：修改 3 项" in wizard.summary.text()
    assert "错误 1，冲突 1" in wizard.summary.text()
    files = [wizard.preview_files.item(i).text() for i in range(wizard.preview_files.count())]

    # 旌阳区: the 重点任务 tab shows each task's changes, the cleared cell as （空）.
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if "旌阳" in f))
    assert wizard.tabs.isTabVisible(TASKS_TAB)
    assert wizard.tabs.tabText(TASKS_TAB) == "重点任务（2）"
    wizard.tabs.setCurrentIndex(TASKS_TAB)
    shown = tree_texts(wizard.task_tree)
    rows = task_rows(clean)
    first = next(k for k in shown if k.startswith("RW04-1-1"))
    assert [r[:3] for r in shown[first]] == [
        ["进展情况", "（空）", "S11线旌阳段开工"],
        ["完成情况", "（空）", "已完成"],
        ["完成时间", "（空）", "2026-09-30"],
    ]
    second = next(k for k in shown if k.startswith("RW04-1-2"))
    assert shown[second] == [
        ["存在问题", "资金缺口", "（空）", f"{tcol('problems')}{rows['RW04-1-2']}"]
    ]
    if SHOTS:
        wizard.grab().save(os.path.join(SHOTS, "import_wizard_tasks.png"))

    # 广汉市: the bad word is in 错误 with its sheet and cell; the error report marks it.
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if "广汉" in f))
    assert wizard.error_table.rowCount() == 1
    cell, field, typed, problem = (wizard.error_table.item(0, c).text() for c in range(4))
    bad = f"{tcol('state')}{task_rows(with_error)['RW04-1-1']}"
    assert (cell, field, typed) == (f"{TASK_SHEET}!{bad}", "完成情况", "基本完成")
    assert "未启动/推进中/已完成/未完成" in problem
    report = tmp_path / "广汉市_错误报告.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    click(qtbot, wizard.report_button)
    qtbot.waitUntil(lambda: wizard.job is None, timeout=60_000)
    marked = openpyxl.load_workbook(report)
    assert "基本完成" in marked[TASK_SHEET][bad].comment.text or "不是可选" in (
        marked[TASK_SHEET][bad].comment.text
    )
    assert marked[LIST_SHEET]["A3"].value == TASK_SHEET

    # 什邡市: the conflict with the office's record; the user takes the unit's value.
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if "什邡" in f))
    table = wizard.conflict_table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(1, 5)] == [
        "进展情况",
        "（空）",
        "办公室电话了解：已开通3条线路",
        "已开通城乡公交线路5条",
    ]
    assert table.item(0, 0).text().startswith("任务 RW04-1-4")
    table.item(0, 5).setCheckState(Qt.Checked)
    click(qtbot, wizard.next_button)  # 应用全部有效行
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2 and wizard.job is None, timeout=60_000)
    result = {
        wizard.result_table.item(r, 1).text(): wizard.result_table.item(r, 3).text()
        for r in range(wizard.result_table.rowCount())
    }
    assert "重点任务报送 2 项" in result["旌阳区"]
    assert "跳过 1 处错误" in result["广汉市"]
    click(qtbot, button(wizard, "关闭"))
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is None, timeout=10_000)

    done = task_report(store, "RW04-1-1", "旌阳区", PERIOD)
    assert (done["state"], done["done_date"], done["version"]) == ("已完成", "2026-09-30", 1)
    assert task_report(store, "RW04-1-2", "旌阳区", PERIOD)["problems"] is None
    # 广汉市's valid row went in (the wizard applies the valid rows), its wrong one did not.
    assert task_report(store, "RW04-1-3", "广汉市", PERIOD)["state"] == "推进中"
    assert task_report(store, "RW04-1-1", "广汉市", PERIOD) is None
    taken = task_report(store, "RW04-1-4", "什邡市", PERIOD)
    assert (taken["progress_text"], taken["version"]) == ("已开通城乡公交线路5条", 2)

    # 旌阳区 corrects its return: the task was done in October, not September.
    correction = fill_tasks(
        clean, returns / "旌阳区 11月（更正）.xlsx", {("RW04-1-1", "done_date"): date(2026, 10, 15)}
    )
    wizard = run_wizard(qtbot, window, page, [correction], monkeypatch)
    assert wizard.conflict_table.rowCount() == 0
    wizard.tabs.setCurrentIndex(TASKS_TAB)
    [(title, changes)] = tree_texts(wizard.task_tree).items()
    assert title.startswith("RW04-1-1") and [c[:3] for c in changes] == [
        ["完成时间", "2026-09-30", "2026-10-15"]
    ]
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2 and wizard.job is None, timeout=60_000)
    click(qtbot, button(wizard, "关闭"))
    corrected = task_report(store, "RW04-1-1", "旌阳区", PERIOD)
    assert (corrected["done_date"], corrected["version"]) == ("2026-10-15", 2)
    old = store.query(
        "SELECT old, new FROM audit_log WHERE entity = 'task_report' AND entity_id = ?"
        " AND field = 'done_date' ORDER BY id",
        (str(corrected["id"]),),
    )
    assert [(a["old"], a["new"]) for a in old] == [
        (None, "2026-09-30"),
        ("2026-09-30", "2026-10-15"),
    ]
    assert told == []
