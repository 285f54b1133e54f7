"""What a member most likely wanted when they typed words instead of a command ("下一位",
"报名", "怎么改资料"): which command to point them to. Plain keyword rules; the chat answers
with the command, never acts on a guess."""

from __future__ import annotations

import re

# The first rule whose words the text contains wins: the more specific ones first.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ask", re.compile(r"人工|客服|工作人员|找工会|问工会|红娘|辅导员|投诉")),
    ("matches", re.compile(r"互相喜欢|配对成功|我的匹配|匹配的人|matches")),
    ("events", re.compile(r"活动|报名|联谊|相亲会|event")),
    ("profile", re.compile(r"资料|改.{0,4}(?:身高|年龄|照片|介绍|昵称)|修改|照片")),
    ("pause", re.compile(r"暂停|不想被推荐|隐藏自己|先不找")),
    ("match", re.compile(r"下一[位个]|换一[个位]|推荐|看看.{0,4}人|喜欢|跳过的人|match|next")),
)


def intent(text: str) -> str | None:
    """The command (without its slash) the text most likely asks for, or None."""
    plain = text.strip().lower()
    return next((command for command, words in _RULES if words.search(plain)), None)
