"""Exports of the chart: a PNG of the view or of the whole chart, a multi-page PDF."""

from datetime import date

import pytest
from PySide6.QtGui import QImage

from desktop_app.domain.errors import UserError
from desktop_app.ui.gantt import export
from desktop_app.ui.gantt.painter import HEADER_HEIGHT


def _colors(image: QImage) -> set[str]:
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }


def test_png_of_the_view_has_the_view_size_and_shows_bars(gantt, tmp_path):
    page, ctx, ids = gantt
    chart = page.chart
    chart.set_zoom("月")
    chart.scroll_to_date(date(2026, 6, 1))
    chart.scroll_to_row(ctx.register_model.row_of(ids["a"]))
    path = tmp_path / "甘特图（视图）.png"
    page.export_to(path, "png", whole=False, wait=True)
    assert page.last_export == ("ok", 1)
    image = QImage(str(path))
    vw, vh = chart.viewport().width(), chart.viewport().height()
    assert image.width() == export.LABEL_WIDTH + vw
    rows = -(-vh // chart.row_height)
    assert image.height() in (HEADER_HEIGHT + rows * 24, HEADER_HEIGHT + (rows + 1) * 24)
    colors = _colors(image)
    assert len(colors) > 20  # not blank
    assert "#2e9d47" in colors or "#d93025" in colors or "#f2a900" in colors  # status bars


def test_png_of_the_whole_chart_has_every_row(gantt, tmp_path):
    page, ctx, _ = gantt
    path = tmp_path / "whole.png"
    page.export_to(path, "png", whole=True, wait=True)
    image = QImage(str(path))
    assert image.height() == HEADER_HEIGHT + ctx.register_model.rowCount() * 24
    assert image.width() > export.LABEL_WIDTH + 200
    assert len(_colors(image)) > 20


def test_too_tall_png_is_refused_with_advice(gantt, monkeypatch):
    page, ctx, _ = gantt
    monkeypatch.setattr(export, "MAX_PNG_HEIGHT", 500)
    with pytest.raises(UserError, match="导出为 PDF"):
        export.render_image(export.snapshot(page.chart, whole=True))


def test_pdf_has_several_landscape_pages_with_the_header_on_each(gantt, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    page, ctx, _ = gantt
    path = tmp_path / "甘特图.pdf"
    page.export_to(path, "A4", whole=True, wait=True)
    status, pages = page.last_export
    assert status == "ok" and pages > 1
    reader = pypdf.PdfReader(str(path))
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    for p in reader.pages:
        text = p.extract_text()
        assert "成德同城化重大项目甘特图" in text
        assert "2026" in text and "2027" in text  # the date header is repeated
        assert "第" in text and "页" in text


def test_cancelled_pdf_leaves_no_file(gantt, tmp_path):
    from desktop_app.services.progress import Cancelled

    page, _, _ = gantt
    folder = tmp_path / "导出"
    folder.mkdir()
    path = folder / "取消.pdf"

    def progress(done, total, text):
        if done == 1:
            raise Cancelled()

    with pytest.raises(Cancelled):
        export.save_pdf(export.snapshot(page.chart, whole=True), path, "A4", progress)
    assert not path.exists()
    assert list(folder.iterdir()) == []
    # Cancelled over last week's chart: that file stays as it was.
    path.write_bytes(b"%PDF-1.4 last week")
    with pytest.raises(Cancelled):
        export.save_pdf(export.snapshot(page.chart, whole=True), path, "A4", progress)
    assert path.read_bytes() == b"%PDF-1.4 last week"
    assert list(folder.iterdir()) == [path]


def test_png_that_cannot_be_written_says_why_and_keeps_the_old_file(gantt, tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    page, _ctx, _ids = gantt
    folder = tmp_path / "导出"
    folder.mkdir()
    path = folder / "甘特图.png"
    path.write_bytes(b"last week's chart")

    def disk_full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with pytest.raises(UserError) as caught:
        export.save_png(export.snapshot(page.chart, whole=False), path)
    monkeypatch.undo()
    # The reason, not a bare "could not save"; last week's file as it was, nothing left beside it.
    assert "磁盘空间不足" in caught.value.message and "甘特图.png" in caught.value.message
    assert path.read_bytes() == b"last week's chart"
    assert [p.name for p in folder.iterdir()] == ["甘特图.png"]
