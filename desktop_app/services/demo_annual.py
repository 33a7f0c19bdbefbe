"""A demo year's list: about 30 of the plan's tasks and 20 demo projects with units and targets,
and a year of monthly task reports in the units' returns (done on time, done late, 未完成, still
going), so that every page about the list has something real-looking to show."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..domain.period import Period, working_period
from ..domain.task_status import parse_due
from ..store import Store
from ..store import annual as astore
from ..store.units import list_units
from . import annual
from .demo_returns import DemoReturns

_EXPECTED = (
    "出台年度工作方案并组织实施，完成年度目标任务",
    "建立两市协同推进机制并常态化运行",
    "形成阶段性成果，报领导小组审定",
    "完成年度重点事项，取得实质性进展",
    "签订合作协议，落实年度合作事项",
)
# 完成时限 as offices write them (a date in the middle of a month among them).
_DUES = ("3月底前", "6月15日前", "6月底前", "三季度", "9月底前", "年底前", "年底前", "持续推进")
_IMAGES = ("完成主体工程", "完成年度投资计划，主体结构封顶", "建成投用", "开工建设", "完成前期手续")
_PROGRESS = (
    "已召开专题会议研究部署，正在起草工作方案",
    "工作方案已印发，各项工作有序推进",
    "已完成年度任务的六成，正在推进后续工作",
    "主要工作已基本完成，正在总结验收",
)
_PROBLEMS = (None, None, "跨市协调事项较多，进度偏慢", "资金保障不足", "需省级部门支持")


def generate_demo_list(store: Store, today: date, *, seed_value: int = 2026) -> int:
    """Make ``today.year``'s list (its reports come with the units' returns: ``task_reports``);
    nothing when that year has a list already. Returns the number of entries."""
    year = today.year
    if astore.get_list(store, year) is not None:
        return 0
    rng = random.Random(seed_value)
    cands = astore.candidates(store)
    tasks = [c for c in cands if c.kind == "任务"]
    # Projects finished before the year have no target left in it.
    open_ids = astore.unfinished_project_ids(store, year)
    projects = [c for c in cands if c.kind == "项目" and c.id in open_ids]
    demo_projects = [c for c in projects if c.code.startswith("DEMO-")] or projects
    if not tasks and not demo_projects:
        return 0
    units = list_units(store, include_inactive=False)
    leads = [u for u in units if u.kind == "市级部门"] or units
    districts = [u for u in units if u.kind == "区县"] or units
    picked_tasks = sorted(rng.sample(tasks, min(30, len(tasks))), key=tasks.index)
    picked_projects = demo_projects[:20]
    with store.write(source="演示") as tx:
        annual.create_list(store, year)
        links = []
        for t in picked_tasks:
            lead = rng.choice(leads)
            links.append((t.id, lead.id, "牵头"))
            for d in rng.sample(districts, rng.randint(1, 2)):
                links.append((t.id, d.id, "责任"))
        # Some tasks fall to a 功能区 as well (drawn apart, so the rest stays as it was).
        zones = [u for u in units if u.kind == "功能区"]
        random.Random(seed_value + 2).shuffle(zones)
        for k, t in enumerate(picked_tasks[1::3] if zones else ()):
            links.append((t.id, zones[k % len(zones)].id, "责任"))
        astore.add_task_units(store, links)
        ids = annual.add_items(store, year, [("任务", t.id) for t in picked_tasks])
        ids += annual.add_items(store, year, [("项目", p.id) for p in picked_projects])
        items = {i.id: i for i in astore.list_items(store, year)}
        for item_id in ids:
            item = items[item_id]
            if item.kind == "任务":
                due_text = rng.choice(_DUES)
                expected = rng.choice(_EXPECTED)
                stage = None
            else:
                due_text = "年底前"
                expected = rng.choice(_IMAGES)
                stage = "竣工" if expected == "建成投用" else "在建"
            due = parse_due(due_text, year)
            astore.update_item(
                store,
                item_id,
                {
                    "expected": expected,
                    "due_text": due_text,
                    "due_date": due.day.isoformat() if due.day else None,
                    "target_stage": stage,
                },
            )
        astore.update_list(
            store, year, {"doc_no": f"成德同城办〔{year}〕2号", "issued_at": f"{year}-02-20"}
        )
        tx.audit(
            "annual_list",
            year,
            "演示数据",
            None,
            f"{len(picked_tasks)} 项任务、{len(picked_projects)} 个项目",
        )
    return len(ids)


def task_units(store: Store, year: int) -> set[int]:
    """The units that report on the tasks of ``year``'s list (牵头 and 责任)."""
    return {
        uid
        for item in astore.list_items(store, year)
        if item.kind == "任务"
        for uid, _, role in item.units
        if role in ("牵头", "责任")
    }


def task_reports(
    store: Store, today: date, returns: DemoReturns, *, seed_value: int = 2026
) -> tuple[list[tuple], list[tuple]]:
    """The year's monthly task reports, each in its unit's return for the month (none for a
    month the unit sent no return; version 2 when the return was corrected), and the tasks
    found late: ``(task_id, unit_id, month, reason, light)`` for 督办."""
    year = today.year
    rng = random.Random(seed_value + 1)
    items = {i.id: i for i in astore.list_items(store, year)}
    last = working_period(today)
    periods = [Period(year, m) for m in range(1, 13) if Period(year, m).key <= last.key]
    reports, late = [], []
    for n, (_, item) in enumerate(sorted(items.items())):
        if item.kind != "任务" or item.lead is None:
            continue
        due = parse_due(item.due_text or "", year).day if item.due_text else None
        # What happens to the task: done on time, done late, 未完成, still going, never begun.
        fate = ("on_time", "on_time", "late", "open", "failed", "on_time", "open")[n % 7]
        if due is None:
            fate = "open"
        if fate == "on_time" and due is not None:
            done = due - timedelta(days=rng.randint(3, 40))
        elif fate == "late" and due is not None:
            done = due + timedelta(days=rng.randint(10, 50))
        else:
            done = None
        if done is not None and (done > today or done.year != year):
            done, fate = None, "open"
        answering = [(uid, role) for uid, _, role in item.units if role in ("牵头", "责任")]
        for i, period in enumerate(periods):
            if done is not None and period.last_day >= done:
                state, done_date = "已完成", done.isoformat()
            elif fate == "failed" and due is not None and period.last_day > due:
                state, done_date = "未完成", None
            else:
                state, done_date = ("未启动" if i == 0 else "推进中"), None
            text = _PROGRESS[min(i * len(_PROGRESS) // len(periods), len(_PROGRESS) - 1)]
            if state == "已完成":
                text = "已按要求完成，形成工作成果"
            elif state == "未完成":
                text = "未能按期完成，正在加快推进"
            problem = rng.choice(_PROBLEMS) if state != "已完成" else None
            for uid, role in answering:
                batch = returns.final(uid, period.key)
                if batch is None:
                    continue  # the unit sent no return for the month
                version = 2 if returns.corrected(uid, period.key) else 1
                said = text if role == "牵头" else f"配合牵头单位推进：{text}"
                reports.append(
                    (
                        item.task_id,
                        uid,
                        period.key,
                        batch.at,
                        said + ("（更正）" if version == 2 else ""),
                        state,
                        done_date,
                        problem,
                        "演示",
                        batch.id,
                        version,
                    )
                )
        if due is not None and due < today and (done is None or done > due):
            lead_id = next(uid for uid, role in answering if role == "牵头")
            reason = f"完成时限 {due.isoformat()} 已过，尚未完成"
            late.append((item.task_id, lead_id, Period.of(due), reason, "红"))
    return reports, late
