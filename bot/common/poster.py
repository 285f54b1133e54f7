"""The event poster an organiser prints or posts in a group chat: title, time and place in
Chinese (with the bundled CJK font), and the QR code of the sign-up deep link. The chat's
/events and the desk's event page make the same poster from ``event_poster_of``."""

from __future__ import annotations

import io

import qrcode
from PIL import Image, ImageDraw, ImageFont

from bot.common.config import Settings
from bot.common.fonts import cjk_font_file, drawable
from bot.common.i18n import Translator
from bot.common.wording.events import Event, event_time

WIDTH, HEIGHT = 1080, 1500
MARGIN = 80
RED, INK, GREY = (200, 40, 40), (30, 30, 30), (110, 110, 110)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# Punctuation a Chinese line never starts with: it stays at the end of the line before.
NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")


def sign_up_link(bot_username: str, event_id: int) -> str:
    """The deep link that opens the bot on the event's sign-up (/start event_N)."""
    return f"https://t.me/{bot_username}?start=event_{event_id}"


def poster_lines(event: Event, settings: Settings, _: Translator) -> tuple[str, str]:
    """The poster's time and place lines, which the chat's caption repeats."""
    return (
        _("Time: {time}", time=event_time(event, settings)),
        _("Place: {venue}", venue=event.venue or _("Online")),
    )


def event_poster_of(event: Event, link: str, host: str, settings: Settings, _: Translator) -> bytes:
    """The poster of ``event`` in the organiser's language (drawing takes a moment: call it
    off the event loop)."""
    when, venue = poster_lines(event, settings, _)
    call = _("Scan with Telegram to sign up with 会会")
    # A title of emoji alone has nothing the font draws: the poster says what it is for.
    title = event.title if drawable(event.title) else _("Event")
    return event_poster(title, when, venue, link, call, host)


def event_poster(
    title: str, when: str, venue: str, link: str, call_to_action: str, host: str
) -> bytes:
    """A PNG poster. ``when`` and ``venue`` come worded ("时间：…"); long titles and venues
        wrap (the title to at most three lines). Emoji are left out: the CJK font has none, and
    they would be drawn as empty boxes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 24), fill=RED)
    y = _paragraph(draw, drawable(host), _font(36), RED, 70) + 20
    y = _paragraph(draw, drawable(title), _font(72), INK, y, max_lines=3) + 40
    y = _paragraph(draw, drawable(when), _font(44), INK, y) + 16
    y = _paragraph(draw, drawable(venue), _font(44), GREY, y, max_lines=2) + 50
    code = qrcode.make(link, box_size=14, border=2).get_image().convert("RGB")
    side = min(WIDTH - 2 * MARGIN, HEIGHT - y - 190)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((WIDTH - side) // 2, y))
    y += side + 40
    _paragraph(draw, call_to_action, _font(48), RED, y, centred=True)
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=RED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int) -> Font:
    path = cjk_font_file()
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def _paragraph(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: Font,
    colour: tuple[int, int, int],
    top: int,
    *,
    max_lines: int | None = None,
    centred: bool = False,
) -> int:
    """Draw text wrapped to the page width (character by character, as Chinese wraps);
    returns the y below it."""
    lines = _wrapped(draw, text, font, WIDTH - 2 * MARGIN)
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][:-1] + "…"]
    height = int(getattr(font, "size", 20) * 1.35)
    for line in lines:
        left = MARGIN
        if centred:
            left = (WIDTH - int(draw.textlength(line, font=font))) // 2
        draw.text((left, top), line, font=font, fill=colour)
        top += height
    return top


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for character in paragraph:
            fits = draw.textlength(line + character, font=font) <= width
            # Punctuation may hang at the end of a line that fits, one mark past the edge;
            # a line already over the edge breaks before it all the same ("，，，…" ran off).
            hangs = character in NO_LINE_START and draw.textlength(line, font=font) <= width
            if line and not fits and not hangs:
                lines.append(line)
                line = ""
            line += character
        lines.append(line)
    return lines
