"""Plans in turn: list, close, reopen, choose the current plan, and open the next plan from a
filled plan list (Excel), carrying the unfinished projects and tasks of the closed plan over.

Each function is one transaction; a refused import leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import UserError
from ..domain.plans import CLOSED, OPEN, PlanInfo
from ..exchange.plan_workbook import read_plan, write_template
from ..saving import save_file
from ..store import Store, seed
from ..store import plans as plan_store
from ..store import projects as project_store
from ..store.tasks import task_code_taken
from ..store.units import list_units
from .changes import Changes


def list_plans(store: Store) -> list[PlanInfo]:
    return plan_store.list_plans(store)


def plan_json(p: PlanInfo, current: int | None) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "title": p.title,
        "doc_no": p.doc_no,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "status": p.status,
        "closed_at": p.closed_at,
        "current": p.id == current,
        "projects": p.projects,
        "tasks": p.tasks,
        "indicators": p.indicators,
        "carried_in": p.carried_in,
        "carried_out": p.carried_out,
    }


def close_plan(store: Store, key: int | str) -> Changes:
    """Close a plan: its data stays and becomes read-only until reopened."""
    plan = plan_store.get_plan(store, key)
    if plan.closed:
        raise UserError(f"规划《{plan.title}》已经关闭。")
    plan_store.set_status(store, plan.id, CLOSED)
    return Changes(all_projects=True)


def reopen_plan(store: Store, key: int | str) -> Changes:
    """Reopen a closed plan: its projects may be edited again (those carried on stay where
    they went)."""
    plan = plan_store.get_plan(store, key)
    if not plan.closed:
        raise UserError(f"规划《{plan.title}》没有关闭，无需重新打开。")
    plan_store.set_status(store, plan.id, OPEN)
    return Changes(all_projects=True)


def use_plan(store: Store, key: int | str) -> PlanInfo:
    """Make a plan the current one (the default of every window and command)."""
    plan = plan_store.get_plan(store, key)
    plan_store.set_current_plan(store, plan.id)
    store.plan_view = None
    return plan


def view_plan(store: Store, key: int | str | None) -> PlanInfo | None:
    """Look at another plan in this session only (``None``: back to the current plan)."""
    if key is None:
        store.plan_view = None
        return None
    plan = plan_store.get_plan(store, key)
    store.plan_view = plan.id
    return plan


def save_template(out: Path) -> Path:
    """The empty plan list (规划清单) the office fills for a new plan."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    return save_file(out, write_template, kind=".xlsx")


def draft_from_text(
    text: Path,
    out: Path,
    *,
    code: str | None = None,
    title: str | None = None,
    doc_no: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
) -> tuple[Path, dict[str, int]]:
    """A plan list drafted from the plan's text: its 章/节/专栏 and key tasks filled in, the
    sentences that may name projects on the sheet 「候选句子」. The office completes it (the
    「规划」 sheet, the indicators, the projects) and imports it."""
    from ..exchange.plan_text import read_plan_text, write_draft

    data = read_plan_text(Path(text), task_prefix=f"{code or 'NEXT'}-RW")
    if not data["sections"]:
        raise UserError(
            f"「{Path(text).name}」中没有找到“一、”“（一）”这样的章节标题，不像规划正文。"
            "请检查文件是否为规划的纯文本。"
        )
    plan = {
        "规划编号": code,
        "规划名称": title,
        "文号": doc_no,
        "起始年份": start_year,
        "终止年份": end_year,
    }
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    path = save_file(out, lambda p: write_draft(data, p, plan), kind=".xlsx")
    counts = {
        "chapters": sum(1 for s in data["sections"] if s["kind"] == "章"),
        "sections": sum(1 for s in data["sections"] if s["kind"] == "节"),
        "boxes": sum(1 for s in data["sections"] if s["kind"] == "专栏"),
        "tasks": len(data["tasks"]),
        "candidates": len(data["candidates"]),
    }
    return path, counts


@dataclass
class ImportResult:
    plan: PlanInfo
    counts: dict[str, int]
    carried_from: PlanInfo | None = None
    carried: dict[str, list[str]] = field(default_factory=dict)
    matched: list[str] = field(default_factory=list)  # codes listed again by the new plan

    def summary(self) -> str:
        c = self.counts
        text = (
            f"已导入《{self.plan.title}》（{self.plan.years}）：章节/专栏 {c['sections']} 个，"
            f"主要指标 {c['indicators']} 项，重大项目 {c['projects']} 个，重点任务 {c['tasks']} 项"
        )
        if self.carried_from is not None:
            text += (
                f"；从《{self.carried_from.title}》结转未完成项目 "
                f"{len(self.carried.get('projects', []))} 个、未完成任务 "
                f"{len(self.carried.get('tasks', []))} 项"
            )
            if self.matched:
                text += f"（其中 {len(self.matched)} 个项目列入新规划的章节）"
        return text + "。已设为当前规划。"


def import_plan(store: Store, path: Path, *, carry: bool = True) -> ImportResult:
    """Open the next plan from a filled plan list. With ``carry``, the current plan must be
    closed and its unfinished projects and tasks are carried into the new one."""
    names: dict[str, str] = {}
    for u in list_units(store):
        if u.short_name:
            names.setdefault(u.short_name, u.name)
    names.update({u.name: u.name for u in list_units(store)})
    data = read_plan(Path(path), names)
    code = data["plan"]["code"]
    if plan_store.plan_code_taken(store, code):
        raise UserError(f"规划编号「{code}」已在数据库中。请在「规划」表中换一个编号。")
    source: PlanInfo | None = None
    if carry:
        current = plan_store.current_plan_id(store)
        source = plan_store.get_plan(store, current) if current is not None else None
        if source is not None and not source.closed:
            raise UserError(
                f"当前规划《{source.title}》尚未关闭。请先关闭它（结转其未完成的项目和任务），"
                "再导入下一规划；或选择不结转，只导入新规划。"
            )
    carrying = plan_store.carried_project_codes(store, source.id) if source else set()
    matched: dict[str, str | None] = {}
    for p in list(data["projects"]):
        owner = project_store.code_owner(store, p["code"])
        if owner is None:
            continue
        if p["code"] in carrying:
            matched[p["code"]] = p.get("section")
            data["projects"].remove(p)
            continue
        raise UserError(
            f"「重大项目」表第{p['_row']}行「项目编码」：「{p['code']}」已被数据库中的其他项目使用"
            "（不是上一规划结转的未完成项目）。请换一个编码。"
        )
    for t in data["tasks"]:
        if task_code_taken(store, t["code"]):
            raise UserError(
                f"「重点任务」表第{t['_row']}行「任务编码」：「{t['code']}」已被数据库中的其他任务使用。"
                "请换一个编码。"
            )
    with store.write() as tx:
        counts = seed.load_dataset(store, data, builtin=False)
        plan_id = counts["plan_id"]
        carried: dict[str, list[str]] = {}
        if source is not None:
            carried = plan_store.carry_over(store, source.id, plan_id)
            keys = {s["key"]: s["id"] for s in plan_store.sections_of(store, plan_id)}
            for code, key in matched.items():
                if key in keys:
                    pid = project_store.code_owner(store, code)
                    old = project_store.move_to_section(store, pid, keys[key])
                    tx.audit("project", pid, "section_id", old, keys[key], project_id=pid)
        plan_store.set_current_plan(store, plan_id)
    store.plan_view = None
    return ImportResult(
        plan=plan_store.get_plan(store, plan_id),
        counts=counts,
        carried_from=source,
        carried=carried,
        matched=sorted(matched),
    )
