"""总体进度表 / 分单位进度表 as a user reads them: titles, names, page numbers, totals, layout."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.domain.model import AnnualTarget
from desktop_app.domain.money import format_wan_column, format_yi
from desktop_app.domain.status import evaluate
from desktop_app.reports.fonts import BUNDLED, FALLBACK, covered, fallback_fonts, register_fonts
from desktop_app.reports.page import PageSetup, SheetDocument
from desktop_app.reports.progress_sheet import (
    COLUMNS,
    ProgressSheet,
    SheetRow,
    layout_for,
    make_groups,
    printed_columns,
    render_progress_sheet,
)
from desktop_app.services.progress import Cancelled
from desktop_app.services.reports import ReportOptions, render_overall, render_unit
from desktop_app.store.projects import get_project, list_projects, set_annual_targets
from desktop_app.store.units import add_unit


@pytest.fixture
def options(today: date) -> ReportOptions:
    return ReportOptions(today=today, period="2026-11", landscape=True)


def test_overall_sheet_titles_names_pages_and_totals(pdf, store, make_project, options, tmp_path):
    a = make_project(
        "ZZ-001",
        "成德S11线市域铁路工程",
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=40,
        investment_to_date=12345.5,
    )
    make_project("ZZ-002", "德阳东站综合交通枢纽", lead="市交通运输局", investment_to_date=100)
    set_annual_targets(store, a, [AnnualTarget(2026, 5000.0)])
    out = render_overall(store, tmp_path / "总体进度表.pdf", options)

    pages = pdf.text(out)
    text = "\n".join(pages)
    assert "成德同城化重大项目推进情况表（截至2026年11月底）" in pages[0]
    assert "成德同城化发展领导小组办公室" in pages[0] and "打印日期：2026-11-29" in pages[0]
    assert "数据截至：2026年11月29日" in pages[0]
    for header in (
        "总投资",
        "计划投资",
        "本年（1—11月）",
        "年度投资",
        "形象",
        "亮灯原因",
        "存在问题",
    ):
        assert header in pages[0], header
    flat = text.replace("\n", "")
    assert "成德S11线市域铁路工程" in flat and "德阳东站综合交通枢纽" in flat
    n = len(pages)
    assert n > 1
    for i, page in enumerate(pages, start=1):
        assert f"第 {i} 页 共 {n} 页" in page
        assert "项目名称" in page  # the header is on every page
    projects = list_projects(store)
    done = sum(p.investment_to_date or 0 for p in projects)
    plan = sum(p.annual_plan(2026) or 0 for p in projects)
    assert f"合计：{len(projects)} 个项目" in text
    # Totals in 亿元 from one 亿 up, else in the column's 万元.
    assert done >= 10000 and format_yi(done) in pages[-1]
    assert format_wan_column(plan) in pages[-1]
    assert "小计" in text and "专栏" in text


def test_every_font_is_embedded(pdf, store, options, tmp_path):
    out = render_overall(store, tmp_path / "a.pdf", options)
    fonts = pdf.fonts(out)
    assert fonts
    assert all(pdf.embedded(f) for f in fonts), [f.get("/BaseFont") for f in fonts]
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
        rows = listing.splitlines()[2:]
        assert rows and all(" yes yes " in r or " yes no " in r for r in rows), listing


def test_grouping_by_district_and_lead(pdf, store, make_project, today, tmp_path):
    make_project("ZZ-010", "旌阳区测试项目", lead="市交通运输局", district="旌阳区")
    for grouping, label in (("district", "旌阳区（"), ("lead", "市交通运输局（")):
        out = render_overall(
            store, tmp_path / f"{grouping}.pdf", ReportOptions(today=today, grouping=grouping)
        )
        assert label in "\n".join(pdf.text(out))


def test_districts_come_in_the_offices_order_not_by_character_code(
    pdf, store, make_project, today, tmp_path
):
    for i, district in enumerate(("中江县", "广汉市", "旌阳区")):
        make_project(f"ZZ-02{i}", f"{district}测试项目", district=district)
    out = render_overall(
        store, tmp_path / "区县.pdf", ReportOptions(today=today, grouping="district")
    )
    text = "\n".join(pdf.text(out))
    positions = [text.index(f"{d}（") for d in ("旌阳区", "广汉市", "中江县")]
    assert positions == sorted(positions)


def test_empty_unit_says_no_projects(pdf, store, options, tmp_path):
    add_unit(store, "市测试局", "市级部门")
    out = render_unit(store, "市测试局", tmp_path / "市测试局.pdf", options)
    text = pdf.text(out)
    assert len(text) == 1
    assert "推进情况表" in text[0] and "市测试局" in text[0] and "无项目" in text[0]
    assert "第 1 页 共 1 页" in text[0]


def test_unit_sheet_lists_only_its_projects(pdf, store, make_project, options, tmp_path):
    make_project("ZZ-020", "凯州新城测试道路", lead="市交通运输局")
    make_project("ZZ-021", "教育局测试学校", lead="市教育局")
    text = "\n".join(pdf.text(render_unit(store, "市教育局", tmp_path / "u.pdf", options)))
    assert "教育局测试学校" in text and "凯州新城测试道路" not in text


def _positions(path: Path, needle_chars: set[str]) -> list[tuple[float, str, int]]:
    """(x, text, page) of every drawn text piece made only of ``needle_chars``."""
    found = []
    for number, page in enumerate(PdfReader(str(path)).pages):

        def visit(text, cm, tm, font_dict, font_size, number=number):
            piece = text.strip()
            if piece and set(piece) <= needle_chars:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                found.append((x, piece, number))

        page.extract_text(visitor_text=visit)
    return found


def test_long_name_and_long_progress_text_stay_in_their_cells(tmp_path, today):
    from desktop_app.domain.model import Project

    # Characters found nowhere else on the page, so that their positions can be picked out.
    name = ("甲乙丙丁戊己庚辛壬癸XYZ" * 15)[:200]
    progress = ("子丑寅卯（辰巳午），未申酉戌亥；乾坤震巽「坎离」艮兑。" * 80)[:2000]
    project = Project(
        "p1",
        "LONG-1",
        name,
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 1, 1),
        percent_complete=50,
        last_progress_text=progress,
    )
    status = evaluate(project, today)
    setup = PageSetup("总体进度表", "2026年11月", printed=today)
    sheet = ProgressSheet(
        setup, make_groups([SheetRow(project, status, None)], "column"), today, 2026
    )
    out = render_progress_sheet(sheet, tmp_path / "long.pdf")

    doc = SheetDocument(tmp_path / "probe.pdf", setup)
    columns = printed_columns(sheet, doc.frame_width)
    layout = layout_for(doc, columns)
    font = register_fonts().body
    edges = [doc.leftMargin]
    for w in layout.widths:
        edges.append(edges[-1] + w)
    keys = [c.key for c in columns]
    from desktop_app.reports.text import text_width

    for key, text in (("name", name), ("text", progress)):
        i = keys.index(key)
        left, right = edges[i], edges[i + 1]
        pieces = _positions(out, set(text))
        assert pieces, key
        # Every character printed, in order, across the lines and pages.
        assert "".join(p for _, p, _ in pieces) == text
        for x, piece, _ in pieces:
            assert x >= left - 0.01, (key, x, left)
            assert x + text_width(piece, font, layout.size) <= right + 0.01, (key, piece)
    assert len(PdfReader(str(out)).pages) >= 2  # the 2,000 characters continue on a next page


def test_more_characters_than_one_font_subset_all_print(pdf, tmp_path, today):
    from desktop_app.domain.model import Project

    # 752 different characters: the embedded font is split into several 256-glyph subsets, and
    # a line often switches between them.
    hanzi = "".join(
        bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xB8) for lo in range(0xA1, 0xFF)
    )
    names = [hanzi[i : i + 10] for i in range(0, len(hanzi), 10)]
    texts = [hanzi[::-1][i : i + 10] + "（S11线）" for i in range(0, len(hanzi), 10)]
    # A character beyond the serif face's set (GB2312 and the program's own text) is drawn from
    # the bundled 黑体 face, one only in CJK Extension A from Droid Sans Fallback; 𪚥 is in no
    # bundled face: printed as □, so the reader sees a character is there.
    fonts = register_fonts()
    assert fallback_fonts() == (BUNDLED, FALLBACK)
    body, hei, droid = (covered(f) for f in (fonts.body, BUNDLED, FALLBACK))
    in_hei = next(chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in body and chr(c) in hei)
    in_droid = next(
        chr(c)
        for c in range(0x3400, 0x4DB6)
        if chr(c) not in body and chr(c) not in hei and chr(c) in droid
    )
    lacking = f"缺字{in_hei}{in_droid}𪚥测试"
    rows = []
    for i, (name, text) in enumerate(zip([lacking, *names], ["—", *texts], strict=True)):
        project = Project(f"p{i}", f"MANY-{i:03d}", name, stage="在建", last_progress_text=text)
        rows.append(SheetRow(project, evaluate(project, today), None))
    setup = PageSetup("总体进度表", "2026年11月", printed=today)
    out = render_progress_sheet(
        ProgressSheet(setup, make_groups(rows, "column"), today, 2026), tmp_path / "many.pdf"
    )

    printed = "".join("".join(pdf.text(out)).split())
    for text in names + texts:
        assert text in printed
    assert f"缺字{in_hei}{in_droid}□测试" in printed
    faces = pdf.fonts(out)
    for name in ("UMingCN", "WenQuanYiMicroHei", "DroidSansFallback"):
        assert any(name in str(f.get("/BaseFont")) for f in faces), name
    assert faces and all(pdf.embedded(f) for f in faces)


def test_cancel_leaves_no_file(store, options, tmp_path):
    out = tmp_path / "cancelled.pdf"

    def progress(done, total, text=""):
        if done >= 1:
            raise Cancelled()

    with pytest.raises(Cancelled):
        render_overall(store, out, options, progress=progress)
    assert not out.exists()
    assert not list(tmp_path.glob("*.part.pdf"))


def test_a3_portrait_and_existing_file_replaced(store, options, tmp_path):
    out = tmp_path / "a3.pdf"
    out.write_bytes(b"old")
    from dataclasses import replace

    render_overall(store, out, replace(options, paper="A3", landscape=False))
    box = PdfReader(str(out)).pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 1191
    assert get_project(store, list_projects(store)[0].code)  # store untouched and usable


def test_portrait_a4_keeps_codes_and_dates_whole(pdf, store, make_project, today, tmp_path):
    make_project(
        "DEMO-12345",
        "纵向纸张测试项目",
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        investment_to_date=123456.78,
    )
    options = ReportOptions(
        today=today,
        period="2026-11",
        paper="A4",
        landscape=False,
        columns=("code", "name", "start", "end", "done", "light", "text"),
    )
    out = render_unit(store, "市交通运输局", tmp_path / "portrait.pdf", options)
    text = "\n".join(pdf.text(out))
    assert "DEMO-12345" in text and "2025-01-01" in text and "2027-12-31" in text
    assert "123,456.78" in text
    assert "…" not in text  # nothing cut short to fit a column


def test_big_totals_are_printed_whole_on_portrait_paper(pdf, store, make_project, today, tmp_path):
    """Totals of a large register (hundreds of millions of 万元) are never cut to fit."""
    for i in range(3):
        make_project(
            f"BIG-{i}",
            f"特大项目{i}",
            lead="市交通运输局",
            stage="在建",
            planned_start=date(2025, 1, 1),
            planned_end=date(2030, 12, 31),
            investment_to_date=96_296_001.34,
        )
    options = ReportOptions(
        today=today, period="2026-11", paper="A4", landscape=False, columns=("name", "done")
    )
    out = render_unit(store, "市交通运输局", tmp_path / "big.pdf", options)
    text = "\n".join(pdf.text(out))
    assert "28,888.80亿元" in text  # the unit's total, in 亿元
    assert "96,296,001.34" in text
    assert "…" not in text


def test_a_group_label_never_stands_alone_at_the_foot_of_a_page():
    from desktop_app.reports.table import GridChunk, GridLayout, Row

    fonts = register_fonts()
    layout = GridLayout(
        COLUMNS, 700, font=fonts.body, heading_font=fonts.heading, size=8, max_row_height=500
    )
    blank = [""] * (len(COLUMNS) - 1)
    rows = [Row(["1", *blank]), Row(["2", *blank]), Row(["专栏7（2 个项目）", *blank], "group")]
    rows += [Row(["3", *blank]), Row(["4", *blank])]
    chunk = GridChunk(layout, rows)
    room = sum(chunk.heights[:3]) + 1  # the page has room down to the group's label
    first, rest = chunk.split(700, room)
    assert [r.kind for r in first.rows] == ["data", "data"]
    assert rest.rows[0].kind == "group" and rest.rows[1].cells[0] == "3"


def test_no_chunk_of_rows_ends_with_a_group_label():
    """A page may end where one chunk of rows ends: a label there would stand alone."""
    from desktop_app.reports.table import GridLayout, Row, grid_chunks

    fonts = register_fonts()
    layout = GridLayout(
        COLUMNS, 700, font=fonts.body, heading_font=fonts.heading, size=8, max_row_height=500
    )
    blank = [""] * (len(COLUMNS) - 1)
    rows = [Row([str(i), *blank]) for i in range(1, 40)]
    rows += [Row(["专栏8（2 个项目）", *blank], "group"), Row(["40", *blank])]
    rows += [Row([str(i), *blank]) for i in range(41, 90)]
    chunks = grid_chunks(layout, rows, chunk=40)
    assert all(c.rows[-1].kind != "group" for c in chunks)
    assert sum(len(c.rows) for c in chunks) == len(rows)
    assert chunks[1].rows[0].cells[0] == "41"  # the label went with its first row
