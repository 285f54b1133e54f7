"""Retention and erasure everywhere the text went (issue 22, point 7). What two members relayed
and what a member asked her union is searched for in every column of every table the database
has (found by introspection, not from our models), as written and as JSON keeps it: after the
retention period nothing is left, however the conversation ended. After /delete_me nothing
names her — not the notices others were sent, not a matchmaker's note about her."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import MetaData, Table, Text, cast, func, or_, select

from bot.domain import buttons as b
from bot.services import notices
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Member, ProfileAnswer, RelayMessage, ScheduledTask
from tests.helpers import PUDONG, ZH_ANSWERS, seed_union, sign_up
from tests.test_matching_bot import MAN, MAN_2, WOMAN, card_for, man_script

NICKNAME = "鲸落"
RELAYED = ("周六下午三点在蓝鲸咖啡馆门口等你🐋", "好的，我带那本《百年孤独》来🙂")
ASKED = "阿明说他在陆家嘴的鲸鱼银行上班，可信吗？"
ANSWERED = "先约在人多的地方，比如紫藤广场，千万别借钱给他。"
NOTE = "性格温柔，在地铁公司做设计，周末爱去崇明骑车。"
DAY = timedelta(days=1)


def her_script() -> dict:
    return {**ZH_ANSWERS, "nickname": [("send", NICKNAME)]}


async def holding(sb: Sandbox, words: Sequence[str], skip: Sequence[str] = ()) -> list[str]:
    """``table.column`` of every column holding any of ``words``, as written or as JSON
    escapes (how JSON columns keep Chinese and emoji), in every table the database has."""
    await sb.app.update_persistence()  # conversation state and scratch data are written too
    found = []
    async with sb.engine.connect() as connection:
        tables: list[Table] = await connection.run_sync(_reflected)
        for table in tables:
            if table.name in skip:
                continue
            for column in table.columns:
                text = cast(column, Text)
                forms = {form for word in words for form in (word, json.dumps(word)[1:-1])}
                where = or_(*(text.contains(form, autoescape=True) for form in forms))
                count = await connection.scalar(
                    select(func.count()).select_from(table).where(where)
                )
                if count:
                    found.append(f"{table.name}.{column.name}")
    return found


def _reflected(sync) -> list[Table]:  # noqa: ANN001 - a synchronous Connection
    metadata = MetaData()
    metadata.reflect(sync)
    return list(metadata.sorted_tables)


async def matched(
    sb: Sandbox, organiser: SimulatedUser | None = None
) -> tuple[SimulatedUser, SimulatedUser, SimulatedUser]:
    """A matchmaker, and 鲸落 and 阿明 matched by liking each other."""
    hongniang = sb.user("红娘阿姨")
    her = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
    ming = sb.user("阿明", phone=MAN[3], username="aming_sh")
    organisers = {PUDONG: [organiser.id]} if organiser else {}
    await seed_union(
        sb, [WOMAN, MAN, MAN_2], matchmakers={PUDONG: [hongniang.id]}, organisers=organisers
    )
    await sign_up(her, WOMAN, her_script())
    await sign_up(ming, MAN, man_script("阿明"))
    await ming.send("/match")
    await card_for(ming, NICKNAME)
    await ming.press("❤️")
    await her.send("/match")
    await her.press("❤️")
    return hongniang, her, ming


async def talk(her: SimulatedUser, ming: SimulatedUser) -> None:
    await her.press("✉️ 给阿明留言")
    await her.send(RELAYED[0])
    assert ming.last_text() == f"{NICKNAME}：{RELAYED[0]}"
    await ming.press("回复")
    await ming.send(RELAYED[1])
    assert her.last_text() == f"阿明：{RELAYED[1]}"


async def ask(her: SimulatedUser, hongniang: SimulatedUser) -> None:
    await her.send("/done")
    await her.send("/ask")
    await her.send(ASKED)
    assert ASKED in hongniang.last_text()
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send(ANSWERED)
    assert ANSWERED in her.last_text()


async def test_a_block_starts_the_clock_and_then_no_table_holds_what_was_written(
    sandbox: Sandbox,
) -> None:
    hongniang, her, ming = await matched(sandbox)
    await talk(her, ming)
    await her.press("屏蔽")  # a block, not 结束对话: it too ends the conversation
    await ask(her, hongniang)
    written = [*RELAYED, ASKED, ANSWERED]
    kept = await holding(sandbox, written)
    # The search finds them where they are: the relay, the outbox, the thread.
    assert {"relay_messages.text", "scheduled_tasks.payload", "thread_messages.text"} <= set(kept)
    await sandbox.advance(29 * DAY)
    assert "relay_messages.text" in await holding(sandbox, RELAYED)  # kept for the period
    await sandbox.advance(DAY + timedelta(minutes=1))
    assert await holding(sandbox, written) == []
    # Nothing comes back: after a restart and past the last follow-up (three months after the
    # match), still nothing.
    await sandbox.restart()
    await sandbox.advance(100 * DAY)
    assert await holding(sandbox, written) == []


async def test_words_written_after_the_first_run_are_erased_on_their_own_day(
    sandbox: Sandbox,
) -> None:
    """The eraser runs when the next thing falls due, not only on a fixed beat: a question
    asked ten days after the bot started is gone 30 days after its thread went quiet."""
    hongniang, her, _ming = await matched(sandbox)
    await sandbox.advance(10 * DAY)
    await ask(her, hongniang)
    await sandbox.advance(30 * DAY - timedelta(minutes=1))
    assert "thread_messages.text" in await holding(sandbox, [ASKED, ANSWERED])
    await sandbox.advance(timedelta(minutes=2))
    assert await holding(sandbox, [ASKED, ANSWERED]) == []
    await her.send("/export_me")  # the question's thread is over, its words gone
    exported = json.loads(sandbox.api.files[her.bot_messages()[-1].file_id][1])
    assert ASKED not in json.dumps(exported, ensure_ascii=False)


async def test_an_erased_notice_is_never_sent_again(sandbox: Sandbox) -> None:
    """Erasing a notice's words keeps its key: writing it again (a retry of the state change
    that wrote it) still finds it sent."""
    _hongniang, her, ming = await matched(sandbox)
    await talk(her, ming)
    await her.press("结束对话")
    async with sandbox.app.services.db() as session:
        sent = select(ScheduledTask.key).where(ScheduledTask.key.startswith("relay:"))
        keys = (await session.scalars(sent)).all()
    assert len(keys) == 2
    await sandbox.advance(31 * DAY)
    before = len(ming.texts())
    async with sandbox.app.services.db.begin() as session:
        for key in keys:
            await notices.put(
                session,
                to=ming.id,
                now=sandbox.clock.now(),
                lines=[notices.line("{text}", text=RELAYED[0])],
                key=key,
            )
    await sandbox.advance(timedelta(minutes=1))
    assert len(ming.texts()) == before


async def test_after_delete_me_nothing_names_her_not_even_a_matchmakers_note(
    sandbox: Sandbox,
) -> None:
    hongniang = sandbox.user("红娘阿姨")
    her = sandbox.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
    ming = sandbox.user("阿明", phone=MAN[3], username="aming_sh")
    await seed_union(sandbox, [WOMAN, MAN], matchmakers={PUDONG: [hongniang.id]})
    await sign_up(her, WOMAN, her_script())
    await sign_up(ming, MAN, man_script("阿明"))
    await hongniang.send("/propose")
    await hongniang.press("提议这一对")
    await hongniang.send(f"{NICKNAME}{NOTE}")
    assert NOTE in ming.last_text()
    await her.press("接受")
    await ming.press("接受")
    await talk(her, ming)
    await ask(her, hongniang)
    async with sandbox.app.services.db() as session:
        photos = await session.scalar(
            select(ProfileAnswer.value)
            .join(Member, Member.id == ProfileAnswer.member_id)
            .where(ProfileAnswer.question == "photos", Member.telegram_id == her.id)
        )
    assert photos
    await her.send("/delete_me")
    await her.press("全部删除")
    assert "关于你的所有信息都已删除" in her.last_text()
    names = [NICKNAME, WOMAN[0], WOMAN[3], "xiaoyu_sh", str(her.id), *photos]
    # Her words and a matchmaker's words about her, in what others were sent, go with her.
    assert await holding(sandbox, [*names, NOTE, *RELAYED, ASKED], skip=["roster_entries"]) == []
    await ming.send("/export_me")
    exported = json.dumps(
        json.loads(sandbox.api.files[ming.bot_messages()[-1].file_id][1]), ensure_ascii=False
    )
    assert NICKNAME not in exported and NOTE not in exported
    assert RELAYED[1] not in exported  # what he wrote to her went with the conversation
    await ming.send("还在吗？")  # still in relay mode: nobody to write to
    assert not any("还在吗" in t for t in her.texts())


async def test_export_counts_what_others_did_and_lists_the_notices_she_was_sent(
    sandbox: Sandbox,
) -> None:
    _hongniang, her, ming = await matched(sandbox)
    zhang = sandbox.user("张伟", phone=MAN_2[3])
    await sign_up(zhang, MAN_2, man_script("大伟"))
    await zhang.send("/match")
    await card_for(zhang, NICKNAME)
    await zhang.press("下一位")
    await talk(her, ming)
    await her.send("/export_me")
    exported = json.loads(sandbox.api.files[her.bot_messages()[-1].file_id][1])
    assert exported["别人对你资料卡的喜欢与跳过"] == {"喜欢你": 1, "跳过你": 1}
    text = json.dumps(exported, ensure_ascii=False)
    assert "大伟" not in text and "张伟" not in text  # counted, never attributed
    sent = [n["内容"] for n in exported["会会发给你的通知"]]
    assert f"阿明：{RELAYED[1]}" in sent
    assert any("你和阿明互相喜欢" in s for s in sent)


async def test_held_and_flagged_words_cannot_be_pulled_back_after_a_suspension_and_the_period(
    sandbox: Sandbox,
) -> None:
    """A held money request the recipient never opened, and a question the scam screen listed
    for moderators: after the suspension that ended the conversation and the period, neither
    the recipient's button nor /reports brings them back."""
    organiser = sandbox.user("浦东管理员")
    _hongniang, her, ming = await matched(sandbox, organiser)
    money = "江湖救急，先转账两千给我，下周一定还你"
    scam_ask = "有人让我下载一个理财软件，说稳赚不赔，这正常吗？"
    await ming.press(f"✉️ 给{NICKNAME}留言")
    await ming.send(money)
    assert money not in her.last_text()  # held: a money request on the first day
    async with sandbox.app.services.db() as session:
        held = await session.scalar(select(RelayMessage.id).where(RelayMessage.held.is_(True)))
        ming_id = await session.scalar(select(Member.id).where(Member.telegram_id == ming.id))
    assert held is not None
    await her.send("/ask")
    await her.send(scam_ask)
    shown = len(organiser.texts())
    await organiser.send("/reports")
    listed = "\n".join(organiser.texts()[shown:])
    assert "转账两千" in listed
    # The question is kept where its words went (its thread, the notice to staff, maybe the
    # screen's list) until the period ends.
    assert {"thread_messages.text", "scheduled_tasks.payload"} <= set(
        await holding(sandbox, [scam_ask])
    )
    await sandbox.app.services.administration.moderate(organiser.id, ming_id, "suspend")
    await sandbox.advance(30 * DAY + timedelta(minutes=1))
    await her.forge_press(b.ShowRelayed(held).encode())
    assert her.last_alert() == "这条消息已无法查看。"
    shown = len(organiser.texts())
    await organiser.send("/reports")
    listed = "\n".join(organiser.texts()[shown:])
    assert "理财软件" not in listed and "转账两千" not in listed
    assert await holding(sandbox, [money, scam_ask]) == []


def test_the_retention_benchmark_runs() -> None:
    """benchmarks/retention.py, small: it erases and reports beside its baseline."""
    done = subprocess.run(
        [sys.executable, "benchmarks/retention.py", "--notices", "2000", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["notices"] == 2000 and result["eraser run, steady state / baseline"] > 0
