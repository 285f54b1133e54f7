"""The desk's units: the organiser's tree of unions, a new unit below any of them, and renaming
or moving the units below their own (``Administration.units`` checks each change against the
person's scope in the writing transaction and audits it). The units file stays for setting up
in bulk and for export."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.common.i18n import N_
from bot.domain import free_text
from bot.domain.units import UnitKind
from bot.services.administration import UnitChange
from bot.web.miniapp.pages import Pages, Refused, Viewer

KINDS = {
    UnitKind.CITY: N_("City federation of trade unions"),
    UnitKind.DISTRICT: N_("District trade union"),
    UnitKind.INDUSTRY: N_("Industry trade union"),
    UnitKind.WORKPLACE: N_("Workplace union (基层工会)"),
}
# Kinds a new unit may have: a city federation is set up once, from the units file.
NEW_KINDS = (UnitKind.WORKPLACE, UnitKind.DISTRICT, UnitKind.INDUSTRY)
CHANGES = {
    UnitChange.DONE: N_("Saved."),
    UnitChange.UNCHANGED: N_("Nothing to change."),
    UnitChange.OWN_UNION: N_(
        "You may add units below any of your unions, and rename or move those below your own."
    ),
    UnitChange.UNKNOWN: N_("There is no such unit."),
    UnitChange.BAD_NAME: N_("Please give a name of 1 to 100 characters."),
    UnitChange.NAME_TAKEN: N_("Another unit already has that name."),
    UnitChange.LOOP: N_("A unit cannot go under itself or under a unit below it."),
}


class UnitsDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/units", guarded(self.tree)),
            Route("/console/units/units.toml", guarded(self.units_file)),
            Route("/console/units/create", guarded(self.create), methods=["POST"]),
            Route("/console/units/{unit:int}/rename", guarded(self.rename), methods=["POST"]),
            Route("/console/units/{unit:int}/move", guarded(self.move), methods=["POST"]),
        ]

    async def tree(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._page(viewer)

    async def units_file(self, request: Request) -> Response:
        """The person's units as a units file, to keep or to load elsewhere."""
        viewer = await self._pages.viewer(request)
        text = await self._pages.services.administration.units.units_file(viewer.user.id)
        if text is None:
            raise Refused(403)
        return Response(
            text,
            media_type="application/toml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="units.toml"'},
        )

    async def create(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=4)
        parent = free_text.parse_id(str(form.get("parent", "")))
        kind = str(form.get("kind", ""))
        if parent is None or kind not in {k.value for k in NEW_KINDS}:
            return await self._page(viewer, UnitChange.UNKNOWN)
        desk = self._pages.services.administration.units
        changed = await desk.create(
            viewer.user.id, parent, str(form.get("name", "")), UnitKind(kind)
        )
        return await self._page(viewer, changed)

    async def rename(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=2)
        desk = self._pages.services.administration.units
        changed = await desk.rename(
            viewer.user.id, request.path_params["unit"], str(form.get("name", ""))
        )
        return await self._page(viewer, changed)

    async def move(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=2)
        parent = free_text.parse_id(str(form.get("parent", "")))
        if parent is None:
            return await self._page(viewer, UnitChange.UNKNOWN)
        desk = self._pages.services.administration.units
        changed = await desk.move(viewer.user.id, request.path_params["unit"], parent)
        return await self._page(viewer, changed)

    async def _page(self, viewer: Viewer, changed: UnitChange | None = None) -> HTMLResponse:
        if changed == UnitChange.NOT_ALLOWED:  # another union's unit, or no organiser at all
            raise Refused(403)
        nodes = await self._pages.services.administration.units.tree(viewer.user.id)
        if nodes is None:
            raise Refused(403)
        _ = viewer.gettext
        return self._pages.render(
            viewer,
            "console/units.html",
            nodes=nodes,
            kinds={kind: _(label) for kind, label in KINDS.items()},
            new_kinds=NEW_KINDS,
            message=_(CHANGES[changed]) if changed else None,
            done=changed == UnitChange.DONE,
        )
