"""The statistics chart (PNG). Chinese labels need a CJK font: the first one installed on the
machine is used; without one, the chart is drawn with English labels so it still renders."""

from __future__ import annotations

import io
from collections import Counter
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no display on a server
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

CJK_FONT_HINTS = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han",
    "WenQuanYi",
    "SimHei",
    "Microsoft YaHei",
    "PingFang",
    "Heiti",
    "AR PL",
)


@cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, if any."""
    for entry in font_manager.fontManager.ttflist:
        if any(hint.lower() in entry.name.lower() for hint in CJK_FONT_HINTS):
            return entry.name
    return None


def stats_chart(
    title: str, funnel: list[tuple[str, int]], distributions: list[tuple[str, Counter[str]]]
) -> bytes:
    """Bars: the sign-up funnel, then one panel per distribution (top 8 items each); up to
    eight distributions. Titles and items come as the words to show."""
    font = cjk_font()
    style = {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context({"font.family": "sans-serif", **style}):
        panels = [(title, Counter(dict(funnel))), *distributions]
        rows = 2 if len(panels) <= 6 else 3
        figure, axes = plt.subplots(rows, 3, figsize=(12, 3.5 * rows))
        for index, (axis, (name, counts)) in enumerate(zip(axes.flat, panels, strict=False)):
            # The funnel (first) keeps its order; distributions show their largest items.
            items = list(counts.items()) if index == 0 else counts.most_common(8)
            axis.barh([k for k, _v in items][::-1], [v for _k, v in items][::-1], color="#d9534f")
            axis.set_title(name, fontsize=11)
            axis.tick_params(labelsize=8)
        for axis in list(axes.flat)[len(panels) :]:
            axis.axis("off")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
        plt.close(figure)
    return buffer.getvalue()
