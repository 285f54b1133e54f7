"""Test helpers: a small union with a roster, members who sign up through the real bot, bulk
members for broadcasts and events, and a published event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.domain.events import Capacity, Conditions, RegistrationStatus
from bot.domain.units import parse_units
from bot.services.events.results import EventSpec
from bot.tools.population import populate
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage import roster, units
from storage.models import (
    Event,
    MatchProfile,
    Member,
    ProfileAnswer,
    Registration,
    Report,
    RosterEntry,
)

CITY, PUDONG, XUHUI = "上海市总工会", "浦东新区总工会", "徐汇区总工会"


PUDONG_CONTACT = "浦东新区总工会 021-5888 0000（工作日 9:00–17:00）"


def units_file(
    organisers: Mapping[str, Sequence[int]] = {},  # noqa: B006 - read only
    matchmakers: Mapping[str, Sequence[int]] = {},  # noqa: B006 - read only
    review_above: float | None = None,
) -> str:
    def ids(name: str, roles: Mapping[str, Sequence[int]] = organisers) -> str:
        return ", ".join(str(i) for i in roles.get(name, ()))

    return f"""
[[unit]]
name = "{CITY}"
kind = "city"
organisers = [{ids(CITY)}]

[[unit]]
name = "{PUDONG}"
kind = "district"
parent = "{CITY}"
organisers = [{ids(PUDONG)}]
matchmakers = [{ids(PUDONG, matchmakers)}]
contact = "{PUDONG_CONTACT}"
{"" if review_above is None else f"review_suggestions_above = {review_above}"}

[[unit]]
name = "{XUHUI}"
kind = "district"
parent = "{CITY}"
organisers = [{ids(XUHUI)}]
"""


async def seed_union(
    sb: Sandbox,
    entries: Iterable[tuple[str, str, str, str | None]],
    *,
    unit: str = PUDONG,
    organisers: Mapping[str, Sequence[int]] = {},  # noqa: B006 - read only
    matchmakers: Mapping[str, Sequence[int]] = {},  # noqa: B006 - read only
    review_above: float | None = None,
) -> None:
    """Units (city → two districts) and roster entries (name, number, employer, phone)."""
    async with sb.app.services.db.begin() as session:
        await units.save_specs(
            session, parse_units(units_file(organisers, matchmakers, review_above))
        )
        unit_id = (await units.by_name(session, unit)).id
        await roster.add_entries(session, unit_id, entries, sb.clock.now())


async def unit_id(sb: Sandbox, name: str) -> int:
    async with sb.app.services.db() as session:
        return (await units.by_name(session, name)).id


async def agree(member: SimulatedUser) -> None:
    """/start and agree to the terms: what the member writes to the union is then kept."""
    await member.send("/start")
    await member.press("同意" if (member.language_code or "zh").startswith("zh") else "I agree")


async def verify(member: SimulatedUser, name: str, number: str, employer: str) -> None:
    """From /start through consent and the verification questions."""
    await member.send("/start")
    await member.press("同意" if member.language_code.startswith("zh") else "I agree")
    await member.share_contact()
    await member.send(name)
    await member.send(number)
    await member.send(employer)


# What a member answers to each question: ("press", label) or ("send", text) steps.
ZH_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "nickname": [("send", "小雨")],
    "gender": [("press", "女")],
    "birth_year": [("send", "1996")],
    "height": [("send", "165")],
    "education": [("press", "本科")],
    "industry": [("press", "金融")],
    "district": [("press", "浦东新区")],
    "hometown": [("send", "江苏南通")],
    "marital_status": [("press", "未婚")],  # so no question about children of one's own
    "hukou": [("press", "本地户口")],
    "housing": [("send", "租房")],
    "show_home": [("press", "不显示")],
    "hobbies": [("send", "爬山、摄影，打羽毛球, cosplay")],
    "marriage_timeline": [("press", "一到两年内")],
    "children": [("press", "想要")],
    "live_with_parents": [("press", "可以商量")],
    "spending": [("press", "量入为出")],
    "weekends": [("press", "户外活动")],
    "pets": [("press", "很喜欢")],
    "smoking": [("press", "从不")],
    "introduction": [("send", "喜欢周末去郊外走走，希望找一个善良、爱笑的人。")],
    "photos": [("photo", ""), ("press", "完成")],
    "seek_gender": [("press", "男生"), ("press", "必须满足")],
    "seek_age": [("send", "27-35"), ("press", "必须满足")],
    "seek_districts": [
        ("press", "浦东新区"),
        ("press", "徐汇区"),
        ("press", "完成"),
        ("press", "最好满足"),
    ],
    "seek_education": [("press", "本科"), ("press", "最好满足")],
    "seek_height": [("send", "1米75以上"), ("press", "最好满足")],
    "seek_marital": [("press", "不限"), ("press", "完成")],
    "accept_children": [("press", "可以接受")],
    "seek_hukou": [("press", "不限")],
    "seek_housing": [("press", "不限")],
}

EN_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "nickname": [("send", "Sam")],
    "gender": [("press", "Man")],
    "birth_year": [("send", "1993")],
    "height": [("send", "180 cm")],
    "education": [("press", "Master's degree")],
    "industry": [("press", "IT and internet")],
    "district": [("press", "Xuhui")],
    "hometown": [("press", "Skip")],
    "marital_status": [("press", "Divorced")],
    "has_children": [("press", "No children")],
    "hukou": [("press", "Skip")],
    "housing": [("press", "Skip")],
    "show_home": [("press", "Keep them private")],
    "hobbies": [("press", "Running"), ("press", "Reading"), ("press", "Done")],
    "marriage_timeline": [("press", "When the time is right")],
    "children": [("press", "Open to either")],
    "live_with_parents": [("press", "Rather not")],
    "spending": [("press", "I save")],
    "weekends": [("press", "Learning something")],
    "pets": [("press", "Fine with them")],
    "smoking": [("press", "Never")],
    "introduction": [("press", "Skip")],
    "photos": [("press", "Done")],
    "seek_gender": [("press", "Women"), ("press", "A must")],
    "seek_age": [("send", "25 to 33"), ("press", "Nice to have")],
    "seek_districts": [("press", "Any"), ("press", "Done")],
    "seek_education": [("press", "No preference")],
    "seek_height": [("send", "any")],
    "seek_marital": [("press", "Any"), ("press", "Done")],
    "accept_children": [("press", "Yes, that is fine")],
    "seek_hukou": [("press", "No preference")],
    "seek_housing": [("press", "No preference")],
}


async def answer(member: SimulatedUser, steps: Sequence[tuple[str, str]]) -> None:
    for action, value in steps:
        if action == "press":
            await member.press(value)
        elif action == "photo":
            await member.send_photo()
        else:
            await member.send(value)


async def answer_questions(
    member: SimulatedUser, script: Mapping[str, list[tuple[str, str]]], keys: Iterable[str]
) -> None:
    for key in keys:
        await answer(member, script[key])


WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")


async def pledged(sb: Sandbox) -> SimulatedUser:
    """小雨, verified and pledged, at the first question."""
    await seed_union(sb, [WANG])
    wang = sb.user("小雨", phone="+86 138 0000 0001")
    await verify(wang, *WANG[:3])
    await wang.press("我承诺")
    return wang


async def answer_until(member: SimulatedUser, key: str) -> None:
    """Every question before ``key`` answered as ``ZH_ANSWERS`` does."""
    keys = list(ZH_ANSWERS)
    await answer_questions(member, ZH_ANSWERS, keys[: keys.index(key)])


async def sign_up(
    member: SimulatedUser,
    entry: tuple[str, str, str, str | None],
    script: Mapping[str, list[tuple[str, str]]] = ZH_ANSWERS,
) -> None:
    """The whole journey: consent, verification, pledge, every question."""
    await verify(member, entry[0], entry[1], entry[2])
    await member.press("我承诺" if member.language_code.startswith("zh") else "I promise")
    await answer_questions(member, script, script.keys())


async def union_with_members(sb: Sandbox, pudong: int, xuhui: int = 0) -> tuple:
    """Organisers of 浦东 and 徐汇, ``pudong`` synthetic members in 浦东 and ``xuhui`` in 徐汇."""
    organiser, sibling = sb.user("浦东管理员"), sb.user("徐汇管理员")
    await seed_union(sb, [], organisers={PUDONG: [organiser.id], XUHUI: [sibling.id]})
    now, db = sb.clock.now(), sb.app.services.db
    year = now.astimezone(sb.settings.tz).year
    in_pudong = await populate(db, now, year, pudong, unit_id=await unit_id(sb, PUDONG))
    in_xuhui = await populate(
        db, now, year, xuhui, unit_id=await unit_id(sb, XUHUI), first_member_id=pudong + 1
    )
    return organiser, sibling, in_pudong, in_xuhui


def copies(sb: Sandbox, telegram_id: int, text: str) -> int:
    """Messages from the bot with this text, counting a broadcast signed by its union."""
    return sum(
        1
        for e in sb.api.chats[telegram_id]
        if e.from_bot
        and e.text is not None
        and (e.text == text or e.text.startswith(text + "\n\n——"))
    )


TITLE = "滨江徒步联谊"


async def publish(sb: Sandbox, organiser: SimulatedUser, **changes: object) -> int:
    now = sb.clock.now()
    spec = EventSpec(
        unit_id=await unit_id(sb, PUDONG),
        title=TITLE,
        description="滨江步道十公里，终点有茶歇。",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=3),
        venue="浦东滨江大道 1 号",
        capacity=Capacity(),
        conditions=Conditions(),
        signup_deadline=now + timedelta(days=2),
        announce_at=now,
    )
    organising = sb.app.services.events.organising
    event_id = await organising.create(organiser.id, replace(spec, **changes))
    await sb.settle()
    return event_id


async def all_came(sb: Sandbox, event_id: int, telegram_ids: Sequence[int]) -> list[tuple]:
    """These members signed up (badges in this order) and checked in, written straight to
    the database: for tests whose subject is what happens after. Returns (member id, gender,
    nickname) by badge, from 1."""
    async with sb.app.services.db.begin() as session:
        event = await session.get(Event, event_id)
        found = {
            row[0]: row[1:]
            for row in await session.execute(
                select(Member.telegram_id, Member.id, MatchProfile.gender, ProfileAnswer.value)
                .join(MatchProfile, MatchProfile.member_id == Member.id)
                .join(ProfileAnswer, ProfileAnswer.member_id == Member.id)
                .where(Member.telegram_id.in_(telegram_ids), ProfileAnswer.question == "nickname")
            )
        }
        rows = [found[telegram_id] for telegram_id in telegram_ids]
        await session.execute(
            insert(Registration),
            [
                {
                    "event_id": event_id,
                    "member_id": member_id,
                    "status": RegistrationStatus.REGISTERED,
                    "badge": badge,
                    "gender": gender,
                    "registered_at": event.starts_at - timedelta(days=1),
                    "checked_in_at": event.starts_at,
                }
                for badge, (member_id, gender, _nickname) in enumerate(rows, start=1)
            ],
        )
    return [tuple(row) for row in rows]


async def message(user: SimulatedUser, kind: str, **fields: Any) -> int:
    """Send a message of any kind, as Telegram delivers it; returns its message id."""
    sent = user._message(kind, text=fields.get("caption") or fields.get("text"))
    sent.update(fields)
    await user.sandbox.deliver({"message": sent})
    return int(sent["message_id"])


async def edit(user: SimulatedUser, message_id: int, text: str) -> None:
    """The member changes a message she sent a minute ago (Telegram's Edit)."""
    now = int(user.sandbox.clock.now().timestamp())
    await user.sandbox.deliver(
        {
            "edited_message": {
                "message_id": message_id,
                "date": now - 60,
                "edit_date": now,
                "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
                "from": user.as_json(),
                "text": text,
            }
        }
    )


async def reported_by_someone(sb: Sandbox, telegram_id: int, times: int = 1) -> None:
    """Reports about the member from ``times`` people outside the scene (dates who met him at
    an event, say): what an organiser's suspension rests on."""
    async with sb.app.services.db.begin() as session:
        reported = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
        assert reported is not None
        now = sb.clock.now()
        for n in range(1, times + 1):
            reporter = Member(
                telegram_id=telegram_id + 7_000_000 * n,
                unit_id=reported.unit_id,
                created_at=now,
                last_seen_at=now,
            )
            session.add(reporter)
            await session.flush()
            session.add(
                Report(
                    reporter_id=reporter.id,
                    reported_id=reported.id,
                    reason="harassment",
                    status="pending",
                    created_at=now,
                )
            )


async def bind_roster_entries(
    sb: Sandbox, telegram_ids: Sequence[int], people: Sequence[tuple[str, str, str]]
) -> None:
    """Roster entries (real name, employer, phone) bound to these synthetic members, in order:
    the verified identity organisers see on a sign-in sheet."""
    async with sb.app.services.db.begin() as session:
        for number, (telegram_id, (name, employer, phone)) in enumerate(
            zip(telegram_ids, people, strict=False)
        ):
            member = await session.scalar(select(Member).where(Member.telegram_id == telegram_id))
            session.add(
                RosterEntry(
                    unit_id=member.unit_id,
                    member_number=f"PD{number}",
                    real_name=name,
                    employer=employer,
                    phone=phone,
                    member_id=member.id,
                    imported_at=sb.clock.now(),
                )
            )
