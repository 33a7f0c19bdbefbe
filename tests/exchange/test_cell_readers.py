"""How each cell of a return is read: the value stored, the change shown, the message with the cell.

One office (a store, its projects and the template it issued, then changed by the office since)
serves the whole module: reading a return changes nothing, so each test fills its own copy of
the template the way a clerk does (openpyxl) and looks at the preview the import shows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from xhelpers import PERIOD, Setup, col

from desktop_app.domain.model import ProgressReport
from desktop_app.exchange.columns import DATA_SHEET
from desktop_app.exchange.return_import import read_return
from desktop_app.services.exchange import apply_return, issue_template
from desktop_app.store import Store
from desktop_app.store.progress import list_reports, record_report
from desktop_app.store.projects import create_project, get_project, update_project
from desktop_app.store.units import get_unit

STARTED = date(2026, 2, 1)


@pytest.fixture(scope="module")
def office(tmp_path_factory, _seeded_template) -> Setup:
    """广汉市's template for 2026-11, issued with GH-4's report of the period prefilled (and its
    形象进度 of October recorded); since then the office changed GH-1's percent (30 → 40), actual
    start (02-01 → 02-03), the stage of GH-3 (前期 → 在建), recorded GH-4's actual start, and
    GH-5 reported December."""
    tmp = tmp_path_factory.mktemp("cells")
    path = tmp / "项目库.db"
    path.write_bytes(_seeded_template.read_bytes())
    store = Store.open(path, user="测试员")
    lead = [(get_unit(store, "广汉市").id, "牵头")]
    ids = {
        "GH-1": create_project(
            store,
            {
                "code": "GH-1",
                "name": "广汉测试道路",
                "stage": "在建",
                "planned_start": date(2026, 1, 1),
                "planned_end": date(2027, 12, 31),
                "actual_start": STARTED,
                "percent_complete": 30,
                "investment_to_date": 1234,
            },
            units=lead,
        ),
        "GH-2": create_project(
            store,
            {"code": "GH-2", "name": "三星堆配套工程", "stage": "在建", "percent_complete": 0.45},
            units=lead,
        ),
        "GH-3": create_project(
            store, {"code": "GH-3", "name": "广汉属地项目", "stage": "前期"}, units=lead
        ),
        "GH-4": create_project(
            store, {"code": "GH-4", "name": "广汉物流园", "stage": "在建"}, units=lead
        ),
        "GH-5": create_project(
            store,
            {"code": "GH-5", "name": "广汉补报项目", "stage": "在建", "actual_start": STARTED},
            units=lead,
        ),
    }
    record_report(store, ProgressReport(ids["GH-4"], "2026-10", progress_text="主体施工"))
    record_report(
        store,
        ProgressReport(
            ids["GH-4"], PERIOD, investment_this_year=500, problems="征地未完成", next_steps="开工"
        ),
    )
    template = issue_template(store, "广汉市", PERIOD, tmp / "广汉市_模板.xlsx")
    update_project(store, ids["GH-1"], {"percent_complete": 40, "actual_start": date(2026, 2, 3)})
    update_project(store, ids["GH-3"], {"stage": "在建"})
    # Recorded after the template was made: its cell there is empty, as the unit left it.
    update_project(store, ids["GH-4"], {"actual_start": date(2026, 11, 20)})
    # GH-5 has reported December since: this return of November is a late one for it.
    record_report(store, ProgressReport(ids["GH-5"], "2026-12", percent_complete=60))
    yield Setup(store, ids, template, tmp)
    store.close()


def preview_of(office: Setup, tmp_path: Path, changes: dict, **kw):
    filled = Setup(office.store, office.ids, office.template, tmp_path).edit(changes, **kw)
    return read_return(office.store, filled)


def changes_of(preview) -> dict[tuple[str, str], tuple]:
    return {(c.code, c.field): (c.old, c.new) for c in preview.changes}


def the_error(preview, code: str, key: str):
    [error] = preview.all_errors
    row = next(r.row for r in preview.rows if r.code == code)
    assert (error.sheet, error.cell) == (DATA_SHEET, f"{col(key)}{row}")
    return error


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        (12, "12"),  # a number typed in a text column is stored as the clerk sees it
        (12.0, "12"),
        (3.5, "3.5"),
        ("  路基完成  ", "路基完成"),
        ("（一）征地，已完成", "（一）征地，已完成"),
    ],
)
def test_text_cells_are_stored_as_shown(office, tmp_path, typed, stored):
    preview = preview_of(office, tmp_path, {("GH-2", "problems"): typed})
    assert not preview.all_errors
    assert changes_of(preview) == {("GH-2", "problems"): (None, stored)}


def test_text_of_exactly_the_limit_is_taken_and_one_more_refused(office, tmp_path):
    preview = preview_of(office, tmp_path, {("GH-2", "next_steps"): "长" * 500})
    assert changes_of(preview) == {("GH-2", "next_steps"): (None, "长" * 500)}
    refused = preview_of(office, tmp_path, {("GH-2", "next_steps"): "长" * 501})
    error = the_error(refused, "GH-2", "next_steps")
    assert error.field == "下步计划"
    assert error.message == f"{DATA_SHEET}!{error.cell} 下步计划共 501 字，超过 500 字的上限"


@pytest.mark.parametrize(
    "key, header",
    [
        ("progress_text", "形象进度"),
        ("actual_end", "实际完工"),
        ("stage", "建设阶段"),
        ("percent_complete", "完成百分比"),
        ("investment_this_year", "本年完成投资（万元）"),
    ],
)
def test_a_failed_formula_is_refused_with_its_error_in_every_kind_of_column(
    office, tmp_path, key, header
):
    preview = preview_of(office, tmp_path, {("GH-2", key): "#DIV/0!"})
    error = the_error(preview, "GH-2", key)
    assert (error.field, error.value) == (header, "#DIV/0!")
    assert error.message == (
        f"{DATA_SHEET}!{error.cell} {header}是公式出错的结果（#DIV/0!），请改正公式或直接填写数值"
    )
    assert not preview.changes


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [(0, 0), (0.5, 0.5), (1, 1), (1.5, 1.5), (33.333, 33.33), (100, 100), ("45%", 45)],
)
def test_percent_cells_within_0_and_100(office, tmp_path, typed, stored):
    preview = preview_of(office, tmp_path, {("GH-3", "percent_complete"): typed})
    assert changes_of(preview) == {("GH-3", "percent_complete"): (None, stored)}
    # Under 1 % (0.5) the import asks whether 50 % was meant; 0 and 1 are plain.
    cell = f"{col('percent_complete')}{office.row_of('GH-3')}"
    asked = [n for n in preview.notes if "小于 1" in n]
    assert asked == (
        [
            f"{DATA_SHEET}!{cell} 的完成百分比小于 1（如 0.45），按不到 1% 导入；如指 45%，请改为 45 后重新报送。"
        ]
        if 0 < stored < 1
        else []
    )


@pytest.mark.parametrize("typed, shown", [(100.5, "100.5"), (-0.5, "-0.5"), (101, "101")])
def test_percent_numbers_just_outside_0_to_100_are_refused(office, tmp_path, typed, shown):
    error = the_error(
        preview_of(office, tmp_path, {("GH-3", "percent_complete"): typed}),
        "GH-3",
        "percent_complete",
    )
    assert (error.field, error.value) == ("完成百分比", shown)
    assert error.message == f"{DATA_SHEET}!{error.cell} 完成百分比「{shown}」超出 0–100"


def test_an_unchanged_percent_in_a_percent_formatted_cell_is_the_percent_shown(office, tmp_path):
    # GH-2 holds 0.45 (under 1 %): the unit formats the cell as a percent, sees 45 % and
    # leaves it; 45 is what it reports.
    preview = preview_of(
        office,
        tmp_path,
        {("GH-2", "percent_complete"): 0.45},
        percent_format=("percent_complete",),
    )
    assert changes_of(preview) == {("GH-2", "percent_complete"): (0.45, 45)}


@pytest.mark.parametrize(
    "typed, stored",
    [(1234.5, 1234.5), (1235, 1235), (1233.9999, 1233.9999), ("0.2亿元", 2000), (0, 0)],
)
def test_a_money_change_of_any_size_is_a_change(office, tmp_path, typed, stored):
    preview = preview_of(office, tmp_path, {("GH-1", "investment_to_date"): typed})
    assert changes_of(preview) == {("GH-1", "investment_to_date"): (1234, stored)}


@pytest.mark.parametrize("typed", [1234, "1234", "1,234", "1234万元", " 1234.00 "])
def test_the_same_amount_written_another_way_is_no_change(office, tmp_path, typed):
    preview = preview_of(office, tmp_path, {("GH-1", "investment_to_date"): typed})
    assert not preview.changes and not preview.conflicts and not preview.all_errors


# --- stage and dates -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["在建", " 在建 ", "在建\n"])
def test_the_same_stage_retyped_is_no_change(office, tmp_path, typed):
    preview = preview_of(office, tmp_path, {("GH-2", "stage"): typed, ("GH-2", "problems"): "资金"})
    assert not preview.all_errors
    assert changes_of(preview) == {("GH-2", "problems"): (None, "资金")}


def test_a_new_stage_and_dates_are_changes(office, tmp_path):
    preview = preview_of(
        office,
        tmp_path,
        {
            ("GH-2", "stage"): "竣工",
            ("GH-2", "actual_start"): date(2026, 3, 1),
            ("GH-2", "actual_end"): "2026-10",
        },
    )
    assert not preview.all_errors
    assert changes_of(preview) == {
        ("GH-2", "stage"): ("在建", "竣工"),
        ("GH-2", "actual_start"): (None, date(2026, 3, 1)),
        ("GH-2", "actual_end"): (None, date(2026, 10, 31)),  # a month alone ends the month
    }


def test_every_bad_cell_of_a_row_is_reported(office, tmp_path):
    preview = preview_of(
        office,
        tmp_path,
        {
            ("GH-2", "stage"): "施工中",
            ("GH-2", "actual_start"): "明年",
            ("GH-2", "percent_complete"): 120,
            ("GH-2", "problems"): "资金",
        },
    )
    row = next(r.row for r in preview.rows if r.code == "GH-2")
    assert [(e.cell, e.field, e.value) for e in preview.all_errors] == [
        (f"{col('stage')}{row}", "建设阶段", "施工中"),
        (f"{col('actual_start')}{row}", "实际开工", "明年"),
        (f"{col('percent_complete')}{row}", "完成百分比", "120"),
    ]
    assert preview.all_errors[1].message == (
        f"{DATA_SHEET}!{col('actual_start')}{row} 实际开工「明年」不是日期，应写成 2026-03-01 这样的格式"
    )


def test_a_lone_percent_sign_is_empty_and_the_rest_of_the_row_is_read(office, tmp_path):
    preview = preview_of(
        office, tmp_path, {("GH-2", "percent_complete"): "%", ("GH-2", "problems"): "资金"}
    )
    assert not preview.all_errors
    assert changes_of(preview) == {("GH-2", "problems"): (None, "资金")}


# --- the office's changes since the template was issued ------------------------------------


def test_values_left_as_issued_keep_the_offices_later_changes(office, tmp_path):
    # The template as issued says 30 %, 2026-02-01 and 前期; the office has 40 %, 02-03, 在建.
    preview = read_return(office.store, office.template)
    assert not preview.changes and not preview.conflicts and not preview.all_errors
    retyped = preview_of(
        office,
        tmp_path,
        {
            ("GH-1", "actual_start"): "2026-02-01",
            ("GH-1", "percent_complete"): "30%",
            ("GH-3", "stage"): " 前期 ",
            ("GH-1", "problems"): "资金",  # and what the unit did change is still read
            ("GH-3", "problems"): "用地",
        },
    )
    assert not retyped.conflicts and not retyped.all_errors
    assert changes_of(retyped) == {
        ("GH-1", "problems"): (None, "资金"),
        ("GH-3", "problems"): (None, "用地"),
    }


def test_a_value_changed_by_both_is_a_conflict_showing_all_three(office, tmp_path):
    preview = preview_of(
        office,
        tmp_path,
        {
            ("GH-1", "actual_start"): "2026-02-05",
            ("GH-1", "percent_complete"): 35,
            ("GH-3", "stage"): "竣工",
        },
    )
    assert not preview.changes and not preview.all_errors
    assert {(c.code, c.field): (c.issued, c.old, c.new) for c in preview.conflicts} == {
        ("GH-1", "actual_start"): (STARTED, date(2026, 2, 3), date(2026, 2, 5)),
        ("GH-1", "percent_complete"): (30, 40, 35),
        ("GH-3", "stage"): ("前期", "在建", "竣工"),
    }


@pytest.mark.parametrize(
    "typed",
    [
        {("GH-1", "percent_complete"): 40, ("GH-1", "actual_start"): date(2026, 2, 3)},
        # The same values written another way: still the office's, no conflict.
        {("GH-1", "percent_complete"): "40%", ("GH-1", "actual_start"): "2026年2月3日"},
        {("GH-3", "stage"): " 在建 "},
    ],
    ids=["as-stored", "percent-and-date-as-text", "stage-with-spaces"],
)
def test_the_unit_agreeing_with_the_office_is_no_conflict(office, tmp_path, typed):
    preview = preview_of(office, tmp_path, typed)
    assert not preview.changes and not preview.conflicts and not preview.all_errors


def test_a_change_to_a_value_the_office_left_alone_is_a_plain_change(office, tmp_path):
    preview = preview_of(office, tmp_path, {("GH-1", "investment_to_date"): 1300})
    assert not preview.conflicts
    [change] = preview.changes
    assert (change.issued, change.old, change.new) == (1234, 1234, 1300)
    assert (change.code, change.name, change.label) == (
        "GH-1",
        "广汉测试道路",
        "累计完成投资（万元）",
    )
    assert change.cell == f"{col('investment_to_date')}{office.row_of('GH-1')}"
    assert change.project_id == office.ids["GH-1"]


# --- cells the unit emptied ---------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", "\n"])
def test_a_prefilled_text_or_figure_the_unit_empties_is_cleared(office, tmp_path, blank):
    preview = preview_of(
        office,
        tmp_path,
        {("GH-4", "problems"): blank, ("GH-4", "investment_this_year"): blank},
    )
    assert not preview.all_errors and not preview.conflicts
    assert changes_of(preview) == {
        ("GH-4", "problems"): ("征地未完成", None),
        ("GH-4", "investment_this_year"): (500, None),
    }
    [problems] = [c for c in preview.changes if c.field == "problems"]
    assert (problems.issued, problems.label) == ("征地未完成", "存在问题")
    assert problems.cell == f"{col('problems')}{office.row_of('GH-4')}"


def test_an_empty_cell_where_nothing_was_prefilled_changes_nothing(office, tmp_path):
    # GH-2 never had 存在问题; GH-4's actual start was recorded after the template was made.
    preview = preview_of(
        office,
        tmp_path,
        {("GH-2", "problems"): "", ("GH-4", "actual_start"): None, ("GH-4", "next_steps"): "复工"},
    )
    assert not preview.conflicts and not preview.all_errors
    assert changes_of(preview) == {("GH-4", "next_steps"): ("开工", "复工")}


@pytest.mark.parametrize(
    "key, header, shown",
    [("stage", "建设阶段", "在建"), ("percent_complete", "完成百分比", "0.45")],
)
def test_an_emptied_project_field_is_refused_naming_the_cell_and_the_old_value(
    office, tmp_path, key, header, shown
):
    # And the rest of the row is still read: its other mistakes are reported too.
    preview = preview_of(office, tmp_path, {("GH-2", key): " ", ("GH-2", "next_steps"): "长" * 501})
    row = office.row_of("GH-2")
    emptied, too_long = preview.all_errors
    assert (emptied.sheet, emptied.cell, emptied.field, emptied.value) == (
        DATA_SHEET,
        f"{col(key)}{row}",
        header,
        "",
    )
    assert emptied.message == (
        f"{DATA_SHEET}!{emptied.cell} {header}原为「{shown}」，报送表中被清空。"
        f"{header}不能清空：请填写当前的{header}；确需删除时请联系办公室修改。"
    )
    assert (too_long.cell, too_long.field) == (f"{col('next_steps')}{row}", "下步计划")
    assert not preview.changes


# --- hints and checks across the row --------------------------------------------------------


def test_the_same_progress_text_as_last_period_is_a_hint(office, tmp_path):
    preview = preview_of(office, tmp_path, {("GH-4", "progress_text"): "主体施工"})
    assert changes_of(preview) == {("GH-4", "progress_text"): (None, "主体施工")}
    cell = f"{col('progress_text')}{office.row_of('GH-4')}"
    assert [(h.sheet, h.cell, h.field, h.value, h.message) for h in preview.hints] == [
        (
            DATA_SHEET,
            cell,
            "形象进度",
            "主体施工",
            f"{DATA_SHEET}!{cell} 项目「GH-4」的形象进度与上一期完全相同，请确认本期进展是否已更新。",
        )
    ]
    assert not preview_of(office, tmp_path, {("GH-4", "progress_text"): "主体完工"}).hints


def test_a_smaller_cumulative_figure_is_a_hint_and_a_new_text_is_not(office, tmp_path):
    preview = preview_of(
        office,
        tmp_path,
        {("GH-1", "investment_to_date"): 1000, ("GH-4", "problems"): "土地"},
    )
    assert changes_of(preview) == {
        ("GH-1", "investment_to_date"): (1234, 1000),
        ("GH-4", "problems"): ("征地未完成", "土地"),
    }
    cell = f"{col('investment_to_date')}{office.row_of('GH-1')}"
    assert [h.message for h in preview.hints] == [
        f"{DATA_SHEET}!{cell} 项目「GH-1」的累计完成投资（万元）由 1234 万元 降为 1000 万元，"
        "累计数一般不会减少。"
    ]


def test_an_end_before_the_start_is_refused_at_the_end_cell(office, tmp_path):
    preview = preview_of(office, tmp_path, {("GH-1", "actual_end"): "2026-01-15"})
    error = the_error(preview, "GH-1", "actual_end")
    assert error.message == (
        f"{DATA_SHEET}!{error.cell} 实际完工 2026-01-15 早于实际开工 2026-02-03"
    )


# --- a late return, for a period reported after it -----------------------------------------


def test_a_late_return_leaves_the_projects_current_fields(office, tmp_path):
    preview = preview_of(
        office,
        tmp_path,
        {("GH-5", "stage"): "竣工", ("GH-5", "actual_start"): None, ("GH-5", "problems"): "资金"},
    )
    assert not preview.all_errors and not preview.conflicts
    assert changes_of(preview) == {("GH-5", "problems"): (None, "资金")}
    cell = f"{col('stage')}{office.row_of('GH-5')}"
    assert preview.not_imported == [
        f"{DATA_SHEET}!{cell} 建设阶段「竣工」（2026-11 之后已有报送，项目当前的建设阶段不按本表修改）"
    ]
    same = preview_of(office, tmp_path, {("GH-5", "stage"): "在建"})
    assert not same.not_imported and not same.changes and not same.all_errors


# --- what is stored ------------------------------------------------------------------------


def test_the_report_keeps_the_values_the_unit_left_untouched(setup):
    path = setup.edit({("GH-1", "problems"): "资金"})
    assert apply_return(setup.store, read_return(setup.store, path)).status == "applied"
    [report] = list_reports(setup.store, setup.ids["GH-1"])
    assert (report.problems, report.percent_complete) == ("资金", 30)
    assert get_project(setup.store, "GH-1").percent_complete == 30


def test_a_long_text_the_office_recorded_and_the_unit_left_is_not_refused(setup):
    # The office's own 形象进度 may run past the 500 characters a unit may type.
    long_text = "路" * 600
    record_report(setup.store, ProgressReport(setup.ids["GH-1"], PERIOD, progress_text=long_text))
    template = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "再次下发.xlsx")
    filled = Setup(setup.store, setup.ids, template, setup.tmp).edit({("GH-1", "problems"): "资金"})
    preview = read_return(setup.store, filled)
    assert not preview.all_errors
    assert changes_of(preview) == {("GH-1", "problems"): (None, "资金")}


# --- templates without an issue record, and late returns --------------------------------------


def _forget_issue(store: Store) -> None:
    """A database without the record of the template (restored from before it was issued, or a
    template issued from another copy): the workbook's own hidden record is all there is."""
    with store.write(source="系统"):
        store.conn.execute("DELETE FROM template_issue")


def test_without_an_issue_record_a_value_left_as_issued_keeps_the_offices_change(setup):
    _forget_issue(setup.store)
    update_project(setup.store, setup.ids["GH-1"], {"percent_complete": 40})
    preview = read_return(setup.store, setup.edit({("GH-1", "problems"): "资金"}))
    assert any("没有该模板的发放记录" in n for n in preview.notes)
    assert not preview.conflicts and not preview.all_errors
    # 30 % as issued is not a change back from the office's 40 %.
    assert changes_of(preview) == {("GH-1", "problems"): (None, "资金")}


def test_without_an_issue_record_an_emptied_prefilled_figure_is_still_refused(setup):
    _forget_issue(setup.store)
    preview = read_return(setup.store, setup.edit({("GH-1", "percent_complete"): None}))
    row = setup.row_of("GH-1")
    [error] = preview.all_errors
    assert error.cell == f"{col('percent_complete')}{row}"
    assert "原为「30」" in error.message and "被清空" in error.message


def test_a_late_return_fills_its_period_where_it_had_no_record(setup):
    # The template said 30 %; December was reported since, November never was.
    record_report(setup.store, ProgressReport(setup.ids["GH-1"], "2026-12", percent_complete=50))
    preview = read_return(setup.store, setup.edit({("GH-1", "percent_complete"): 35}))
    assert not preview.conflicts and not preview.all_errors
    assert changes_of(preview) == {("GH-1", "percent_complete"): (None, 35)}


def test_a_late_return_against_the_offices_change_of_that_period_is_a_conflict(setup):
    pid = setup.ids["GH-1"]
    record_report(setup.store, ProgressReport(pid, PERIOD, 30, investment_this_year=500))
    template = issue_template(setup.store, "广汉市", PERIOD, setup.tmp / "再次下发.xlsx")
    record_report(setup.store, ProgressReport(pid, PERIOD, 30, investment_this_year=600))
    record_report(setup.store, ProgressReport(pid, "2026-12", percent_complete=50))
    filled = Setup(setup.store, setup.ids, template, setup.tmp).edit(
        {("GH-1", "investment_this_year"): 700}
    )
    preview = read_return(setup.store, filled)
    [conflict] = preview.conflicts
    assert (conflict.field, conflict.issued, conflict.old, conflict.new) == (
        "investment_this_year",
        500,
        600,
        700,
    )
    assert not preview.changes
