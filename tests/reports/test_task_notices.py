"""督办通知单 (PDF) and 督办通知 (Word) cover a unit's late tasks of the year's list beside its
projects: the lead unit answers for the whole task, a 责任 unit for its own part."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from year_list_rows import DRC, GUANGHAN, TRANSPORT, WATER, scenario

from desktop_app.domain.errors import UserError
from desktop_app.services.documents import issued_notices, write_notice_docs
from desktop_app.services.reports import ReportOptions, render_sheet
from desktop_app.services.task_monitoring import issue_supervisions, task_statuses, watch_tasks

TODAY = date(2026, 12, 6)
OPTIONS = ReportOptions(today=TODAY)


@pytest.fixture
def ids(store, make_project):
    return scenario(store, make_project)


def _docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_the_pdf_notice_lists_the_units_late_tasks(store, ids, tmp_path, pdf):
    [out] = render_sheet(store, "notice", tmp_path / "交通.pdf", OPTIONS, unit=TRANSPORT)
    text = "".join("".join(pdf.text(out)).split())  # cells wrap: compare without spaces
    assert "年度重点任务清单中2项任务逾期、将到期或未按时报送（红灯1项、黄灯1项）" in text
    assert "开通成德公交换乘优惠" in text and "完成时限2026-09-30已过67天" in text
    assert "推动德阳高新区与成都协作" in text
    assert "打造成德临界产业带" not in text  # done on time by its lead: nothing to supervise
    # 广汉市 answers for its own part: its 未完成 on T8, not the lead's 推进中 on T7.
    [out] = render_sheet(store, "notice", tmp_path / "广汉.pdf", OPTIONS, unit=GUANGHAN)
    text = "".join("".join(pdf.text(out)).split())
    assert "打造成德临界产业带" in text and "责任单位报告未完成" in text
    assert "推动德阳高新区与成都协作" not in text


def test_every_unit_with_a_late_task_gets_a_notice(store, ids, tmp_path):
    paths = render_sheet(store, "notice", tmp_path / "全部", OPTIONS, unit="all")
    names = {p.name.split("_")[0] for p in paths}
    assert {TRANSPORT, WATER, GUANGHAN} <= names
    assert DRC not in names  # its three tasks are done (one on time, two late): nothing open


def test_the_word_notice_covers_tasks_and_records_them(store, ids, tmp_path):
    late = watch_tasks(task_statuses(store, TODAY))
    issue_supervisions(store, [], late[:1], issued=date(2026, 12, 1), request="月底前完成")
    [path] = write_notice_docs(store, tmp_path / "n.docx", OPTIONS, unit=TRANSPORT)
    text = _docx_text(path)
    assert "关于加快推进滞后" in text and "重点任务" in text
    assert (
        "重点任务：开通成德公交换乘优惠（LT2026-04，完成时限2026-09-30），红灯。"
        "完成时限 2026-09-30 已过 67 天，尚未完成。已逾期67天。月底前完成" in text
    )  # the request of its open 督办
    assert "督办任务清单" in text or "督办项目和任务清单" in text
    (entry,) = issued_notices(store, 2026)
    assert entry["tasks"] == ["LT2026-04", "LT2026-07"]
    assert len(entry["supervisions"]) == 1
    with pytest.raises(UserError, match="没有亮红灯或黄灯的项目或重点任务"):
        write_notice_docs(store, tmp_path / "d.docx", OPTIONS, unit=DRC)


def test_a_unit_with_late_projects_and_tasks_gets_both_in_one_notice(
    store, ids, make_project, tmp_path, pdf
):
    make_project(
        "LATE-7", "逾期的快速路", lead=TRANSPORT, stage="在建", percent_complete=10,
        planned_start=date(2025, 1, 1), planned_end=date(2026, 6, 30),
    )  # fmt: skip
    [out] = render_sheet(store, "notice", tmp_path / "交通.pdf", OPTIONS, unit=TRANSPORT)
    text = "".join("".join(pdf.text(out)).split())
    assert "以下1个项目进度滞后或逾期（红灯1个、黄灯0个），年度重点任务清单中2项任务" in text
    assert text.index("重大项目序号") < text.index("逾期的快速路") < text.index("年度重点任务序号")
    assert text.index("年度重点任务序号") < text.index("开通成德公交")
    [path] = write_notice_docs(store, tmp_path / "n.docx", OPTIONS, unit=TRANSPORT)
    body = _docx_text(path)
    assert "关于加快推进滞后重大项目和重点任务的督办通知" in body
    assert "（一）逾期的快速路（LATE-7）" in body and "（二）重点任务：开通成德公交换乘优惠" in body
    assert "附件：督办项目和任务清单" in body
