"""Photos in the member's Mini App: a person's page shows the photos others may see (only the
approved ones where the union reviews photos), fetched from Telegram through the bot; my
profile shows mine, removes one or puts one first. Nobody reaches a photo of someone they were
never shown by changing the address."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

from sqlalchemy import update

from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from storage.models import OrgUnit, PhotoReview
from tests.helpers import PUDONG, union_with_members
from tests.test_member_app import CARDS, member_id, shown_ids
from tests.test_miniapp import as_user, web


def png(width: int = 4, height: int = 3) -> bytes:
    """A small real PNG (a browser decodes it: naturalWidth > 0)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0\x60\x40" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def give_photos(sb: Sandbox, member: int, count: int) -> list[str]:
    file_ids = [sb.api.store_file(f"p{n}.png", png(4 + n, 3)) for n in range(count)]
    assert await sb.app.services.onboarding.answer(member, "photos", file_ids) is None
    return file_ids


def photo_url(member: int, n: int) -> str:
    return f"/app/member/people/{member}/photos/{n}"


async def test_a_person_page_shows_their_photos_to_whom_they_were_shown(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me, stranger = members[0], members[1]
    async with web(sandbox) as client:
        shown = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
        assert shown
        other = shown[0]
        await give_photos(sandbox, other, 2)
        page = await client.get(f"/app/member/people/{other}", headers=as_user(sandbox, me))
        assert page.status_code == 200
        assert photo_url(other, 0) in page.text and photo_url(other, 1) in page.text
        first = await client.get(photo_url(other, 0), headers=as_user(sandbox, me))
        assert first.status_code == 200 and first.content == png(4, 3)
        assert first.headers["content-type"] == "image/png"
        assert first.headers["cache-control"] == "private"
        # No initData, expired or forged: refused before anything is looked up.
        expired = as_user(sandbox, me, at=sandbox.clock.now() - timedelta(hours=2))
        for headers in ({}, expired):
            assert (await client.get(photo_url(other, 0), headers=headers)).status_code == 401
        # A photo that does not exist, someone never shown to this member, or a made-up id.
        stranger_views = shown_ids(
            (await client.get(CARDS, headers=as_user(sandbox, stranger))).text
        )
        never_shown = next(
            m for m in range(2, 41) if m not in shown and m != member_id(me) and m != other
        )
        await give_photos(sandbox, never_shown, 1)
        for url in (
            photo_url(other, 2),
            photo_url(other, -1),
            photo_url(never_shown, 0),
            photo_url(99999, 0),
        ):
            answer = await client.get(url, headers=as_user(sandbox, me))
            assert answer.status_code == 404, url
            assert answer.content != png(4, 3)
        # The member someone else browsed does not open my photos to them either.
        mine = await give_photos(sandbox, member_id(me), 1)
        if member_id(me) not in stranger_views:
            refused = await client.get(
                photo_url(member_id(me), 0), headers=as_user(sandbox, stranger)
            )
            assert refused.status_code == 404
        assert mine


async def test_only_approved_photos_show_where_the_union_reviews_them(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            update(OrgUnit).where(OrgUnit.name == PUDONG).values(review_photos=True)
        )
    async with web(sandbox) as client:
        other = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)[0]
        ids = await give_photos(sandbox, other, 2)  # both wait for review
        page = await client.get(f"/app/member/people/{other}", headers=as_user(sandbox, me))
        assert photo_url(other, 0) not in page.text
        assert (
            await client.get(photo_url(other, 0), headers=as_user(sandbox, me))
        ).status_code == 404
        # She sees her own photos, approved or not.
        own = await client.get(
            photo_url(other, 1), headers=as_user(sandbox, other + FIRST_TELEGRAM_ID)
        )
        assert own.status_code == 200 and own.content == png(5, 3)
        async with sandbox.app.services.db.begin() as session:
            await session.execute(
                update(PhotoReview)
                .where(PhotoReview.member_id == other, PhotoReview.file_id == ids[1])
                .values(status="approved")
            )
        page = await client.get(f"/app/member/people/{other}", headers=as_user(sandbox, me))
        assert photo_url(other, 0) in page.text and photo_url(other, 1) not in page.text
        approved = await client.get(photo_url(other, 0), headers=as_user(sandbox, me))
        assert approved.status_code == 200 and approved.content == png(5, 3)


async def test_my_profile_removes_a_photo_and_puts_one_first(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    ids = await give_photos(sandbox, member_id(me), 3)
    async with web(sandbox) as client:
        page = await client.get("/app/member/profile", headers=as_user(sandbox, me))
        assert page.status_code == 200
        assert all(photo_url(member_id(me), n) in page.text for n in range(3))
        assert 'hx-post="/app/member/profile/photos"' in page.text  # and more can be added
        moved = await client.post(
            "/app/member/profile/photos/2/first", headers=as_user(sandbox, me)
        )
        assert moved.status_code == 200
        answers = await sandbox.app.services.onboarding.answers(member_id(me))
        assert answers["photos"] == [ids[2], ids[0], ids[1]]
        removed = await client.post(
            "/app/member/profile/photos/1/remove", headers=as_user(sandbox, me)
        )
        assert removed.status_code == 200 and photo_url(member_id(me), 2) not in removed.text
        answers = await sandbox.app.services.onboarding.answers(member_id(me))
        assert answers["photos"] == [ids[2], ids[1]]
        first = await client.get(photo_url(member_id(me), 0), headers=as_user(sandbox, me))
        assert first.content == png(6, 3)
        for url in ("/app/member/profile/photos/5/remove", "/app/member/profile/photos/0/spin"):
            assert (await client.post(url, headers=as_user(sandbox, me))).status_code == 404
        assert (await client.post("/app/member/profile/photos/0/remove")).status_code == 401
    answers = await sandbox.app.services.onboarding.answers(member_id(me))
    assert answers["photos"] == [ids[2], ids[1]]
