"""The one form of a text the screens read (``bot.domain.screening``, ``bot.domain.scams``).

People who want a phone number or a WeChat id past a filter do not invent new words; they
change how the known ones look. This undoes the cheap disguises once, so every rule sees the
same text:

* characters Telegram does not display (Unicode format characters: zero-width space, joiner and
  non-joiner, word joiner, soft hyphen, BiDi marks; and blank fillers) are dropped, so
  "微\u200b信" is 微信 to the screen as it is to the reader;
* NFKC: full-width letters and digits, circled digits and letters become plain ones, and so do
  the letters and digits drawn as pictures that NFKC leaves alone (🅥🅧, 🇻🇽, ❶❸❽);
* Cyrillic and Greek letters (and small capitals) that look like Latin ones become Latin inside
  words written in Latin-looking letters: "usdт" is usdt, "ТG" is TG; a Russian word with letters
  that have no Latin twin stays as it is;
* full stops, "点" and "dot" between the parts of a domain become ".", and spaces around a dot
  or a slash in front of a known top-level domain go: "abc。com", "t .me / x" read as abc.com,
  t.me/x.

Digits are left alone here: which characters stand for digits depends on the rule (a phone
number, an id), so ``bot.domain.screening`` reads them itself.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.text import BLANKS

# Top-level domains people send in chats, and those of the common link shorteners.
TLDS = (
    "com|cn|net|org|edu|gov|me|io|co|cc|tv|top|xyz|vip|club|site|shop|store|online|fun|asia|"
    "info|biz|app|link|live|pro|win|bet|work|life|tech|art|ink|wang|ren|ltd|group|icu|cyou|sbs|"
    "buzz|today|world|space|website|xin|ly|im|gd|gl|to|ws|hk|tw|mo|jp|kr|sg|us|uk|ru|tk|ml|ga|cf"
)

_LOOKALIKE_LETTERS = str.maketrans(
    {
        # Cyrillic
        **dict(zip("аьсеһіјкмпорѕтухѵԁԛԝӏ", "abcehijkmnopstyxvdqwl", strict=True)),
        **dict(zip("АВСЕНІЈКМОРЅТУХѴԜҮ", "ABCEHIJKMOPSTYXVWY", strict=True)),
        # Greek
        **dict(zip("αβεικνορτυχγω", "abeiknoptuxyw", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        # Latin small capitals and other stand-ins
        **dict(zip("ᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢıȷɑ", "abcdeghijklmnoprstuvwyzija", strict=True)),
    }
)
_LOOKALIKES = frozenset(chr(code) for code in _LOOKALIKE_LETTERS)
# Letters and digits drawn as pictures, which NFKC leaves alone: 🅥🅧, 🆅🆇, 🇻🇽, ❶❸❽, ➀, ⓵.
_PICTURE_LETTERS = str.maketrans(
    {
        **{0x1F150 + i: c for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
        **{0x1F170 + i: c for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
        **{0x1F1E6 + i: c for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
        **{
            start + i: d
            for start in (0x2776, 0x2780, 0x278A, 0x24F5)
            for i, d in enumerate("123456789")
        },
        **dict.fromkeys((0x277F, 0x2789, 0x2793, 0x24FE), "10"),
        0x24FF: "0",
        0x24EA: "0",
    }
)
# A word in Latin, Cyrillic or Greek letters (and the small capitals among the phonetic ones).
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u1d00-\u1d2b\ua730-\ua7ff]+")
_DOMAIN_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s*(?:[。｡丶]|点|\(dot\)|\[dot\]|\{dot\}|\s+dot\s+)\s*(?=[A-Za-z]{2,})",
    re.IGNORECASE,
)
_SPACED_DOT = re.compile(rf"(?<=[A-Za-z0-9])\s*\.\s*(?=(?:{TLDS})(?![A-Za-z]))", re.IGNORECASE)
_SPACED_SLASH = re.compile(rf"(\.(?:{TLDS}))\s*/\s*(?=\w)", re.IGNORECASE)


def for_screening(text: str) -> str:
    """The text as the screens read it (see the module's docstring)."""
    shown = "".join(c for c in text if c not in BLANKS and unicodedata.category(c) != "Cf")
    normal = unicodedata.normalize("NFKC", shown).translate(_PICTURE_LETTERS)
    normal = _WORD.sub(_latin_if_it_looks_latin, normal)
    normal = _DOMAIN_DOT.sub(".", normal)
    normal = _SPACED_DOT.sub(".", normal)
    return _SPACED_SLASH.sub(r"\1/", normal)


def _latin_if_it_looks_latin(word: re.Match[str]) -> str:
    letters = word.group()
    if all(c.isascii() or c in _LOOKALIKES or "LATIN" in unicodedata.name(c, "") for c in letters):
        return letters.translate(_LOOKALIKE_LETTERS)
    return letters
