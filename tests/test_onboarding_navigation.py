"""Finding one's way while signing up: a poster's deep link through consent and verification
back to its event, going back to the previous question, /edit in the middle of the
questionnaire, and old buttons pressed later — through the real bot, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.events import Capacity
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Member, ProfileAnswer, Registration
from tests.helpers import (
    PUDONG,
    TITLE,
    ZH_ANSWERS,
    answer_questions,
    pledged,
    publish,
    seed_union,
    verify,
)

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")


async def registrations(sb: Sandbox, telegram_id: int) -> list[int]:
    async with sb.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        if member is None:
            return []
        found = await session.scalars(
            select(Registration.event_id).where(Registration.member_id == member.id)
        )
        return list(found.all())


async def union_with_event(sb: Sandbox, **changes: object) -> int:
    organiser = sb.user("浦东管理员")
    await seed_union(sb, [WANG], organisers={PUDONG: [organiser.id]})
    return await publish(sb, organiser, **changes)


async def verify_by_link(member: SimulatedUser, event_id: int) -> None:
    await member.send(f"/start event_{event_id}")
    await member.press("同意")
    await member.share_contact()
    await member.send("王小雨")
    await member.send("SH0001")
    await member.send("申通地铁")


async def test_a_poster_link_takes_a_newcomer_through_signing_up_back_to_the_event(
    sandbox: Sandbox,
) -> None:
    event_id = await union_with_event(sandbox)
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await wang.send(f"/start event_{event_id}")
    said = "\n".join(wang.texts())
    assert "只有认证过的工会会员才能报名" not in said
    assert "你好，小雨！我是会会" in said
    assert f"报名“{TITLE}”之前" in said
    assert wang.buttons() == ["同意", "不同意"]
    await wang.press("同意")
    await wang.share_contact()
    await wang.send("王小雨")
    await wang.send("SH0001")
    await wang.send("申通地铁")
    after = wang.texts()[-4:]
    assert "✅ 核实成功" in after[0]
    assert "这就是你想参加的活动" in after[1] and "资料可以之后再填完" in after[1]
    assert TITLE in after[2]
    assert "单身承诺" in after[3]
    card = wang.bot_messages()[-2]
    await wang.press_on(card, "报名")
    assert await registrations(sandbox, wang.id) == [event_id]
    # The pledge and the questions carry on where they were.
    await wang.press("我承诺")
    assert wang.last_text().startswith("第 1/")


async def test_the_event_is_remembered_across_a_restart_and_shown_after_the_profile(
    sandbox: Sandbox,
) -> None:
    # Places kept by gender: a member whose gender is not known yet cannot sign up, so the
    # event comes back once the profile is complete.
    event_id = await union_with_event(sandbox, capacity=Capacity(10, 5, 5))
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await wang.send(f"/start event_{event_id}")
    await wang.press("同意")
    await sandbox.restart()
    await wang.share_contact()
    await wang.send("王小雨")
    await wang.send("SH0001")
    await wang.send("申通地铁")
    assert "资料填写完成后" in wang.texts()[-2] and TITLE in wang.texts()[-2]
    await wang.press("我承诺")
    await answer_questions(wang, ZH_ANSWERS, ZH_ANSWERS.keys())
    assert "这就是你想参加的活动" in wang.texts()[-2]
    assert TITLE in wang.last_text()
    await wang.press("报名")
    assert await registrations(sandbox, wang.id) == [event_id]


async def test_a_link_to_an_event_no_longer_open_still_starts_signing_up(
    sandbox: Sandbox,
) -> None:
    await union_with_event(sandbox)
    stranger = sandbox.user("路人")
    await stranger.send("/start event_999")
    assert "这场活动已停止报名" in "\n".join(stranger.texts())
    assert stranger.buttons() == ["同意", "不同意"]


async def answers_of(sb: Sandbox, telegram_id: int) -> dict:
    async with sb.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        rows = await session.scalars(
            select(ProfileAnswer).where(ProfileAnswer.member_id == member.id)
        )
        return {row.question: row.value for row in rows}


async def test_back_to_the_previous_question_shows_its_answer_and_carries_on(
    sandbox: Sandbox,
) -> None:
    wang = await pledged(sandbox)
    assert "↩️ 返回上一题" not in wang.buttons()  # nothing before the first question
    await wang.send("上一题")
    assert wang.texts()[-2] == "这已经是第一题了。"
    assert wang.last_text().startswith("第 1/")
    await answer_questions(wang, ZH_ANSWERS, ["nickname", "gender"])
    assert wang.last_text().startswith("第 3/")  # 出生年份
    await wang.send("返回上一题")
    assert wang.texts()[-2] == "好的，回到上一题。你现在的回答是：女"
    assert wang.last_text().startswith("第 2/")
    assert "↩️ 返回上一题" in wang.buttons()
    await wang.send("返回")  # and back once more, to the nickname
    assert wang.texts()[-2] == "好的，回到上一题。你现在的回答是：小雨"
    await wang.send("雨")
    assert wang.last_text().startswith("第 3/")  # where she was
    assert (await answers_of(sandbox, wang.id))["nickname"] == "雨"
    await wang.press("↩️ 返回上一题")  # the button says the same
    assert wang.texts()[-2] == "好的，回到上一题。你现在的回答是：女"
    await wang.press("男")
    assert wang.last_text().startswith("第 3/")
    assert (await answers_of(sandbox, wang.id))["gender"] == "male"


async def test_back_skips_a_question_that_was_not_asked_and_leaves_a_wish_unsettled(
    sandbox: Sandbox,
) -> None:
    wang = await pledged(sandbox)
    keys = list(ZH_ANSWERS)
    await answer_questions(wang, ZH_ANSWERS, keys[: keys.index("hukou")])
    # 未婚: 有无子女 was not asked, so the question before 户籍 is 婚姻状况.
    await wang.send("返回上一题")
    assert wang.texts()[-2] == "好的，回到上一题。你现在的回答是：未婚"
    await wang.press("离异")  # now divorced: children of one's own is asked, then 户籍 again
    assert wang.last_text() == "第 10/32 题\n你有孩子吗？"
    await wang.press("没有孩子")
    assert wang.last_text().startswith("第 11/32 题\n")  # 户籍, where she was
    await answer_questions(wang, ZH_ANSWERS, keys[keys.index("hukou") : keys.index("seek_age")])
    await wang.send("27-35")
    assert "必须满足" in wang.buttons()
    await wang.send("返回")  # at "must or nice to have?": the age range again
    assert "年龄" in wang.last_text() and "必须满足" not in wang.buttons()
    await wang.send("28-36")
    await wang.press("最好满足")
    answers = await answers_of(sandbox, wang.id)
    assert answers["seek_age"] == [28, 36] and answers["marital_status"] == "divorced"


async def test_edit_in_the_middle_of_the_questions_returns_to_them(sandbox: Sandbox) -> None:
    wang = await pledged(sandbox)
    await answer_questions(wang, ZH_ANSWERS, ["nickname", "gender", "birth_year"])
    assert wang.last_text().startswith("第 4/")  # 身高
    await wang.send("/edit")
    await wang.press("昵称")
    await wang.send("雨")
    assert wang.texts()[-2] == "已保存，我们接着刚才的地方继续。"
    assert wang.last_text().startswith("第 4/")
    await wang.send("165")  # the next answer is taken as before
    assert wang.last_text().startswith("第 5/")
    answers = await answers_of(sandbox, wang.id)
    assert answers["nickname"] == "雨" and answers["height"] == 165
    # Choosing the question they are at with /edit is answering it, and they carry on.
    await wang.send("/edit")
    await wang.press("学历")
    await wang.press("本科")
    assert wang.last_text().startswith("第 6/")


async def test_an_old_button_says_how_to_change_that_answer(sandbox: Sandbox) -> None:
    wang = await pledged(sandbox)
    await answer_questions(wang, ZH_ANSWERS, ["nickname"])
    await wang.send("女")  # typed, so the question's buttons stay under it
    gender_question = next(m for m in wang.bot_messages() if (m.text or "").startswith("第 2/"))
    await wang.press_on(gender_question, "男")  # scrolled back and pressed later
    assert wang.last_alert() == "你已经回答过“性别”了。想修改的话，请发送 /edit 并选择“性别”。"
    assert (await answers_of(sandbox, wang.id))["gender"] == "female"
    await wang.press_on(gender_question, "↩️ 返回上一题")  # its back button, too
    assert wang.last_alert() == "你已经回答过“性别”了。想修改的话，请发送 /edit 并选择“性别”。"
    await wang.send("1996")  # the questionnaire goes on where it was
    assert wang.last_text().startswith("第 4/")


async def test_a_link_opened_during_the_questions_shows_the_event_and_they_go_on(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("浦东管理员")
    await seed_union(sandbox, [WANG], organisers={PUDONG: [organiser.id]})
    event_id = await publish(sandbox, organiser)
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    await answer_questions(wang, ZH_ANSWERS, ["nickname"])
    await wang.send(f"/start event_{event_id}")
    assert TITLE in wang.last_text()
    await wang.press("报名")
    assert await registrations(sandbox, wang.id) == [event_id]
    gender = next(m for m in reversed(wang.bot_messages()) if (m.text or "").startswith("第 2/"))
    await wang.press_on(gender, "女")  # the question she was at
    assert wang.last_text().startswith("第 3/")
    await wang.send("1996")  # typed answers still reach the questionnaire
    assert wang.last_text().startswith("第 4/")
