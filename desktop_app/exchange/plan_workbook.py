"""A plan as an Excel list (规划清单): the template the office fills for a new plan, and reading a
filled one into a plan dataset (the same shape as ``resources/dataset/plan_2021.json``).

Layout (one header row per sheet; the 「填写说明」 sheet of the template says the same):
- 规划: two columns 项目 / 内容 — 规划编号, 规划名称, 文号, 起始年份, 终止年份.
- 章节: 章节编码, 类型 (章 / 节 / 专栏), 序号, 标题, 上级编码 (a 节's 章, a 专栏's 章 or 节).
- 主要指标: 序号, 类别, 指标, 单位, 基期值, 目标值 (≥5, >90, ≤0.5, 或数字), 目标年份, 属性.
- 重大项目: 项目编码, 项目名称, 章节编码, 类别, 阶段, 所在区县, 牵头单位, 责任单位 (、分隔),
  建设内容, 总投资（万元）, 计划开工, 计划完工, 规划原文.
- 重点任务: 任务编码, 章节编码, 序号, 任务, 内容, 牵头单位.
Every problem names its sheet, row and column; nothing is read into the database when any is
found.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..domain.errors import UserError
from ..domain.parsing import clean_text, is_blank, parse_date, parse_int, parse_money

PLAN_FIELDS = ("规划编号", "规划名称", "文号", "起始年份", "终止年份")
SHEETS: dict[str, tuple[str, ...]] = {
    "章节": ("章节编码", "类型", "序号", "标题", "上级编码"),
    "主要指标": ("序号", "类别", "指标", "单位", "基期值", "目标值", "目标年份", "属性"),
    "重大项目": (
        "项目编码",
        "项目名称",
        "章节编码",
        "类别",
        "阶段",
        "所在区县",
        "牵头单位",
        "责任单位",
        "建设内容",
        "总投资（万元）",
        "计划开工",
        "计划完工",
        "规划原文",
    ),
    "重点任务": ("任务编码", "章节编码", "序号", "任务", "内容", "牵头单位"),
}
REQUIRED = {
    "章节": ("章节编码", "类型", "序号", "标题"),
    "主要指标": ("序号", "指标", "目标值"),
    "重大项目": ("项目编码", "项目名称"),
    "重点任务": ("任务编码", "任务"),
}
KINDS = ("章", "节", "专栏")
STAGES = ("储备", "前期", "在建", "竣工")
_TARGET = re.compile(r"^\s*(≥|>=|＞=|>|＞|=|≤|<=|＜=|<|＜)?\s*([-+]?\d+(?:\.\d+)?)")
_OPS = {">=": "≥", "＞=": "≥", "＞": ">", "<=": "≤", "＜=": "≤", "＜": "<"}
MAX_PROBLEMS = 30

GUIDE = [
    "规划清单填写说明",
    "",
    "1. 「规划」表：填写规划编号（如 CD-2026，不能与已有规划重复）、规划名称、文号、起始年份、终止年份。",
    "2. 「章节」表：每行一个章、节或专栏。章节编码自定，在本文件中唯一（建议：章用 4，节用 4.1，专栏用 专栏2）；"
    "类型填 章、节 或 专栏；序号为数字；节的上级编码填所在章的编码，专栏的上级编码填所在章或节的编码。",
    "3. 「主要指标」表：目标值写成 ≥5、>90、≤0.5 或直接写数字（表示达到该值）；目标年份默认为规划终止年份。",
    "4. 「重大项目」表：项目编码在数据库中唯一；章节编码填所在章、节或专栏的编码；阶段填 储备/前期/在建/竣工，"
    "不清楚可留空（显示为待填报）；牵头单位、责任单位、所在区县须是“单位管理”中已有的单位（全称或简称），"
    "多个责任单位用顿号（、）分隔；规划原文填规划中写到该项目的原句（评估时据此判断“建成”等要求）。",
    "   若某项目是上一规划结转的未完成项目，可填它原来的项目编码：导入时视为同一项目，归入本表所填的章节。",
    "5. 「重点任务」表：任务编码在数据库中唯一；序号为该节内的条目号。",
    "6. 表头不要修改；空行会被忽略。导入前程序逐项检查，发现问题时列出所在的表、行和列，数据库不做任何改动。",
    "",
    "示例（重大项目表的一行）：ZL02-101 | 成德市域铁路S11线延伸段 | 专栏2 | 轨道交通 | 前期 | 广汉市 | "
    "市交通运输局 | 广汉市、旌阳区 | 新建线路约20公里 | 1200000 | 2027-03-01 | 2030-12-31 | "
    "建成成德市域铁路S11线延伸段。",
]


class PlanWorkbookError(UserError):
    """A filled plan list that cannot be read as it is; the message lists every problem."""


def write_template(out: Path) -> Path:
    """An empty plan list with the sheets, headers, lists to choose from and the guide."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    guide = wb.active
    guide.title = "填写说明"
    for line in GUIDE:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 150
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    head_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    plan = wb.create_sheet("规划")
    plan.append(["项目", "内容"])
    for name in PLAN_FIELDS:
        plan.append([name, None])
    plan.column_dimensions["A"].width = 14
    plan.column_dimensions["B"].width = 60
    for cell in plan[1]:
        cell.font, cell.fill = head_font, fill
    for title, headers in SHEETS.items():
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font, cell.fill = head_font, fill
            ws.column_dimensions[cell.column_letter].width = max(10, len(cell.value) * 2 + 4)
        ws.freeze_panes = "A2"
        for column, choices in (("类型", KINDS), ("阶段", STAGES)):
            if column in headers:
                letter = ws.cell(1, headers.index(column) + 1).column_letter
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                dv.showErrorMessage = True
                dv.error = f"请从列表中选择：{'、'.join(choices)}"
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
    wb.save(str(out))
    return out


class _Problems(list):
    def add(self, sheet: str, row: int | None, column: str | None, text: str) -> None:
        where = f"「{sheet}」表"
        if row is not None:
            where += f"第{row}行"
        if column:
            where += f"「{column}」列"
        self.append(f"{where}：{text}")


def _rows(
    book, sheet: str, headers: tuple[str, ...], problems: _Problems
) -> list[tuple[int, dict]]:
    if sheet not in book.sheet_names:
        problems.add(sheet, None, None, "缺少这张表。请用 plan template 生成的模板填写。")
        return []
    values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not values:
        return []
    head = [clean_text(v) or "" for v in values[0]]
    missing = [h for h in headers if h not in head]
    if missing:
        problems.add(
            sheet, 1, None, f"表头缺少「{'」「'.join(missing)}」列。请不要修改模板的表头。"
        )
        return []
    index = {h: head.index(h) for h in headers}
    out = []
    for n, raw in enumerate(values[1:], start=2):
        if all(is_blank(v) for v in raw):
            continue
        out.append((n, {h: (raw[i] if i < len(raw) else None) for h, i in index.items()}))
    return out


def _text(v: object) -> str | None:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean_text(v) if not is_blank(v) else None


def read_plan(path: Path, unit_names: dict[str, str]) -> dict:
    """The filled plan list at ``path`` as a plan dataset; ``unit_names`` maps every name a
    unit may be written by (its name, its short name) to its name."""
    from .return_import import open_values
    from .workbook_safety import check_workbook

    path = Path(path)
    check_workbook(path)
    book = open_values(path)
    problems = _Problems()
    plan: dict = {}
    for n, row in _rows(book, "规划", ("项目", "内容"), problems):
        key = _text(row["项目"])
        if key in PLAN_FIELDS:
            plan[key] = (n, row["内容"])
    info: dict = {}
    for name in PLAN_FIELDS:
        n, value = plan.get(name, (None, None))
        if name in ("起始年份", "终止年份"):
            try:
                year = parse_int(value)
            except (ValueError, UserError):
                year = None
            if year is None or not 2000 <= year <= 2100:
                problems.add("规划", n, "内容", f"{name}应为四位年份（如 2026）")
            info[name] = year
        else:
            info[name] = _text(value)
            if name != "文号" and not info[name]:
                problems.add("规划", n, "内容", f"{name}不能为空")
    start, end = info.get("起始年份"), info.get("终止年份")
    if start and end and end < start:
        problems.add("规划", None, None, f"终止年份 {end} 早于起始年份 {start}")

    sections: list[dict] = []
    keys: dict[str, str] = {}
    for n, row in _rows(book, "章节", SHEETS["章节"], problems):
        if not _required(problems, "章节", n, row):
            continue
        key = _text(row["章节编码"])
        kind = _text(row["类型"])
        if kind not in KINDS:
            problems.add("章节", n, "类型", f"「{kind}」不是 章、节 或 专栏")
            continue
        number = _int(problems, "章节", n, "序号", row["序号"])
        if key in keys:
            problems.add("章节", n, "章节编码", f"「{key}」重复（第{keys[key]}行已用）")
            continue
        keys[key] = str(n)
        parent = _text(row["上级编码"])
        sections.append(
            {
                "key": key,
                "kind": kind,
                "number": number or 1,
                "title": _text(row["标题"]),
                "parent": parent,
                "_row": n,
            }
        )
    by_key = {s["key"]: s for s in sections}
    for s in sections:
        parent = s["parent"]
        if s["kind"] == "章" and parent:
            problems.add("章节", s["_row"], "上级编码", "章不填上级编码")
        elif s["kind"] != "章" and parent not in by_key:
            problems.add("章节", s["_row"], "上级编码", f"找不到上级编码「{parent or '（空）'}」")
    seen_numbers: dict[tuple, int] = {}
    for s in sections:
        slot = (s["kind"], s["parent"], s["number"])
        if slot in seen_numbers:
            problems.add(
                "章节",
                s["_row"],
                "序号",
                f"与第{seen_numbers[slot]}行的{s['kind']}序号相同（同一上级下序号不能重复）",
            )
        seen_numbers[slot] = s["_row"]
    # Parents first, as the loader needs them.
    ordered, placed = [], set()
    for _ in range(4):
        for s in sections:
            if s["key"] not in placed and (not s["parent"] or s["parent"] in placed):
                ordered.append(s)
                placed.add(s["key"])

    indicators = []
    seqs: dict[int, int] = {}
    for n, row in _rows(book, "主要指标", SHEETS["主要指标"], problems):
        if not _required(problems, "主要指标", n, row):
            continue
        seq = _int(problems, "主要指标", n, "序号", row["序号"])
        if seq in seqs:
            problems.add("主要指标", n, "序号", f"{seq} 重复（第{seqs[seq]}行已用）")
        seqs[seq] = n
        target_text = _text(row["目标值"])
        m = _TARGET.match(target_text or "")
        if not m:
            problems.add("主要指标", n, "目标值", f"「{target_text}」应写成 ≥5、>90、≤0.5 或数字")
            continue
        op = _OPS.get(m.group(1), m.group(1)) or "="
        year = (
            _int(problems, "主要指标", n, "目标年份", row["目标年份"])
            if not is_blank(row["目标年份"])
            else end
        )
        indicators.append(
            {
                "seq": seq,
                "category": _text(row["类别"]),
                "name": _text(row["指标"]),
                "unit": _text(row["单位"]),
                "base_value": _text(row["基期值"]),
                "operator": op,
                "target": float(m.group(2)),
                "target_text": target_text,
                "year": year or 2100,
                "attribute": _text(row["属性"]),
                "origin": "表",
            }
        )

    projects = []
    codes: dict[str, int] = {}
    for n, row in _rows(book, "重大项目", SHEETS["重大项目"], problems):
        if not _required(problems, "重大项目", n, row):
            continue
        code = _text(row["项目编码"])
        if code in codes:
            problems.add("重大项目", n, "项目编码", f"「{code}」重复（第{codes[code]}行已用）")
        codes[code] = n
        section = _text(row["章节编码"])
        if section and section not in by_key:
            problems.add("重大项目", n, "章节编码", f"「{section}」不在「章节」表中")
        stage = _text(row["阶段"])
        if stage and stage not in STAGES:
            problems.add(
                "重大项目", n, "阶段", f"「{stage}」不是 储备、前期、在建 或 竣工（不清楚可留空）"
            )
        units = []
        for column, role in (("牵头单位", "牵头"), ("责任单位", "责任")):
            for name in re.split(r"[、，,；;\s]+", _text(row[column]) or ""):
                if not name:
                    continue
                name = unit_names.get(name, name)
                if name not in unit_names:
                    problems.add(
                        "重大项目",
                        n,
                        column,
                        f"单位「{name}」不在单位名单中（请先在“单位管理”中添加，或改为已有的单位名称）",
                    )
                elif all(u["name"] != name for u in units):
                    units.append({"name": name, "role": role})
        if sum(1 for u in units if u["role"] == "牵头") > 1:
            problems.add("重大项目", n, "牵头单位", "只能填一个牵头单位")
        district = _text(row["所在区县"])
        district = unit_names.get(district, district) if district else None
        if district and district not in unit_names:
            problems.add("重大项目", n, "所在区县", f"「{district}」不在单位名单中")
        money = dates = None
        try:
            money = parse_money(row["总投资（万元）"])
        except (ValueError, UserError) as exc:
            problems.add("重大项目", n, "总投资（万元）", str(exc))
        try:
            dates = (parse_date(row["计划开工"]), parse_date(row["计划完工"], month_end=True))
        except (ValueError, UserError) as exc:
            problems.add("重大项目", n, "计划开工/计划完工", str(exc))
        if dates and dates[0] and dates[1] and dates[1] < dates[0]:
            problems.add("重大项目", n, "计划完工", "早于计划开工")
        projects.append(
            {
                "code": code,
                "name": _text(row["项目名称"]),
                "section": section,
                "category": _text(row["类别"]),
                "stage": stage,
                "district": district,
                "scope": _text(row["建设内容"]),
                "source": _text(row["规划原文"]),
                "units": units,
                "total_investment": money,
                "planned_start": _iso(dates[0]) if dates else None,
                "planned_end": _iso(dates[1]) if dates else None,
                "_row": n,
            }
        )

    tasks = []
    task_codes: dict[str, int] = {}
    for n, row in _rows(book, "重点任务", SHEETS["重点任务"], problems):
        if not _required(problems, "重点任务", n, row):
            continue
        code = _text(row["任务编码"])
        if code in task_codes:
            problems.add("重点任务", n, "任务编码", f"「{code}」重复（第{task_codes[code]}行已用）")
        task_codes[code] = n
        section = _text(row["章节编码"])
        if section and section not in by_key:
            problems.add("重点任务", n, "章节编码", f"「{section}」不在「章节」表中")
        lead = _text(row["牵头单位"])
        lead = unit_names.get(lead, lead) if lead else None
        if lead and lead not in unit_names:
            problems.add("重点任务", n, "牵头单位", f"单位「{lead}」不在单位名单中")
        number = (
            _int(problems, "重点任务", n, "序号", row["序号"])
            if not is_blank(row["序号"])
            else None
        )
        tasks.append(
            {
                "code": code,
                "section": section,
                "number": number,
                "title": _text(row["任务"]),
                "text": _text(row["内容"]),
                "lead_unit": lead,
                "_row": n,
            }
        )
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = (
            f"\n……另有 {len(problems) - MAX_PROBLEMS} 处问题"
            if len(problems) > MAX_PROBLEMS
            else ""
        )
        raise PlanWorkbookError(
            f"「{path.name}」有 {len(problems)} 处问题，未导入任何内容。请改正后重新导入：\n"
            + "\n".join(shown)
            + more
        )
    return {
        "plan": {
            "code": info["规划编号"],
            "title": info["规划名称"],
            "doc_no": info["文号"],
            "start_year": start,
            "end_year": end,
        },
        "sections": [{k: v for k, v in s.items() if k != "_row"} for s in ordered],
        "units": [],
        "indicators": indicators,
        "projects": projects,
        "tasks": tasks,
    }


def _required(problems: _Problems, sheet: str, n: int, row: dict) -> bool:
    ok = True
    for column in REQUIRED[sheet]:
        if is_blank(row[column]):
            problems.add(sheet, n, column, "不能为空")
            ok = False
    return ok


def _int(problems: _Problems, sheet: str, n: int, column: str, value: object) -> int | None:
    try:
        number = parse_int(value)
    except (ValueError, UserError):
        number = None
    if number is None:
        problems.add(sheet, n, column, f"「{_text(value) or ''}」应为整数")
    return number


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
