"""``huihui web-demo``: the offline sandbox with the demo's union, members, events and
conversations, and the Mini Apps served on 127.0.0.1 — one signed link per demo person, for a
browser on this machine. Serves until stopped."""

from __future__ import annotations

import asyncio
import io
import sys
from typing import TextIO

import uvicorn
from starlette.applications import Starlette

from bot.common.config import Settings
from bot.domain.units import Role
from bot.tools import demo, desk_cases, member_cases
from bot.tools.sandbox import Sandbox
from bot.web import miniapp
from bot.web.links import desk_link
from storage import units
from storage.models import UnitRole

SUPERADMIN_ID = 900_000
CITY_ORGANISER_ID = 900_003
COUNSELLOR_ID = 900_004
# Demo members whose pages are worth opening (their names in the demo's chats).
MEMBERS = ("小雨", "阿明", "Sam")


async def serve(
    settings: Settings, out: TextIO = sys.stdout, stop: asyncio.Event | None = None
) -> None:
    """Play the demo's journeys quietly, print a link per person, serve until ``stop`` (or
    Ctrl-C)."""
    async with Sandbox(
        default_language=settings.default_language,
        timezone=settings.timezone,
        start=demo.DEMO_START,
        superadmins=str(SUPERADMIN_ID),
        http_port=settings.http_port,
    ) as sb:
        people = [
            ("superadmin", sb.user("系统管理员", user_id=SUPERADMIN_ID), demo.CITY),
            (
                "organiser",
                sb.user("市总老王（上海市总工会管理员）", user_id=CITY_ORGANISER_ID),
                demo.CITY,
            ),
            (
                "organiser",
                sb.user("工会老张（浦东新区总工会管理员）", user_id=demo.ORGANISER_ID),
                demo.PUDONG,
            ),
            (  # a verified member too: her Mini App switches to her own pages
                "matchmaker",
                sb.user("红娘李姐（浦东新区总工会）", user_id=demo.MATCHMAKER_ID),
                demo.PUDONG,
            ),
            (
                "counsellor",
                sb.user("辅导员陈老师（浦东新区总工会）", user_id=COUNSELLOR_ID),
                demo.PUDONG,
            ),
        ]
        await demo.seed_demo_union(sb)
        async with sb.app.services.db.begin() as session:
            city = await units.by_name(session, demo.CITY)
            pudong = await units.by_name(session, demo.PUDONG)
            assert city is not None and pudong is not None
            session.add(
                UnitRole(telegram_id=CITY_ORGANISER_ID, unit_id=city.id, role=Role.ORGANISER)
            )
            session.add(
                UnitRole(telegram_id=COUNSELLOR_ID, unit_id=pudong.id, role=Role.COUNSELLOR)
            )
        director = demo.Director(sb, io.StringIO())  # the journeys, told to nobody
        for title, scene in demo.SCENES:
            await director.play(title, scene)
        await desk_cases.add(sb)  # something waiting in the desk's Review and Reports
        await member_cases.add(sb)  # photos, likes waiting, an event to come, a staff member
        people += [
            ("member", user, demo.PUDONG if user.first_name != "Sam" else demo.XUHUI)
            for user in sb.users
            if user.first_name in MEMBERS
        ]
        app = Starlette(routes=miniapp.routes(sb.app.services, sb.app.bot))
        server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=settings.http_port, log_level="warning", log_config=None
            )
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                serving.result()  # the port is taken: say so
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        out.write(f"会会 web demo on {base}/app/ — open a link below in a browser (Ctrl-C stops)\n")
        for role, user, unit in people:
            link = desk_link(
                sb.settings,
                user.id,
                sb.clock.now(),
                user.first_name,
                base,
                user.language_code or "zh",  # Sam's Telegram is in English: so are his pages
            )
            out.write(f"{role} {user.first_name} {unit} {link}\n")
        out.flush()
        try:
            await (stop.wait() if stop is not None else asyncio.Event().wait())
        finally:
            server.should_exit = True
            await serving
