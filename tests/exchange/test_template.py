"""The fill-in template as a unit opens it in Excel: its rows, locks, validation and metadata."""

from __future__ import annotations

import openpyxl
import pytest
from xhelpers import PERIOD, col

from desktop_app.exchange.columns import (
    DATA_SHEET,
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    STAGE_LIST_NAME,
)
from desktop_app.services.exchange import issue_templates
from desktop_app.store.exchange import return_status


def _codes(ws) -> list[str]:
    return [ws[f"A{r}"].value for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value]


def test_template_lists_only_the_units_projects(setup):
    wb = openpyxl.load_workbook(setup.template)
    codes = _codes(wb[DATA_SHEET])
    assert {"GH-1", "GH-2", "GH-3"} <= set(codes)
    assert "PH-1" not in codes  # 配合单位 do not report
    assert "OT-1" not in codes
    assert codes == sorted(codes)


def test_identity_locked_and_grey_inputs_open_and_highlighted(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    assert ws.protection.sheet is True
    assert ws[f"{col('code')}{HEADER_ROW}"].value == "项目编码"
    r = FIRST_DATA_ROW
    for key in ("code", "name", "lead_unit", "responsible_units"):
        cell = ws[f"{col(key)}{r}"]
        assert cell.protection.locked, key
        assert cell.fill.fgColor.rgb.endswith("E7E6E6"), key
    # Planning values: a set one shown (light blue, open: a change is a 变更申请), an empty one
    # yellow for the unit to fill.
    gh1 = next(x for x in range(FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{x}"].value == "GH-1")
    assert ws[f"{col('scope')}{gh1}"].value == "广汉测试道路建设内容"
    assert ws[f"{col('total_investment')}{gh1}"].value == 12000
    for key in ("scope", "total_investment"):
        cell = ws[f"{col(key)}{gh1}"]
        assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("DDEBF7"), key
    empty = ws[f"{col('annual_plan')}{gh1}"]
    assert empty.value is None
    assert not empty.protection.locked and empty.fill.fgColor.rgb.endswith("FFF8DC")
    spare = ws.max_row
    assert not ws[f"{col('scope')}{spare}"].protection.locked
    assert not ws[f"{col('total_investment')}{spare}"].protection.locked
    for key in ("percent_complete", "investment_to_date", "stage", "actual_start", "problems"):
        cell = ws[f"{col(key)}{r}"]
        assert not cell.protection.locked, key
        assert cell.fill.fgColor.rgb.endswith("FFF8DC"), key
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert wb.security.lockStructure


def test_validation_rules_with_error_messages_on(setup):
    wb = openpyxl.load_workbook(setup.template)
    ws = wb[DATA_SHEET]
    rules = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    pct = rules[col("percent_complete")]
    assert (pct.type, pct.formula1, pct.formula2) == ("decimal", "0", "100")
    stage = rules[col("stage")]
    assert stage.type == "list" and stage.formula1 == STAGE_LIST_NAME
    assert STAGE_LIST_NAME in wb.defined_names
    assert rules[col("actual_start")].type == "date"
    assert rules[col("investment_to_date")].operator == "greaterThanOrEqual"
    assert rules[col("problems")].type == "textLength"
    assert all(dv.showErrorMessage for dv in ws.data_validations.dataValidation)
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    # Amounts and dates typed as text ("0.5亿元", "2026.3.1") are read by the import: Excel
    # warns but lets the unit keep them; out-of-range percents and stages are stopped.
    for key in ("investment_to_date", "investment_this_year", "actual_start", "actual_end"):
        assert rules[col(key)].errorStyle == "warning", key
    assert pct.errorStyle == stage.errorStyle == "stop"


def test_percent_column_is_general_so_typing_45_percent_gives_a_percent_cell(setup):
    """Excel, WPS and LibreOffice turn a General cell into a percent cell when 45% is typed
    (read back as 45); over a custom number format they keep the format and store 0.45."""
    ws = openpyxl.load_workbook(setup.template)[DATA_SHEET]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        assert ws[f"{col('percent_complete')}{r}"].number_format == "General"


def test_meta_sheet_hidden_protected_and_issue_recorded(setup):
    wb = openpyxl.load_workbook(setup.template)
    meta = wb[META_SHEET]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 7)}
    assert values["unit"] == "广汉市" and values["period"] == PERIOD
    ids = {meta.cell(r, 2).value: meta.cell(r, 1).value for r in range(9, meta.max_row + 1)}
    assert ids["GH-1"] == setup.ids["GH-1"]
    # The header again as document properties (visible in Excel's 文件 → 属性 → 自定义).
    from desktop_app.exchange.template import read_template_properties

    props = read_template_properties(setup.template)
    assert {k: props[k] for k in ("template_id", "unit", "unit_id", "period")} == {
        k: values[k] for k in ("template_id", "unit", "unit_id", "period")
    }
    assert GUIDE_SHEET in wb.sheetnames
    issued = setup.store.query(
        "SELECT * FROM template_issue WHERE id = ?", (values["template_id"],)
    )
    assert issued and issued[0]["project_count"] == len(ids)
    rows = setup.store.scalar(
        "SELECT count(*) FROM template_issue_row WHERE template_id = ?", (values["template_id"],)
    )
    assert rows == len(ids)
    status = {s["unit"]: s for s in return_status(setup.store, PERIOD)}
    assert status["广汉市"]["status"] == "未报送" and status["广汉市"]["issued_at"]


def test_formula_like_text_is_written_as_text(setup, tmp_path):
    from desktop_app.store.projects import update_project

    update_project(setup.store, setup.ids["GH-1"], {"name": '=HYPERLINK("x")'})
    from desktop_app.services.exchange import issue_template

    out = issue_template(setup.store, "广汉市", PERIOD, tmp_path / "t2.xlsx")
    ws = openpyxl.load_workbook(out)[DATA_SHEET]
    cell = next(
        ws[f"B{r}"] for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value == "GH-1"
    )
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


def test_templates_for_all_units_into_a_folder(setup, tmp_path):
    written = issue_templates(setup.store, PERIOD, tmp_path / "模板 文件夹")
    names = {p.name for p in written}
    assert f"{PERIOD}_广汉市_填报模板.xlsx" in names
    assert f"{PERIOD}_什邡市_填报模板.xlsx" in names
    assert all(p.exists() for p in written)


@pytest.mark.parametrize(
    "value_tag",
    ["<vt:{kind}>{value}</vt:{kind}>", '<vt:{kind} xmlns:vt="{ns}">{value}</vt:{kind}>'],
    ids=["declared-above", "declared-on-the-value"],
)
def test_template_properties_are_read_however_the_namespace_is_declared(tmp_path, value_tag):
    """openpyxl declares the vt namespace on each value when lxml is installed; Excel declares it
    once on the root. Read either way, or the unit check of a return would be skipped."""
    import zipfile

    from desktop_app.exchange.template import PROPERTY_PREFIX, read_template_properties

    ns = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    props = {
        "template_id": ("lpwstr", "T-1"),
        "unit_id": ("i4", "7"),
        "period": ("lpwstr", "2026-11"),
    }
    body = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i + 2}" '
        f'name="{PROPERTY_PREFIX}{name}">'
        + value_tag.format(kind=kind, value=value, ns=ns)
        + "</property>"
        for i, (name, (kind, value)) in enumerate(props.items())
    )
    xml = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        f' xmlns:vt="{ns}">{body}</Properties>'
    )
    path = tmp_path / "模板.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("docProps/custom.xml", xml)
    assert read_template_properties(path) == {
        "template_id": "T-1",
        "unit_id": 7,
        "period": "2026-11",
    }


def test_document_properties_are_read_whichever_way_the_namespace_is_written(setup):
    """openpyxl with lxml (and other writers) put the namespace on each value element."""
    import re
    import zipfile

    from desktop_app.exchange.template import read_template_properties

    ns = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    for form in ("plain", "namespaced"):
        out = setup.tmp / f"{form}.xlsx"
        with zipfile.ZipFile(setup.template) as zin, zipfile.ZipFile(out, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "docProps/custom.xml":
                    text = re.sub(r"<vt:(\w+)[^>]*>", r"<vt:\1>", data.decode())
                    if form == "namespaced":
                        text = re.sub(r"<vt:(\w+)>", rf'<vt:\1 xmlns:vt="{ns}">', text)
                    data = text.encode()
                zout.writestr(item, data)
        props = read_template_properties(out)
        assert props["unit"] == "广汉市" and props["period"] == PERIOD, form
        assert isinstance(props["unit_id"], int), form
