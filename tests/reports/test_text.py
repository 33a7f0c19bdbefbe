"""Chinese line breaking: lines fit their width and follow the punctuation rules."""

from __future__ import annotations

from desktop_app.reports.fonts import register_fonts
from desktop_app.reports.text import NO_END, NO_START, fit_line, text_width, wrap_lines


def test_lines_fit_and_follow_punctuation_rules():
    font = register_fonts().body
    text = (
        "加快建设成德S11线（成都至德阳段），完成投资12.5亿元。项目位于旌阳区（天府旌城），预计2026-11-29完成主体工程、附属工程。"
        * 8
    )
    for width in (60, 83, 100, 137, 250):
        lines = wrap_lines(text, font, 10, width)
        assert "".join(lines) == text.replace(" ", "")
        for i, line in enumerate(lines):
            assert text_width(line, font, 10) <= width + 0.01, (width, line)
            if i:
                assert line[0] not in NO_START, (width, line)
            if i < len(lines) - 1:
                assert line[-1] not in NO_END, (width, line)


def test_numbers_and_codes_stay_together():
    font = register_fonts().body
    lines = wrap_lines("计划于2026-11-29完成S11线主体工程建设任务", font, 10, 80)
    assert any("2026-11-29" in line for line in lines)


def test_explicit_breaks_kept_and_empty_text():
    font = register_fonts().body
    assert wrap_lines("第一行\n第二行", font, 10, 200) == ["第一行", "第二行"]
    assert wrap_lines(None, font, 10, 100) == [""]


def test_fit_line_cuts_with_ellipsis():
    font = register_fonts().body
    cut = fit_line("成德同城化发展领导小组办公室", font, 10, 50)
    assert cut.endswith("…") and text_width(cut, font, 10) <= 50


def test_a_unit_in_brackets_stays_whole_in_a_label():
    """A card's label wraps before 「(万元)」, never inside it (「(万」 / 「元)」)."""
    font = register_fonts().body
    for label in ("累计完成投资(万元)", "2026年计划投资(万元)", "偏差(天)", "完成(%)"):
        whole = label[label.index("(") :]
        for width in range(30, 120, 3):
            lines = wrap_lines(label, font, 10, width)
            assert "".join(lines) == label
            if text_width(whole, font, 10) <= width:
                assert any(whole in line for line in lines), (width, lines)
