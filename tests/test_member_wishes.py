"""The member's Mini App, the rest of issue 25 §2: partner wishes edited with how much each
matters (a must, nice to have, not important) under the chat's checks, and browsing follows
them; an event's page shows the member's own check-in QR code, the one /my_qr sends; staff
who are members too keep their member's pages; and on the likes screen the number is the
number of cards (one list serves both)."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from sqlalchemy import insert

from bot.domain.match_profile import to_profile
from bot.domain.matching import compatible
from bot.domain.questions import ANY
from bot.domain.units import Role
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web.initdata import sign
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.matching import pool, profile_row, profile_rows
from storage.models import CardView, UnitRole
from tests.helpers import CITY, PUDONG, TITLE, publish, union_with_members, unit_id
from tests.test_member_app import CARDS, member_id, shown_ids, views
from tests.test_member_likes import set_likes_visible
from tests.test_miniapp import as_user, web

LIKES = "/app/member/likes"
QR = re.compile(r'<img class="qr" src="data:image/png;base64,([^"]+)" alt="([^"]+)"')


async def wish(sb: Sandbox, member: int, key: str) -> tuple:
    onboarding = sb.app.services.onboarding
    return (await onboarding.answers(member)).get(key), (await onboarding.wishes(member)).get(key)


async def test_partner_wishes_are_edited_with_how_much_they_matter(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    me = members[0]
    mine = member_id(me)
    headers = as_user(sandbox, me)

    async def save(key: str, *values: str, importance: str | None = None) -> str:
        data: dict = {"value": list(values) if len(values) != 1 else values[0]}
        if importance is not None:
            data["importance"] = importance
        answer = await client.post(f"/app/member/profile/{key}", data=data, headers=headers)
        assert answer.status_code == 200
        return answer.text

    # A wish skipped (stored as no answer): no level is chosen for the member.
    assert await sandbox.app.services.onboarding.answer(mine, "seek_height", None) is None
    async with web(sandbox) as client:
        page = await client.get("/app/member/profile", headers=headers)
        assert page.status_code == 200
        assert "这一条有多重要？" in page.text and 'name="importance" value="must"' in page.text
        height_form = page.text.split('hx-post="/app/member/profile/seek_height"')[1]
        height_form = height_form.split("</form>")[0]
        assert 'name="importance"' in height_form and "checked" not in height_form
        assert "在聊天中用 /edit 修改" not in page.text
        age = await save("seek_age", "28到35岁", importance="must")
        assert "已保存" in age and "28–35 岁 · 必须满足" in age
        assert await wish(sandbox, mine, "seek_age") == ([28, 35], True)
        height = await save("seek_height", "1米65到1米80", importance="prefer")
        assert await wish(sandbox, mine, "seek_height") == ([165, 180], False)
        assert "165–180 cm · 最好满足" in height
        marital = await save(
            "seek_marital", "never_married", "divorced", importance="not_important"
        )
        assert await wish(sandbox, mine, "seek_marital") == (["never_married", "divorced"], None)
        assert "不重要" in marital
        await save("accept_children", "none", importance="must")
        assert await wish(sandbox, mine, "accept_children") == ("none", True)
        # "不限" wherever a range is asked, and "any" among choices: no condition at all.
        anyone = await save("seek_height", "不限", importance="must")
        assert await wish(sandbox, mine, "seek_height") == (ANY, None)
        assert 'value="不限"' in anyone
        everywhere = await save("seek_districts", ANY, importance="must")
        assert "已保存" in everywhere
        assert await wish(sandbox, mine, "seek_districts") == ([ANY], None)
        # The chat's checks: a range it refuses, no level chosen, "not important" for whom
        # one meets (the chat does not offer it either), an option that does not exist.
        wrong = await save("seek_age", "5-200", importance="must")
        assert 'role="alert"' in wrong and "请写两个" in wrong
        unsaid = await save("seek_age", "30-40")
        assert 'role="alert"' in unsaid and "请选一下这一条对你有多重要" in unsaid
        gender = await save("seek_gender", "female", importance="not_important")
        assert 'role="alert"' in gender
        made_up = await save("seek_education", "phd_from_mars", importance="must")
        assert 'role="alert"' in made_up
        assert await wish(sandbox, mine, "seek_age") == ([28, 35], True)

        # In English too: the levels, and 不限 typed back as "any".
        english = {
            INIT_DATA_HEADER: sign(
                {"id": me, "first_name": "Rain", "language_code": "en"},
                SANDBOX_TOKEN,
                sandbox.clock.now(),
            )
        }
        await save("seek_height", "不限", importance="prefer")
        in_english = await client.get("/app/member/profile", headers=english)
        assert "How much does it matter?" in in_english.text and "28–35 years · A must" in (
            in_english.text
        )
        height_box = in_english.text.split('hx-post="/app/member/profile/seek_height"')[1]
        assert '<input type="text" name="value" value="any"' in height_box.split("</form>")[0]
        # Browsing follows the must: only people of those ages, whatever they wish.
        await save("seek_age", "30-33", importance="must")
        shown = shown_ids((await client.get(CARDS, headers=headers)).text)
    year = sandbox.clock.now().astimezone(sandbox.settings.tz).year
    async with sandbox.app.services.db() as session:
        rows = await profile_rows(session, shown)
    assert shown and all(30 <= year - row["birth_year"] <= 33 for row in rows.values())


async def sign_up(client, sb: Sandbox, telegram_id: int, event_id: int) -> str:
    page = await client.post(
        f"/app/member/events/{event_id}/sign-up", headers=as_user(sb, telegram_id)
    )
    assert page.status_code == 200
    return page.text


async def test_an_event_page_shows_my_check_in_qr_code_the_chat_sends(sandbox: Sandbox) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 5)
    event_id = await publish(sandbox, organiser)
    me, other = members[0], members[1]
    async with web(sandbox) as client:
        before = await client.get(f"/app/member/events/{event_id}", headers=as_user(sandbox, me))
        assert "我的签到二维码" not in before.text and not QR.search(before.text)
        signed = await sign_up(client, sandbox, me, event_id)
        assert "我的签到二维码" in signed
        picture, alt = QR.search(signed).groups()
        again = await client.get(f"/app/member/events/{event_id}", headers=as_user(sandbox, me))
        # Someone else, not signed up, sees no code; signed up, theirs is another code.
        theirs = await client.get(f"/app/member/events/{event_id}", headers=as_user(sandbox, other))
        assert not QR.search(theirs.text)
        their_page = await sign_up(client, sandbox, other, event_id)
        assert QR.search(their_page).group(1) != picture
        withdrawn = await client.post(
            f"/app/member/events/{event_id}/withdraw", headers=as_user(sandbox, me)
        )
    assert QR.search(again.text).group(1) == picture  # the same code every time
    assert f"“{TITLE}”的签到二维码，号码牌 #1" == alt
    assert not QR.search(withdrawn.text)  # no place, no code
    # The chat's /my_qr sends exactly this picture (a place was held then).
    await sign_up_again(sandbox, me, event_id)
    async with web(sandbox) as client:
        held = QR.search(
            (await client.get(f"/app/member/events/{event_id}", headers=as_user(sandbox, me))).text
        ).group(1)
    user = sandbox.user("小雨", user_id=me)
    await user.send("/my_qr")
    photo = user.bot_messages()[-1]
    assert photo.kind == "photo"
    assert sandbox.api.files[photo.file_id][1] == base64.b64decode(held)


async def test_signing_up_after_it_closed_is_refused_in_chinese(sandbox: Sandbox) -> None:
    """The page was left open past the sign-up's end: the refusal came in English."""
    organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    event_id = await publish(sandbox, organiser)
    sandbox.clock.advance(timedelta(days=4))  # the event has begun
    async with web(sandbox) as client:
        refused = await sign_up(client, sandbox, members[0], event_id)
    assert "这个活动现在不能报名。" in refused and "You cannot" not in refused
    assert "我的签到二维码" not in refused


async def sign_up_again(sb: Sandbox, telegram_id: int, event_id: int) -> None:
    done = await sb.app.services.events.attending.sign_up(telegram_id, event_id)
    assert done.status.value == "registered"


async def test_staff_who_are_members_keep_their_member_pages(sandbox: Sandbox) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    matchmaker, plain = members[0], members[1]
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            insert(UnitRole),
            [
                {
                    "telegram_id": matchmaker,
                    "unit_id": await unit_id(sandbox, PUDONG),
                    "role": Role.MATCHMAKER,
                },
            ],
        )
    async with web(sandbox) as client:
        desk = await client.get("/app/home", headers=as_user(sandbox, matchmaker))
        hers = await client.get("/app/home?view=member", headers=as_user(sandbox, matchmaker))
        cards = await client.get(CARDS, headers=as_user(sandbox, matchmaker))
        staff_only = await client.get(
            "/app/home?view=member", headers=as_user(sandbox, organiser.id)
        )
        member_only = await client.get("/app/home", headers=as_user(sandbox, plain))
    # The desk first, with a switch to her member's pages; there, the member's tabs.
    assert "/app/console/proposals" in desk.text and "/app/member/browse" not in desk.text
    assert 'hx-get="/app/home?view=member"' in desk.text and "我的会会" in desk.text
    assert "/app/member/browse" in hers.text and "/app/member/profile" in hers.text
    assert "/app/console/" not in hers.text and 'hx-get="/app/home"' in hers.text
    assert shown_ids(cards.text)  # she browses as any member does
    # An organiser who is no member has only the desk; a member has no switch.
    assert (
        "/app/member/browse" not in staff_only.text and "/app/console/overview" in staff_only.text
    )
    assert "?view=member" not in staff_only.text
    assert "/app/member/browse" in member_only.text and "?view=member" not in member_only.text


async def likers_in_two_districts(sb: Sandbox, me: int, n: int) -> tuple[list[int], str]:
    """``n`` members of the pool (which the database narrows) like ``me``; ``me`` then makes
    one district a must, so the engine would suggest only some of them."""
    year = sb.clock.now().astimezone(sb.settings.tz).year
    async with sb.app.services.db() as session:
        mine = await profile_row(session, member_id(me))
        found = await pool(
            session, mine, year, likers_only=False, limit=80, skips_forgotten_before=sb.clock.now()
        )
    me_profile = to_profile(member_id(me), mine, year)
    fitting = [r for r in found if compatible(me_profile, to_profile(r["member_id"], r, year))]
    districts = [r["district"] for r in fitting]
    district = max(set(districts), key=districts.count)  # the district most of them are in
    chosen = [r["member_id"] for r in fitting if r["district"] == district][: n // 2]
    chosen += [r["member_id"] for r in fitting if r["district"] != district][: n - len(chosen)]
    now = sb.clock.now()
    from storage.models import MatchDecision

    async with sb.app.services.db.begin() as session:
        for liker in chosen:
            session.add(CardView(viewer_id=liker, candidate_id=member_id(me), shown_at=now))
            session.add(
                MatchDecision(
                    viewer_id=liker, candidate_id=member_id(me), liked=True, created_at=now
                )
            )
    return chosen, district


async def test_the_number_of_likes_is_the_number_of_cards(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    me = members[0]
    likers, district = await likers_in_two_districts(sandbox, me, 8)
    # Only the district as a must: the others liked me but the engine would not suggest them.
    refused = await sandbox.app.services.onboarding.answer(
        member_id(me), "seek_districts", [district], True
    )
    assert refused is None
    year = sandbox.clock.now().astimezone(sandbox.settings.tz).year
    async with sandbox.app.services.db() as session:
        rows = await profile_rows(session, [member_id(me), *likers])
    me_profile = to_profile(member_id(me), rows[member_id(me)], year)
    suggested = {
        liker for liker in likers if compatible(me_profile, to_profile(liker, rows[liker], year))
    }
    assert 2 <= len(suggested) < len(likers)
    async with web(sandbox) as client:
        number = await client.get(LIKES, headers=as_user(sandbox, me))
        await set_likes_visible(sandbox, CITY, "cards")
        cards = await client.get(LIKES, headers=as_user(sandbox, me))
    said = f"有 {len(suggested)} 人喜欢了你"
    assert said in number.text and said in cards.text
    assert set(shown_ids(cards.text)) == suggested and "接下来几天" not in cards.text
    assert await sandbox.app.services.browsing.likes(me) == len(suggested)

    # The day's number of new people nearly used up: one card now, the rest said to follow.
    others = [m for m in range(2, 81) if m not in likers and m != member_id(me)]
    left = 1
    async with sandbox.app.services.db.begin() as session:
        await session.execute(
            insert(CardView),
            [
                {"viewer_id": member_id(me), "candidate_id": m, "shown_at": sandbox.clock.now()}
                for m in others[: sandbox.settings.daily_cards - left]
            ],
        )
    await set_likes_visible(sandbox, PUDONG, "cards")
    before = await views(sandbox, me)
    # Those already shown above come again; so start from a member who has seen none of them.
    async with sandbox.app.services.db.begin() as session:
        from sqlalchemy import delete

        await session.execute(
            delete(CardView).where(
                CardView.viewer_id == member_id(me), CardView.candidate_id.in_(suggested)
            )
        )
    async with web(sandbox) as client:
        later = await client.get(LIKES, headers=as_user(sandbox, me))
    shown = shown_ids(later.text)
    assert said in later.text and len(shown) == left
    assert f"还有 {len(suggested) - left} 人会在接下来几天陆续显示在这里" in later.text
    assert len(await views(sandbox, me)) == len(before) - len(suggested) + left
