"""Attacks on the two Mini Apps through real HTTP requests (the organisers' desk and the
member's app): a scammer harvesting members or reaching them outside the rules, a stalker after
one woman's profile, photos, events and check-in code, a careless or rogue organiser reaching
another union's members or telling members twice. Each test makes the attack and checks the
refusal the person would notice (the status, the page) and that nothing leaked or changed.
Both databases, through the sandbox."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.domain.events import Capacity
from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import (
    AuditEntry,
    Broadcast,
    CardView,
    Event,
    Match,
    MatchDecision,
    ProfileAnswer,
    Proposal,
    Registration,
    Report,
    Thread,
)
from tests.helpers import PUDONG, TITLE, copies, publish, union_with_members, unit_id
from tests.test_admin import scene
from tests.test_desk_event_edit import shown
from tests.test_desk_events import form_for, stored_events
from tests.test_desk_groups import groups_of, signed_up, told, version_of
from tests.test_desk_people import matchmaker_of_pudong, pairs_on
from tests.test_desk_photo_review import looks, photo_waiting
from tests.test_desk_review import waiting
from tests.test_member_app import CARDS, member_id, shown_ids, views
from tests.test_member_photo_upload import photos_of
from tests.test_member_photos import give_photos, photo_url, png
from tests.test_miniapp import as_user, web

SEND = "/app/console/broadcasts/send"
ADD = "/app/member/profile/photos"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def broadcasts(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(Broadcast))


# --- initData: forged, altered, expired, carried where a cross-site page could put it ---------


async def test_posts_need_the_init_data_header_not_a_form_field_cookie_or_query(
    sandbox: Sandbox,
) -> None:
    """A page on another site can make a member's browser POST a form, but cannot set a header:
    the initData only counts in the header, so a cross-site form changes nothing."""
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    me = members[0]
    signed = as_user(sandbox, organiser.id)[INIT_DATA_HEADER]
    mine = as_user(sandbox, me)[INIT_DATA_HEADER]
    before = await broadcasts(sandbox)
    async with web(sandbox) as client:
        for how in (
            {"data": {"text": "中奖了", "unit": str(pudong), "initData": signed}},
            {
                "data": {"text": "中奖了", "unit": str(pudong)},
                "headers": {"Cookie": f"initData={signed}"},
            },
        ):
            answer = await client.post(SEND, **how)
            assert answer.status_code == 401 and "请从 Telegram 中打开" in answer.text
        query = await client.post(
            SEND + "?tgWebAppData=" + signed, data={"text": "中奖了", "unit": str(pudong)}
        )
        assert query.status_code == 401
        paused = await client.post("/app/member/settings/pause", data={"on": "1", "initData": mine})
        assert paused.status_code == 401
        # No CORS: another origin's script is not told it may read the answers.
        preflight = await client.options(
            SEND,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers
    assert await broadcasts(sandbox) == before
    status = await sandbox.app.services.onboarding.member(me)
    assert status is not None and not status.paused


async def test_altered_replayed_or_oversized_init_data_is_refused_on_every_new_surface(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me, her = members[0], members[1]
    await give_photos(sandbox, member_id(her), 2)
    event_id = await publish(sandbox, organiser)
    good = as_user(sandbox, me)[INIT_DATA_HEADER]
    # Her id put in my signed data (the hash no longer fits), and data ten times too large.
    altered = good.replace(f"%22id%22%3A{me}", f"%22id%22%3A{her}")
    assert altered != good
    attempts = [
        {INIT_DATA_HEADER: altered},
        {INIT_DATA_HEADER: good + "&user=" + good},  # a field given twice
        {INIT_DATA_HEADER: good + "&x=" + "a" * 5000},
        {INIT_DATA_HEADER: good.replace("hash=", "hash=0")},
        as_user(sandbox, me, at=sandbox.clock.now() - timedelta(days=2)),  # yesterday's, replayed
        as_user(sandbox, me, at=sandbox.clock.now() + timedelta(hours=1)),  # from the future
    ]
    async with web(sandbox) as client:
        for headers in attempts:
            for path in (
                "/app/member/profile",
                photo_url(member_id(her), 0),
                f"/app/member/events/{event_id}",
                "/app/member/export",
                "/app/console/events",
            ):
                assert (await client.get(path, headers=headers)).status_code == 401, path
            upload = await client.post(
                ADD, files={"photo": ("a.png", png(8, 6), "image/png")}, headers=headers
            )
            assert upload.status_code == 401
            wish = await client.post(
                "/app/member/profile/seeking", data={"value": "any"}, headers=headers
            )
            assert wish.status_code == 401
    assert await photos_of(sandbox, member_id(me)) == []
    assert len(await photos_of(sandbox, member_id(her))) == 2


# --- the stalker ---------------------------------------------------------------------------


async def test_a_member_cannot_walk_ids_to_find_a_woman_her_photos_or_her_qr_code(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 6)
    me, her = members[0], members[5]
    hers = await give_photos(sandbox, member_id(her), 3)
    event_id = await publish(sandbox, organiser)
    signer = sandbox.user("她", user_id=her)
    await signer.send(f"/start event_{event_id}")
    await signer.press("报名")
    async with web(sandbox) as client:
        headers = as_user(sandbox, me)
        # Never shown to me: her page and every photo number are "nothing to show".
        page = await client.get(f"/app/member/people/{member_id(her)}", headers=headers)
        assert page.status_code == 404
        for n in range(0, 8):
            photo = await client.get(photo_url(member_id(her), n), headers=headers)
            assert photo.status_code == 404 and photo.headers["content-type"].startswith("text")
        assert (
            await client.get("/app/member/people/99999999/photos/0", headers=headers)
        ).status_code == 404
        # Her own photos, numbered as hers, do not become mine through my profile's buttons.
        for n in range(0, 3):
            moved = await client.post(f"/app/member/profile/photos/{n}/first", headers=headers)
            assert moved.status_code == 404
        # The event page shows my sign-up state, never her check-in code.
        event = await client.get(f"/app/member/events/{event_id}", headers=headers)
        assert event.status_code == 200 and "data:image/png;base64" not in event.text
        exported = await client.get("/app/member/export", headers=headers)
    assert not any(file_id in exported.text for file_id in hers)
    assert await photos_of(sandbox, member_id(me)) == []
    assert await photos_of(sandbox, member_id(her)) == hers


async def test_paging_browse_at_once_gives_no_more_than_the_daily_number(
    sandbox: Sandbox,
) -> None:
    """A scraper sends many pages at the same moment, each with another filter, hoping each
    counts the day's allowance before the others record theirs."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    me = members[0]
    daily = sandbox.settings.daily_cards
    queries = [
        "",
        "more=1",
        "age_min=20&age_max=45&more=1",
        "districts=浦东新区&more=1",
        "hobbies=hiking&more=1",
        "education_min=bachelor&more=1",
        "marital=never_married&more=1",
        "new_this_week=1&more=1",
    ] * 3
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(client.get(f"{CARDS}?{q}", headers=as_user(sandbox, me)) for q in queries)
        )
    assert all(a.status_code == 200 for a in answers)
    shown = {
        int(found) for a in answers for found in re.findall(r"/app/member/people/(\d+)\"", a.text)
    }
    assert len(await views(sandbox, me)) <= daily
    assert len(shown) <= daily


# --- stored HTML/JS, NUL bytes, look-alikes ---------------------------------------------------


async def test_markup_in_a_nickname_or_a_broadcast_is_shown_as_text_on_the_desk(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    me = members[0]
    async with web(sandbox) as client:
        mine = as_user(sandbox, me)
        saved = await client.post(
            "/app/member/profile/nickname", data={"value": SCRIPT[:20]}, headers=mine
        )
        assert saved.status_code == 200 and "<script>" not in saved.text
        headers = as_user(sandbox, organiser.id)
        checked = await client.post(
            "/app/console/broadcasts/check",
            data={"text": SCRIPT, "unit": str(pudong)},
            headers=headers,
        )
        assert checked.status_code == 200
        assert "<script>alert" not in checked.text and "onerror=alert" not in checked.text.replace(
            "&lt;img src=x onerror=alert", ""
        )
        assert "&lt;script&gt;" in checked.text
        sent = await client.post(SEND, data={"text": SCRIPT, "unit": str(pudong)}, headers=headers)
        assert sent.status_code == 200
        listed = await client.get("/app/console/broadcasts/sent", headers=headers)
        for page in (sent, listed):
            assert "<script>alert" not in page.text and "<img src=x" not in page.text
        people = await client.get("/app/console/people", headers=headers)
        assert "<script>" not in people.text


async def test_nul_bytes_and_zero_width_characters_do_not_break_or_hide_an_answer(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    async with web(sandbox) as client:
        headers = as_user(sandbox, me)
        for value in ("小\x00美", "\u200b\u200b\u200b", "\u202e美小"):
            answer = await client.post(
                "/app/member/profile/nickname", data={"value": value}, headers=headers
            )
            assert answer.status_code == 200
    nickname = (await sandbox.app.services.onboarding.answers(member_id(me))).get("nickname", "")
    assert "\x00" not in nickname and "\u200b" not in nickname and "\u202e" not in nickname


# --- malformed and oversized uploads -------------------------------------------------------


async def test_malformed_or_lying_multipart_bodies_are_refused_without_an_error_page(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        bodies = [
            ("multipart/form-data", b"--x\r\nnonsense"),  # no boundary given
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n"),
            ("multipart/form-data; boundary=x", b"\x00" * 4000),
            ("application/json", b'{"photo": "AgACAgQ"}'),
        ]
        for kind, body in bodies:
            answer = await client.post(ADD, content=body, headers={**headers, "content-type": kind})
            assert answer.status_code in (200, 400), (kind, answer.status_code)
            assert "Traceback" not in answer.text
        # Two files where one is taken: refused, nothing added.
        two = await client.post(
            ADD,
            files=[
                ("photo", ("a.png", png(8, 6), "image/png")),
                ("photo", ("b.png", png(9, 6), "image/png")),
            ],
            headers=headers,
        )
        assert two.status_code in (200, 400)
    assert len(await photos_of(sandbox, member_id(me))) <= 1


# --- races and double submits -----------------------------------------------------------------


async def test_two_uploads_at_once_never_make_a_seventh_photo(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    await give_photos(sandbox, member_id(me), 5)
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    ADD,
                    files={"photo": (f"{n}.png", png(8 + n, 6), "image/png")},
                    headers=as_user(sandbox, me),
                )
                for n in range(4)
            )
        )
    assert all(a.status_code == 200 for a in answers)
    assert sum("照片已添加。" in a.text for a in answers) == 1
    assert len(await photos_of(sandbox, member_id(me))) == 6
    # Only the photo kept is announced in her chat; the others were taken back.
    kept = [e for e in sandbox.api.chats[me] if e.from_bot and e.kind == "photo" and not e.deleted]
    assert len(kept) == 1


async def test_two_confirmations_of_the_groups_at_once_tell_each_member_once(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, event_id, members = await signed_up(sandbox, 4)
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        for badge in ("1", "2", "3", "4"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        assert groups_of(made.text) == [[1, 2, 3, 4]]
        version = version_of(made.text)
        answers = await asyncio.gather(
            *(
                client.post(base + "/groups/send", data={"version": version}, headers=headers)
                for _ in range(4)
            )
        )
    assert all(a.status_code == 200 for a in answers)
    await sandbox.settle()
    assert [len(told(sandbox, m)) for m in members] == [1] * 4


async def test_another_unions_organiser_cannot_draft_move_or_confirm_groups(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, event_id, members = await signed_up(sandbox, 4)
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        own = as_user(sandbox, organiser.id)
        for badge in ("1", "2", "3", "4"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=own)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=own)
        version = version_of(made.text)
        for someone in (sibling.id, members[0]):
            headers = as_user(sandbox, someone)
            shown = await client.get(base + "/groups", headers=headers)
            remade = await client.post(base + "/groups", data={"size": "4"}, headers=headers)
            moved = await client.post(
                base + "/groups/move",
                data={"version": version, "member": str(member_id(members[0])), "to": "2"},
                headers=headers,
            )
            confirmed = await client.post(
                base + "/groups/send", data={"version": version}, headers=headers
            )
            for answer in (shown, remade, moved, confirmed):
                assert answer.status_code == 403, someone
                assert "组员" not in answer.text and "grouped-" not in answer.text
        still = await client.get(base + "/groups", headers=own)
    assert version_of(still.text) == version and groups_of(still.text) == [[1, 2, 3, 4]]
    await sandbox.settle()
    assert not any(told(sandbox, m) for m in members)


async def test_two_announce_now_saves_at_once_tell_each_member_once(sandbox: Sandbox) -> None:
    """A careless organiser presses Save twice with 现在 chosen: one announcement, each member
    told once."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 4)
    now = sandbox.clock.now()
    event_id = await publish(sandbox, organiser, announce_at=now + timedelta(days=1))
    edit = f"/app/console/events/{event_id}/edit"
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        fields = shown((await client.get(edit, headers=headers)).text)
        fields["description"] = "滨江步道十公里，终点有茶歇。"
        answers = await asyncio.gather(
            *(
                client.post(edit, data={**fields, "announce": "now"}, headers=headers)
                for _ in range(3)
            )
        )
    assert all(a.status_code == 200 for a in answers)
    assert any("已保存" in a.text for a in answers)
    await sandbox.settle()
    assert [copies_of_title(sandbox, m) for m in in_pudong] == [1] * len(in_pudong)
    async with sandbox.app.services.db() as session:
        announcements = await session.scalar(
            select(func.count()).select_from(Broadcast).where(Broadcast.text.contains(TITLE))
        )
    assert announcements == 1


def copies_of_title(sb: Sandbox, telegram_id: int) -> int:
    return sum(1 for e in sb.api.chats[telegram_id] if e.from_bot and TITLE in (e.text or ""))


async def test_another_unions_organiser_cannot_open_or_change_an_events_form(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    now = sandbox.clock.now()
    event_id = await publish(sandbox, organiser, announce_at=now + timedelta(days=1))
    edit = f"/app/console/events/{event_id}/edit"
    async with web(sandbox) as client:
        fields = shown((await client.get(edit, headers=as_user(sandbox, organiser.id))).text)
        for someone in (sibling.id, in_pudong[0]):
            headers = as_user(sandbox, someone)
            page = await client.get(edit, headers=headers)
            assert page.status_code in (403, 404) and TITLE not in page.text
            changed = await client.post(
                edit,
                data={**fields, "title": "免费领奖", "age_min": "18", "announce": "now"},
                headers=headers,
            )
            assert changed.status_code in (403, 404) and TITLE not in changed.text
    await sandbox.settle()
    async with sandbox.app.services.db() as session:
        event = await session.get(Event, event_id)
    assert event.title == TITLE and event.announce_at == now + timedelta(days=1)
    assert not any(copies_of_title(sandbox, m) for m in in_pudong)


async def test_a_double_pressed_send_is_one_broadcast(sandbox: Sandbox) -> None:
    """Send pressed twice (or the request retried) with the same composer: members are told
    once."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    fields = {"text": "周六工会开放日，欢迎来玩。", "unit": str(pudong)}
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(client.post(SEND, data=fields, headers=headers) for _ in range(2))
        )
        later = await client.post(SEND, data=fields, headers=headers)  # retried a minute on
    assert all(a.status_code == 200 for a in [*answers, later])
    await sandbox.settle()
    assert await broadcasts(sandbox) == 1
    assert [copies(sandbox, m, fields["text"]) for m in in_pudong] == [1] * len(in_pudong)
    assert all("#1" in a.text and "#2" not in a.text for a in [*answers, later])  # the same
    # Another text, or the same after ten minutes, is a new broadcast.
    sandbox.clock.advance(timedelta(minutes=11))
    async with web(sandbox) as client:
        await client.post(SEND, data=fields, headers=headers)
        await client.post(SEND, data={**fields, "text": "改到周日。"}, headers=headers)
    assert await broadcasts(sandbox) == 3


async def test_markup_a_member_wrote_is_text_on_every_desk_page_that_shows_it(
    sandbox: Sandbox,
) -> None:
    """A stored XSS on the desk would run with an organiser's initData: a member's nickname
    and question carrying a script are shown as text in the inbox, the groups draft, the event
    and its sign-in sheet."""
    organiser, _sibling, event_id, members = await signed_up(sandbox, 3)
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            update(ProfileAnswer).where(ProfileAnswer.question == "nickname").values(value=SCRIPT)
        )
    assert await sandbox.app.services.inbox.ask(members[0], "请问" + SCRIPT) == "done"
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        for badge in ("1", "2", "3"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        pages = [
            await client.get("/app/console/inbox", headers=headers),
            await client.post(base + "/groups", data={"size": "6"}, headers=headers),
            await client.get(base, headers=headers),
            await client.get(base + "/sign-in", headers=headers),
        ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, page.url
    assert "&lt;script&gt;" in pages[0].text and "&lt;script&gt;" in pages[1].text


async def test_an_answer_sent_twice_at_once_reaches_the_member_once(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    assert (
        await sandbox.app.services.inbox.ask(in_pudong[0], "请问周末的活动还能报名吗？") == "done"
    )
    async with sandbox.app.services.db() as session:
        thread = await session.scalar(select(Thread.id))
    answer = {"text": "可以的，周五前报名。"}
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"/app/console/inbox/{thread}/answer",
                    data=answer,
                    headers=as_user(sandbox, organiser.id),
                )
                for _ in range(2)
            )
        )
    assert all(a.status_code == 200 for a in answers)
    await sandbox.settle()
    told = [
        e
        for e in sandbox.api.chats[in_pudong[0]]
        if e.from_bot and answer["text"] in (e.text or "")
    ]
    assert len(told) == 1


async def count_of(sb: Sandbox, model: type) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_member_cannot_like_report_or_write_to_someone_never_shown(
    sandbox: Sandbox,
) -> None:
    """A scammer walks member ids to like, report (to get a woman suspended) or open a chat
    with people the engine never showed them, and another pair's match."""
    _organiser, _sibling, members, in_xuhui = await union_with_members(sandbox, 6, 2)
    me, her = members[0], members[5]
    now = sandbox.clock.now()
    async with sandbox.app.services.db.begin() as session:
        session.add(
            Match(
                member_a=member_id(members[1]),
                member_b=member_id(members[2]),
                source="mutual",
                created_at=now,
            )
        )
    async with sandbox.app.services.db() as session:
        theirs = await session.scalar(select(Match.id))
    before = {m: await count_of(sandbox, m) for m in (MatchDecision, Report, Match)}
    async with web(sandbox) as client:
        headers = as_user(sandbox, me)
        for target in (member_id(her), member_id(in_xuhui[0]), 99_999):
            base = f"/app/member/people/{target}"
            liked = await client.post(base + "/decide", data={"liked": "1"}, headers=headers)
            reported = await client.post(base + "/report", data={"reason": "fake"}, headers=headers)
            for answer in (liked, reported):
                assert answer.status_code == 404, (target, answer.url)
                assert "昵称" not in answer.text
        wrote = await client.post(f"/app/member/matches/{theirs}/write", headers=headers)
        assert wrote.status_code == 404
    assert {m: await count_of(sandbox, m) for m in before} == before
    await sandbox.settle()
    assert not [e for e in sandbox.api.chats[me] if e.from_bot]  # no button to write
    assert not [e for e in sandbox.api.chats[her] if e.from_bot]  # and she was told nothing


async def test_a_member_cannot_sign_up_for_another_unions_event_through_its_id(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, _in_pudong, in_xuhui = await union_with_members(sandbox, 2, 2)
    event_id = await publish(sandbox, organiser)
    async with web(sandbox) as client:
        headers = as_user(sandbox, in_xuhui[0])
        answer = await client.post(f"/app/member/events/{event_id}/sign-up", headers=headers)
        assert answer.status_code in (200, 404) and "你已报名" not in answer.text
    attendees = await sandbox.app.services.events.attending.mine(in_xuhui[0])
    assert all(e.id != event_id for e, _r in attendees)


async def test_a_huge_form_body_is_refused_before_it_is_read(sandbox: Sandbox) -> None:
    """A member (or anyone with valid initData) posts tens of megabytes as a nickname, a
    broadcast or a wish, chunked or with its size given: refused by its size (413, or 411
    for a body that will not say its size), nothing read or saved. The uploads' own larger
    bounds stay theirs."""
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    me = members[0]
    before = (await sandbox.app.services.onboarding.answers(member_id(me)))["nickname"]
    huge = "小" * 10_000_000

    async def chunks():  # noqa: ANN202
        yield b"value="
        for _ in range(40):
            yield b"a" * 1_000_000

    async with web(sandbox) as client:
        mine = as_user(sandbox, me)
        said_size = await client.post(
            "/app/member/profile/nickname", data={"value": huge}, headers=mine
        )
        assert said_size.status_code == 413
        chunked = await client.post(
            "/app/member/profile/nickname",
            content=chunks(),
            headers={**mine, "content-type": "application/x-www-form-urlencoded"},
        )
        assert chunked.status_code == 411
        many_parts = await client.post(
            "/app/console/broadcasts/send",
            files={f"f{n}": (None, "x" * 900_000) for n in range(5)},
            headers=as_user(sandbox, organiser.id),
        )
        assert many_parts.status_code == 413
        # An ordinary form and an ordinary photo still go through.
        fine = await client.post(
            "/app/console/broadcasts/check",
            data={"text": "周六见" * 300, "unit": str(pudong)},
            headers=as_user(sandbox, organiser.id),
        )
        assert fine.status_code == 200 and "将发给" in fine.text
        photo = await client.post(
            ADD, files={"photo": ("a.png", png(8, 6), "image/png")}, headers=mine
        )
        assert photo.status_code == 200 and "照片已添加。" in photo.text
    after = (await sandbox.app.services.onboarding.answers(member_id(me)))["nickname"]
    assert after == before
    assert await broadcasts(sandbox) == 0


async def test_remove_pressed_twice_on_a_photo_removes_that_photo_only(sandbox: Sandbox) -> None:
    """Remove pressed twice on her first photo (the page not yet redrawn), or a page left open
    while she changed her photos in the chat: the second press names a photo that is no longer
    there and removes nothing else."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    first, second, third = await give_photos(sandbox, member_id(me), 3)
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        page = await client.get("/app/member/profile", headers=headers)
        # Each photo's buttons name the photo they were drawn for (show first, remove).
        marks = list(dict.fromkeys(re.findall(r'name="photo" value="([^"]+)"', page.text)))
        assert len(marks) == 3 and not any(f in page.text for f in (first, second, third))
        remove_first = {"photo": marks[0]}
        one = await client.post(
            "/app/member/profile/photos/0/remove", data=remove_first, headers=headers
        )
        two = await client.post(
            "/app/member/profile/photos/0/remove", data=remove_first, headers=headers
        )
        assert one.status_code == 200 and "已保存" in one.text
        assert two.status_code == 200 and "已保存" not in two.text
        # "Show first" on the third photo from the old page: it is now the second.
        stale = await client.post(
            "/app/member/profile/photos/2/first", data={"photo": marks[2]}, headers=headers
        )
        assert stale.status_code == 404
    assert await photos_of(sandbox, member_id(me)) == [second, third]


async def test_two_organisers_deciding_one_photo_at_once_tell_her_once(sandbox: Sandbox) -> None:
    """浦东's organiser rejects while the city's approves, at the same moment: one decision
    stands, she is told once, and the audit has one decision."""
    organiser, city, _sibling, xiaoyu, review_id, _picture = await photo_waiting(sandbox)
    photo = f"/app/console/review/photos/{review_id}"
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            client.post(photo, data={"decision": "reject"}, headers=as_user(sandbox, organiser.id)),
            client.post(photo, data={"decision": "approve"}, headers=as_user(sandbox, city.id)),
            client.post(photo, data={"decision": "reject"}, headers=as_user(sandbox, organiser.id)),
        )
    assert all(a.status_code == 200 for a in answers)
    assert sum("这条申请已经有人审核过了" in a.text for a in answers) == 2, [
        a.text for a in answers
    ]
    await sandbox.settle()
    told = [
        e.text
        for e in sandbox.api.chats[xiaoyu.id]
        if e.from_bot and (e.text or "").startswith("你的一张照片")
    ]
    assert len(told) <= 1, told
    decisions = [a for _who, a in await looks(sandbox) if a != "view_photo"]
    assert len(decisions) == 1


async def test_approve_and_reject_of_one_verification_at_once_decide_it_once(
    sandbox: Sandbox,
) -> None:
    """浦东's organiser approves while the city's rejects the same doubtful verification at
    the same moment: one decision stands, the member is told one thing."""
    pudong, city, *_rest, li = await scene(sandbox)
    attempt = await waiting(sandbox)
    path = f"/app/console/review/{attempt}"
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            client.post(path, data={"decision": "approve"}, headers=as_user(sandbox, pudong.id)),
            client.post(
                path,
                data={"decision": "reject", "reason": "mismatch"},
                headers=as_user(sandbox, city.id),
            ),
        )
    assert all(a.status_code == 200 for a in answers)
    assert sum("这条申请已经有人审核过了" in a.text for a in answers) == 1
    await sandbox.settle()
    async with sandbox.app.services.db() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert len([a for a in actions if a.endswith("_verification")]) == 1
    said = [e.text or "" for e in sandbox.api.chats[li.id] if e.from_bot]
    assert len([t for t in said if "工会已确认你的会员身份" in t or "与工会名册不符" in t]) == 1


async def test_a_proposal_sent_twice_at_once_is_one_proposal(sandbox: Sandbox) -> None:
    """A matchmaker presses Propose twice, or proposes one man to two women at the same
    moment: one proposal, each member sent the other's card once."""
    _organiser, _sibling, _in_pudong, _ = await union_with_members(sandbox, 30)
    hongniang = sandbox.user("红娘李姐")
    await matchmaker_of_pudong(sandbox, hongniang.id)
    mine = as_user(sandbox, hongniang.id)
    async with web(sandbox) as client:
        page = await client.get("/app/console/proposals", headers=mine)
        (a, b), (_c, d) = pairs_on(page.text)[:2]
        note = "你们都爱徒步，不妨见一面。"
        answers = await asyncio.gather(
            client.post(
                "/app/console/proposals/propose", headers=mine, data={"a": a, "b": b, "note": note}
            ),
            client.post(
                "/app/console/proposals/propose", headers=mine, data={"a": a, "b": b, "note": note}
            ),
            client.post(
                "/app/console/proposals/propose", headers=mine, data={"a": a, "b": d, "note": note}
            ),
        )
    assert all(r.status_code == 200 for r in answers)
    async with sandbox.app.services.db() as session:
        made = (await session.execute(select(Proposal.member_a, Proposal.member_b))).all()
    assert len(made) == 1  # whichever came first
    await sandbox.settle()
    for member in (a, b, d):
        cards = [
            e
            for e in sandbox.api.chats[FIRST_TELEGRAM_ID + member]
            if e.from_bot and note in (e.text or "")
        ]
        assert len(cards) == (member in made[0]), member


async def test_sign_ups_at_the_same_moment_keep_the_places_and_the_badges(
    sandbox: Sandbox,
) -> None:
    """Five members press 报名 for the last two places at the same moment, one of them twice:
    two places taken, the rest on the waitlist, one registration each, no badge twice."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 5)
    event_id = await publish(sandbox, organiser, capacity=Capacity(total=2))
    path = f"/app/member/events/{event_id}/sign-up"
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(client.post(path, headers=as_user(sandbox, m)) for m in [*in_pudong, in_pudong[0]])
        )
    assert all(a.status_code == 200 for a in answers)
    async with sandbox.app.services.db() as session:
        rows = (
            await session.execute(
                select(Registration.member_id, Registration.status, Registration.badge).where(
                    Registration.event_id == event_id
                )
            )
        ).all()
    assert len(rows) == len({m for m, _s, _b in rows}) == 5
    assert sum(1 for _m, s, _b in rows if s == "registered") == 2
    assert len({b for _m, _s, b in rows}) == 5


async def test_markup_in_an_event_title_is_text_for_members_and_on_the_desk(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    event_id = await publish(sandbox, organiser, title=SCRIPT, venue=SCRIPT)
    async with web(sandbox) as client:
        member = as_user(sandbox, in_pudong[0])
        desk = as_user(sandbox, organiser.id)
        pages = [
            await client.get("/app/member/events", headers=member),
            await client.get(f"/app/member/events/{event_id}", headers=member),
            await client.get("/app/console/events", headers=desk),
            await client.get(f"/app/console/events/{event_id}", headers=desk),
            await client.get(f"/app/console/events/{event_id}/edit", headers=desk),
            await client.get("/app/console/broadcasts", headers=desk),
        ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, page.url
        assert "&lt;script&gt;" in page.text, page.url  # shown, as text


async def test_a_check_in_code_cannot_be_forged_moved_or_used_by_another_union(
    sandbox: Sandbox,
) -> None:
    """Her QR code altered into another member's, moved to another event, scanned by 徐汇's
    organiser or by a member: nobody is checked in, and nothing of her is said."""
    organiser, sibling, event_id, members = await signed_up(sandbox, 2)
    other_event = await publish(sandbox, organiser, title="另一场活动")
    [held] = [
        p
        for p in await sandbox.app.services.events.passes.mine(members[0])
        if p.event.id == event_id
    ]
    code = held.code
    prefix, event, member, mac = code.split("-")
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))  # the door is open
    scan = f"/app/console/events/{event_id}/scan"
    async with web(sandbox) as client:
        own = as_user(sandbox, organiser.id)
        forged = [
            f"{prefix}-{event}-{int(member) + 1}-{mac}",  # another member, same MAC
            f"{prefix}-{event}-{member}-{'A' * len(mac)}",
            code + "\x00",
            "HH1-" + event + "-" + member,
        ]
        for bad in forged:
            door = await client.post(scan, data={"code": bad}, headers=own)
            assert door.status_code == 200 and "已签到" not in door.text, bad
        moved = await client.post(
            f"/app/console/events/{other_event}/scan", data={"code": code}, headers=own
        )
        assert "已签到" not in moved.text
        for someone in (sibling.id, members[1]):
            door = await client.post(scan, data={"code": code}, headers=as_user(sandbox, someone))
            assert door.status_code == 403 and "#1" not in door.text
        async with sandbox.app.services.db() as session:
            came = await session.scalar(
                select(func.count())
                .select_from(Registration)
                .where(Registration.checked_in_at.is_not(None))
            )
        assert came == 0
        # Her own code, unaltered, at her event's door: checked in.
        door = await client.post(scan, data={"code": code}, headers=own)
        assert "已签到" in door.text, door.text


async def test_once_she_blocks_or_pauses_he_sees_neither_her_page_nor_her_photos(
    sandbox: Sandbox,
) -> None:
    """A stalker keeps the addresses of two women's pages and photos after they were shown
    to him: once one blocks him (she had seen his card too), and once the other pauses, they
    show nothing."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    async with web(sandbox) as client:
        shown = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
        her, other = shown[0], shown[1]
        await give_photos(sandbox, her, 1)
        await give_photos(sandbox, other, 1)
        for woman in (her, other):
            seen = await client.get(photo_url(woman, 0), headers=as_user(sandbox, me))
            assert seen.status_code == 200
        async with sandbox.app.services.db.begin() as session:
            session.add(
                CardView(viewer_id=her, candidate_id=member_id(me), shown_at=sandbox.clock.now())
            )
        blocked = await client.post(
            f"/app/member/people/{member_id(me)}/block",
            headers=as_user(sandbox, her + FIRST_TELEGRAM_ID),
        )
        assert blocked.status_code == 200
        await sandbox.app.services.member_data.set_paused(other + FIRST_TELEGRAM_ID, True)
        for woman in (her, other):
            for url in (f"/app/member/people/{woman}", photo_url(woman, 0)):
                answer = await client.get(url, headers=as_user(sandbox, me))
                assert answer.status_code == 404, url


async def test_forged_wishes_change_nothing(sandbox: Sandbox) -> None:
    """A member edits the wish forms by hand: an option the question does not have, a level
    it does not offer (whom one meets cannot be 'not important'), ages out of range, a
    question that is not editable here, NUL and markup: each refused, nothing stored."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    before = await sandbox.app.services.onboarding.answers(member_id(me))
    forged = [
        ("seek_gender", {"value": "robots", "importance": "must"}),
        ("seek_gender", {"value": "female", "importance": "not_important"}),
        ("seek_gender", {"value": "female", "importance": "urgent"}),
        ("seek_age", {"value": "5-300", "importance": "must"}),
        ("seek_age", {"value": "12-17", "importance": "must"}),
        ("photos", {"value": "AgACAgQAAx0"}),
        ("no_such_question", {"value": "1"}),
    ]
    async with web(sandbox) as client:
        for key, fields in forged:
            answer = await client.post(
                f"/app/member/profile/{key}", data=fields, headers=as_user(sandbox, me)
            )
            assert answer.status_code in (200, 404), key
            assert "<script>alert" not in answer.text
            if answer.status_code == 200:
                assert 'role="alert"' in answer.text, (key, fields)
    after = await sandbox.app.services.onboarding.answers(member_id(me))
    assert after == before
    # A district the list does not have is dropped, not stored (the list's own are kept).
    async with web(sandbox) as client:
        await client.post(
            "/app/member/profile/seek_districts",
            data={"value": ["浦东新区", SCRIPT], "importance": "prefer"},
            headers=as_user(sandbox, me),
        )
    stored = (await sandbox.app.services.onboarding.answers(member_id(me)))["seek_districts"]
    assert stored == ["浦东新区"]


async def test_publish_pressed_twice_is_one_event_announced_once(sandbox: Sandbox) -> None:
    """发布 pressed twice (or retried) with the same form, announcing now: one event, and
    each member is told of it once."""
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    fields = form_for(sandbox, pudong, age_min="", age_max="")
    async with web(sandbox) as client:
        answers = await asyncio.gather(
            *(
                client.post("/app/console/events/new", data=fields, headers=headers)
                for _ in range(2)
            )
        )
        again = await client.post("/app/console/events/new", data=fields, headers=headers)
    assert all(a.status_code == 200 for a in [*answers, again])
    assert len(await stored_events(sandbox)) == 1
    await sandbox.settle()
    title = fields["title"]
    assert [copies_of(sandbox, m, title) for m in in_pudong] == [1] * len(in_pudong)


def copies_of(sb: Sandbox, telegram_id: int, text: str) -> int:
    return sum(1 for e in sb.api.chats[telegram_id] if e.from_bot and text in (e.text or ""))


async def test_moving_someone_not_in_the_draft_or_to_a_made_up_group_changes_nothing(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, event_id, members = await signed_up(sandbox, 4)
    base = f"/app/console/events/{event_id}"
    sandbox.clock.advance(timedelta(days=3) - timedelta(hours=1))
    async with web(sandbox) as client:
        headers = as_user(sandbox, organiser.id)
        for badge in ("1", "2", "3"):
            await client.post(base + "/check-in", data={"badge": badge}, headers=headers)
        made = await client.post(base + "/groups", data={"size": "6"}, headers=headers)
        version = version_of(made.text)
        absent = str(member_id(members[3]))  # signed up, not checked in
        for fields in (
            {"version": version, "member": absent, "to": "1"},
            {"version": version, "member": "99999", "to": "2"},
            {"version": version, "member": str(member_id(members[0])), "to": "99"},
            {"version": version, "member": str(member_id(members[0])), "to": "-1"},
            {"version": version + "0", "member": str(member_id(members[0])), "to": "2"},
        ):
            moved = await client.post(base + "/groups/move", data=fields, headers=headers)
            assert moved.status_code == 200 and "分组已有变动" in moved.text, fields
        still = await client.get(base + "/groups", headers=headers)
    assert groups_of(still.text) == [[1, 2, 3]] and version_of(still.text) == version
    await sandbox.settle()
    assert not any(told(sandbox, m) for m in members)
