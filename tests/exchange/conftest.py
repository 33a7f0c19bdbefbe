"""Fixtures for the Excel exchange: a unit with projects and its issued template."""

from __future__ import annotations

from datetime import date

import pytest
from xhelpers import PERIOD, Setup

from desktop_app.services.exchange import issue_template
from desktop_app.store.units import get_unit


@pytest.fixture
def setup(store, make_project, tmp_path) -> Setup:
    """广汉市 reports on three projects (lead, 责任, located); a 配合 project and another unit's."""
    ids = {
        "GH-1": make_project(
            "GH-1",
            "广汉测试道路",
            lead="广汉市",
            planned_start=date(2026, 1, 1),
            planned_end=date(2027, 12, 31),
            stage="在建",
            percent_complete=30,
            scope="广汉测试道路建设内容",
            total_investment=12000,
        ),
        "GH-2": make_project(
            "GH-2", "三星堆配套工程", lead="市交通运输局", responsible=("广汉市",), stage="前期"
        ),
        "GH-3": make_project("GH-3", "广汉属地项目", district="广汉市", stage="储备"),
        "PH-1": make_project("PH-1", "广汉只配合的项目", lead="市水利局"),
        "OT-1": make_project("OT-1", "什邡的项目", lead="什邡市", district="什邡市"),
    }
    from desktop_app.store.projects import set_units

    set_units(
        store,
        ids["PH-1"],
        [(get_unit(store, "市水利局").id, "牵头"), (get_unit(store, "广汉市").id, "配合")],
    )
    template = issue_template(store, "广汉市", PERIOD, tmp_path / "广汉市_模板.xlsx")
    return Setup(store, ids, template, tmp_path)
