"""What a member can do with their own data: see, edit, pause, export, delete."""

from __future__ import annotations

import json

from sqlalchemy import Text, cast, or_, select, text

from bot.domain.questions import Kind
from bot.tools.sandbox import Sandbox
from storage.models import AuditEntry, Base, Member, ProfileAnswer, Role, RosterEntry, UnitRole
from tests.helpers import ZH_ANSWERS, answer, seed_union, sign_up, verify
from tests.test_matching_bot import MAN, WOMAN, man_script
from tests.test_miniapp import as_user, web
from tests.test_safe_contact import member_id

WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")


async def signed_up(sb: Sandbox):  # noqa: ANN201
    wang = sb.user("小雨", phone="13800000001", username="xiaoyu_sh")
    await seed_union(sb, [WANG])
    await sign_up(wang, WANG)
    return wang


async def test_profile_shows_the_card_with_the_photo(sandbox: Sandbox) -> None:
    wang = await signed_up(sandbox)
    await wang.send("/profile")
    card = wang.bot_messages()[-1]
    assert card.kind == "photo" and card.text.startswith("小雨 · 30岁")


async def test_edit_changes_one_answer(sandbox: Sandbox) -> None:
    wang = await signed_up(sandbox)
    await wang.send("/edit")
    assert "身高" in wang.buttons() and "兴趣爱好" in wang.buttons()
    await wang.press("身高")
    assert "你的身高是多少厘米" in wang.last_text()
    await wang.send("300")
    assert wang.last_text() == "请检查一下身高：应在 130 到 220 厘米之间。"
    await wang.send("168")
    assert wang.texts()[-2] == "已保存。你的资料卡现在是："
    assert "168 cm" in wang.last_text()
    await wang.send("168")  # the edit is over: this is no longer an answer
    assert "没有看懂" in wang.last_text()


async def test_edit_before_signing_up_is_refused_kindly(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨")
    await wang.send("/edit")
    assert wang.last_text() == "请先完成注册：发送 /start。"
    await wang.send("/profile")
    assert wang.last_text() == "你还没有资料。发送 /start 开始填写。"


async def test_pause_and_resume(sandbox: Sandbox) -> None:
    wang = await signed_up(sandbox)
    await wang.send("/pause")
    assert "已暂停" in wang.last_text()
    async with sandbox.app.services.db() as session:
        assert (await session.scalar(select(Member.paused))) is True
    await wang.send("/profile")
    assert "你的资料已暂停" in wang.last_text()
    await wang.send("/resume")
    async with sandbox.app.services.db() as session:
        assert (await session.scalar(select(Member.paused))) is False


async def test_export_contains_everything_stored_readably(sandbox: Sandbox) -> None:
    wang = await signed_up(sandbox)
    await wang.send("/feedback")
    await wang.send("活动很好")
    await wang.send("/match")  # nobody else yet: the section is there, empty
    await wang.send("/export_me")
    exported = wang.bot_messages()[-1]
    assert exported.kind == "document" and exported.file_name == "huihui-my-data.json"
    document = json.loads(sandbox.api.files[exported.file_id][1])
    account = document["账户"]
    assert account["Telegram 编号"] == wang.id and account["Telegram 用户名"] == "xiaoyu_sh"
    assert account["所属工会"] == "浦东新区总工会" and account["已暂停"] == "否"
    local = sandbox.clock.now().astimezone(sandbox.settings.tz)
    assert account["最近使用"] == f"{local:%Y-%m-%d %H:%M}"  # local time, not UTC
    assert document["工会名册记录"]["真实姓名"] == "王小雨"
    assert document["身份核实记录"][0]["结果"] == "已通过核实"
    profile = document["个人资料"]
    assert profile["昵称"]["回答"] == "小雨"
    assert profile["婚姻状况"]["回答"] == "未婚"  # the label, not the code never_married
    assert profile["想认识的对象"]["必须满足"] == "是"
    assert document["向工会的提问"][0]["消息"][0]["内容"] == "活动很好"  # /feedback is a thread
    for section in (
        "喜欢与跳过",
        "互相喜欢",
        "屏蔽",
        "举报",
        "看过的资料卡",
        "红娘的推荐",
        "活动报名",
        "活动互选",
        "收到的工会通知",
        "待发送的消息",
        "管理员对你的操作",
        "推荐所用的资料",
    ):
        assert section in document


def test_every_table_tied_to_members_is_in_the_export() -> None:
    """A new table that refers to members must say where it goes in /export_me."""
    from bot.services.members.export import EXPORTED_TABLES

    telegram_columns = ("telegram_id", "user_id", "created_by", "progress_chat_id")
    tied = {
        table.name
        for table in Base.metadata.sorted_tables
        if any(fk.column.table.name == "members" for fk in table.foreign_keys)
        or table.name == "members"
        or any(c.name in telegram_columns or c.name.endswith("telegram_id") for c in table.columns)
    }
    assert tied - set(EXPORTED_TABLES) == set()


async def test_delete_me_erases_personal_data_everywhere_and_frees_the_roster_entry(
    sandbox: Sandbox,
) -> None:
    wang = await signed_up(sandbox)
    organiser = sandbox.user("浦东管理员")
    async with sandbox.app.services.db.begin() as session:
        member_id = await session.scalar(select(Member.id))
        session.add(UnitRole(telegram_id=organiser.id, unit_id=1, role=Role.ORGANISER))
    # Organiser actions about her: a role granted, a warning after a report.
    await sandbox.app.services.administration.set_role(
        organiser.id, wang.id, "浦东新区总工会", Role.MATCHMAKER, grant=True
    )
    await sandbox.app.services.administration.moderate(organiser.id, member_id, "warn")
    await wang.send("/feedback")
    await wang.send("我叫王小雨，电话13800000001")
    await wang.send("/feedback")  # and one left open
    await wang.send("/delete_me")
    await wang.press("保留我的数据")
    assert wang.last_text() == "没有删除任何内容。"
    await wang.send("/delete_me")
    await wang.press("全部删除")
    assert "关于你的所有信息都已删除" in wang.last_text()
    await wang.send("我还想补充一句：13800000001")  # /feedback was still open
    assert "没有看懂" in wang.last_text() or "请先发送 /start" in wang.last_text()
    await sandbox.app.update_persistence()
    await sandbox.restart()  # no dialog of hers comes back
    await wang.send("再补充")
    assert "没有看懂" in wang.last_text()

    personal = ["王小雨", "13800000001", "SH0001", str(wang.id), "xiaoyu_sh"]
    async with sandbox.app.services.db() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == RosterEntry.__tablename__:
                continue  # the union's own roster: kept, but no longer linked (below)
            columns = [c for c in table.columns]
            # JSON columns keep Chinese as \u escapes: both forms are looked for.
            forms = {form for value in personal for form in (value, json.dumps(value)[1:-1])}
            matches = [
                cast(column, Text).contains(form, autoescape=True)
                for column in columns
                for form in forms
            ]
            found = (await session.execute(select(table).where(or_(*matches)))).all()
            assert found == [], f"{table.name} still holds personal data: {found}"
        entry = await session.scalar(select(RosterEntry))
        assert entry.member_id is None
        assert await session.scalar(select(text("count(*)")).select_from(Member)) == 0
        for detail in (await session.scalars(select(AuditEntry.detail))).all():
            assert detail.get("member") != member_id and detail.get("target") != wang.id

    await wang.send("/start")  # a fresh start is possible, and can bind the entry again
    assert wang.buttons() == ["同意", "不同意"]


async def test_every_question_refuses_invalid_answers_and_stores_nothing(
    sandbox: Sandbox,
) -> None:
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG])
    await wang.send("/start")
    await wang.press("同意")
    await wang.share_contact()
    await wang.send("王" * 51)
    assert wang.last_text() == "请不超过 50 个字。"
    await wang.send("王小雨")
    await wang.send("SH#0001")
    assert wang.last_text() == "会员号只包含字母和数字。"
    await wang.send("SH0001")
    await wang.send("上海申通地铁")
    await wang.send("随便写点")
    assert wang.last_text() == "请用按钮回答：你愿意作出单身承诺吗？"
    await wang.press("我承诺")

    invalid = {
        "nickname": [
            ("小" * 21, "这条有 21 个字，请不超过 20 个字。"),
            ("   ", "请写下你的回答。"),
        ],
        "gender": [("外星人", "请点选下方的一个按钮。")],
        "birth_year": [
            ("2015", "会会只为成年人服务：需年满 18 岁。"),
            ("九几年", "请写出生年份，例如 1995。"),
            ("1900", "请检查一下：1900 这个年份好像不对。"),
        ],
        "height": [
            ("挺高的", "请写身高，以厘米为单位，例如 165（写 1.65米 也可以）。"),
            ("250", "请检查一下身高：应在 130 到 220 厘米之间。"),
        ],
        "education": [("小学", "请点选下方的一个按钮。")],
        "industry": [("宇航", "请点选下方的一个按钮。")],
        "district": [("火星区", "请点选下方的一个按钮。")],
        "hometown": [("南" * 31, "这条有 31 个字，请不超过 30 个字。")],
        "marital_status": [("保密", "请点选下方的一个按钮。")],
        "hobbies": [("、、、", "请至少选择一项，或直接写下来。")],
        "introduction": [
            (
                "好" * 301,
                "你写了 301 个字，最多 300 个字。你写的内容我先帮你留着：可以发一段精简后的，"
                "也可以只保留前 300 个字：\n\n" + "好" * 300,
            )
        ],
        "photos": [("这是我的照片", "请发送照片，或点“完成”。")],
        "seek_age": [
            ("10-20", "请写两个 18 到 70 之间的年龄，例如 25-35。"),
            ("年轻点", "请写两个 18 到 70 之间的年龄，例如 25-35。"),
        ],
        "seek_districts": [("火星区", "请用按钮选择。")],
        "seek_height": [
            ("高一点", "请写两个 130 到 220 厘米之间的身高，例如 165-180，或写“不限”。")
        ],
        "seek_marital": [("再婚", "请用按钮选择。")],
    }
    questionnaire = sandbox.app.services.onboarding.questionnaire
    # Children of one's own are asked of the divorced and widowed only.
    asked = [q for q in questionnaire if q.key != "has_children"]
    assert [q.key for q in asked] == list(ZH_ANSWERS)
    for question in asked:
        key, steps = question.key, ZH_ANSWERS[question.key]
        if question.kind == Kind.SINGLE:  # every single choice refuses words that are no option
            invalid.setdefault(key, [("火星", "请点选下方的一个按钮。")])
        assert invalid.get(key), f"no invalid input tried for {key}"
        for bad, reason in invalid[key]:
            before = await stored_answers(sandbox, wang.id)
            await wang.send(bad)
            assert wang.last_text() == reason, key
            assert await stored_answers(sandbox, wang.id) == before, key
        if key == "seek_districts":
            await wang.press("完成")  # nothing chosen yet
            assert wang.last_alert() == "请至少选择一项，或直接写下来。"
        await answer(wang, steps)
    assert "资料填写完成" in wang.texts()[-3]


async def stored_answers(sb: Sandbox, telegram_id: int) -> list:
    async with sb.app.services.db() as session:
        member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        rows = await session.execute(
            select(ProfileAnswer.question, ProfileAnswer.value)
            .where(ProfileAnswer.member_id == member.id)
            .order_by(ProfileAnswer.question)
        )
        return [tuple(row) for row in rows]


async def test_optional_questions_can_be_skipped(sandbox: Sandbox) -> None:
    wang = sandbox.user("小雨", phone="13800000001")
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    for key in ("nickname", "gender", "birth_year", "height", "education", "industry", "district"):
        await answer(wang, ZH_ANSWERS[key])
    assert "（选填）" in wang.last_text() and "跳过" in wang.buttons()
    await wang.press("跳过")
    assert "你的婚姻状况是" in wang.last_text()
    assert "跳过" not in wang.buttons()  # a required question
    assert ("hometown", None) in await stored_answers(sandbox, wang.id)


async def test_hiding_from_colleagues_does_not_tell_who_is_a_colleague(sandbox: Sandbox) -> None:
    """He switched "hide me from colleagues" on and reloaded the cards he had been shown: the
    💡 line vanished only from the card of a woman at his employer (red team's oracle)."""
    colleague = ("赵小红", "SH0005", MAN[2], "13800000005")  # 阿明's employer
    hong, xiaoyu = sandbox.user("小红", phone=colleague[3]), sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(sandbox, [WOMAN, MAN, colleague])
    await sign_up(xiaoyu, WOMAN)
    await sign_up(hong, colleague, {**ZH_ANSWERS, "nickname": [("send", "小红")]})
    await sign_up(ming, MAN, man_script("阿明"))
    await ming.send("/match")
    await ming.press("下一位")
    ids = [await member_id(sandbox, xiaoyu), await member_id(sandbox, hong)]
    async with web(sandbox) as client:
        headers = as_user(sandbox, ming.id)

        async def pages() -> list[str]:
            found = [await client.get(f"/app/member/people/{i}", headers=headers) for i in ids]
            assert [page.status_code for page in found] == [200, 200]
            return [page.text.split('class="why"')[1][:200] for page in found]

        before = await pages()
        await client.post("/app/member/settings/colleagues", data={"on": "1"}, headers=headers)
        assert await pages() == before  # the same cards, the same "why"
