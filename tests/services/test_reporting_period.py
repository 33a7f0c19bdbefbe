"""The period the office works on and its due date: one rule for the window, the CLI and sheets.

The period is the last month that has ended (all through December: November); a unit is 未报送
for it only once its due date (the 5th of the following month unless set otherwise) has passed.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from PySide6.QtCore import QSettings

from desktop_app.cli import main
from desktop_app.domain.model import ProgressReport
from desktop_app.domain.period import (
    Period,
    due_date,
    expected_period,
    is_overdue,
    working_period,
)
from desktop_app.services.monitoring import (
    current_period,
    dashboard,
    missing_units,
    project_statuses,
    unit_reporting,
)
from desktop_app.store.progress import record_report

BEFORE_DUE = date(2026, 12, 3)
AFTER_DUE = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (date(2026, 12, 6), "month", "2026-11"),
        (date(2026, 12, 1), "month", "2026-11"),
        (date(2026, 12, 31), "month", "2026-11"),
        (date(2027, 1, 1), "month", "2026-12"),
        (date(2026, 12, 6), "quarter", "2026-09"),
        (date(2026, 10, 1), "quarter", "2026-09"),
        (date(2026, 9, 30), "quarter", "2026-06"),
        (date(2027, 2, 15), "quarter", "2026-12"),
    ],
)
def test_the_working_period_is_the_last_one_that_has_ended(day, kind, expected):
    assert working_period(day, kind=kind).key == expected


def test_due_date_is_a_day_of_the_following_month():
    assert due_date(Period(2026, 11)) == date(2026, 12, 5)
    assert due_date(Period(2026, 12)) == date(2027, 1, 5)
    assert due_date(Period(2027, 1), due_day=31) == date(2027, 2, 28)  # a short month
    assert not is_overdue(Period(2026, 11), date(2026, 12, 5))  # on the day is on time
    assert is_overdue(Period(2026, 11), date(2026, 12, 6))
    assert expected_period(BEFORE_DUE).key == "2026-10"
    assert expected_period(AFTER_DUE).key == "2026-11"
    assert expected_period(AFTER_DUE, kind="quarter").key == "2026-09"


def _on_track(make_project, code: str, lead: str) -> str:
    return make_project(
        code,
        f"按期推进项目{code}",
        lead=lead,
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=50,
        stage="在建",
    )


@pytest.fixture
def reported_october(store, make_project):
    """Two on-track projects: both reported October; only the first reported November."""
    first = _on_track(make_project, "P-1", "市交通运输局")
    second = _on_track(make_project, "P-2", "市水利局")
    for pid in (first, second):
        record_report(store, ProgressReport(pid, "2026-10", percent_complete=45))
    record_report(store, ProgressReport(first, "2026-11", percent_complete=50))
    return first, second


def test_before_the_due_date_an_unreported_period_is_not_a_yellow_light(store, reported_october):
    first, second = reported_october
    assert current_period(store, BEFORE_DUE).key == "2026-11"
    lights = {s.project.id: s.status for s in project_statuses(store, BEFORE_DUE)}
    assert lights[first].light == lights[second].light == "绿", lights[second].reasons
    assert not any("未报送" in r for r in lights[second].reasons)
    assert missing_units(store, "2026-11", BEFORE_DUE) == []
    by_unit = {u.unit: u.state for u in unit_reporting(store, "2026-11", BEFORE_DUE)}
    assert by_unit["市交通运输局"] == "已报送" and by_unit["市水利局"] == "待报送"


def test_after_the_due_date_the_unit_and_its_project_are_late(store, reported_october):
    first, second = reported_october
    assert current_period(store, AFTER_DUE).key == "2026-11"
    lights = {s.project.id: s.status for s in project_statuses(store, AFTER_DUE)}
    assert lights[first].light == "绿"
    assert lights[second].light == "黄"
    assert lights[second].reason == "2026-11 未报送进度（最近一次 2026-10）"
    missing = {u.unit for u in missing_units(store, "2026-11", AFTER_DUE)}
    assert "市水利局" in missing and "市交通运输局" not in missing


def test_light_counts_on_the_dashboard_turn_with_the_due_date(store, reported_october):
    before = dashboard(store, BEFORE_DUE)
    after = dashboard(store, AFTER_DUE)
    assert before.period == after.period == "2026-11"
    # Exactly the project that did not report November turns yellow after the 5th.
    assert after.by_light["黄"] == before.by_light["黄"] + 1
    assert after.by_light["绿"] == before.by_light["绿"] - 1 == 1
    assert before.pending_word == "待报送" and after.pending_word == "未报送"


def test_the_due_day_is_a_setting(store, reported_october):
    first, second = reported_october
    with store.write():
        store.set_setting("report_due_day", 10)
    lights = {s.project.id: s.status.light for s in project_statuses(store, AFTER_DUE)}
    assert lights[second] == "绿"  # due on 12-10 now
    lights = {s.project.id: s.status.light for s in project_statuses(store, date(2026, 12, 11))}
    assert lights[second] == "黄"


def test_quarterly_reporting(store, reported_october):
    first, second = reported_october
    with store.write():
        store.set_setting("period_kind", "quarter")
    assert current_period(store, AFTER_DUE).key == "2026-09"
    # The third quarter was due on 10-05; both reported in October (after September): no yellow.
    lights = {s.project.id: s.status.light for s in project_statuses(store, AFTER_DUE)}
    assert lights[first] == lights[second] == "绿"


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_status_and_missing_follow_the_same_rule(store, reported_october, capsys):
    first, second = reported_october
    db = str(store.path)
    store.close()
    code, out, _ = _cli(capsys, "--db", db, "status", "--date", "2026-12-03", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert code == 0 and rows["P-2"]["light"] == "绿"
    code, out, _ = _cli(capsys, "--db", db, "status", "--date", "2026-12-06", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["P-2"]["light"] == "黄" and "2026-11 未报送进度" in rows["P-2"]["reasons"][0]

    code, out, _ = _cli(capsys, "--db", db, "missing", "--date", "2026-12-03")
    assert code == 0
    assert "2026年11月 的报送截止日期为 2026-12-05，尚未到期" in out and "市水利局" in out
    code, out, _ = _cli(capsys, "--db", db, "missing", "--date", "2026-12-06")
    assert code == 0 and "2026年11月 未报送单位" in out and "市水利局" in out


def test_the_window_defaults_to_the_last_ended_month(store, reported_october, tmp_path, qtbot):
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.reports.print_dialog import PrintDialog

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    ctx = AppContext(store, settings, today=AFTER_DUE)
    assert ctx.current_period().key == "2026-11"
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    assert dialog.period_box.currentData() == "2026-11"
    assert dialog.period_box.currentText() == "2026年11月（本期）"
    dialog.done(0)
    lights = Counter(s.status.light for s in ctx.project_statuses())
    early = Counter(
        s.status.light for s in project_statuses(store, BEFORE_DUE, period=ctx.current_period().key)
    )
    assert lights["黄"] == early["黄"] + 1
