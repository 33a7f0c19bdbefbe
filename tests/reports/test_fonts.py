"""The faces of the PDFs without the Windows fonts: a bundled serif (AR PL UMing) for the body and
the letter text, WenQuanYi Micro Hei for headings, and every printed character in the serif."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from reportlab.pdfbase import pdfmetrics

from desktop_app.paths import fonts_dir
from desktop_app.reports.fonts import (
    BUNDLED,
    BUNDLED_SERIF,
    BUNDLED_SERIF_FONT,
    covered,
    register_fonts,
)
from desktop_app.services.demo import generate_demo
from desktop_app.services.reports import ReportOptions, render_sheet

TODAY = date(2026, 12, 6)


def test_the_body_is_a_bundled_truetype_serif_and_headings_a_hei_without_fake_bold():
    fonts = register_fonts()
    assert (fonts.body, fonts.fang, fonts.heading) == (BUNDLED_SERIF, BUNDLED_SERIF, BUNDLED)
    assert not fonts.fake_bold  # 黑体 against 宋体: no thickened strokes
    serif = fonts_dir() / BUNDLED_SERIF_FONT
    data = serif.read_bytes()
    # TrueType outlines (a glyf table), which reportlab can embed; no CFF.
    assert b"glyf" in data[:512] and b"CFF " not in data[:512]
    assert (fonts_dir() / "LICENSE-ARPHICPL.txt").read_text().startswith("ARPHIC PUBLIC LICENSE")
    # Small enough for the bundle: GB2312 and the program's own text, not the 21 MB collection.
    assert serif.stat().st_size < 6_000_000
    gb2312 = {
        ch
        for hi in range(0xB0, 0xF8)
        for lo in range(0xA1, 0xFF)
        if (ch := bytes([hi, lo]).decode("gb2312", errors="ignore"))
    }
    assert len(gb2312) == 6763 and gb2312 <= covered(fonts.body)
    assert pdfmetrics.getFont(fonts.body).face.name.startswith(b"UMingCN")


@pytest.fixture
def sheets(store, tmp_path):
    """Every sheet of the built-in plan and of 40 demo projects, as written for a user."""
    generate_demo(store, 40, today=TODAY)
    options = ReportOptions(today=TODAY)
    out = []
    out += render_sheet(store, "overall", tmp_path / "overall.pdf", options)
    out += render_sheet(store, "unit", tmp_path / "units", options, unit="all")
    out += render_sheet(store, "project", tmp_path / "cards.pdf", options)
    out += render_sheet(store, "notice", tmp_path / "notices", options, unit="all")
    out += render_sheet(store, "indicators", tmp_path / "indicators.pdf", options)
    return out


def test_every_printed_character_is_in_the_serif_face(sheets):
    """Nothing the sheets print falls back to another face or to □."""
    serif = covered(register_fonts().body)
    printed: set[str] = set()
    for path in sheets:
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        printed.update(ch for ch in text if not ch.isspace())
    assert len(sheets) > 10 and len(printed) > 600
    missing = sorted(printed - serif)
    assert missing == [], "".join(missing)
    assert "□" not in printed


def test_strokes_are_thickened_only_when_headings_share_the_body_face():
    from desktop_app.reports.fonts import FANG, HEI, SONG, FontSet

    windows = "C:/Windows/Fonts/"
    song_hei = {SONG: windows + "simsun.ttc", FANG: windows + "simfang.ttf"}
    assert not FontSet(SONG, FANG, HEI, {**song_hei, HEI: windows + "simhei.ttf"}).fake_bold
    only_yahei = dict.fromkeys((SONG, FANG, HEI), windows + "msyh.ttc")
    assert FontSet(SONG, SONG, SONG, only_yahei).fake_bold
