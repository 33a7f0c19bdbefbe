"""The fonts embedded in every PDF: 宋体/仿宋/黑体 from Windows when present, else the bundled faces.

Without the Windows fonts, 宋体 and 仿宋 text is set in the bundled AR PL UMing (a Ming/宋 face,
reduced to GB2312 and the program's own characters) and 黑体 text in the bundled WenQuanYi Micro
Hei. Neither has a bold weight, and no free CJK face with TrueType outlines and a bold weight
covers simplified Chinese: headings stand out by their face (黑体 against a 宋体 body, as in
official documents), and strokes are thickened only when heading and body share one face.
Every face is a TrueType (glyf) font registered with reportlab's ``TTFont``, which embeds a subset
of the glyphs used, so a sheet prints the same on any machine. The non-embedded CID fonts
(``STSong-Light``) are never used. Fonts are registered once per process.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..paths import bundled_cjk_font, fonts_dir

# Names under which the faces are registered with reportlab.
SONG, FANG, HEI = "CDSong", "CDFang", "CDHei"
BUNDLED = "CDSans"  # WenQuanYi Micro Hei: 黑体 without Windows, and characters the serif lacks
BUNDLED_SERIF = "CDSerif"  # AR PL UMing CN (GB2312 and more): 宋体 and 仿宋 without Windows

# (registered name, file name in the Windows font folder, subfont index for .ttc collections)
_WINDOWS_FACES: dict[str, tuple[tuple[str, int], ...]] = {
    SONG: (("simsun.ttc", 0), ("msyh.ttc", 0)),
    FANG: (("simfang.ttf", 0), ("simsun.ttc", 0), ("msyh.ttc", 0)),
    HEI: (("simhei.ttf", 0), ("msyh.ttc", 0)),
}


@dataclass(frozen=True)
class FontSet:
    """The registered face names and where they came from."""

    body: str  # 宋体 look: table cells and text
    fang: str  # 仿宋 look: letter text (督办通知单)
    heading: str  # 黑体 look: titles and table headers
    files: dict[str, str]  # face (SONG/FANG/HEI) -> font file used

    @property
    def bundled_only(self) -> bool:
        return all(Path(f).parent == fonts_dir() for f in self.files.values())

    @property
    def fake_bold(self) -> bool:
        """Whether headings need thickened strokes: only when they share the body's face
        (a Windows machine with only 微软雅黑, say); 黑体 against 宋体 stands out by itself."""
        return self.files.get(HEI) == self.files.get(SONG)


_lock = threading.Lock()

# Droid Sans Fallback (the interface's font) has no Latin letters or digits — Qt takes those from
# another face, a PDF cannot — so sheets use WenQuanYi Micro Hei, which has both.
BUNDLED_PDF_FONT = "wqy-microhei.ttc"
# Made by packaging/make_serif_font.py from Debian's fonts-arphic-uming (Arphic Public License).
BUNDLED_SERIF_FONT = "ARPLUMingCN-GB.ttf"


def bundled_pdf_font() -> tuple[Path, int]:
    """The bundled face for PDFs (file, subfont index)."""
    path = fonts_dir() / BUNDLED_PDF_FONT
    if path.is_file():
        return path, 0
    return bundled_cjk_font(), 0


_fonts: FontSet | None = None


def windows_font_dir() -> Path | None:
    """``%WINDIR%\\Fonts`` when it exists (on Windows), else ``None``."""
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if not windir:
        return None
    folder = Path(windir) / "Fonts"
    return folder if folder.is_dir() else None


def _try_register(name: str, path: Path, index: int) -> bool:
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    except Exception:  # noqa: BLE001 - a damaged or CFF-outline system font: fall back
        return False
    return True


def _register_once(name: str, path: Path, index: int) -> bool:
    if name in pdfmetrics.getRegisteredFontNames():
        return True
    return _try_register(name, path, index)


def register_fonts(*, use_system: bool = True) -> FontSet:
    """Register the three faces (once; safe from worker threads) and return their names."""
    global _fonts
    with _lock:
        if _fonts is not None:
            return _fonts
        folder = windows_font_dir() if use_system else None
        files: dict[str, str] = {}
        for name, candidates in _WINDOWS_FACES.items():
            for file_name, index in candidates if folder else ():
                path = folder / file_name
                if path.is_file() and _try_register(name, path, index):
                    files[name] = str(path)
                    break
        missing = [n for n in _WINDOWS_FACES if n not in files]
        names = {n: n for n in files}
        serif = fonts_dir() / BUNDLED_SERIF_FONT
        for name in missing:
            # One registration of each bundled file stands in for every face it replaces: the
            # file is parsed once and embedded (as a subset) once.
            if name != HEI and serif.is_file() and _register_once(BUNDLED_SERIF, serif, 0):
                names[name], files[name] = BUNDLED_SERIF, str(serif)
            else:
                bundled, index = bundled_pdf_font()
                _register_once(BUNDLED, bundled, index)
                names[name], files[name] = BUNDLED, str(bundled)
        _fonts = FontSet(names[SONG], names[FANG], names[HEI], files)
        return _fonts


# -- characters a face lacks ---------------------------------------------------------------------
#
# A character missing from the sheet's face would print as a blank. It is drawn from the first
# bundled face that has it instead: WenQuanYi Micro Hei (the 20,902 CJK Unified Ideographs, for a
# rare character beyond the serif face's GB2312 set, such as 濛), then Droid Sans Fallback (CJK
# Extension A, such as 㮾); one in no face at all prints as □, so the reader sees that something
# is there.

FALLBACK = "CDFallback"
PLACEHOLDER = "□"
_glyphs: dict[str, frozenset[str]] = {}
_fallbacks: list[tuple[str, ...]] = []  # [names] once tried: the faces that could be registered


def covered(font: str) -> frozenset[str]:
    """The characters ``font`` has a glyph for."""
    found = _glyphs.get(font)
    if found is None:
        face = getattr(pdfmetrics.getFont(font), "face", None)
        cmap = getattr(face, "charToGlyph", None) or {}
        found = _glyphs[font] = frozenset(map(chr, cmap))
    return found


def fallback_fonts() -> tuple[str, ...]:
    """The faces for characters the sheet's face lacks, in order (registered on first use)."""
    with _lock:
        if not _fallbacks:
            faces = []
            bundled, index = bundled_pdf_font()
            if bundled.is_file() and _register_once(BUNDLED, bundled, index):
                faces.append(BUNDLED)
            path = bundled_cjk_font()
            if path.is_file() and path != bundled and _register_once(FALLBACK, path, 0):
                faces.append(FALLBACK)
            _fallbacks.append(tuple(faces))
        return _fallbacks[0]


def split_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as ``(face, part)`` runs: ``font`` where it has the glyphs, the first fallback
    face that has them elsewhere, and □ (in ``font``) for a character in none."""
    main = covered(font)
    if main.issuperset(text):
        return [(font, text)]
    spares = [(face, covered(face)) for face in fallback_fonts() if face != font]
    runs: list[tuple[str, str]] = []
    for ch in text:
        face = font
        if ch not in main and ch not in "\n\r\t":
            face = next((name for name, glyphs in spares if ch in glyphs), None)
            if face is None:
                face, ch = font, PLACEHOLDER
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs
