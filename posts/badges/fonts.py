"""Fonts for badge images, found inside an installed package rather than on the system.

DejaVu Sans comes with matplotlib (``mpl-data/fonts/ttf``), a pinned requirement; it
covers Latin, Greek, Cyrillic, Armenian, Georgian, Arabic and Hebrew, among others.
Only the font files are read: matplotlib itself is never imported. Characters DejaVu
lacks (Chinese, Japanese, Korean, Devanagari ...) are drawn from the fonts listed in
``BADGE_FALLBACK_FONTS`` when the operator installs some (e.g. Debian's
fonts-noto-cjk); text that no available font covers is never drawn as empty boxes:
``runs`` returns None and the caller shows something else (see ``drawing``).
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont


def _mpl_fonts() -> Path:
    spec = importlib.util.find_spec("matplotlib")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (for its DejaVu fonts) is not installed")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


FONT_DIR = _mpl_fonts()
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


@lru_cache(maxsize=16)
def coverage(path: str) -> frozenset[int]:
    """Code points the font (or the first font of a collection) has glyphs for."""
    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@lru_cache(maxsize=128)
def load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def chain(*, bold: bool) -> list[str]:
    """The font tried first, then the configured fallbacks that exist on this machine."""
    first = str(BOLD if bold else REGULAR)
    extra = [p for p in settings.BADGE_FALLBACK_FONTS if Path(p).is_file()]
    return [first, *extra]


def _attaches(char: str) -> bool:
    # Spaces, joiners and combining marks go with the run before them.
    return char.isspace() or unicodedata.category(char) in {"Mn", "Me", "Cf"}


def runs(text: str, *, bold: bool) -> list[tuple[str, str]] | None:
    """Split ``text`` into (font path, text) runs; None if some character has no font."""
    fonts = chain(bold=bold)
    result: list[tuple[str, str]] = []
    for char in text:
        if result and _attaches(char):
            path, run = result[-1]
            result[-1] = (path, run + char)
            continue
        path = next((p for p in fonts if ord(char) in coverage(p)), None)
        if path is None:
            return None
        if result and result[-1][0] == path:
            result[-1] = (path, result[-1][1] + char)
        else:
            result.append((path, char))
    return result


def drawable(text: str, *, bold: bool = True) -> bool:
    return runs(text, bold=bold) is not None
