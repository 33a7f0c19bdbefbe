"""项目库 as a user drives it: type to find, filter, group with subtotals, sort, choose columns."""

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt

from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.register.model import COLUMNS, RegisterModel, column_index
from desktop_app.ui.roles import GroupRole, ProjectRole, StatusRole


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


def names(model):
    return [model.project_at(r).name for r in range(model.rowCount()) if model.project_at(r)]


def test_model_passes_qt_model_checks(qtmodeltester, window):
    model = window.ctx.register_model
    qtmodeltester.check(model)
    model.set_group_by("column")
    qtmodeltester.check(model)


def test_typing_finds_a_project_by_code_or_name(qtbot, window):
    page = window.register_page
    qtbot.keyClicks(page.search, "S11")
    model = page.model
    assert names(model) == ["成都经广汉至德阳市域铁路S11线"]
    assert "1 / 195" in page.count_label.text()
    page.search.clear()
    for ch in "水库":  # typed through an input method: one character at a time
        page.search.insert(ch)
    assert model.shown_count >= 2 and all("水库" in n for n in names(model))
    page.search.clear()
    assert model.rowCount() == 195


def test_search_matches_units(window, make_project):
    make_project("T-1", "单位搜索项目", lead="市水利局")
    window.refresh_all()
    window.register_page.search.setText("市水利局")
    assert "单位搜索项目" in names(window.ctx.register_model)


def test_filters_by_stage_column_and_missing(qtbot, window):
    page, model = window.register_page, window.ctx.register_model
    stage = page.combos["stage"]
    stage.setCurrentIndex(stage.findData("在建"))
    assert model.shown_count > 0
    assert all(model.project_at(r).stage == "在建" for r in range(model.rowCount()))
    column = page.combos["column"]
    column.setCurrentIndex(column.findData(2))
    assert all(model.project_at(r).column == 2 for r in range(model.rowCount()))
    qtbot.mouseClick(page.clear_button, Qt.LeftButton)
    assert model.rowCount() == 195 and stage.currentIndex() == 0
    page.missing.setChecked(True)  # the built-in plan has no dates: every project lacks data
    assert model.shown_count == 195
    index = model.index(0, column_index("planned_end"))
    assert index.data() == "待填报"
    assert index.data(Qt.ForegroundRole).color().name() == "#9aa0a6"


def test_status_filter_from_another_view(window, make_project):
    make_project(
        "T-RED",
        "逾期项目",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 1, 1),
        percent_complete=50,
    )
    window.refresh_all()
    window.show_page("units")
    window.ctx.show_projects_requested.emit({"status": "红"})
    assert window.current_page_key() == "register"
    model = window.ctx.register_model
    assert "逾期项目" in names(model)
    assert all(model.index(r, 0).data(StatusRole).light == "红" for r in range(model.rowCount()))
    assert window.register_page.combos["status"].currentData() == "红"


def test_group_by_column_with_subtotals_and_collapse(window, make_project):
    make_project("T-G", "分组项目", total_investment=1234.5)
    window.refresh_all()
    page, model = window.register_page, window.ctx.register_model
    page.group_combo.setCurrentIndex(page.group_combo.findData("column"))
    first = model.index(0, 0).data(GroupRole)
    assert first is not None and first.label.startswith("专栏2")
    assert model.index(0, 0).data(ProjectRole) is None
    assert model.index(0, 0).data() == f"▾ {first.label} · {first.count} 个项目"
    ungrouped = [
        g for r in range(model.rowCount()) if (g := model.group_at(r)) and g.label == "未归入专栏"
    ]
    assert ungrouped[0].total_investment == 1234.5
    assert sum(model.group_at(r).count for r in range(model.rowCount()) if model.group_at(r)) == 196
    rows = model.rowCount()
    page._double_clicked(model.index(0, 1))  # double-click a group header collapses it
    assert model.rowCount() == rows - first.count
    assert model.index(0, 0).data().startswith("▸")
    page.collapse_button.click()
    assert all(model.group_at(r) for r in range(model.rowCount()))
    page.expand_button.click()
    assert model.rowCount() == rows


def test_sort_by_any_column(window):
    model = window.ctx.register_model
    view = window.register_page.view
    view.sortByColumn(column_index("name"), Qt.DescendingOrder)
    shown = names(model)
    assert shown == sorted(shown, reverse=True)
    view.sortByColumn(column_index("code"), Qt.AscendingOrder)
    codes = [model.project_at(r).code for r in range(model.rowCount())]
    assert codes == sorted(codes)


def test_columns_can_be_hidden_and_are_remembered(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w)
    col = column_index("stage")
    assert not w.register_page.view.isColumnHidden(col)
    w.register_page.set_column_visible(col, False)
    w.close()
    w2 = MainWindow(store, settings, today=date(2026, 11, 29), backup_on_open=False)
    qtbot.addWidget(w2)
    assert w2.register_page.view.isColumnHidden(col)
    menu = w2.register_page.column_menu()
    assert [a.text() for a in menu.actions()][: len(COLUMNS)] == [c.title for c in COLUMNS]


def test_multi_select(window):
    page = window.register_page
    page.view.selectRow(0)
    page.view.selectionModel().select(
        page.model.index(1, 0),
        page.view.selectionModel().SelectionFlag.Select
        | page.view.selectionModel().SelectionFlag.Rows,
    )
    assert len(page.selected_project_ids()) == 2
    assert window.act_delete.isEnabled()


def test_model_at_ten_thousand_rows_filters(qapp, store):
    # Behaviour at scale (not timing): a shared model over many projects filters and groups.
    from desktop_app.services.demo import generate_demo
    from desktop_app.ui.context import AppContext

    generate_demo(store, 2000, today=date(2026, 11, 29))
    ctx = AppContext(store, QSettings(), today=date(2026, 11, 29))
    model = RegisterModel(ctx)
    assert model.total_count >= 2000
    model.set_search("旌阳")
    assert 0 < model.shown_count < model.total_count
    model.set_group_by("district")
    assert model.group_at(0) is not None


def test_edit_a_cell_in_the_table_and_undo(window, store):
    from desktop_app.store.projects import get_project

    model = window.ctx.register_model
    row = next(r for r in range(model.rowCount()) if "S11" in model.project_at(r).name)
    pid = model.project_at(row).id
    index = model.index(row, column_index("percent_complete"))
    assert model.flags(index) & Qt.ItemIsEditable
    assert not model.flags(model.index(row, column_index("code"))) & Qt.ItemIsEditable
    assert model.setData(index, "45%")
    assert get_project(store, pid).percent_complete == 45
    row = model.row_of(pid)
    assert model.index(row, column_index("percent_complete")).data() == "45.0%"
    assert window.act_undo.text() == "撤销 修改 成都经广汉至德阳市域铁路S11线 完成百分比"
    assert not model.setData(model.index(row, column_index("percent_complete")), "120")
    assert "超出 0–100" in window.last_error
    assert not model.setData(model.index(row, column_index("planned_end")), "不知道")
    assert "计划完工" in window.last_error
    window.act_undo.trigger()
    assert get_project(store, pid).percent_complete is None
    assert model.index(model.row_of(pid), column_index("percent_complete")).data() == "待填报"


def test_amounts_keep_every_digit_when_a_cell_is_opened_and_closed(window, store):
    from desktop_app.store.projects import get_project, update_project

    model = window.ctx.register_model
    row = next(r for r in range(model.rowCount()) if "S11" in model.project_at(r).name)
    pid = model.project_at(row).id
    update_project(store, pid, {"total_investment": 2345678.9, "investment_to_date": 12345.6789})
    window.ctx.register_model.reload()
    undo_before = window.act_undo.text()
    row = model.row_of(pid)
    for key in ("total_investment", "investment_to_date"):
        index = model.index(row, column_index(key))
        text = model.data(index, Qt.EditRole)
        assert text in ("2345678.9", "12345.6789")
        assert model.setData(index, text)  # F2, then Enter without typing
    project = get_project(store, pid)
    assert (project.total_investment, project.investment_to_date) == (2345678.9, 12345.6789)
    assert window.act_undo.text() == undo_before  # nothing to undo


def test_only_what_a_project_still_owes_reads_待填报(window, make_project):
    """A 前期 project is not asked for its 实际开工 or 完成百分比; a 在建 one is. A project the
    plan names outside any 专栏 is never asked for one."""
    model = window.ctx.register_model
    early = make_project("T-EARLY", "前期项目", stage="前期", lead="市交通运输局")
    busy = make_project("T-BUSY", "在建项目", stage="在建", lead="市交通运输局")
    model.reload()

    def cell(pid, key):
        index = model.index(model.row_of(pid), column_index(key))
        return index.data(), index.data(Qt.ForegroundRole)

    for key in ("actual_start", "percent_complete", "investment_to_date", "column", "category"):
        assert cell(early, key) == ("", None), key
    for key in ("actual_start", "percent_complete", "investment_to_date", "last_period"):
        text, colour = cell(busy, key)
        assert text == "待填报" and colour.color().name() == "#9aa0a6", key
    assert cell(busy, "actual_end")[0] == ""  # not finished yet
    assert cell(early, "planned_start")[0] == "待填报"  # required of every project
