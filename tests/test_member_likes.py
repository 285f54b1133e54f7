"""Who liked me in the member's Mini App, as the union configures (``likes_visible`` in the
units file, inherited from the nearest union above that sets it): only the number by default,
or the people as cards — and then each new one counts as a card shown, as when browsing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.domain.match_profile import to_profile
from bot.domain.matching import compatible
from bot.domain.units import UnitsFileError, parse_units, units_toml
from bot.tools.sandbox import Sandbox
from storage.models import CardView, MatchDecision, OrgUnit
from tests.helpers import CITY, PUDONG, XUHUI, union_with_members
from tests.test_member_app import CARDS, member_id, shown_ids, views
from tests.test_miniapp import as_user, web

LIKES = "/app/member/likes"


def test_the_units_file_says_how_members_see_who_liked_them() -> None:
    city, district = parse_units(
        "[[unit]]\nname='A'\nkind='city'\nlikes_visible='cards'\n"
        "[[unit]]\nname='B'\nkind='district'\nparent='A'\n"
    )
    assert city.likes_visible == "cards" and district.likes_visible is None
    assert parse_units(units_toml([city, district])) == [city, district]
    with pytest.raises(UnitsFileError, match='likes_visible must be "cards" or "count"'):
        parse_units("[[unit]]\nname='A'\nkind='city'\nlikes_visible='names'\n")


async def liked_by_some(sb: Sandbox, me: int, n: int) -> list[int]:
    """``n`` members who may be suggested to ``me`` like them (and were shown their card)."""
    from storage.matching import pool, profile_row

    year = sb.clock.now().astimezone(sb.settings.tz).year
    async with sb.app.services.db() as session:
        mine = await profile_row(session, member_id(me))
        assert mine is not None
        found = await pool(
            session,
            mine,
            year,
            likers_only=False,
            limit=50,
            skips_forgotten_before=sb.clock.now(),
        )
    # Those the engine would suggest: compatible both ways, as the ranking checks again.
    me_profile = to_profile(member_id(me), mine, year)
    fitting = [
        row["member_id"]
        for row in found
        if compatible(me_profile, to_profile(row["member_id"], row, year))
    ][:n]
    now = sb.clock.now()
    async with sb.app.services.db.begin() as session:
        for liker in fitting:
            session.add(CardView(viewer_id=liker, candidate_id=member_id(me), shown_at=now))
            session.add(
                MatchDecision(
                    viewer_id=liker, candidate_id=member_id(me), liked=True, created_at=now
                )
            )
    return fitting


async def set_likes_visible(sb: Sandbox, unit: str, value: str | None) -> None:
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(OrgUnit).where(OrgUnit.name == unit).values(likes_visible=value)
        )


async def test_by_default_a_member_sees_only_how_many_liked_them(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    likers = await liked_by_some(sandbox, me, 3)
    assert len(likers) == 3
    async with web(sandbox) as client:
        page = await client.get(LIKES, headers=as_user(sandbox, me))
        assert (await client.get(LIKES)).status_code == 401
    assert page.status_code == 200
    assert "有 3 人喜欢了你" in page.text
    assert not set(likers) & set(shown_ids(page.text))
    assert await views(sandbox, me) == set()  # nobody was shown


async def test_a_union_that_shows_cards_lists_the_people_who_liked_the_member(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, others = await union_with_members(sandbox, 40, 5)
    me = members[0]
    likers = await liked_by_some(sandbox, me, 3)
    assert len(likers) == 3
    await set_likes_visible(sandbox, CITY, "cards")  # set above 浦东: inherited
    async with web(sandbox) as client:
        page = await client.get(LIKES, headers=as_user(sandbox, me))
        assert page.status_code == 200 and "有 3 人喜欢了你" in page.text
        assert set(shown_ids(page.text)) == set(likers)
        # Each is now a card shown, counted as in browsing, and opens as a person.
        assert await views(sandbox, me) == set(likers)
        person = await client.get(f"/app/member/people/{likers[0]}", headers=as_user(sandbox, me))
        assert person.status_code == 200
        # The second visit shows them again without counting them twice.
        again = await client.get(LIKES, headers=as_user(sandbox, me))
        assert set(shown_ids(again.text)) == set(likers)
    async with sandbox.app.services.db() as session:
        counted = (
            await session.scalars(
                select(CardView.candidate_id).where(CardView.viewer_id == member_id(me))
            )
        ).all()
    assert sorted(counted) == sorted(likers)
    # 浦东 says "count" itself: its own choice wins over the city's.
    await set_likes_visible(sandbox, PUDONG, "count")
    async with web(sandbox) as client:
        page = await client.get(LIKES, headers=as_user(sandbox, me))
    assert "有 3 人喜欢了你" in page.text and not set(shown_ids(page.text)) & set(likers)
    # A member of 徐汇 (no likes) sees no one either way.
    await set_likes_visible(sandbox, XUHUI, "cards")
    async with web(sandbox) as client:
        theirs = await client.get(LIKES, headers=as_user(sandbox, others[0]))
    assert theirs.status_code == 200 and not set(shown_ids(theirs.text)) & set(likers)


@pytest.mark.parametrize("visible", ["count", "cards"])
async def test_a_card_says_who_liked_her_only_where_the_union_shows_who_liked(
    sandbox: Sandbox, visible: str
) -> None:
    """Where the union shows only how many liked a member (the default), a card in /match or the
    Mini App does not say that this person liked her: the likes screen's number would otherwise
    be names one card at a time. The liker still comes soon."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    [liker] = await liked_by_some(sandbox, me, 1)
    await set_likes_visible(sandbox, CITY, None if visible == "count" else "cards")
    her = sandbox.user("会员", user_id=me)
    await her.send("/match")
    if visible == "cards":
        assert await views(sandbox, me) == {liker}  # who liked her comes first
    async with web(sandbox) as client:
        page = await client.get(CARDS, headers=as_user(sandbox, me))
    assert page.status_code == 200 and liker in shown_ids(page.text)
    told_in_chat = "TA 喜欢了你" in her.last_text()
    told_in_app = "TA 喜欢了你" in page.text
    assert told_in_chat == told_in_app == (visible == "cards")


@pytest.mark.parametrize("visible", ["count", "cards"])
async def test_where_only_the_number_is_shown_the_order_does_not_name_who_liked(
    sandbox: Sandbox, visible: str
) -> None:
    """ "有 2 人喜欢了你", and then exactly the first two cards were the two: the order named
    them. Where the union shows only the number, likers come among her first cards, not as a
    block at the top; where it shows them, they come first."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 120)
    await set_likes_visible(sandbox, CITY, None if visible == "count" else "cards")
    named, on_first_page = [], []
    async with web(sandbox) as client:
        for me in members[:40]:
            likers = await liked_by_some(sandbox, me, 2)
            if len(likers) < 2:  # nobody she may be suggested (she seeks what few are)
                continue
            likes = await client.get(LIKES, headers=as_user(sandbox, me))
            assert "有 2 人喜欢了你" in likes.text and "最前面" not in likes.text
            page = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
            named.append(set(page[:2]) == set(likers))
            on_first_page.append(set(likers) <= set(page))
            if len(named) == 10:
                break
    assert len(named) == 10
    if visible == "cards":
        assert all(named)
    else:
        assert named.count(True) <= 5, named  # the first two cards are not a list of them
        assert on_first_page.count(True) >= 8, on_first_page  # yet they come early


@pytest.mark.parametrize("visible", ["count", "cards"])
async def test_a_skip_does_not_move_the_number_until_the_next_day(
    sandbox: Sandbox, visible: str
) -> None:
    """ "有 2 人" — she skips a card — "有 1 人": that card was a liker, and undo put the number
    back to try the next (a red team). Where only the number is shown it is held for the
    day; where the likers' cards are shown, nothing is hidden and it moves at once."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    await set_likes_visible(sandbox, CITY, None if visible == "count" else "cards")
    me = members[0]
    likers = await liked_by_some(sandbox, me, 2)
    assert len(likers) == 2
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        assert "有 2 人喜欢了你" in (await client.get(LIKES, headers=headers)).text
        await client.get(CARDS, headers=headers)  # shown, as a card she then skips
        await client.post(
            f"/app/member/people/{likers[0]}/decide", data={"liked": "0"}, headers=headers
        )
        after_skip = (await client.get(LIKES, headers=headers)).text
        await client.post("/app/member/undo", headers=headers)
        after_undo = (await client.get(LIKES, headers=headers)).text
        await client.post(
            f"/app/member/people/{likers[0]}/decide", data={"liked": "0"}, headers=headers
        )
        sandbox.clock.advance(timedelta(days=1))
        next_day = (await client.get(LIKES, headers=as_user(sandbox, me))).text
    assert "有 2 人喜欢了你" in after_undo
    if visible == "count":
        assert "有 2 人喜欢了你" in after_skip and "每天更新一次" in after_skip
    else:
        assert "有 1 人喜欢了你" in after_skip
    assert "有 1 人喜欢了你" in next_day
