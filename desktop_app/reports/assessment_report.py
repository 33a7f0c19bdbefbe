"""考核情况报告 (Word draft): the year's assessment written up for the leading group, in 公文 form.

The figures are the assessment's; the sentences are a draft for the office to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.assessment import CLASSES, Adjustment, RuleSet, UnitScore
from . import word
from .assessment_sheet import num, rank_text
from .documents import _cn_number


@dataclass
class AssessmentReport:
    year: int
    org: str
    issued: date
    as_of: date
    rules: RuleSet
    classes: dict[str, list[UnitScore]]
    periods: list[str]
    adjustments: list[Adjustment]


def _weakest(scores: list[UnitScore], item: str, name: str) -> str | None:
    """A sentence on the units scoring lowest on ``item`` (below 60 % of it)."""
    low = [
        (s.unit, r.rate)
        for s in scores
        if (r := s.item(item)) is not None and r.rate is not None and r.rate < 60
    ]
    if not low:
        return None
    low.sort(key=lambda x: x[1])
    units = "、".join(f"{u}（{rate:g}%）" for u, rate in low[:8])
    more = f"等 {len(low)} 个单位" if len(low) > 8 else ""
    return f"{name}偏低的有{units}{more}。"


def write_assessment_report(r: AssessmentReport, out: Path) -> Path:
    doc = word.new_document()
    word.title(doc, f"关于{r.year}年度成德同城化工作考核情况的报告")
    word.paragraph(doc, "成德同城化发展领导小组：", indent=False, align="left")
    scored = [s for kind in CLASSES for s in r.classes.get(kind, [])]
    word.paragraph(
        doc,
        f"按照规划「加快将规划实施情况纳入对部门和区（市、县）考核内容」的要求，"
        f"{r.org}依据{r.year}年度考核规则，对{len(scored)}个单位的{r.year}年度工作进行了考核。"
        "现将有关情况报告如下。",
    )
    word.heading(doc, "一、考核组织情况")
    items = "、".join(f"{x.name}{x.weight:g}分" for x in r.rules.active)
    word.paragraph(
        doc,
        f"考核满分100分，设{items}，共{len(r.rules.active)}项；另设加分（最多"
        f"{r.rules.bonus_cap:g}分）和扣分（最多{r.rules.penalty_cap:g}分）。"
        f"各项得分均由系统根据{r.year}年已到报送截止日期的{len(r.periods)}期填报记录、"
        "年度重点任务清单及其报告、项目红黄绿灯、年度计划投资和完成投资、督办回复记录计算，"
        f"数据截至{word.cn_date(r.as_of)}；加减分由{r.org}逐项录入并注明理由。",
    )
    word.heading(doc, "二、考核结果")
    for n, kind in enumerate(CLASSES, start=1):
        scores = [s for s in r.classes.get(kind, []) if s.assessed]
        if not scores:
            continue
        word.heading(doc, f"{_cn_number(n)}{kind}", 2)
        top = "、".join(f"{s.unit}（{num(s.total)}分）" for s in scores[:3])
        avg = sum(s.total for s in scores) / len(scores)
        word.paragraph(
            doc,
            f"参加考核的{kind}{len(scores)}个，平均得分{avg:.2f}分；排名前列的是{top}。",
        )
        word.table(
            doc,
            ["排名", "单位", *(x.name for x in r.rules.active), "加减分", "总分"],
            [
                [
                    rank_text(s),
                    s.unit,
                    *(num(i.score) for i in s.items),
                    f"{s.bonus - s.penalty:+.2f}" if (s.bonus or s.penalty) else "",
                    num(s.total),
                ]
                for s in scores
            ],
            _widths(len(r.rules.active)),
            size=word.WU_HAO,
            right=tuple(range(2, len(r.rules.active) + 4)),
        )
        word.paragraph(doc, "", indent=False)
    word.heading(doc, "三、存在的主要问题")
    problems = [
        sentence
        for item in r.rules.active
        if (sentence := _weakest(scored, item.item, item.name)) is not None
    ]
    if problems:
        for i, text in enumerate(problems, start=1):
            word.paragraph(doc, f"{_cn_number(i)}{text}")
    else:
        word.paragraph(doc, "各单位各项考核指标均在60%以上，未发现突出问题。")
    word.heading(doc, "四、加减分情况")
    if r.adjustments:
        for a in r.adjustments:
            kind = "加" if a.points > 0 else "扣"
            basis = f"（依据：{a.basis}）" if a.basis else ""
            word.paragraph(doc, f"{a.unit}{kind}{abs(a.points):g}分：{a.reason}{basis}。")
    else:
        word.paragraph(doc, "本年度无加减分事项。")
    word.heading(doc, "五、下一步工作")
    word.paragraph(
        doc,
        "建议将考核结果在领导小组会议上通报，并作为年度目标绩效考核的参考；"
        "对得分靠后的单位，由市同城办逐项反馈失分原因，督促按时报送、按期完成年度重点任务、"
        "按期回复督办事项。",
    )
    word.paragraph(doc, "")
    word.paragraph(doc, "附件：年度考核评分规则")
    word.signature(doc, r.org, r.issued)
    word.page_break(doc)
    word.paragraph(doc, "附件", face=word.HEI, indent=False, align="left")
    word.title(doc, f"{r.year}年度考核评分规则")
    for i, x in enumerate(r.rules.active, start=1):
        word.paragraph(doc, f"{_cn_number(i)}{x.name}（{x.weight:g}分）。{r.rules.formula(x.item)}")
    doc.save(str(out))
    return out


def _widths(items: int) -> list[float]:
    """Column widths (mm) across the 156 mm of an A4 body."""
    rest = 156 - 10 - 30 - 14 - 14
    each = rest / max(items, 1)
    return [10, 30, *([each] * items), 14, 14]
