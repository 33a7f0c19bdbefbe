"""Mouse and keyboard on the Gantt chart: drag to move or resize a bar (snapping to days or
weeks by zoom), Ctrl+wheel zoom, tooltips with a project's key facts, row navigation.

A drag only previews while the mouse moves; on release the chart emits ``spanEdited`` once,
which the page turns into one undoable command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QToolTip

from ...domain.money import format_amount, format_percent
from .rows import MS_DONE, MS_OVERDUE, RowInfo

if TYPE_CHECKING:
    from .chart import GanttChart

EDGE = 5  # pixels around a bar end that grab the end instead of the whole bar


@dataclass
class Drag:
    row: int
    mode: str  # "move", "start" or "end"
    press_x: float
    start: int  # ordinals of the planned span when the drag began
    end: int
    delta: int = 0

    def span(self) -> tuple[int, int]:
        s, e = self.start, self.end
        if self.mode == "move":
            return s + self.delta, e + self.delta
        if self.mode == "start":
            return min(s + self.delta, e), e
        return s, max(e + self.delta, s)


def drag_text(mode: str, start: int, end: int, delta: int) -> str:
    """What a drag shows while the mouse moves: the new dates and the shift in days."""
    what = {"move": "移动", "start": "调整开工", "end": "调整完工"}[mode]
    shift = "不变" if delta == 0 else f"{'推迟' if delta > 0 else '提前'} {abs(delta)} 天"
    return (
        f"{what}：{shift}\n"
        f"计划开工 {date.fromordinal(start).isoformat()}\n"
        f"计划完工 {date.fromordinal(end).isoformat()}（工期 {end - start + 1} 天）"
    )


def _fmt(d: date | None) -> str:
    return d.isoformat() if d else "待填报"


def tooltip_text(info: RowInfo, milestone: str | None = None) -> str:
    if info.kind == "group":
        pct = format_percent(info.percent, missing="—")
        return f"{info.label}\n{info.count} 个项目，按投资加权完成 {pct}"
    p, s = info.project, info.status
    lines = [f"{p.code} {p.name}", f"阶段：{p.stage}    状态：{s.name if s else '—'}"]
    lines.append(f"计划：{_fmt(p.planned_start)} 至 {_fmt(p.planned_end)}")
    if p.actual_start or p.actual_end:
        lines.append(
            f"实际：{_fmt(p.actual_start)} 至 {p.actual_end.isoformat() if p.actual_end else '进行中'}"
        )
    if p.percent_complete is not None:
        lines.append(f"完成：{format_percent(p.percent_complete)}")
    if p.total_investment is not None:
        lines.append(f"总投资：{format_amount(p.total_investment)}")
    if p.lead_unit:
        lines.append(f"牵头单位：{p.lead_unit}")
    if info.slip_days:
        lines.append(f"较基线{'推迟' if info.slip_days > 0 else '提前'} {abs(info.slip_days)} 天")
    if s and s.reason:
        lines.append(f"说明：{s.reason}")
    if milestone:
        lines.append(milestone)
    return "\n".join(lines)


class ChartInteraction:
    def __init__(self, chart: GanttChart):
        self.chart = chart
        self.drag: Drag | None = None
        self.drag_text = ""  # shown beside the mouse while a bar is dragged

    # -- hit testing -------------------------------------------------------------------------

    def _content(self, pos) -> tuple[float, float]:
        c = self.chart
        return pos.x() + c.horizontalScrollBar().value(), pos.y() + c.verticalScrollBar().value()

    def _bar_hit(self, row: int, x: float) -> str | None:
        info = self.chart.layout_.rows[row]
        if info.kind != "project" or info.plan is None:
            return None
        scale = self.chart.scale
        left = scale.x_ord(info.plan[0])
        right = scale.x_ord(info.plan[1] + 1)
        if abs(x - left) <= EDGE and right - left > 2 * EDGE:
            return "start"
        if abs(x - right) <= EDGE:
            return "end"
        if left <= x <= right:
            return "move"
        return None

    def _milestone_at(self, info: RowInfo, x: float) -> str | None:
        scale = self.chart.scale
        for when, state, name in info.milestones:
            mx = scale.x_ord(when) + scale.px_per_day / 2
            if abs(mx - x) <= 7:
                word = {MS_DONE: "已完成", MS_OVERDUE: "已逾期"}.get(state, "计划")
                return f"节点：{name}（{word} {date.fromordinal(when).isoformat()}）"
        return None

    # -- mouse -------------------------------------------------------------------------------

    def press(self, event) -> None:
        c = self.chart
        c.setFocus()
        if event.button() != Qt.LeftButton:
            return
        x, y = self._content(event.position())
        row = c.layout_.row_at(y)
        if row < 0:
            return
        extend = event.modifiers() & (Qt.ControlModifier | Qt.ShiftModifier)
        if extend:  # adds to the selection (for 批量修改); never starts a drag
            c.rowsExtended.emit(row, bool(event.modifiers() & Qt.ShiftModifier))
            return
        c.set_selected_row(row)
        c.rowClicked.emit(row)
        mode = self._bar_hit(row, x)
        if mode:
            s, e = c.layout_.rows[row].plan
            self.drag = Drag(row, mode, x, s, e)

    def move(self, event) -> None:
        c = self.chart
        x, y = self._content(event.position())
        if self.drag is None:
            row = c.layout_.row_at(y)
            mode = self._bar_hit(row, x) if row >= 0 else None
            shape = {
                "start": Qt.SizeHorCursor,
                "end": Qt.SizeHorCursor,
                "move": Qt.SizeAllCursor,
            }.get(mode, Qt.ArrowCursor)
            c.viewport().setCursor(shape)
            return
        delta = c.scale.snap(c.scale.days(x - self.drag.press_x))
        if delta != self.drag.delta or not self.drag_text:
            self.drag.delta = delta
            s, e = self.drag.span()
            c.options.preview = (self.drag.row, s, e)
            c.viewport().update()
            # As MS Project does: the dates the bar would get, while it moves.
            self.drag_text = drag_text(self.drag.mode, s, e, delta)
            where = c.viewport().mapToGlobal(event.position().toPoint())
            QToolTip.showText(where, self.drag_text, c.viewport())

    def release(self, event) -> None:
        c = self.chart
        drag, self.drag = self.drag, None
        if self.drag_text:
            self.drag_text = ""
            QToolTip.hideText()
        c.options.preview = None
        c.viewport().update()
        if drag is None or drag.delta == 0:
            return
        s, e = drag.span()
        if (s, e) == (drag.start, drag.end):
            return
        info = c.layout_.rows[drag.row]
        c.spanEdited.emit(info.key, date.fromordinal(s), date.fromordinal(e), drag.mode)

    def double_click(self, event) -> None:
        x, y = self._content(event.position())
        row = self.chart.layout_.row_at(y)
        if row >= 0:
            self.chart.rowActivated.emit(row)

    def wheel(self, event) -> bool:
        if event.modifiers() & Qt.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.chart.zoom_by(steps, event.position().x())
            return True
        if event.modifiers() & Qt.ShiftModifier:
            bar = self.chart.horizontalScrollBar()
            bar.setValue(bar.value() - event.angleDelta().y())
            return True
        return False

    def viewport_event(self, event) -> bool:
        if event.type() != QEvent.ToolTip:
            return False
        c = self.chart
        x, y = self._content(event.pos())
        row = c.layout_.row_at(y)
        if row < 0:
            QToolTip.hideText()
            return True
        info = c.layout_.rows[row]
        QToolTip.showText(
            event.globalPos(), tooltip_text(info, self._milestone_at(info, x)), c.viewport()
        )
        return True

    def _toggle_group(self, row: int, expand: bool) -> bool:
        """→ opens a closed group, ← closes an open one, as in every tree; False elsewhere."""
        model = self.chart.model()
        group = model.group_at(row) if row >= 0 and hasattr(model, "group_at") else None
        if group is None or group.collapsed != expand:
            return False
        model.toggle_group(group.key)
        return True

    # -- keyboard ----------------------------------------------------------------------------

    def key(self, event) -> bool:
        c = self.chart
        n = len(c.layout_)
        if not n:
            return False
        row = c.selected_row
        page = max(1, c.viewport().height() // c.row_height - 1)
        moves = {Qt.Key_Up: -1, Qt.Key_Down: 1, Qt.Key_PageUp: -page, Qt.Key_PageDown: page}
        k = event.key()
        if k in moves:
            new = min(max((row if row >= 0 else -1) + moves[k], 0), n - 1)
        elif k == Qt.Key_Home and event.modifiers() & Qt.ControlModifier:
            new = 0
        elif k == Qt.Key_End and event.modifiers() & Qt.ControlModifier:
            new = n - 1
        elif k in (Qt.Key_Return, Qt.Key_Enter) and row >= 0:
            c.rowActivated.emit(row)
            return True
        elif k in (Qt.Key_Left, Qt.Key_Right) and self._toggle_group(row, k == Qt.Key_Right):
            return True
        elif k in (Qt.Key_Left, Qt.Key_Right):
            bar = c.horizontalScrollBar()
            bar.setValue(bar.value() + (-1 if k == Qt.Key_Left else 1) * bar.pageStep() // 4)
            return True
        elif k in (Qt.Key_Plus, Qt.Key_Equal, Qt.Key_Minus):
            c.zoom_by(-1 if k == Qt.Key_Minus else 1)
            return True
        else:
            return False
        c.set_selected_row(new)
        c.scroll_to_row(new)
        c.rowClicked.emit(new)
        return True
