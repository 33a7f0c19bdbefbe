"""The Gantt page as a user drives it: drag bars, undo, group summaries, links, baselines."""

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from desktop_app.domain.schedule import summarize
from desktop_app.services import schedule
from desktop_app.store.projects import get_project


def _bar_point(chart, row: int, day: date) -> QPoint:
    x = chart.scale.x(day) - chart.horizontalScrollBar().value() + chart.scale.px_per_day / 2
    y = row * chart.row_height - chart.verticalScrollBar().value() + 10
    return QPoint(int(x), int(y))


def _drag(chart, start: QPoint, dx: int) -> None:
    vp = chart.viewport()
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, start)
    for step in (dx // 3, 2 * dx // 3, dx):
        QTest.mouseMove(vp, start + QPoint(step, 0))
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, start + QPoint(dx, 0))


def test_dragging_a_bar_moves_it_and_undo_restores(gantt):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_zoom("周")  # 16 px a day, snapping to days
    row = ctx.register_model.row_of(ids["a"])
    chart.scroll_to_date(date(2026, 9, 1))
    point = _bar_point(chart, row, date(2026, 9, 20))
    _drag(chart, point, 10 * 16)
    p = get_project(ctx.store, ids["a"])
    assert (p.planned_start, p.planned_end) == (date(2026, 9, 11), date(2027, 7, 10))
    assert ctx.undo_stack.count() == 1
    assert ctx.undo_stack.undoText() == "移动 成德S11线 计划工期"
    # the chart shows the new dates (the model reloaded through ctx.changed)
    assert chart.layout_.rows[row].plan[0] == date(2026, 9, 11).toordinal()

    ctx.undo_stack.undo()
    p = get_project(ctx.store, ids["a"])
    assert (p.planned_start, p.planned_end) == (date(2026, 9, 1), date(2027, 6, 30))
    ctx.undo_stack.redo()
    assert get_project(ctx.store, ids["a"]).planned_start == date(2026, 9, 11)


def test_dragging_the_end_resizes_snapping_to_weeks_when_zoomed_out(gantt):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_zoom("季")  # 1.2 px a day, snapping to weeks
    row = ctx.register_model.row_of(ids["b"])
    chart.scroll_to_date(date(2026, 6, 1))
    end_x = chart.scale.x(date(2027, 1, 1)) - chart.horizontalScrollBar().value()
    y = row * chart.row_height - chart.verticalScrollBar().value() + 10
    _drag(chart, QPoint(int(end_x), y), 40)  # 40 px ≈ 33 days → 5 weeks
    p = get_project(ctx.store, ids["b"])
    assert p.planned_start == date(2026, 3, 1)
    assert p.planned_end == date(2026, 12, 31) + timedelta(days=35)
    assert ctx.undo_stack.undoText() == "修改 天府大道北延 计划完工"
    ctx.undo_stack.undo()
    assert get_project(ctx.store, ids["b"]).planned_end == date(2026, 12, 31)


def test_a_click_without_moving_changes_nothing(gantt):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_zoom("周")
    row = ctx.register_model.row_of(ids["a"])
    chart.scroll_to_date(date(2026, 9, 1))
    _drag(chart, _bar_point(chart, row, date(2026, 9, 20)), 0)
    assert ctx.undo_stack.count() == 0
    assert page.table.currentIndex().row() == row  # the click selected the row in the list too


def test_selecting_from_the_chart_keeps_the_list_scrolled_to_its_left_edge(gantt):
    page, ctx, ids = gantt
    page.table.resize(160, page.table.height())
    page.table.horizontalScrollBar().setValue(0)
    page.chart.rowClicked.emit(1)
    assert page.table.currentIndex().row() == 1
    assert page.table.horizontalScrollBar().value() == 0  # code and light still in view


def test_grouped_summary_bar_equals_its_children(gantt):
    page, ctx, ids = gantt
    model = ctx.register_model
    model.set_group_by("stage")
    grow = next(
        i
        for i in range(model.rowCount())
        if model.group_at(i) and ids["a"] in model.group_at(i).project_ids
    )
    group = page.chart.layout_.rows[grow]
    members = [model.project(pid) for pid in model.group_at(grow).project_ids]
    assert group.kind == "group" and len(members) >= 2
    assert group.plan == (
        min(m.planned_start for m in members if m.planned_start).toordinal(),
        max(m.planned_end for m in members if m.planned_end).toordinal(),
    )
    assert group.plan == (date(2026, 3, 1).toordinal(), date(2027, 6, 30).toordinal())
    assert group.percent == 52.5  # (300×40 + 100×90) / 400; the undated ones weigh nothing
    assert group.percent == summarize(members).percent
    # collapsing the group keeps its summary
    model.toggle_group(group.key)
    collapsed = next(r for r in page.chart.layout_.rows if r.key == group.key)
    assert (collapsed.plan, collapsed.percent) == (group.plan, group.percent)


def test_violated_dependency_is_flagged_and_drawn(gantt, make_project):
    page, ctx, ids = gantt
    later = make_project(
        "GT-3", "S11线配套", planned_start=date(2027, 8, 1), planned_end=date(2028, 6, 30)
    )
    # 天府大道北延 must finish before S11线 starts, but S11线 started 2026-09-10, 112 days early
    schedule.add_dependency(ctx.store, ids["b"], ids["a"])
    schedule.add_dependency(ctx.store, ids["a"], later)  # kept: starts after S11线 ends
    ctx.notify(schedule.Changes(schedule=True, all_projects=True))
    links = {
        (li.link.pred_project_id, li.link.succ_project_id): li for li in page.chart.layout_.links
    }
    assert links[(ids["b"], ids["a"])].violated_days == 112
    assert links[(ids["a"], later)].violated_days == 0
    chart = page.chart
    chart.set_zoom("月")
    chart.scroll_to_date(date(2026, 6, 1))
    succ_row = links[(ids["b"], ids["a"])].succ_row
    chart.scroll_to_row(succ_row)
    image = chart.viewport().grab().toImage()
    sx = int(chart.scale.x(date(2026, 9, 10)) - chart.horizontalScrollBar().value())
    sy = succ_row * chart.row_height - chart.verticalScrollBar().value() + 10
    reds = sum(
        1
        for x in range(sx - 24, sx + 2)
        for y in range(sy - 8, sy + 8)
        if image.pixelColor(x, y).name() == "#d93025"
    )
    assert reds > 20  # the violated link is drawn red


def test_baseline_shows_slipped_projects(gantt, monkeypatch):
    page, ctx, ids = gantt
    assert page.save_baseline_named("2026年初计划")
    assert page.baseline_combo.currentText() == "2026年初计划"
    schedule.set_planned_span(ctx.store, ids["a"], date(2026, 9, 1), date(2027, 9, 30))
    ctx.notify(schedule.Changes(projects=frozenset({ids["a"]})))
    assert page.slipped_rows() == [(ids["a"], "GT-1 成德S11线", 92)]
    assert page.slipped.isVisible()
    assert "延误 92 天" in page.slipped.item(1).text()
    ctx.undo_stack.undo()  # the baseline itself is undoable
    assert page.baseline_combo.count() == 1


def test_double_click_opens_the_editor(gantt, qtbot):
    page, ctx, ids = gantt
    chart = page.chart
    row = ctx.register_model.row_of(ids["b"])
    point = QPoint(5, row * chart.row_height - chart.verticalScrollBar().value() + 10)
    with qtbot.waitSignal(ctx.edit_project_requested) as blocker:
        QTest.mouseDClick(chart.viewport(), Qt.LeftButton, Qt.NoModifier, point)
    assert blocker.args == [ids["b"]]


def test_keyboard_moves_the_current_row(gantt):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_selected_row(0)
    QTest.keyClick(chart, Qt.Key_Down)
    assert chart.selected_row == 1
    assert page.table.currentIndex().row() == 1
    QTest.keyClick(chart, Qt.Key_End, Qt.ControlModifier)
    last = ctx.register_model.rowCount() - 1
    assert chart.selected_row == last
    # the main window's 编辑/删除/历史 act on the current row of this page
    assert page.selected_project_ids() == [ctx.register_model.project_at(last).id]


def test_links_added_from_the_page_are_undoable(gantt):
    page, ctx, ids = gantt
    assert page.link(ids["b"], ids["a"], 0)
    assert ctx.undo_stack.undoText() == "添加前置关系 天府大道北延 → 成德S11线"
    [li] = page.chart.layout_.links
    assert li.violated_days == 112
    ctx.undo_stack.undo()
    assert page.chart.layout_.links == []
    ctx.undo_stack.redo()
    [li] = page.chart.layout_.links
    page.unlink(li.link)
    assert page.chart.layout_.links == []


def test_a_link_between_milestones_is_chosen_in_the_dialog_and_drawn(gantt, qtbot, monkeypatch):
    """成德S11线 may only reach 主体完工 after 天府大道北延's 通车 milestone, 30 days later."""
    from PySide6.QtWidgets import QDialog

    from desktop_app.domain.model import Milestone
    from desktop_app.services.changes import Changes
    from desktop_app.store.projects import save_project
    from desktop_app.ui.gantt.link_dialog import LinkDialog

    page, ctx, ids = gantt
    save_project(ctx.store, ids["b"], fields={}, milestones=[Milestone("通车", date(2026, 11, 30))])
    save_project(
        ctx.store, ids["a"], fields={}, milestones=[Milestone("主体完工", date(2026, 12, 15))]
    )
    ctx.notify(Changes(projects=frozenset(ids.values())))
    pred, succ = get_project(ctx.store, ids["b"]), get_project(ctx.store, ids["a"])

    dialog = LinkDialog(pred, succ)
    qtbot.addWidget(dialog)
    texts = [dialog.pred_end.itemText(i) for i in range(dialog.pred_end.count())]
    assert texts == ["项目完工（2026-12-31）", "节点「通车」（计划 2026-11-30）"]
    assert dialog.succ_start.itemText(1) == "节点「主体完工」（计划 2026-12-15）"

    def choose(self):
        self.pred_end.setCurrentIndex(1)
        self.succ_start.setCurrentIndex(1)
        self.lag.setValue(30)
        return QDialog.Accepted

    monkeypatch.setattr(LinkDialog, "exec", choose)
    page._ask_link(ids["b"], ids["a"])
    [li] = page.chart.layout_.links
    assert li.link.pred_milestone_id == pred.milestones[0].id
    assert li.link.succ_milestone_id == succ.milestones[0].id
    # drawn from the 通车 diamond to the 主体完工 diamond; 11-30 + 30 days > 12-15: 15 days early
    assert (li.finish, li.start) == (date(2026, 11, 30).toordinal(), date(2026, 12, 15).toordinal())
    assert li.violated_days == 15
    ctx.undo_stack.undo()
    assert page.chart.layout_.links == []
    ctx.undo_stack.redo()
    [li] = page.chart.layout_.links
    assert li.link.succ_milestone_id == succ.milestones[0].id


def test_the_menu_names_the_milestones_of_a_link(gantt):
    from desktop_app.domain.model import Milestone, Project
    from desktop_app.domain.schedule import Link
    from desktop_app.ui.gantt.link_dialog import link_label

    a = Project(
        "A", "GT-1", "成德S11线", milestones=[Milestone("主体完工", date(2026, 12, 15), None, 7)]
    )
    b = Project(
        "B", "GT-2", "天府大道北延", milestones=[Milestone("通车", date(2026, 11, 30), None, 8)]
    )
    projects = {"A": a, "B": b}
    plain = Link(1, "B", "A")
    assert link_label(plain, projects, "A") == "与「天府大道北延」的前后置关系"
    between = Link(2, "B", "A", 30, 8, 7)
    assert (
        link_label(between, projects, "B")
        == "与「成德S11线」的前后置关系（节点「通车」 → 节点「主体完工」）"
    )
