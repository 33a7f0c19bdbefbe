"""The PDF page replayer: what it reads from a content stream, how it places text, and that a page
it cannot draw is refused before anything is drawn."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from desktop_app.ui.reports.pdf_painter import (
    Name,
    PdfPages,
    Str,
    Unsupported,
    to_unicode,
    tokenize,
)


def test_tokens_of_a_content_stream():
    ops = tokenize(
        b"q 1 0 0 1 -2.5 .5 cm\nBT /F1+0 9 Tf (a\\(b\\)\\\\c\\101\\na\\\nb) Tj"
        b" [(A) -250 (B)] TJ <4865 6> Tj T* ET % a comment\nQ"
    )
    assert [op for op, _ in ops] == [
        b"q",
        b"cm",
        b"BT",
        b"Tf",
        b"Tj",
        b"TJ",
        b"Tj",
        b"T*",
        b"ET",
        b"Q",
    ]
    assert ops[1][1] == [1.0, 0.0, 0.0, 1.0, -2.5, 0.5]
    assert ops[3][1] == [Name("F1+0"), 9.0] and isinstance(ops[3][1][0], Name)
    assert ops[4][1] == [Str(b"a(b)\\cA\nab")]  # escapes, octal, a line continued
    assert ops[5][1] == [[Str(b"A"), -250.0, Str(b"B")]]
    assert ops[6][1] == [Str(b"He`")]  # hex, an odd last digit as if followed by 0


@pytest.mark.parametrize("stream", [b"(unbalanced Tj", b"BT [(A) TJ ET", b"<< /A 1 >> BDC"])
def test_a_stream_it_cannot_read_is_refused(stream):
    with pytest.raises(Unsupported):
        tokenize(stream)


def test_to_unicode_reads_chars_and_ranges():
    cmap = (
        b"2 beginbfchar <01> <6210> <02> <D835DC00> endbfchar\n"
        b"1 beginbfrange <20> <22> <0041> endbfrange\n"
        b"1 beginbfrange <30> <31> [<4E00> <4E8C>] endbfrange"
    )
    assert to_unicode(cmap) == {
        1: "成",
        2: "\U0001d400",
        32: "A",
        33: "B",
        34: "C",
        48: "一",
        49: "二",
    }


def _spaced_page(path: Path) -> Path:
    """Text with character and word spacing, horizontal scaling, rise, TJ kerning and stroked
    (mock-bold) text, in the sheets' own font, over a filled and a dashed shape."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from desktop_app.reports.fonts import register_fonts

    font = register_fonts().body
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFillColorRGB(0.8, 0.9, 1)
    canvas.setStrokeColorRGB(0.2, 0.2, 0.6)
    canvas.setLineWidth(2)
    canvas.setDash([6, 3])
    canvas.roundRect(60, 560, 300, 120, 12, stroke=1, fill=1)
    canvas.setDash([])
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(0.6)
    text = canvas.beginText(72, 760)
    text.setFont(font, 16)
    text.textLine("成德同城化 1,234.56万元")
    text.setCharSpace(3)
    text.textLine("字距 加宽 1,234.56")
    text.setCharSpace(0)
    text.setWordSpace(12)
    text.textLine("word spacing 词 间 距")
    text.setWordSpace(0)
    text.setHorizScale(70)
    text.textLine("水平缩放 70% 的文字")
    text.setHorizScale(100)
    text.setRise(5)
    text.textOut("上标")
    text.setRise(0)
    text.textLine(" 基线")
    text.setTextRenderMode(2)  # filled and stroked: how headings are thickened
    text.textLine("描边加粗的标题")
    text.setTextRenderMode(0)
    canvas.drawText(text)
    canvas.saveState()
    canvas.translate(300, 400)
    canvas.rotate(30)
    canvas.setFont(font, 20)
    canvas.drawString(0, 0, "旋转的文字")
    canvas.restoreState()
    # reportlab writes no TJ: one with kerning adjustments, in the face's own encoding.
    face = pdfmetrics.getFont(font)
    [(subset, codes)] = face.splitString("成德AV", canvas._doc)
    name = face.getSubsetInternalName(subset, canvas._doc)
    codes = "".join(f"\\{c:03o}" for c in codes)
    canvas._code.append(f"BT 72 300 Td {name} 16 Tf [({codes}) -500 ({codes}) 250 ({codes})] TJ ET")
    canvas.showPage()
    canvas.save()
    return path


def _render(pages: PdfPages, dpi: int) -> QImage:
    box = pages.page_box(0)
    image = QImage(
        round(box.width() / 72 * dpi), round(box.height() / 72 * dpi), QImage.Format_RGB32
    )
    image.fill(Qt.white)
    painter = QPainter(image)
    pages.paint(painter, 0, QRectF(image.rect()))
    painter.end()
    return image.convertToFormat(QImage.Format_Grayscale8)


def _pdftoppm(path: Path, dpi: int) -> QImage:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(path.with_suffix(""))],
        check=True,
    )
    found = next(path.parent.glob(path.stem + "-*.png"))
    return QImage(str(found)).convertToFormat(QImage.Format_Grayscale8)


def _difference(a: QImage, b: QImage) -> float:
    """How much of ``b``'s ink ``a`` misses or adds: the summed grey difference over the ink
    of ``b`` (0: the same page; 2: the same ink in other places)."""
    width, height = min(a.width(), b.width()), min(a.height(), b.height())
    diff = ink = 0
    for y in range(height):
        row_a = bytes(a.constScanLine(y))[:width]
        row_b = bytes(b.constScanLine(y))[:width]
        diff += sum(abs(p - q) for p, q in zip(row_a, row_b, strict=True))
        ink += sum(255 - q for q in row_b)
    return diff / ink


def test_text_is_placed_as_the_pdf_places_it(tmp_path):
    path = _spaced_page(tmp_path / "间距.pdf")
    replayed = _render(PdfPages(path), 144)
    reference = _pdftoppm(path, 144)
    replayed.save(str(tmp_path / "replayed.png"))
    # What differs is the anti-aliasing of glyph edges (poppler and Qt place glyphs on the pixel
    # grid differently); a glyph out of place by a point shows: the same page moved by 1 pt
    # differs from the reference twice as much as the replay does.
    replay_difference = _difference(replayed, reference)
    assert replay_difference < 0.3
    shifted = QImage(reference)
    painter = QPainter(shifted)
    painter.fillRect(shifted.rect(), Qt.white)
    painter.drawImage(2, 0, reference)
    painter.end()
    assert _difference(shifted, reference) > 1.6 * replay_difference


def test_a_page_with_a_picture_is_refused_before_anything_is_drawn(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    picture = QImage(20, 20, QImage.Format_RGB32)
    picture.fill(Qt.black)
    picture.save(str(tmp_path / "图.png"))
    path = tmp_path / "图片.pdf"
    canvas = Canvas(str(path))
    canvas.rect(10, 10, 200, 200, fill=1)  # would be drawn first
    canvas.drawImage(str(tmp_path / "图.png"), 300, 300, 100, 100)
    canvas.save()
    image = QImage(200, 280, QImage.Format_RGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    with pytest.raises(Unsupported, match="Do"):
        PdfPages(path).paint(painter, 0, QRectF(image.rect()))
    painter.end()
    assert image.convertToFormat(QImage.Format_Grayscale8).isGrayscale()
    assert all(
        image.pixelColor(x, y) == Qt.white for x in range(0, 200, 7) for y in range(0, 280, 7)
    )


def test_a_face_other_than_the_embedded_one_is_refused(tmp_path):
    """Text is drawn with the face the PDF names; should another face be found under that name,
    its advances are not the PDF's widths, and the page goes out as an image instead."""
    from desktop_app.reports.fonts import bundled_pdf_font
    from desktop_app.ui.reports.pdf_painter import load_font, registered_faces

    path = _spaced_page(tmp_path / "间距.pdf")
    pages = PdfPages(path)
    fonts = pages.reader.pages[0]["/Resources"]["/Font"]
    [embedded] = [f.get_object() for f in fonts.values() if "+" in str(f.get_object()["/BaseFont"])]
    name = str(embedded["/BaseFont"]).split("+", 1)[1]
    faces = registered_faces()
    assert load_font(embedded, faces).glyphs  # the face reportlab embedded from
    other = str(bundled_pdf_font()[0])
    assert faces[name][0] != other
    with pytest.raises(Unsupported, match="字宽不符"):
        load_font(embedded, {name: (other, 0)})


def test_text_in_a_font_the_program_does_not_embed_is_refused(tmp_path):
    """Helvetica (not embedded, no file of ours): the page goes out as an image, and every page
    in that font is refused without loading it again."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "Helvetica.pdf"
    canvas = Canvas(str(path))
    for n in range(2):
        canvas.drawString(72, 700, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    pages = PdfPages(path)
    for index in range(2):
        with pytest.raises(Unsupported, match="Helvetica"):
            pages.prepare(index)
