"""年度考核: the rules a year's assessment of units is scored by, in the office's words.

The office sets, per year, which items count and their weights (points out of 100); the program
computes each item from the records (returns, tasks, projects, 督办) and never takes a typed
score, except the 加分 / 扣分 entered by hand with a reason.

The rules:
1. An item's score = its weight × its rate (0–100 %) ÷ 100, rounded to two decimals. Each rate
   is a count of records over a count of records (``numerator`` / ``denominator``), written out
   in ``formula``; the records themselves are kept (``Evidence``) so every figure can be traced.
2. An item with no records for a unit (no 督办 issued to it, no task due) is scored by the year's
   ``no_data`` option: 「满分」 gives the full weight (nothing to hold against the unit), 「折算」
   leaves it out and scales the other items up to the same total weight.
3. 基础得分 = the items' scores; 加分 and 扣分 are summed separately and capped (``bonus_cap``,
   ``penalty_cap``); 总分 = 基础得分 + 加分 − 扣分.
4. Units are ranked within their class (区县 / 功能区 / 市级部门) by 总分, highest first; equal
   totals share a rank (1, 2, 2, 4). A unit with no record in any item is not ranked (无考核记录).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from .errors import ValidationError

CLASSES: tuple[str, ...] = ("区县", "功能区", "市级部门")
ROLES: tuple[str, ...] = ("牵头", "责任", "配合")
NO_DATA_CHOICES: tuple[str, ...] = ("满分", "折算")
FILE_KIND = "成德同城化年度考核规则"

# The items, in their usual order: key -> (default name, default weight, default parameters).
ITEMS: dict[str, tuple[str, float, dict]] = {
    "timeliness": ("报送及时率", 20.0, {"grace_days": 0}),
    "quality": ("报送质量", 10.0, {}),
    "tasks": ("任务按期完成率", 25.0, {"roles": ["牵头", "责任"]}),
    "projects": (
        "项目按期推进率",
        20.0,
        {"roles": ["牵头", "责任"], "located": True, "yellow_behind": False},
    ),
    "investment": ("年度投资完成率", 15.0, {"roles": ["牵头"], "located": True}),
    "supervision": ("督办按期回复率", 10.0, {}),
}
PARAM_LABELS = {
    "grace_days": "截止日期后宽限天数",
    "roles": "计入的单位角色",
    "located": "区县计入所在地项目",
    "yellow_behind": "黄灯也算未按期",
}


def _roles_text(params: dict) -> str:
    return "、".join(params.get("roles") or ["牵头"])


def formula(item: str, params: dict, year: int) -> str:
    """How ``item`` is computed, in words the office can read and check against the records."""
    p = {**ITEMS[item][2], **(params or {})}
    if item == "timeliness":
        grace = int(p.get("grace_days") or 0)
        late = f"截止日期后 {grace} 天内（含）" if grace else "截止日期当天或之前"
        return (
            "得分 = 权重 × 按期报送期数 ÷ 应报送期数。"
            f"应报送期数：{year}年内报送截止日期（设置中的「次月几日」）已过的各期；"
            f"某期第一次导入的本单位填报表在{late}导入即为按期；未报送的期按未按期计。"
        )
    if item == "quality":
        return (
            "得分 = 权重 × 合格期数 ÷ 已报送期数。"
            "某期第一次导入的填报表没有被拒收的内容（导入时因错误跳过的行或单元格），"
            "且该期没有再次报送更正，即为合格；未报送的期不计入。"
        )
    if item == "tasks":
        support = "，配合单位按整项任务计" if "配合" in (p.get("roles") or ()) else ""
        return (
            "得分 = 权重 × 按期完成任务数 ÷ 已到完成时限的任务数（任务按期完成率）。"
            f"任务：{year}年度重点任务清单中本单位为{_roles_text(p)}单位的任务，"
            "按评价日的重点任务状态规则判断（与督办预警、首页的按期完成率相同）："
            f"牵头单位按整项任务、责任单位按本单位负责的部分计{support}；"
            "完成日期不晚于完成时限为按期完成，逾期完成、逾期未完成均为未按期；"
            "完成时限未到且未完成的、「持续推进」的、时限无法识别的任务不计入。"
        )
    if item == "projects":
        located = "，区县另计位于本区县的项目" if p.get("located") else ""
        light = "红灯或黄灯" if p.get("yellow_behind") else "红灯"
        return (
            f"得分 = 权重 × 未亮{light}的项目数 ÷ 参加评价的项目数（项目按期推进率）。"
            f"项目：本单位为{_roles_text(p)}单位的项目{located}；"
            f"{year}年以前已竣工的、建设阶段待填报的不计入；"
            "红黄绿灯按评价日的项目状态规则判断（与项目库、甘特图相同）。"
        )
    if item == "investment":
        located = "，区县另计位于本区县的项目" if p.get("located") else ""
        return (
            "得分 = 权重 × 年度投资完成率（超过 100% 按 100% 计）。"
            "年度投资完成率 = 本年完成投资合计 ÷ 年度计划投资合计；"
            f"项目：本单位为{_roles_text(p)}单位、有{year}年计划投资的项目{located}；"
            "本年完成投资取各项目本年最新一期报告。"
        )
    if item == "supervision":
        return (
            "得分 = 权重 × 按期回复的督办数 ÷ 已到回复期限的督办数。"
            f"督办：{year}年发给本单位的督办；回复日期不晚于回复期限为按期，"
            "逾期回复、期限已过仍未回复均为未按期；回复期限未到且尚未回复的不计入。"
        )
    raise KeyError(item)


@dataclass(frozen=True)
class Rule:
    item: str
    name: str
    weight: float
    enabled: bool = True
    params: dict = field(default_factory=dict)
    note: str | None = None

    def param(self, key: str):
        return self.params.get(key, ITEMS[self.item][2].get(key))


@dataclass(frozen=True)
class RuleSet:
    """The year's rules: its items and options."""

    year: int
    rules: tuple[Rule, ...]
    bonus_cap: float = 5.0
    penalty_cap: float = 10.0
    no_data: str = "满分"
    note: str | None = None

    @classmethod
    def default(cls, year: int) -> RuleSet:
        return cls(
            year,
            tuple(
                Rule(key, name, weight, True, json.loads(json.dumps(params)))
                for key, (name, weight, params) in ITEMS.items()
            ),
        )

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled and r.weight > 0)

    @property
    def total_weight(self) -> float:
        return round(sum(r.weight for r in self.active), 4)

    def rule(self, item: str) -> Rule | None:
        return next((r for r in self.rules if r.item == item), None)

    def formula(self, item: str) -> str:
        rule = self.rule(item)
        return formula(item, rule.params if rule else {}, self.year)

    def problems(self) -> dict[str, str]:
        """What is wrong with the rules, by item (empty when they can be used)."""
        out: dict[str, str] = {}
        seen: set[str] = set()
        for r in self.rules:
            label = f"考核项目「{r.name or r.item}」"
            if r.item not in ITEMS:
                out[r.item] = f"{label}不是本程序能计算的项目（可用：{'、'.join(ITEMS)}）"
                continue
            if r.item in seen:
                out[r.item] = f"{label}重复出现，每个项目只能有一条"
            seen.add(r.item)
            if not (r.name or "").strip():
                out[f"{r.item}.name"] = f"考核项目 {r.item} 的名称不能为空"
            if not 0 <= r.weight <= 100:
                out[f"{r.item}.weight"] = f"{label}的权重 {r.weight:g} 应在 0–100 之间"
            roles = r.params.get("roles")
            if roles is not None and (not roles or any(x not in ROLES for x in roles)):
                out[f"{r.item}.roles"] = f"{label}的单位角色应为 {'、'.join(ROLES)} 中的一个或几个"
            grace = r.params.get("grace_days")
            if grace is not None and (not isinstance(grace, int) or not 0 <= grace <= 60):
                out[f"{r.item}.grace_days"] = f"{label}的宽限天数应为 0–60 的整数"
        if not self.active:
            out["rules"] = "至少要有一个启用且权重大于 0 的考核项目"
        elif abs(self.total_weight - 100) > 1e-6:
            out["weights"] = (
                f"启用项目的权重合计为 {self.total_weight:g} 分，应为 100 分；请调整各项权重"
            )
        if self.bonus_cap < 0 or self.penalty_cap < 0:
            out["caps"] = "加分、扣分上限不能为负数"
        if self.no_data not in NO_DATA_CHOICES:
            out["no_data"] = f"无记录项目的计分方式应为 {'或'.join(NO_DATA_CHOICES)}"
        return out

    def check(self, subject: str = "") -> RuleSet:
        problems = self.problems()
        if problems:
            raise ValidationError(problems, subject=subject or f"{self.year}年考核规则")
        return self

    # -- the file the office keeps --------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "文件": FILE_KIND,
            "年度": self.year,
            "加分上限": self.bonus_cap,
            "扣分上限": self.penalty_cap,
            "无记录项目": self.no_data,
            "说明": self.note or "",
            "考核项目": [
                {
                    "项目": r.item,
                    "名称": r.name,
                    "权重": r.weight,
                    "启用": r.enabled,
                    "参数": r.params,
                    "备注": r.note or "",
                    "计算公式（仅供阅读，导入时不读取）": formula(r.item, r.params, self.year),
                }
                for r in self.rules
            ],
        }

    @classmethod
    def from_dict(cls, data: object, *, where: str = "规则文件") -> RuleSet:
        """Read the file's content; a clear message names what is wrong and where."""

        def bad(what: str) -> ValidationError:
            return ValidationError({"file": f"{where}：{what}"})

        if not isinstance(data, dict) or data.get("文件") != FILE_KIND:
            raise bad(f"不是本程序导出的年度考核规则（缺少「文件: {FILE_KIND}」）")
        year = data.get("年度")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise bad(f"「年度」应为 2000–2100 之间的年份，现为「{year}」")
        items = data.get("考核项目")
        if not isinstance(items, list) or not items:
            raise bad("「考核项目」应为一个非空列表")
        rules = []
        for i, raw in enumerate(items, start=1):
            at = f"第 {i} 个考核项目"
            if not isinstance(raw, dict):
                raise bad(f"{at}的格式不对")
            item = raw.get("项目")
            if item not in ITEMS:
                raise bad(f"{at}的「项目」为「{item}」，应为 {'、'.join(ITEMS)} 之一")
            weight = raw.get("权重")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise bad(f"{at}（{item}）的「权重」应为数字，现为「{weight}」")
            params = raw.get("参数") or {}
            if not isinstance(params, dict):
                raise bad(f"{at}（{item}）的「参数」格式不对")
            unknown = set(params) - set(ITEMS[item][2])
            if unknown:
                raise bad(f"{at}（{item}）有不认识的参数：{'、'.join(sorted(unknown))}")
            rules.append(
                Rule(
                    item,
                    str(raw.get("名称") or ITEMS[item][0]).strip(),
                    float(weight),
                    bool(raw.get("启用", True)),
                    params,
                    (str(raw.get("备注") or "").strip() or None),
                )
            )
        try:
            rule_set = cls(
                year,
                tuple(rules),
                float(data.get("加分上限", 5)),
                float(data.get("扣分上限", 10)),
                str(data.get("无记录项目", "满分")),
                str(data.get("说明") or "").strip() or None,
            )
        except (TypeError, ValueError):
            raise bad("「加分上限」「扣分上限」应为数字") from None
        return rule_set.check(where)

    def for_year(self, year: int) -> RuleSet:
        return replace(self, year=year)


# -- results --------------------------------------------------------------------------------

# ``ok``: the record counts for the unit (按期, 合格, 未亮红灯), against it, or is only shown
# (None: not counted, e.g. a task not yet due).
FOR, AGAINST, SHOWN = True, False, None


@dataclass(frozen=True)
class Evidence:
    """One record behind a figure: what, when, and whether it counted for or against."""

    kind: str  # 报送 / 任务 / 项目 / 投资 / 督办
    day: str  # the date that decided it (YYYY-MM-DD), or the period
    label: str  # the return's period and file, the task, the project, the 督办
    detail: str  # why it counts as it does
    ok: bool | None


@dataclass(frozen=True)
class ItemResult:
    item: str
    name: str
    weight: float
    numerator: float
    denominator: float
    rate: float | None  # percent, None when no records
    score: float | None  # None: left out (折算)
    evidence: tuple[Evidence, ...] = ()
    note: str = ""

    @property
    def fraction(self) -> str:
        if self.rate is None:
            return "无记录"
        if self.item == "investment":
            return f"{self.numerator:,.2f} ÷ {self.denominator:,.2f} 万元"
        return f"{self.numerator:g} ÷ {self.denominator:g}"


@dataclass(frozen=True)
class Adjustment:
    id: int
    year: int
    unit_id: int
    unit: str
    points: float
    reason: str
    basis: str | None
    entered_by: str
    entered_at: str


@dataclass(frozen=True)
class UnitScore:
    unit_id: int
    unit: str
    kind: str
    items: tuple[ItemResult, ...]
    base: float
    bonus: float
    penalty: float
    total: float
    adjustments: tuple[Adjustment, ...] = ()
    rank: int = 0

    def item(self, key: str) -> ItemResult | None:
        return next((i for i in self.items if i.item == key), None)

    @property
    def assessed(self) -> bool:
        """Whether any item had records, or points were entered by hand."""
        return any(i.rate is not None for i in self.items) or bool(self.adjustments)


def half_up(value: float | Decimal, places: int) -> float:
    """Rounded as by hand (0.125 → 0.13), not to the nearest binary float (round gives 0.12)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def rate(numerator: float, denominator: float, *, cap: float | None = None) -> float | None:
    """A share in percent, one decimal; None when there is nothing to count."""
    if not denominator:
        return None
    value = Decimal(repr(numerator)) * 100 / Decimal(repr(denominator))
    if cap is not None:
        value = min(value, Decimal(repr(cap)))
    return half_up(value, 1)


def weighted(weight: float, percent: float) -> float:
    """weight × percent ÷ 100, two decimals, rounded half up."""
    return half_up(Decimal(repr(weight)) * Decimal(repr(percent)) / 100, 2)


def item_result(
    rule: Rule,
    numerator: float,
    denominator: float,
    evidence: list[Evidence],
    no_data: str,
    *,
    cap: float | None = None,
) -> ItemResult:
    """The score of one item from its counts (rule 1 and 2)."""
    r = rate(numerator, denominator, cap=cap)
    if r is None:
        full = no_data == "满分"
        return ItemResult(
            rule.item,
            rule.name,
            rule.weight,
            numerator,
            denominator,
            None,
            rule.weight if full else None,
            tuple(evidence),
            "无相关记录，按满分计" if full else "无相关记录，不计，其余项目按比例折算",
        )
    score = weighted(rule.weight, r)
    return ItemResult(
        rule.item, rule.name, rule.weight, numerator, denominator, r, score, tuple(evidence)
    )


def unit_score(
    unit_id: int,
    unit: str,
    kind: str,
    items: list[ItemResult],
    adjustments: list[Adjustment],
    rules: RuleSet,
) -> UnitScore:
    """基础得分, 加分, 扣分 and 总分 of a unit (rule 2 and 3)."""
    counted = [i for i in items if i.score is not None]
    base = sum((Decimal(repr(i.score)) for i in counted), Decimal(0))
    weight = sum((Decimal(repr(i.weight)) for i in counted), Decimal(0))
    total_weight = sum((Decimal(repr(i.weight)) for i in items), Decimal(0))
    if weight and weight < total_weight:  # 折算: the items left out are spread over the rest
        base = base * total_weight / weight
    bonus = min(sum(a.points for a in adjustments if a.points > 0), rules.bonus_cap)
    penalty = min(-sum(a.points for a in adjustments if a.points < 0), rules.penalty_cap)
    base = half_up(base, 2)
    bonus, penalty = half_up(bonus, 2), half_up(penalty, 2)
    return UnitScore(
        unit_id,
        unit,
        kind,
        tuple(items),
        base,
        bonus,
        penalty,
        half_up(Decimal(repr(base)) + Decimal(repr(bonus)) - Decimal(repr(penalty)), 2),
        tuple(adjustments),
    )


def ranked(scores: list[UnitScore]) -> list[UnitScore]:
    """The scores of one class, highest total first, with ranks (equal totals share one).

    A unit with no record in any item and no hand-entered points has nothing to be assessed on:
    it is listed last, without a rank (0), instead of being given full marks."""
    assessed = [s for s in scores if s.assessed]
    ordered = sorted(enumerate(assessed), key=lambda p: (-p[1].total, p[0]))
    out: list[UnitScore] = []
    for position, (_, s) in enumerate(ordered, start=1):
        same = out and out[-1].total == s.total
        out.append(replace(s, rank=out[-1].rank if same else position))
    return out + [replace(s, rank=0) for s in scores if not s.assessed]
