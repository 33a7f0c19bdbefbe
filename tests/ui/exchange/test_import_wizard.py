"""The import wizard and the 进度填报 page, driven as a user would (offscreen, real files)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS
from desktop_app.services.exchange import issue_template
from desktop_app.store.projects import get_project, update_project
from desktop_app.ui.context import AppContext
from desktop_app.ui.exchange.page import ReportingPage
from desktop_app.ui.exchange.wizard import ImportWizard

SHOTS = os.environ.get("EXCHANGE_SCREENSHOTS")  # a folder to save screenshots into
COLUMN = {c.key: i + 1 for i, c in enumerate(TEMPLATE_COLUMNS)}  # field -> column number


@pytest.fixture
def ctx(store):
    return AppContext(store, today=date(2026, 12, 6))  # November has ended: the period worked on


@pytest.fixture
def returns(store, make_project, tmp_path) -> list[Path]:
    """Two returns: 广汉市 (a change, an error, a conflict, a proposal) and 什邡市 (a change)."""
    make_project("GH-1", "广汉测试道路", lead="广汉市", percent_complete=30, stage="在建")
    make_project("GH-2", "广汉物流园", lead="广汉市", stage="前期")
    make_project("SF-1", "什邡通航机场", lead="什邡市", stage="在建")
    paths = []
    for unit, edits in (
        (
            "广汉市",
            {
                "GH-1": {"percent_complete": 35, "problems": "征地"},
                "GH-2": {"percent_complete": 120},
            },
        ),
        ("什邡市", {"SF-1": {"percent_complete": 25, "progress_text": "主体施工"}}),
    ):
        template = issue_template(store, unit, "2026-11", tmp_path / f"{unit}模板.xlsx")
        wb = openpyxl.load_workbook(template)
        ws = wb[DATA_SHEET]
        for r in range(FIRST_DATA_ROW, ws.max_row + 1):
            for key, value in edits.get(ws.cell(r, 1).value, {}).items():
                ws.cell(r, COLUMN[key]).value = value
        if unit == "广汉市":
            ws.cell(ws.max_row + 2, 2).value = "广汉新建停车场"
        out = tmp_path / f"{unit}报送.xlsx"
        wb.save(out)
        paths.append(out)
    gh1 = get_project(store, "GH-1")
    update_project(store, gh1.id, {"percent_complete": 40})  # the office changed it meanwhile
    return paths


def previewed(qtbot, ctx, files, *, delete_on_close: bool = False) -> ImportWizard:
    """The wizard shown with ``files`` read, on its preview page. With ``delete_on_close`` it is
    opened as the main window opens it (gone once closed: not handed to qtbot to close)."""
    wizard = ImportWizard(ctx, files=files)
    if delete_on_close:
        from PySide6.QtCore import Qt

        wizard.setAttribute(Qt.WA_DeleteOnClose)
    else:
        qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_preview()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 1, timeout=20000)
    return wizard


def test_preview_conflict_choice_and_apply(qtbot, ctx, store, returns):
    wizard = previewed(qtbot, ctx, returns)
    assert "共 2 个文件" in wizard.summary.text()
    assert "冲突 1" in wizard.summary.text()
    tops = [
        wizard.changes_tree.topLevelItem(i) for i in range(wizard.changes_tree.topLevelItemCount())
    ]
    assert [t.text(0).split()[0] for t in tops] == ["GH-1"]
    assert {
        (tops[0].child(i).text(0), tops[0].child(i).text(2)) for i in range(tops[0].childCount())
    } == {("存在问题", "征地")}
    assert wizard.conflict_table.rowCount() == 1
    assert [wizard.conflict_table.item(0, j).text() for j in (2, 3, 4)] == ["30", "40", "35"]
    assert (
        wizard.error_table.rowCount() == 1 and "超出 0–100" in wizard.error_table.item(0, 3).text()
    )
    wizard.conflict_table.item(0, 5).setCheckState(
        wizard.conflict_table.item(0, 5).checkState().Checked
    )
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / "import_preview.png"))
    seen = []
    ctx.changed.connect(seen.append)
    wizard.start_apply()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    assert get_project(store, "GH-1").percent_complete == 35  # the return's value, as chosen
    assert get_project(store, "SF-1").percent_complete == 25
    assert get_project(store, "GH-2").percent_complete is None  # refused row not applied
    assert seen and seen[0].reports
    assert "已导入" in wizard.result_label.text()


def test_error_report_is_saved_in_the_background_and_confirmed(
    qtbot, ctx, returns, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "退回" / "广汉市 错误报告.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"an older report")  # saved over: replaced whole
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    wizard = previewed(qtbot, ctx, returns)
    wizard.preview_files.setCurrentRow(0)  # 广汉市: 完成百分比 120
    assert wizard.report_button.isEnabled()
    wizard.report_button.click()
    assert wizard.job is not None and not wizard.next_button.isEnabled()  # a worker writes it
    wizard.report_button.click()  # a second click while it runs starts nothing more
    qtbot.waitUntil(lambda: wizard.job is None, timeout=30000)
    assert wizard.progress_label.text() == "错误报告已保存：广汉市 错误报告.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "错误清单"
    red = [c for row in wb[DATA_SHEET].iter_rows() for c in row if c.fill.fgColor.rgb == "00FF9999"]
    assert len(red) == 1 and "超出 0–100" in red[0].comment.text
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_cancel_during_preview_leaves_nothing(qtbot, ctx, returns):
    wizard = ImportWizard(ctx, files=returns)
    qtbot.addWidget(wizard)
    wizard.start_preview()
    wizard._cancel_or_close()
    qtbot.waitUntil(lambda: wizard.job is None, timeout=20000)
    assert wizard.stack.currentIndex() in (0, 1)


def test_closing_the_window_while_it_reads_cancels_and_closes_once_stopped(qtbot, ctx, returns):
    from PySide6.QtCore import Qt

    wizard = ImportWizard(ctx, files=returns)
    wizard.setAttribute(Qt.WA_DeleteOnClose)  # as the main window opens it (gone once closed)
    wizard.show()
    closed = []
    wizard.destroyed.connect(lambda: closed.append(True))
    wizard.start_preview()
    job = wizard.job
    wizard.close()  # the window's close button (Esc goes the same way)
    assert job.cancelled and not closed  # still there while the job winds down
    qtbot.waitUntil(lambda: bool(closed), timeout=20000)


def test_closing_the_window_while_it_writes_waits_and_shows_what_was_written(
    qtbot, ctx, store, returns
):

    wizard = previewed(qtbot, ctx, returns, delete_on_close=True)
    closed = []
    wizard.destroyed.connect(lambda: closed.append(True))
    wizard.start_apply()
    job = wizard.job
    wizard.close()
    assert not job.cancelled and wizard.isVisible()
    assert wizard.progress_label.text() == "正在写入数据库（写完后才能关闭窗口）"
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    assert "已导入" in wizard.result_label.text() and not closed
    assert get_project(store, "SF-1").percent_complete == 25
    wizard.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=5000)


def test_cancelling_between_files_reports_the_files_written(qtbot, ctx, store, returns):
    wizard = previewed(qtbot, ctx, returns)
    original = wizard._run

    def run(fn, on_done, text, **kw):
        def job(store_, progress):
            def cancel_after_first(done, total, label):
                if done == 1:
                    wizard.job.cancel()  # the cancel button, pressed while the first file is written
                progress(done, total, label)

            return fn(store_, cancel_after_first)

        original(job, on_done, text, **kw)

    wizard._run = run
    wizard.start_apply()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    text = wizard.result_label.text()
    assert "已导入" in text and "其余 1 个文件未导入" in text
    assert store.scalar("SELECT count(*) FROM import_batch") == 1


def test_reporting_page_shows_who_returned(qtbot, ctx, store, returns):
    from desktop_app.services.exchange import import_return

    import_return(store, returns[1])  # 什邡市 returned; 广汉市 has not
    page = ReportingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    rows = {
        page.table.item(i, 0).text(): page.table.item(i, 4).text()
        for i in range(page.table.rowCount())
    }
    assert rows["什邡市"] == "已报送" and rows["广汉市"] == "未报送"
    assert "已报送 1" in page.summary.text()
    if SHOTS:
        page.grab().save(str(Path(SHOTS) / "reporting.png"))


def test_a_report_entered_directly_counts_as_reported_as_on_the_dashboard(
    qtbot, ctx, store, returns
):
    from desktop_app.domain.model import ProgressReport
    from desktop_app.services.monitoring import unit_reporting
    from desktop_app.store.progress import record_report

    record_report(
        store, ProgressReport(get_project(store, "GH-1").id, "2026-11", progress_text="录入")
    )
    page = ReportingPage(ctx)
    qtbot.addWidget(page)
    page.period_combo.setCurrentIndex(page.period_combo.findData("2026-11"))
    page.reload()
    rows = {
        page.table.item(i, 0).text(): page.table.item(i, 4).text()
        for i in range(page.table.rowCount())
    }
    assert rows["广汉市"] == "已报送（直接录入）" and rows["什邡市"] == "未报送"
    reported = {u.unit for u in unit_reporting(store, "2026-11") if u.reported}
    assert reported == {name for name, state in rows.items() if state != "未报送"}
    assert "已报送 1" in page.summary.text()


def test_export_from_page_runs_in_background(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "导出 项目库.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page = ReportingPage(ctx)
    qtbot.addWidget(page)
    page.export_register()
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)
    assert out.exists() and "已保存" in page.summary.text()


def test_register_ledger_with_corrected_mapping(qtbot, ctx, store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["重大项目台账"])
    ws.append(["序号", "工程名", "总投资（亿元）", "牵头单位", "计划开工时间"])
    ws.append([1, "旌阳区城市更新项目", 2.5, "旌阳区", "2026-05"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    wizard = ImportWizard(ctx, files=[path])
    qtbot.addWidget(wizard)
    wizard.mode_combo.setCurrentIndex(1)
    wizard.start_preview()
    qtbot.waitUntil(lambda: wizard.job is None, timeout=20000)
    # "工程名" is not a known header: the ledger has no 项目名称 column yet; the user maps it.
    assert wizard.stack.currentIndex() == 1
    assert "找不到「项目名称」列" in wizard.error_table.item(0, 3).text()
    row = next(
        i
        for i in range(wizard.mapping_table.rowCount())
        if wizard.mapping_table.item(i, 0).text() == "工程名"
    )
    wizard.mapping_table.cellWidget(row, 1).setCurrentText("项目名称")
    wizard._remap()
    qtbot.waitUntil(lambda: wizard.job is None, timeout=20000)
    assert "新建 1 个项目" in wizard.summary.text()
    mapping = wizard.mapping_from_table()
    assert mapping["工程名"] == "name" and mapping["总投资（亿元）"] == "total_investment"
    new = wizard.changes_tree.topLevelItem(0)
    shown = {new.child(i).text(0): new.child(i).text(2) for i in range(new.childCount())}
    assert shown["牵头单位"] == "旌阳区"  # a unit by its name, not its number
    wizard.start_apply()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    created = store.scalar("SELECT total_investment FROM project WHERE name = '旌阳区城市更新项目'")
    assert created == 25000
