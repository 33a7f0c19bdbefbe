"""Schedule rules: a group's summary bar, violated finish-to-start links, slip against a baseline."""

from datetime import date

from desktop_app.domain.model import Milestone, Project
from desktop_app.domain.schedule import Link, slip_days, summarize, violation_days


def _p(pid, start=None, end=None, invest=None, pct=None, milestones=()):
    return Project(
        pid,
        pid,
        pid,
        planned_start=start,
        planned_end=end,
        total_investment=invest,
        percent_complete=pct,
        milestones=list(milestones),
    )


def test_group_summary_spans_children_and_weights_percent_by_investment():
    s = summarize(
        [
            _p("a", date(2024, 3, 1), date(2025, 6, 30), invest=300, pct=50),
            _p("b", date(2023, 1, 15), date(2024, 12, 31), invest=100, pct=100),
            _p("c"),  # no dates, no investment: no weight
        ]
    )
    assert s.start == date(2023, 1, 15)
    assert s.end == date(2025, 6, 30)
    assert s.percent == 62.5  # (300*50 + 100*100) / 400


def test_group_summary_without_investment_is_a_plain_average():
    s = summarize([_p("a", pct=20), _p("b", pct=60)])
    assert (s.start, s.end, s.percent) == (None, None, 40.0)
    assert summarize([]).percent is None


def test_successor_starting_before_predecessor_ends_is_a_violation():
    pred = _p("a", date(2025, 1, 1), date(2025, 6, 30))
    succ = _p("b", date(2025, 6, 20), date(2025, 12, 31))
    assert violation_days(Link(1, "a", "b"), pred, succ) == 10
    assert violation_days(Link(1, "a", "b", lag_days=-15), pred, succ) == 0
    ok = _p("b", date(2025, 7, 10), date(2025, 12, 31))
    assert violation_days(Link(1, "a", "b", lag_days=10), pred, ok) == 0
    assert violation_days(Link(1, "a", "b"), pred, _p("b")) == 0  # no dates: nothing to judge


def test_links_between_milestones_use_the_milestone_dates():
    pred = _p(
        "a",
        date(2025, 1, 1),
        date(2026, 12, 31),
        milestones=[Milestone("主体完工", date(2025, 9, 30), id=7)],
    )
    succ = _p("b", date(2025, 9, 1), date(2026, 12, 31))
    assert violation_days(Link(1, "a", "b", pred_milestone_id=7), pred, succ) == 29
    assert violation_days(Link(1, "a", "b"), pred, succ) == 486


def test_slip_days_against_baseline():
    assert slip_days(date(2026, 3, 31), date(2025, 12, 31)) == 90
    assert slip_days(date(2025, 12, 1), date(2025, 12, 31)) == -30
    assert slip_days(None, date(2025, 12, 31)) is None
