"""Page layout shared by every sheet: paper, title block, running header, footer with page count.

A sheet is built on :class:`SheetDocument`: A4 or A3, portrait or landscape; the first page carries
the title, the period, 编制单位 and the print date; every page carries an optional 内部资料 marker,
an optional repeated table header (drawn by the page, so it is on every page however the table is
split) and the footer "第 X 页 共 Y 页" — the total is known because pages are kept until the end
(:class:`NumberedCanvas`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from .fonts import FontSet, register_fonts
from .text import draw_text, text_width

# Page contents deflate-compressed only, without reportlab's ASCII85 layer on top: files about a
# fifth smaller and quicker to write (a setting of the whole reportlab module, read when saving).
rl_config.useA85 = 0


class _QuickDeflate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's deflate filter at zlib's fastest level instead of its default (6).

    The 总体进度表 of 10,000 projects (388 pages) has some 11 MB of page operators: compressing
    them took 0.25 s of the sheet's 2.5 s, now 0.09 s, for a file a fifth larger (3.2 instead of
    2.7 MB).
    """

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)


# reportlab looks the filter up in its module when it writes a stream (pages, embedded fonts).
pdfdoc.PDFZCompress = _QuickDeflate()

DEFAULT_ORG = "成德同城化发展领导小组办公室"
INTERNAL_MARK = "内部资料"
PAPERS = {"A4": A4, "A3": A3}

INK = colors.HexColor("#1F1F1F")
RULE = colors.HexColor("#7F7F7F")
HEADER_FILL = colors.HexColor("#DCE6F2")
MARK_RED = colors.HexColor("#C00000")


@dataclass
class PageSetup:
    """What the user chose for the paper and the title block."""

    title: str
    period_label: str = ""
    org: str = DEFAULT_ORG
    printed: date = field(default_factory=date.today)
    paper: str = "A4"
    landscape: bool = True
    internal: bool = False
    subtitle: str = ""  # e.g. the unit of a 分单位进度表
    as_of: date | None = None  # 数据截至: the last day the figures cover

    @property
    def size(self) -> tuple[float, float]:
        base = PAPERS.get(self.paper.upper())
        if base is None:
            from ..domain.errors import UserError

            raise UserError(f"纸张「{self.paper}」不支持，请选择 A4 或 A3。")
        return landscape(base) if self.landscape else portrait(base)


MARGIN_X = 12 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 14 * mm
TITLE_BLOCK = 24 * mm  # title + meta line on the first page
RUNNING_HEAD = 8 * mm  # small running header on later pages

# Draws the repeated table header at the top of the frame: fn(canvas, x, y_top, width).
HeaderPainter = Callable[[Canvas, float, float, float], None]


class NumberedCanvas(Canvas):
    """Keeps every page until ``save`` so that the footer can say how many pages there are."""

    def __init__(self, *args, footer_font: str = "", **kwargs):
        # The default initial font is Helvetica, which would be listed as a non-embedded font.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or footer_font
        kwargs["initialFontSize"] = kwargs.get("initialFontSize") or 9
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []
        self.footer_font = footer_font
        # Pages where a new document starts (one 督办通知单 per unit): each is numbered alone.
        self.section_starts: set[int] = {0}

    def start_section_on_next_page(self) -> None:
        self.section_starts.add(len(self._saved_pages) + 1)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._saved_pages)
        starts = sorted(s for s in self.section_starts if s < pages) or [0]
        bounds = [*starts, pages]
        for first, end in zip(bounds, bounds[1:], strict=False):
            for index in range(first, end):
                self.__dict__.update(self._saved_pages[index])
                self._draw_footer(index - first + 1, end - first)
                Canvas.showPage(self)
        Canvas.save(self)

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        text = f"第 {number} 页 共 {total} 页"
        size = 10 if max(width, self._pagesize[1]) > 1000 else 9  # A3: 10 pt
        self.setFillColor(INK)
        x = (width - text_width(text, self.footer_font, size)) / 2
        draw_text(self, x, MARGIN_BOTTOM / 2, text, self.footer_font, size)


class NewSection(Flowable):
    """Ends one document of a file (a unit's notice): the next page starts the next one with
    its own title (``subtitle``) and its own 第 X 页 共 Y 页."""

    def __init__(self, doc: SheetDocument, subtitle: str):
        super().__init__()
        self.doc, self.subtitle = doc, subtitle
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.doc.setup.subtitle = self.subtitle
        self.canv.start_section_on_next_page()


def new_section(doc: SheetDocument, subtitle: str) -> list:
    """The flowables that start a new document on a new first page (title block and all)."""
    return [NewSection(doc, subtitle), NextPageTemplate("first"), PageBreak()]


class SheetDocument(BaseDocTemplate):
    """A document with the title page template and the later-page template of a sheet."""

    def __init__(
        self,
        out: Path,
        setup: PageSetup,
        *,
        header_height: float = 0.0,
        header_painter: HeaderPainter | None = None,
        on_page: Callable[[int], None] | None = None,
    ):
        self.setup = setup
        self.fonts: FontSet = register_fonts()
        self.header_height = header_height
        self.header_painter = header_painter
        self.on_page = on_page
        self._prepare: Callable[[Canvas], None] | None = None
        self._later_code: dict[tuple, str] = {}  # see _later_page
        width, height = setup.size
        super().__init__(
            str(out),
            pagesize=(width, height),
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{setup.title} {setup.period_label}".strip(),
            author=setup.org,
            creator="成德同城化重大项目管理",
            subject=setup.subtitle or setup.title,
        )
        frame_w = width - 2 * MARGIN_X
        first_h = height - MARGIN_TOP - MARGIN_BOTTOM - TITLE_BLOCK - header_height
        later_h = height - MARGIN_TOP - MARGIN_BOTTOM - RUNNING_HEAD - header_height
        pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        first = Frame(MARGIN_X, MARGIN_BOTTOM, frame_w, first_h, id="first", **pad)
        later = Frame(MARGIN_X, MARGIN_BOTTOM, frame_w, later_h, id="later", **pad)
        self.addPageTemplates(
            [
                PageTemplate(
                    "first", [first], onPage=self._first_page, autoNextPageTemplate="later"
                ),
                PageTemplate("later", [later], onPage=self._later_page),
            ]
        )
        self.frame_width = frame_w

    @property
    def frame_height(self) -> float:
        """Height of the frame on a later page (what one table row may at most take)."""
        _, height = self.setup.size
        return height - MARGIN_TOP - MARGIN_BOTTOM - RUNNING_HEAD - self.header_height

    def build_story(self, story: list, *, prepare: Callable[[Canvas], None] | None = None) -> None:
        """Lay out ``story`` and write the file; ``prepare(canvas)`` runs before the first page."""
        fonts = self.fonts
        self._prepare = prepare
        self.build(
            [NextPageTemplate("later"), *story],
            canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer_font=fonts.body, **k),
        )

    def beforeDocument(self) -> None:  # noqa: N802 - reportlab's hook
        if self._prepare is not None:
            self._prepare(self.canv)

    def afterPage(self) -> None:  # noqa: N802 - reportlab's hook
        if self.on_page is not None:
            self.on_page(self.page)

    # -- page decorations ----------------------------------------------------------------------

    def _first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        s, f = self.setup, self.fonts
        width, height = s.size
        canvas.saveState()
        canvas.setFillColor(INK)
        title = s.title
        size = 20 if width > 700 else 18
        top = height - MARGIN_TOP
        tx = (width - text_width(title, f.heading, size)) / 2
        draw_text(canvas, tx, top - size, title, f.heading, size, bold=f.fake_bold)
        # Under the title: the scope and the period, centred; then 编制单位 left, 打印日期 right.
        # (On one line they collide on portrait paper.)
        sub = "    ".join(
            x for x in (s.subtitle, f"填报周期：{s.period_label}" if s.period_label else "") if x
        )
        if sub:
            sx = (width - text_width(sub, f.body, 11)) / 2
            draw_text(canvas, sx, top - size - 6 * mm, sub, f.body, 11)
        meta_y = top - TITLE_BLOCK + 3 * mm
        draw_text(canvas, MARGIN_X, meta_y, f"编制单位：{s.org}", f.body, 10)
        if s.as_of is not None:
            mid = f"数据截至：{s.as_of.year}年{s.as_of.month}月{s.as_of.day}日"
            mx = (width - text_width(mid, f.body, 10)) / 2
            draw_text(canvas, mx, meta_y, mid, f.body, 10)
        right = f"打印日期：{s.printed.isoformat()}"
        draw_text(
            canvas, width - MARGIN_X - text_width(right, f.body, 10), meta_y, right, f.body, 10
        )
        if s.internal:
            self._internal_mark(canvas)
        self._table_header(canvas, height - MARGIN_TOP - TITLE_BLOCK)
        canvas.restoreState()

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Running header, marker and table header of a later page: the same operators on every
        page of a document (section), worked out once."""
        s = self.setup
        key = (canvas._doc, s.title, s.subtitle, s.period_label, s.org, s.internal, s.size)
        code = self._later_code.get(key)
        if code is not None:
            canvas.addLiteral(code)
            return
        mark = len(canvas._code)
        self._draw_later_page(canvas)
        self._later_code[key] = "\n".join(canvas._code[mark:])

    def _draw_later_page(self, canvas: Canvas) -> None:
        s, f = self.setup, self.fonts
        width, height = s.size
        canvas.saveState()
        canvas.setFillColor(RULE)
        head = "  ".join(x for x in (s.title, s.subtitle, s.period_label) if x)
        y = height - MARGIN_TOP - 4 * mm
        size = 10 if s.paper.upper() == "A3" else 9
        draw_text(canvas, MARGIN_X, y, head, f.body, size)
        org = s.org
        draw_text(canvas, width - MARGIN_X - text_width(org, f.body, size), y, org, f.body, size)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y - 2 * mm, width - MARGIN_X, y - 2 * mm)
        if s.internal:
            self._internal_mark(canvas)
        self._table_header(canvas, height - MARGIN_TOP - RUNNING_HEAD)
        canvas.restoreState()

    def _table_header(self, canvas: Canvas, y_top: float) -> None:
        if self.header_painter is not None and self.header_height:
            self.header_painter(canvas, MARGIN_X, y_top, self.frame_width)

    def _internal_mark(self, canvas: Canvas) -> None:
        width, height = self.setup.size
        f = self.fonts
        size = 10
        w = text_width(INTERNAL_MARK, f.heading, size) + 4 * mm
        x, y = width - MARGIN_X - w, height - MARGIN_TOP + 1 * mm
        canvas.setStrokeColor(MARK_RED)
        canvas.setFillColor(MARK_RED)
        canvas.setLineWidth(0.8)
        canvas.rect(x, y - 1.5 * mm, w, size + 2 * mm, stroke=1, fill=0)
        draw_text(
            canvas, x + 2 * mm, y + 0.3 * mm, INTERNAL_MARK, f.heading, size, bold=f.fake_bold
        )
