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
