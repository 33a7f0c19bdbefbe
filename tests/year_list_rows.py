"""A year's list written straight into the tables (annual_list, annual_item, task, task_unit,
task_report, project_annual_target, milestone, progress_report), one line per row, so that the
monitoring of the list is tested on rows the test states itself.

``scenario(store)`` writes the list the monitoring tests share: 2026-12-06 is their day (the
working period 2026-11, due on 2026-12-05, so a unit without a November report is 未报送).
"""

from __future__ import annotations

from desktop_app.store import Store
from desktop_app.store.units import get_unit

TODAY_ISO = "2026-12-06"


def make_list(store: Store, year: int = 2026, *, issued: str | None = "2026-02-15") -> None:
    with store.write():
        store.conn.execute(
            "INSERT INTO annual_list (year, title, doc_no, issued_at) VALUES (?,?,?,?)",
            (year, f"{year}年成德同城化年度目标和重点任务清单", "成德同城办〔2026〕1号", issued),
        )


def _plan_id(store: Store) -> int:
    row = store.conn.execute("SELECT id FROM plan ORDER BY id LIMIT 1").fetchone()
    if row is None:
        with store.write():
            return store.conn.execute(
                "INSERT INTO plan (code, title, start_year, end_year) VALUES ('P', '规划', 2021, 2025)"
            ).lastrowid
    return row[0]


def add_task(
    store: Store,
    year: int,
    seq: int,
    title: str,
    *,
    due: str | None,
    lead: str | None = None,
    responsible: tuple[str, ...] = (),
    support: tuple[str, ...] = (),
    task_id: int | None = None,
    due_date: str | None = None,
    expected: str | None = None,
) -> int:
    """A task entry of ``year``'s list (a new task, or ``task_id`` listed again), with its units."""
    with store.write():
        if task_id is None:
            task_id = store.conn.execute(
                "INSERT INTO task (plan_id, code, title) VALUES (?,?,?)",
                (_plan_id(store), f"LT{year}-{seq:02d}", title),
            ).lastrowid
            units = [(lead, "牵头")] if lead else []
            units += [(n, "责任") for n in responsible] + [(n, "配合") for n in support]
            for name, role in units:
                store.conn.execute(
                    "INSERT INTO task_unit (task_id, unit_id, role) VALUES (?,?,?)",
                    (task_id, get_unit(store, name).id, role),
                )
        store.conn.execute(
            "INSERT INTO annual_item (year, seq, heading, task_id, expected, due_text, due_date)"
            " VALUES (?,?,?,?,?,?,?)",
            (year, seq, "一、交通互联", task_id, expected or f"{title}取得实效", due, due_date),
        )
    return task_id


def report(
    store: Store,
    task_id: int,
    unit: str,
    period: str,
    state: str | None,
    *,
    done: str | None = None,
    text: str = "按计划推进",
    at: str | None = None,
) -> None:
    with store.write():
        store.conn.execute(
            "INSERT INTO task_report (task_id, unit_id, period, reported_at, progress_text, state,"
            " done_date, source) VALUES (?,?,?,?,?,?,?,'导入')",
            (
                task_id,
                get_unit(store, unit).id,
                period,
                at or f"{period}-28T10:00:00",
                text,
                state,
                done,
            ),
        )


def add_project(
    store: Store,
    make_project,
    year: int,
    seq: int,
    code: str,
    *,
    lead: str,
    planned: float | None,
    reports: dict[str, float] = (),  # period -> 本年完成投资
    milestones: tuple[tuple[str, str, str | None], ...] = (),  # name, planned, actual
    **fields,
) -> str:
    pid = make_project(code, f"清单项目{code}", lead=lead, **fields)
    with store.write():
        store.conn.execute(
            "INSERT INTO annual_item (year, seq, heading, project_id, expected) VALUES (?,?,?,?,?)",
            (year, seq, "一、交通互联", pid, "完成年度投资"),
        )
        if planned is not None:
            store.conn.execute(
                "INSERT OR REPLACE INTO project_annual_target (project_id, year,"
                " planned_investment) VALUES (?,?,?)",
                (pid, year, planned),
            )
        for period, amount in dict(reports).items():
            store.conn.execute(
                "INSERT INTO progress_report (project_id, period, investment_this_year,"
                " progress_text) VALUES (?,?,?,?)",
                (pid, period, amount, "推进中"),
            )
        for i, (name, planned_date, actual) in enumerate(milestones):
            store.conn.execute(
                "INSERT INTO milestone (project_id, name, planned_date, actual_date, sort)"
                " VALUES (?,?,?,?,?)",
                (pid, name, planned_date, actual, i),
            )
    return pid


DRC, TRANSPORT, WATER, GUANGHAN = "市发展改革委", "市交通运输局", "市水利局", "广汉市"


def scenario(store: Store, make_project) -> dict[str, int | str]:
    """The shared list of 2026 (and one of 2025 beside it). Expected on 2026-12-06:

    T1 按期完成 (6月底前, done 06-20)           T2 逾期完成 (6月底前, done 07-10: 晚 10 天)
    T3 逾期完成 (3月底前, 已完成 from the April report, no date: 04-30, 晚 30 天)
    T4 逾期未完成 (9月底前, 推进中; done in the 2025 list's December report — another year)
    T5 持续推进 (推进中, never overdue)         T6 未报送 (年底前, reported for October only)
    T7 即将到期 (年底前; the 责任 unit done, the 牵头 unit 推进中: not done)
    T8 按期完成 (10月底前, the 牵头 unit done 10-15; the 责任 unit says 未完成)
    Overall 按期完成率 2/5 = 40.0 %. Projects: planned 1000 + 500, done 800 + 100 = 60.0 %;
    milestones due in 2026: 3, on time 1 (33.3 %).
    """
    make_list(store, 2025, issued="2025-02-10")
    make_list(store, 2026)
    ids: dict[str, int | str] = {}
    ids["T1"] = t = add_task(store, 2026, 1, "推进成德轨道交通互联", due="6月底前", lead=DRC)
    report(store, t, DRC, "2026-06", "已完成", done="2026-06-20")
    report(store, t, DRC, "2026-11", "已完成", done="2026-06-20")
    ids["T2"] = t = add_task(store, 2026, 2, "共建物流枢纽协作机制", due="6月底前", lead=DRC)
    report(store, t, DRC, "2026-07", "已完成", done="2026-07-10")
    report(store, t, DRC, "2026-11", "已完成", done="2026-07-10")
    ids["T3"] = t = add_task(store, 2026, 3, "建立同城化项目库", due="3月底前", lead=DRC)
    report(store, t, DRC, "2026-03", "推进中")
    report(store, t, DRC, "2026-04", "已完成")
    report(store, t, DRC, "2026-11", "已完成")
    ids["T4"] = t = add_task(store, 2026, 4, "开通成德公交换乘优惠", due="9月底前", lead=TRANSPORT)
    report(store, t, TRANSPORT, "2026-11", "推进中", text="方案报审中")
    add_task(store, 2025, 1, "开通成德公交换乘优惠", due="年底前", task_id=t)
    report(store, t, TRANSPORT, "2025-12", "已完成", done="2025-12-20")
    ids["T5"] = t = add_task(store, 2026, 5, "深化成德政务服务通办", due="持续推进", lead=WATER)
    report(store, t, WATER, "2026-11", "推进中")
    ids["T6"] = t = add_task(store, 2026, 6, "共建成德生态廊道", due="年底前", lead=WATER)
    report(store, t, WATER, "2026-10", "推进中")
    ids["T7"] = t = add_task(
        store, 2026, 7, "推动德阳高新区与成都协作", due="年底前", lead=TRANSPORT,
        responsible=(GUANGHAN,),
    )  # fmt: skip
    report(store, t, TRANSPORT, "2026-11", "推进中")
    report(store, t, GUANGHAN, "2026-11", "已完成", done="2026-11-10")
    ids["T8"] = t = add_task(
        store, 2026, 8, "打造成德临界产业带", due="10月底前", lead=TRANSPORT,
        responsible=(GUANGHAN,), support=(WATER,),
    )  # fmt: skip
    report(store, t, TRANSPORT, "2026-10", "已完成", done="2026-10-15")
    report(store, t, TRANSPORT, "2026-11", "已完成", done="2026-10-15")
    report(store, t, GUANGHAN, "2026-11", "未完成", text="配套资金未落实")
    # Another year's task: overdue in its own list, never in 2026's figures.
    add_task(store, 2025, 2, "编制2025年协作方案", due="6月底前", lead=DRC)
    ids["P1"] = add_project(
        store, make_project, 2026, 9, "LP-1", lead=TRANSPORT, planned=1000,
        reports={"2026-10": 600, "2026-11": 800, "2026-12": 900},
        milestones=(
            ("开工", "2026-03-01", "2026-02-20"),
            ("主体完工", "2026-09-30", "2026-10-15"),
            ("竣工验收", "2026-12-31", None),
            ("可研批复", "2025-06-30", "2025-06-01"),
        ),
    )  # fmt: skip
    ids["P2"] = add_project(
        store, make_project, 2026, 10, "LP-2", lead=WATER, planned=500,
        reports={"2025-12": 400, "2026-11": 100},
        milestones=(("可研批复", "2026-06-30", None),),
    )  # fmt: skip
    # A project of the 2025 list only, planned for 2026 too: not an item of 2026's list.
    add_project(store, make_project, 2025, 3, "LP-3", lead=WATER, planned=None)
    with store.write():
        store.conn.execute(
            "INSERT INTO project_annual_target (project_id, year, planned_investment)"
            " VALUES ((SELECT id FROM project WHERE code = 'LP-3'), 2026, 9999)"
        )
    return ids
