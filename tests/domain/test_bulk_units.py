"""批量修改 of units: a unit keeps one role, the lead stays one, the message names every row."""

import pytest

from desktop_app.domain.bulk import (
    ADD,
    KEEP,
    REPLACE,
    BulkProblem,
    BulkRefusal,
    UnitChange,
    apply_units,
)

LINKS = [(1, "牵头"), (2, "责任"), (3, "配合")]


@pytest.mark.parametrize(
    "change, expected",
    [
        (UnitChange(), LINKS),
        (UnitChange(lead=9), [(9, "牵头"), (2, "责任"), (3, "配合")]),
        (UnitChange(lead=0), [(2, "责任"), (3, "配合")]),
        (UnitChange(lead=2), [(2, "牵头"), (3, "配合")]),  # out of 责任, now the lead
        (
            UnitChange(responsible=(ADD, (4, 3))),
            [(1, "牵头"), (2, "责任"), (3, "责任"), (4, "责任")],
        ),
        (UnitChange(responsible=(REPLACE, (5,))), [(1, "牵头"), (5, "责任"), (3, "配合")]),
        (UnitChange(responsible=(REPLACE, ())), [(1, "牵头"), (3, "配合")]),
        (
            UnitChange(supporting=(ADD, (1, 6))),
            [(1, "牵头"), (2, "责任"), (3, "配合"), (6, "配合")],
        ),
        (UnitChange(lead=0, supporting=(ADD, (1,))), [(2, "责任"), (1, "配合"), (3, "配合")]),
        (UnitChange(responsible=(KEEP, (7,))), LINKS),
    ],
)
def test_apply_units(change, expected):
    assert apply_units(LINKS, change) == expected


def test_an_empty_change():
    assert UnitChange().empty
    assert not UnitChange(lead=0).empty
    assert not UnitChange(supporting=(ADD, ())).empty
    assert not UnitChange(responsible=(REPLACE, ())).empty


def test_the_refusal_names_each_row_and_says_what_to_do():
    problems = tuple(BulkProblem(f"XM-{i:02d} 项目{i}", "计划完工早于计划开工") for i in range(14))
    text = BulkRefusal(problems).message("项目", limit=12)
    lines = text.splitlines()
    assert lines[0] == "批量修改未执行：选中的项目中有 14 个不能这样修改，所有项目都保持原样。"
    assert lines[1] == "· XM-00 项目0：计划完工早于计划开工"
    assert lines[12] == "· XM-11 项目11：计划完工早于计划开工"
    assert lines[13] == "· 另有 2 个项目同样不能修改"
    assert lines[14] == "请调整修改内容，或取消选择这些项目后再试。"
    assert len(BulkRefusal(problems[:12]).message("任务").splitlines()) == 14
