"""The CLI's core commands, run in a real subprocess-free way through main(argv)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from desktop_app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def inited(tmp_path, capsys):
    path = tmp_path / "中文 路径" / "项目.db"
    code, out, _ = run(capsys, "--db", str(path), "init")
    assert code == 0 and "项目 195 个" in out
    return path


def test_init_then_projects_json(inited, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "projects", "--json")
    assert code == 0
    projects = json.loads(out)
    assert len(projects) == 195
    s11 = next(p for p in projects if p["code"] == "ZL02-001")
    assert s11 == s11 | {
        "name": "成都经广汉至德阳市域铁路S11线",
        "column": 2,
        "category": "轨道交通",
        "stage": "在建",
        "district": None,
        "lead_unit": None,
        "units": [],
        "total_investment": None,
        "planned_start": None,
        "planned_end": None,
        "percent_complete": None,
    }


def test_projects_for_a_unit(inited, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "projects", "--unit", "广汉市", "--json")
    assert code == 0
    projects = json.loads(out)
    assert projects and all(p["district"] == "广汉市" for p in projects)


def test_units_and_indicators_json(inited, capsys):
    _, out, _ = run(capsys, "--db", str(inited), "units", "--json")
    units = json.loads(out)
    assert {"name": "中江县", "kind": "区县"}.items() <= next(
        u for u in units if u["name"] == "中江县"
    ).items()
    _, out, _ = run(capsys, "--db", str(inited), "indicators", "--json")
    indicators = json.loads(out)
    # The table's 15 rows and two targets the text states (成德 GDP, the 「10高18快13轨」 network).
    assert len(indicators) == 17
    assert [i["category"] for i in indicators[15:]] == ["领域目标（正文）"] * 2
    assert {k: indicators[0][k] for k in ("name", "unit", "operator", "target", "year")} == {
        "name": "地区生产总值占全省比重",
        "unit": "%",
        "operator": "≥",
        "target": 5,
        "year": 2025,
    }


def test_init_twice_refused_then_forced(inited, capsys):
    code, _, err = run(capsys, "--db", str(inited), "init")
    assert code == 1 and "已有数据" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", str(inited), "init", "--force")
    assert code == 0
    assert list(inited.parent.glob("*init前备份*"))


def test_init_empty(tmp_path, capsys):
    path = tmp_path / "空.db"
    assert run(capsys, "--db", str(path), "init", "--empty")[0] == 0
    _, out, _ = run(capsys, "--db", str(path), "projects", "--json")
    assert json.loads(out) == []


def test_check_and_backup(inited, tmp_path, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "check")
    assert code == 0 and "通过" in out
    target = tmp_path / "备份.db"
    code, out, _ = run(capsys, "--db", str(inited), "backup", str(target))
    assert code == 0 and target.exists()
    _, out, _ = run(capsys, "--db", str(target), "projects", "--json")
    assert len(json.loads(out)) == 195


def test_backup_never_overwrites_without_force(inited, tmp_path, capsys):
    other = tmp_path / "会议纪要.docx"
    other.write_bytes(b"minutes")
    code, _, err = run(capsys, "--db", str(inited), "backup", str(other))
    assert code == 1 and "已存在，未覆盖" in err
    assert other.read_bytes() == b"minutes"
    code, _, err = run(capsys, "--db", str(inited), "backup", str(inited))
    assert code == 1 and "不能是数据库" in err
    code, out, _ = run(capsys, "--db", str(inited), "backup", str(other), "--force")
    assert code == 0 and other.read_bytes().startswith(b"SQLite format 3")


def test_backup_into_an_impossible_folder_is_explained(inited, tmp_path, capsys):
    blocker = tmp_path / "文件"
    blocker.write_text("x")
    code, out, err = run(capsys, "--db", str(inited), "backup", str(blocker / "sub" / "b.db"))
    assert code == 1
    assert "无法写入备份文件" in err and "路径中有一段是文件" in err and "Traceback" not in err
    # The folder is there but the file cannot be made in it (a name longer than the system
    # allows): said as a backup file that cannot be written, not as a database that cannot open.
    code, out, err = run(
        capsys, "--db", str(inited), "backup", str(tmp_path / ("备" * 100 + ".db"))
    )
    assert code == 1
    assert "无法写入备份文件" in err and "路径过长" in err and "Traceback" not in err


def test_backup_made_while_another_program_writes_is_reported_made(inited, tmp_path, capsys):
    """The copy needs no write lock; only its line in the history is skipped."""
    import sqlite3

    holder = sqlite3.connect(inited, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        from desktop_app.services.backup import backup_to
        from desktop_app.store import Store

        with Store.open(inited, create=False) as store:
            store.conn.execute("PRAGMA busy_timeout = 50")
            target = backup_to(store, tmp_path / "b.db")
    finally:
        holder.rollback()
        holder.close()
    assert target.exists()
    _, out, _ = run(capsys, "--db", str(target), "projects", "--json")
    assert len(json.loads(out)) == 195


def test_damaged_database_is_explained_and_checked(inited, tmp_path, capsys):
    """A page of the project table overwritten: a message instead of a traceback, and
    check says the file is damaged."""
    import sqlite3

    conn = sqlite3.connect(inited)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'project'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(inited, "r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * page)
    code, out, err = run(capsys, "--db", str(inited), "projects")
    assert code == 1 and "已损坏" in err and "Traceback" not in err
    code, out, err = run(capsys, "--db", str(inited), "check")
    assert code == 1 and "已损坏" in err


def test_an_empty_db_option_never_falls_back_to_the_default_database(capsys):
    code, _, err = run(capsys, "--db", "", "projects")
    assert code == 2 and "--db 后的数据库路径为空" in err


def test_an_empty_database_file_is_called_empty_not_missing(tmp_path, capsys):
    empty = tmp_path / "空文件.db"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "--db", str(empty), "projects")
    assert code == 1 and "是空文件（0 字节）" in err


def test_init_force_says_where_the_old_data_went(inited, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "init")
    assert code == 1
    code, out, _ = run(capsys, "--db", str(inited), "init", "--force")
    assert code == 0 and "原有数据已先备份到" in out
    backup = out.split("原有数据已先备份到 ")[1].strip().rstrip("。")
    _, listed, _ = run(capsys, "--db", backup, "projects", "--json")
    assert len(json.loads(listed)) == 195


@pytest.mark.parametrize(
    "argv, said",
    [
        (["report", "overall"], "缺少必填的参数：OUT.pdf"),
        (["projects", "--bogus"], "无法识别的参数：--bogus"),
        (["demo", "--projects", "abc"], "--projects 的值「abc」不是数字"),
        (["report", "overall", "x.pdf", "--paper", "B5"], "--paper 的值「B5」不在可选范围内"),
    ],
)
def test_usage_errors_are_explained_in_chinese(capsys, argv, said):
    code, _, err = run(capsys, *argv)
    assert code == 2 and said in err and err.startswith("用法：")


def test_help_is_in_chinese(capsys):
    code, out, _ = run(capsys, "report", "--help")
    assert code == 0 and out.startswith("用法：desktop-app-cli report")
    assert "选项" in out and "显示本帮助后退出" in out and "options" not in out


def test_demo_adds_marked_projects(tmp_path, capsys):
    path = tmp_path / "演示.db"
    code, out, _ = run(capsys, "--db", str(path), "demo", "--projects", "50")
    assert code == 0
    _, out, _ = run(capsys, "--db", str(path), "projects", "--json")
    projects = json.loads(out)
    assert len(projects) == 50
    assert all(p["is_demo"] and p["code"].startswith("DEMO-") for p in projects)
    assert all(p["lead_unit"] and p["planned_start"] <= p["planned_end"] for p in projects)
    from desktop_app.store import Store

    with Store.open(path) as store:
        assert store.scalar("SELECT count(DISTINCT period) FROM progress_report") == 12
        assert store.check() == []
        # No report is filed at a time that has not come yet.
        latest = store.scalar("SELECT max(reported_at) FROM progress_report")
        assert latest < datetime.now().isoformat(timespec="seconds")


def test_errors_are_chinese_without_traceback(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "无.db"), "projects")
    assert code == 1 and "不存在" in err and "Traceback" not in err
    bad = tmp_path / "坏.db"
    bad.write_text("不是数据库" * 200, encoding="utf-8")
    code, _, err = run(capsys, "--db", str(bad), "projects")
    assert code == 1 and "不是本程序的数据库文件" in err


def test_unknown_unit_is_a_clear_error(inited, capsys):
    code, _, err = run(capsys, "--db", str(inited), "projects", "--unit", "火星市")
    assert code == 1 and "找不到单位「火星市」" in err


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "no-such-command")
    assert code == 2
    code, _, _ = run(capsys, "demo")  # --projects missing
    assert code == 2


def test_every_command_has_help():
    from desktop_app.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, action in sub.choices.items():
        assert sub._choices_actions and any(
            c.dest == name and c.help for c in sub._choices_actions
        ), name
        assert action.format_help()


def test_a_path_the_system_refuses_is_explained_not_traced(inited, tmp_path, capsys):
    too_long = str(tmp_path / ("长" * 100))  # longer than a file name may be
    for argv, exit_code, said in (
        (("export", too_long + ".xlsx"), 1, "错误：无法写入「"),
        (("report", "overall", too_long + ".pdf"), 1, "错误：无法写入「"),
        (("import", too_long + ".xlsx"), 2, "错误：无法访问「"),  # an unreadable file: 2
    ):
        code, out, err = run(capsys, "--db", str(inited), *argv)
        assert code == exit_code, argv
        assert err.startswith(said) and "路径过长" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if "长" in p.name) == []


def test_tasks_list_the_plans_key_tasks_section_by_section(inited, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--json")
    assert code == 0
    tasks = json.loads(out)
    assert len(tasks) == 73
    first_transport = next(t for t in tasks if t["code"] == "RW04-1-1")
    assert first_transport == first_transport | {
        "chapter": 4,
        "section": "全面推进交通基础设施互联互通",
        "title": "建设多层次多制式轨道交通",
        "text": "强化成德快速轨道交通建设。",
        "source_line": 699,
        "lead_unit": None,
    }
    assert [t["chapter"] for t in tasks] == sorted(t["chapter"] for t in tasks)
    code, out, _ = run(capsys, "--db", str(inited), "tasks")
    assert code == 0 and out.strip().endswith("共 73 项重点任务。")
    assert "建设多层次多制式轨道交通\t待填报" in out


def test_tasks_for_a_unit_are_those_the_plan_names_it_in(inited, capsys):
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--unit", "广汉市", "--json")
    assert code == 0
    tasks = json.loads(out)
    assert tasks and all("广汉" in t["title"] + t["text"] for t in tasks)
    code, _, err = run(capsys, "--db", str(inited), "tasks", "--unit", "不存在的单位")
    assert code != 0 and "不存在的单位" in err


def test_tasks_for_a_unit_follow_the_units_assigned_with_their_role(inited, capsys):
    from desktop_app.domain.bulk import ADD, UnitChange
    from desktop_app.services.bulk import assign_task_units
    from desktop_app.store import Store
    from desktop_app.store.tasks import list_tasks
    from desktop_app.store.units import get_unit

    with Store.open(inited) as store:
        first, second = list_tasks(store)[:2]
        water = get_unit(store, "市水利局").id
        guanghan = get_unit(store, "广汉市").id
        assign_task_units(store, [first.id], UnitChange(lead=water))
        assign_task_units(store, [second.id], UnitChange(supporting=(ADD, (water, guanghan))))
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--unit", "市水利局", "--json")
    assert code == 0
    rows = {t["code"]: t for t in json.loads(out)}
    assert rows.keys() == {first.code, second.code}
    lead = rows[first.code]
    assert (lead["lead_unit"], lead["unit_role"], lead["responsible_units"]) == (
        "市水利局",
        "牵头",
        [],
    )
    assert rows[second.code]["unit_role"] == "配合"
    assert rows[second.code]["supporting_units"] == ["广汉市", "市水利局"]
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--unit", "市水利局")
    assert out.splitlines()[0] == f"{first.code}\t{first.section}\t{first.title}\t市水利局\t—\t牵头"
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--unassigned")
    assert out.strip().endswith("共 72 项重点任务。") and first.code not in out


def test_task_note_is_written_listed_audited_and_cleared(inited, capsys):
    from desktop_app.store import Store
    from desktop_app.store.tasks import task_history, task_id_by_code

    code, out, err = run(
        capsys, "--db", str(inited), "task-note", "RW04-1-1", "  已列入2026年度清单，牵头单位待定  "
    )
    assert code == 0, err
    assert "RW04-1-1" in out and "已列入2026年度清单，牵头单位待定" in out
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--json")
    notes = {t["code"]: t["notes"] for t in json.loads(out)}
    assert (
        notes["RW04-1-1"] == "已列入2026年度清单，牵头单位待定"
    )  # trimmed, as the window saves it
    assert notes["RW04-1-2"] is None  # only the task named
    with Store.open(inited, create=False) as store:
        history = task_history(store, task_id_by_code(store, "RW04-1-1"))
    assert history[0]["new"] == "已列入2026年度清单，牵头单位待定" and history[0]["old"] is None

    code, out, _ = run(capsys, "--db", str(inited), "task-note", "RW04-1-1", "")
    assert code == 0 and "清除" in out
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--json")
    assert {t["code"]: t["notes"] for t in json.loads(out)}["RW04-1-1"] is None


def test_task_note_of_an_unknown_code_changes_nothing(inited, capsys):
    before = inited.read_bytes()
    code, out, err = run(capsys, "--db", str(inited), "task-note", "RW99-9-9", "备注")
    assert code != 0 and out == ""
    assert "找不到编号为「RW99-9-9」的重点任务" in err and "Traceback" not in err
    assert inited.read_bytes() == before


def test_task_note_on_a_closed_plan_is_refused_naming_the_plan(inited, capsys):
    assert run(capsys, "--db", str(inited), "plan", "close", "CD-2021")[0] == 0
    code, out, err = run(capsys, "--db", str(inited), "task-note", "RW04-1-1", "备注")
    assert code != 0 and out == ""
    assert "已关闭" in err and "规划" in err
    code, out, _ = run(capsys, "--db", str(inited), "tasks", "--json")
    assert {t["code"]: t["notes"] for t in json.loads(out)}["RW04-1-1"] is None
