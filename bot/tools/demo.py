"""``huihui demo``: members and an organiser play every journey offline.

Each scene prints what people typed and what 会会 answered. Add a scene with every feature.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.common.config import Settings
from bot.domain.units import UnitSpec
from bot.tools.population import populate
from bot.tools.sandbox import Sandbox, SimulatedUser
from bot.tools.synthetic import synthetic_roster
from storage import roster, units
from storage.models import Event

DEMO_START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CITY, PUDONG, XUHUI = "上海市总工会", "浦东新区总工会", "徐汇区总工会"
ORGANISER_ID = 900_001
MATCHMAKER_ID = 900_002
# Demo members and their roster entries: (name, member number, employer, phone).
WANG = ("王小雨", "PD2024001", "上海申通地铁集团有限公司", "13800000001")
LI = ("李明", "PD2024002", "上海电气集团股份有限公司", "13800000002")
SAM = ("Sam Lee", "XH2024003", "Shanghai Electric", "13800000003")
SYNTHETIC_MEMBERS = 500
USERNAMES = {"小雨": "xiaoyu_pd"}

Scene = Callable[[Sandbox], Awaitable[None]]


async def seed_demo_union(sb: Sandbox) -> None:
    """A city federation with two district unions, an organiser, and a synthetic roster in
    which the demo's members appear."""
    async with sb.app.services.db.begin() as session:
        await units.save_specs(
            session,
            [
                UnitSpec(CITY, "city"),
                UnitSpec(
                    PUDONG,
                    "district",
                    CITY,
                    organisers=(ORGANISER_ID,),
                    matchmakers=(MATCHMAKER_ID,),
                    contact="浦东新区总工会职工服务中心（工作日 9:00–17:00）",
                ),
                UnitSpec(XUHUI, "district", CITY),
            ],
        )
        pudong = (await units.by_name(session, PUDONG)).id
        xuhui = (await units.by_name(session, XUHUI)).id
        synthetic = list(synthetic_roster(SYNTHETIC_MEMBERS))
        now = sb.clock.now()
        await roster.add_entries(session, pudong, [*synthetic[::2], WANG, LI], now)
        await roster.add_entries(session, xuhui, [*synthetic[1::2], SAM], now)


async def play(settings: Settings, out: TextIO = sys.stdout) -> None:
    async with Sandbox(
        default_language=settings.default_language, timezone=settings.timezone, start=DEMO_START
    ) as sb:
        sb.user("工会老张（浦东新区总工会管理员）", user_id=ORGANISER_ID)
        sb.user("红娘李姐（浦东新区总工会）", user_id=MATCHMAKER_ID)
        await seed_demo_union(sb)
        director = Director(sb, out)
        out.write(
            "会会 demo — an offline Telegram; every answer below comes from the real bot.\n"
            f"The union: {CITY} → {PUDONG}, {XUHUI}; {SYNTHETIC_MEMBERS + 3} members on the "
            "roster (synthetic, Faker zh_CN).\n"
        )
        for title, scene in SCENES:
            await director.play(title, scene)


class Director:
    def __init__(self, sandbox: Sandbox, out: TextIO) -> None:
        self.sandbox = sandbox
        self.out = out

    async def play(self, title: str, scene: Scene) -> None:
        """Play a scene, then tell it in the order things happened, across everyone's chats
        (a heading whenever the story moves to another person's chat)."""
        seen = {user.id: len(user.log) for user in self.sandbox.users}
        await scene(self.sandbox)
        self.out.write(f"\n━━━ {title} ━━━\n")
        happened = sorted(
            (entry.sequence, index, entry)
            for index, user in enumerate(self.sandbox.users)
            for entry in user.log[seen.get(user.id, 0) :]
        )
        current: int | None = None
        told_system: str | None = None
        for _sequence, index, entry in happened:
            user = self.sandbox.users[index]
            if entry.kind == "system":  # happened to everyone at once: told once
                if entry.text != told_system:
                    self.out.write(f"   ⟳ {entry.text}\n")
                told_system, current = entry.text, None
                continue
            told_system = None
            lines = list(user.lines_of([entry]))
            if not lines:
                continue
            if index != current:
                self.out.write(f"  · · · {user.first_name} · · ·\n")
                current = index
            self.out.write("\n".join(lines) + "\n")


def _member(
    sb: Sandbox, name: str, language: str = "zh-hans", phone: str | None = None
) -> SimulatedUser:
    existing = [user for user in sb.users if user.first_name == name]
    if existing:
        return existing[0]
    return sb.user(name, language=language, phone=phone, username=USERNAMES.get(name))


def _organiser(sb: Sandbox) -> SimulatedUser:
    return next(user for user in sb.users if user.id == ORGANISER_ID)


async def consent_and_verification(sb: Sandbox) -> None:
    wang = _member(sb, "小雨", phone=WANG[3])
    await wang.send("/start")
    await wang.press("同意")
    await wang.press("分享我的手机号")
    await wang.send("王小雨")
    await wang.send("ＰＤ２０２４００１")  # full-width, as some phones type it
    await wang.send("申通地铁")
    await wang.press("我承诺")


async def profile_questions(sb: Sandbox) -> None:
    wang = _member(sb, "小雨")
    for action, value in [
        ("send", "小雨"),
        ("press", "女"),
        ("send", "1996"),
        ("send", "一米六五"),
        ("send", "165"),
        ("press", "本科"),
        ("press", "金融"),
        ("press", "浦东新区"),
        ("send", "江苏南通"),
        ("press", "未婚"),
        ("press", "本地户口"),
        ("send", "租房"),
        ("press", "不显示"),
        ("send", "爬山、摄影，周末打羽毛球"),
        ("press", "一到两年内"),
        ("press", "想要"),
        ("press", "可以商量"),
        ("press", "量入为出"),
        ("press", "户外活动"),
        ("press", "很喜欢"),
        ("press", "从不"),
        ("send", "喜欢周末去郊外走走，希望找一个善良、爱笑的人。"),
        ("photo", ""),
        ("press", "完成"),
        ("press", "男生"),
        ("press", "必须满足"),
        ("send", "27到35岁"),
        ("press", "必须满足"),
        ("press", "浦东新区"),
        ("press", "徐汇区"),
        ("press", "完成"),
        ("press", "最好满足"),
        ("press", "不限"),
        ("send", "1米75以上"),
        ("press", "最好满足"),
        ("press", "不限"),
        ("press", "完成"),
        ("press", "可以接受"),
        ("press", "不限"),
        ("press", "不限"),
    ]:
        if action == "press":
            await wang.press(value)
        elif action == "photo":
            await wang.send_photo()
        else:
            await wang.send(value)


async def near_miss_and_review(sb: Sandbox) -> None:
    li = _member(sb, "阿明", phone=LI[3])
    await li.send("/start")
    await li.press("同意")
    await li.press("分享我的手机号")
    await li.send("李铭")  # a typo of 李明
    await li.send("PD2024002")
    await li.send("上海电气")
    await _organiser(sb).press("通过")
    await li.press("继续")


async def english_and_declining(sb: Sandbox) -> None:
    sam = _member(sb, "Sam", language="en", phone=SAM[3])
    await sam.send("/start")
    await sam.press("I agree")
    await sam.share_contact(phone="13999999999", user_id=12345)  # someone else's contact
    await sam.press("Share my phone number")
    await sam.send("Sam Lee")
    await sam.send("XH2024999")  # a wrong member number
    await sam.send("Shanghai Electric")
    guest = _member(sb, "路人")
    await guest.send("/start")
    await guest.press("不同意")


async def matching(sb: Sandbox) -> None:
    ming = _member(sb, "阿明")
    await ming.press("我承诺")
    for action, value in [
        ("send", "阿明"),
        ("press", "男"),
        ("send", "1994"),
        ("send", "178"),
        ("press", "本科"),
        ("press", "制造业"),
        ("press", "浦东新区"),
        ("press", "跳过"),
        ("press", "未婚"),
        ("press", "跳过"),
        ("press", "跳过"),
        ("press", "不显示"),
        ("send", "徒步，摄影，篮球"),
        ("press", "一到两年内"),
        ("press", "想要"),
        ("press", "可以商量"),
        ("press", "量入为出"),
        ("press", "户外活动"),
        ("press", "可以接受"),
        ("press", "从不"),
        ("press", "跳过"),
        ("press", "完成"),
        ("press", "女生"),
        ("press", "必须满足"),
        ("send", "25-33"),
        ("press", "必须满足"),
        ("press", "不限"),
        ("press", "完成"),
        ("press", "不限"),
        ("send", "不限"),
        ("press", "不限"),
        ("press", "完成"),
        ("press", "可以接受"),
        ("press", "不限"),
        ("press", "不限"),
    ]:
        await (ming.press(value) if action == "press" else ming.send(value))
    await ming.send("/match")
    await ming.press("❤️")
    wang = _member(sb, "小雨")
    await wang.send("/match")
    await wang.press("❤️")
    await wang.send("/matches")


async def a_person_and_a_first_conversation(sb: Sandbox) -> None:
    """小雨 asks the union's matchmaker before meeting; then the two talk through 会会 (a link
    this early is kept aside for her), and exchange contacts when both agree."""
    wang, ming = _member(sb, "小雨"), _member(sb, "阿明")
    hongniang = next(user for user in sb.users if user.id == MATCHMAKER_ID)
    await wang.send("/ask")
    await wang.send("第一次和阿明见面，约在哪里比较好？")
    await hongniang.send("/inbox")
    await hongniang.press("回复")
    await hongniang.send("白天约在人多的咖啡馆或公园就很好，出发前告诉朋友你的去向。祝顺利！")
    await wang.press("结束对话")
    await wang.press("满意")
    await ming.send("/matches")
    await ming.press("✉️ 给小雨留言")
    await ming.send("你好！周六下午一起去滨江走走吗？")
    await ming.send("集合地点在这里 https://j.map.baidu.com/binjiang")
    await ming.send("/done")
    await wang.press("查看")
    await wang.press("回复")
    await wang.send("好呀，周六下午两点见！")
    await wang.send("/done")
    await wang.send("/matches")
    await wang.press("🤝 交换联系方式")
    await ming.send("/matches")
    await ming.press("🤝 交换联系方式")


async def member_controls(sb: Sandbox) -> None:
    wang = _member(sb, "小雨")
    await wang.send("/edit")
    await wang.press("身高")
    await wang.send("166")
    await wang.send("/pause")
    await wang.send("/resume")
    await wang.send("/export_me")


async def feedback_across_a_restart(sb: Sandbox) -> None:
    wang = _member(sb, "小雨")
    await wang.send("/feedback")
    await sb.restart()  # the bot is redeployed while 小雨 is typing
    await wang.send("希望工会多组织周末的户外活动，比如徒步和骑行。")


async def deleting_everything(sb: Sandbox) -> None:
    guest = _member(sb, "路人")
    await guest.send("/language")
    await guest.press("English")
    await guest.send("/delete_me")
    await guest.press("Delete everything")


async def an_event(sb: Sandbox) -> None:
    """An organiser publishes a walk; members sign up, are reminded, check in, get their
    groups, and choose each other afterwards."""
    organiser = _organiser(sb)
    now = sb.clock.now()
    async with sb.app.services.db() as session:
        pudong = (await units.by_name(session, PUDONG)).id
    # Four more members with complete profiles, so the walk has company.
    others = [
        sb.user(f"会员{index}", user_id=telegram_id)
        for index, telegram_id in enumerate(
            await populate(
                sb.app.services.db, now, now.year, 4, unit_id=pudong, first_member_id=100_000
            ),
            start=1,
        )
    ]
    start = (now + timedelta(days=5)).replace(hour=14, minute=0)
    await organiser.send("/event_new")
    answers = [
        "浦东青年滨江徒步联谊",
        "沿滨江步道走 8 公里，终点茶歇、分组游戏。请穿运动鞋。",
        f"{start:%Y-%m-%d %H:%M}",
        f"{start + timedelta(hours=3):%Y-%m-%d %H:%M}",
        "浦东滨江大道 2727 号",
        "20 10 10",  # places: in all, for men, for women
        *["不限"] * 4,  # ages, districts, industries, sign-up deadline
        "现在",  # announce now
    ]
    for text in answers:
        await organiser.send(text)
    await organiser.press("发布")
    await sb.settle()  # the announcement goes out with its 报名 button
    members = [_member(sb, "小雨"), _member(sb, "阿明"), *others]
    for member in members:
        await member.press("报名")
    await sb.advance(timedelta(days=4, hours=5))  # the 24-hour reminder
    await sb.advance(timedelta(days=1))  # the event begins
    await organiser.send("/events")
    await organiser.press("浦东青年滨江徒步联谊")
    async with sb.app.services.db() as session:
        code = await session.scalar(select(Event.checkin_code))
    for member in members:
        await member.send(f"/checkin {code}")
    await organiser.press("6 人分组")
    await sb.advance(timedelta(hours=3))  # the walk ends: mutual choice opens
    wang, ming = members[0], members[1]
    await wang.press("开始互选")
    await wang.press("阿明")
    await wang.press("完成")
    await ming.press("开始互选")
    await ming.press("小雨")
    await ming.press("完成")
    await sb.advance(timedelta(days=1))  # the choice closes


SCENES: list[tuple[str, Scene]] = [
    ("1. 同意条款、身份核实、单身承诺 · Consent, verification, pledge", consent_and_verification),
    ("2. 填写资料 · Profile questions (with a wrong answer on the way)", profile_questions),
    ("3. 信息有出入，工会人工审核 · A near miss goes to the union", near_miss_and_review),
    ("4. 英文用户与拒绝条款 · In English; someone declines", english_and_declining),
    ("5. 推荐与互相喜欢 · Suggestions and a mutual match", matching),
    (
        "6. 向红娘提问、会会传话、交换联系方式 · Ask a person, talk through 会会, swap contacts",
        a_person_and_a_first_conversation,
    ),
    ("7. 修改、暂停、导出 · Edit, pause, export", member_controls),
    ("8. 给工会留言，中途机器人重启 · Feedback across a restart", feedback_across_a_restart),
    ("9. 切换语言并删除全部数据 · Language, then delete everything", deleting_everything),
    (
        "10. 活动：发布、报名、提醒、签到、分组、互选 · An event, announcement to mutual choice",
        an_event,
    ),
]
