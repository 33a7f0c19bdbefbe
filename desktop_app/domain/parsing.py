"""Reading what people type: percents, amounts and dates in the forms offices really use.

Each parser takes a raw value (text from a form, or a cell value from a workbook) and returns the
clean value, or raises ``ParseError`` whose message says in Chinese what is wrong with it. The
editor, the CLI and the Excel import all call these, so a value is read the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from .money import round_wan


class ParseError(ValueError):
    """A value that cannot be read; ``reason`` is a short Chinese explanation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = re.compile(r"\s+")


# Control characters (NUL, BEL, ESC, VT …) are invisible, mean nothing in a name or a note, and
# cannot be written to a workbook (openpyxl refuses them, Excel reports the file as damaged).
# Tab, line feed and carriage return stay. They arrive raw, as a character reference (&#7;)
# that a reader resolves, or in the workbook's own escape ``_x0007_`` when a reader leaves it.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
    r"|_x(?:000[0-8bBcCeEfF]|001[0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[fF]{3}[eEfF])_"
)


def strip_control(text: str) -> str:
    """``text`` without control characters (kept: tab, line feed, carriage return)."""
    if text.isprintable() and "_x" not in text:
        return text  # the usual case, decided in one pass in C
    return _CONTROL.sub("", text)


def normalize_text(value: object) -> str:
    """Full-width to half-width (NFKC), control characters removed, trimmed, inner runs of
    spaces collapsed."""
    text = unicodedata.normalize("NFKC", strip_control(str(value)))
    return _SPACES.sub(" ", text).strip()


def clean_text(value: object) -> str | None:
    """User text as stored: control characters removed, trimmed, ``None`` when empty. Keeps
    full-width punctuation."""
    if value is None:
        return None
    text = strip_control(str(value)).strip()
    return text or None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(text: str) -> float:
    text = text.replace(",", "").replace("，", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        raise ParseError(f"「{text}」不是数字")
    return float(text)


def parse_percent(value: object, *, percent_format: bool = False) -> float | None:
    """A percent complete in 0–100.

    Accepts ``45``, ``45%``, ``４５％``, ``45.5``; a cell formatted as percent holds ``0.45`` and is
    read as 45 (``percent_format=True``). Empty gives ``None``.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError("应填写 0–100 的数字")
    if isinstance(value, (int, float)):
        number = float(value) * (100 if percent_format else 1)
    else:
        text = normalize_text(value)
        has_sign = text.endswith("%")
        text = text.removesuffix("%").strip()
        if not text:
            return None
        try:
            number = _number(text)
        except ParseError:
            raise ParseError(
                f"「{normalize_text(value)}」不是百分比，应填写 0–100 的数字"
            ) from None
        if percent_format and not has_sign:
            number *= 100
    number = round(number, 2)
    if not 0 <= number <= 100:
        # A percent-formatted cell shows its number as a percentage: quote what the unit sees.
        shown = f"{number:g}%" if percent_format and not isinstance(value, str) else _show(value)
        raise ParseError(f"「{shown}」超出 0–100")
    return number


_MONEY_UNITS = {"元": 1 / 10000, "万": 1.0, "万元": 1.0, "亿": 10000.0, "亿元": 10000.0}


def parse_money(value: object, *, unit: str = "万元") -> float | None:
    """An amount, returned in 万元.

    Accepts ``1234.5``, ``1,234.5``, ``1234.5万元``, ``0.5亿元`` (5000 万元), full-width digits.
    A bare number is taken in ``unit`` (the column's unit: 万元 or 亿元). Negative amounts are refused.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError("应填写金额数字")
    scale = _MONEY_UNITS.get(unit, 1.0)
    if isinstance(value, (int, float)):
        number = float(value) * scale
    else:
        text = normalize_text(value).replace(" ", "")
        match = re.fullmatch(r"(.*?)(亿元|万元|亿|万|元)?", text)
        body, suffix = match.group(1), match.group(2)
        if suffix:
            scale = _MONEY_UNITS[suffix]
        try:
            number = _number(body) * scale
        except ParseError:
            raise ParseError(
                f"「{normalize_text(value)}」不是金额，应填写数字（单位万元）"
            ) from None
    if number < 0:
        raise ParseError(f"「{_show(value)}」为负数，金额不能小于 0")
    return round_wan(number)


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?"),
)


def parse_date(value: object, *, month_end: bool = False) -> date | None:
    """A calendar date.

    Accepts real dates, Excel serial numbers, ``2026-03-01``, ``2026/3/1``, ``2026.3.1``,
    ``2026年3月1日``, ``20260301``, and a month alone (``2026-3``, ``2026年3月``), which is read as
    the first day of that month, or the last when ``month_end`` is set (for end dates).
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ParseError("不是日期")
    if isinstance(value, (int, float)):
        if 20000000 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if 1990 <= value <= 2100:
            # "2026.3" typed in Excel is the number 2026.3, not the serial of a day in 1905.
            return _year_month(value, month_end)
        if 1 <= value < 2958466:  # Excel serial numbers up to 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ParseError(f"「{_show(value)}」不是日期")
    text = normalize_text(value).replace(" ", "")
    text = re.sub(r"(T|\s)?00:00(:00)?(\.0+)?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _make_date(*(int(g) for g in match.groups()), original=text)
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                raise ParseError(f"「{text}」的月份不存在")
            day = _last_day(year, month) if month_end else 1
            return date(year, month, day)
    raise ParseError(f"「{text}」不是日期，应写成 2026-03-01 这样的格式")


def _year_month(value: float, month_end: bool) -> date:
    """A year and month typed as a number (``2026.3``, ``2027.12``, ``2026``). ``2026.1`` may be
    January or October (typed ``2026.10``, Excel keeps 2026.1): refused rather than guessed."""
    year = int(value)
    fraction = round(value - year, 6)
    if fraction == 0:
        raise ParseError(f"「{year}」只有年份，请写明月份，例如 {year}-03")
    month = round(fraction * 100) if round(fraction * 10, 6) != round(fraction * 10) else None
    if month is None:  # one decimal: 2026.3 is March
        tenths = round(fraction * 10)
        if tenths == 1:
            raise ParseError(
                f"「{_show(value)}」是数字，分不清是 {year} 年 1 月还是 10 月"
                f"（Excel 把 {year}.10 存成 {year}.1）。请写成 {year}-01 或 {year}-10"
            )
        month = tenths
    if not 1 <= month <= 12:
        raise ParseError(f"「{_show(value)}」不是日期，应写成 2026-03-01 这样的格式")
    return date(year, month, _last_day(year, month) if month_end else 1)


def _make_date(year: int, month: int, day: int, *, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(f"「{original}」不是有效日期") from None


def _last_day(year: int, month: int) -> int:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return (next_month - timedelta(days=1)).day


def parse_int(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = normalize_text(value)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise ParseError(f"「{text}」不是整数")


def parse_choice(value: object, choices: tuple[str, ...]) -> str | None:
    """One of a fixed list (e.g. a stage); tolerant of spaces and full-width forms."""
    if is_blank(value):
        return None
    text = normalize_text(value)
    if text in choices:
        return text
    raise ParseError(f"「{text}」不在可选范围（{'/'.join(choices)}）内")


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_text(value)
