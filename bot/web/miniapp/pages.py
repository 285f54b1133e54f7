"""What every Mini App page needs: who is asking (Telegram's initData, checked on every
request), in which language, and rendering a template with the catalogs' words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.common.i18n import N_, Translator, translator
from bot.domain.free_text import MAX_ID
from bot.services.container import Services
from bot.web.initdata import WebAppUser, expired, verify

# The header app.js puts Telegram's initData in (a form field would end up in access logs).
INIT_DATA_HEADER = "X-Telegram-Init-Data"
TEMPLATES = Path(__file__).with_name("templates")


class Refused(Exception):
    """A request the person may not make: 401 (no valid initData), 403 (not their scope)."""

    def __init__(self, status: int, *, expired: bool = False) -> None:
        super().__init__(status)
        self.status = status
        self.expired = expired


# What a refusal says, in the person's language when known.
REFUSALS = {
    401: (
        N_("Please open this from Telegram"),
        N_("This page only works when opened from the bot in Telegram, or from a fresh link."),
    ),
    403: (
        N_("Not yours to see"),
        N_("This part is for the organisers of the unions it belongs to."),
    ),
    404: (
        N_("Nothing to show here"),
        N_("It is not yours to see, or it is no longer there."),
    ),
    411: (N_("The file did not arrive"), N_("Please choose the file again.")),
}
# A 401 for good data that is too old: a page left open for an hour, not a forged request.
EXPIRED = (
    N_("This page has expired"),
    N_(
        "Close it and open it again from the bot in Telegram (opened from a link on a "
        "computer: ask the bot for a new link)."
    ),
)
Endpoint = Callable[[Request], Awaitable[Response]]
# The most a form of the Mini Apps sends, a photo or a roster file aside: the longest broadcast
# or event description, percent-encoded, is a few tens of KB. Starlette alone would read up to
# 1 MB per field, a form's many fields together tens of MB.
MAX_FORM_BYTES = 256 * 1024


def _oversized(request: Request) -> Response | None:
    """A plain refusal for a body too large for any form (htmx shows no page for it, and no
    form of the apps sends one), or one that does not say its size; None otherwise."""
    size = request.headers.get("content-length")
    if size is None:
        chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        return Response(status_code=411) if chunked else None
    if not size.isdigit() or int(size) > MAX_FORM_BYTES:
        return Response(status_code=413)
    return None


@dataclass(frozen=True)
class Viewer:
    user: WebAppUser
    gettext: Translator


class Pages:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._templates = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    async def viewer(self, request: Request) -> Viewer:
        """The person whose Telegram initData the request carries; 401 without valid data."""
        settings = self.services.settings
        if settings.bot_token is None:  # nothing to check a signature with: nobody is believed
            raise Refused(401)
        presented = (
            request.headers.get(INIT_DATA_HEADER, ""),
            settings.bot_token.get_secret_value(),
            self.services.clock.now(),
            timedelta(seconds=settings.init_data_max_age),
        )
        user = verify(*presented)
        if user is None:
            raise Refused(401, expired=expired(*presented))
        language = await self.services.languages.resolve(user.id, user.language_code)
        return Viewer(user, translator(language))

    def render(self, viewer: Viewer | None, template: str, **values: Any) -> HTMLResponse:
        _ = viewer.gettext if viewer else translator(self.services.settings.default_language)
        page = self._templates.get_template(template)
        return HTMLResponse(page.render(_=_, language=_.language, **values))

    def guarded(self, endpoint: Endpoint, *, upload: bool = False) -> Endpoint:
        """The endpoint, with refusals answered as a page that says why (never a traceback).
        A form's body is refused by its size before it is read: over ``MAX_FORM_BYTES`` (413),
        or sent without saying its size (411); an ``upload`` endpoint checks its own bound."""

        async def guarded_endpoint(request: Request) -> Response:
            if not upload and (refused := _oversized(request)) is not None:
                return refused
            try:
                if not all(_fits_a_row(value) for value in request.path_params.values()):
                    raise Refused(404)  # no such row: a database would refuse the number
                return await endpoint(request)
            except Refused as refused:
                heading, text = EXPIRED if refused.expired else REFUSALS[refused.status]
                _ = translator(self.services.settings.default_language)
                page = self.render(None, "refused.html", heading=_(heading), text=_(text))
                page.status_code = refused.status
                if refused.expired:  # app.js keeps a form sent too late on screen
                    page.headers["X-Huihui-Expired"] = "1"
                return page

        return guarded_endpoint

    async def shell(self, request: Request) -> HTMLResponse:
        """The page Telegram opens: it loads the scripts, then asks for ``/app/home`` with the
        initData. Nothing personal is in it."""
        return self.render(None, "shell.html")

    async def home(self, request: Request) -> HTMLResponse:
        """The menu for what the person may do: the desk for staff, the member's pages, and
        for staff who are members too both, one at a time (``?view=member``)."""
        viewer = await self.viewer(request)
        roles = {r.value for r in await self.services.administration.roles_of(viewer.user.id)}
        status = await self.services.onboarding.member(viewer.user.id)
        # Staff who are verified members keep their member's pages: a switch between the two.
        both = bool(roles) and status is not None and status.verified
        as_member = not roles or (both and request.query_params.get("view") == "member")
        return self.render(
            viewer,
            "home.html",
            roles=set() if as_member else roles,
            user=viewer.user,
            both=both,
            as_member=as_member,
        )


def _fits_a_row(value: object) -> bool:
    """An id in an address names a row only within the columns' range: a larger one
    (/member/people/99999999999999999999) made the database raise (asyncpg: out of int32
    range; SQLite: too large to convert), answered 500 where any other unknown id is 404."""
    return not isinstance(value, int) or 0 <= value <= MAX_ID
