"""单位管理: add, rename, contact, merge two units (links move), deactivate, undo."""

from datetime import date

import pytest
from PySide6.QtCore import QSettings

from desktop_app.store.projects import get_project
from desktop_app.store.units import get_unit, unit_project_count
from desktop_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, tmp_path):
    w = MainWindow(
        store,
        QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        today=date(2026, 11, 29),
    )
    qtbot.addWidget(w)
    w.show()
    w.show_page("units")
    return w


def test_units_are_listed_with_project_counts(window, store):
    page = window.pages["units"]
    unit = get_unit(store, "旌阳区")
    row = page.row_of(unit.id)
    assert page.table.item(row, 1).text() == "旌阳区"
    assert page.table.item(row, 6).text() == str(unit_project_count(store, unit.id))


def test_add_rename_and_contact(window, store):
    page = window.pages["units"]
    uid = page.add_unit({"name": "市档案馆", "kind": "市级部门"})
    assert uid is not None, getattr(page, "last_error", "")
    assert get_unit(store, uid).name == "市档案馆"
    row = page.row_of(uid)
    page.table.item(row, 1).setText("市住建局")  # typing in the cell renames
    assert get_unit(store, uid).name == "市住建局"
    page.table.item(page.row_of(uid), 4).setText("张三")
    page.table.item(page.row_of(uid), 5).setText("0838-1234567")
    u = get_unit(store, uid)
    assert (u.contact_person, u.contact_phone) == ("张三", "0838-1234567")
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert get_unit(store, uid).name == "市住建局"
    assert window.act_undo.text() == "撤销 重命名单位 市档案馆 → 市住建局"
    window.act_undo.trigger()
    assert get_unit(store, uid).name == "市档案馆"


def test_duplicate_name_is_refused(window, store):
    page = window.pages["units"]
    assert page.add_unit({"name": "旌阳区", "kind": "区县"}) is None
    assert "已存在" in page.last_error
    assert "已存在" in window.last_error


def test_merge_two_units_moves_links_and_can_be_undone(window, store, make_project):
    page = window.pages["units"]
    a, b = get_unit(store, "市交通运输局"), get_unit(store, "市水利局")
    pid = make_project("T-M", "合并测试项目", lead=a.name)
    window.refresh_all()
    moved = page.merge(a.id, b.id)
    assert moved >= 1
    assert get_project(store, pid).lead_unit == "市水利局"
    assert page.table.item(page.row_of(a.id), 0).text() == "停用"
    assert window.ctx.register_model.project(pid).lead_unit == "市水利局"
    assert window.act_undo.text() == "撤销 合并单位 市交通运输局 → 市水利局"
    window.act_undo.trigger()
    assert get_project(store, pid).lead_unit == "市交通运输局"
    assert page.table.item(page.row_of(a.id), 0).text() == "启用"
    assert window.ctx.register_model.project(pid).lead_unit == "市交通运输局"


def test_deactivate_keeps_the_unit_and_its_links(window, store, make_project, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    page = window.pages["units"]
    a = get_unit(store, "市交通运输局")
    pid = make_project("T-D", "停用测试", lead=a.name)
    page.reload()
    page.select_unit(a.id)
    assert page.active_button.text() == "停用"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    page.active_button.click()
    assert not get_unit(store, a.id).active
    assert get_project(store, pid).lead_unit == "市交通运输局"
    assert page.active_button.text() == "启用"


def test_a_rename_over_a_colleagues_rename_is_refused(window, store):
    from desktop_app.store.units import update_unit

    page = window.pages["units"]
    uid = get_unit(store, "什邡市").id
    update_unit(store, uid, {"name": "什邡市（甲改）"})  # another PC, after this page loaded
    assert not page.edit_unit(uid, {"name": "什邡市（乙改）"})
    assert "已被他人修改" in page.last_error
    assert get_unit(store, uid).name == "什邡市（甲改）"
    assert page.edit_unit(uid, {"name": "什邡市（乙改）"})  # after the reload: allowed
    update_unit(store, uid, {"name": "什邡市（丙改）"})  # renamed again meanwhile
    window.act_undo.trigger()  # the undo would overwrite it: refused
    assert get_unit(store, uid).name == "什邡市（丙改）"
