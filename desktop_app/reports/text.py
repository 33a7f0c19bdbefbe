"""Chinese line breaking for table cells and text blocks, and a text flowable that uses it.

reportlab's ``wordWrap='CJK'`` breaks between any two characters and lets a line start with
"，" or end with "（". Here lines are measured glyph by glyph and then adjusted by the usual
rules (禁则): no line starts with closing punctuation, none ends with opening punctuation, and
runs of Latin letters and digits (S11, 2026-11-29, 12.5%) stay together unless longer than a line,
and so do numbers with their separators, decimals and unit (1,234.56万元, 78.9%, 1—11月), dates
(2026年11月29日) and stake codes (K12+350). Lines are cut to fit the width, so a wrapped cell
never spills out of its column.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .fonts import split_runs

# May not begin a line (closing punctuation, pause marks, small kana-like marks).
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…—·％%)]},.;:!?～〗〙〛")
# May not end a line (opening brackets and quotes).
NO_END = frozenset("（《「『【〔〈“‘([{〖〘〚")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_/#+%")
_NUMBER = r"[+\-−]?\d[\d,]*(?:\.\d+)?"
_UNIT = (
    r"(?:%|％|‰|个百分点|万元|亿元|元|万亩|亩|平方公里|平方米|公里|千米|米|万千瓦|千瓦|兆瓦|"
    r"万吨|吨|万人|人|个|天|年|月|日|次|项|座|套|条|处|辆|家|户|倍|km|m|MW|kW|kV)"
)
# Runs no line may break inside (when they fit on a line): a unit in brackets (a label's "(万元)"),
# dates, stake codes, numbers with unit.
_UNBREAKABLE = re.compile(
    rf"待填报|[(（]{_UNIT}[)）]|"
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)|\d{4}[-/]\d{1,2}(?![\d.])"
    r"|[A-Za-z]+\d+(?:[+＋]\d+(?:\.\d+)?)?"
    rf"|{_NUMBER}(?:[—–~～\-]{_NUMBER})?(?: ?{_UNIT})?"
)


def _glued(text: str) -> set[int]:
    """Positions ``i`` where a break between ``text[i-1]`` and ``text[i]`` would split a number,
    a date, a code or a Latin word."""
    glue: set[int] = set()
    for m in _UNBREAKABLE.finditer(text):
        glue.update(range(m.start() + 1, m.end()))
    prev_word = False
    for i, ch in enumerate(text):
        word = ch in _WORD
        if word and prev_word:
            glue.add(i)
        prev_word = word
    return glue


class _Widths(dict):
    """Glyph widths of one font at one size, by character, measured on first use."""

    def __init__(self, font: str, size: float):
        super().__init__()
        self.font, self.size = font, size

    def __missing__(self, ch: str) -> float:
        # As the character is drawn: in its own face, the fallback face, or as □.
        w = self[ch] = sum(
            stringWidth(part, face, self.size) for face, part in split_runs(ch, self.font)
        )
        return w


_widths: dict[tuple[str, float], _Widths] = {}


def char_widths(font: str, size: float) -> _Widths:
    """The width of each character (a dict filled on demand), shared by every sheet."""
    found = _widths.get((font, size))
    if found is None:
        found = _widths[(font, size)] = _Widths(font, size)
    return found


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in points (the sum of its glyph widths; the fonts have no kerning)."""
    return sum(map(char_widths(font, size).__getitem__, text))


def wrap_lines(text: str | None, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, by Chinese line-breaking rules.

    Explicit line breaks are kept; an empty text gives ``[""]``.
    """
    if not text:
        return [""]
    text = str(text)
    widths = char_widths(font, size)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, widths, width))
    return lines


def _wrap_paragraph(text: str, widths: _Widths, width: float) -> list[str]:
    # Running totals of the glyph widths: the end of each line is found by bisection.
    ends = list(accumulate(map(widths.__getitem__, text)))
    n = len(text)
    if not n or ends[-1] <= width:
        return [text]
    lines: list[str] = []
    glue = _glued(text)
    start = 0
    while start < n:
        before = ends[start - 1] if start else 0.0
        end = bisect_right(ends, before + width, start)
        if end == start:  # a glyph wider than the column: put it alone rather than loop
            end = start + 1
        if end < n:
            end = _adjust_break(text, start, end, glue)
        lines.append(text[start:end].rstrip(" "))
        start = end
        while start < n and text[start] == " ":  # a break swallows the spaces at it
            start += 1
    return lines


def _adjust_break(text: str, start: int, end: int, glue: set[int] = frozenset()) -> int:
    """Move a break at ``end`` back so that the rules hold; never below one character a line.

    Closing punctuation may not start the next line, opening may not end this one, and a number,
    date, code or word (``glue``) stays whole; a run longer than a line breaks where it must.
    """

    def punctuation_ok(k: int) -> bool:
        return text[k] not in NO_START and text[k - 1] not in NO_END

    k = end
    while k > start and (k in glue or not punctuation_ok(k)):
        k -= 1
    if k > start:
        return k
    # No break satisfies both: a number kept whole matters more than a mark starting a line.
    k = end
    while k > start and k in glue:
        k -= 1
    if k > start:
        return k
    k = end
    while k - 1 > start and not punctuation_ok(k):
        k -= 1
    return k if k > start and punctuation_ok(k) else end


def fit_line(text: str | None, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with "…" when wider than ``width`` (for dates, codes, lights)."""
    text = "" if text is None else str(text)
    widths = char_widths(font, size)
    if sum(map(widths.__getitem__, text)) <= width:
        return text
    ends = list(accumulate(map(widths.__getitem__, text)))
    keep = bisect_right(ends, width - widths["…"])
    return text[:keep] + "…"


class TextBlock(Flowable):
    """A block of text wrapped by :func:`wrap_lines`; it splits across pages line by line."""

    def __init__(
        self,
        text: str | Sequence[str],
        font: str,
        size: float,
        *,
        leading: float | None = None,
        color=None,
        indent_first: float = 0.0,
        space_after: float = 0.0,
        fake_bold: bool = False,
        align: str = "left",
    ):
        super().__init__()
        self.text = text
        self.font, self.size = font, size
        self.leading = leading or size * 1.4
        self.color = color
        self.indent_first = indent_first
        self.spaceAfter = space_after
        self.fake_bold = fake_bold
        self.align = align
        self._lines: list[str] | None = None if isinstance(text, str) else list(text)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        if self._lines is None:
            # The first line is indented by two characters in letter text; wrap it narrower.
            body = str(self.text)
            lines = []
            if self.indent_first:
                first = wrap_lines(body, self.font, self.size, avail_width - self.indent_first)
                head = first[0]
                lines = (
                    [head]
                    + wrap_lines(body[len(head) :].lstrip(" "), self.font, self.size, avail_width)
                    if len(first) > 1
                    else [head]
                )
            else:
                lines = wrap_lines(body, self.font, self.size, avail_width)
            self._lines = lines
        self.height = len(self._lines) * self.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        fit = int(avail_height // self.leading)
        if fit < 1 or fit >= len(self._lines):
            return []
        kw = dict(
            leading=self.leading, color=self.color, fake_bold=self.fake_bold, align=self.align
        )
        first = TextBlock(self._lines[:fit], self.font, self.size, **kw)
        first.indent_first = self.indent_first
        rest = TextBlock(self._lines[fit:], self.font, self.size, space_after=self.spaceAfter, **kw)
        return [first, rest]

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        if self.color is not None:
            c.setFillColor(self.color)
            c.setStrokeColor(self.color)
        y = self.height - self.size
        for i, line in enumerate(self._lines or ()):
            x = self.indent_first if i == 0 else 0.0
            if self.align == "center":
                x = (self.width - text_width(line, self.font, self.size)) / 2
            elif self.align == "right":
                x = self.width - text_width(line, self.font, self.size)
            draw_text(c, x, y - i * self.leading, line, self.font, self.size, self.fake_bold)
        c.restoreState()


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float, bold: bool = False):
    """Draw one line; ``bold`` thickens the strokes (fill + outline) for faces without a bold."""
    t = canvas.beginText(x, y)
    t.setFont(font, size)
    if bold:
        t.setTextRenderMode(2)
        canvas.setLineWidth(size * 0.035)
    runs = split_runs(text, font)
    if len(runs) == 1 and runs[0][0] == font:
        t.textLine(runs[0][1])
    else:
        for face, part in runs:
            t.setFont(face, size)
            t.textOut(part)
    if bold:
        # The render mode is part of the PDF text state and outlives this text object: reset it,
        # or every later line on the page is drawn thickened too.
        t.setTextRenderMode(0)
    canvas.drawText(t)
