"""The office's month end, through the window only.

Templates are issued for 2026-11 by the 进度填报 page's button (the folder dialog answered),
three units fill them as clerks do (openpyxl edits of the issued files: one clean, one with a
percentage out of range, one whose project the office changed since), the returns are imported
by the page's button through the wizard's own buttons, and the user then looks at the status
on 进度填报, 督办预警 and 项目库 and previews the overall progress sheet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS
from desktop_app.store.projects import get_project, update_project
from desktop_app.ui.exchange.wizard import ImportWizard
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.register.model import COLUMNS
from desktop_app.ui.reports.print_dialog import PrintDialog

COLUMN = {c.key: i + 1 for i, c in enumerate(TEMPLATE_COLUMNS)}
PERIOD = "2026-11"


def button(root, text: str) -> QPushButton:
    found = [b for b in root.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, f"one visible button 「{text}」 expected, found {len(found)}"
    return found[0]


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.LeftButton)


def table_rows(table) -> dict[str, list[str]]:
    return {
        table.item(r, 0).text(): [
            table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())
        ]
        for r in range(table.rowCount())
    }


def fill(template: Path, out: Path, edits: dict[int, dict[str, object]]) -> list[str]:
    """A clerk's return: ``edits`` by data row (0 = the first project); the codes edited."""
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    codes = []
    for offset, values in edits.items():
        row = FIRST_DATA_ROW + offset
        codes.append(ws.cell(row, COLUMN["code"]).value)
        for key, value in values.items():
            ws.cell(row, COLUMN[key]).value = value
    wb.save(out)
    return codes


@pytest.fixture
def window(qtbot, store):
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def test_month_end_issue_fill_import_check_and_print(qtbot, window, store, tmp_path, monkeypatch):
    told = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(
            QMessageBox, kind, staticmethod(lambda _p, title, text, *a, **k: told.append(text))
        )

    # 1. Issue every unit's template for 2026-11 into a folder.
    window.show_page("reporting")
    page = window.page("reporting")
    page.period_combo.setCurrentIndex(page.period_combo.findData(PERIOD))
    folder = tmp_path / "发出的模板"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    click(qtbot, button(page, "生成全部单位模板…"))
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    issued = sorted(folder.glob("*.xlsx"))
    assert {p.name for p in issued} >= {
        f"{PERIOD}_{u}_填报模板.xlsx" for u in ("旌阳区", "广汉市", "什邡市")
    }
    assert page.summary.text() == f"已保存 {len(issued)} 个文件：{folder}"
    rows = table_rows(page.table)
    assert all(rows[u][3] != "未生成" for u in ("旌阳区", "广汉市", "什邡市"))
    assert all(rows[u][4] == "未报送" for u in ("旌阳区", "广汉市", "什邡市"))

    # 2. Three units fill their templates.
    template = {u: folder / f"{PERIOD}_{u}_填报模板.xlsx" for u in ("旌阳区", "广汉市", "什邡市")}
    returns = tmp_path / "收到的报表"
    returns.mkdir()
    clean = returns / "旌阳区 11月.xlsx"
    (jy_code,) = fill(
        template["旌阳区"],
        clean,
        {0: {"percent_complete": 35, "progress_text": "主体结构施工"}},
    )
    with_error = returns / "广汉市 11月.xlsx"
    bad_code, gh_code = fill(
        template["广汉市"],
        with_error,
        {0: {"percent_complete": 150}, 1: {"percent_complete": 20}},
    )
    with_conflict = returns / "什邡市 11月.xlsx"
    (sf_code,) = fill(template["什邡市"], with_conflict, {0: {"percent_complete": 40}})
    # Meanwhile a colleague at another PC sets 什邡市's project to 60 %; the user presses F5.
    update_project(store, get_project(store, sf_code).id, {"percent_complete": 60})
    window.act_refresh.trigger()

    # 3. Import the three by the page's button; the file dialog answers with them.
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda *a, **k: ([str(clean), str(with_error), str(with_conflict)], ""),
    )
    click(qtbot, button(page, "导入填报表…"))
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible() and wizard.isModal()
    click(qtbot, button(wizard, "添加文件…"))
    assert wizard.file_list.count() == 3
    click(qtbot, wizard.next_button)  # 下一步：预览
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 1 and wizard.job is None, timeout=60_000)
    assert "共 3 个文件" in wizard.summary.text()
    assert "冲突 1" in wizard.summary.text()
    files = [wizard.preview_files.item(i).text() for i in range(wizard.preview_files.count())]
    assert len(files) == 3
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if "广汉" in f))
    assert wizard.error_table.rowCount() == 1
    cell, field, typed, problem = (wizard.error_table.item(0, c).text() for c in range(4))
    assert field == "完成百分比" and typed == "150" and "超出 0–100" in problem
    letter = openpyxl.utils.get_column_letter(COLUMN["percent_complete"])
    assert cell == f"{letter}{FIRST_DATA_ROW}"  # the cell the clerk typed into
    wizard.preview_files.setCurrentRow(next(i for i, f in enumerate(files) if "什邡" in f))
    assert wizard.conflict_table.rowCount() == 1
    assert [wizard.conflict_table.item(0, c).text() for c in (1, 3, 4)] == [
        "完成百分比",
        "60",
        "40",
    ]
    assert wizard.next_button.text() == "应用全部有效行"
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2 and wizard.job is None, timeout=60_000)

    # The last page: a summary of the three files and one way out.
    assert wizard.result_title.text() == "导入结束：3 个文件中 3 个已导入。"
    result = {
        wizard.result_table.item(r, 1).text(): wizard.result_table.item(r, 2).text()
        for r in range(wizard.result_table.rowCount())
    }
    assert result == {"旌阳区": "已导入", "广汉市": "已导入", "什邡市": "已导入"}
    notes = {
        wizard.result_table.item(r, 1).text(): wizard.result_table.item(r, 3).text()
        for r in range(wizard.result_table.rowCount())
    }
    assert "跳过 1 处错误" in notes["广汉市"] and "跳过" not in notes["旌阳区"]
    assert "进度填报" in wizard.result_label.text()
    visible = [b.text() for b in wizard.findChildren(QPushButton) if b.isVisible()]
    assert "关闭" in visible and "完成" not in visible
    click(qtbot, button(wizard, "关闭"))
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is None, timeout=10_000)

    # 4. Status as the user sees it.
    rows = table_rows(page.table)
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    col = {h: i for i, h in enumerate(headers)}
    assert [rows[u][col["报送状态"]] for u in ("旌阳区", "广汉市", "什邡市")] == ["已报送"] * 3
    assert rows["广汉市"][col["错误"]] == "1"
    assert rows["什邡市"][col["冲突"]] == "1"
    assert rows["旌阳区"][col["文件"]] == clean.name
    assert f"已报送 3，未报送 {len(rows) - 3}。" in page.summary.text()

    window.show_page("supervision")
    supervision = window.page("supervision")
    supervision.period_box.setCurrentIndex(supervision.period_box.findText(PERIOD))
    assert f"未报送 {len(rows) - 3} 个" in supervision.reporting_summary.text()

    window.show_page("register")
    register = window.page("register")
    register.search.clear()
    qtbot.keyClicks(register.search, jy_code)
    model = register.view.model()
    percent = next(i for i, c in enumerate(COLUMNS) if c.key == "percent_complete")
    shown = [model.index(r, percent).data() for r in range(model.rowCount())]
    assert "35%" in shown or "35.0%" in shown, shown
    assert get_project(store, sf_code).percent_complete == 60  # the office's value kept
    assert get_project(store, bad_code).percent_complete != 150
    assert get_project(store, gh_code).percent_complete == 20
    assert told == []  # no warning or error box along the way

    # 5. Preview the overall progress sheet from 打印….
    window.act_print.trigger()
    dialog = window.findChild(PrintDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.sheet_box.setCurrentIndex(dialog.sheet_box.findData("overall"))
    dialog.period_box.setCurrentIndex(dialog.period_box.findData(PERIOD))
    click(qtbot, dialog.preview_button)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    pages = dialog.document.pageCount()
    assert pages >= 1 and dialog.status.text().startswith(f"已生成 {pages} 页")
    text = "".join(p.extract_text() for p in PdfReader(str(dialog.files[0])).pages)
    assert get_project(store, jy_code).name[:8] in text.replace("\n", "")
    click(qtbot, dialog.zoom_in_button)
    assert dialog.zoom_label.text().endswith("%")
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
