"""What may appear on a card other members see.

Contact details are exchanged only after both members like each other, so the text of a card
(nickname, hometown, hobbies, introduction) may not carry them: phone numbers however they are
written (spaces, dashes, full-width or Chinese digits, letters for digits), WeChat and QQ ids
behind the words people use for them ("微信", "vx", "V信", "加我", "QQ", …), e-mail addresses,
links and Telegram handles. Harmless numbers and words stay: "身高175", "1995年", "QQ音乐",
"微信运动".

A nickname may not carry the member's verified real name either: the card promises not to show
it.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from bot.domain import N_
from bot.domain.free_text import Invalid
from bot.domain.text import compact

CONTACT_DETAILS = Invalid(
    N_(
        "Contact details are exchanged only after you both like each other, so please leave "
        "out phone numbers, WeChat or QQ ids, e-mail addresses and links."
    )
)
REAL_NAME = Invalid(
    N_("Please choose a nickname without your real name: others see it before you match.")
)


class Contact(enum.StrEnum):
    PHONE = "phone"
    MESSENGER = "messenger"  # a WeChat, QQ or social-media id
    EMAIL = "email"
    LINK = "link"


# Digits as people write them to slip past a filter.
_DIGITS = str.maketrans(
    {
        **dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)),
        **dict(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True)),
        "幺": "1",
        "两": "2",
        "洞": "0",
        "拐": "7",
        "勾": "9",
    }
)
# Letters that stand in for digits inside a run of digits.
_LOOKALIKES = str.maketrans(
    {"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2"}
)
# What people put between the digits of a number.
_GAP = r"[\s\-_.·,，、/\\|()（）\[\]【】+*~～—–:：]{0,3}"
_DIGIT_RUN = re.compile(rf"[0-9oOlI|SsBZ](?:{_GAP}[0-9oOlI|SsBZ]){{6,}}")
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")

# Words for messengers and social accounts, followed by an id (the id is what gives it away:
# "QQ音乐" or "微信运动" name no one).
_MESSENGER_WORDS = (
    r"微信|威信|薇信|徽信|维信|卫信|v信|v芯|vx|wx|weixin|wechat|wei\s*xin|绿泡泡|"
    r"扣扣|qq|企鹅|抠抠|q号|"
    r"抖音|快手|小红书|微博|b站|instagram|\bins(?=\s*(?:号|id|账号)?\s*[:：]|\s+[a-z][a-z._]*[_0-9])|telegram|\btg\b|飞书|钉钉|"
    r"加我|加v|\+v|加微|加q|联系我|私聊|私我|找我"
)
_MESSENGER = re.compile(
    rf"(?:{_MESSENGER_WORDS})\s*(?:号|号码|账号|id|ID)?\s*(?:是|为|:|：|=|→|->|—|-|\s)*\s*"
    r"(?P<id>[a-z][-_a-z0-9]{4,}|[0-9][0-9\s\-]{4,}[0-9])",
    re.IGNORECASE,
)
# A WeChat id on its own, as WeChat writes the generated ones.
_WXID = re.compile(r"\bwxid_[a-z0-9]{4,}", re.IGNORECASE)
_EMAIL = re.compile(
    r"[a-z0-9._%+-]+\s*(?:@|＠|#|\(at\)|\[at\]|\bat\b|艾特|圈a)\s*"
    r"[a-z0-9-]+\s*(?:\.|点|\bdot\b|。)\s*(?:com|cn|net|org|edu|cc)\b",
    re.IGNORECASE,
)
_MAIL_DOMAIN = re.compile(
    r"(?:@|＠)\s*(?:qq|163|126|gmail|outlook|hotmail|foxmail|sina|sohu|yahoo|139|aliyun)\b",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"https?://|www\.|t\.me/|\b[a-z0-9-]{2,}\.(?:com|cn|net|org|me|io|cc|top|xyz|link|vip)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![a-z0-9._%+-])@[a-z][a-z0-9_]{4,31}\b", re.IGNORECASE)


def contact_details(text: str) -> Contact | None:
    """The kind of contact detail the text gives away, or None if it gives none."""
    normal = unicodedata.normalize("NFKC", text)
    if _EMAIL.search(normal) or _MAIL_DOMAIN.search(normal):
        return Contact.EMAIL
    if _LINK.search(normal) or _HANDLE.search(normal):
        return Contact.LINK
    if _WXID.search(normal) or _MESSENGER.search(normal.translate(_DIGITS)):
        return Contact.MESSENGER
    if _has_phone(normal.translate(_DIGITS)):
        return Contact.PHONE
    return None


def _has_phone(text: str) -> bool:
    for run in _DIGIT_RUN.finditer(text):
        raw = run.group()
        if sum(c.isdigit() for c in raw) < 4:
            continue  # mostly letters: a word, not a number in disguise
        digits = re.sub(r"\D", "", raw.translate(_LOOKALIKES))
        if _MOBILE.search(digits) or _LANDLINE.search(digits) or len(digits) >= 9:
            return True
    return False


def shows_real_name(nickname: str, real_name: str) -> bool:
    """The nickname carries the real name, however it is spaced or punctuated."""
    name = _letters(real_name)
    return len(name) >= 2 and name in _letters(nickname)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", compact(text))
