"""The domain's values as plain dataclasses: what the store returns and the services pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .fields import MISSING


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    name: str
    kind: str
    short_name: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    active: bool = True
    version: int = 1
    origin: str | None = None  # 规划原文 / 常用市级部门 / None (added by the office)


@dataclass(frozen=True, slots=True)
class UnitLink:
    unit_id: int
    name: str
    role: str  # 牵头 / 责任 / 配合


@dataclass(frozen=True, slots=True)
class Milestone:
    name: str
    planned_date: date | None = None
    actual_date: date | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AnnualTarget:
    year: int
    planned_investment: float | None = None
    goal: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    id: int
    key: str
    kind: str  # 章 / 节 / 专栏
    number: int
    title: str
    parent_id: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "专栏":
            return f"专栏{self.number} {self.title}"
        return self.title


@dataclass(slots=True)
class Project:
    """One 重大项目 with everything the register shows about it."""

    id: str
    code: str
    name: str
    stage: str | None = "储备"  # None: 待填报 (the plan does not say)
    category: str | None = None
    section_id: int | None = None
    column: int | None = None  # 专栏 number
    section_title: str | None = None
    district_id: int | None = None
    district: str | None = None
    scope: str | None = None
    total_investment: float | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    percent_complete: float | None = None
    investment_to_date: float | None = None
    source_text: str | None = None
    notes: str | None = None
    is_demo: bool = False
    version: int = 1
    updated_at: str | None = None
    units: list[UnitLink] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    annual_targets: list[AnnualTarget] = field(default_factory=list)
    # Latest progress report, when loaded with it.
    last_period: str | None = None
    last_progress_text: str | None = None
    last_reported_at: str | None = None
    side: str | None = None  # 成都 / 德阳 / 两地共建

    @property
    def stage_text(self) -> str:
        return self.stage or MISSING

    @property
    def lead_unit(self) -> str | None:
        return next((u.name for u in self.units if u.role == "牵头"), None)

    def units_with_role(self, role: str) -> list[str]:
        return [u.name for u in self.units if u.role == role]

    def annual_plan(self, year: int) -> float | None:
        return next((t.planned_investment for t in self.annual_targets if t.year == year), None)


@dataclass(frozen=True, slots=True)
class ProgressReport:
    project_id: str
    period: str
    percent_complete: float | None = None
    investment_to_date: float | None = None
    investment_this_year: float | None = None
    progress_text: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    source: str = "手工"
    reported_at: str | None = None
    batch_id: int | None = None
    batch_file: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    id: int
    seq: int
    name: str
    unit: str | None
    operator: str
    target: float
    year: int
    category: str | None = None
    base_value: str | None = None
    target_text: str | None = None
    attribute: str | None = None
    actuals: dict[int, float] = field(default_factory=dict)

    def latest_actual(self) -> tuple[int, float] | None:
        if not self.actuals:
            return None
        year = max(self.actuals)
        return year, self.actuals[year]
