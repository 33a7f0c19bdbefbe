"""The demo's year of returns: import batches per unit and month (on time, late, missing,
corrected, rows refused), the reports they carried and the year's 督办 — enough for the 年度考核
to score every unit on real records, and counted the same way by 督办预警 and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest

from desktop_app.cli import main
from desktop_app.domain.period import Period, due_date
from desktop_app.services.assessment import assess
from desktop_app.services.demo import generate_demo

TODAY = date(2026, 12, 6)  # November's returns were due yesterday
ITEMS = ("timeliness", "quality", "tasks", "projects", "investment", "supervision")


@pytest.fixture
def demo(store):
    generate_demo(store, 80, today=TODAY)
    return store


def _batches(store) -> dict[tuple[str, str], list[dict]]:
    """(unit, period) -> its return batches, oldest first, read straight from the table."""
    out: dict[tuple[str, str], list[dict]] = {}
    for b in store.query(
        "SELECT u.name AS unit, b.* FROM import_batch b JOIN unit u ON u.id = b.unit_id"
        " WHERE b.kind = 'return' ORDER BY b.at, b.id"
    ):
        out.setdefault((b["unit"], b["period"]), []).append(b)
    return out


def test_a_year_of_returns_on_time_late_missing_and_corrected(demo):
    batches = _batches(demo)
    months = [Period(2025, 12), *(Period(2026, m) for m in range(1, 12))]
    assert {p for _, p in batches} == {p.key for p in months}  # the last 12 months ended
    units = {u for u, _ in batches}
    assert len(units) >= 25
    late = {
        (u, p)
        for (u, p), bs in batches.items()
        if date.fromisoformat(bs[0]["at"][:10]) > due_date(Period.parse(p))
    }
    on_time = len(batches) - len(late)
    assert on_time > 3 * len(late) > 0  # most on time
    weeks_late = [
        k
        for k in late
        if (date.fromisoformat(batches[k][0]["at"][:10]) - due_date(Period.parse(k[1]))).days > 7
    ]
    assert weeks_late and len(weeks_late) < len(late)  # late by days, some by weeks
    often = [u for u in units if sum(1 for k in late if k[0] == u) >= 4]
    assert 1 <= len(often) <= 6  # a few units are repeatedly late
    missing = [(u, p.key) for u in units for p in months[:-1] if (u, p.key) not in batches]
    assert 0 < len(missing) < 30  # a few months never sent
    corrected = [k for k, bs in batches.items() if len(bs) > 1]
    assert corrected and all(bs[1]["at"] > bs[0]["at"] for bs in batches.values() if len(bs) > 1)
    assert all("（更正）" in batches[k][1]["file_name"] for k in corrected)
    refused = [k for k, bs in batches.items() if json.loads(bs[0]["counts"])["refused"]]
    assert refused
    # The files are named as clerks name them, and nothing is dated after the demo's day.
    every = [b for bs in batches.values() for b in bs]
    assert all(b["file_name"].endswith((".xlsx", ".xls")) for b in every)
    assert any(b["file_name"] == f"{b['unit']}_{b['period']}_进度填报.xlsx" for b in every)
    assert all("08:30:00" <= b["at"][11:] <= "17:45:59" for b in every)
    assert max(b["at"] for b in every) < TODAY.isoformat()
    assert all(date.fromisoformat(b["at"][:10]).weekday() < 5 for b in every)


def test_every_report_is_in_the_last_return_of_its_units(demo):
    reports = demo.query(
        "SELECT r.project_id, r.period, r.reported_at, r.source, b.at, b.period AS bperiod,"
        " b.unit_id FROM progress_report r JOIN project p ON p.id = r.project_id AND p.is_demo"
        " LEFT JOIN import_batch b ON b.id = r.batch_id"
    )
    assert reports
    assert all(r["source"] == "演示" and r["at"] == r["reported_at"] for r in reports)
    assert all(r["bperiod"] == r["period"] for r in reports)
    tasks = demo.query(
        "SELECT t.*, b.at, b.unit_id AS bunit, b.period AS bperiod,"
        " (SELECT count(*) FROM import_batch c WHERE c.unit_id = t.unit_id"
        "  AND c.period = t.period AND c.kind = 'return') AS returns"
        " FROM task_report t LEFT JOIN import_batch b ON b.id = t.batch_id"
    )
    assert tasks and all(
        t["source"] == "演示"
        and t["at"] == t["reported_at"]
        and (t["bunit"], t["bperiod"]) == (t["unit_id"], t["period"])
        and t["version"] == t["returns"]  # version 2: the return was corrected
        for t in tasks
    )
    assert {t["version"] for t in tasks} == {1, 2}
    roles = {
        r["role"]
        for r in demo.query(
            "SELECT DISTINCT tu.role FROM task_report t JOIN"
            " task_unit tu ON tu.task_id = t.task_id"
            " AND tu.unit_id = t.unit_id"
        )
    }
    assert roles == {"牵头", "责任"}


def test_the_years_supervision_replied_on_time_late_and_open(demo):
    rows = demo.query("SELECT * FROM supervision")
    assert {r["status"] for r in rows} == {"已发", "已回复", "已办结"}
    replied = [r for r in rows if r["replied_date"]]
    assert any(r["replied_date"] <= r["reply_by"] for r in replied)
    assert any(r["replied_date"] > r["reply_by"] for r in replied)
    assert any(r["status"] == "已发" and r["reply_by"] < TODAY.isoformat() for r in rows)
    assert any(r["task_id"] for r in rows) and any(r["project_id"] for r in rows)
    assert len({r["issued_date"][:7] for r in rows}) >= 6  # over the year


def test_the_assessment_scores_every_unit_on_real_records(demo):
    a = assess(demo, 2026, today=TODAY)
    scores = a.scores
    assert len(scores) == 30 and len(a.periods) == 11
    for item in ITEMS:
        found = [s.items[ITEMS.index(item)] for s in scores]
        assert all(i.item == item for i in found)
        with_records = [i for i in found if i.denominator]
        # Every item is scored on records for most units (tasks and 督办 fall to fewer).
        assert len(with_records) >= (20 if item not in ("tasks", "supervision") else 10), item
        assert len({i.score for i in with_records}) > 2, item  # the units differ
        assert any(i.score < i.weight for i in with_records), item
    # A district is scored on its returns, tasks, projects and investment (led or located in
    # it); 督办 reach only some units in a demo this small.
    for s in a.classes["区县"]:
        assert all(i.denominator for i in s.items[:5]), (s.unit, [i.note for i in s.items])
    assert len({s.total for s in scores}) > 20
    # 报送及时率 is the count of months whose first return came by the due date.
    batches = _batches(demo)
    checked = 0
    for s in scores:
        ok = sum(
            1
            for p in a.periods
            if (s.unit, p) in batches
            and batches[(s.unit, p)][0]["at"][:10] <= due_date(Period.parse(p)).isoformat()
        )
        good = sum(
            1
            for p in a.periods
            if (s.unit, p) in batches
            and len(batches[(s.unit, p)]) == 1
            and json.loads(batches[(s.unit, p)][0]["counts"])["refused"] == 0
        )
        sent = sum(1 for p in a.periods if (s.unit, p) in batches)
        timeliness, quality = s.items[0], s.items[1]
        if not sent:
            continue
        checked += 1
        assert (timeliness.numerator, timeliness.denominator) == (ok, 11), s.unit
        assert timeliness.score == round(20 * round(ok / 11 * 100, 1) / 100, 2), s.unit
        assert (quality.numerator, quality.denominator) == (good, sent), s.unit
    assert checked >= 25


def test_reporting_views_agree_with_the_batches(demo, qtbot, capsys):
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.monitoring.supervision_page import SupervisionPage

    batches = _batches(demo)
    page = SupervisionPage(AppContext(demo, today=TODAY))
    qtbot.addWidget(page)
    for period in ("2026-11", "2026-08"):
        page.period_box.setCurrentText(period)
        table = page.reporting
        shown = {table.item(r, 1).text(): table.item(r, 0).text() for r in range(table.rowCount())}
        assert shown and set(shown.values()) == {"已报送", "未报送"}
        for unit, state in shown.items():
            assert state == ("已报送" if (unit, period) in batches else "未报送"), (unit, period)
    # The CLI's lights: a demo project under construction is 「2026-11 未报送进度」 exactly when
    # one of the units that report on it sent no return for November.
    path = str(demo.path)
    assert main(["--db", path, "status", "--date", TODAY.isoformat(), "--json"]) == 0
    lights = {p["code"]: p["reasons"] for p in json.loads(capsys.readouterr().out)}
    units: dict[str, set[str]] = {}
    for code, unit in demo.conn.execute(
        "SELECT p.code, u.name FROM project p JOIN project_unit pu ON pu.project_id = p.id"
        " JOIN unit u ON u.id = pu.unit_id WHERE p.is_demo AND p.stage = '在建'"
        " AND pu.role IN ('牵头', '责任')"
        " UNION SELECT p.code, u.name FROM project p JOIN unit u ON u.id = p.district_id"
        " WHERE p.is_demo AND p.stage = '在建' AND u.kind = '区县'"
    ):
        units.setdefault(code, set()).add(unit)
    reported = {
        c
        for (c,) in demo.conn.execute(
            "SELECT DISTINCT p.code FROM progress_report r JOIN project p ON p.id = r.project_id"
        )
    }
    both = set()
    for code, names in units.items():
        if code not in reported:
            continue  # not begun: nothing to report on yet
        unsent = any((u, "2026-11") not in batches for u in names)
        said = any(r.startswith("2026-11 未报送进度") for r in lights[code])
        assert said == unsent, code
        both.add(said)
    assert both == {True, False}
