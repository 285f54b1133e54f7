"""What may appear on a card other members see, and what the relay holds back.

Contact details are exchanged only after both members like each other, so the text of a card
(nickname, hometown, hobbies, introduction) may not carry them, and the relay does not deliver
them silently: phone numbers however they are written (spaces, emoji or a short word between
the digits, full-width, Chinese or homophone digits such as 幺伞巴, pinyin with or without tone
marks, English number words, letters for digits such as l, O and Cyrillic З), or cut into pieces
far apart ("138 … 1234 … 5678", "尾号5678，前面是138 1234"), WeChat and QQ ids and ids on other
platforms behind the words people use for them ("微 信", "V❤", "w信", "我的微：", "绿泡泡", "企鹅",
"🐧", "叩叩", "上飞机", …) and payment accounts ("支付宝 lemon88"), e-mail addresses ("xiaoyu
QQ邮箱" too), links (shorteners, bare domains, "abc。com", "abc(.)com") and Telegram handles.
Harmless numbers and words stay: "身高175，1995年出生，月薪8000", "一米六五", "QQ音乐", "微信运动",
"抖音上看到的店", "🐧好可爱".

Everything is read through ``read`` first: traditional characters as simplified ones, then
``bot.domain.normalise.for_screening`` (invisible characters, look-alike letters, spelled-out
dots). Texts joined with line breaks are read as one, so the
relay can screen a sender's last few messages together and a card its fields together.

A nickname may not carry the member's verified real name either (the card promises not to show
it), nor pass its owner off as the union's staff or the service.
"""

from __future__ import annotations

import enum
import itertools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.domain import N_
from bot.domain.free_text import Invalid
from bot.domain.normalise import TLDS, for_screening
from bot.domain.text import compact, simplified

CONTACT_DETAILS = Invalid(
    N_(
        "Contact details are exchanged only after you both like each other, so please leave "
        "out phone numbers, WeChat or QQ ids, e-mail addresses and links."
    )
)
REAL_NAME = Invalid(
    N_("Please choose a nickname without your real name: others see it before you match.")
)

STAFF_NAME = Invalid(
    N_(
        "This nickname could be mistaken for the union's staff or for 会会 itself. "
        "Please choose another one."
    )
)


def read(text: str) -> str:
    """The one form of a text every screen reads: "微信號", "轉賬", "ｖｘ" as 微信号, 转账, vx;
    pinyin with its tone marks as plain letters ("yāo sān bā" as yao san ba); a dot in
    brackets as a dot ("xiaoyu(.)com")."""
    normal = _BRACKETED_DOT.sub(".", for_screening(simplified(text)))
    if normal.isascii():
        return normal
    bare = "".join(c for c in unicodedata.normalize("NFD", normal) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


_BRACKETED_DOT = re.compile(r"\s*[(\[{<【《〔]\s*[.。·点]\s*[)\]}>】》〕]\s*")


class Contact(enum.StrEnum):
    PHONE = "phone"
    MESSENGER = "messenger"  # a WeChat, QQ or social-media id
    EMAIL = "email"
    LINK = "link"


# Digits as people write them to slip past a filter: Chinese numerals (plain and financial),
# the words said for digits on the phone, and characters that sound like them.
_DIGITS = str.maketrans(
    {
        **dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)),
        **dict(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True)),
        **dict.fromkeys("幺腰么妖衣", "1"),
        **dict.fromkeys("两俩贰尔", "2"),
        **dict.fromkeys("伞叁散仨", "3"),
        **dict.fromkeys("思肆似寺", "4"),
        **dict.fromkeys("舞伍无吾", "5"),
        **dict.fromkeys("溜陆遛", "6"),
        **dict.fromkeys("期柒妻漆拐", "7"),
        **dict.fromkeys("巴捌扒", "8"),
        **dict.fromkeys("久玖酒勾", "9"),
        **dict.fromkeys("洞灵铃", "0"),
    }
)
_TEN = re.compile("十")
_PINYIN_DIGITS = {
    "ling": "0",
    "dong": "0",
    "yao": "1",
    "yi": "1",
    "er": "2",
    "liang": "2",
    "san": "3",
    "si": "4",
    "wu": "5",
    "liu": "6",
    "qi": "7",
    "guai": "7",
    "ba": "8",
    "jiu": "9",
}
# Longest first, so that words written together split as they were meant.
# Digits said in English ("one three eight ..."), read as the pinyin ones are.
_ENGLISH_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_SAID_DIGITS = {**_PINYIN_DIGITS, **_ENGLISH_DIGITS}
_SAID_WORDS = "|".join(sorted(_SAID_DIGITS, key=len, reverse=True))
_PINYIN_WORD = re.compile(_SAID_WORDS, re.I)
# A run of digits said as words, written apart or together. Seven of them are a number however
# they stand; two or more are read as digits when they touch a digit ("138 yao er san si 5678").
_PINYIN_RUN = re.compile(
    rf"(?<![a-z])(?:(?:{_SAID_WORDS})[\s,，.\-]*)+(?<![\s,，.\-])(?![a-z])", re.IGNORECASE
)
_SAID_APART = re.compile(r"[\s,，.\-]*")
# Letters that stand in for digits when they touch one ("l39l234S678", "138o1234o5678"), and
# the Cyrillic and Latin letters drawn as 3 and 6 ("IЗ8I2З45678").
_LOOKALIKE_DIGITS = str.maketrans(
    {
        **{"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "S": "5", "s": "5", "B": "8"},
        **{"Z": "2", "З": "3", "з": "3", "Ʒ": "3", "ʒ": "3", "Ч": "4", "б": "6"},
    }
)
_NEXT_TO_DIGIT = re.compile(r"(?<=\d)[oOlI|SsBZЗзƷʒЧб]+|[oOlI|SsBZЗзƷʒЧб]+(?=\d)")
# A phone number, once its digits are put together: a mainland mobile (with or without 86),
# a landline with its area code.
_PHONE = re.compile(r"(?:0{0,2}86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}")
_MOBILE_INSIDE = re.compile(r"1[3-9]\d{9}")
# The pieces of a number may be apart by what people put between them: spaces, punctuation,
# emoji, a short word ("138 然后 1234 然后 5678"), the break between two messages.
_MOST_APART = 8
_INTERNATIONAL = re.compile(r"\+\s?\d{1,3}[\s\-()（）]*\d(?:[\s\-()（）.]*\d){7,}")

# Words for messengers and social accounts (written here without spaces: any separator may come
# between their characters, "微 信", "V❤信"), followed by an id (the id is what gives it away:
# "QQ音乐" or "微信运动" name no one).
_MESSENGER_WORDS = (
    # WeChat
    "微信 威信 薇信 徽信 维信 卫信 危信 溦信 围信 伟信 微芯 薇芯 卫星 薇 威 "
    "vx wx v信 v芯 vxin weixin wechat vchat 绿泡泡 绿色泡泡 泡泡 绿色软件 绿色app "
    # QQ
    "qq 扣扣 抠抠 企鹅 球球 q号 扣号 "
    # moving elsewhere
    "抖音 斗音 抖阴 douyin tiktok dy 快手 小红书 小红薯 红薯 红书 xhs 微博 b站 instagram ins 推特 "
    "twitter facebook fb 脸书 telegram tg 电报 飞机 纸飞机 whatsapp line skype soul 探探 陌陌 钉钉 "
    "飞书 kakao signal discord ig "
    # asking to be added by an id
    "加v +v v+ 加微 加q 我的号 "
    # WeChat and QQ as people also write them: w信, the penguin, 叩叩
    "w信 w芯 weix 🐧 叩叩 蔻蔻 寇寇 釦釦"
).split()
# Asking to be added, or an account to pay into ("支付宝 lemon88"): followed by an id with a
# digit or an underscore ("加我 livehouse", "支付宝 apple pay" name no one).
_INVITES = (
    "加我",
    "加个",
    "联系我",
    "私聊",
    "私我",
    "找我",
    "支付宝",
    "支付bao",
    "zfb",
    "alipay",
    "淘宝",
    "闲鱼",
)
_SEPARATOR = r"[\W_]{0,2}"


def _spelled_apart(word: str) -> str:
    """A word whose letters may be spaced or punctuated apart."""
    letters = [re.escape(c) for c in word if not c.isspace()]
    pattern = _SEPARATOR.join(letters)
    return rf"(?<![a-z]){pattern}" if word[0].isascii() and word[0].isalpha() else pattern


_HEART = r"[❤♥♡💕💗💖💓💚💙💜🧡💛🤍🖤心芯]"
_MESSENGER = re.compile(
    r"(?:(?P<invite>"
    + "|".join(_INVITES)
    + ")|"
    + "|".join(_spelled_apart(word) for word in sorted(_MESSENGER_WORDS, key=len, reverse=True))
    + rf"|(?<![a-z])v\s*[:：]|(?:v|微|威|薇|卫|维){_SEPARATOR}{_HEART}"
    # "我的微：lemon88": 微 alone before a colon, or after 我的 ("我的微 lemon88")
    + r"|(?<![稍略细轻])(?:微|薇|威)\s*[:：]|我的(?:微|薇|威|v)(?![a-z信芯博笑波型小距])"
    + r")"
    + r"(?:[\W_]|号码?|账号|id|是|为|同号|搜一?搜?|好友|名字?|叫){0,4}?"
    + r"(?:[^\W\d_a-z]{1,2}[\W_]*?)?"  # a word or two: "去绿泡泡聊吧 lemon_88"
    + r"(?P<id>@\S{2,}|\d(?:[\s\-]?\d){4,}|[a-z][a-z0-9_.:\-]*(?:\s[a-z0-9_.\-]+){0,8}"
    # a name with the underscore platforms add to tell two people of one name apart
    + r"|\w{2,15}_(?![a-z0-9]))",
    re.IGNORECASE,
)
# "Q 2876543210": a lone Q only before a number.
_QQ_NUMBER = re.compile(r"(?<![a-z])q[\W_]{0,3}(?:号[\W_]{0,3})?\d(?:[\s\-]?\d){4,}", re.I)
# A WeChat id on its own, as WeChat writes the generated ones.
_WXID = re.compile(r"\bwxid_[a-z0-9]{4,}", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}\s*(?:@|#|\(at\)|\[at\]|\bat\b|艾特|圈a)\s*"
    rf"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{TLDS})\b",
    re.IGNORECASE,
)
_MAIL_DOMAIN = re.compile(
    r"@\s*(?:qq|163|126|gmail|outlook|hotmail|foxmail|sina|sohu|yahoo|139|aliyun)\b",
    re.IGNORECASE,
)
# A mailbox named by its provider's word instead of its domain: "xiaoyu QQ邮箱", "163邮箱:
# xiaoyu88", "2876543210 qq邮箱".
_MAIL_PROVIDER = r"(?:qq|163|126|gmail|outlook|hotmail|foxmail|sina|新浪|网易|sohu|yahoo|icloud)"
_MAIL_NAME = r"(?:(?!e?mail|my\b)[a-z][a-z0-9._%+-]{3,63}|\d{5,12})"
_MAILBOX = re.compile(
    rf"(?<![a-z0-9._%+-]){_MAIL_NAME}\s*(?:的|是|at|@)?\s*{_MAIL_PROVIDER}\s*(?:邮箱|信箱|mail)|"
    rf"{_MAIL_PROVIDER}\s*(?:邮箱|信箱)(?:号|地址)?\s*(?:是|为|[:：])?\s*{_MAIL_NAME}(?![a-z0-9])",
    re.IGNORECASE,
)
_SHORTENERS = (
    r"bit\.ly|t\.cn|url\.cn|dwz\.cn|suo\.im|tinyurl\.com|is\.gd|goo\.gl|ow\.ly|t\.co|wa\.me"
)
_LINK = re.compile(
    rf"https?://|www\.|\bt\.me\b|telegram\.me|{_SHORTENERS}|"
    rf"\b[a-z0-9-]{{2,}}(?:\.[a-z0-9-]+)*\.(?:{TLDS})(?![a-z])|"
    r"\b[a-z0-9-]+\.[a-z]{2,}/[a-z0-9?=&_%\-]",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![a-z0-9._%+-])@\s?[a-z][a-z0-9_]{4,31}\b", re.IGNORECASE)


def contact_details(text: str) -> Contact | None:
    """The kind of contact detail the text gives away, or None if it gives none.

    Messages joined with line breaks are read as one text, so a detail split over several
    messages ("加" + "微信 abc12345", "138" + "1234 5678") is found too."""
    normal = read(text)
    if _EMAIL.search(normal) or _MAIL_DOMAIN.search(normal) or _MAILBOX.search(normal):
        return Contact.EMAIL
    if _LINK.search(normal) or _HANDLE.search(normal):
        return Contact.LINK
    digits = _as_digits(normal)
    if _WXID.search(normal) or _QQ_NUMBER.search(digits) or _names_an_id(normal, digits):
        return Contact.MESSENGER
    if _INTERNATIONAL.search(normal) or _has_phone(digits):
        return Contact.PHONE
    # Pieces far apart are read without the Chinese numerals too: 一 in "一起" is no digit.
    if _enough_digits(digits) and _pieces_make_a_mobile(_as_digits(normal, numerals=False)):
        return Contact.PHONE
    return None


def _as_digits(text: str, *, numerals: bool = True) -> str:
    """The text with every way of writing a digit written as one (without ``numerals``, Chinese
    numerals and homophones stay characters)."""
    # Digits of other scripts (Arabic-Indic ١٣٨, Devanagari, Tamil...), which NFKC keeps.
    text = _OTHER_DIGIT.sub(lambda d: str(unicodedata.digit(d.group())), text)
    if numerals:
        text = text.translate(_DIGITS)
    text = _PINYIN_RUN.sub(_said, text)
    if numerals:
        text = _TEN.sub(_ten, text)
    return _NEXT_TO_DIGIT.sub(lambda m: m.group().translate(_LOOKALIKE_DIGITS), text)


_OTHER_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")


def _pinyin(run: str) -> str:
    """A run of pinyin digits as digits, the words written apart or together ("wuwuwu")."""
    return "".join(_SAID_DIGITS[w.lower()] for w in _PINYIN_WORD.findall(run))


def _said(run: re.Match[str]) -> str:
    """A run of digits said as words, as digits: seven or more anywhere, two or more next to a
    digit ("138 yao er san si 5678"); fewer stay words ("wu wu", "one or two")."""
    words = _PINYIN_WORD.findall(run.group())
    if len(words) >= 7:
        return _pinyin(run.group())
    text = run.string
    before = text[: run.start()].rstrip(" \t\n,，.-")
    after = _SAID_APART.sub("", text[run.end() : run.end() + 4], count=1)
    touches = (before[-1:].isdigit()) or (after[:1].isdigit())
    return _pinyin(run.group()) if len(words) >= 2 and touches else run.group()


def _ten(match: re.Match[str]) -> str:
    """十 as a digit: 十三 is 13, 二十 is 20, 二十三 is 23."""
    text, at = match.string, match.start()
    before = at > 0 and text[at - 1].isdigit()
    after = at + 1 < len(text) and text[at + 1].isdigit()
    if before:
        return "" if after else "0"
    return "1" if after else "10"


def _names_an_id(normal: str, digits: str) -> bool:
    """A messenger followed by an id: a number (read with every way of writing digits) or a
    handle (read as written: 一 in "搜一搜" is no digit)."""
    return any(
        _is_id(m.group("id"), invite=m.group("invite") is not None)
        for text in (normal, digits)
        for m in _MESSENGER.finditer(text)
    )


def _is_id(found: str, *, invite: bool) -> bool:
    """Whether what follows a messenger's name is an id rather than a word ("抖音 vlog")."""
    if found.startswith("@") or found[0].isdigit():
        return True
    word = found.replace(" ", "")
    marked = any(c.isdigit() or c in "_.-:" for c in word)
    return len(word) >= 4 and (marked or (len(word) >= 6 and not invite))


def _has_phone(text: str) -> bool:
    """A phone number, however its digits are spread: within one run of digits, made of
    consecutive runs a few characters apart, or of pieces anywhere in any order."""
    return _has_phone_in_order(text) or (_enough_digits(text) and _pieces_make_a_mobile(text))


def _enough_digits(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 11


# The pieces a mobile number is cut into to pass a filter, sent far apart or out of order
# ("尾号5678，前面是138 1234", "138" … chatter … "1234" … chatter … "5678"): a piece is a
# group of digits (spaces, a dash or a dot may come inside), not a quantity: no unit after it
# ("175cm", "1995年", "38块", "2号线") and no measure before it ("身高175", "月薪8000").
_PIECE = re.compile(r"\d+(?:[ \-.]{1,2}\d+)*")
_QUANTITY_AFTER = re.compile(
    r"\s*(?:[年岁届级厘公斤克元块万千百米号路点分秒个次位楼层%％℃度月日天周步人只本页集期平寸倍折"
    r"的k:：/]|cm|kg|km|rmb|g(?![a-z])|m(?![a-z])|w(?![a-z])|h(?![a-z])|ml|小时)",
    re.IGNORECASE,
)
_MEASURE_BEFORE = re.compile(
    r"(?:[高重¥￥$第薪价约共省存花住均涨]|收入|工资|预算|大概|(?:门牌|房间|房|楼|车|单|工|学|座)号)"
    r"[了是有\s]*$|[a-z]$",
    re.IGNORECASE,
)
# Words that tell the reader how to put pieces together ("尾号5678，前面是138 1234"): with one,
# the pieces may come in any order; without, only in the number's own.
_PHONE_CUE = re.compile(
    r"手机|电话|号码|尾号|[前后]面|[前后中](?:[三四八]位|间)|开头|结尾|最后|打(?:给)?我|"
    r"call|phone|tel|mobile|number|联系",
    re.IGNORECASE,
)
# A number that is plainly a quantity ends a phone number's digits read in order too: "身高175，
# 1995年出生，月薪8000" is no 175 1995 8000.
_UNIT_AFTER = re.compile(r"\s*(?:[年岁斤块元万]|cm|kg|厘米|公分|公斤)", re.IGNORECASE)
# Four digits that read as a year, or a round sum, are left out: a piece of a number is one of
# them about once in fifty, and members write years and sums all the time.
_NOT_A_PIECE = re.compile(r"19[4-9]\d|20[0-4]\d|\d\d00|(?:19|20)\d{6}|(?:19|20)\d\d(?:19|20)\d\d")


def _is_quantity(text: str, start: int, end: int, units: re.Pattern[str]) -> bool:
    return bool(units.match(text, end) or _MEASURE_BEFORE.search(text[max(0, start - 6) : start]))


def _pieces_make_a_mobile(text: str) -> bool:
    """Whether the pieces of digits in the text, wherever they stand and in any order, make a
    mobile number as it is cut: 3 + 4 + 4 digits, 3 + 8, or 7 + 4."""
    heads: list[tuple[int, str]] = []
    tails: list[tuple[int, str]] = []
    for i, m in enumerate(_PIECE.finditer(text)):
        digits = re.sub(r"\D", "", m.group())
        if _is_quantity(text, m.start(), m.end(), _QUANTITY_AFTER):
            continue
        if len(digits) in (3, 7) and re.fullmatch(r"1[3-9]\d+", digits):
            heads.append((i, digits))
        elif len(digits) in (4, 8) and not _NOT_A_PIECE.fullmatch(digits):
            tails.append((i, digits))
    any_order = _PHONE_CUE.search(text) is not None
    for at, head in heads:
        rest = [digits for i, digits in tails if i > at or (any_order and i != at)]
        need = 11 - len(head)
        if need in (len(d) for d in rest):
            return True
        if need == 8 and sum(1 for d in rest if len(d) == 4) >= 2:
            return True
    return False


def _has_phone_in_order(text: str) -> bool:
    runs = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\d+", text)]
    quantity = [_is_quantity(text, start, end, _UNIT_AFTER) for start, end, _ in runs]
    for i, (_, end, digits) in enumerate(runs):
        if _MOBILE_INSIDE.search(digits):
            return True
        if digits[0] not in "018" or quantity[i]:  # no phone number starts otherwise (8 for 86)
            continue
        number, j = digits, i + 1
        while j < len(runs) and runs[j][0] - end <= _MOST_APART and len(number) < 13:
            number, end = number + runs[j][2], runs[j][1]
            if len(number) >= 10 and _PHONE.fullmatch(number):
                return True
            if quantity[j]:  # it may end a number ("5678元"), not carry one on
                break
            j += 1
    return False


# The answers a card shows in the member's own words, in the order it shows them.
CARD_WORDS = ("nickname", "hometown", "hobbies", "introduction")


def card_contact(answers: Mapping[str, Any]) -> Contact | None:
    """The contact detail a card gives away across its fields: a reader puts "小雨138",
    "上海 1234" and "5678 周末见" together whatever is shown between them, so the fields are read
    together in every selection, in the card's order."""
    fields = []
    for key in CARD_WORDS:
        value = answers.get(key)
        words = " ".join(
            w for w in (value if isinstance(value, list) else [value]) if isinstance(w, str)
        )
        if words:
            fields.append(words)
    for size in range(2, len(fields) + 1):
        for chosen in itertools.combinations(fields, size):
            found = contact_details("\n".join(chosen))
            if found is not None:
                return found
    return None


# Names that make a member look like the union's staff or the service: a member called
# "工会红娘" asking for "你的真实姓名、单位和手机号" reads like a staff answer.
# A relayed message reads "{nickname}：{text}", so a member called "系统通知", "🛡 安全提醒" or
# "Telegram" writes lines that read like 会会's own notices or Telegram's service messages.
_STAFF_WORDS = re.compile(
    "红娘|紅娘|客服|管理员|管理員|工会(?!计)|工會(?!計)|辅导员|輔導員|会会|會會|官方|工作人员|"
    "工作人員|系统|系統|通知|提醒|安全中心|平台|"
    "admin|moderator|official|support|staff|matchmaker|huihui|telegram|system",
    re.IGNORECASE,
)


# What starts every staff answer ("🏛 浦东新区总工会 · 红娘：…"): no member's name carries it.
STAFF_MARK = "🏛"
# The signs 会会's own warnings and tips begin with ("⚠️ 会会提醒：…", "🛡 安全提醒：…").
_NOTICE_MARKS = (STAFF_MARK, "⚠", "🛡")


def impersonates_staff(nickname: str) -> bool:
    """The nickname names the union's staff, 会会 or Telegram, or carries the signs of their
    notices, however its characters are spaced, dotted, joined by invisible characters or
    written with look-alike letters ("工 会·红 娘", "ａdмin", "系 统")."""
    return any(mark in nickname for mark in _NOTICE_MARKS) or bool(
        _STAFF_WORDS.search(re.sub(r"[\W_]", "", read(nickname)))
    )


# Words 会会's and the union's notices are made of, which a member's message imitates to lend
# itself their authority ("会会提醒：对方已实名认证", "系统通知：你的账户异常"). 会会's own
# count anywhere; the union's, the system's or a platform's only as a line's heading (at its
# start, or before a colon): "工会通知我们周六开会" is a member telling news.
_OUR_WORDS = re.compile(
    "(?:会会|huihui)的?(?:温馨|官方|平台|系统|安全|小)?"
    "(?:提醒|提示|通知|公告|认证|核实|审核|保障|担保|安全|助手|助理|客服|团队)|安全提醒|"
    "会会已(?:核实|认证|确认|审核|实名)|"
    # what only a notice says of a member: "对方已通过实名认证", "他是我们核实过的会员"
    "(?:对方|他|她|ta)(?:已经?|已)?通过了?(?:工会|会会|平台|官方|系统)?的?实名|"
    "我们(?:已经?)?(?:核实|认证|审核)过的?(?:会员|用户|身份)",
    re.IGNORECASE,
)
# A heading in brackets that names 会会, a union or the system ("【会会】", "【浦东新区总工会】"),
# and a union's staff signing a line ("浦东新区总工会 · 红娘：", "红娘：").
_BRACKETED = re.compile(
    r"[【\[〔]\s*(?:会会|huihui|[^】\]〕]{0,12}工会|系统|官方|平台)[^】\]〕]{0,6}[】\]〕]", re.I
)
_SIGNED = re.compile(r"^(?:[^:：]{0,16}工会)?[\W_]*(?:红娘|客服|管理员|工作人员|小助手)[\W_]*[:：]")
_HEADING = (
    "(?:(?:工会|官方|系统|平台)的?(?:提醒|提示|通知|公告|认证|核实|审核|保障|担保|安全)|"
    "工会已(?:核实|认证|确认|审核|实名))"
)
_HEADING_FIRST = re.compile(_HEADING, re.IGNORECASE)
_HEADING_BEFORE_COLON = re.compile(_HEADING + r"[\W_]*[:：]", re.IGNORECASE)


def imitates_notice(text: str) -> bool:
    """The text carries a line dressed as 会会's notices: one that begins with their signs
    (🏛, ⚠, 🛡) or a heading of theirs ("工会通知：", "系统提示"), or that speaks in 会会's words
    ("会会提醒", "安全提醒", "会会已核实"), however spaced or disguised."""
    for line in read(text).splitlines():
        squeezed = re.sub(r"[\W_]", "", line)
        if (
            line.lstrip().startswith(_NOTICE_MARKS)
            or _OUR_WORDS.search(squeezed)
            or _BRACKETED.search(line)
            or _SIGNED.search(line.strip())
            or _HEADING_FIRST.fullmatch(squeezed)
            or _HEADING_BEFORE_COLON.search(re.sub(r"\s", "", line))
        ):
            return True
    return False


def shows_real_name(nickname: str, real_name: str) -> bool:
    """The nickname carries the real name, however it is spaced or punctuated."""
    name = _letters(real_name)
    return len(name) >= 2 and name in _letters(nickname)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", compact(text))
