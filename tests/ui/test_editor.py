"""The project editor: change a date, see the table follow, undo, redo; nothing wrong is saved."""

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_app.store.projects import get_project, list_projects
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.register.model import column_index


@pytest.fixture
def window(qtbot, store, tmp_path):
    w = MainWindow(
        store,
        QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        today=date(2026, 11, 29),
    )
    qtbot.addWidget(w)
    w.show()
    w.show_page("register")
    return w


def s11(store):
    return next(p.id for p in list_projects(store) if "S11" in p.name)


def cell(window, project_id, key):
    model = window.ctx.register_model
    return model.index(model.row_of(project_id), column_index(key)).data()


def open_editor_by_double_click(qtbot, window, project_id):
    page = window.register_page
    row = page.model.row_of(project_id)
    page.view.doubleClicked.emit(page.model.index(row, 2))
    assert window.editor is not None
    return window.editor


def test_change_a_date_then_undo_and_redo(qtbot, window, store):
    pid = s11(store)
    page = window.register_page
    qtbot.keyClicks(page.search, "S11")
    editor = open_editor_by_double_click(qtbot, window, pid)
    assert cell(window, pid, "planned_end") == "待填报"
    editor.inputs["planned_start"].setText("2024-01-01")
    qtbot.keyClicks(editor.inputs["planned_end"], "2027-12-31")
    assert editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.LeftButton)
    assert cell(window, pid, "planned_end") == "2027-12-31"
    assert get_project(store, pid).planned_end == date(2027, 12, 31)

    assert window.act_undo.text().startswith("撤销 修改 ")
    assert window.act_undo.text() == "撤销 修改 成都经广汉至德阳市域铁路S11线 计划开工、计划完工"
    window.act_undo.trigger()
    assert cell(window, pid, "planned_end") == "待填报"
    assert get_project(store, pid).planned_end is None
    window.act_redo.trigger()
    assert cell(window, pid, "planned_end") == "2027-12-31"


def test_amounts_shown_in_full_and_kept_when_another_field_is_saved(qtbot, window, store):
    from desktop_app.store.projects import update_project

    pid = s11(store)
    update_project(store, pid, {"total_investment": 2345678.9, "investment_to_date": 12345.6789})
    window.ctx.register_model.reload()
    editor = open_editor_by_double_click(qtbot, window, pid)
    assert editor.inputs["total_investment"].text() == "2345678.9"
    assert editor.inputs["investment_to_date"].text() == "12345.6789"
    editor.inputs["percent_complete"].setText("20")
    qtbot.mouseClick(editor.save_button, Qt.LeftButton)
    project = get_project(store, pid)
    assert (project.total_investment, project.investment_to_date) == (2345678.9, 12345.6789)
    assert project.percent_complete == 20
    assert window.act_undo.text() == "撤销 修改 成都经广汉至德阳市域铁路S11线 完成百分比"


def test_invalid_values_are_refused_with_their_reason(qtbot, window, store):
    editor = window.open_editor(s11(store))
    editor.inputs["percent_complete"].setText("120")
    assert not editor.save_button.isEnabled()
    assert "超出 0–100" in editor.error_labels["percent_complete"].text()
    editor.inputs["percent_complete"].setText("60")
    editor.inputs["planned_start"].setText("2027-01-01")
    editor.inputs["planned_end"].setText("2026-01-01")
    assert not editor.save_button.isEnabled()
    assert "早于计划开工" in editor.error_labels["planned_end"].text()
    editor.inputs["planned_end"].setText("下个月")
    assert "计划完工" in editor.error_labels["planned_end"].text()
    editor.inputs["planned_end"].setText("2028-06")
    editor.inputs["total_investment"].setText("-5")
    assert "不能小于 0" in editor.error_labels["total_investment"].text()
    editor.inputs["total_investment"].setText("")
    other = next(
        p for p in window.ctx.register_model._entries.values() if p.project.id != editor.project_id
    )
    editor.inputs["code"].setText(other.project.code)
    assert "已被其他项目使用" in editor.error_labels["code"].text()
    assert not editor.save_button.isEnabled()
    editor.save()  # even when forced, nothing is saved
    assert get_project(store, editor.project_id).percent_complete is None
    editor.reject()  # 取消 loses nothing that was saved
    assert get_project(store, editor.project_id).planned_start is None
    assert window.ctx.undo_stack.count() == 0


def test_units_milestones_and_targets(qtbot, window, store):
    pid = s11(store)
    editor = window.open_editor(pid)
    units = window.ctx.register_model
    editor.add_unit_row()
    editor.add_unit_row()
    t = editor.units_table
    t.cellWidget(0, 1).setCurrentText("牵头")
    t.cellWidget(1, 1).setCurrentText("牵头")
    t.cellWidget(1, 0).setCurrentIndex(1)
    assert "只能有一个牵头单位" in editor.error_labels["units"].text()
    t.cellWidget(1, 1).setCurrentText("配合")
    editor.add_milestone_row("立项", "2024-03-01", "2024-03-10")
    editor.add_milestone_row("开工", "2024-06-01")
    editor.ms_table.setCurrentCell(1, 0)
    editor._move(editor.ms_table, -1)
    assert editor.ms_table.item(0, 0).text() == "开工"
    editor.add_target_row("2026", "5000", "完成主体")
    assert editor.save_button.isEnabled(), editor.errors
    editor.save()
    p = get_project(store, pid)
    assert p.lead_unit == t.cellWidget(0, 0).currentText()
    assert [m.name for m in p.milestones] == ["开工", "立项"]
    assert p.annual_plan(2026) == 5000
    assert units.project(pid).lead_unit == p.lead_unit


def test_new_project_then_undo(qtbot, window, store):
    window.act_new_project.trigger()
    editor = window.editor
    assert editor.inputs["code"].text()  # a free code is proposed
    assert not editor.save_button.isEnabled()  # a name is required
    editor.inputs["name"].setText("新建的测试项目")
    editor.save()
    model = window.ctx.register_model
    assert model.total_count == 196
    window.act_undo.trigger()
    assert model.total_count == 195
    window.act_redo.trigger()
    assert model.total_count == 196


def test_edit_from_an_old_version_is_refused_and_reloaded(qtbot, window, store):
    pid = s11(store)
    editor = window.open_editor(pid)
    other = sqlite3.connect(str(store.path))  # another user saves first
    other.execute(
        "UPDATE project SET name = '他人修改的名称', version = version + 1 WHERE id = ?", (pid,)
    )
    other.commit()
    other.close()
    editor.inputs["percent_complete"].setText("30")
    editor.save()
    assert "该项目已被他人修改" in editor.last_message
    assert editor.inputs["name"].text() == "他人修改的名称"  # the form shows the new version
    assert get_project(store, pid).percent_complete is None
    assert window.ctx.register_model.project(pid).name == "他人修改的名称"
    editor.inputs["percent_complete"].setText("30")
    editor.save()
    assert get_project(store, pid).percent_complete == 30


def test_a_project_placed_in_a_plan_section_keeps_it_when_saved(qtbot, window, store):
    """Some projects sit in a 节 of the plan, not a 专栏: the editor shows it as 规划章节 (its
    专栏 is empty, as in the register's 专栏 column) and keeps it when saved."""
    from desktop_app.store.projects import list_sections

    jie = {s.id: s.label for s in list_sections(store, "节")}
    project = next(p for p in list_projects(store) if p.section_id in jie)
    assert cell(window, project.id, "column") in (None, "", "待填报")
    editor = window.open_editor(project.id)
    assert editor.section.currentText() == "（未归入专栏）"
    assert all(
        editor.section.itemText(i) == "（未归入专栏）"
        or editor.section.itemText(i).startswith("专栏")
        for i in range(editor.section.count())
    )
    assert editor.plan_section.text() == jie[project.section_id]
    assert editor.plan_section.isReadOnly()
    editor.inputs["percent_complete"].setText("12")
    editor.save()
    saved = get_project(store, project.id)
    assert saved.section_id == project.section_id and saved.percent_complete == 12


def test_a_project_in_a_column_shows_it_as_the_register_does(qtbot, window, store):
    project = get_project(store, s11(store))
    editor = window.open_editor(project.id)
    assert editor.section.currentText().startswith(f"专栏{project.column}")
    assert editor.plan_section.text() == ""
    assert cell(window, project.id, "column").startswith(f"专栏{project.column}")


def test_a_validation_message_moves_nothing_and_widens_nothing(qtbot, window, store):
    """The message appears in a line kept for it: the field below stays under the mouse."""
    editor = window.open_editor(s11(store))
    editor.resize(860, 620)
    qtbot.waitExposed(editor)
    watched = [editor.inputs[f] for f in ("percent_complete", "planned_end", "actual_start")]
    watched += [editor.scope, editor.source_text, editor.save_button]

    def places():
        return [w.mapTo(editor, w.rect().topLeft()) for w in watched] + [editor.size()]

    before = places()
    editor.inputs["planned_start"].setText("2027-01-01")
    editor.inputs["planned_end"].setText("2026-01-01")  # 早于计划开工
    editor.inputs["total_investment"].setText("很多很多很多很多很多很多很多很多很多很多万元")
    editor.inputs["percent_complete"].setText("120")
    qtbot.wait(1)  # let the layout run
    assert "早于计划开工" in editor.error_labels["planned_end"].text()
    assert editor.summary.text().startswith("不能保存：")
    assert places() == before
    assert editor.width() == 860
    editor.inputs["percent_complete"].setText("50")
    qtbot.wait(1)
    assert places() == before


def test_plan_text_shows_three_lines_without_scrolling(qtbot, window, store):
    editor = window.open_editor(s11(store))
    qtbot.waitExposed(editor)
    editor.source_text.setPlainText("第一行规划原文\n第二行规划原文\n第三行规划原文")
    qtbot.wait(1)
    assert editor.source_text.verticalScrollBar().maximum() == 0


def test_history_tab_shows_the_audit_trail(qtbot, window, store):
    pid = s11(store)
    editor = window.open_editor(pid)
    editor.inputs["planned_end"].setText("2028-01-01")
    editor.save()
    editor = window.open_editor(pid)
    titles = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    assert titles == ["基本信息", "责任单位", "关键节点", "年度目标", "进度报告", "修改历史"]
    history = editor.tabs.widget(5)
    assert history.table.item(0, 2).text() == "计划完工"
    assert history.table.item(0, 4).text() == "2028-01-01"
    assert history.table.item(0, 5).text() == "手工"


def test_undo_never_overwrites_what_another_window_saved_since(qtbot, window, store):
    """A edits a cell; B (another window, another PC) changes the project; A's undo is
    refused with a message instead of wiping B's value."""
    from desktop_app.store.projects import update_project

    pid = s11(store)
    model = window.ctx.register_model
    index = model.index(model.row_of(pid), column_index("planned_end"))
    assert model.setData(index, "2030-01-01")
    update_project(store, pid, {"planned_end": date(2032, 6, 30)})  # B, the same field
    window.act_undo.trigger()
    assert "不能撤销这一步" in window.last_error
    assert get_project(store, pid).planned_end == date(2032, 6, 30)  # B's value stands


def test_undo_of_one_field_leaves_another_users_other_fields_alone(qtbot, window, store):
    from desktop_app.store.projects import update_project

    pid = s11(store)
    model = window.ctx.register_model
    assert model.setData(model.index(model.row_of(pid), column_index("planned_end")), "2030-01-01")
    update_project(store, pid, {"total_investment": 12345})  # B, in another field
    window.act_undo.trigger()
    project = get_project(store, pid)
    assert project.planned_end is None and project.total_investment == 12345


def test_undo_and_redo_of_ones_own_edits_still_work(qtbot, window, store):
    pid = s11(store)
    model = window.ctx.register_model
    assert model.setData(model.index(model.row_of(pid), column_index("planned_end")), "2030-01-01")
    window.act_undo.trigger()
    assert get_project(store, pid).planned_end is None
    window.act_redo.trigger()
    assert get_project(store, pid).planned_end == date(2030, 1, 1)


def test_undoing_an_editor_save_is_refused_after_another_users_change(qtbot, window, store):
    from desktop_app.store.projects import update_project

    pid = s11(store)
    editor = window.open_editor(pid)
    editor.inputs["percent_complete"].setText("40")
    editor.save()
    update_project(store, pid, {"total_investment": 12345})  # B, in another field
    window.act_undo.trigger()
    assert "不能撤销这一步" in window.last_error
    project = get_project(store, pid)
    assert project.total_investment == 12345 and project.percent_complete == 40


def _answer(qtbot, editor, button):
    box = editor.close_question
    assert box is not None and "尚未保存的修改" in box.text()
    box.button(button).click()


def test_closing_with_unsaved_edits_asks_first(qtbot, window, store):
    from PySide6.QtWidgets import QMessageBox

    pid = s11(store)
    editor = window.open_editor(pid)
    gone = []
    editor.destroyed.connect(lambda: gone.append(True))
    editor.reject()  # nothing typed yet: closes without asking
    qtbot.waitUntil(lambda: bool(gone))

    editor = window.open_editor(pid)
    gone.clear()
    editor.destroyed.connect(lambda: gone.append(True))
    editor.scope.setPlainText("新增建设内容：综合管廊 12 公里")
    editor.close()  # the window's close button (Esc and 取消 go the same way)
    _answer(qtbot, editor, QMessageBox.Cancel)  # 继续编辑
    assert editor.isVisible() and "综合管廊" in editor.scope.toPlainText()

    editor.reject()
    _answer(qtbot, editor, QMessageBox.Discard)  # 不保存
    qtbot.waitUntil(lambda: bool(gone))
    assert "综合管廊" not in (get_project(store, pid).scope or "")

    editor = window.open_editor(pid)
    editor.inputs["percent_complete"].setText("35")
    editor.reject()
    _answer(qtbot, editor, QMessageBox.Save)  # 保存
    assert editor.saved and get_project(store, pid).percent_complete == 35
    assert window.ctx.undo_stack.count() == 1  # saved as any save is: undoable


def test_saving_then_closing_asks_nothing(qtbot, window, store):
    pid = s11(store)
    editor = window.open_editor(pid)
    editor.add_milestone_row("主体完工", "2027-06-30", "")
    editor.save()
    assert editor.saved and editor.close_question is None
    assert [m.name for m in get_project(store, pid).milestones][-1] == "主体完工"
