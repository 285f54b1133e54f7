"""Signing up without dead ends (issue 25 §1): a question typed at the terms gets an answer and
the choice again, a typed "同意" counts, a member who will not share their phone hears why and
where to ask, one who does not know their member number hears where to find it and can ask the
union to look it up, and [重新填写] asks again only for what did not match."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox
from storage.models import Member, VerificationAttempt
from tests.helpers import CITY, seed_union, verify

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
SHARE = "📱 分享我的手机号"
ANSWER = "会会是工会为单身职工办的交友助手"


async def attempts(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(VerificationAttempt))


async def verified(sb: Sandbox, telegram_id: int) -> bool:
    async with sb.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        return member is not None and member.verified_at is not None


async def test_a_question_at_the_terms_is_answered_and_a_typed_agreement_counts(
    sandbox: Sandbox,
) -> None:
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await xiaoyu.send("/start")
    await xiaoyu.send("你们是谁？怎么保证安全")
    assert ANSWER in xiaoyu.last_text() and "/delete_me" in xiaoyu.last_text()
    assert xiaoyu.last_text().endswith("你同意上面的说明吗？")
    assert xiaoyu.buttons() == ["同意", "不同意"]
    await xiaoyu.send("嗯")  # neither yes nor no: not taken as either
    assert xiaoyu.buttons() == ["同意", "不同意"]
    await xiaoyu.send("同意！")
    assert xiaoyu.buttons() == [SHARE]


async def test_no_typed_to_the_terms_declines_like_the_button(sandbox: Sandbox) -> None:
    stranger = sandbox.user("路人")
    await seed_union(sandbox, [WANG])
    await stranger.send("/start")
    await stranger.send("不同意")
    assert "如果改变主意，随时发送 /start" in stranger.last_text()
    async with sandbox.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == stranger.id))
    assert member.consented_at is None and member.declined_at is not None


async def test_a_member_who_will_not_share_their_phone_hears_why_and_where_to_ask(
    sandbox: Sandbox,
) -> None:
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await xiaoyu.send("/start")
    await xiaoyu.press("同意")
    await xiaoyu.send("为什么要手机号？不想给")
    why = xiaoyu.texts()[-2]
    assert "只用来和工会名册核对" in why and "其他会员永远看不到" in why and "/ask" in why
    assert xiaoyu.buttons() == [SHARE]
    await xiaoyu.send("１３８００００００００")  # typed, full-width: it cannot show it is hers
    assert "请用下方按钮分享，不要手动输入" in xiaoyu.texts()[-2]
    assert xiaoyu.buttons() == [SHARE]
    assert await attempts(sandbox) == 0


async def test_not_knowing_the_member_number_says_where_to_find_it_and_asks_the_union(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("市总工会")
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG], organisers={CITY: [organiser.id]})
    await xiaoyu.send("/start")
    await xiaoyu.press("同意")
    await xiaoyu.share_contact()
    await xiaoyu.send(WANG[0])
    await xiaoyu.send("不记得了😅")
    assert "会员号印在工会会员卡上" in xiaoyu.last_text()
    assert xiaoyu.buttons() == ["请工会帮我查"]
    assert await attempts(sandbox) == 0  # not counted as a wrong try
    await xiaoyu.press("请工会帮我查")
    asked = [text for text in organiser.texts() if "我不记得自己的会员号" in text]
    assert len(asked) == 1 and WANG[0] in asked[0]
    assert any("工会工作人员一般会在 24 小时内" in text for text in xiaoyu.texts()[-2:])
    assert "查到会员号后，直接发给我就可以继续认证" in xiaoyu.last_text()
    # She found it on her card: she goes on where she was, the name already given.
    await xiaoyu.send(WANG[1])
    assert xiaoyu.last_text() == "你的工作单位是？"
    await xiaoyu.send("申通地铁")
    assert await verified(sandbox, xiaoyu.id)


async def test_try_again_asks_only_the_part_that_did_not_match(sandbox: Sandbox) -> None:
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await xiaoyu.send("/start")
    await xiaoyu.press("同意")
    await xiaoyu.share_contact()
    await xiaoyu.send(WANG[0])
    await xiaoyu.send(WANG[1])
    await xiaoyu.send("上海电气集团")
    assert "工作单位与名册不符，请填写单位全称（以劳动合同上的为准）" in xiaoyu.last_text()
    await xiaoyu.press("重新填写")
    assert xiaoyu.texts()[-2:] == ["只需重新填写没有对上的部分。", "你的工作单位是？"]
    await xiaoyu.send("上海申通地铁集团有限公司")
    assert await verified(sandbox, xiaoyu.id)
    assert await attempts(sandbox) == 2


async def test_the_corrected_part_typed_without_pressing_try_again_is_taken(
    sandbox: Sandbox,
) -> None:
    """Told "请检查后重试", people type the corrected employer. It was dropped, she was asked to
    share her phone again, and then to type her name, number and employer all over."""
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await verify(xiaoyu, WANG[0], WANG[1], "上海电气集团")
    assert "工作单位与名册不符" in xiaoyu.last_text()
    await xiaoyu.send("为什么不对？")  # a question, not an employer: the part is asked again
    assert xiaoyu.texts()[-2:] == ["只需重新填写没有对上的部分。", "你的工作单位是？"]
    assert await attempts(sandbox) == 1
    await xiaoyu.send("上海申通地铁集团有限公司")
    assert await verified(sandbox, xiaoyu.id)
    assert await attempts(sandbox) == 2

    wei = sandbox.user("大伟", phone="13800000012")
    await seed_union(sandbox, [("张伟", "SH0012", "上海申通地铁集团有限公司", "13800000012")])
    await verify(wei, "张伟", "SH0012", "上海电气集团")
    await wei.send("申通地铁")  # straight away, no button
    assert await verified(sandbox, wei.id)

    # After a wrong name or number, words typed could be either: the parts are asked for.
    li = sandbox.user("小李", phone="13800000013")
    await seed_union(sandbox, [("李娜", "SH0013", "上海申通地铁集团有限公司", "13800000013")])
    await verify(li, "李丽", "SH0099", "申通地铁")
    spent = await attempts(sandbox)
    await li.send("SH0013")
    assert li.texts()[-2:] == [
        "只需重新填写没有对上的部分。",
        "谢谢！请问你的真实姓名是？（与工会登记的一致）",
    ]
    assert await attempts(sandbox) == spent
    assert sum("分享你的手机号" in text for text in wei.texts()) == 1  # asked once, at the start


async def test_try_again_after_an_unknown_number_asks_name_and_number_not_the_phone(
    sandbox: Sandbox,
) -> None:
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await xiaoyu.send("/start")
    await xiaoyu.press("同意")
    await xiaoyu.share_contact()
    await xiaoyu.send(WANG[0])
    await xiaoyu.send("SH9999")
    await xiaoyu.send(WANG[2])
    await xiaoyu.press("重新填写")
    # Which of name and number was wrong is not said (nobody learns who is on the roster), so
    # both are asked again; the phone, from her own account, is kept.
    assert xiaoyu.last_text() == "谢谢！请问你的真实姓名是？（与工会登记的一致）"
    await xiaoyu.send(WANG[0])
    await xiaoyu.send(WANG[1])
    assert await verified(sandbox, xiaoyu.id)
