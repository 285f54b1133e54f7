"""Adding photos from the member's Mini App (issue 25 §2, My profile): a photo chosen on the
phone goes to the member's own chat (Telegram keeps members' photos) and is stored through the
same service as a photo sent in the chat, so the union's photo review applies to it. Up to six;
a file that is not a picture, one over 10 MB or a seventh photo is refused with the reason in
Chinese, before anything reaches Telegram. The member is whoever the initData says: no id in
the request adds a photo to someone else or takes someone else's photo."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select, update

from bot.tools.sandbox import Sandbox
from bot.web.miniapp.member import PhotoFiles
from storage.models import OrgUnit, PhotoReview
from tests.helpers import PUDONG, union_with_members
from tests.test_member_app import member_id
from tests.test_member_photos import give_photos, photo_url, png
from tests.test_miniapp import as_user, web

ADD = "/app/member/profile/photos"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 90, 60)).save(out, format="GIF")
    return out.getvalue()


def jpeg_cut_in_half() -> bytes:
    """A camera-sized JPEG of noise (nothing compresses it away), its second half missing."""
    out = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(out, format="JPEG", quality=90)
    whole = out.getvalue()
    return whole[: len(whole) // 2]


def photo_messages(sb: Sandbox, telegram_id: int) -> list:
    return [
        e for e in sb.api.chats[telegram_id] if e.from_bot and e.kind == "photo" and not e.deleted
    ]


async def photos_of(sb: Sandbox, member: int) -> list[str]:
    return list((await sb.app.services.onboarding.answers(member)).get("photos") or [])


async def reviews_of(sb: Sandbox, member: int) -> dict[str, str]:
    async with sb.app.services.db() as session:
        rows = await session.execute(
            select(PhotoReview.file_id, PhotoReview.status).where(PhotoReview.member_id == member)
        )
        return dict(rows.all())


async def test_a_member_adds_photos_up_to_six_and_the_unions_review_applies(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            update(OrgUnit).where(OrgUnit.name == PUDONG).values(review_photos=True)
        )
    earlier = await give_photos(sandbox, member_id(me), 4)
    await sandbox.settle()
    told_before = len(sandbox.api.chats[organiser.id])
    sandbox.clock.advance(timedelta(minutes=5))  # a while after the photos sent in the chat
    picture = png(8, 6)
    async with web(sandbox) as client:
        profile = await client.get("/app/member/profile", headers=as_user(sandbox, me))
        assert 'hx-post="/app/member/profile/photos"' in profile.text
        assert "添加照片（第 5 张，最多 6 张）" in profile.text
        added = await client.post(
            ADD, files={"photo": ("我.png", picture, "image/png")}, headers=as_user(sandbox, me)
        )
        assert added.status_code == 200 and "照片已添加。" in added.text
        photos = await photos_of(sandbox, member_id(me))
        assert photos[:4] == earlier and len(photos) == 5
        new = photos[4]
        # Telegram keeps it: the member's chat shows it was added, with these very bytes.
        [sent] = photo_messages(sandbox, me)
        assert sent.file_id == new and sandbox.api.files[new][1] == picture
        assert sent.text == "这张照片已通过小程序加到你的资料里。"
        # The same review as a photo sent in the chat: waiting, and the organiser is told.
        assert (await reviews_of(sandbox, member_id(me)))[new] == "pending"
        await sandbox.settle()
        told = [e.text for e in sandbox.api.chats[organiser.id][told_before:] if e.from_bot]
        assert any("/review" in (text or "") for text in told)
        # She sees it on her page (her own photos, approved or not).
        assert photo_url(member_id(me), 4) in added.text
        mine = await client.get(photo_url(member_id(me), 4), headers=as_user(sandbox, me))
        assert mine.status_code == 200 and mine.content == picture

        sixth = await client.post(
            ADD, files={"photo": ("2.png", png(9, 6), "image/png")}, headers=as_user(sandbox, me)
        )
        assert "照片已添加。" in sixth.text and len(await photos_of(sandbox, member_id(me))) == 6
        assert "添加照片（第" not in sixth.text and "达到上限" in sixth.text
        # A seventh: refused before anything is sent to Telegram.
        seventh = await client.post(
            ADD, files={"photo": ("3.png", png(10, 6), "image/png")}, headers=as_user(sandbox, me)
        )
    assert seventh.status_code == 200 and 'role="alert"' in seventh.text
    assert "最多只能放 6 张照片。想再加一张，请先删掉一张。" in seventh.text
    assert len(await photos_of(sandbox, member_id(me))) == 6
    assert len(photo_messages(sandbox, me)) == 2


async def test_what_is_not_a_photo_or_too_large_is_refused_before_telegram_sees_it(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    refusals = {
        "a PDF named .jpg": (
            ("photo.jpg", b"%PDF-1.4\n" + b"0" * 2000, "image/jpeg"),
            "这个文件不是照片",
        ),
        "a text file": (
            ("notes.png", "你好，世界".encode() * 100, "image/png"),
            "这个文件不是照片",
        ),
        "only a PNG's first bytes": (
            ("cut.png", png(40, 40)[:40], "image/png"),
            "这个文件不是照片",
        ),
        "a JPEG cut in half on the way": (
            ("cut.jpg", jpeg_cut_in_half(), "image/jpeg"),
            "这个文件不是照片",
        ),
        "a GIF (Telegram would show it as an animation)": (
            ("a.gif", gif(), "image/gif"),
            "这个文件不是照片",
        ),
        "an empty file": (("empty.jpg", b"", "image/jpeg"), "请先选一张照片"),
        "30 MB": (("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 30_000_000, "image/jpeg"), "10 MB"),
        "a picture 40 times wider than tall": (("long.png", png(800, 20), "image/png"), "太细长"),
    }
    async with web(sandbox) as client:
        for name, (upload, said) in refusals.items():
            answer = await client.post(ADD, files={"photo": upload}, headers=as_user(sandbox, me))
            assert answer.status_code == 200, name
            assert 'role="alert"' in answer.text and said in answer.text, name
        # No file at all, only a field that names another member's photo.
        other_ids = await give_photos(sandbox, member_id(members[1]), 1)
        named = await client.post(ADD, data={"photo": other_ids[0]}, headers=as_user(sandbox, me))
        assert "请先选一张照片" in named.text
    assert await photos_of(sandbox, member_id(me)) == []
    assert photo_messages(sandbox, me) == []  # nothing reached Telegram


async def test_only_the_member_the_initdata_names_adds_to_their_own_photos(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me, other = members[0], members[1]
    theirs = await give_photos(sandbox, member_id(other), 2)
    picture = png(6, 6)
    async with web(sandbox) as client:
        # No initData, an expired one, or one signed with another key: refused.
        expired = as_user(sandbox, me, at=sandbox.clock.now() - timedelta(hours=2))
        forged = {
            "X-Telegram-Init-Data": as_user(sandbox, me)["X-Telegram-Init-Data"][:-4] + "0000"
        }
        for headers in ({}, expired, forged):
            refused = await client.post(
                ADD, files={"photo": ("p.png", picture, "image/png")}, headers=headers
            )
            assert refused.status_code == 401
        # Someone with no member account (a stranger's Telegram id) adds nothing anywhere.
        stranger = await client.post(
            ADD, files={"photo": ("p.png", picture, "image/png")}, headers=as_user(sandbox, 4242)
        )
        assert stranger.status_code == 404
        # Another member's id in the form is ignored: the photo is mine.
        added = await client.post(
            ADD,
            data={"member": str(member_id(other)), "member_id": str(member_id(other))},
            files={"photo": ("p.png", picture, "image/png")},
            headers=as_user(sandbox, me),
        )
        assert "照片已添加。" in added.text
        # Another member's photo numbers: mine has one photo, so only number 0 is mine.
        for n in (1, 5):
            moved = await client.post(
                f"/app/member/profile/photos/{n}/first", headers=as_user(sandbox, me)
            )
            assert moved.status_code == 404
    assert len(await photos_of(sandbox, member_id(me))) == 1
    assert await photos_of(sandbox, member_id(other)) == theirs
    assert photo_messages(sandbox, other) == []


async def test_photos_kept_in_memory_have_a_byte_bound(sandbox: Sandbox) -> None:
    """Photos shown are kept to spare Telegram, but never more than the bound in bytes: a
    member scrolling through large photos does not grow the server's memory."""
    big = [sandbox.api.store_file(f"{n}.png", bytes([n]) * 400) for n in range(5)]
    kept = PhotoFiles(sandbox.app.bot, most=64, most_bytes=1000)
    for file_id in big:
        assert await kept.get(file_id) is not None
        assert kept.bytes_kept <= 1000
    assert len(kept) == 2 and kept.bytes_kept == 800  # the two most recently shown
    # One larger than the whole bound is shown, never kept.
    huge = sandbox.api.store_file("huge.png", b"\x01" * 1500)
    assert await kept.get(huge) == b"\x01" * 1500
    assert len(kept) == 2 and kept.bytes_kept == 800
    # A forgotten one is fetched again from Telegram.
    assert await kept.get(big[0]) == bytes([0]) * 400
    # The bound in the running app: 16 MB, besides at most 64 photos.
    from bot.web.miniapp.member import PHOTO_BYTES_KEPT, PHOTOS_KEPT

    assert PHOTO_BYTES_KEPT == 16_000_000 and PHOTOS_KEPT == 64


async def test_two_photos_sent_at_once_onto_five_make_six(sandbox: Sandbox) -> None:
    """A double tap, or two photos chosen quickly: each is added to the list the other left,
    and the one past six is refused, not lost or let through."""
    import asyncio

    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    await give_photos(sandbox, member_id(me), 5)
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    ADD,
                    files={"photo": (f"{n}.png", png(20 + n, 9), "image/png")},
                    headers=as_user(sandbox, me),
                )
                for n in range(3)
            )
        )
    added = [a for a in answers if "照片已添加。" in a.text]
    refused = [a for a in answers if "最多只能放 6 张照片" in a.text]
    assert len(added) == 1 and len(refused) == 2
    photos = await photos_of(sandbox, member_id(me))
    assert len(photos) == 6
    # The chat shows only the photo that was added, never one that says so but was not.
    # All three may have reached Telegram before either was added: the two refused are
    # taken back from the chat.
    sent = [e for e in sandbox.api.chats[me] if e.from_bot and e.kind == "photo"]
    assert sum(e.deleted for e in sent) == len(sent) - 1
    [shown] = photo_messages(sandbox, me)
    assert shown.file_id == photos[5]
