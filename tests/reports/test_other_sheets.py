"""项目进度卡, 督办通知单 and 主要指标完成情况表 read back from the PDF."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_app.domain.model import Milestone, ProgressReport
from desktop_app.services.reports import (
    ReportOptions,
    render_indicator_sheet,
    render_notice,
    render_project_cards,
    render_sheet,
)
from desktop_app.store.indicators import list_indicators, set_actual
from desktop_app.store.progress import record_report
from desktop_app.store.projects import set_milestones
from desktop_app.store.supervision import create_supervision
from desktop_app.store.units import get_unit


@pytest.fixture
def options(today: date) -> ReportOptions:
    return ReportOptions(today=today, period="2026-11", landscape=False)


@pytest.fixture
def late_project(store, make_project):
    pid = make_project(
        "ZZ-100",
        "德阳北站站前广场改造",
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2024, 1, 1),
        planned_end=date(2026, 6, 30),
        percent_complete=60,
    )
    set_milestones(
        store,
        pid,
        [
            Milestone("开工", date(2024, 1, 1), date(2024, 1, 20)),
            Milestone("主体完工", date(2026, 3, 31)),
        ],
    )
    record_report(
        store,
        ProgressReport(
            pid,
            "2026-10",
            percent_complete=60,
            progress_text="站房主体结构完成，正在进行装饰装修。",
            problems="征地拆迁尚有 3 户未签约。",
            next_steps="11月底前完成剩余拆迁。",
        ),
    )
    return pid


def test_project_card(pdf, store, late_project, options, tmp_path):
    out = render_project_cards(store, tmp_path / "卡.pdf", options, projects=["ZZ-100"])
    text = "".join(pdf.text(out)).replace("\n", "").replace(" ", "")
    assert "项目进度卡" in text and "ZZ-100" in text and "德阳北站站前广场改造" in text
    assert "市交通运输局" in text
    assert "主体完工" in text and "未完成，已逾期243天" in text  # 2026-03-31 → 2026-11-29
    assert "已完成，延期19天" in text
    assert "站房主体结构完成" in text and "征地拆迁尚有3户未签约" in text
    assert "11月底前完成剩余拆迁" in text
    assert "第1页共1页" in text


def _fullest(store, codes: list[str]) -> str:
    """The demo project with the most to print: milestones, reports and text."""
    from desktop_app.store.progress import list_reports
    from desktop_app.store.projects import get_project

    def size(code):
        p = get_project(store, code)
        reports = list_reports(store, p.id)[:6]
        text = sum(len(r.progress_text or "") for r in reports)
        return (len(p.milestones), len(reports), len(p.scope or "") + text)

    return max(codes, key=size)


def test_a_project_card_fits_one_landscape_a4_page(pdf, store, tmp_path):
    """Every card of the demo data (and of the built-in plan) on one A4 landscape page:
    关键节点 beside 近期进展, 存在问题 beside 下一步工作."""
    from pypdf import PdfReader

    from desktop_app.services.demo import generate_demo
    from desktop_app.store.projects import list_projects

    generate_demo(store, 40, today=date(2026, 12, 6))
    options = ReportOptions(today=date(2026, 12, 6), paper="A4", landscape=True)
    codes = [p.code for p in list_projects(store) if p.code.startswith("DEMO-")]
    fullest = _fullest(store, codes)
    out = render_project_cards(store, tmp_path / "卡.pdf", options, projects=[fullest])
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace(" ", "")
    for words in ("关键节点", "近期进展（最近6期）", "存在问题", "下一步工作", "第1页共1页"):
        assert words in text
    every = render_project_cards(store, tmp_path / "全部.pdf", options)
    pages = pdf.text(every)
    assert len(pages) == len(list_projects(store))
    assert all("项目编码" in page and "下一步工作" in page for page in pages)


def test_cards_of_a_unit_start_each_on_a_new_page(
    pdf, store, late_project, make_project, options, tmp_path
):
    make_project("ZZ-101", "交通局第二个项目", lead="市交通运输局")
    out = render_project_cards(store, tmp_path / "u.pdf", options, unit="市交通运输局")
    pages = pdf.text(out)
    starts = [i for i, p in enumerate(pages) if "ZZ-10" in p]
    assert any("德阳北站站前广场改造" in p for p in pages)
    assert any("交通局第二个项目" in p for p in pages)
    assert len(starts) >= 2


def test_notice_lists_late_projects_and_reply_date(pdf, store, late_project, options, tmp_path):
    unit = get_unit(store, "市交通运输局")
    create_supervision(
        store,
        late_project,
        unit_id=unit.id,
        issued_date=date(2026, 11, 1),
        reply_by=date(2026, 11, 11),
        reason="计划完工已逾期",
        request="请于 11 月底前提交赶工计划",
        level="黄",
    )
    out = render_notice(store, tmp_path / "督办.pdf", options, unit="市交通运输局")
    # Cells wrap (and a break swallows a space): compare without line breaks and spaces.
    text = "".join(pdf.text(out)).replace("\n", "").replace(" ", "")
    assert "督办通知单" in text and "市交通运输局：" in text
    assert "德阳北站站前广场改造" in text and "已逾期152天" in text  # 2026-06-30 → 2026-11-29
    assert "2026年12月9日" in text  # issue date + 10 days
    assert "请于11月底前提交赶工计划" in text and "未办结的督办事项" in text


def test_notice_for_unit_without_late_projects(pdf, store, options, tmp_path):
    from desktop_app.store.units import add_unit

    add_unit(store, "市测试局", "市级部门")
    out = render_notice(store, tmp_path / "n.pdf", options, unit="市测试局")
    text = "".join(pdf.text(out)).replace("\n", "")
    assert "无滞后或逾期项目" in text and "反馈期限" not in text


def test_indicators_met_and_not_met(pdf, store, options, tmp_path):
    inds = list_indicators(store)
    first, second = inds[0], inds[1]
    set_actual(store, first.id, 2025, first.target + 1)
    set_actual(
        store,
        second.id,
        2025,
        second.target - 1 if second.operator in ("≥", ">") else second.target + 1,
    )
    text = "\n".join(pdf.text(render_indicator_sheet(store, tmp_path / "i.pdf", options)))
    assert "主要指标完成情况表" in text and first.name in text
    assert "已达标 1 项，未达标 1 项" in text
    assert "已达标" in text and "未达标" in text


def test_unit_all_writes_one_file_per_unit_with_projects(store, options, tmp_path):
    from desktop_app.domain.file_names import safe_file_name
    from desktop_app.store.projects import list_projects
    from desktop_app.store.units import list_units

    paths = render_sheet(store, "unit", tmp_path / "分单位", options, unit="all")
    assert all(p.exists() and p.parent.name == "分单位" for p in paths)
    with_projects = [u for u in list_units(store) if list_projects(store, unit_id=u.id)]
    assert sorted(p.name.split("_")[0] for p in paths) == sorted(
        safe_file_name(u.name) for u in with_projects
    )  # no blank sheets for units without projects
    assert any("旌阳区" in p.name for p in paths)


def test_notice_leaves_out_projects_the_unit_only_cooperates_on(
    pdf, store, late_project, options, tmp_path
):
    """ "你单位牵头或负责的" is what it says: a 配合 unit is not answerable for the project."""
    helper = get_unit(store, "市发展改革委")
    with store.write():
        store.conn.execute(
            "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?, ?, '配合')",
            (late_project, helper.id),
        )
    out = render_notice(store, tmp_path / "配合.pdf", options, unit=helper.name)
    text = "".join(pdf.text(out)).replace("\n", "").replace(" ", "")
    assert "德阳北站站前广场改造" not in text


def test_a_past_period_sheet_shows_that_periods_figures(pdf, store, late_project, tmp_path):
    today = date(2026, 12, 6)  # November has ended and is due
    record_report(
        store,
        ProgressReport(late_project, "2026-11", percent_complete=75, progress_text="装修完成过半"),
    )
    past = ReportOptions(today=today, period="2026-10", landscape=True)
    [out] = render_sheet(store, "overall", tmp_path / "十月.pdf", past)
    text = "".join(pdf.text(out)).replace("\n", "").replace(" ", "")
    assert "2026年10月" in text
    assert "站房主体结构完成" in text and "装修完成过半" not in text
    now = ReportOptions(today=today, period="2026-11", landscape=True)
    [out] = render_sheet(store, "overall", tmp_path / "十一月.pdf", now)
    text = "".join(pdf.text(out)).replace("\n", "").replace(" ", "")
    assert "装修完成过半" in text and "75" in text
    [card] = [render_project_cards(store, tmp_path / "卡.pdf", past, projects=["ZZ-100"])]
    assert "装修完成过半" not in "".join(pdf.text(card))


def test_notices_of_all_units_are_each_a_document(pdf, store, late_project, make_project, tmp_path):
    """Without a unit: one notice per unit, each with its title and its own page numbers."""
    from desktop_app.services.documents import set_notice_settings

    # A second unit with a late project (the plan's own projects have no dates: none is late).
    make_project(
        "ZZ-101",
        "旌阳区文庙广场提升",
        lead="旌阳区",
        stage="在建",
        planned_start=date(2024, 1, 1),
        planned_end=date(2026, 3, 31),
        percent_complete=70,
    )
    set_notice_settings(store, contact="李明", phone="0838-2212345")
    options = ReportOptions(today=date(2026, 12, 6), period="2026-11", landscape=False)
    out = render_notice(store, tmp_path / "全部.pdf", options)
    pages = pdf.text(out)
    starts = [i for i, p in enumerate(pages) if p.startswith("督办通知单")]
    assert len(starts) == 2 and starts[0] == 0
    bounds = [*starts, len(pages)]
    for first, end in zip(bounds, bounds[1:], strict=False):
        unit = pages[first].splitlines()[1].split()[0]
        assert f"{unit}：" in pages[first]  # 主送 the unit named under the title
        for k, index in enumerate(range(first, end), start=1):
            assert f"第 {k} 页 共 {end - first} 页" in pages[index]
    text = "".join(pages).replace("\n", "")
    assert "联系人：李明，联系电话：0838-2212345" in text


def test_the_notices_closing_block_is_never_split(store, tmp_path):
    """反馈期限, 落款 and the date stay on one page in every unit's 督办通知单 (a notice whose
    table ends low on its page used to put the date alone on a page of its own)."""
    import subprocess

    from desktop_app.services.demo import generate_demo

    # (60 demo projects: a size at which some notice's table ends low on its page; the last
    # assertion checks the case still happens.)
    generate_demo(store, 60, today=date(2026, 12, 6))
    options = ReportOptions(today=date(2026, 12, 6))
    paths = render_sheet(store, "notice", tmp_path / "督办", options, unit="all")
    assert len(paths) > 5
    split_before = 0
    for path in paths:
        pages = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        pages = ["".join(p.split()) for p in pages if p.strip()]
        [signed] = [i for i, p in enumerate(pages) if "2026年12月6日" in p]
        page = pages[signed]
        assert "反馈期限" in page and page.count("成德同城化发展领导小组办公室") >= 1, path.name
        split_before += signed > 0 and "督办要求" not in page
    assert split_before >= 1  # the case happened: the block went over to a page of its own


def test_a_card_too_full_for_one_page_goes_on_over_pages(pdf, store, make_project, tmp_path):
    """40 关键节点 do not fit beside 近期进展 on one landscape page: the blocks are set one under
    the other and run on over pages, every 关键节点 printed."""
    pid = make_project(
        "ZZ-900", "节点很多的项目", lead="市交通运输局", stage="在建", scope="建设内容" * 60
    )
    names = [f"第{i}号节点" for i in range(1, 41)]
    set_milestones(
        store,
        pid,
        [Milestone(n, date(2026, 1, 1) + timedelta(days=7 * i)) for i, n in enumerate(names)],
    )
    options = ReportOptions(today=date(2026, 12, 6), paper="A4", landscape=True)
    out = render_project_cards(store, tmp_path / "多.pdf", options, projects=["ZZ-900"])
    text = "".join(pdf.text(out)).replace(" ", "").replace("\n", "")
    assert len(pdf.text(out)) >= 2
    assert all(n in text for n in names) and "下一步工作" in text
