"""The Chinese font for the images 会会 draws (the statistics chart, the event poster).

Noto Sans CJK SC (SIL Open Font License) comes with the ``mplfonts`` dependency, so images have
Chinese text on a bare server too; only that file of the package is used. A machine without
it falls back to an installed CJK font, and failing that to none (callers then draw English).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from matplotlib import font_manager

BUNDLED = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
INSTALLED_HINTS = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han",
    "WenQuanYi",
    "AR PL",
)


@cache
def cjk_font_file() -> Path | None:
    """A font file with Chinese glyphs: the bundled one, else one installed, else None."""
    package, name = BUNDLED
    spec = importlib.util.find_spec(package)  # finds the files without importing the package
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / name
        if bundled.is_file():
            return bundled
    for entry in font_manager.fontManager.ttflist:
        if any(hint.lower() in entry.name.lower() for hint in INSTALLED_HINTS):
            return Path(entry.fname)
    return None


@cache
def cjk_font() -> str | None:
    """The font's family name, registered with matplotlib."""
    path = cjk_font_file()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@cache
def _glyphs() -> frozenset[int]:
    """Code points the CJK font can draw (empty without one)."""
    path = cjk_font_file()
    if path is None:
        return frozenset()
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(path)).get_charmap())


def drawable(text: str) -> str:
    """The text without what the font would draw as empty boxes — emoji, with whatever their
    joiners bind to them — so "🎉 滨江徒步 🚶‍♀️" is drawn as "滨江徒步". Without a CJK font,
    only ASCII is kept."""
    glyphs = _glyphs()
    text = _JOINED.sub("", text)
    kept = "".join(c for c in text if c == "\n" or (ord(c) in glyphs if glyphs else c.isascii()))
    return _SPACES.sub(" ", kept).strip()


# A zero-width joiner and what it joins to the emoji before it (🚶‍♀️: the ♀ is not drawn alone).
_JOINED = re.compile("\u200d.\ufe0f?")
_SPACES = re.compile(" {2,}")
