"""A fair of 3,000: the mutual choice stays within what Telegram shows in one message, and an
attendee finds people by the number on their badge or by nickname."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.buttons import OpenChoice
from bot.tools.sandbox import Sandbox
from storage.models import Event, Member
from tests.helpers import all_came, publish, union_with_members

ATTENDEES = 3_000


async def fair(sb: Sandbox) -> tuple[int, dict[int, tuple[int, str, str]]]:
    """An event whose 3,000 attendees all came; returns it and, by badge, (member, gender,
    nickname). The choice is open (it was not announced: not the subject here)."""
    organiser, _sibling, members, _ = await union_with_members(sb, ATTENDEES)
    event_id = await publish(sb, organiser)
    rows = await all_came(sb, event_id, members)
    async with sb.app.services.db() as session:
        ends_at = (await session.get(Event, event_id)).ends_at
    sb.clock.set(ends_at + timedelta(hours=1))
    return event_id, dict(enumerate(rows, start=1))


async def test_mutual_choice_at_a_fair_of_3000_pages_and_finds_by_badge_and_nickname(
    sandbox: Sandbox,
) -> None:
    event_id, badges = await fair(sandbox)
    me_badge = next(b for b, (_m, gender, _n) in badges.items() if gender == "male")
    others = sorted(b for b, (_m, gender, _n) in badges.items() if gender == "female")
    async with sandbox.app.services.db() as session:
        my_id = await session.scalar(
            select(Member.telegram_id).where(Member.id == badges[me_badge][0])
        )
    me = sandbox.user("会员", user_id=my_id)

    await me.forge_press(OpenChoice(event_id).encode())  # "开始互选" under the invitation
    first = me.buttons()
    assert len(first) <= 100  # Telegram's limit for one message (the sandbox refuses more)
    assert [label.split("#")[-1] for label in first[:10]] == [str(b) for b in others[:10]]
    assert f"第 1/{-(-len(others) // 10)} 页（共 {len(others)} 位）" in me.last_text()
    await me.press("下一页 ▶")
    assert [label.split("#")[-1] for label in me.buttons()[:10]] == [str(b) for b in others[10:20]]

    # The number on someone's badge, typed as people type it.
    wanted = others[-1]
    await me.send(
        f"＃{str(wanted).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}号"
    )
    assert me.buttons()[0].endswith(f"#{wanted}") and len(me.buttons()) == 3  # + 全部, 完成
    await me.press(me.buttons()[0])
    assert me.buttons()[0] == f"✓ {badges[wanted][2]} #{wanted}"  # kept above every page

    # Part of a nickname: everyone of the other gender whose nickname has it.
    nickname = badges[others[0]][2]
    await me.send(nickname)
    found = [label for label in me.buttons() if nickname in label]
    assert found and all(
        int(label.split("#")[-1]) in others for label in me.buttons() if "#" in label
    )
    await me.send("没有这个人ZZZ")
    assert "没有找到“没有这个人ZZZ”。" in me.last_text()
    await me.send("找" * 4000)  # echoed shortened: the answer still fits one message
    assert "没有找到“找找找" in me.last_text()

    # A badge of the attendee's own gender is not offered.
    await me.send(str(me_badge))
    assert "没有找到" in me.last_text()

    await me.press("完成")
    assert me.last_text() == "已保存。如果有双向选择，我会通知你。"
    await me.send("128")  # the choice is no longer searching: an ordinary message
    assert "胸牌" not in me.last_text()
