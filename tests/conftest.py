"""Shared fixtures: every test gets its own real SQLite file in tmp_path.

Qt runs offscreen (set here, before anything imports Qt), and the user's data folder points into
the test's temporary folder so that no test touches the real Documents or app-data folders.
"""

from __future__ import annotations

import os
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
