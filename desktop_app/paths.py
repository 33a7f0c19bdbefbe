"""Where the application's own files are: the schema, the fonts, the built-in dataset.

In a source checkout (or an editable install) they sit beside the package; in the packaged
application PyInstaller puts them under ``sys._MEIPASS`` with the same relative layout.
"""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def schema_path() -> Path:
    return app_root() / "db" / "schema.sql"


def resources_dir() -> Path:
    return app_root() / "resources"


def dataset_path() -> Path:
    return resources_dir() / "dataset" / "plan_2021.json"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def bundled_cjk_font() -> Path:
    return fonts_dir() / "DroidSansFallbackFull.ttf"
