"""新增项目建议 window, driven as the office would: from 报送情况, accept one, reject another."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt

from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS
from desktop_app.services.exchange import import_return, issue_template
from desktop_app.store.proposals import list_proposals
from desktop_app.ui.context import AppContext
from desktop_app.ui.exchange.page import ReportingPage
from desktop_app.ui.exchange.proposals import COLUMNS
from desktop_app.ui.register.model import RegisterModel

SHOTS = os.environ.get("EXCHANGE_SCREENSHOTS")  # a folder to save screenshots into
KEYS = [c.key for c in TEMPLATE_COLUMNS]


@pytest.fixture
def ctx(store):
    ctx = AppContext(store, today=date(2026, 11, 29))
    ctx.register_model = RegisterModel(ctx)
    return ctx


@pytest.fixture
def page(qtbot, ctx, store, make_project, tmp_path) -> ReportingPage:
    """广汉市 has returned its template with two new projects under its list."""
    make_project("GH-1", "广汉测试道路", lead="广汉市", stage="在建")
    template = issue_template(store, "广汉市", "2026-11", tmp_path / "广汉市模板.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    r = FIRST_DATA_ROW
    while ws.cell(r, 1).value:
        r += 1
    for offset, values in enumerate(
        (
            {
                "name": "广汉新建停车场",
                "lead_unit": "广汉市",
                "planned_start": "2027年3月1日",
                "planned_end": date(2028, 6, 30),
                "annual_plan": 1200,
                "stage": "前期",
                "progress_text": "完成选址",
            },
            {"name": "广汉城北污水管网", "responsible_units": "旌阳区", "stage": "储备"},
        )
    ):
        for key, value in values.items():
            ws.cell(r + offset, KEYS.index(key) + 1).value = value
    path = tmp_path / "广汉市报送.xlsx"
    wb.save(path)
    assert import_return(store, path).status == "applied"
    page = ReportingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    return page


def rows(dialog) -> list[str]:
    return [cell(dialog, r, "项目名称") for r in range(dialog.table.rowCount())]


def cell(dialog, row: int, header: str) -> str:
    return dialog.table.item(row, COLUMNS.index(header)).text()


def test_accept_from_the_reporting_page_puts_the_project_in_the_register(qtbot, ctx, store, page):
    assert page.proposals_button.text() == "新增项目建议（2）"
    dialog = page.open_proposals()
    assert rows(dialog) == ["广汉新建停车场", "广汉城北污水管网"]
    dialog.select("广汉新建停车场")
    shown = {h: cell(dialog, dialog.table.currentRow(), h) for h in COLUMNS}
    assert "T" not in shown.pop("导入时间")
    assert shown == {
        "状态": "待审核",
        "报送单位": "广汉市",
        "项目名称": "广汉新建停车场",
        "建设阶段": "前期",
        "计划开工": "2027年3月1日",
        "计划完工": "2028-06-30",
        "年度计划投资（万元）": "1,200.00",
        "牵头单位": "广汉市",
        "责任单位": "",
        "文件": "广汉市报送.xlsx",
        "处理情况": "",
    }
    assert "形象进度：完成选址" in dialog.detail.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "proposals.png"))

    form = dialog.start_accept()
    qtbot.waitUntil(form.isVisible)
    assert form.inputs["name"].text() == "广汉新建停车场"
    assert form.inputs["code"].text().startswith("XM-")
    assert form.inputs["planned_start"].text() == "2027年3月1日"
    assert form.inputs["annual_plan"].text() == "1200"
    assert (form.stage.currentText(), form.district.currentText()) == ("前期", "广汉市")
    assert form.lead.currentText() == "广汉市"
    assert form.create_button.isEnabled()
    # The office corrects the code and the end date; a wrong date is shown and blocks 创建.
    form.inputs["code"].setText("GH-1")
    form.inputs["planned_end"].setText("2026-12-31")
    assert not form.create_button.isEnabled()
    assert form.error_labels["code"].text() == "项目编码「GH-1」已被其他项目使用"
    assert "早于计划开工" in form.error_labels["planned_end"].text()
    if SHOTS:
        form.grab().save(str(Path(SHOTS) / "proposal_accept.png"))
    form.inputs["code"].setText("GH-2")
    form.inputs["planned_end"].setText("2028-12-31")
    form.set_responsible(["市交通运输局"])
    seen = []
    ctx.changed.connect(seen.append)
    qtbot.mouseClick(form.create_button, Qt.LeftButton)

    assert not form.isVisible()
    model = ctx.register_model
    project = model.project(form.project_id)
    assert project is not None and model.row_of(form.project_id) is not None
    assert (project.code, project.name, project.planned_end) == (
        "GH-2",
        "广汉新建停车场",
        date(2028, 12, 31),
    )
    assert {(u.name, u.role) for u in project.units} == {
        ("广汉市", "牵头"),
        ("市交通运输局", "责任"),
    }
    assert seen and form.project_id in seen[0].projects
    assert rows(dialog) == ["广汉城北污水管网"]
    assert "项目 GH-2 已加入项目库" in dialog.message.text()
    assert page.proposals_button.text() == "新增项目建议（1）"

    # 撤销 takes the project out again and the proposal back to 待审核; 重做 restores both.
    ctx.undo_stack.undo()
    assert model.project(form.project_id) is None
    assert rows(dialog) == ["广汉新建停车场", "广汉城北污水管网"]
    ctx.undo_stack.redo()
    assert model.project(form.project_id).code == "GH-2"
    dialog.set_status("已采纳")
    assert rows(dialog) == ["广汉新建停车场"]
    assert cell(dialog, 0, "处理情况").startswith("已建为项目 GH-2（测试员")


def test_reject_asks_for_a_reason_and_shows_in_the_history(qtbot, ctx, store, page):
    dialog = page.open_proposals()
    dialog.select("广汉城北污水管网")
    ask = dialog.start_reject()
    qtbot.waitUntil(ask.isVisible)
    assert not ask.reject_button.isEnabled()  # no reason, no rejection
    ask.reason.setPlainText("已列入市水利局项目，不再单列")
    if SHOTS:
        ask.grab().save(str(Path(SHOTS) / "proposal_reject.png"))
    qtbot.mouseClick(ask.reject_button, Qt.LeftButton)

    assert not ask.isVisible()
    assert rows(dialog) == ["广汉新建停车场"]
    assert page.proposals_button.text() == "新增项目建议（1）"
    assert "广汉城北污水管网" not in {s.project.name for s in ctx.register_model.project_statuses()}
    dialog.set_status("已驳回")
    assert rows(dialog) == ["广汉城北污水管网"]
    assert cell(dialog, 0, "处理情况").startswith("理由：已列入市水利局项目，不再单列（测试员")
    assert "处理情况：已驳回" in dialog.detail.text()
    assert not dialog.accept_button.isEnabled() and dialog.reopen_button.isEnabled()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "proposals_rejected.png"))

    # A rejection made by mistake goes back to 待审核.
    dialog.reopen()
    assert rows(dialog) == []
    assert [p.name for p in list_proposals(store)] == ["广汉新建停车场", "广汉城北污水管网"]
    assert page.proposals_button.text() == "新增项目建议（2）"


def test_closing_the_accept_form_with_corrections_asks_first(qtbot, ctx, store, page):
    from PySide6.QtWidgets import QMessageBox

    dialog = page.open_proposals()
    dialog.select("广汉新建停车场")
    form = dialog.start_accept()
    qtbot.waitUntil(form.isVisible)
    form.reject()  # nothing corrected: closes without asking
    assert not form.isVisible() and form.close_question is None

    form = dialog.start_accept()
    qtbot.waitUntil(form.isVisible)
    form.inputs["code"].setText("GH-9")
    form.reject()  # Esc, 取消 or the close button
    box = form.close_question
    assert box is not None and "关闭前要创建项目吗" in box.text()
    assert box.button(QMessageBox.Save).text() == "创建项目"
    box.button(QMessageBox.Cancel).click()  # 继续编辑
    assert form.isVisible() and form.inputs["code"].text() == "GH-9"
    form.reject()
    form.close_question.button(QMessageBox.Save).click()  # 创建项目
    assert not form.isVisible() and ctx.register_model.project(form.project_id).code == "GH-9"
    assert rows(dialog) == ["广汉城北污水管网"]
