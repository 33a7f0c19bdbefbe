"""督办预警 with the year's tasks beside the projects: read the table, filter it, press 发督办 on a
late task and answer the dialog, as the office does."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from year_list_rows import TRANSPORT, WATER, scenario

from desktop_app.store.supervision import list_supervisions
from desktop_app.ui.context import AppContext
from desktop_app.ui.monitoring.supervision_page import WATCH_COLUMNS, SupervisionPage

TODAY = date(2026, 12, 6)
COL = {name: i for i, name in enumerate(WATCH_COLUMNS)}


@pytest.fixture
def page(qtbot, store, make_project):
    ids = scenario(store, make_project)
    make_project(
        "LATE-9", "逾期的道路", lead="广汉市", stage="在建", percent_complete=10,
        planned_start=date(2025, 1, 1), planned_end=date(2026, 6, 30),
    )  # fmt: skip
    ctx = AppContext(store, today=TODAY)
    p = SupervisionPage(ctx)
    ctx.changed.connect(p.refresh)  # as the main window does
    qtbot.addWidget(p)
    p.resize(1500, 700)
    p.show()
    p.ids = ids
    return p


def table_rows(table) -> list[list[str]]:
    return [
        [table.model().index(r, c).data() for c in range(table.model().columnCount())]
        for r in range(table.model().rowCount())
    ]


def row_of(page, code: str) -> list[str]:
    return next(r for r in table_rows(page.watch) if r[COL["编码"]] == code)


def button(root, text: str) -> QPushButton:
    (found,) = [b for b in root.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    return found


def answer_next_dialog(answer) -> list:
    seen = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        seen.append(dialog.windowTitle())
        answer(dialog)

    QTimer.singleShot(0, run)
    return seen


def test_late_tasks_stand_beside_the_projects_with_their_reasons(page):
    kinds = {r[COL["编码"]]: r[COL["类别"]] for r in table_rows(page.watch)}
    assert kinds["LATE-9"] == "项目"
    assert {c for c, k in kinds.items() if k == "任务"} == {"LT2026-04", "LT2026-06", "LT2026-07"}
    t4 = row_of(page, "LT2026-04")
    assert t4[COL["名称"]] == "开通成德公交换乘优惠"
    assert t4[COL["牵头单位"]] == TRANSPORT
    assert t4[COL["原因"]] == "完成时限 2026-09-30 已过 67 天，尚未完成"
    assert (t4[COL["逾期天数"]], t4[COL["最近报送"]]) == ("67", "2026-11（11-28）")
    t6 = row_of(page, "LT2026-06")
    assert t6[COL["原因"]] == f"本期未报送（{WATER}）"
    assert t6[COL["最近报送"]] == "2026-10（10-28）"  # October's report, not November's
    # Done (on time or late) and 持续推进 tasks are not late: none of them is listed.
    assert not {"LT2026-01", "LT2026-02", "LT2026-03", "LT2026-05", "LT2026-08"} & set(kinds)
    assert "任务：红灯 1 项，黄灯 2 项" in page.summary.text()


def test_the_filters_keep_one_kind_and_one_light(page):
    page.kind_box.setCurrentText("任务")
    assert {r[COL["类别"]] for r in table_rows(page.watch)} == {"任务"}
    assert page.watch.model().rowCount() == 3
    page.light_box.setCurrentText("红灯")
    assert [r[COL["编码"]] for r in table_rows(page.watch)] == ["LT2026-04"]
    page.kind_box.setCurrentText("项目")
    assert "LATE-9" in [r[COL["编码"]] for r in table_rows(page.watch)]
    assert {r[COL["类别"]] for r in table_rows(page.watch)} == {"项目"}


def test_pressing_issue_on_a_red_task_writes_its_supervision(qtbot, page, store):
    page.kind_box.setCurrentText("任务")
    row = next(r for r, cells in enumerate(table_rows(page.watch)) if cells[2] == "LT2026-04")
    rect = page.watch.visualRect(page.watch.model().index(row, COL["名称"]))
    qtbot.mouseClick(page.watch.viewport(), Qt.LeftButton, pos=rect.center())
    assert [r.task.code for r in page.selected_tasks()] == ["LT2026-04"]

    def send(dialog):
        dialog.days.setValue(7)
        qtbot.mouseClick(button(dialog, "发出督办"), Qt.LeftButton)

    seen = answer_next_dialog(send)
    qtbot.mouseClick(button(page, "对选中项目、任务发督办…"), Qt.LeftButton)
    assert seen == ["发出督办"]
    (record,) = list_supervisions(store)
    assert (record.task_id, record.project_id, record.unit) == (page.ids["T4"], None, TRANSPORT)
    assert (record.level, record.reply_by) == ("黄", date(2026, 12, 13))  # red starts 黄
    assert record.reason == "完成时限 2026-09-30 已过 67 天，尚未完成"
    assert page.tabs.currentWidget() is page.notices
    (notice,) = table_rows(page.notices)
    assert notice[:4] == ["任务", "LT2026-04", "开通成德公交换乘优惠", TRANSPORT]
    assert row_of(page, "LT2026-04")[COL["督办"]] == "已发（2026-12-06）"
    page.kind_box.setCurrentText("项目")
    assert page.notices.rowCount() == 0  # the task's notice is not a project's
    page.ctx.undo_stack.undo()
    assert list_supervisions(store) == []


def test_double_click_on_a_task_shows_its_units_reports(qtbot, page, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    row = next(r for r, cells in enumerate(table_rows(page.watch)) if cells[2] == "LT2026-07")
    page._edit_watch(page.watch.model().index(row, 0))
    assert "牵头 市交通运输局：2026-11 推进中" in shown[0]
    assert "责任 广汉市：2026-11 已完成" in shown[0]


def test_nothing_selected_says_what_to_select(qtbot, page, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    qtbot.mouseClick(button(page, "对选中项目、任务发督办…"), Qt.LeftButton)
    assert shown == ["请先在预警清单中选择要督办的项目或任务（可多选）。"]


def test_print_notice_for_a_selected_task_is_for_its_lead_unit(qtbot, page, monkeypatch):
    import desktop_app.ui.reports.print_dialog as print_dialog

    asked = []

    class FakeDialog:
        def __init__(self, ctx, parent, *, sheet, unit):
            asked.append((sheet, unit))

        def exec(self):
            return 0

    monkeypatch.setattr(print_dialog, "PrintDialog", FakeDialog)
    row = next(r for r, cells in enumerate(table_rows(page.watch)) if cells[2] == "LT2026-06")
    rect = page.watch.visualRect(page.watch.model().index(row, COL["名称"]))
    qtbot.mouseClick(page.watch.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseClick(button(page, "打印督办通知单…"), Qt.LeftButton)
    assert asked == [("notice", WATER)]
