"""The print dialog driven as a user would: choose, preview (worker), save, print without printer."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app.ui.context import AppContext
from desktop_app.ui.reports.print_dialog import (
    PrintDialog,
    page_bands,
    page_pixels,
)


@pytest.fixture
def ctx(store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    return AppContext(store, settings, today=date(2026, 12, 6))


def _preview(qtbot, dialog: PrintDialog) -> None:
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)


def test_preview_shows_the_pages_and_settings_are_remembered(qtbot, ctx):
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    dialog.paper_box.setCurrentText("A3")
    dialog.group_box.setCurrentIndex(dialog.group_box.findData("district"))
    dialog.org_edit.setText("德阳市发展改革委")
    dialog.internal_box.setChecked(True)
    assert not dialog.print_button.isEnabled()
    _preview(qtbot, dialog)
    assert dialog.document.pageCount() >= 1
    assert "已生成" in dialog.status.text()
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    text = PdfReader(str(dialog.files[0])).pages[0].extract_text()
    assert "德阳市发展改革委" in text and "内部资料" in text and "旌阳区（" in text
    dialog.done(0)

    again = PrintDialog(ctx)
    qtbot.addWidget(again)
    assert again.sheet_key() == "overall"
    assert again.paper_box.currentText() == "A3"
    assert again.group_box.currentData() == "district"
    assert again.org_edit.text() == "德阳市发展改革委" and again.internal_box.isChecked()
    again.done(0)


def test_save_pdf(qtbot, ctx, tmp_path, monkeypatch):
    dialog = PrintDialog(ctx, sheet="unit", unit="旌阳区")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    target = tmp_path / "旌阳区进度表"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    saved = dialog.save_pdf()
    assert saved == [target.with_name("旌阳区进度表.pdf")]
    text = PdfReader(str(saved[0])).pages[0].extract_text()
    assert "推进情况表" in text and "旌阳区" in text
    assert not list(tmp_path.glob("*.part.pdf"))  # copied beside, then moved into place
    dialog.done(0)


def test_print_without_printer_offers_save(qtbot, ctx, tmp_path, monkeypatch):
    dialog = PrintDialog(ctx, sheet="indicators")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    asked = []

    def question(parent, title, text, *args):
        asked.append((title, text))
        return QMessageBox.Save

    monkeypatch.setattr(QMessageBox, "question", question)
    target = tmp_path / "指标.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert dialog.print_pages() is False
    assert asked and asked[0][0] == "未找到打印机"
    assert target.exists()
    dialog.done(0)


def test_project_card_preselected_and_unit_required(qtbot, ctx, store):
    from desktop_app.store.projects import list_projects

    project = list_projects(store)[0]
    dialog = PrintDialog(ctx, project_id=project.id)
    qtbot.addWidget(dialog)
    assert dialog.sheet_key() == "project" and dialog.project_box.currentData() == project.id
    _preview(qtbot, dialog)
    assert project.code in PdfReader(str(dialog.files[0])).pages[0].extract_text()
    dialog.done(0)


def test_cancel_leaves_nothing(qtbot, ctx):
    dialog = PrintDialog(ctx, sheet="project")
    qtbot.addWidget(dialog)
    dialog.project_box.setCurrentIndex(0)  # all projects
    dialog.unit_box.setCurrentIndex(0)
    dialog.preview_button.click()
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    # Either the job was stopped (nothing to print) or it had already finished.
    assert ("已取消" in dialog.status.text()) == (not dialog.files)
    dialog.done(0)


def test_printing_paints_every_page(qtbot, ctx, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    printer = QPrinter(QPrinter.ScreenResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)  # a file stands in for the printer
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.paint_pages(printer)
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == dialog.document.pageCount()
    dialog.done(0)


def test_remembered_sheet_wins_over_selected_project(qtbot, ctx, store):
    from desktop_app.store.projects import list_projects

    ctx.settings.setValue("print_dialog/sheet", "indicators")
    project = list_projects(store)[0]
    dialog = PrintDialog(ctx, project_id=project.id)
    qtbot.addWidget(dialog)
    assert dialog.sheet_key() == "indicators"
    assert dialog.project_box.currentData() == project.id  # ready when the card is chosen
    dialog.done(0)


def test_an_earlier_period_can_be_printed_and_the_current_one_comes_back(qtbot, ctx):
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    assert dialog.period_box.currentData() == "2026-11"
    assert dialog.period_box.currentText() == "2026年11月（本期）"
    assert dialog.period_box.count() == 12
    dialog.period_box.setCurrentIndex(dialog.period_box.findData("2026-10"))
    _preview(qtbot, dialog)
    assert "2026-10" in dialog.files[0].name
    text = PdfReader(str(dialog.files[0])).pages[0].extract_text()
    assert "2026年10月" in text and "2026年11月" not in text
    dialog.done(0)

    again = PrintDialog(ctx)
    qtbot.addWidget(again)
    assert again.period_box.currentData() == "2026-11"
    again.done(0)


def test_changing_the_sheet_after_a_preview_asks_for_a_new_one(qtbot, ctx):
    dialog = PrintDialog(ctx, sheet="indicators")
    qtbot.addWidget(dialog)
    _preview(qtbot, dialog)
    assert dialog.save_button.isEnabled()
    dialog.sheet_box.setCurrentIndex(dialog.sheet_box.findData("overall"))
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    assert "选项已更改" in dialog.status.text()
    _preview(qtbot, dialog)
    assert "推进情况表（截至" in PdfReader(str(dialog.files[0])).pages[0].extract_text()
    dialog.done(0)


def test_overall_sheet_defaults_to_a3_landscape_and_columns_are_chosen(qtbot, ctx, monkeypatch):
    from PySide6.QtCore import Qt

    from desktop_app.ui.reports.columns_dialog import ColumnsDialog

    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    assert dialog.paper_box.currentText() == "A3" and dialog.orient_box.currentData() is True
    assert dialog.columns_button.isVisibleTo(dialog)

    def choose(self):  # the user ticks 存在问题 and 项目名称, in that order, and saves
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.Unchecked)
        wanted = ["存在问题", "项目名称"]
        for row, label in enumerate(wanted):
            item = self.list.findItems(label, Qt.MatchExactly)[0]
            self.list.insertItem(row, self.list.takeItem(self.list.row(item)))
            item.setCheckState(Qt.Checked)
        self._save(self.keys())
        return self.result()

    monkeypatch.setattr(ColumnsDialog, "exec", choose)
    assert dialog.choose_columns()
    _preview(qtbot, dialog)
    page = PdfReader(str(dialog.files[0])).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)
    text = page.extract_text().replace("\n", "")
    assert text.index("存在问题") < text.index("项目名称") and "亮灯原因" not in text
    dialog.done(0)
    # The unit sheet keeps its own (default) columns and paper.
    unit = PrintDialog(ctx, sheet="unit", unit="旌阳区")
    qtbot.addWidget(unit)
    assert unit.paper_box.currentText() == "A4"
    _preview(qtbot, unit)
    assert "亮灯原因" in PdfReader(str(unit.files[0])).pages[0].extract_text()
    unit.done(0)


def test_printing_keeps_the_sheets_paper_orientation_and_text(qtbot, ctx, tmp_path):
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrinter

    dialog = PrintDialog(ctx, sheet="overall")  # A3 landscape by default
    qtbot.addWidget(dialog)
    dialog.paper_box.setCurrentText("A4")  # A4 landscape: the case printed at ~71 %
    _preview(qtbot, dialog)
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "打印.pdf"))
    dialog.paint_pages(printer)
    printed = PdfReader(str(tmp_path / "打印.pdf"))
    page = printed.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = page.extract_text()
    assert "推进情况表" in text and "亮灯原因" in text  # vector text, not a picture
    assert len(printed.pages) == dialog.document.pageCount()

    # A real printer gets the sheet's paper and orientation (what it receives on that paper:
    # test_vector_printing).
    real = QPrinter(QPrinter.HighResolution)
    dialog.apply_sheet_layout(real)
    rect = real.pageLayout().fullRectPoints()
    assert (rect.width(), rect.height()) == (842, 595)
    assert real.pageLayout().orientation() == QPageLayout.Landscape
    # A page printed as an image on a grey printer is grey (the coloured lights as shades).
    full = page_pixels(dialog.document, 0, 50)
    assert not all(band.isGrayscale() for _, band in page_bands(dialog.document, 0, full))
    assert all(band.isGrayscale() for _, band in page_bands(dialog.document, 0, full, gray=True))
    dialog.done(0)


def test_word_documents_from_the_dialog(qtbot, ctx, store, make_project, tmp_path, monkeypatch):
    from docx import Document

    # Two late projects of two units (the plan's own projects have no dates yet: none is late).
    for code, lead in (("W-1", "市水利局"), ("W-2", "旌阳区")):
        make_project(
            code,
            f"逾期项目{code}",
            lead=lead,
            stage="在建",
            planned_start=date(2025, 1, 1),
            planned_end=date(2026, 6, 30),
        )
    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    target = tmp_path / "通报.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.act_word_bulletin.trigger()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.word_files == [target]
    assert Document(str(target)).paragraphs[0].text.endswith("推进情况通报")
    folder = tmp_path / "督办"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData("__all__"))
    dialog.act_word_notice.trigger()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert len(dialog.word_files) == 2 and all(p.parent == folder for p in dialog.word_files)
    assert "已生成" in dialog.status.text()
    dialog.done(0)


def test_preview_zooms_in_out_and_back_to_fit(qtbot, ctx, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtPdfWidgets import QPdfView

    dialog = PrintDialog(ctx, sheet="overall")
    qtbot.addWidget(dialog)
    dialog.resize(1180, 760)
    dialog.show()
    qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    fit = dialog.zoom_factor()
    assert dialog.zoom_label.text() == "适合宽度" and 0.2 < fit < 3
    qtbot.mouseClick(dialog.zoom_in_button, Qt.LeftButton)
    qtbot.mouseClick(dialog.zoom_in_button, Qt.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fit * 1.25 * 1.25)
    assert dialog.zoom_label.text() == f"{fit * 1.5625:.0%}"
    wide = dialog.view.horizontalScrollBar().maximum()
    assert wide > 0  # larger than the window: it scrolls sideways now
    qtbot.mouseClick(dialog.zoom_out_button, Qt.LeftButton)
    assert dialog.view.zoomFactor() == pytest.approx(fit * 1.25)
    for _ in range(20):  # never smaller than a quarter
        qtbot.mouseClick(dialog.zoom_out_button, Qt.LeftButton)
    assert dialog.view.zoomFactor() == pytest.approx(0.25)
    qtbot.mouseClick(dialog.fit_page_button, Qt.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert dialog.zoom_factor() <= fit and dialog.zoom_label.text() == "整页"
    qtbot.mouseClick(dialog.fit_width_button, Qt.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.zoom_factor() == pytest.approx(fit)
    dialog.grab().save(str(tmp_path / "print_zoom.png"))
    dialog.done(0)
