"""Members are served concurrently; each member's updates are handled one at a time, in order."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.app.processor import MAX_BACKLOG
from bot.tools.sandbox import Sandbox
from storage.models import ThreadMessage
from tests.helpers import seed_union

ASK = "你想对工会说些什么"
THANKS = "谢谢！"


async def consented(member) -> None:  # noqa: ANN001
    """Feedback is kept only from people who agreed to the terms, and reaches their union."""
    await seed_union(member.sandbox, [])
    await member.send("/start")
    await member.press("同意")
    member.log.clear()


def replies(texts: list[str]) -> list[str]:
    """Each bot reply as ask / thanks / other."""
    return [
        "ask" if text.startswith(ASK) else "thanks" if text.startswith(THANKS) else "other"
        for text in texts
    ]


async def test_a_slow_member_does_not_hold_up_another(sandbox: Sandbox) -> None:
    alice, bob = sandbox.user("Alice"), sandbox.user("Bob")
    gate = sandbox.api.hold(alice.chat_id)
    alice_waiting = asyncio.create_task(alice.send("/help"))
    await asyncio.wait_for(gate.reached.wait(), timeout=5)  # Alice's answer is stuck at Telegram

    await asyncio.wait_for(bob.send("/help"), timeout=5)
    assert bob.last_text().startswith("我可以帮你做这些")
    assert alice.last_text() is None

    sandbox.api.release(alice.chat_id)
    await alice_waiting
    assert alice.last_text().startswith("我可以帮你做这些")


async def test_one_members_messages_are_handled_in_order_one_at_a_time(sandbox: Sandbox) -> None:
    alice = sandbox.user("Alice")
    await consented(alice)
    gate = sandbox.api.hold(alice.chat_id)
    first = asyncio.create_task(alice.send("/feedback"))
    await asyncio.wait_for(gate.reached.wait(), timeout=5)
    # While the bot is still answering /feedback, Alice already sends her note. Handled at the
    # same time, it would reach the conversation before it is waiting for a note.
    second = asyncio.create_task(alice.send("路灯坏了"))
    await asyncio.sleep(0.05)
    sandbox.api.release(alice.chat_id)
    await asyncio.gather(first, second)
    assert replies(alice.texts()) == ["ask", "thanks"]


async def test_a_burst_from_many_members_keeps_each_members_order(sandbox: Sandbox) -> None:
    sandbox.api.latency = 0.002
    members = [sandbox.user(f"会员{i}") for i in range(20)]
    for member in members:
        await consented(member)

    async def burst(member, index: int) -> None:
        sends = []
        for round_ in range(3):
            sends.append(asyncio.create_task(member.send("/feedback")))
            sends.append(asyncio.create_task(member.send(f"{index}-{round_}")))
        await asyncio.gather(*sends)

    await asyncio.gather(*(burst(member, i) for i, member in enumerate(members)))
    for member in members:
        assert replies(member.texts()) == ["ask", "thanks"] * 3
    async with sandbox.app.services.db() as session:
        notes = (await session.scalars(select(ThreadMessage.text).order_by(ThreadMessage.id))).all()
    for index in range(20):
        assert [n for n in notes if n.startswith(f"{index}-")] == [f"{index}-{r}" for r in range(3)]
    assert sandbox.app.update_processor.active_lanes == 0


async def test_a_flood_from_one_member_is_cut_short_and_delays_nobody_else(
    sandbox: Sandbox,
) -> None:
    flooder, other = sandbox.user("刷屏的人"), sandbox.user("别人")
    sandbox.api.latency = 0.001
    flood = [asyncio.create_task(flooder.send(f"第{i}条")) for i in range(2_000)]
    await asyncio.sleep(0)  # the flood is in before the other member writes
    await asyncio.wait_for(other.send("/help"), timeout=10)
    assert other.last_text().startswith("我可以帮你做这些")
    await asyncio.gather(*flood)
    notes = [t for t in flooder.texts() if t.startswith("你发消息太快了")]
    assert len(notes) == 1  # told once, politely
    answered = len(flooder.texts()) - 1
    assert answered <= 1 + MAX_BACKLOG + 1  # the rest were skipped
    assert sandbox.app.update_processor.active_lanes == 0
