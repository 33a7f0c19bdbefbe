"""首页: where the plan stands today — lights, stages, investment, reporting, the most-late list,
and the year's list (按期完成率, its projects' investment, milestones met) per unit and overall.

Every figure comes from services.monitoring.dashboard (the numbers the CLI and register give);
clicking a bar shows the register filtered to those projects.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.fields import STAGES
from ...domain.money import format_amount, format_percent
from ...domain.status import GREY, LIGHT_COLORS, LIGHT_NAMES, LIGHTS, PENDING_NAME
from ...domain.task_status import LATE, ON_TIME, OVERDUE
from ...services import task_monitoring
from ...services.changes import Changes
from ...services.monitoring import Dashboard, awaiting_dates, dashboard
from ...store.history import last_import
from ..context import AppContext
from ..images import save_png

PENDING_COLOR = "#DADCE0"  # a grey 待填报 light, paler than 未开工
STAGE_COLORS = {"储备": "#9AA0A6", "前期": "#8E63CE", "在建": "#F29900", "竣工": "#1A73E8"}


class Tile(QFrame):
    """One headline number with its label."""

    def __init__(self, title: str, color: str = "#202124", on_click=None):
        super().__init__()
        self.on_click = on_click
        if on_click is not None:
            self.setCursor(Qt.PointingHandCursor)
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet(
            "Tile { background: white; border: 1px solid #dadce0; border-radius: 6px; }"
        )
        self.value = QLabel("—")
        font = QFont(self.font())
        font.setPointSize(20)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet(f"color: {color}")
        self.caption = QLabel(title)
        self.caption.setStyleSheet("color: #5f6368")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #5f6368")
        self.detail.setWordWrap(True)  # a narrow screen wraps it instead of widening the page
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.on_click is not None and event.button() == Qt.LeftButton:
            self.on_click()
        super().mouseReleaseEvent(event)


class NextSteps(QFrame):
    """What the office does next, in its own words, each with the button that does it. Shown
    while there is something to do: projects whose dates or investment are 待填报, no register
    imported yet, returns of the period still missing."""

    def __init__(self, on_action):
        super().__init__()
        self.setObjectName("next_steps")
        self.setStyleSheet(
            "QFrame#next_steps { background: #E8F0FE; border: 1px solid #AECBFA;"
            " border-radius: 6px; }"
        )
        self.on_action = on_action
        self.title = QLabel("下一步")
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.body: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        self.steps: list[tuple[str, str, QPushButton]] = []

    def set_steps(self, steps: list[tuple[str, str, str]]) -> None:
        """``steps``: (what to do, button text, action) in order; none hides the panel."""
        if self.body is not None:
            self.layout().removeWidget(self.body)
            self.body.hide()
            self.body.deleteLater()
        self.body = QWidget()
        rows = QVBoxLayout(self.body)
        rows.setContentsMargins(0, 0, 0, 0)
        self.steps = []
        for i, (text, button_text, action) in enumerate(steps, 1):
            line = QHBoxLayout()
            label = QLabel(f"{i}. {text}")
            label.setWordWrap(True)
            button = QPushButton(button_text)
            button.setObjectName(f"next_{action}")
            button.clicked.connect(lambda _=False, a=action: self.on_action(a))
            line.addWidget(label, 1)
            line.addWidget(button)
            rows.addLayout(line)
            self.steps.append((text, button_text, button))
        self.layout().addWidget(self.body)
        self.setVisible(bool(steps))


YEAR_COLUMNS = (
    "单位",
    "任务",
    "到期",
    "按期完成",
    "逾期完成",
    "逾期未完成",
    "按期完成率",
    "年度计划投资",
    "本年完成投资",
    "投资完成率",
    "到期节点",
    "按期节点",
)


def year_row(f: task_monitoring.Figures) -> list[str]:
    """One unit's (or the total's) figures as the table shows them."""
    rate = task_monitoring.rate_text
    return [
        f.label,
        str(f.tasks),
        str(f.due),
        str(f.count(ON_TIME)),
        str(f.count(LATE)),
        str(f.count(OVERDUE)),
        rate(f.rate),
        format_amount(f.planned, missing="—") if f.projects else "—",
        format_amount(f.done, missing="—") if f.projects else "—",
        rate(f.investment_rate),
        str(f.milestones_due),
        str(f.milestones_on_time),
    ]


class YearListBox(QFrame):
    """年度重点任务清单: the three figures reported upward and each unit's."""

    def __init__(self):
        super().__init__()
        self.setObjectName("year_list")
        self.setStyleSheet(
            "QFrame#year_list { background: #FAFAFA; border: 1px solid #dadce0;"
            " border-radius: 6px; }"
        )
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.tiles = {
            "rate": Tile("重点任务按期完成率"),
            "investment": Tile("清单项目年度投资完成率"),
            "milestones": Tile("年内关键节点按期完成率"),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.table = QTableWidget(0, len(YEAR_COLUMNS))
        self.table.setHorizontalHeaderLabels(YEAR_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        layout.addLayout(tiles)
        layout.addWidget(self.table)

    def show_figures(self, f: task_monitoring.YearFigures) -> None:
        if not f.exists:
            self.title.setText(
                f"{f.year}年度重点任务清单尚未建立：建立并下发清单后，这里显示按期完成率、"
                "清单项目投资完成率和关键节点完成情况。"
            )
            for tile in self.tiles.values():
                tile.hide()
            self.table.hide()
            return
        o = f.overall
        rate = task_monitoring.rate_text
        self.title.setText(
            f"{f.year}年度重点任务清单（截至 {f.day.isoformat()}，填报周期 {f.period.key}）"
        )
        self.tiles["rate"].set(
            rate(o.rate),
            f"到期 {o.due} 项，按期完成 {o.count(ON_TIME)} 项；逾期完成 {o.count(LATE)} 项，"
            f"逾期未完成 {o.count(OVERDUE)} 项（共 {o.tasks} 项）",
        )
        self.tiles["investment"].set(
            rate(o.investment_rate),
            f"完成 {format_amount(o.done, missing='—')} / 计划 "
            f"{format_amount(o.planned, missing='—')}（清单项目 {o.projects} 个）",
        )
        self.tiles["milestones"].set(
            rate(o.milestone_rate),
            f"到期 {o.milestones_due} 个，按期完成 {o.milestones_on_time} 个",
        )
        for tile in self.tiles.values():
            tile.show()
        rows = [*f.units, o]
        self.table.setRowCount(len(rows))
        for r, figures in enumerate(rows):
            for c, text in enumerate(year_row(figures)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if figures is o:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.setColumnWidth(0, 170)
        for c in range(1, len(YEAR_COLUMNS)):
            self.table.setColumnWidth(c, 96)
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        self.table.setFixedHeight(height + sum(self.table.rowHeight(r) for r in range(len(rows))))
        self.table.show()


CHART_NAMES = ("light_chart", "stage_chart", "reporting_chart", "district_chart", "column_chart")


def _chart(title: str, view: QChartView | None = None) -> tuple[QChart, QChartView]:
    """A chart with the dashboard's look, shown in ``view`` (a new one if not given)."""
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.NoAnimation)
    if view is None:
        view = QChartView(chart)
        view.setRenderHint(QPainter.Antialiasing)
        view.setMinimumHeight(260)
    else:
        view.setChart(chart)
    return chart, view


class DashboardPage(QWidget):
    """首页 of the application."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.figures: Dashboard | None = None
        self.tiles = {
            "total": Tile("项目总数", on_click=lambda: self.show_projects({})),
            "red": Tile(
                "红灯（滞后/逾期）",
                LIGHT_COLORS["红"],
                lambda: self.show_projects({"status": "红"}),
            ),
            "yellow": Tile(
                "黄灯（预警）", LIGHT_COLORS["黄"], lambda: self.show_projects({"status": "黄"})
            ),
            "reporting": Tile(
                "本期报送率",
                on_click=lambda: self.show_projects(
                    {"ids": list(self.figures.missing_project_ids if self.figures else ())}
                ),
            ),
            "investment": Tile("年度投资完成率"),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)

        self.light_chart, light_view = _chart("项目状态（红黄绿灯）")
        self.stage_chart, stage_view = _chart("建设阶段")
        self.reporting_chart, reporting_view = _chart("本期报送（单位数）")
        self.district_chart, district_view = _chart("年度投资：计划与完成（按区县，亿元）")
        self.column_chart, column_view = _chart("年度投资：计划与完成（按专栏，亿元）")
        self.late = QTableWidget(0, 5)
        self.late.setHorizontalHeaderLabels(
            ["项目编码", "项目名称", "牵头单位", "逾期天数", "原因"]
        )
        self.late.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.late.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.late.verticalHeader().setVisible(False)
        self.late.horizontalHeader().setStretchLastSection(True)
        self.late.doubleClicked.connect(self._open_late)
        late_box = QWidget()
        late_layout = QVBoxLayout(late_box)
        late_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("最滞后的十个项目（双击打开）")
        title.setStyleSheet("font-weight: bold")
        late_layout.addWidget(title)
        late_layout.addWidget(self.late)
        # The projects still without their dates: one grouped line, not one warning each.
        self.awaiting = QPushButton()
        self.awaiting.setObjectName("dashboard_awaiting_dates")
        self.awaiting.setFlat(True)
        self.awaiting.setStyleSheet("text-align: left; color: #5F6368;")
        self.awaiting.clicked.connect(lambda: self._show_awaiting())
        late_layout.addWidget(self.awaiting)

        grid = QGridLayout()
        # Seven equal columns: the light chart has five bars with longer labels, so it gets three.
        grid.addWidget(light_view, 0, 0, 1, 3)
        grid.addWidget(stage_view, 0, 3, 1, 2)
        grid.addWidget(reporting_view, 0, 5, 1, 2)
        grid.addWidget(district_view, 1, 0, 1, 4)
        grid.addWidget(column_view, 1, 4, 1, 3)
        grid.addWidget(late_box, 2, 0, 1, 7)
        for col in range(7):
            grid.setColumnStretch(col, 1)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold")
        export = QPushButton("导出为图片…")
        export.clicked.connect(self.export_png_dialog)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(export)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(head)
        self.next_steps = NextSteps(self.ctx.action_requested.emit)
        body_layout.addWidget(self.next_steps)
        body_layout.addLayout(tiles)
        self.year_list = YearListBox()
        body_layout.addWidget(self.year_list)
        body_layout.addLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QFrame.NoFrame)
        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.reload()

    def refresh(self, changes: Changes) -> None:
        if changes.touches_projects or changes.reports or changes.units or changes.database:
            self.reload()

    def reload(self) -> None:
        d = dashboard(self.ctx.store, self.ctx.today(), statuses=self.ctx.project_statuses())
        self.figures = d
        self.heading.setText(
            f"成德同城化重大项目推进情况 · {d.today.isoformat()} · 填报周期 {d.period}"
        )
        self.tiles["total"].set(
            str(d.total), "、".join(f"{s}{n}" for s, n in d.by_stage.items() if n)
        )
        self.tiles["red"].set(str(d.by_light["红"]), "点击下方柱形查看项目")
        self.tiles["yellow"].set(str(d.by_light["黄"]), "点击查看项目")
        reported, expected = d.reporting
        rate = d.reporting_rate
        self.tiles["reporting"].set(
            format_percent(rate, missing="—"),
            f"{reported}/{expected} 个单位已报送，点击看{d.pending_word}项目"
            + ("" if d.overdue or d.report_due is None else f"（{d.report_due:%m月%d日}截止）"),
        )
        planned = sum(r.planned for r in d.investment_by_district)
        done = sum(r.done for r in d.investment_by_district)
        self.tiles["investment"].set(
            f"{done / planned * 100:.1f}%" if planned else "—",
            f"完成 {format_amount(done)} / 计划 {format_amount(planned)}"
            if planned
            else "年度计划投资待填报",
        )
        self._light_bars(d)
        self._stage_bars(d)
        self._reporting_bars(d)
        self._investment(self.district_chart, d.investment_by_district, "district")
        self._investment(self.column_chart, d.investment_by_column, "column")
        self._late(d)
        self._next_steps(d)
        self.year_figures = task_monitoring.year_figures(self.ctx.store, self.ctx.today())
        self.year_list.show_figures(self.year_figures)

    def _next_steps(self, d: Dashboard) -> None:
        from ..register.model import missing_fields

        statuses = self.ctx.project_statuses()
        pending = sum(1 for s in statuses if missing_fields(s.project))
        waiting = len(awaiting_dates(statuses))
        reported, expected = d.reporting
        steps = []
        if waiting:
            steps.append(
                (
                    f"{waiting} 个项目计划日期待填报：在项目库「待分配」中选中多个项目，"
                    "用「批量修改」一次设定牵头单位、计划日期和总投资。",
                    "去分配…",
                    "assign",
                )
            )
        if pending:
            steps.append(
                (
                    f"{d.total} 个项目中有 {pending} 个的计划日期、总投资或责任单位待填报："
                    f"生成 {d.period} 填报模板，发给各单位填写后交回。",
                    "生成全部单位模板…",
                    "issue_templates",
                )
            )
        if last_import(self.ctx.store) is None:
            steps.append(
                (
                    "办公室已有项目台账（Excel）？导入台账，一次补齐项目的日期、投资和单位。",
                    "导入现有台账…",
                    "import_register",
                )
            )
        if expected and reported < expected:
            steps.append(
                (
                    f"各单位交回填报表后导入（本期已报送 {reported}/{expected} 个单位），"
                    "导入前先预览要修改的内容。",
                    "导入填报表…",
                    "import_returns",
                )
            )
        self.next_steps.set_steps(steps)

    # -- charts ----------------------------------------------------------------------------

    def _reset(self, chart: QChart) -> QChart:
        """A fresh chart in ``chart``'s place.

        Removing series and axes from a QChart leaves the old axis labels drawn over the new
        ones, so each reload starts from a new chart with the same title.
        """
        view = chart.scene().views()[0]
        fresh, _ = _chart(chart.title(), view)
        for name in CHART_NAMES:
            if getattr(self, name, None) is chart:
                setattr(self, name, fresh)
        shiboken6.delete(chart)
        return fresh

    def _counts(
        self, chart: QChart, labels: list[str], values: list[int], colors: list[str], on_click
    ) -> None:
        chart = self._reset(chart)
        series = QStackedBarSeries()
        # One set per category, zero elsewhere: each bar gets its own colour and click target.
        for i, (label, color) in enumerate(zip(labels, colors, strict=True)):
            bar = QBarSet(label)
            bar.append([values[i] if j == i else 0 for j in range(len(labels))])
            bar.setColor(QColor(color))
            bar.clicked.connect(lambda _index, key=label: on_click(key))
            series.append(bar)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        # The count under its name: "在建 1060" on one line is cut short in the narrower charts.
        axis_x.append([f"{label}<br>{value}" for label, value in zip(labels, values, strict=True)])
        small = QFont(axis_x.labelsFont())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        axis_x.setLabelsFont(small)
        axis_y = QValueAxis()
        axis_y.setRange(0, max(values + [1]))
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)

    def _light_bars(self, d: Dashboard) -> None:
        # The grey lights split in two: 未开工 (dates known, not started) and 待填报 (no dates
        # or stage yet), which is the office's own work to finish, not the units' delay.
        pending = sum(1 for s in self.ctx.project_statuses() if s.status.pending)
        lights = [*LIGHTS[:4], PENDING_NAME, *LIGHTS[4:]]
        counts = {**d.by_light, PENDING_NAME: pending, GREY: d.by_light[GREY] - pending}
        colors = {**LIGHT_COLORS, PENDING_NAME: PENDING_COLOR}
        names = [LIGHT_NAMES.get(light, light) for light in lights]
        by_name = dict(zip(names, lights, strict=True))
        self._counts(
            self.light_chart,
            names,
            [counts[light] for light in lights],
            [colors[light] for light in lights],
            lambda name: self.show_projects({"status": by_name[name]}),
        )

    def _stage_bars(self, d: Dashboard) -> None:
        self._counts(
            self.stage_chart,
            list(STAGES),
            [d.by_stage[s] for s in STAGES],
            [STAGE_COLORS[s] for s in STAGES],
            lambda s: self.show_projects({"stage": s}),
        )

    def _reporting_bars(self, d: Dashboard) -> None:
        reported, expected = d.reporting
        ids = {"已报送": d.reported_project_ids, d.pending_word: d.missing_project_ids}
        self._counts(
            self.reporting_chart,
            list(ids),
            [reported, expected - reported],
            [LIGHT_COLORS["绿"], LIGHT_COLORS["红"]],
            lambda label: self.show_projects({"ids": list(ids[label])}),
        )
        self.reporting_chart.setTitle(f"{d.period} 报送情况（单位数，点击看项目）")

    def _investment(self, chart: QChart, rows, key: str) -> None:
        chart = self._reset(chart)
        rows = [r for r in rows if r.planned or r.done] or rows
        labels = [r.label for r in rows]
        planned, done = QBarSet("年度计划"), QBarSet("本年完成")
        planned.setColor(QColor("#AECBFA"))
        done.setColor(QColor("#1A73E8"))
        planned.append([r.planned / 10000 for r in rows])
        done.append([r.done / 10000 for r in rows])
        series = QBarSeries()
        series.append(planned)
        series.append(done)
        chart.addSeries(series)

        def click(index: int) -> None:
            label = labels[index]
            if key == "district":
                self.show_projects({"district": label})
            elif label.startswith("专栏"):
                self.show_projects({"column": int(label[2:])})

        planned.clicked.connect(click)
        done.clicked.connect(click)
        axis_x = QBarCategoryAxis()
        axis_x.append(
            [label.replace("专栏", "") if len(labels) > 8 else label for label in labels] or ["—"]
        )
        axis_y = QValueAxis()
        top = max([r.planned for r in rows] + [r.done for r in rows] + [0]) / 10000  # 亿元
        axis_y.setRange(0, top or 1)  # no amounts yet: an axis of 0–1, not six ticks of 0.0
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%.1f")
        chart.addAxis(axis_x, Qt.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignBottom)
        total_planned = sum(r.planned for r in rows)
        if not total_planned:
            chart.setTitle(chart.title().split("——")[0] + "——年度计划投资待填报")

    def _show_awaiting(self) -> None:
        ids = [s.project.id for s in awaiting_dates(self.ctx.project_statuses())]
        self.ctx.show_projects_requested.emit({"ids": ids})

    def _late(self, d: Dashboard) -> None:
        waiting = len(awaiting_dates(self.ctx.project_statuses()))
        self.awaiting.setText(
            f"另有 {waiting} 个项目计划日期待填报（灰灯，不列入滞后），点击查看" if waiting else ""
        )
        self.awaiting.setVisible(bool(waiting))
        self.late.setRowCount(len(d.most_late))
        for row, s in enumerate(d.most_late):
            p, st = s.project, s.status
            values = (p.code, p.name, p.lead_unit or "待填报", str(st.days_late or ""), st.reason)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setForeground(QBrush(QColor(LIGHT_COLORS[st.light])))
                self.late.setItem(row, col, item)
        for col, width in enumerate((110, 320, 150, 70)):
            self.late.setColumnWidth(col, width)
        self.late.setMinimumHeight(30 + 26 * max(len(d.most_late), 3))

    # -- actions ---------------------------------------------------------------------------

    def show_projects(self, filters: dict) -> None:
        self.ctx.show_projects_requested.emit(filters)

    def _open_late(self, index) -> None:
        if self.figures and 0 <= index.row() < len(self.figures.most_late):
            self.ctx.edit_project_requested.emit(self.figures.most_late[index.row()].project.id)

    def export_png(self, path: Path) -> Path:
        """The whole dashboard (not only the visible part) as a PNG image."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        return save_png(self.body.grab(), path)

    def export_png_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "导出首页图片", "首页.png", "PNG 图片 (*.png)")
        if not name:
            return
        try:
            path = self.export_png(Path(name))
        except UserError as exc:
            self.ctx.report_error(exc)
            return
        QMessageBox.information(self, "导出完成", f"首页已导出为图片：\n{path}")
