"""年度清单 page: the real buttons pressed, the dialogs answered, the list as a user sees it."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from desktop_app.services import annual
from desktop_app.services.changes import Changes
from desktop_app.store import annual as astore
from desktop_app.ui.main_window import MainWindow

TODAY = date(2026, 11, 29)


@pytest.fixture
def window(qtbot, store):
    settings = QSettings(str(store.path.with_suffix(".ini")), QSettings.IniFormat)
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    return w


def answer_next_dialog(answer) -> list:
    """Answer the modal dialog that opens next with ``answer(dialog)``; whatever ``answer``
    leaves open is cancelled, so that no test waits on a dialog."""
    seen = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet
            QTimer.singleShot(10, run)
            return
        seen.append(dialog)
        try:
            answer(dialog)
        finally:
            if dialog.isVisible() and dialog.result() == 0 and not getattr(dialog, "_keep", False):
                dialog.reject()

    QTimer.singleShot(0, run)
    return seen


def ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Ok).click()


def entries(page) -> list[list[str]]:
    """What the tree shows: a heading's text, or an entry's cells (without its light and
    reason: see ``lights``)."""
    from desktop_app.ui.annual.page import LIGHT_COL, REASON_COL

    shown = [c for c in range(page.tree.columnCount()) if c not in (LIGHT_COL, REASON_COL)]
    out = []
    for n in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(n)
        out.append([top.text(0)])
        for k in range(top.childCount()):
            child = top.child(k)
            out.append([child.text(c) for c in shown])
    return out


def open_page(window):
    window.show_page("annual")
    page = window.page("annual")
    page.year_box.setValue(2026)
    return page


def test_a_list_is_made_filled_and_issued_with_the_buttons(qtbot, window, store):
    page = open_page(window)
    assert page.title.text() == "2026 年还没有年度清单"
    assert not page.add_button.isEnabled()
    qtbot.mouseClick(page.create_button, Qt.LeftButton)
    assert page.title.text() == "2026年成德同城化发展年度目标和重点任务清单"
    assert page.status.text() == "草稿（未印发）"

    tasks = [c for c in astore.candidates(store) if c.kind == "任务"][:2]

    def tick(dialog):
        dialog.check(tasks[0].code)
        dialog.check(tasks[1].code)
        dialog.check("ZL02-001")  # a project of the plan
        ok(dialog)

    answer_next_dialog(tick)
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    shown = entries(page)
    names = [row[1] for row in shown if len(row) > 1]
    assert names == [tasks[0].name, tasks[1].name, "成都经广汉至德阳市域铁路S11线"]
    assert any(row[0].endswith(tasks[0].heading) for row in shown if len(row) == 1)

    # Targets: an unreadable 时限 is refused inside the dialog, which stays open to be fixed.
    page.select(tasks[0].name)
    errors = []

    def targets(dialog):
        dialog.due.setText("尽快")
        dialog.expected.setPlainText("出台实施方案")
        dialog.lead.setCurrentIndex(dialog.lead.findText("市发展改革委"))
        dialog.responsible.setText("旌阳区、广汉")
        ok(dialog)
        errors.append(dialog.error.text())
        dialog.due.setText("6月15日前")
        ok(dialog)

    answer_next_dialog(targets)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    assert f"「{tasks[0].name}」的完成时限「尽快」无法识别" in errors[0]
    row = next(r for r in entries(page) if len(r) > 1 and r[1] == tasks[0].name)
    assert row[3:7] == ["市发展改革委", "旌阳区、广汉市", "6月15日前", "出台实施方案"]
    item = astore.list_items(store, 2026)[0]
    assert item.due_date == "2026-06-15"

    # A project's 年度计划投资 and 目标阶段.
    page.select("成都经广汉至德阳市域铁路S11线")

    def project(dialog):
        dialog.investment.setText("2.5亿")
        dialog.stage.setCurrentText("在建")
        dialog.expected.setPlainText("完成主体工程 60%")
        ok(dialog)

    answer_next_dialog(project)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    row = next(r for r in entries(page) if len(r) > 1 and r[2] == "项目")
    assert row[6:9] == ["完成主体工程 60%", "25,000.00", "在建"]

    # A task of the office's own.
    def new_task(dialog):
        dialog.title.setText("举办成德同城化招商推介会")
        dialog.lead.setCurrentIndex(dialog.lead.findText("市商务局"))
        ok(dialog)

    answer_next_dialog(new_task)
    qtbot.mouseClick(page.new_task_button, Qt.LeftButton)
    headings = [r[0] for r in entries(page) if len(r) == 1]
    assert headings[-1].endswith("、其他重点任务")
    assert [r[1] for r in entries(page) if len(r) > 1][-1] == "举办成德同城化招商推介会"

    # Issued.
    def issue(dialog):
        dialog.doc_no.setText("成德同城办〔2026〕1号")
        ok(dialog)

    answer_next_dialog(issue)
    qtbot.mouseClick(page.issue_button, Qt.LeftButton)
    assert page.status.text() == "已印发：成德同城办〔2026〕1号（2026-11-29）"


def test_remove_and_move_entries(qtbot, window, store, annual_2026, monkeypatch):
    page = open_page(window)
    names = [r[1] for r in entries(page) if len(r) > 1]
    page.select("成德大道北延线")
    qtbot.mouseClick(page.down_button, Qt.LeftButton)
    after = [r[1] for r in entries(page) if len(r) > 1]
    assert after[-2:] == ["德阳东湖山公园提升", "成德大道北延线"]
    assert page.selected_ids() == [annual_2026["成德大道北延线"]]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes
    )
    page.select(names[0])
    qtbot.mouseClick(page.remove_button, Qt.LeftButton)
    assert "任务、项目本身和它们的进展报告都保留" in asked[0]
    assert names[0] not in [r[1] for r in entries(page) if len(r) > 1]
    assert [r[0] for r in entries(page) if len(r) > 1] == ["1", "2", "3", "4"]


def test_export_import_and_print_from_the_page(
    qtbot, window, store, annual_2026, tmp_path, monkeypatch
):
    page = open_page(window)
    xlsx = tmp_path / "清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert xlsx.exists() and str(xlsx) in page.message.text()

    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    road = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "成德大道北延线")
    road[4].value = "9月底前"
    road[6].value = 15000
    wb.save(xlsx)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(xlsx), ""))
    seen = []

    def preview(dialog):
        seen.append(dialog.findChild(type(page.title), "preview_summary").text())
        ok(dialog)

    answer_next_dialog(preview)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert "修改 1 项" in seen[0]
    row = next(r for r in entries(page) if len(r) > 1 and r[1] == "成德大道北延线")
    assert row[5] == "9月底前" and row[7] == "15,000.00"
    assert "已导入「清单.xlsx」" in page.message.text()

    # A file with an error: the preview says so and its 导入 button cannot be pressed.
    road[2].value = "市交通运输厅"
    wb.save(xlsx)
    states = []

    def refused(dialog):
        states.append((dialog.ok_button.isEnabled(), dialog.tree.topLevelItem(0).text(3)))
        dialog.reject()

    answer_next_dialog(refused)
    before = astore.list_items(store, 2026)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert states[0][0] is False and "市交通运输厅" in states[0][1]
    assert astore.list_items(store, 2026) == before

    pdf = tmp_path / "清单.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    qtbot.mouseClick(page.pdf_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert pdf.read_bytes().startswith(b"%PDF") and "已生成 PDF" in page.message.text()


def test_carry_forward_from_the_page(qtbot, window, store, annual_2026):
    page = open_page(window)
    page.year_box.setValue(2027)
    assert page.title.text() == "2027 年还没有年度清单"
    assert page.carry_button.isEnabled()
    qtbot.mouseClick(page.carry_button, Qt.LeftButton)
    assert "已从 2026 年结转未完成的 5 项" in page.message.text()
    assert len([r for r in entries(page) if len(r) > 1]) == 5
    assert page.title.text() == "2027年成德同城化发展年度目标和重点任务清单"
    annual.issue_list(store, 2027, "1号", date(2027, 2, 1))
    window.ctx.notify(Changes(reports=True))
    assert page.status.text().startswith("已印发：1号")


def test_a_name_close_to_a_task_is_settled_in_the_preview(
    qtbot, window, store, annual_2026, tmp_path, monkeypatch
):
    page = open_page(window)
    first = next(iter(annual_2026))
    xlsx = tmp_path / "相近.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    row = next(r for r in ws.iter_rows(min_row=4) if r[1].value == first)
    row[1].value = first + "（2026年）"
    row[9].value = None  # no 编码 to go by
    row[4].value = "8月底前"
    wb.save(xlsx)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(xlsx), ""))
    code = astore.get_item(store, annual_2026[first]).code
    seen = []

    def second(dialog):
        seen.append(("second", dialog.ok_button.isEnabled()))
        ok(dialog)

    def first_dialog(dialog):
        box = dialog.choice_boxes[row[0].row]
        seen.append(("first", dialog.ok_button.isEnabled()))
        box.setCurrentIndex(box.findData(code))
        answer_next_dialog(second)
        dialog.recheck_button.click()

    answer_next_dialog(first_dialog)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert seen == [("first", False), ("second", True)]
    item = astore.get_item(store, annual_2026[first])
    assert item.due_text == "8月底前" and item.name == first


def test_an_offices_own_columns_are_mapped_in_the_preview(
    qtbot, window, store, annual_2026, tmp_path, monkeypatch
):
    page = open_page(window)
    names = list(annual_2026)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年成德同城化重点工作清单"])
    ws.append(["序号", "工作事项", "主抓单位", "时间节点", "工作目标"])
    ws.append(["一、基础设施"])
    ws.append([1, names[0], "市发展改革委", "5月底前", "出台工作方案"])
    xlsx = tmp_path / "自有格式.xlsx"
    wb.save(xlsx)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(xlsx), ""))
    seen = []

    def second(dialog):
        seen.append(dialog.errors.text())
        ok(dialog)

    def first_dialog(dialog):
        seen.append(dialog.errors.text())
        dialog.column_boxes["工作事项"].setCurrentIndex(
            dialog.column_boxes["工作事项"].findData("name")
        )
        dialog.column_boxes["主抓单位"].setCurrentIndex(
            dialog.column_boxes["主抓单位"].findData("lead")
        )
        answer_next_dialog(second)
        dialog.recheck_button.click()

    answer_next_dialog(first_dialog)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert "找不到「任务/项目」列" in seen[0]
    assert seen[1] == ""
    items = astore.list_items(store, 2026)
    assert [i.name for i in items] == [names[0]]  # the file is the list: the rest left it
    assert items[0].due_date == "2026-05-31" and items[0].lead == "市发展改革委"


def test_edits_and_imports_are_undone_from_the_edit_menu(
    qtbot, window, store, annual_2026, tmp_path, monkeypatch
):
    page = open_page(window)
    page.select("成德大道北延线")

    def targets(dialog):
        dialog.due.setText("10月底前")
        dialog.investment.setText("20000")
        ok(dialog)

    answer_next_dialog(targets)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)

    def road():
        return next(r for r in entries(page) if len(r) > 1 and r[1] == "成德大道北延线")

    assert road()[5] == "10月底前" and road()[7] == "20,000.00"
    assert window.act_undo.text().startswith("撤销")
    window.act_undo.trigger()
    assert road()[5] == "年底前" and road()[7] == "12,000.00"
    window.act_redo.trigger()
    assert road()[5] == "10月底前" and road()[7] == "20,000.00"

    # An import that adds a new task, undone: the task is gone again.
    xlsx = tmp_path / "清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    for c, v in enumerate(["6", "开展成德同城化宣传月活动", "市商务局", None, "5月底前"]):
        ws.cell(ws.max_row + (c == 0), c + 1).value = v
    wb.save(xlsx)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(xlsx), ""))
    tasks = store.scalar("SELECT count(*) FROM task")
    answer_next_dialog(ok)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60000)
    assert "开展成德同城化宣传月活动" in [r[1] for r in entries(page) if len(r) > 1]
    assert store.scalar("SELECT count(*) FROM task") == tasks + 1
    window.act_undo.trigger()
    assert "开展成德同城化宣传月活动" not in [r[1] for r in entries(page) if len(r) > 1]
    assert store.scalar("SELECT count(*) FROM task") == tasks


def test_a_closed_plans_entries_are_refused_in_the_window(
    qtbot, window, store, annual_2026, monkeypatch
):
    """The plan closed after the list was made: editing an entry's targets is refused inside
    the dialog, carrying forward in a message box, each naming the plan and the item; the
    database stays as it was."""
    from desktop_app.services import plans
    from desktop_app.store import plans as plan_store

    title = plan_store.get_plan(store, 1).title
    plans.close_plan(store, 1)
    page = open_page(window)
    before = store.query("SELECT * FROM annual_item"), store.query("SELECT * FROM audit_log")
    page.select("成德大道北延线")
    errors = []

    def targets(dialog):
        dialog.investment.setText("20000")
        ok(dialog)
        errors.append(dialog.error.text())

    answer_next_dialog(targets)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    assert errors == [
        f"项目「成德大道北延线」属于已关闭的规划《{title}》，数据只读，不能修改它在 2026 年清单中的"
        "目标和单位。如确需修改，请先在“规划”页（或命令 plan open）重新打开该规划。"
    ]
    road = next(r for r in entries(page) if len(r) > 1 and r[1] == "成德大道北延线")
    assert road[7] == "12,000.00"

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    page.year_box.setValue(2027)
    qtbot.mouseClick(page.carry_button, Qt.LeftButton)
    [text] = warnings
    assert text.startswith("未结转：") and f"已关闭的规划《{title}》" in text
    assert "「成德大道北延线」" in text
    assert page.title.text() == "2027 年还没有年度清单"
    assert (store.query("SELECT * FROM annual_item"), store.query("SELECT * FROM audit_log")) == (
        before
    )


def test_supporting_units_are_edited_with_the_targets_and_undone_in_one_step(
    qtbot, window, store, annual_2026
):
    page = open_page(window)
    task = next(i for i in astore.list_items(store, 2026) if i.kind == "任务")
    page.select(task.name)
    before = store.query("SELECT * FROM task_unit WHERE task_id = ?", (task.id,))
    shown, errors = [], []

    def targets(dialog):
        shown.append(dialog.supporting.text())
        dialog.supporting.setText("旌阳区")  # already 责任: one role per unit
        ok(dialog)
        errors.append(dialog.error.text())
        dialog.supporting.setText("市商务局、什邡")
        ok(dialog)

    answer_next_dialog(targets)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    assert shown == [""]
    assert errors == [
        "配合单位「旌阳区」已是责任单位，一个单位只能有一个角色：请从配合单位中删去它。"
    ]

    def roles():
        return sorted(
            (r["name"], r["role"])
            for r in store.query(
                "SELECT u.name, tu.role FROM task_unit tu JOIN unit u ON u.id = tu.unit_id"
                " WHERE tu.task_id = ?",
                (task.id,),
            )
        )

    edited = [
        ("什邡市", "配合"),
        ("市发展改革委", "牵头"),
        ("市商务局", "配合"),
        ("旌阳区", "责任"),
    ]
    assert roles() == edited
    [audit] = store.query(
        "SELECT old, new FROM audit_log WHERE entity = 'task' AND entity_id = ?"
        " AND field = 'units' ORDER BY id DESC LIMIT 1",
        (str(task.id),),
    )
    assert "配合" not in (audit["old"] or "")
    assert "市商务局（配合）" in audit["new"] and "什邡市（配合）" in audit["new"]

    # Shown again when the dialog is reopened; the lead and 责任 units as they were.
    again = []
    answer_next_dialog(lambda d: again.append((d.supporting.text(), d.responsible.text())))
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    assert again == [("什邡市、市商务局", "旌阳区")]  # in the unit list's order

    window.act_undo.trigger()  # one step: the units as before
    assert store.query("SELECT * FROM task_unit WHERE task_id = ?", (task.id,)) == before
    window.act_redo.trigger()
    assert roles() == edited


def test_an_edit_is_not_undone_once_its_plan_is_closed(qtbot, window, store, annual_2026):
    from desktop_app.services import plans

    page = open_page(window)
    page.select("成德大道北延线")

    def targets(dialog):
        dialog.investment.setText("20000")
        dialog.supporting.setText("市商务局")
        ok(dialog)

    answer_next_dialog(targets)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    plans.close_plan(store, 1)
    before = (
        store.query("SELECT * FROM project_unit"),
        store.query("SELECT * FROM project_annual_target"),
    )
    window.act_undo.trigger()
    assert "项目「成德大道北延线」属于已关闭的规划" in window.last_error
    assert "不能撤销对它的这一步修改" in window.last_error
    after = (
        store.query("SELECT * FROM project_unit"),
        store.query("SELECT * FROM project_annual_target"),
    )
    assert after == before
    road = next(r for r in entries(page) if len(r) > 1 and r[1] == "成德大道北延线")
    assert road[7] == "20,000.00"
