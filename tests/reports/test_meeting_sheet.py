"""The 重大项目推进情况表 as a leading-group meeting reads it: the columns such offices print,
the light's reason, columns chosen and kept per sheet, type no smaller than 9 pt, A3 landscape."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.domain.model import AnnualTarget, ProgressReport
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.store.progress import record_report
from desktop_app.store.projects import set_annual_targets

TODAY = date(2026, 12, 6)
_TF = re.compile(rb"/[A-Za-z0-9+_.-]+ ([0-9.]+) Tf")


def font_sizes(path) -> list[float]:
    """Every font size set on any page (the ``Tf`` operators; the sheets draw unscaled)."""
    sizes = []
    for page in PdfReader(str(path)).pages:
        sizes += [float(m.group(1)) for m in _TF.finditer(page.get_contents().get_data())]
    return sizes


def flat(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(str(path)).pages).replace("\n", "")


@pytest.fixture
def bridge(store, make_project):
    pid = make_project(
        "QL-001",
        "绵远河特大桥",
        lead="市交通运输局",
        responsible=("旌阳区",),
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=20,
        total_investment=86000,
    )
    set_annual_targets(store, pid, [AnnualTarget(2026, 12000.0)])
    record_report(
        store,
        ProgressReport(
            pid,
            "2026-11",
            percent_complete=20,
            investment_this_year=4800,
            progress_text="主桥桩基完成过半",
            problems="跨河段施工许可待水利部门批复",
        ),
    )
    return pid


def test_the_overall_sheet_has_the_columns_of_a_progress_table(store, bridge, tmp_path):
    [out] = render_sheet(store, "overall", tmp_path / "总体.pdf", ReportOptions(today=TODAY))
    page = PdfReader(str(out)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)
    text = flat(out)
    head = PdfReader(str(out)).pages[0].extract_text().replace(" ", "")
    for header in (
        "总投资",
        "2026年",
        "计划投资",
        "本年（1—11月）",
        "完成投资",
        "年度投资",
        "完成率",
        "形象",
        "亮灯原因",
        "存在问题",
        "牵头单位",
    ):
        assert header in head, header
    assert "完成(%)" not in text
    # The bridge's row: its figures, the rate worked out, its problem and why its light is on.
    assert "86,000.00" in text and "12,000.00" in text and "4,800.00" in text
    assert "40.0%" in text  # 4,800 of 12,000
    assert "20.0%" in text  # 形象进度, one decimal like every percentage
    assert "跨河段施工许可待水利部门批复" in text
    assert "落后序时进度" in text  # the reason of its yellow or red light
    assert "待填报" in text  # projects of the plan without figures say so


def test_every_yellow_or_red_light_prints_its_reason(store, bridge, tmp_path):
    [out] = render_sheet(
        store, "overall", tmp_path / "a4.pdf", ReportOptions(today=TODAY, paper="A4")
    )
    text = flat(out)
    lights = text.count("黄灯") + text.count("红灯")
    assert lights
    assert text.count("未报送进度") + text.count("落后序时进度") + text.count("待填报") >= 1


@pytest.mark.parametrize(
    ("paper", "landscape", "least"),
    [("A4", False, 9.0), ("A4", True, 9.0), ("A3", True, 10.0), ("A3", False, 10.0)],
)
def test_type_is_large_enough_for_a_meeting(store, bridge, tmp_path, paper, landscape, least):
    options = ReportOptions(today=TODAY, paper=paper, landscape=landscape)
    for sheet in ("overall", "unit"):
        [out] = render_sheet(store, sheet, tmp_path / f"{sheet}.pdf", options, unit="旌阳区")
        sizes = font_sizes(out)
        assert sizes and min(sizes) >= least, (sheet, paper, landscape, sorted(set(sizes)))


def _headers(path) -> list[str]:
    """The column headers of the first page in the order printed (left to right)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((round(tm[5]), tm[4], text.strip()))

    PdfReader(str(path)).pages[0].extract_text(visitor_text=visit)
    return [t for _, _, t in sorted(found, key=lambda f: (-f[0], f[1]))]


def test_columns_are_chosen_ordered_and_kept_per_sheet(store, bridge, tmp_path, capsys):
    db = str(store.path)
    store.close()
    out = tmp_path / "chosen.pdf"
    args = ["--db", db, "report", "overall", str(out), "--period", "2026-11"]
    assert main([*args, "--columns", "存在问题,项目名称,总投资"]) == 0
    text = flat(out)
    assert text.index("存在问题") < text.index("项目名称") < text.index("总投资")
    assert "亮灯原因" not in text and "最新进展" not in text
    # Kept for the overall sheet: the next run without --columns prints the same.
    again = tmp_path / "again.pdf"
    assert main(["--db", db, "report", "overall", str(again), "--period", "2026-11"]) == 0
    text = flat(again)
    assert text.index("存在问题") < text.index("项目名称") and "亮灯原因" not in text
    # Not for the unit sheet.
    unit = tmp_path / "unit.pdf"
    assert main(["--db", db, "report", "unit", str(unit), "--unit", "旌阳区"]) == 0
    assert "亮灯原因" in flat(unit)
    capsys.readouterr()
    # An unknown column is refused, naming it and what exists; nothing is written or kept.
    bad = tmp_path / "bad.pdf"
    assert main([*args[:4], str(bad), "--columns", "项目名称,投资强度"]) == 1
    err = capsys.readouterr().err
    assert "投资强度" in err and "可选的列" in err and "Traceback" not in err
    assert not bad.exists()
    assert main(["--db", db, "report", "overall", str(again), "--columns", "default"]) == 0
    assert "亮灯原因" in flat(again)


def test_a_group_going_on_over_a_page_is_named_again(store, tmp_path):
    import subprocess

    options = ReportOptions(today=TODAY, paper="A4", landscape=False)
    [out] = render_sheet(store, "overall", tmp_path / "续.pdf", options)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    continued = 0
    for page in pages[1:]:
        lines = page.splitlines()
        labels = [i for i, line in enumerate(lines) if "（续）" in line]
        rows = [i for i, line in enumerate(lines) if re.match(r"\s*\d+\s+\S", line)]
        if not labels:
            continue
        continued += 1
        assert len(labels) == 1 and rows and labels[0] < rows[0]  # at the top, once
        assert lines[labels[0]].strip().endswith("（续）")
    assert continued >= 1


@pytest.mark.parametrize(("paper", "landscape"), [("A4", False), ("A4", True), ("A3", True)])
def test_no_column_header_is_cut_short(store, bridge, tmp_path, paper, landscape):
    """Wrapped text columns give room to figures and dates, but never below their own header:
    「牵头单位」 stays whole on portrait A4 rather than 「牵头…」."""
    from desktop_app.reports.progress_sheet import CATALOGUE, default_columns

    options = ReportOptions(today=TODAY, paper=paper, landscape=landscape)
    [out] = render_sheet(store, "overall", tmp_path / "列.pdf", options)
    head = PdfReader(str(out)).pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert "…" not in head
    frame = float(PdfReader(str(out)).pages[0].mediabox.width) - 24 * 72 / 25.4
    for key in default_columns(frame):
        for word in CATALOGUE[key].header.split("\n"):
            if key not in ("plan", "year_done"):  # their headers name the year and months
                assert word in head, (paper, landscape, word)
