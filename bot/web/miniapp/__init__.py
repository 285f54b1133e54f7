"""The Mini Apps under ``/app/``: pages the server renders (Jinja2) and htmx swaps in, opened
from Telegram (or from a signed link on a desk, ``huihui console-link``).

Why server-rendered fragments and a vendored htmx rather than a JavaScript application: every
word stays in the message catalogs the chat uses, every rule stays in the services, and there
is no build step for ``make demo`` or ``make test``. ``static/app.js`` only hands Telegram's
initData to every request and follows Telegram's theme.

Every request but the shell and its static files carries the initData; the person's roles and
scope come from the database on every request, through the same services as the chat. This
package never imports storage (an import contract).
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from telegram import Bot

from bot.services.container import Services
from bot.web.miniapp.audit import AuditDesk
from bot.web.miniapp.broadcasts import BroadcastsDesk
from bot.web.miniapp.console import Console
from bot.web.miniapp.events import EventsDesk
from bot.web.miniapp.matchmakers import MatchmakersDesk
from bot.web.miniapp.member import MemberApp
from bot.web.miniapp.pages import Pages
from bot.web.miniapp.people import PeopleDesk
from bot.web.miniapp.reports import ReportsDesk
from bot.web.miniapp.review import ReviewDesk
from bot.web.miniapp.roster import RosterDesk
from bot.web.miniapp.units import UnitsDesk

STATIC = Path(__file__).with_name("static")


def routes(services: Services, bot: Bot | None = None) -> list[BaseRoute]:
    """The Mini Apps' routes, mounted on the bot's web server once the bot runs; ``bot``
    fetches members' photos from Telegram (without it, none is shown)."""
    pages = Pages(services)
    console = Console(pages)
    roster = RosterDesk(pages)
    return [
        Mount(
            "/app",
            routes=[
                Route("/", pages.shell),
                Route("/home", pages.guarded(pages.home)),
                *console.routes(),
                *roster.routes(),
                *EventsDesk(pages, bot).routes(),
                *BroadcastsDesk(pages, bot).routes(),
                *UnitsDesk(pages).routes(),
                *PeopleDesk(pages).routes(),
                *MatchmakersDesk(pages).routes(),
                *ReviewDesk(pages, bot).routes(),
                *ReportsDesk(pages).routes(),
                *AuditDesk(pages).routes(),
                *MemberApp(pages, bot).routes(),
                Mount("/static", StaticFiles(directory=STATIC)),
            ],
        )
    ]
