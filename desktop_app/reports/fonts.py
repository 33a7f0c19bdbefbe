"""The fonts embedded in every PDF: 宋体/仿宋/黑体 from Windows when present, else the bundled font.

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
BUNDLED = "CDSans"

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


_lock = threading.Lock()

# Droid Sans Fallback (the interface's font) has no Latin letters or digits — Qt takes those from
# another face, a PDF cannot — so sheets use WenQuanYi Micro Hei, which has both.
BUNDLED_PDF_FONT = "wqy-microhei.ttc"


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
        if missing:
            # One registration of the bundled font stands in for every missing face: the 4 MB
            # file is parsed once and embedded (as a subset) once.
            bundled, index = bundled_pdf_font()
            pdfmetrics.registerFont(TTFont(BUNDLED, str(bundled), subfontIndex=index))
            for name in missing:
                names[name] = BUNDLED
                files[name] = str(bundled)
        _fonts = FontSet(names[SONG], names[FANG], names[HEI], files)
        return _fonts


# -- characters a face lacks ---------------------------------------------------------------------
#
# A rare character (㮾, from CJK Extension A, say) missing from the sheet's face would print as a
# blank. It is drawn from the bundled Droid Sans Fallback instead, which covers Extension A; one
# in no face at all prints as □, so the reader sees that something is there.

FALLBACK = "CDFallback"
PLACEHOLDER = "□"
_glyphs: dict[str, frozenset[str]] = {}
_fallback: list[str | None] = []  # [name] once tried: None when it cannot be registered


def covered(font: str) -> frozenset[str]:
    """The characters ``font`` has a glyph for."""
    found = _glyphs.get(font)
    if found is None:
        face = getattr(pdfmetrics.getFont(font), "face", None)
        cmap = getattr(face, "charToGlyph", None) or {}
        found = _glyphs[font] = frozenset(map(chr, cmap))
    return found


def fallback_font() -> str | None:
    """The face for characters the sheet's face lacks (registered on first use)."""
    with _lock:
        if not _fallback:
            path = bundled_cjk_font()
            _fallback.append(
                FALLBACK if path.is_file() and _try_register(FALLBACK, path, 0) else None
            )
        return _fallback[0]


def split_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as ``(face, part)`` runs: ``font`` where it has the glyphs, the fallback face
    where only that has them, and □ (in ``font``) for a character in neither."""
    if covered(font).issuperset(text):
        return [(font, text)]
    main = covered(font)
    spare = fallback_font()
    extra = covered(spare) if spare else frozenset()
    runs: list[tuple[str, str]] = []
    for ch in text:
        if ch in main or ch in "\n\r\t":
            face = font
        elif ch in extra:
            face = spare
        else:
            face, ch = font, PLACEHOLDER
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs
