"""WeChat ids as WeChat allows members to choose them: 6 to 20 characters, beginning with a
letter, then letters, digits, underscores and hyphens."""

from __future__ import annotations

import re
import unicodedata

from bot.domain import N_
from bot.domain.free_text import Invalid

_WECHAT_ID = re.compile(r"[A-Za-z][-_A-Za-z0-9]{5,19}")
# What people put before the id itself.
_LABEL = re.compile(
    r"^(?:我的)?(?:微信号?|wechat(?:\s*id)?|wx)\s*(?:是|为|[:：])?\s*", re.IGNORECASE
)

NOT_A_WECHAT_ID = Invalid(
    N_(
        "That does not look like a WeChat id: 6 to 20 letters, digits, _ or -, beginning with "
        "a letter (WeChat → 我 shows it under your name). Please type it again."
    )
)


def wechat_id(text: str) -> str | Invalid:
    """The WeChat id typed (full-width letters, invisible characters, a leading "微信号：" and
    surrounding spaces allowed), or why it is not one."""
    text = "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf"
    )
    text = _LABEL.sub("", text.strip()).strip()
    return text if _WECHAT_ID.fullmatch(text) else NOT_A_WECHAT_ID
