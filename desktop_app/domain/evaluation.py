"""规划实施评估: how a plan's indicators, projects and tasks stand against what the plan asked.

The rules, in the office's words:
- 评估类型: before the plan's last year has ended it is a 中期评估, after it a 总结评估.
- 主要指标: the latest value entered up to the evaluation's year against the target
  (已达标 / 未达标 / 无数据), with the value of every plan year.
- 重大项目: what the plan asked of the project is read from the plan's own sentence: 「建成」 is a
  completion target (达到 when the project is 竣工 by the plan's end and by the evaluation
  date); 「开展…前期工作」「规划建设」「申报建设」 ask for 前期 work (达到 from 前期 on);
  「建设 / 共建 / 打造 / 实施 / 推进 / 加快」 ask for construction (达到 once 在建 or 竣工). A project whose stage is not filled in is 无数据; one
  whose sentence says none of these is 未明确 and only counted by stage.
- 重点任务: the latest reported state up to the evaluation date; 已完成 is done, any other state
  is not yet, none reported is 无数据.
Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .indicators import MET, NO_DATA, NOT_MET, evaluate_indicator
from .model import Indicator

MID, FINAL = "中期评估", "总结评估"
REACHED, NOT_REACHED, UNKNOWN, UNSTATED = "达到", "未达到", "无数据", "未明确"
TASK_DONE, TASK_OPEN = "已完成", "未完成"

BUILD_TARGET, PREPARE, CONSTRUCT = "建成", "前期", "建设"
STAGE_ORDER = {"储备": 0, "前期": 1, "在建": 2, "竣工": 3}
_NEEDS = {BUILD_TARGET: 3, PREPARE: 1, CONSTRUCT: 2}
INTENTION_LABELS = {
    BUILD_TARGET: "规划期内建成",
    PREPARE: "开展前期工作",
    CONSTRUCT: "开工建设",
    None: "未明确",
}

# 「共建成德…」「构建成都…」「搭建成德…」「创建成德…」 are 共建 + 成德, not 建成; 「建成区」 is a place.
_BUILT = re.compile(r"(?<![共构搭创组])建成(?!区)")
_PREPARE = re.compile(r"前期|规划建设|申报建设")
_CONSTRUCT = re.compile(r"建设|共建|打造|实施|开工|新建|扩建|改建|改造|续建|推进|加快|抓好|发展")
_CLAUSE_BREAK = "，；。：！？,;:"


def kind_for(day: date, end_year: int) -> str:
    """中期评估 while the plan runs, 总结评估 once its last year has ended."""
    return FINAL if day >= date(end_year, 12, 31) else MID


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def intention(name: str, sentence: str | None) -> str | None:
    """What the plan's sentence asks of the project named ``name``: 建成 / 前期 / 建设 / None.

    The clause holding the name is read first (「建成华强沟水库、石泉水库，加快推进成都团结水利枢纽
    工程…」 asks 建成 of the first two only); then the whole sentence.
    """
    text = _squash(sentence or "")
    if not text:
        return None
    at = text.find(_squash(name))
    if at >= 0:
        start = max((text.rfind(c, 0, at) for c in _CLAUSE_BREAK), default=-1) + 1
        ends = [i for i in (text.find(c, at) for c in _CLAUSE_BREAK) if i >= 0]
        clause_before = text[start:at]
        clause = text[start : min(ends) if ends else len(text)]
        if _BUILT.search(clause_before):
            return BUILD_TARGET
        if _PREPARE.search(clause):
            return PREPARE
        if _CONSTRUCT.search(clause):
            return CONSTRUCT
        if at > 0 and _BUILT.search(text[:at]) and not _CONSTRUCT.search(text[:at]):
            return BUILD_TARGET
    if _PREPARE.search(text):
        return PREPARE
    if _CONSTRUCT.search(text):
        return CONSTRUCT
    return None


def stage_on(stage: str | None, actual_end: date | None, day: date) -> str | None:
    """The stage a project had on ``day`` as far as the register tells: 竣工 counts only from its
    completion date (a project finished after ``day`` was still 在建 then)."""
    if stage == "竣工" and actual_end is not None and actual_end > day:
        return "在建"
    return stage


@dataclass(frozen=True, slots=True)
class ProjectResult:
    intention: str | None  # 建成 / 前期 / 建设 / None
    stage: str | None  # on the evaluation date (None: 待填报)
    state: str  # 达到 / 未达到 / 无数据 / 未明确
    note: str = ""

    @property
    def intention_label(self) -> str:
        return INTENTION_LABELS[self.intention]


def evaluate_project(
    *,
    name: str,
    sentence: str | None,
    stage: str | None,
    actual_end: date | None,
    day: date,
    plan_end: date,
) -> ProjectResult:
    aim = intention(name, sentence)
    cutoff = min(day, plan_end)
    now = stage_on(stage, actual_end, day)
    if aim is None:
        return ProjectResult(None, now, UNSTATED)
    if now is None:
        return ProjectResult(aim, None, UNKNOWN, "阶段未填报")
    note = ""
    if aim == BUILD_TARGET:
        reached = now == "竣工" and (actual_end is None or actual_end <= cutoff)
        if now == "竣工" and actual_end is None:
            note = "竣工日期未填报"
        elif stage == "竣工" and actual_end is not None and actual_end > plan_end:
            note = f"{actual_end.year}年{actual_end.month}月竣工，晚于规划期"
    else:
        reached = STAGE_ORDER[now] >= _NEEDS[aim]
    return ProjectResult(aim, now, REACHED if reached else NOT_REACHED, note)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    indicator: Indicator
    values: dict[int, float]  # plan year -> value (up to the evaluation year)
    state: str  # 已达标 / 未达标 / 无数据
    latest_year: int | None
    latest: float | None


def evaluate_indicator_on(indicator: Indicator, day: date, years: range) -> IndicatorRow:
    """The indicator with only the values of years up to ``day``'s year."""
    known = {y: v for y, v in indicator.actuals.items() if y <= day.year}
    trimmed = Indicator(
        indicator.id,
        indicator.seq,
        indicator.name,
        indicator.unit,
        indicator.operator,
        indicator.target,
        indicator.year,
        indicator.category,
        indicator.base_value,
        indicator.target_text,
        indicator.attribute,
        known,
    )
    result = evaluate_indicator(trimmed)
    return IndicatorRow(
        indicator,
        {y: known[y] for y in years if y in known},
        result.state,
        result.year,
        result.actual,
    )


def task_result(state: str | None) -> str:
    if state is None:
        return UNKNOWN
    return TASK_DONE if state == TASK_DONE else TASK_OPEN


@dataclass
class Tally:
    """Counts for a summary sentence."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def get(self, key: str) -> int:
        return self.counts.get(key, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def indicator_tally(rows: list[IndicatorRow]) -> Tally:
    t = Tally({MET: 0, NOT_MET: 0, NO_DATA: 0})
    for r in rows:
        t.add(r.state)
    return t


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"
