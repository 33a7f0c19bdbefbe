"""Money in 万元: one rounding rule for storage and one way to show it."""

from __future__ import annotations

# Stored values are 万元 rounded to 4 decimals, i.e. to the 元.
WAN_DECIMALS = 4


def round_wan(value: float | None) -> float | None:
    """Round an amount in 万元 to the stored precision (one 元)."""
    if value is None:
        return None
    return round(float(value) + 0.0, WAN_DECIMALS)


def format_wan(value: float | None, *, missing: str = "") -> str:
    """万元 with thousands separators and at most two decimals: ``12,345.6``."""
    if value is None:
        return missing
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_wan_column(value: float | None, *, missing: str = "") -> str:
    """万元 for a column of amounts: always two decimals, so that the points line up
    (``7,203.30``, ``281.00``)."""
    if value is None:
        return missing
    return f"{value:,.2f}"


def format_yi(value_wan: float | None, *, missing: str = "") -> str:
    """An amount given in 万元 shown in 亿元 (for summaries): ``1.23亿元``."""
    if value_wan is None:
        return missing
    return f"{value_wan / 10000:,.2f}亿元"


def format_amount(value_wan: float | None, *, missing: str = "") -> str:
    """万元 for ordinary amounts, 亿元 from 1亿 upwards — the way summaries are read aloud."""
    if value_wan is None:
        return missing
    if abs(value_wan) >= 10000:
        return format_yi(value_wan)
    return f"{format_wan(value_wan)}万元"


def plain_number(value: float | int) -> str:
    """A number as an editor shows it to be typed over: every stored digit, no exponent, no
    thousands separators, no needless ``.0`` (``2345678.9``, ``12345.6789``, ``45``).

    ``f"{v:g}"`` keeps six digits, so a value shown that way and saved unchanged would lose
    the rest.
    """
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = repr(number)  # the shortest form that reads back as the same number
    if "e" in text or "E" in text:
        text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text


def format_percent(value: float | None, *, missing: str = "") -> str:
    """A percentage 0–100 as every table, sheet and export shows it: one decimal always, so a
    column reads alike (``0.7%``, ``41.0%``, ``100.0%``)."""
    if value is None:
        return missing
    return f"{value:.1f}%"
