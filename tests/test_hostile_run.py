"""A seeded random run of hostile actions by members, a matchmaker and organisers: random
buttons (on screen and long gone), forged button data, random commands and arguments, hostile
text, files and photos where text is expected.

It must end with no ERROR in the log, every action answered, every call accepted by Telegram's
rules (the strict sandbox), and the stored answers of members nobody touched unchanged.
``HUIHUI_HOSTILE_ACTIONS`` sets the length (CI: 5,000; ``make bench``: 50,000).
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain import buttons
from bot.tools.sandbox import ButtonNotFound, Sandbox, SimulatedUser
from storage.models import Member, ProfileAnswer
from tests.helpers import PUDONG, XUHUI, publish, seed_union, sign_up
from tests.test_hostile_text import TRICKY
from tests.test_matching_bot import MAN, MAN_2, WOMAN, man_script

ACTIONS = int(os.environ.get("HUIHUI_HOSTILE_ACTIONS", "5000"))
SEED = int(os.environ.get("HUIHUI_HOSTILE_SEED", "20261127"))
WITNESS = ("赵静", "SH0009", "上海申通地铁集团有限公司", "13800000009")
COMMANDS = [
    "/start",
    "/help",
    "/match",
    "/matches",
    "/edit",
    "/profile",
    "/pause",
    "/resume",
    "/language",
    "/feedback",
    "/cancel",
    "/export_me",
    "/delete_me",
    "/my_events",
    "/checkin",
    "/colleagues",
    "/digest",
    "/announcements",
    "/events",
    "/event_new",
    "/event_edit",
    "/broadcast",
    "/broadcasts",
    "/review",
    "/reports",
    "/stats",
    "/export_stats",
    "/grant",
    "/revoke",
    "/audit",
    "/propose",
    "/shortlist",
    "/nonsense",
]


def hostile(rng: random.Random) -> str:
    pieces = [rng.choice(TRICKY) for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.3:
        pieces.append("".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 40))))
    if rng.random() < 0.1:
        pieces.append("好" * rng.choice([19, 21, 101, 301, 1001, 2001, 4000]))
    text = "".join(pieces)
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)[:4096]
    return text if text.strip() else "字"


# What tampered button data puts where an id or a key belongs.
VALUES = [
    "0",
    "1",
    "2",
    "3",
    "7",
    str(2**31 - 1),
    "yes",
    "nickname",
    "seek_districts",
    "harassment",
    "warn",
    "3d",
    "met",
    "zh",
]


def forged(rng: random.Random) -> str:
    """Button data as a tampered client sends it: a real kind with wild values, or junk."""
    if rng.random() < 0.3:
        return rng.choice(
            [
                "",
                ":",
                "ml:",
                "ml:1:2",
                "x" * 64,
                "ea:-1",
                "ea:1e9",
                "qa:nickname:x",
                "ml:99999999999",
                "fa:1:9z:met",
                hostile(rng)[:64] or "?",
            ]
        )
    kind = rng.choice(buttons.kinds())
    parts = [kind.prefix]
    for _name, _field in kind._fields:
        parts.append(rng.choice(VALUES))
    return ":".join(parts)


async def act(rng: random.Random, actor: SimulatedUser, tmp_path: Path) -> bool:
    """One hostile action; True if it was a button press (answered by closing its spinner,
    which the sandbox checks), False if a message (answered by a message)."""
    roll = rng.random()
    if roll < 0.25:
        on_screen = actor.buttons()
        if on_screen:
            try:
                await actor.press(rng.choice(on_screen))
                return True
            except ButtonNotFound:
                pass  # a label that is part of another: write instead
        await actor.send(hostile(rng))
    elif roll < 0.40:
        old = [e for e in actor.log if e.from_bot and e.original_keyboard]
        if old:  # a button from a message long gone by
            entry = rng.choice(old)
            button = rng.choice([b for row in entry.original_keyboard for b in row])
            if "callback_data" in button:
                await actor.forge_press(button["callback_data"])
                return True
        await actor.forge_press(forged(rng))
        return True
    elif roll < 0.55:
        await actor.forge_press(forged(rng))
        return True
    elif roll < 0.75:
        command = rng.choice(COMMANDS)
        arguments = " ".join(hostile(rng)[:30] for _ in range(rng.randint(0, 3)))
        await actor.send(f"{command} {arguments}".strip())
    elif roll < 0.92:
        await actor.send(hostile(rng))
    elif roll < 0.96:
        await actor.send_photo(hostile(rng)[:100] if rng.random() < 0.5 else None)
    elif roll < 0.98:
        path = tmp_path / rng.choice(["名册.csv", "名册.xlsx", "简历.pdf", "x"])
        path.write_bytes(hostile(rng).encode("utf-8", "replace")[:2000])
        await actor.send_document(path)
    else:
        await actor.share_contact(phone="+8613" + str(rng.randint(10**8, 10**9 - 1)))
    return False


async def answers_of(sb: Sandbox, telegram_id: int) -> list:
    async with sb.app.services.db() as session:
        member_id = await session.scalar(select(Member.id).where(Member.telegram_id == telegram_id))
        rows = await session.execute(
            select(ProfileAnswer.question, ProfileAnswer.value)
            .where(ProfileAnswer.member_id == member_id)
            .order_by(ProfileAnswer.question)
        )
        return [tuple(row) for row in rows]


async def test_thousands_of_hostile_actions_leave_no_error_and_no_damage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    rng = random.Random(SEED)
    async with Sandbox(database_url=f"sqlite+aiosqlite:///{tmp_path}/hostile.db") as sb:
        pudong, xuhui = sb.user("浦东管理员"), sb.user("徐汇管理员")
        hongniang = sb.user("红娘")
        xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
        ming, wei = sb.user("阿明", phone=MAN[3]), sb.user("大伟", phone=MAN_2[3])
        witness = sb.user("赵静", phone=WITNESS[3])
        newcomer = sb.user("新人")
        await seed_union(
            sb,
            [WOMAN, MAN, MAN_2, WITNESS],
            organisers={PUDONG: [pudong.id], XUHUI: [xuhui.id]},
            matchmakers={PUDONG: [hongniang.id]},
        )
        for member, entry, script in (
            (xiaoyu, WOMAN, None),
            (ming, MAN, man_script("阿明")),
            (wei, MAN_2, man_script("大伟")),
            (witness, WITNESS, None),
        ):
            await (sign_up(member, entry, script) if script else sign_up(member, entry))
        await publish(sb, pudong)
        untouched = await answers_of(sb, witness.id)
        actors = [pudong, xuhui, hongniang, xiaoyu, ming, wei, newcomer]
        for step in range(ACTIONS):
            actor = rng.choice(actors)
            before = len(actor.log)
            pressed = await act(rng, actor, tmp_path)
            refused = sb.api.take_refusals()
            assert not refused, (step, refused)
            if pressed:
                assert not sb.api.unanswered_queries(), step
            else:
                answered = any(e.from_bot for e in actor.log[before:])
                assert answered, (step, actor.transcript(before))
            if step % 500 == 499:
                await sb.settle()
        await sb.settle()
        assert sb.api.unanswered_queries() == set()
        assert await answers_of(sb, witness.id) == untouched
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors[:5]]
