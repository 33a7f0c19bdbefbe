"""重点任务 in the window: the plan's tasks listed and filtered, units assigned with undo and audit;
the register's 待分配 view; the grouped 待填报 line of 督办预警."""

from datetime import date

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSettings, Qt

from desktop_app.store.tasks import list_tasks
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.show()
    w.show_page("tasks")
    return w


def select(page, rows) -> list[int]:
    model = page.view.model()
    selection = QItemSelection()
    for r in rows:
        selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
    page.view.selectionModel().select(
        selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
    )
    return page.selected_task_ids()


def column(page, title: str) -> list[str]:
    model = page.view.model()
    c = [model.headerData(i, Qt.Horizontal) for i in range(model.columnCount())].index(title)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def test_the_plans_tasks_are_listed_with_chapter_section_and_the_plans_own_words(window):
    assert "重点任务" in [window.nav.item(i).text() for i in range(window.nav.count())]
    page = window.page("tasks")
    assert page.view.model().rowCount() == 73
    assert page.count_label.text() == "共 73 项重点任务"
    assert page.unassigned.text() == "只看未分配（无牵头单位 73 项）"
    codes = column(page, "编号")
    row = codes.index("RW04-1-1")
    assert column(page, "章")[row] == "第四章"
    assert column(page, "节")[row] == "全面推进交通基础设施互联互通"
    assert column(page, "任务")[row] == "建设多层次多制式轨道交通"
    assert column(page, "牵头单位")[row] == "待填报"
    model = page.view.model()
    assert "规划原文：强化成德快速轨道交通建设。（规划原文第 699 行）" in model.index(row, 3).data(
        Qt.ToolTipRole
    )
    select(page, [row])
    assert page.detail.text().splitlines()[:3] == [
        "RW04-1-1　第四章 加快推进成德基础设施一体化　全面推进交通基础设施互联互通",
        "任务：建设多层次多制式轨道交通",
        "规划原文：强化成德快速轨道交通建设。（规划原文第 699 行）",
    ]


def test_filter_by_chapter_text_and_unassigned(window):
    page = window.page("tasks")
    page.chapter_box.setCurrentIndex(page.chapter_box.findText("第四章", Qt.MatchStartsWith))
    fourth = column(page, "章")
    assert fourth and set(fourth) == {"第四章"}
    assert page.count_label.text() == f"筛选出 {len(fourth)} / 73 项重点任务"
    page.chapter_box.setCurrentIndex(0)
    page.search.setText("轨道交通")
    assert column(page, "编号") and all(
        "轨道交通" in t.title + (t.text or "") + (t.section or "") for t in page.model.shown
    )
    page.search.clear()
    page.unassigned.setChecked(True)
    assert page.view.model().rowCount() == 73


def test_assign_units_to_two_tasks_then_undo(qtbot, window, store):
    page = window.page("tasks")
    ids = select(page, [0, 1])
    mark = store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")
    qtbot.mouseClick(page.assign_button, Qt.LeftButton)
    dialog = page.assign_dialog
    assert dialog.isVisible() and dialog.ok_button.text() == "应用到 2 项任务"
    assert "section_id" not in dialog.checks  # tasks take units only
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市发展改革委"))
    dialog.checks["supporting"].setChecked(True)
    dialog.pickers["supporting"].check("广汉市")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert not dialog.isVisible()

    tasks = {t.id: t for t in list_tasks(store, ids=ids)}
    assert {(t.lead_unit, tuple(t.units_with_role("配合"))) for t in tasks.values()} == {
        ("市发展改革委", ("广汉市",))
    }
    assert column(page, "牵头单位")[:2] == ["市发展改革委", "市发展改革委"]
    assert column(page, "配合单位")[:2] == ["广汉市", "广汉市"]
    assert page.unassigned.text() == "只看未分配（无牵头单位 71 项）"
    rows = store.query(
        "SELECT op_id, entity, field, new FROM audit_log WHERE id > ? ORDER BY id", (mark,)
    )
    assert len(rows) == 2 and len({r["op_id"] for r in rows}) == 1
    assert {(r["entity"], r["field"]) for r in rows} == {("task", "units")}
    assert rows[0]["new"] == "市发展改革委（牵头）；广汉市（配合）"

    page.unit_box.setCurrentIndex(page.unit_box.findText("广汉市"))
    assert sorted(t.id for t in page.model.shown) == sorted(ids)  # assigned to it, any role
    page.unit_box.setCurrentIndex(0)

    window.act_undo.trigger()
    assert all(not t.units for t in list_tasks(store, ids=ids))
    assert column(page, "牵头单位")[:2] == ["待填报", "待填报"]
    window.act_redo.trigger()
    assert {t.lead_unit for t in list_tasks(store, ids=ids)} == {"市发展改革委"}


def test_one_task_opens_with_its_own_units_and_a_lead_must_be_chosen(qtbot, window, store):
    page = window.page("tasks")
    select(page, [5])
    page.assign_selected()
    dialog = page.assign_dialog
    dialog.checks["lead"].setChecked(True)  # left at 「请选择」
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text().startswith("请选择牵头单位")
    dialog.lead.setCurrentIndex(dialog.lead.findText("德阳高新区"))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert not dialog.isVisible()
    assert len(page.selected_task_ids()) == 1  # still selected after the change
    page.view.doubleClicked.emit(page.view.model().index(5, 0))
    again = page.assign_dialog
    assert again is not dialog and again.lead.currentText() == "德阳高新区"
    again.reject()


def test_the_register_shows_what_is_still_to_assign_with_counts(qtbot, window):
    window.show_page("register")
    page = window.register_page
    combo = page.assign_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "待分配：不限",
        "待分配（任一项） 195",
        "缺牵头单位 195",
        "缺计划日期 195",
        "缺总投资 195",
    ]
    assert page.tasks_button.text() == "重点任务待分配 73 项…"
    # Give three projects a lead: the counts follow, and the filter leaves them out.
    model = window.ctx.register_model
    ids = [model.project_at(r).id for r in range(3)]
    page.select_projects(ids)
    window.act_bulk.trigger()
    dialog = window.bulk_dialog
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市水利局"))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    combo.setCurrentIndex(combo.findData("lead"))
    assert combo.currentText() == "缺牵头单位 192"
    assert model.shown_count == 192
    assert not set(ids) & set(model.visible_project_ids())
    assert page.count_label.text() == "筛选出 192 / 195 个项目"
    # The tasks' button opens 重点任务 showing those without a lead.
    qtbot.mouseClick(page.tasks_button, Qt.LeftButton)
    assert window.current_page_key() == "tasks"
    tasks = window.page("tasks")
    assert tasks.unassigned.isChecked() and tasks.view.model().rowCount() == 73


def test_supervision_lists_projects_without_dates_as_one_line(qtbot, window):
    window.show_page("supervision")
    page = window.page("supervision")
    assert page.watch.model().rowCount() == 0  # no yellow warning for each of them
    assert page.awaiting.isVisible() or page.awaiting.isVisibleTo(page)
    assert page.awaiting.text().startswith("● 195 个项目计划日期待填报（不逐个列为预警）")
    assert page.summary.text().startswith("项目：红灯 0 个，黄灯 0 个；")
    qtbot.mouseClick(page.awaiting, Qt.LeftButton)
    assert window.current_page_key() == "register"
    assert window.ctx.register_model.shown_count == 195


def test_the_print_button_opens_the_task_list_and_previews_it(qtbot, window):
    from pypdf import PdfReader

    page = window.page("tasks")
    qtbot.mouseClick(page.print_button, Qt.LeftButton)
    from desktop_app.ui.reports.print_dialog import PrintDialog

    dialog = next(w for w in window.findChildren(PrintDialog) if w.isVisible())
    assert dialog.sheet_key() == "tasks"
    assert dialog.sheet_box.currentText() == "重点任务清单"
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findText("广汉市"))
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.document.pageCount() >= 1
    text = PdfReader(str(dialog.files[0])).pages[0].extract_text()
    assert "重点任务清单" in text and "（广汉市）" in text
    dialog.done(0)
