"""Chinese line breaking for table cells and text blocks, and a text flowable that uses it.

reportlab's ``wordWrap='CJK'`` breaks between any two characters and lets a line start with
"，" or end with "（". Here lines are measured glyph by glyph and then adjusted by the usual
rules (禁则): no line starts with closing punctuation, none ends with opening punctuation, and
runs of Latin letters and digits (S11, 2026-11-29, 12.5%) stay together unless longer than a line.
Lines are cut to fit the width, so a wrapped cell never spills out of its column.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

# May not begin a line (closing punctuation, pause marks, small kana-like marks).
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…—·％%)]},.;:!?～〗〙〛")
# May not end a line (opening brackets and quotes).
NO_END = frozenset("（《「『【〔〈“‘([{〖〘〚")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_/#+%")

_widths: dict[tuple[str, float], dict[str, float]] = {}


def _char_widths(font: str, size: float) -> dict[str, float]:
    return _widths.setdefault((font, size), {})


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in points."""
    return stringWidth(text, font, size)


def wrap_lines(text: str | None, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, by Chinese line-breaking rules.

    Explicit line breaks are kept; an empty text gives ``[""]``.
    """
    if not text:
        return [""]
    lines: list[str] = []
    for paragraph in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, font, size, width))
    return lines


def _wrap_paragraph(text: str, font: str, size: float, width: float) -> list[str]:
    # Most cells fit on one line: one measurement of the whole text settles it.
    if stringWidth(text, font, size) <= width:
        return [text]
    cache = _char_widths(font, size)
    widths = []
    for ch in text:
        w = cache.get(ch)
        if w is None:
            w = cache[ch] = stringWidth(ch, font, size)
        widths.append(w)
    if sum(widths) <= width:
        return [text]
    lines: list[str] = []
    start, n = 0, len(text)
    while start < n:
        end, used = start, 0.0
        while end < n and used + widths[end] <= width:
            used += widths[end]
            end += 1
        if end == start:  # a glyph wider than the column: put it alone rather than loop
            end = start + 1
        if end < n:
            end = _adjust_break(text, start, end)
        lines.append(text[start:end].rstrip(" "))
        start = end
        while start < n and text[start] == " ":  # a break swallows the spaces at it
            start += 1
    return lines


def _adjust_break(text: str, start: int, end: int) -> int:
    """Move a break at ``end`` back so that the rules hold; never below one character a line."""
    best = end
    # Keep a Latin word or number together when it fits on the next line.
    if text[end] in _WORD and text[end - 1] in _WORD:
        k = end - 1
        while k > start and text[k - 1] in _WORD:
            k -= 1
        if k > start:
            best = k
    # Closing punctuation may not start the next line; opening may not end this one.
    k = best
    while k - 1 > start and (text[k] in NO_START or text[k - 1] in NO_END):
        k -= 1
    if k > start and not (text[k] in NO_START or text[k - 1] in NO_END):
        return k
    return best


def fit_line(text: str | None, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with "…" when wider than ``width`` (for dates, codes, lights)."""
    text = "" if text is None else str(text)
    if text_width(text, font, size) <= width:
        return text
    ell = text_width("…", font, size)
    out, used = [], 0.0
    for ch in text:
        w = text_width(ch, font, size)
        if used + w + ell > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


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
    t.textLine(text)
    if bold:
        # The render mode is part of the PDF text state and outlives this text object: reset it,
        # or every later line on the page is drawn thickened too.
        t.setTextRenderMode(0)
    canvas.drawText(t)
