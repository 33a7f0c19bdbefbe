"""Creating a database: with the built-in plan dataset, empty, or over an old one."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..domain.errors import UserError
from ..paths import dataset_path
from ..store import Store, seed


def builtin_dataset() -> dict:
    return json.loads(dataset_path().read_text(encoding="utf-8"))


def init_database(path: Path, *, empty: bool = False, force: bool = False) -> tuple[Store, dict]:
    """Create (or with ``force`` re-create) the database at ``path``.

    Without ``empty`` it holds the built-in plan dataset; with it, the plan's sections, units and
    indicators but no projects. ``force`` backs the old file up beside it before clearing it.
    Returns the open store and counts of what was loaded (``backup``: the old file's copy).
    """
    store = Store.open(path)
    backup = None
    try:
        if not seed.is_empty(store):
            if not force:
                raise UserError(
                    f"数据库「{path}」已有数据，未做任何改动。请另选一个文件名"
                    "（命令行重新初始化可加 --force，原文件会先备份）。"
                )
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = store.backup_to(path.with_name(f"{path.stem}.init前备份-{stamp}{path.suffix}"))
            seed.clear_all(store)
        counts = seed.load_dataset(store, builtin_dataset(), with_projects=not empty)
        counts["backup"] = backup
    except BaseException:
        store.close()
        raise
    return store, counts


def open_or_create(path: Path) -> Store:
    """Open the user's database, creating it with the built-in dataset on first run, or bringing
    a database made by an earlier version up to the current dataset (see ``update_dataset``)."""
    store = Store.open(path)
    try:
        if seed.is_empty(store):
            seed.load_dataset(store, builtin_dataset())
        else:
            update_dataset(store)
    except BaseException:
        store.close()
        raise
    return store


def update_dataset(store: Store) -> dict[str, list[str]] | None:
    """Add what a newer built-in dataset has to a database loaded from an older one.

    The office's own edits are kept (see ``seed.upgrade_dataset``); the event log says what was
    added. Returns None when the database is already up to date (or read-only).
    """
    if store.read_only:
        return None
    data = builtin_dataset()
    if seed.dataset_version(store) >= int(data["plan"].get("dataset_version", 1)):
        return None
    return seed.upgrade_dataset(store, data)
