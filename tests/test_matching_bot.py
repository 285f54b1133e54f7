"""/match through the real bot: suggestions, likes, mutual matches, safety."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.sandbox import Sandbox, SimulatedUser
from storage.models import Match
from tests.helpers import ZH_ANSWERS, seed_union, sign_up

WOMAN = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
MAN = ("李明", "SH0002", "上海电气集团股份有限公司", "13800000002")
MAN_2 = ("张伟", "SH0003", "上海浦东发展银行", "13800000003")


def man_script(nickname: str) -> dict:
    script = dict(ZH_ANSWERS)
    script.update(
        {
            "nickname": [("send", nickname)],
            "gender": [("press", "男")],
            "birth_year": [("send", "1994")],
            "height": [("send", "178")],
            "seek_gender": [("press", "女生"), ("press", "必须满足")],
            "seek_age": [("send", "25-33"), ("press", "必须满足")],
            "photos": [("press", "完成")],
        }
    )
    return script


async def population(
    sb: Sandbox, usernames: bool = True
) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh" if usernames else None)
    ming = sb.user("阿明", phone=MAN[3], username="aming_sh" if usernames else None)
    wei = sb.user("大伟", phone=MAN_2[3])
    await seed_union(sb, [WOMAN, MAN, MAN_2])
    await sign_up(xiaoyu, WOMAN)
    await sign_up(ming, MAN, man_script("阿明"))
    await sign_up(wei, MAN_2, man_script("大伟"))
    return xiaoyu, ming, wei


async def card_for(member: SimulatedUser, nickname: str) -> None:
    """Skip cards until the given member's card is on screen."""
    for _ in range(5):
        if (member.last_text() or "").startswith(nickname):
            return
        await member.press("下一位")
    raise AssertionError(f"{nickname} was never suggested")


async def test_a_match_only_after_both_likes_and_nothing_revealed_before(sandbox: Sandbox) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    await ming.send("/match")
    await card_for(ming, "小雨")
    card = ming.last_text()
    assert "💡" in card and "你们都喜欢" in card
    assert "王小雨" not in card and "13800000001" not in card and "xiaoyu_sh" not in card
    await ming.press("❤️")
    assert any("如果 TA 也喜欢你" in t for t in ming.texts()[-3:])
    assert "xiaoyu_sh" not in "".join(ming.texts())
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 0

    await xiaoyu.send("/match")
    assert xiaoyu.last_text().startswith("阿明")  # who liked you comes first
    assert "TA 喜欢了你" in xiaoyu.last_text()
    await xiaoyu.press("❤️")
    assert any("你和 阿明 互相喜欢" in t and "https://t.me/aming_sh" in t for t in xiaoyu.texts())
    assert any("你和 小雨 互相喜欢" in t and "https://t.me/xiaoyu_sh" in t for t in ming.texts())
    await xiaoyu.send("/matches")
    assert "阿明 — https://t.me/aming_sh" in xiaoyu.last_text()


async def test_liking_each_other_at_the_same_instant_makes_one_match(sandbox: Sandbox) -> None:
    xiaoyu, ming, _wei = await population(sandbox)
    await xiaoyu.send("/match")
    await card_for(xiaoyu, "阿明")
    await ming.send("/match")
    await card_for(ming, "小雨")
    await asyncio.gather(xiaoyu.press("❤️"), ming.press("❤️"))
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Match)) == 1
    assert sum("互相喜欢" in t for t in xiaoyu.texts()) == 1
    assert sum("互相喜欢" in t for t in ming.texts()) == 1


async def test_without_usernames_contacts_are_shared_through_the_bot(sandbox: Sandbox) -> None:
    xiaoyu, ming, _wei = await population(sandbox, usernames=False)
    await ming.send("/match")
    await card_for(ming, "小雨")
    await ming.press("❤️")
    await xiaoyu.send("/match")
    await xiaoyu.press("❤️")
    assert any("没有设置 Telegram 用户名" in t for t in xiaoyu.texts())
    assert "分享我的联系方式" in "".join(ming.buttons())
    await ming.press("分享我的联系方式")
    shared = [e.text for e in xiaoyu.bot_messages() if e.kind == "contact"]
    assert shared == ["阿明 13800000002"]
    assert xiaoyu.last_text() == "阿明 把联系方式分享给了你。"


async def test_block_hides_both_ways(sandbox: Sandbox) -> None:
    xiaoyu, ming, wei = await population(sandbox)
    await xiaoyu.send("/match")
    await card_for(xiaoyu, "阿明")
    await xiaoyu.press("屏蔽")
    assert any("你们都不会再看到对方" in t for t in xiaoyu.texts())
    await ming.send("/match")
    assert not ming.last_text().startswith("小雨")
