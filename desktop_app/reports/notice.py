"""督办通知单: for one unit, its lagging and overdue projects and the late tasks of the year's list
it answers for — what is late, by how much, what is asked and by when to reply — with the unit's
open 督办 records. One notice per unit, each on new pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from ..domain.model import Project
from ..domain.status import RED, Status
from .page import PageSetup, SheetDocument, new_section
from .table import Column, GridLayout, LightDot, Row
from .text import TextBlock

ITEM_COLUMNS = (
    Column("seq", "序号", 5, "CENTER"),
    Column("code", "项目编码", 15),
    Column("name", "项目名称", 22, wrap=True),
    Column("light", "状态", 8),
    Column("late", "滞后情况", 28, wrap=True),
    Column("days", "逾期\n(天)", 6, "RIGHT"),
    Column("points", "落后序时\n(百分点)", 8, "RIGHT"),
    Column("ask", "督办要求", 23, wrap=True),
)
RECORD_COLUMNS = (
    Column("issued", "督办日期", 12, "CENTER"),
    Column("project", "项目", 26, wrap=True),
    Column("level", "等级", 7, "CENTER"),
    Column("reason", "督办事由", 30, wrap=True),
    Column("reply_by", "反馈期限", 12, "CENTER"),
    Column("state", "状态", 9, "CENTER"),
)
TASK_COLUMNS = (
    Column("seq", "序号", 5, "CENTER"),
    Column("code", "任务编号", 13),
    Column("title", "重点任务", 24, wrap=True),
    Column("due", "完成时限", 11, "CENTER", sample="2026-12-31"),
    Column("light", "状态", 8),
    Column("late", "滞后情况", 28, wrap=True),
    Column("days", "逾期\n(天)", 6, "RIGHT"),
    Column("ask", "督办要求", 22, wrap=True),
)
DEFAULT_TASK_REQUESTS = {
    RED: "查明未按时限完成的原因，明确完成时间和措施，尽快完成并报送完成情况。",
    "": "按时报送任务进展，加快推进，确保在完成时限内完成。",
}
DEFAULT_REQUESTS = {
    RED: "查明原因，制定赶工计划并明确完成时限，每周报送进展直至恢复正常。",
    "": "分析滞后原因，采取措施加快推进，按月报送进展。",
}


@dataclass
class NoticeItem:
    project: Project
    status: Status
    request: str | None = None  # from an open 督办 record, when there is one


@dataclass
class TaskNoticeItem:
    """A task of the year's list a unit answers for, late or unreported."""

    code: str
    title: str
    due: str  # 完成时限 (a date, 持续推进, or as written)
    light: str
    light_name: str
    color: str
    reasons: str
    days_late: int
    request: str | None = None  # from an open 督办 record, when there is one


@dataclass
class NoticeRecord:
    issued: date
    project: str
    level: str
    reason: str
    reply_by: date
    state: str


@dataclass
class UnitNotice:
    unit: str
    items: list[NoticeItem]
    records: list[NoticeRecord] = field(default_factory=list)
    tasks: list[TaskNoticeItem] = field(default_factory=list)


@dataclass
class NoticeSheet:
    setup: PageSetup
    notices: list[UnitNotice]
    issued: date
    reply_by: date
    period_label: str
    request: str | None = None  # the office's own wording for every item
    contact: str = ""  # 联系人：…，联系电话：… (settings), printed when set


def overdue_days(status: Status, project: Project, today: date) -> int:
    """逾期（天）: past the planned end or a milestone (``days_late``), or past the planned start
    while still not started — the figure the reason's words give."""
    if status.days_late:
        return status.days_late
    start = project.planned_start
    if project.stage in ("储备", "前期") and start is not None and today > start:
        return (today - start).days
    return 0


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def task_sentence(tasks: list[TaskNoticeItem]) -> str:
    """「N 项重点任务逾期或未按时报送（红灯 r 项、黄灯 y 项）」 for the notice's first paragraph."""
    reds = sum(1 for t in tasks if t.light == RED)
    return (
        f"年度重点任务清单中 {len(tasks)} 项任务逾期、将到期或未按时报送"
        f"（红灯 {reds} 项、黄灯 {len(tasks) - reds} 项）"
    )


def _notice_story(n: UnitNotice, sheet: NoticeSheet, doc: SheetDocument) -> list:
    f = doc.fonts
    width = doc.frame_width
    size = 9.0 if width < 700 else 10.0
    body = 12.0
    story: list = [TextBlock(f"{n.unit}：", f.fang, body, leading=body * 1.8)]
    reds = sum(1 for i in n.items if i.status.light == RED)
    ask = (
        f"现予督办。请对照所列问题逐项分析原因、落实整改措施，并于 {_cn_date(sheet.reply_by)}"
        f"前将整改情况书面反馈{sheet.setup.org}。"
    )
    if n.items:
        also = f"，{task_sentence(n.tasks)}" if n.tasks else ""
        text = (
            f"根据{sheet.period_label}重大项目推进情况跟踪分析，你单位牵头或负责的以下 "
            f"{len(n.items)} 个项目进度滞后或逾期（红灯 {reds} 个、黄灯 {len(n.items) - reds} 个）"
            f"{also}，{ask}"
        )
    elif n.tasks:
        text = (
            f"根据{sheet.period_label}推进情况跟踪分析，你单位牵头或负责的{task_sentence(n.tasks)}，"
            f"{ask}"
        )
    else:
        text = (
            f"根据{sheet.period_label}重大项目推进情况跟踪分析，你单位目前无滞后或逾期项目，"
            "请继续按计划推进，按时报送进度。"
        )
    story += [
        TextBlock(text, f.fang, body, leading=body * 1.8, indent_first=2 * body, space_after=4 * mm)
    ]
    if n.items and n.tasks:  # two tables: each under its name
        story.append(
            TextBlock("重大项目", f.heading, 11, fake_bold=f.fake_bold, space_after=1.5 * mm)
        )
    if n.items:
        grid = GridLayout.for_document(ITEM_COLUMNS, doc, size)
        rows = []
        for i, item in enumerate(n.items, start=1):
            st = item.status
            ask = (
                item.request
                or sheet.request
                or DEFAULT_REQUESTS.get(st.light, DEFAULT_REQUESTS[""])
            )
            values = [
                str(i),
                item.project.code,
                item.project.name,
                LightDot(st.color, st.name, f.body, size),
                "；".join(st.reasons) if st.reasons else st.reason,
                str(overdue_days(st, item.project, sheet.issued) or ""),
                f"{st.behind_points:.1f}" if st.behind_points > 0 else "",
                ask,
            ]
            rows += [Row(c) for c in grid.data_row(values)]
        story.append(grid.table(rows))
    if n.tasks:
        story += _task_table(n.tasks, sheet, doc, size, heading=bool(n.items))
    if n.records:
        story += [
            Spacer(1, 4 * mm),
            CondPageBreak(25 * mm),
            TextBlock(
                "未办结的督办事项", f.heading, 11, fake_bold=f.fake_bold, space_after=1.5 * mm
            ),
        ]
        grid = GridLayout.for_document(RECORD_COLUMNS, doc, size)
        rows = []
        for r in n.records:
            values = [
                r.issued.isoformat(),
                r.project,
                r.level,
                r.reason,
                r.reply_by.isoformat(),
                r.state,
            ]
            overdue = r.reply_by < sheet.issued
            rows += [
                Row(c, colors={4: "#C00000"} if overdue else {}) for c in grid.data_row(values)
            ]
        story.append(grid.table(rows))
    story.append(Spacer(1, 10 * mm))
    closing: list = []
    if n.items or n.tasks or n.records:
        closing += [
            TextBlock(f"反馈期限：{_cn_date(sheet.reply_by)}", f.fang, body, leading=body * 1.8),
        ]
        if sheet.contact:
            closing.append(TextBlock(sheet.contact, f.fang, body, leading=body * 1.8))
        closing.append(Spacer(1, 14 * mm))  # room for the seal over the 落款
    closing += [
        TextBlock(sheet.setup.org, f.fang, body, leading=body * 1.8, align="right"),
        TextBlock(_cn_date(sheet.issued), f.fang, body, leading=body * 1.8, align="right"),
    ]
    # 反馈期限, 落款 and date go over a page together: never a date alone on the last page.
    story.append(KeepTogether(closing))
    return story


def _task_table(
    tasks: list[TaskNoticeItem], sheet: NoticeSheet, doc: SheetDocument, size: float, *, heading
) -> list:
    f = doc.fonts
    story: list = []
    if heading:  # after the projects' table: say what this one lists
        story += [
            Spacer(1, 4 * mm),
            CondPageBreak(25 * mm),
            TextBlock("年度重点任务", f.heading, 11, fake_bold=f.fake_bold, space_after=1.5 * mm),
        ]
    grid = GridLayout.for_document(TASK_COLUMNS, doc, size)
    rows = []
    for i, t in enumerate(tasks, start=1):
        ask = (
            t.request
            or sheet.request
            or DEFAULT_TASK_REQUESTS.get(t.light, DEFAULT_TASK_REQUESTS[""])
        )
        values = [
            str(i),
            t.code,
            t.title,
            t.due,
            LightDot(t.color, t.light_name, f.body, size),
            t.reasons,
            str(t.days_late or ""),
            ask,
        ]
        rows += [Row(c) for c in grid.data_row(values)]
    story.append(grid.table(rows))
    return story


def render_notices(
    sheet: NoticeSheet, out: Path, *, on_page: Callable[[int], None] | None = None
) -> Path:
    """Write the notices (one per unit, each from a new page) to ``out``."""
    setup = sheet.setup
    if len(sheet.notices) > 1 or (sheet.notices and not setup.subtitle):
        setup = replace(setup, subtitle=sheet.notices[0].unit)
    doc = SheetDocument(out, setup, on_page=on_page)
    story: list = []
    for i, notice in enumerate(sheet.notices):
        if i:  # each unit's notice is a document of its own: title, pages numbered from 1
            story += new_section(doc, notice.unit)
        story += _notice_story(notice, sheet, doc)
    if not story:
        story = [TextBlock("无项目", doc.fonts.heading, 14, fake_bold=doc.fonts.fake_bold)]
    doc.build_story(story)
    return out
