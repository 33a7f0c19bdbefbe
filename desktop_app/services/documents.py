"""The office's Word documents from its data: 督办通知 (one per unit, numbered per year and
recorded) and the 月度推进情况通报. The figures are those of the printed sheets: the same rows
(``reports._context`` / ``_rows``) and the same totals (``progress_sheet.sheet_totals``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from ..domain.errors import UserError
from ..domain.fields import STAGES
from ..domain.file_names import safe_file_name
from ..domain.money import format_percent, format_wan_column
from ..domain.reasons import main_kinds
from ..domain.status import GREY, LIGHT_NAMES, LIGHTS, PENDING_NAME, RED, YELLOW
from ..reports.documents import (
    BehindProject,
    Bulletin,
    LightCount,
    NoticeDocument,
    write_bulletin,
    write_notice,
)
from ..reports.progress_sheet import SheetRow, make_groups, sheet_totals
from ..saving import save_file
from ..store import Store
from ..store.projects import list_projects
from ..store.supervision import list_supervisions
from ..store.units import get_unit, list_units
from . import monitoring, task_monitoring
from .progress import Progress, no_progress
from .reports import ReportOptions, _context, _output_folder, _rows, _unit_notice, task_monitor

NOTICE_PREFIX = "成德同城办督"  # 文号 prefix unless the office sets another (notice_prefix)
BEHIND_LIMIT = 10  # projects named in a 通报's section on lagging projects


def _docx(out: Path, write) -> Path:
    return save_file(Path(out), write, kind="Word 文档")


# -- 督办通知 --------------------------------------------------------------------------------


def notice_settings(store: Store) -> dict:
    """文号 prefix, 联系人 and 联系电话 of the notices (settings)."""
    saved = store.get_setting("notice", {}) or {}
    return {
        "prefix": saved.get("prefix") or NOTICE_PREFIX,
        "contact": saved.get("contact") or "",
        "phone": saved.get("phone") or "",
    }


def set_notice_settings(store: Store, **values: str | None) -> dict:
    """Change the notices' prefix / contact / phone (None leaves one as it is)."""
    current = notice_settings(store)
    for key, value in values.items():
        if key not in current:
            raise UserError(f"督办通知没有「{key}」这项设置。")
        if value is not None:
            current[key] = str(value).strip()
    if not current["prefix"]:
        current["prefix"] = NOTICE_PREFIX
    with store.write():
        store.set_setting("notice", current)
    return current


def issued_notices(store: Store, year: int | None = None) -> list[dict]:
    """The notices issued (文号, unit, period, date, projects, 督办 records), oldest first."""
    register = store.get_setting("notice_register", {}) or {}
    years = [str(year)] if year is not None else sorted(register)
    return [entry for y in years for entry in register.get(y, [])]


def _record_notice(store: Store, entry: dict) -> None:
    register = dict(store.get_setting("notice_register", {}) or {})
    year = entry["issued"][:4]
    register[year] = [*register.get(year, []), entry]
    store.set_setting("notice_register", register)


def _next_number(store: Store, year: int) -> int:
    return max((e["number"] for e in issued_notices(store, year)), default=0) + 1


def write_notice_docs(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    unit: str | None = None,
    progress: Progress = no_progress,
) -> list[Path]:
    """督办通知 as Word documents: for ``unit`` into the file ``out``; without a unit (or
    ``all``), one file per unit with lagging projects into the folder ``out``.

    Each notice takes the next 文号 of its year (成德同城办督〔2026〕3号) and is recorded with
    the unit's open 督办 records, all in one transaction once every file is written.
    """
    ctx = _context(store, options, no_progress, "notice")
    settings = notice_settings(store)
    if unit and unit != "all":
        units = [get_unit(store, unit)]
        targets = [Path(out)]
        if targets[0].suffix.lower() != ".docx":
            targets = [targets[0].with_name(targets[0].name + ".docx")]
    else:
        folder = _output_folder(Path(out))
        units = list_units(store, include_inactive=False)
        targets = [
            folder / f"{safe_file_name(u.name)}_督办通知_{ctx.period.key}.docx" for u in units
        ]
    year = ctx.today.year
    number = _next_number(store, year)
    written: list[tuple[Path, dict]] = []
    for i, (u, target) in enumerate(zip(units, targets, strict=True)):
        progress(i, len(units), f"正在起草 {u.name} 的督办通知")
        notice = _unit_notice(store, ctx, u)
        if not notice.items and not notice.tasks:
            if unit and unit != "all":
                raise UserError(
                    f"{u.name} 在 {ctx.period.label} 没有亮红灯或黄灯的项目或重点任务，"
                    "不需要督办通知。"
                )
            continue
        text_number = f"{settings['prefix']}〔{year}〕{number}号"
        doc = NoticeDocument(
            number=text_number,
            unit=u.name,
            org=ctx.options.org,
            period_label=ctx.period.label,
            issued=ctx.today,
            reply_by=ctx.today + timedelta(days=ctx.options.reply_days),
            items=notice.items,
            request=ctx.options.request,
            contact=settings["contact"],
            phone=settings["phone"],
            tasks=notice.tasks,
        )
        path = _docx(target, lambda p, doc=doc: write_notice(doc, p))
        projects = {item.project.id for item in notice.items}
        tasks = {item.code for item in notice.tasks}
        records = [
            r.id
            for r in list_supervisions(store, unit_id=u.id, open_only=True)
            if (r.project_id in projects if r.task_id is None else r.project_code in tasks)
        ]
        written.append(
            (
                path,
                {
                    "number": number,
                    "doc_number": text_number,
                    "unit": u.name,
                    "period": ctx.period.key,
                    "issued": ctx.today.isoformat(),
                    "reply_by": doc.reply_by.isoformat(),
                    "projects": [item.project.code for item in notice.items],
                    "tasks": [item.code for item in notice.tasks],
                    "supervisions": records,
                },
            )
        )
        number += 1
    if written:
        with store.write():
            for _, entry in written:
                _record_notice(store, entry)
        store.log_event(
            "other",
            "督办通知 " + "、".join(f"{e['doc_number']}（{e['unit']}）" for _, e in written),
        )
    progress(len(units), len(units), "完成")
    return [p for p, _ in written]


# -- 月度推进情况通报 ----------------------------------------------------------------------------


def _with_unit(text: str) -> str:
    """A total from ``sheet_totals`` with its unit (亿元 already carries one)."""
    return text if text.endswith("亿元") or text == "—" else f"{text}万元"


def _rate(part: int, whole: int) -> str:
    return format_percent(part / whole * 100) if whole else "—"


def _counts(rows: list[SheetRow]) -> dict[str, int]:
    """Projects by light name, the grey 待填报 apart from 未开工 (as the sheets count them)."""
    found = Counter(r.status.name for r in rows)
    names = [LIGHT_NAMES[k] for k in LIGHTS]
    names.insert(names.index(LIGHT_NAMES[GREY]) + 1, PENDING_NAME)
    return {name: found.get(name, 0) for name in names}


def _light_counts(groups: dict[str, list[SheetRow]]) -> list[LightCount]:
    out = []
    for label, rows in groups.items():
        late = [r for r in rows if r.status.light in (RED, YELLOW)]
        if not late:
            continue
        counts = {k: v for k, v in _counts(rows).items() if k in ("红灯", "黄灯")}
        reasons = main_kinds(reason for r in late for reason in (r.status.reasons or ()))
        out.append(LightCount(label, counts, reasons))
    return out


def bulletin_data(store: Store, options: ReportOptions = ReportOptions()) -> Bulletin:
    """The figures of the 通报 for the options' period, from the overall sheet's rows."""
    ctx = _context(store, options, no_progress, "overall")
    rows = _rows(ctx, list_projects(store))
    totals = sheet_totals(rows)
    as_of = min(ctx.period.last_day, ctx.today)
    projects = [r.project for r in rows]
    due_start = [p for p in projects if p.planned_start and p.planned_start <= as_of]
    started = [p for p in due_start if p.stage in ("在建", "竣工") or p.actual_start]
    due_end = [p for p in projects if p.planned_end and p.planned_end <= as_of]
    on_time = [
        p
        for p in due_end
        if p.stage == "竣工" and p.actual_end is not None and p.actual_end <= p.planned_end
    ]
    rates = {
        "开工率": _rate(len(started), len(due_start)),
        "投资完成率": totals["year_rate"],
        "资金到位率": "暂无填报数据",
        "按期完工率": _rate(len(on_time), len(due_end)),
    }
    notes = {
        "开工率": f"按计划应开工的{len(due_start)}个项目中已开工{len(started)}个",
        "按期完工率": f"按计划应完工的{len(due_end)}个项目中按期竣工{len(on_time)}个",
    }
    by_unit: dict[str, list[SheetRow]] = defaultdict(list)
    for r in rows:
        by_unit[r.project.lead_unit or "未定牵头单位"].append(r)
    order = ctx.unit_order
    by_unit = dict(sorted(by_unit.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    by_column = {g.label: g.rows for g in make_groups(rows, "column", order)}
    statuses = [monitoring.ProjectStatus(r.project, r.status) for r in rows]
    problems = {r.project.id: r.problems for r in rows}
    behind = [
        BehindProject(
            s.project.name,
            s.project.lead_unit or "未定",
            s.status.name,
            s.status.reason,
            (problems.get(s.project.id) or "").strip().rstrip("。；;"),
        )
        for s in monitoring.watch_list(statuses)[:BEHIND_LIMIT]
    ]
    return Bulletin(
        period_label=ctx.period.label,
        org=ctx.options.org,
        issued=ctx.today,
        as_of=as_of,
        total=len(rows),
        by_stage={s: sum(1 for p in projects if p.stage == s) for s in STAGES},
        total_investment=_with_unit(totals["total"]),
        annual_plan=_with_unit(totals["plan"]),
        year_done=_with_unit(totals["year_done"]),
        months=ctx.period.month,
        rates=rates,
        rate_notes=notes,
        lights=_counts(rows),
        by_unit=_light_counts(by_unit),
        by_column=_light_counts(by_column),
        behind=behind,
        reporting=_reporting_text(store, ctx.period.key, ctx.today),
        indicators=_indicators(store, ctx.period.year),
        annex=_annex(rows, order),
        number=f"{ctx.period.year}年第{ctx.period.month}期",
        annual=task_monitoring.bulletin_paragraphs(
            task_monitoring.year_figures(store, ctx.today, monitor=task_monitor(store, ctx))
        ),
    )


def _reporting_text(store: Store, period: str, today: date) -> str:
    units = monitoring.unit_reporting(store, period, today)
    if not units:
        return "本期没有需要报送进度的单位。"
    done = [u for u in units if u.reported]
    pending = [u.unit for u in units if not u.reported]
    due = monitoring.period_due(store, period)
    head = f"应报送单位{len(units)}个，已报送{len(done)}个"
    if not pending:
        return f"{head}，全部按时报送。"
    names = "、".join(pending)
    if today > due:
        return f"{head}。截至{today.year}年{today.month}月{today.day}日，{names}等{len(pending)}个单位未报送（报送截止日期为{due.month}月{due.day}日）。"
    return f"{head}，{names}等{len(pending)}个单位尚未报送（报送截止日期为{due.month}月{due.day}日，尚未到期）。"


def _indicators(store: Store, year: int) -> list[tuple[str, str, str, str]]:
    out = []
    for ind, result in monitoring.indicator_results(store, upto_year=year):
        unit = ind.unit or ""
        target = ind.target_text or f"{ind.operator}{ind.target:g}{unit}"
        if result.actual is None:
            latest = "暂无实际值"
        else:
            latest = f"{result.year}年实际{result.actual:g}{unit}"
        out.append((ind.name, target, latest, result.state))
    return out


def _annex(rows: list[SheetRow], order: dict[str, int]) -> list[list[str]]:
    out = []
    n = 0
    for group in make_groups(rows, "column", order):
        for r in group.rows:
            n += 1
            p = r.project
            out.append(
                [
                    str(n),
                    p.name,
                    p.lead_unit or "待填报",
                    format_wan_column(r.annual_plan, missing="待填报"),
                    format_wan_column(r.year_done, missing="—"),
                    format_percent(r.year_rate, missing="—"),
                    format_percent(p.percent_complete, missing="待填报"),
                    r.status.name,
                ]
            )
    return out


def write_bulletin_doc(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> Path:
    """月度推进情况通报 for the options' period, as a Word document."""
    progress(0, 2, "正在汇总数据")
    data = bulletin_data(store, options)
    progress(1, 2, "正在起草通报")
    out = Path(out)
    if out.suffix.lower() != ".docx":
        out = out.with_name(out.name + ".docx")
    path = _docx(out, lambda p: write_bulletin(data, p))
    progress(2, 2, "完成")
    return path
