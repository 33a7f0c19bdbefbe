"""The program's own PDF pages drawn on a QPainter as vectors: text as glyphs, lines as paths.

Qt's PDF module renders a page only as an image; a printer given those images prints text as
dots. The sheets are written by our reportlab code only, with a small set of operators and no
images, so their pages are replayed here: each page's content stream is read operator by
operator and drawn in the PDF's own coordinates (y flipped, points scaled to the device).

Text: reportlab embeds each TrueType face as subsets of up to 256 glyphs, one byte a glyph. A code
is mapped to its character through the font's ToUnicode CMap and drawn with the glyph the full
face (the file reportlab embedded from, found by the PostScript name in ``BaseFont``) has for that
character, which is the glyph reportlab embedded. Glyphs are placed exactly as the PDF places
them (the font's /Widths × size, character and word spacing, horizontal scaling, TJ
adjustments), as one QGlyphRun per string, so nothing depends on Qt's shaping or line breaking:
a printer driver receives text (glyphs of an embedded font) where it takes text, else their
outlines.

A page using anything else (an image, a form, a pattern, shading, a Type 3 or CID font, a text
clip: any operator or operand ``check`` does not accept) raises ``Unsupported`` before anything is drawn, and the
caller prints that page as an image instead.

The structure of the file (page tree, resources, fonts, streams) is read with pypdf; the content
streams are tokenised here (pypdf's own content parser takes ~10 s for the 684 pages of the
overall sheet at 10,000 projects; one regular expression takes a fraction of that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QGlyphRun,
    QPainter,
    QPainterPath,
    QPen,
    QRawFont,
    QTransform,
)


class Unsupported(Exception):
    """The page uses something the replayer does not draw (it is then printed as an image)."""


# -- tokens ------------------------------------------------------------------------------------

_WS = rb"\x00\t\n\x0c\r "
# One token with the white space before it (half the matches there would be with white space as
# a token of its own); at the end of the stream only white space matches (no group).
_TOKEN = re.compile(
    rb"[" + _WS + rb"]*(?:"
    rb"(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))"
    rb"|(?P<op>[A-Za-z'\"][A-Za-z*'\"]*)"
    rb"|(?P<str>\((?:[^\\()]|\\.)*\))"  # reportlab escapes every parenthesis in a string
    rb"|(?P<name>/[^" + _WS + rb"()<>\[\]{}/%]*)"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb"|(?P<hex><[0-9A-Fa-f" + _WS + rb"]*>)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<bad>.)"
    rb"|\Z)",
    re.S,
)
_NUM_I, _OP_I, _STR_I, _NAME_I, _OPEN_I, _CLOSE_I, _HEX_I, _COMMENT_I, _BAD_I = range(1, 10)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)
_ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"\n": b"",
    b"\r": b"",
    b"\r\n": b"",
}


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes((int(code, 8) & 0xFF,))
    return _ESCAPES.get(code, code)


class Str(bytes):
    """A string operand (its bytes are the character codes)."""


class Name(str):
    """A name operand, without the slash."""


def tokenize(data: bytes) -> list[tuple[bytes, list]]:
    """The content stream as ``(operator, operands)``; strings as ``Str``, names as ``Name``."""
    ops: list[tuple[bytes, list]] = []
    stack: list = []
    outer: list[list] = []
    for m in _TOKEN.finditer(data):
        kind = m.lastindex
        if kind == _NUM_I:
            stack.append(float(m.group(kind)))
        elif kind == _OP_I:
            if outer:
                raise Unsupported("数组未结束")
            ops.append((m.group(kind), stack))
            stack = []
        elif kind == _STR_I:
            raw = m.group(kind)[1:-1]
            stack.append(Str(_ESCAPE.sub(_unescape, raw) if b"\\" in raw else raw))
        elif kind == _NAME_I:
            stack.append(Name(m.group(kind)[1:].decode("latin-1")))
        elif kind == _OPEN_I:
            outer.append(stack)
            stack = []
        elif kind == _CLOSE_I:
            if not outer:
                raise Unsupported("多余的 ]")
            inner, stack = stack, outer.pop()
            stack.append(inner)
        elif kind == _HEX_I:
            digits = re.sub(rb"[" + _WS + rb"]", b"", m.group(kind)[1:-1])
            if len(digits) % 2:
                digits += b"0"
            stack.append(Str(bytes.fromhex(digits.decode("ascii"))))
        elif kind == _BAD_I:
            raise Unsupported(f"无法识别的内容：{m.group(kind)!r}")
        # None: white space at the end; a comment: nothing
    if stack or outer:
        raise Unsupported("内容流以操作数结束")
    return ops


# -- fonts -------------------------------------------------------------------------------------

_CMAP_CHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_CMAP_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_CMAP_RANGE_ARRAY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\[([^\]]*)\]")


def _utf16(hex_digits: bytes) -> str:
    return bytes.fromhex(hex_digits.decode("ascii")).decode("utf-16-be")


def to_unicode(cmap: bytes) -> dict[int, str]:
    """Code → text of a ToUnicode CMap (its bfchar and bfrange sections)."""
    found: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _CMAP_CHAR.findall(section):
            found[int(code, 16)] = _utf16(text)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, items in _CMAP_RANGE_ARRAY.findall(section):
            for i, text in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", items)):
                if int(low, 16) + i <= int(high, 16):
                    found[int(low, 16) + i] = _utf16(text)
        for low, high, start in _CMAP_RANGE.findall(section):
            first = _utf16(start)
            for i in range(int(high, 16) - int(low, 16) + 1):
                found[int(low, 16) + i] = first[:-1] + chr(ord(first[-1]) + i)
    return found


def registered_faces() -> dict[str, tuple[str, int]]:
    """PostScript name as reportlab writes it in ``BaseFont`` (after the subset tag) → (font
    file, subfont index), for every face the sheets may have embedded in this process."""
    from reportlab.pdfbase import pdfmetrics

    from ...reports.fonts import fallback_fonts, register_fonts

    register_fonts()
    fallback_fonts()
    faces: dict[str, tuple[str, int]] = {}
    for name in pdfmetrics.getRegisteredFontNames():
        face = getattr(pdfmetrics.getFont(name), "face", None)
        filename = getattr(face, "filename", None)
        if face is None or not filename:
            continue
        suffix = getattr(face, "subfontNameX", b"") or b""
        key = (face.name + suffix).decode("latin-1")
        index = int(suffix[1:]) if suffix[1:].isdigit() else 0
        faces[key] = (str(filename), index)
    return faces


_raw_fonts: dict[str, QRawFont] = {}


def raw_font(path: str) -> QRawFont:
    """The first face in the font file ``path`` as a QRawFont (loaded once).

    The file is registered as an application font and the face taken through a QFont: a QRawFont
    loaded from the file's bytes has no file behind it, and Qt's PDF and print engines then draw
    its glyphs as outlines instead of embedding the font as text.
    """
    font = _raw_fonts.get(path)
    if font is None:
        font_id = QFontDatabase.addApplicationFont(path)
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise Unsupported(f"无法载入字体 {path}")
        qfont = QFont(families[0])
        qfont.setPixelSize(16)
        qfont.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        font = QRawFont.fromFont(qfont)
        if not font.isValid():
            raise Unsupported(f"无法载入字体 {path}")
        _raw_fonts[path] = font
    return font


@dataclass
class PdfFont:
    """One embedded font subset: per code its glyph in the full face and its advance (em)."""

    face: QRawFont
    glyphs: dict[int, int]
    widths: dict[int, float]
    sized: dict[float, QRawFont] = field(default_factory=dict)
    known: bytes = b""  # the codes that have a glyph

    def __post_init__(self) -> None:
        self.known = bytes(sorted(self.glyphs))

    def at(self, size: float) -> QRawFont:
        font = self.sized.get(size)
        if font is None:
            font = QRawFont(self.face)
            font.setPixelSize(size)
            self.sized[size] = font
        return font


def load_font(font: DictionaryObject, faces: dict[str, tuple[str, int]]) -> PdfFont:
    subtype = font.get("/Subtype")
    if subtype not in ("/TrueType", "/Type1"):
        raise Unsupported(f"字体类型 {subtype}")
    base = str(font.get("/BaseFont", ""))[1:]
    name = base.split("+", 1)[1] if "+" in base[:7] else base
    if name not in faces:
        raise Unsupported(f"找不到字体 {base}")
    path, index = faces[name]
    if index:
        raise Unsupported(f"字体 {base} 不是字体集中的第一个字体")
    face = raw_font(path)
    cmap = font.get("/ToUnicode")
    if cmap is None:
        raise Unsupported(f"字体 {base} 没有 ToUnicode")
    chars = to_unicode(cmap.get_object().get_data())
    first = int(font.get("/FirstChar", 0))
    widths_array = font.get("/Widths") or []
    missing = float(
        (font.get("/FontDescriptor") or DictionaryObject()).get_object().get("/MissingWidth", 0)
    )
    glyphs: dict[int, int] = {}
    widths: dict[int, float] = {}
    for code in range(256):
        i = code - first
        width = float(widths_array[i]) if 0 <= i < len(widths_array) else missing
        widths[code] = width / 1000
        text = chars.get(code)
        if text is None:
            continue
        ids = face.glyphIndexesForString(text)
        glyphs[code] = ids[0] if len(ids) == 1 else 0
    # The face found must be the one embedded: its advances are the PDF's widths (reportlab
    # writes them from the face's own metrics, in thousandths of an em).
    codes = sorted(glyphs)
    design = QRawFont(face)
    design.setPixelSize(1000)
    advances = design.advancesForGlyphIndexes(
        [glyphs[c] for c in codes], QRawFont.LayoutFlag.UseDesignMetrics
    )
    for code, advance in zip(codes, advances, strict=True):
        if abs(advance.x() - widths[code] * 1000) > 1.5:
            raise Unsupported(f"字体 {base} 与 PDF 的字宽不符")
    return PdfFont(face, glyphs, widths)


# -- drawing -----------------------------------------------------------------------------------

_CAPS = {0: Qt.FlatCap, 1: Qt.RoundCap, 2: Qt.SquareCap}
_JOINS = {0: Qt.SvgMiterJoin, 1: Qt.RoundJoin, 2: Qt.BevelJoin}
_PAINT_OPS = {
    b"S": (False, False, True, None),  # close, fill, stroke, fill rule
    b"s": (True, False, True, None),
    b"f": (False, True, False, Qt.WindingFill),
    b"F": (False, True, False, Qt.WindingFill),
    b"f*": (False, True, False, Qt.OddEvenFill),
    b"B": (False, True, True, Qt.WindingFill),
    b"B*": (False, True, True, Qt.OddEvenFill),
    b"b": (True, True, True, Qt.WindingFill),
    b"b*": (True, True, True, Qt.OddEvenFill),
    b"n": (False, False, False, None),
}
_IGNORED = {b"BMC", b"BDC", b"EMC", b"MP", b"DP", b"i", b"ri", b"BX", b"EX"}


@dataclass
class State:
    """The graphics state saved by q and restored by Q (text state included, as in PDF)."""

    ctm: QTransform  # user space to the device: the PDF's CTM, then the page to the device
    fill: QColor
    stroke: QColor
    width: float = 1.0
    cap: int = 0
    join: int = 0
    miter: float = 10.0
    dash: tuple[list[float], float] = ([], 0.0)
    fill_space: int = 1
    stroke_space: int = 1
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    font: PdfFont | None = None
    size: float = 0.0
    rise: float = 0.0
    render: int = 0
    alpha_fill: float = 1.0
    alpha_stroke: float = 1.0

    def copy(self) -> State:
        return State(**self.__dict__)


_SPACES = {"DeviceGray": 1, "DeviceRGB": 3, "DeviceCMYK": 4, "G": 1, "RGB": 3, "CMYK": 4}


def _color(values: list[float], gray: bool) -> QColor:
    def clamp(v: float) -> float:
        return min(max(float(v), 0.0), 1.0)

    if len(values) == 1:
        color = QColor.fromRgbF(clamp(values[0]), clamp(values[0]), clamp(values[0]))
    elif len(values) == 3:
        color = QColor.fromRgbF(*(clamp(v) for v in values))
    elif len(values) == 4:
        color = QColor.fromCmykF(*(clamp(v) for v in values)).toRgb()
    else:
        raise Unsupported("颜色分量个数")
    if gray:
        level = (11 * color.red() + 16 * color.green() + 5 * color.blue()) // 32
        color = QColor(level, level, level)
    return color


class PdfPages:
    """The pages of one PDF file written by the program, replayable on a QPainter."""

    def __init__(self, path: Path | str):
        self.reader = PdfReader(str(path))
        self._faces: dict[str, tuple[str, int]] | None = None
        self._fonts: dict[int, PdfFont | Unsupported] = {}

    def page_count(self) -> int:
        return len(self.reader.pages)

    def page_box(self, index: int) -> QRectF:
        """The page's MediaBox in points (x, y of its lower-left corner, width, height)."""
        box = self.reader.pages[index].mediabox
        return QRectF(float(box.left), float(box.bottom), float(box.width), float(box.height))

    def _font(self, ref) -> PdfFont:
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        font = self._fonts.get(key)
        if font is None:
            if self._faces is None:
                self._faces = registered_faces()
            try:
                font = load_font(ref.get_object(), self._faces)
            except Unsupported as why:  # remembered: the pages using the font need not retry
                font = why
            self._fonts[key] = font
        if isinstance(font, Unsupported):
            raise font
        return font

    def prepare(self, index: int) -> tuple[list[tuple[bytes, list]], dict[str, PdfFont], dict]:
        """The page's operators and the fonts and graphics states they name; ``Unsupported``
        when the page uses anything the replayer cannot draw or read."""
        try:
            return self._prepare(index)
        except Unsupported:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged or unexpected file: not drawn here
            raise Unsupported(f"无法读取页面（{type(exc).__name__}: {exc}）") from exc

    def _prepare(self, index: int) -> tuple[list[tuple[bytes, list]], dict[str, PdfFont], dict]:
        page = self.reader.pages[index]
        if int(page.get("/Rotate", 0) or 0) % 360:
            raise Unsupported("页面旋转")
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        contents = page.get_contents()
        ops = tokenize(contents.get_data() if contents is not None else b"")
        named = (resources.get("/Font") or DictionaryObject()).get_object()
        fonts: dict[str, PdfFont] = {}

        def font(name: str) -> PdfFont:
            """The font ``name`` (loaded when text is shown in it: reportlab's canvas selects
            Helvetica at the top of every page and shows nothing in it)."""
            found = fonts.get(name)
            if found is None:
                if "/" + name not in named:
                    raise Unsupported(f"页面没有字体 {name}")
                found = fonts[name] = self._font(named["/" + name])
            return found

        states = {
            str(name)[1:]: ref.get_object()
            for name, ref in (resources.get("/ExtGState") or DictionaryObject())
            .get_object()
            .items()
        }
        check(ops, font, states)
        return ops, fonts, states

    def paint(self, painter: QPainter, index: int, target: QRectF, *, gray: bool = False) -> None:
        """Draw page ``index`` into ``target`` (device coordinates of ``painter``), scaled to fit
        with its aspect kept. Raises ``Unsupported`` (having drawn nothing) when it cannot."""
        ops, fonts, states = self.prepare(index)
        box = self.page_box(index)
        s = min(target.width() / box.width(), target.height() / box.height())
        base = QTransform(
            s,
            0,
            0,
            -s,
            target.left() - box.left() * s,
            target.top() + (box.top() + box.height()) * s,
        )
        painter.save()
        try:
            _Replay(painter, base, fonts, states, gray).run(ops)
        finally:
            painter.restore()


# Operators taking numbers only: how many.
_NUMBERS = {
    b"cm": 6,
    b"w": 1,
    b"J": 1,
    b"j": 1,
    b"M": 1,
    b"RG": 3,
    b"rg": 3,
    b"G": 1,
    b"g": 1,
    b"K": 4,
    b"k": 4,
    b"m": 2,
    b"l": 2,
    b"c": 6,
    b"v": 4,
    b"y": 4,
    b"re": 4,
    b"Td": 2,
    b"TD": 2,
    b"Tm": 6,
    b"TL": 1,
    b"Tc": 1,
    b"Tw": 1,
    b"Tz": 1,
    b"Ts": 1,
    b"Tr": 1,
}
_NO_OPERANDS = {b"q", b"Q", b"h", b"W", b"W*", b"BT", b"ET", b"T*"}
_GS_KEYS = {"/Type", "/ca", "/CA", "/LW", "/LC", "/LJ", "/ML", "/D", "/BM", "/SMask"}
_GS_IGNORED = {"/SA", "/OP", "/op", "/OPM", "/RI", "/FL", "/SM", "/AIS", "/TK"}


def _numbers(args: list, count: int | None = None) -> bool:
    return (count is None or len(args) == count) and all(type(v) is float for v in args)


def check(ops: list[tuple[bytes, list]], font_named, states: dict) -> None:
    """``Unsupported`` unless every operator of the page can be replayed as written;
    ``font_named(name)`` loads a font the page shows text in."""
    font: str | None = None
    saved: list[str | None] = []  # the font is part of the state q saves and Q restores
    for op, a in ops:
        count = _NUMBERS.get(op)
        if count is not None:
            if not _numbers(a, count):
                raise Unsupported(f"{op.decode('latin-1')} 的参数")
            if op == b"Tr" and not 0 <= a[0] <= 3:
                raise Unsupported("文字裁剪")
            continue
        if op in _NO_OPERANDS or op in _PAINT_OPS:
            if a:
                raise Unsupported(f"{op.decode('latin-1')} 的参数")
            if op == b"q":
                saved.append(font)
            elif op == b"Q" and saved:
                font = saved.pop()
            continue
        if op in _IGNORED:
            continue
        strings: list = []
        if op == b"Tf":
            if len(a) != 2 or not isinstance(a[0], Name) or type(a[1]) is not float or a[1] < 0:
                raise Unsupported("Tf 的参数")
            font = a[0]
        elif op in (b"Tj", b"'"):
            strings = a if len(a) == 1 else [None]
        elif op == b'"':
            strings = a[2:] if len(a) == 3 and _numbers(a[:2]) else [None]
        elif op == b"TJ":
            if len(a) != 1 or not isinstance(a[0], list):
                raise Unsupported("TJ 的参数")
            strings = [v for v in a[0] if type(v) is not float]
        elif op == b"d":
            if len(a) != 2 or not isinstance(a[0], list) or not _numbers(a[0] + a[1:]):
                raise Unsupported("d 的参数")
        elif op == b"gs":
            state = states.get(a[0]) if len(a) == 1 else None
            if state is None:
                raise Unsupported(f"页面没有图形状态 {a}")
            for key, value in state.items():
                ok = key in _GS_KEYS or key in _GS_IGNORED
                if key == "/BM":
                    ok = str(value) in ("/Normal", "/Compatible")
                elif key == "/SMask":
                    ok = str(value) == "/None"
                if not ok:
                    raise Unsupported(f"图形状态 {key}")
        elif op in (b"cs", b"CS"):
            if len(a) != 1 or _SPACES.get(str(a[0])) is None:
                raise Unsupported(f"颜色空间 {a}")
        elif op in (b"sc", b"scn", b"SC", b"SCN"):
            if len(a) not in (1, 3, 4) or not _numbers(a):
                raise Unsupported("图案或特殊颜色")
        else:
            raise Unsupported(f"不支持的 PDF 操作 {op.decode('latin-1')}")
        for text in strings:
            if not isinstance(text, Str):
                raise Unsupported(f"{op.decode('latin-1')} 的参数")
            if font is None:
                raise Unsupported("文字没有字体")
            if text and text.translate(None, font_named(font).known):
                raise Unsupported("字符没有对应的文字")


class _Replay:
    def __init__(self, painter: QPainter, base: QTransform, fonts, states, gray: bool):
        self.p = painter
        self.fonts = fonts
        self.states = states
        self.gray = gray
        black = _color([0.0], gray)
        self.gs = State(QTransform(base), black, black)
        self.stack: list[State] = []
        self.path = QPainterPath()
        self.clip: Qt.FillRule | None = None
        self.tm = QTransform()
        self.tlm = QTransform()
        painter.setRenderHint(QPainter.Antialiasing, True)

    # -- helpers

    def pen(self) -> QPen:
        g = self.gs
        color = QColor(g.stroke)
        if self.gs.alpha_stroke < 1:
            color.setAlphaF(self.gs.alpha_stroke)
        pen = QPen(color)
        pen.setWidthF(g.width)
        pen.setCapStyle(_CAPS.get(g.cap, Qt.FlatCap))
        pen.setJoinStyle(_JOINS.get(g.join, Qt.SvgMiterJoin))
        pen.setMiterLimit(max(g.miter / 2, 0.5))
        pattern, phase = g.dash
        if pattern and g.width > 0 and any(pattern):
            dashes = [max(v, 1e-3) / g.width for v in pattern]
            if len(dashes) % 2:
                dashes *= 2
            pen.setDashPattern(dashes)
            pen.setDashOffset(phase / g.width)
        return pen

    def brush(self) -> QBrush:
        color = QColor(self.gs.fill)
        if self.gs.alpha_fill < 1:
            color.setAlphaF(self.gs.alpha_fill)
        return QBrush(color)

    # -- the loop

    def run(self, ops) -> None:
        p = self.p
        for op, a in ops:
            paint = _PAINT_OPS.get(op)
            if paint is not None:
                self.paint_path(*paint)
                continue
            g = self.gs
            if op == b"Tj":
                self.show(a[0])
            elif op == b"Td":
                self.tlm = QTransform.fromTranslate(a[0], a[1]) * self.tlm
                self.tm = QTransform(self.tlm)
            elif op == b"Tf":
                g.font = self.fonts.get(a[0])  # None: no text is shown in it (see check)
                g.size = a[1]
            elif op == b"TL":
                g.leading = a[0]
            elif op == b"T*":
                self.next_line()
            elif op == b"BT":
                self.tm = QTransform()
                self.tlm = QTransform()
            elif op == b"ET":
                pass
            elif op == b"Tm":
                self.tlm = QTransform(*a)
                self.tm = QTransform(self.tlm)
            elif op == b"m":
                self.path.moveTo(a[0], a[1])
            elif op == b"l":
                self.path.lineTo(a[0], a[1])
            elif op == b"re":
                x, y, w, h = a
                self.path.moveTo(x, y)
                self.path.lineTo(x + w, y)
                self.path.lineTo(x + w, y + h)
                self.path.lineTo(x, y + h)
                self.path.closeSubpath()
            elif op == b"c":
                self.path.cubicTo(a[0], a[1], a[2], a[3], a[4], a[5])
            elif op == b"v":
                cur = self.path.currentPosition()
                self.path.cubicTo(cur.x(), cur.y(), a[0], a[1], a[2], a[3])
            elif op == b"y":
                self.path.cubicTo(a[0], a[1], a[2], a[3], a[2], a[3])
            elif op == b"h":
                self.path.closeSubpath()
            elif op in (b"rg", b"g", b"k"):  # RGB, grey or CMYK, told apart by their operands
                g.fill = _color(a, self.gray)
            elif op in (b"RG", b"G", b"K"):
                g.stroke = _color(a, self.gray)
            elif op == b"q":
                self.stack.append(g.copy())
                p.save()
            elif op == b"Q":
                if not self.stack:
                    continue
                self.gs = self.stack.pop()
                p.restore()
            elif op == b"cm":
                g.ctm = QTransform(*a) * g.ctm
            elif op == b"w":
                g.width = a[0]
            elif op == b"J":
                g.cap = int(a[0])
            elif op == b"j":
                g.join = int(a[0])
            elif op == b"M":
                g.miter = a[0]
            elif op == b"d":
                g.dash = (list(a[0]), a[1])
            elif op == b"W":
                self.clip = Qt.WindingFill
            elif op == b"W*":
                self.clip = Qt.OddEvenFill
            elif op == b"TJ":
                self.show_array(a[0])
            elif op == b"TD":
                g.leading = -a[1]
                self.tlm = QTransform.fromTranslate(a[0], a[1]) * self.tlm
                self.tm = QTransform(self.tlm)
            elif op == b"Tc":
                g.char_space = a[0]
            elif op == b"Tw":
                g.word_space = a[0]
            elif op == b"Tz":
                g.scale = a[0] / 100
            elif op == b"Ts":
                g.rise = a[0]
            elif op == b"Tr":
                g.render = int(a[0])
                if g.render > 3:
                    raise Unsupported("文字裁剪")
            elif op == b"'":
                self.next_line()
                self.show(a[0])
            elif op == b'"':
                g.word_space, g.char_space = a[0], a[1]
                self.next_line()
                self.show(a[2])
            elif op == b"gs":
                self.ext_state(a[0])
            elif op in (b"cs", b"CS"):
                space = _SPACES.get(str(a[0]))
                if space is None:
                    raise Unsupported(f"颜色空间 {a[0]}")
                if op == b"cs":
                    g.fill_space, g.fill = space, _color([0.0] * space, self.gray)
                else:
                    g.stroke_space, g.stroke = space, _color([0.0] * space, self.gray)
            elif op in (b"sc", b"scn"):
                g.fill = _color(a, self.gray)
            elif op in (b"SC", b"SCN"):
                g.stroke = _color(a, self.gray)
            # everything else was checked in prepare() as ignorable

    def ext_state(self, name: str) -> None:
        """An ExtGState's entries that change the drawing (the others were checked to be
        harmless by ``check``)."""
        g = self.gs
        for key, value in self.states[name].items():
            if key == "/ca":
                g.alpha_fill = float(value)
            elif key == "/CA":
                g.alpha_stroke = float(value)
            elif key == "/LW":
                g.width = float(value)
            elif key == "/LC":
                g.cap = int(value)
            elif key == "/LJ":
                g.join = int(value)
            elif key == "/ML":
                g.miter = float(value)
            elif key == "/D":
                g.dash = ([float(v) for v in value[0]], float(value[1]))

    def paint_path(self, close: bool, fill: bool, stroke: bool, rule) -> None:
        path = self.path
        self.path = QPainterPath()
        p = self.p
        if fill or stroke:
            if close:
                path.closeSubpath()
            p.setWorldTransform(self.gs.ctm)
            if fill:
                path.setFillRule(rule)
                p.fillPath(path, self.brush())
            if stroke:
                p.strokePath(path, self.pen())
        if self.clip is not None:
            path.setFillRule(self.clip)
            p.setWorldTransform(self.gs.ctm)
            p.setClipPath(path, Qt.IntersectClip)
            self.clip = None

    # -- text

    def next_line(self) -> None:
        self.tlm = QTransform.fromTranslate(0, -self.gs.leading) * self.tlm
        self.tm = QTransform(self.tlm)

    def show(self, codes: bytes) -> None:
        self.show_array([codes])

    def show_array(self, items: list) -> None:
        g = self.gs
        font = g.font  # None: only empty strings are shown in it (see check)
        size, tc, tw = g.size, g.char_space, g.word_space
        glyph_of, width_of = (font.glyphs, font.widths) if font else ({}, {})
        glyphs: list[int] = []
        positions: list[QPointF] = []
        x = 0.0
        for item in items:
            if isinstance(item, float):
                x -= item / 1000 * size
                continue
            for code in item:
                glyphs.append(glyph_of[code])
                positions.append(QPointF(x, 0.0))
                x += width_of[code] * size + tc + (tw if code == 32 else 0.0)
        if glyphs and font is not None and g.render != 3 and g.size > 0:
            self.draw_glyphs(font, glyphs, positions)
        self.tm = QTransform.fromTranslate(x * g.scale, 0) * self.tm

    def draw_glyphs(self, font: PdfFont, glyphs: list[int], positions: list[QPointF]) -> None:
        g = self.gs
        p = self.p
        raw = font.at(g.size)
        glyph_space = QTransform(g.scale, 0, 0, -1, 0, g.rise)
        p.setWorldTransform(glyph_space * self.tm * g.ctm)
        if g.render in (0, 2):
            run = QGlyphRun()
            run.setRawFont(raw)
            run.setGlyphIndexes(glyphs)
            run.setPositions(positions)
            color = QColor(g.fill)
            if self.gs.alpha_fill < 1:
                color.setAlphaF(self.gs.alpha_fill)
            p.setPen(color)
            p.drawGlyphRun(QPointF(0, 0), run)
        if g.render in (1, 2):
            outline = QPainterPath()
            for glyph, pos in zip(glyphs, positions, strict=True):
                outline.addPath(raw.pathForGlyph(glyph).translated(pos))
            p.strokePath(outline, self.pen())
