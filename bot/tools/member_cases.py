"""What the web demo's member pages (and the staff switch to them) have to show beyond the chat
demo's journeys: photos, people who liked 小雨 and wait for her answer, an event to come that
小雨 signed up for (so its page shows her check-in QR code), and a matchmaker who is a verified
member with a profile of her own (so her Mini App switches between 工作台 and 我的会会).

The photos are drawn here (landscapes, no faces) since the demo has no real pictures; members
are added with the benchmarks' synthetic profiles and their likes written straight to the
database; the event and the sign-ups go through the services the Mini App uses."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select, update

from bot.domain.events import Capacity, Conditions
from bot.services.events.results import EventSpec
from bot.tools import demo
from bot.tools.population import populate
from bot.tools.sandbox import Sandbox
from storage import units
from storage.models import MatchDecision, Member, ProfileAnswer, RosterEntry

# Members added for the pages, after the chat demo's 会员1–4 (member ids from 100,000).
FIRST_LIKER_ID, LIKERS = 100_100, 5
MATCHMAKER_MEMBER_ID = 100_200
MATCHMAKER_NICKNAME = "阿丽"
EVENT_TITLE = "春日读书分享会·以书会友"


async def add(sb: Sandbox) -> None:
    services = sb.app.services
    now = sb.clock.now()
    async with services.db.begin() as session:
        pudong = await units.by_name(session, demo.PUDONG)
        assert pudong is not None
        pudong.likes_visible = "cards"  # members see who liked them, not only the number
    likers = await populate(
        services.db,
        now,
        now.year,
        LIKERS,
        unit_id=pudong.id,
        first_member_id=FIRST_LIKER_ID,
        seed=7,
    )
    (staff,) = await populate(
        services.db,
        now,
        now.year,
        1,
        unit_id=pudong.id,
        first_member_id=MATCHMAKER_MEMBER_ID,
        seed=11,
    )
    async with services.db.begin() as session:
        await session.execute(
            update(Member).where(Member.telegram_id == staff).values(telegram_id=demo.MATCHMAKER_ID)
        )
        await session.execute(
            update(ProfileAnswer)
            .where(
                ProfileAnswer.member_id == MATCHMAKER_MEMBER_ID,
                ProfileAnswer.question == "nickname",
            )
            .values(value=MATCHMAKER_NICKNAME)
        )
        ids = {
            telegram_id: member_id
            for telegram_id, member_id in (
                await session.execute(select(Member.telegram_id, Member.id))
            ).all()
        }
    await _on_the_roster(sb, pudong.id)
    xiaoyu, ming = (_telegram_id(sb, name) for name in ("小雨", "阿明"))
    await _photos(sb, ids, [xiaoyu, ming, demo.MATCHMAKER_ID, *likers, *_others(sb)])
    async with services.db.begin() as session:
        session.add_all(
            MatchDecision(
                viewer_id=ids[telegram_id],
                candidate_id=ids[xiaoyu],
                liked=True,
                created_at=now - timedelta(hours=hours),
            )
            for hours, telegram_id in enumerate(likers, start=1)
        )
    await _event(sb, [xiaoyu, ming, *likers[:5]])


async def _on_the_roster(sb: Sandbox, unit_id: int) -> None:
    """Members added straight to the database (the chat demo's 会员1–4, those above) hold a
    roster entry, as verified members do: registrant lists and sign-in sheets show their real
    names and employers. Entries are taken from the end of the roster, away from the near
    miss that waits for review."""
    async with sb.app.services.db.begin() as session:
        linked = select(RosterEntry.member_id).where(RosterEntry.member_id.is_not(None))
        unlinked = (
            await session.scalars(
                select(Member)
                .where(
                    Member.unit_id == unit_id,
                    Member.verified_at.is_not(None),
                    Member.id.not_in(linked),
                )
                .order_by(Member.id)
            )
        ).all()
        free = (
            await session.scalars(
                select(RosterEntry)
                .where(RosterEntry.unit_id == unit_id, RosterEntry.member_id.is_(None))
                .order_by(RosterEntry.id.desc())
                .limit(len(unlinked))
            )
        ).all()
        for member, entry in zip(unlinked, free, strict=False):
            entry.member_id = member.id


def _telegram_id(sb: Sandbox, name: str) -> int:
    return next(user.id for user in sb.users if user.first_name == name)


def _others(sb: Sandbox) -> list[int]:
    """The chat demo's 会员1–4, who walked along the river with 小雨 and 阿明."""
    return [user.id for user in sb.users if user.first_name.startswith("会员")]


async def _photos(sb: Sandbox, ids: dict[int, int], people: list[int]) -> None:
    """Three pictures for 小雨 (hers from the chat, drawn now, and two more), one more for the
    others; added as the Mini App adds them, so the union's photo rules apply."""
    onboarding = sb.app.services.onboarding
    for number, telegram_id in enumerate(people):
        member_id = ids[telegram_id]
        kept = (await onboarding.answers(member_id)).get("photos") or []
        for file_id in kept:  # the chat demo's photo is a one-pixel JPEG
            sb.api.files[file_id] = ("photo.jpg", picture(number * 7 + 1))
        for extra in range(2 if number == 0 else 1):
            file_id = sb.api.store_file("photo.jpg", picture(number * 7 + extra + 2))
            await onboarding.add_photo(member_id, file_id)


async def _event(sb: Sandbox, members: list[int]) -> None:
    """A reading afternoon in ten days, open for sign-up, with 小雨 among the first."""
    services = sb.app.services
    now = sb.clock.now().astimezone(sb.settings.tz)
    async with services.db() as session:
        pudong = await units.by_name(session, demo.PUDONG)
    assert pudong is not None
    start = (now + timedelta(days=10)).replace(hour=14, minute=30, second=0, microsecond=0)
    event_id = await services.events.organising.create(
        demo.ORGANISER_ID,
        EventSpec(
            unit_id=pudong.id,
            title=EVENT_TITLE,
            description="每人带一本最近在读的书，三分钟讲讲它；之后自由交流，茶点由工会准备。",
            starts_at=start,
            ends_at=start + timedelta(hours=2, minutes=30),
            venue="浦东图书馆 3 楼活动室（前程路 88 号）",
            capacity=Capacity(30, 15, 15),
            conditions=Conditions(25, 40),
            signup_deadline=start - timedelta(days=2),
            announce_at=now,
        ),
    )
    assert event_id is not None
    await sb.settle()  # the announcement goes out
    for telegram_id in members:
        await services.events.attending.sign_up(telegram_id, event_id)


def picture(seed: int, size: tuple[int, int] = (480, 600)) -> bytes:
    """A landscape, as members often choose: a sky from dawn to dusk, a sun, hills or the sea.
    Drawn, so the demo needs no pictures of anyone; a JPEG of about 15 KB."""
    rng = random.Random(seed)
    width, height = size
    skies = [
        ((255, 183, 148), (255, 236, 210)),
        ((120, 180, 235), (215, 236, 250)),
        ((250, 160, 170), (255, 220, 200)),
        ((95, 140, 210), (250, 205, 160)),
        ((160, 210, 230), (240, 250, 245)),
    ]
    top, bottom = skies[seed % len(skies)]
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y = rng.randint(80, width - 80), rng.randint(90, height // 3)
    draw.ellipse([sun_x - 42, sun_y - 42, sun_x + 42, sun_y + 42], fill=(255, 246, 214))
    horizon = int(height * rng.uniform(0.55, 0.68))
    greens = [(92, 140, 108), (70, 118, 96), (118, 160, 120), (60, 100, 110)]
    for layer in range(3):
        base = horizon + layer * 45
        points = [(0, height)]
        for x in range(0, width + 40, 40):
            points.append((x, base - rng.randint(0, 70 - layer * 15)))
        points.append((width, height))
        draw.polygon(points, fill=greens[(seed + layer) % len(greens)])
    if seed % 2:  # the sea in front of the hills
        sea = horizon + 110
        draw.rectangle([0, sea, width, height], fill=(88, 146, 186))
        for y in range(sea + 12, height, 18):
            x = rng.randint(0, width - 120)
            draw.line([(x, y), (x + rng.randint(40, 120), y)], fill=(180, 215, 235), width=2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
