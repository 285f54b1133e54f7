"""What a picture a member sent in the chat shows: a photo, or a sticker (a sticker set of one's
own can carry a WeChat QR code). Telegram keeps the file; it is downloaded (a photo's largest
size is a few MB, a sticker at most 512 KB) and read off the event loop.

What was read is kept a while by the file's unique id: the same photo forwarded again, or one
sticker sent over and over before the pace refuses it, is not a download each time."""

from __future__ import annotations

from cachetools import LRUCache
from telegram import PhotoSize, Sticker
from telegram.error import TelegramError

from bot.common.pictures import read_picture
from bot.domain import N_
from bot.domain.photos import shows_a_code
from conversations.context import HuihuiContext

NOT_READ = N_("I could not read this picture. Please send it again.")
_read: LRUCache[str, bool] = LRUCache(maxsize=1000)


async def picture_shows_a_code(context: HuihuiContext, picture: PhotoSize | Sticker) -> bool | None:
    """Whether the photo or sticker shows a QR code or another matrix code; None when Telegram
    did not give the file (the caller asks the member to send it again). Of an animated or
    video sticker its still thumbnail is read (a code held still in it shows there), not the
    animation."""
    if isinstance(picture, Sticker) and (picture.is_animated or picture.is_video):
        if picture.thumbnail is None:
            return False
        picture = picture.thumbnail
    if (known := _read.get(picture.file_unique_id)) is not None:
        return known
    try:
        file = await context.bot.get_file(picture.file_id)
        content = bytes(await file.download_as_bytearray())
    except TelegramError:
        return None
    found = await read_picture(shows_a_code, content)
    _read[picture.file_unique_id] = found
    return found
