"""What a photo a member sent in the chat shows. Telegram keeps the photo; it is downloaded
(at most a few MB: Telegram's largest size of a photo) and read off the event loop."""

from __future__ import annotations

import asyncio

from telegram import PhotoSize
from telegram.error import TelegramError

from bot.domain import N_
from bot.domain.photos import shows_a_code
from conversations.context import HuihuiContext

NOT_READ = N_("I could not read this photo. Please send it again.")


async def photo_shows_a_code(context: HuihuiContext, photo: PhotoSize) -> bool | None:
    """Whether the photo shows a QR code or another matrix code; None when Telegram did not
    give the file (the caller asks the member to send it again)."""
    try:
        file = await context.bot.get_file(photo.file_id)
        content = bytes(await file.download_as_bytearray())
    except TelegramError:
        return None
    return await asyncio.to_thread(shows_a_code, content)
