"""What each parser stores, and the message a clerk reads when a value is refused.

test_parsing.py covers the usual forms; these pin the edges: values as a workbook hands them
(floats, TRUE/FALSE, percent-formatted cells), the ranges' first and last values, and the
refusal messages word for word, since that is what the import shows beside the cell.
"""

from datetime import date

import pytest

from desktop_app.domain.parsing import (
    ParseError,
    clean_text,
    from_iso,
    is_blank,
    iso,
    normalize_text,
    parse_choice,
    parse_date,
    parse_int,
    parse_money,
    parse_percent,
    strip_control,
)


def refusal(parse, *args, **kw) -> str:
    with pytest.raises(ParseError) as refused:
        parse(*args, **kw)
    assert str(refused.value) == refused.value.reason
    return refused.value.reason


# --- percents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0.45", 45),  # a percent-formatted cell that arrives as text
        ("1", 100),
        ("0", 0),
        ("45%", 45),  # the sign says it already is a percent
        ("４５％", 45),
        (0.455, 45.5),
        (1, 100),
    ],
)
def test_percent_formatted_cells_are_read_as_the_percent_shown(raw, expected):
    assert parse_percent(raw, percent_format=True) == expected


def test_percent_keeps_two_decimals():
    assert parse_percent("33.333") == 33.33
    assert parse_percent(66.6666) == 66.67


def test_digits_split_by_a_space_are_one_number():
    assert parse_percent("4 5") == 45
    assert parse_money("1 234.5") == 1234.5


@pytest.mark.parametrize("raw", [True, False])
def test_a_true_false_cell_is_not_a_percent(raw):
    assert refusal(parse_percent, raw) == "应填写 0–100 的数字"


@pytest.mark.parametrize(
    "raw, kw, message",
    [
        ("一半", {}, "「一半」不是百分比，应填写 0–100 的数字"),
        ("４５．５．１", {}, "「45.5.1」不是百分比，应填写 0–100 的数字"),
        ("120", {}, "「120」超出 0–100"),
        (120.0, {}, "「120」超出 0–100"),
        (100.5, {}, "「100.5」超出 0–100"),
        (-0.5, {}, "「-0.5」超出 0–100"),
        # A percent-formatted cell shows 120 %: the message quotes what the unit sees.
        (1.2, {"percent_format": True}, "「120%」超出 0–100"),
        ("1.5", {"percent_format": True}, "「1.5」超出 0–100"),
    ],
)
def test_percent_refusals_quote_the_value(raw, kw, message):
    assert refusal(parse_percent, raw, **kw) == message


@pytest.mark.parametrize("raw", ["%", " % "])
def test_a_lone_percent_sign_is_empty(raw):
    assert parse_percent(raw) is None


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, unit, expected",
    [
        (1.2, "亿元", 12000),  # a number in an 亿元 column is multiplied, not divided
        (3, "亿元", 30000),
        ("1.2", "亿元", 12000),
        ("1.2万元", "亿元", 1.2),  # the written unit wins over the column's
        (5000, "元", 0.5),
        (800, "万元", 800),
        (0, "万元", 0),
        ("0.5", "万元", 0.5),
        ("1.2 亿 元", "万元", 12000),
        ("1.2E+03", "万元", 1200),  # how Excel shows a large number kept as text
        ("1.5e3", "万元", 1500),
    ],
)
def test_money_is_stored_in_wan(raw, unit, expected):
    assert parse_money(raw, unit=unit) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        (True, "应填写金额数字"),
        ("很多", "「很多」不是金额，应填写数字（单位万元）"),
        ("-5", "「-5」为负数，金额不能小于 0"),
        (-5.0, "「-5」为负数，金额不能小于 0"),
        (-0.25, "「-0.25」为负数，金额不能小于 0"),
    ],
)
def test_money_refusals_quote_the_value(raw, message):
    assert refusal(parse_money, raw) == message


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-03-01 00:00:00", date(2026, 3, 1)),  # a date copied with its midnight
        ("2026-03-01T00:00:00", date(2026, 3, 1)),
        ("2026/3/1 0:00", None),  # another time of day is not a date
        ("2026 年 3 月 1 日", date(2026, 3, 1)),
        ("2026 - 03 - 01", date(2026, 3, 1)),
        ("2026-1", date(2026, 1, 1)),  # January, as a month alone
        ("2026年1月", date(2026, 1, 1)),
        ("2026-12", date(2026, 12, 1)),
        (20260301, date(2026, 3, 1)),  # yyyymmdd typed as a number
        (20260301.0, date(2026, 3, 1)),  # … and as the reader hands it over
        (21001231, date(2100, 12, 31)),
        (46082.0, date(2026, 3, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_date_forms_as_workbooks_hand_them(raw, expected):
    if expected is None:
        refusal(parse_date, raw)
    else:
        assert parse_date(raw) == expected


def test_a_month_alone_as_an_end_date_is_its_last_day():
    assert parse_date("2026-1", month_end=True) == date(2026, 1, 31)
    assert parse_date("2026年11月", month_end=True) == date(2026, 11, 30)


@pytest.mark.parametrize(
    "raw, month_end, expected",
    [
        (2026.3, False, date(2026, 3, 1)),  # 2026.3 typed in a cell Excel keeps as a number
        (2026.3, True, date(2026, 3, 31)),
        (2024.2, True, date(2024, 2, 29)),
        (2027.12, False, date(2027, 12, 1)),
        (2027.12, True, date(2027, 12, 31)),
        (2026.11, False, date(2026, 11, 1)),
        (2026.01, False, date(2026, 1, 1)),  # 2026.01 keeps its 0: January, no doubt
        (2026.01, True, date(2026, 1, 31)),
        (2026.05, False, date(2026, 5, 1)),
        (2026.09, True, date(2026, 9, 30)),
        (2026.9, False, date(2026, 9, 1)),
        (1990.6, False, date(1990, 6, 1)),
        (2100.3, False, date(2100, 3, 1)),
    ],
)
def test_year_and_month_typed_as_a_number(raw, month_end, expected):
    assert parse_date(raw, month_end=month_end) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        (
            2026.1,
            "「2026.1」是数字，分不清是 2026 年 1 月还是 10 月（Excel 把 2026.10 存成 2026.1）。"
            "请写成 2026-01 或 2026-10",
        ),
        (2026, "「2026」只有年份，请写明月份，例如 2026-03"),
        (2026.0, "「2026」只有年份，请写明月份，例如 2026-03"),
        (1990, "「1990」只有年份，请写明月份，例如 1990-03"),
        (2100, "「2100」只有年份，请写明月份，例如 2100-03"),
        (2026.13, "「2026.13」不是日期，应写成 2026-03-01 这样的格式"),
        (2026.00001, "「2026.00001」不是日期，应写成 2026-03-01 这样的格式"),
        (2026.001, "「2026.001」不是日期，应写成 2026-03-01 这样的格式"),
    ],
)
def test_year_and_month_numbers_that_cannot_be_read(raw, message):
    assert refusal(parse_date, raw) == message


@pytest.mark.parametrize(
    "raw, message",
    [
        (True, "不是日期"),
        (0, "「0」不是日期"),
        (-3, "「-3」不是日期"),
        (2958466, "「2958466」不是日期"),  # past 9999-12-31
        (20000000, "「20000000」不是有效日期"),
        (21001232, "「21001232」不是日期"),
        ("2026-02-30", "「2026-02-30」不是有效日期"),
        ("2026-13", "「2026-13」的月份不存在"),
        ("2026年0月", "「2026年0月」的月份不存在"),
        ("明年", "「明年」不是日期，应写成 2026-03-01 这样的格式"),
    ],
)
def test_date_refusals_quote_the_value(raw, message):
    assert refusal(parse_date, raw) == message


@pytest.mark.parametrize("raw", [2101, 2101.3, 1989.5])
def test_numbers_outside_1990_to_2100_are_excel_serials_not_years(raw):
    assert parse_date(raw) < date(1906, 1, 1)


def test_the_first_excel_serial_is_a_date():
    assert isinstance(parse_date(1), date)
    assert parse_date(60.0) == date(1900, 2, 28)


# --- whole numbers, choices, text --------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, None),
        ("  ", None),
        (3, 3),
        (3.0, 3),
        ("12", 12),
        ("１２", 12),
        (" +5 ", 5),
        ("-3", -3),
    ],
)
def test_whole_numbers(raw, expected):
    value = parse_int(raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "raw, message",
    [
        (3.5, "「3.5」不是整数"),
        ("3.5", "「3.5」不是整数"),
        ("三", "「三」不是整数"),
        (True, "「True」不是整数"),
    ],
)
def test_whole_number_refusals(raw, message):
    assert refusal(parse_int, raw) == message


STAGES = ("储备", "前期", "在建", "竣工")


@pytest.mark.parametrize(
    "raw, expected", [("在建", "在建"), (" 竣工 ", "竣工"), (None, None), ("", None)]
)
def test_choices(raw, expected):
    assert parse_choice(raw, STAGES) == expected


def test_a_choice_outside_the_list_names_the_list():
    assert (
        refusal(parse_choice, "施工中", STAGES) == "「施工中」不在可选范围（储备/前期/在建/竣工）内"
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("  路基完成  ", "路基完成"),
        ("（一）征地拆迁，已完成", "（一）征地拆迁，已完成"),  # full-width punctuation kept
        (12, "12"),
    ],
)
def test_text_as_stored(raw, expected):
    assert clean_text(raw) == expected


def test_normalized_text_is_half_width_with_single_spaces():
    assert normalize_text("  ＡＢ１２　 （一） ") == "AB12 (一)"
    assert is_blank(None) and is_blank(" \u3000") and not is_blank(0)


def test_iso_round_trip():
    assert iso(date(2026, 3, 1)) == "2026-03-01" and iso(None) is None
    assert from_iso("2026-03-01") == date(2026, 3, 1)
    assert from_iso("") is None and from_iso(None) is None


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("资金缺口", "资金缺口"),
        ("资金\x07缺口", "资金缺口"),
        ("资金_x0007_缺口", "资金缺口"),  # the same control character as Excel escapes it
        ("资金_x001F_缺口\x00", "资金缺口"),
        ("第一行\n第二行\t完", "第一行\n第二行\t完"),  # line feeds and tabs are kept
        ("文件_x4E2D_名", "文件_x4E2D_名"),  # an escape of a printable character is text
        ("note_xyz", "note_xyz"),
    ],
)
def test_control_characters_are_removed_from_text(typed, kept):
    assert strip_control(typed) == kept
