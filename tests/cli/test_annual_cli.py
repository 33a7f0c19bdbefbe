"""annual-list: show, create, issue, export, import, pdf and carry, as a script would run them."""

from __future__ import annotations

import json

import openpyxl

from desktop_app.cli import main
from desktop_app.store import Store
from desktop_app.store.annual import list_items


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_a_years_cycle_through_the_command_line(store, annual_2026, tmp_path, capsys):
    db = str(store.path)
    store.close()
    code, out, _ = run(capsys, "--db", db, "annual-list", "--year", "2026", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "2026年成德同城化发展年度目标和重点任务清单"
    road = next(i for i in data["items"] if i["name"] == "成德大道北延线")
    assert road["planned_investment"] == 12000 and road["lead_unit"] == "市交通运输局"
    assert road["responsible_units"] == ["广汉市"] and road["due_date"] == "2026-12-31"

    code, out, _ = run(capsys, "--db", db, "annual-list")
    assert code == 0 and "、重大项目\n" in out and "共 5 项：任务 3 项，项目 2 项。" in out

    xlsx = tmp_path / "清单.xlsx"
    assert run(capsys, "--db", db, "annual-list", "export", "--year", "2026", str(xlsx))[0] == 0
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    first = next(r for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int))
    first[4].value = "6月15日前"
    wb.save(xlsx)
    code, out, _ = run(capsys, "--db", db, "annual-list", "import", str(xlsx), "--dry-run")
    assert code == 0 and "修改 1 项" in out and "未写入数据库" in out
    code, out, _ = run(capsys, "--db", db, "annual-list", "import", str(xlsx), "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "applied" and result["counts"]["changed"] == 1
    with Store.open(db) as s:
        assert list_items(s, 2026)[0].due_date == "2026-06-15"

    code, out, _ = run(
        capsys,
        "--db",
        db,
        "annual-list",
        "issue",
        "--year",
        "2026",
        "--doc-no",
        "成德同城办〔2026〕1号",
        "--date",
        "2026-02-15",
    )
    assert code == 0
    pdf = tmp_path / "清单.pdf"
    assert run(capsys, "--db", db, "annual-list", "pdf", "--year", "2026", str(pdf))[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    code, out, _ = run(capsys, "--db", db, "annual-list", "carry", "--from", "2026", "--to", "2027")
    assert code == 0 and "结转到 2027 年清单" in out
    with Store.open(db) as s:
        assert len(list_items(s, 2027)) == 5  # nothing reported done, no project 竣工


def test_bad_input_exits_1_with_a_chinese_message(store, annual_2026, tmp_path, capsys):
    db = str(store.path)
    store.close()
    code, _, err = run(capsys, "--db", db, "annual-list", "--year", "2031")
    assert code == 1 and "2031 年还没有年度清单" in err
    xlsx = tmp_path / "错.xlsx"
    run(capsys, "--db", db, "annual-list", "export", str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    first = next(r for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int))
    first[2].value = "市交通运输厅"
    wb.save(xlsx)
    before = xlsx.stat().st_size
    code, out, _ = run(capsys, "--db", db, "annual-list", "import", str(xlsx))
    assert code == 1
    assert f"错误：「错.xlsx」工作表「年度清单」C{first[0].row} 单元格（牵头单位）" in out
    assert "未导入，数据库未作任何修改" in out
    assert xlsx.stat().st_size == before
    code, _, err = run(capsys, "--db", db, "annual-list", "carry", "--from", "2026", "--to", "2025")
    assert code == 1 and "只能从前一年结转到后一年" in err
    code, _, err = run(capsys, "--db", db, "annual-list", "import", str(xlsx), "--match", "x")
    assert code == 2 and "--match「x」写法不对" in err
    code, _, err = run(
        capsys, "--db", db, "annual-list", "issue", "--doc-no", "1号", "--date", "2月"
    )
    assert code == 1 and "印发日期「2月」格式不对" in err
