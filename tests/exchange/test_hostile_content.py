"""Text that must not get in as it is: control characters, names a page long, thousands of new
projects in one return. Each arrives the way a user sends it (a return or ledger imported with
the CLI in a child process, the editor's form) and is cleaned or refused; and text an older
version stored never stops an export or a template."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from xhelpers import col, sha

from desktop_app.exchange.columns import DATA_SHEET
from desktop_app.exchange.return_import import MAX_PROPOSALS
from desktop_app.store.projects import get_project

ROOT = Path(__file__).resolve().parents[2]

# The same characters (NUL, BEL, ESC, VT) in the three forms a workbook may carry them.
FORMS = {
    "raw": b"\x00\x07\x1b\x0b",
    "escaped": b"_x0000__x0007__x001B__x000B_",
    "reference": b"&#7;&#27;&#11;",
}


def cli(*args: object) -> subprocess.CompletedProcess:
    """The command line, in a process of its own, as an office script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        timeout=300,
    )


def with_bytes(src: Path, out: Path, marker: bytes, replacement: bytes) -> Path:
    """``src`` with ``marker`` replaced in its XML parts: what openpyxl will not write but
    other programs do."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith(".xml"):
                data = data.replace(marker, replacement)
            zout.writestr(item, data)
    return out


def _new_row(ws) -> int:
    """The first empty row under the listed projects (a spare row of the template)."""
    r = ws.max_row
    while r > 1 and all(c.value is None for c in ws[r]):
        r -= 1
    return r + 1


@pytest.mark.parametrize("form", FORMS)
def test_control_characters_in_a_return_are_removed(setup, form):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    ws[f"{col('progress_text')}{setup.row_of('GH-1')}"] = "完成CTRL桩基"
    new = _new_row(ws)
    ws.cell(new, 2).value = "广汉CTRL新建停车场"
    ws[f"{col('scope')}{new}"] = "停车位CTRL300个"
    wb.save(setup.tmp / "填好.xlsx")
    path = with_bytes(setup.tmp / "填好.xlsx", setup.tmp / f"{form}.xlsx", b"CTRL", FORMS[form])
    db = setup.store.path
    result = cli("--db", db, "import", path, "--json")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "applied"
    [change] = [c for c in outcome["changes"] if c["field"] == "形象进度"]
    assert change["new"] == "完成桩基"
    texts = setup.store.query("SELECT progress_text FROM progress_report")
    assert [r["progress_text"] for r in texts] == ["完成桩基"]
    [proposal] = setup.store.query("SELECT name, payload FROM project_proposal")
    assert proposal["name"] == "广汉新建停车场"
    assert json.loads(proposal["payload"])["建设内容"] == "停车位300个"
    # Taken in, it becomes a project with the clean name; export and templates still work.
    pid = setup.store.scalar("SELECT id FROM project_proposal")
    assert cli("--db", db, "proposal-accept", pid).returncode == 0
    assert setup.store.scalar("SELECT count(*) FROM project WHERE name = '广汉新建停车场'") == 1
    assert cli("--db", db, "export", setup.tmp / "项目库.xlsx").returncode == 0
    out = setup.tmp / "模板"
    assert cli("--db", db, "templates", "--period", "2026-12", out).returncode == 0


def _dirty(text: str) -> str:
    return f"{text[:2]}\x00\x07{text[2:]}\x1b\x0b"


def test_control_characters_an_older_version_stored_never_stop_an_export_or_template(
    setup, tmp_path
):
    db = setup.store.path
    clean_copy = tmp_path / "干净.db"
    clean_copy.write_bytes(db.read_bytes())
    expected = cli("--db", clean_copy, "templates", "--period", "2026-11", tmp_path / "干净")
    assert expected.returncode == 0
    count = len(list((tmp_path / "干净").glob("*.xlsx")))
    assert count > 2
    # Written straight into the file, as a version without the cleaning could have.
    conn = sqlite3.connect(db)
    with conn:
        pid = setup.ids["GH-1"]
        conn.execute(
            "UPDATE project SET name = ?, scope = ?, notes = ? WHERE id = ?",
            (_dirty("广汉测试道路"), _dirty("建设内容"), _dirty("备注"), pid),
        )
        conn.execute("UPDATE unit SET name = ? WHERE name = '什邡市'", (_dirty("什邡市"),))
        conn.execute(
            "INSERT INTO progress_report (project_id, period, progress_text, problems)"
            " VALUES (?, '2026-10', ?, ?)",
            (pid, _dirty("完成桩基"), _dirty("征地")),
        )
        conn.execute(
            "INSERT INTO milestone (project_id, name, planned_date) VALUES (?, ?, '2026-12-01')",
            (pid, _dirty("主体完工")),
        )
    conn.close()
    export = cli("--db", db, "export", tmp_path / "项目库.xlsx")
    assert export.returncode == 0 and "Traceback" not in export.stderr, export.stderr
    wb = openpyxl.load_workbook(tmp_path / "项目库.xlsx")
    names = [r[1] for r in wb["项目库"].iter_rows(values_only=True)]
    assert "广汉测试道路" in names
    history = [r for r in wb["进度历史"].iter_rows(values_only=True) if "完成桩基" in r]
    assert history and "征地" in history[0]
    assert ("GH-1", "广汉测试道路", "主体完工") in [
        r[:3] for r in wb["关键节点"].iter_rows(values_only=True)
    ]
    one = cli(
        "--db", db, "template", "--unit", "广汉市", "--period", "2026-11", tmp_path / "一.xlsx"
    )
    assert one.returncode == 0, one.stderr
    sheet = openpyxl.load_workbook(tmp_path / "一.xlsx")[DATA_SHEET]
    assert "广汉测试道路" in [c.value for c in sheet["B"]]
    every = cli("--db", db, "templates", "--period", "2026-11", tmp_path / "全部")
    assert every.returncode == 0, every.stderr
    assert len(list((tmp_path / "全部").glob("*.xlsx"))) == count


def test_a_text_longer_than_a_cell_holds_is_cut_visibly_never_silently(setup, tmp_path):
    """A scope stored by an older version, longer than Excel keeps in a cell (32,767)."""
    long = "道路" * 20_000
    conn = sqlite3.connect(setup.store.path)
    with conn:
        conn.execute("UPDATE project SET scope = ? WHERE id = ?", (long, setup.ids["GH-1"]))
    conn.close()
    db = setup.store.path
    assert cli("--db", db, "export", tmp_path / "项目库.xlsx").returncode == 0
    rows = openpyxl.load_workbook(tmp_path / "项目库.xlsx")["项目库"].iter_rows(values_only=True)
    [scope] = [r[-1] for r in rows if r[0] == "GH-1"]
    assert len(scope) <= 32_767
    assert scope.startswith("道路道路") and scope.endswith(
        "全文共 40,000 字，超出 Excel 单元格上限，请在程序中查看）"
    )
    out = tmp_path / "模板.xlsx"
    assert (
        cli("--db", db, "template", "--unit", "广汉市", "--period", "2026-11", out).returncode == 0
    )
    ws = openpyxl.load_workbook(out)[DATA_SHEET]
    [cell] = [c for c in ws[col("scope")] if isinstance(c.value, str) and "道路道路" in c.value]
    assert "全文共 40,000 字" in cell.value


def _refused(setup, path: Path, *fragments: str) -> dict:
    before = sha(setup.store.path)
    result = cli("--db", setup.store.path, "import", path, "--json")
    assert result.returncode == 1, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "rejected"
    messages = " ".join(e["message"] for e in outcome["errors"])
    for fragment in fragments:
        assert fragment in messages
    assert sha(setup.store.path) == before
    return outcome


def test_a_new_project_name_too_long_is_refused_naming_the_cell(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    new = _new_row(ws)
    ws.cell(new, 2).value = "广汉" + "超长名称" * 8_000  # pages pasted in, 32,002 characters
    path = setup.tmp / "名称过长.xlsx"
    wb.save(path)
    outcome = _refused(setup, path, f"B{new}", "项目名称共 32,002 字，超过 200 字的上限")
    assert len(result := json.dumps(outcome, ensure_ascii=False)) < 10_000, len(result)


def test_a_new_project_scope_too_long_is_refused(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    new = _new_row(ws)
    ws.cell(new, 2).value = "广汉新建停车场"
    ws[f"{col('scope')}{new}"] = "停车位" * 2000
    path = setup.tmp / "内容过长.xlsx"
    wb.save(path)
    _refused(setup, path, f"{col('scope')}{new}", "超过 5000 字的上限")


def test_new_project_rows_over_the_cap_refuse_the_return(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    new = _new_row(ws)
    for i in range(MAX_PROPOSALS + 1):
        ws.cell(new + i, 2).value = f"广汉新建项目{i + 1}"
    path = setup.tmp / "新增过多.xlsx"
    wb.save(path)
    _refused(setup, path, f"A{new + MAX_PROPOSALS}", f"最多报送 {MAX_PROPOSALS} 个新增项目")
    # The cap itself is accepted.
    ws.delete_rows(new + MAX_PROPOSALS)
    wb.save(path)
    result = cli("--db", setup.store.path, "import", path, "--json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["counts"]["proposals"] == MAX_PROPOSALS


def _ledger_with(path: Path, name: str, scope: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重大项目台账"
    ws.append(["序号", "项目名称", "建设内容", "总投资（万元）", "牵头单位", "计划开工时间"])
    ws.append([1, name, scope, 1200, "市交通运输局", "2026-03"])
    wb.save(path)
    return path


def test_a_ledger_is_cleaned_and_its_long_names_refused(store, tmp_path):
    plain = _ledger_with(tmp_path / "台账.xlsx", "德阳CTRL物流园道路", "道路CTRL3公里")
    dirty = with_bytes(plain, tmp_path / "控制字符台账.xlsx", b"CTRL", FORMS["raw"])
    result = cli("--db", store.path, "import-register", dirty, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    [row] = store.query("SELECT name, scope FROM project WHERE name LIKE '德阳%物流园道路'")
    assert row == {"name": "德阳物流园道路", "scope": "道路3公里"}
    before = sha(store.path)
    long = _ledger_with(tmp_path / "名称过长台账.xlsx", "道路" * 150, "道路")
    result = cli("--db", store.path, "import-register", long, "--json")
    assert result.returncode == 1
    [error] = json.loads(result.stdout)["errors"]
    assert error["cell"] == "B2" and "共 300 字，超过 200 字的上限" in error["message"]
    assert sha(store.path) == before


def test_the_editor_cleans_and_limits_what_is_typed(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings, Qt

    from desktop_app.store.projects import list_projects
    from desktop_app.ui.main_window import MainWindow

    w = MainWindow(
        store,
        QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        today=date(2026, 11, 29),
    )
    qtbot.addWidget(w)
    w.show()
    w.show_page("register")
    pid = next(p.id for p in list_projects(store) if "S11" in p.name)
    editor = w.open_editor(pid)
    editor.inputs["name"].setText("道路" * 101)
    assert not editor.save_button.isEnabled()
    assert "共 202 字，超过 200 字的上限" in editor.error_labels["name"].text()
    editor.inputs["name"].setText("成都经广汉\x07至德阳市域铁路\x1bS11线")  # pasted from a page
    editor.add_milestone_row("主体\x0b完工", "2027-06-01")
    qtbot.mouseClick(editor.save_button, Qt.LeftButton)
    project = get_project(store, pid)
    assert project.name == "成都经广汉至德阳市域铁路S11线"
    assert [m.name for m in project.milestones] == ["主体完工"]


def test_the_units_page_cleans_and_limits_names_and_contacts(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop_app.store.units import get_unit
    from desktop_app.ui.main_window import MainWindow

    w = MainWindow(
        store,
        QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
        today=date(2026, 11, 29),
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.backup_job is None, timeout=20000)  # the daily backup logs itself
    w.show_page("units")
    page = w.pages["units"]
    before = sha(store.path)
    assert page.add_unit({"name": "市档案馆" * 51, "kind": "市级部门"}) is None
    assert "单位名称共 204 字，超过 200 字的上限" in page.last_error
    assert sha(store.path) == before
    uid = page.add_unit({"name": "市\x07档案馆\x1b", "kind": "市级部门"})
    assert uid is not None, page.last_error
    assert get_unit(store, uid).name == "市档案馆"
    page.table.item(page.row_of(uid), 4).setText("张\x00三")  # typed in the cell
    assert get_unit(store, uid).contact_person == "张三"
    page.table.item(page.row_of(uid), 5).setText("0838" * 30)
    assert "联系电话共 120 字，超过 100 字的上限" in page.last_error
    assert get_unit(store, uid).contact_phone is None
