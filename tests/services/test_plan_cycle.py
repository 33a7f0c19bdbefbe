"""A plan closed and the next one opened: read-only data, carried projects with their history,
the register on the current plan by default and on any plan on request."""

from __future__ import annotations

from datetime import date

import pytest
from plan_lists import write_next_plan

from desktop_app.domain.errors import UserError
from desktop_app.domain.model import Milestone, ProgressReport
from desktop_app.services import plans
from desktop_app.store import plans as plan_store
from desktop_app.store.indicators import list_indicators
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import (
    count_projects,
    get_project,
    history,
    list_projects,
    set_milestones,
    update_project,
)
from desktop_app.store.tasks import list_tasks


@pytest.fixture
def worked(store, make_project):
    """The built-in plan after some years of work: a project finished, one with reports and
    milestones, a task reported done."""
    s11 = get_project(store, "ZL02-001")
    update_project(store, s11.id, {"stage": "在建", "planned_end": date(2027, 12, 31)})
    set_milestones(store, s11.id, [Milestone("开工", date(2021, 6, 1), date(2021, 7, 1))])
    for period, pct in (("2026-10", 58.0), ("2026-11", 62.5)):
        record_report(
            store,
            ProgressReport(
                project_id=s11.id, period=period, percent_complete=pct, progress_text="推进中"
            ),
        )
    hq = get_project(store, "CH04-002")
    update_project(
        store,
        hq.id,
        {"stage": "竣工", "actual_start": date(2021, 5, 1), "actual_end": date(2025, 9, 30)},
    )
    task = list_tasks(store)[0]
    unit = store.scalar("SELECT id FROM unit WHERE name = '市发展改革委'")
    with store.write():
        store.conn.execute(
            "INSERT INTO task_report (task_id, unit_id, period, state) VALUES (?,?,?,?)",
            (task.id, unit, "2025-12", "已完成"),
        )
    return {"s11": s11.id, "hq": hq.id, "task": task.id}


def test_a_closed_plan_refuses_edits_with_a_message_until_reopened(store, worked):
    plans.close_plan(store, "CD-2021")
    with pytest.raises(UserError) as err:
        update_project(store, worked["s11"], {"name": "改名"})
    assert err.value.message.startswith(
        "项目「成都经广汉至德阳市域铁路S11线」属于已关闭的规划《德阳市推进成德同城化发展“十四五”规划》，"
        "数据只读，不能修改。"
    )
    assert "重新打开" in err.value.message
    with pytest.raises(UserError):
        record_report(store, ProgressReport(project_id=worked["s11"], period="2026-11"))
    assert get_project(store, worked["s11"]).name == "成都经广汉至德阳市域铁路S11线"
    plans.reopen_plan(store, "CD-2021")
    update_project(store, worked["s11"], {"notes": "重新打开后可以修改"})
    assert get_project(store, worked["s11"]).notes == "重新打开后可以修改"


def test_the_next_plan_needs_the_current_one_closed_first(store, worked, tmp_path):
    path = write_next_plan(tmp_path / "十五五规划清单.xlsx")
    before = store.scalar("SELECT count(*) FROM plan")
    with pytest.raises(UserError, match="尚未关闭"):
        plans.import_plan(store, path)
    assert store.scalar("SELECT count(*) FROM plan") == before


def test_opening_the_next_plan_carries_the_unfinished_with_their_history(store, worked, tmp_path):
    s11_reports = list_reports(store, worked["s11"])
    s11_history = history(store, worked["s11"])
    old_count = count_projects(store)
    plans.close_plan(store, "CD-2021")
    result = plans.import_plan(store, write_next_plan(tmp_path / "十五五规划清单.xlsx"))

    assert result.plan.code == "CD-2026" and result.plan.status == "执行中"
    assert plan_store.current_plan_id(store) == result.plan.id
    assert "ZL02-001" in result.carried["projects"]
    assert "CH04-002" not in result.carried["projects"]  # 竣工: stays with its plan
    assert len(result.carried["projects"]) == old_count - 1
    done_task = store.scalar("SELECT code FROM task WHERE id = ?", (worked["task"],))
    assert done_task not in result.carried["tasks"]
    assert len(result.carried["tasks"]) == 73 - 1

    # The carried project is the same project: reports, milestones and history intact.
    s11 = get_project(store, "ZL02-001")
    assert s11.id == worked["s11"]
    assert list_reports(store, s11.id) == s11_reports
    assert [m.name for m in s11.milestones] == ["开工"]
    assert s11.percent_complete == 62.5
    trail = history(store, s11.id)
    assert trail[0]["field"] == "结转"
    assert "十四五" in trail[0]["old"] and "十五五" in trail[0]["new"]
    assert trail[1:] == s11_history
    link = plan_store.carried_from(store, s11.id)
    assert (
        link[0]["from_code"] == "CD-2021"
        and link[0]["section_title"] == "成德交通基础设施建设重大项目"
    )

    # The register works on the new plan: its own projects and the carried ones.
    codes = {p.code for p in list_projects(store)}
    assert {"ZL01-101", "ZL01-102", "ZL02-001"} <= codes
    assert "CH04-002" not in codes
    assert {i.name for i in list_indicators(store)} == {
        "地区生产总值占全省比重",
        "成德轨道交通线路",
    }
    assert {t.code for t in list_tasks(store)} >= {"RW2026-01", "RW2026-02"}

    # The closed plan on request: all its projects, the finished one still read-only.
    plans.view_plan(store, "CD-2021")
    old = {p.code for p in list_projects(store)}
    assert len(old) == old_count and "CH04-002" in old and "ZL01-101" not in old
    with pytest.raises(UserError, match="已关闭的规划"):
        update_project(store, worked["hq"], {"notes": "x"})
    # A carried project belongs to the open plan: it may be edited.
    update_project(store, worked["s11"], {"notes": "十五五继续推进"})
    plans.view_plan(store, None)
    assert count_projects(store) == len(codes)


def test_a_carried_project_listed_again_takes_the_new_plans_section(store, worked, tmp_path):
    again = [
        [
            "ZL02-001",
            "成都经广汉至德阳市域铁路S11线",
            "专栏1",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "建成S11线。",
        ]
    ]
    plans.close_plan(store, 1)
    result = plans.import_plan(store, write_next_plan(tmp_path / "p.xlsx", projects=again))
    assert result.matched == ["ZL02-001"]
    s11 = get_project(store, "ZL02-001")
    assert s11.id == worked["s11"] and s11.section_title == "交通重大项目"
    assert len(list_reports(store, s11.id)) == 2


def test_a_wrong_plan_list_names_sheet_row_and_column_and_changes_nothing(store, tmp_path):
    def spoil(wb):
        wb["重大项目"]["E2"] = "快完成了"
        wb["重大项目"]["G3"] = "市轨道交通局"
        wb["主要指标"]["F3"] = "四条以上"
        wb["章节"]["E5"] = "9"

    path = write_next_plan(tmp_path / "规划清单.xlsx", edit=spoil)
    before = (
        store.scalar("SELECT count(*) FROM audit_log"),
        store.scalar("SELECT count(*) FROM plan"),
    )
    with pytest.raises(UserError) as err:
        plans.import_plan(store, path, carry=False)
    text = err.value.message
    assert "4 处问题" in text and "未导入任何内容" in text
    assert "「重大项目」表第2行「阶段」列：「快完成了」" in text
    assert "「重大项目」表第3行「牵头单位」列：单位「市轨道交通局」不在单位名单中" in text
    assert "「主要指标」表第3行「目标值」列" in text
    assert "「章节」表第5行「上级编码」列：找不到上级编码「9」" in text
    after = (
        store.scalar("SELECT count(*) FROM audit_log"),
        store.scalar("SELECT count(*) FROM plan"),
    )
    assert after == before


def test_a_plan_list_saved_again_by_libreoffice_imports_the_same(store, tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    src = write_next_plan(tmp_path / "src" / "规划清单.xlsx")
    out = tmp_path / "resaved"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = plans.import_plan(store, out / "规划清单.xlsx", carry=False)
    assert result.counts["projects"] == 2 and result.counts["tasks"] == 2
    s = get_project(store, "ZL01-101")
    assert s.total_investment == 1200000 and s.planned_end == date(2030, 12, 31)
    assert [(u.name, u.role) for u in s.units][0] == ("市交通运输局", "牵头")
    assert {u.name for u in s.units if u.role == "责任"} == {"广汉市", "旌阳区"}


def test_units_report_on_the_current_plan_only(store, make_project, tmp_path):
    from desktop_app.store.exchange import reporting_project_ids
    from desktop_app.store.monitoring import expected_reporters
    from desktop_app.store.units import get_unit

    done = make_project("OLD-1", "已竣工的老项目", lead="市水利局", stage="竣工")
    going = make_project("OLD-2", "未完成的老项目", lead="市水利局", stage="在建")
    water = get_unit(store, "市水利局").id
    assert {done, going} <= expected_reporters(store)[water]
    plans.close_plan(store, 1)
    plans.import_plan(store, write_next_plan(tmp_path / "p.xlsx"))
    assert expected_reporters(store)[water] == {going}
    assert reporting_project_ids(store, water) == [going]  # its template lists only this one


def test_a_merge_of_units_reaches_every_plan_and_its_undo_puts_every_plan_back(
    store, make_project, tmp_path
):
    from desktop_app.services import editing
    from desktop_app.store.units import get_unit

    a, b = get_unit(store, "市交通运输局"), get_unit(store, "市水利局")
    finished = make_project("OLD-9", "已竣工的交通项目", lead=a.name, stage="竣工")
    plans.close_plan(store, 1)
    plans.import_plan(store, write_next_plan(tmp_path / "p.xlsx"))
    assert get_project(store, "ZL01-101").lead_unit == a.name  # a new plan's project
    _moved, undo, _ = editing.merge_units(store, a.id, b.id, backup=False)
    assert get_project(store, finished).lead_unit == b.name  # the closed plan's, too
    assert get_project(store, "ZL01-101").lead_unit == b.name
    editing.unmerge(store, undo)
    assert get_project(store, finished).lead_unit == a.name
    assert get_project(store, "ZL01-101").lead_unit == a.name
    with pytest.raises(UserError, match="已关闭的规划"):  # still read-only after the undo
        update_project(store, finished, {"notes": "x"})


def test_a_task_of_a_closed_plan_is_read_only(store, tmp_path):
    task = list_tasks(store)[0]
    plan_store.refuse_closed_task(store, task.id)  # open: nothing to refuse
    plans.close_plan(store, 1)
    with pytest.raises(UserError, match=f"重点任务「{task.title}」属于已关闭的规划"):
        plan_store.refuse_closed_task(store, task.id)
