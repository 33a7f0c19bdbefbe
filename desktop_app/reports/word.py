"""Word documents (.docx) laid out as Chinese official documents (GB/T 9704), for the office to
edit, number and seal: A4, margins 37/35/28/26 mm, title in 小标宋 二号, body in 仿宋 三号 on a
fixed 28 pt line, headings in 黑体 / 楷体, 文号, 主送, 落款 and 成文日期 with room for the seal.

Fonts are named, not embedded: Word and WPS on the office's Windows desktops have 仿宋, 黑体,
楷体 and 宋体; 方正小标宋简体 where installed, else Word substitutes the 黑体 named as its
alternative in the font table. Chinese text needs its face on ``w:eastAsia`` (``run.font.name``
sets only the Latin one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

TITLE_FACE = "方正小标宋简体"
TITLE_FALLBACK = "黑体"
FANG = "仿宋"
HEI = "黑体"
KAI = "楷体"
SONG = "宋体"
LATIN = "Times New Roman"
ER_HAO = 22.0  # 二号: the title
SAN_HAO = 16.0  # 三号: the body
XIAO_SI = 12.0  # 小四: tables
WU_HAO = 10.5  # 五号: large tables
LINE = 28.0  # fixed line pitch of the body (22 lines a page)


def cn_date(day: date) -> str:
    """成文日期 as GB/T 9704 writes it: Arabic numerals, no leading zeros (2026年12月6日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def set_font(run, east: str, size: float | None = None, *, bold: bool = False) -> None:
    """The run's Chinese face (``w:eastAsia``), Latin face and size."""
    run.font.name = LATIN
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True


def new_document(*, landscape: bool = False) -> Document:
    """An empty A4 document with the layout and default fonts of an official document."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(SAN_HAO)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANG)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE)
    fmt.space_before = fmt.space_after = Pt(0)
    _font_alternative(doc, TITLE_FACE, TITLE_FALLBACK)
    _page_numbers(section)
    return doc


def _font_alternative(doc: Document, face: str, alternative: str) -> None:
    """Name ``alternative`` in the font table as what Word uses where ``face`` is missing."""
    part = next(
        (p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml"), None
    )
    if part is None or not hasattr(part, "_blob"):
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    font = etree.SubElement(root, qn("w:font"))
    font.set(qn("w:name"), face)
    alt = etree.SubElement(font, qn("w:altName"))
    alt.set(qn("w:val"), alternative)
    charset = etree.SubElement(font, qn("w:charset"))
    charset.set(qn("w:val"), "86")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(section) -> None:
    """「— 1 —」 centred in the footer, in 宋体 四号 (the usual page number of a document)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), SONG, 14)
    run = p.add_run()
    set_font(run, SONG, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    set_font(p.add_run(" —"), SONG, 14)


def paragraph(
    doc,
    text: str = "",
    *,
    face: str = FANG,
    size: float = SAN_HAO,
    align: str = "justify",
    indent: bool = True,
    bold: bool = False,
    right_chars: float = 0,
    line: float | None = LINE,
):
    """One paragraph; body text is indented by two characters."""
    p = doc.add_paragraph()
    p.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }[align]
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if right_chars:
        fmt.right_indent = Pt(size * right_chars)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if text:
        set_font(p.add_run(text), face, size, bold=bold)
    return p


def title(doc, text: str) -> None:
    """The document's title: 小标宋 二号, centred, with a blank line after it."""
    paragraph(doc, text, face=TITLE_FACE, size=ER_HAO, align="center", indent=False, line=36)
    paragraph(doc, "", indent=False)


def heading(doc, text: str, level: int = 1) -> None:
    """一、 in 黑体, （一） in 楷体, both 三号."""
    paragraph(doc, text, face=HEI if level == 1 else KAI, indent=True)


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(
    doc,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    size: float = XIAO_SI,
    right: Sequence[int] = (),
):
    """A grid table: the header row in 黑体 (repeated on each page), cells in 仿宋."""
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = t.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell_text(cell, text, HEI, size, WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = t.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in right else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cell, text, FANG, size, align)
    # Word reads the cells' widths, LibreOffice and WPS the grid's: set both, fixed.
    t.autofit = False
    for column, w in zip(t.columns, widths_mm, strict=True):
        column.width = Mm(w)
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    return t


def _cell_text(cell, text: str, face: str, size: float, align) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = Pt(0)
    set_font(p.add_run(str(text)), face, size)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    props.append(el)


def signature(doc, org: str, day: date, *, seal_lines: int = 2) -> None:
    """落款 and 成文日期 right-aligned (four characters from the edge); the seal is pressed over
    them, reaching into the blank lines above (GB/T 9704: within a line of the text).

    The block never stands alone on a page: it is kept with the last paragraph of the body
    (and the 附件 line between), so that a page break moves the body's last lines over with it.
    """
    _keep_with_body(doc)
    for _ in range(seal_lines):
        paragraph(doc, "", indent=False).paragraph_format.keep_with_next = True
    signed = paragraph(doc, org, align="right", indent=False, right_chars=4)
    signed.paragraph_format.keep_with_next = True  # the 落款 and its date on one page
    paragraph(doc, cn_date(day), align="right", indent=False, right_chars=4)


def _keep_with_body(doc) -> None:
    """Keep-with-next on the paragraphs at the end of the document, back to and including the
    last one of body text (blank lines and 「附件：…」 lines in between)."""
    for element in reversed(list(doc.element.body.iterchildren())):
        if element.tag != qn("w:p"):
            if element.tag == qn("w:sectPr"):
                continue
            return  # a table ends the body: nothing to keep together with
        para = Paragraph(element, doc.part)
        para.paragraph_format.keep_with_next = True  # python-docx keeps pPr's schema order
        text = para.text.strip()
        if text and not text.startswith("附件"):
            return
