"""Grid tables for the sheets: wrapped string cells, a header drawn by the page, chunked rows.

Short cells are plain strings and long ones are pre-wrapped into lines (``text.wrap_lines``), so
reportlab only stacks lines instead of laying out a Paragraph per cell — the difference between
seconds and minutes at 10,000 rows. Rows are cut into tables of ``CHUNK`` rows, which reportlab
splits far faster than one long table, and a row taller than a page is continued on further rows.
The long progress sheets go one step further with :class:`GridChunk`, which draws its rows
directly instead of through reportlab's ``Table``; the short tables of the other sheets use
``Table`` (repeated header rows, spans).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from .page import HEADER_FILL, INK
from .text import draw_text, fit_line, text_width, wrap_lines

CHUNK = 40
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
    ):
        self.columns = list(columns)
        total = sum(c.width for c in self.columns)
        self.widths = [frame_width * c.width / total for c in self.columns]
        self.font, self.heading_font, self.size = font, heading_font, size
        self._fit_samples()
        self.leading = round(size * 1.25, 2)
        # Lines one row may hold before it is continued on the next row (and maybe page).
        self.max_lines = max(3, int((max_row_height - 2 * PAD) // self.leading) - 1)
        header_lines = max(len(c.header.split("\n")) for c in self.columns)
        self.header_height = header_lines * self.leading + 2 * PAD + 2

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
        )

    def _fit_samples(self) -> None:
        """Widen columns whose sample (or header word) would be cut; the wrapped columns pay.

        Relative widths suit landscape paper; on portrait paper codes and dates would otherwise
        end in "…" while the wrapped text columns have room to give.
        """
        need = []
        for col, w in zip(self.columns, self.widths, strict=True):
            words = [col.sample, *col.header.split("\n")]
            fonts = [self.font] + [self.heading_font] * (len(words) - 1)
            want = max(text_width(t, f, self.size) for t, f in zip(words, fonts, strict=True))
            need.append(max(want + 2 * PAD + 0.5 - w, 0.0) if not col.wrap else 0.0)
        deficit = sum(need)
        flexible = [i for i, c in enumerate(self.columns) if c.wrap]
        room = sum(self.widths[i] for i in flexible)
        if deficit <= 0 or not flexible or deficit > room * 0.5:
            return
        for i, extra in enumerate(need):
            self.widths[i] += extra
        for i in flexible:
            self.widths[i] -= deficit * self.widths[i] / room

    def inner(self, index: int) -> float:
        return self.widths[index] - 2 * PAD

    # -- cells ---------------------------------------------------------------------------------

    def data_row(self, values: Sequence) -> list[list]:
        """Cells of a data row, as one or more table rows (a very long cell continues below)."""
        cells, tall = [], 1
        for i, (col, value) in enumerate(zip(self.columns, values, strict=True)):
            if isinstance(value, Flowable):
                cells.append(value)
            elif col.wrap:
                lines = wrap_lines(value, self.font, self.size, self.inner(i))
                cells.append(lines)
                tall = max(tall, len(lines))
            else:
                cells.append(fit_line(value, self.font, self.size, self.inner(i)))
        if tall <= self.max_lines:
            return [[("\n".join(c) if isinstance(c, list) else c) for c in cells]]
        rows = []
        for start in range(0, tall, self.max_lines):
            row = []
            for c in cells:
                if isinstance(c, list):
                    row.append("\n".join(c[start : start + self.max_lines]))
                else:
                    row.append(c if start == 0 else "")
            rows.append(row)
        return rows

    def row_height(self, cells: list) -> float:
        lines = 1
        for c in cells:
            if isinstance(c, str) and c:
                lines = max(lines, c.count("\n") + 1)
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
        """The column headers, drawn by the page template at the top of every page."""
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
                draw_text(canvas, cx + (w - lw) / 2, ty, line, self.heading_font, self.size, True)
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


class GridChunk(Flowable):
    """A run of table rows drawn straight onto the canvas: the fast path for long sheets.

    reportlab's ``Table`` styles and draws every cell on its own (a text object per cell); at
    10,000 projects that is most of the time spent. Here all the text of a chunk goes into one
    text object, grid lines are long strokes over runs of rows, and the light dots and timeline
    bars are painted in place. The look matches :meth:`GridLayout.tables` (same widths, padding,
    fills and fonts), and the chunk splits between rows when a page is full.
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
        if n == 0 or n >= len(self.rows):
            return []
        return [
            GridChunk(self.layout, self.rows[:n], self.heights[:n]),
            GridChunk(self.layout, self.rows[n:], self.heights[n:]),
        ]

    # -- drawing -------------------------------------------------------------------------------

    def _spans(self, row: Row) -> int:
        """Index of the last column the first cell covers (0: no span)."""
        if row.kind in ("group", "empty"):
            return len(self.layout.columns) - 1
        if row.kind in ("subtotal", "total"):
            return _label_span(row.cells)
        return 0

    def draw(self) -> None:
        c, lay = self.canv, self.layout
        edges = [0.0]
        for w in lay.widths:
            edges.append(edges[-1] + w)
        total_w = edges[-1]
        tops, y = [], self.height
        for h in self.heights:
            tops.append(y)
            y -= h
        fills = {
            "group": GROUP_FILL,
            "subtotal": TOTAL_FILL,
            "total": TOTAL_FILL,
            "header": HEADER_FILL,
        }
        c.saveState()
        for row, top, h in zip(self.rows, tops, self.heights, strict=True):
            fill = fills.get(row.kind)
            if fill is not None:
                c.setFillColor(fill)
                c.rect(0, top - h, total_w, h, stroke=0, fill=1)
        self._draw_grid(c, edges, tops)
        self._draw_cells(c, edges, tops)
        c.restoreState()

    def _draw_grid(self, c: Canvas, edges: list[float], tops: list[float]) -> None:
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        path = c.beginPath()
        for top in [*tops, 0.0]:
            path.moveTo(0, top)
            path.lineTo(edges[-1], top)
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
                        path.moveTo(x, y0)
                        path.lineTo(x, y1)
                run_start, run_span = i, span
        c.drawPath(path, stroke=1, fill=0)

    def _draw_cells(self, c: Canvas, edges: list[float], tops: list[float]) -> None:
        lay = self.layout
        size, leading = lay.size, lay.leading
        text = c.beginText()
        font = None
        color = INK
        text.setFillColor(INK)
        aligns = [col.align for col in lay.columns]
        shapes: list = []
        for row, top in zip(self.rows, tops, strict=True):
            row_font = lay.heading_font if row.kind in ("group", "subtotal", "total") else lay.font
            if row_font != font:
                font = row_font
                text.setFont(font, size, leading)
            span = self._spans(row)
            base = top - PAD - size * 0.88
            for i, cell in enumerate(row.cells):
                if i and i <= span:
                    continue
                x0 = edges[i]
                x1 = edges[span + 1] if i == 0 and span else edges[i + 1]
                want = row.colors.get(i)
                if isinstance(cell, LightDot):
                    shapes.append((cell, x0 + PAD, base))
                    cell_color = _hex(want) if want else INK
                    if cell_color is not color:
                        color = cell_color
                        text.setFillColor(color)
                    text.setTextOrigin(x0 + PAD + cell.size * 0.9, base)
                    text.textOut(cell.name)
                    continue
                if isinstance(cell, Flowable):
                    shapes.append((cell, x0 + PAD, top - PAD - cell.height))
                    continue
                if not cell:
                    continue
                # Each cell its own text block (font and colour carry over: they are graphics
                # state), so that text extraction and copy-paste keep the cells apart.
                text._code.append("ET BT")
                cell_color = _hex(want) if want else INK
                if cell_color is not color:
                    color = cell_color
                    text.setFillColor(color)
                align = (
                    "CENTER" if row.kind == "empty" else ("LEFT" if i == 0 and span else aligns[i])
                )
                y = base
                for line in cell.split("\n"):
                    if align == "LEFT":
                        x = x0 + PAD
                    else:
                        w = text_width(line, font, size)
                        x = x1 - PAD - w if align == "RIGHT" else x0 + (x1 - x0 - w) / 2
                    text.setTextOrigin(x, y)
                    # textOut would also measure the line to advance the cursor: not needed here,
                    # every line is placed by its own origin.
                    text._code.append(text._formatText(line))
                    y -= leading
        c.drawText(text)
        for shape, x, y in shapes:
            if isinstance(shape, LightDot):
                r = shape.size * 0.32
                c.setFillColor(_hex(shape.color))
                c.circle(x + r, y + shape.size * 0.3, r, stroke=0, fill=1)
            else:
                c.saveState()
                c.translate(x, y)
                shape.canv = c
                shape.draw()
                c.restoreState()


_hex_colors: dict[str, colors.Color] = {}


def _hex(code: str) -> colors.Color:
    """One colour object per hex code (compared by identity while drawing)."""
    found = _hex_colors.get(code)
    if found is None:
        found = _hex_colors[code] = colors.HexColor(code)
    return found


def grid_chunks(layout: GridLayout, rows: Sequence[Row], chunk: int = CHUNK) -> list[GridChunk]:
    """The rows as :class:`GridChunk` flowables of at most ``chunk`` rows each."""
    return [GridChunk(layout, rows[i : i + chunk]) for i in range(0, len(rows), chunk)]
