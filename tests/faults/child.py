"""A separate process that does one long write, so that a test can kill it part-way.

Usage: python child.py import DB FILE [ROWS] | backup DB OUTDIR | edit DB CODE NAME [VERSION] |
lock DB SECONDS (ROWS: write the import in parts of that many rows while the rest is parsed)
It prints "ready" on stdout just before the work starts.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    action, db = sys.argv[1], Path(sys.argv[2])
    from desktop_app.store import Store

    store = Store.open(db, create=False, user="子进程")
    print("ready", flush=True)
    if action == "import":
        from desktop_app.exchange import return_import
        from desktop_app.services.exchange import import_return

        if len(sys.argv) > 4:
            return_import.PARSED_ROWS_STEP = int(sys.argv[4])
        outcome = import_return(store, Path(sys.argv[3]))
        print(outcome.status, flush=True)
    elif action == "backup":
        from desktop_app.services.backup import auto_backup

        for _ in range(1000):
            auto_backup(store, "测试", keep=3)
    elif action == "edit":
        from desktop_app.domain.errors import ConflictError
        from desktop_app.store.projects import get_project, update_project

        version = int(sys.argv[5]) if len(sys.argv) > 5 else get_project(store, sys.argv[3]).version
        try:
            update_project(
                store,
                get_project(store, sys.argv[3]).id,
                {"name": sys.argv[4]},
                expected_version=version,
            )
            print("saved", flush=True)
        except ConflictError as exc:
            print(f"conflict {exc.message}", flush=True)
    elif action == "lock":
        store.conn.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        time.sleep(float(sys.argv[3]))
        store.conn.execute("ROLLBACK")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
