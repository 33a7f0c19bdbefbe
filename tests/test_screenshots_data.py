"""The screenshots tool's database: the pages about the year's list are pictured with one."""

from __future__ import annotations

from desktop_app.services import task_monitoring
from desktop_app.store import annual as astore
from desktop_app.tools.screenshots import TODAY, demo_database


def test_the_pictures_show_an_issued_list_with_late_tasks_and_rates(tmp_path, monkeypatch):
    monkeypatch.setenv("CHENGDE_DATA_DIR", str(tmp_path / "userdata"))
    store = demo_database(tmp_path / "项目库.db")
    try:
        the_list = astore.get_list(store, TODAY.year)
        assert the_list is not None and the_list.issued
        items = astore.list_items(store, TODAY.year)
        assert {i.kind for i in items} == {"任务", "项目"}
        f = task_monitoring.year_figures(store, TODAY)
        assert f.overall.rate is not None and f.overdue  # 首页's rate, 督办预警's late tasks
        assert store.scalar("SELECT count(*) FROM supervision WHERE task_id IS NOT NULL") > 0
    finally:
        store.close()
