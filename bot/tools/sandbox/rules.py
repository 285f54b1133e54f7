"""Telegram's rules for the calls 会会 makes, so the sandbox refuses what Telegram refuses.

Each rule names where the official Bot API documentation (https://core.telegram.org/bots/api)
states it. A broken rule raises ``Refused`` with the HTTP status and ``description`` Telegram
answers with; PTB turns those into ``BadRequest`` / ``Forbidden`` exactly as in production.
Limits are PTB's constants, which mirror the documentation.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

from telegram.constants import (
    BotCommandLimit,
    CallbackQueryLimit,
    FileSizeLimit,
    InlineKeyboardButtonLimit,
    InlineKeyboardMarkupLimit,
    MessageLimit,
)


class Refused(Exception):
    """Telegram refused the call: its HTTP status and its own description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def bad_request(problem: str) -> Refused:
    return Refused(400, f"Bad Request: {problem}")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: "Offset in UTF-16 code units" (MessageEntity)."""
    return len(text.encode("utf-16-le")) // 2


def decode(value: Any) -> Any:
    """A parameter PTB sent JSON-encoded (as in multipart requests), decoded."""
    return json.loads(value) if isinstance(value, str) else value


# Formatting options: "Message entities can be nested ... HTML style: <b>, <strong>, <i>, <em>,
# <u>, <ins>, <s>, <strike>, <del>, <span class="tg-spoiler">, <tg-spoiler>, <a href>, <code>,
# <pre>, <blockquote>, <tg-emoji>"; "All <, > and & symbols that are not a part of a tag or an
# HTML entity must be replaced with the corresponding HTML entities".
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
# MarkdownV2 style: "Any character with code between 1 and 126 inclusively can be escaped
# anywhere with a preceding '\' character"; "In all other places characters '_', '*', '[',
# ']', '(', ')', '~', '`', '>', '#', '+', '-', '=', '|', '{', '}', '.', '!' must be escaped".
_MARKDOWN_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_html(text: str) -> str:
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            end = text.find(">", i)
            if end < 0:
                raise bad_request(
                    f"can't parse entities: Unclosed start tag at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            tag = text[i + 1 : end].strip()
            if tag.startswith("/"):
                name = tag[1:].strip().lower()
                if not open_tags or open_tags[-1] != name:
                    expected = open_tags[-1] if open_tags else ""
                    raise bad_request(
                        f"can't parse entities: Unmatched end tag at byte offset "
                        f'{_byte_offset(text, i)}, expected "</{expected}>", found "</{name}>"'
                    )
                open_tags.pop()
            else:
                name = tag.split()[0].lower() if tag.split() else ""
                if name not in _HTML_TAGS:
                    raise bad_request(
                        f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                open_tags.append(name)
            i = end + 1
        elif char == "&" and (entity := _HTML_ENTITY.match(text, i)):
            out.append(html.unescape(entity.group(0)))
            i = entity.end()
        else:
            out.append(char)
            i += 1
    if open_tags:
        raise bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    return "".join(out)


def _parse_markdown_v2(text: str) -> str:
    out: list[str] = []
    open_marks: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and 1 <= ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        if char == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise bad_request(
                    "can't parse entities: Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            out.append(text[i + len(fence) : end])
            i = end + len(fence)
            continue
        mark = next((m for m in ("__", "||", "*", "_", "~", "[") if text.startswith(m, i)), None)
        if mark is not None:
            if open_marks and open_marks[-1][0] == mark and mark != "[":
                open_marks.pop()
            else:
                open_marks.append((mark, i))
            i += len(mark)
            continue
        if char == "]" and open_marks and open_marks[-1][0] == "[":
            open_marks.pop()
            link = re.match(r"\]\(([^)\s]*)\)", text[i:])
            i += link.end() if link else 1
            continue
        if char in _MARKDOWN_RESERVED:
            raise bad_request(
                f"can't parse entities: Character '{char}' is reserved and must be escaped with "
                "the preceding '\\'"
            )
        out.append(char)
        i += 1
    if open_marks:
        raise bad_request(
            "can't parse entities: Can't find end of the entity starting at byte offset "
            f"{_byte_offset(text, open_marks[-1][1])}"
        )
    return "".join(out)


def visible_text(text: str, parse_mode: str | None, entities: Any) -> str:
    """The text after entities parsing; refuses malformed markup and entities that leave it."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain = _parse_html(text)
    elif mode == "markdownv2":
        plain = _parse_markdown_v2(text)
    elif mode in ("", "markdown"):
        plain = text
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    # MessageEntity: "offset — Offset in UTF-16 code units to the start of the entity;
    # length — Length of the entity in UTF-16 code units".
    size = utf16_length(plain)
    for entity in decode(entities) or ():
        offset, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
        if offset < 0 or length <= 0 or offset + length > size:
            raise bad_request("can't parse entities: entity is out of the text bounds")
    return plain


def check_message_text(text: Any, parse_mode: str | None, entities: Any) -> str:
    """sendMessage / editMessageText: "text — Text of the message to be sent, 1-4096 characters
    after entities parsing"."""
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    plain = visible_text(text, parse_mode, entities)
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_length(plain) > MessageLimit.MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain


def check_caption(caption: Any, parse_mode: str | None, entities: Any) -> str | None:
    """sendPhoto / sendDocument / editMessageCaption: "caption — ... 0-1024 characters after
    entities parsing"."""
    if caption is None:
        return None
    plain = visible_text(str(caption), parse_mode, entities)
    if utf16_length(plain) > MessageLimit.CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return plain


_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_reply_markup(markup: Any, private_chat: bool) -> dict[str, Any]:
    """The reply_markup of a send or edit, decoded."""
    markup = decode(markup) or {}
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    if "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"], private_chat)
    return markup


def _check_size(rows: Sequence[Sequence[Any]]) -> None:
    # Not in the documentation's text, but enforced by Telegram and recorded in PTB's
    # InlineKeyboardMarkupLimit: at most 100 buttons, at most 8 in a row.
    if sum(len(row) for row in rows) > InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER or any(
        len(row) > InlineKeyboardMarkupLimit.BUTTONS_PER_ROW for row in rows
    ):
        raise bad_request("reply markup is too long")


def _check_inline_keyboard(rows: Sequence[Sequence[dict[str, Any]]]) -> None:
    _check_size(rows)
    for row in rows:
        for button in row:
            # InlineKeyboardButton: "text — Label text on the button"; "You must use exactly
            # one of the optional fields."
            if not str(button.get("text", "")).strip():
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = [field for field in _BUTTON_ACTIONS if field in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    "must be used"
                )
            # "callback_data — Data to be sent in a callback query to the bot when the button
            # is pressed, 1-64 bytes".
            if "web_app" in button:
                _check_web_app(button["web_app"])
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not (
                    InlineKeyboardButtonLimit.MIN_CALLBACK_DATA
                    <= size
                    <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
                ):
                    raise bad_request("BUTTON_DATA_INVALID")


def _check_web_app(web_app: Any) -> None:
    # WebAppInfo: "url — An HTTPS URL of a Web App to be opened with additional data".
    url = str((decode(web_app) or {}).get("url", ""))
    if not url.startswith("https://"):
        raise bad_request(
            f"inline keyboard button Web App URL '{url}' is invalid: Only HTTPS links are allowed"
        )


def check_menu_button(button: Any) -> dict[str, Any]:
    """setChatMenuButton: MenuButtonCommands, MenuButtonWebApp (text and an HTTPS web_app) or
    MenuButtonDefault."""
    button = decode(button) or {"type": "default"}
    if button.get("type") == "web_app":
        if not str(button.get("text", "")).strip():
            raise bad_request("menu button text must be non-empty")
        _check_web_app(button.get("web_app"))
    elif button.get("type") not in ("commands", "default"):
        raise bad_request("unsupported menu button type")
    return button


def _check_reply_keyboard(rows: Sequence[Sequence[Any]], private_chat: bool) -> None:
    _check_size(rows)
    for row in rows:
        for button in row:
            label = button if isinstance(button, str) else button.get("text", "")
            if not str(label).strip():
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            # KeyboardButton: "request_contact — ... Available in private chats only."
            if isinstance(button, dict) and button.get("request_contact") and not private_chat:
                raise bad_request("phone number can be requested in private chats only")


def check_callback_answer(text: Any) -> None:
    """answerCallbackQuery: "text — Text of the notification. ... 0-200 characters"."""
    if text is not None and utf16_length(str(text)) > (
        CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
    ):
        raise bad_request("MESSAGE_TOO_LONG")


_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def check_commands(commands: Any) -> list[dict[str, Any]]:
    """setMyCommands: "At most 100 commands can be specified"; BotCommand: "command — Text of
    the command; 1-32 characters. Can contain only lowercase English letters, digits and
    underscores"; "description — Description of the command; 1-256 characters"."""
    commands = decode(commands) or []
    if len(commands) > BotCommandLimit.MAX_COMMAND_NUMBER:
        raise bad_request("too many bot commands specified")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description", "")).strip()
        if not (
            BotCommandLimit.MIN_DESCRIPTION <= len(description) <= BotCommandLimit.MAX_DESCRIPTION
        ):
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands


def check_upload(kind: str, size: int) -> None:
    """Sending files: "Photo size must not exceed 10 MB"; "Bots can currently send files of any
    type of up to 50 MB in size"."""
    if kind == "photo" and size > FileSizeLimit.PHOTOSIZE_UPLOAD:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    if size > FileSizeLimit.FILESIZE_UPLOAD:
        raise Refused(413, "Request Entity Too Large")


def check_download(size: int) -> None:
    """getFile: "bots can download files of up to 20MB in size"."""
    if size > FileSizeLimit.FILESIZE_DOWNLOAD:
        raise bad_request("file is too big")
