"""The member's Mini App in Debian's Chromium at 360 px, initData signed as Telegram signs it:
browse with filters, open a card and like until a match, sign up for an event, edit an answer
and see the card change. Skipped where Chromium is not installed (as the desk's tests)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from playwright.async_api import expect
from sqlalchemy import func, select

from bot.domain.events import Capacity
from bot.tools.population import FIRST_TELEGRAM_ID
from bot.tools.sandbox import Sandbox
from storage.models import CardView, MatchDecision, ProfileAnswer, Report
from tests.helpers import TITLE, publish, union_with_members
from tests.mini_app_browser import open_member_app, pytestmark, served

__all__ = ["pytestmark", "served"]


async def test_a_member_browses_likes_signs_up_and_edits(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    await publish(sandbox, organiser, capacity=Capacity(10))
    me = members[0]
    # As Telegram's: close() shuts the window (here: says it was asked to).
    closes = "window.Telegram.WebApp.close = () => { window.closedByApp = true; };"
    async with open_member_app(sandbox, served, me, script=closes) as page:
        cards = page.locator("#cards article.card")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "browse-360.png"), full_page=True)

        # Filters: women and men of 浦东 who like hiking or reading.
        await page.get_by_text("筛选", exact=True).click()
        await page.get_by_label("最小年龄").fill("24")
        await page.get_by_label("最大年龄").fill("36")
        await page.locator("fieldset.chips").first.get_by_text("浦东新区").click()
        async with page.expect_response(lambda r: "age_min=24" in r.url) as answered:
            await page.get_by_role("button", name="查看", exact=True).click()
        assert (await answered.value).ok
        await page.wait_for_load_state("networkidle")
        places = await cards.evaluate_all("cards => cards.map(c => c.innerText)")
        assert places and all("浦东新区" in text for text in places)
        await page.screenshot(path=str(tmp_path / "browse-filtered-360.png"), full_page=True)

        # Open the first person; they liked me already, so my like is a match.
        await page.get_by_text("筛选", exact=True).click()  # folded away again
        first = cards.first.get_by_role("link", name="查看资料")
        opened = int(re.search(r"people/(\d+)", await first.get_attribute("hx-get")).group(1))
        async with sandbox.app.services.db.begin() as session:
            session.add(
                CardView(
                    viewer_id=opened,
                    candidate_id=me - FIRST_TELEGRAM_ID,
                    shown_at=sandbox.clock.now(),
                )
            )
            session.add(
                MatchDecision(
                    viewer_id=opened,
                    candidate_id=me - FIRST_TELEGRAM_ID,
                    liked=True,
                    created_at=sandbox.clock.now(),
                )
            )
        await first.click()
        await page.get_by_role("button", name="❤️ 喜欢").click()
        await page.get_by_role("status").get_by_text("你们互相喜欢").wait_for()
        assert "TA 喜欢了你" not in await page.locator("article.card").inner_text()  # no news
        await page.screenshot(path=str(tmp_path / "person-match-360.png"), full_page=True)
        await page.get_by_role("link", name="喜欢", exact=True).click()
        await page.get_by_role("heading", name="我的配对").wait_for()
        # Writing to the match: the button is put in the chat and the window closes.
        await page.get_by_role("button", name="✉️ 去聊天里留言").click()
        await page.get_by_text("留言按钮已发到聊天中").wait_for()
        await page.wait_for_function("window.closedByApp === true")
        await sandbox.settle()
        assert "留言" in sandbox.user("小雨", user_id=me).last_text()

        # An event: sign up.
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.get_by_text(TITLE).first.wait_for()
        await page.get_by_role("link", name="详情").first.click()
        await page.get_by_role("button", name="报名", exact=True).click()
        await page.get_by_role("status").get_by_text("报名成功").wait_for()
        await page.screenshot(path=str(tmp_path / "event-360.png"), full_page=True)

        # My profile: change the height; the card says so.
        await page.get_by_role("link", name="我的资料").click()
        await page.locator(
            "details.answer summary", has=page.get_by_text("身高", exact=True)
        ).click()
        box = page.get_by_label("身高", exact=True)
        await box.fill("1米83")
        await box.press("Enter")
        await page.get_by_role("status").get_by_text("已保存").wait_for()
        assert "183 cm" in await page.locator("#my-card").inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(tmp_path / "profile-360.png"), full_page=True)


async def test_a_request_that_fails_says_so_and_leaves_the_tab_as_it_was(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """No network, or a server error behind the proxy: nothing happened on the screen, and
    the tab pressed was shown as current over the page still there (a member's walk)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    async with open_member_app(sandbox, served, members[0]) as page:
        notice = page.get_by_role("alert")
        likes = page.get_by_role("link", name="喜欢", exact=True)
        people = page.get_by_role("link", name="推荐", exact=True)
        await page.route("**/app/member/likes", lambda route: route.abort())
        await likes.click()
        await notice.get_by_text("网络连接不上，请检查网络后再试。").wait_for()
        assert await people.get_attribute("aria-current") == "page"
        assert await likes.get_attribute("aria-current") is None
        assert await page.locator("#cards").count() == 1  # the cards are still shown
        await page.screenshot(path=str(tmp_path / "offline-360.png"), full_page=False)
        await page.unroute("**/app/member/likes")
        await page.route("**/app/member/likes", lambda route: route.fulfill(status=502))
        await likes.click()
        await notice.get_by_text("出了点问题，请稍后再试。").wait_for()
        await page.unroute("**/app/member/likes")
        await likes.click()  # the network is back
        await page.get_by_role("heading", name="我的配对").wait_for()
        await notice.wait_for(state="hidden")
        assert await likes.get_attribute("aria-current") == "page"
        assert await people.get_attribute("aria-current") is None


async def test_a_report_needs_a_reason_chosen_and_a_second_tap(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """举报 sent at once with 虚假资料 preselected, right above 屏蔽: a slip of the thumb reported
    someone (a member's walk). And a card's 查看资料 looked like plain text on the card."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    async with open_member_app(sandbox, served, members[0]) as page:
        card = page.locator("#cards article.card").first
        view = card.get_by_role("link", name="查看资料")
        colours = await view.evaluate(
            "(b) => [getComputedStyle(b).backgroundColor,"
            " getComputedStyle(b.closest('article')).backgroundColor]"
        )
        assert colours[0] != colours[1]
        await view.click()
        await page.get_by_text("举报或屏蔽").click()
        report = page.get_by_role("button", name="举报", exact=True)
        asked: list[str] = []

        async def answer(dialog, accept: bool) -> None:  # noqa: ANN001
            asked.append(dialog.message)
            await (dialog.accept() if accept else dialog.dismiss())

        page.once("dialog", lambda dialog: answer(dialog, False))
        await report.click()  # no reason chosen: the browser asks for one, nothing is sent
        await page.wait_for_timeout(300)
        assert asked == [] and await reports(sandbox) == 0
        await page.get_by_label("原因").select_option(label="骚扰")
        await report.click()  # asked first; "no" sends nothing
        await page.wait_for_timeout(300)
        assert asked == ["确定举报 TA 吗？工会工作人员会核实处理，你也不会再看到 TA。"]
        assert await reports(sandbox) == 0
        page.once("dialog", lambda dialog: answer(dialog, True))
        await report.click()
        await page.get_by_role("status").get_by_text("谢谢").wait_for()
        await page.screenshot(path=str(tmp_path / "reported-360.png"), full_page=True)
    assert await reports(sandbox) == 1


async def reports(sb: Sandbox) -> int:
    async with sb.app.services.db() as session:
        return await session.scalar(select(func.count()).select_from(Report))


async def test_an_answer_refused_keeps_what_she_typed_and_says_why_where_she_is(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """After 保存 the page was drawn again and scrolled away: the reason for a refusal was
    2,800 px above her, and the box showed her old introduction, her new one lost."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    typed = "喜欢爬山和看电影，周末常去滨江散步。加我微信 xiaoyu_1996 聊"
    async with open_member_app(sandbox, served, members[0]) as page:
        await page.get_by_role("link", name="我的资料").click()
        await page.locator(
            "details.answer summary", has=page.get_by_text("自我介绍", exact=True)
        ).click()
        box = page.locator("details.answer[open] textarea")
        await box.fill(typed)
        await page.locator("details.answer[open]").get_by_role("button", name="保存").click()
        refusal = page.locator("#edited").get_by_role("alert")
        await refusal.wait_for()
        assert "微信" in await refusal.inner_text() or "联系方式" in await refusal.inner_text()
        assert await box.input_value() == typed  # hers, to change, not the old one
        await expect(refusal).to_be_in_viewport()
        await page.screenshot(path=str(tmp_path / "about-refused-360.png"))
        await box.fill(typed.removesuffix("加我微信 xiaoyu_1996 聊"))
        await page.locator("#edited").get_by_role("button", name="保存").click()
        saved = page.locator("#edited").get_by_role("status").get_by_text("已保存")
        await saved.wait_for()
        await expect(saved).to_be_in_viewport()
        assert "滨江散步" in await page.locator("#my-card").inner_text()


async def test_back_from_a_person_keeps_the_filters_she_chose(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """ "← 返回推荐列表" reloaded the cards unfiltered, and the form showed none of her choices
    (a member's walk)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 80)
    async with open_member_app(sandbox, served, members[0]) as page:
        cards = page.locator("#cards article.card")
        await page.get_by_text("筛选", exact=True).click()
        district = page.locator("fieldset.chips").first.get_by_text("浦东新区")
        await district.click()
        async with page.expect_response(lambda r: "districts=" in r.url):
            await page.get_by_role("button", name="查看", exact=True).click()
        await page.wait_for_load_state("networkidle")
        assert all("浦东新区" in text for text in await cards.all_inner_texts())
        await cards.first.get_by_role("link", name="查看资料").click()
        async with page.expect_response(
            lambda r: "browse/cards" in r.url and "districts=" in r.url
        ):
            await page.get_by_role("link", name="返回推荐列表").click()
        await page.wait_for_load_state("networkidle")
        texts = await cards.all_inner_texts()
        assert texts and all("浦东新区" in text for text in texts)
        await page.get_by_text("筛选", exact=True).click()
        box = page.locator("fieldset.chips").first.get_by_label("浦东新区")
        assert await box.is_checked()


async def test_taps_are_thumb_sized_rows_say_they_open_and_warnings_suit_the_night_theme(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """A member's walk: back links 19 px tall and not in the theme's link colour, chips 31 px,
    answer rows with no cue that they open, and a light warning box glaring in Telegram's night
    theme."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    night = "window.Telegram.WebApp.colorScheme = 'dark';"
    async with open_member_app(sandbox, served, members[0], script=night) as page:

        async def heights(selector: str) -> list[float]:
            return await page.locator(selector).evaluate_all(
                "(all) => all.filter(e => e.offsetParent)"
                ".map(e => e.getBoundingClientRect().height)"
            )

        await page.get_by_text("筛选", exact=True).click()
        chips = await heights("fieldset.chips label")
        assert chips and min(chips) >= 40
        await page.locator("#cards article.card").first.get_by_role("link", name="查看资料").click()
        await page.locator("a.back").wait_for()
        assert min(await heights("a.back")) >= 40
        # In Telegram's link colour, not the browser's blue and visited purple.
        colour = await page.locator("a.back").evaluate("(a) => getComputedStyle(a).color")
        assert colour == "rgb(22, 138, 205)"
        await page.get_by_role("link", name="我的资料").click()
        rows = page.locator("details.answer summary")
        await rows.first.wait_for()
        assert min(await heights("details.answer summary")) >= 40
        assert await rows.first.evaluate("(s) => getComputedStyle(s, '::after').content") == '"›"'
        await page.locator(
            "details.answer summary", has=page.get_by_text("自我介绍", exact=True)
        ).click()
        await page.locator("details.answer[open] textarea").fill("加我微信 xiaoyu_1996")
        await page.locator("details.answer[open]").get_by_role("button", name="保存").click()
        warning = page.locator("#edited .warning")
        await warning.wait_for()
        background = await warning.evaluate("(w) => getComputedStyle(w).backgroundColor")
        assert background != "rgb(255, 244, 229)"  # not the day theme's light box
        await page.screenshot(path=str(tmp_path / "night-warning-360.png"))


async def test_nothing_to_undo_is_said_beside_the_button_and_the_cards_stay(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """撤回上一次跳过 with nothing to undo replaced her list with one line (a member's walk)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    async with open_member_app(sandbox, served, members[0]) as page:
        cards = page.locator("#cards article.card")
        before = await cards.count()
        await page.get_by_role("button", name="撤回上一次跳过").click()
        await page.locator("#undo-said").get_by_text("没有可以撤回的跳过").wait_for()
        assert before > 0 and await cards.count() == before


async def test_a_large_system_font_and_a_long_word_still_fit_a_360_px_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    """Android's largest usual text size (150%) and a card whose introduction is one long
    Latin word: nothing is wider than the phone, like and skip are both on screen, and every
    tab can be seen (a row that scrolls sideways hid the last one)."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    band = "Coldplay/Radiohead/TheBeatles/Oasis/Blur/Muse/ArcticMonkeys"
    async with open_member_app(sandbox, served, members[0]) as page:
        first = page.locator("#cards article.card").first.get_by_role("link", name="查看资料")
        opened = int(re.search(r"people/(\d+)", await first.get_attribute("hx-get")).group(1))
        async with sandbox.app.services.db.begin() as session:
            introduction = await session.get(ProfileAnswer, (opened, "introduction"))
            assert introduction is not None
            introduction.value = f"喜欢的乐队：{band}"
        await page.add_style_tag(  # what Android's text size does to a page's px text
            content="html, body { font-size: 24px !important; }"
        )
        await first.click()
        await page.get_by_role("button", name="跳过").wait_for()
        await page.screenshot(path=str(tmp_path / "person-150-360.png"), full_page=True)
        assert band in await page.locator("article.card").inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        for name in ("❤️ 喜欢", "跳过"):
            box = await page.get_by_role("button", name=name).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, name
        tabs = await page.locator("nav.tabs a").evaluate_all(
            "tabs => tabs.map(t => t.getBoundingClientRect().right)"
        )
        assert len(tabs) == 4 and max(tabs) <= 360


async def test_a_like_on_a_page_left_open_an_hour_says_it_was_not_done(
    sandbox: Sandbox, served: str
) -> None:
    """Back after lunch, ❤️ replaced the person with "页面已过期" and said nothing of the like,
    which was not recorded; the page mentioned a desk link, staff's word. Now the person
    stays on screen and the notice says the like was not done and what to do."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    me = members[0]
    async with open_member_app(sandbox, served, me) as page:
        await page.locator("#cards article.card").first.get_by_role("link", name="查看资料").click()
        like = page.get_by_role("button", name="❤️ 喜欢")
        await like.wait_for()
        sandbox.clock.advance(timedelta(minutes=61))
        await like.click()
        notice = page.locator("#request-failed")
        await notice.get_by_text("页面已过期，刚才的操作没有完成").wait_for()
        assert "工作台" not in await notice.inner_text()
        assert await like.is_visible()
    async with sandbox.app.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(MatchDecision)) == 0


async def test_my_data_downloads_as_a_file_named_for_it(sandbox: Sandbox, served: str) -> None:
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    async with open_member_app(sandbox, served, members[0]) as page:
        await page.get_by_role("link", name="我的资料").click()
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="导出我的数据").click()
        download = await downloading.value
        assert download.suggested_filename == "huihui-my-data.json"
        exported = json.loads(Path(await download.path()).read_text("utf-8"))
    assert exported  # her own data, as /export_me gives it


async def test_back_from_a_person_goes_back_to_the_list(sandbox: Sandbox, served: str) -> None:
    """Back changed the address and left her on the person; inside Telegram, its back button
    (there was none) now shows on a person's page and goes back."""
    _organiser, _sibling, members, _ = await union_with_members(sandbox, 40)
    back_button = (
        "window.Telegram.WebApp.BackButton = {shown: false, show() { this.shown = true; },"
        " hide() { this.shown = false; }, onClick(f) { this.pressed = f; }};"
    )
    async with open_member_app(sandbox, served, members[0], script=back_button) as page:
        cards = page.locator("#cards article.card")
        names = await cards.count()
        await cards.first.get_by_role("link", name="查看资料").click()
        await page.get_by_role("button", name="跳过").wait_for()
        assert await page.evaluate("Telegram.WebApp.BackButton.shown")
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        await page.evaluate("Telegram.WebApp.BackButton.pressed()")  # Telegram's ←
        await expect(cards).to_have_count(names)  # the same people, none spent
        await page.wait_for_load_state("networkidle")
        assert [url for url in asked if "/app/member/browse" in url and "cards" not in url] == [
            f"{served}/app/member/browse"
        ]
        assert not await page.evaluate("Telegram.WebApp.BackButton.shown")
        await page.get_by_role("link", name="活动", exact=True).click()
        await page.wait_for_function("location.hash === '#events'")
        await page.reload()
        await page.locator("#page").get_by_role("heading", name="活动", exact=True).wait_for()
        current = page.locator("nav.tabs a[aria-current=page]")
        await expect(current).to_have_text("活动")
