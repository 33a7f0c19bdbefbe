"""Helpers for the PDF tests: text, pages and fonts of a written PDF, read back with pypdf."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader


def pdf_text(path: Path) -> list[str]:
    """The text of each page."""
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdf_fonts(path: Path) -> list[dict]:
    """Every font dictionary used on any page, with its descendant fonts resolved."""
    fonts = []
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        font_dict = resources.get_object().get("/Font") if resources else None
        if not font_dict:
            continue
        for ref in font_dict.get_object().values():
            fonts.append(ref.get_object())
    return fonts


def is_embedded(font: dict) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(is_embedded(d.get_object()) for d in font["/DescendantFonts"])
    desc = font.get("/FontDescriptor")
    if desc is None:
        return False
    desc = desc.get_object()
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.fixture
def pdf() -> SimpleNamespace:
    """``pdf.text(path)``, ``pdf.fonts(path)``, ``pdf.embedded(font)``."""
    return SimpleNamespace(text=pdf_text, fonts=pdf_fonts, embedded=is_embedded)
