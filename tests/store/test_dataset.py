"""The built-in plan dataset, as loaded by init: counts, stages, indicators, units."""

from collections import Counter

from desktop_app.store.indicators import list_indicators
from desktop_app.store.projects import list_projects, list_sections
from desktop_app.store.units import list_units


def test_projects_per_column(store):
    per_column = Counter(p.column for p in list_projects(store))
    assert per_column[2] == 32
    assert per_column[7] == 22
    assert per_column[8] == 10
    assert per_column[12] == 5
    assert per_column[16] == 27
    assert per_column[None] == 30  # chapter 四 water/energy (16) and the transport glossary (14)


def test_stages_follow_the_plans_verbs(store):
    by_code = {p.code: p for p in list_projects(store)}
    assert by_code["ZL02-001"].name == "成都经广汉至德阳市域铁路S11线"
    assert by_code["ZL02-001"].stage == "在建"  # "建设成都经广汉至德阳市域铁路 S11 线"
    s12 = next(p for p in by_code.values() if "S12" in p.name)
    assert s12.stage == "前期"  # "开展……S12 线……前期工作"
    assert set(Counter(p.stage for p in by_code.values())) <= {"储备", "前期", "在建", "竣工"}


def test_nothing_invented(store):
    projects = list_projects(store)
    assert all(p.planned_start is None and p.planned_end is None for p in projects)
    assert all(p.total_investment is None and p.lead_unit is None for p in projects)
    assert all(p.source_text for p in projects)


def test_sections(store):
    sections = list_sections(store)
    kinds = Counter(s.kind for s in sections)
    assert kinds["章"] == 11
    assert kinds["专栏"] == 15  # the plan numbers 1–16 but has no 专栏 9
    assert sorted(s.number for s in sections if s.kind == "专栏") == [
        n for n in range(1, 17) if n != 9
    ]


def test_indicator_table(store):
    indicators = list_indicators(store)
    assert len(indicators) == 15
    first = indicators[0]
    assert (first.name, first.operator, first.target, first.unit, first.year) == (
        "地区生产总值占全省比重",
        "≥",
        5,
        "%",
        2025,
    )
    per_capita = next(i for i in indicators if i.name == "人均地区生产总值")
    assert (per_capita.operator, per_capita.target, per_capita.unit) == ("≥", 9.5, "万元")
    housing = next(i for i in indicators if "保障性住房" in i.name)
    assert housing.operator == ">" and housing.target == 6


def test_units(store):
    units = list_units(store)
    districts = [u.name for u in units if u.kind == "区县"]
    assert districts == ["旌阳区", "罗江区", "广汉市", "什邡市", "绵竹市", "中江县"]
    zones = {u.name for u in units if u.kind == "功能区"}
    assert {"德阳经开区", "德阳高新区", "凯州新城"} <= zones
    assert "市发展改革委" in {u.name for u in units if u.kind == "市级部门"}
