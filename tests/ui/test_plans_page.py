"""The 规划 page and the plan chooser, pressed as a user does: close the plan, import the next,
look at the old one, and make the evaluation from the 文件 menu."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from plan_lists import write_next_plan
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from desktop_app.domain.model import ProgressReport
from desktop_app.store.progress import record_report
from desktop_app.store.projects import get_project, update_project
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.reports.evaluation_dialog import EvaluationDialog

TODAY = date(2026, 12, 6)


@pytest.fixture
def window(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    s11 = get_project(store, "ZL02-001")
    record_report(store, ProgressReport(project_id=s11.id, period="2026-11", percent_complete=62.5))
    hq = get_project(store, "CH04-002")
    update_project(store, hq.id, {"stage": "竣工", "actual_end": date(2025, 9, 30)})
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=TODAY, backup_on_open=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def answers(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    return said


def _codes(window) -> set[str]:
    model = window.ctx.register_model
    return {p.code for p in (model.project(i) for i in model.filtered_project_ids()) if p}


def test_closing_the_plan_and_opening_the_next_through_the_window(
    window, qtbot, tmp_path, monkeypatch, answers
):
    store = window.ctx.store
    window.show_page("plans")
    page = window.page("plans")
    assert page.table.rowCount() == 1 and "当前规划" in page.table.item(0, 9).text()
    page.table.selectRow(0)
    assert not page.reopen_button.isEnabled()
    qtbot.mouseClick(page.close_button, Qt.LeftButton)
    assert page.table.item(0, 3).text() == "已关闭"
    assert page.reopen_button.isEnabled() and not page.close_button.isEnabled()

    filled = write_next_plan(tmp_path / "十五五规划清单.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(filled), ""))
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    assert "结转未完成项目 194 个" in answers[-1]
    assert page.table.rowCount() == 2
    assert page.table.item(1, 3).text() == "执行中" and "当前规划" in page.table.item(1, 9).text()
    assert page.table.item(1, 7).text() == str(194 + 73)
    assert page.table.item(0, 8).text() == str(194 + 73)
    assert page.table.item(0, 0).text() == "“十四五”规划"

    # The register shows the new plan: its own projects and the carried ones, not the finished.
    window.show_page("register")
    codes = _codes(window)
    assert {"ZL01-101", "ZL01-102", "ZL02-001"} <= codes and "CH04-002" not in codes
    assert window.count_label.text() == f"项目 {194 + 2} 个"

    # The carried project's history, in the history window: the carry-over on top of the rest.
    window.register_page.select_project(get_project(store, "ZL02-001").id)
    window.act_history.trigger()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("修改历史")
    )
    table = dialog.body.table
    fields = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert fields[0] == "结转"
    assert "十四五" in table.item(0, 3).text() and "十五五" in table.item(0, 4).text()
    assert any(f.startswith("进度：") for f in fields)
    dialog.close()

    # The chooser in the status bar: back to the closed plan, read-only.
    chooser = window.plan_chooser
    assert chooser.count() == 2 and "十五五" in chooser.currentText()
    chooser.setFocus()
    QTest.keyClick(chooser, Qt.Key_Up)
    assert "十四五" in chooser.currentText() and "已关闭" in chooser.currentText()
    codes = _codes(window)
    assert "CH04-002" in codes and "ZL01-101" not in codes and len(codes) == 195
    window.register_page.select_project(get_project(store, "CH04-002").id)
    window.delete_selected(confirm=False)
    assert "已关闭的规划" in window.last_error
    assert get_project(store, "CH04-002").stage == "竣工"

    # Reopened from the page, the finished project may be changed again.
    window.show_page("plans")
    page.select_plan("CD-2021")
    qtbot.mouseClick(page.reopen_button, Qt.LeftButton)
    assert page.table.item(0, 3).text() == "执行中"


def test_the_evaluation_from_the_file_menu(window, qtbot, tmp_path, monkeypatch, answers):
    out = tmp_path / "评估" / "十四五评估.docx"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    seen = {}

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, EvaluationDialog))
        seen["kind"] = dialog.kind_label.text()
        dialog.date_edit.setDate(QDate(2023, 6, 30))
        seen["mid"] = dialog.kind_label.text()
        dialog.date_edit.setDate(QDate(2025, 12, 31))
        qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.act_evaluation.trigger()
    assert seen == {"kind": "总结评估", "mid": "中期评估"}
    assert out.exists() and (out.parent / "十四五评估（附表）.xlsx").exists()
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "实施情况总结评估报告" in text and "已按期建成1个（华强沟水库）" in text
    assert "评估报告已保存" in answers[-1]


def test_a_draft_plan_list_from_the_plans_text(window, qtbot, tmp_path, monkeypatch, answers):
    from desktop_app.tools.plan_coverage import plan_text_path

    out = tmp_path / "规划清单初稿.xlsx"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(plan_text_path()), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.show_page("plans")
    qtbot.mouseClick(window.page("plans").draft_button, Qt.LeftButton)
    assert out.exists()
    assert "11 章、35 节、15 个专栏、重点任务 73 项" in answers[-1]


def test_the_editor_of_a_carried_project_offers_the_new_plans_columns_and_keeps_its_own(
    window, tmp_path
):
    from desktop_app.services import plans
    from desktop_app.ui.editor.dialog import ProjectEditor

    store = window.ctx.store
    plans.close_plan(store, 1)
    plans.import_plan(store, write_next_plan(tmp_path / "十五五.xlsx"))
    s11 = get_project(store, "ZL02-001")
    editor = ProjectEditor(window.ctx, s11.id, window)
    offered = [editor.section.itemText(i) for i in range(editor.section.count())]
    assert offered == ["（未归入专栏）", "专栏1 交通重大项目"]
    assert editor.plan_section.text() == "专栏2 成德交通基础设施建设重大项目"
    editor.inputs["percent_complete"].setText("63")
    editor.save()
    after = get_project(store, "ZL02-001")
    assert after.percent_complete == 63 and after.section_id == s11.section_id
    editor.close()


def test_the_evaluation_from_the_print_dialogs_word_menu(
    window, qtbot, tmp_path, monkeypatch, answers
):
    from desktop_app.ui.reports.print_dialog import PrintDialog

    out = tmp_path / "中期评估.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    printing = PrintDialog(window.ctx, window)
    qtbot.addWidget(printing)

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, EvaluationDialog))
        dialog.annex_box.setChecked(False)
        dialog.date_edit.setDate(QDate(2023, 6, 30))
        qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
        dialog.reject()

    QTimer.singleShot(0, answer)
    printing.act_word_evaluation.trigger()
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "实施情况中期评估报告" in text and "截至2023年6月30日" in text
    assert not (tmp_path / "中期评估（附表）.xlsx").exists()
