"""Photo review (issue 14, point 3): a union may set ``review_photos``; its members' new photos
show on cards only once an organiser of the union approved them in /review."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from bot.domain import buttons as b
from bot.domain.units import UnitsFileError, parse_units
from bot.tools.sandbox import Sandbox, SimulatedUser
from storage.models import OrgUnit
from tests.helpers import PUDONG, XUHUI, ZH_ANSWERS, seed_union, sign_up
from tests.test_matching_bot import MAN, WOMAN, card_for, man_script


def test_the_units_file_says_which_unions_review_photos() -> None:
    [unit] = parse_units("[[unit]]\nname='A'\nkind='city'\nreview_photos=true\n")
    assert unit.review_photos is True
    with pytest.raises(UnitsFileError, match="review_photos must be true or false"):
        parse_units("[[unit]]\nname='A'\nkind='city'\nreview_photos='yes'\n")


async def signs_up_with_a_photo_to_review(sb: Sandbox, member: SimulatedUser) -> None:
    """浦东 reviews photos; the member (WOMAN) signs up with one photo."""
    async with sb.app.services.db.begin() as session:
        await session.execute(
            update(OrgUnit).where(OrgUnit.name == PUDONG).values(review_photos=True)
        )
    script = dict(ZH_ANSWERS)
    script["photos"] = [("photo", ""), ("press", "完成")]
    await sign_up(member, WOMAN, script)


async def test_new_photos_show_once_an_organiser_approves(sandbox: Sandbox) -> None:
    organiser, sibling = sandbox.user("浦东管理员"), sandbox.user("徐汇管理员")
    xiaoyu = sandbox.user("小雨", phone=WOMAN[3])
    ming = sandbox.user("阿明", phone=MAN[3])
    await seed_union(
        sandbox, [WOMAN, MAN], organisers={PUDONG: [organiser.id], XUHUI: [sibling.id]}
    )
    await signs_up_with_a_photo_to_review(sandbox, xiaoyu)
    assert organiser.last_text() == "有会员上传了新照片，等待你审核：/review"
    await sign_up(ming, MAN, man_script("阿明"))

    await ming.send("/match")
    await card_for(ming, "小雨")
    assert ming.bot_messages()[-1].kind == "text"  # not approved yet: no photo on her card
    await xiaoyu.send("/profile")
    assert xiaoyu.bot_messages()[-1].kind == "photo"  # she sees her own photo

    await sibling.send("/review")  # another union's organiser sees nothing of hers
    assert sibling.last_text() == "你负责的工会里没有待审核的身份核实。"
    await organiser.send("/review")
    request = organiser.bot_messages()[-1]
    assert request.kind == "photo" and request.text == "小雨的新照片：可以展示给其他会员吗？"
    review_id = b.parse(request.inline_keyboard[0][0]["callback_data"]).review
    await sibling.forge_press(b.ApprovePhoto(review_id).encode())
    assert sibling.last_alert() == "只有该会员所在工会的管理员可以审核。"
    await organiser.press("通过")
    assert organiser.last_text() == "✅ 已通过，其他会员现在可以看到。"

    await ming.press("下一位")
    await ming.send("/match")
    await ming.press("再看看跳过的人")
    await card_for(ming, "小雨")
    assert ming.bot_messages()[-1].kind == "photo"  # approved: now on her card
    await xiaoyu.send("/export_me")
    exported = json.loads(sandbox.api.files[xiaoyu.bot_messages()[-1].file_id][1])
    assert [r["状态"] for r in exported["照片审核"]] == ["已通过"]
