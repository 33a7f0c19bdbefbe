"""总体进度表 speed at 10,000 projects, beside the two ways it could otherwise be printed.

    python benchmarks/pdf_bench.py [DB]      (default: a fresh demo database of 10,000 projects)

- ours: the overall sheet end to end (read projects, lights, wrap, lay out, write the PDF);
- (a) the same 10 columns as plain strings through reportlab platypus in 40-row Table chunks,
  without our extras (wrapping rules, lights, timeline bars, subtotals, page header/footer);
- (b) LibreOffice converting the exported register's 项目库 sheet from xlsx to PDF
  (``soffice --headless --convert-to pdf``), the way offices print today; ``None`` without
  soffice. Also measured (``pdf_libreoffice_10col_s``): the same 10 columns as (a) in a workbook
  set to landscape and fitted to the page width — the most favourable case for LibreOffice.
Targets: ours ≤ 1.5 × (a), and (b) ≥ 10 × ours. The database given is only read.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle  # noqa: E402

from desktop_app.domain.money import format_wan  # noqa: E402
from desktop_app.reports.fonts import register_fonts  # noqa: E402
from desktop_app.services.reports import ReportOptions, render_overall  # noqa: E402
from desktop_app.store import Store  # noqa: E402
from desktop_app.store.projects import list_projects  # noqa: E402

TODAY = date(2026, 11, 29)
RUNS = 3  # renders of ours and of (a); medians are reported


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def reference_pdf(rows: list[list[str]], out: Path, font: str) -> None:
    """(a): plain strings, 40-row tables, no wrapping or decorations."""
    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=30, rightMargin=30)
    widths = [60, 190, 90, 35, 60, 60, 40, 60, 60, 60]
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, 7),
            ("GRID", (0, 0), (-1, -1), 0.4, "#808080"),
        ]
    )
    story = [
        Table(rows[i : i + 40], colWidths=widths, style=style) for i in range(0, len(rows), 40)
    ]
    doc.build(story)


def register_workbook(store: Store, work: Path) -> Path:
    """The register's 项目库 sheet as an office prints it: landscape, fitted to the page width.

    The full export (``exchange.register_export``) also carries the 关键节点 and 进度历史 sheets
    (120,000 rows at 10,000 projects; LibreOffice spends well over ten minutes on them), so the
    comparison uses the register table alone, with the same 10 columns as (a).
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "项目库"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    columns = ["项目编码", "项目名称", "牵头单位", "阶段", "计划开工", "计划完工", "完成%"]
    columns += ["年度计划投资", "累计完成投资", "区县"]
    ws.append(columns)
    for p in list_projects(store):
        ws.append(
            [
                p.code,
                p.name,
                p.lead_unit,
                p.stage,
                p.planned_start,
                p.planned_end,
                p.percent_complete,
                p.annual_plan(TODAY.year),
                p.investment_to_date,
                p.district,
            ]
        )
    xlsx = work / "register.xlsx"
    wb.save(xlsx)
    return xlsx


def exported_register_sheet(store: Store, work: Path) -> Path | None:
    """The values of the 项目库 sheet of the application's register export (22 columns).

    Without the export's 关键节点 and 进度历史 sheets (see :func:`register_workbook`).
    ``None`` when the Excel module is absent.
    """
    try:
        from desktop_app.exchange.register_export import export_register
    except ImportError:  # pragma: no cover
        return None
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    full = export_register(store, work / "register-full.xlsx", today=TODAY)
    # Loading the whole export with openpyxl to drop two sheets takes minutes: copy the one sheet.
    source = CalamineWorkbook.from_path(str(full)).get_sheet_by_name("项目库").to_python()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目库")
    for row in source:
        ws.append(row)
    out = work / "register-export.xlsx"
    wb.save(out)
    return out


def convert_with_libreoffice(xlsx: Path, work: Path) -> float | None:
    """Seconds LibreOffice takes to print ``xlsx`` to PDF; None without soffice or on failure."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = (work / "lo-profile").resolve().as_uri()
    outdir = work / f"lo-{xlsx.stem}"
    cmd = [
        soffice,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(xlsx),
    ]
    seconds, done = _timed(lambda: subprocess.run(cmd, capture_output=True, timeout=1800))
    return seconds if done.returncode == 0 and any(outdir.glob("*.pdf")) else None


def libreoffice_pdf(store: Store, work: Path) -> tuple[float | None, float | None]:
    """(b): LibreOffice printing the exported register sheet, and the 10-column workbook."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return None, None
    exported = exported_register_sheet(store, work)
    export_s = convert_with_libreoffice(exported, work) if exported else None
    fitted_s = convert_with_libreoffice(register_workbook(store, work), work)
    return export_s, fitted_s


def measure_pdf(db_path: Path) -> dict:
    """Seconds for our overall sheet, the plain-platypus reference (a) and LibreOffice (b)."""
    work = Path(tempfile.mkdtemp(prefix="pdf_bench_"))
    try:
        font = register_fonts().body  # registered once per process, like in the application
        with Store.open(Path(db_path), create=False, user="基准") as store:
            options = ReportOptions(today=TODAY, period="2026-11", landscape=True)
            ours = [
                _timed(lambda: render_overall(store, work / "overall.pdf", options))
                for _ in range(RUNS)
            ]
            pdf_s, out = statistics.median(t for t, _ in ours), ours[0][1]
            from pypdf import PdfReader

            pages = len(PdfReader(str(out)).pages)
            projects = list_projects(store)
            rows = [
                [
                    p.code,
                    p.name,
                    p.lead_unit or "",
                    p.stage,
                    p.planned_start.isoformat() if p.planned_start else "",
                    p.planned_end.isoformat() if p.planned_end else "",
                    f"{p.percent_complete:g}" if p.percent_complete is not None else "",
                    format_wan(p.annual_plan(2026)),
                    format_wan(p.investment_to_date),
                    p.district or "",
                ]
                for p in projects
            ]
            refs = [
                _timed(lambda: reference_pdf(rows, work / "reference.pdf", font))[0]
                for _ in range(RUNS)
            ]
            ref_s = statistics.median(refs)
            lo_s, lo_fitted_s = libreoffice_pdf(store, work)
        return {
            "pdf_s": pdf_s,
            "pdf_ref_s": ref_s,
            "pdf_runs_s": [round(t, 3) for t, _ in ours],
            "pdf_ref_runs_s": [round(t, 3) for t in refs],
            "pdf_libreoffice_s": lo_s,
            "pdf_libreoffice_10col_s": lo_fitted_s,
            "pdf_pages": pages,
            "pdf_projects": len(rows),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _demo_db() -> Path:
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.setup import init_database

    path = Path(tempfile.mkdtemp(prefix="pdf_bench_db_")) / "demo.db"
    store, _ = init_database(path)
    generate_demo(store, 10000, today=TODAY)
    store.close()
    return path


def main() -> int:
    db = Path(sys.argv[1]) if len(sys.argv) > 1 else _demo_db()
    f = measure_pdf(db)
    ratio = f["pdf_s"] / f["pdf_ref_s"]
    print(f"项目 {f['pdf_projects']} 个，总体进度表 {f['pdf_pages']} 页")
    print(f"本程序          {f['pdf_s']:8.2f} s")
    print(f"(a) reportlab   {f['pdf_ref_s']:8.2f} s   本程序/参照 = {ratio:.2f}（目标 ≤ 1.5）")
    lo = f["pdf_libreoffice_s"]
    if lo is None:
        print("(b) LibreOffice  未安装 soffice，未测")
    else:
        print(
            f"(b) LibreOffice  {lo:8.2f} s   LibreOffice/本程序 = {lo / f['pdf_s']:.1f}×（目标 ≥ 10）"
        )
    lo10 = f["pdf_libreoffice_10col_s"]
    if lo10 is not None:
        print(f"    同 10 列、适合页宽  {lo10:8.2f} s   {lo10 / f['pdf_s']:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
