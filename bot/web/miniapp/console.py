"""The organisers' desk: the figures of their scope first, month by month for a year and per
unit beneath them, and the monthly report workbook. Each screen asks the services what the
person may see, exactly as the chat's commands do."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.common.wording.events import local_time
from bot.common.wording.monthly import (
    month_headers,
    month_row,
    monthly_workbook,
    unit_headers,
    unit_row,
)
from bot.common.wording.statistics import ACTIVITY_FIGURES, MEMBER_FIGURES
from bot.domain import N_, free_text
from bot.web.miniapp.pages import Pages, Refused

# The desk's first figure (the chat's /stats starts with those who signed up).
ON_ROSTER = N_("On the roster")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Console:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/overview", guarded(self.overview)),
            Route("/console/overview/months", guarded(self.months)),
            Route("/console/overview/report.xlsx", guarded(self.report)),
        ]

    async def overview(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services = pages.services
        figures = await services.statistics.overview(viewer.user.id)
        if figures is None:
            raise Refused(403)
        _ = viewer.gettext
        return pages.render(
            viewer,
            "console/overview.html",
            members=[
                (_(ON_ROSTER), figures.on_roster),
                *((_(label), getattr(figures, key)) for key, label in MEMBER_FIGURES),
            ],
            activity=[(_(label), getattr(figures, key)) for key, label in ACTIVITY_FIGURES],
            events=figures.events,
            moment=local_time(services.clock.now(), services.settings),
        )

    async def months(self, request: Request) -> HTMLResponse:
        """The year month by month and per unit: asked for once the overview is shown, so
        the figures of today do not wait for a year's."""
        pages = self._pages
        viewer = await pages.viewer(request)
        months = await pages.services.statistics.monthly(viewer.user.id)
        if months is None:
            raise Refused(403)
        _ = viewer.gettext
        return pages.render(
            viewer,
            "console/overview_months.html",
            month_headers=month_headers(_),
            months=[month_row(row, _) for row in reversed(months.months)],
            unit_headers=unit_headers(_),
            units=[(row.unit_id, row.depth, unit_row(row, _, indent="")) for row in months.units],
        )

    async def report(self, request: Request) -> Response:
        """The monthly report workbook of the person's unions, or of one unit (``?unit=``)."""
        pages = self._pages
        viewer = await pages.viewer(request)
        asked = request.query_params.get("unit")
        unit = free_text.parse_id(asked) if asked else None
        if asked and unit is None:
            raise Refused(403)
        services = pages.services
        months = await services.statistics.monthly(viewer.user.id, unit)
        if months is None:
            raise Refused(403)
        data = await asyncio.to_thread(
            monthly_workbook, viewer.gettext, months, services.settings, services.clock.now()
        )
        last = months.months[-1].month
        name = f"monthly-report-{unit or 'all'}-{last}.xlsx"
        return Response(
            data,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
