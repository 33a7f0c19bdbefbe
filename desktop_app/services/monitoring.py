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
from ..domain.period import Period, reporting_period
from ..domain.status import GREEN, LIGHT_RANK, LIGHTS, RED, YELLOW, Status, StatusRules, evaluate
from ..domain.supervision import DEFAULT_REPLY_DAYS, initial_level
from ..store import Store
from ..store import monitoring as queries
from ..store.indicators import list_indicators
from ..store.progress import year_investment
from ..store.projects import list_projects
from ..store.supervision import create_supervision
from ..store.units import list_units, unit_order


def status_rules(store: Store) -> StatusRules:
    return StatusRules.from_dict(store.get_setting("status_rules", {}) or {})


def period_kind(store: Store) -> str:
    return str(store.get_setting("period_kind", "month"))


def current_period(store: Store, today: date) -> Period:
    return reporting_period(today, kind=period_kind(store))


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
    """Every (or the given) project with its light on ``today``."""
    projects = list_projects(store) if projects is None else projects
    rules = rules or status_rules(store)
    period = period or current_period(store, today).key
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

    @property
    def reported(self) -> bool:
        return self.returned_at is not None or self.reported_projects > 0

    @property
    def state(self) -> str:
        return "已报送" if self.reported else "未报送"


def unit_reporting(store: Store, period: str) -> list[UnitReporting]:
    """For ``period``: every unit expected to report, and whether (and when) it did.

    A unit has reported when a return of it for the period was imported, or when at least one of
    the projects it reports on has a progress report for the period.
    """
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
            )
        )
    return out


def missing_units(store: Store, period: str) -> list[UnitReporting]:
    """Units that have not reported for ``period`` (未报送)."""
    return [u for u in unit_reporting(store, period) if not u.reported]


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
    # Projects of the units that have not reported, for the click-through to the register.
    missing_project_ids: tuple[str, ...] = ()
    reported_project_ids: tuple[str, ...] = ()
    most_late: list[ProjectStatus] = field(default_factory=list)

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
    reporting = unit_reporting(store, period)
    return Dashboard(
        today=today,
        period=period,
        total=len(statuses),
        by_light={light: lights.get(light, 0) for light in LIGHTS},
        by_stage={stage: stages.get(stage, 0) for stage in STAGES} | {MISSING: stages.get(None, 0)},
        investment_by_district=by_district,
        investment_by_column=by_column,
        reporting=(sum(1 for u in reporting if u.reported), len(reporting)),
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
    """督办 for each given late project, sent to its lead unit (or district), in one transaction."""
    ids = []
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
