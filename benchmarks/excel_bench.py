"""Excel exchange speed at 10,000 projects, printed side by side with the raw library passes.

    python benchmarks/excel_bench.py [DB]      (default: a fresh demo database of 10,000 projects)

- register export vs. a raw openpyxl write_only pass over the same cells (target: ≤ 1.3×);
- a 10,000-row return import (parse + validate + diff + apply) vs. python-calamine reading the
  same file (target: ≤ 2×).
The database given is never changed: the import runs on a copy.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import python_calamine
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_app.domain.period import Period  # noqa: E402
from desktop_app.exchange.register_export import export_register  # noqa: E402
from desktop_app.exchange.template import write_template  # noqa: E402
from desktop_app.services.exchange import build_template_spec, import_return  # noqa: E402
from desktop_app.store import Store  # noqa: E402
from desktop_app.store import exchange as xstore  # noqa: E402
from desktop_app.store.units import add_unit  # noqa: E402

PERIOD = "2026-11"
IMPORT_RUNS = 9


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _settle(path: Path) -> None:
    """Flush a freshly copied database to disk, as an office's file at rest would be: else
    the import's first durable commit also pays for writing out the whole copy."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _raw_write(rows: list[list], out: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("raw")
    for row in rows:
        ws.append(row)
    wb.save(out)


def _calamine_read(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    n = 0
    for name in book.sheet_names:
        n += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    book.close()
    return n


def _one_unit_for_all(store: Store) -> str:
    """A unit responsible for every project, so that one return covers all 10,000 rows."""
    name = "基准测试单位"
    uid = add_unit(store, name, "其他")
    with store.write(source="系统"):
        store.conn.executemany(
            "INSERT OR IGNORE INTO project_unit (project_id, unit_id, role) VALUES (?,?,'责任')",
            [(pid,) + (uid,) for pid, _, _ in xstore.project_keys(store).values()],
        )
    return name


def prepare_return(store: Store, work: Path) -> tuple[Path, int]:
    """A filled-in return covering every project: issued to one unit, then every row changed."""
    from desktop_app.services.exchange import issue_template

    unit = _one_unit_for_all(store)
    issue_template(store, unit, PERIOD, work / "template.xlsx")
    template_id = store.scalar("SELECT id FROM template_issue ORDER BY issued_at DESC LIMIT 1")
    spec = build_template_spec(
        store,
        store.scalar("SELECT id FROM unit WHERE name = ?", (unit,)),
        Period.parse(PERIOD),
    )
    spec.template_id = template_id
    for i, row in enumerate(spec.rows):
        row.values["percent_complete"] = min(100, (row.values.get("percent_complete") or 0) + 1)
        row.values["progress_text"] = f"本月进展 {i}"
    return write_template(spec, work / "return.xlsx"), len(spec.rows)


def measure_excel(db_path: Path) -> dict:
    """Seconds for the export and the import, and for the raw passes they are compared with."""
    work = Path(tempfile.mkdtemp(prefix="excel_bench_"))
    try:
        copy = work / "bench.db"
        shutil.copy(db_path, copy)
        with Store.open(copy, create=False, user="基准") as store:
            # Ours, the raw pass, the raw pass again, ours again: the machine's slow and fast
            # spells (minutes long, ±30 %) fall on both sides alike.
            export_runs = [_timed(lambda: export_register(store, work / "export.xlsx"))[0]]
            book = python_calamine.CalamineWorkbook.from_path(str(work / "export.xlsx"))
            sheets = [book.get_sheet_by_name(n).to_python() for n in book.sheet_names]
            book.close()
            cells = [row for sheet in sheets for row in sheet]
            export_ref_runs = [
                _timed(lambda: _raw_write(cells, work / "raw.xlsx"))[0] for _ in range(2)
            ]
            export_runs.append(_timed(lambda: export_register(store, work / "export.xlsx"))[0])

            ret, rows = prepare_return(store, work)
        # The import, on a fresh copy of the issued database each time, beside calamine reading
        # the same file just before or just after it (by turns); medians of IMPORT_RUNS (single
        # runs swing by ±30 %).
        import_runs, ref_runs = [], []
        for i in range(IMPORT_RUNS):
            run = work / f"import-{i}.db"
            shutil.copy(copy, run)
            _settle(run)
            if i % 2:
                ref_runs.append(_timed(lambda: _calamine_read(ret))[0])
            with Store.open(run, create=False, user="基准") as store:
                # The CLI's import: read, check and apply in one go.
                seconds, outcome = _timed(lambda: import_return(store, ret))
            import_runs.append(seconds)
            if not i % 2:
                ref_runs.append(_timed(lambda: _calamine_read(ret))[0])
        import_s, import_ref_s = statistics.median(import_runs), statistics.median(ref_runs)
        export_s, export_ref_s = statistics.mean(export_runs), statistics.mean(export_ref_runs)
        return {
            "rows": rows,
            "export_s": round(export_s, 3),
            "export_ref_s": round(export_ref_s, 3),
            "export_runs_s": [round(x, 3) for x in export_runs],
            "export_ref_runs_s": [round(x, 3) for x in export_ref_runs],
            "import_s": round(import_s, 3),
            "import_ref_s": round(import_ref_s, 3),
            "import_runs_s": [round(x, 3) for x in import_runs],
            "import_ref_runs_s": [round(x, 3) for x in ref_runs],
            "import_status": outcome.status,
            "updated": outcome.preview.counts()["updated"],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1:
        db = Path(sys.argv[1])
    else:
        from desktop_app.services.demo import generate_demo
        from desktop_app.services.setup import init_database

        db = Path(tempfile.mkdtemp(prefix="excel_bench_db_")) / "demo.db"
        store, _ = init_database(db, empty=True)
        generate_demo(store, 10000)
        store.close()
    r = measure_excel(db)
    print(f"{'':28}{'本程序':>10}{'参照':>10}{'倍数':>8}{'目标':>8}")
    print(
        f"{'项目库导出（openpyxl 写）':24}{r['export_s']:>10.2f}{r['export_ref_s']:>10.2f}"
        f"{r['export_s'] / r['export_ref_s']:>8.2f}{'≤1.3':>8}"
    )
    print(
        f"{'填报表导入（calamine 读）':24}{r['import_s']:>10.2f}{r['import_ref_s']:>10.2f}"
        f"{r['import_s'] / r['import_ref_s']:>8.2f}{'≤2':>8}"
    )
    print(f"导入 {r['rows']} 行，更新 {r['updated']} 个项目（{r['import_status']}）")


if __name__ == "__main__":
    main()
