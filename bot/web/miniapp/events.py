"""The desk's events: the organiser's events with their figures, creating and changing one in a
form (``event_form``), what members were told of it (time, place, places left, who may sign up,
until when), its sign-up link and QR poster to share (the chat's /events poster), cancelling
it (everyone registered is told, as by the chat's button), the registrants by badge with their
verified identity (every look audited by the service), the sign-in sheet as the chat's workbook
or a page to print, and check-in at the door by badge number or by scanning the member's
personal QR code with Telegram's scanner popup (``showScanQrPopup``; the code is
``bot.domain.check_in_pass``)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from telegram import Bot

from bot.common.i18n import N_
from bot.common.poster import event_poster_of, sign_up_link
from bot.common.wording.events import event_time, local_time, places_text, who_may_sign_up
from bot.common.wording.sign_in import SignInSheet, sign_in_sheet
from bot.domain import free_text
from bot.domain.events import Conditions, EventStatus, RegistrationStatus
from bot.services.events.organising import Door, DoorCheckIn
from bot.services.events.places import capacity
from bot.services.events.results import Change, Overview
from bot.web.miniapp.event_form import EventForms
from bot.web.miniapp.event_groups import EventGroups
from bot.web.miniapp.pages import Pages, Refused, Viewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The printed page's columns of the workbook's: 序号, 姓名, 单位, 电话, 签名.
PRINTED = (0, 2, 3, 4, 9)
# What the door's answer says, by what happened.
DOOR = {
    Door.CHECKED_IN: N_("Checked in: #{badge} {nickname}"),
    Door.ALREADY: N_("#{badge} {nickname} had already checked in"),
    Door.NO_SUCH_BADGE: N_("Nobody has badge #{badge} at this event"),
    Door.TOO_EARLY: N_("Check-in opens at {time}"),
    Door.CANCELLED: N_("This event is cancelled: nobody is checked in"),
    Door.NOT_REGISTERED: N_(
        "#{badge} {nickname} has no place (waitlist or withdrawn): not checked in"
    ),
    Door.NOT_A_PASS: N_(
        "This is not a check-in code of 会会, or it was altered: nobody checked in"
    ),
    Door.OTHER_EVENT: N_("This member's code is for another event: nobody checked in"),
    Door.NOT_SIGNED_UP: N_("This member has not signed up for this event: not checked in"),
}
# The longest code a scanner may hand over that is worth reading (ours are under 50).
MAX_CODE = 200


class EventsDesk:
    def __init__(self, pages: Pages, bot: Bot | None = None) -> None:
        """``bot`` names the sign-up link (without it, no link or poster is offered)."""
        self._pages = pages
        self._bot = bot
        self._forms = EventForms(pages, self)

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        base = "/console/events"
        return [
            Route(base, guarded(self.listing)),
            Route(base + "/{event:int}", guarded(self.detail)),
            Route(base + "/{event:int}/check-in", guarded(self.check_in), methods=["POST"]),
            Route(base + "/{event:int}/scan", guarded(self.scan), methods=["POST"]),
            Route(base + "/{event:int}/sign-in", guarded(self.print_view)),
            Route(base + "/{event:int}/sign-in.xlsx", guarded(self.workbook)),
            Route(base + "/{event:int}/poster.png", guarded(self.poster)),
            Route(base + "/{event:int}/cancel", guarded(self.cancel), methods=["POST"]),
            *self._forms.routes(),
            *EventGroups(self._pages).routes(),
        ]

    async def listing(self, request: Request, notice: str | None = None) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        organising = pages.services.events.organising
        found = await organising.listing(viewer.user.id)
        if found is None:
            raise Refused(403)
        overviews = [await organising.overview(viewer.user.id, event.id) for event in found]
        return pages.render(
            viewer,
            "console/events.html",
            events=[
                (o.event, o.funnel, self._time(o.event.starts_at))
                for o in reversed(overviews)
                if o is not None
            ],
            notice=notice,
        )

    async def detail(self, request: Request, notice: str | None = None) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        event_id = request.path_params["event"]
        found = await pages.services.events.organising.overview(viewer.user.id, event_id)
        sheet = await pages.services.events.organising.sheet(viewer.user.id, event_id)
        if found is None or sheet is None:
            raise Refused(403)
        return pages.render(
            viewer,
            "console/events_detail.html",
            event=found.event,
            funnel=found.funnel,
            facts=self._facts(viewer, found),
            link=self._link(found.event.id),
            cancelled=found.event.status == EventStatus.CANCELLED,
            cancellable=pages.services.events.organising.cancellable(found.event),
            rows=sheet[1],
            registered=RegistrationStatus.REGISTERED,
            notice=notice,
        )

    def _facts(self, viewer: Viewer, found: Overview) -> list[tuple[str, str]]:
        """What members were told of the event, as the organiser checks it."""
        _ = viewer.gettext
        event, settings = found.event, self._pages.services.settings
        held = capacity(event)
        places = places_text(held, _)
        left = held.left(found.funnel.held)
        if left is not None:
            places += " · " + (_("{count} left", count=left) if left else _("full"))
        questionnaire = self._pages.services.onboarding.questionnaire
        who = who_may_sign_up(Conditions.from_json(event.conditions), questionnaire, _)
        return [
            (_("When"), event_time(event, settings)),
            (_("Venue"), event.venue or _("Online")),
            (_("Places"), places),
            (_("Who may sign up"), " · ".join(who) or _("any")),
            (_("Sign-up closes"), local_time(event.signup_deadline, settings)),
            (_("Members are told"), local_time(event.announce_at, settings)),
        ]

    def _link(self, event_id: int) -> str | None:
        username = self._bot.username if self._bot is not None else None
        return sign_up_link(username, event_id) if username else None

    async def check_in(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        event_id = request.path_params["event"]
        form = await request.form(max_files=0, max_fields=2)
        typed = str(form.get("badge", "")).strip().lstrip("#＃").removesuffix("号")
        badge = free_text.parse_id(typed, maximum=99_999)
        if badge is None:
            if await pages.services.events.organising.managed(viewer.user.id, event_id) is None:
                raise Refused(403)
            return pages.render(
                viewer,
                "console/events_door.html",
                text=_("Please type the number on the badge, such as 12."),
                done=False,
            )
        door = await pages.services.events.organising.check_in_badge(
            viewer.user.id, event_id, badge
        )
        return self._door(viewer, door)

    async def scan(self, request: Request) -> HTMLResponse:
        """What Telegram's QR scanner read at the door: a member's personal code."""
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=2)
        code = str(form.get("code", ""))[:MAX_CODE]
        door = await self._pages.services.events.organising.check_in_pass(
            viewer.user.id, request.path_params["event"], code
        )
        return self._door(viewer, door)

    def _door(self, viewer: Viewer, door: DoorCheckIn | None) -> HTMLResponse:
        if door is None:
            raise Refused(403)
        _ = viewer.gettext
        return self._pages.render(
            viewer,
            "console/events_door.html",
            text=_(
                DOOR[door.status],
                badge=door.badge,
                nickname=door.nickname,
                time=self._time(door.opens_at) if door.opens_at else "",
            ),
            done=door.status == Door.CHECKED_IN,
            badge=door.badge,
            funnel=door.funnel,
        )

    async def poster(self, request: Request) -> Response:
        """The chat's QR poster of the sign-up link, to print or post in a group chat."""
        pages = self._pages
        viewer = await pages.viewer(request)
        event = await pages.services.events.organising.managed(
            viewer.user.id, request.path_params["event"]
        )
        link = self._link(event.id) if event is not None else None
        if event is None or link is None:
            raise Refused(403 if event is None else 404)
        host = await pages.services.administration.unit_name(event.unit_id)
        image = await asyncio.to_thread(
            event_poster_of, event, link, host, pages.services.settings, viewer.gettext
        )
        return Response(
            image,
            media_type="image/png",
            headers={"Content-Disposition": f'attachment; filename="event-{event.id}.png"'},
        )

    async def cancel(self, request: Request) -> HTMLResponse:
        """Cancel the event: everyone registered or waiting is told (the chat's button)."""
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        event_id = request.path_params["event"]
        organising = pages.services.events.organising
        event = await organising.managed(viewer.user.id, event_id)
        if event is None:
            raise Refused(403)
        told = await organising.cancel(viewer.user.id, event_id)
        if told == Change.PAST:
            notice = _("This event has begun, so it can no longer be cancelled.")
            return await self.detail(request, notice=notice)
        if isinstance(told, Change):  # cancelled already, by another organiser or a second press
            return await self.detail(request, notice=_("This event was cancelled."))
        return await self.detail(
            request,
            notice=_("The event is cancelled; {count} member(s) are being told.", count=told),
        )

    async def print_view(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        made = await self._sheet(viewer, request.path_params["event"])
        return self._pages.render(viewer, "console/sign_in.html", sheet=made, columns=PRINTED)

    async def workbook(self, request: Request) -> Response:
        viewer = await self._pages.viewer(request)
        event_id = request.path_params["event"]
        made = await self._sheet(viewer, event_id)
        data = await asyncio.to_thread(made.workbook)
        return Response(
            data,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="event-{event_id}-sign-in.xlsx"'
            },
        )

    async def _sheet(self, viewer: Viewer, event_id: int) -> SignInSheet:
        """The same sheet the chat sends (the service audits the look)."""
        services = self._pages.services
        found = await services.events.organising.sheet(viewer.user.id, event_id)
        if found is None:
            raise Refused(403)
        event, rows = found
        host = await services.administration.unit_name(event.unit_id)
        now = services.clock.now()
        return sign_in_sheet(viewer.gettext, event, rows, host, services.settings, now)

    def _time(self, moment: datetime) -> str:
        return local_time(moment, self._pages.services.settings)
