"""打印… to a real printer: the sheet's pages as vectors (text as text, lines as paths) on the
sheet's paper and orientation.

A printer is not available offscreen, so the dialog's 打印 button is pressed with Qt's own PDF
printer standing in for it, and the shortcut that copies the sheet's PDF into a PDF file is turned
off: the file receives exactly what the painting code sends a printer. It is then read back as a
user would see it on paper: pages, paper, text line by line (pdftotext), no pictures (pdfimages)
and the look of each page against the sheet's own (pdftoppm).
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog

from desktop_app.domain.model import ProgressReport
from desktop_app.store.progress import record_report
from desktop_app.ui.context import AppContext
from desktop_app.ui.reports.print_dialog import MAX_PRINT_DPI, PrintDialog

TEXT = (
    "本月完成投资1,234.56万元，年度计划完成率78.9%，累计征地1,320亩；K12+350至K15+600段路基"
    "完成，计划2026-11-29前完成桥梁主体。"
)


@pytest.fixture
def ctx(store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    return AppContext(store, settings, today=date(2026, 12, 6))


@pytest.fixture
def wordy_project(store, make_project):
    pid = make_project(
        "ZZ-200",
        "成德快速通道K12+350段改造工程",
        lead="市交通运输局",
        stage="在建",
        planned_start=date(2025, 1, 1),
        planned_end=date(2026, 6, 30),
        percent_complete=40,
    )
    record_report(
        store,
        ProgressReport(pid, "2026-11", percent_complete=40, progress_text=TEXT, problems=TEXT),
    )
    return pid


@pytest.fixture
def printer_at(monkeypatch):
    """A printer is installed, and the print dialog's 打印 sends to the PDF file ``target``."""
    chosen: dict[str, object] = {}

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(chosen["target"]))
        if chosen.get("gray"):
            printer.setColorMode(QPrinter.GrayScale)
        if chosen.get("pages"):  # 页码范围
            printer.setPrintRange(QPrinter.PageRange)
            printer.setFromTo(*chosen["pages"])
        chosen["printer"] = printer
        return QDialog.Accepted

    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(QPrintDialog, "exec", accept)

    def choose(target: Path, *, gray: bool = False, pages: tuple[int, int] | None = None) -> dict:
        chosen.update(target=target, gray=gray, pages=pages)
        return chosen

    return choose


def _preview(qtbot, dialog: PrintDialog) -> None:
    qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.files, dialog.status.text()


def _print(qtbot, dialog: PrintDialog, printer_at, target: Path, **choices) -> Path:
    printer_at(target, **choices)
    dialog.copy_pdf_output = False  # the file gets what a printer gets
    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    assert target.exists(), dialog.status.text()
    return target


def _text_pages(path: Path) -> list[list[str]]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [
        [re.sub(r"\s+", " ", line).strip() for line in p.splitlines() if line.strip()]
        for p in pages
    ]


def _images(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()[2:]


def _gray_pixels(path: Path, folder: Path) -> list[tuple[int, int, bytes]]:
    """Each page rendered at 50 dpi in grey, as (width, height, pixels)."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(path), str(folder / "p")], check=True)
    pages = []
    for pgm in sorted(folder.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
        data = pgm.read_bytes()
        magic, width, height, depth, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and depth == b"255"
        pages.append((int(width), int(height), pixels))
    return pages


def _mean_difference(a: tuple[int, int, bytes], b: tuple[int, int, bytes]) -> float:
    """Mean absolute difference of two grey pages (0 to 255), over their common area."""
    width, height = min(a[0], b[0]), min(a[1], b[1])
    total = 0
    for row in range(height):
        x = a[2][row * a[0] : row * a[0] + width]
        y = b[2][row * b[0] : row * b[0] + width]
        total += sum(abs(p - q) for p, q in zip(x, y, strict=True))
    return total / (width * height)


def _same_as_the_sheet(source: Path, printed: Path, tmp_path: Path) -> None:
    src, out = PdfReader(str(source)), PdfReader(str(printed))
    assert len(out.pages) == len(src.pages)
    for a, b in zip(src.pages, out.pages, strict=True):
        # The sheet's paper and orientation (Qt writes whole points).
        assert abs(float(a.mediabox.width) - float(b.mediabox.width)) < 1
        assert abs(float(a.mediabox.height) - float(b.mediabox.height)) < 1
    assert _text_pages(printed) == _text_pages(source)
    assert _images(printed) == []  # vectors only
    for i, (a, b) in enumerate(
        zip(
            _gray_pixels(source, tmp_path / "sheet"),
            _gray_pixels(printed, tmp_path / "printed"),
            strict=True,
        )
    ):
        assert (a[0], a[1]) == pytest.approx((b[0], b[1]), abs=1)
        assert _mean_difference(a, b) < 6, f"page {i + 1} looks different"


@pytest.mark.parametrize(
    ("sheet", "scope", "paper"),
    [
        ("overall", {}, (1191, 842)),  # A3 landscape
        ("unit", {"unit": "市交通运输局"}, (842, 595)),  # A4 landscape
        ("project", {"project_id": "wordy"}, (595, 842)),  # A4 portrait
        ("notice", {"unit": "市交通运输局"}, (595, 842)),
    ],
)
def test_a_printer_gets_the_sheet_as_vectors_on_its_paper(
    qtbot, ctx, wordy_project, printer_at, tmp_path, sheet, scope, paper
):
    if scope.get("project_id"):
        scope = {"project_id": wordy_project}
    dialog = PrintDialog(ctx, sheet=sheet, **scope)
    qtbot.addWidget(dialog)
    dialog.show()
    _preview(qtbot, dialog)
    printed = _print(qtbot, dialog, printer_at, tmp_path / "打印.pdf")
    first = PdfReader(str(printed)).pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == paper
    _same_as_the_sheet(dialog.files[0], printed, tmp_path)
    pages = _text_pages(printed)
    assert "已发送到打印机" in dialog.status.text() and "图像" not in dialog.status.text()
    count = dialog.document.pageCount()
    assert f"共 {count} 页" in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum() == count
    lines = [line.replace(" ", "") for page in pages for line in page]
    if sheet != "notice":  # the notice names the project, not its report
        assert any("1,234.56万元" in line for line in lines), lines
    joined = "".join(lines)
    for token in ("1,234.56万元", "78.9%", "2026-11-29"):
        # Wherever the figure is printed, it is printed whole on one line.
        assert sum(line.count(token) for line in lines) == joined.count(token), token
    dialog.done(0)


def test_a_grey_printer_gets_grey_pages_and_a_colour_one_colours(
    qtbot, ctx, wordy_project, printer_at, tmp_path
):
    dialog = PrintDialog(ctx, sheet="unit", unit="市交通运输局")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)

    def first_page(pdf: Path) -> QImage:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(pdf.with_suffix("")),
            ],
            check=True,
        )
        return QImage(str(next(tmp_path.glob(pdf.stem + "-*.png"))))

    colour = first_page(_print(qtbot, dialog, printer_at, tmp_path / "彩色.pdf"))
    grey = first_page(_print(qtbot, dialog, printer_at, tmp_path / "灰度.pdf", gray=True))
    assert not colour.convertToFormat(QImage.Format_RGB32).isGrayscale()  # the coloured lights
    assert grey.convertToFormat(QImage.Format_RGB32).isGrayscale()
    assert _text_pages(tmp_path / "灰度.pdf") == _text_pages(dialog.files[0])
    dialog.done(0)


def _pdf_with_a_picture(path: Path, tmp_path: Path) -> Path:
    """Two pages: a picture with text, then text only (our sheets never hold pictures)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from desktop_app.reports.fonts import register_fonts

    picture = QImage(40, 30, QImage.Format_RGB32)
    picture.fill(Qt.darkGreen)
    picture.save(str(tmp_path / "图.png"))
    font = register_fonts().body
    canvas = Canvas(str(path), pagesize=landscape(A4))
    canvas.setFont(font, 20)
    canvas.drawString(72, 500, "第一页有图片")
    canvas.drawImage(str(tmp_path / "图.png"), 72, 300, 200, 150)
    canvas.showPage()
    canvas.setFont(font, 20)
    canvas.drawString(72, 500, "第二页只有文字1,234.56万元")
    canvas.showPage()
    canvas.save()
    return path


def test_a_page_the_replayer_cannot_draw_is_printed_as_an_image(
    qtbot, ctx, printer_at, tmp_path, caplog
):
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    # The previewed file replaced by one holding a picture, as if a sheet had one.
    dialog.files = [_pdf_with_a_picture(tmp_path / "图片.pdf", tmp_path)]
    dialog.document.load(str(dialog.files[0]))
    printed = _print(qtbot, dialog, printer_at, tmp_path / "打印.pdf")
    assert "其中 1 页按图像打印" in dialog.status.text()
    assert "第 1 页无法按矢量打印" in caplog.text
    reader = PdfReader(str(printed))
    assert len(reader.pages) == 2
    # Page 1 as an image at the printer's resolution (up to 600 dpi), in bands of rows that
    # together cover the page; page 2 as text.
    dpi = min(printer_at(tmp_path / "打印.pdf")["printer"].resolution(), MAX_PRINT_DPI)
    assert dpi >= 300
    sizes = [(img.image.width, img.image.height) for img in reader.pages[0].images]
    assert len(sizes) >= 2 and {w for w, _ in sizes} == {round(841.89 / 72 * dpi)}
    assert sum(h for _, h in sizes) == round(595.28 / 72 * dpi)
    assert not reader.pages[1].images
    assert _text_pages(printed)[1] == ["第二页只有文字1,234.56万元"]
    dialog.done(0)


def test_only_the_pages_chosen_in_the_print_dialog_are_printed(qtbot, ctx, printer_at, tmp_path):
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    assert dialog.document.pageCount() >= 3
    sheet = _text_pages(dialog.files[0])
    # To a PDF file too: the sheet's own file is not copied when only some pages are wanted.
    dialog.copy_pdf_output = True
    printer_at(tmp_path / "第2-3页.pdf", pages=(2, 3))
    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    assert _text_pages(tmp_path / "第2-3页.pdf") == sheet[1:3]
    assert _images(tmp_path / "第2-3页.pdf") == []
    assert "共 2 页（第 2—3 页）" in dialog.status.text()
    dialog.done(0)
