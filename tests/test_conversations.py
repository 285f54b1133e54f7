"""/start, /help, /feedback and what 会会 says to anything it does not understand."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.units import Role
from bot.tools.sandbox import Sandbox
from storage.models import Member, OrgUnit, Thread, ThreadMessage, UnitRole
from tests.helpers import PUDONG, seed_union, sign_up
from tests.test_matching_bot import WOMAN


async def feedback_texts(sb: Sandbox) -> list[str]:
    """What members wrote with /feedback: messages of feedback threads, for the organisers."""
    async with sb.app.services.db() as session:
        written = await session.scalars(
            select(ThreadMessage.text)
            .join(Thread, Thread.id == ThreadMessage.thread_id)
            .where(Thread.kind == "feedback")
            .order_by(ThreadMessage.id)
        )
        return list(written.all())


async def test_start_introduces_huihui_in_chinese(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await alice.send("/start")
    assert alice.texts()[0].startswith("你好，小王！我是会会")
    assert alice.buttons() == ["同意", "不同意"]


async def test_start_in_english_for_an_english_telegram_app(sandbox: Sandbox) -> None:
    bob = sandbox.user("Bob", language="en-GB")
    await bob.send("/start")
    assert bob.texts()[0].startswith("Hello Bob! I am 会会")
    assert bob.buttons() == ["I agree", "I do not agree"]


async def test_help_lists_every_published_command(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await alice.send("/help")
    published = sandbox.api.menu()
    assert published, "no command menu was published"
    for command in published:
        assert f"/{command} — " in alice.last_text()
    assert "管理员功能" not in alice.last_text() and "/broadcast" not in alice.last_text()


async def test_help_shows_organisers_their_commands_too(sandbox: Sandbox) -> None:
    organiser = sandbox.user("工会老张")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    await organiser.send("/help")
    organiser_part = organiser.last_text().split("管理员功能：")[1]
    for command in ("/broadcast", "/event_new", "/events", "/review", "/stats"):
        assert f"{command} — " in organiser_part


async def test_help_shows_each_role_its_commands(sandbox: Sandbox) -> None:
    organiser, matchmaker, counsellor = (
        sandbox.user(n) for n in ("工会老张", "红娘小李", "辅导员老陈")
    )
    await seed_union(
        sandbox, [], organisers={PUDONG: [organiser.id]}, matchmakers={PUDONG: [matchmaker.id]}
    )
    async with sandbox.app.services.db.begin() as session:
        pudong = await session.scalar(select(OrgUnit.id).where(OrgUnit.name == PUDONG))
        session.add(UnitRole(telegram_id=counsellor.id, unit_id=pudong, role=Role.COUNSELLOR))
    await matchmaker.send("/help")
    text = matchmaker.last_text()
    assert "管理员功能" not in text and "/broadcast" not in text
    helping = text.split("红娘功能：")[1]
    for command in ("/propose", "/shortlist", "/inbox"):
        assert f"{command} — " in helping
    # Her desk, by what it holds for her (it had no line; a counsellor's spoke of rosters).
    assert "/console — 打开工作台：待推荐配对、会员咨询" in helping
    await counsellor.send("/help")
    text = counsellor.last_text()
    assert "红娘功能" not in text and "/propose" not in text
    counselling = text.split("婚恋辅导员功能：")[1]
    assert "/inbox — " in counselling and "/console — 打开工作台：会员咨询" in counselling
    async with sandbox.app.services.db.begin() as session:
        await session.execute(delete(UnitRole).where(UnitRole.telegram_id == matchmaker.id))
    await matchmaker.send("/help")
    assert "红娘功能" not in matchmaker.last_text()  # read from the database each time


async def test_start_stores_nothing_about_the_member(sandbox: Sandbox) -> None:
    await sandbox.user("小王").send("/start")
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def agreed(sb: Sandbox, name: str):  # noqa: ANN201
    """Someone who agreed to the terms (not verified yet): what they write reaches the top
    union's organisers."""
    await seed_union(sb, [])
    member = sb.user(name)
    await member.send("/start")
    await member.press("同意")
    return member


async def test_feedback_is_stored_and_acknowledged(sandbox: Sandbox) -> None:
    alice = await agreed(sandbox, "小王")
    await alice.send("/feedback")
    assert "你想对工会说些什么" in alice.last_text()
    await alice.send("  食堂的菜太咸了  ")
    assert "谢谢" in alice.last_text()
    assert await feedback_texts(sandbox) == ["食堂的菜太咸了"]


async def test_feedback_rejects_bad_input_and_keeps_asking(sandbox: Sandbox) -> None:
    alice = await agreed(sandbox, "小王")
    await alice.send("/feedback")
    await alice.send("长" * 1001)
    assert "1001 字" in alice.last_text() and "1000 字以内" in alice.last_text()
    await alice.send_photo()
    assert "请用文字写下你的留言" in alice.last_text()
    assert await feedback_texts(sandbox) == []
    await alice.send("好的，简短一点")
    assert await feedback_texts(sandbox) == ["好的，简短一点"]


async def test_feedback_from_someone_who_never_agreed_is_not_kept(sandbox: Sandbox) -> None:
    stranger = sandbox.user("路人")
    await stranger.send("/feedback")
    await stranger.send("我的电话 13900000000")
    assert stranger.last_text() == "请先发送 /start。"
    assert await feedback_texts(sandbox) == []
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_feedback_can_be_cancelled(sandbox: Sandbox) -> None:
    alice = await agreed(sandbox, "小王")
    await alice.send("/feedback")
    await alice.send("/cancel")
    assert "已取消" in alice.last_text()
    await alice.send("这句不是留言")
    assert await feedback_texts(sandbox) == []


async def test_a_greeting_gets_the_menu_and_cancel_says_nothing_is_in_progress(
    sandbox: Sandbox,
) -> None:
    alice = sandbox.user("小王")
    for hello in ("你好", "您好！", "在吗？", "Hi", "哈喽~"):
        await alice.send(hello)
        assert alice.last_text().startswith("你好！我是会会，工会的交友助手。")
        assert "/match — " in alice.last_text() and "/help — " in alice.last_text()
    await alice.send("你好，我想找个对象")  # more than a greeting: not answered as one
    assert alice.last_text() == "抱歉，我没有看懂。发送 /help 看看我能做什么。"
    await alice.send("/cancel")
    assert alice.last_text() == "现在没有进行中的操作，不需要取消。发送 /help 看看我能做什么。"


async def test_any_other_command_ends_an_open_feedback(sandbox: Sandbox) -> None:
    alice = await agreed(sandbox, "小王")
    await alice.send("/feedback")
    await alice.send("/help")  # changed her mind: the command runs as usual
    assert "/match" in alice.last_text()
    await alice.send("这句不是留言")
    assert "核实你的工会会员身份" in alice.last_text()  # back where she was: verification
    assert await feedback_texts(sandbox) == []
    await alice.send("/feedback")
    await alice.send("/feedback")  # pressed twice: still one open dialog
    await alice.send("这次是留言")
    assert await feedback_texts(sandbox) == ["这次是留言"]


async def test_unknown_text_commands_and_documents_get_a_friendly_answer(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    alice = sandbox.user("小王")
    await alice.send("今天天气怎么样")
    assert alice.last_text() == "抱歉，我没有看懂。发送 /help 看看我能做什么。"
    await alice.send("/nonsense")
    assert "/help" in alice.last_text()
    document = tmp_path / "简历.pdf"
    document.write_bytes(b"%PDF-1.4")
    await alice.send_document(document)
    assert "没有看懂" in alice.last_text()
    assert "简历.pdf" in alice.transcript()


async def test_a_button_from_an_older_version_of_the_bot_is_explained(sandbox: Sandbox) -> None:
    alice = sandbox.user("小王")
    await sandbox.app.bot.send_message(
        alice.chat_id,
        "旧消息",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("旧按钮", callback_data="retired-feature:1")]]
        ),
    )
    await alice.press("旧按钮")
    assert alice.last_alert() == "这个按钮已失效。发送 /help 重新开始。"


@pytest.mark.parametrize(
    ("typed", "pointed_to"),
    [
        ("下一位", "/match"),
        ("刚才跳过的人还能再看吗", "/match"),
        ("报名", "/events"),
        ("怎么改资料", "/edit"),
        ("我想找人工", "/ask"),
    ],
)
async def test_words_that_ask_for_a_command_are_pointed_to_it(
    sandbox: Sandbox, typed: str, pointed_to: str
) -> None:
    """ "下一位" or "报名" typed, not pressed, got "抱歉，我没有看懂"."""
    wang = sandbox.user("小雨", phone=WOMAN[3])
    await seed_union(sandbox, [WOMAN])
    await sign_up(wang, WOMAN)
    await wang.send(typed)
    assert pointed_to in wang.last_text() and "没有看懂" not in wang.last_text()
    await wang.send("今天天气不错")  # nothing to point to
    assert wang.last_text() == "抱歉，我没有看懂。发送 /help 看看我能做什么。"
