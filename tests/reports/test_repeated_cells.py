"""What repeats is worked out once and written again: texts from row to row (a unit, a light's
reason, a progress text), and the running header of every later page. Every row must still print
its own whole copy in its own row, and every page the header of its own document."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from desktop_app.domain.model import Project
from desktop_app.domain.status import evaluate
from desktop_app.reports.fonts import register_fonts
from desktop_app.reports.page import PageSetup, SheetDocument, new_section
from desktop_app.reports.progress_sheet import (
    ProgressSheet,
    SheetGroup,
    SheetRow,
    render_progress_sheet,
)
from desktop_app.reports.text import TextBlock

TODAY = date(2026, 11, 29)
# Characters found nowhere else on the sheet, so that the copies can be picked out; long enough
# to take several lines of the 最新进展 column.
PROGRESS = "子丑寅卯（辰巳午），未申酉戌亥；乾坤震巽「坎离」艮兑，甲乙丙丁戊己庚辛壬癸。" * 3


def _pieces(path: Path) -> list[list[tuple[float, str]]]:
    """Per page, (baseline y, text) of every drawn piece, in drawing order."""
    pages = []
    for page in PdfReader(str(path)).pages:
        found = []

        def visit(text, cm, tm, font_dict, font_size, found=found):
            if text.strip():
                found.append((round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_every_row_prints_its_own_whole_copy_of_a_repeated_text(tmp_path):
    rows = []
    for n in range(1, 61):
        project = Project(
            f"p{n}",
            f"C-{n:03d}",
            f"工程{n:03d}",
            stage="在建",
            planned_start=date(2026, 1, 1),
            planned_end=date(2027, 12, 31),
            percent_complete=50,
            last_progress_text=PROGRESS,
        )
        rows.append(SheetRow(project, evaluate(project, TODAY), 1000.0))
    setup = PageSetup("总体进度表", "2026年11月", printed=TODAY, paper="A4", landscape=True)
    sheet = ProgressSheet(
        setup, [SheetGroup("", rows)], TODAY, 2026, columns=("seq", "name", "text")
    )
    out = render_progress_sheet(sheet, tmp_path / "repeated.pdf")

    pages = _pieces(out)
    assert len(pages) >= 3  # the copies are written on page after page
    names = 0
    for pieces in pages:
        rows_here = [(y, t) for y, t in pieces if t.startswith("工程")]
        copies: list[tuple[float, str]] = []  # (baseline of its first line, text so far)
        for y, text in pieces:
            if set(text) <= set(PROGRESS):
                if copies and len(copies[-1][1]) < len(PROGRESS):
                    copies[-1] = (copies[-1][0], copies[-1][1] + text)
                else:
                    copies.append((y, text))
        # Each row on the page has the whole text, starting on the row's own first line.
        assert [t for _, t in copies] == [PROGRESS] * len(rows_here)
        assert [y for y, _ in copies] == [y for y, _ in rows_here]
        names += len(rows_here)
    assert names == 60


def test_each_documents_later_pages_carry_its_own_running_header(tmp_path):
    """One file of two documents (as 督办通知单 for two units): the later pages of each name
    their own unit and count their own pages."""
    body = register_fonts().body
    out = tmp_path / "sections.pdf"
    doc = SheetDocument(out, PageSetup("督办通知单", "2026年11月", subtitle="甲单位"))
    text = "请按期报送项目进展情况。" * 400
    story = [TextBlock(text, body, 12), *new_section(doc, "乙单位"), TextBlock(text, body, 12)]
    doc.build_story(story)
    layout = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in layout.split("\f") if p.strip()]
    heads = [p.strip().splitlines()[0] for p in pages]
    first, second = [i for i, h in enumerate(heads) if h.strip() == "督办通知单"]
    assert first == 0 and second - first >= 3 and len(pages) - second >= 3
    for i, page in enumerate(pages):
        unit = "甲单位" if i < second else "乙单位"
        if i not in (first, second):  # later pages: title, unit and period on the first line
            assert heads[i].split()[:3] == ["督办通知单", unit, "2026年11月"], (i, heads[i])
        number = i + 1 if i < second else i - second + 1
        total = second if i < second else len(pages) - second
        assert f"第 {number} 页 共 {total} 页" in page
