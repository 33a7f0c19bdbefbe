"""规划实施评估: a plan's indicators, projects and tasks on a date, chapter by chapter, written
as a Word draft (公文) with an Excel annex. The judgements are ``domain.evaluation``'s; this module
gathers the plan's data and hands it to ``reports.evaluation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.errors import UserError
from ..domain.evaluation import (
    BUILD_TARGET,
    REACHED,
    IndicatorRow,
    ProjectResult,
    evaluate_indicator_on,
    evaluate_project,
    kind_for,
    task_result,
)
from ..domain.model import Project
from ..domain.plans import PlanInfo
from ..reports.page import DEFAULT_ORG
from ..saving import save_file
from ..store import Store
from ..store.indicators import list_indicators
from ..store.plans import (
    carried_in,
    carried_out,
    column_sections,
    get_plan,
    sections_of,
    task_states,
)
from ..store.projects import list_projects
from ..store.tasks import Task, list_tasks, task_section_ids
from .progress import Progress, no_progress


@dataclass
class ProjectItem:
    project: Project
    result: ProjectResult
    column: str  # 专栏N 标题, or "" when listed in the text
    carried_to: str | None = None  # the plan it went on into


@dataclass
class TaskItem:
    task: Task
    state: str | None  # the latest reported state (None: never reported)
    result: str  # 已完成 / 未完成 / 无数据
    carried_to: str | None = None


@dataclass
class ChapterPart:
    number: int | None
    title: str
    projects: list[ProjectItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"第{_cn(self.number)}章 {self.title}" if self.number else self.title


@dataclass
class Evaluation:
    plan: PlanInfo
    day: date
    kind: str  # 中期评估 / 总结评估
    org: str
    years: range
    indicators: list[IndicatorRow]
    chapters: list[ChapterPart]

    @property
    def projects(self) -> list[ProjectItem]:
        return [p for c in self.chapters for p in c.projects]

    @property
    def tasks(self) -> list[TaskItem]:
        return [t for c in self.chapters for t in c.tasks]

    @property
    def build_targets(self) -> list[ProjectItem]:
        return [p for p in self.projects if p.result.intention == BUILD_TARGET]

    @property
    def build_targets_met(self) -> int:
        return sum(1 for p in self.build_targets if p.result.state == REACHED)


def _cn(n: int | None) -> str:
    digits = "零一二三四五六七八九十"
    if n is None:
        return ""
    if n <= 10:
        return digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return str(n)


def evaluate(
    store: Store, plan_key: int | str | None = None, day: date | None = None, *, org: str = ""
) -> Evaluation:
    """The evaluation of a plan (default: the plan looked at) on ``day`` (default: today, or
    the plan's last day once it has passed)."""
    from ..store.plans import viewed_plan_id

    key = plan_key if plan_key is not None else viewed_plan_id(store)
    if key is None:
        raise UserError("数据库中还没有规划，无法评估。请先载入或导入规划。")
    plan = get_plan(store, key)
    if day is None:
        day = min(date.today(), date(plan.end_year, 12, 31))
    if day.year < plan.start_year:
        raise UserError(
            f"评估日期 {day.isoformat()} 早于规划期（{plan.years}），请选择规划期内或之后的日期。"
        )
    plan_end = date(plan.end_year, 12, 31)
    years = range(plan.start_year, plan.end_year + 1)
    indicators = [
        evaluate_indicator_on(ind, day, years) for ind in list_indicators(store, plan_id=plan.id)
    ]
    sections = {s["id"]: s for s in sections_of(store, plan.id)}
    chapters: dict[int | None, ChapterPart] = {}
    for s in sections.values():
        if s["kind"] == "章":
            chapters[s["id"]] = ChapterPart(s["number"], s["title"])
    other = ChapterPart(None, "未归入章节的项目和任务")
    carried = ChapterPart(None, "从上一规划结转的项目和任务")
    came_in = {(kind, str(pid or tid)) for kind, pid, tid in carried_in(store, plan.id)}
    # Every plan's 专栏, to name the one a carried project was listed in.
    columns = {sid: f"专栏{number} {title}" for sid, number, title in column_sections(store)}

    def chapter_of(section_id: int | None, key: tuple[str, str]) -> ChapterPart:
        seen = 0
        while section_id in sections and seen < 10:
            s = sections[section_id]
            if s["kind"] == "章":
                return chapters[s["id"]]
            section_id, seen = s["parent_id"], seen + 1
        return carried if key in came_in else other

    def column_of(section_id: int | None) -> str:
        return columns.get(section_id, "")

    out = carried_out(store, plan.id)
    for p in list_projects(store, plan_id=plan.id):
        gone = out["project"].get(p.id)
        section_id = gone["from_section_id"] if gone else p.section_id
        result = evaluate_project(
            name=p.name,
            sentence=p.source_text,
            stage=p.stage,
            actual_end=p.actual_end,
            day=day,
            plan_end=plan_end,
        )
        chapter_of(section_id, ("project", p.id)).projects.append(
            ProjectItem(p, result, column_of(section_id), gone["to_plan"] if gone else None)
        )
    states = task_states(store, upto=day)
    task_sections = task_section_ids(store, plan.id)
    for t in list_tasks(store, plan_id=plan.id):
        gone = out["task"].get(t.id)
        state = states.get(t.id, (None, None))[0]
        section_id = gone["from_section_id"] if gone else task_sections.get(t.id)
        chapter_of(section_id, ("task", str(t.id))).tasks.append(
            TaskItem(t, state, task_result(state), gone["to_plan"] if gone else None)
        )
    ordered = sorted(chapters.values(), key=lambda c: c.number or 0)
    for part in (carried, other):
        if part.projects or part.tasks:
            ordered.append(part)
    return Evaluation(
        plan=plan,
        day=day,
        kind=kind_for(day, plan.end_year),
        org=org or DEFAULT_ORG,
        years=years,
        indicators=indicators,
        chapters=ordered,
    )


def write_evaluation(
    store: Store,
    out: Path,
    plan_key: int | str | None = None,
    day: date | None = None,
    *,
    annex: Path | None = None,
    org: str = "",
    progress: Progress = no_progress,
) -> tuple[Path, Path | None]:
    """The evaluation report (.docx) and, when asked, its Excel annex (.xlsx)."""
    from ..reports.evaluation import write_annex, write_report

    progress(0, 3, "正在汇总规划数据")
    data = evaluate(store, plan_key, day, org=org)
    out = Path(out)
    if out.suffix.lower() != ".docx":
        out = out.with_name(out.name + ".docx")
    progress(1, 3, "正在起草评估报告")
    report = save_file(out, lambda p: write_report(data, p), kind="Word 文档")
    annex_path = None
    if annex is not None:
        annex = Path(annex)
        if annex.suffix.lower() != ".xlsx":
            annex = annex.with_name(annex.name + ".xlsx")
        progress(2, 3, "正在生成 Excel 附表")
        annex_path = save_file(annex, lambda p: write_annex(data, p), kind=".xlsx")
    progress(3, 3, "完成")
    return report, annex_path
