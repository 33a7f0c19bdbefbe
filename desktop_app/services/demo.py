"""Synthetic but plausible demo projects, for trying the application and for benchmarks.

Every demo project is marked ``is_demo`` and coded ``DEMO-00001``…, so it is never taken for real
data. The generator is seeded: the same N gives the same projects.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from ..domain.fields import MILESTONE_NAMES
from ..domain.money import round_wan
from ..domain.period import Period, elapsed_percent, working_period
from ..store import Store, seed
from ..store.monitoring import expected_reporters
from ..store.projects import list_sections
from ..store.units import list_units
from . import demo_annual, demo_returns
from .demo_annual import generate_demo_list
from .setup import builtin_dataset

_PLACES = (
    "城北",
    "城南",
    "高新",
    "临港",
    "凯州",
    "天府旌城",
    "三星堆",
    "龙门山",
    "石亭江",
    "绵远河",
    "旌湖",
    "罗江",
    "白马关",
    "金轮",
    "八角井",
    "汉旺",
    "师古",
    "黄许",
    "孝泉",
    "双东",
)
_THINGS = (
    ("道路", "交通"),
    ("快速通道", "交通"),
    ("互通立交", "交通"),
    ("综合客运枢纽", "交通"),
    ("污水处理厂", "生态环境"),
    ("河道综合治理", "生态环境"),
    ("水库", "水利"),
    ("灌区", "水利"),
    ("产业园", "产业"),
    ("智能制造基地", "产业"),
    ("标准化厂房", "产业"),
    ("物流园", "产业"),
    ("人民医院", "医疗卫生"),
    ("中医医院", "医疗卫生"),
    ("学校", "教育"),
    ("体育中心", "文体"),
    ("数据中心", "数字经济"),
    ("5G基站", "数字经济"),
    ("高标准农田", "农业"),
    ("冷链物流中心", "农业"),
    ("保障性住房", "民生"),
    ("老旧小区改造", "民生"),
    ("变电站", "能源"),
    ("天然气管网", "能源"),
)
_WORKS = ("新建工程", "改扩建工程", "提升工程", "二期工程", "建设项目", "综合整治工程")
# 形象进度 by how far the project is: preparing, building, finishing, done.
_TEXTS = (
    ("正在开展{0}初步设计审查", "{0}用地手续办理中", "完成{0}场地平整"),
    ("{0}土建施工有序推进", "{0}路基工程基本完成", "{0}管网铺设进行中", "完成{0}主体结构施工"),
    ("完成{0}设备采购及安装", "{0}附属工程收尾", "{0}竣工验收准备中"),
    ("{0}已竣工投用", "完成{0}竣工验收"),
)


def _progress_text(rng: random.Random, percent: float, thing: str) -> str:
    phase = 0 if percent < 15 else 1 if percent < 70 else 2 if percent < 100 else 3
    return rng.choice(_TEXTS[phase]).format(thing)


_PROBLEMS = (None, None, None, "用地指标紧张", "资金到位滞后", "征地拆迁进度慢", "设计变更待批复")


def generate_demo(
    store: Store, count: int, *, today: date | None = None, seed_value: int = 20261129
) -> int:
    """Add ``count`` demo projects (with units, milestones and annual targets), the year's list
    (年度清单) when the year has none yet, and a year of the units' returns (``demo_returns``):
    for each of the last 12 months ended, the import batches of every unit that reports, with
    the project and task reports they carried, and the year's 督办 with their replies."""
    if count < 1:
        return 0
    today = today or date.today()
    rng = random.Random(seed_value)
    if not list_units(store):
        seed.load_dataset(store, builtin_dataset(), with_projects=False)
    units = list_units(store, include_inactive=False)
    districts = [u for u in units if u.kind == "区县"] or units
    leads = [u for u in units if u.kind in ("市级部门", "功能区")] or units
    columns = [s.id for s in list_sections(store, "专栏")] or [None]
    start_no = seed.demo_count(store) + 1
    current = working_period(today)  # the last month that has ended: reported by now
    periods = [current.shift(-i) for i in range(11, -1, -1)]

    projects, links, milestones, reports, targets, late = [], [], [], [], [], []
    for n in range(start_no, start_no + count):
        pid = str(uuid.uuid4())
        district = rng.choice(districts)
        thing, category = rng.choice(_THINGS)
        place = rng.choice(_PLACES)
        name = f"{district.short_name or district.name}{place}{thing}{rng.choice(_WORKS)}"
        start = date(rng.randint(2021, 2026), rng.randint(1, 12), 1)
        end = start + timedelta(days=rng.randint(12, 60) * 30)
        total = round_wan(
            rng.choice((500, 1200, 3000, 8000, 20000, 50000, 150000)) * rng.uniform(0.5, 2)
        )
        expected = elapsed_percent(start, end, today)
        lag = rng.choice((0, 0, 0, 5, 12, 25, 40))
        percent = round(max(0.0, min(100.0, expected - lag)), 1)
        if today > end and rng.random() < 0.96:
            percent = 100.0  # most projects past their planned end are finished
        if today < start:
            stage = rng.choice(("储备", "前期"))
            percent = 0.0
        elif percent >= 100:
            stage = "竣工"
        else:
            stage = "在建"
        actual_start = (
            start + timedelta(days=rng.randint(0, 60)) if stage in ("在建", "竣工") else None
        )
        if actual_start and actual_start > today:
            actual_start = today
        actual_end = (
            min(end + timedelta(days=rng.randint(-30, 90)), today) if stage == "竣工" else None
        )
        if actual_end and actual_start and actual_end < actual_start:
            actual_end = actual_start
        done = round_wan(total * percent / 100)
        projects.append(
            (
                pid,
                f"DEMO-{n:05d}",
                name,
                rng.choice(columns),
                category,
                stage,
                district.id,
                f"{name}，主要建设{thing}及配套设施。",
                total,
                start.isoformat(),
                end.isoformat(),
                actual_start.isoformat() if actual_start else None,
                actual_end.isoformat() if actual_end else None,
                percent,
                done,
                1,
            )
        )
        lead = rng.choice(leads)
        links.append((pid, lead.id, "牵头"))
        if district.id != lead.id:
            links.append((pid, district.id, "责任"))
        helper = rng.choice(units)
        if helper.id not in (lead.id, district.id):
            links.append((pid, helper.id, "配合"))
        span = (end - start).days
        # Milestones in their natural order (立项 before 开工 before 竣工验收); a completed
        # project has reached every one of them by its completion.
        chosen = sorted(rng.sample(range(len(MILESTONE_NAMES)), rng.randint(3, 6)))
        for sort, ms_name in enumerate(MILESTONE_NAMES[i] for i in chosen):
            planned = start + timedelta(days=int(span * (sort + 1) / 7))
            actual = (
                planned + timedelta(days=rng.randint(-10, 40))
                if stage == "竣工" or (planned + timedelta(days=40) < today and rng.random() < 0.96)
                else None
            )
            if actual is not None and stage == "竣工":
                actual = min(actual, actual_end or today)
            milestones.append(
                (pid, ms_name, planned.isoformat(), actual.isoformat() if actual else None, sort)
            )
        targets.append(
            (pid, today.year, round_wan(total * rng.uniform(0.1, 0.4)), "完成年度投资计划")
        )
        if stage == "在建" and lag >= 12:
            late.append((pid, lead.id, district.id, lag))
        if stage in ("在建", "竣工"):
            # 本年完成投资 is what 累计完成投资 grew by since the end of last year: never more.
            year_base = round_wan(total * max(0.0, percent - min(percent, 20)) / 100)
            to_date = year_base
            for i, period in enumerate(periods):
                share = (i + 1) / len(periods)
                p_pct = round(max(0.0, percent - (1 - share) * min(percent, 20)), 1)
                if period.month == 1:
                    year_base = to_date  # December's 累计完成投资
                to_date = round_wan(total * p_pct / 100)
                reports.append(
                    (
                        pid,
                        period.key,
                        None,  # when its return came in (demo_returns)
                        p_pct,
                        to_date,
                        round_wan(max(0.0, to_date - year_base)),
                        _progress_text(rng, p_pct, thing),
                        rng.choice(_PROBLEMS) if p_pct < 100 else None,
                        "按计划推进后续施工" if p_pct < 100 else "做好运营管理",
                        "演示",
                    )
                )
    with store.write(source="演示") as tx:
        seed.bulk_insert(
            store,
            "project",
            (
                "id",
                "code",
                "name",
                "section_id",
                "category",
                "stage",
                "district_id",
                "scope",
                "total_investment",
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
                "percent_complete",
                "investment_to_date",
                "is_demo",
            ),
            projects,
        )
        seed.assign_plan(store, [p[0] for p in projects])
        seed.bulk_insert(store, "project_unit", ("project_id", "unit_id", "role"), links)
        seed.bulk_insert(
            store,
            "milestone",
            ("project_id", "name", "planned_date", "actual_date", "sort"),
            milestones,
        )
        seed.bulk_insert(
            store,
            "project_annual_target",
            ("project_id", "year", "planned_investment", "goal"),
            targets,
        )
        listed = generate_demo_list(store, today)
        filed = _file_returns(store, periods, today, reports, late, listed, seed_value)
        tx.audit(
            "database",
            store.path.name,
            "演示数据",
            None,
            f"新增 {count} 个演示项目，填报表 {filed[0]} 份，督办 {filed[1]} 件",
        )
    listed_text = f"，{today.year} 年年度清单 {listed} 项" if listed else ""
    store.log_event(
        "demo", f"生成演示数据 {count} 个项目（编码 DEMO-{start_no:05d} 起）{listed_text}"
    )
    return count


def _file_returns(
    store: Store,
    periods: list[Period],
    today: date,
    reports: list[tuple],
    late: list[tuple],
    listed: int,
    seed_value: int,
) -> tuple[int, int]:
    """The year of returns (demo_returns) with the project and task reports they carried and the
    year's 督办; inside the caller's write. Returns the batches and 督办 added."""
    units = {u.id: u.name for u in list_units(store)}
    filling: dict[int, set[str]] = {}
    for unit_id, pids in expected_reporters(store).items():
        filling[unit_id] = pids
    with_reports = {r[0] for r in reports}
    reported = {u: len(pids & with_reports) for u, pids in filling.items()}
    task_units = {today.year: demo_annual.task_units(store, today.year)} if listed else {}
    returns = demo_returns.make_returns(
        store, periods, today, task_units=task_units, reported=reported, seed_value=seed_value
    )
    rows = demo_returns.attach_project_reports(store, reports, returns)
    # Reports are filed month by month (one period's returns after another), so a period's rows
    # lie together in the table as they do in an office's own database.
    rows.sort(key=lambda r: r[1])
    seed.bulk_insert(
        store,
        "progress_report",
        (
            "project_id",
            "period",
            "reported_at",
            "percent_complete",
            "investment_to_date",
            "investment_this_year",
            "progress_text",
            "problems",
            "next_steps",
            "source",
            "batch_id",
        ),
        rows,
    )
    candidates = []
    if listed:
        task_rows, late_tasks = demo_annual.task_reports(store, today, returns)
        seed.bulk_insert(
            store,
            "task_report",
            (
                "task_id",
                "unit_id",
                "period",
                "reported_at",
                "progress_text",
                "state",
                "done_date",
                "problems",
                "source",
                "batch_id",
                "version",
            ),
            task_rows,
        )
        candidates += [(None, *t) for t in late_tasks]
    # A few of each unit's lagging projects got a 督办 in some month of the year: to the lead
    # unit mostly, to the district where the trouble is local.
    rng = random.Random(seed_value + 7)
    by_unit: dict[int, list[tuple]] = {}
    for pid, lead_id, district_id, lag in late:
        unit_id = district_id if rng.random() < 0.35 else lead_id
        by_unit.setdefault(unit_id, []).append((pid, lag))
    for unit_id, items in by_unit.items():
        for pid, lag in rng.sample(items, min(len(items), rng.randint(2, 5))):
            month = rng.choice(periods[:-1] or periods)
            reason = f"形象进度落后序时进度约 {lag} 个百分点"
            candidates.append((pid, None, unit_id, month, reason, "红" if lag > 30 else "黄"))
    notices = demo_returns.supervisions(candidates, today, seed_value=seed_value, unit_names=units)
    seed.bulk_insert(
        store,
        "supervision",
        (
            "project_id",
            "task_id",
            "unit_id",
            "issued_date",
            "reply_by",
            "level",
            "status",
            "reason",
            "request",
            "reply_text",
            "replied_date",
            "closed_date",
        ),
        notices,
    )
    return len(returns.batches), len(notices)
