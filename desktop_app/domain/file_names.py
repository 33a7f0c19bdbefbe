"""File names built from unit names and periods, safe on Windows (Chinese kept)."""

from __future__ import annotations

import re

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(text: str, fallback: str = "未命名") -> str:
    """``text`` with \\ / : * ? " < > | and control characters replaced, no leading or trailing
    dots or spaces (Windows refuses them)."""
    return _FORBIDDEN.sub("_", text).strip(" ._") or fallback
