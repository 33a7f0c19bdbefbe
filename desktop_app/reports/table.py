"""Grid tables for the sheets: wrapped string cells, a header drawn by the page, chunked rows.

Short cells are plain strings and long ones are pre-wrapped into lines (``text.wrap_lines``), so
reportlab only stacks lines instead of laying out a Paragraph per cell — the difference between
seconds and minutes at 10,000 rows. Rows are cut into tables of ``CHUNK`` rows, which reportlab
splits far faster than one long table, and a row taller than a page is continued on further rows.
The long progress sheets go one step further with :class:`GridChunk`, which writes its rows
straight into the page content (``content``) instead of through reportlab's ``Table``; the short
tables of the other sheets use ``Table`` (repeated header rows, spans).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from .content import FontEncoder, Paint, Paths, frequent_first, rgb
from .page import HEADER_FILL, INK
from .text import char_widths, draw_text, fit_line, text_width, wrap_lines

CHUNK = 40
SAMPLE_ROWS = 2000  # rows whose characters decide the order of the font's subsets
GRID = colors.HexColor("#808080")
GROUP_FILL = colors.HexColor("#EEF2F7")
TOTAL_FILL = colors.HexColor("#F5F5F5")
PAD = 2.0


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # "\n" separates header lines
    width: float  # relative width; scaled to the frame
    align: str = "LEFT"  # LEFT / CENTER / RIGHT
    wrap: bool = False  # long text: wrapped; otherwise cut to one line
    sample: str = ""  # the widest usual content (a code, a date): the column is never narrower


@dataclass
class Row:
    """One table row: cells (str or Flowable) by column, and how it is styled."""

    cells: list
    kind: str = "data"  # data / group / subtotal / total / empty
    colors: dict[int, str] = field(default_factory=dict)  # column index -> text colour (hex)
    group: str = ""  # the group a data row belongs to: repeated as 「…（续）」 on a new page


class GridLayout:
    """Column widths, font and leading for one sheet on one paper."""

    def __init__(
        self,
        columns: Sequence[Column],
        frame_width: float,
        *,
        font: str,
        heading_font: str,
        size: float,
        max_row_height: float,
        fake_bold: bool = False,
    ):
        self.columns = list(columns)
        self.fake_bold = fake_bold  # headers thickened: only when heading and body share a face
        total = sum(c.width for c in self.columns)
        self.widths = [frame_width * c.width / total for c in self.columns]
        self.font, self.heading_font, self.size = font, heading_font, size
        self._fit_samples()
        self.leading = round(size * 1.25, 2)
        self.max_row_height = max_row_height
        # Lines one row may hold before it is continued on the next row (and maybe page).
        self.max_lines = max(3, int((max_row_height - 2 * PAD) // self.leading) - 1)
        header_lines = max(len(c.header.split("\n")) for c in self.columns)
        self.header_height = header_lines * self.leading + 2 * PAD + 2
        self.edges = [0.0]
        for w in self.widths:
            self.edges.append(self.edges[-1] + w)
        self._rooms = [w - 2 * PAD for w in self.widths]  # room for text in each column
        # Widths of aligned single-line cells (body font) measured while fitting them, reused
        # to place them when drawn.
        self.measured: dict[str, float] = {}
        # Each column's cells by text, as data_row makes them.
        self._cells: list[dict[str, tuple[str, list[str] | None]]] = [{} for _ in self.columns]
        # Drawing state of the document being written (see ``encoder`` and ``paint_header``).
        self.charset = ""  # characters of the sheet's cells, most frequent first
        self._doc = None
        self._encoders: dict[str, FontEncoder] = {}
        self._header_code: dict[tuple[float, float], str] = {}
        self._blocks: list[dict[tuple[str, str | None], tuple[str, str, str]]] = []

    @classmethod
    def for_document(cls, columns: Sequence[Column], doc, size: float) -> GridLayout:
        """A grid across the whole frame of ``doc`` in its body and heading fonts."""
        return cls(
            columns,
            doc.frame_width,
            font=doc.fonts.body,
            heading_font=doc.fonts.heading,
            size=size,
            max_row_height=doc.frame_height,
            fake_bold=doc.fonts.fake_bold,
        )

    def _fit_samples(self) -> None:
        """Widen columns whose sample or header word would be cut; wrapped columns pay.

        Relative widths suit landscape paper; on portrait paper codes, dates and a header such
        as 「牵头单位」 would otherwise end in "…" while other wrapped text columns have room
        to give. A wrapped column keeps room for its header's longest line.
        """
        floor = []  # the narrowest each column may be
        for col in self.columns:
            want = max(text_width(t, self.heading_font, self.size) for t in col.header.split("\n"))
            if not col.wrap:
                want = max(want, text_width(col.sample, self.font, self.size))
            floor.append(want + 2 * PAD + 0.5)
        need = [max(f - w, 0.0) for f, w in zip(floor, self.widths, strict=True)]
        deficit = sum(need)
        donors = [i for i, c in enumerate(self.columns) if c.wrap and not need[i]]
        spare = sum(self.widths[i] - floor[i] for i in donors)
        if deficit <= 0 or deficit > spare or deficit > sum(self.widths[i] for i in donors) * 0.5:
            return
        for i, extra in enumerate(need):
            self.widths[i] += extra
        # Each donor gives in proportion to what it has above its own floor.
        for i in donors:
            self.widths[i] -= deficit * (self.widths[i] - floor[i]) / spare

    def _bind(self, canvas: Canvas) -> None:
        """Start the drawing state afresh for a new document."""
        if self._doc is not canvas._doc:
            self._doc = canvas._doc
            self._encoders = {}
            self._header_code = {}
            self._blocks = [{} for _ in self.columns]

    def release(self) -> None:
        """Drop what was kept for the document just written (cells, encoded lines, blocks).

        The layout and the document refer to each other, so without this the many small
        cached tuples are freed only by a walk of the cycle collector.
        """
        self.measured.clear()
        for known in (*self._cells, *self._blocks):
            known.clear()
        for encoder in self._encoders.values():
            encoder.release()
        self._encoders, self._header_code, self._doc = {}, {}, None

    def encoder(self, canvas: Canvas, font: str) -> FontEncoder:
        """The line encoder of ``font`` for the document ``canvas`` writes."""
        self._bind(canvas)
        found = self._encoders.get(font)
        if found is None:
            # The body font gets the sheet's characters first, most frequent first.
            chars = self.charset if font == self.font else ""
            found = self._encoders[font] = FontEncoder(font, canvas._doc, chars)
        return found

    def blocks(self, canvas: Canvas) -> list[dict]:
        """The wrapped cells of data rows drawn so far in the document ``canvas`` writes: one
        table per column, by text and the font in effect before (see ``GridChunk._text``)."""
        self._bind(canvas)
        return self._blocks

    def prepare(self, canvas: Canvas) -> None:
        """Register the sheet's characters with the body font before anything else is drawn."""
        self.encoder(canvas, self.font)

    def inner(self, index: int) -> float:
        return self.widths[index] - 2 * PAD

    # -- cells ---------------------------------------------------------------------------------

    def data_row(self, values: Sequence) -> list[list]:
        """Cells of a data row, as one or more table rows (a very long cell continues below)."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        texts, wrapped, tall = [], [], 1
        for i, value in enumerate(values):
            if value.__class__ is str:
                # Unit names, stages, dates and light reasons repeat from row to row: each
                # text is measured and wrapped once a column.
                known = self._cells[i]
                found = known.get(value)
                if found is None:
                    found = known[value] = self._cell(i, value)
            elif isinstance(value, Flowable):
                found = (value, None)
            else:
                found = self._cell(i, value)
            text, lines = found
            texts.append(text)
            wrapped.append(lines)
            if lines is not None and len(lines) > tall:
                tall = len(lines)
        if tall <= self.max_lines:
            return [texts]
        rows = []
        for start in range(0, tall, self.max_lines):
            row = []
            for text, lines in zip(texts, wrapped, strict=True):
                if lines is not None:
                    row.append("\n".join(lines[start : start + self.max_lines]))
                else:
                    row.append(text if start == 0 else "")
            rows.append(row)
        return rows

    def _cell(self, index: int, value) -> tuple[str, list[str] | None]:
        """One cell's text, and its lines when it takes more than one."""
        col, room = self.columns[index], self._rooms[index]
        # Most cells fit as they are: one measurement settles it.
        if isinstance(value, str):
            width = sum(map(char_widths(self.font, self.size).__getitem__, value))
        else:
            width = room + 1
        fits = width <= room
        if not col.wrap:
            if fits and col.align != "LEFT":
                self.measured[value] = width
            return (value if fits else fit_line(value, self.font, self.size, room)), None
        if fits and "\n" not in value and "\r" not in value:
            return value, None
        lines = wrap_lines(value, self.font, self.size, room)
        if len(lines) == 1:
            return lines[0], None
        return "\n".join(lines), lines

    def row_height(self, cells: list) -> float:
        lines = 1 + max([c.count("\n") for c in cells if isinstance(c, str)], default=0)
        return lines * self.leading + 2 * PAD + 1

    # -- tables --------------------------------------------------------------------------------

    def header_row(self) -> Row:
        return Row([c.header for c in self.columns], "header")

    def table(self, rows: Sequence[Row]) -> Table:
        """A small table with its own header row, repeated when it runs onto another page."""
        return self.tables([self.header_row(), *rows], chunk=len(rows) + 1, repeat_header=True)[0]

    def tables(
        self, rows: Sequence[Row], chunk: int = CHUNK, *, repeat_header: bool = False
    ) -> list[Table]:
        """The rows as a list of tables of at most ``chunk`` rows each."""
        out = []
        base = [
            ("FONT", (0, 0), (-1, -1), self.font, self.size, self.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), PAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ]
        for i, col in enumerate(self.columns):
            if col.align != "LEFT":
                base.append(("ALIGN", (i, 0), (i, -1), col.align))
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            data, heights, style = [], [], list(base)
            for r, row in enumerate(part):
                data.append(row.cells)
                heights.append(self.row_height(row.cells))
                for col, color in row.colors.items():
                    style.append(("TEXTCOLOR", (col, r), (col, r), colors.HexColor(color)))
                if row.kind == "header":
                    style += [
                        ("BACKGROUND", (0, r), (-1, r), HEADER_FILL),
                        ("FONT", (0, r), (-1, r), self.heading_font, self.size, self.leading),
                        ("ALIGN", (0, r), (-1, r), "CENTER"),
                        ("VALIGN", (0, r), (-1, r), "MIDDLE"),
                    ]
                elif row.kind == "group":
                    style += [
                        ("SPAN", (0, r), (-1, r)),
                        ("BACKGROUND", (0, r), (-1, r), GROUP_FILL),
                        ("FONT", (0, r), (-1, r), self.heading_font, self.size, self.leading),
                        ("ALIGN", (0, r), (-1, r), "LEFT"),
                    ]
                elif row.kind in ("subtotal", "total"):
                    style.append(("BACKGROUND", (0, r), (-1, r), TOTAL_FILL))
                    style.append(
                        ("FONT", (0, r), (-1, r), self.heading_font, self.size, self.leading)
                    )
                elif row.kind == "empty":
                    style += [("SPAN", (0, r), (-1, r)), ("ALIGN", (0, r), (-1, r), "CENTER")]
                if row.kind in ("subtotal", "total") and len(row.cells) > 1:
                    span_to = _label_span(row.cells)
                    if span_to > 0:
                        style += [
                            ("SPAN", (0, r), (span_to, r)),
                            ("ALIGN", (0, r), (span_to, r), "LEFT"),
                        ]
            table = Table(
                data,
                colWidths=self.widths,
                rowHeights=heights,
                style=TableStyle(style),
                repeatRows=1 if repeat_header else 0,
            )
            out.append(table)
        return out

    def paint_header(self, canvas: Canvas, x: float, y_top: float, width: float) -> None:
        """The column headers, drawn by the page template at the top of every page.

        Every page repeats the same drawing operators: they are worked out once per position.
        """
        self._bind(canvas)
        code = self._header_code.get((x, y_top))
        if code is None:
            mark = len(canvas._code)
            self._draw_header(canvas, x, y_top)
            code = self._header_code[(x, y_top)] = "\n".join(canvas._code[mark:])
        else:
            canvas.addLiteral(code)

    def _draw_header(self, canvas: Canvas, x: float, y_top: float) -> None:
        h = self.header_height
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.rect(x, y_top - h, sum(self.widths), h, stroke=1, fill=1)
        canvas.setFillColor(INK)
        cx = x
        for col, w in zip(self.columns, self.widths, strict=True):
            canvas.line(cx, y_top, cx, y_top - h)
            lines = col.header.split("\n")
            block = len(lines) * self.leading
            ty = y_top - (h - block) / 2 - self.size
            for line in lines:
                line = fit_line(line, self.heading_font, self.size, w - 2 * PAD)
                lw = text_width(line, self.heading_font, self.size)
                draw_text(
                    canvas,
                    cx + (w - lw) / 2,
                    ty,
                    line,
                    self.heading_font,
                    self.size,
                    self.fake_bold,
                )
                ty -= self.leading
            cx += w
        canvas.line(cx, y_top, cx, y_top - h)
        canvas.restoreState()


def _label_span(cells: list) -> int:
    """A total row's label spans the empty cells that follow it."""
    k = 0
    while k + 1 < len(cells) and cells[k + 1] == "":
        k += 1
    return k


_paints: dict[str, Paint] = {}


def fill_paint(hex_code: str) -> Paint:
    """The paint that fills shapes with ``hex_code`` (one object per colour)."""
    found = _paints.get(hex_code)
    if found is None:
        found = _paints[hex_code] = Paint(fill=colors.HexColor(hex_code))
    return found


class LightDot(Flowable):
    """A status light: a coloured dot and its name (红灯, 黄灯 …)."""

    def __init__(self, color: str, name: str, font: str, size: float):
        super().__init__()
        self.color, self.name, self.font, self.size = color, name, font, size
        self.width = size * 0.9 + text_width(name, font, size)
        self.height = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        r = self.size * 0.32
        c.setFillColor(colors.HexColor(self.color))
        c.circle(r, self.size * 0.35, r, stroke=0, fill=1)
        c.setFillColor(INK)
        c.setFont(self.font, self.size)
        c.drawString(self.size * 0.9, 0, self.name)

    def paint(self, paths: Paths, x: float, baseline: float) -> None:
        """The dot, for a :class:`GridChunk` (which writes the name with the rest of the text)."""
        r = self.size * 0.32
        paths.circle(0, fill_paint(self.color), x + r, baseline + self.size * 0.3, r)


_ROW_FILLS = {
    "group": Paint(fill=GROUP_FILL),
    "subtotal": Paint(fill=TOTAL_FILL),
    "total": Paint(fill=TOTAL_FILL),
    "header": Paint(fill=HEADER_FILL),
}
_GRID_LINES = Paint(stroke=GRID, width=0.4)


class _Nothing(Flowable):
    """Takes no room: what stays on a full page when a whole chunk moves to the next one."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class GridChunk(Flowable):
    """A run of table rows written straight into the page: the fast path for long sheets.

    reportlab's ``Table`` styles and draws every cell on its own; at 10,000 projects that is most
    of the time a sheet takes. Here the rows become PDF operators directly (``content``): lines
    encoded once per document, grid lines as long strokes over runs of rows, fills, light dots
    and timeline bars collected into one path per colour. Cell shapes other than strings and
    :class:`LightDot` have a ``paint(paths, x, y)`` method (else they are drawn as flowables).
    The look matches :meth:`GridLayout.tables` (same widths, padding, fills and fonts), and the
    chunk splits between rows when a page is full.
    """

    def __init__(
        self, layout: GridLayout, rows: Sequence[Row], heights: Sequence[float] | None = None
    ):
        super().__init__()
        self.layout = layout
        self.rows = list(rows)
        self.heights = (
            list(heights)
            if heights is not None
            else [layout.row_height(r.cells) for r in self.rows]
        )
        self.width = sum(layout.widths)
        self.height = sum(self.heights)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        used, n = 0.0, 0
        for h in self.heights:
            if used + h > ah:
                break
            used += h
            n += 1
        fit = n
        while 0 < n < len(self.rows) and self.rows[n - 1].kind == "group":
            n -= 1  # a group's label goes over with its first row, not alone at the page foot
        if n == 0 and 0 < fit < len(self.rows):
            # Unless label and row together are taller than any page: then as they come.
            if sum(self.heights[: fit + 1]) > self.layout.max_row_height:
                n = fit
        if n >= len(self.rows):
            return []
        if n == 0:
            # Nothing fits: the chunk goes to the next page whole. If it starts inside a group
            # (the page ended exactly between two chunks), it goes there named 「…（续）」.
            labelled = self._continued(self.rows, self.heights)
            if labelled is None:
                return []
            return [_Nothing(), GridChunk(self.layout, *labelled)]
        rest, heights = self.rows[n:], self.heights[n:]
        rest, heights = self._continued(rest, heights) or (rest, heights)
        return [
            GridChunk(self.layout, self.rows[:n], self.heights[:n]),
            GridChunk(self.layout, rest, heights),
        ]

    def _continued(
        self, rows: list[Row], heights: list[float]
    ) -> tuple[list[Row], list[float]] | None:
        """``rows`` headed by 「…（续）」 when they go on inside a group (a data row or the group's
        小计 first), else ``None``. Not when the label and that row would not fit on one page
        together: then the label would be split off again and again."""
        first = rows[0]
        if first.kind not in ("data", "subtotal") or not first.group:
            return None
        label = Row([f"{first.group}（续）"] + [""] * (len(self.layout.columns) - 1), "group")
        label_h = self.layout.row_height(label.cells)
        if label_h + heights[0] > self.layout.max_row_height:
            return None
        return [label, *rows], [label_h, *heights]

    # -- drawing -------------------------------------------------------------------------------

    def _spans(self, row: Row) -> int:
        """Index of the last column the first cell covers (0: no span)."""
        if row.kind in ("group", "empty"):
            return len(self.layout.columns) - 1
        if row.kind in ("subtotal", "total"):
            return _label_span(row.cells)
        return 0

    def draw(self) -> None:
        tops, y = [], self.height
        for h in self.heights:
            tops.append(y)
            y -= h
        under, over = Paths(), Paths()
        width = self.layout.edges[-1]
        for row, top, h in zip(self.rows, tops, self.heights, strict=True):
            fill = _ROW_FILLS.get(row.kind)
            if fill is not None:
                under.rect(0, fill, 0, top - h, width, h)
        self._grid(under, tops)
        flowables: list[tuple[Flowable, float, float]] = []
        text = self._text(tops, over, flowables)
        self.canv.addLiteral("\n".join(("q", under.code(), text, over.code(), "Q")))
        for cell, x, y in flowables:
            cell.drawOn(self.canv, x, y)

    def _grid(self, paths: Paths, tops: list[float]) -> None:
        edges = self.layout.edges
        for top in [*tops, 0.0]:
            paths.line(1, _GRID_LINES, 0, top, edges[-1], top)
        # Vertical edges as long strokes over runs of rows that share the same spans.
        run_start, run_span = 0, None
        spans = [self._spans(r) for r in self.rows] + [None]
        for i, span in enumerate(spans):
            if span != run_span:
                if run_span is not None:
                    y0, y1 = tops[run_start], tops[i] if i < len(tops) else 0.0
                    for k, x in enumerate(edges):
                        if 0 < k <= run_span:
                            continue
                        paths.line(1, _GRID_LINES, x, y0, x, y1)
                run_start, run_span = i, span

    def _geometry(self) -> list[tuple[float, float, str]]:
        """Left and right text edge and alignment of each column."""
        edges = self.layout.edges
        return [
            (x0 + PAD, x1 - PAD, col.align)
            for x0, x1, col in zip(edges[:-1], edges[1:], self.layout.columns, strict=True)
        ]

    def _text(self, tops: list[float], shapes: Paths, flowables: list) -> str:
        """The text operators of the rows; their dots and bars go into ``shapes``.

        Each cell is its own text block (font and colour carry over: they are graphics state),
        so that text extraction and copy-paste keep the cells apart.
        """
        lay, canvas = self.layout, self.canv
        size = lay.size
        fonts = {
            font: (lay.encoder(canvas, font), char_widths(font, size))
            for font in (lay.font, lay.heading_font)
        }
        plain = self._geometry()
        blocks = lay.blocks(canvas)
        ink = rgb(INK)
        out = [f"{ink} rg 0 Tr"]
        state = [ink, None]  # colour and font resource in effect
        for row, top in zip(self.rows, tops, strict=True):
            heading = row.kind in ("group", "subtotal", "total")
            encoder, widths = fonts[lay.heading_font if heading else lay.font]
            measured = {} if heading else lay.measured
            runs = encoder.runs
            span = self._spans(row)
            geometry = plain
            if span:  # the first cell runs across the next ones
                x0, x1 = plain[0][0], plain[span][1]
                first = (x0, x1, "CENTER" if row.kind == "empty" else "LEFT")
                geometry = [first] + [None] * span + plain[span + 1 :]
            known = blocks if not (span or heading) else None
            y = top - PAD - size * 0.88
            at_y = f"{y:.2f} Td"
            for i, (cell, place) in enumerate(zip(row.cells, geometry, strict=True)):
                if not cell or place is None:
                    continue
                x0, x1, align = place
                if not isinstance(cell, str):
                    if isinstance(cell, LightDot):
                        cell.paint(shapes, x0, y)
                        x0, cell = x0 + cell.size * 0.9, cell.name
                    elif hasattr(cell, "paint"):
                        cell.paint(shapes, x0, top - PAD - cell.height)
                        continue
                    else:
                        flowables.append((cell, x0, top - PAD - cell.height))
                        continue
                if row.colors or state[0] is not ink:
                    color = rgb(_hex(row.colors[i])) if row.colors.get(i) else ink
                    if color != state[0]:
                        state[0] = color
                        out.append(f"{color} rg")
                if "\n" in cell:
                    if known is None:
                        self._lines(out, state, encoder, widths, cell, align, x0, x1, y)
                        continue
                    # Wrapped texts repeat (units, reasons, progress): each column's blocks
                    # are kept by text, apart from where the row is.
                    key = (cell, state[1])
                    found = known[i].get(key)
                    if found is None:
                        found = known[i][key] = self._block(
                            state[1], encoder, widths, cell, align, x0, x1, y
                        )
                    head, tail, state[1] = found
                    out.append(head + at_y + tail)
                    continue
                if align != "LEFT":
                    w = measured.get(cell)
                    if w is None:
                        w = sum(map(widths.__getitem__, cell))
                    x0 = x1 - w if align == "RIGHT" else (x0 + x1 - w) / 2
                pieces = runs(cell)
                if len(pieces) == 1 and pieces[0][0] == state[1]:
                    out.append(f"BT {x0:.2f} {at_y} {pieces[0][1]} ET")
                else:
                    out.append(f"BT {x0:.2f} {at_y}")
                    self._show(out, state, pieces, size)
                    out.append("ET")
        return "\n".join(out)

    def _lines(self, out, state, encoder, widths, cell, align, x0, x1, y) -> None:
        """A cell of several lines, each placed from the one before."""
        size, down = self.layout.size, -self.layout.leading
        out.append("BT")
        at_x = at_y = 0.0
        for line in cell.split("\n"):
            if align == "LEFT":
                x = x0
            else:
                w = sum(map(widths.__getitem__, line))
                x = x1 - w if align == "RIGHT" else (x0 + x1 - w) / 2
            out.append(f"{x - at_x:.2f} {y - at_y:.2f} Td")
            at_x, at_y = x, y
            y += down
            self._show(out, state, encoder.runs(line), size)
        out.append("ET")

    def _block(self, font, encoder, widths, cell, align, x0, x1, y) -> tuple[str, str, str]:
        """A cell of several lines (see ``_lines``) with ``font`` in effect before it, as
        ``(head, tail, font after it)``: the block is ``head``, the row's ``"{y} Td"``, ``tail``."""
        ops: list[str] = []
        state = [None, font]
        self._lines(ops, state, encoder, widths, cell, align, x0, x1, y)
        # ops: "BT", "{x} {y} Td" (the first line, from the origin), the rest, "ET".
        head = f"BT\n{ops[1].split(' ', 1)[0]} "
        return head, "".join(["\n" + op for op in ops[2:]]), state[1]

    @staticmethod
    def _show(out: list[str], state: list, pieces, size: float) -> None:
        for name, shown in pieces:
            if name != state[1]:
                state[1] = name
                out.append(f"{name} {size:g} Tf")
            out.append(shown)


_hex_colors: dict[str, colors.Color] = {}


def _hex(code: str) -> colors.Color:
    """One colour object per hex code."""
    found = _hex_colors.get(code)
    if found is None:
        found = _hex_colors[code] = colors.HexColor(code)
    return found


def grid_chunks(layout: GridLayout, rows: Sequence[Row], chunk: int = CHUNK) -> list[GridChunk]:
    """The rows as :class:`GridChunk` flowables of at most ``chunk`` rows each."""
    # Character frequencies from an even sample of rows are enough to order the font's subsets;
    # characters outside the sample are registered when first drawn.
    sample = rows[:: max(1, len(rows) // SAMPLE_ROWS)]
    layout.charset = frequent_first(
        cell for row in sample for cell in row.cells if isinstance(cell, str)
    )
    chunks, start = [], 0
    while start < len(rows):
        end = min(start + chunk, len(rows))
        # A chunk never ends with a group label: it would stand alone if the page ends there.
        while end < len(rows) and rows[end - 1].kind == "group":
            end += 1
        chunks.append(GridChunk(layout, rows[start:end]))
        start = end
    return chunks
