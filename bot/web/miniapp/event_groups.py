"""The desk's smart groups for an event: a draft of the people checked in (made by the chat's
grouping, ``Organising.groups``), adjusted by moving a person into another group, and only
then confirmed, when each member is told their group through the durable notice outbox. Before
check-in opens, or while fewer than two have arrived, there is nothing to group and the page
says so. Every rule is the service's; this page shows the draft and passes the presses on."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.events import local_time
from bot.domain import free_text
from bot.services.events.organising import MIN_TO_GROUP, STALE
from bot.services.events.results import GroupDraft
from bot.web.miniapp.pages import Pages, Refused, Viewer

# The group sizes the chat offers (its buttons): the desk offers the same.
SIZES = (6, 8)
# The longest draft version worth reading (ours are 12 characters).
MAX_VERSION = 40


class EventGroups:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        base = "/console/events/{event:int}/groups"
        return [
            Route(base, guarded(self.show), methods=["GET", "POST"]),
            Route(base + "/move", guarded(self.move), methods=["POST"]),
            Route(base + "/send", guarded(self.send), methods=["POST"]),
        ]

    async def show(self, request: Request) -> HTMLResponse:
        """GET: the draft as recorded; POST (``size``): a new draft of the people checked in."""
        pages = self._pages
        viewer = await pages.viewer(request)
        organising = pages.services.events.organising
        event_id = request.path_params["event"]
        if request.method == "GET":
            draft = await organising.group_draft(viewer.user.id, event_id)
            return self._draft(viewer, event_id, draft)
        form = await request.form(max_files=0, max_fields=2)
        size = free_text.parse_id(str(form.get("size", "")))
        if size not in SIZES:
            size = SIZES[0]
        draft = await organising.groups(viewer.user.id, event_id, size)
        return self._draft(viewer, event_id, draft, made=True)

    async def move(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        event_id = request.path_params["event"]
        organising = pages.services.events.organising
        form = await request.form(max_files=0, max_fields=4)
        version = str(form.get("version", ""))[:MAX_VERSION]
        member = free_text.parse_id(str(form.get("member", "")))
        to_group = free_text.parse_id(str(form.get("to", "")), maximum=100_000)
        moved = None
        if member is not None and to_group is not None:
            moved = await organising.move_in_draft(
                viewer.user.id, event_id, version, member, to_group
            )
        if isinstance(moved, GroupDraft):
            return self._draft(viewer, event_id, moved, notice=_("Moved. Nobody has been told."))
        draft = await organising.group_draft(viewer.user.id, event_id)
        return self._draft(
            viewer,
            event_id,
            draft,
            problem=_("The groups have changed since: here is the newest draft; please try again."),
        )

    async def send(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        event_id = request.path_params["event"]
        organising = pages.services.events.organising
        form = await request.form(max_files=0, max_fields=2)
        version = str(form.get("version", ""))[:MAX_VERSION]
        told = await organising.send_groups(viewer.user.id, event_id, version)
        if told is None:
            raise Refused(403)
        draft = await organising.group_draft(viewer.user.id, event_id)
        if told == STALE:
            return self._draft(
                viewer,
                event_id,
                draft,
                problem=_("These groups have been made again since: confirm the newest draft."),
            )
        return self._draft(
            viewer,
            event_id,
            draft,
            notice=_("Sent: {count} members have their group.", count=told),
        )

    def _draft(
        self,
        viewer: Viewer,
        event_id: int,
        draft: GroupDraft | None,
        *,
        made: bool = False,
        notice: str | None = None,
        problem: str | None = None,
    ) -> HTMLResponse:
        if draft is None:
            raise Refused(403)
        settings = self._pages.services.settings
        return self._pages.render(
            viewer,
            "console/events_groups.html",
            event_id=event_id,
            draft=draft,
            sizes=SIZES,
            opens=local_time(draft.opens_at, settings) if draft.opens_at else None,
            made=made,
            notice=notice,
            problem=problem,
            alone=[n for n, g in enumerate(draft.groups, 1) if len(g) < MIN_TO_GROUP],
        )
