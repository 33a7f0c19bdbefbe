"""Editing operations (what the undo commands call), without Qt."""

from datetime import date

import pytest

from desktop_app.domain.errors import ConflictError, ValidationError
from desktop_app.locations import backups_dir
from desktop_app.services import editing
from desktop_app.store.projects import get_project, history, project_version
from desktop_app.store.units import get_unit, unit_project_count


def test_parse_field_uses_the_shared_parsers():
    assert editing.parse_field("planned_end", "2027年3月5日") == date(2027, 3, 5)
    assert editing.parse_field("percent_complete", "45%") == 45
    assert editing.parse_field("total_investment", "1.2亿") == 12000
    assert editing.parse_field("name", "  新名称 ") == "新名称"
    with pytest.raises(ValidationError) as err:
        editing.parse_field("planned_end", "明年")
    assert "计划完工" in err.value.message


def test_update_fields_records_audit_and_refuses_stale_version(store, make_project):
    pid = make_project(name="测试线", planned_start=date(2026, 1, 1))
    version = project_version(store, pid)
    changes = editing.update_fields(
        store, pid, {"planned_end": date(2027, 6, 30)}, expected_version=version
    )
    assert pid in changes.projects
    assert get_project(store, pid).planned_end == date(2027, 6, 30)
    assert history(store, pid)[0]["field"] == "计划完工"
    with pytest.raises(ConflictError, match="该项目已被他人修改"):
        editing.update_fields(store, pid, {"name": "旧版本的修改"}, expected_version=version)
    assert get_project(store, pid).name == "测试线"


def test_invalid_dates_are_refused_and_nothing_changes(store, make_project):
    pid = make_project(planned_start=date(2026, 5, 1), planned_end=date(2027, 5, 1))
    with pytest.raises(ValidationError, match="早于"):
        editing.update_fields(store, pid, {"planned_end": date(2025, 1, 1)})
    assert get_project(store, pid).planned_end == date(2027, 5, 1)


def test_save_form_and_restore_snapshot(store, make_project):
    pid = make_project(name="原名", lead="市交通运输局")
    before = editing.snapshot(store, pid)
    form = editing.ProjectForm(
        fields={"name": "新名", "percent_complete": 40},
        units=[(get_unit(store, "市水利局").id, "牵头")],
        milestones=[],
        annual_targets=[],
    )
    editing.save_form(store, pid, form, expected_version=before["version"])
    p = get_project(store, pid)
    assert (p.name, p.lead_unit, p.percent_complete) == ("新名", "市水利局", 40)
    editing.restore(store, pid, before)
    p = get_project(store, pid)
    assert (p.name, p.lead_unit, p.percent_complete) == ("原名", "市交通运输局", None)


def test_delete_backs_up_first_and_undelete_brings_back(store, make_project):
    pid = make_project(name="将删除")
    editing.set_deleted(store, [pid], True)
    assert any(backups_dir(store.path).glob("*删除前.db"))
    assert all(p != pid for p in editing.linked_project_ids(store, 0))
    editing.set_deleted(store, [pid], False)
    assert get_project(store, pid).name == "将删除"


def test_merge_units_moves_links_and_unmerge_puts_them_back(store, make_project):
    a, b = get_unit(store, "市交通运输局"), get_unit(store, "市水利局")
    pid = make_project(lead=a.name)
    count_a, count_b = unit_project_count(store, a.id), unit_project_count(store, b.id)
    moved, undo, _ = editing.merge_units(store, a.id, b.id)
    assert moved >= 1
    assert get_project(store, pid).lead_unit == b.name
    assert not get_unit(store, a.id).active
    assert any(backups_dir(store.path).glob("*合并前.db"))
    editing.unmerge(store, undo)
    assert get_project(store, pid).lead_unit == a.name
    assert get_unit(store, a.id).active
    assert unit_project_count(store, a.id) == count_a
    assert unit_project_count(store, b.id) == count_b
    merged = store.scalar("SELECT merged_into_id FROM unit WHERE id = ?", (a.id,))
    assert merged is None  # no longer marked as merged into 市水利局
