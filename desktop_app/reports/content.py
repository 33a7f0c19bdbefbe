"""Page content written straight as PDF operators: the fast path of the long sheets.

reportlab's text objects encode each string into the font's 256-glyph subsets one character at a
time and format every number on its own; at 10,000 projects (some 130,000 cell lines) that was
most of the time a sheet took. Here a line is encoded with one ``str.translate`` once its
characters are registered with the font (through reportlab, so that the same subsets are embedded),
and shapes painted alike are collected into one path.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics

from .fonts import covered, split_runs

# Runs of equal bytes: the subset numbers of consecutive characters.
_SAME = re.compile(rb"(.)\1*", re.S)
# Control points of a quarter circle drawn as a Bézier curve, as a fraction of the radius.
_KAPPA = 0.5523


def frequent_first(texts: Iterable[str]) -> str:
    """The characters of ``texts``, most frequent first (the order to register them in).

    A font's subsets hold 256 glyphs each and a line switches font whenever it moves to another
    subset; with the common characters registered first, most lines stay in one subset.
    """
    counts = Counter("".join(texts))
    counts.pop("\n", None)
    return "".join(ch for ch, _ in counts.most_common())


class FontEncoder:
    """Lines in one TrueType font for one document, as ``(font resource, "(…) Tj")`` runs."""

    def __init__(self, font_name: str, doc, chars: str = ""):
        self.font = pdfmetrics.getFont(font_name)
        if not getattr(self.font, "_dynamicFont", False):
            raise TypeError(f"{font_name} is not a TrueType font registered with reportlab")
        self.doc = doc
        # The font's subsets in this document, as reportlab keeps them for embedding.
        self._assigned = self.font._assignState(doc).assignments
        self._codes: dict[int, int] = {}  # code point -> subset * 256 + code in the subset
        self._known: set[str] = set()
        self._names: dict[int, str] = {}
        self._runs: dict[str, tuple[tuple[str, str], ...]] = {}
        # reportlab keeps printable ASCII at its own codes in the first subset
        # (``ttfAsciiReadable``): then codes, dates and amounts need no translation.
        self._ascii = all(self._assigned.get(n) == n for n in range(32, 127))
        self._glyphs = covered(font_name)
        self._font_name = font_name
        self._spares: dict[str, FontEncoder] = {}  # for characters this face lacks, by face
        self.register(chars)

    def register(self, chars: str) -> None:
        """Give each new character of ``chars`` its place in the font's subsets, in order."""
        new = "".join(dict.fromkeys(ch for ch in chars if ch not in self._known))
        if not new:
            return
        self.font.splitString(new, self.doc)
        for ch in new:
            code = ord(ch)
            # As splitString does: a no-break space is a space; a missing glyph is .notdef (0).
            self._codes[code] = self._assigned.get(32 if code == 0xA0 else code, 0)
        self._known.update(new)

    def runs(self, line: str) -> tuple[tuple[str, str], ...]:
        """The pieces of ``line``: the subset's font resource name and its show-text operator."""
        found = self._runs.get(line)
        if found is None:
            found = self._runs[line] = self._encode(line)
        return found

    def release(self) -> None:
        """Drop the encoded lines (the document is written)."""
        self._runs.clear()
        for spare in self._spares.values():
            spare.release()

    def _encode(self, line: str) -> tuple[tuple[str, str], ...]:
        if self._ascii and line.isascii() and line.isprintable():
            return ((self._name(0), f"({escapePDF(line.encode('ascii'))}) Tj"),) if line else ()
        if not self._glyphs.issuperset(line):
            return self._mixed(line)
        if not self._known.issuperset(line):
            self.register(line)
        coded = line.translate(self._codes)  # one character per glyph: subset * 256 + code
        try:  # the whole line in the first subset: the usual case
            return ((self._name(0), f"({escapePDF(coded.encode('latin-1'))}) Tj"),)
        except UnicodeEncodeError:
            pass
        # Two bytes a character: the subset number, then the code inside the subset.
        coded = coded.encode("utf-16-be", "surrogatepass")
        subsets, codes = coded[0::2], coded[1::2]
        return tuple(
            (self._name(subsets[m.start()]), f"({escapePDF(codes[m.start() : m.end()])}) Tj")
            for m in _SAME.finditer(subsets)
        )

    def _mixed(self, line: str) -> tuple[tuple[str, str], ...]:
        """A line with characters this face lacks: those from a fallback face (or □)."""
        pieces: list[tuple[str, str]] = []
        for face, part in split_runs(line, self._font_name):
            if face == self._font_name:
                pieces.extend(self._encode(part))
            else:
                spare = self._spares.get(face)
                if spare is None:
                    spare = self._spares[face] = FontEncoder(face, self.doc)
                pieces.extend(spare.runs(part))
        return tuple(pieces)

    def _name(self, subset: int) -> str:
        name = self._names.get(subset)
        if name is None:
            name = self._names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return name


def rgb(color: Color) -> str:
    """``r g b`` of a colour, for the ``rg`` / ``RG`` operators."""
    return f"{color.red:.4g} {color.green:.4g} {color.blue:.4g}"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: paints are made once
class Paint:
    """How a group of shapes is painted: fill colour, stroke colour and line width."""

    fill: Color | None = None
    stroke: Color | None = None
    width: float = 0.4

    def operators(self) -> tuple[str, str]:
        """The operators that set this paint up, and the one that paints a path with it."""
        setup = []
        if self.fill is not None:
            setup.append(f"{rgb(self.fill)} rg")
        if self.stroke is not None:
            setup.append(f"{rgb(self.stroke)} RG {self.width:g} w")
        if self.fill is not None and self.stroke is not None:
            return " ".join(setup), "B"
        return " ".join(setup), "f" if self.fill is not None else "S"


class Paths:
    """Shapes collected by layer and paint, written as one path per paint.

    Layers are painted in order (a bar's fill over its outline, a marker over both); within a
    layer, paths keep the order in which their paints were first used.
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[int, Paint], list[str]] = {}
        self._across: dict[tuple[float, float], list[str]] = {}

    def _group(self, layer: int, paint: Paint) -> list[str]:
        group = self._groups.get((layer, paint))
        if group is None:
            group = self._groups[(layer, paint)] = []
        return group

    def line(self, layer: int, paint: Paint, x0: float, y0: float, x1: float, y1: float) -> None:
        self._group(layer, paint).append(f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l")

    def rect(self, layer: int, paint: Paint, x: float, y: float, w: float, h: float) -> None:
        self._group(layer, paint).append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re")

    def circle(self, layer: int, paint: Paint, x: float, y: float, r: float) -> None:
        """A circle of four Bézier curves."""
        k = r * _KAPPA
        # Circles come in columns (the status lights): their x coordinates repeat.
        xs = self._across.get((x, r))
        if xs is None:
            xs = self._across[(x, r)] = [f"{v:.2f}" for v in (x - r, x - k, x, x + k, x + r)]
        x0, x1, x2, x3, x4 = xs
        y0, y1, y2, y3, y4 = [f"{v:.2f}" for v in (y - r, y - k, y, y + k, y + r)]
        self._group(layer, paint).append(
            f"{x4} {y2} m {x4} {y3} {x3} {y4} {x2} {y4} c {x1} {y4} {x0} {y3} {x0} {y2} c "
            f"{x0} {y1} {x1} {y0} {x2} {y0} c {x3} {y0} {x4} {y1} {x4} {y2} c h"
        )

    def code(self) -> str:
        """The operators of every path, layer by layer."""
        out = []
        for (_, paint), ops in sorted(self._groups.items(), key=lambda item: item[0][0]):
            setup, fill = paint.operators()
            out.append(setup)
            out.append("\n".join(ops))
            out.append(fill)
        return "\n".join(out)
