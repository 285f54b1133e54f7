"""The union's figures of the past stay as they were when a member deletes their account
(issue 24: "figures of the past do not change"): the likes and the match she took part in are
still counted in /stats and on the desk's overview after /delete_me, though nothing of hers is
left."""

from __future__ import annotations

import re

from bot.tools.sandbox import Sandbox
from tests.test_retention import matched


def likes_and_matches(text: str) -> tuple[int, int]:
    found = re.search(r"喜欢：(\d+) · 互相喜欢：(\d+)", text)
    assert found is not None, text
    return int(found.group(1)), int(found.group(2))


async def test_a_match_is_still_counted_after_one_of_the_pair_deletes_her_account(
    sandbox: Sandbox,
) -> None:
    organiser = sandbox.user("工会老张")
    _hongniang, her, _ming = await matched(sandbox, organiser)
    await organiser.send("/stats")
    before = [t for t in organiser.texts() if "互相喜欢：" in t]
    assert len(before) == 1 and likes_and_matches(before[0]) == (2, 1)
    await her.send("/delete_me")
    await her.press("全部删除")
    assert "关于你的所有信息都已删除" in her.last_text()
    await organiser.send("/stats")
    after = [t for t in organiser.texts() if "互相喜欢：" in t]
    assert len(after) == 2 and likes_and_matches(after[-1]) == (2, 1)
    overview = await sandbox.app.services.statistics.overview(organiser.id)
    assert overview is not None and (overview.likes, overview.mutual_matches) == (2, 1)
