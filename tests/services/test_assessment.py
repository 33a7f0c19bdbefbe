"""年度考核 against a hand calculation: two units, every record they are scored on written out.

The assessment is made on 2026-12-06 for 2026, monthly returns due on the 5th of the next month:
the periods 2026-01 … 2026-11 are due (November's on 2026-12-05), eleven periods.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from desktop_app.domain.assessment import RuleSet
from desktop_app.domain.errors import UserError, ValidationError
from desktop_app.domain.status import GREEN
from desktop_app.services.assessment import (
    ShownLights,
    assess,
    export_rules,
    import_rules,
    item_records,
    rules_for,
    save_rules,
    shown_lights,
)
from desktop_app.services.monitoring import project_statuses
from desktop_app.store.assessment import (
    add_adjustment,
    adjustment_history,
    delete_adjustment,
    stored_rule_set,
)
from desktop_app.store.plans import viewed_plan_id

TODAY = date(2026, 12, 6)
JY, GH, JT, SL = 1, 2, 3, 4  # 旌阳区, 广汉市, 市交通运输局, 市水利局


@pytest.fixture
def year(assessment_year):
    return assessment_year


def test_scores_equal_the_hand_calculation_for_two_units(year):
    add_adjustment(year, 2026, JY, 3, "承办成德同城化现场推进会", "市同城办通报")
    add_adjustment(year, 2026, JY, -2, "9月填报数据严重失实被通报")
    add_adjustment(year, 2026, JT, -1.5, "督办事项推诿")
    result = assess(year, 2026, today=TODAY)
    assert result.periods == [f"2026-{m:02d}" for m in range(1, 12)]

    jy = result.unit("旌阳区")
    # 报送及时率 (20): 11 periods due; on time all but March (late) and July (missing) = 9.
    #   9 / 11 = 81.8 % → 20 × 81.8 % = 16.36
    # 报送质量 (10): 10 periods returned; May and September corrected (September also had 2
    #   cells refused) → 8 good. 8 / 10 = 80 % → 10 × 80 % = 8.00
    # 任务按期完成率 (25): its tasks as 牵头/责任: 1 on time, 2 done late (the lead's report),
    #   3 not due, 4 overdue, 6 on time; 5 is only 配合. 2 / 4 = 50 % → 12.50
    # 项目按期推进率 (20): P1 (ahead), P2 (past its end: red), P3 (located in 旌阳区, 90 % of a
    #   2026 project, not red); P4 done in 2025 and P5 without a stage are left out.
    #   2 / 3 = 66.7 % → 13.34
    # 年度投资完成率 (15): P1 800 of 1000 (its latest 2026 report), P2 500 of 500, P3 1200 of
    #   2000 → 2500 / 3500 = 71.4 % → 10.71
    # 督办按期回复率 (10): March on time, July 5 days late, October unanswered past its date;
    #   the one due 2026-12-20 and last year's are not counted. 1 / 3 = 33.3 % → 3.33
    # 基础得分 64.24; 加分 3, 扣分 2 → 65.24
    expected = {
        "timeliness": (9, 11, 81.8, 16.36),
        "quality": (8, 10, 80.0, 8.0),
        "tasks": (2, 4, 50.0, 12.5),
        "projects": (2, 3, 66.7, 13.34),
        "investment": (2500, 3500, 71.4, 10.71),
        "supervision": (1, 3, 33.3, 3.33),
    }
    got = {i.item: (i.numerator, i.denominator, i.rate, i.score) for i in jy.items}
    assert got == expected
    assert (jy.base, jy.bonus, jy.penalty, jy.total) == (64.24, 3, 2, 65.24)

    jt = result.unit("市交通运输局")
    # 报送及时率: 11 of 11 on the 4th → 20; 报送质量: 11 of 11 single and clean → 10.
    # 任务: task 2 done 15 days late; task 7 持续推进 not counted → 0 / 1 → 0.
    # 项目: P3 not red, P6 10 % of a 2026 project (序时 93 %): red → 1 / 2 → 10.
    # 投资 (牵头 only; a department has no located projects): P3 1200 of 2000, P6 nothing of
    #   1000 → 1200 / 3000 = 40 % → 6.
    # 督办: none issued to it → no record → full marks (满分) 10.
    # 基础得分 56; 扣分 1.5 → 54.5
    got = {i.item: (i.numerator, i.denominator, i.rate, i.score) for i in jt.items}
    assert got == {
        "timeliness": (11, 11, 100.0, 20.0),
        "quality": (11, 11, 100.0, 10.0),
        "tasks": (0, 1, 0.0, 0.0),
        "projects": (1, 2, 50.0, 10.0),
        "investment": (1200, 3000, 40.0, 6.0),
        "supervision": (0, 0, None, 10.0),
    }
    assert (jt.base, jt.penalty, jt.total) == (56.0, 1.5, 54.5)

    # Ranks within each class; 广汉市 (nothing to assess it on) is listed without a rank.
    assert [(s.unit, s.rank) for s in result.classes["区县"]] == [("旌阳区", 1), ("广汉市", 0)]
    # 市水利局: January's return 15 days late, nothing more (its one project has no stage):
    # 0 / 11 on time → 0, one clean return → 10, and 满分 for the four items without records
    # (25 + 20 + 15 + 10) → 80: ahead of 交通局 — what 「折算」 is for.
    sl = result.unit("市水利局")
    assert (sl.item("timeliness").score, sl.base) == (0.0, 80.0)
    assert [(s.unit, s.rank) for s in result.classes["市级部门"]] == [
        ("市水利局", 1),
        ("市交通运输局", 2),
    ]
    assert result.classes["功能区"] == []


def test_each_figure_lists_the_records_behind_it(year):
    jy = assess(year, 2026, today=TODAY).unit("旌阳区")
    timeliness = jy.item("timeliness").evidence
    assert len(timeliness) == 11
    march = next(e for e in timeliness if "2026年3月" in e.label)
    assert (march.day, march.ok) == ("2026-04-08 10:00:00", False)
    assert "截止 2026-04-05，晚 3 天" in march.detail
    july = next(e for e in timeliness if "2026年7月" in e.label)
    assert july.ok is False and "未报送" in july.detail
    quality = {e.label: e.detail for e in jy.item("quality").evidence}
    assert "第一次导入拒收 2 处；更正 1 次（2026-10-06 再次报送）" in quality.values()
    tasks = {e.label: e for e in jy.item("tasks").evidence}
    # 旌阳区 is 责任 on task 2 and still says 推进中: the lead's 已完成 stands for it (as on 首页).
    assert tasks["2. 任务2（责任）"].ok is False
    assert tasks["2. 任务2（责任）"].detail == (
        "完成时限 2026-09-30；本单位 2026-10 报告「推进中」；任务「已完成」，完成于 2026-10-15；"
        "逾期完成（晚 15 天）"
    )
    assert tasks["3. 任务3（牵头）"].ok is None  # not yet due: shown, not counted
    supervision = [e.detail for e in jy.item("supervision").evidence]
    assert "回复期限 2026-07-15，2026-07-20 回复，晚 5 天" in supervision
    assert "回复期限 2026-12-20 未到，不计入" in supervision


def test_rules_the_office_sets_change_the_scores(year):
    rules = RuleSet.default(2026)
    # No record → left out and the rest scaled up (折算); 报送质量 off, its 10 points to tasks.
    changed = tuple(
        r.__class__(r.item, r.name, 0.0 if r.item == "quality" else r.weight, r.item != "quality",
                    r.params)
        if r.item in ("quality",)
        else r.__class__(r.item, r.name, r.weight + 10 if r.item == "tasks" else r.weight,
                         r.enabled, r.params)
        for r in rules.rules
    )  # fmt: skip
    save_rules(year, RuleSet(2026, changed, no_data="折算"))
    jt = assess(year, 2026, today=TODAY).unit("市交通运输局")
    # 20 + 0 (tasks, now 35) + 10 + 6 = 36 of the 90 points with records → 36 × 100 / 90 = 40
    assert [i.item for i in jt.items] == [
        "timeliness",
        "tasks",
        "projects",
        "investment",
        "supervision",
    ]
    assert jt.item("supervision").score is None
    assert jt.base == 40.0
    # The office's changes are in the audit log.
    fields = [
        r[0]
        for r in year.conn.execute(
            "SELECT field FROM audit_log WHERE entity IN ('assessment_rule', 'assessment_year')"
        )
    ]
    assert "weight" in fields and "no_data" in fields


def test_weights_must_add_up_and_nothing_is_saved_otherwise(year):
    rules = RuleSet.default(2026)
    first = rules.rules[0]
    bad = RuleSet(2026, (first.__class__(first.item, first.name, 30.0),) + rules.rules[1:])
    with pytest.raises(ValidationError, match="权重合计为 110 分，应为 100 分"):
        save_rules(year, bad)
    assert stored_rule_set(year, 2026) is None


def test_bonus_is_capped_and_every_hand_entry_is_audited(year):
    a = add_adjustment(year, 2026, JY, 4, "经验做法被省里推广")
    add_adjustment(year, 2026, JY, 3, "承办现场会")
    jy = assess(year, 2026, today=TODAY).unit("旌阳区")
    assert jy.bonus == 5  # 7 entered, capped at 5
    delete_adjustment(year, a)
    assert assess(year, 2026, today=TODAY).unit("旌阳区").bonus == 3
    trail = adjustment_history(year, 2026)
    assert [r["field"] for r in trail] == ["录入", "录入", "删除"]
    assert trail[-1]["old"] == "2026年 旌阳区 +4 分：经验做法被省里推广"
    with pytest.raises(ValidationError, match="请写明加分或扣分的理由"):
        add_adjustment(year, 2026, JY, 2, "  ")


def test_rules_file_round_trip_and_a_wrong_file_says_where(year, tmp_path):
    rules = RuleSet.default(2026)
    save_rules(year, RuleSet(2026, rules.rules, bonus_cap=3))
    out = export_rules(year, 2026, tmp_path / "2026年考核规则.json")
    text = out.read_text(encoding="utf-8")
    assert "得分 = 权重 × 按期报送期数 ÷ 应报送期数" in text
    # Kept as the rules of the next year.
    import_rules(year, out, year=2027)
    assert stored_rule_set(year, 2027).bonus_cap == 3
    data = json.loads(text)
    data["考核项目"][2]["权重"] = "二十五"
    wrong = tmp_path / "改错的规则.json"
    wrong.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        UserError, match="第 3 个考核项目（tasks）的「权重」应为数字，现为「二十五」"
    ):
        import_rules(year, wrong, year=2028)
    assert stored_rule_set(year, 2028) is None
    broken = tmp_path / "坏文件.json"
    broken.write_text("{ 不是 json", encoding="utf-8")
    with pytest.raises(UserError, match="不是有效的 JSON"):
        import_rules(year, broken, year=2028)


def test_rules_saved_by_someone_else_meanwhile_are_not_overwritten(year):
    from dataclasses import replace

    from desktop_app.domain.errors import ConflictError
    from desktop_app.store import Store

    save_rules(year, RuleSet.default(2026))
    read_before_editing = stored_rule_set(year, 2026)
    with Store.open(year.path, user="李四") as colleague:
        save_rules(colleague, replace(RuleSet.default(2026), bonus_cap=2))
    mine = replace(RuleSet.default(2026), penalty_cap=20)
    with pytest.raises(ConflictError, match="在您编辑期间已被他人修改，本次未保存"):
        save_rules(year, mine, expected=read_before_editing)
    now = stored_rule_set(year, 2026)
    assert (now.bonus_cap, now.penalty_cap) == (2, 10)
    # Read again, the change goes through.
    save_rules(year, replace(now, penalty_cap=20), expected=now)
    assert stored_rule_set(year, 2026).penalty_cap == 20


def test_a_year_without_its_own_rules_carries_on_the_last_ones(year):
    from dataclasses import replace

    from desktop_app.services.assessment import rules_text

    save_rules(year, replace(RuleSet.default(2025), bonus_cap=2))
    a = assess(year, 2026, today=TODAY)
    assert (a.stored_rules, a.rules_from, a.rules.bonus_cap) == (False, 2025, 2)
    assert rules_text(a) == "尚未设置，沿用2025年规则"
    assert "2025年内" not in a.rules.formula("timeliness")  # the formulas speak of 2026
    save_rules(year, RuleSet.default(2026))
    assert rules_text(assess(year, 2026, today=TODAY)) == "已设置"


def test_a_district_counts_its_located_projects_also_where_it_is_responsible(year):
    # P7, led by 市交通运输局, lies in 旌阳区, which is also its 责任单位 (as districts often
    # are): 旌阳区's 年度投资完成率 counts it as a project located in it.
    c = year.conn
    with year.write():
        c.execute(
            "INSERT INTO project (id, code, name, stage, planned_start, planned_end,"
            " percent_complete, district_id) VALUES ('P7', 'P7', '项目P7', '在建', '2026-01-01',"
            " '2027-12-31', 40, ?)",
            (JY,),
        )
        c.execute("INSERT INTO project_unit VALUES ('P7', ?, '牵头')", (JT,))
        c.execute("INSERT INTO project_unit VALUES ('P7', ?, '责任')", (JY,))
        c.execute("INSERT INTO project_annual_target VALUES ('P7', 2026, 1000, NULL)")
        c.execute(
            "INSERT INTO progress_report (project_id, period, investment_this_year)"
            " VALUES ('P7', '2026-11', 1000)"
        )
    item = assess(year, 2026, today=TODAY).unit("旌阳区").items[4]
    assert item.item == "investment"
    assert (item.numerator, item.denominator) == (2500 + 1000, 3500 + 1000)
    assert any(e.label.startswith("P7 项目P7（属地）") for e in item.evidence)


@pytest.mark.parametrize("assessed", [2026, 2025])
def test_the_records_of_one_figure_read_alone_are_those_of_the_whole_assessment(year, assessed):
    add_adjustment(year, 2026, JY, 3, "承办成德同城化现场推进会")
    full = assess(year, assessed, today=TODAY)
    lean = assess(year, assessed, today=TODAY, records=False)
    assert not lean.records and full.records
    for kept, bare in zip(full.scores, lean.scores, strict=True):
        assert (bare.unit, bare.rank, bare.base, bare.bonus, bare.penalty, bare.total) == (
            kept.unit,
            kept.rank,
            kept.base,
            kept.bonus,
            kept.penalty,
            kept.total,
        )
        for whole, figure in zip(kept.items, bare.items, strict=True):
            assert figure.evidence == ()
            assert figure == replace(whole, evidence=())
            # Read for that unit and item alone: the same figure with the same records.
            assert item_records(year, lean, bare.unit_id, figure.item) == whole
    records = sum(len(i.evidence) for s in full.scores for i in s.items)
    assert records > 40  # returns, tasks, projects, investment and 督办 all listed


def test_the_window_lights_are_read_only_when_of_the_day_and_plan_assessed(year):
    statuses = project_statuses(year, TODAY)  # as the register holds them
    shown = shown_lights(year, TODAY, statuses)
    assert shown.plan_id == viewed_plan_id(year)
    plain = assess(year, 2026, today=TODAY)
    assert assess(year, 2026, today=TODAY, shown=shown) == plain
    jy = assess(year, 2026, today=TODAY, shown=shown, records=False)
    assert item_records(year, jy, JY, "projects", shown=shown) == plain.unit("旌阳区").items[3]

    # P2 (red) green in what the window holds: read when of the day and plan assessed …
    greener = {**shown.lights, "P2": shown.lights["P2"]._replace(light=GREEN, reason="按期")}
    same_day = ShownLights(TODAY, shown.plan_id, greener)
    projects = assess(year, 2026, today=TODAY, shown=same_day).unit("旌阳区").item("projects")
    assert (projects.numerator, projects.denominator) == (3, 3)
    # … and not when judged on another day, or for another plan than the one assessed.
    for other in (
        ShownLights(date(2026, 12, 5), shown.plan_id, greener),
        ShownLights(TODAY, (shown.plan_id or 0) + 1, greener),
    ):
        assert assess(year, 2026, today=TODAY, shown=other) == plain
    # A past year's lights are judged on its last day, never taken from the window's.
    assert assess(year, 2025, today=TODAY, shown=same_day) == assess(year, 2025, today=TODAY)


def test_projects_of_another_plan_than_the_current_are_not_counted(year):
    # A new plan (2026–2030) is now the current one; 旌阳区 still leads a project of the old
    # plan that was not carried into it. The assessment counts the current plan's projects
    # (and those of no plan) and leaves the old one out, for the figure and its records alike.
    with year.write():
        year.conn.execute(
            "INSERT INTO plan (id, code, title, start_year, end_year) VALUES (2, 'Q', '新规划',"
            " 2026, 2030)"
        )
        for pid, plan in (("Q1", 1), ("Q2", 2)):
            year.conn.execute(
                "INSERT INTO project (id, code, name, plan_id, stage, planned_start, planned_end,"
                " percent_complete) VALUES (?, ?, ?, ?, '在建', '2026-01-01', '2027-12-31', 50)",
                (pid, pid, f"项目{pid}", plan),
            )
            year.conn.execute("INSERT INTO project_unit VALUES (?, ?, '牵头')", (pid, JY))
            year.conn.execute(
                "INSERT INTO project_annual_target VALUES (?, 2026, 100, NULL)", (pid,)
            )
    result = assess(year, 2026, today=TODAY)
    for key, counted in (("projects", (3, 4)), ("investment", (2500, 3600))):
        item = result.unit("旌阳区").item(key)
        assert (item.numerator, item.denominator) == counted
        labels = [e.label for e in item.evidence]
        assert any(x.startswith("Q2 ") for x in labels)
        assert not any(x.startswith("Q1 ") for x in labels)
        lean = assess(year, 2026, today=TODAY, records=False)
        assert item_records(year, lean, JY, key) == item


def test_undoing_points_puts_them_back_as_they_were_and_refuses_a_changed_one(assessment_year):
    from desktop_app.domain.errors import ConflictError
    from desktop_app.services import assessment as service
    from desktop_app.store.assessment import adjustment_row

    store = assessment_year
    unit = store.scalar("SELECT id FROM unit WHERE name = '旌阳区'")
    day = date(2026, 12, 6)

    def total() -> float:
        return service.assess(store, 2026, today=day).unit("旌阳区").total

    base = total()
    added = service.add_adjustment(store, 2026, unit, 3, "承办现场推进会", "通报5号")
    assert total() == base + 3
    deleted = service.delete_adjustment(store, added.row["id"])
    assert total() == base
    service.undo_adjustment(store, deleted)  # back with its id, 录入人 and time
    assert adjustment_row(store, added.row["id"]) == added.row
    assert total() == base + 3
    # Someone deletes it meanwhile: redoing the deletion is refused, nothing written.
    with store.write():
        store.conn.execute("DELETE FROM assessment_adjustment")
    audit = store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(ConflictError, match="在这一步之后已被删除"):
        service.undo_adjustment(store, deleted, redo=True)
    assert store.scalar("SELECT count(*) FROM audit_log") == audit
    # The first save of the year's rules undone: none set again; redone: the same rules.
    rules, stored = rules_for(store, 2026)
    assert not stored
    step = service.save_rules_step(store, replace(rules, penalty_cap=8.0))
    service.undo_rules(store, step)
    assert stored_rule_set(store, 2026) is None
    service.undo_rules(store, step, redo=True)
    assert stored_rule_set(store, 2026).penalty_cap == 8.0
    save_rules(store, replace(rules, penalty_cap=6.0))  # another person
    with pytest.raises(ConflictError, match="2026年考核规则在这一步之后已被他人"):
        service.undo_rules(store, step)
    assert stored_rule_set(store, 2026).penalty_cap == 6.0
