"""The desk's people: find a member of the organiser's unions by member number, phone or name
(``People.find``, the chat's /grant search), appoint them organiser, matchmaker or counsellor
of a unit, and take a role back. The forms carry the member number the search showed and the
listed role's id, never a Telegram id; the services check the scope where they write."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.i18n import N_
from bot.common.wording.roles import ROLE_NAMES
from bot.domain import free_text
from bot.domain.units import Role
from bot.services.administration import Decision, UnitNode
from bot.web.miniapp.pages import Pages, Refused, Viewer

# Offered first: what a district organiser appoints most.
OFFERED = (Role.MATCHMAKER, Role.COUNSELLOR, Role.ORGANISER)
REFUSED = N_(
    "You may appoint matchmakers and counsellors in your own unions, and organisers "
    "only in the unions below them."
)


class PeopleDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/people", guarded(self.listing)),
            Route("/console/people/find", guarded(self.find), methods=["POST"]),
            Route("/console/people/appoint", guarded(self.appoint), methods=["POST"]),
            Route("/console/people/revoke", guarded(self.revoke), methods=["POST"]),
        ]

    async def listing(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._page(viewer)

    async def find(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=2)
        query = str(form.get("q", ""))
        found = await self._pages.services.people.find(viewer.user.id, query)
        if found is None:
            raise Refused(403)
        nodes = await self._pages.services.administration.units.tree(viewer.user.id) or []
        _ = viewer.gettext
        return self._pages.render(
            viewer,
            "console/people_found.html",
            found=found,
            asked=free_text.clean(query, single_line=True)[:50],
            nodes=nodes,
            roles=[(role.value, _(ROLE_NAMES[role])) for role in OFFERED],
        )

    async def appoint(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        form = await request.form(max_files=0, max_fields=6)
        roster_unit = free_text.parse_id(str(form.get("roster_unit", "")))
        unit = free_text.parse_id(str(form.get("unit", "")))
        role = str(form.get("role", ""))
        if roster_unit is None or unit is None or role not in {r.value for r in Role}:
            return await self._page(viewer, _("Please search again and choose from the list."))
        decision, person = await self._pages.services.people.appoint(
            viewer.user.id, str(form.get("number", "")), roster_unit, unit, Role(role)
        )
        if decision == Decision.NOT_ALLOWED and person is None:
            raise Refused(403)
        units = {node.id: node.name for node in await self._nodes(viewer)}
        text = {
            Decision.DONE: _(
                "Done: {target} is now {role} of {unit}.",
                target=f"{person.real_name}（{person.employer}）" if person else "",
                role=_(ROLE_NAMES[Role(role)]),
                unit=units.get(unit, "—"),
            ),
            Decision.UNCHANGED: _("Nothing to change."),
            Decision.UNKNOWN: _(
                "Nobody with that member number or phone has joined 会会 in your unions."
            ),
            Decision.NOT_ALLOWED: _(REFUSED),
        }[decision]
        return await self._page(viewer, text, done=decision == Decision.DONE)

    async def revoke(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        form = await request.form(max_files=0, max_fields=2)
        holding = free_text.parse_id(str(form.get("holding", "")))
        if holding is None:
            return await self._page(viewer, _("Nothing to change."))
        decision = await self._pages.services.people.revoke(viewer.user.id, holding)
        if decision == Decision.NOT_ALLOWED:
            raise Refused(403)
        text = {
            Decision.DONE: _("The role was taken back."),
            Decision.UNCHANGED: _("Nothing to change."),
            Decision.UNKNOWN: _("Nothing to change."),
        }[decision]
        return await self._page(viewer, text, done=decision == Decision.DONE)

    async def _nodes(self, viewer: Viewer) -> list[UnitNode]:
        nodes = await self._pages.services.administration.units.tree(viewer.user.id)
        if nodes is None:
            raise Refused(403)
        return nodes

    async def _page(
        self, viewer: Viewer, message: str | None = None, done: bool = False
    ) -> HTMLResponse:
        nodes = await self._nodes(viewer)
        _ = viewer.gettext
        return self._pages.render(
            viewer,
            "console/people.html",
            nodes=nodes,
            role_names={role: _(label) for role, label in ROLE_NAMES.items()},
            message=message,
            done=done,
        )
