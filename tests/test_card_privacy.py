"""Cards carry no contact details and no real names: contact details are exchanged only after
both members like each other (issue 13, trust)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.photos import shows_a_code
from bot.domain.screening import Contact, contact_details, shows_real_name
from bot.tools.sandbox import Sandbox
from storage.models import Member
from tests.helpers import ZH_ANSWERS, answer, seed_union, verify
from tests.pictures import photo_with, qr
from tests.test_miniapp import as_user, web

CORPUS = Path(__file__).parent / "corpus"
WANG = ("王小雨", "SH0001", "上海申通地铁集团有限公司", "13800000001")
REFUSED = "联系方式会在双方都喜欢后再交换"


def lines(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


EVASIONS = lines("contact_evasions.txt")
HARMLESS = lines("contact_harmless.txt")


def test_the_corpora_are_large_enough_to_mean_something() -> None:
    assert len(EVASIONS) >= 100 and len(HARMLESS) >= 100


@pytest.mark.parametrize("text", EVASIONS)
def test_every_evasion_in_the_corpus_is_caught(text: str) -> None:
    assert contact_details(text) is not None


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_passes(text: str) -> None:
    assert contact_details(text) is None


def test_what_kind_of_detail_was_found() -> None:
    assert contact_details("一三八零零零零零零零一") == Contact.PHONE
    assert contact_details("V信 xiaoyu0912") == Contact.MESSENGER
    assert contact_details("xiaoyu艾特qq点com") == Contact.EMAIL
    assert contact_details("t.me/xiaoyu_sh") == Contact.LINK


def test_a_nickname_with_the_real_name_is_recognised_however_it_is_spaced() -> None:
    for nickname in ("王小雨", "王 小雨", "王·小雨", "我是王小雨呀", "王小雨2"):
        assert shows_real_name(nickname, "王小雨")
    for nickname in ("小雨", "雨天", "王", "阿雨"):
        assert not shows_real_name(nickname, "王小雨")


async def pledged(sandbox: Sandbox):
    wang = sandbox.user("小雨", phone="+86 138 0000 0001")
    await seed_union(sandbox, [WANG])
    await verify(wang, WANG[0], WANG[1], WANG[2])
    await wang.press("我承诺")
    return wang


async def test_an_introduction_with_a_phone_number_is_refused_kindly(sandbox: Sandbox) -> None:
    wang = await pledged(sandbox)
    await wang.send("王小雨")  # the nickname: the member's real name
    assert "不要用真实姓名" in wang.last_text()
    await answer(wang, ZH_ANSWERS["nickname"])
    for key in list(ZH_ANSWERS)[1:7]:  # gender … hometown
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("老家南通，微信 wang_xy96")  # the hometown
    assert REFUSED in wang.last_text()
    await wang.send("江苏南通")
    for key in (
        "marital_status",
        "hukou",
        "housing",
        "show_home",
        "hobbies",
        "marriage_timeline",
        "children",
        "live_with_parents",
        "spending",
        "weekends",
        "pets",
        "smoking",
    ):
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("性格开朗，加我微信 wang_xy96 或打 138 0000 0001")
    assert REFUSED in wang.last_text()
    await wang.send("性格开朗，喜欢爬山和QQ音乐里的老歌。")
    assert "照片" in wang.last_text()  # accepted: on to the photos
    await wang.send("/profile")


async def test_edit_cannot_put_contact_details_or_the_real_name_on_the_card(
    sandbox: Sandbox,
) -> None:
    wang = await pledged(sandbox)
    for steps in ZH_ANSWERS.values():
        await answer(wang, steps)
    await wang.send("/edit")
    await wang.press("昵称")
    await wang.send("王 小雨")
    assert "不要用真实姓名" in wang.last_text()
    await wang.send("小雨同学")
    assert "已保存" in wang.texts()[-2]
    await wang.send("/edit")
    await wang.press("自我介绍")
    await wang.send("邮箱 xiaoyu@qq.com，欢迎来信")
    assert REFUSED in wang.last_text()
    await wang.send("/profile")
    card = wang.last_text()
    assert "王小雨" not in card and "qq.com" not in card and "小雨同学" in card


async def test_photos_are_never_mistaken_for_contact_details(sandbox: Sandbox) -> None:
    """Telegram's file ids look like letter-and-digit runs ("AgACAgUAAxkBAAIBOl0SBZ7I1lOo"):
    the screen reads what people write, never file ids."""
    wang = sandbox.user("小雨", phone=WANG[3])
    await seed_union(sandbox, [WANG])
    await verify(wang, *WANG[:3])
    async with sandbox.app.services.db() as session:
        member_id = await session.scalar(select(Member.id))
    file_ids = ["AgACAgUAAxkBAAIBOl0SBZ7I1lOoSs8B", "AgACAgIAAxkBAAIFZ2Z0O1l5SBZ0OOlIl1234"]
    refused = await sandbox.app.services.onboarding.answer(member_id, "photos", file_ids)
    assert refused is None
    assert (await sandbox.app.services.onboarding.answers(member_id))["photos"] == file_ids


async def test_a_number_split_across_the_card_is_refused(sandbox: Sandbox) -> None:
    """Each field alone is clean; read together, nickname, hometown and introduction give a
    mobile number away (issue 22)."""
    wang = await pledged(sandbox)
    await wang.send("小雨138")  # the nickname
    for key in list(ZH_ANSWERS)[1:7]:  # gender … district
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("上海 1234")  # the hometown
    for key in list(ZH_ANSWERS)[8:20]:  # marital status … smoking
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("5678 周末见")  # the introduction: 138 1234 5678 with the other two
    assert REFUSED in wang.last_text()
    await wang.send("喜欢周末去郊外走走，1996年的，身高165。")
    assert "照片" in wang.last_text()  # accepted: numbers that make no phone number are fine
    await wang.send("/profile")
    assert "5678" not in wang.last_text()


async def test_invisible_characters_never_reach_a_card(sandbox: Sandbox) -> None:
    """Telegram does not display a zero-width space: it neither hides a WeChat id from the
    screen nor stays in what others read."""
    wang = await pledged(sandbox)
    await wang.send("小\u200b雨\u2060")  # the nickname
    for key in list(ZH_ANSWERS)[1:7]:
        await answer(wang, ZH_ANSWERS[key])
    await wang.send("微\u200b信 wang\u200b_xy96")  # the hometown
    assert REFUSED in wang.last_text()
    await wang.send("江苏\u200b南通\u202e")
    async with sandbox.app.services.db() as session:
        member_id = await session.scalar(select(Member.id))
    answers = await sandbox.app.services.onboarding.answers(member_id)
    assert answers["nickname"] == "小雨" and answers["hometown"] == "江苏南通"


async def test_a_photo_with_a_qr_code_is_refused_in_the_chat_and_the_mini_app(
    sandbox: Sandbox,
) -> None:
    """A WeChat QR code on a profile photo would hand everyone shown the card a way to add her
    elsewhere: refused kindly wherever a photo is added, and nothing is stored."""
    wang = await pledged(sandbox)
    for key in list(ZH_ANSWERS)[: list(ZH_ANSWERS).index("photos")]:
        await answer(wang, ZH_ANSWERS[key])
    await wang.send_photo(content=photo_with(qr(), side=180, turned=12))
    assert wang.last_text().startswith("这张照片里有二维码。联系方式要等你们互相喜欢后才交换")
    await wang.send_photo(content=photo_with(None))
    assert wang.last_text().startswith("收到（1/6）")
    await wang.press("完成")
    async with sandbox.app.services.db() as session:
        me = await session.scalar(select(Member.id).where(Member.telegram_id == wang.id))
    assert me is not None
    [kept] = (await sandbox.app.services.onboarding.answers(me))["photos"]
    assert not shows_a_code(sandbox.api.files[kept][1])

    async with web(sandbox) as client:
        refused = await client.post(
            "/app/member/profile/photos",
            files={"photo": ("风景.jpg", photo_with(qr(), inverted=True), "image/jpeg")},
            headers=as_user(sandbox, wang.id),
        )
    assert "这张照片里有二维码" in refused.text
    assert (await sandbox.app.services.onboarding.answers(me))["photos"] == [kept]
