"""The built-in plan dataset, as loaded by init: counts, stages, indicators, units, and every
entry checked against the plan text it quotes."""

import re
from collections import Counter

import pytest

from desktop_app.domain.status import GREY, evaluate
from desktop_app.store.indicators import list_indicators
from desktop_app.store.projects import list_projects, list_sections
from desktop_app.store.units import list_units
from desktop_app.tools.plan_coverage import PlanText, second_reading


@pytest.fixture(scope="module")
def plan() -> PlanText:
    return PlanText.read()


def _bare(text: str) -> str:
    """The text without the PDF's spaces (the dataset writes 「S11 线」 as 「S11线」)."""
    return re.sub(r"\s+", "", text)


def test_projects_per_column(store):
    per_column = Counter(p.column for p in list_projects(store))
    assert per_column[2] == 32
    assert per_column[5] == 2  # 东星航空天府航空职业学院, 通用航空运营保障基地
    assert per_column[7] == 22
    assert per_column[8] == 10
    assert per_column[10] == 11  # 重大开放合作平台
    assert per_column[12] == 5
    assert (per_column[13], per_column[14]) == (1, 2)
    assert per_column[16] == 27
    # Chapter 四 (water, energy and the six transport items of its text), the body text of
    # chapters 五 to 九, and the transport glossary.
    assert per_column[None] == 83
    assert sum(per_column.values()) == 195


def test_every_entry_quotes_the_plan_verbatim_with_its_line(dataset, plan):
    for p in dataset["projects"]:
        at = plan.find(p["source"])
        assert at >= 0, f"{p['code']}: source is not verbatim plan text"
        assert plan.line_of(at) == p["line"], p["code"]
        # The name occurs in its sentence, or a note says how the sentence was read.
        assert _bare(p["name"]) in _bare(p["source"]) or p.get("note"), p["code"]


def test_the_plan_text_beside_the_dataset_is_the_plan(plan):
    assert "德府发〔2021〕16 号" in plan.text
    assert "核准建设德阳南等输变电工程" in plan.text


def test_no_finished_stage_from_a_target(store, dataset):
    by_code = {p.code: p for p in list_projects(store)}
    # 「建成华强沟水库、石泉水库」 is a 2021–2025 target; 「巩固提升…治理成果」 is ongoing work.
    for code in ("CH04-002", "CH04-003", "ZL16-015"):
        assert by_code[code].stage is None and by_code[code].planned_end is None
        assert "不是" in by_code[code].notes
    assert not [p for p in by_code.values() if p.stage == "竣工"]
    for p in dataset["projects"]:
        if p["stage"] == "竣工":
            pytest.fail(f"{p['code']} marked 竣工")


def test_stages_follow_the_plans_verbs(store):
    by_code = {p.code: p for p in list_projects(store)}
    assert by_code["ZL02-001"].name == "成都经广汉至德阳市域铁路S11线"
    assert by_code["ZL02-001"].stage == "在建"  # "建设成都经广汉至德阳市域铁路 S11 线"
    s12 = next(p for p in by_code.values() if "S12" in p.name)
    assert s12.stage == "前期"  # "开展……S12 线……前期工作"
    # No stage where the plan gives none: bare lists, glossary roads, 共建/打造.
    assert by_code["ZL07-016"].stage is None
    assert by_code["GL-001"].stage is None and "现状" in by_code["GL-001"].notes
    assert by_code["CH04-105"].stage is None  # 共建两市综合交通信息服务平台
    stages = Counter(p.stage for p in by_code.values())
    assert stages == {"在建": 115, "前期": 30, None: 50}


def test_unknown_stage_says_to_be_filled_once(store):
    from datetime import date

    p = next(p for p in list_projects(store) if p.code == "CH04-002")
    status = evaluate(p, date(2026, 11, 29))
    assert status.light == GREY
    assert status.reason == "建设阶段、计划开工/完工日期待填报"
    assert p.stage_text == "待填报"


def test_group_prefix_and_wording_kept(store):
    by_code = {p.code: p for p in list_projects(store)}
    # 「加快推进成都团结水利枢纽工程、羊毛沟水库、东林寺水库，德阳高景关水库…」
    assert [by_code[c].side for c in ("CH04-004", "CH04-005", "CH04-006", "CH04-007")] == [
        "成都",
        "成都",
        "成都",
        "德阳",
    ]
    assert by_code["CH04-014"].name == "德阳南等输变电工程"
    assert "按原文" in by_code["CH04-014"].notes
    assert {p.side for p in by_code.values()} == {"成都", "德阳", "两地共建"}


def test_new_parts_of_the_plan_are_read(store):
    names = {p.name for p in list_projects(store)}
    # 专栏 5, 专栏 10, the six items of the transport chapter's text, chapters 五 to 九.
    assert {
        "东星航空天府航空职业学院",
        "德阳综合保税区",
        "蓉北临港（高铁）快运物流园",
        "成都货运东线铁路",
        "德阳国际铁路物流港基础设施",
        "大型P＋R（Park＋Ride）停车场",
        "两市综合交通信息服务平台",
        "物流公共信息平台",
        "三星堆博物馆新馆",
        "成都师范学院德阳校区",
        "中江光大国际生物质发电热电联产项目",
    } <= names


def test_second_reading_leaves_no_sentence_unjudged(dataset):
    rows = second_reading(data=dataset)
    states = Counter(s.state for s in rows)
    assert states["未处理"] == 0, [s.text for s in rows if s.state == "未处理"][:3]
    assert states["已收录"] >= 80
    # Every excluded sentence has its reason.
    assert all(s.excluded for s in rows if s.state == "不收录")


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
    assert len(indicators) == 17
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
    origins = {
        name: origin for name, origin in store.conn.execute("SELECT name, origin FROM indicator")
    }
    assert Counter(origins.values()) == {"表": 15, "正文": 2}
    assert origins["成德地区生产总值"] == "正文"


def test_text_targets_quote_the_plan(dataset, plan):
    for ind in dataset["indicators"]:
        if ind["origin"] == "正文":
            assert plan.find(ind["source"]) >= 0, ind["name"]


def test_units(store):
    units = list_units(store)
    districts = [u.name for u in units if u.kind == "区县"]
    assert districts == ["旌阳区", "罗江区", "广汉市", "什邡市", "绵竹市", "中江县"]
    zones = {u.name for u in units if u.kind == "功能区"}
    assert {"德阳经开区", "德阳高新区", "凯州新城", "天府数谷"} <= zones
    origin = dict(store.conn.execute("SELECT name, origin FROM unit"))
    assert origin["天府数谷"] == "规划原文"
    # The usual city departments are not named in the plan, and say so.
    departments = [u.name for u in units if u.kind == "市级部门"]
    assert "市发展改革委" in departments
    assert {origin[d] for d in departments} == {"常用市级部门"}
    # Short names do not clash with Chengdu's own 经开区 / 高新区.
    shorts = {u.short_name for u in units}
    assert not {"经开区", "高新区"} & shorts


def test_tasks_quote_the_plan_section_by_section(dataset, plan):
    tasks = dataset["tasks"]
    assert len(tasks) == 73
    assert len({t["code"] for t in tasks}) == 73
    sections = {s["key"] for s in dataset["sections"]}
    for t in tasks:
        assert plan.find(t["title"]) >= 0 and plan.find(t["text"]) >= 0, t["code"]
        assert t["section"] in sections and t["units"] == []  # the plan names no lead unit
    # Every section of chapters 三 to 十一 has at least one task.
    wanted = {
        s["key"] for s in dataset["sections"] if s["kind"] == "节" and int(s["parent"][2:]) >= 3
    }
    assert {t["section"] for t in tasks} == wanted
