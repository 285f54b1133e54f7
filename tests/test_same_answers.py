"""Inputs are checked to the tighter of both databases, so SQLite and PostgreSQL answer the same:
text with NUL bytes, member numbers too long once normalised, numbers no column holds, ids no
row can have."""

from __future__ import annotations

import pytest

from bot.domain.buttons import EventOverview, JoinEvent, Like, Moderate
from bot.tools.sandbox import Sandbox
from tests.helpers import PUDONG, agree, publish, seed_union, sign_up
from tests.test_matching_bot import WOMAN

HOSTILE = [
    "/event_edit {event} title " + "长" * 150,
    "/event_edit {event} places 99999999999",
    "/event_edit 99999999999 title 改名",
    "/event_edit ２ title 全角数字",
    "/grant 99999999999999999999999 浦东新区总工会 organiser",
    "/grant 123 浦东\x00新区总工会 organiser",
    "/checkin \x00\x00\x00",
]


async def transcript(database_url: str) -> list[str]:
    """What the bot says to hostile input, on one database."""
    said: list[str] = []
    async with Sandbox(database_url=database_url) as sb:
        organiser, stranger = sb.user("浦东管理员"), sb.user("新人", phone="13900000000")
        wang = sb.user("小雨", phone=WOMAN[3])
        await seed_union(sb, [WOMAN], organisers={PUDONG: [organiser.id]})
        await sign_up(wang, WOMAN)
        event = await publish(sb, organiser)
        for line in HOSTILE:
            await organiser.send(line.format(event=event))
            said.append(organiser.last_text() or "")
        for data in (
            EventOverview(2**31 - 1).encode(),
            "ea:2147483648",
            "ea:-1",
            "ml:abc",
            Like(2**31 - 1).encode(),
            JoinEvent(0).encode(),
            Moderate("warn", 2**31 - 1).encode(),
            "x" * 64,
        ):
            await organiser.forge_press(data)
            said.append(organiser.last_alert() or organiser.last_text() or "")
        await agree(stranger)
        await stranger.share_contact()
        await stranger.send("王\x00小雨")
        said.append(stranger.last_text() or "")
        await stranger.send("Ｓ" * 41)  # a member number of 41 characters once made half-width
        said.append(stranger.last_text() or "")
        await wang.send("/edit")
        await wang.press("昵称")
        await wang.send("小\x00雨\x07")
        said.append(wang.last_text() or "")
        await wang.send("/feedback")
        await wang.send("留言\x00里有零字节")
        said.append(wang.last_text() or "")
    return said


# Through the shared fixture, which drops the databases it made at the end of the run (a
# second import of conftest keeps its own list, which nobody drops).
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_sqlite_and_postgresql_answer_hostile_input_alike(
    tmp_path,  # noqa: ANN001
    database_url: str,
) -> None:
    on_sqlite = await transcript(f"sqlite+aiosqlite:///{tmp_path}/same.db")
    on_postgres = await transcript(database_url)
    assert on_sqlite == on_postgres
    assert "请不超过 40 个字" in "".join(on_sqlite)  # the 41 full-width letters
    assert not any("出了点问题" in answer for answer in on_sqlite)  # no apology anywhere
