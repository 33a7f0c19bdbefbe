"""Mutation testing of the rules: would a test fail if a rule were wrong?

Runs mutmut on one module at a time, each against its own layer's tests only, in a scratch copy
of the project under ``build/mutation/<target>`` (the working tree is never changed):

    python -m quality.mutation                 # every target, one after the other
    python -m quality.mutation parsing status  # some of them
    python -m quality.mutation --list          # the targets and their tests

Prints each target's score (mutants killed by its tests) and every survivor that is neither
killed nor listed, with its reason, in ``tests/MUTATION-EQUIVALENTS.md``. Exits 1 when such a
survivor is left, so a new rule without a test that pins it is noticed.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "tests" / "MUTATION-EQUIVALENTS.md"


@dataclass(frozen=True)
class Target:
    source: str  # the file to mutate, relative to the project root
    tests: tuple[str, ...]  # what pytest runs against it (paths, then options such as -k)
    functions: tuple[str, ...] = ()  # only these functions (all the module's when empty)
    note: str = ""


TARGETS: dict[str, Target] = {
    "parsing": Target(
        "desktop_app/domain/parsing.py",
        ("tests/domain",),
        note="cell values: percents, amounts, dates",
    ),
    "status": Target("desktop_app/domain/status.py", ("tests/domain",), note="traffic lights"),
    "period": Target("desktop_app/domain/period.py", ("tests/domain",), note="periods, 序时进度"),
    "return_cells": Target(
        "desktop_app/exchange/return_import.py",
        # The readers' own tests: a few minutes, where the ~150 return-import tests take 15–30.
        ("tests/exchange/test_cell_readers.py",),
        functions=(
            "_text_cell",
            "_refuse_error",
            "_money_cell",
            "_percent_cell",
            "_date_cell",
            "_stage_cell",
            "_same",
            "_read_row",
        ),
        note="the return's cell readers, against their own tests",
    ),
    "monitoring": Target(
        "desktop_app/services/monitoring.py",
        (
            "tests/services/test_monitoring.py",
            "tests/services/test_monitoring_rules.py",
            "tests/services/test_reporting_period.py",
        ),
        note="reporting periods, units yet to report, lights and dashboard figures",
    ),
}

_DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
_STATUS |= {36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}
_STATUS |= {-11: "segfault", -9: "segfault", 37: "caught by type check", None: "not checked"}


@dataclass
class Survivor:
    name: str
    function: str
    status: str
    removed: list[str]
    added: list[str]
    reason: str | None = None  # from the equivalents list

    def show(self) -> str:
        lines = [f"  {self.function} ({self.status}) {self.name}"]
        lines += [f"    - {line}" for line in self.removed]
        lines += [f"    + {line}" for line in self.added]
        return "\n".join(lines)


@dataclass
class Result:
    target: str
    total: int = 0
    killed: int = 0
    survivors: list[Survivor] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unexplained(self) -> list[Survivor]:
        return [s for s in self.survivors if s.reason is None]

    def line(self) -> str:
        equivalent = len(self.survivors) - len(self.unexplained)
        score = 100 * self.killed / self.total if self.total else 0.0
        return (
            f"{self.target:13} {self.total:4d} mutants  {self.killed:4d} killed  {score:5.1f} %  "
            f"{equivalent:3d} listed equivalent  {len(self.unexplained):3d} unexplained  "
            f"({self.seconds:.0f} s)"
        )


def _prepare(name: str, target: Target) -> Path:
    """A scratch copy of what the run needs, with mutmut's settings for this target."""
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("desktop_app", "db", "resources", "tests"):
        shutil.copytree(ROOT / folder, work / folder, ignore=skip)
    paths = [t for t in target.tests if not t.startswith("-") and (ROOT / t).exists()]
    options = [t for t in target.tests if t not in paths]
    missing = [t for t in target.tests if t.startswith("tests/") and t not in paths]
    if missing:
        raise SystemExit(f"{name}: test path(s) not found: {', '.join(missing)}")
    settings = {
        "source_paths": ["desktop_app"],
        "only_mutate": [target.source],
        "also_copy": ["db", "resources"],
        "pytest_add_cli_args_test_selection": paths + options,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q"],
    }
    toml = ["[tool.mutmut]"]
    toml += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in settings.items()]
    toml += ["", "[tool.pytest.ini_options]", 'qt_api = "pyside6"', 'addopts = "-ra"']
    toml += ['markers = ["slow: long-running checks"]']
    (work / "pyproject.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return work


def _module(source: str) -> str:
    return source.removesuffix(".py").replace("/", ".")


def _function_of(key: str, module: str) -> str:
    """``pkg.mod.x_parse_date__mutmut_3`` → ``parse_date``; methods → ``Class.method``."""
    local = key.removeprefix(module + ".")
    local = re.sub(r"__mutmut_\d+$", "", local)
    if local.startswith("xǁ"):
        return ".".join(local.removeprefix("xǁ").split("ǁ"))
    return local.removeprefix("x_")


def _mangled(key: str, module: str) -> str:
    """The name mutmut gives the function in the mutated file, without the mutant number."""
    return re.sub(r"__mutmut_\d+$", "", key.removeprefix(module + "."))


def _functions_in(path: Path) -> dict[str, str]:
    """Every function of the mutated file by name, as source text (methods included)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = {}
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def _diff(functions: dict[str, str], key: str, module: str) -> tuple[list[str], list[str]]:
    base = _mangled(key, module)
    number = key.rsplit("__mutmut_", 1)[1]
    # The signature too (default values are mutated), under one name so that only changes show.
    orig = functions.get(f"{base}__mutmut_orig", "").replace(f"{base}__mutmut_orig", base)
    mutant = functions.get(f"{base}__mutmut_{number}", "")
    mutant = mutant.replace(f"{base}__mutmut_{number}", base)
    orig, mutant = orig.splitlines(), mutant.splitlines()
    removed, added = [], []
    for line in difflib.ndiff(orig, mutant):
        if line.startswith("- "):
            removed.append(line[2:].strip())
        elif line.startswith("+ "):
            added.append(line[2:].strip())
    return removed, added


def read_equivalents(path: Path = EQUIVALENTS) -> dict[tuple[str, str, str], str]:
    """``(target, function, mutated line) -> reason`` from the equivalents list.

    Entries are list items under a ``## target`` heading:
    ``- `function`: `the line as mutated` — why no test can tell it apart``.
    """
    listed: dict[tuple[str, str, str], str] = {}
    if not path.exists():
        return listed
    target = ""
    item = re.compile(r"^- `(?P<function>[^`]+)`: `(?P<line>.*)` — (?P<reason>.+)$")
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            target = raw[3:].strip()
            continue
        match = item.match(raw.strip())
        if match:
            key = (target, match["function"], match["line"].strip())
            listed[key] = match["reason"].strip()
    return listed


def run(name: str, target: Target, jobs: int, listed: dict, *, again: bool = True) -> Result:
    """Run mutmut on ``target`` (or, ``again=False``, read the results its last run left)."""
    started = time.monotonic()
    module = _module(target.source)
    globs = [f"{module}.x_{fn}__mutmut_*" for fn in target.functions]
    work = WORK / name
    log = work / "mutmut.log"
    returncode = 0
    if again:
        work = _prepare(name, target)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["QT_QPA_PLATFORM"] = "offscreen"
        with log.open("w", encoding="utf-8") as out:
            returncode = subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *globs],
                cwd=work,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            ).returncode
    mutated = work / "mutants" / target.source
    meta = Path(f"{mutated}.meta")
    if not again and not meta.exists():
        raise SystemExit(f"{name}: no earlier run in {work}")
    if returncode != 0 or not meta.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{name}: mutmut failed (exit {returncode}), see {log}\n{tail}")
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    functions = _functions_in(mutated)
    result = Result(name)
    for key, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
        if globs and not any(fnmatch(key, g) for g in globs):
            continue
        result.total += 1
        status = _STATUS.get(code, "suspicious")
        if status in _DETECTED:
            result.killed += 1
            continue
        removed, added = _diff(functions, key, module)
        fn = _function_of(key, module)
        survivor = Survivor(key, fn, status, removed, added)
        line = added[0] if added else "(deleted) " + (removed[0] if removed else "")
        survivor.reason = listed.get((name, fn, line))
        result.survivors.append(survivor)
    result.seconds = time.monotonic() - started
    return result


def _natural(key: str) -> tuple[str, int]:
    stem, _, number = key.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quality.mutation", description=__doc__)
    parser.add_argument("targets", nargs="*", choices=[[], *TARGETS], metavar="TARGET")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--list", action="store_true", help="show the targets and stop")
    parser.add_argument("--all-survivors", action="store_true", help="show listed ones too")
    parser.add_argument(
        "--report", action="store_true", help="show the last run's results again, without running"
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, t in TARGETS.items():
            only = f" [{', '.join(t.functions)}]" if t.functions else ""
            print(f"{name:13} {t.source}{only}\n{'':13} tests: {' '.join(t.tests)}")
        return 0
    if importlib.util.find_spec("mutmut") is None:
        print('mutmut 未安装：python -m pip install "mutmut>=3.8,<4"（dev 依赖中已列出）')
        return 2
    listed = read_equivalents()
    results = []
    for name in args.targets or list(TARGETS):
        print(f"== {name}: {TARGETS[name].source} ...", flush=True)
        result = run(name, TARGETS[name], args.jobs, listed, again=not args.report)
        results.append(result)
        shown = result.survivors if args.all_survivors else result.unexplained
        for survivor in shown:
            print(survivor.show() + (f"\n    = {survivor.reason}" if survivor.reason else ""))
        print(result.line(), flush=True)
    print("\n" + "\n".join(r.line() for r in results))
    return 1 if any(r.unexplained for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
