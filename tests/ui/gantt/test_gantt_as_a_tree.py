"""The Gantt page behaves as users expect from a tree and from MS Project: ▸ opens a group with
one click, → and ← open and close it, a dragged bar shows its dates, 跳转到今天 centres today,
long names end in "…", and a filter set on the register is shown (and cleared) here."""

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

TODAY = date(2026, 11, 29)  # as in conftest.py


def _group_row(model, collapsed: bool | None = None) -> int:
    return next(
        r
        for r in range(model.rowCount())
        if (g := model.group_at(r)) is not None and (collapsed is None or g.collapsed == collapsed)
    )


def _arrow_point(page, row: int) -> QPoint:
    cell = page.table.visualRect(page.list_model.index(row, 0))
    return QPoint(cell.left() + 8, cell.center().y())


def test_one_click_on_the_arrow_opens_and_closes_a_group(gantt):
    page, ctx, _ids = gantt
    model = ctx.register_model
    page.group_combo.setCurrentIndex(page.group_combo.findData("stage"))
    row = _group_row(model)
    key = model.group_at(row).key
    rows = model.rowCount()
    QTest.mouseClick(page.table.viewport(), Qt.LeftButton, Qt.NoModifier, _arrow_point(page, row))
    assert model.is_collapsed(key) and model.rowCount() < rows
    assert page.list_model.index(row, 0).data().startswith("▸")
    QTest.mouseClick(page.table.viewport(), Qt.LeftButton, Qt.NoModifier, _arrow_point(page, row))
    assert not model.is_collapsed(key) and model.rowCount() == rows
    # a click on the name selects the group without toggling it
    name = page.table.visualRect(page.list_model.index(row, 1)).center()
    QTest.mouseClick(page.table.viewport(), Qt.LeftButton, Qt.NoModifier, name)
    assert not model.is_collapsed(key)


def test_right_and_left_keys_open_and_close_a_group(gantt):
    page, ctx, _ids = gantt
    model = ctx.register_model
    model.set_group_by("stage")
    model.set_all_collapsed(True)
    row = _group_row(model, collapsed=True)
    key = model.group_at(row).key
    page.table.setFocus()
    page.table.setCurrentIndex(page.list_model.index(row, 1))
    QTest.keyClick(page.table, Qt.Key_Right)
    assert not model.is_collapsed(key)
    QTest.keyClick(page.table, Qt.Key_Left)
    assert model.is_collapsed(key)
    # in the chart too
    page.chart.set_selected_row(row)
    QTest.keyClick(page.chart, Qt.Key_Right)
    assert not model.is_collapsed(key)


def test_a_dragged_bar_shows_its_new_dates_and_the_shift(gantt):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_zoom("周")  # 16 px a day
    row = ctx.register_model.row_of(ids["a"])
    chart.scroll_to_date(date(2026, 9, 20))
    x = chart.scale.x(date(2026, 9, 20)) - chart.horizontalScrollBar().value() + 8
    start = QPoint(int(x), int(row * chart.row_height - chart.verticalScrollBar().value() + 10))
    vp = chart.viewport()
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, start)
    QTest.mouseMove(vp, start + QPoint(7 * 16, 0))
    shown = chart.interaction.drag_text
    assert "推迟 7 天" in shown
    assert "计划开工 2026-09-08" in shown and "计划完工 2027-07-07" in shown
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, start + QPoint(7 * 16, 0))
    assert chart.interaction.drag_text == ""


def test_jump_to_today_puts_today_in_the_middle(gantt):
    page, _ctx, _ids = gantt
    for zoom in ("周", "月", "季", "年"):
        page.chart.set_zoom(zoom)
        next(b for b in page.findChildren(QPushButton) if b.text() == "跳转到今天").click()
        x = page.chart.scale.x(TODAY) - page.chart.horizontalScrollBar().value()
        width = page.chart.viewport().width()
        assert abs(x - width / 2) <= 2, zoom


def test_long_names_end_in_an_ellipsis_and_the_export_button_is_whole(gantt, make_project):
    page, ctx, _ids = gantt
    make_project("GT-9", "都江堰灌区续建配套与现代化改造工程德阳段及其配套输水管网延伸工程")
    ctx.register_model.reload()
    page.resize(1150, 600)
    row = next(
        r
        for r in range(page.list_model.rowCount())
        if "都江堰" in page.list_model.index(r, 1).data()
    )
    index = page.list_model.index(row, 1)
    cell = page.table.visualRect(index)
    text = index.data()
    metrics = page.table.fontMetrics()
    assert cell.right() < page.table.viewport().width()  # the column is inside the list
    assert metrics.horizontalAdvance(text) > cell.width()  # so Qt elides it with "…"
    assert page.table.textElideMode() == Qt.ElideRight
    export = page.findChild(QPushButton, "gantt_export")
    assert export.text() == "导出…"
    assert export.width() >= export.sizeHint().width()


def test_a_filter_from_the_register_is_shown_and_can_be_cleared_here(gantt):
    page, ctx, _ids = gantt
    model = ctx.register_model
    assert not page.filter_bar.isVisible()
    model.update_filters(text="S11")
    assert page.filter_bar.isVisible()
    assert page.filter_label.text().startswith("已筛选")
    assert f"{model.shown_count} / {model.total_count}" in page.filter_label.text()
    QTest.mouseClick(page.clear_filter_button, Qt.LeftButton)
    assert not model.filters.active and not page.filter_bar.isVisible()
    assert page.list_model.rowCount() == model.total_count
