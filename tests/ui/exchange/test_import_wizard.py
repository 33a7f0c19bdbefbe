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
    assert wizard.result_title.text() == "导入结束：2 个文件中 2 个已导入。"
    assert [wizard.result_table.item(r, 2).text() for r in range(2)] == ["已导入", "已导入"]


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
    assert "个已导入" in wizard.result_title.text() and not closed
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
    assert wizard.result_title.text() == "导入结束：1 个文件中 1 个已导入。"
    assert "其余 1 个文件未导入" in wizard.result_label.text()
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


def test_reporting_columns_keep_their_widths_after_an_import(qtbot, ctx, store, returns):
    """A long file name does not take the page: the 文件 column stays at most FILE_WIDTH (the
    name cut in its middle, whole in its tooltip) and every header can be read."""
    import shutil

    from desktop_app.services.exchange import import_return
    from desktop_app.ui.exchange.page import FILE_WIDTH, STATUS_COLUMNS

    long_name = returns[1].with_name(
        "什邡市_2026年11月_重大项目进度填报表_最终版_已审核_盖章扫描对照.xlsx"
    )
    shutil.copy(returns[1], long_name)
    page = ReportingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1150, 560)  # a 1920×1080 screen at 150 %
    page.show()
    before = page.table.viewport().width()
    import_return(store, long_name)
    page.reload()
    file_col = STATUS_COLUMNS.index("文件")
    row = next(i for i in range(page.table.rowCount()) if page.table.item(i, 0).text() == "什邡市")
    assert page.table.columnWidth(file_col) <= FILE_WIDTH
    assert page.table.item(row, file_col).toolTip() == long_name.name
    assert page.table.viewport().width() == before  # the table did not shrink
    header = page.table.horizontalHeader()
    for col, title in enumerate(STATUS_COLUMNS):
        assert header.fontMetrics().horizontalAdvance(title) < page.table.columnWidth(col), title
    assert not page.table.horizontalScrollBar().isVisible()


def test_register_near_duplicate_is_merged_as_chosen_in_the_wizard(qtbot, ctx, store, tmp_path):
    from PySide6.QtCore import Qt

    from desktop_app.ui.exchange.wizard import SIMILAR_TAB

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["重大项目台账"])
    ws.append(["序号", "项目名称", "总投资（万元）", "形象进度", "建设地点", "业主"])
    ws.append([1, "天府大道北延线（德阳段）", 880000, "75%", "旌阳区", "城投"])
    ws.append([2, "广汉三星堆文旅配套道路", 12000, "竣工", "广汉市、旌阳区", "文旅集团"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    wizard = ImportWizard(ctx, files=[path])
    qtbot.addWidget(wizard)
    wizard.mode_combo.setCurrentIndex(1)
    qtbot.mouseClick(wizard.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: wizard.job is None, timeout=20000)
    assert wizard.stack.currentIndex() == 1
    summary = wizard.summary.text()
    assert "1 行的项目名称与已有项目相近" in summary
    assert "以下列未导入" in summary and "「业主」" in summary and "「序号」" in summary
    assert "旌阳区作为配合单位关联" in summary
    assert wizard.tabs.isTabVisible(SIMILAR_TAB) and "1 待选择" in wizard.tabs.tabText(SIMILAR_TAB)
    assert wizard.similar_table.item(0, 1).text() == "天府大道北延线（德阳段）"
    combo = wizard.similar_table.cellWidget(0, 2)
    combo.setCurrentIndex(combo.findText("合并到 ZL02-008 天府大道北延线"))
    qtbot.mouseClick(wizard.similar_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: wizard.job is None, timeout=20000)
    assert "相近" not in wizard.summary.text().split("\n")[-1]
    assert wizard.tabs.tabText(SIMILAR_TAB) == "相近项目"
    tops = [wizard.changes_tree.topLevelItem(i).text(0) for i in range(2)]
    assert any("天府大道北延线" in t and "ZL02-008" in t for t in tops)
    if SHOTS:
        wizard.tabs.setCurrentIndex(SIMILAR_TAB)
        wizard.grab().save(os.path.join(SHOTS, "register_similar.png"))
    qtbot.mouseClick(wizard.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == 2, timeout=20000)
    northern = get_project(store, "ZL02-008")
    assert northern.total_investment == 880000 and northern.percent_complete == 75
    assert store.scalar("SELECT count(*) FROM project WHERE name LIKE '%德阳段%'") == 0
    road = store.scalar("SELECT stage FROM project WHERE name = '广汉三星堆文旅配套道路'")
    assert road == "竣工"
