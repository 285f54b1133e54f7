"""The desk's broadcast composer: the audience counted exactly as the chat's /broadcast counts
it, the message previewed as members receive it (signed with the union), sending now or at a
time typed as people say it (a past time refused with what it was read as, the quiet hours
warned of), progress and results, cancelling — and nobody else composes, counts or cancels."""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from sqlalchemy import select

from bot.domain.audience import Audience
from bot.services.broadcasts import Draft
from bot.tools.sandbox import Sandbox
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import Broadcast
from tests.helpers import (
    CITY,
    PUDONG,
    XUHUI,
    copies,
    publish,
    seed_union,
    union_with_members,
    unit_id,
)
from tests.mini_app_browser import open_mini_app, served, settled
from tests.test_miniapp import as_user, web

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

__all__ = ["served"]  # the browser test's fixture

CHECK, SEND = "/app/console/broadcasts/check", "/app/console/broadcasts/send"


def narrowed_to_young_women(unit: int) -> dict[str, object]:
    """The composer's fields for 青年读书会 to women of 25–32 in two districts, in finance."""
    return {
        "text": "青年读书会",
        "unit": str(unit),
        "gender": "female",
        "age_min": "25",
        "age_max": "32",
        "districts": ["浦东新区", "闵行区"],
        "industries": ["finance"],
    }


PHOTO = "/app/console/broadcasts/photo"


def a_picture() -> bytes:
    """A small JPEG, as a phone's gallery gives."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 40)).save(out, "JPEG")
    return out.getvalue()


def preview_in(page: str) -> str:
    """The preview's text as the page shows it (after the photo, if any)."""
    bubble = page.split('id="broadcast-preview">')[1].split("</div>")[0]
    return html.unescape(re.sub(r"<img [^>]*>", "", bubble))


def token_in(page: str) -> str:
    return html.unescape(re.search(r'name="photo_token" value="([^"]+)"', page).group(1))


def count_in(page: str) -> int:
    found = re.search(r"将发给 (\d+) 位会员", page)
    assert found, page
    return int(found.group(1))


def said_when(page: str) -> str:
    return page.split('id="broadcast-when-said"')[1].split(">", 1)[1].split("<")[0]


async def stored(sb: Sandbox) -> list[Broadcast]:
    async with sb.app.services.db() as session:
        return list((await session.scalars(select(Broadcast).order_by(Broadcast.id))).all())


async def test_the_desk_counts_the_audience_as_the_chat_does(sandbox: Sandbox) -> None:
    organiser, _sibling, _pudong, _xuhui = await union_with_members(sandbox, 100, 10)
    pudong = await unit_id(sandbox, PUDONG)
    # The chat's count for women of 25–32 in 浦东新区 or 闵行区 working in finance.
    await organiser.send("/broadcast")
    await organiser.send("青年读书会")
    chats_all = int(re.search(r"→ (\d+) 位会员", organiser.last_text()).group(1))
    await organiser.press("性别")  # everyone → women
    await organiser.press("年龄")
    await organiser.send("25-32")
    await organiser.press("所在区")
    await organiser.press("浦东新区")
    await organiser.press("闵行区")
    await organiser.press("完成")
    await organiser.press("行业")
    await organiser.press("金融")
    await organiser.press("完成")
    chats_narrow = int(re.search(r"→ (\d+) 位会员", organiser.last_text()).group(1))
    assert 0 < chats_narrow < chats_all == 100
    headers = as_user(sandbox, organiser.id)
    narrow = narrowed_to_young_women(pudong)
    async with web(sandbox) as client:
        page = await client.get("/app/console/broadcasts", headers=headers)
        everyone = await client.post(CHECK, data={"unit": str(pudong)}, headers=headers)
        narrowed = await client.post(CHECK, data=narrow, headers=headers)
        verified = await client.post(CHECK, data={**narrow, "verified": "1"}, headers=headers)
    assert page.status_code == 200 and "群发" in page.text and "闵行区" in page.text
    assert count_in(everyone.text) == chats_all
    assert count_in(narrowed.text) == chats_narrow
    # Synthetic members are all verified: the same people.
    assert count_in(verified.text) == chats_narrow
    # What members will see: the message signed with the union, as the chat's preview.
    assert f"青年读书会\n\n——{PUDONG}" in narrowed.text
    assert "请写下要发送的内容" not in everyone.text  # nothing written yet: no reproach


async def test_send_now_reaches_the_audience_and_shows_how_it_went(sandbox: Sandbox) -> None:
    organiser, _sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 12, 3)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        sent = await client.post(
            SEND, data={"text": "周六下午茶，欢迎报名", "unit": str(pudong)}, headers=headers
        )
        [broadcast] = await stored(sandbox)
        assert f"群发 #{broadcast.id} 正在开始" in sent.text
        await sandbox.settle()
        results = await client.get("/app/console/broadcasts/sent", headers=headers)
        again = await client.post(f"/app/console/broadcasts/{broadcast.id}/cancel", headers=headers)
    assert "已发送 12 / 12" in results.text and "已完成" in results.text
    assert f"群发 #{broadcast.id} 已经发送完毕" in again.text
    assert all(copies(sandbox, t, "周六下午茶，欢迎报名") == 1 for t in in_pudong)
    assert all(copies(sandbox, t, "周六下午茶，欢迎报名") == 0 for t in in_xuhui)


async def test_the_list_of_broadcasts_says_to_whom_each_went(sandbox: Sandbox) -> None:
    """The desk's list and the chat's /broadcasts named neither the union nor the filters:
    two broadcasts with the same words could not be told apart."""
    organiser, *_ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    narrow = {**narrowed_to_young_women(pudong), "verified": "1", "when": "明天上午九点"}
    async with web(sandbox) as client:
        await client.post(SEND, data={"text": "青年读书会", "unit": str(pudong)}, headers=headers)
        await client.post(SEND, data=narrow, headers=headers)
        await sandbox.settle()
        listed = await client.get("/app/console/broadcasts/sent", headers=headers)
    narrowed = f"发给：{PUDONG} · 女士 · 25–32 岁 · 闵行区、浦东新区 · 金融 · 仅限已认证会员"
    assert narrowed in listed.text and f"发给：{PUDONG}</span>" in listed.text
    await organiser.send("/broadcasts")
    chat = [m.text for m in organiser.bot_messages()[-2:]]
    assert chat[0].splitlines()[1] == f"发给：{PUDONG}"  # the older first, the newest last
    assert chat[1].splitlines()[1] == narrowed


async def test_a_time_is_read_as_people_type_it_and_a_past_one_is_refused(
    sandbox: Sandbox,
) -> None:
    organiser, *_ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    tz = sandbox.settings.tz
    now = sandbox.clock.now().astimezone(tz)
    yesterday = now - timedelta(days=1)
    tomorrow = now + timedelta(days=1)
    headers = as_user(sandbox, organiser.id)
    base = {"text": "下周活动预告", "unit": str(pudong)}
    async with web(sandbox) as client:
        past = await client.post(SEND, data={**base, "when": "昨天下午3点"}, headers=headers)
        nonsense = await client.post(SEND, data={**base, "when": "改天吧"}, headers=headers)
        night = await client.post(CHECK, data={**base, "when": "明天晚上11点"}, headers=headers)
        day = await client.post(CHECK, data={**base, "when": "明天下午两点"}, headers=headers)
        assert await stored(sandbox) == []
        later = await client.post(SEND, data={**base, "when": "明天下午两点"}, headers=headers)
        [broadcast] = await stored(sandbox)
        cancelled = await client.post(
            f"/app/console/broadcasts/{broadcast.id}/cancel", headers=headers
        )
    assert said_when(past.text) == (
        f"“昨天下午3点”是 {yesterday:%Y-%m-%d} 15:00，已经过去了。"
        "请填写将来的时间，或留空立即发送。"
    )
    assert "没看懂这个时间" in said_when(nonsense.text)
    assert "22:00–08:00" in night.text and f"{tomorrow:%Y-%m-%d} 23:00" in night.text
    assert said_when(day.text) == f"将于 {tomorrow:%Y-%m-%d} 14:00 发送。"
    assert "22:00–08:00" not in day.text
    assert f"{tomorrow:%Y-%m-%d} 14:00" in later.text
    assert f"群发 #{broadcast.id} 已取消" in cancelled.text
    assert "已发送 0 / 0" not in cancelled.text  # cancelled before it began: no progress
    sandbox.clock.advance(timedelta(days=2))
    await sandbox.settle()
    assert [b.status for b in await stored(sandbox)] == ["cancelled"]
    # The chat reads the same words the same way.
    await organiser.send("/broadcast")
    await organiser.send("下周活动预告")
    await organiser.press("预览 ▸")
    await organiser.press("定时发送…")
    await organiser.send("昨天下午3点")
    now = sandbox.clock.now().astimezone(tz)
    assert organiser.last_text() == (
        f"{now - timedelta(days=1):%Y-%m-%d} 15:00 已经过去了，请给一个将来的时间。"
    )


async def test_nobody_else_composes_counts_sends_or_cancels(sandbox: Sandbox) -> None:
    organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 5, 2)
    matchmaker = sandbox.user("红娘小李")
    await seed_union(sandbox, [], matchmakers={PUDONG: [matchmaker.id]})
    pudong = await unit_id(sandbox, PUDONG)
    event_id = await publish(sandbox, organiser)
    scheduled = await sandbox.app.services.broadcasts.create(
        organiser.id,
        Draft("明天见"),
        Audience(pudong),
        sandbox.clock.now() + timedelta(days=1),
    )
    fields = {"text": "你好", "unit": str(pudong)}
    expired = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
    forged = {INIT_DATA_HEADER: as_user(sandbox, organiser.id)[INIT_DATA_HEADER] + "0"}
    cancel = f"/app/console/broadcasts/{scheduled}/cancel"
    before = len(await stored(sandbox))
    async with web(sandbox) as client:
        for headers in ({}, expired, forged):
            for path in ("/app/console/broadcasts", "/app/console/broadcasts/sent"):
                assert (await client.get(path, headers=headers)).status_code == 401
            for path in (CHECK, SEND, cancel):
                answer = await client.post(path, data=fields, headers=headers)
                assert answer.status_code == 401, path
        for someone in (matchmaker.id, in_pudong[0]):
            headers = as_user(sandbox, someone)
            assert (await client.get("/app/console/broadcasts", headers=headers)).status_code == 403
            assert (await client.post(cancel, headers=headers)).status_code == 403
            assert (await client.post(SEND, data=fields, headers=headers)).status_code == 403
            assert (await client.post(CHECK, data=fields, headers=headers)).status_code == 403
        # 徐汇's organiser: 浦东's members, 浦东's event's registrants, 浦东's broadcast.
        headers = as_user(sandbox, sibling.id)
        counted = await client.post(CHECK, data=fields, headers=headers)
        sent = await client.post(SEND, data=fields, headers=headers)
        own = await client.post(
            CHECK,
            data={"unit": str(await unit_id(sandbox, "徐汇区总工会")), "event": str(event_id)},
            headers=headers,
        )
        assert (await client.post(cancel, headers=headers)).status_code == 403
        listed = await client.get("/app/console/broadcasts/sent", headers=headers)
    for page in (counted, sent, own):
        assert "你只能向你所在工会的会员群发" in page.text and "将发给" not in page.text
        assert PUDONG not in page.text  # no preview signed with 浦东's name
    assert "明天见" not in listed.text
    assert len(await stored(sandbox)) == before
    assert [b.status for b in await stored(sandbox) if b.id == scheduled] == ["scheduled"]


async def test_an_organiser_composes_and_sends_a_broadcast_on_a_phone(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, in_pudong, _xuhui = await union_with_members(sandbox, 40, 5)
    women = await sandbox.app.services.broadcasts.audience_size(
        organiser.id, Audience(await unit_id(sandbox, PUDONG), gender="female")
    )
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        count = page.locator("#audience-count")
        await count.get_by_text("将发给 40 位会员").wait_for()
        await page.get_by_label("性别").select_option("female")
        await count.get_by_text(f"将发给 {women} 位会员").wait_for()
        await page.get_by_label("消息内容").fill("周六下午茶，欢迎报名！")
        preview = page.locator("#broadcast-preview")
        await preview.get_by_text(f"——{PUDONG}").wait_for()
        assert await preview.inner_text() == f"周六下午茶，欢迎报名！\n\n——{PUDONG}"
        await page.get_by_label("发送时间（留空即立即发送）").fill("昨天下午3点")
        await page.get_by_text("已经过去了").wait_for()
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.locator("#composer-check").get_by_text("已经过去了").wait_for()
        await page.get_by_label("发送时间（留空即立即发送）").fill("")
        await page.get_by_text("点击“发送”后立即发出").wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        # The ways to write a time are read whole (as the field's placeholder, they were cut).
        examples = page.locator("#broadcast-when-examples")
        assert await examples.inner_text() == "例如：12月1日 9:30、明天下午两点、下周六 14:00"
        box = await examples.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360
        await page.screenshot(path=str(tmp_path / "broadcast-360.png"), full_page=True)
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.get_by_text("正在开始，进度见下方").wait_for()
        assert await page.get_by_label("消息内容").input_value() == ""  # not sent twice
        await sandbox.settle()
        # The list polls while sending: the result arrives without a press.
        await page.get_by_text(f"已发送 {women} / {women}").wait_for()
        await page.screenshot(path=str(tmp_path / "broadcast-sent-360.png"), full_page=True)
    reached = [t for t in in_pudong if copies(sandbox, t, "周六下午茶，欢迎报名！")]
    assert len(reached) == women and await stored(sandbox)


async def test_the_preview_is_what_members_receive_with_or_without_a_photo(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    picture = a_picture()
    text = "周六下午茶 <b>不是标签</b>\n欢迎报名 & 带朋友"
    async with web(sandbox) as client:
        plain = await client.post(CHECK, data={"text": text, "unit": str(pudong)}, headers=headers)
        upload = await client.post(
            PHOTO, files={"photo": ("tea.jpg", picture, "image/jpeg")}, headers=headers
        )
        token = token_in(upload.text)
        assert "已选择照片" in upload.text
        assert upload.headers["HX-Trigger-After-Settle"] == "broadcast-photo"
        # Telegram keeps the photo: it was sent once, to the organiser's own chat.
        assert organiser.bot_messages()[-1].kind == "photo"
        fields = {"text": text, "unit": str(pudong), "photo_token": token}
        with_photo = await client.post(CHECK, data=fields, headers=headers)
        shown = re.search(r'data-photo="([^"]+)"', with_photo.text).group(1)
        image = await client.get(html.unescape(shown), headers=headers)
        assert image.status_code == 200 and image.content == picture
        await client.post(SEND, data={"text": text, "unit": str(pudong)}, headers=headers)
        await client.post(SEND, data=fields, headers=headers)
    await sandbox.settle()
    for telegram_id in in_pudong:
        # The two broadcasts go at once, in either order.
        received = {e.kind: e for e in sandbox.api.chats[telegram_id][-2:] if e.from_bot}
        # Exactly the previews, character for character: the same words, signature and all.
        assert received["text"].text == preview_in(plain.text)
        assert received["photo"].text == preview_in(with_photo.text)
        assert sandbox.api.files[received["photo"].file_id][1] == picture
    assert preview_in(plain.text) == f"{text}\n\n——{PUDONG}"
    [_text_only, photographed] = await stored(sandbox)
    assert photographed.photo_file_id is not None and _text_only.photo_file_id is None


async def test_a_photo_is_checked_and_only_its_organiser_may_send_it(sandbox: Sandbox) -> None:
    organiser, sibling, in_pudong, _ = await union_with_members(sandbox, 2)
    pudong = await unit_id(sandbox, PUDONG)
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        not_a_photo = await client.post(
            PHOTO, files={"photo": ("tea.jpg", b"just words", "image/jpeg")}, headers=headers
        )
        assert "这个文件不是照片" in not_a_photo.text and "photo_token" not in not_a_photo.text
        upload = await client.post(
            PHOTO, files={"photo": ("tea.jpg", a_picture(), "image/jpeg")}, headers=headers
        )
        token = token_in(upload.text)
        file_id = token.rsplit(".", 1)[0]
        long_caption = await client.post(
            CHECK,
            data={"text": "茶" * 1000, "unit": str(pudong), "photo_token": token},
            headers=headers,
        )
        assert "带照片时，消息最多" in long_caption.text
        refused = []
        for who, forged in (
            (organiser.id, file_id + ".0000"),  # another mac
            (organiser.id, "member-photo-file-id.0123456789abcdef0123456789abcdef"),
            (sibling.id, token),  # another organiser carrying this organiser's token
        ):
            fields = {"text": "看看这张", "unit": str(pudong), "photo_token": forged}
            if who == sibling.id:
                fields["unit"] = str(await unit_id(sandbox, "徐汇区总工会"))
            answer = await client.post(SEND, data=fields, headers=as_user(sandbox, who))
            refused.append("请重新选择照片" in answer.text)
            image = await client.get(PHOTO, params={"t": forged}, headers=as_user(sandbox, who))
            assert image.status_code == 404
        assert refused == [True, True, True]
        for headers_of in ({}, as_user(sandbox, in_pudong[0])):
            answer = await client.post(
                PHOTO, files={"photo": ("tea.jpg", a_picture(), "image/jpeg")}, headers=headers_of
            )
            assert answer.status_code in (401, 403)
    assert await stored(sandbox) == []


def photo_said(page: str) -> str:
    """What the composer's answer says beside the photo field. The token that cannot be sent
    stays there with the button to take the photo away: the organiser meant a photo, so Send
    is refused until it is chosen again or removed, never sent without it."""
    marker = 'id="broadcast-photo-chosen" hx-swap-oob="innerHTML">'
    chosen = page.split(marker)[1].split("</button>")[0]
    assert 'name="photo_token"' in chosen and "去掉照片" in chosen and "已选择照片" not in chosen
    said = re.search(r'<span class="problem" role="alert">(.*?)</span>', chosen)
    assert said, chosen
    return html.unescape(said.group(1))


def kept_what_was_typed(answer: str) -> None:
    """The answer replaces neither the message box nor the choices, and read them: counted
    and previewed, without the photo."""
    assert 'id="broadcast-text"' not in answer and "<select" not in answer
    assert "data-photo=" not in answer
    assert "将发给" in answer and "周六下午茶，欢迎报名！" in preview_in(answer)


async def test_a_photo_token_is_refused_a_day_after_the_photo_was_chosen(
    sandbox: Sandbox,
) -> None:
    organiser, _sibling, _in_pudong, _ = await union_with_members(sandbox, 2)
    pudong = await unit_id(sandbox, PUDONG)
    typed = {"text": "周六下午茶，欢迎报名！", "unit": str(pudong), "gender": "female"}
    async with web(sandbox) as client:
        upload = await client.post(
            PHOTO,
            files={"photo": ("tea.jpg", a_picture(), "image/jpeg")},
            headers=as_user(sandbox, organiser.id),
        )
        token = token_in(upload.text)
        # Back from a long lunch, or the next morning: the photo is still there.
        sandbox.clock.advance(timedelta(hours=23, minutes=59))
        headers = as_user(sandbox, organiser.id)
        fresh = await client.post(CHECK, data={**typed, "photo_token": token}, headers=headers)
        assert "data-photo=" in fresh.text and "broadcast-photo-chosen" not in fresh.text
        sandbox.clock.advance(timedelta(minutes=2))
        headers = as_user(sandbox, organiser.id)
        check = await client.post(CHECK, data={**typed, "photo_token": token}, headers=headers)
        send = await client.post(SEND, data={**typed, "photo_token": token}, headers=headers)
        assert (await client.get(PHOTO, params={"t": token}, headers=headers)).status_code == 404
        assert await stored(sandbox) == []
        # Chosen again, the photo goes with what was typed.
        again = await client.post(
            PHOTO, files={"photo": ("tea.jpg", a_picture(), "image/jpeg")}, headers=headers
        )
        sent = await client.post(
            SEND, data={**typed, "photo_token": token_in(again.text)}, headers=headers
        )
    for answer in (check, send):
        assert answer.status_code == 200
        assert photo_said(answer.text) == "这张照片是一天多以前选的，已不能发送，请重新选择。"
        kept_what_was_typed(answer.text)
    assert count_in(check.text) == count_in(fresh.text)
    assert "正在开始" in sent.text
    [broadcast] = await stored(sandbox)
    assert broadcast.photo_file_id and broadcast.photo_file_id in token_in(again.text)


async def test_an_altered_or_another_organisers_photo_token_is_refused_beside_the_photo(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, _in_pudong, _ = await union_with_members(sandbox, 2)
    pudong = await unit_id(sandbox, PUDONG)
    typed = {"text": "周六下午茶，欢迎报名！", "unit": str(pudong), "gender": "female"}
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        upload = await client.post(
            PHOTO, files={"photo": ("tea.jpg", a_picture(), "image/jpeg")}, headers=headers
        )
        token = token_in(upload.text)
        file_id, stamp, mac = token.rsplit(".", 2)
        altered = {
            "a later time": f"{file_id}.{int(stamp) + 86400}.{mac}",
            "another mac": f"{file_id}.{stamp}.{'0' * 32}",
            "another file": f"member-photo-file-id.{stamp}.{mac}",
        }
        answers = {}
        for name, forged in altered.items():
            answers[name] = await client.post(
                SEND, data={**typed, "photo_token": forged}, headers=headers
            )
            image = await client.get(PHOTO, params={"t": forged}, headers=headers)
            assert image.status_code == 404
        # 徐汇's organiser carrying 浦东's organiser's token, to 徐汇's own members.
        xuhui = {**typed, "unit": str(await unit_id(sandbox, "徐汇区总工会"))}
        sibling_headers = as_user(sandbox, sibling.id)
        answers["another organiser's"] = await client.post(
            SEND, data={**xuhui, "photo_token": token}, headers=sibling_headers
        )
        image = await client.get(PHOTO, params={"t": token}, headers=sibling_headers)
        assert image.status_code == 404
    for name, answer in answers.items():
        assert answer.status_code == 200, name
        assert photo_said(answer.text) == "请重新选择照片。", name
        kept_what_was_typed(answer.text)
    assert await stored(sandbox) == []


def key_in(page: str) -> str:
    """The composed form's key the page carries (a new one after a send)."""
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def started(answer: str) -> int:
    """The broadcast a send's answer says is starting, or was made a moment ago."""
    found = re.search(r"群发 #(\d+) 正在开始|（群发 #(\d+)），不会重复发送", answer)
    assert found, answer
    return int(found.group(1) or found.group(2))


async def test_a_composed_form_sent_again_is_the_broadcast_already_sent_from_it(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 3, 2)
    pudong, xuhui = await unit_id(sandbox, PUDONG), await unit_id(sandbox, XUHUI)
    async with web(sandbox) as client:
        composer = await client.get(
            "/app/console/broadcasts", headers=as_user(sandbox, organiser.id)
        )
        key = key_in(composer.text)
        typed = {"text": "周六下午茶，欢迎报名！", "unit": str(pudong), "form_key": key}
        first = await client.post(SEND, data=typed, headers=as_user(sandbox, organiser.id))
        # Its answer never arrived; pressed again a quarter of an hour later, when the same
        # words no longer count as the same broadcast by themselves.
        sandbox.clock.advance(timedelta(minutes=15))
        again = await client.post(SEND, data=typed, headers=as_user(sandbox, organiser.id))
        assert started(again.text) == started(first.text)
        assert "正在开始" in first.text and "正在开始" not in again.text  # it began before
        assert f"刚才已经向同一批会员发出过同样的内容（群发 #{started(first.text)}）" in again.text
        # The answer gives the next message a form of its own. Sent twice at once, the second
        # request carrying an edit made meanwhile: still one broadcast from that form.
        following = {"text": "下周日爬山", "unit": str(pudong), "form_key": key_in(first.text)}
        assert following["form_key"] != key
        both = await asyncio.gather(
            client.post(SEND, data=following, headers=as_user(sandbox, organiser.id)),
            client.post(
                SEND,
                data={**following, "text": "下周日爬山，带水"},
                headers=as_user(sandbox, organiser.id),
            ),
        )
        assert started(both[0].text) == started(both[1].text) != started(first.text)
        assert sum("不会重复发送" in answer.text for answer in both) == 1
        # A key is its organiser's own: 徐汇's organiser posting the same one sends her own.
        other = await client.post(
            SEND,
            data={"text": "周六下午茶，欢迎报名！", "unit": str(xuhui), "form_key": key},
            headers=as_user(sandbox, sibling.id),
        )
        assert started(other.text) not in (started(first.text), started(both[0].text))
    await sandbox.settle()
    assert len(await stored(sandbox)) == 3
    for telegram_id in in_pudong:
        assert copies(sandbox, telegram_id, "周六下午茶，欢迎报名！") == 1
        hikes = copies(sandbox, telegram_id, "下周日爬山") + copies(
            sandbox, telegram_id, "下周日爬山，带水"
        )
        assert hikes == 1
    assert all(copies(sandbox, t, "周六下午茶，欢迎报名！") == 1 for t in in_xuhui)


async def test_one_form_sent_to_two_unions_at_once_is_one_broadcast(sandbox: Sandbox) -> None:
    # The city's organiser may address either district: the two requests wait on different
    # unions' locks, and the unique key decides (on PostgreSQL they truly overlap).
    city = sandbox.user("市总管理员")
    await seed_union(sandbox, [], organisers={CITY: [city.id]})
    districts = [str(await unit_id(sandbox, name)) for name in (PUDONG, XUHUI)]
    async with web(sandbox) as client:
        composer = await client.get("/app/console/broadcasts", headers=as_user(sandbox, city.id))
        form = {"text": "周六下午茶，欢迎报名！", "form_key": key_in(composer.text)}
        answers = await asyncio.gather(
            *(
                client.post(SEND, data={**form, "unit": unit}, headers=as_user(sandbox, city.id))
                for unit in districts
            )
        )
    assert started(answers[0].text) == started(answers[1].text)
    assert len(await stored(sandbox)) == 1


async def test_an_organiser_sends_a_photo_on_a_desk(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    picture = tmp_path / "tea.jpg"
    picture.write_bytes(a_picture())
    async with open_mini_app(sandbox, served, organiser.id, width=1280, height=800) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await page.get_by_label("消息内容").fill("周六下午茶，欢迎报名！")
        await page.get_by_label("照片（可不选）").set_input_files(str(picture))
        await page.get_by_text("已选择照片").wait_for()
        image = page.locator("#broadcast-preview img")
        await image.wait_for()
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth === 64", arg=await image.element_handle()
        )
        preview = await page.locator("#broadcast-preview").inner_text()
        await page.screenshot(path=str(tmp_path / "broadcast-photo-1280.png"), full_page=True)
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.get_by_text("正在开始，进度见下方").wait_for()
        assert await page.locator("#broadcast-photo-chosen").inner_text() == ""
    await sandbox.settle()
    for telegram_id in in_pudong:
        received = [e for e in sandbox.api.chats[telegram_id] if e.from_bot][-1]
        assert received.kind == "photo" and received.text == preview.strip()


async def test_send_pressed_while_the_composer_is_counting_sends(
    sandbox: Sandbox, served: str
) -> None:
    from playwright.async_api import Error as PlaywrightError

    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    async with open_mini_app(sandbox, served, organiser.id, width=1280, height=800) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await settled(page, page.get_by_label("消息内容"))
        # The count of what was typed is slow to answer (a phone's network, a busy server).
        held: list[Route] = []
        await page.route("**/console/broadcasts/check", lambda route: held.append(route))
        await page.get_by_label("消息内容").fill("周六下午茶，欢迎报名！")
        await page.locator("#composer-check.htmx-request").wait_for(state="attached")
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.get_by_text("正在开始，进度见下方").wait_for()
        await page.unroute("**/console/broadcasts/check")
        for route in held:  # answered after all: the send's answer stays
            with contextlib.suppress(PlaywrightError):
                await route.continue_()
        await page.wait_for_function("() => !document.querySelector('.htmx-request')")
        assert await page.get_by_text("正在开始，进度见下方").is_visible()
    await sandbox.settle()
    [broadcast] = await stored(sandbox)
    assert broadcast.text == "周六下午茶，欢迎报名！"
    assert all(copies(sandbox, t, "周六下午茶，欢迎报名！") == 1 for t in in_pudong)


async def test_a_photo_that_cannot_be_sent_is_chosen_again_without_retyping(
    sandbox: Sandbox, served: str, tmp_path: Path
) -> None:
    organiser, _sibling, in_pudong, _ = await union_with_members(sandbox, 3)
    picture = tmp_path / "tea.jpg"
    picture.write_bytes(a_picture())
    async with open_mini_app(sandbox, served, organiser.id, width=1280, height=800) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await settled(page, page.get_by_label("消息内容"))
        await page.get_by_label("消息内容").fill("周六下午茶，欢迎报名！")
        await page.get_by_label("年龄", exact=True).fill("20")
        await choose(page, picture)
        await page.get_by_text("已选择照片").wait_for()
        # The token the page holds no longer passes (altered on the way, or the bot's token
        # changed since the photo was chosen). Send at once, while the composer may still be
        # counting: the press is not lost to the count.
        await page.eval_on_selector(
            "input[name=photo_token]", "input => { input.value = input.value.slice(0, -1) + 'x' }"
        )
        send = page.get_by_role("button", name="发送", exact=True)
        said = page.locator("#broadcast-photo-chosen .problem")
        for _press in range(2):  # pressed again, it is still not sent without the photo
            await send.click()
            await said.wait_for()
            assert await said.inner_text() == "请重新选择照片。"
            await page.wait_for_function("() => !document.querySelector('.htmx-request')")
            assert await page.get_by_role("button", name="去掉照片").is_visible()
            assert await stored(sandbox) == []
        assert await page.get_by_label("消息内容").input_value() == "周六下午茶，欢迎报名！"
        assert await page.get_by_label("年龄", exact=True).input_value() == "20"
        # The same file again, as soon as the refusal shows.
        await choose(page, picture)
        await page.get_by_text("已选择照片").wait_for()
        await page.locator("#broadcast-preview img").wait_for()
        assert await said.count() == 0
        await send.click()
        await page.get_by_text("正在开始，进度见下方").wait_for()
    await sandbox.settle()
    [broadcast] = await stored(sandbox)
    assert broadcast.photo_file_id is not None and broadcast.text == "周六下午茶，欢迎报名！"
    for telegram_id in in_pudong:
        received = [e for e in sandbox.api.chats[telegram_id] if e.from_bot][-1]
        assert received.kind == "photo" and received.text.startswith("周六下午茶，欢迎报名！")


async def choose(page: Page, picture: Path) -> None:
    """Choose a photo as an organiser does: the composer's button, then the browser's file
    chooser (the same file again is a new choice, as the chooser forgets its file when pressed)."""
    async with page.expect_file_chooser() as chooser:
        await page.get_by_text("选择照片", exact=True).click()
    await (await chooser.value).set_files(str(picture))


async def test_a_broadcast_sent_after_the_page_expired_keeps_what_was_typed(
    sandbox: Sandbox, served: str
) -> None:
    """Telegram never renews a page's initData: pressed an hour after opening the desk, 发送
    replaced the whole form with "页面已过期" and the message typed was gone. Now the form
    stays as typed, nothing is sent, and the notice says so and what to do; a download on
    an expired page says so too (it did nothing at all)."""
    organiser, *_ = await union_with_members(sandbox, 5)
    text = "周六下午茶，欢迎报名！\n地点：浦东图书馆三楼，带上朋友一起来。"
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await page.locator("#audience-count").get_by_text("将发给 5 位会员").wait_for()
        await page.get_by_label("消息内容").fill(text)
        await page.locator("#broadcast-preview").get_by_text("周六下午茶").wait_for()
        sandbox.clock.advance(timedelta(minutes=61))  # lunch
        await page.get_by_role("button", name="发送", exact=True).click()
        notice = page.locator("#request-failed")
        await notice.get_by_text("页面已过期，刚才的操作没有完成").wait_for()
        assert await page.get_by_label("消息内容").input_value() == text
        assert await page.get_by_role("button", name="发送", exact=True).is_visible()
        # A tab asked for afterwards shows the expired page, as before: nothing typed is lost.
        await page.get_by_role("link", name="概览", exact=True).click()
        await page.get_by_role("heading", name="页面已过期").wait_for()
    assert await stored(sandbox) == []


async def test_a_download_on_an_expired_page_says_so(sandbox: Sandbox, served: str) -> None:
    organiser, *_ = await union_with_members(sandbox, 5)
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        report = page.get_by_role("link", name="月度报告（Excel）")
        await report.wait_for()
        async with page.expect_download() as downloading:
            await report.click()
        assert (await downloading.value).suggested_filename == "monthly-report.xlsx"
        sandbox.clock.advance(timedelta(minutes=61))
        await report.click()
        await page.locator("#request-failed").get_by_text("页面已过期").wait_for()


async def test_send_pressed_right_after_typing_still_says_it_was_sent(
    sandbox: Sandbox, served: str
) -> None:
    """发送 pressed within the count's 400 ms of typing: the broadcast went out, but the count
    typed before it arrived after the send's answer and put "点击'发送'后立即发出" over "正在
    开始", the box emptied, as if the message had vanished unsent (an organiser's week)."""
    organiser, *_ = await union_with_members(sandbox, 5)
    async with open_mini_app(sandbox, served, organiser.id, width=360, height=740) as page:
        await page.get_by_role("link", name="群发", exact=True).click()
        await page.locator("#audience-count").get_by_text("将发给 5 位会员").wait_for()
        await page.get_by_label("消息内容").fill("今晚七点，滨江步道集合。")
        await page.get_by_role("button", name="发送", exact=True).click()  # at once
        check = page.locator("#composer-check")
        await check.get_by_text("正在开始，进度见下方").wait_for()
        await page.wait_for_timeout(1000)  # past the count's wait
        assert "正在开始" in await check.inner_text()
        assert "立即发出" not in await check.inner_text()
    assert len(await stored(sandbox)) == 1
