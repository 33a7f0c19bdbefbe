"""年度考核 page: the scores per class, a click on a figure lists its records, the rules dialog
and the hand-entered points change the table, the three files are saved from its buttons."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from desktop_app.services import assessment as service
from desktop_app.services.changes import Changes
from desktop_app.services.plans import view_plan
from desktop_app.store import Store
from desktop_app.store.assessment import add_adjustment
from desktop_app.ui.assessment.dialogs import AdjustmentsDialog, RulesDialog, TraceDialog
from desktop_app.ui.assessment.page import AssessmentPage
from desktop_app.ui.context import AppContext

TODAY = date(2026, 12, 6)


@pytest.fixture
def page(qtbot, assessment_year):
    ctx = AppContext(assessment_year, today=TODAY)
    p = AssessmentPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 700)
    p.show()
    loaded(qtbot, p)
    return p


def loaded(qtbot, page) -> None:
    """Wait for the scores computed off the window's thread."""
    qtbot.waitUntil(lambda: not page.loading, timeout=60_000)


@pytest.fixture
def messages(monkeypatch):
    said: list[tuple[str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _parent, title, text, *a, _k=kind, **kw: said.append((title, text)),
        )
    return said


def _click(qtbot, table, row: int, col: int) -> None:
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())


def test_scores_per_class_and_the_records_behind_a_figure(page, qtbot, monkeypatch):
    assert page.assess_job is not None  # computed by a job, not on the window's thread
    assert page.tabs.tabText(0) == "区县（2）"
    assert page.cell_text("区县", "旌阳区", "报送及时率") == "16.36（81.8%）"
    assert page.cell_text("区县", "旌阳区", "总分") == "64.24"
    assert page.cell_text("区县", "广汉市", "总分") == "无考核记录"
    assert page.cell_text("市级部门", "市交通运输局", "督办按期回复率") == "10.00（无记录）"
    assert "计入填报 2026-01 至 2026-11 共 11 期" in page.summary.text()

    shown: list[TraceDialog] = []
    monkeypatch.setattr(TraceDialog, "exec", lambda self: shown.append(self) or 0)
    table = page.tables["区县"]
    _click(qtbot, table, 0, 2)  # 旌阳区 · 报送及时率
    dialog = shown[-1]
    assert dialog.windowTitle() == "旌阳区 · 报送及时率 的依据"
    assert "9 ÷ 11 = 81.8% → 16.36 分" in dialog.heading.text()
    rows = dialog.rows()
    assert len(rows) == 11
    march = next(r for r in rows if "2026年3月" in r[2])
    assert march[1] == "2026-04-08 10:00:00" and "晚 3 天" in march[3] and march[4] == "扣减"
    _click(qtbot, table, 0, 4)  # 任务按期完成率
    tasks = shown[-1].rows()
    assert tasks[1][:3] == ["任务", "2026-10-15", "2. 任务2（责任）"]
    assert "任务「已完成」，完成于 2026-10-15；逾期完成（晚 15 天）" in tasks[1][3]
    # The long explanations wrap: 计分 stays in sight without scrolling sideways.
    trace = shown[-1].table
    assert sum(trace.columnWidth(c) for c in range(4)) < shown[-1].width() - 120
    _click(qtbot, table, 0, 7)  # 督办按期回复率
    assert any("晚 5 天" in r[3] for r in shown[-1].rows())
    _click(qtbot, table, 0, page.headers().index("总分"))
    total = shown[-1]
    assert total.heading.text() == (
        "旌阳区：基础得分 64.24 + 加分 0 − 扣分 0 = 总分 64.24（区县第 1 名）"
    )
    assert total.rows()[0][:5] == ["报送及时率", "20", "9 ÷ 11", "81.8%", "16.36"]
    assert total.rows()[4][2] == "2,500.00 ÷ 3,500.00 万元"
    count = len(shown)
    _click(qtbot, table, 1, page.headers().index("总分"))  # 广汉市: nothing to show
    assert len(shown) == count
    page.grab().save(str(page.ctx.store.path.with_name("assessment_page.png")))


def test_rules_dialog_changes_weights_and_refuses_a_wrong_total(page, qtbot, monkeypatch, messages):
    opened: list[RulesDialog] = []

    def run(dialog):
        opened.append(dialog)
        # A wrong total first: the dialog says so and stays open with nothing saved.
        dialog.weight_box(0).setValue(30)
        assert dialog.total.text() == "启用项目权重合计：110 分（应为 100 分）"
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
        assert messages[-1][0] == "规则未保存" and "应为 100 分" in messages[-1][1]
        # 报送质量 off, its 10 points to 报送及时率 (now 30): saved.
        quality = dialog.table.item(1, 0)
        quality.setCheckState(Qt.Unchecked)
        assert dialog.total.text() == "启用项目权重合计：100 分"
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RulesDialog, "exec", run)
    qtbot.mouseClick(page.rules_button, Qt.LeftButton)
    assert opened and opened[0].result() == QDialog.Accepted
    loaded(qtbot, page)
    # 旌阳区 报送及时率 30 × 81.8 % = 24.54; 报送质量 gone.
    assert page.cell_text("区县", "旌阳区", "报送及时率") == "24.54（81.8%）"
    assert not any(h.startswith("报送质量") for h in page.headers())
    assert page.summary.text().startswith("2026年度考核（已设置）")


def test_rules_file_export_and_import_from_the_dialog(page, qtbot, monkeypatch, messages, tmp_path):
    target = tmp_path / "规则" / "2026年度考核规则.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = RulesDialog(page.ctx, 2026, page)
    qtbot.addWidget(dialog)
    dialog.weight_box(0).setValue(25)
    dialog.weight_box(2).setValue(20)  # 任务 25 → 20: still 100
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [x["权重"] for x in data["考核项目"]][:3] == [25, 10, 20]
    data["考核项目"][0]["权重"] = "很多"
    wrong = tmp_path / "改错.json"
    wrong.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wrong), ""))
    fresh = RulesDialog(page.ctx, 2027, page)
    qtbot.addWidget(fresh)
    qtbot.mouseClick(fresh.import_button, Qt.LeftButton)
    assert messages[-1][0] == "规则文件有误"
    assert "第 1 个考核项目（timeliness）的「权重」应为数字，现为「很多」" in messages[-1][1]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(fresh.import_button, Qt.LeftButton)
    assert fresh.weight_box(0).value() == 25
    qtbot.mouseClick(fresh.save_button, Qt.LeftButton)
    from desktop_app.store.assessment import stored_rule_set

    assert stored_rule_set(page.ctx.store, 2027).rule("timeliness").weight == 25


def test_points_entered_by_hand_with_a_reason(page, qtbot, monkeypatch, messages):
    def run(dialog: AdjustmentsDialog):
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)  # no points, no reason
        assert messages[-1][0] == "未添加" and "请写明加分或扣分的理由" in messages[-1][1]
        dialog.unit.setCurrentIndex(dialog.unit.findText("旌阳区（区县）"))
        dialog.points.setValue(3)
        dialog.reason.setText("承办成德同城化现场推进会")
        dialog.basis.setText("市同城办通报〔2026〕5号")
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
        dialog.points.setValue(-2)
        dialog.reason.setText("填报数据失实")
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
        assert dialog.table.rowCount() == 2
        # Delete the second, answering the question.
        dialog.table.selectRow(1)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
        qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
        assert dialog.table.rowCount() == 1
        assert dialog.history.text().startswith("修改记录 3 条")
        return 1

    monkeypatch.setattr(AdjustmentsDialog, "exec", run)
    qtbot.mouseClick(page.adjust_button, Qt.LeftButton)
    loaded(qtbot, page)
    assert page.cell_text("区县", "旌阳区", "加分") == "3"
    assert page.cell_text("区县", "旌阳区", "总分") == "67.24"
    shown: list[TraceDialog] = []
    monkeypatch.setattr(TraceDialog, "exec", lambda self: shown.append(self) or 0)
    table = page.tables["区县"]
    col = page.headers().index("加分")
    _click(qtbot, table, 0, col)
    assert shown[-1].rows()[0][:3] == ["+3", "承办成德同城化现场推进会", "市同城办通报〔2026〕5号"]


@pytest.mark.parametrize("kind", ["xlsx", "pdf", "docx"])
def test_files_saved_from_the_buttons(page, qtbot, monkeypatch, messages, tmp_path, kind):
    target = tmp_path / f"考核结果.{kind}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.output_buttons[kind], Qt.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=60_000)
    assert messages[-1] == ("已保存", f"已保存：\n{target}")
    assert target.stat().st_size > 0
    if kind == "xlsx":
        wb = openpyxl.load_workbook(target)
        assert wb.sheetnames[0] == "考核得分"


def test_page_in_the_main_window(qtbot, store):
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(store, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "年度考核" in titles
    window.show_page("assessment")
    page = window.pages["assessment"]
    assert isinstance(page, AssessmentPage)
    loaded(qtbot, page)
    assert page.cell_text("区县", "旌阳区", "总分") == "80.00"  # no returns: only 报送及时率 lost
    assert page.tabs.count() == 3 and page.year.value() == 2026


def test_another_year(page, qtbot):
    page.year.setValue(2025)
    loaded(qtbot, page)
    assert page.summary.text().startswith("2025年度考核（尚未设置，按默认规则计算）")
    assert "计入填报 2025-01 至 2025-12 共 12 期" in page.summary.text()
    # 旌阳区 sent nothing for 2025, so every period counts against it.
    assert page.cell_text("区县", "旌阳区", "报送及时率") == "0.00（0%）"


def _texts(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _two_plans(store) -> None:
    """A 2026 plan, now the current one, beside the fixture's: a project of each led by 旌阳区
    (the old plan's red, the new plan's on schedule)."""
    with store.write():
        c = store.conn
        c.execute(
            "INSERT INTO plan (id, code, title, start_year, end_year) VALUES (2, 'Q', '新规划',"
            " 2026, 2030)"
        )
        for pid, plan, end in (("Q1", 1, "2026-03-31"), ("Q2", 2, "2027-12-31")):
            c.execute(
                "INSERT INTO project (id, code, name, plan_id, stage, planned_start, planned_end,"
                " percent_complete) VALUES (?, ?, ?, ?, '在建', '2026-01-01', ?, 50)",
                (pid, pid, f"项目{pid}", plan, end),
            )
            c.execute("INSERT INTO project_unit VALUES (?, 1, '牵头')", (pid,))


@pytest.mark.parametrize("where", ["page", "main_window", "main_window_old_plan"])
def test_figures_and_the_records_behind_each_are_those_of_the_whole_assessment(
    qtbot, assessment_year, monkeypatch, where
):
    """The page keeps the figures only and reads the records behind one when it is clicked
    (in the main window with the register's lights): every cell and every list shown is what
    the whole assessment, records kept, gives — as the CLI and the files have it, of the
    current plan also while the window looks at another."""
    store = assessment_year
    add_adjustment(store, 2026, 1, 3, "承办成德同城化现场推进会", "市同城办通报〔2026〕5号")
    if where == "main_window_old_plan":
        _two_plans(store)
    if where.startswith("main_window"):
        from desktop_app.ui.main_window import MainWindow

        window = MainWindow(store, today=TODAY, backup_on_open=False)
        qtbot.addWidget(window)
        if where == "main_window_old_plan":
            view_plan(store, 1)  # the window looks at the old plan
            window.ctx.notify(Changes(all_projects=True))
        window.show_page("assessment")
        page = window.pages["assessment"]
        assert page._shown_lights(TODAY) is not None  # the register's lights are offered
    else:
        page = AssessmentPage(AppContext(store, today=TODAY))
        qtbot.addWidget(page)
    loaded(qtbot, page)
    assert not page.result.records
    # The same page showing the whole assessment (of the current plan, as a new connection
    # looks at it): what the page showed before it kept figures only.
    whole = AssessmentPage(AppContext(store, today=TODAY))
    qtbot.addWidget(whole)
    loaded(qtbot, whole)
    with Store.open(store.path, create=False) as current:
        whole.show_result(service.assess(current, 2026, today=TODAY))
    assert page.summary.text() == whole.summary.text()
    if where == "main_window_old_plan":
        projects = whole.result.unit("旌阳区").item("projects")
        assert [e.label for e in projects.evidence if e.label.startswith("Q")] == [
            "Q2 项目Q2（牵头）"
        ]

    shown: list[TraceDialog] = []
    monkeypatch.setattr(TraceDialog, "exec", lambda self: shown.append(self) or 0)
    lists = 0
    for kind in page.tables:
        table = page.tables[kind]
        assert _texts(table) == _texts(whole.tables[kind])
        for row in range(table.rowCount()):
            for col in range(table.columnCount()):
                expected = whole.trace(kind, row, col)
                count = len(shown)
                _click(qtbot, table, row, col)
                if expected is None:
                    assert len(shown) == count
                    continue
                got = shown[-1]
                assert got.windowTitle() == expected.windowTitle()
                assert got.heading.text() == expected.heading.text()
                assert got.formula.text() == expected.formula.text()
                assert got.rows() == expected.rows()
                lists += bool(got.rows())
    assert lists > 20
    assert not page.loading  # the records read agree with the figures: nothing recomputed


def test_records_changed_since_the_figures_are_listed_and_the_figures_computed_again(
    page, qtbot, monkeypatch
):
    """Another user imports a return after the figures were computed: the list shows the
    records as they are now, and the page computes its figures again."""
    assert page.cell_text("区县", "旌阳区", "报送及时率") == "16.36（81.8%）"
    other = Store.open(page.ctx.store.path, create=False, user="另一位同事")
    with other.write():  # as that colleague's import records it
        other.conn.execute(
            "INSERT INTO import_batch (at, user, kind, file_name, sha256, unit_id, period, counts)"
            " VALUES ('2026-08-04T09:00:00', '另一位同事', 'return', '旌阳区_7月.xlsx', 'x7', 1,"
            " '2026-07', '{\"updated\": 3}')"
        )
    other.close()
    shown: list[TraceDialog] = []
    monkeypatch.setattr(TraceDialog, "exec", lambda self: shown.append(self) or 0)
    _click(qtbot, page.tables["区县"], 0, 2)
    assert "10 ÷ 11 = 90.9% → 18.18 分" in shown[-1].heading.text()
    assert any("旌阳区_7月.xlsx" in r[2] for r in shown[-1].rows())
    assert page.loading
    loaded(qtbot, page)
    assert page.cell_text("区县", "旌阳区", "报送及时率") == "18.18（90.9%）"


def test_rules_and_points_are_undone_and_redone_from_the_keyboard(
    qtbot, assessment_year, monkeypatch, messages
):
    """Ctrl+Z / Ctrl+Shift+Z in the window take back a save of the rules and the points entered
    or deleted by hand, step by step; the figures are computed again each time; a step whose
    values someone changed since is refused and nothing is overwritten."""
    from PySide6.QtTest import QTest

    from desktop_app.store import assessment as q
    from desktop_app.ui.main_window import MainWindow

    store = assessment_year
    window = MainWindow(store, today=TODAY, backup_on_open=False)
    qtbot.addWidget(window)
    window.show()
    window.show_page("assessment")
    page = window.pages["assessment"]
    loaded(qtbot, page)

    def figures() -> tuple[str, ...]:
        loaded(qtbot, page)
        cols = ("报送及时率", "加分", "扣分", "总分")
        return tuple(page.cell_text("区县", "旌阳区", c) for c in cols) + (
            str(any(h.startswith("报送质量") for h in page.headers())),
        )

    def key(*modifiers) -> None:
        mod = Qt.ControlModifier
        for m in modifiers:
            mod |= m
        QTest.keyClick(window, Qt.Key_Z, mod)

    start = figures()
    assert start == ("16.36（81.8%）", "", "", "64.24", "True")

    def points(dialog: AdjustmentsDialog):
        dialog.unit.setCurrentIndex(dialog.unit.findText("旌阳区（区县）"))
        dialog.points.setValue(3)
        dialog.reason.setText("承办成德同城化现场推进会")
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
        dialog.points.setValue(-2)
        dialog.reason.setText("填报数据失实")
        qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
        dialog.table.selectRow(1)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
        qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
        return 1

    monkeypatch.setattr(AdjustmentsDialog, "exec", points)
    qtbot.mouseClick(page.adjust_button, Qt.LeftButton)
    entered = figures()
    assert entered == ("16.36（81.8%）", "3", "", "67.24", "True")
    deleted_row = store.query("SELECT * FROM assessment_adjustment WHERE reason = '填报数据失实'")
    assert deleted_row == []

    def rules(dialog: RulesDialog):
        dialog.weight_box(0).setValue(30)
        dialog.table.item(1, 0).setCheckState(Qt.Unchecked)  # 报送质量 off
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RulesDialog, "exec", rules)
    qtbot.mouseClick(page.rules_button, Qt.LeftButton)
    ruled = figures()
    assert ruled[0] == "24.54（81.8%）" and ruled[-1] == "False"
    assert window.act_undo.text() == "撤销 保存 2026 年考核规则"

    key()  # the rules as before: none set for 2026, the defaults again
    assert figures() == entered
    assert q.stored_rule_set(store, 2026) is None
    key()  # the deletion of the −2
    assert figures() == ("16.36（81.8%）", "3", "2", "65.24", "True")
    key()  # the −2 itself
    key()  # the +3
    assert figures() == start
    assert store.query("SELECT * FROM assessment_adjustment") == []
    history = [r["field"] for r in q.adjustment_history(store, 2026)]
    assert history == ["录入", "录入", "删除", "撤销删除", "撤销录入", "撤销录入"]

    for _ in range(4):
        key(Qt.ShiftModifier)
    assert figures() == ruled
    assert q.stored_rule_set(store, 2026).rule("timeliness").weight == 30
    kept = store.query("SELECT * FROM assessment_adjustment")
    assert [(r["points"], r["reason"]) for r in kept] == [(3.0, "承办成德同城化现场推进会")]

    # Someone else saves other rules meanwhile: the undo is refused, their rules stay.
    other = Store.open(store.path, user="同事")
    try:
        theirs = q.stored_rule_set(other, 2026)
        service.save_rules(other, dataclasses.replace(theirs, penalty_cap=8.0))
    finally:
        other.close()
    key()
    assert (
        "2026年考核规则在这一步之后已被他人（或另一窗口）修改，不能撤销这一步" in window.last_error
    )
    assert q.stored_rule_set(store, 2026).penalty_cap == 8.0
    assert q.stored_rule_set(store, 2026).rule("timeliness").weight == 30
    audit = store.query(
        "SELECT field, new FROM audit_log WHERE entity = 'assessment_year' ORDER BY id"
    )
    assert [a["field"] for a in audit].count("撤销") == 1  # the first undo only
    assert [a["field"] for a in audit].count("重做") == 1
