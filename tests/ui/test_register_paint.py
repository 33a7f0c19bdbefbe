"""项目库 as painted: rows drawn after scrolling, the selection highlighted, hidden columns left
out, group headers, 待填报 in grey, status lights in their colour and amounts on the right."""

from collections import Counter
from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, QRect, QSettings
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QHeaderView, QTableView

from desktop_app.domain.fields import MISSING
from desktop_app.domain.status import LIGHT_COLORS
from desktop_app.ui.context import AppContext
from desktop_app.ui.register.model import COLUMNS, GREY_TEXT, GROUP_BG, RegisterModel, column_index
from desktop_app.ui.register.page import RegisterView


@pytest.fixture
def model(store, make_project, tmp_path):
    make_project(
        "A-001",
        "金额右对齐测试项目",
        lead="市交通运输局",
        district="旌阳区",
        stage="在建",
        total_investment=123456.78,
        planned_start=date(2025, 1, 1),
        planned_end=date(2027, 12, 31),
        percent_complete=40,
    )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    return RegisterModel(AppContext(store, settings, today=date(2026, 11, 29)))


@pytest.fixture
def view(qtbot, model):
    v = RegisterView(model)
    qtbot.addWidget(v)
    v.resize(1100, 420)
    v.show()
    return v


def snapshot(view) -> QImage:
    return view.viewport().grab().toImage().convertToFormat(QImage.Format_RGB32)


def cell(view, row: int, key: str) -> QRect:
    return view.visualRect(view.model().index(row, column_index(key)))


def band(view, row: int) -> QRect:
    """The painted width of a row (every visible column)."""
    header = view.horizontalHeader()
    rect = cell(view, row, "status")
    return QRect(0, rect.top(), header.length() - header.offset(), rect.height())


def colours(image: QImage, rect: QRect) -> Counter:
    return Counter(
        image.pixel(x, y)
        for y in range(max(rect.top(), 0), min(rect.bottom() + 1, image.height()))
        for x in range(max(rect.left(), 0), min(rect.right() + 1, image.width()))
    )


def ink(image: QImage, rect: QRect) -> tuple[int, int] | None:
    """Leftmost and rightmost x in ``rect`` that differ from the cell's background."""
    background = colours(image, rect).most_common(1)[0][0]
    xs = [
        x
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
        if image.pixel(x, y) != background
    ]
    return (min(xs), max(xs)) if xs else None


def near(a: int, b: QColor, tolerance: int = 24) -> bool:
    c = QColor(a)
    return max(abs(c.red() - b.red()), abs(c.green() - b.green()), abs(c.blue() - b.blue())) <= (
        tolerance
    )


def palette_colour(view, role) -> QColor:
    state = QPalette.Active if view.isActiveWindow() else QPalette.Inactive
    return view.palette().color(state, role)


def test_rows_are_painted_after_scrolling(view):
    model = view.model()
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    image = snapshot(view)
    top = view.rowAt(0)
    assert top > 0
    last = model.rowCount() - 1
    for row in (top, top + 1, last):
        assert ink(image, cell(view, row, "code")) is not None, row
        assert ink(image, cell(view, row, "name")) is not None, row
    base = palette_colour(view, QPalette.Base).rgb()
    alternate = palette_colour(view, QPalette.AlternateBase).rgb()
    shades = {row: colours(image, band(view, row)).most_common(1)[0][0] for row in (top, top + 1)}
    assert shades[top] == (alternate if top & 1 else base)
    assert shades[top + 1] == (alternate if (top + 1) & 1 else base)


def test_selected_row_is_painted_in_the_highlight_colour(view):
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    row = view.rowAt(0) + 2
    view.selectRow(row)
    image = snapshot(view)
    highlight = palette_colour(view, QPalette.Highlight)
    selected = colours(image, band(view, row))
    assert selected.most_common(1)[0][0] == highlight.rgb()
    text = palette_colour(view, QPalette.HighlightedText)
    assert any(near(pixel, text, 8) for pixel in colours(image, cell(view, row, "name")))
    for other in (row - 1, row + 1):
        assert colours(image, band(view, other)).most_common(1)[0][0] != highlight.rgb()
    # The status light stays in its own colour on the highlight.
    light = view.model().status_at(row).light
    assert QColor(LIGHT_COLORS[light]).rgb() in colours(image, cell(view, row, "status"))


def test_a_selected_cell_alone_is_highlighted(view):
    view.selectionModel().select(
        view.model().index(3, column_index("stage")), QItemSelectionModel.ClearAndSelect
    )
    image = snapshot(view)
    highlight = palette_colour(view, QPalette.Highlight).rgb()
    assert colours(image, cell(view, 3, "stage")).most_common(1)[0][0] == highlight
    assert colours(image, cell(view, 3, "code")).most_common(1)[0][0] != highlight


def test_hidden_columns_are_not_painted(view):
    header = view.horizontalHeader()
    # a width of the user's own (the name column otherwise takes all the room the others leave)
    header.setSectionResizeMode(column_index("name"), QHeaderView.Interactive)
    view.setColumnWidth(column_index("name"), 300)
    for i, col in enumerate(COLUMNS):
        view.setColumnHidden(i, col.key not in ("code", "name"))
    header.moveSection(header.visualIndex(column_index("name")), 0)
    image = snapshot(view)
    name, code = cell(view, 1, "name"), cell(view, 1, "code")
    assert name.left() == 0 and code.left() == name.right() + 1
    assert ink(image, name)[0] < name.left() + 8  # the name now comes first
    assert ink(image, code)[0] < code.left() + 8
    right_of_columns = QRect(code.right() + 1, 0, image.width() - code.right() - 1, image.height())
    base = palette_colour(view, QPalette.Base).rgb()
    assert set(colours(image, right_of_columns)) == {base}


def test_group_header_rows_are_painted_on_their_background(view):
    model = view.model()
    model.set_group_by("column")
    assert model.group_at(0) is not None and model.group_at(1) is None
    image = snapshot(view)
    assert colours(image, band(view, 0)).most_common(1)[0][0] == GROUP_BG.rgb()
    # one line "▾ 专栏2 … · 32 个项目" from the first column on, over the empty cells beside it
    assert ink(image, cell(view, 0, "status"))[0] < cell(view, 0, "status").left() + 8
    assert ink(image, cell(view, 0, "name")) is not None
    assert ink(image, cell(view, 0, "code")) is not None
    assert colours(image, band(view, 1)).most_common(1)[0][0] != GROUP_BG.rgb()


def test_missing_values_are_grey_and_amounts_right_aligned(view):
    model = view.model()
    image = snapshot(view)
    plan_row = next(r for r in range(model.rowCount()) if model.project_at(r).code != "A-001")
    assert model.index(plan_row, column_index("planned_end")).data() == MISSING
    missing = colours(image, cell(view, plan_row, "planned_end"))
    assert any(near(pixel, GREY_TEXT, 8) for pixel in missing)
    assert not any(near(pixel, QColor("black"), 60) for pixel in missing)

    row = next(r for r in range(model.rowCount()) if model.project_at(r).code == "A-001")
    view.scrollTo(model.index(row, 0))
    image = snapshot(view)
    amount = cell(view, row, "total_investment")
    left, right = ink(image, amount)
    assert amount.right() - 8 <= right <= amount.right() and left > amount.left() + 20
    code = cell(view, row, "code")
    assert ink(image, code)[0] <= code.left() + 6
    light = QColor(LIGHT_COLORS[model.status_at(row).light]).rgb()
    assert light in colours(image, cell(view, row, "status"))


def test_long_text_is_cut_short_within_its_column(view):
    view.setColumnWidth(column_index("name"), 60)
    image = snapshot(view)
    row = next(
        r for r in range(view.model().rowCount()) if len(view.model().project_at(r).name) > 6
    )
    name = cell(view, row, "name")
    left, right = ink(image, name)
    assert right < name.right() - 1  # ends in "…" inside the column, nothing spills over


class _QtPainted(RegisterView):
    """The same view painted by Qt's own per-cell item painting, for comparison."""

    def paintEvent(self, event):
        QTableView.paintEvent(self, event)


def test_the_table_looks_as_qt_item_painting(qtbot, model):
    views = [RegisterView(model), _QtPainted(model)]
    for v in views:
        qtbot.addWidget(v)
        v.resize(1100, 420)
        v.show()

    def same(change) -> None:
        for v in views:
            change(v)
        ours, qts = (snapshot(v) for v in views)
        # A group header is one line running over its empty cells, which Qt's per-cell painting
        # cannot do: the comparison leaves those rows out.
        for row in range(model.rowCount()):
            if model.group_at(row) is not None and views[0].rowViewportPosition(row) >= 0:
                blank = band(views[0], row)
                for image in (ours, qts):
                    painter = QPainter(image)
                    painter.fillRect(blank, QColor("white"))
                    painter.end()
        assert ours == qts

    same(lambda v: v.verticalScrollBar().setValue(40))
    same(lambda v: v.setColumnWidth(column_index("name"), 90))
    same(lambda v: v.horizontalHeader().moveSection(1, 5))
    same(lambda v: v.setColumnHidden(column_index("reason"), False))
    model.set_group_by("stage")
    model.set_collapsed(model.group_at(0).key, True)
    same(lambda v: v.scrollToTop())


def test_paint_row_agrees_with_data(model):
    def check() -> None:
        for row in range(model.rowCount()):
            is_group, texts, light = model.paint_row(row)
            assert is_group == (model.group_at(row) is not None)
            for col in range(len(COLUMNS)):
                shown = texts[col] if texts[col] is not None or is_group else MISSING
                assert shown == model.index(row, col).data(), (row, COLUMNS[col].key)
            if not is_group:
                assert light == model.status_at(row).light

    check()
    model.set_group_by("district")
    model.set_collapsed(model.group_at(0).key, True)
    check()
