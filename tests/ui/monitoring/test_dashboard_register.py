"""The 首页 numbers are the register's numbers: each click shows exactly that many projects."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.fields import STAGES
from desktop_app.services.demo import generate_demo
from desktop_app.services.monitoring import missing_units
from desktop_app.ui.context import AppContext
from desktop_app.ui.monitoring.dashboard import DashboardPage
from desktop_app.ui.monitoring.supervision_page import SupervisionPage
from desktop_app.ui.register.model import RegisterModel

TODAY = date(2026, 11, 29)


@pytest.fixture
def ctx(store, make_project):
    # The plan's 195 projects plus demo projects with dates and monthly reports, and three
    # projects of two units that have not reported for 2026-11.
    from desktop_app.store.units import add_unit

    generate_demo(store, 40, today=TODAY)
    add_unit(store, "测试未报单位甲", "市级部门")
    add_unit(store, "测试未报单位乙", "市级部门")
    make_project("U-1", "未报项目一", lead="测试未报单位甲")
    make_project("U-2", "未报项目二", lead="测试未报单位甲")
    make_project("U-3", "未报项目三", lead="测试未报单位乙")
    return AppContext(store, today=TODAY)


def _clicked(qtbot, ctx, model: RegisterModel, click) -> int:
    """Projects the register shows after a dashboard click."""
    with qtbot.waitSignal(ctx.show_projects_requested) as blocker:
        click()
    model.apply_request(blocker.args[0])
    return model.shown_count


def test_every_dashboard_count_is_what_the_register_shows(qtbot, ctx):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    model = RegisterModel(ctx)
    d = page.figures
    assert model.total_count == d.total == int(page.tiles["total"].value.text()) == 238
    assert _clicked(qtbot, ctx, model, lambda: page.tiles["total"].on_click()) == d.total
    # Each bar of the light chart, clicked, shows as many projects as it counts; the grey
    # lights are split into 未开工 and 待填报 (no dates yet), which add up to the grey ones.
    bars = {}
    for bar in page.light_chart.series()[0].barSets():
        value = sum(bar.at(i) for i in range(bar.count()))
        bars[bar.label()] = int(value)
        shown = _clicked(qtbot, ctx, model, lambda bar=bar: bar.clicked.emit(0))
        assert shown == value, bar.label()
    assert list(bars) == ["红灯", "黄灯", "绿灯", "未开工", "待填报", "已竣工"]
    assert bars["未开工"] + bars["待填报"] == d.by_light["灰"] and bars["待填报"] >= 195
    for light, name in zip(
        ("红", "黄", "绿", "蓝"), ("红灯", "黄灯", "绿灯", "已竣工"), strict=True
    ):
        assert bars[name] == d.by_light[light], light
    assert int(page.tiles["red"].value.text()) == d.by_light["红"]
    assert _clicked(qtbot, ctx, model, lambda: page.tiles["red"].on_click()) == d.by_light["红"]
    for stage in STAGES:
        shown = _clicked(
            qtbot, ctx, model, lambda stage=stage: page.show_projects({"stage": stage})
        )
        assert shown == d.by_stage[stage], stage
    assert sum(d.by_light.values()) == sum(d.by_stage.values()) == d.total


def test_reporting_click_shows_the_unreported_projects(qtbot, ctx):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    model = RegisterModel(ctx)
    d = page.figures
    reported, expected = d.reporting
    missing = missing_units(ctx.store, "2026-10", TODAY)  # the month ended before TODAY
    assert expected - reported == len(missing) > 0
    assert page.tiles["reporting"].detail.text().startswith(f"{reported}/{expected} 个单位已报送")
    assert {("测试未报单位甲", 2), ("测试未报单位乙", 1)} <= {(u.unit, u.projects) for u in missing}
    pending = {pid for u in missing for pid in u.pending_project_ids}
    shown = _clicked(qtbot, ctx, model, lambda: page.tiles["reporting"].on_click())
    assert shown == len(pending)
    codes = {model.project_at(r).code for r in range(model.rowCount())}
    assert {"U-1", "U-2", "U-3"} <= codes


def test_supervision_page_lists_unreported_units_first(qtbot, ctx):
    page = SupervisionPage(ctx)
    qtbot.addWidget(page)
    assert page.period_box.currentText() == "2026-10"
    missing = {u.unit for u in missing_units(ctx.store, "2026-10", TODAY)}
    table = page.reporting
    first = [table.item(r, 1).text() for r in range(len(missing))]
    assert set(first) == missing
    assert all(table.item(r, 0).text() == "未报送" for r in range(len(missing)))
    assert table.item(len(missing), 0).text() == "已报送"
    assert f"未报送 {len(missing)} 个" in page.reporting_summary.text()
    with qtbot.waitSignal(ctx.show_projects_requested) as blocker:
        page._show_unit_projects(table.model().index(0, 1))
    assert blocker.args[0]["ids"]
    page.period_box.setCurrentText("2026-01")  # an earlier month: nobody had reported then
    assert table.item(0, 0).text() == "未报送"


def test_pages_sharing_the_register_model_follow_an_edit(qtbot, ctx, store, make_project):
    """首页 and 督办预警 read the shared register model's projects; an edit reaches all three."""
    from datetime import date as _date

    from desktop_app.services.editing import update_fields
    from desktop_app.services.monitoring import dashboard, project_statuses

    pid = make_project("LATE-1", "将要逾期的项目", lead="德阳高新区", stage="在建")
    ctx.register_model = RegisterModel(ctx)
    home = DashboardPage(ctx)
    watch = SupervisionPage(ctx)
    qtbot.addWidget(home)
    qtbot.addWidget(watch)
    red_before = home.figures.by_light["红"]
    assert pid not in {s.project.id for s in watch.statuses if s.status.light == "红"}

    changes = update_fields(
        store,
        pid,
        {
            "planned_start": _date(2024, 1, 1),
            "planned_end": _date(2025, 6, 30),
            "percent_complete": 10,
        },
    )
    ctx.notify(changes)
    home.refresh(changes)
    watch.refresh(changes)

    fresh = dashboard(store, TODAY, statuses=project_statuses(store, TODAY))
    assert home.figures.by_light == fresh.by_light
    assert home.figures.by_light["红"] == red_before + 1
    assert pid in {s.project.id for s in watch.statuses if s.status.light == "红"}
