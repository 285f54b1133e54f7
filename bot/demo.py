"""``huihui demo``: members (and, as features arrive, organisers) play every journey offline.

Each scene prints what the member typed and what 会会 answered. Add a scene with every feature.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.sandbox import Sandbox, SimulatedUser

DEMO_START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

Scene = Callable[[Sandbox], Awaitable[None]]


async def play(settings: Settings, out: TextIO = sys.stdout) -> None:
    async with Sandbox(
        default_language=settings.default_language, timezone=settings.timezone, start=DEMO_START
    ) as sb:
        director = _Director(sb, out)
        out.write("会会 demo — an offline Telegram; every answer below comes from the real bot.\n")
        for title, scene in SCENES:
            await director.play(title, scene)


class _Director:
    def __init__(self, sandbox: Sandbox, out: TextIO) -> None:
        self.sandbox = sandbox
        self.out = out

    async def play(self, title: str, scene: Scene) -> None:
        seen = {user.id: len(user.log) for user in self.sandbox.users}
        await scene(self.sandbox)
        self.out.write(f"\n━━━ {title} ━━━\n")
        for user in self.sandbox.users:
            new = user.transcript(since=seen.get(user.id, 0))
            if new:
                self.out.write(new + "\n")


def _member(sb: Sandbox, name: str, language: str = "zh-hans") -> SimulatedUser:
    existing = [user for user in sb.users if user.first_name == name]
    return existing[0] if existing else sb.user(name, language=language)


async def first_contact(sb: Sandbox) -> None:
    wang = _member(sb, "小王")
    await wang.send("/start")
    await wang.send("/help")
    await wang.send("你好呀")


async def feedback_across_a_restart(sb: Sandbox) -> None:
    wang = _member(sb, "小王")
    await wang.send("/feedback")
    await sb.restart()  # the bot is redeployed while 小王 is typing
    await wang.send("希望工会多组织周末的户外活动，比如徒步和骑行。")


async def choosing_a_language(sb: Sandbox) -> None:
    emma = _member(sb, "Emma", language="en")
    await emma.send("/start")
    await emma.send("/language")
    await emma.press("中文")
    await emma.send("/help")


SCENES: list[tuple[str, Scene]] = [
    ("1. 第一次见面 · First contact", first_contact),
    ("2. 给工会留言，中途机器人重启 · Feedback across a restart", feedback_across_a_restart),
    ("3. 切换语言 · Choosing a language", choosing_a_language),
]
