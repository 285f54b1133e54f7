"""The member's Mini App over HTTP: browsing with filters shows the people the engine would
suggest and counts each new one as a card shown (the daily number holds however the member
filters), a person's card with like, skip, undo, report and block as in the chat, likes and
matches, events, and the member's own profile and settings. Every page needs valid initData;
another member's id in an address shows nothing of theirs."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import Block, CardView, Match, MatchDecision, Registration, Report
from tests.helpers import TITLE, publish, union_with_members
from tests.test_miniapp import as_user, web

CARDS = "/app/member/browse/cards"
OPENED = re.compile(r"/app/member/people/(\d+)")


def member_id(telegram_id: int) -> int:
    return telegram_id - FIRST_TELEGRAM_ID


def shown_ids(html: str) -> list[int]:
    return list(dict.fromkeys(int(found) for found in OPENED.findall(html)))


async def views(sb: Sandbox, viewer: int) -> set[int]:
    async with sb.app.services.db() as session:
        rows = await session.scalars(
            select(CardView.candidate_id).where(CardView.viewer_id == member_id(viewer))
        )
        return set(rows)


async def count(sb: Sandbox, model: type) -> int:
    async with sb.app.services.db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_browsing_shows_suggested_people_best_first_and_counts_each_new_one(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    me = members[0]
    async with web(sandbox) as client:
        home = await client.get("/app/home", headers=as_user(sandbox, me))
        page = await client.get("/app/member/browse", headers=as_user(sandbox, me))
        first = await client.get(CARDS, headers=as_user(sandbox, me))
    assert "/app/member/browse" in home.text and "/app/console/" not in home.text
    assert page.status_code == 200 and "筛选" in page.text and "浦东新区" in page.text
    shown = shown_ids(first.text)
    assert 1 <= len(shown) <= 8
    assert await views(sandbox, me) == set(shown)
    assert "今天还可以看 " in first.text
    # Only people the engine may suggest: never the member, never someone of the gender
    # they do not seek.
    async with sandbox.app.services.db() as session:
        from storage.matching import profile_rows

        rows = await profile_rows(session, [member_id(me), *shown])
    mine = rows.pop(member_id(me))
    assert member_id(me) not in shown
    for row in rows.values():
        assert mine["seeks"] in ("any", row["gender"])
        assert row["seeks"] in ("any", mine["gender"])


async def test_the_daily_number_holds_however_the_member_filters(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    me = members[0]
    daily = sandbox.settings.daily_cards
    filter_sets = [
        "",
        "age_min=25&age_max=35",
        "districts=浦东新区&districts=徐汇区",
        "hobbies=hiking&hobbies=reading&hobbies=movies",
        "education_min=bachelor",
        "height_min=150&height_max=190",
        "marital=never_married",
        "new_this_week=1&active_this_month=1",
    ]
    async with web(sandbox) as client:
        for query in filter_sets * 3:
            for more in ("", "&more=1", "&more=1"):
                answer = await client.get(f"{CARDS}?{query}{more}", headers=as_user(sandbox, me))
                assert answer.status_code == 200
        seen = await views(sandbox, me)
        assert 0 < len(seen) <= daily
        last = await client.get(CARDS + "?more=1", headers=as_user(sandbox, me))
    assert len(seen) == daily  # enough people: the whole allowance was used, no more
    assert shown_ids(last.text) == [] and "今天的推荐就到这里" in last.text
    # The next day brings a new allowance.
    sandbox.clock.advance(timedelta(days=1))
    async with web(sandbox) as client:
        await client.get(CARDS + "?more=1", headers=as_user(sandbox, me))
    assert len(await views(sandbox, me)) > daily


async def test_coming_back_to_the_list_spends_none_of_the_day_and_loses_nobody(
    sandbox: Sandbox,
) -> None:
    """She opens a person and goes back to the list, reloads, reopens the app: the people she
    saw and has not answered are all still there and no new ones were spent; only "show
    more" spends, and the chat still has the rest of her day."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    me = members[0]
    async with web(sandbox) as client:
        opened = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
        assert len(opened) == 8
        for _ in range(5):  # back from a person's page, a reload, the app opened again…
            again = await client.get(CARDS, headers=as_user(sandbox, me))
            assert shown_ids(again.text) == opened
            assert "今天还可以看 12 位新朋友" in again.text
        assert len(await views(sandbox, me)) == 8
        sandbox.clock.advance(timedelta(minutes=5))
        more = shown_ids((await client.get(CARDS + "?more=1", headers=as_user(sandbox, me))).text)
        assert len(more) == 8 and not set(more) & set(opened)
        back = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
    # All sixteen she has not answered come back, the latest first, each page in the order
    # she saw it; 4 new people are left for today.
    assert back == [*more, *opened]
    assert len(await views(sandbox, me)) == 16
    chat = sandbox.user("会员", user_id=me)
    await chat.send("/match")
    assert "今天的推荐就到这里" not in chat.last_text()


async def answers_of(sb: Sandbox, member: int) -> dict:
    return await sb.app.services.onboarding.answers(member)


async def test_filters_narrow_the_people_shown(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 150)
    year = sandbox.clock.now().astimezone(sandbox.settings.tz).year
    checks = {
        "age_min=30&age_max=26": lambda a: 26 <= year - a["birth_year"] <= 30,  # either order
        "hobbies=reading&hobbies=hiking": lambda a: {"reading", "hiking"} & set(a["hobbies"]),
        "height_min=170": lambda a: a["height"] >= 170,
        "districts=浦东新区": lambda a: a["district"] == "浦东新区",
        "marital=divorced": lambda a: a["marital_status"] == "divorced",
    }
    for n, (query, holds) in enumerate(checks.items(), start=1):
        viewer = members[n]  # a fresh member each: nobody seen before
        async with web(sandbox) as client:
            answer = await client.get(f"{CARDS}?{query}", headers=as_user(sandbox, viewer))
        shown = shown_ids(answer.text)
        assert shown or "暂时没有符合这些条件的人" in answer.text, query
        for someone in shown:
            assert holds(await answers_of(sandbox, someone)), (query, someone)
    # Nonsense in the filters filters by nothing rather than failing.
    async with web(sandbox) as client:
        odd = await client.get(
            f"{CARDS}?age_min=abc&height_max=9999&districts=火星&hobbies=<b>&education_min=x",
            headers=as_user(sandbox, members[-1]),
        )
    assert odd.status_code == 200 and shown_ids(odd.text)


async def test_every_member_page_needs_valid_init_data(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 4)
    me = members[0]
    expired = as_user(sandbox, me, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, me)[INIT_DATA_HEADER].replace("hash=", "hash=0")}
    gets = [
        "/app/member/browse",
        CARDS,
        "/app/member/people/2",
        "/app/member/likes",
        "/app/member/events",
        "/app/member/events/1",
        "/app/member/profile",
        "/app/member/export",
    ]
    posts = [
        "/app/member/people/2/decide",
        "/app/member/people/2/block",
        "/app/member/people/2/report",
        "/app/member/undo",
        "/app/member/events/1/sign-up",
        "/app/member/events/1/withdraw",
        "/app/member/profile/nickname",
        "/app/member/settings/announcements",
    ]
    async with web(sandbox) as client:
        for headers, said in (
            (expired, "页面已过期"),
            (forged, "请从 Telegram 中打开"),
            ({}, "请从 Telegram 中打开"),
        ):
            for path in gets:
                answer = await client.get(path, headers=headers)
                assert answer.status_code == 401 and said in answer.text, path
            for path in posts:
                answer = await client.post(path, data={"liked": "1", "value": "x"}, headers=headers)
                assert answer.status_code == 401, path
    assert await views(sandbox, me) == set()
    for model in (MatchDecision, Block, Report, Registration):
        assert await count(sandbox, model) == 0


async def test_another_members_card_is_not_reachable_by_changing_the_id(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    me = members[0]
    async with web(sandbox) as client:
        first = await client.get(CARDS, headers=as_user(sandbox, me))
        seen = shown_ids(first.text)
        stranger = next(member_id(m) for m in members[1:] if member_id(m) not in seen)
        headers = as_user(sandbox, me)
        for someone in (stranger, member_id(me), 999_999):
            page = await client.get(f"/app/member/people/{someone}", headers=headers)
            assert page.status_code == 404, someone
            for act, data in (("decide", {"liked": "1"}), ("block", {}), ("report", {})):
                done = await client.post(
                    f"/app/member/people/{someone}/{act}", data=data, headers=headers
                )
                assert done.status_code == 404, (someone, act)
        nickname = (await answers_of(sandbox, stranger))["nickname"]
        assert nickname not in page.text
        opened = await client.get(f"/app/member/people/{seen[0]}", headers=headers)
    assert opened.status_code == 200 and "❤️" in opened.text
    for model in (MatchDecision, Block, Report):
        assert await count(sandbox, model) == 0


async def like(client, sb: Sandbox, viewer: int, candidate: int):  # noqa: ANN001, ANN201
    return await client.post(
        f"/app/member/people/{candidate}/decide", data={"liked": "1"}, headers=as_user(sb, viewer)
    )


async def test_like_until_a_match_and_the_match_is_listed(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    me = members[0]
    async with web(sandbox) as client:
        first = await client.get(CARDS, headers=as_user(sandbox, me))
        other = shown_ids(first.text)[0]
        them = FIRST_TELEGRAM_ID + other
        # They were shown my card (in the chat) and like me: I have one like waiting.
        async with sandbox.app.services.db.begin() as session:
            session.add(
                CardView(viewer_id=other, candidate_id=member_id(me), shown_at=sandbox.clock.now())
            )
        liked = await like(client, sandbox, them, member_id(me))
        assert "已发送喜欢" in liked.text
        likes = await client.get("/app/member/likes", headers=as_user(sandbox, me))
        assert "有 1 人喜欢了你" in likes.text
        matched = await like(client, sandbox, me, other)
        again = await like(client, sandbox, me, other)
        mine = await client.get("/app/member/likes", headers=as_user(sandbox, me))
        theirs = await client.get("/app/member/likes", headers=as_user(sandbox, them))
    assert "你们互相喜欢" in matched.text
    assert "你们互相喜欢" in again.text  # a second press makes nothing more
    assert await count(sandbox, Match) == 1
    nickname = (await answers_of(sandbox, other))["nickname"]
    assert nickname in mine.text and "去聊天里留言" in mine.text
    assert (await answers_of(sandbox, member_id(me)))["nickname"] in theirs.text
    await sandbox.settle()  # the match is announced in the chat, as for /match
    assert any("互相" in e.text for e in sandbox.api.chats[me] if e.from_bot and e.text)
    # Writing to the match: the chat gets the button that opens the relayed conversation.
    match_id = int(re.search(r"/app/member/matches/(\d+)/write", mine.text).group(1))
    async with web(sandbox) as client:
        stranger = await client.post(
            f"/app/member/matches/{match_id}/write", headers=as_user(sandbox, members[5])
        )
        wrote = await client.post(
            f"/app/member/matches/{match_id}/write", headers=as_user(sandbox, me)
        )
    assert stranger.status_code == 404
    assert "留言按钮已发到聊天中" in wrote.text
    await sandbox.settle()
    member = sandbox.user("我", user_id=me)
    assert member.last_text() == f"点下面的按钮给 {nickname} 留言。"
    await member.press(f"✉️ 给{nickname}留言")
    assert nickname in member.last_text()


async def test_a_skip_is_taken_back_within_a_day_only(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    me = members[0]
    async with web(sandbox) as client:
        first = await client.get(CARDS, headers=as_user(sandbox, me))
        one, two = shown_ids(first.text)[:2]
        skipped = await client.post(
            f"/app/member/people/{one}/decide", data={"liked": "0"}, headers=as_user(sandbox, me)
        )
        assert "已跳过" in skipped.text and "撤回上一次跳过" in skipped.text
        assert "你已跳过这位" not in skipped.text  # said once, not twice
        again = await client.post(
            f"/app/member/people/{one}/decide", data={"liked": "1"}, headers=as_user(sandbox, me)
        )
        # Pressed in a second window: what she chose before is said, not only that she chose.
        assert "你已经对这张卡片做过选择了" in again.text and "你已跳过这位" in again.text
        back = await client.post("/app/member/undo", headers=as_user(sandbox, me))
        assert "已撤回跳过" in back.text and "❤️" in back.text
        again = await client.get(CARDS, headers=as_user(sandbox, me))
        assert one in shown_ids(again.text)  # among my people again
        await client.post(
            f"/app/member/people/{two}/decide", data={"liked": "0"}, headers=as_user(sandbox, me)
        )
        sandbox.clock.advance(timedelta(days=1, minutes=1))
        late = await client.post("/app/member/undo", headers=as_user(sandbox, me))
    assert "没有可以撤回的跳过" in late.text


async def test_report_and_block_part_the_two_for_good(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    me = members[0]
    async with web(sandbox) as client:
        first = await client.get(CARDS, headers=as_user(sandbox, me))
        reported, blocked = shown_ids(first.text)[:2]
        headers = as_user(sandbox, me)
        report = await client.post(
            f"/app/member/people/{reported}/report", data={"reason": "fake"}, headers=headers
        )
        block = await client.post(f"/app/member/people/{blocked}/block", headers=headers)
        gone = [
            (await client.get(f"/app/member/people/{someone}", headers=headers)).status_code
            for someone in (reported, blocked)
        ]
        later = await client.get(CARDS, headers=headers)
    assert "工会管理员会核实处理" in report.text and "不会再看到对方" in block.text
    assert gone == [404, 404]
    assert reported not in shown_ids(later.text) and blocked not in shown_ids(later.text)
    assert await count(sandbox, Report) == 1 and await count(sandbox, Block) == 2


async def test_events_sign_up_waitlist_and_withdraw(sandbox: Sandbox) -> None:
    from bot.domain.events import Capacity

    organiser, _sibling, members, _ = await union_with_members(sandbox, 4)
    event_id = await publish(sandbox, organiser, capacity=Capacity(1))
    base = f"/app/member/events/{event_id}"
    async with web(sandbox) as client:
        listing = await client.get("/app/member/events", headers=as_user(sandbox, members[0]))
        detail = await client.get(base, headers=as_user(sandbox, members[0]))
        first = await client.post(base + "/sign-up", headers=as_user(sandbox, members[0]))
        second = await client.post(base + "/sign-up", headers=as_user(sandbox, members[1]))
        third = await client.post(base + "/sign-up", headers=as_user(sandbox, members[2]))
        mine = await client.get("/app/member/events", headers=as_user(sandbox, members[1]))
        hers = await client.get("/app/member/events", headers=as_user(sandbox, members[0]))
        withdrawn = await client.post(base + "/withdraw", headers=as_user(sandbox, members[0]))
        moved_up = await client.get(base, headers=as_user(sandbox, members[1]))
        unknown = await client.get("/app/member/events/999", headers=as_user(sandbox, members[0]))
        odd = await client.post(base + "/cancel-everything", headers=as_user(sandbox, members[2]))
    assert TITLE in listing.text and "剩余 1 个名额" in listing.text
    assert "滨江步道十公里" in detail.text and "报名" in detail.text
    assert "报名成功" in first.text and "你已报名" in first.text
    assert "候补第 1 位" in second.text and "候补第 2 位" in third.text
    assert "我的活动" in mine.text and "候补中" in mine.text
    assert "已报名 · 号码牌 #1" in hers.text  # as the chat and the QR code say it
    assert "已取消报名" in withdrawn.text
    assert "你已报名" in moved_up.text  # the first on the waitlist moved up
    assert unknown.status_code == 404 and odd.status_code == 404


async def test_my_profile_edits_with_the_chats_checks_and_the_card_changes(
    sandbox: Sandbox,
) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        before = await client.get("/app/member/profile", headers=headers)
        tall = await client.post(
            "/app/member/profile/height", data={"value": "1米83"}, headers=headers
        )
        nonsense = await client.post(
            "/app/member/profile/height", data={"value": "很高"}, headers=headers
        )
        phone = await client.post(
            "/app/member/profile/introduction",
            data={"value": "加我微信 13812345678"},
            headers=headers,
        )
        named = await client.post(
            "/app/member/profile/nickname", data={"value": "小鹿"}, headers=headers
        )
        widowed = await client.post(
            "/app/member/profile/marital_status", data={"value": "widowed"}, headers=headers
        )
        children = await client.post(
            "/app/member/profile/has_children", data={"value": "has"}, headers=headers
        )
        never = await client.post(
            "/app/member/profile/marital_status", data={"value": "never_married"}, headers=headers
        )
        not_for_me = await client.post(
            "/app/member/profile/has_children", data={"value": "has"}, headers=headers
        )
        forged_option = await client.post(
            "/app/member/profile/marital_status", data={"value": "married"}, headers=headers
        )
        must_have = await client.post(
            "/app/member/profile/seek_age", data={"value": "20-60"}, headers=headers
        )
        hobbies = await client.post(
            "/app/member/profile/hobbies",
            data={"value": ["hiking", "reading"], "typed": "撸猫、追剧"},
            headers=headers,
        )
        kept = await client.post(  # the own words come back in the box and stay
            "/app/member/profile/hobbies",
            data={"value": ["hiking"], "typed": "撸猫、追剧"},
            headers=headers,
        )
        unknown = await client.post(
            "/app/member/profile/salary", data={"value": "1"}, headers=headers
        )
        exported = await client.get("/app/member/export", headers=headers)
    assert "我的资料卡" in before.text
    assert "已保存" in tall.text and "183 cm" in tall.text
    assert (
        "请写身高" in nonsense.text
        and "183 cm" in nonsense.text
        and 'role="alert"' in nonsense.text
    )
    assert "13812345678" not in (await answers_of(sandbox, member_id(me))).get("introduction", "")
    assert 'role="alert"' in phone.text
    assert "小鹿 ·" in named.text and "丧偶" in widowed.text
    assert "请接着回答：有无子女" in widowed.text  # as /edit asks it next
    assert "已保存" in children.text and "已保存" in never.text
    # Asked of the widowed, 有无子女 is on their page; never married, it is not there at all
    # (not an empty "未填写" row to fill in).
    assert "有无子女" in children.text and "有无子女" not in never.text
    assert "这一题只问离异或丧偶的会员" in not_for_me.text
    assert (await answers_of(sandbox, member_id(me))).get("has_children") is None
    assert 'role="alert"' in forged_option.text
    assert (await answers_of(sandbox, member_id(me)))["marital_status"] == "never_married"
    # A wish about the other person is saved with how much it matters, as the chat asks it.
    assert must_have.status_code == 200 and 'role="alert"' in must_have.text
    assert (await answers_of(sandbox, member_id(me))).get("seek_age") != [20, 60]
    assert unknown.status_code == 404
    assert "已保存" in hobbies.text and 'value="追剧"' in kept.text
    saved = (await answers_of(sandbox, member_id(me)))["hobbies"]
    assert "hiking" in saved and "reading" not in saved and "追剧" in saved and "pets" in saved
    assert exported.status_code == 200 and "小鹿" in exported.text


async def test_settings_show_and_change(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me = members[0]
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        off = await client.post(
            "/app/member/settings/announcements", data={"on": "0"}, headers=headers
        )
        paused = await client.post("/app/member/settings/pause", data={"on": "1"}, headers=headers)
        cards = await client.get(CARDS, headers=headers)
        resumed = await client.post("/app/member/settings/pause", data={"on": "0"}, headers=headers)
        odd = await client.post("/app/member/settings/admin", data={"on": "1"}, headers=headers)
    assert "接收工会通知： <b>已关闭</b>" in off.text
    # As the other settings read: the state in bold.
    assert "推荐： <b>已暂停</b>" in paused.text and "已暂停" in cards.text
    assert "推荐： <b>已开启</b>" in resumed.text and odd.status_code == 404


async def test_someone_shown_nobody_is_told_why_and_where_to_go_on_every_tab(
    sandbox: Sandbox,
) -> None:
    """A paused member's 喜欢 tab told her to finish her profile; her 推荐 tab offered filters
    that do nothing; someone not signed up got "这里没有内容" for 我的资料 (a member's walk)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 3)
    me, stranger = members[0], 555_001
    headers = as_user(sandbox, me)
    async with web(sandbox) as client:
        await client.post("/app/member/settings/pause", data={"on": "1"}, headers=headers)
        likes = await client.get("/app/member/likes", headers=headers)
        browse = await client.get("/app/member/browse", headers=headers)
        theirs = as_user(sandbox, stranger)
        profile = await client.get("/app/member/profile", headers=theirs)
        their_likes = await client.get("/app/member/likes", headers=theirs)
        their_browse = await client.get("/app/member/browse", headers=theirs)
    paused = (
        "你已暂停推荐，现在不会给你推荐任何人。要恢复，请打开“我的资料”，在“设置”里点“恢复推荐”。"
    )
    assert paused in likes.text and "资料填写完整" not in likes.text
    assert paused in browse.text and "筛选" not in browse.text and "撤回" not in browse.text
    assert profile.status_code == 200 and "这里没有内容" not in profile.text
    assert "你还没有注册：请回到会会的聊天，发送 /start 开始。" in profile.text
    for page in (their_likes, their_browse):
        assert "资料填写完整后才能开始推荐：请回到会会的聊天，发送 /start 继续填写。" in page.text
        assert "筛选" not in page.text


async def test_a_person_leads_back_where_she_came_from_and_echoes_nothing(
    sandbox: Sandbox,
) -> None:
    """Back from a person: to the cards filtered as they were, or to 喜欢 when opened there.
    What "back" carries is the filters read again, never the address echoed."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    headers = as_user(sandbox, members[0])
    async with web(sandbox) as client:
        cards = await client.get(CARDS + "?age_min=20&age_max=60", headers=headers)
        opened = re.search(r'hx-get="/app/member/people/(\d+)\?([^"]*)"', cards.text)
        assert opened is not None and opened.group(2) == "age_min=20&amp;age_max=60"
        person = f"/app/member/people/{opened.group(1)}"
        from_cards = await client.get(person + "?age_min=20&age_max=60", headers=headers)
        from_likes = await client.get(person + "?from=likes", headers=headers)
        forged = await client.get(
            person + '?age_min=20&districts="><script>alert(1)</script>', headers=headers
        )
    assert 'hx-get="/app/member/browse?age_min=20&amp;age_max=60"' in from_cards.text
    assert "返回推荐列表" in from_cards.text
    assert 'hx-get="/app/member/likes?from=likes"' in from_likes.text
    assert "返回喜欢" in from_likes.text
    assert "<script>" not in forged.text and 'hx-get="/app/member/browse?age_min=20"' in (
        forged.text
    )


async def test_a_like_is_said_once(sandbox: Sandbox) -> None:
    """The note and the hint under the buttons said the same words one above the other."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    headers = as_user(sandbox, members[0])
    async with web(sandbox) as client:
        shown = shown_ids((await client.get(CARDS, headers=headers)).text)
        liked = await client.post(
            f"/app/member/people/{shown[0]}/decide", data={"liked": "1"}, headers=headers
        )
        again = await client.get(f"/app/member/people/{shown[0]}", headers=headers)
    sent = "已发送喜欢。如果 TA 也喜欢你，我会告诉你们俩。"
    assert liked.text.count(sent) == 1 and again.text.count(sent) == 1


async def test_the_day_used_up_offers_no_more_cards() -> None:
    """The last of the day's new people shown, "再看几位" was still offered, and pressed, said
    that was all for today (a member's walk)."""
    async with Sandbox(daily_cards=3) as sb:
        _organiser, _sibling, members, _ = await union_with_members(sb, 40)
        async with web(sb) as client:
            page = await client.get(CARDS, headers=as_user(sb, members[0]))
    assert len(shown_ids(page.text)) == 3
    assert "再看几位" not in page.text and "今天的推荐就到这里" in page.text


async def test_app_opens_the_members_window_from_the_chat() -> None:
    async with Sandbox(public_url="https://huihui.example.org") as sb:
        _organiser, _sibling, members, _ = await union_with_members(sb, 2)
        member = sb.user("小雨", user_id=members[0])
        await member.send("/app")
        reply = sb.api.chats[member.id][-1]
        assert reply.text.startswith("在窗口中按条件浏览推荐的人")
        [[button]] = reply.inline_keyboard
        assert button["text"] == "打开会会"
        assert button["web_app"]["url"] == "https://huihui.example.org/app/"
        assert sb.api.menu_buttons[member.id]["web_app"]["url"].startswith("https://")


async def test_app_without_a_public_address_points_to_the_chat(sandbox: Sandbox) -> None:
    member = sandbox.user("小雨")
    await member.send("/app")
    assert "/match、/events、/profile" in member.last_text()
    assert member.id not in sandbox.api.menu_buttons


def test_the_browse_benchmark_runs_and_shows_cards() -> None:
    from tests.test_benchmarks import benchmark

    report = benchmark(
        "browse.py", "--profiles", "200", "--seed", "80", "--viewers", "2", "--pages", "1"
    )
    assert report["requests"] == 2 * 12 and report["cards_shown"] > 0
    assert report["p95_ms"] > 0 and report["match_next_card_p95_ms"] > 0
    # Every filter combination is timed, and the event loop's longest step is reported.
    assert len(report["p95_ms_by_filter"]) == 12 and report["longest_step_ms"] > 0


async def test_the_children_filter_shows_only_those_with_that_answer(sandbox: Sandbox) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 60)
    onboarding = sandbox.app.services.onboarding
    for n, telegram_id in enumerate(members[1:]):
        await onboarding.answer(member_id(telegram_id), "marital_status", "divorced")
        await onboarding.answer(member_id(telegram_id), "has_children", ("has", "none")[n % 2])
    async with web(sandbox) as client:
        page = await client.get("/app/member/browse", headers=as_user(sandbox, members[0]))
        answer = await client.get(f"{CARDS}?children=has", headers=as_user(sandbox, members[0]))
    assert "有无子女" in page.text
    shown = shown_ids(answer.text)
    assert shown
    for someone in shown:
        assert (await answers_of(sandbox, someone))["has_children"] == "has"


async def test_an_english_speaking_member_reads_the_pages_in_english(sandbox: Sandbox) -> None:
    from bot.tools.sandbox import SANDBOX_TOKEN
    from bot.web.initdata import sign

    _organiser, _sibling, members, _ = await union_with_members(sandbox, 30)
    user = {"id": members[0], "first_name": "Sam", "language_code": "en"}
    headers = {INIT_DATA_HEADER: sign(user, SANDBOX_TOKEN, sandbox.clock.now())}
    async with web(sandbox) as client:
        home = await client.get("/app/home", headers=headers)
        page = await client.get("/app/member/browse", headers=headers)
        cards = await client.get(CARDS, headers=headers)
        profile = await client.get("/app/member/profile", headers=headers)
    assert "People" in home.text and "My profile" in home.text
    assert "Filters" in page.text and "Active in the last 30 days" in page.text
    assert "New people today" in cards.text and "Open" in cards.text
    assert "My card, as others see it" in profile.text and "筛选" not in page.text


async def test_someone_the_app_showed_yesterday_is_no_new_card_in_the_chat(
    sandbox: Sandbox,
) -> None:
    """Shown in the app yesterday and not answered, then /match today: that spent one of
    today's cards and counted the person's exposure again, where the app shows them again
    for free (a red team)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    me = members[0]
    async with web(sandbox) as client:
        yesterday = shown_ids((await client.get(CARDS, headers=as_user(sandbox, me))).text)
    sandbox.clock.advance(timedelta(days=1))
    await sandbox.user("会员", user_id=me).send("/match")
    async with sandbox.app.services.db() as session:
        rows = list(
            await session.scalars(
                select(CardView.candidate_id)
                .where(CardView.viewer_id == member_id(me))
                .order_by(CardView.id)
            )
        )
    assert rows == yesterday  # the card today was one of them, and no new view
