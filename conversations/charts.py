"""The statistics chart (PNG). Chinese labels need a CJK font (``bot.common.fonts``); without
one, the chart is drawn with English labels so it still renders. Drawing takes long enough to
be done in the worker process (``bot.common.workers``)."""

from __future__ import annotations

import io
from contextlib import AbstractContextManager

import matplotlib

matplotlib.use("Agg")  # no display on a server
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.common.fonts import cjk_font, drawable  # noqa: E402
from bot.common.workers import in_worker  # noqa: E402


async def warm_up() -> None:
    """Start the worker process and load the font there, so the first /stats after a start
    does not wait for either."""
    await in_worker(cjk_font)


def stats_chart(
    heading: str,
    title: str,
    funnel: list[tuple[str, int]],
    distributions: list[tuple[str, list[tuple[str, int]]]],
) -> bytes:
    """The chart as a PNG whose metadata carry its heading and panel titles (as text, for
    whoever files or searches the image)."""
    with _style():
        figure = stats_figure(heading, title, funnel, distributions)
        buffer = io.BytesIO()
        panels = [axis.get_title() for axis in figure.axes if axis.get_title()]
        metadata = {"Title": drawable(heading), "Description": " | ".join(panels)}
        figure.savefig(buffer, format="png", dpi=90, metadata=metadata)
        plt.close(figure)
    return buffer.getvalue()


def stats_figure(
    heading: str,
    title: str,
    funnel: list[tuple[str, int]],
    distributions: list[tuple[str, list[tuple[str, int]]]],
) -> Figure:
    """Bars: the sign-up funnel, then one panel per distribution (its first 8 items, in the
    order given); up to eight distributions; ``heading`` (union and date) above them all.
    Titles and items come as the words to show; what the font cannot draw (emoji) is left out,
    and counts are whole numbers on the axes."""
    panels = [(title, funnel), *distributions]
    rows = 2 if len(panels) <= 6 else 3
    with _style():
        figure, axes = plt.subplots(rows, 3, figsize=(12, 3.5 * rows))
        figure.suptitle(drawable(heading), fontsize=14)
        for axis, (name, items) in zip(axes.flat, panels, strict=False):
            items = items[:8]
            labels = [drawable(k) or "—" for k, _v in items][::-1]
            axis.barh(range(len(items)), [v for _k, v in items][::-1], color="#d9534f")
            axis.set_yticks(range(len(items)), labels)
            axis.set_title(drawable(name), fontsize=11)
            axis.tick_params(labelsize=8)
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # no 0.5 of a person
        for axis in list(axes.flat)[len(panels) :]:
            axis.axis("off")
        figure.tight_layout()
    return figure


def _style() -> AbstractContextManager[None]:
    """Matplotlib drawing with the CJK font first (DejaVu Sans for what it lacks)."""
    font = cjk_font()
    fonts = {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    return plt.rc_context({"font.family": "sans-serif", **fonts})
