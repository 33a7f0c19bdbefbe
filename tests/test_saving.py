"""Saving over a file the user keeps: the old file survives a save that fails half-way."""

from __future__ import annotations

import errno

import openpyxl
import pytest

from desktop_app.domain.errors import UserError
from desktop_app.exchange.register_export import export_register
from desktop_app.saving import save_file


def _half_then_disk_full(path):
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04 half a workbook")
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_a_save_failing_half_way_leaves_the_old_file_as_it_was(tmp_path):
    out = tmp_path / "十月 项目库.xlsx"
    out.write_bytes(b"last month's workbook")
    with pytest.raises(UserError) as caught:
        save_file(out, _half_then_disk_full, kind=".xlsx")
    assert "磁盘空间不足" in caught.value.message and str(out) in caught.value.message
    assert out.read_bytes() == b"last month's workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["十月 项目库.xlsx"]


def test_an_error_other_than_the_disk_also_leaves_no_trace(tmp_path):
    out = tmp_path / "进度表.pdf"

    def fails(path):
        path.write_bytes(b"%PDF-1.4 cut short")
        raise RuntimeError("layout error")

    with pytest.raises(RuntimeError):
        save_file(out, fails, kind="PDF")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_the_file_is_refused_before_any_work(tmp_path):
    calls = []
    with pytest.raises(UserError) as caught:
        save_file(tmp_path, calls.append, kind="PDF")
    assert "是一个文件夹" in caught.value.message and "PDF" in caught.value.message
    assert calls == []


def test_export_replaces_last_months_file_whole(store, make_project, tmp_path):
    make_project("P-1", "成德大道北延线")
    out = tmp_path / "导出" / "项目库.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    assert export_register(store, out) == out
    wb = openpyxl.load_workbook(out, read_only=True)
    assert any(
        row and "成德大道北延线" in row for row in wb.worksheets[0].iter_rows(values_only=True)
    )
    wb.close()
    assert [p.name for p in out.parent.iterdir()] == ["项目库.xlsx"]


def test_a_file_held_for_a_moment_is_moved_on_a_later_try(tmp_path, monkeypatch):
    # As a virus scanner holds a file just written on Windows (not reproducible here): the
    # first two moves are refused, the third goes through.
    import os

    import desktop_app.saving as saving

    refusals = []
    real_replace = os.replace

    def replace(src, dst):
        if len(refusals) < 2:
            refusals.append(src)
            raise PermissionError(13, "The process cannot access the file", str(src))
        real_replace(src, dst)

    monkeypatch.setattr(saving.os, "replace", replace)
    out = tmp_path / "模板.xlsx"
    save_file(out, lambda part: part.write_bytes(b"new"), kind=".xlsx")
    assert out.read_bytes() == b"new" and len(refusals) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]


def test_a_file_held_open_for_good_is_reported_and_kept(tmp_path, monkeypatch):
    import desktop_app.saving as saving

    def replace(src, dst):
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(saving.os, "replace", replace)
    monkeypatch.setattr(saving, "MOVE_PAUSE_S", 0)
    out = tmp_path / "项目库.xlsx"
    out.write_bytes(b"open in Excel")
    with pytest.raises(UserError) as caught:
        save_file(out, lambda part: part.write_bytes(b"new"), kind=".xlsx")
    assert "正被其他程序" in caught.value.message
    assert out.read_bytes() == b"open in Excel"
    assert [p.name for p in tmp_path.iterdir()] == ["项目库.xlsx"]


def test_a_name_the_system_refuses_is_explained(tmp_path):
    calls = []
    with pytest.raises(UserError) as caught:
        save_file(tmp_path / ("长" * 100 + ".xlsx"), calls.append, kind=".xlsx")
    assert "路径过长" in caught.value.message and calls == []
