"""Shared fixtures: every test gets its own real SQLite file in tmp_path.

Qt runs offscreen (set here, before anything imports Qt), and the user's data folder points into
the test's temporary folder so that no test touches the real Documents or app-data folders.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402

from desktop_app.services.setup import builtin_dataset  # noqa: E402
from desktop_app.store import Store, seed  # noqa: E402
from desktop_app.store.projects import create_project  # noqa: E402
from desktop_app.store.units import get_unit  # noqa: E402


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CHENGDE_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture(scope="session")
def dataset() -> dict:
    return builtin_dataset()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory, dataset: dict) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    with Store.open(path, user="测试员") as store:
        seed.load_dataset(store, dataset)
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "项目库.db"


@pytest.fixture
def store(tmp_path: Path, _seeded_template: Path) -> Store:
    """A database holding the built-in plan dataset (a fresh copy per test)."""
    path = tmp_path / "项目库.db"
    path.write_bytes(_seeded_template.read_bytes())
    s = Store.open(path, user="测试员")
    yield s
    s.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    """A database with the schema and nothing else."""
    s = Store.open(tmp_path / "空库.db", user="测试员")
    yield s
    s.close()


@pytest.fixture
def make_project(store: Store):
    """Create a project in one line: ``make_project(name=..., lead="市交通运输局", planned_start=...)``."""

    def make(
        code: str | None = None,
        name: str = "测试项目",
        *,
        lead: str | None = None,
        responsible: tuple[str, ...] = (),
        district: str | None = None,
        **fields,
    ) -> str:
        units = []
        if lead:
            units.append((get_unit(store, lead).id, "牵头"))
        units += [(get_unit(store, n).id, "责任") for n in responsible]
        values = {"code": code or f"T-{uuid.uuid4().hex[:6]}", "name": name, **fields}
        if district:
            values["district_id"] = get_unit(store, district).id
        return create_project(store, values, units=units)

    return make


@pytest.fixture
def today() -> date:
    return date(2026, 11, 29)


FIRST_RELEASE = Path(__file__).parent / "store" / "data"


def _first_release_db(path: Path) -> None:
    """The file as the first release made it: its schema and its loader, then two office edits."""
    data = json.loads((FIRST_RELEASE / "plan_2021_first_release.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(path)
    conn.executescript((FIRST_RELEASE / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.execute("PRAGMA user_version = 3")
    plan = data["plan"]
    plan_id = conn.execute(
        "INSERT INTO plan (code, title, doc_no, start_year, end_year) VALUES (?,?,?,?,?)",
        (plan["code"], plan["title"], plan["doc_no"], plan["start_year"], plan["end_year"]),
    ).lastrowid
    sections = {}
    for s in data["sections"]:
        sections[s["key"]] = conn.execute(
            "INSERT INTO plan_section (plan_id, key, kind, number, title, parent_id)"
            " VALUES (?,?,?,?,?,?)",
            (plan_id, s["key"], s["kind"], s["number"], s["title"], sections.get(s["parent"])),
        ).lastrowid
    units = {}
    for sort, u in enumerate(data["units"], start=1):
        units[u["name"]] = conn.execute(
            "INSERT INTO unit (name, short_name, kind, sort) VALUES (?,?,?,?)",
            (u["name"], u["short_name"], u["kind"], sort),
        ).lastrowid
    for i in data["indicators"]:
        conn.execute(
            "INSERT INTO indicator (plan_id, seq, category, name, unit, operator, target,"
            " target_text, year) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                plan_id,
                i["seq"],
                i["category"],
                i["name"],
                i["unit"],
                i["operator"],
                i["target"],
                i["target_text"],
                i["year"],
            ),
        )
    columns = {s["number"]: sections[s["key"]] for s in data["sections"] if s["kind"] == "专栏"}
    for p in data["projects"]:
        pid = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO project (id, code, name, plan_id, section_id, category, stage,"
            " district_id, source_text) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                pid,
                p["code"],
                p["name"],
                plan_id,
                columns.get(p["column"]) or sections.get(p["section"] or ""),
                p["category"],
                p["stage"] or "储备",
                units.get(p["district"] or ""),
                p["source"],
            ),
        )
        conn.execute(
            "INSERT INTO audit_log (user, entity, entity_id, project_id, field, old, new, source)"
            " VALUES ('张三', 'project', ?, ?, '创建', NULL, ?, '初始化')",
            (pid, pid, p["name"]),
        )
    # The office's own work: 华强沟水库 marked 在建 with a planned end, a unit's return on 石泉水库.
    for code, field, old, new, source in (
        ("CH04-002", "stage", "竣工", "在建", "手工"),
        ("CH04-003", "percent_complete", None, "40", "导入"),
    ):
        pid = conn.execute("SELECT id FROM project WHERE code = ?", (code,)).fetchone()[0]
        value = new if field == "stage" else float(new)
        conn.execute(f"UPDATE project SET {field} = ? WHERE id = ?", (value, pid))
        conn.execute(
            "INSERT INTO audit_log (user, entity, entity_id, project_id, field, old, new, source)"
            " VALUES ('李四', 'project', ?, ?, ?, ?, ?, ?)",
            (pid, pid, field, old, new, source),
        )
    conn.execute("UPDATE project SET planned_end = '2024-06-30' WHERE code = 'CH04-002'")
    conn.commit()
    conn.close()


@pytest.fixture
def first_release_db(tmp_path: Path) -> Path:
    """A database made by the first release (schema 3, its dataset of 126 projects), then edited
    by the office: 华强沟水库 set to 在建 by hand, a return's 40 % on 石泉水库."""
    path = tmp_path / "旧版项目库.db"
    _first_release_db(path)
    return path


# -- 年度考核: a year of records ------------------------------------------------------------

JY, GH, JT, SL = 1, 2, 3, 4  # 旌阳区, 广汉市, 市交通运输局, 市水利局


def _batch(conn, unit, period, at, refused=0, name=None):
    conn.execute(
        "INSERT INTO import_batch (at, user, kind, file_name, sha256, unit_id, period, counts)"
        " VALUES (?, '测试员', 'return', ?, ?, ?, ?, ?)",
        (
            at,
            name or f"{unit}_{period}.xlsx",
            f"{unit}{period}{at}",
            unit,
            period,
            json.dumps({"updated": 3, "refused": refused}),
        ),
    )


def _project(conn, pid, *, lead, stage, start, end, percent=None, district=None, **extra):
    conn.execute(
        "INSERT INTO project (id, code, name, stage, planned_start, planned_end, percent_complete,"
        " district_id, actual_end) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            pid,
            pid,
            f"项目{pid}",
            stage,
            start,
            end,
            percent,
            district,
            extra.get("actual_end"),
        ),
    )
    conn.execute(
        "INSERT INTO project_unit (project_id, unit_id, role) VALUES (?, ?, '牵头')", (pid, lead)
    )


@pytest.fixture
def assessment_year(empty_store):
    """A year of records for 年度考核 (2026), the ones tests/services/test_assessment.py scores
    by hand: four units, returns, projects, the year's tasks and 督办."""
    store = empty_store
    c = store.conn
    with store.write():
        for uid, name, kind in (
            (JY, "旌阳区", "区县"),
            (GH, "广汉市", "区县"),
            (JT, "市交通运输局", "市级部门"),
            (SL, "市水利局", "市级部门"),
        ):
            c.execute(
                "INSERT INTO unit (id, name, kind, sort) VALUES (?,?,?,?)", (uid, name, kind, uid)
            )
        c.execute(
            "INSERT INTO plan (id, code, title, start_year, end_year) VALUES (1, 'P', '规划', 2021, 2025)"
        )

        # -- returns ------------------------------------------------------------------------
        # 旌阳区: on the 3rd of the following month, except March (2026-04-08: 3 days late) and
        # July (never); May corrected by a second return; September's first return had 2
        # cells refused, then a correction.
        for m in range(1, 12):
            if m == 7:
                continue
            at = "2026-04-08T10:00:00" if m == 3 else f"2026-{m + 1:02d}-03T09:00:00"
            _batch(c, JY, f"2026-{m:02d}", at, refused=2 if m == 9 else 0)
        _batch(c, JY, "2026-05", "2026-06-10T15:00:00", name="旌阳区_5月_更正.xlsx")
        _batch(c, JY, "2026-09", "2026-10-06T11:00:00", name="旌阳区_9月_更正.xlsx")
        # 市交通运输局: every month on the 4th, once, nothing refused.
        for m in range(1, 12):
            _batch(c, JT, f"2026-{m:02d}", f"2026-{m + 1:02d}-04T09:00:00")
        # 市水利局: one return, for January, late (a unit to rank against 交通局).
        c.execute(
            "INSERT INTO project (id, code, name, stage) VALUES ('SL1', 'SL1', '水利项目', NULL)"
        )
        c.execute("INSERT INTO project_unit VALUES ('SL1', ?, '牵头')", (SL,))
        _batch(c, SL, "2026-01", "2026-02-20T09:00:00")

        # -- projects (lights on 2026-12-06) -------------------------------------------------
        _project(c, "P1", lead=JY, stage="在建", start="2025-01-01", end="2027-12-31", percent=80)
        _project(c, "P2", lead=JY, stage="在建", start="2025-01-01", end="2026-06-30", percent=90)
        _project(
            c, "P3", lead=JT, stage="在建", start="2026-01-01", end="2026-12-31", percent=90,
            district=JY,
        )  # fmt: skip
        _project(
            c, "P4", lead=JY, stage="竣工", start="2024-01-01", end="2025-06-30",
            actual_end="2025-06-30",
        )  # fmt: skip
        _project(c, "P5", lead=JY, stage=None, start=None, end=None)
        _project(c, "P6", lead=JT, stage="在建", start="2026-01-01", end="2026-12-31", percent=10)
        for pid, plan in (("P1", 1000), ("P2", 500), ("P3", 2000), ("P6", 1000)):
            c.execute("INSERT INTO project_annual_target VALUES (?, 2026, ?, NULL)", (pid, plan))
        for pid, period, amount in (
            ("P1", "2026-10", 600),
            ("P1", "2026-11", 800),
            ("P2", "2026-11", 500),
            ("P3", "2026-11", 1200),
            ("P1", "2025-12", 9999),  # last year's: not counted
        ):
            c.execute(
                "INSERT INTO progress_report (project_id, period, investment_this_year)"
                " VALUES (?,?,?)",
                (pid, period, amount),
            )

        # -- the year's list and its tasks ----------------------------------------------------
        c.execute("INSERT INTO annual_list (year, plan_id, title) VALUES (2026, 1, '2026年清单')")
        tasks = (
            # id, due text, units {unit: role}
            (1, "6月底前", {JY: "牵头"}),
            (2, "2026-09-30", {JT: "牵头", JY: "责任"}),
            (3, "年底前", {JY: "牵头"}),
            (4, "三季度", {JY: "牵头"}),
            (5, "6月底前", {JY: "配合"}),
            (6, "3月底前", {JY: "牵头"}),
            (7, "持续推进", {JT: "牵头"}),
        )
        for tid, due, units in tasks:
            c.execute(
                "INSERT INTO task (id, plan_id, code, title) VALUES (?, 1, ?, ?)",
                (tid, f"RW-{tid}", f"任务{tid}"),
            )
            c.execute(
                "INSERT INTO annual_item (year, seq, task_id, due_text) VALUES (2026, ?, ?, ?)",
                (tid, tid, due),
            )
            for uid, role in units.items():
                c.execute("INSERT INTO task_unit VALUES (?,?,?)", (tid, uid, role))
        for tid, unit, period, state, done in (
            (1, JY, "2026-06", "已完成", "2026-06-20"),  # on time
            (2, JY, "2026-10", "推进中", None),  # the 责任 unit's word …
            (2, JT, "2026-10", "已完成", "2026-10-15"),  # … the lead's counts: 15 days late
            (3, JY, "2026-11", "推进中", None),  # due at year end: not yet counted
            (4, JY, "2026-08", "推进中", None),
            (4, JY, "2026-11", "推进中", None),  # due 2026-09-30, not done: overdue
            (5, JY, "2026-05", "推进中", None),  # 旌阳区 only 配合: not its task
            (6, JY, "2026-03", "已完成", "2026-03-25"),  # on time
        ):
            c.execute(
                "INSERT INTO task_report (task_id, unit_id, period, state, done_date)"
                " VALUES (?,?,?,?,?)",
                (tid, unit, period, state, done),
            )

        # -- 督办 ----------------------------------------------------------------------------
        for issued, reply_by, replied, project in (
            ("2026-03-01", "2026-03-15", "2026-03-14", "P1"),  # on time
            ("2026-07-01", "2026-07-15", "2026-07-20", "P2"),  # 5 days late
            ("2026-10-01", "2026-10-15", None, "P2"),  # past its date, no reply
            ("2026-11-20", "2026-12-20", None, "P1"),  # not due yet: not counted
            ("2025-12-01", "2025-12-15", None, "P1"),  # last year's: not counted
        ):
            c.execute(
                "INSERT INTO supervision (project_id, unit_id, issued_date, reply_by,"
                " replied_date, reason, status) VALUES (?,?,?,?,?,'滞后',?)",
                (project, JY, issued, reply_by, replied, "已回复" if replied else "已发"),
            )
    return store


@pytest.fixture
def annual_2026(store, make_project):
    """A 2026 年度清单: three of the plan's tasks and two projects, with units and targets.

    Returns ``{name: item id}`` of its entries (tasks under their plan chapters, projects
    under 「重大项目」)."""
    from desktop_app.services import annual
    from desktop_app.store.annual import candidates

    annual.create_list(store, 2026)
    tasks = [c for c in candidates(store) if c.kind == "任务"][:3]
    p1 = make_project("AL-1", "成德大道北延线", lead="市交通运输局", responsible=("广汉市",))
    p2 = make_project("AL-2", "德阳东湖山公园提升", lead="旌阳区", stage="在建")
    ids = annual.add_items(store, 2026, [("任务", t.id) for t in tasks])
    ids += annual.add_items(store, 2026, [("项目", p1), ("项目", p2)], heading="重大项目")
    unit = {u: get_unit(store, u).id for u in ("市发展改革委", "市交通运输局", "旌阳区", "广汉市")}
    targets = [
        annual.Targets(
            expected="出台工作方案",
            due_text="6月底前",
            units=[(unit["市发展改革委"], "牵头"), (unit["旌阳区"], "责任")],
        ),
        annual.Targets(
            expected="建立协同机制", due_text="三季度", units=[(unit["市交通运输局"], "牵头")]
        ),
        annual.Targets(
            expected="形成阶段性成果",
            due_text="持续推进",
            units=[(unit["市发展改革委"], "牵头"), (unit["广汉市"], "责任")],
        ),
        annual.Targets(
            expected="完成路基工程",
            due_text="年底前",
            target_stage="在建",
            planned_investment=12000,
            units=[(unit["市交通运输局"], "牵头"), (unit["广汉市"], "责任")],
        ),
        annual.Targets(
            expected="建成投用",
            due_text="年底前",
            target_stage="竣工",
            planned_investment=800.5,
            units=[(unit["旌阳区"], "牵头")],
        ),
    ]
    for item_id, t in zip(ids, targets, strict=True):
        annual.set_targets(store, item_id, t)
    names = [t.name for t in tasks] + ["成德大道北延线", "德阳东湖山公园提升"]
    return dict(zip(names, ids, strict=True))
