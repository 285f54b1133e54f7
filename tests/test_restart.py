"""Conversation state lives in the database: a restart in the middle of a dialog continues it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.tools.sandbox import Sandbox
from storage.models import ConversationState, ThreadMessage
from tests.helpers import agree, seed_union


async def test_restart_in_the_middle_of_a_conversation_continues_it(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await seed_union(sandbox, [])  # what she writes reaches the union's organisers
    await agree(alice)
    await alice.send("/feedback")
    await sandbox.restart()
    await alice.send("希望多办户外活动")
    assert "谢谢" in alice.last_text()
    async with sandbox.app.services.db() as session:
        assert (await session.scalars(select(ThreadMessage.text))).all() == ["希望多办户外活动"]


async def test_finished_conversations_leave_no_state_behind(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await alice.send("/feedback")
    await alice.send("谢谢工会")
    await sandbox.restart()
    async with sandbox.app.services.db() as session:
        assert (await session.scalars(select(ConversationState))).all() == []
    await alice.send("这句话不是留言")
    assert "没有看懂" in alice.last_text()


async def test_a_finished_dialog_leaves_no_state_beside_others(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await seed_union(sandbox, [])  # what she writes reaches the union's organisers
    await agree(alice)  # signing up is a dialog of its own, still open
    await alice.send("/feedback")
    await alice.send("谢谢工会")
    await sandbox.restart()
    async with sandbox.app.services.db() as session:
        names = (await session.scalars(select(ConversationState.name))).all()
        assert "feedback" not in names
        assert (await session.scalars(select(ThreadMessage.text))).all() == ["谢谢工会"]


async def test_state_is_written_while_running_not_only_at_shutdown(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await alice.send("/feedback")
    await sandbox.app.update_persistence()  # what the persistence interval does every second
    async with sandbox.app.services.db() as session:
        states = (await session.scalars(select(ConversationState))).all()
    assert [(s.name, s.state) for s in states] == [("feedback", "writing")]


async def test_a_dialog_nobody_moved_in_for_a_month_is_closed_at_the_next_start(
    sandbox: Sandbox,
) -> None:
    alice, bob = sandbox.user("小王"), sandbox.user("小李")
    await seed_union(sandbox, [])
    await agree(alice)
    await agree(bob)
    await alice.send("/feedback")
    await sandbox.app.update_persistence()  # written within a second, as the bot does
    await sandbox.advance(timedelta(days=20))
    await bob.send("/feedback")
    await sandbox.app.update_persistence()
    await sandbox.advance(timedelta(days=11))  # hers idle 31 days, his 11
    await sandbox.restart()
    async with sandbox.app.services.db() as session:
        keys = (
            await session.scalars(
                select(ConversationState.key).where(ConversationState.name == "feedback")
            )
        ).all()
    assert keys == [f"[{bob.id}, {bob.id}]"]
    await alice.send("这句话不是留言")
    assert "没有看懂" in alice.last_text()
    await bob.send("希望多办户外活动")
    assert "谢谢" in bob.last_text()
