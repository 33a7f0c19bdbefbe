"""status --tasks: the lights, reasons and rates of the year's list, as a clerk's script reads them."""

import json

import pytest
from year_list_rows import GUANGHAN, TRANSPORT, WATER, scenario

from desktop_app.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(store, make_project):
    scenario(store, make_project)
    return str(store.path)


def test_status_tasks_json_gives_lights_reasons_and_rates(db, capsys):
    code, out, err = run(capsys, "--db", db, "status", "--tasks", "--date", "2026-12-06", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["year"], data["period"], data["unit"]) == (2026, "2026-11", None)
    tasks = {t["code"]: t for t in data["tasks"]}
    assert len(tasks) == 8 and "LT2025-02" not in tasks  # last year's list stays out
    t4 = tasks["LT2026-04"]
    assert (t4["light"], t4["category"], t4["days_late"]) == ("红", "逾期未完成", 67)
    assert t4["reason"] == "完成时限 2026-09-30 已过 67 天，尚未完成"
    assert tasks["LT2026-02"]["category"] == "逾期完成"
    assert tasks["LT2026-05"]["due"] == "持续推进" and tasks["LT2026-05"]["light"] == "绿"
    t6 = tasks["LT2026-06"]
    assert t6["category"] == "未报送" and t6["units"][0] == {
        "name": WATER,
        "role": "牵头",
        "state": "推进中",
        "period": "2026-10",
        "reported": False,
        "light": "黄",
        "reason": f"本期未报送（{WATER}）",
    }
    overall = data["overall"]
    assert (overall["due"], overall["on_time"], overall["completion_rate"]) == (5, 2, 40.0)
    assert (overall["planned_investment"], overall["investment_this_year"]) == (1500.0, 900.0)
    assert overall["investment_rate"] == 60.0 and overall["milestone_rate"] == 33.3
    assert [u["name"] for u in data["units"]] == [GUANGHAN, "市发展改革委", TRANSPORT, WATER]


def test_status_tasks_of_one_unit_shows_its_part(db, capsys):
    code, out, _ = run(
        capsys, "--db", db, "status", "--tasks", "--unit", "广汉", "--date", "2026-12-06", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["unit"] == GUANGHAN
    got = {t["code"]: (t["light"], t["outcome"]) for t in data["tasks"]}
    # 广汉市 is 责任 on both: its own 已完成 on T7 counts for it, its 未完成 on T8 against it.
    assert got == {"LT2026-07": ("蓝", "按期完成"), "LT2026-08": ("红", "逾期未完成")}
    assert data["overall"]["completion_rate"] == 50.0
    assert [u["name"] for u in data["units"]] == [GUANGHAN]


def test_status_tasks_text_and_errors(db, capsys, tmp_path):
    code, out, _ = run(capsys, "--db", db, "status", "--tasks", "--date", "2026-12-06")
    assert code == 0
    lines = out.splitlines()
    assert lines[3].split("\t")[:3] == ["4", "LT2026-04", "红灯"]
    assert lines[2].split("\t") == [
        "3", "LT2026-03", "已完成", "建立同城化项目库", "市发展改革委", "2026-03-31",
        "逾期完成（晚 30 天；完成日期未填报，按2026年4月报告期末计）",
    ]  # fmt: skip
    assert any(
        line.startswith("合计\t任务 8 项，到期 5 项，按期完成 2 项，按期完成率 40.0%")
        for line in lines
    )
    assert lines[-1].startswith("2026年度重点任务清单，任务 8 项，评价日期 2026-12-06")
    code, _, err = run(capsys, "--db", db, "status", "--tasks", "--year", "2024")
    assert code == 1 and "还没有 2024 年的年度重点任务清单" in err
    code, _, err = run(capsys, "--db", db, "status", "--tasks", "--unit", "不存在的局")
    assert code == 1 and "不存在的局" in err
    # Without --tasks, --unit keeps that unit's projects.
    code, out, _ = run(capsys, "--db", db, "status", "--unit", TRANSPORT, "--json")
    assert code == 0 and {r["code"] for r in json.loads(out)} >= {"LP-1"}
    assert all(r["lead_unit"] for r in json.loads(out))
