"""The member's first ten minutes: consent, verification, pledge, profile — through the real bot."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import Member, ProfileAnswer, RosterEntry, VerificationAttempt
from tests.helpers import (
    EN_ANSWERS,
    PUDONG_CONTACT,
    ZH_ANSWERS,
    answer,
    edit,
    seed_union,
    sign_up,
    verify,
)

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
SAM = ("Sam Lee", "SH0002", "Shanghai Electric", "13800000002")


async def member_row(sb: Sandbox, telegram_id: int) -> Member | None:
    async with sb.app.services.db() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == telegram_id))


async def answers_of(sb: Sandbox, telegram_id: int) -> dict:
    member = await member_row(sb, telegram_id)
    async with sb.app.services.db() as session:
        rows = await session.scalars(
            select(ProfileAnswer).where(ProfileAnswer.member_id == member.id)
        )
        return {row.question: (row.value, row.must_have) for row in rows}


async def test_happy_path_in_chinese(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await wang.send("/start")
    assert "你好，小雨！我是会会" in wang.texts()[0]
    privacy = wang.last_text()
    for promise in ("收集什么", "用途", "谁能看到", "保存多久", "/export_me", "/delete_me"):
        assert promise in privacy
    assert wang.buttons() == ["同意", "不同意"]
    await wang.press("同意")
    assert wang.buttons() == ["📱 分享我的手机号"]
    await wang.press("分享我的手机号")
    await wang.send("王小雨")
    await wang.send("sh 0001")  # normalised before it is compared
    await wang.send("申通地铁")  # an abbreviation of the roster's employer
    assert "✅ 核实成功" in wang.texts()[-2]
    assert "单身承诺" in wang.last_text()
    await wang.press("我承诺")
    assert wang.last_text().startswith("第 1/32 题\n你希望别人怎么称呼你")
    for steps in ZH_ANSWERS.values():
        await answer(wang, steps)
    assert "资料填写完成" in wang.texts()[-3]
    card = wang.texts()[-2]
    assert card.startswith("小雨 · 30岁 · 165 cm")
    assert "📍 浦东新区 · 🎓 本科 · 💼 金融" in card
    assert "❤️ 徒步、摄影、羽毛球、cosplay" in card
    assert "王小雨" not in card and "SH0001" not in card and "13800000001" not in card
    member = await member_row(sandbox, wang.id)
    assert member.verified_at and member.pledged_at and member.profile_completed_at
    answers = await answers_of(sandbox, wang.id)
    assert answers["hobbies"] == (["hiking", "photography", "badminton", "cosplay"], None)
    assert answers["seek_age"] == ([27, 35], True)
    assert answers["seek_districts"] == (["浦东新区", "徐汇区"], False)
    assert len(answers["photos"][0]) == 1
    async with sandbox.app.services.db() as session:
        entry = await session.scalar(
            select(RosterEntry).where(RosterEntry.member_number == "SH0001")
        )
    assert entry.member_id == member.id


async def test_happy_path_in_english(sandbox: Sandbox) -> None:
    sam = sandbox.user("Sam", language="en", phone="13800000002")
    await seed_union(sandbox, [SAM])
    await sign_up(sam, SAM, EN_ANSWERS)
    assert sam.texts()[-3] == "🎉 Your profile is complete. This is how others will see you:"
    card = sam.texts()[-2]
    assert card.startswith("Sam · 33 years old · 180 cm")
    assert "📍 Xuhui · 🎓 Master's degree · 💼 IT and internet" in card
    assert "❤️ Running, Reading" in card
    answers = await answers_of(sandbox, sam.id)
    assert answers["hometown"] == (None, None) and answers["introduction"] == (None, None)
    # "Any" is no condition, so it is not asked whether it is a must.
    assert answers["seek_districts"] == (["any"], None)
    assert answers["seek_education"] == ("any", None)


async def test_declining_stores_only_the_refusal_and_can_be_revisited(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", username="xiaoyu_sh")
    await wang.send("/start")
    await wang.press("不同意")
    assert "除了你拒绝的这一记录外" in wang.last_text()
    await sandbox.advance(timedelta(hours=2))
    await wang.send("/help")  # still talking to the bot does not add to the record
    member = await member_row(sandbox, wang.id)
    assert member.declined_at is not None and member.consented_at is None
    assert member.language is None and member.verified_at is None
    assert member.username is None and member.last_seen_at == member.created_at
    await wang.send("/start")
    assert wang.buttons() == ["同意", "不同意"]


async def test_someone_elses_contact_is_refused(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨")
    await seed_union(sandbox, [WANG])
    await wang.send("/start")
    await wang.press("同意")
    await wang.share_contact(phone="13900000000", user_id=999)
    assert "这是别人的联系方式" in wang.texts()[-2]
    assert wang.buttons() == ["📱 分享我的手机号"]
    await wang.send("王小雨")  # typing instead of sharing does not skip the phone
    assert "手机号只用来和工会名册核对" in wang.texts()[-2]
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(VerificationAttempt)) == 0


async def test_near_miss_goes_to_review_and_approval_continues_the_sign_up(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("工会老张")
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG], organisers={"浦东新区总工会": [organiser.id]})
    await verify(wang, "王小语", "SH0001", "上海申通地铁")  # one character off
    assert "工会工作人员会人工核对" in wang.last_text()
    request = organiser.last_text()
    assert "填写：王小语 · SH0001" in request and "名册：王小雨 · SH0001" in request
    assert "姓名与名册相近" in request
    assert request.startswith("有会员申请身份核实，信息与名册相近但不完全一致。\n\n填写：")
    await wang.send("/start")
    assert "工会正在核对你的信息" in wang.last_text()
    await organiser.press("通过")
    assert "✅ 已通过" in organiser.last_text()
    assert wang.last_text() == "✅ 工会已确认你的会员身份，我们继续吧。"
    await wang.press("继续")
    assert "单身承诺" in wang.last_text()
    member = await member_row(sandbox, wang.id)
    assert member.verified_at is not None


async def test_rejection_on_review_lets_the_member_try_again(sandbox: Sandbox) -> None:
    organiser = sandbox.user("工会老张")
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG], organisers={"上海市总工会": [organiser.id]})
    await verify(wang, "王小语", "SH0001", "上海申通地铁")
    await organiser.press("不通过")  # the city organiser covers the district below
    await organiser.press("信息不符")
    told = wang.last_text()
    assert told.startswith("你填写的信息与工会名册不符。请检查后重新填写，或联系工会更正名册。\n")
    assert "工会未能根据名册确认你的信息" not in told  # said once, not twice in other words
    assert f"联系工会：{PUDONG_CONTACT}" in wang.last_text()  # the way, not just "ask them"
    await wang.press("重新填写")
    assert wang.buttons() == ["📱 分享我的手机号"]
    assert (await member_row(sandbox, wang.id)).verified_at is None


async def test_another_reason_is_written_by_the_organiser_for_the_member(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("工会老张")
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG], organisers={"浦东新区总工会": [organiser.id]})
    await verify(wang, "王小语", "SH0001", "上海申通地铁")
    waiting = wang.texts()
    await organiser.press("不通过")
    await organiser.press("其他原因")
    assert "会员会看到你写的原话" in organiser.last_text()
    assert wang.texts() == waiting  # nothing is decided before the reason is written
    await organiser.send("/cancel")
    assert organiser.last_text() == "已取消，这条申请仍在等待处理：/review"
    await organiser.send("/review")
    await organiser.press("不通过")
    await organiser.press("其他原因")
    await organiser.send("名册上你的会员号是另一个，请带会员证到工会服务站核对。")
    assert organiser.last_text() == "❌ 未通过，已通知该会员。"
    told = wang.last_text()
    assert "工会的说明：名册上你的会员号是另一个，请带会员证到工会服务站核对。" in told
    assert f"联系工会：{PUDONG_CONTACT}" in told
    await organiser.send("好的")  # the dialog is over: not taken as another reason
    assert "没有看懂" in organiser.last_text()


async def test_without_organisers_superadmins_review() -> None:
    async with Sandbox(superadmins="424242") as sb:
        admin = sb.user("Admin", user_id=424242, language="en")
        wang = sb.user("小雨", phone="13800000001")
        await seed_union(sb, [WANG])
        await verify(wang, "王小雨", "SH0001", "完全不同的单位也差不多吧")
        assert "工作单位与名册不符" in wang.last_text()
        await wang.press("重新填写")  # only the employer did not match: only it is asked
        await wang.send("上海申通地铁集团")
        assert "✅ 核实成功" in wang.texts()[-2]
        assert admin.texts() == []  # no review was needed
        await admin.send("/help")
        li = sb.user("小李", phone="13800000009")
        await seed_union(sb, [("李四", "SH0009", "上海电气", "13800000009")])
        await verify(li, "李思", "SH0009", "上海电气")
        assert admin.last_text().startswith("A member asks to be verified")


async def test_five_wrong_member_numbers_lock_verification_for_a_day(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG])
    await verify(wang, "王小雨", "SH9990", "上海申通地铁")
    assert "工会会员名册上没有这个姓名和会员号的组合" in wang.last_text()
    assert "今天还可尝试 4 次" in wang.last_text()
    # Not yet in a union: the hotline, or a person here.
    assert wang.last_text().endswith("请联系工会更正：12351，或发送 /ask 在这里提问。")
    for attempt in range(1, 5):
        await wang.press("重新填写")  # name and number again; the phone and employer are kept
        await wang.send("王小雨")
        await wang.send(f"SH999{attempt}")
    assert "今天的 5 次尝试已经用完" in wang.last_text()
    await wang.send("/start")
    assert "今天的 5 次尝试已经用完" in wang.last_text()
    await wang.share_contact()
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(VerificationAttempt)) == 5
    await sandbox.advance(timedelta(hours=24, minutes=1))
    await wang.send("/start")
    assert wang.buttons() == ["📱 分享我的手机号"]
    await wang.share_contact()
    await wang.send("王小雨")
    await wang.send("SH0001")
    await wang.send("上海申通地铁")
    assert "✅ 核实成功" in wang.texts()[-2]


async def test_one_roster_entry_binds_one_account(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="13800000001")
    impostor = sandbox.user("冒名者", phone="13800000001")
    await seed_union(sandbox, [WANG])
    await verify(wang, "王小雨", "SH0001", "上海申通地铁")
    await verify(impostor, "王小雨", "SH0001", "上海申通地铁")
    assert "这个会员号已经绑定了其他账号" in impostor.last_text()
    assert (await member_row(sandbox, impostor.id)).verified_at is None


async def test_restart_in_the_middle_of_the_questionnaire_resumes_at_the_same_question(
    sandbox: Sandbox,
) -> None:
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    for key in ("nickname", "gender", "birth_year", "height"):
        await answer(wang, ZH_ANSWERS[key])
    await wang.press("本科")
    await wang.press("金融")
    await wang.press("浦东新区")
    await answer(wang, ZH_ANSWERS["hometown"])
    await wang.press("未婚")  # so no question about children of one's own
    for key in ("hukou", "housing", "show_home"):
        await answer(wang, ZH_ANSWERS[key])
    await wang.press("徒步")  # a half-made multiple choice
    asked = wang.last_text()
    assert asked.startswith("第 14/32 题")
    await sandbox.restart()
    # Start-up reads no member's drafts: hers are read when she comes back.
    assert wang.id not in sandbox.app.user_data
    await wang.press("摄影")
    await wang.press("完成")
    assert wang.last_text().startswith("第 15/32 题\n你打算什么时候结婚")
    answers = await answers_of(sandbox, wang.id)
    assert answers["hobbies"] == (["hiking", "photography"], None)
    assert answers["nickname"] == ("小雨", None) and len(answers) == 14
    await sandbox.restart()
    await wang.send("/start")
    assert wang.texts()[-2] == "欢迎回来，我们从上次停下的地方继续。"
    assert wang.last_text().startswith("第 15/32 题")


async def test_a_deployment_sets_its_own_districts() -> None:
    async with Sandbox(districts="东城区|Dongcheng,西城区|Xicheng") as sb:
        wang = sb.user("小雨", phone="13800000001")
        sam = sb.user("Sam", language="en", phone="13800000002")
        await seed_union(sb, [WANG, SAM])
        for member, entry, script, promise in (
            (wang, WANG, ZH_ANSWERS, "我承诺"),
            (sam, SAM, EN_ANSWERS, "I promise"),
        ):
            await verify(member, *entry[:3])
            await member.press(promise)
            for key in ("nickname", "gender", "birth_year", "height", "education", "industry"):
                await answer(member, script[key])
        assert wang.buttons() == ["东城区", "西城区", "↩️ 返回上一题"]
        assert sam.buttons() == ["Dongcheng", "Xicheng", "↩️ Previous question"]
        await sam.press("Xicheng")
        assert (await answers_of(sb, sam.id))["district"] == ("西城区", None)


EDIT_NOT_SEEN = (
    "会会看不到对已发消息的修改，这次修改没有生效。想改回答，请发送 /edit（填写资料时也可以点"
    "「↩️ 返回上一题」）。"
)


def sent_last(member: SimulatedUser) -> int:
    return next(e.message_id for e in reversed(member.log) if not e.from_bot)


async def test_an_answer_corrected_with_telegrams_edit_is_not_taken_for_the_next(
    sandbox: Sandbox,
) -> None:
    """People fix a typo with Telegram's Edit. The edit is not an answer: taken for one, the
    corrected name became the member number, the number the employer, and an attempt was
    spent; a corrected district became the hometown."""
    xiaoyu = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await xiaoyu.send("/start")
    await xiaoyu.press("同意")
    await xiaoyu.share_contact()
    await xiaoyu.send("王小语")
    await edit(xiaoyu, sent_last(xiaoyu), "王小雨")
    assert xiaoyu.last_text() == (  # /edit is not there yet: what she can do instead
        "会会看不到对已发消息的修改，这次修改没有生效。如果填写的内容与名册对不上，"
        "可以点「重新填写」再填一次。"
    )
    await xiaoyu.send(WANG[1])
    await xiaoyu.send(WANG[2])
    async with sandbox.app.services.db() as session:
        attempt = (await session.scalars(select(VerificationAttempt))).one()
    assert (attempt.real_name, attempt.member_number, attempt.employer) == ("王小语", *WANG[1:3])

    chen = sandbox.user("阿雨", phone="13800000009")
    await seed_union(sandbox, [("陈雨", "SH0009", "上海申通地铁集团有限公司", "13800000009")])
    await verify(chen, "陈雨", "SH0009", "上海申通地铁集团有限公司")
    await chen.press("我承诺")
    steps = [
        s for key in list(ZH_ANSWERS)[: list(ZH_ANSWERS).index("district")] for s in ZH_ANSWERS[key]
    ]
    await answer(chen, steps)
    await chen.send("徐汇")
    hometown = chen.last_text()
    await edit(chen, sent_last(chen), "浦东")
    assert chen.last_text() == EDIT_NOT_SEEN
    assert [t for t in chen.texts() if t != EDIT_NOT_SEEN][-1] == hometown
    answers = await answers_of(sandbox, chen.id)
    assert answers["district"][0] == "徐汇区" and "hometown" not in answers


async def test_a_name_and_employer_typed_in_traditional_characters_are_the_rosters(
    sandbox: Sandbox,
) -> None:
    """陳麗華 from Hong Kong (or with a phone set to traditional input) is the roster's 陈丽华:
    she was told the name was not on the roster and lost one of her day's attempts."""
    chen = sandbox.user("丽华", phone="13800000011")
    await seed_union(sandbox, [("陈丽华", "SH0011", "上海电气集团股份有限公司", "13800000011")])
    await verify(chen, "陳麗華", "SH0011", "上海電氣")
    assert "我承诺" in chen.buttons(), chen.last_text()
    member = await member_row(sandbox, chen.id)
    assert member is not None and member.verified_at is not None


async def test_after_edit_typing_what_to_change_opens_that_question(sandbox: Sandbox) -> None:
    """Shown /edit's menu, people type what they want to change. "家乡" or "我想改一下身高"
    got the sign-up's "🎉 资料填写完成！" again, and nothing was changed."""
    wang = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await sign_up(wang, WANG)
    await wang.send("/edit")
    await wang.send("我想改一下身高")
    assert "身高" in wang.last_text() and "资料填写完成" not in wang.last_text()
    await wang.send("168")
    assert (await answers_of(sandbox, wang.id))["height"][0] == 168
    await wang.send("/edit")
    await wang.send("随便看看")  # no question's name: the menu again
    assert wang.last_text() == "你想修改哪一项？" and "家乡" in wang.buttons()
    await wang.send("家乡")
    await wang.send("浙江宁波")
    assert (await answers_of(sandbox, wang.id))["hometown"][0] == "浙江宁波"


async def test_back_days_later_a_greeting_brings_the_question_back(sandbox: Sandbox) -> None:
    """ "在吗" after three days got only "请点选下方的一个按钮。" under the district's buttons
    (or, asked her name, was taken for it): she is welcomed back and asked again."""
    wang = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await wang.send("/start")
    await wang.press("同意")
    await wang.share_contact()
    asked_name = wang.last_text()
    await wang.send("在吗？")
    assert wang.texts()[-2:] == ["欢迎回来，我们从上次停下的地方继续。", asked_name]
    await wang.send(WANG[0])
    await wang.send(WANG[1])
    await wang.send(WANG[2])
    await wang.press("我承诺")
    keys = list(ZH_ANSWERS)
    for key in keys[: keys.index("district")]:
        await answer(wang, ZH_ANSWERS[key])
    district = wang.last_text()
    await sandbox.advance(timedelta(days=3))
    await sandbox.restart()
    wang = next(u for u in reversed(sandbox.users) if u.id == wang.id)
    await wang.send("我回来了，刚才填到哪了")
    assert wang.texts()[-2:] == ["欢迎回来，我们从上次停下的地方继续。", district]
    assert "浦东新区" in wang.buttons()


async def test_the_end_of_signing_up_says_how_to_see_people_and_offers_the_window() -> None:
    """Signed up, she was told only how to change things (/edit, /pause, /help): neither
    /match nor the window was named, and the menu button stayed empty until she found /app."""
    async with Sandbox(public_url="https://huihui.example.org") as sb:
        await seed_union(sb, [WANG])
        wang = sb.user("王小雨", phone=WANG[3])
        await sign_up(wang, WANG)
        last = sb.api.chats[wang.id][-1]
        assert last.text.startswith("发送 /match 看看为你推荐的人，也可以点下面的按钮")
        [[button]] = last.inline_keyboard
        assert button["text"] == "打开会会"
        assert button["web_app"]["url"] == "https://huihui.example.org/app/"
        assert sb.api.menu_buttons[wang.id]["web_app"]["url"] == button["web_app"]["url"]


async def test_without_a_window_the_end_of_signing_up_names_match(sandbox: Sandbox) -> None:
    await seed_union(sandbox, [WANG])
    wang = sandbox.user("王小雨", phone=WANG[3])
    await sign_up(wang, WANG)
    assert wang.last_text().startswith("发送 /match 看看为你推荐的人。/edit 修改回答")
    assert wang.id not in sandbox.api.menu_buttons
