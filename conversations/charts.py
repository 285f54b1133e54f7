"""The statistics chart (PNG). Chinese labels need a CJK font (``conversations.fonts``); without
one, the chart is drawn with English labels so it still renders. Drawing takes long enough to
be done in the worker process (``bot.common.workers``)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on a server
from matplotlib import pyplot as plt  # noqa: E402

from bot.common.workers import in_worker  # noqa: E402
from conversations.fonts import cjk_font  # noqa: E402


async def warm_up() -> None:
    """Start the worker process and load the font there, so the first /stats after a start
    does not wait for either."""
    await in_worker(cjk_font)


def stats_chart(
    title: str,
    funnel: list[tuple[str, int]],
    distributions: list[tuple[str, list[tuple[str, int]]]],
) -> bytes:
    """Bars: the sign-up funnel, then one panel per distribution (its first 8 items, in the
    order given); up to eight distributions. Titles and items come as the words to show."""
    font = cjk_font()
    style = {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context({"font.family": "sans-serif", **style}):
        panels = [(title, funnel), *distributions]
        rows = 2 if len(panels) <= 6 else 3
        figure, axes = plt.subplots(rows, 3, figsize=(12, 3.5 * rows))
        for axis, (name, items) in zip(axes.flat, panels, strict=False):
            items = items[:8]
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
