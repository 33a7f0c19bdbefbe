"""The evaluation's rules: what the plan's sentence asks of a project, and whether it is met."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.evaluation import (
    BUILD_TARGET,
    CONSTRUCT,
    FINAL,
    MID,
    NOT_REACHED,
    PREPARE,
    REACHED,
    UNKNOWN,
    UNSTATED,
    evaluate_project,
    intention,
    kind_for,
    stage_on,
)

RESERVOIRS = (
    "协同开展“再造都江堰”水利大提升行动，加快实施都江堰灌区续建配套与现代化改革试点项目，"
    "建成华强沟水库、石泉水库，加快推进成都团结水利枢纽工程、羊毛沟水库等骨干水利工程规划建设。"
)


@pytest.mark.parametrize(
    ("name", "sentence", "aim"),
    [
        ("华强沟水库", RESERVOIRS, BUILD_TARGET),
        ("石泉水库", RESERVOIRS, BUILD_TARGET),  # the same 建成, after 、
        ("都江堰灌区续建配套与现代化改革试点项目", RESERVOIRS, CONSTRUCT),
        ("羊毛沟水库", RESERVOIRS, PREPARE),  # …规划建设
        ("成德科技创新资源共享平台", "共建成德科技创新资源共享平台，探索建立机制。", CONSTRUCT),
        ("成德临港经济产业带", "以共建成德临港经济产业带为着力点。", CONSTRUCT),
        ("德阳综合保税区", "积极推动德阳综合保税区申报建设；", PREPARE),
        ("天府大道北延线", "开展天府大道北延线前期工作。", PREPARE),
        ("S11线", "建设成都经广汉至德阳市域铁路 S11 线。", CONSTRUCT),
        ("龙门山山地度假旅游线", "积极探索研究龙门山山地度假旅游线。", None),
        ("某项目", None, None),
    ],
)
def test_what_the_plan_asks(name, sentence, aim):
    assert intention(name, sentence) == aim


def test_mid_term_while_the_plan_runs_final_after():
    assert kind_for(date(2023, 6, 30), 2025) == MID
    assert kind_for(date(2025, 12, 31), 2025) == FINAL
    assert kind_for(date(2026, 12, 6), 2025) == FINAL


def test_finished_after_the_date_was_still_under_construction_then():
    assert stage_on("竣工", date(2026, 3, 1), date(2025, 12, 31)) == "在建"
    assert stage_on("竣工", date(2025, 3, 1), date(2025, 12, 31)) == "竣工"


END = date(2025, 12, 31)


def _judge(stage, actual_end=None, day=END, name="华强沟水库", sentence=RESERVOIRS):
    return evaluate_project(
        name=name, sentence=sentence, stage=stage, actual_end=actual_end, day=day, plan_end=END
    )


def test_a_completion_target_is_met_only_when_finished_within_the_plan():
    assert _judge("竣工", date(2025, 9, 30)).state == REACHED
    late = _judge("竣工", date(2026, 5, 1), day=date(2026, 12, 6))
    assert late.state == NOT_REACHED and "晚于规划期" in late.note
    assert _judge("在建").state == NOT_REACHED
    assert _judge(None).state == UNKNOWN
    undated = _judge("竣工")
    assert undated.state == REACHED and undated.note == "竣工日期未填报"


def test_construction_is_met_once_started_and_preparation_from_its_first_stage():
    s = "加快建设德阳北站综合交通枢纽。"
    assert _judge("在建", name="德阳北站综合交通枢纽", sentence=s).state == REACHED
    assert _judge("前期", name="德阳北站综合交通枢纽", sentence=s).state == NOT_REACHED
    p = "开展天府大道北延线前期工作。"
    assert _judge("前期", name="天府大道北延线", sentence=p).state == REACHED
    assert _judge("储备", name="天府大道北延线", sentence=p).state == NOT_REACHED
    assert _judge("在建", name="x", sentence="积极探索研究。").state == UNSTATED
