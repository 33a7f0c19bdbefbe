"""A number with its separators, decimals and unit, a date or a stake code is never split across
two lines of a printed cell: read back line by line from the PDF (pdftotext), on every paper."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from desktop_app.domain.model import ProgressReport
from desktop_app.reports.fonts import register_fonts
from desktop_app.reports.text import text_width, wrap_lines
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.store.progress import record_report

TOKENS = ("1,234.56万元", "78.9%", "1,320亩", "K12+350", "2026-11-29", "2026年11月", "12.5个百分点")
TEXT = (
    "本月完成投资1,234.56万元，年度计划完成率78.9%，累计征地1,320亩；K12+350至K15+600段路基"
    "完成，计划2026-11-29前完成桥梁主体，2026年11月底前完成交工验收，较上月提高12.5个百分点。"
)


def test_wrapping_keeps_numbers_dates_and_codes_whole():
    font = register_fonts().body
    for width in range(40, 260, 7):
        lines = wrap_lines(TEXT, font, 9, width)
        assert "".join(lines) == TEXT
        for line in lines:
            assert text_width(line, font, 9) <= width + 0.01
        for token in TOKENS:
            if text_width(token, font, 9) <= width:
                assert any(token in line for line in lines), (width, token, lines)


def test_a_run_longer_than_the_line_still_breaks_to_fit():
    font = register_fonts().body
    lines = wrap_lines("1,234,567,890,123.45万元", font, 10, 30)
    assert len(lines) > 1 and all(text_width(line, font, 10) <= 30.01 for line in lines)


def _lines(path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


@pytest.fixture
def wordy_project(store, make_project):
    pid = make_project(
        "ZZ-200",
        "成德快速通道K12+350段改造工程",
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 6, 30),
        percent_complete=40,
    )
    record_report(
        store,
        ProgressReport(
            pid, "2026-11", percent_complete=40, progress_text=TEXT, problems=TEXT, next_steps=TEXT
        ),
    )
    return pid


@pytest.mark.parametrize(
    ("sheet", "paper", "landscape"),
    [
        ("overall", "A4", False),
        ("overall", "A4", True),
        ("overall", "A3", True),
        ("unit", "A4", True),
        ("project", "A4", False),
        ("project", "A4", True),
    ],
)
def test_no_number_is_split_across_lines_in_a_printed_sheet(
    store, wordy_project, tmp_path, sheet, paper, landscape
):
    options = ReportOptions(
        today=date(2026, 12, 6), period="2026-11", paper=paper, landscape=landscape
    )
    unit = "市交通运输局" if sheet in ("unit", "notice") else None
    project = "ZZ-200" if sheet == "project" else None
    [out] = render_sheet(
        store, sheet, tmp_path / f"{sheet}.pdf", options, unit=unit, project=project
    )
    lines = _lines(out)
    joined = "".join(line.replace(" ", "") for line in lines)
    for token in ("1,234.56万元", "78.9%", "1,320亩", "K12+350", "2026-11-29"):
        assert token in joined, (sheet, token)  # the text is printed at all
        printed_whole = [line for line in lines if token in line.replace(" ", "")]
        pieces = joined.count(token)
        assert len(printed_whole) >= min(pieces, 1), (sheet, paper, landscape, token)
        # Every occurrence of the token sits on one line.
        assert sum(line.replace(" ", "").count(token) for line in lines) == pieces, (
            sheet,
            paper,
            landscape,
            token,
        )


def test_the_notice_keeps_its_figures_on_one_line(store, wordy_project, tmp_path):
    options = ReportOptions(today=date(2026, 12, 6), period="2026-11", landscape=False)
    [out] = render_sheet(store, "notice", tmp_path / "督办.pdf", options, unit="市交通运输局")
    lines = [line.replace(" ", "") for line in _lines(out)]
    import re

    joined = "".join(lines)
    figures = set(re.findall(r"\d+(?:\.\d+)?(?:%|个百分点)|\d{4}年\d{1,2}月\d{1,2}日", joined))
    assert figures, joined
    for figure in figures:
        assert sum(line.count(figure) for line in lines) == joined.count(figure), figure
