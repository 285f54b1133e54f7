"""The event poster's drawing at its edges: what the organiser prints or posts in a group."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from PIL import Image, ImageDraw

from bot.common.config import Settings
from bot.common.i18n import translator
from bot.common.poster import MARGIN, WIDTH, event_poster_of
from bot.common.poster import _font as poster_font
from bot.common.poster import _wrapped as wrapped

START = datetime(2026, 12, 12, 6, 0, tzinfo=UTC)


def poster(title: str) -> Image.Image:
    event = SimpleNamespace(
        title=title,
        description="",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        venue="浦东图书馆",
    )
    made = event_poster_of(
        event,
        "https://t.me/huihui_bot?start=event_1",
        "浦东新区总工会",
        Settings(_env_file=None),
        translator("zh"),
    )
    return Image.open(io.BytesIO(made)).convert("L")


def test_a_title_of_punctuation_alone_stays_inside_the_page() -> None:
    """Marks that may not start a line never broke one: a title of "，" ran off the right edge
    (a mark may still hang one past the edge of a line that fits)."""
    draw, font = ImageDraw.Draw(Image.new("RGB", (WIDTH, 200))), poster_font(72)
    width = WIDTH - 2 * MARGIN
    lines = wrapped(draw, "，" * 60, font, width)
    assert len(lines) > 1
    assert all(draw.textlength(line[:-1], font=font) <= width for line in lines)


def test_a_title_of_emoji_alone_still_says_what_the_poster_is_for() -> None:
    """The font has no emoji: a title of 🎉🎉🎉 drew a poster with no title at all."""
    assert poster("🎉🎉🎉").tobytes() == poster("活动").tobytes()
