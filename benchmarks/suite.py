"""The benchmark suite: every figure the issues set a target for, beside its reference.

Each area's benchmark module measures itself (register_bench, gantt_bench, excel_bench,
pdf_bench); this module builds the demo database once, runs each of them in a fresh Python
process (no benchmark inherits another's objects, caches or garbage), measures start-up and
memory in fresh processes of the application, and prints a table (and JSON).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import unicodedata
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# key: (label, reference key or None, target text, check(value, reference) -> bool)
TARGETS = {
    "start_s": ("冷启动到首次绘制 (s)", None, "≤ 2 s", lambda v, r: v <= 2),
    "filter_ms": ("项目库筛选 (ms)", None, "≤ 50 ms", lambda v, r: v <= 50),
    "register_scroll_ms": ("项目库滚动一帧 (ms)", None, "≤ 16 ms", lambda v, r: v <= 16),
    "list_scroll_ms": ("甘特图左侧列表滚动 (ms)", None, "≤ 16 ms", lambda v, r: v <= 16),
    "gantt_repaint_ms": ("甘特图重绘 (ms)", "gantt_repaint_ref_ms", "≤ 5 ms", lambda v, r: v <= 5),
    "gantt_zoom_ms": ("甘特图缩放 (ms)", None, "≤ 30 ms", lambda v, r: v <= 30),
    "export_s": (
        "导出项目库 xlsx (s)",
        "export_ref_s",
        "≤ 1.3× openpyxl",
        lambda v, r: v <= 1.3 * r,
    ),
    "import_s": ("导入填报表 (s)", "import_ref_s", "≤ 2× calamine", lambda v, r: v <= 2 * r),
    "pdf_s": ("总体进度表 PDF (s)", "pdf_ref_s", "≤ 1.5× reportlab", lambda v, r: v <= 1.5 * r),
    "peak_rss_mb": ("内存峰值 (MB)", None, "≤ 400 MB", lambda v, r: v <= 400),
}
MEASURES = [
    ("benchmarks.register_bench", "measure_filter_ms", "filter_ms"),
    ("benchmarks.register_bench", "measure_scroll_ms", "register_scroll_ms"),
    ("benchmarks.gantt_bench", "measure_gantt", None),
    ("benchmarks.excel_bench", "measure_excel", None),
    ("benchmarks.pdf_bench", "measure_pdf", None),
]


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (peak working set on Windows)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [
                ("cb", wintypes.DWORD),
                ("PageFaultCount", wintypes.DWORD),
                ("PeakWorkingSetSize", ctypes.c_size_t),
                ("WorkingSetSize", ctypes.c_size_t),
                ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                ("PagefileUsage", ctypes.c_size_t),
                ("PeakPagefileUsage", ctypes.c_size_t),
            ]

        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        handle = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        ctypes.windll.psapi.GetProcessMemoryInfo(  # type: ignore[attr-defined]
            handle, ctypes.byref(counters), counters.cb
        )
        return counters.PeakWorkingSetSize / 2**20
    import resource

    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    unit = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20


def demo_database(projects: int, folder: Path) -> Path:
    """The demo database of ``projects`` projects, made once per day and version of the demo
    generator, schema and dataset (a file kept from an older generator would measure data laid
    out differently from what ``demo`` makes today); older ones are removed."""
    db = folder / f"demo-{projects}-{_demo_fingerprint()}.db"
    if not db.exists():
        for old in [*folder.glob(f"demo-{projects}-*.db"), folder / f"demo-{projects}.db"]:
            old.unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop_app.cli",
                "--db",
                str(db),
                "demo",
                "--projects",
                str(projects),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
    return db


def _demo_fingerprint() -> str:
    digest = hashlib.sha256(date.today().isoformat().encode())
    for part in (
        "desktop_app/services/demo.py",
        "desktop_app/services/demo_annual.py",
        "desktop_app/services/demo_returns.py",
        "db/schema.sql",
        "resources",
    ):
        path = ROOT / part
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and file.suffix in (".py", ".sql", ".json", ".csv"):
                digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return digest.hexdigest()[:10]


STARTS = 5  # start-ups measured; the median is reported (the first often reads a cold disk)


def _probe(db: Path, *args: str) -> dict | str:
    """One run of ``startup_probe`` in a fresh process: its JSON, or the error text."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    start = time.time()
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_probe", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode != 0 or not lines:
        return run.stderr[-300:]
    data = json.loads(lines[-1])
    data["start_s"] = data["painted_at"] - start
    return data


def measure_startup(db: Path) -> dict:
    """Cold start and the application's peak memory, each in fresh processes (``startup_probe``).

    Start-up: imports, open the database, build and paint the window (median of ``STARTS``
    runs). Memory: the window with every page opened, then the same process exporting the
    register, issuing a template, importing a 10,000-row return and printing the overall sheet,
    as its workers would.
    """
    starts, notes = [], []
    for _ in range(STARTS):
        data = _probe(db)
        if isinstance(data, str):
            notes.append(f"startup failed: {data}")
            continue
        starts.append(data["start_s"])
    work = _probe(db, "--work")
    if isinstance(work, str):
        notes.append(f"memory probe failed: {work}")
        work = {}
    return {
        "start_s": round(statistics.median(starts), 3) if starts else None,
        "start_runs_s": [round(s, 3) for s in starts],
        "peak_rss_gui_mb": round(work["peak_rss_gui_mb"], 1) if work else None,
        "peak_rss_mb": round(work["peak_rss_mb"], 1) if work else None,
        "notes": notes,
    }


_MEASURE = """
import json, sys
from importlib import import_module
from pathlib import Path
value = getattr(import_module(sys.argv[1]), sys.argv[2])(Path(sys.argv[3]))
print("\\n" + json.dumps(value))
"""


def _measure_in_fresh_process(module_name: str, function: str, db: Path) -> object:
    """``module.function(db)`` run in a new Python process, so that no benchmark inherits the
    objects, caches or garbage of another; its result, or the error text."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, module_name, function, str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        return (run.stderr.strip().splitlines() or ["no output"])[-1][-300:]
    return json.loads(lines[-1])


def run_suite(projects: int, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    db = demo_database(projects, folder)
    figures: dict = {
        "date": date.today().isoformat(),
        "projects": projects,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "notes": [],
    }
    figures |= {
        k: None
        for k in (
            "start_s",
            "filter_ms",
            "list_scroll_ms",
            "gantt_repaint_ms",
            "gantt_repaint_ref_ms",
            "gantt_zoom_ms",
            "export_s",
            "export_ref_s",
            "import_s",
            "import_ref_s",
            "pdf_s",
            "pdf_ref_s",
            "pdf_libreoffice_s",
            "peak_rss_mb",
        )
    }
    startup = measure_startup(db)
    figures["notes"] += startup.pop("notes", [])
    figures |= startup
    for module_name, function, key in MEASURES:
        value = _measure_in_fresh_process(module_name, function, db)
        if isinstance(value, str):  # a broken benchmark must not hide the others' figures
            figures["notes"].append(f"{module_name}.{function} failed: {value}")
            continue
        if isinstance(value, dict):
            figures |= {k: (round(v, 4) if isinstance(v, float) else v) for k, v in value.items()}
        else:
            figures[key] = round(value, 4)
    if figures.get("list_scroll_ms") is None and figures.get("register_scroll_ms") is not None:
        figures["list_scroll_ms"] = figures["register_scroll_ms"]
    return figures


def table(figures: dict) -> str:
    lines = [f"{figures['date']} · {figures['machine']} · demo {figures['projects']} 个项目", ""]
    lines.append(f"{_pad('指标', 26)}{'本程序':>9}{'参照':>10}{'比值':>6}  {_pad('目标', 18)}结果")
    for key, (label, ref_key, target, ok) in TARGETS.items():
        value = figures.get(key)
        ref = figures.get(ref_key) if ref_key else None
        ratio = f"{value / ref:.2f}" if value is not None and ref else ""
        verdict = "—" if value is None else ("达标" if ok(value, ref or 0) else "未达标")
        lines.append(
            f"{_pad(label, 26)}{_fmt(value):>12}{_fmt(ref):>12}{ratio:>8}  {_pad(target, 18)}{verdict}"
        )
    lo = figures.get("pdf_libreoffice_s")
    if figures.get("pdf_s") and lo:
        lines.append(
            f"{_pad('LibreOffice 转 PDF (s)', 26)}{_fmt(lo):>12}{'':>12}"
            f"{lo / figures['pdf_s']:>7.1f}×  本程序快 ≥ 10×"
        )
    for note in figures.get("notes", []):
        lines.append(f"注：{note}")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-align in a monospaced terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 1)


def _fmt(value) -> str:
    return "—" if value is None else f"{value:g}"
