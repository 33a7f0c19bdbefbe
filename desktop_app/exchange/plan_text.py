"""A plan's text (the PDF's plain-text copy) read into a draft plan list (规划清单) for the office
to complete: its chapters (一、), sections (（一）) and 专栏, its key tasks (the numbered items of
each section, or the section itself where it has none — the rule the built-in plan was read by),
and every sentence with a build verb (建设, 共建, 打造, 建成, 启动, 前期工作, 项目, 工程) listed on a
sheet 「候选句子」 from which the office picks the major projects. Project names, stages and units
are not guessed: the built-in plan's were chosen by hand sentence by sentence (see
resources/dataset/SOURCES.md); the same is asked here, with the sentences laid out.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..domain.errors import UserError
from ..tools.plan_coverage import CHINESE_NUMBERS, PAGE_NUMBER, TERMINATORS, PlanText

_CHAPTER = re.compile(r"^\s*([一二三四五六七八九十]{1,3})、\s*(\S.{0,38})$")
_SECTION = re.compile(r"^\s*（([一二三四五六七八九十]{1,3})）\s*(\S.{0,38})$")
_BOX = re.compile(r"^\s*专栏\s*(\d{1,2})\s*(.{0,40})$")
_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．]\s*(\S.{0,38})$")
# Chapters that say why and what for, not what to do: no key tasks are read from them.
_NO_TASKS = re.compile(r"背景|总体要求|发展基础|形势|指导思想")


def _number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CHINESE_NUMBERS[text[1]]
    if len(text) > 1 and text[1] == "十":
        return CHINESE_NUMBERS[text[0]] * 10 + (CHINESE_NUMBERS[text[2]] if len(text) > 2 else 0)
    return CHINESE_NUMBERS[text[0]]


def _heading(line: str) -> bool:
    return not line.rstrip().endswith(tuple(TERMINATORS + "，、：:"))


def read_plan_text(path: Path, *, task_prefix: str = "RW") -> dict:
    """``{"sections": [...], "tasks": [...], "candidates": [...]}`` of the plan text at ``path``
    (sections and tasks in the shape of a plan dataset)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        try:
            raw = path.read_text(encoding="gb18030").splitlines()
        except UnicodeDecodeError:
            raise UserError(
                f"「{path.name}」不是文本文件（UTF-8 或 GBK 编码）。请把规划 PDF 或 Word 另存为纯文本（.txt）。"
            ) from None
    except OSError as exc:
        raise UserError(f"无法读取「{path.name}」：{exc.strerror or exc}。") from None
    sections: list[dict] = []
    tasks: list[dict] = []
    chapter: dict | None = None
    section: dict | None = None
    pending: dict | None = None  # the task whose first sentence is being read
    items_in: dict[str, int] = {}
    first: dict[str, str] = {}  # section key -> its first sentence (for a section task)

    def close_section() -> None:
        if section is not None and chapter is not None and not items_in.get(section["key"]):
            if not _NO_TASKS.search(chapter["title"]):
                task = _task(task_prefix, chapter, section, 0, section["title"], section["_line"])
                task["text"] = _sentence(first.get(section["key"], "")) or None
                tasks.append(task)

    for n, line in enumerate(raw, start=1):
        text = line.strip()
        if not text or PAGE_NUMBER.match(text):
            continue
        if m := _CHAPTER.match(text):
            if _heading(text):
                close_section()
                chapter = {
                    "key": str(_number(m.group(1))),
                    "kind": "章",
                    "number": _number(m.group(1)),
                    "title": m.group(2).strip(),
                    "parent": None,
                    "_line": n,
                }
                sections.append(chapter)
                section, pending = None, None
                continue
        if chapter is not None and (m := _SECTION.match(text)) and _heading(text):
            close_section()
            number = _number(m.group(1))
            section = {
                "key": f"{chapter['key']}.{number}",
                "kind": "节",
                "number": number,
                "title": m.group(2).strip(),
                "parent": chapter["key"],
                "_line": n,
            }
            sections.append(section)
            pending = None
            continue
        if (m := _BOX.match(text)) and _heading(text):
            parent = section or chapter
            number = int(m.group(1))
            key = f"专栏{number}"
            if parent is not None and all(s["key"] != key for s in sections):
                sections.append(
                    {
                        "key": key,
                        "kind": "专栏",
                        "number": number,
                        "title": m.group(2).strip() or key,
                        "parent": parent["key"],
                        "_line": n,
                    }
                )
            pending = None
            continue
        if section is not None and (m := _ITEM.match(text)) and _heading(text):
            if chapter is not None and not _NO_TASKS.search(chapter["title"]):
                number = int(m.group(1))
                items_in[section["key"]] = items_in.get(section["key"], 0) + 1
                pending = _task(task_prefix, chapter, section, number, m.group(2).strip(), n)
                tasks.append(pending)
            continue
        if section is not None and not _sentence(first.get(section["key"], "")):
            first[section["key"]] = first.get(section["key"], "") + text
        if pending is not None:  # the first sentence under a task's heading
            pending["text"] = (pending["text"] or "") + text
            if _sentence(pending["text"]):
                pending["text"] = _sentence(pending["text"])
                pending["_pending"] = False
                pending = None
    close_section()
    plan = PlanText.read(path) if raw else None
    candidates = []
    if plan is not None:
        for s in plan.sentences():
            if s.is_build and not s.heading:
                candidates.append({"line": s.line, "chapter": s.chapter, "text": s.text})
    for t in tasks:
        t.pop("_pending", None)
    return {
        "sections": [{k: v for k, v in s.items() if not k.startswith("_")} for s in sections],
        "tasks": tasks,
        "candidates": candidates,
    }


def _sentence(text: str) -> str:
    """The first whole sentence of ``text`` (empty while it has not ended)."""
    ends = [text.find(t) for t in TERMINATORS if t in text]
    return text[: min(ends) + 1] if ends else ""


def _task(prefix: str, chapter: dict, section: dict, number: int, title: str, line: int) -> dict:
    return {
        "code": f"{prefix}{int(chapter['key']):02d}-{section['number']}-{number}",
        "chapter": int(chapter["key"]),
        "section": section["key"],
        "number": number,
        "title": title,
        "text": None,
        "line": line,
        "_pending": number > 0,
    }


def write_draft(data: dict, out: Path, plan: dict | None = None) -> Path:
    """A plan list (the template's layout) filled with what was read: 章节, 重点任务, and the
    sheet 「候选句子」 (which the import does not read) for choosing the projects."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    from .plan_workbook import write_template

    write_template(out)
    wb = load_workbook(out)
    if plan:
        for row in wb["规划"].iter_rows(min_row=2):
            if row[0].value in plan and plan[row[0].value] is not None:
                row[1].value = plan[row[0].value]
    for s in data["sections"]:
        wb["章节"].append([s["key"], s["kind"], s["number"], s["title"], s["parent"]])
    for t in data["tasks"]:
        wb["重点任务"].append([t["code"], t["section"], t["number"], t["title"], t["text"], None])
    ws = wb.create_sheet("候选句子")
    ws.append(
        [
            "行号",
            "章",
            "句子（含建设类动词，请从中选出重大项目，填入「重大项目」表，原句填入「规划原文」列）",
        ]
    )
    ws["A1"].font = ws["B1"].font = ws["C1"].font = Font(bold=True)
    ws.column_dimensions["C"].width = 120
    for c in data["candidates"]:
        ws.append([c["line"], c["chapter"], c["text"]])
        ws.cell(ws.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(ws.max_row, 3).data_type = "s"
    wb.save(out)
    return out
