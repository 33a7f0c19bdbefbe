"""重点任务 in the store: their units and roles, audited; chapter labels as the plan writes them."""

import pytest

from desktop_app.domain.errors import ValidationError
from desktop_app.store.tasks import chinese_numeral, list_tasks, set_task_units, unit_role
from desktop_app.store.units import get_unit


@pytest.mark.parametrize(
    "n, text", [(1, "一"), (4, "四"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")]
)
def test_chapter_numbers_as_the_plan_writes_them(n, text):
    assert chinese_numeral(n) == text


def test_every_task_has_its_chapter_label(store):
    tasks = list_tasks(store)
    labels = {t.chapter: t.chapter_label for t in tasks}
    assert labels[4] == "第四章" and labels[10] == "第十章"
    assert all(t.chapter_label == f"第{chinese_numeral(t.chapter)}章" for t in tasks)


def test_units_are_replaced_and_audited_once_per_change(store):
    task = list_tasks(store)[0]
    water, jy = get_unit(store, "市水利局").id, get_unit(store, "旌阳区").id
    assert set_task_units(store, task.id, [(water, "牵头"), (jy, "配合")])
    assert not set_task_units(store, task.id, [(jy, "配合"), (water, "牵头")])  # the same
    rows = store.conn.execute(
        "SELECT entity, entity_id, field, old, new FROM audit_log WHERE entity = 'task'"
    ).fetchall()
    assert rows == [("task", task.code, "units", None, "市水利局（牵头）；旌阳区（配合）")]
    (now,) = list_tasks(store, ids=[task.id])
    assert (now.lead_unit, now.units_with_role("配合")) == ("市水利局", ["旌阳区"])
    assert unit_role(now, ["旌阳区", "旌阳"]) == "配合"
    assert unit_role(now, ["市水利局"]) == "牵头"
    assert unit_role(now, ["绵竹市", "绵竹"]) is None


def test_two_leads_are_refused_in_a_tasks_words(store):
    task = list_tasks(store)[0]
    a, b = get_unit(store, "市水利局").id, get_unit(store, "旌阳区").id
    with pytest.raises(ValidationError, match="一项任务只能有一个牵头单位"):
        set_task_units(store, task.id, [(a, "牵头"), (b, "牵头")])
    assert list_tasks(store, ids=[task.id])[0].units == ()


def test_the_plans_text_names_a_unit(store):
    named = [t for t in list_tasks(store) if unit_role(t, ["广汉市", "广汉"]) == "规划提及"]
    assert named and all("广汉" in t.title + (t.text or "") for t in named)
