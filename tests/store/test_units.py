"""Units: add, rename, merge (links move), deactivate, never delete one with projects."""

import pytest

from desktop_app.domain.errors import UserError, ValidationError
from desktop_app.store.projects import get_project
from desktop_app.store.units import (
    add_unit,
    delete_unit,
    get_unit,
    list_units,
    merge_units,
    set_active,
    update_unit,
)


def test_add_and_rename_unit(store):
    uid = add_unit(
        store, "市文广旅局", "市级部门", contact_person="张三", contact_phone="0838-1234567"
    )
    update_unit(store, uid, {"name": "市文化广电旅游局"})
    unit = get_unit(store, uid)
    assert (unit.name, unit.contact_person) == ("市文化广电旅游局", "张三")
    assert (
        store.scalar(
            "SELECT count(*) FROM audit_log WHERE entity='unit' AND entity_id=?", (str(uid),)
        )
        == 2
    )


def test_duplicate_unit_name_refused(store):
    with pytest.raises(ValidationError, match="已存在"):
        add_unit(store, "广汉市", "区县")


def test_merge_moves_links_and_deactivates(store, make_project):
    old = add_unit(store, "市交通局（旧）", "市级部门")
    p1 = make_project(lead="市交通局（旧）")
    p2 = make_project(lead="市水利局", responsible=("市交通局（旧）", "市交通运输局"))
    moved = merge_units(store, old, get_unit(store, "市交通运输局").id)
    assert moved == 2
    assert get_project(store, p1).lead_unit == "市交通运输局"
    assert get_project(store, p2).units_with_role("责任") == ["市交通运输局"]
    assert not get_unit(store, old).active


def test_unit_with_projects_cannot_be_deleted(store, make_project):
    make_project(lead="市水利局")
    unit = get_unit(store, "市水利局")
    with pytest.raises(UserError, match="只能停用"):
        delete_unit(store, unit.id)
    set_active(store, unit.id, False)
    assert unit.name in [u.name for u in list_units(store)]
    assert unit.name not in [u.name for u in list_units(store, include_inactive=False)]


def test_a_unit_is_found_as_people_type_its_name(store):
    from desktop_app.store.units import get_unit

    exact = get_unit(store, "德阳－阿坝生态经济产业园区")
    for typed in ("德阳-阿坝生态经济产业园区", "德阳 — 阿坝生态经济产业园区"):
        assert get_unit(store, typed).id == exact.id


def test_a_project_is_found_by_its_code_in_any_case(store):
    from desktop_app.store.projects import get_project

    assert get_project(store, "zl02-001").code == "ZL02-001"
    assert get_project(store, "ＺＬ02-001").code == "ZL02-001"
