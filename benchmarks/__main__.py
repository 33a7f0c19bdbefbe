"""python -m benchmarks --projects 10000 [--json] [--folder DIR]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .suite import run_suite, table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--folder", type=Path, default=Path("build") / "benchmarks")
    args = parser.parse_args()
    figures = run_suite(args.projects, args.folder)
    if args.json:
        json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
