"""The import wizard's preview shows cleared cells, hints, edits not imported and notes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop_app.domain.model import ProgressReport
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS
from desktop_app.services.exchange import issue_template
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import get_project
from desktop_app.ui.context import AppContext
from desktop_app.ui.exchange.wizard import NOTES_TAB, ImportWizard

SHOTS = os.environ.get("EXCHANGE_SCREENSHOTS")
COLUMN = {c.key: i + 1 for i, c in enumerate(TEMPLATE_COLUMNS)}


def test_preview_shows_cleared_cells_hints_and_edits_not_imported(
    qtbot, store, make_project, tmp_path
):
    pid = make_project(
        "GH-1",
        "广汉测试道路",
        lead="广汉市",
        percent_complete=30,
        stage="在建",
        total_investment=12000,
    )
    record_report(store, ProgressReport(pid, "2026-11", problems="征地拆迁未完成"))
    template = issue_template(store, "广汉市", "2026-11", tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    r = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "GH-1")
    ws.cell(r, COLUMN["problems"]).value = None  # solved
    ws.cell(r, COLUMN["investment_to_date"]).value = 15000  # above 总投资
    ws.protection.sheet = False  # a unit that removed the protection (the password is known)
    ws.cell(r, COLUMN["lead_unit"]).value = "市交通运输局"  # the office's column
    wb.create_sheet("附表")["A1"] = "另附"
    path = tmp_path / "广汉市报送.xlsx"
    wb.save(path)

    wizard = ImportWizard(AppContext(store, today=date(2026, 12, 3)), files=[path])
    qtbot.addWidget(wizard)
    wizard.resize(1000, 640)
    wizard.show()
    wizard.start_preview()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 1, timeout=20000)

    assert "1 处数值可疑" in wizard.summary.text() and "2 处修改不会导入" in wizard.summary.text()
    top = wizard.changes_tree.topLevelItem(0)
    shown = {
        top.child(i).text(0): (top.child(i).text(1), top.child(i).text(2))
        for i in range(top.childCount())
    }
    assert shown["存在问题"] == ("征地拆迁未完成", "（空）")
    assert wizard.tabs.tabText(NOTES_TAB) == "提示（3）"
    table = wizard.notes_table
    rows = [[table.item(i, j).text() for j in range(3)] for i in range(table.rowCount())]
    kinds = [row[0] for row in rows]
    assert kinds.count("请核对") == 1 and "超过总投资 12000 万元" in rows[0][2]
    assert any("以下修改未导入" in row[2] and "基本信息由办公室维护" in row[2] for row in rows)
    assert any("牵头单位「广汉市」改为「市交通运输局」" in row[2] for row in rows)
    assert any("新增的工作表「附表」" in row[2] for row in rows)
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / "import_preview_cleared.png"))
    wizard.tabs.setCurrentIndex(NOTES_TAB)
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / "import_preview_notes.png"))

    apply = next(b for b in wizard.findChildren(QPushButton) if b.text().startswith("应用"))
    qtbot.mouseClick(apply, Qt.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    report = list_reports(store, pid)[0]
    assert report.problems is None
    p = get_project(store, "GH-1")
    assert (p.investment_to_date, p.total_investment, p.lead_unit) == (15000, 12000, "广汉市")
