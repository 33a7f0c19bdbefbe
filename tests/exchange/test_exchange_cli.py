"""The exchange commands: export, template(s), import with --json and its exit codes."""

from __future__ import annotations

import json

import openpyxl
from xhelpers import col, sha

from desktop_app.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_export_template_import_cycle(setup, capsys, tmp_path):
    db = str(setup.store.path)
    code, out, _ = run(capsys, "--db", db, "export", str(tmp_path / "项目库.xlsx"))
    assert code == 0
    wb = openpyxl.load_workbook(tmp_path / "项目库.xlsx")
    assert wb.sheetnames == ["项目库", "关键节点", "进度历史"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "template",
        "--unit",
        "广汉市",
        "--period",
        "2026-11",
        str(tmp_path / "t.xlsx"),
    )
    assert code == 0 and "已生成填报模板" in out
    code, out, _ = run(
        capsys, "--db", db, "templates", "--period", "2026-11", str(tmp_path / "all")
    )
    assert code == 0 and "共生成" in out

    path = setup.edit({("GH-1", "percent_complete"): 70})
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--dry-run", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "dry-run"
    assert result["changes"] == [{"code": "GH-1", "field": "完成百分比", "old": 30.0, "new": 70.0}]
    assert set(result["counts"]) == {"updated", "unchanged", "refused", "conflicts", "proposals"}
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--json")
    assert code == 0 and json.loads(out)["status"] == "applied"
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--json")
    assert code == 0 and json.loads(out)["status"] == "already-imported"


def test_rejected_import_exit_1_and_database_unchanged(setup, capsys):
    path = setup.edit({("GH-1", "percent_complete"): 120})
    before = sha(setup.store.path)
    code, out, _ = run(capsys, "--db", str(setup.store.path), "import", str(path), "--json")
    result = json.loads(out)
    assert code == 1 and result["status"] == "rejected"
    [error] = result["errors"]
    assert error["field"] == "完成百分比" and error["value"] == "120"
    assert error["cell"] == f"{col('percent_complete')}{setup.row_of('GH-1')}"
    assert sha(setup.store.path) == before


def test_unreadable_file_and_missing_unit_exit_2(setup, capsys):
    bad = setup.tmp / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    code, _, err = run(capsys, "--db", str(setup.store.path), "import", str(bad))
    assert code == 2 and "损坏" in err
    wb = openpyxl.Workbook()
    wb.active.append(["项目编码", "完成百分比"])
    wb.active.append(["GH-1", 10])
    plain = setup.tmp / "无模板.xlsx"
    wb.save(plain)
    code, _, err = run(
        capsys, "--db", str(setup.store.path), "import", str(plain), "--period", "2026-11"
    )
    assert code == 2 and "--unit" in err
    code, out, _ = run(
        capsys,
        "--db",
        str(setup.store.path),
        "import",
        str(plain),
        "--unit",
        "广汉市",
        "--period",
        "2026-11",
        "--json",
    )
    assert code == 0 and json.loads(out)["counts"]["updated"] == 1
