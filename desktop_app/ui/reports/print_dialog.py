"""打印进度表: choose the sheet and its scope, preview the pages, print them or save the PDF.

The PDF is rendered by the same service the CLI uses (``services.reports.render_sheet``), in a
worker with its own database connection; the dialog shows a progress bar with 取消, then the pages
in a QPdfView. Printing draws the previewed pages onto the chosen printer as vectors (the PDF's
own text and lines, see ``pdf_painter``) on the sheet's paper; without a printer the dialog says so
and offers 保存 PDF. The last choices are kept in QSettings.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QMarginsF, QPointF, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import UserError
from ...domain.file_names import safe_file_name
from ...reports.page import DEFAULT_ORG
from ...saving import save_file
from ...services.progress import Cancelled
from ...services.reports import (
    COLUMN_SHEETS,
    DEFAULT_PAPER,
    SHEETS,
    ReportOptions,
    render_sheet,
)
from ...store.projects import list_projects
from ...store.units import list_units
from ..context import AppContext
from ..worker import Job, start_job
from .pdf_painter import PdfPages, Unsupported

log = logging.getLogger(__name__)

ALL_UNITS = "__all__"
GROUPINGS = (("column", "专栏"), ("district", "区县"), ("lead", "牵头单位"))
SETTINGS = "print_dialog/"
ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0
# Sheets whose scope is a unit (required for 分单位进度表, optional for the others).
UNIT_SHEETS = ("unit", "project", "notice", "tasks")


# A page the vector replayer cannot draw (see pdf_painter) is sent as an image (Qt's PDF module
# renders pages only as images) at the printer's own resolution, up to this: 600 dpi is what
# office laser printers print text at.
MAX_PRINT_DPI = 600
# Rows of pixels rendered at a time: an A3 page at 600 dpi is 7,016 × 9,921 pixels (278 MB as
# one image); in bands of 1,024 rows it never takes more than 29 MB.
BAND_ROWS = 1024


def page_pixels(document: QPdfDocument, index: int, dpi: int) -> QSize:
    """The size in pixels of page ``index`` at ``dpi``."""
    points = document.pagePointSize(index)
    return QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))


def page_bands(document: QPdfDocument, index: int, full: QSize, *, gray: bool = False):
    """Page ``index`` rendered at the size ``full`` as ``(top row, image)`` bands."""
    flags = QPdfDocumentRenderOptions.RenderFlag.Grayscale if gray else None
    for top in range(0, full.height(), BAND_ROWS):
        rows = min(BAND_ROWS, full.height() - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(QRect(0, top, full.width(), rows))
        if flags is not None:
            options.setRenderFlags(flags)
        yield top, document.render(index, QSize(full.width(), rows), options)


class PrintDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        sheet: str | None = None,
        unit: str | None = None,
        project_id: str | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("打印进度表")
        self.resize(1180, 760)
        self._job: Job | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="进度表_"))
        self.files: list[Path] = []
        self.word_files: list[Path] = []
        # 打印 to a PDF file copies the sheet's own PDF rather than drawing it.
        self.copy_pdf_output = True
        self._build()
        self._load_choices()
        self._restore_settings()
        if sheet in SHEETS:
            self.sheet_box.setCurrentIndex(self.sheet_box.findData(sheet))
        if unit:
            i = self.unit_box.findData(unit)
            if i >= 0:
                self.unit_box.setCurrentIndex(i)
        if project_id:
            i = self.project_box.findData(project_id)
            if i >= 0:
                self.project_box.setCurrentIndex(i)
            # The selected project's card is the natural first choice, unless the user printed
            # something else last time (Ctrl+P from the register should not lose that choice).
            if sheet is None and self.ctx.settings.value(SETTINGS + "sheet") is None:
                self.sheet_box.setCurrentIndex(self.sheet_box.findData("project"))
        self._sheet_changed()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.sheet_box = QComboBox()
        for key, title in SHEETS.items():
            self.sheet_box.addItem(title, key)
        self.unit_box = QComboBox()
        self.project_box = QComboBox()
        self.project_box.setEditable(True)
        self.project_box.setInsertPolicy(QComboBox.NoInsert)
        self.period_box = QComboBox()
        self.group_box = QComboBox()
        for key, title in GROUPINGS:
            self.group_box.addItem(title, key)
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        self.orient_box = QComboBox()
        self.orient_box.addItem("横向", True)
        self.orient_box.addItem("纵向", False)
        self.org_edit = QLineEdit()
        self.org_edit.setPlaceholderText(DEFAULT_ORG)
        self.internal_box = QCheckBox("标注「内部资料」")
        self.reply_days = QSpinBox()
        self.reply_days.setRange(1, 90)
        self.reply_days.setValue(10)
        self.reply_days.setSuffix(" 天")
        self.columns_button = QPushButton("选择列…")
        self.columns_button.setToolTip("选择进度表打印哪些列及其顺序（按报表分别保存）")
        self.columns_button.clicked.connect(self.choose_columns)

        form = QFormLayout()
        form.addRow("报表", self.sheet_box)
        form.addRow("周期", self.period_box)
        form.addRow("单位", self.unit_box)
        form.addRow("项目", self.project_box)
        form.addRow("分组", self.group_box)
        form.addRow("纸张", self.paper_box)
        form.addRow("方向", self.orient_box)
        form.addRow("列", self.columns_button)
        form.addRow("编制单位", self.org_edit)
        form.addRow("反馈期限", self.reply_days)
        form.addRow("", self.internal_box)
        self._form = form

        self.preview_button = QPushButton("生成预览")
        self.preview_button.setDefault(True)
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("保存 PDF…")
        # The office's editable documents: the notice per unit, the monthly bulletin.
        self.word_button = QPushButton("Word 文档…")
        self.word_button.setToolTip("生成可编辑、编号、盖章的 Word 文档")
        word_menu = QMenu(self.word_button)
        self.act_word_notice = word_menu.addAction("督办通知（每个单位一份）…")
        self.act_word_bulletin = word_menu.addAction("月度推进情况通报…")
        self.act_word_notice.triggered.connect(lambda: self.export_word("notice"))
        self.act_word_bulletin.triggered.connect(lambda: self.export_word("bulletin"))
        word_menu.addSeparator()
        self.act_word_evaluation = word_menu.addAction("规划实施评估报告…")
        self.act_word_evaluation.triggered.connect(lambda: self.evaluation())
        self.word_button.setMenu(word_menu)
        self.cancel_button = QPushButton("取消")
        self.close_button = QPushButton("关闭")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel("选择报表后点「生成预览」。")
        self.status.setWordWrap(True)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.preview_button)
        left.addWidget(self.progress)
        left.addWidget(self.cancel_button)
        left.addWidget(self.status)
        left.addStretch(1)
        left.addWidget(self.print_button)
        left.addWidget(self.save_button)
        left.addWidget(self.word_button)
        left.addWidget(self.close_button)
        panel = QWidget()
        panel.setLayout(left)
        panel.setFixedWidth(300)

        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.page_label = QLabel("")
        # Zoom as in a PDF reader: smaller / larger by steps, the page's width, the whole page.
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_out_button.setShortcut(QKeySequence.ZoomOut)
        self.zoom_out_button.setToolTip("缩小预览（Ctrl+-）")
        self.zoom_in_button = QPushButton("放大")
        self.zoom_in_button.setShortcut(QKeySequence.ZoomIn)
        self.zoom_in_button.setToolTip("放大预览（Ctrl++）")
        self.fit_width_button = QPushButton("适合宽度")
        self.fit_page_button = QPushButton("整页")
        self.zoom_label = QLabel("适合宽度")
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.fit_width_button.clicked.connect(lambda: self.set_fit(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button.clicked.connect(lambda: self.set_fit(QPdfView.ZoomMode.FitInView))
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.page_label, 1)
        for widget in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
            self.zoom_label,
        ):
            zoom_row.addWidget(widget)
        right = QVBoxLayout()
        right.addWidget(self.view, 1)
        right.addLayout(zoom_row)

        root = QHBoxLayout(self)
        root.addWidget(panel)
        root.addLayout(right, 1)

        self.sheet_box.currentIndexChanged.connect(self._sheet_changed)
        self.preview_button.clicked.connect(self.render_preview)
        self.print_button.clicked.connect(self.print_pages)
        self.save_button.clicked.connect(self.save_pdf)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        # Any change of the options makes the preview out of date: it can no longer be printed
        # or saved as if it were what was asked for.
        for box in (
            self.sheet_box,
            self.unit_box,
            self.project_box,
            self.period_box,
            self.group_box,
            self.paper_box,
            self.orient_box,
        ):
            box.currentIndexChanged.connect(self._options_changed)
        self.org_edit.textChanged.connect(self._options_changed)
        self.internal_box.toggled.connect(self._options_changed)
        self.reply_days.valueChanged.connect(self._options_changed)
        self._set_busy(False)

    # -- zoom ------------------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        """The scale the preview is shown at now (also when it fits the width or the page)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.document.pageCount() == 0:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(0)
        dpi = self.view.logicalDpiX() / 72
        viewport = self.view.viewport().size()
        width = (viewport.width() - 2 * self.view.documentMargins().left()) / (page.width() * dpi)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return width
        height = (viewport.height() - 2 * self.view.documentMargins().top()) / (page.height() * dpi)
        return min(width, height)

    def zoom_by(self, step: float) -> None:
        factor = min(max(self.zoom_factor() * step, ZOOM_MIN), ZOOM_MAX)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self.zoom_label.setText(f"{factor:.0%}")

    def set_fit(self, mode) -> None:
        self.view.setZoomMode(mode)
        self.zoom_label.setText("适合宽度" if mode == QPdfView.ZoomMode.FitToWidth else "整页")

    def _options_changed(self) -> None:
        if self.files and not self.busy:
            self.files = []
            self.status.setText("选项已更改，请点「生成预览」重新生成后再打印或保存。")
            self._set_busy(False)

    def _load_choices(self) -> None:
        store = self.ctx.store
        # The current reporting period first (the default every time the dialog opens: last
        # month's choice would be wrong next month), then the eleven before it.
        current = self.ctx.current_period()
        step = 3 if self.ctx.period_kind() == "quarter" else 1
        for i in range(12):
            period = current.shift(-step * i)
            self.period_box.addItem(period.label + ("（本期）" if i == 0 else ""), period.key)
        self.unit_box.addItem("（全部单位）", ALL_UNITS)
        for u in list_units(store, include_inactive=False):
            self.unit_box.addItem(u.name, u.name)
        self.project_box.addItem("（全部项目）", None)
        for p in list_projects(store):
            self.project_box.addItem(f"{p.code}  {p.name}", p.id)

    def _sheet_changed(self) -> None:
        sheet = self.sheet_key()
        self._form.setRowVisible(self.unit_box, sheet in UNIT_SHEETS)
        self._form.setRowVisible(self.project_box, sheet == "project")
        self._form.setRowVisible(self.group_box, sheet in ("overall", "unit"))
        self._form.setRowVisible(self.reply_days, sheet == "notice")
        self._form.setRowVisible(self.columns_button, sheet in COLUMN_SHEETS)
        self._paper_for(sheet)

    def _paper_for(self, sheet: str) -> None:
        """The paper last used for ``sheet``, else its default (the overall sheet: A3 landscape)."""
        s = self.ctx.settings
        paper, landscape = DEFAULT_PAPER.get(sheet, ("A4", True))
        paper = str(s.value(f"{SETTINGS}paper/{sheet}", paper))
        saved = s.value(f"{SETTINGS}landscape/{sheet}")
        if saved is not None:
            landscape = str(saved).lower() in ("true", "1")
        i = self.paper_box.findText(paper)
        self.paper_box.setCurrentIndex(max(i, 0))
        self.orient_box.setCurrentIndex(0 if landscape else 1)

    def choose_columns(self) -> bool:
        """选择列…: the columns of the chosen 进度表, saved for that sheet."""
        from .columns_dialog import ColumnsDialog

        dialog = ColumnsDialog(self.ctx, self.sheet_key(), self)
        if dialog.exec() != QDialog.Accepted:
            return False
        self._options_changed()
        return True

    # -- choices ---------------------------------------------------------------------------------

    def sheet_key(self) -> str:
        return self.sheet_box.currentData()

    def options(self) -> ReportOptions:
        return ReportOptions(
            paper=self.paper_box.currentText(),
            landscape=bool(self.orient_box.currentData()),
            org=self.org_edit.text().strip() or DEFAULT_ORG,
            internal=self.internal_box.isChecked(),
            grouping=self.group_box.currentData(),
            today=self.ctx.today(),
            period=self.period_box.currentData(),
            reply_days=self.reply_days.value(),
        )

    def _scope(self) -> tuple[str | None, str | None]:
        sheet = self.sheet_key()
        unit = self.unit_box.currentData() if sheet in UNIT_SHEETS else None
        project = self.project_box.currentData() if sheet == "project" else None
        if project:
            return None, project
        if unit == ALL_UNITS:
            # 分单位进度表 / 督办通知单 for all units: one file per unit; cards: every project.
            return ("all" if sheet in ("unit", "notice") else None), None
        return unit, None

    def _restore_settings(self) -> None:
        s = self.ctx.settings

        def pick(box: QComboBox, key: str, by_data: bool = True) -> None:
            value = s.value(SETTINGS + key)
            if value is None:
                return
            i = box.findData(value) if by_data else box.findText(str(value))
            if i >= 0:
                box.setCurrentIndex(i)

        pick(self.sheet_box, "sheet")
        pick(self.group_box, "grouping")
        self.org_edit.setText(str(s.value(SETTINGS + "org", "") or ""))
        self.internal_box.setChecked(
            str(s.value(SETTINGS + "internal", "false")).lower() in ("true", "1")
        )
        pick(self.unit_box, "unit")

    def _save_settings(self) -> None:
        s = self.ctx.settings
        s.setValue(SETTINGS + "sheet", self.sheet_key())
        s.setValue(SETTINGS + "grouping", self.group_box.currentData())
        s.setValue(f"{SETTINGS}paper/{self.sheet_key()}", self.paper_box.currentText())
        s.setValue(f"{SETTINGS}landscape/{self.sheet_key()}", bool(self.orient_box.currentData()))
        s.setValue(SETTINGS + "org", self.org_edit.text().strip())
        s.setValue(SETTINGS + "internal", self.internal_box.isChecked())
        s.setValue(SETTINGS + "unit", self.unit_box.currentData())
        s.sync()

    # -- rendering -------------------------------------------------------------------------------

    def render_preview(self) -> None:
        if self._job is not None:
            return
        sheet = self.sheet_key()
        unit, project = self._scope()
        if sheet == "unit" and not unit:
            self.status.setText("分单位进度表需要选择单位。")
            return
        self._save_settings()
        options = self.options()
        self.document.close()
        out_dir = Path(tempfile.mkdtemp(dir=self._tmp))
        name = f"{SHEETS[sheet]}_{options.period}"
        if unit and unit != "all":
            name = f"{safe_file_name(unit)}_{name}"
        out = out_dir / "全部单位" if unit == "all" else out_dir / f"{name}.pdf"

        def job(store, progress):
            return render_sheet(
                store, sheet, out, options, unit=unit, project=project, progress=progress
            )

        self._set_busy(True)
        self.status.setText(f"正在生成{SHEETS[sheet]}…")
        self._job = start_job(
            Path(self.ctx.store.path),
            job,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            user=self.ctx.store.user,
        )

    def evaluation(self) -> None:
        """The plan evaluation (its own dialog: plan, date, where to save)."""
        from .evaluation_dialog import EvaluationDialog

        EvaluationDialog(self.ctx, self).exec()

    def export_word(self, kind: str) -> bool:
        """督办通知 (one file per unit, or the chosen unit's) or the 月度推进情况通报, as .docx
        where the user says; written by a worker like the preview."""
        if self._job is not None:
            return False
        options = self.options()
        unit = self.unit_box.currentData()
        one_unit = kind == "notice" and unit not in (None, ALL_UNITS)
        if kind == "bulletin" or one_unit:
            what = "月度推进情况通报" if kind == "bulletin" else f"{safe_file_name(unit)}_督办通知"
            name, _ = QFileDialog.getSaveFileName(
                self, "保存 Word 文档", f"{what}_{options.period}.docx", "Word 文档 (*.docx)"
            )
            if not name:
                return False
            target = Path(name)
        else:
            folder = QFileDialog.getExistingDirectory(self, "选择保存督办通知的文件夹")
            if not folder:
                return False
            target = Path(folder)

        def job(store, progress):
            from ...services.documents import write_bulletin_doc, write_notice_docs

            if kind == "bulletin":
                return [write_bulletin_doc(store, target, options, progress=progress)]
            return write_notice_docs(
                store, target, options, unit=unit if one_unit else None, progress=progress
            )

        self._set_busy(True)
        self.status.setText("正在起草 Word 文档…")
        self._job = start_job(
            Path(self.ctx.store.path),
            job,
            on_done=self._word_done,
            on_error=self._failed,
            on_progress=self._progress,
            user=self.ctx.store.user,
        )
        return True

    def _word_done(self, paths: object) -> None:
        self._job = None
        self._set_busy(False)
        self.word_files = [Path(p) for p in paths]  # type: ignore[union-attr]
        if not self.word_files:
            self.status.setText("没有需要督办的单位（没有亮红灯或黄灯的项目）。")
            return
        where = self.word_files[0] if len(self.word_files) == 1 else self.word_files[0].parent
        self.status.setText(f"已生成 {len(self.word_files)} 个 Word 文档：{where}")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if text:
            self.status.setText(text)

    def _done(self, paths: object) -> None:
        self._job = None
        self._set_busy(False)
        self.files = [Path(p) for p in paths]  # type: ignore[union-attr]
        if not self.files:
            self.status.setText("没有需要生成的内容（没有单位符合条件）。")
            return
        self.document.load(str(self.files[0]))
        pages = self.document.pageCount()
        more = f"；共 {len(self.files)} 个文件，预览第一个" if len(self.files) > 1 else ""
        self.status.setText(f"已生成 {pages} 页{more}。可以打印或保存 PDF。")
        self.page_label.setText(f"{self.files[0].name}  共 {pages} 页")
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self._set_busy(False)

    def _failed(self, exc: BaseException, trace: str) -> None:
        self._job = None
        self._set_busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.status.setText("已取消，没有生成文件。")
        elif isinstance(exc, UserError):
            self.status.setText(exc.message)
            QMessageBox.warning(self, "无法生成进度表", exc.message)
        else:
            log.error("生成进度表出错：\n%s", trace)
            self.status.setText("生成进度表时出现内部错误，已记录到日志。")
            QMessageBox.critical(
                self, "程序错误", "生成进度表时出现内部错误，已记录到日志文件。您的数据未受影响。"
            )

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("正在取消…")

    def _set_busy(self, busy: bool) -> None:
        ready = not busy and bool(self.files)
        self.preview_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.word_button.setEnabled(not busy)
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.progress.setVisible(busy or bool(self.files))

    @property
    def busy(self) -> bool:
        return self._job is not None

    # -- output ----------------------------------------------------------------------------------

    def save_pdf(self) -> list[Path]:
        """Copy the rendered file (or, for 全部单位, every file into a folder) where the user says."""
        if not self.files:
            return []
        if len(self.files) > 1:
            folder = QFileDialog.getExistingDirectory(self, "选择保存的文件夹")
            if not folder:
                return []
            targets = [Path(folder) / f.name for f in self.files]
        else:
            start = str(Path.home() / self.files[0].name)
            name, _ = QFileDialog.getSaveFileName(self, "保存 PDF", start, "PDF 文件 (*.pdf)")
            if not name:
                return []
            target = Path(name)
            if target.suffix.lower() != ".pdf":
                target = target.with_name(target.name + ".pdf")
            targets = [target]
        try:
            for src, dst in zip(self.files, targets, strict=True):
                # Whole or not at all: a PDF of the same name there stays if the copy fails.
                save_file(dst, lambda part, src=src: shutil.copyfile(src, part), kind="PDF")
        except UserError as exc:
            QMessageBox.warning(self, "无法保存", exc.message)
            return []
        self.status.setText(
            f"已保存到 {targets[0].parent}。" if len(targets) > 1 else f"已保存到 {targets[0]}。"
        )
        return targets

    def print_pages(self) -> bool:
        """Print the previewed pages on a printer the user picks; offer 保存 PDF when there is none."""
        if not self.files:
            return False
        if not QPrinterInfo.availablePrinters():
            answer = QMessageBox.question(
                self,
                "未找到打印机",
                "这台电脑上没有可用的打印机。\n可以先「保存 PDF」，再拷到连接打印机的电脑上打印。\n\n现在保存 PDF 吗？",
                QMessageBox.Save | QMessageBox.Cancel,
                QMessageBox.Save,
            )
            if answer == QMessageBox.Save:
                self.save_pdf()
            return False
        printer = QPrinter(QPrinter.HighResolution)
        printer.setDocName(self.files[0].stem)
        if self.document.pageCount():
            self.apply_sheet_layout(printer)  # the dialog shows the sheet's paper
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(self.document.pageCount(), 1))  # 页码范围 offered in the dialog
        if dialog.exec() != QDialog.Accepted:
            return False
        as_images = self.paint_pages(printer)
        if as_images is None:
            self.status.setText("打印机无法开始打印，没有打印。")
            return False
        first, last = self.page_range(printer)
        pages = last - first + 1
        self.status.setText(
            f"已发送到打印机，共 {pages} 页"
            + (f"（第 {first}—{last} 页）" if pages < self.document.pageCount() else "")
            + (f"（其中 {as_images} 页按图像打印）。" if as_images else "。")
        )
        return True

    def page_range(self, printer: QPrinter) -> tuple[int, int]:
        """The pages (1-based, inclusive) chosen in the print dialog: all, or its 页码范围."""
        count = self.document.pageCount()
        if printer.printRange() == QPrinter.PageRange and printer.fromPage() > 0:
            first = min(max(printer.fromPage(), 1), count)
            return first, min(max(printer.toPage() or count, first), count)
        return 1, count

    def paint_pages(self, printer: QPrinter, *, copy_pdf: bool | None = None) -> int | None:
        """Print the previewed pages on ``printer`` with the sheet's own paper and orientation;
        return how many pages had to be sent as images (``None``: the printer would not start).

        Only the pages of the 页码范围 chosen in the print dialog are printed. Printing all of
        them to a PDF file writes the sheet's PDF itself (unless ``copy_pdf``, by default
        ``self.copy_pdf_output``, is false: then the file gets what a printer gets). A
        real printer gets every page as vectors: the page's PDF operators are replayed on the
        printer's QPainter (``pdf_painter``), text as glyphs of the embedded fonts placed where the
        PDF places them, lines and fills as paths, in grey when the printer is set to grey. A page
        the replayer cannot draw (it uses something our sheets never write, such as an image) is
        drawn full-page as an image at the printer's resolution (up to 600 dpi), in bands of rows,
        and logged.
        """
        if self.document.pageCount() == 0:
            return 0
        self.apply_sheet_layout(printer)
        if copy_pdf is None:
            copy_pdf = self.copy_pdf_output
        whole = self.page_range(printer) == (1, self.document.pageCount())
        to_file = printer.outputFormat() == QPrinter.PdfFormat and printer.outputFileName()
        if copy_pdf and to_file and whole:
            shutil.copyfile(self.files[0], printer.outputFileName())
            return 0
        painter = QPainter()
        return self._paint(painter, printer)

    def apply_sheet_layout(self, printer: QPrinter) -> None:
        """The sheet's paper size and orientation, no margins (the PDF page carries its own)."""
        points = self.document.pagePointSize(0)
        size = QPageSize(QSizeF(points.width(), points.height()), QPageSize.Point)
        landscape = points.width() > points.height()
        portrait_size = QPageSize(
            QSizeF(min(points.width(), points.height()), max(points.width(), points.height())),
            QPageSize.Point,
        )
        printer.setPageLayout(
            QPageLayout(
                portrait_size if landscape else size,
                QPageLayout.Landscape if landscape else QPageLayout.Portrait,
                QMarginsF(0, 0, 0, 0),
            )
        )
        printer.setFullPage(True)

    def _paint(self, painter: QPainter, printer: QPrinter) -> int | None:
        try:
            pages = PdfPages(self.files[0])
        except Exception:  # noqa: BLE001 - unreadable for the replayer: every page as an image
            log.exception("无法读取 %s 的页面内容，全部按图像打印", self.files[0])
            pages = None
        if not painter.begin(printer):
            QMessageBox.warning(self, "无法打印", "打印机无法开始打印，请检查打印机是否就绪。")
            return None
        as_images = 0
        first, last = self.page_range(printer)
        count = last - first + 1
        QApplication.setOverrideCursor(Qt.WaitCursor)
        self.progress.setRange(0, count)
        self.progress.setVisible(True)
        try:
            gray = printer.colorMode() == QPrinter.GrayScale
            area = QRectF(painter.viewport())
            for done, index in enumerate(range(first - 1, last)):
                if done % 20 == 0:
                    # Shown while the pages go out (a 684-page sheet takes some seconds); no
                    # click is taken meanwhile.
                    self.progress.setValue(done)
                    self.status.setText(f"正在发送到打印机：第 {done + 1} 页，共 {count} 页…")
                    QApplication.processEvents(QEventLoop.ExcludeUserInputEvents)
                if done:
                    printer.newPage()
                try:
                    if pages is None:
                        raise Unsupported("无法读取文件")
                    pages.paint(painter, index, area, gray=gray)
                except Unsupported as why:
                    log.warning("第 %d 页无法按矢量打印（%s），按图像打印", index + 1, why)
                    as_images += 1
                    self._paint_image(painter, printer, index, gray)
        finally:
            painter.end()
            self.progress.setValue(count)
            QApplication.restoreOverrideCursor()
        return as_images

    def _paint_image(self, painter: QPainter, printer: QPrinter, index: int, gray: bool) -> None:
        """Page ``index`` as an image at the printer's resolution (up to 600 dpi), in bands."""
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        full = page_pixels(self.document, index, dpi)
        painter.save()
        area = painter.viewport()
        scaled = full.scaled(area.size(), Qt.KeepAspectRatio)
        painter.setViewport(area.x(), area.y(), scaled.width(), scaled.height())
        painter.setWindow(0, 0, full.width(), full.height())
        for top, band in page_bands(self.document, index, full, gray=gray):
            painter.drawImage(QPointF(0, top), band)
        painter.restore()

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()
        self.document.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        super().done(result)
