"""年度考核: each unit's score for a year, computed from its records, with the records kept.

``assess`` is what the window, the CLI and the exports call: one figure, wherever it is shown.
The rules (items, weights, options) are the year's as the office saved them, or the defaults.
The window keeps only the figures (``records=False``) and reads the records behind one figure
when it is clicked (``item_records``): the same computation, for one unit and one item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ..domain.assessment import (
    AGAINST,
    CLASSES,
    FOR,
    SHOWN,
    Adjustment,
    Evidence,
    ItemResult,
    Rule,
    RuleSet,
    UnitScore,
    item_result,
    ranked,
    unit_score,
)
from ..domain.errors import ConflictError, UserError, os_reason
from ..domain.period import Period, due_date
from ..domain.status import LIGHT_NAMES, RED, YELLOW, evaluate
from ..domain.task_status import LATE, ON_TIME, OVERDUE, TaskStatus
from ..saving import save_file
from ..store import Store
from ..store import assessment as q
from ..store.monitoring import reporting_units
from ..store.plans import viewed_plan_id
from ..store.projects import list_projects
from ..store.task_monitoring import TaskUnitLink
from . import monitoring, task_monitoring
from .monitoring import ProjectStatus


@dataclass
class Assessment:
    year: int
    as_of: date
    rules: RuleSet
    classes: dict[str, list[UnitScore]]
    periods: list[str]  # the periods whose returns were due
    stored_rules: bool = True  # False: the office has not set the year's rules
    rules_from: int | None = None  # not set: the earlier year whose rules were carried on
    adjustments: list[Adjustment] = field(default_factory=list)
    records: bool = True  # False: the items carry no records (see ``item_records``)
    plan_id: int | None = None  # the plan whose projects were assessed

    @property
    def scores(self) -> list[UnitScore]:
        return [s for kind in CLASSES for s in self.classes.get(kind, [])]

    def unit(self, name: str) -> UnitScore:
        for s in self.scores:
            if s.unit == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "periods": self.periods,
            "rules": self.rules.to_dict(),
            "classes": {
                kind: [
                    {
                        "rank": s.rank,
                        "unit": s.unit,
                        "base": s.base,
                        "bonus": s.bonus,
                        "penalty": s.penalty,
                        "total": s.total,
                        "items": [
                            {
                                "item": i.item,
                                "name": i.name,
                                "weight": i.weight,
                                "numerator": i.numerator,
                                "denominator": i.denominator,
                                "rate": i.rate,
                                "score": i.score,
                                "note": i.note,
                                "records": [
                                    {
                                        "kind": e.kind,
                                        "date": e.day,
                                        "record": e.label,
                                        "detail": e.detail,
                                        "counts": {True: "计入", False: "扣减", None: "不计"}[e.ok],
                                    }
                                    for e in i.evidence
                                ],
                            }
                            for i in s.items
                        ],
                        "adjustments": [
                            {
                                "points": a.points,
                                "reason": a.reason,
                                "basis": a.basis,
                                "entered_by": a.entered_by,
                                "entered_at": a.entered_at,
                            }
                            for a in s.adjustments
                        ],
                    }
                    for s in self.classes.get(kind, [])
                ]
                for kind in CLASSES
            },
        }


def rules_for(store: Store, year: int) -> tuple[RuleSet, bool]:
    """The year's rules and whether the office saved them. A year not set yet carries on the
    latest earlier year's rules (the office changes them seldom), else the defaults."""
    stored = q.stored_rule_set(store, year)
    if stored is not None:
        return stored, True
    earlier = carried_from(store, year)
    if earlier is not None:
        return q.stored_rule_set(store, earlier).for_year(year), False
    return RuleSet.default(year), False


def carried_from(store: Store, year: int) -> int | None:
    """The latest earlier year with rules saved, for a year without its own."""
    years = [y for y in q.rule_years(store) if y < year]
    return years[-1] if years else None


def rules_text(a: Assessment) -> str:
    """Where the rules of an assessment come from, in words."""
    if a.stored_rules:
        return "已设置"
    if a.rules_from is not None:
        return f"尚未设置，沿用{a.rules_from}年规则"
    return "尚未设置，按默认规则计算"


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise UserError(f"考核年度「{year}」不合理，应为 2000–2100 之间的年份。", field="year")


def due_periods(store: Store, year: int, today: date) -> list[Period]:
    """The periods of ``year`` whose returns were due by ``today`` (the due date has passed)."""
    step = 3 if monitoring.period_kind(store) == "quarter" else 1
    day = monitoring.report_due_day(store)
    periods = [Period(year, m) for m in range(step, 13, step)]
    return [p for p in periods if today > due_date(p, due_day=day)]


class ProjectLight(NamedTuple):
    """What the assessment reads of a project: its name and stage, and its light that day."""

    code: str
    name: str
    stage: str | None
    actual_end: date | None
    light: str
    reason: str


@dataclass(frozen=True)
class ShownLights:
    """The projects' lights the window already holds (the register's), judged on ``day`` for
    the plan the window looks at. The assessment of that day reads them rather than loading
    and judging every project a second time; any other day or plan judges them again."""

    day: date
    plan_id: int | None
    lights: Mapping[str, ProjectLight]


def shown_lights(store: Store, day: date, statuses: Iterable[ProjectStatus]) -> ShownLights:
    """``statuses`` (every project of the plan ``store`` looks at, judged on ``day``) as the
    assessment reads them."""
    return ShownLights(
        day, viewed_plan_id(store), {s.project.id: _light(s.project, s.status) for s in statuses}
    )


def _light(p, s) -> ProjectLight:
    return ProjectLight(p.code, p.name, p.stage, p.actual_end, s.light, s.reason)


def assess(
    store: Store,
    year: int,
    *,
    today: date | None = None,
    shown: ShownLights | None = None,
    records: bool = True,
) -> Assessment:
    """Every assessed unit's score for ``year`` as seen on ``today``, ranked per class.

    ``shown``: the projects' lights the window holds (used when they are of the day and plan
    assessed). ``records=False`` keeps the figures only: the items carry no records, which
    ``item_records`` reads for one unit and item when asked."""
    _check_year(year)
    today = today or date.today()
    rules, stored = rules_for(store, year)
    ctx = _Records(store, year, today, rules, shown=shown, records=records)
    adjustments = q.list_adjustments(store, year)
    by_unit: dict[int, list[Adjustment]] = {}
    for a in adjustments:
        by_unit.setdefault(a.unit_id, []).append(a)
    classes: dict[str, list[UnitScore]] = {kind: [] for kind in CLASSES}
    for unit in q.assessed_units(store):
        items = [ctx.item(rule, unit) for rule in rules.active]
        classes[unit.kind].append(
            unit_score(unit.id, unit.name, unit.kind, items, by_unit.get(unit.id, []), rules)
        )
    classes = {kind: ranked(scores) for kind, scores in classes.items()}
    return Assessment(
        year,
        today,
        rules,
        classes,
        [p.key for p in ctx.periods],
        stored,
        None if stored else carried_from(store, year),
        adjustments,
        records,
        ctx.plan_id,
    )


def item_records(
    store: Store, a: Assessment, unit_id: int, item: str, *, shown: ShownLights | None = None
) -> ItemResult:
    """One unit's result for one item of ``a``, with the records behind it: computed as
    ``assess`` does, on the same day, rules and plan (whichever plan ``store`` looks at),
    reading only what that unit and item need."""
    score = next(s for s in a.scores if s.unit_id == unit_id)
    unit = q.AssessedUnit(score.unit_id, score.unit, score.kind)
    rule = next(r for r in a.rules.active if r.item == item)
    records = _Records(store, a.year, a.as_of, a.rules, shown=shown, unit=unit, plan_id=a.plan_id)
    return records.item(rule, unit)


class _Records:
    """The year's records, each kind read once when an item first needs it, and how each item
    counts them for a unit. With ``unit``, only that unit's projects are read (the records
    behind one figure); with ``records=False`` the items keep their counts, not their records.
    """

    def __init__(
        self,
        store: Store,
        year: int,
        today: date,
        rules: RuleSet,
        *,
        shown: ShownLights | None = None,
        records: bool = True,
        unit: q.AssessedUnit | None = None,
        plan_id: int | None = None,
    ):
        self.store, self.year, self.today, self.rules = store, year, today, rules
        self.shown, self.records, self.only = shown, records, unit
        # The plan whose projects are assessed: the one ``store`` looks at, unless given.
        self.plan_id = plan_id if plan_id is not None else viewed_plan_id(store)
        self._unit_links: tuple[int | None, tuple] = (None, ())
        self.periods = due_periods(store, year, today)
        self.due_day = monitoring.report_due_day(store)

    @cached_property
    def returns(self) -> dict[int, dict[str, list[dict]]]:
        return q.year_returns(self.store, self.year)

    @cached_property
    def reporters(self) -> set[int]:
        reporters = reporting_units(self.store, plan_id=self.plan_id)
        return reporters | q.task_reporters(self.store, self.year)

    def _links(self, unit_id: int) -> tuple[dict[str, str], set[str]]:
        """The unit's projects with its role on each, and those located in it (a district):
        read per unit, kept for the unit's next item only."""
        if self._unit_links[0] != unit_id:
            links = q.project_links(self.store, unit_id=unit_id).get(unit_id, {})
            located = q.located_projects(self.store, unit_id=unit_id).get(unit_id, set())
            self._unit_links = (unit_id, (links, located))
        return self._unit_links[1]

    @cached_property
    def supervisions(self) -> list[dict]:
        return q.year_supervisions(self.store, self.year)

    @cached_property
    def _task_monitor(self) -> task_monitoring.TaskMonitor:
        """The year's tasks as the monitoring sees them on the assessment's day — the lights of
        督办预警 and the figures of 首页 (docs/monitoring.md) — read once."""
        return task_monitoring.task_statuses(self.store, self.today, year=self.year)

    @cached_property
    def _light_day(self) -> date:
        return min(self.today, date(self.year, 12, 31))

    @cached_property
    def _lights(self) -> Mapping[str, ProjectLight]:
        """Each project's name, stage and light on the day assessed: the window's when it shows
        that day's lights of the same plan, else judged here (only the unit's projects when
        the records of one unit are asked)."""
        day, shown = self._light_day, self.shown
        if shown is not None and shown.day == day and shown.plan_id == self.plan_id:
            return shown.lights
        key = monitoring.status_period(self.store, day).key
        status_rules = monitoring.status_rules(self.store)
        unit_id = self.only.id if self.only else None
        projects = list_projects(self.store, unit_id=unit_id, plan_id=self.plan_id)
        lights = {}
        while projects:  # each project let go of once judged
            p = projects.pop()
            lights[p.id] = _light(p, evaluate(p, day, status_rules, current_period=key))
        return lights

    @cached_property
    def _plans(self) -> dict[str, float]:
        return q.annual_plans(self.store, self.year)

    @cached_property
    def _done(self) -> dict[str, tuple[str, float]]:
        return q.year_investment_upto(self.store, self.year)

    def item(self, rule: Rule, unit) -> ItemResult:
        return getattr(self, f"_{rule.item}")(rule, unit)

    def _result(self, rule: Rule, ok: int, counted: int, evidence, **kw) -> ItemResult:
        kept = evidence if self.records else []
        return item_result(rule, ok, counted, kept, self.rules.no_data, **kw)

    # -- 报送及时率 and 报送质量 ------------------------------------------------------------

    def _timeliness(self, rule: Rule, unit) -> ItemResult:
        if unit.id not in self.reporters:
            return self._result(rule, 0, 0, [])
        grace = int(rule.param("grace_days") or 0)
        mine = self.returns.get(unit.id, {})
        evidence, ok = [], 0
        for p in self.periods:
            due = due_date(p, due_day=self.due_day)
            batches = mine.get(p.key, [])
            if not batches:
                evidence.append(
                    Evidence("报送", "—", f"{p.label}填报表", f"截止 {due} 未报送", AGAINST)
                )
                continue
            first = batches[0]
            day = date.fromisoformat(first["at"][:10])
            late = (day - due).days
            on_time = late <= grace
            ok += on_time
            when = "按期" if late <= 0 else (f"晚 {late} 天" + ("（宽限内）" if on_time else ""))
            evidence.append(
                Evidence(
                    "报送",
                    first["at"].replace("T", " "),
                    f"{p.label}填报表「{first['file_name']}」",
                    f"截止 {due}，{when}",
                    FOR if on_time else AGAINST,
                )
            )
        return self._result(rule, ok, len(self.periods), evidence)

    def _quality(self, rule: Rule, unit) -> ItemResult:
        mine = self.returns.get(unit.id, {})
        evidence, ok, counted = [], 0, 0
        for p in self.periods:
            batches = mine.get(p.key, [])
            if not batches:
                continue
            counted += 1
            first = batches[0]
            problems = []
            if first["refused"]:
                problems.append(f"第一次导入拒收 {first['refused']} 处")
            if len(batches) > 1:
                again = "、".join(b["at"][:10] for b in batches[1:])
                problems.append(f"更正 {len(batches) - 1} 次（{again} 再次报送）")
            ok += not problems
            evidence.append(
                Evidence(
                    "报送",
                    first["at"].replace("T", " "),
                    f"{p.label}填报表「{first['file_name']}」",
                    "；".join(problems) if problems else "一次报送，无拒收",
                    AGAINST if problems else FOR,
                )
            )
        return self._result(rule, ok, counted, evidence)

    # -- 任务按期完成率 --------------------------------------------------------------------

    def _tasks(self, rule: Rule, unit) -> ItemResult:
        """Each task of the rule's roles with the outcome the unit answers for on the dashboard
        (``unit_tasks``); a 配合 unit, counted only when the rule says so, shares the task's."""
        roles = set(rule.param("roles") or ["牵头"])
        monitor = self._task_monitor
        views = {row.task.task_id: v for row, v in task_monitoring.unit_tasks(monitor, unit.id)}
        evidence, ok, counted = [], 0, 0
        for row in monitor.rows:
            link = next((u for u in row.task.units if u.unit_id == unit.id), None)
            if link is None or link.role not in roles:
                continue
            status = views.get(row.task.task_id, row.status)
            counts = status.outcome in (ON_TIME, LATE, OVERDUE)
            if counts:
                counted += 1
                ok += status.outcome == ON_TIME
            evidence.append(_task_evidence(row, link, status, counts))
        return self._result(rule, ok, counted, evidence)

    # -- 项目按期推进率 and 年度投资完成率 --------------------------------------------------

    def _unit_projects(self, rule: Rule, unit) -> dict[str, str]:
        roles = set(rule.param("roles") or ["牵头"])
        links, located = self._links(unit.id)
        mine = {pid: r for pid, r in links.items() if r in roles}
        if rule.param("located") and unit.kind == "区县":
            # Every project located in the district, whatever other role it has on it (a
            # district is often 责任单位 of its own projects as well).
            for pid in located:
                mine.setdefault(pid, "属地")
        return mine

    def _mine_by_code(self, rule: Rule, unit) -> list[tuple[ProjectLight, str, str]]:
        """The unit's projects for ``rule`` as ``(project, id, role)`` in code order (those of
        another plan than the one assessed are not counted)."""
        lights = self._lights
        mine = [
            (lights[pid], pid, role)
            for pid, role in self._unit_projects(rule, unit).items()
            if pid in lights
        ]
        mine.sort(key=lambda x: x[0].code)
        return mine

    def _projects(self, rule: Rule, unit) -> ItemResult:
        behind = {RED, YELLOW} if rule.param("yellow_behind") else {RED}
        evidence, ok, counted = [], 0, 0
        start = date(self.year, 1, 1)
        for p, _pid, role in self._mine_by_code(rule, unit):
            if p.stage is None:
                continue
            if p.stage == "竣工" and p.actual_end is not None and p.actual_end < start:
                continue
            counted += 1
            good = p.light not in behind
            ok += good
            evidence.append(
                Evidence(
                    "项目",
                    self._light_day.isoformat(),
                    f"{p.code} {p.name}（{role}）",
                    f"{LIGHT_NAMES[p.light]}：{p.reason}",
                    FOR if good else AGAINST,
                )
            )
        return self._result(rule, ok, counted, evidence)

    def _investment(self, rule: Rule, unit) -> ItemResult:
        planned = done = 0.0
        evidence = []
        for p, pid, role in self._mine_by_code(rule, unit):
            plan = self._plans.get(pid)
            if not plan:
                continue
            period, amount = self._done.get(pid, (None, 0.0))
            planned += plan
            done += amount
            said = f"{period} 报告本年完成 {amount:,.2f} 万元" if period else "本年未报告完成投资"
            evidence.append(
                Evidence(
                    "投资",
                    period or "—",
                    f"{p.code} {p.name}（{role}）",
                    f"年度计划 {plan:,.2f} 万元；{said}",
                    FOR if amount >= plan else AGAINST,
                )
            )
        return self._result(rule, round(done, 4), round(planned, 4), evidence, cap=100.0)

    # -- 督办按期回复率 --------------------------------------------------------------------

    def _supervision(self, rule: Rule, unit) -> ItemResult:
        evidence, ok, counted = [], 0, 0
        for s in self.supervisions:
            if s["unit_id"] != unit.id:
                continue
            reply_by = date.fromisoformat(s["reply_by"])
            replied = s["replied_date"] or (s["closed_date"] if s["status"] == "已办结" else None)
            label = f"{s['issued_date']} 督办：{s['code']} {s['name']}"
            if replied:
                late = (date.fromisoformat(replied) - reply_by).days
                counted += 1
                ok += late <= 0
                detail = f"回复期限 {reply_by}，{replied} 回复" + (
                    "，按期" if late <= 0 else f"，晚 {late} 天"
                )
                evidence.append(
                    Evidence("督办", replied, label, detail, FOR if late <= 0 else AGAINST)
                )
            elif self.today > reply_by:
                counted += 1
                evidence.append(
                    Evidence(
                        "督办",
                        s["reply_by"],
                        label,
                        f"回复期限 {reply_by} 已过，尚未回复",
                        AGAINST,
                    )
                )
            else:
                evidence.append(
                    Evidence(
                        "督办", s["reply_by"], label, f"回复期限 {reply_by} 未到，不计入", SHOWN
                    )
                )
        return self._result(rule, ok, counted, evidence)


def _task_evidence(
    row: task_monitoring.TaskRow, link: TaskUnitLink, status: TaskStatus, counts: bool
) -> Evidence:
    """One task's line under 任务按期完成率: its 时限, what the unit (and, when it answers for the
    whole task, the task) reported, and the outcome with the monitoring's reason."""
    whole = row.answers_whole(link.unit_id) is not False  # 牵头, sharing a done task, or 配合
    part = row.part_of(link.unit_id)
    said = []
    if part is not None:
        r = part.latest
        if r is None:
            said.append("本单位本年未报告进展")
        else:
            said.append(f"本单位 {r.period} 报告「{r.state or '未填状态'}」")
            if r.done_date:
                said[-1] += f"，完成于 {r.done_date}"
    own = (part.latest.state if part.latest else None, part.done_date) if part else None
    same = part is not None and part.role == "牵头" and own == (row.state, row.done_date)
    if whole and not same:
        said.append(f"任务「{row.state}」" if row.state else "任务尚未报送进展")
        if row.done_date:
            said[-1] += f"，完成于 {row.done_date}"
    done = row.done_date if whole else part.done_date
    if counts:
        outcome = status.reason
        if not outcome.startswith(status.outcome):
            outcome = f"{status.outcome}：{outcome}"
    else:
        outcome = f"不计入（{status.outcome}）：{status.reason}"
    return Evidence(
        "任务",
        done.isoformat() if done else row.due_label,
        f"{row.task.seq}. {row.task.title}（{link.role}）",
        f"完成时限 {row.due_label}；{'；'.join(said)}；{outcome}",
        (FOR if status.outcome == ON_TIME else AGAINST) if counts else SHOWN,
    )


# -- rules: saving, the file the office keeps --------------------------------------------------


def save_rules(store: Store, rules: RuleSet, **expected) -> int:
    """Save the year's rules; ``expected=`` the rules read before editing (see the store)."""
    _check_year(rules.year)
    return q.save_rule_set(store, rules, **expected)


# -- undoable edits: the rules, the hand-entered points -----------------------------------------


@dataclass(frozen=True)
class RulesStep:
    """One save of a year's rules: the rules stored before (None: not set) and after it."""

    year: int
    before: RuleSet | None
    after: RuleSet


def save_rules_step(store: Store, rules: RuleSet, **expected) -> RulesStep:
    """``save_rules`` keeping what undoes it (one transaction)."""
    _check_year(rules.year)
    with store.write():
        before = q.stored_rule_set(store, rules.year)
        q.save_rule_set(store, rules, **expected)
        after = q.stored_rule_set(store, rules.year)
    return RulesStep(rules.year, before, after)


def undo_rules(store: Store, step: RulesStep, *, redo: bool = False) -> None:
    """Put the year's rules back as they were before ``step`` (or, redoing, after it); refused
    when they were changed since (another person, another window), nothing then written."""
    expected, target = (step.before, step.after) if redo else (step.after, step.before)
    doing = "重做" if redo else "撤销"
    with store.write() as tx:
        if q.stored_rule_set(store, step.year) != expected:
            raise ConflictError(
                f"{step.year}年考核规则在这一步之后已被他人（或另一窗口）修改，不能{doing}这一步，"
                "以免覆盖他人的修改。已重新载入最新内容。"
            )
        if target is None:
            q.delete_rule_set(store, step.year)
        else:
            q.save_rule_set(store, target)
        tx.audit("assessment_year", step.year, doing, None, f"{doing}对考核规则的修改")


@dataclass(frozen=True)
class AdjustmentStep:
    """One 加减分 entered (``added``) or deleted, as it was stored."""

    row: dict
    added: bool


def add_adjustment(
    store: Store, year: int, unit_id: int, points: float, reason: str, basis: str | None = None
) -> AdjustmentStep:
    """Enter a 加分 (points > 0) or 扣分 with its reason; audited, undoable."""
    _check_year(year)
    with store.write():
        adjustment_id = q.add_adjustment(store, year, unit_id, points, reason, basis)
        row = q.adjustment_row(store, adjustment_id)
    return AdjustmentStep(row, True)


def delete_adjustment(store: Store, adjustment_id: int) -> AdjustmentStep:
    """Delete one 加减分; audited, undoable (it comes back with its id, 录入人 and time)."""
    with store.write():
        row = q.adjustment_row(store, adjustment_id)
        q.delete_adjustment(store, adjustment_id)
    return AdjustmentStep(row, False)


def undo_adjustment(store: Store, step: AdjustmentStep, *, redo: bool = False) -> None:
    """Undo (or redo) ``step``: an entry taken back, a deletion put back; refused when the
    加减分 was changed since."""
    field = ("重做" if redo else "撤销") + ("录入" if step.added else "删除")
    if step.added != redo:
        q.take_back_adjustment(store, step.row, field)
    else:
        q.put_back_adjustment(store, step.row, field)


def write_rules_file(rules: RuleSet, out: Path) -> Path:
    """``rules`` as a JSON file (UTF-8, readable, with each item's formula in words), checked
    first: a file the office keeps can always be read back."""
    rules.check()
    text = json.dumps(rules.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return save_file(Path(out), lambda path: path.write_text(text, encoding="utf-8"), kind=".json")


def export_rules(store: Store, year: int, out: Path) -> Path:
    """The year's rules (saved, or the defaults) as a file."""
    return write_rules_file(rules_for(store, year)[0], out)


def read_rules_file(path: Path, *, year: int | None = None) -> RuleSet:
    """A rules file read and checked; with ``year``, taken as that year's rules."""
    path = Path(path)
    where = f"规则文件「{path.name}」"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取{where}：{os_reason(exc)}。") from exc
    if len(raw) > 1_000_000:
        raise UserError(f"{where}太大（{len(raw) // 1024} KB），不是本程序导出的考核规则。")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        at = f"第 {exc.lineno} 行" if isinstance(exc, json.JSONDecodeError) else ""
        raise UserError(
            f"{where}{at}不是有效的 JSON 文本，无法读取。请使用本程序「导出规则」得到的文件。"
        ) from exc
    rules = RuleSet.from_dict(data, where=where)
    return rules.for_year(year) if year is not None else rules


def import_rules(store: Store, path: Path, *, year: int) -> RuleSet:
    """Read a rules file and save it as ``year``'s rules (nothing saved when it is wrong)."""
    rules = read_rules_file(path, year=year)
    save_rules(store, rules)
    return rules


# -- outputs: Excel, PDF, Word ----------------------------------------------------------------

OUTPUTS = {".xlsx": "Excel", ".pdf": "PDF", ".docx": "Word"}


def write_assessment(
    store: Store,
    year: int,
    out: Path,
    *,
    today: date | None = None,
    org: str | None = None,
    result: Assessment | None = None,
    shown: ShownLights | None = None,
) -> Path:
    """The year's assessment as a file: .xlsx (score table and records), .pdf (the printed
    table), .docx (a draft of the 考核情况报告). ``shown``: as for ``assess``."""
    from ..reports.page import DEFAULT_ORG

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in OUTPUTS:
        raise UserError(
            f"「{out.name}」的类型不支持：考核结果可保存为 .xlsx（Excel）、.pdf 或 .docx（Word）。",
            field="out",
        )
    today = today or date.today()
    a = result if result is not None and result.records else None
    a = a or assess(store, year, today=today, shown=shown)
    org = org or DEFAULT_ORG
    if suffix == ".xlsx":
        from ..exchange.assessment_export import write_assessment_xlsx

        def render(path: Path) -> None:
            write_assessment_xlsx(
                path,
                year=a.year,
                as_of=a.as_of.isoformat(),
                rules=a.rules,
                classes=a.classes,
                periods=a.periods,
                adjustments=a.adjustments,
            )

    elif suffix == ".pdf":
        from ..reports.assessment_sheet import AssessmentSheet, render_assessment
        from ..reports.page import PageSetup

        setup = PageSetup(
            title=f"{a.year}年度成德同城化工作考核得分表",
            period_label=f"{a.year}年度",
            org=org,
            printed=today,
            as_of=a.as_of,
        )

        def render(path: Path) -> None:
            render_assessment(AssessmentSheet(setup, a.rules, a.classes, a.periods), path)

    else:
        from ..reports.assessment_report import AssessmentReport, write_assessment_report

        def render(path: Path) -> None:
            write_assessment_report(
                AssessmentReport(
                    a.year, org, today, a.as_of, a.rules, a.classes, a.periods, a.adjustments
                ),
                path,
            )

    return save_file(out, render, kind=suffix if suffix != ".pdf" else "PDF")
