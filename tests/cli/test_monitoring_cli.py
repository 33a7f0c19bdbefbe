"""status and missing commands."""

import json
from datetime import date

from desktop_app.cli import main
from desktop_app.store import Store
from desktop_app.store.projects import create_project
from desktop_app.store.units import get_unit


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_status_and_missing(tmp_path, capsys):
    db = tmp_path / "监测.db"
    assert run(capsys, "--db", str(db), "init")[0] == 0
    with Store.open(db) as store:
        create_project(
            store,
            {
                "code": "L-1",
                "name": "逾期项目",
                "planned_start": date(2024, 1, 1),
                "planned_end": date(2025, 12, 31),
                "stage": "在建",
            },
            units=[(get_unit(store, "市交通运输局").id, "牵头")],
        )
    code, out, _ = run(capsys, "--db", str(db), "status", "--date", "2026-11-29", "--json")
    assert code == 0
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["L-1"]["light"] == "红"
    assert rows["L-1"]["reason"] == "计划 2025-12-31 完工，已逾期 333 天"
    assert len(rows) == 196
    code, out, _ = run(capsys, "--db", str(db), "missing", "--period", "2026-11", "--json")
    assert code == 0
    assert {
        "name": "市交通运输局",
        "kind": "市级部门",
        "projects": 1,
        "reported_projects": 0,
    } in json.loads(out)


def test_bad_arguments(tmp_path, capsys):
    db = tmp_path / "监测.db"
    run(capsys, "--db", str(db), "init", "--empty")
    code, _, err = run(capsys, "--db", str(db), "status", "--date", "2026/13/1")
    assert code == 1 and "格式不对" in err
    code, _, err = run(capsys, "--db", str(db), "missing", "--period", "十一月")
    assert code == 1 and "不是填报周期" in err
    code, out, _ = run(capsys, "--db", str(db), "missing", "--date", "2026-12-06")
    assert code == 0 and "2026年11月" in out  # the last month that has ended
