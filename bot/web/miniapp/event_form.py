"""The desk's event form: create an event as /event_new does (the union, what and when with
date and time pickers, venue, places and per-gender quotas, who may sign up, when sign-up
closes and when members are told), and change one as /event_edit does (title, description,
venue, start, places). The form is read by ``bot.services.events.form`` with the chat's rules;
the event is published and changed by ``bot.services.events.organising``, which checks the
organiser's scope where it writes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.i18n import Translator
from bot.common.wording.events import local_time
from bot.domain.events import Conditions, EventStatus
from bot.domain.free_text import Invalid
from bot.services.events.form import (
    AFTER_START,
    ANNOUNCE_LATE,
    ANNOUNCED,
    PAST,
    SIGN_UP_PASSED,
    EventEdit,
    Problems,
    announcement_pending,
    read_event_edit,
    read_new_event,
)
from bot.services.events.results import Change
from bot.web.miniapp.pages import Pages, Refused, Viewer


class EventPages(Protocol):
    """The events tab's pages the form returns to (``bot.web.miniapp.events.EventsDesk``)."""

    async def listing(self, request: Request, notice: str | None = None) -> HTMLResponse: ...

    async def detail(self, request: Request, notice: str | None = None) -> HTMLResponse: ...


# What a service refused that the form had found right (time moved on meanwhile, or another
# organiser changed the event): the field to mark and why.
RACED = {
    Change.PAST: ("deadline", PAST),
    Change.AFTER_START: ("deadline", AFTER_START),
    Change.ANNOUNCED: ("announce", ANNOUNCED),
    Change.ANNOUNCE_LATE: ("announce", ANNOUNCE_LATE),
    Change.SIGN_UP_PASSED: ("deadline", SIGN_UP_PASSED),
}
# The form's fields and the choices in it: far fewer than this.
MAX_FIELDS = 200
CHOICES = ("districts", "industries")


class EventForms:
    """Part of the events tab (``desk``), whose listing and detail pages show the result."""

    def __init__(self, pages: Pages, desk: EventPages) -> None:
        self._pages = pages
        self._desk = desk

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        base = "/console/events"
        return [
            Route(base + "/new", guarded(self.new), methods=["GET", "POST"]),
            Route(base + "/{event:int}/edit", guarded(self.edit), methods=["GET", "POST"]),
        ]

    async def new(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services = pages.services
        units = await services.administration.unit_choices(viewer.user.id)
        if not units:  # a matchmaker, a counsellor, a member: no union to publish in
            raise Refused(403)
        if request.method == "GET":
            return self._form(viewer, units=units, values={"announce": "now"}, chosen={})
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        values, chosen = _values(form), {name: form.getlist(name) for name in CHOICES}
        now = services.clock.now()
        read = read_new_event(values, chosen, self._known(), now, services.settings.tz)
        if isinstance(read, dict):
            return self._form(viewer, units=units, values=values, chosen=chosen, problems=read)
        event_id = await services.events.organising.create(viewer.user.id, read)
        if event_id is None:
            raise Refused(403)
        _ = viewer.gettext
        notice = _(
            "Published as event #{id}. Members are told at {time}.",
            id=event_id,
            time=self._time(read.announce_at),
        )
        return await self._desk.listing(request, notice=notice)

    async def edit(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        services, actor = pages.services, viewer.user.id
        event = await services.events.organising.managed(actor, request.path_params["event"])
        if event is None:
            raise Refused(403)
        if event.status == EventStatus.CANCELLED:
            return self._cancelled(viewer)
        if request.method == "GET":
            conditions = Conditions.from_json(event.conditions)
            chosen = {"districts": conditions.districts, "industries": conditions.industries}
            return self._form(viewer, event=event, values=self._current(event), chosen=chosen)
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        values, chosen = _values(form), {name: form.getlist(name) for name in CHOICES}
        now, tz = services.clock.now(), services.settings.tz
        read = read_event_edit(values, chosen, self._known(), event, now, tz)
        if isinstance(read, dict):
            return self._form(viewer, event=event, values=values, chosen=chosen, problems=read)
        result = await self._apply(actor, event.id, read, values)
        if result == Change.NOT_ALLOWED:
            raise Refused(403)
        if result == Change.CANCELLED:
            return self._cancelled(viewer)
        if isinstance(result, dict):  # found right, refused by the service: time moved on
            return self._form(viewer, event=event, values=values, chosen=chosen, problems=result)
        return await self._desk.detail(request, notice=_("Saved."))

    async def _apply(
        self, actor: int, event_id: int, edit: EventEdit, values: Mapping[str, str]
    ) -> Change | Problems:
        """The changes through the services /event_edit uses, one field at a time, then who
        may sign up and when (after a new start, which moves the deadline with it). What a
        service refused that the form found right (a time that passed meanwhile, another
        organiser's change) is said as a problem of its field."""
        organising = self._pages.services.events.organising
        for field_name in ("title", "description", "venue"):
            value = getattr(edit, field_name)
            if value is not None:
                result = await organising.edit(actor, event_id, field_name, value)
                if isinstance(result, Invalid):
                    return {field_name: result}
                if result != Change.DONE:
                    return result
        if edit.capacity is not None:
            result = await organising.set_places(actor, event_id, edit.capacity)
            if result != Change.DONE:
                return result
        if edit.starts_at is not None:
            result = await organising.reschedule(actor, event_id, edit.starts_at)
            if result == Change.PAST:
                return {"start": _said(PAST, values, "start")}
            if result != Change.DONE:
                return result
        if edit.sign_up is not None:
            result = await organising.set_sign_up(actor, event_id, edit.sign_up)
            if result in RACED:
                field_name, reason = RACED[result]
                return {field_name: _said(reason, values, field_name)}
            return result
        return Change.DONE

    def _known(self) -> dict[str, set[str]]:
        questions = {q.key: q for q in self._pages.services.onboarding.questionnaire}
        return {
            "districts": {o.key for o in questions["district"].options},
            "industries": {o.key for o in questions["industry"].options},
        }

    def _options(self, _: Translator) -> dict[str, list[tuple[str, str]]]:
        questions = {q.key: q for q in self._pages.services.onboarding.questionnaire}
        return {
            name: [(o.key, o.text(_, _.language)) for o in questions[key].options]
            for name, key in (("districts", "district"), ("industries", "industry"))
        }

    def _form(
        self,
        viewer: Viewer,
        *,
        values: Mapping[str, str],
        chosen: Mapping[str, list[str]],
        units: list[tuple[int, str]] | None = None,
        event: Any = None,
        problems: Problems | None = None,
    ) -> HTMLResponse:
        _ = viewer.gettext
        said = {name: _(p.reason, **p.values) for name, p in (problems or {}).items()}
        now = self._pages.services.clock.now()
        return self._pages.render(
            viewer,
            "console/event_form.html",
            units=units,
            event=event,
            values=values,
            chosen=chosen,
            options=self._options(_),
            problems=said,
            # Editing: members already told of the event (when), or not yet (None).
            announced=(
                self._time(event.announce_at)
                if event is not None and not announcement_pending(event, now)
                else None
            ),
        )

    def _current(self, event: Any) -> dict[str, str]:
        """The edit form's fields as the event stands."""
        tz = self._pages.services.settings.tz
        start = event.starts_at.astimezone(tz)
        deadline = event.signup_deadline.astimezone(tz)
        announce = event.announce_at.astimezone(tz)
        conditions = Conditions.from_json(event.conditions)
        return {
            "age_min": "" if conditions.age_min is None else str(conditions.age_min),
            "age_max": "" if conditions.age_max is None else str(conditions.age_max),
            "deadline_date": f"{deadline:%Y-%m-%d}",
            "deadline_time": f"{deadline:%H:%M}",
            "announce": "later",
            "announce_date": f"{announce:%Y-%m-%d}",
            "announce_time": f"{announce:%H:%M}",
            "title": event.title,
            "description": event.description,
            "venue": event.venue or "",
            "start_date": f"{start:%Y-%m-%d}",
            "start_time": f"{start:%H:%M}",
            "places": "" if event.capacity is None else str(event.capacity),
            "men": "" if event.capacity_male is None else str(event.capacity_male),
            "women": "" if event.capacity_female is None else str(event.capacity_female),
        }

    def _cancelled(self, viewer: Viewer) -> HTMLResponse:
        _ = viewer.gettext
        return self._pages.render(
            viewer, "console/events_door.html", text=_("This event was cancelled."), done=False
        )

    def _time(self, moment: datetime) -> str:
        return local_time(moment, self._pages.services.settings)


def _said(reason: str, values: Mapping[str, str], field_name: str) -> Invalid:
    """Why a time in the form cannot be kept, naming it as typed."""
    day, clock = (values.get(f"{field_name}_{part}", "") for part in ("date", "time"))
    return Invalid(reason, {"time": f"{day} {clock}"})


def _values(form: FormData) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if key not in CHOICES}
