"""Logs never carry members' data or the bot token, not even at DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.logs import QUIETED, configure_logging
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from tests.helpers import seed_union, sign_up
from tests.test_matching_bot import MAN, WOMAN, card_for, man_script


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    handler = configure_logging("DEBUG", [SANDBOX_TOKEN], stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)
    for name, previous in levels.items():
        logging.getLogger(name).setLevel(previous)


async def test_a_whole_journey_at_debug_leaves_no_personal_data_in_the_log(
    debug_log: io.StringIO, tmp_path: Path
) -> None:
    # A new database file, migrated as the bot starts: the migrations write DEBUG lines.
    async with Sandbox(database_url=f"sqlite+aiosqlite:///{tmp_path}/new.db") as sb:
        xiaoyu = sb.user("小雨", phone=WOMAN[3], username="xiaoyu_sh")
        ming = sb.user("阿明", phone=MAN[3])
        await seed_union(sb, [WOMAN, MAN])
        await sign_up(xiaoyu, WOMAN)
        await sign_up(ming, MAN, man_script("阿明"))
        await ming.send("/match")
        await card_for(ming, "小雨")
        await ming.press("❤️")
        await xiaoyu.send("/match")
        await xiaoyu.press("❤️")
        await ming.share_contact()
        await xiaoyu.send("/feedback")
        await xiaoyu.send("我的微信是 xy_private_88")
        sb.api.inject_error(ming.chat_id, "network", times=1)
        await ming.send("/profile")  # a failure, logged
    log = debug_log.getvalue()
    assert "DEBUG" in log  # the level was really DEBUG
    personal = [
        *WOMAN,
        *MAN,
        str(xiaoyu.id),
        str(ming.id),
        "xiaoyu_sh",
        "xy_private_88",
        "喜欢周末去郊外走走",
        "江苏南通",
        SANDBOX_TOKEN,
        SANDBOX_TOKEN.split(":")[1],
    ]
    leaked = [value for value in personal if value and value in log]
    assert leaked == [], leaked
