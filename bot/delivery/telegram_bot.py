"""The Bot every part of 会会 sends through: PTB's ExtBot, plus the one place that decides an edit
which would not change a message is not sent, and which knows when buttons are gone.

Telegram refuses an edit that leaves the text, its formatting and the buttons as they are
("message is not modified"): a double tap, a "不限" pressed with nothing chosen, a progress
message with the same figures. This bot remembers how each recent message looks (from what it
sent, what it edited, and what button presses show of it) and skips such an edit, returning as
if it had been made. Should Telegram still answer "not modified" (a message this process has not
seen), that answer is taken for what it means: nothing to change.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram import Message
from telegram.error import BadRequest
from telegram.ext import ExtBot

_LOGGER = logging.getLogger(__name__)
_EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
# Entities a member or organiser chose; the others Telegram finds in the text by itself.
_FORMATTING = frozenset(
    {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "blockquote",
        "expandable_blockquote",
    }
)
REMEMBERED_MESSAGES = 20_000

# How a message looks: its text or caption, its formatting, its inline keyboard.
Look = tuple[str, tuple[tuple[Any, ...], ...], Any]


def _formatting(entities: Any) -> tuple[tuple[Any, ...], ...]:
    found = []
    for entity in entities or ():
        entity = entity if isinstance(entity, dict) else entity.to_dict()
        if entity.get("type") in _FORMATTING:
            found.append((entity["type"], entity["offset"], entity["length"], entity.get("url")))
    return tuple(found)


def _markup(markup: Any) -> Any:
    if markup is None:
        return None
    as_dict = markup if isinstance(markup, dict) else markup.to_dict()
    return as_dict.get("inline_keyboard") or None


def look_of(message: Message) -> Look:
    text = message.text if message.text is not None else message.caption
    entities = message.entities if message.text is not None else message.caption_entities
    return ((text or "").strip(), _formatting(entities), _markup(message.reply_markup))


class HuihuiBot(ExtBot[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._looks: OrderedDict[tuple[int, int], Look] = OrderedDict()
        # Messages whose buttons this bot took away by an edit.
        self._cleared: set[tuple[int, int]] = set()
        self._answered: OrderedDict[str, None] = OrderedDict()

    def saw(self, message: Message | None) -> None:
        """A message as a member's button press shows it. Only fills a gap: a press may show
        the message as it was before an edit this bot already made."""
        if message is not None and message.from_user is not None and message.from_user.is_bot:
            key = (message.chat_id, message.message_id)
            if key not in self._looks:
                self._remember(key, look_of(message))

    async def answer_callback_query(
        self, callback_query_id: str, *args: Any, **kwargs: Any
    ) -> bool:
        result = await super().answer_callback_query(callback_query_id, *args, **kwargs)
        self._answered[callback_query_id] = None
        while len(self._answered) > REMEMBERED_MESSAGES:
            self._answered.popitem(last=False)
        return result

    def answered(self, callback_query_id: str) -> bool:
        """Whether this bot already answered the button press (Telegram takes one answer)."""
        return callback_query_id in self._answered

    def buttons_removed(self, message: Message | None) -> bool:
        """Whether this bot took the buttons off the message: a press on it is the second of a
        quick double tap (the first press removed them)."""
        if message is None:
            return False
        return (message.chat_id, message.message_id) in self._cleared

    async def _send_message(
        self, endpoint: str, data: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        key = _message_key(endpoint, data)
        if key is not None and (before := self._looks.get(key)) is not None:
            if _after_edit(endpoint, data, kwargs, before) == before:
                _LOGGER.debug("edit skipped: it would not change the message")
                return True
        try:
            result = await super()._send_message(endpoint, data, *args, **kwargs)
        except BadRequest as error:
            if key is not None and "not modified" in error.message.lower():
                return True
            raise
        if isinstance(result, Message):
            look = look_of(result)
            self._remember((result.chat_id, result.message_id), look)
            if key is not None and look[2] is None:
                self._cleared.add(key)
        return result

    def _remember(self, key: tuple[int, int], look: Look) -> None:
        self._looks[key] = look
        self._looks.move_to_end(key)
        while len(self._looks) > REMEMBERED_MESSAGES:
            forgotten, _look = self._looks.popitem(last=False)
            self._cleared.discard(forgotten)


def _message_key(endpoint: str, data: dict[str, Any]) -> tuple[int, int] | None:
    if endpoint not in _EDITS or data.get("chat_id") is None or data.get("message_id") is None:
        return None
    return int(data["chat_id"]), int(data["message_id"])


def _after_edit(endpoint: str, data: dict[str, Any], options: dict[str, Any], before: Look) -> Look:
    """How the message would look after the edit (an edit without reply_markup removes it)."""
    markup = _markup(options.get("reply_markup"))
    if endpoint == "editMessageText":
        return (str(data.get("text") or "").strip(), _formatting(data.get("entities")), markup)
    if endpoint == "editMessageCaption":
        caption = options.get("caption")
        return ((caption or "").strip(), _formatting(options.get("caption_entities")), markup)
    return (before[0], before[1], markup)
