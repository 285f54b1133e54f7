"""The Chinese font for the images 会会 draws (the statistics chart, the event poster).

Noto Sans CJK SC (SIL Open Font License) comes with the ``mplfonts`` dependency, so images have
Chinese text on a bare server too; only that file of the package is used. A machine without
it falls back to an installed CJK font, and failing that to none (callers then draw English).
"""

from __future__ import annotations

import importlib.util
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
