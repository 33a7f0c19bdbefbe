"""The scoring rules of 年度考核: item scores, 满分 / 折算, caps, ranks, the rules file."""

import pytest

from desktop_app.domain.assessment import (
    Adjustment,
    RuleSet,
    formula,
    item_result,
    ranked,
    rate,
    unit_score,
    weighted,
)
from desktop_app.domain.errors import ValidationError

RULES = RuleSet.default(2026)


def _adj(points: float) -> Adjustment:
    return Adjustment(1, 2026, 1, "旌阳区", points, "理由", None, "张三", "2026-12-06T10:00:00")


def test_rounding_is_half_up_as_by_hand():
    # 25 × 66.7 % = 16.675 and 10 × 0.125 … round() would give 16.67 (the float is 16.67499…).
    assert weighted(25, 66.7) == 16.68
    assert weighted(10, 1.25) == 0.13
    assert rate(1, 8) == 12.5 and rate(1, 16) == 6.3  # 6.25 → 6.3


def test_rate_and_item_score():
    assert rate(2, 3) == 66.7 and rate(0, 0) is None
    assert rate(3, 2, cap=100.0) == 100.0
    rule = RULES.rule("tasks")  # 25 points
    r = item_result(rule, 2, 3, [], "满分")
    assert (r.rate, r.score, r.fraction) == (66.7, 16.68, "2 ÷ 3")
    empty = item_result(rule, 0, 0, [], "满分")
    assert (empty.rate, empty.score, empty.note) == (None, 25.0, "无相关记录，按满分计")
    left_out = item_result(rule, 0, 0, [], "折算")
    assert left_out.score is None and "按比例折算" in left_out.note


def test_scaled_base_and_capped_points():
    items = [
        item_result(RULES.rule("timeliness"), 1, 2, [], "折算"),  # 20 × 50 % = 10
        item_result(RULES.rule("tasks"), 1, 1, [], "折算"),  # 25
        item_result(RULES.rule("supervision"), 0, 0, [], "折算"),  # left out (10)
    ]
    s = unit_score(1, "旌阳区", "区县", items, [_adj(4), _adj(3), _adj(-12)], RULES)
    # (10 + 25) × 55 / 45 = 42.78; 加分 7 capped at 5, 扣分 12 capped at 10.
    assert (s.base, s.bonus, s.penalty, s.total) == (42.78, 5, 10, 37.78)


def test_ranks_share_equal_totals_and_skip_units_without_records():
    def score(name, total, assessed=True):
        items = [
            item_result(RULES.rule("tasks"), 1 if assessed else 0, 1 if assessed else 0, [], "满分")
        ]
        s = unit_score(1, name, "区县", items, [], RULES)
        from dataclasses import replace

        return replace(s, total=total)

    out = ranked(
        [
            score("甲", 80),
            score("乙", 90),
            score("丙", 80),
            score("丁", 70),
            score("戊", 100, False),
        ]
    )
    assert [(s.unit, s.rank) for s in out] == [
        ("乙", 1),
        ("甲", 2),
        ("丙", 2),
        ("丁", 4),
        ("戊", 0),
    ]


def test_rules_problems_name_the_item():
    problems = RuleSet(2026, RULES.rules, bonus_cap=-1, no_data="随便").problems()
    assert problems["caps"] == "加分、扣分上限不能为负数"
    assert "满分或折算" in problems["no_data"]
    r = RULES.rules[2]
    bad = RuleSet(
        2026,
        (r.__class__(r.item, r.name, 25.0, True, {"roles": ["领导"]}),)
        + RULES.rules[:2]
        + RULES.rules[3:],
    )
    with pytest.raises(ValidationError, match="任务按期完成率」的单位角色应为 牵头、责任、配合"):
        bad.check()


def test_formula_follows_the_parameters():
    assert "截止日期后 3 天内（含）" in formula("timeliness", {"grace_days": 3}, 2026)
    assert "未亮红灯或黄灯" in formula("projects", {"yellow_behind": True}, 2026)
    assert "区县另计" not in formula("investment", {"located": False}, 2026)


def test_rules_file_round_trip():
    data = RULES.to_dict()
    assert RuleSet.from_dict(data) == RULES
    with pytest.raises(ValidationError, match="不是本程序导出的年度考核规则"):
        RuleSet.from_dict({"考核项目": []})
    data["考核项目"][0]["参数"] = {"宽限": 2}
    with pytest.raises(ValidationError, match="第 1 个考核项目（timeliness）有不认识的参数：宽限"):
        RuleSet.from_dict(data)
