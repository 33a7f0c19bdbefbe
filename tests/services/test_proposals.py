"""新增项目建议 from a real return: accepting one as a project, rejecting one, refusals."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app.domain.errors import UserError, ValidationError
from desktop_app.exchange.columns import DATA_SHEET, FIRST_DATA_ROW, TEMPLATE_COLUMNS
from desktop_app.services import proposals
from desktop_app.services.exchange import import_return, issue_template
from desktop_app.store.projects import get_project, history, list_projects
from desktop_app.store.proposals import get_proposal, list_proposals
from desktop_app.store.units import get_unit

PERIOD = "2026-11"
KEYS = [c.key for c in TEMPLATE_COLUMNS]


def send_return(store, tmp_path: Path, unit: str, rows: list[dict], name: str) -> None:
    """Issue ``unit``'s template, type ``rows`` (column key -> value) under its list, import it."""
    template = issue_template(store, unit, PERIOD, tmp_path / f"{name}_模板.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb[DATA_SHEET]
    r = FIRST_DATA_ROW
    while ws.cell(r, 1).value:
        r += 1
    for values in rows:
        for key, value in values.items():
            ws.cell(r, KEYS.index(key) + 1).value = value
        r += 1
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    outcome = import_return(store, path)
    assert outcome.status == "applied", outcome.message


def file_sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pending(store) -> dict[str, int]:
    return {p.name: p.id for p in list_proposals(store)}


@pytest.fixture
def proposed(store, make_project, tmp_path) -> dict[str, int]:
    """广汉市 returns two new projects; returns proposal ids by name."""
    make_project("GH-1", "广汉测试道路", lead="广汉市", stage="在建")
    send_return(
        store,
        tmp_path,
        "广汉市",
        [
            {
                "name": "广汉新建停车场",
                "lead_unit": "广汉市",
                "planned_start": "2027年3月1日",
                "planned_end": date(2028, 6, 30),
                "annual_plan": 1200,
                "stage": "前期",
                "progress_text": "完成选址",
            },
            {
                "name": "广汉城北污水管网",
                "lead_unit": "市水利局",
                "responsible_units": "旌阳区、城北建设指挥部",
                "stage": "储备",
            },
        ],
        "广汉市报送",
    )
    return pending(store)


def test_accept_creates_the_project_with_the_returned_values(store, proposed):
    before = len(list_projects(store))
    project_id, changes = proposals.accept_proposal(store, proposed["广汉新建停车场"])
    assert changes.projects == {project_id}
    p = get_project(store, project_id)
    assert p.name == "广汉新建停车场"
    assert p.code.startswith("XM-")
    assert p.stage == "前期"
    assert (p.planned_start, p.planned_end) == (date(2027, 3, 1), date(2028, 6, 30))
    assert p.district == "广汉市"
    assert [(u.name, u.role) for u in p.units] == [("广汉市", "牵头")]
    assert [(t.year, t.planned_investment) for t in p.annual_targets] == [(2026, 1200)]
    assert len(list_projects(store)) == before + 1
    # The proposal is handled and says what it became; the project's history says where from.
    proposal = get_proposal(store, proposed["广汉新建停车场"])
    assert (proposal.status, proposal.project_code) == ("已采纳", p.code)
    assert proposal.handled_by == "测试员"
    assert "广汉新建停车场" not in pending(store)
    fields = {h["field"]: h for h in history(store, project_id)}
    assert fields["创建"]["new"] == "广汉新建停车场"
    assert "广汉市报送的新增项目建议（广汉市报送.xlsx" in fields["采纳建议"]["new"]
    status_rows = store.query(
        "SELECT old, new, user FROM audit_log WHERE entity = 'project_proposal'"
        " AND entity_id = ? AND field = 'status'",
        (str(proposal.id),),
    )
    assert status_rows == [{"old": "待审核", "new": "已采纳", "user": "测试员"}]


def test_a_lead_named_in_the_return_leads_and_the_proposing_unit_is_responsible(store, proposed):
    draft = proposals.draft_project(store, proposed["广汉城北污水管网"])
    assert draft.notes == ["责任单位「城北建设指挥部」不在单位名单中，未关联。"]
    project_id, _ = proposals.accept_proposal(store, proposed["广汉城北污水管网"])
    p = get_project(store, project_id)
    assert {(u.name, u.role) for u in p.units} == {
        ("市水利局", "牵头"),
        ("广汉市", "责任"),
        ("旌阳区", "责任"),
    }
    assert p.stage == "储备" and p.annual_targets == []


def test_the_office_corrects_the_values_before_accepting(store, proposed):
    lead = get_unit(store, "市交通运输局").id
    project_id, _ = proposals.accept_proposal(
        store,
        proposed["广汉新建停车场"],
        {
            "code": " GH-2 ",
            "name": "广汉市城区智慧停车场",
            "stage": "在建",
            "planned_end": "2028年12月31日",
            "total_investment": "1.5亿",
            "scope": "新建停车位 800 个",
            "annual_plan": "",
        },
        units=[(lead, "牵头"), (get_unit(store, "广汉市").id, "配合")],
    )
    p = get_project(store, project_id)
    assert (p.code, p.name, p.stage) == ("GH-2", "广汉市城区智慧停车场", "在建")
    assert (p.planned_start, p.planned_end) == (date(2027, 3, 1), date(2028, 12, 31))
    assert (p.total_investment, p.scope) == (15000, "新建停车位 800 个")
    assert [(u.name, u.role) for u in p.units] == [("市交通运输局", "牵头"), ("广汉市", "配合")]
    assert p.annual_targets == []


def test_accepting_twice_is_refused(store, proposed):
    pid = proposed["广汉新建停车场"]
    project_id, _ = proposals.accept_proposal(store, pid)
    code = get_project(store, project_id).code
    count = len(list_projects(store))
    with pytest.raises(UserError, match=f"已于 .* 由 测试员 采纳（项目编码 {code}），不能再采纳"):
        proposals.accept_proposal(store, pid)
    with pytest.raises(UserError, match="不能再驳回"):
        proposals.reject_proposal(store, pid, "重复")
    assert len(list_projects(store)) == count
    assert get_proposal(store, pid).status == "已采纳"


def test_reject_keeps_the_reason_and_creates_nothing(store, proposed):
    pid = proposed["广汉城北污水管网"]
    count = len(list_projects(store))
    with pytest.raises(ValidationError, match="请填写驳回理由"):
        proposals.reject_proposal(store, pid, "  ")
    assert get_proposal(store, pid).status == "待审核"
    proposals.reject_proposal(store, pid, " 已列入市水利局项目，不再单列 ")
    proposal = get_proposal(store, pid)
    assert (proposal.status, proposal.reason) == ("已驳回", "已列入市水利局项目，不再单列")
    assert [p.name for p in list_proposals(store, "已驳回")] == ["广汉城北污水管网"]
    assert store.scalar(
        "SELECT new FROM audit_log WHERE entity = 'project_proposal' AND entity_id = ?"
        " AND field = 'reason'",
        (str(pid),),
    ) == ("已列入市水利局项目，不再单列")
    assert len(list_projects(store)) == count
    with pytest.raises(UserError, match="驳回（理由：已列入市水利局项目，不再单列），不能再采纳"):
        proposals.accept_proposal(store, pid)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"planned_start": "2028-01-01", "planned_end": "2027-01-01"}, "计划完工 2027-01-01 早于"),
        ({"planned_end": "明年"}, "计划完工：「明年」不是日期"),
        ({"code": "GH-1"}, "项目编码「GH-1」已被其他项目使用"),
        ({"code": ""}, "项目编码不能为空"),
        ({"name": " "}, "项目名称不能为空"),
        ({"stage": "规划"}, "建设阶段应为 储备/前期/在建/竣工 之一"),
        ({"name": "广汉测试道路"}, "项目库中已有同名项目「GH-1 广汉测试道路」"),
        ({"annual_plan": "-5"}, "2026年计划投资：「-5」为负数"),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(store, proposed, fields, message):
    pid = proposed["广汉新建停车场"]
    before = file_sha(store.path)
    with pytest.raises(ValidationError, match=message) as err:
        proposals.accept_proposal(store, pid, fields)
    assert err.value.message.startswith("新增项目建议「广汉新建停车场」：")
    assert file_sha(store.path) == before
    assert get_proposal(store, pid).status == "待审核"


def test_unit_links_follow_the_editors_rules(store, proposed):
    a, b = get_unit(store, "广汉市").id, get_unit(store, "市水利局").id
    with pytest.raises(ValidationError, match="一个项目只能有一个牵头单位"):
        proposals.accept_proposal(
            store, proposed["广汉新建停车场"], units=[(a, "牵头"), (b, "牵头")]
        )
    assert get_proposal(store, proposed["广汉新建停车场"]).status == "待审核"


def test_undo_and_redo_of_accepting(store, proposed):
    pid = proposed["广汉新建停车场"]
    project_id, _ = proposals.accept_proposal(store, pid)
    changes = proposals.reopen_proposal(store, pid)
    assert changes.projects == {project_id}
    assert get_proposal(store, pid).status == "待审核"
    assert project_id not in {p.id for p in list_projects(store)}
    proposals.reaccept_proposal(store, pid, project_id)
    assert get_proposal(store, pid).project_id == project_id
    assert project_id in {p.id for p in list_projects(store)}
