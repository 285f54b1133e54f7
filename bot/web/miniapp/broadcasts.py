"""The desk's broadcasts: a composer with the audience builder of the chat's /broadcast (union,
gender, ages, districts, industries, verified only, an event's registrants) and its live count,
the message as members will see it (signed with the union by the sender's very function, with
the photo if one is chosen: uploaded once to Telegram, as the chat's /broadcast takes a photo
with a caption), when to send it ("明天下午两点", or
now) with a warning for the quiet hours and a plain answer for a time already past, and the
recent broadcasts with their progress and results, cancellable until sent.

The form is read by ``bot.services.broadcast_form`` and ``bot.domain.send_time``; counting,
sending and cancelling are ``bot.services.broadcasts``, which checks the organiser's scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from telegram import Bot
from telegram.error import TelegramError

from bot.common.i18n import N_, Translator
from bot.common.pictures import read_picture
from bot.common.wording.broadcasts import as_received, audience_summary
from bot.common.wording.events import local_time
from bot.domain.audience import Audience
from bot.domain.broadcasts import BroadcastStatus, DeliveryStatus
from bot.domain.free_text import Invalid
from bot.domain.photos import MAX_PHOTO_BYTES, TOO_LARGE, photo_problem
from bot.domain.send_time import SendTime, read_send_time
from bot.domain.when import EXAMPLES
from bot.services.broadcast_form import (
    new_form_key,
    photo_key,
    photo_token,
    read_audience,
    read_form_key,
    read_message,
    read_photo_token,
)
from bot.services.broadcasts import Cancellation, Draft, Summary
from bot.web.miniapp.member import FORM_OVERHEAD, PhotoFiles, image_type
from bot.web.miniapp.pages import Pages, Refused, Viewer

MAX_FIELDS = 200
CHOICES = ("districts", "industries")
STATUS_WORDS = {
    BroadcastStatus.SCHEDULED: N_("Scheduled"),
    BroadcastStatus.SENDING: N_("Sending"),
    BroadcastStatus.DONE: N_("Finished"),
    BroadcastStatus.CANCELLED: N_("Cancelled"),
}
OUTSIDE = N_("You may only broadcast to members of your own unions.")
# What the htmx composer is told once a photo is chosen or removed: count and preview again.
PHOTO_EVENT = "broadcast-photo"


class BroadcastsDesk:
    def __init__(self, pages: Pages, bot: Bot | None = None) -> None:
        self._pages = pages
        self._bot = bot
        self._photos = PhotoFiles(bot)

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        base = "/console/broadcasts"
        return [
            Route(base, guarded(self.composer)),
            Route(base + "/check", guarded(self.check), methods=["POST"]),
            Route(base + "/photo", guarded(self.upload, upload=True), methods=["POST"]),
            Route(base + "/photo", guarded(self.photo)),
            Route(base + "/send", guarded(self.send), methods=["POST"]),
            Route(base + "/sent", guarded(self.sent)),
            Route(base + "/{broadcast:int}/cancel", guarded(self.cancel), methods=["POST"]),
        ]

    async def composer(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services, actor = pages.services, viewer.user.id
        units = await services.administration.unit_choices(actor)
        recent = await services.broadcasts.listing(actor)
        if not units or recent is None:
            raise Refused(403)
        events = await services.events.organising.listing(actor) or []
        _ = viewer.gettext
        return pages.render(
            viewer,
            "console/broadcasts.html",
            units=units,
            events=[(e.id, f"#{e.id} {e.title}") for e in reversed(events)],
            options=self._options(_),
            examples=EXAMPLES,
            form_key=new_form_key(),
            **self._recent(viewer, recent),
        )

    async def upload(self, request: Request) -> HTMLResponse:
        """A photo chosen for the broadcast: checked as a member's photo is (size, a picture
        Telegram shows), sent once to the organiser's own chat so Telegram keeps it, and
        carried on by the composer as a token only this organiser's requests can use."""
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        if not await pages.services.administration.unit_choices(viewer.user.id):
            raise Refused(403)
        size = request.headers.get("content-length")
        if size is None or not size.isdigit():
            raise Refused(411)
        problem: Invalid | None = None
        token = None
        if int(size) > MAX_PHOTO_BYTES + FORM_OVERHEAD:
            problem = TOO_LARGE
        else:
            form = await request.form(max_files=1, max_fields=2)
            upload = form.get("photo")
            content = await upload.read() if isinstance(upload, UploadFile) else b""
            await form.close()
            problem = await read_picture(photo_problem, content)
            if problem is None:
                file_id = await self._upload(
                    viewer.user.id, content, _("The photo for your broadcast (not sent yet).")
                )
                if file_id is None:
                    problem = Invalid(
                        N_("Telegram did not take this photo. Please try another one.")
                    )
                else:
                    now = pages.services.clock.now()
                    token = photo_token(self._key(), viewer.user.id, file_id, now)
        page = pages.render(
            viewer,
            "console/broadcasts_photo.html",
            token=token,
            problem=_(problem.reason, **problem.values) if problem else None,
        )
        page.headers["HX-Trigger-After-Settle"] = PHOTO_EVENT
        return page

    async def photo(self, request: Request) -> Response:
        """The chosen photo, for the preview: only with a token of this organiser's."""
        viewer = await self._pages.viewer(request)
        token, now = request.query_params.get("t", ""), self._pages.services.clock.now()
        file_id = read_photo_token(self._key(), viewer.user.id, token, now)
        content = await self._photos.get(file_id) if isinstance(file_id, str) else None
        if content is None:
            raise Refused(404)
        return Response(
            content, media_type=image_type(content), headers={"Cache-Control": "private"}
        )

    async def _upload(self, chat_id: int, content: bytes, caption: str) -> str | None:
        """Send the photo to the organiser's own chat, so Telegram keeps it and names it by
        a file id; None if Telegram refused it or could not be reached."""
        if self._bot is None:
            return None
        try:
            sent = await self._bot.send_photo(chat_id, content, caption=caption)
        except TelegramError:
            return None
        if not sent.photo:
            return None
        file_id = sent.photo[-1].file_id
        self._photos.keep(file_id, content)
        return file_id

    def _key(self) -> bytes:
        token = self._pages.services.settings.bot_token
        if token is None:
            raise Refused(401)
        return photo_key(token.get_secret_value())

    async def check(self, request: Request) -> HTMLResponse:
        """The count, the preview and the sending time of the composer as it stands."""
        viewer = await self._pages.viewer(request)
        read = await self._read(viewer, request)
        if not read["written"]:  # nothing written yet: the count and time, no reproach
            read["problems"].pop("text", None)
        return self._pages.render(viewer, "console/broadcasts_check.html", **read)

    async def send(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        read = await self._read(viewer, request)
        when: SendTime = read["when"]
        if read["problems"] or read["count"] is None or not when.usable:
            return pages.render(viewer, "console/broadcasts_check.html", **read)
        services = pages.services
        made = await services.broadcasts.made(
            viewer.user.id,
            Draft(read["message"], photo_file_id=read["photo"]),
            read["audience"],
            when.moment,
            form_key=read["form_key"],
        )
        if made is None:
            raise Refused(403)
        _ = viewer.gettext
        broadcast_id = made.id
        if not made.new:
            notice = _(
                "The same message to the same members was made a moment ago, as broadcast "
                "#{id}: it is not sent twice. How it goes is below.",
                id=broadcast_id,
            )
        elif when.moment is None:
            notice = _("Broadcast #{id} is starting; its progress is below.", id=broadcast_id)
        else:
            notice = _(
                "Broadcast #{id} is scheduled for {time}; you can cancel it below until then.",
                id=broadcast_id,
                time=self._time(when.moment),
            )
        recent = await services.broadcasts.listing(viewer.user.id) or []
        # The next message is another form: a new key, so it is not taken for this one.
        return pages.render(
            viewer,
            "console/broadcasts_done.html",
            notice=notice,
            form_key=new_form_key(),
            **self._recent(viewer, recent),
        )

    async def sent(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        recent = await self._pages.services.broadcasts.listing(viewer.user.id)
        if recent is None:
            raise Refused(403)
        return self._pages.render(
            viewer, "console/broadcasts_sent.html", **self._recent(viewer, recent)
        )

    async def cancel(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        broadcast_id = request.path_params["broadcast"]
        result = await pages.services.broadcasts.cancel(viewer.user.id, broadcast_id)
        if result == Cancellation.NOT_ALLOWED:
            raise Refused(403)
        notice = {
            Cancellation.CANCELLED: _(
                "Broadcast #{id} is cancelled; nobody else will receive it.", id=broadcast_id
            ),
            Cancellation.FINISHED: _("Broadcast #{id} has already finished.", id=broadcast_id),
        }[result]
        recent = await pages.services.broadcasts.listing(viewer.user.id) or []
        return pages.render(
            viewer, "console/broadcasts_sent.html", notice=notice, **self._recent(viewer, recent)
        )

    async def _read(self, viewer: Viewer, request: Request) -> dict[str, Any]:
        """The composer's fields read by the chat's rules: the message, the audience and its
        size now (None: outside the organiser's scope), the preview, when to send."""
        services = self._pages.services
        _ = viewer.gettext
        if not await services.administration.unit_choices(viewer.user.id):
            raise Refused(403)  # organisers only; the service checks each union
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        fields = _values(form)
        chosen = {name: form.getlist(name) for name in CHOICES}
        problems: dict[str, Invalid] = {}
        token = fields.get("photo_token", "")
        photo = None
        if token:
            read = read_photo_token(self._key(), viewer.user.id, token, services.clock.now())
            if isinstance(read, Invalid):
                # Said beside the photo field, the token kept there: the organiser meant a
                # photo, so nothing is sent until it is chosen again or removed. The rest of
                # the form stays.
                problems["photo"] = read
            else:
                photo = read
        message = read_message(fields.get("text", ""), photo=photo is not None)
        if isinstance(message, Invalid):
            problems["text"] = message
            message = ""
        audience = read_audience(fields, chosen, self._known())
        count = None
        if isinstance(audience, dict):
            problems.update(audience)
        else:
            count = await services.broadcasts.audience_size(viewer.user.id, audience)
            if count is None:
                problems["unit"] = Invalid(OUTSIDE)
        preview = None
        if isinstance(audience, Audience) and (message or photo) and count is not None:
            # As the sender words it for members, in the language most of them read.
            unit = await services.administration.unit_name(audience.unit_id)
            preview = as_received(message, unit, services.settings.default_language)
        when = read_send_time(fields.get("when", ""), services.clock.now(), services.settings.tz)
        return {
            "message": message,
            "written": bool(fields.get("text", "").strip()),
            "photo": photo,
            "photo_token": token if photo else None,
            "refused_token": token if "photo" in problems else None,
            "audience": audience,
            "count": count,
            "preview": preview,
            "when": when,
            "when_text": self._when_text(_, when),
            "quiet_time": self._time(when.moment or services.clock.now()),
            "problems": {name: _(p.reason, **p.values) for name, p in problems.items()},
            "form_key": read_form_key(fields.get("form_key", "")),
        }

    def _when_text(self, _: Translator, when: SendTime) -> str:
        if not when.understood:
            return _(
                "I could not read that as a date and time. You can write it like {examples}.",
                examples=EXAMPLES,
            )
        if when.moment is None:
            return _("It is sent as soon as you press Send.")
        if when.past:
            return _(
                "“{typed}” is {time}, which has already passed. Please give a time in the "
                "future, or leave it empty to send now.",
                typed=when.typed,
                time=self._time(when.moment),
            )
        return _("It will be sent at {time}.", time=self._time(when.moment))

    def _recent(self, viewer: Viewer, recent: list[Summary]) -> dict[str, Any]:
        _ = viewer.gettext
        questionnaire = self._pages.services.onboarding.questionnaire
        rows = [
            {
                "id": b.id,
                "status": _(STATUS_WORDS[b.status]),
                "time": self._time(b.send_at),
                "text": b.text if len(b.text) <= 60 else b.text[:60] + "…",
                "audience": audience_summary(b.audience, b.unit, questionnaire, _),
                "open": b.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING),
                # Cancelled before it began, it has no progress to show ("已发送 0 / 0").
                "started": b.status != BroadcastStatus.SCHEDULED and b.total > 0,
                "total": b.total,
                "sent": b.tally[DeliveryStatus.SENT],
                "failed": b.tally[DeliveryStatus.FAILED] + b.tally[DeliveryStatus.UNCERTAIN],
                "unreachable": b.tally[DeliveryStatus.UNREACHABLE],
            }
            for b in recent
        ]
        # Polled while something is being sent or due, so progress moves without a press.
        now = self._pages.services.clock.now()
        moving = any(
            b.status == BroadcastStatus.SENDING
            or (b.status == BroadcastStatus.SCHEDULED and b.send_at <= now)
            for b in recent
        )
        return {"sent": rows, "moving": moving}

    def _known(self) -> dict[str, set[str]]:
        return {name: {key for key, _label in pairs} for name, pairs in self._options(None).items()}

    def _options(self, _: Translator | None) -> dict[str, list[tuple[str, str]]]:
        questions = {q.key: q for q in self._pages.services.onboarding.questionnaire}
        return {
            name: [(o.key, o.text(_, _.language) if _ else o.key) for o in questions[key].options]
            for name, key in (("districts", "district"), ("industries", "industry"))
        }

    def _time(self, moment: datetime) -> str:
        return local_time(moment, self._pages.services.settings)


def _values(form: FormData) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if key not in CHOICES}
