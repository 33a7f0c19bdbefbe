"""A database that is read-only, locked by another process, or on a full disk: a clear Chinese
message, and no damage. Two processes editing the same project: no lost update."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.domain.errors import UserError
from desktop_app.store import Store, StoreError
from desktop_app.store import database as database_module
from desktop_app.store.projects import get_project, update_project


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(store, make_project) -> Path:
    make_project("P-1", "原名称")
    path = store.path
    store.close()
    return path


def test_read_only_file(db):
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    made = subprocess.run(["chattr", "+i", str(db)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot make the file immutable here")
    try:
        before = _sha(db)
        with Store.open(db) as store:
            assert store.read_only
            assert get_project(store, "P-1").name == "原名称"  # reading still works
            with pytest.raises(StoreError, match="只读"):
                update_project(store, get_project(store, "P-1").id, {"name": "新名称"})
        assert _sha(db) == before
    finally:
        subprocess.run(["chattr", "-i", str(db)])


def test_locked_by_another_process(db, child, monkeypatch):
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 300)
    holder = child("lock", db, "5")
    assert holder.stdout.readline().strip() == "locked"
    try:
        before = _sha(db)
        # An exclusive writer blocks readers too (rollback journal): opening says so clearly.
        with pytest.raises(StoreError, match="正被其他用户或程序使用，请稍后再试"):
            with Store.open(db) as store:
                update_project(store, "x", {"name": "新名称"})
    finally:
        holder.kill()
        holder.wait()
    assert _sha(db) == before
    with Store.open(db) as store:
        assert get_project(store, "P-1").name == "原名称"


def test_full_disk(db):
    with Store.open(db) as store:
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
        pid = get_project(store, "P-1").id
        with pytest.raises(UserError, match="磁盘空间不足"):
            update_project(store, pid, {"notes": "很长的备注" * 1000})  # 15 KB: new pages
        assert get_project(store, "P-1").notes is None
        assert store.check() == []


def test_two_processes_no_lost_update(db, child):
    with Store.open(db) as store:
        mine = get_project(store, "P-1")  # I open the editor...
    other = child("edit", db, "P-1", "他人的修改")  # ...someone else saves first
    assert other.stdout.readline().strip() == "saved"
    other.wait()
    with Store.open(db) as store:
        with pytest.raises(UserError, match="该项目已被他人修改"):
            update_project(store, mine.id, {"name": "我的修改"}, expected_version=mine.version)
        assert get_project(store, "P-1").name == "他人的修改"
    # And the other way round: a process saving from a stale copy is refused too.
    late = child("edit", db, "P-1", "过期的修改", str(mine.version))
    assert late.stdout.readline().startswith("conflict 该项目已被他人修改")
    late.wait()
