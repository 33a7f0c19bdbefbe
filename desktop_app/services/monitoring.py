"""Monitoring: the lights of all projects, the watch list, who has not reported, dashboard figures.

The CLI, the 首页 / 督办预警 / 主要指标 views and the tests all call these functions, so a number
on the dashboard is the number the register and the CLI give.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..domain.fields import MISSING, STAGES
from ..domain.indicators import IndicatorResult, evaluate_indicator
from ..domain.model import Indicator, Project
from ..domain.period import (
    DEFAULT_DUE_DAY,
    Period,
    due_date,
    expected_report,
    is_overdue,
    working_period,
)
from ..domain.status import GREEN, LIGHT_RANK, LIGHTS, RED, YELLOW, Status, StatusRules, evaluate
from ..domain.supervision import DEFAULT_REPLY_DAYS, initial_level
from ..store import Store
from ..store import monitoring as queries
from ..store.indicators import list_indicators
from ..store.progress import year_investment
from ..store.projects import list_projects
from ..store.supervision import create_supervision, refuse_closed_plans
from ..store.units import list_units, unit_order


def status_rules(store: Store) -> StatusRules:
    return StatusRules.from_dict(store.get_setting("status_rules", {}) or {})


def period_kind(store: Store) -> str:
    return str(store.get_setting("period_kind", "month"))


def report_due_day(store: Store) -> int:
    """Reports for a period are due on this day of the following month (设置, default 5)."""
    try:
        return max(1, min(28, int(store.get_setting("report_due_day", DEFAULT_DUE_DAY))))
    except (TypeError, ValueError):
        return DEFAULT_DUE_DAY


def current_period(store: Store, today: date) -> Period:
    """The period the office works on at ``today``: the last month (or quarter) that has ended."""
    return working_period(today, kind=period_kind(store))


def period_due(store: Store, period: Period | str) -> date:
    period = Period.parse(period) if isinstance(period, str) else period
    return due_date(period, due_day=report_due_day(store))


def status_period(store: Store, today: date, period: Period | str | None = None) -> Period:
    """The period whose missing report makes a light yellow (「未报送」) when ``period`` (default:
    the current one) is looked at on ``today``: that period once its due date has passed, else
    the one before it. The window, the CLI and every sheet ask this one function."""
    period = Period.parse(period) if isinstance(period, str) else period
    period = period or current_period(store, today)
    return expected_report(period, today, kind=period_kind(store), due_day=report_due_day(store))


@dataclass(frozen=True)
class ProjectStatus:
    project: Project
    status: Status


def project_statuses(
    store: Store,
    today: date,
    *,
    projects: list[Project] | None = None,
    rules: StatusRules | None = None,
    period: str | None = None,
) -> list[ProjectStatus]:
    """Every (or the given) project with its light on ``today``, for ``period`` (default: the
    current one; a report counts as missing only once it is due, see ``status_period``)."""
    projects = list_projects(store) if projects is None else projects
    rules = rules or status_rules(store)
    period = status_period(store, today, period).key
    return [ProjectStatus(p, evaluate(p, today, rules, current_period=period)) for p in projects]


def watch_list(statuses: list[ProjectStatus]) -> list[ProjectStatus]:
    """Red and yellow projects, most urgent first (red, then days late, then points behind)."""
    late = [s for s in statuses if s.status.light in (RED, YELLOW)]
    return sorted(
        late,
        key=lambda s: (
            LIGHT_RANK[s.status.light],
            -s.status.days_late,
            -s.status.behind_points,
            s.project.code,
        ),
    )


def awaiting_dates(statuses: list[ProjectStatus]) -> list[ProjectStatus]:
    """Projects whose light is a grey 待填报 because a planned date is missing: the lists show
    them as one line (「N 个项目计划日期待填报」), not one warning each."""
    return [
        s
        for s in statuses
        if s.status.pending and (s.project.planned_start is None or s.project.planned_end is None)
    ]


@dataclass(frozen=True)
class UnitReporting:
    unit_id: int
    unit: str
    kind: str
    projects: int  # projects the unit reports on
    reported_projects: int  # of those, with a report for the period
    returned_at: str | None  # latest Excel return imported for the period
    last_report: str | None  # latest report time of any of its projects for the period
    # Its projects without a report for the period (what the register shows on a click).
    pending_project_ids: tuple[str, ...] = ()
    # Whether the period's due date has passed: before it, a unit yet to report is 待报送, not late.
    overdue: bool = True

    @property
    def reported(self) -> bool:
        return self.returned_at is not None or self.reported_projects > 0

    @property
    def missing(self) -> bool:
        """未报送: not reported and the due date has passed."""
        return not self.reported and self.overdue

    @property
    def state(self) -> str:
        if self.reported:
            return "已报送"
        return "未报送" if self.overdue else "待报送"


def unit_reporting(store: Store, period: str, today: date | None = None) -> list[UnitReporting]:
    """For ``period``: every unit expected to report, and whether (and when) it did.

    A unit has reported when a return of it for the period was imported, or when at least one of
    the projects it reports on has a progress report for the period. With ``today``, a unit yet
    to report before the period's due date is 待报送 (``overdue`` false), not 未报送.
    """
    overdue = today is None or is_overdue(
        Period.parse(period), today, due_day=report_due_day(store)
    )
    expected = queries.expected_reporters(store)
    reports = queries.reports_in_period(store, period)
    returns = queries.returns_in_period(store, period)
    out = []
    for unit in list_units(store, include_inactive=False):
        projects = expected.get(unit.id)
        if not projects:
            continue
        times = [reports[p] for p in projects if p in reports]
        out.append(
            UnitReporting(
                unit.id,
                unit.name,
                unit.kind,
                len(projects),
                len(times),
                returns.get(unit.id),
                max(times) if times else None,
                tuple(sorted(p for p in projects if p not in reports)),
                overdue,
            )
        )
    return out


def missing_units(store: Store, period: str, today: date | None = None) -> list[UnitReporting]:
    """Units that have not reported for ``period`` (未报送); with ``today``, none before the
    period's due date."""
    return [u for u in unit_reporting(store, period, today) if u.missing]


@dataclass(frozen=True)
class InvestmentRow:
    label: str
    planned: float  # 年度计划投资 (万元)
    done: float  # 本年完成投资 (万元)

    @property
    def rate(self) -> float | None:
        return round(self.done / self.planned * 100, 1) if self.planned else None


@dataclass
class Dashboard:
    today: date
    period: str
    total: int
    by_light: dict[str, int]
    by_stage: dict[str, int]
    investment_by_district: list[InvestmentRow]
    investment_by_column: list[InvestmentRow]
    reporting: tuple[int, int]  # (units reported, units expected)
    report_due: date | None = None  # the period's due date (未报送 counts only after it)
    # Projects of the units that have not reported (未报送 once the due date has passed, 待报送
    # before it), for the click-through to the register.
    missing_project_ids: tuple[str, ...] = ()
    reported_project_ids: tuple[str, ...] = ()
    most_late: list[ProjectStatus] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.report_due is None or self.today > self.report_due

    @property
    def pending_word(self) -> str:
        """What the units yet to report are called: 未报送 after the due date, 待报送 before."""
        return "未报送" if self.overdue else "待报送"

    @property
    def reporting_rate(self) -> float | None:
        reported, expected = self.reporting
        return round(reported / expected * 100, 1) if expected else None


def _investment(
    statuses: list[ProjectStatus], done: dict[str, float], year: int, key
) -> list[InvestmentRow]:
    planned: dict[str, float] = defaultdict(float)
    actual: dict[str, float] = defaultdict(float)
    for s in statuses:
        label = key(s.project)
        planned[label] += s.project.annual_plan(year) or 0.0
        actual[label] += done.get(s.project.id, 0.0)
    return [
        InvestmentRow(label, round(planned[label], 4), round(actual[label], 4)) for label in planned
    ]


def dashboard(
    store: Store, today: date, *, statuses: list[ProjectStatus] | None = None
) -> Dashboard:
    """The 首页 figures for ``today``."""
    period = current_period(store, today).key
    statuses = statuses if statuses is not None else project_statuses(store, today, period=period)
    due = period_due(store, period)
    lights = Counter(s.status.light for s in statuses)
    stages = Counter(s.project.stage for s in statuses)
    done = year_investment(store, today.year)
    by_district = _investment(statuses, done, today.year, lambda p: p.district or "未定区县")
    order = unit_order(store)
    by_district.sort(key=lambda r: order.get(r.label, 999))
    by_column = _investment(
        statuses, done, today.year, lambda p: f"专栏{p.column}" if p.column else "其他"
    )
    by_column.sort(key=lambda r: (r.label == "其他", int(r.label[2:]) if r.label != "其他" else 0))
    reporting = unit_reporting(store, period, today)
    return Dashboard(
        today=today,
        period=period,
        total=len(statuses),
        by_light={light: lights.get(light, 0) for light in LIGHTS},
        by_stage={stage: stages.get(stage, 0) for stage in STAGES} | {MISSING: stages.get(None, 0)},
        investment_by_district=by_district,
        investment_by_column=by_column,
        reporting=(sum(1 for u in reporting if u.reported), len(reporting)),
        report_due=due,
        missing_project_ids=tuple(
            sorted({pid for u in reporting if not u.reported for pid in u.pending_project_ids})
        ),
        reported_project_ids=tuple(sorted(queries.reports_in_period(store, period))),
        most_late=[s for s in watch_list(statuses) if s.status.light == RED][:10]
        or watch_list(statuses)[:10],
    )


def indicator_results(
    store: Store, *, upto_year: int | None = None
) -> list[tuple[Indicator, IndicatorResult]]:
    """Each indicator with its evaluation (on the actual values up to ``upto_year``)."""
    indicators = list_indicators(store)
    if upto_year is not None:
        indicators = [
            replace(i, actuals={y: v for y, v in i.actuals.items() if y <= upto_year})
            for i in indicators
        ]
    return [(i, evaluate_indicator(i)) for i in indicators]


def issue_supervisions(
    store: Store,
    statuses: list[ProjectStatus],
    *,
    issued: date,
    reply_days: int = DEFAULT_REPLY_DAYS,
    request: str | None = None,
) -> list[int]:
    """督办 for each given late project, sent to its lead unit (or district), in one transaction;
    refused whole, naming them, when some belong to a closed plan."""
    ids = []
    refuse_closed_plans(store, [s.project.id for s in statuses if s.status.light != GREEN])
    with store.write():
        for s in statuses:
            if s.status.light == GREEN:
                continue
            p = s.project
            unit_id = next((u.unit_id for u in p.units if u.role == "牵头"), p.district_id)
            ids.append(
                create_supervision(
                    store,
                    p.id,
                    unit_id=unit_id,
                    issued_date=issued,
                    reply_by=issued + timedelta(days=reply_days),
                    reason=s.status.reason,
                    request=request or "请说明滞后原因，提出整改措施和完成时限，按期书面回复。",
                    level=initial_level(s.status.light),
                )
            )
    return ids
