"""A group that goes on over a page is named again on the next page (「甲组（续）」), wherever the
page ends: inside a block of rows, exactly between two blocks, just before the group's 小计; and a
group's name never stands alone at the foot of a page."""

from __future__ import annotations

import re
import subprocess
from datetime import date

from desktop_app.domain.model import Project
from desktop_app.domain.status import evaluate
from desktop_app.reports.page import PageSetup
from desktop_app.reports.progress_sheet import (
    ProgressSheet,
    SheetGroup,
    SheetRow,
    render_progress_sheet,
)

TODAY = date(2026, 12, 6)
GROUPS = ("甲组", "乙组", "丙组")
_DATA = re.compile(r"^\s*(\d+)\s+\S")


def _sheet(first: int, *, landscape: bool, tall: int = 0) -> ProgressSheet:
    """Three groups, the first of ``first`` projects: as ``first`` grows the page breaks fall on
    every kind of row. The first ``tall`` names take two lines: each moves the first page's
    break up, so that it falls exactly at the end of a block of rows for some ``tall``."""
    groups, n = [], 0
    for label, size in zip(GROUPS, (first, 45, 30), strict=True):
        rows = []
        for _ in range(size):
            n += 1
            name = f"项目{n:03d}" + ("\n（二期）" if n <= tall else "")
            project = Project(f"p{n}", f"C-{n:03d}", name, stage="在建")
            rows.append(SheetRow(project, evaluate(project, TODAY), None))
        groups.append(SheetGroup(label, rows))
    setup = PageSetup("总体进度表", "2026年11月", printed=TODAY, landscape=landscape)
    return ProgressSheet(setup, groups, TODAY, 2026, columns=("seq", "name"))


def _kind(line: str) -> str | None:
    text = line.strip()
    if text.endswith("（续）"):
        return "continued"
    if any(text.startswith(g) for g in GROUPS) and "个项目）" in text:
        return "group"
    if text.startswith("小计"):
        return "subtotal"
    if text.startswith("合计"):
        return "total"
    if _DATA.match(line):
        return "data"
    return None


def _pages(path) -> list[list[tuple[str, str]]]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in out.split("\f"):
        rows = [(k, line.strip()) for line in page.splitlines() if (k := _kind(line))]
        if rows:
            pages.append(rows)
    return pages


CASES = [(False, 0, first) for first in range(1, 61)]
CASES += [(True, 0, first) for first in range(1, 61, 3)]
CASES += [(False, tall, first) for tall in range(1, 7) for first in (41, 50, 60)]


def test_a_group_going_on_is_named_again_wherever_the_page_breaks(tmp_path):
    seen: set[str] = set()  # the kinds of row that opened a page going on inside a group
    for landscape, tall, first in CASES:
        sheet = _sheet(first, landscape=landscape, tall=tall)
        out = render_progress_sheet(sheet, tmp_path / f"{landscape}-{tall}-{first}.pdf")
        pages = _pages(out)
        assert len(pages) >= 2
        last_group = None
        for number, rows in enumerate(pages, start=1):
            kinds = [k for k, _ in rows]
            # No group name alone at a page foot.
            assert kinds[-1] not in ("group", "continued"), (first, number, rows[-3:])
            if number > 1:
                opening = kinds[0]
                if opening == "continued":
                    assert rows[0][1] == f"{last_group}（续）", (first, number, rows[0])
                    assert kinds[1] in ("data", "subtotal"), (first, number, rows[:2])
                    seen.add(kinds[1])
                    assert kinds.count("continued") == 1
                else:
                    # A page that does not say （续） starts a new group (or the 合计).
                    assert opening in ("group", "total"), (first, number, rows[:2])
            for kind, text in rows:
                if kind == "group":
                    last_group = text.split("（")[0]
    # The breaks fell inside a group before a data row and before a 小计 at least once each.
    assert seen == {"data", "subtotal"}
