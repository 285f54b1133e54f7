"""The organisers' desk: the figures of their scope first. Each screen asks the services what
the person may see, exactly as the chat's commands do."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.events import local_time
from bot.common.wording.statistics import ACTIVITY_FIGURES, MEMBER_FIGURES
from bot.web.miniapp.pages import Pages, Refused


class Console:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        return [Route("/console/overview", self._pages.guarded(self.overview))]

    async def overview(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services = pages.services
        figures = await services.statistics.for_actor(viewer.user.id)
        if figures is None:
            raise Refused(403)
        _ = viewer.gettext
        return pages.render(
            viewer,
            "console/overview.html",
            members=[(_(label), getattr(figures, key)) for key, label in MEMBER_FIGURES],
            activity=[(_(label), getattr(figures, key)) for key, label in ACTIVITY_FIGURES],
            events=figures.events,
            moment=local_time(services.clock.now(), services.settings),
        )
