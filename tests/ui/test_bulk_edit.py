"""批量修改 through the window: select rows, open the dialog from the menu, answer it, undo."""

from datetime import date

import pytest
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QMenu

from desktop_app.store.projects import get_project
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 12, 6), backup_on_open=False)
    qtbot.addWidget(w)
    w.show()
    w.show_page("register")
    return w


def select_rows(page, rows) -> list[str]:
    """Select ``rows`` of the register as a user does (shift/ctrl-clicks: the selection model)."""
    model = page.view.model()
    selection = QItemSelection()
    for r in rows:
        selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
    page.view.selectionModel().select(
        selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
    )
    return page.selected_project_ids()


def audit_ops(store, since: int) -> list[tuple[str, int]]:
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT op_id, count(*) FROM audit_log WHERE id > ? GROUP BY op_id", (since,)
        )
    ]


def last_audit(store) -> int:
    return store.scalar("SELECT coalesce(max(id), 0) FROM audit_log")


def test_the_register_menu_offers_bulk_edit_for_a_selection(window):
    page = window.register_page
    assert not window.act_bulk.isEnabled()
    select_rows(page, [0, 1])
    assert window.act_bulk.isEnabled()
    assert window.act_bulk in page.context_actions
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "编辑(&E)")
    assert window.act_bulk in edit_menu.actions()
    assert window.act_bulk.shortcut().toString() == "Ctrl+Shift+E"


def test_set_lead_dates_stage_and_investment_on_five_projects_then_undo(qtbot, window, store):
    page = window.register_page
    ids = select_rows(page, range(5))
    assert len(ids) == 5
    before = {pid: get_project(store, pid) for pid in ids}
    mark = last_audit(store)

    window.act_bulk.trigger()
    dialog = window.bulk_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.ok_button.text() == "应用到 5 个项目"
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市水利局"))
    dialog.checks["responsible"].setChecked(True)
    dialog.pickers["responsible"].check("旌阳区")
    dialog.pickers["responsible"].check("中江县")
    dialog.checks["stage"].setChecked(True)
    dialog.fields["stage"].setCurrentIndex(dialog.fields["stage"].findData("在建"))
    dialog.checks["planned_start"].setChecked(True)
    dialog.fields["planned_start"].setText("2026年3月")
    dialog.checks["planned_end"].setChecked(True)
    dialog.fields["planned_end"].setText("2028-06-30")
    dialog.checks["total_investment"].setChecked(True)
    dialog.fields["total_investment"].setText("1.2亿")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert not dialog.isVisible()

    model = window.ctx.register_model
    for pid in ids:
        p = model.project(pid)
        assert p.lead_unit == "市水利局"
        assert p.units_with_role("责任") == ["旌阳区", "中江县"]
        assert (p.stage, p.planned_start, p.planned_end, p.total_investment) == (
            "在建",
            date(2026, 3, 1),
            date(2028, 6, 30),
            12000.0,
        )
        # With its dates, the light is no longer 待填报.
        assert not model.status_of(pid).pending
    row = model.row_of(ids[0])
    assert page.view.model().index(row, 0).data() != "待填报"
    ops = audit_ops(store, mark)
    assert len(ops) == 1  # one operation, holding every field changed on every project
    rows = set(
        store.conn.execute(
            "SELECT entity_id, field FROM audit_log WHERE id > ? AND entity = 'project'", (mark,)
        )
    )
    expected = {
        (pid, f)
        for pid in ids
        for f in ("planned_start", "planned_end", "total_investment", "units")
        + (() if before[pid].stage == "在建" else ("stage",))
    }
    assert rows == expected and sum(n for _, n in ops) == len(expected)
    assert window.act_undo.text() == "撤销 批量修改 5 个项目的建设阶段、计划开工、计划完工等"

    window.act_undo.trigger()
    for pid in ids:
        now = get_project(store, pid)
        was = before[pid]
        assert (now.lead_unit, now.units, now.stage, now.planned_start, now.planned_end) == (
            was.lead_unit,
            was.units,
            was.stage,
            was.planned_start,
            was.planned_end,
        )
        assert now.total_investment == was.total_investment
        assert model.project(pid).lead_unit == was.lead_unit
        assert model.status_of(pid).pending
    undo_ops = audit_ops(store, mark)
    assert len(undo_ops) == 2  # the edit, then its undo: one operation each

    window.act_redo.trigger()
    assert {get_project(store, pid).lead_unit for pid in ids} == {"市水利局"}


def test_an_end_before_some_rows_start_is_refused_naming_them_and_nothing_changes(
    qtbot, window, store
):
    page = window.register_page
    ids = select_rows(page, range(4))
    # Two of the four already start in 2027.
    from desktop_app.store.projects import update_project

    for pid in ids[:2]:
        update_project(store, pid, {"planned_start": date(2027, 5, 1)})
    window.ctx.register_model.reload()
    ids = select_rows(page, [window.ctx.register_model.row_of(pid) for pid in ids])
    mark = last_audit(store)
    names = {pid: get_project(store, pid) for pid in ids}
    depth = window.ctx.undo_stack.count()

    window.act_bulk.trigger()
    dialog = window.bulk_dialog
    dialog.checks["planned_end"].setChecked(True)
    dialog.fields["planned_end"].setText("2026-12-31")
    dialog.checks["lead"].setChecked(True)
    dialog.lead.setCurrentIndex(dialog.lead.findText("市交通运输局"))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    assert dialog.isVisible()  # stays open to be adjusted
    text = dialog.error.text()
    assert text.startswith("批量修改未执行：选中的项目中有 2 个不能这样修改，所有项目都保持原样。")
    for p in list(names.values())[:2]:
        assert f"· {p.code} " in text and "计划完工 2026-12-31 早于计划开工 2027-05-01" in text
    for p in list(names.values())[2:]:
        assert f"· {p.code} " not in text
    assert last_audit(store) == mark
    assert window.ctx.undo_stack.count() == depth
    assert all(get_project(store, pid).lead_unit is None for pid in ids)

    # Adjusted (a later end), the same dialog applies it.
    dialog.fields["planned_end"].setText("2028-12-31")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert not dialog.isVisible()
    assert {get_project(store, pid).planned_end for pid in ids} == {date(2028, 12, 31)}


def test_an_unreadable_date_is_named_in_the_dialog(qtbot, window, store):
    select_rows(window.register_page, [0, 1])
    window.act_bulk.trigger()
    dialog = window.bulk_dialog
    dialog.checks["planned_start"].setChecked(True)
    dialog.fields["planned_start"].setText("明年春天")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.text().startswith("计划开工：")
    dialog.fields["planned_start"].setText("")
    dialog.checks["planned_start"].setChecked(False)
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert "没有勾选要修改的内容" in dialog.error.text()
    dialog.reject()


class MenuChooser(QObject):
    """Chooses an entry of the next menu shown, as a click on it would (QMenu.exec is also a
    static method and cannot be replaced), and notes what the menu offered."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.offered: list[str] = []

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Show and isinstance(obj, QMenu):
            self.offered = [a.text() for a in obj.actions()]
            action = next(a for a in obj.actions() if a.text() == self.text)
            QTimer.singleShot(0, lambda: (obj.close(), action.trigger()))
        return False


def test_the_context_menu_opens_bulk_edit(qtbot, qapp, window):
    page = window.register_page
    chosen = select_rows(page, [2, 3, 4])
    chooser = MenuChooser("批量修改…")
    qapp.installEventFilter(chooser)
    try:
        page._context_menu(page.view.visualRect(page.view.model().index(2, 1)).center())
    finally:
        qapp.removeEventFilter(chooser)
    assert chooser.offered[:3] == ["编辑项目…", "批量修改…", "修改历史…"]
    dialog = window.bulk_dialog
    assert dialog.isVisible() and dialog.ok_button.text() == "应用到 3 个项目"
    dialog.checks["section_id"].setChecked(True)
    box = dialog.fields["section_id"]
    box.setCurrentIndex(box.findText("专栏2", Qt.MatchStartsWith))
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert page.selected_project_ids() == chosen  # still selected for the next change
    assert {window.ctx.register_model.project(pid).column for pid in chosen} == {2}


def test_undo_is_refused_when_someone_changed_a_row_since(qtbot, window, store):
    from desktop_app.store.projects import update_project

    ids = select_rows(window.register_page, [0, 1, 2])
    window.act_bulk.trigger()
    dialog = window.bulk_dialog
    dialog.checks["total_investment"].setChecked(True)
    dialog.fields["total_investment"].setText("5000")
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    update_project(store, ids[1], {"total_investment": 7777})  # another window, meanwhile
    errors = []
    window.ctx.error_reported.connect(errors.append)
    window.act_undo.trigger()
    assert errors and "已被他人（或另一窗口）修改" in errors[0].message
    assert get_project(store, ids[0]).total_investment == 5000
    assert get_project(store, ids[1]).total_investment == 7777
