"""Make resources/fonts/ARPLUMingCN-GB.ttf, the serif (宋体-style) face of the PDFs without Windows.

The source is AR PL UMing CN, face 0 of ``uming.ttc`` in Debian's ``fonts-arphic-uming``
(0.2.20080216.2), under the Arphic Public License. The whole face is 20.7 MB; the PDFs need the
GB2312 set, the punctuation and the characters of the built-in plan data and of the program's own
text, which come to 4.8 MB. Glyphs are not changed; the embedded bitmaps are dropped. As the
licence asks of a modified font, the file says how and when it was changed (name table) and stays
under the Arphic Public License (resources/fonts/LICENSE-ARPHICPL.txt).

Run once when the character set changes (needs fonttools, which the program does not)::

    apt-get download fonts-arphic-uming && dpkg-deb -x fonts-arphic-uming_*.deb deb
    python packaging/make_serif_font.py deb/usr/share/fonts/truetype/arphic/uming.ttc
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts" / "ARPLUMingCN-GB.ttf"

# Latin, general and CJK punctuation, fullwidth forms, and the symbols the sheets draw.
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
EXTRA = "□■●○◆◇△▲※→←↑↓√×÷±≤≥≈≠‰℃№Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ Ⅵ Ⅶ Ⅷ Ⅸ Ⅹ ①②③④⑤⑥⑦⑧⑨⑩"


def gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def program_text() -> set[int]:
    """Every character of the built-in data and of the program's sources (its Chinese text)."""
    chars: set[int] = set()
    files = [*ROOT.joinpath("resources", "dataset").glob("*.json")]
    files += ROOT.joinpath("desktop_app").rglob("*.py")
    for path in files:
        chars.update(ord(ch) for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7F)
    return chars


def wanted() -> set[int]:
    chars = gb2312() | program_text() | {ord(ch) for ch in EXTRA if ch != " "}
    for lo, hi in RANGES:
        chars.update(range(lo, hi + 1))
    return chars


def main(source: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    face = TTCollection(source).fonts[0]
    have = set(face.getBestCmap())
    keep = sorted(wanted() & have)
    options = subset.Options()
    options.drop_tables += ["EBDT", "EBLC", "EBSC", "BDF "]  # bitmaps for screens, not print
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(face)
    notice = (
        f"Modified on {date.today().isoformat()} for the 成德同城化重大项目管理 program: "
        f"reduced to {len(keep)} characters (GB2312, punctuation and the program's own text) "
        "from face 0 (AR PL UMing CN) of uming.ttc, Debian fonts-arphic-uming "
        "0.2.20080216.2; embedded bitmaps removed; outlines unchanged. "
        "Distributed under the ARPHIC PUBLIC LICENSE."
    )
    name = face["name"]
    for record in list(name.names):
        if record.nameID == 0:
            name.setName(f"{record.toUnicode()}\n\n{notice}", 0, *_key(record))
    name.setName(notice, 10, 3, 1, 0x409)
    face.save(OUT)
    print(f"{OUT.name}: {len(keep)} characters, {OUT.stat().st_size:,} bytes")


def _key(record) -> tuple[int, int, int]:
    return record.platformID, record.platEncID, record.langID


if __name__ == "__main__":
    main(sys.argv[1])
