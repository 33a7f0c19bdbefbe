"""Rendering the printed sheets (进度表): gather projects, lights and reports, write the PDF.

One function per sheet; the CLI and the print dialog's worker call the same functions. Each
writes to a temporary file beside the target and moves it into place at the end, so a cancelled
or failed render never leaves half a PDF (nor overwrites a good one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from ..collector import gc_paused
from ..domain.errors import UserError
from ..domain.file_names import safe_file_name
from ..domain.model import Project, Unit
from ..domain.period import Period
from ..domain.status import LIGHT_COLORS, LIGHT_RANK, RED, YELLOW, StatusRules, evaluate
from ..domain.task_status import TASK_LIGHT_NAMES
from ..reports.indicators_sheet import IndicatorSheet, render_indicators
from ..reports.notice import (
    NoticeItem,
    NoticeRecord,
    NoticeSheet,
    TaskNoticeItem,
    UnitNotice,
    render_notices,
)
from ..reports.page import DEFAULT_ORG, PageSetup
from ..reports.progress_sheet import (
    GROUPINGS,
    ProgressSheet,
    SheetRow,
    make_groups,
    parse_columns,
    render_progress_sheet,
)
from ..reports.project_card import CardSheet, ProjectCard
from ..saving import save_file
from ..store import Store
from ..store.progress import (
    latest_reports_upto,
    list_reports,
    projects_with_reports,
    sheet_figures,
)
from ..store.projects import get_project, list_projects, sheet_projects
from ..store.supervision import list_supervisions
from ..store.units import get_unit, list_units
from . import monitoring, task_monitoring
from .progress import Progress, no_progress

SHEETS: dict[str, str] = {
    "overall": "总体进度表",
    "unit": "分单位进度表",
    "project": "项目进度卡",
    "notice": "督办通知单",
    "indicators": "主要指标完成情况表",
    "tasks": "重点任务清单",
}
HISTORY_PERIODS = 6
SUBJECT = "成德同城化重大项目"
# The printed titles (the names above are those of the menu and the file names).
TITLES: dict[str, str] = {
    "overall": f"{SUBJECT}推进情况表",
    "unit": f"{SUBJECT}推进情况表",
    "project": f"{SUBJECT}进度卡",
    "notice": "督办通知单",
    "indicators": "成德同城化主要指标完成情况表",
    "tasks": "成德同城化发展规划重点任务清单",
}
# Paper and orientation of each sheet when the user has not chosen (a meeting's overall sheet is
# printed large).
DEFAULT_PAPER: dict[str, tuple[str, bool]] = {
    "overall": ("A3", True),
    "unit": ("A4", True),
    "project": ("A4", False),
    "notice": ("A4", False),
    "indicators": ("A4", False),
    "tasks": ("A4", True),
}
COLUMN_SHEETS = ("overall", "unit")  # the sheets whose columns the user chooses


@dataclass
class ReportOptions:
    """What the user chose in the print dialog or on the command line."""

    paper: str | None = None  # A4 / A3; None: the sheet's default (DEFAULT_PAPER)
    landscape: bool | None = None
    org: str = DEFAULT_ORG
    internal: bool = False
    grouping: str = "column"  # column / district / lead
    period: str | None = None  # YYYY-MM; default: the current reporting period
    today: date | None = None
    reply_days: int = 10  # 督办通知单: reply within this many days of the issue date
    request: str | None = None  # 督办通知单: the office's request for every item
    # 进度表 columns in order; None: those saved for the sheet (else by paper); (): by paper.
    columns: tuple[str, ...] | None = None

    def for_sheet(self, sheet: str) -> ReportOptions:
        """These options with the sheet's default paper and orientation where none was chosen."""
        paper, landscape = DEFAULT_PAPER.get(sheet, ("A4", True))
        return replace(
            self,
            paper=self.paper or paper,
            landscape=landscape if self.landscape is None else self.landscape,
        )

    def checked(self) -> ReportOptions:
        if self.paper is None or self.landscape is None:
            raise ValueError("paper and orientation are chosen by for_sheet() first")
        if self.paper.upper() not in ("A4", "A3"):
            raise UserError(f"纸张「{self.paper}」不支持，请选择 A4 或 A3。")
        if self.grouping not in GROUPINGS:
            raise UserError(
                f"分组方式「{self.grouping}」不支持，请选择 column（专栏）、district（区县）或 lead（牵头单位）。"
            )
        if not 0 <= self.reply_days <= 365:
            raise UserError(f"反馈期限 {self.reply_days} 天不合理，请填写 0–365 天。")
        return replace(self, paper=self.paper.upper(), org=self.org.strip() or DEFAULT_ORG)


@dataclass
class _Context:
    options: ReportOptions
    today: date
    period: Period
    rules: StatusRules
    progress: Progress
    pages_expected: int = 1
    done: list[Path] = field(default_factory=list)
    # For a period before the current one: each project's latest report up to it
    # (project id -> (period, percent, 累计完成投资, 形象进度)), and who has reports at all.
    as_of: dict[str, tuple] | None = None
    reported: frozenset[str] = frozenset()
    unit_order: dict[str, int] = field(default_factory=dict)  # the office's order of units
    status_key: str = ""  # the period whose missing report turns a light yellow
    # Per project up to the period: 本年完成投资 and 存在问题 of its latest report.
    figures: dict[str, tuple] = field(default_factory=dict)
    # The tasks of the period's year's list with their lights (read once, when first asked).
    tasks: task_monitoring.TaskMonitor | None = None

    def setup(self, sheet: str, subtitle: str = "") -> PageSetup:
        o = self.options
        title = TITLES[sheet]
        if sheet != "notice":
            title += f"（截至{self.period.year}年{self.period.month}月底）"
        return PageSetup(
            title=title,
            period_label=self.period.label,
            as_of=min(self.period.last_day, self.today),
            org=o.org,
            printed=self.today,
            paper=o.paper,
            landscape=o.landscape,
            internal=o.internal,
            subtitle=subtitle,
        )

    def on_page(self, text: str) -> Callable[[int], None]:
        def report(page: int) -> None:
            total = max(self.pages_expected, page + 1)
            self.progress(page, total, f"{text}：第 {page} 页")

        return report


def _context(
    store: Store, options: ReportOptions, progress: Progress, sheet: str = "overall"
) -> _Context:
    options = options.for_sheet(sheet).checked()
    today = options.today or date.today()
    try:
        period = Period.parse(options.period) if options.period else None
    except ValueError as exc:
        raise UserError(str(exc), field="period") from exc
    current = monitoring.current_period(store, today)
    if period is not None and period > Period.of(today):
        raise UserError(
            f"填报周期 {period.key} 还没有开始（今天是 {today.isoformat()}），没有它的数据；"
            f"请选择 {current.key} 或更早的周期。",
            field="period",
        )
    ctx = _Context(options, today, period or current, monitoring.status_rules(store), progress)
    # A report counts as missing (「未报送」) only once the sheet's period is due.
    ctx.status_key = monitoring.status_period(store, today, ctx.period).key
    ctx.unit_order = {u.name: i for i, u in enumerate(list_units(store))}
    if period is not None and period.key < current.key:
        # A sheet for a past month shows that month's figures, not today's.
        ctx.as_of = latest_reports_upto(store, period.key)
        ctx.reported = projects_with_reports(store)
    ctx.figures = sheet_figures(store, ctx.period.key)
    return ctx


def _rows(ctx: _Context, projects: list[Project]) -> list[SheetRow]:
    key, year = ctx.status_key, ctx.period.year
    today = ctx.today
    if ctx.as_of is not None:
        projects = [_as_of(p, ctx) for p in projects]
        today = min(today, ctx.period.last_day)
    none = (None, None)
    return [
        SheetRow(
            p,
            evaluate(p, today, ctx.rules, current_period=key),
            p.annual_plan(year),
            *ctx.figures.get(p.id, none),
        )
        for p in projects
    ]


@gc_paused()
def _sheet_rows(store: Store, ctx: _Context, unit_id: int | None = None) -> list[SheetRow]:
    """The rows of a 进度表 (all projects, or a unit's), read as the sheet needs them."""
    return _rows(ctx, sheet_projects(store, ctx.period.year, unit_id=unit_id))


def _as_of(p: Project, ctx: _Context) -> Project:
    """``p`` with the figures of its latest report up to the sheet's (past) period; a project
    never reported keeps what was entered for it."""
    if p.id not in ctx.reported:
        return p
    period, percent, to_date, text = ctx.as_of.get(p.id, (None, None, None, None))
    return replace(
        p,
        percent_complete=percent,
        investment_to_date=to_date,
        last_period=period,
        last_progress_text=text,
        last_reported_at=None,
    )


def _write(out: Path, render: Callable[[Path], object]) -> Path:
    """Render into a temporary file beside ``out``, then move it into place."""
    return save_file(out, render, kind="PDF")


# -- sheets --------------------------------------------------------------------------------------


@gc_paused()
def render_overall(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> Path:
    """总体进度表: every project, grouped by 专栏 (or 区县 / 牵头单位)."""
    ctx = _context(store, options, progress, "overall")
    progress(0, 1, "正在读取项目")
    rows = _sheet_rows(store, ctx)
    figures = task_monitoring.year_figures(store, ctx.today, monitor=task_monitor(store, ctx))
    summary = task_monitoring.summary_line(figures)
    return _render_progress(store, ctx, "overall", rows, out, summary=summary)


def saved_columns(store: Store, sheet: str) -> tuple[str, ...] | None:
    """The columns last chosen for ``sheet`` (print dialog or ``--columns``), if any."""
    saved = (store.get_setting("sheet_columns", {}) or {}).get(sheet)
    if not saved:
        return None
    try:
        return parse_columns(saved)
    except UserError:  # a column of an older version: fall back to the paper's choice
        return None


def save_columns(store: Store, sheet: str, columns: Sequence[str] | None) -> tuple[str, ...] | None:
    """Keep ``columns`` (keys or names; None: the paper's default) as ``sheet``'s choice."""
    if sheet not in COLUMN_SHEETS:
        raise UserError(f"只有{'、'.join(SHEETS[k] for k in COLUMN_SHEETS)}可以选择列。")
    keys = parse_columns(columns) if columns else None
    with store.write():
        saved = dict(store.get_setting("sheet_columns", {}) or {})
        if keys:
            saved[sheet] = list(keys)
        else:
            saved.pop(sheet, None)
        store.set_setting("sheet_columns", saved)
    return keys


def _render_progress(
    store: Store,
    ctx: _Context,
    sheet: str,
    rows: list[SheetRow],
    out: Path,
    subtitle: str = "",
    *,
    summary: str = "",
) -> Path:
    ctx.pages_expected = max(1, len(rows) // 22 + 1)
    columns = ctx.options.columns
    if columns is None:
        columns = saved_columns(store, sheet)
    else:  # () asks for the paper's default
        columns = parse_columns(columns) if columns else None
    data = ProgressSheet(
        ctx.setup(sheet, subtitle),
        make_groups(rows, ctx.options.grouping, ctx.unit_order),
        ctx.today,
        ctx.period.year,
        columns=columns,
        months=ctx.period.month,
        summary=summary,
    )
    return _write(
        out,
        lambda p: render_progress_sheet(data, p, on_page=ctx.on_page(f"正在排版{SHEETS[sheet]}")),
    )


def render_unit(
    store: Store,
    unit: str,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> Path:
    """分单位进度表 of one unit (its projects in any role, or located in it for a district)."""
    ctx = _context(store, options, progress, "unit")
    u = get_unit(store, unit)
    return _unit_sheet(store, ctx, u, out)


def _unit_sheet(store: Store, ctx: _Context, u: Unit, out: Path) -> Path:
    rows = _sheet_rows(store, ctx, u.id)
    return _render_progress(store, ctx, "unit", rows, out, subtitle=u.name)


def _output_folder(folder: Path) -> Path:
    """The folder ``--unit all`` writes one PDF per unit into (a file there is refused)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"「{folder}」是一个文件；「--unit all」需要一个文件夹，每个单位一个 PDF。")
    return folder


def render_unit_all(
    store: Store,
    folder: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> list[Path]:
    """One 分单位进度表 per active unit with projects, written into ``folder`` (a unit with none
    would get a blank sheet)."""
    ctx = _context(store, options, no_progress, "unit")
    folder = _output_folder(folder)
    units = list_units(store, include_inactive=False)
    paths = []
    for i, u in enumerate(units):
        progress(i, len(units), f"正在生成 {u.name} 的分单位进度表")
        rows = _sheet_rows(store, ctx, u.id)
        if not rows:
            continue
        name = f"{safe_file_name(u.name)}_分单位进度表_{ctx.period.key}.pdf"
        paths.append(_render_progress(store, ctx, "unit", rows, folder / name, subtitle=u.name))
    progress(len(units), len(units), "完成")
    return paths


def render_project_cards(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    projects: list[str] | None = None,
    unit: str | None = None,
    progress: Progress = no_progress,
) -> Path:
    """项目进度卡: the given projects (codes or ids), a unit's projects, or all of them."""
    from ..reports import project_card

    ctx = _context(store, options, progress, "project")
    if projects:
        chosen = [get_project(store, key) for key in projects]
    elif unit:
        chosen = list_projects(store, unit_id=get_unit(store, unit).id)
    else:
        chosen = list_projects(store)
    rows = _rows(ctx, chosen)
    cards = []
    for i, r in enumerate(rows):
        if i % 50 == 0:
            progress(i, len(rows) * 2, "正在读取进度填报")
        reports = list_reports(store, r.project.id, limit=HISTORY_PERIODS, upto=ctx.period.key)
        cards.append(ProjectCard(r.project, r.status, r.annual_plan, reports))
    ctx.pages_expected = max(1, len(cards))
    data = CardSheet(ctx.setup("project", unit or ""), cards, ctx.today, ctx.period.year)
    return _write(
        out,
        lambda p: project_card.render_project_cards(
            data, p, on_page=ctx.on_page("正在排版项目进度卡")
        ),
    )


def _answerable(p: Project, unit_id: int) -> bool:
    """Whether a unit answers for ``p`` in a 督办通知单 (it leads it or is responsible for it;
    a district also for a project in it that has no lead unit), not merely cooperating."""
    roles = {link.role for link in p.units if link.unit_id == unit_id}
    if roles & {"牵头", "责任"}:
        return True
    return p.district_id == unit_id and not any(link.role == "牵头" for link in p.units)


def task_monitor(store: Store, ctx: _Context) -> task_monitoring.TaskMonitor:
    """The tasks of the sheet's year with their lights, as of the sheet's period."""
    if ctx.tasks is None:
        ctx.tasks = task_monitoring.task_statuses(store, ctx.today, period=ctx.period)
    return ctx.tasks


def _unit_tasks(store: Store, ctx: _Context, u: Unit, asked: dict) -> list[TaskNoticeItem]:
    """The late (red, yellow) tasks ``u`` answers for, most urgent first."""
    late = [
        (row, view)
        for row, view in task_monitoring.unit_tasks(task_monitor(store, ctx), u.id)
        if view.light in (RED, YELLOW)
    ]
    late.sort(key=lambda rv: (LIGHT_RANK[rv[1].light], -rv[1].days_late, rv[0].task.seq))
    return [
        TaskNoticeItem(
            row.task.code,
            row.task.title,
            row.due_label,
            view.light,
            TASK_LIGHT_NAMES[view.light],
            LIGHT_COLORS[view.light],
            "；".join(view.reasons) or view.reason,
            view.days_late,
            asked.get(("任务", row.task.task_id)),
        )
        for row, view in late
    ]


def _unit_notice(store: Store, ctx: _Context, u: Unit) -> UnitNotice:
    rows = _rows(ctx, [p for p in list_projects(store, unit_id=u.id) if _answerable(p, u.id)])
    late = monitoring.watch_list([monitoring.ProjectStatus(r.project, r.status) for r in rows])
    records = list_supervisions(store, unit_id=u.id, open_only=True)
    asked = {}
    for rec in records:
        asked.setdefault((rec.kind, rec.task_id or rec.project_id), rec.request)
    items = [
        NoticeItem(s.project, s.status, asked.get(("项目", s.project.id)))
        for s in late
        if s.status.light in (RED, YELLOW)
    ]
    notice_records = [
        NoticeRecord(
            r.issued_date,
            f"{r.project_code} {r.project_name}",
            r.level,
            r.reason,
            r.reply_by,
            r.status,
        )
        for r in records
    ]
    return UnitNotice(u.name, items, notice_records, _unit_tasks(store, ctx, u, asked))


def render_notice(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    unit: str | None = None,
    progress: Progress = no_progress,
) -> Path:
    """督办通知单 for ``unit``; without a unit, one notice for every unit with late projects."""
    ctx = _context(store, options, progress, "notice")
    if unit:
        notices = [_unit_notice(store, ctx, get_unit(store, unit))]
    else:
        units = list_units(store, include_inactive=False)
        notices = []
        for i, u in enumerate(units):
            progress(i, len(units) * 2, f"正在检查 {u.name}")
            n = _unit_notice(store, ctx, u)
            if n.items or n.tasks or n.records:
                notices.append(n)
    ctx.pages_expected = max(1, len(notices))
    o = ctx.options
    data = NoticeSheet(
        ctx.setup("notice", unit or ""),
        notices,
        ctx.today,
        ctx.today + timedelta(days=o.reply_days),
        ctx.period.label,
        o.request,
        _contact_line(store),
    )
    return _write(out, lambda p: render_notices(data, p, on_page=ctx.on_page("正在排版督办通知单")))


def _contact_line(store: Store) -> str:
    saved = store.get_setting("notice", {}) or {}
    parts = [
        f"联系人：{saved['contact']}" if saved.get("contact") else "",
        f"联系电话：{saved['phone']}" if saved.get("phone") else "",
    ]
    return "，".join(p for p in parts if p)


def render_notice_all(
    store: Store,
    folder: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> list[Path]:
    """One 督办通知单 per unit with late projects or open 督办, written into ``folder``."""
    ctx = _context(store, options, no_progress, "notice")
    folder = _output_folder(folder)
    units = list_units(store, include_inactive=False)
    paths = []
    for i, u in enumerate(units):
        progress(i, len(units), f"正在生成 {u.name} 的督办通知单")
        n = _unit_notice(store, ctx, u)
        if n.items or n.tasks or list_supervisions(store, unit_id=u.id, open_only=True):
            name = f"{safe_file_name(u.name)}_督办通知单_{ctx.period.key}.pdf"
            paths.append(render_notice(store, folder / name, options, unit=u.name))
    progress(len(units), len(units), "完成")
    return paths


def render_indicator_sheet(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    progress: Progress = no_progress,
) -> Path:
    """主要指标完成情况表."""
    ctx = _context(store, options, progress, "indicators")
    upto = ctx.period.year if ctx.as_of is not None else None  # a past period: its years
    data = IndicatorSheet(
        ctx.setup("indicators"), monitoring.indicator_results(store, upto_year=upto)
    )
    return _write(
        out, lambda p: render_indicators(data, p, on_page=ctx.on_page("正在排版主要指标完成情况表"))
    )


def render_task_sheet(
    store: Store,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    unit: str | None = None,
    progress: Progress = no_progress,
) -> Path:
    """重点任务清单: every task of the plan by chapter, or those of ``unit`` (any role, or named
    by the plan's text)."""
    from ..reports.task_list import TaskSheet, render_task_list
    from ..store.tasks import list_tasks

    ctx = _context(store, options, progress, "tasks")
    names: tuple[str, ...] = ()
    scope = ""
    if unit:
        u = get_unit(store, unit)
        names, scope = tuple(n for n in (u.name, u.short_name) if n), u.name
    tasks = list_tasks(store, unit=names)
    setup = ctx.setup("tasks", subtitle=scope)
    data = TaskSheet(setup, tasks, scope)
    return _write(
        out, lambda p: render_task_list(data, p, on_page=ctx.on_page("正在排版重点任务清单"))
    )


def render_sheet(
    store: Store,
    sheet: str,
    out: Path,
    options: ReportOptions = ReportOptions(),
    *,
    unit: str | None = None,
    project: str | None = None,
    progress: Progress = no_progress,
) -> list[Path]:
    """Any sheet by its key (``overall``, ``unit``, ``project``, ``notice``, ``indicators``,
    ``tasks``).

    ``unit="all"`` with ``unit`` or ``notice`` writes one file per unit into the folder ``out``.
    """
    if sheet not in SHEETS:
        raise UserError(
            f"没有「{sheet}」这种报表，可选：{'、'.join(f'{k}（{v}）' for k, v in SHEETS.items())}。"
        )
    out = Path(out)
    if sheet == "overall":
        return [render_overall(store, out, options, progress=progress)]
    if sheet == "unit":
        if not unit:
            raise UserError(
                "分单位进度表需要指定单位（--unit 单位名称，或 --unit all 每个单位一个文件）。"
            )
        if unit == "all":
            return render_unit_all(store, out, options, progress=progress)
        return [render_unit(store, unit, out, options, progress=progress)]
    if sheet == "project":
        if unit == "all":
            raise UserError(
                "项目进度卡不支持「--unit all」，请指定一个单位或用 --project 指定项目。"
            )
        codes = [project] if project else None
        return [
            render_project_cards(store, out, options, projects=codes, unit=unit, progress=progress)
        ]
    if sheet == "notice":
        if unit == "all":
            return render_notice_all(store, out, options, progress=progress)
        return [render_notice(store, out, options, unit=unit, progress=progress)]
    if sheet == "tasks":
        if unit == "all":
            raise UserError("重点任务清单不支持「--unit all」：不指定单位即为全部任务。")
        return [render_task_sheet(store, out, options, unit=unit, progress=progress)]
    return [render_indicator_sheet(store, out, options, progress=progress)]
