"""The office's Word documents: the 督办通知 to one unit and the 月度推进情况通报.

Pure composition: the services gather the figures (the same as the printed sheets') and hand
them here as plain data; the text is drafted in the usual wording of such documents for the
office to edit before it issues them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.status import RED
from . import word
from .notice import (
    DEFAULT_REQUESTS,
    DEFAULT_TASK_REQUESTS,
    NoticeItem,
    TaskNoticeItem,
    overdue_days,
    task_sentence,
)


@dataclass
class NoticeDocument:
    """One 督办通知 to one unit."""

    number: str  # 文号, e.g. 成德同城办督〔2026〕3号
    unit: str  # 主送
    org: str  # 发文机关 (落款)
    period_label: str  # 2026年11月
    issued: date  # 成文日期
    reply_by: date
    items: list[NoticeItem]
    request: str | None = None
    contact: str = ""  # 联系人
    phone: str = ""  # 联系电话
    tasks: list[TaskNoticeItem] = field(default_factory=list)  # late tasks of the year's list


def _notice_subject(n: NoticeDocument) -> str:
    if n.items and n.tasks:
        return "重大项目和重点任务"
    return "重点任务" if n.tasks else "重大项目"


def write_notice(n: NoticeDocument, out: Path) -> Path:
    doc = word.new_document()
    word.paragraph(doc, n.number, align="center", indent=False)
    word.paragraph(doc, "", indent=False)
    word.title(doc, f"关于加快推进滞后{_notice_subject(n)}的督办通知")
    word.paragraph(doc, f"{n.unit}：", indent=False, align="left")
    reds = sum(1 for i in n.items if i.status.light == RED)
    late = []
    if n.items:
        late.append(
            f"{len(n.items)}个项目进度滞后或逾期（红灯{reds}个、黄灯{len(n.items) - reds}个）"
        )
    if n.tasks:
        late.append(task_sentence(n.tasks).replace(" ", ""))
    word.paragraph(
        doc,
        f"根据{n.period_label}成德同城化{'重大项目' if n.items else '年度重点任务'}推进情况"
        f"跟踪分析，你单位牵头或负责的{'，'.join(late)}。按照督办工作要求，现予督办。",
    )
    word.heading(doc, "一、督办事项")
    for i, item in enumerate(n.items, start=1):
        p, st = item.project, item.status
        days = overdue_days(st, p, n.issued)
        reasons = "；".join(st.reasons) if st.reasons else st.reason
        # The days overdue, unless the reason already gives them (「已逾期 159 天」).
        late = (
            f"已逾期{days}天。" if days and f"逾期{days}天" not in "".join(reasons.split()) else ""
        )
        ask = item.request or n.request or DEFAULT_REQUESTS.get(st.light, DEFAULT_REQUESTS[""])
        word.paragraph(
            doc, f"{_cn_number(i)}{p.name}（{p.code}），{st.name}。{reasons}。{late}{ask}"
        )
    for i, t in enumerate(n.tasks, start=len(n.items) + 1):
        late = f"已逾期{t.days_late}天。" if t.days_late else ""
        ask = (
            t.request or n.request or DEFAULT_TASK_REQUESTS.get(t.light, DEFAULT_TASK_REQUESTS[""])
        )
        word.paragraph(
            doc,
            f"{_cn_number(i)}重点任务：{t.title}（{t.code}，完成时限{t.due}），{t.light_name}。"
            f"{t.reasons}。{late}{ask}",
        )
    word.heading(doc, "二、工作要求")
    word.paragraph(
        doc,
        "请你单位高度重视，对照督办事项逐项分析滞后原因，明确整改措施、责任人和完成时限，"
        f"于{word.cn_date(n.reply_by)}前将整改情况书面报送{n.org}。"
        "整改完成前，每月随进度填报说明推进情况。",
    )
    if n.contact or n.phone:
        who = "，".join(
            x
            for x in (
                f"联系人：{n.contact}" if n.contact else "",
                f"联系电话：{n.phone}" if n.phone else "",
            )
            if x
        )
        word.paragraph(doc, f"{who}。")
    word.paragraph(doc, "")
    annex = {"重大项目": "督办项目清单", "重点任务": "督办任务清单"}.get(
        _notice_subject(n), "督办项目和任务清单"
    )
    word.paragraph(doc, f"附件：{annex}", indent=True)
    word.signature(doc, n.org, n.issued)
    word.page_break(doc)
    word.paragraph(doc, "附件", face=word.HEI, indent=False, align="left")
    word.title(doc, annex)
    if n.items:
        _project_annex(doc, n)
    if n.tasks:
        _task_annex(doc, n)
    doc.save(str(out))
    return out


def _task_annex(doc, n: NoticeDocument) -> None:
    rows = [
        [str(i), t.title, t.due, t.light_name, t.reasons, str(t.days_late) if t.days_late else "—"]
        for i, t in enumerate(n.tasks, start=1)
    ]
    if n.items:
        word.paragraph(doc, "重点任务", face=word.HEI, indent=False, align="left")
    word.table(
        doc,
        ["序号", "重点任务", "完成时限", "状态", "滞后情况", "逾期（天）"],
        rows,
        [12, 45, 22, 16, 48, 16],
        right=(5,),
    )


def _project_annex(doc, n: NoticeDocument) -> None:
    rows = []
    for i, item in enumerate(n.items, start=1):
        st = item.status
        days = overdue_days(st, item.project, n.issued)
        rows.append(
            [
                str(i),
                item.project.name,
                st.name,
                "；".join(st.reasons) if st.reasons else st.reason,
                str(days) if days else "—",
            ]
        )
    word.table(
        doc,
        ["序号", "项目名称", "状态", "滞后情况", "逾期（天）"],
        rows,
        [13, 40, 14, 62, 25],  # the text is 156 mm wide; 「序号」, 「逾期（天）」 on one line
        right=(4,),
    )


def _cn_number(i: int) -> str:
    """（一）（二）… for the items of a list."""
    digits = "零一二三四五六七八九"
    if i <= 10:
        text = "十" if i == 10 else digits[i]
    elif i < 20:
        text = "十" + digits[i - 10]
    elif i < 100:
        text = digits[i // 10] + "十" + (digits[i % 10] if i % 10 else "")
    else:
        text = str(i)
    return f"（{text}）"


@dataclass
class LightCount:
    label: str  # a unit or a 专栏
    counts: dict[str, int]  # light -> number of projects
    reasons: str = ""  # the kinds of reason of its red and yellow lights, in words


@dataclass
class BehindProject:
    name: str
    lead: str
    light: str
    reason: str
    problems: str


@dataclass
class Bulletin:
    """The figures of one 月度推进情况通报 (all from the overall sheet's rows)."""

    period_label: str
    org: str
    issued: date
    as_of: date
    total: int
    by_stage: dict[str, int]
    total_investment: str  # 亿元 text
    annual_plan: str
    year_done: str
    months: int
    rates: dict[str, str]  # 开工率, 投资完成率, 资金到位率, 按期完工率 -> text (or 暂无数据)
    rate_notes: dict[str, str]  # how each rate is counted
    lights: dict[str, int]
    by_unit: list[LightCount]
    by_column: list[LightCount]
    behind: list[BehindProject]
    reporting: str  # who has (not) reported, in words
    indicators: list[tuple[str, str, str, str]]  # name, target, latest, state
    annex: list[list[str]] = field(default_factory=list)
    number: str = ""  # 2026年第11期
    annual: list[str] = field(default_factory=list)  # the year's list (年度重点任务清单), if any


ANNEX_HEADERS = [
    "序号",
    "项目名称",
    "牵头单位",
    "年度计划投资（万元）",
    "本年完成投资（万元）",
    "年度投资完成率",
    "形象进度",
    "状态",
]


def write_bulletin(b: Bulletin, out: Path) -> Path:
    doc = word.new_document()
    word.title(doc, f"成德同城化重大项目{b.period_label}推进情况通报")
    if b.number:
        word.paragraph(doc, f"（{b.number}）", align="center", indent=False, face=word.KAI)
        word.paragraph(doc, "", indent=False)
    word.paragraph(doc, "各区（市、县）、各功能区、市级有关部门：", indent=False, align="left")
    word.paragraph(
        doc,
        f"现将截至{word.cn_date(b.as_of)}成德同城化重大项目推进情况通报如下。",
    )
    word.heading(doc, "一、总体情况")
    stages = "、".join(f"{k}{v}个" for k, v in b.by_stage.items() if v)
    word.paragraph(
        doc,
        f"纳入监测的重大项目共{b.total}个（{stages}），总投资{b.total_investment}。"
        f"{b.period_label[:5]}计划完成投资{b.annual_plan}，1—{b.months}月完成投资{b.year_done}，"
        f"年度投资完成率{b.rates['投资完成率']}。",
    )
    word.paragraph(
        doc,
        "“四率”情况：" + "；".join(f"{k}{v}" for k, v in b.rates.items()) + "。",
    )
    notes = "；".join(f"{k}{v}" for k, v in b.rate_notes.items())
    if notes:
        word.paragraph(doc, f"（{notes}。）", face=word.KAI)
    word.heading(doc, "二、亮灯情况")
    lights = "，".join(f"{k}{v}个" for k, v in b.lights.items() if v)
    word.paragraph(doc, f"按项目推进状态评价，{lights}。")
    if b.by_unit:
        word.heading(doc, "（一）分单位情况", 2)
        for c in b.by_unit:
            word.paragraph(doc, _count_sentence(c))
    if b.by_column:
        word.heading(doc, "（二）分专栏情况", 2)
        for c in b.by_column:
            word.paragraph(doc, _count_sentence(c))
    word.heading(doc, "三、推进滞后的项目")
    if b.behind:
        word.paragraph(doc, f"以下{len(b.behind)}个项目推进滞后较多，请牵头单位重点推进：")
        for i, p in enumerate(b.behind, start=1):
            problems = f"单位报告的问题：{p.problems}" if p.problems else "单位未报告存在问题"
            word.paragraph(
                doc,
                f"{_cn_number(i)}{p.name}（牵头单位：{p.lead}），{p.light}。{p.reason}。{problems}。",
            )
    else:
        word.paragraph(doc, "本期没有亮红灯或黄灯的项目。")
    numbers = iter("四五六七")
    if b.annual:
        word.heading(doc, f"{next(numbers)}、年度重点任务清单推进情况")
        for text in b.annual:
            word.paragraph(doc, text)
    word.heading(doc, f"{next(numbers)}、报送情况")
    word.paragraph(doc, b.reporting)
    word.heading(doc, f"{next(numbers)}、主要指标进展")
    if b.indicators:
        for name, target, latest, state in b.indicators:
            word.paragraph(doc, f"{name}：目标{target}，{latest}，{state}。")
    else:
        word.paragraph(doc, "本期未录入主要指标数据。")
    word.heading(doc, f"{next(numbers)}、下一步工作")
    word.paragraph(
        doc,
        "各牵头单位要对照通报问题，压实工作责任，加快亮红灯、黄灯项目的推进；"
        "各责任单位要按时、如实报送项目进展，确保数据准确完整。"
        "市同城办将持续跟踪调度，对推进滞后的项目按程序督办。",
    )
    word.paragraph(doc, "")
    word.paragraph(doc, "附件：成德同城化重大项目推进情况表")
    word.signature(doc, b.org, b.issued)
    word.page_break(doc)
    word.paragraph(doc, "附件", face=word.HEI, indent=False, align="left")
    word.title(doc, f"成德同城化重大项目推进情况表（截至{b.period_label}底）")
    word.table(
        doc,
        ANNEX_HEADERS,
        b.annex,
        [10, 48, 26, 22, 22, 18, 14, 14],
        size=word.WU_HAO,
        right=(3, 4, 5, 6),
    )
    doc.save(str(out))
    return out


def _count_sentence(c: LightCount) -> str:
    counts = "，".join(f"{k}{v}个" for k, v in c.counts.items() if v)
    reasons = f"；亮灯原因主要是{c.reasons}" if c.reasons else ""
    return f"{c.label}：{counts}{reasons}。"
