"""A plan's text read into a draft plan list: the same chapters, sections, 专栏 and key tasks as
the hand-made dataset of the built-in plan; completed by the office and imported."""

from __future__ import annotations

from openpyxl import load_workbook

from desktop_app.domain.errors import UserError
from desktop_app.exchange.plan_text import read_plan_text
from desktop_app.services import plans
from desktop_app.store.tasks import list_tasks
from desktop_app.tools.plan_coverage import plan_text_path


def _section_keys(dataset_sections):
    out = set()
    for s in dataset_sections:
        key = s["key"].replace("ch", "").replace(".s", ".")
        out.add((s["kind"], s["number"] if s["kind"] == "专栏" else key, s["title"]))
    return out


def test_the_text_gives_the_datasets_structure_and_tasks(dataset):
    data = read_plan_text(plan_text_path())
    mine = {
        (s["kind"], s["number"] if s["kind"] == "专栏" else s["key"], s["title"])
        for s in data["sections"]
    }
    assert mine == _section_keys(dataset["sections"])  # 11 章, 35 节, 15 专栏
    assert [(t["code"], t["title"]) for t in data["tasks"]] == [
        (t["code"], t["title"]) for t in dataset["tasks"]
    ]
    texts = {t["code"]: t["text"] for t in data["tasks"]}
    same = [t for t in dataset["tasks"] if texts[t["code"]] == t["text"]]
    assert len(same) >= 71
    assert any("建成华强沟水库、石泉水库" in c["text"] for c in data["candidates"])


def test_a_draft_completed_by_the_office_imports_as_the_next_plan(store, tmp_path):
    out, counts = plans.draft_from_text(
        plan_text_path(),
        tmp_path / "规划清单初稿.xlsx",
        code="CD-2031",
        title="德阳市推进成德同城化发展“十六五”规划",
        start_year=2031,
        end_year=2035,
    )
    assert counts == {
        "chapters": 11,
        "sections": 35,
        "boxes": 15,
        "tasks": 73,
        "candidates": counts["candidates"],
    }
    wb = load_workbook(out)
    assert "候选句子" in wb.sheetnames and wb["候选句子"].max_row > 100
    # The office picks a project from the candidate sentences.
    wb["重大项目"].append(
        [
            "CD31-001",
            "华强沟水库",
            "专栏2",
            "水利",
            None,
            None,
            "市水利局",
            None,
            None,
            None,
            None,
            None,
            "建成华强沟水库、石泉水库",
        ]
    )
    wb.save(out)
    result = plans.import_plan(store, out, carry=False)
    assert result.counts["sections"] == 61 and result.counts["tasks"] == 73
    assert result.counts["projects"] == 1
    tasks = list_tasks(store, plan_id=result.plan.id)
    assert len(tasks) == 73 and tasks[0].code.startswith("CD-2031-RW")


def test_a_file_that_is_not_a_plan_is_refused(tmp_path):
    text = tmp_path / "通知.txt"
    text.write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    import pytest

    with pytest.raises(UserError, match="没有找到"):
        plans.draft_from_text(text, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
