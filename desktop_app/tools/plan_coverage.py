"""A second reading of the plan: every sentence that asks to build something, and what covers it.

Usage: ``python -m desktop_app.tools.plan_coverage [--uncovered] [--json] [--chapter N]``.

The plan text (``resources/dataset/plan_2021.txt``, the PDF's plain-text copy) is joined the way
the dataset quotes it: line breaks, blank lines and page numbers (－13－) removed, spaces inside a
line kept. It is cut into sentences at 。；！？ and at headings. A sentence is listed when it has a
build verb (建设, 共建, 打造, 建成, 启动, 开展…前期工作) or calls something 项目/工程. Each is
shown as covered by the projects whose ``source`` lies in it, as excluded with the reason
``plan_2021_coverage.json`` gives, or as open. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import dataset_path

PAGE_NUMBER = re.compile(r"^\s*－\s*\d+\s*－\s*$")
HEADING = re.compile(
    r"^\s*(专栏\s*\d+|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\s*[.．])\S{0,40}\s*$"
)
CHAPTER = re.compile(r"^\s*([一二三四五六七八九十]+)、")
BUILD = re.compile(r"建设|共建|打造|建成|启动|前期工作|项目|工程")
TERMINATORS = "。；！？"
CHINESE_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def plan_text_path() -> Path:
    return dataset_path().with_suffix(".txt")


def coverage_path() -> Path:
    return dataset_path().with_name("plan_2021_coverage.json")


@dataclass
class Sentence:
    text: str
    line: int  # 1-based line of the plan text where the sentence starts
    chapter: int | None
    heading: bool = False
    projects: list[str] = field(default_factory=list)  # codes whose source lies in it
    tasks: list[str] = field(default_factory=list)
    excluded: str | None = None

    @property
    def is_build(self) -> bool:
        return bool(BUILD.search(self.text))

    @property
    def state(self) -> str:
        if self.projects or self.tasks:
            return "已收录"
        if self.excluded:
            return "不收录"
        return "未处理"


@dataclass
class PlanText:
    """The plan joined as the dataset quotes it, with the line each character came from."""

    text: str
    lines: list[int]
    chapters: list[int | None]
    heading_starts: set[int]

    @classmethod
    def read(cls, path: Path | None = None) -> PlanText:
        raw = (path or plan_text_path()).read_text(encoding="utf-8").splitlines()
        parts: list[str] = []
        lines: list[int] = []
        chapters: list[int | None] = []
        heads: set[int] = set()
        chapter: int | None = None
        offset = 0
        for number, line in enumerate(raw, start=1):
            stripped = line.strip()
            if not stripped or PAGE_NUMBER.match(stripped):
                continue
            m = CHAPTER.match(stripped)
            if m and len(stripped) < 40 and not stripped.endswith(("。", "；", "，")):
                chapter = _chinese_number(m.group(1))
            if HEADING.match(stripped) and not stripped.endswith(tuple(TERMINATORS + "，")):
                heads.add(offset)
                heads.add(offset + len(stripped))
            parts.append(stripped)
            lines.extend([number] * len(stripped))
            chapters.extend([chapter] * len(stripped))
            offset += len(stripped)
        return cls("".join(parts), lines, chapters, heads)

    def line_of(self, offset: int) -> int:
        return self.lines[offset]

    def find(self, quote: str) -> int:
        """Where ``quote`` starts in the joined text (-1 when it is not verbatim)."""
        return self.text.find(quote)

    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        start = 0
        n = len(self.text)
        for i in range(n + 1):
            cut = (
                i == n
                or i in self.heading_starts
                or (self.text[i - 1] in TERMINATORS if i else False)
            )
            if cut and i > start:
                chunk = self.text[start:i]
                lead = len(chunk) - len(chunk.lstrip())
                out.append(
                    Sentence(
                        chunk.strip(),
                        self.lines[start + lead] if start + lead < n else self.lines[-1],
                        self.chapters[start],
                        heading=start in self.heading_starts and i in self.heading_starts,
                    )
                )
                start = i
        return out


def _chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CHINESE_NUMBERS[text[1]]
    return CHINESE_NUMBERS[text[0]]


def read_dataset() -> dict:
    return json.loads(dataset_path().read_text(encoding="utf-8"))


def read_exclusions() -> list[dict]:
    path = coverage_path()
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["excluded"]


def second_reading(
    plan: PlanText | None = None, data: dict | None = None, exclusions: list[dict] | None = None
) -> list[Sentence]:
    """Every build sentence of the plan with the projects, tasks or exclusion that cover it."""
    plan = plan or PlanText.read()
    data = data if data is not None else read_dataset()
    exclusions = exclusions if exclusions is not None else read_exclusions()
    sentences = [s for s in plan.sentences() if s.is_build and not s.heading]
    starts = []
    pos = 0
    for s in sentences:
        pos = plan.text.find(s.text, pos)
        starts.append(pos)

    def owner(quote: str) -> Sentence | None:
        at = plan.find(quote)
        if at < 0:
            return None
        for s, begin in zip(sentences, starts, strict=True):
            if begin <= at < begin + len(s.text) or at <= begin < at + len(quote):
                return s
        return None

    for p in data.get("projects", []):
        s = owner(p.get("source") or "")
        if s is not None:
            s.projects.append(p["code"])
    for t in data.get("tasks", []):
        s = owner(t.get("text") or "")
        if s is not None:
            s.tasks.append(t["code"])
    for ex in exclusions:
        s = owner(ex["quote"])
        if s is not None and not s.projects:
            s.excluded = ex["reason"]
    return sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plan_coverage", description="列出规划中含建设类动词的每一句，及数据集是否收录。"
    )
    parser.add_argument("--uncovered", action="store_true", help="只列未处理的句子")
    parser.add_argument("--chapter", type=int, help="只列第 N 章")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    args = parser.parse_args(argv)
    rows = second_reading()
    if args.chapter:
        rows = [s for s in rows if s.chapter == args.chapter]
    if args.uncovered:
        rows = [s for s in rows if s.state == "未处理"]
    if args.json:
        json.dump(
            [
                {
                    "line": s.line,
                    "chapter": s.chapter,
                    "state": s.state,
                    "projects": s.projects,
                    "tasks": s.tasks,
                    "excluded": s.excluded,
                    "text": s.text,
                }
                for s in rows
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        print()
        return 0
    for s in rows:
        cover = "、".join(s.projects + s.tasks) or s.excluded or ""
        print(f"{s.line:>5}  第{s.chapter or '-'}章  {s.state}  {s.text}")
        if cover:
            print(f"       → {cover}")
    counts = {k: sum(1 for s in rows if s.state == k) for k in ("已收录", "不收录", "未处理")}
    print(f"共 {len(rows)} 句：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
