"""The Mini Apps' gate: Telegram's initData checked as Telegram documents it (forged, altered,
expired and replayed-late data refused), roles and scope from the database on every request,
and the organisers' desk answering with exactly their scope's figures."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import delete
from starlette.applications import Starlette

from bot.domain.units import Role
from bot.tools.sandbox import SANDBOX_TOKEN, Sandbox
from bot.web import miniapp
from bot.web.initdata import sign, verify
from bot.web.links import desk_link
from bot.web.miniapp.pages import INIT_DATA_HEADER
from storage.models import UnitRole
from tests.helpers import PUDONG, seed_union, union_with_members
from tests.test_cli import huihui

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
TOKEN = "123456:telegram-test-token"
USER = {"id": 4242, "first_name": "老张", "language_code": "zh-hans"}


def test_data_signed_with_the_bots_token_is_believed() -> None:
    found = verify(sign(USER, TOKEN, NOW), TOKEN, NOW + timedelta(minutes=5), HOUR)
    assert found is not None and (found.id, found.first_name) == (4242, "老张")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: data.replace("4242", "4243"),  # another person's id
        lambda data: data.replace("%E8%80%81", "%E5%B0%8F"),  # a changed name
        lambda data: data + "&is_premium=true",  # a field added after signing
        lambda data: "&".join(p for p in data.split("&") if not p.startswith("hash=")),
        lambda data: data.replace("hash=", "hash=0"),
        lambda data: data + "&" + data,  # every field twice
        lambda data: "",
        lambda data: "user=%7B%22id%22%3A1%7D&hash=" + "0" * 64,
        lambda data: data + "&x=" + "a" * 5000,  # far larger than initData ever is
    ],
)
def test_forged_or_altered_data_is_refused(tamper) -> None:  # noqa: ANN001
    assert verify(tamper(sign(USER, TOKEN, NOW)), TOKEN, NOW, HOUR) is None


def test_another_bots_data_and_old_data_are_refused() -> None:
    assert verify(sign(USER, "999:other-bot", NOW), TOKEN, NOW, HOUR) is None
    assert verify(sign(USER, TOKEN, NOW - HOUR - timedelta(seconds=1)), TOKEN, NOW, HOUR) is None
    # A desk link's own expiry is shorter than Telegram's hour.
    desk = sign(USER, TOKEN, NOW, valid_for=timedelta(minutes=10))
    assert verify(desk, TOKEN, NOW + timedelta(minutes=9), HOUR) is not None
    assert verify(desk, TOKEN, NOW + timedelta(minutes=11), HOUR) is None


def test_values_are_checked_as_received_never_encoded_again() -> None:
    """Telegram adds fields (photo_url, signature, ...) and encodes as it likes: the check
    uses the values as they arrive, so data with characters that re-encode differently holds."""
    user = {**USER, "photo_url": "https://t.me/i/userpic/320/a+b%2Fc.svg", "last_name": "张 & 李"}
    data = sign(user, TOKEN, NOW)
    fields = dict(parse_qsl(data))
    respelled = urlencode(fields, safe=":/")  # the same values, encoded another way
    assert respelled != data
    assert verify(respelled, TOKEN, NOW, HOUR) is not None


def web(sb: Sandbox) -> httpx.AsyncClient:
    app = Starlette(routes=miniapp.routes(sb.app.services, sb.app.bot))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://desk")


def as_user(sb: Sandbox, telegram_id: int, *, at: datetime | None = None) -> dict[str, str]:
    user = {"id": telegram_id, "first_name": "某人", "language_code": "zh-hans"}
    return {INIT_DATA_HEADER: sign(user, SANDBOX_TOKEN, at or sb.clock.now())}


async def test_the_shell_carries_nothing_personal_and_pages_need_valid_data(
    sandbox: Sandbox,
) -> None:
    organiser, *_ = await union_with_members(sandbox, 3)
    async with web(sandbox) as client:
        shell = await client.get("/app/")
        assert shell.status_code == 200 and "/app/static/app.js" in shell.text
        assert "telegram-web-app.js" in shell.text
        for headers in (
            {},
            {INIT_DATA_HEADER: "user=%7B%22id%22%3A1%7D&auth_date=1&hash=00"},
        ):
            refused = await client.get("/app/console/overview", headers=headers)
            assert refused.status_code == 401
            assert "请从 Telegram 中打开" in refused.text and "注册" not in refused.text
        # Good data of a page left open for two hours: said as such, not "open it from
        # Telegram" to someone who did (a member's walk).
        old = as_user(sandbox, organiser.id, at=sandbox.clock.now() - timedelta(hours=2))
        stale = await client.get("/app/console/overview", headers=old)
        assert stale.status_code == 401 and "注册" not in stale.text
        assert "页面已过期" in stale.text and "请从 Telegram 中打开" not in stale.text
        script = await client.get("/app/static/app.js")
        assert script.status_code == 200 and INIT_DATA_HEADER in script.text


async def test_each_organiser_sees_exactly_their_scope_and_members_see_no_desk(
    sandbox: Sandbox,
) -> None:
    organiser, sibling, in_pudong, in_xuhui = await union_with_members(sandbox, 6, 2)
    async with web(sandbox) as client:
        pudong = await client.get("/app/console/overview", headers=as_user(sandbox, organiser.id))
        xuhui = await client.get("/app/console/overview", headers=as_user(sandbox, sibling.id))
        member = await client.get("/app/console/overview", headers=as_user(sandbox, in_pudong[0]))
        home = await client.get("/app/home", headers=as_user(sandbox, organiser.id))
        member_home = await client.get("/app/home", headers=as_user(sandbox, in_xuhui[0]))
    assert pudong.status_code == 200 and xuhui.status_code == 200
    assert "<b>6</b>注册" in pudong.text and "<b>2</b>注册" in xuhui.text
    assert member.status_code == 403 and "注册" not in member.text
    assert "概览" in home.text and "/app/console/overview" in home.text
    assert "/app/console/" not in member_home.text


async def test_a_role_taken_away_closes_the_desk_at_the_next_request(sandbox: Sandbox) -> None:
    organiser = sandbox.user("工会老张")
    await seed_union(sandbox, [], organisers={PUDONG: [organiser.id]})
    headers = as_user(sandbox, organiser.id)
    async with web(sandbox) as client:
        assert (await client.get("/app/console/overview", headers=headers)).status_code == 200
        async with sandbox.app.services.db.begin() as session:
            await session.execute(
                delete(UnitRole).where(
                    UnitRole.telegram_id == organiser.id, UnitRole.role == Role.ORGANISER
                )
            )
        assert (await client.get("/app/console/overview", headers=headers)).status_code == 403


def test_console_link_prints_a_desk_address_signed_for_ten_minutes(tmp_path: Path) -> None:
    done = huihui(
        "console-link", "4242", cwd=tmp_path, HUIHUI_BOT_TOKEN=TOKEN, HUIHUI_HTTP_PORT="8181"
    )
    assert done.returncode == 0, done.stderr
    address = urlsplit(done.stdout.strip())
    assert (address.scheme, address.netloc, address.path) == ("http", "127.0.0.1:8181", "/app/")
    data = unquote(address.fragment.removeprefix("tgWebAppData="))
    now = datetime.now(UTC)
    found = verify(data, TOKEN, now, HOUR)
    assert found is not None and found.id == 4242
    assert verify(data, TOKEN, now + timedelta(minutes=11), HOUR) is None
    assert json.loads(dict(parse_qsl(data))["user"])["id"] == 4242


def test_a_desk_link_needs_the_token() -> None:
    from bot.common.config import Settings

    with pytest.raises(ValueError):
        desk_link(Settings(_env_file=None), 1, NOW)


async def test_console_opens_the_desk_for_staff_only() -> None:
    async with Sandbox(public_url="https://huihui.example.org") as sb:
        organiser, member = sb.user("工会老张"), sb.user("小雨")
        matchmaker = sb.user("红娘小李")
        await seed_union(
            sb, [], organisers={PUDONG: [organiser.id]}, matchmakers={PUDONG: [matchmaker.id]}
        )
        for staff in (organiser, matchmaker):
            await staff.send("/console")
            reply = staff.bot_messages()[-1]
            assert reply.text.startswith("管理工作台会在窗口中打开")
            [[button]] = reply.inline_keyboard
            assert button["web_app"]["url"] == "https://huihui.example.org/app/"
            menu = sb.api.menu_buttons[staff.id]
            assert menu["type"] == "web_app" and menu["web_app"]["url"].startswith("https://")
        await member.send("/console")
        assert member.last_text() == "这个命令只供工会管理员、红娘和辅导员使用。"
        assert member.id not in sb.api.menu_buttons


async def test_console_without_a_public_address_says_what_to_set(sandbox: Sandbox) -> None:
    organiser, matchmaker = sandbox.user("工会老张"), sandbox.user("红娘小李")
    await seed_union(
        sandbox, [], organisers={PUDONG: [organiser.id]}, matchmakers={PUDONG: [matchmaker.id]}
    )
    await organiser.send("/console")
    assert "HUIHUI_PUBLIC_URL" in organiser.last_text()
    assert f"huihui console-link {organiser.id}" in organiser.last_text()
    assert organiser.id not in sandbox.api.menu_buttons
    # A matchmaker was shown the setting and the server's command too: hers is whom to ask.
    await matchmaker.send("/console")
    assert matchmaker.last_text() == "工作台还没有开通，请联系工会管理员。"


async def test_the_web_demo_prints_a_working_link_for_each_kind_of_person() -> None:
    from bot.common.config import Settings
    from bot.tools.web_demo import serve

    out, stop = io.StringIO(), asyncio.Event()
    serving = asyncio.create_task(serve(Settings(_env_file=None, http_port=0), out, stop))
    try:
        while out.getvalue().count("\n") < 2:
            assert not serving.done(), serving.exception()
            await asyncio.sleep(0.2)
        people = [line.split(" ") for line in out.getvalue().splitlines()[1:]]
        roles = [role for role, *_rest in people]
        for role in ("superadmin", "organiser", "matchmaker", "counsellor", "member"):
            assert role in roles
        assert len(people) >= 8 and all(link.startswith("http://127.0.0.1:") for *_, link in people)
        organiser = next(p for p in people if p[0] == "organiser" and p[2] == PUDONG)
        address = urlsplit(organiser[3])
        data = unquote(address.fragment.removeprefix("tgWebAppData="))
        base = f"{address.scheme}://{address.netloc}"
        async with httpx.AsyncClient(base_url=base) as client:
            overview = await client.get("/app/console/overview", headers={INIT_DATA_HEADER: data})
            member_link = next(p for p in people if p[0] == "member")[3]
            member_data = unquote(urlsplit(member_link).fragment.removeprefix("tgWebAppData="))
            refused = await client.get(
                "/app/console/overview", headers={INIT_DATA_HEADER: member_data}
            )
        assert overview.status_code == 200 and "浦东青年滨江徒步联谊" in overview.text
        assert refused.status_code == 403
    finally:
        stop.set()
        await serving


async def test_the_web_demo_has_something_on_every_member_screen() -> None:
    """小雨 has photos, people who liked her waiting, a match and an event to come with her
    check-in QR code; the matchmaker is a member too, so her Mini App has the switch; Sam, whose
    Telegram is in English, gets his pages in English."""
    import re

    from bot.common.config import Settings
    from bot.tools.member_cases import EVENT_TITLE
    from bot.tools.web_demo import serve

    out, stop = io.StringIO(), asyncio.Event()
    serving = asyncio.create_task(serve(Settings(_env_file=None, http_port=0), out, stop))
    try:
        while out.getvalue().count("\n") < 2:
            assert not serving.done(), serving.exception()
            await asyncio.sleep(0.2)
        links = {line.split(" ")[1]: line.split(" ")[3] for line in out.getvalue().splitlines()[1:]}

        def signed(name: str) -> dict[str, str]:
            data = unquote(urlsplit(links[name]).fragment.removeprefix("tgWebAppData="))
            return {INIT_DATA_HEADER: data}

        address = urlsplit(links["小雨"])
        async with httpx.AsyncClient(base_url=f"{address.scheme}://{address.netloc}") as client:
            xiaoyu = signed("小雨")
            profile = (await client.get("/app/member/profile", headers=xiaoyu)).text
            photos = re.findall(r'data-photo="([^"]+)"', profile)
            photo = await client.get(photos[0], headers=xiaoyu)
            likes = (await client.get("/app/member/likes", headers=xiaoyu)).text
            events = (await client.get("/app/member/events", headers=xiaoyu)).text
            mine = re.search(r'hx-get="(/app/member/events/\d+)"', events)
            assert mine is not None
            event = (await client.get(mine[1], headers=xiaoyu)).text
            matchmaker = next(name for name in links if name.startswith("红娘"))
            home = (await client.get("/app/home", headers=signed(matchmaker))).text
            sam = (await client.get("/app/home", headers=signed("Sam"))).text
            organiser = signed(next(name for name in links if name.startswith("工会老张")))
            listing = (await client.get("/app/console/events", headers=organiser)).text
            doors = re.findall(r'hx-get="(/app/console/events/\d+)"', listing)
            registrants = [(await client.get(door, headers=organiser)).text for door in set(doors)]
        # Everyone who signed up is on the roster: real names and employers, no "—".
        assert len(registrants) == 2
        assert all("<td>—</td>" not in page for page in registrants)
        assert "Hello, Sam" in sam  # his Telegram is in English, and so his link
        assert len(photos) == 3 and photo.headers["content-type"] == "image/jpeg"
        assert "TA 喜欢了你" in likes and "阿明" in likes  # waiting likes, and the match
        assert EVENT_TITLE in events and "我的签到二维码" in event
        assert "data:image/png;base64," in event
        assert "工作台" in home and "我的会会" in home
    finally:
        stop.set()
        await serving
