"""The member's Mini App: browse the people the engine suggests with filters, one person's card
(like, skip, take back a skip, report, block), who liked me and my matches, events, and my own
profile and settings. Every screen asks the same services as the chat's commands; the member
is whoever Telegram's initData says, and another member's id in an address shows nothing of
theirs (the services check that the two have met)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from telegram import Bot
from telegram.error import TelegramError

from bot.common.i18n import N_, Translator
from bot.common.pictures import read_picture
from bot.common.qr import qr_png
from bot.common.wording.events import event_time, local_time
from bot.common.wording.moderation import REPORT_REASONS
from bot.common.wording.profile_card import answer_text, reasons_text, render_card
from bot.domain.browse import Filters, read_filters
from bot.domain.events import Refusal
from bot.domain.free_text import Invalid
from bot.domain.interests import LABELS as INTEREST_LABELS
from bot.domain.photos import MAX_PHOTO_BYTES, TOO_LARGE, profile_photo_problem
from bot.domain.questions import EDUCATION_RANK, Kind, Question
from bot.domain.questions.answers import check_choice, parse_text
from bot.domain.questions.importance import LABELS as LEVELS
from bot.domain.questions.importance import level_of, levels, must_have
from bot.domain.questions.questionnaire import (
    ANY,
    FOLLOW_UP_OF,
    asked_after,
    not_asked,
)
from bot.services.matching.browse import BrowseCard
from bot.services.matching.suggestions import Outcome, Parted, Unavailable
from bot.services.members.data import Setting
from bot.web.miniapp.pages import Pages, Refused, Viewer

# Said in the Mini App, where /start and /resume cannot be tapped: where to go instead.
UNAVAILABLE = {
    Unavailable.NOT_READY: N_(
        "Suggestions start once your profile is complete: go back to the chat with 会会 and "
        "send /start to go on."
    ),
    Unavailable.LEFT_UNION: N_(
        "Suggestions start once your profile is complete: go back to the chat with 会会 and "
        "send /start to go on."
    ),
    Unavailable.PAUSED: N_(
        "You have paused suggestions, so I show you no one. To resume, open My profile and "
        "press Resume under Settings."
    ),
    Unavailable.SUSPENDED: N_(
        "Your union has suspended your account, so I show you no one and "
        "nobody is shown your profile. To ask about it, contact your union: {contact}, "
        "or send /ask."
    ),
    Unavailable.DAILY_LIMIT: N_("That's all for today — more suggestions tomorrow."),
    Unavailable.NO_ONE: N_("No one new who suits you right now. Try again in a few days."),
}
NOT_SIGNED_UP = N_(
    "You have not signed up yet: go back to the chat with 会会 and send /start to begin."
)
OUTCOMES = {
    Outcome.LIKED: N_("Like sent. If they like you too, I will tell you both."),
    Outcome.SKIPPED: N_("Skipped."),
    Outcome.MATCHED: N_("You like each other! Write to them from your matches."),
    Outcome.GONE: N_("This member is no longer available."),
    Outcome.ALREADY_DECIDED: N_("You have already answered this card."),
    Outcome.NOT_ALLOWED: N_("Suggestions start once your profile is complete: /start"),
}
SETTINGS = {
    Setting.ANNOUNCEMENTS: N_("Announcements from my union"),
    Setting.DIGEST: N_("A daily note of new people"),
    Setting.COLLEAGUES: N_("Hide me from colleagues"),
}
# Answers edited as answers; photos have their own buttons (add, remove, show first).
NOT_HERE = (Kind.PHOTOS,)
CHILDREN_QUESTION = "has_children"  # a filter once the questionnaire asks it
# Photos kept in memory, the most recently shown first: at most so many, and so many bytes
# (a phone's photo as Telegram keeps it is 100-300 KB; a PNG sent as a file may be 10 MB).
PHOTOS_KEPT = 64
PHOTO_BYTES_KEPT = 16_000_000
# A photo's form: the file, and the few hundred bytes multipart wraps it in.
FORM_OVERHEAD = 16 * 1024


class PhotoFiles:
    """Photos fetched from Telegram through the bot, the last few kept: a member scrolling
    back and forth asks Telegram once per photo."""

    def __init__(
        self, bot: Bot | None, most: int = PHOTOS_KEPT, most_bytes: int = PHOTO_BYTES_KEPT
    ) -> None:
        self._bot = bot
        self._most, self._most_bytes = most, most_bytes
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self.bytes_kept = 0

    async def get(self, file_id: str) -> bytes | None:
        if file_id in self._kept:
            self._kept.move_to_end(file_id)
            return self._kept[file_id]
        if self._bot is None:
            return None
        try:
            found = await self._bot.get_file(file_id)
            content = bytes(await found.download_as_bytearray())
        except TelegramError:
            return None
        self.keep(file_id, content)
        return content

    def keep(self, file_id: str, content: bytes) -> None:
        """Keep a photo, forgetting the least recently shown ones past either bound; one larger
        than the byte bound is not kept at all."""
        if len(content) > self._most_bytes or file_id in self._kept:
            return
        self._kept[file_id] = content
        self.bytes_kept += len(content)
        while len(self._kept) > self._most or self.bytes_kept > self._most_bytes:
            _old, forgotten = self._kept.popitem(last=False)
            self.bytes_kept -= len(forgotten)

    def __len__(self) -> int:
        return len(self._kept)

    async def upload(self, chat_id: int, content: bytes, caption: str) -> tuple[str, int] | None:
        """Send a photo to the member's own chat, as if they had sent it there: Telegram keeps
        it and gives its file id (the chat shows it with ``caption``). The file id and the
        message's, or None if Telegram refused it or could not be reached."""
        if self._bot is None:
            return None
        try:
            sent = await self._bot.send_photo(chat_id, content, caption=caption)
        except TelegramError:
            return None
        if not sent.photo:
            return None
        file_id = sent.photo[-1].file_id
        self.keep(file_id, content)
        return file_id, sent.message_id

    async def take_back(self, chat_id: int, message_id: int) -> None:
        """A photo sent to the chat and then not added (another got the last place first):
        its message would say it was added, so it goes."""
        if self._bot is None:
            return
        try:
            await self._bot.delete_message(chat_id, message_id)
        except TelegramError:
            pass  # too old or already gone: nothing else to do


def photo_mark(file_id: str) -> str:
    """A short name for one of the member's photos that her page's buttons carry, so a button
    acts on the photo it was drawn for (not on whichever is number n by then)."""
    return hashlib.sha256(file_id.encode()).hexdigest()[:16]


def image_type(content: bytes) -> str:
    """Telegram keeps photos as JPEG; anything else sent as a photo is told by its first bytes."""
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


class MemberApp:
    def __init__(self, pages: Pages, bot: Bot | None = None) -> None:
        self._pages = pages
        self.photo_files = PhotoFiles(bot)
        services = pages.services
        self._questions = {q.key: q for q in services.onboarding.questionnaire}

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/member/browse", guarded(self.browse)),
            Route("/member/browse/cards", guarded(self.cards)),
            Route("/member/people/{member:int}", guarded(self.person)),
            Route("/member/people/{member:int}/photos/{n:int}", guarded(self.photo)),
            Route("/member/people/{member:int}/decide", guarded(self.decide), methods=["POST"]),
            Route("/member/people/{member:int}/block", guarded(self.block), methods=["POST"]),
            Route("/member/people/{member:int}/report", guarded(self.report), methods=["POST"]),
            Route("/member/undo", guarded(self.undo), methods=["POST"]),
            Route("/member/likes", guarded(self.likes)),
            Route("/member/matches/{match:int}/write", guarded(self.write), methods=["POST"]),
            Route("/member/events", guarded(self.events)),
            Route("/member/events/{event:int}", guarded(self.event)),
            Route("/member/events/{event:int}/{act:str}", guarded(self.attend), methods=["POST"]),
            Route("/member/profile", guarded(self.profile)),
            Route("/member/profile/photos", guarded(self.add_photo, upload=True), methods=["POST"]),
            Route(
                "/member/profile/photos/{n:int}/{act:str}",
                guarded(self.arrange_photos),
                methods=["POST"],
            ),
            Route("/member/profile/{question:str}", guarded(self.edit), methods=["POST"]),
            Route("/member/settings/{which:str}", guarded(self.setting), methods=["POST"]),
            Route("/member/export", guarded(self.export)),
        ]

    # --- browsing ---------------------------------------------------------------------------

    def _filter_options(self, _: Translator) -> dict[str, list[tuple[str, str]]]:
        """Each multiple-choice filter's options as (key, label), from the questionnaire."""
        q = self._questions
        options = {
            "districts": [(o.key, o.text(_, _.language)) for o in q["district"].options],
            "education_min": [(o.key, o.text(_, _.language)) for o in q["education"].options],
            "hobbies": [(key, _(label)) for key, label in INTEREST_LABELS.items()],
            "marital": [(o.key, o.text(_, _.language)) for o in q["marital_status"].options],
        }
        if CHILDREN_QUESTION in q:
            options["children"] = [
                (o.key, o.text(_, _.language)) for o in q[CHILDREN_QUESTION].options
            ]
        return options

    def _filters(self, request: Request, _: Translator) -> Filters:
        params = request.query_params
        known = {name: [k for k, _label in opts] for name, opts in self._filter_options(_).items()}
        return read_filters(params.get, params.getlist, known, EDUCATION_RANK)

    async def browse(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        services = self._pages.services
        if (why := await services.browsing.unavailable(viewer.user.id)) is not None:
            # No filters or undo for someone who is shown nobody: only why, and the way on.
            contact = await services.matchmaking.union_contact(viewer.user.id)
            return self._pages.render(
                viewer, "member/note.html", text=_(UNAVAILABLE[why], contact=contact)
            )
        filters = self._filters(request, _)
        children = self._questions.get(CHILDREN_QUESTION)
        options = self._filter_options(_)
        return self._pages.render(
            viewer,
            "member/browse.html",
            children_legend=_(children.title) if children else "",
            options=options,
            filters=filters,
            chosen={name: getattr(filters, name) for name in options if name != "education_min"},
            education=next(
                (
                    key
                    for key, _label in options.get("education_min", ())
                    if filters.education_min is not None
                    and EDUCATION_RANK.get(key) == filters.education_min
                ),
                "",
            ),
            query=urlencode(filters.query()),
        )

    async def cards(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        filters = self._filters(request, _)
        first = request.query_params.get("more") != "1"
        services = self._pages.services
        found = await services.browsing.page(viewer.user.id, filters, first)
        if isinstance(found, Unavailable):
            contact = await services.matchmaking.union_contact(viewer.user.id)
            return self._pages.render(
                viewer, "member/note.html", text=_(UNAVAILABLE[found], contact=contact)
            )
        return self._pages.render(
            viewer,
            "member/cards.html",
            cards=[self._card(c, _) for c in found.cards],
            page=found,
            first=first,
            query=urlencode([*filters.query(), ("more", "1")]),
            # A person opened from these cards leads back to them, filtered as they are.
            back=urlencode(filters.query()),
            daily=services.settings.daily_cards,
        )

    def _card(self, card: BrowseCard, _: Translator) -> dict[str, Any]:
        year = self._pages.services.clock.now().astimezone(self._pages.services.settings.tz).year
        questionnaire = self._pages.services.onboarding.questionnaire
        return {
            "id": card.member_id,
            "nickname": card.answers.get("nickname") or _("(no nickname yet)"),
            "text": render_card(card.answers, questionnaire, _, year),
            "why": reasons_text(card.reasons, self._questions, _),
            "photos": range(len(card.answers.get("photos") or [])),
            "new": card.new,
        }

    # --- one person -------------------------------------------------------------------------

    async def person(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._person(viewer, request, request.path_params["member"], "")

    async def _person(
        self, viewer: Viewer, request: Request, member_id: int, said: str
    ) -> HTMLResponse:
        found = await self._pages.services.browsing.person(viewer.user.id, member_id)
        if found is None:
            raise Refused(404)
        _ = viewer.gettext
        # Where "back" leads: the likes, or the cards with the filters they were shown with
        # (read again, never echoed: a forged query only filters by what it makes sense of).
        from_likes = request.query_params.get("from") == "likes"
        back = "from=likes" if from_likes else urlencode(self._filters(request, _).query())
        return self._pages.render(
            viewer,
            "member/person.html",
            card=self._card(found.card, _),
            decision=found.decision,
            matched=found.matched,
            reasons=[(key, _(label)) for key, label in REPORT_REASONS.items()],
            said=said,
            back=back,
            back_to="/app/member/likes" if from_likes else "/app/member/browse",
            back_label=_("Back to likes") if from_likes else _("Back to people"),
        )

    async def photo(self, request: Request) -> Response:
        """One photo of a person the member may see (or their own), from Telegram."""
        viewer = await self._pages.viewer(request)
        file_id = await self._pages.services.browsing.photo(
            viewer.user.id, request.path_params["member"], request.path_params["n"]
        )
        content = await self.photo_files.get(file_id) if file_id else None
        if content is None:
            raise Refused(404)
        return Response(
            content, media_type=image_type(content), headers={"Cache-Control": "private"}
        )

    async def decide(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        member_id = request.path_params["member"]
        form = await request.form(max_files=0, max_fields=2)
        liked = form.get("liked") == "1"
        outcome = await self._pages.services.matchmaking.decide(viewer.user.id, member_id, liked)
        if outcome == Outcome.GONE:
            raise Refused(404)  # never shown to them: nothing of the person is said
        return await self._person(viewer, request, member_id, viewer.gettext(OUTCOMES[outcome]))

    async def block(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        parted = await self._pages.services.matchmaking.block(
            viewer.user.id, request.path_params["member"]
        )
        if parted == Parted.REFUSED:
            raise Refused(404)
        _ = viewer.gettext
        return self._pages.render(
            viewer,
            "member/note.html",
            text=_("Blocked. Neither of you will see the other again."),
        )

    async def report(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        form = await request.form(max_files=0, max_fields=2)
        reason = str(form.get("reason", ""))
        if reason not in REPORT_REASONS:
            reason = "other"
        reported = await self._pages.services.matchmaking.report(
            viewer.user.id, request.path_params["member"], reason
        )
        _ = viewer.gettext
        if reported.parted == Parted.REFUSED:
            raise Refused(404)
        text = (
            _("You have reported them already; the union's organisers will look into it.")
            if reported.parted == Parted.ALREADY
            else _(
                "Thank you. The union's organisers will look into it; you will not see them again."
            )
        )
        return self._pages.render(viewer, "member/note.html", text=text)

    async def undo(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        back = await self._pages.services.browsing.undo_skip(viewer.user.id)
        _ = viewer.gettext
        if back is None:
            # Said beside the button: the cards (or the person) stay on the screen.
            page = self._pages.render(
                viewer,
                "member/note.html",
                text=_("There is no skip from the last day to take back."),
            )
            page.headers["HX-Retarget"] = "#undo-said"
            return page
        return await self._person(viewer, request, back, _("Skip taken back."))

    # --- likes and matches ------------------------------------------------------------------

    async def likes(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        services = self._pages.services
        liked = await services.browsing.liked_me(viewer.user.id)
        matches = await services.matchmaking.matches(viewer.user.id)
        if isinstance(liked, Unavailable):  # paused, suspended, profile unfinished: said why
            _ = viewer.gettext
            contact = await services.matchmaking.union_contact(viewer.user.id)
            return self._pages.render(
                viewer,
                "member/likes.html",
                unavailable=_(UNAVAILABLE[liked], contact=contact),
                matches=matches,
            )
        return self._pages.render(
            viewer,
            "member/likes.html",
            waiting=liked.count,
            later=liked.later,
            cards=(
                [self._card(c, viewer.gettext) for c in liked.cards]
                if liked.cards is not None
                else None
            ),
            matches=matches,
        )

    async def write(self, request: Request) -> HTMLResponse:
        """The chat gets the button that opens the conversation with this match; the page
        closes the window to show it (static/member.js)."""
        viewer = await self._pages.viewer(request)
        sent = await self._pages.services.browsing.write_in_chat(
            viewer.user.id, request.path_params["match"]
        )
        if not sent:
            raise Refused(404)
        _ = viewer.gettext
        return self._pages.render(
            viewer, "member/note.html", text=_("The button to write is waiting in the chat.")
        )

    # --- events -----------------------------------------------------------------------------

    async def events(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        attending = self._pages.services.events.attending
        offers = await attending.open_events(viewer.user.id, limit=30) or []
        mine = await attending.mine(viewer.user.id)
        return self._pages.render(
            viewer,
            "member/events.html",
            offers=[(o, self._span(o.event)) for o in offers],
            mine=[(e, r, self._span(e)) for e, r in mine],
        )

    async def event(self, request: Request, said: str = "") -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        offer = await self._pages.services.events.attending.offer(
            viewer.user.id, request.path_params["event"]
        )
        if offer is None:
            raise Refused(404)
        position = await self._pages.services.waitlist.position(viewer.user.id, offer.event.id)
        held = next(
            (
                p
                for p in await self._pages.services.events.passes.mine(viewer.user.id)
                if p.event.id == offer.event.id
            ),
            None,
        )
        qr = None
        if held is not None:  # the chat's /my_qr code, drawn off the event loop
            png = await asyncio.to_thread(qr_png, held.code)
            qr = "data:image/png;base64," + base64.b64encode(png).decode()
        return self._pages.render(
            viewer,
            "member/event.html",
            offer=offer,
            position=position,
            start=self._span(offer.event),
            deadline=self._time(offer.event.signup_deadline),
            refusals=[viewer.gettext(EVENT_REFUSALS[r]) for r in offer.refusals],
            said=said,
            held=held,
            qr=qr,
        )

    async def attend(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        attending = self._pages.services.events.attending
        event_id, act = request.path_params["event"], request.path_params["act"]
        if act == "sign-up":
            done = await attending.sign_up(viewer.user.id, event_id)
            said = _(SIGN_UP.get(done.status.value, SIGN_UP_REFUSED))
        elif act == "withdraw":
            said = (
                _("You have withdrawn.")
                if await attending.withdraw(viewer.user.id, event_id)
                else _("You were not signed up.")
            )
        else:
            raise Refused(404)
        return await self.event(request, said)

    def _time(self, moment: Any) -> str:
        return local_time(moment, self._pages.services.settings)

    def _span(self, event: Any) -> str:
        """From its start to its end, as the chat says it (the app gave only the start)."""
        return event_time(event, self._pages.services.settings)

    # --- my profile -------------------------------------------------------------------------

    async def _me(self, viewer: Viewer) -> int:
        status = await self._pages.services.onboarding.member(viewer.user.id)
        if status is None:
            raise Refused(404)
        return status.id

    async def profile(
        self, request: Request, said: str = "", problem: str = "", kept: str | None = None
    ) -> HTMLResponse:
        """The member's profile page; after an edit, ``said`` or ``problem`` is shown in the
        answer edited, and ``kept`` (what she typed, when it was refused) is put back in its box
        rather than the stored answer."""
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        services = self._pages.services
        status = await services.onboarding.member(viewer.user.id)
        if status is None:  # never signed up: the way to, rather than "nothing here"
            return self._pages.render(viewer, "member/note.html", text=_(NOT_SIGNED_UP))
        member_id = status.id
        answers = await services.onboarding.answers(member_id)
        wishes = await services.onboarding.wishes(member_id)
        year = services.clock.now().astimezone(services.settings.tz).year
        question_key = request.path_params.get("question", "")  # the answer just edited
        rows = []
        for question in services.onboarding.questionnaire:
            if not_asked(question.key, answers):  # not "(未填写)" for a question never asked
                continue
            value = answers.get(question.key)
            shown = answer_text(question, value, _) if question.key in answers else ""
            # Unanswered: no level chosen for the member, as the chat asks it each time.
            level = level_of(value, wishes.get(question.key)) if value is not None else ""
            if question.importance and level and value not in (ANY, [ANY]):
                shown = _("{answer} · {importance}", answer=shown, importance=_(LEVELS[level]))
            typed = self._typed(question, value, _)
            if kept is not None and question.key == question_key:
                typed = kept
            rows.append(
                {
                    "question": question,
                    "title": _(question.title),
                    "shown": shown,
                    "value": value,
                    "editable": question.kind not in NOT_HERE,
                    "options": [(o.key, o.text(_, _.language)) for o in question.options],
                    "typed": typed,
                    # A wish about the other person: "any" as a choice, and how much it matters.
                    "any": question.importance and question.option(ANY) is None,
                    "levels": [(key, _(LEVELS[key])) for key in levels(question)]
                    if question.importance
                    else [],
                    "level": level,
                }
            )
        settings = [
            (which.value, _(label), await services.member_data.setting(viewer.user.id, which))
            for which, label in SETTINGS.items()
        ]
        status = await services.onboarding.member(viewer.user.id)
        photos = self._questions.get("photos")
        return self._pages.render(
            viewer,
            "member/profile.html",
            member_id=member_id,
            photos=range(len(answers.get("photos") or [])),
            marks=[photo_mark(str(f)) for f in answers.get("photos") or []],
            most_photos=photos.maximum if photos else 0,
            photo_mb=MAX_PHOTO_BYTES // 1_000_000,
            card=render_card(answers, services.onboarding.questionnaire, _, year),
            rows=rows,
            settings=settings,
            paused=bool(status and status.paused),
            said=said,
            problem=problem,
            # The answer edited, if it is shown (one no longer asked is said at the top).
            edited=next((key for row in rows if (key := row["question"].key) == question_key), ""),
        )

    async def add_photo(self, request: Request) -> HTMLResponse:
        """A photo chosen on the phone, added after the member's others: sent to their own
        chat (Telegram keeps members' photos; the chat shows it was added) and stored through
        the same service as a photo sent in the chat, so the same review applies. Refused with
        the reason when too large (told by the request's size, before it is read), not a
        picture, showing a QR code, or one too many."""
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        services = self._pages.services
        member_id = await self._me(viewer)
        size = request.headers.get("content-length")
        if size is None or not size.isdigit():
            raise Refused(411)
        if int(size) > MAX_PHOTO_BYTES + FORM_OVERHEAD:
            return await self._photo_refused(request, TOO_LARGE)
        if (full := await services.onboarding.photo_room(member_id)) is not None:
            return await self._photo_refused(request, full)
        form = await request.form(max_files=1, max_fields=2)
        upload = form.get("photo")
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        await form.close()
        # Decoding and reading codes: off the loop, one picture at a time (bot.common.pictures).
        problem = await read_picture(profile_photo_problem, content)
        if problem is not None:
            return await self._photo_refused(request, problem)
        sent = await self.photo_files.upload(
            viewer.user.id, content, _("This photo was added to your profile in the Mini App.")
        )
        if sent is None:
            problem = Invalid(N_("Telegram did not take this photo. Please try another one."))
            return await self._photo_refused(request, problem)
        file_id, message_id = sent
        refused = await services.onboarding.add_photo(member_id, file_id)
        if refused is not None:
            await self.photo_files.take_back(viewer.user.id, message_id)
            return await self._photo_refused(request, refused)
        return await self.profile(request, said=_("Photo added."))

    async def _photo_refused(self, request: Request, why: Invalid) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self.profile(request, problem=viewer.gettext(why.reason, **why.values))

    async def arrange_photos(self, request: Request) -> HTMLResponse:
        """Remove a photo, or put it first (the one shown with the card), as the chat's /edit
        stores them."""
        viewer = await self._pages.viewer(request)
        services = self._pages.services
        member_id = await self._me(viewer)
        n, act = request.path_params["n"], request.path_params["act"]
        photos = list((await services.onboarding.answers(member_id)).get("photos") or [])
        if not 0 <= n < len(photos) or act not in ("remove", "first"):
            raise Refused(404)
        form = await request.form(max_files=0, max_fields=2)
        if str(form.get("photo", photo_mark(photos[n]))) != photo_mark(photos[n]):
            # A second press, or a page drawn before her photos changed: the photo it was
            # drawn for is no longer number n. Nothing changes; she sees her photos as they are.
            return await self.profile(request)
        chosen = photos.pop(n)
        arranged = [chosen, *photos] if act == "first" else photos
        await services.onboarding.answer(member_id, "photos", arranged)
        return await self.profile(request, said=viewer.gettext("Saved."))

    def _typed(self, question: Question, value: Any, _: Translator) -> str:
        """An answer as the box to edit it shows it."""
        if value is None:
            return ""
        if value == ANY and question.kind == Kind.RANGE:
            return "不限" if _.language == "zh" else "any"  # as the box takes it back
        if question.kind == Kind.RANGE and isinstance(value, list):
            return f"{value[0]}-{value[1]}"
        if question.kind == Kind.MULTI and isinstance(value, list):
            # Hobbies in the member's own words: kept in the box, or saving would drop them.
            return "、".join(str(v) for v in value if not question.option(str(v)))
        return str(value) if not isinstance(value, list) else ""

    async def edit(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        services = self._pages.services
        question = self._questions.get(request.path_params["question"])
        if question is None or question.kind in NOT_HERE:
            raise Refused(404)
        member_id = await self._me(viewer)
        form = await request.form(max_files=0, max_fields=60)
        year = services.clock.now().astimezone(services.settings.tz).year
        value: Any
        if question.key in FOLLOW_UP_OF:  # 有无子女 is for those who have been married
            if not_asked(question.key, await services.onboarding.answers(member_id)):
                problem = _("Only members who have been married are asked this.")
                return await self.profile(request, problem=problem)
        if question.kind == Kind.SINGLE:
            key = str(form.get("value", ""))
            value = (
                key if question.option(key) else Invalid(N_("Please choose one of the buttons."))
            )
        elif question.kind == Kind.MULTI:
            keys = [
                str(k)
                for k in form.getlist("value")
                if question.option(str(k)) or (str(k) == ANY and question.importance)
            ]
            typed = str(form.get("typed", "")).strip()
            more = parse_text(question, typed, current_year=year) if typed else []
            value = (
                more
                if isinstance(more, Invalid)
                else check_choice(question, list(dict.fromkeys([*keys, *more])))
            )
        else:
            value = parse_text(question, str(form.get("value", "")), current_year=year)
        must: bool | None | Invalid = None
        if not isinstance(value, Invalid):
            must = must_have(question, value, str(form.get("importance", "")))
            value = must if isinstance(must, Invalid) else value
        if not isinstance(value, Invalid) and not isinstance(must, Invalid):
            refused = await services.onboarding.answer(member_id, question.key, value, must)
            value = refused if refused is not None else value
        if isinstance(value, Invalid):
            problem = _(value.reason, **value.values)
            # What she typed stays in its box (a list of buttons has none).
            box = {Kind.SINGLE: None, Kind.MULTI: "typed"}.get(question.kind, "value")
            kept = str(form.get(box, "")) if box else None
            return await self.profile(request, problem=problem, kept=kept)
        if (next_key := asked_after(question.key, value)) is not None:
            # Now divorced or widowed: the question that follows is opened next.
            request.path_params["question"] = next_key
            title = _(self._questions[next_key].title)
            return await self.profile(request, said=_("Saved. Please answer: {title}", title=title))
        return await self.profile(request, said=_("Saved."))

    async def setting(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        services = self._pages.services
        which = request.path_params["which"]
        form = await request.form(max_files=0, max_fields=2)
        on = form.get("on") == "1"
        if which == "pause":
            await services.member_data.set_paused(viewer.user.id, on)
        elif which in {s.value for s in Setting}:
            await services.member_data.set_setting(viewer.user.id, Setting(which), on)
        else:
            raise Refused(404)
        return await self.profile(request, said=viewer.gettext("Saved."))

    async def export(self, request: Request) -> Response:
        viewer = await self._pages.viewer(request)
        document = await self._pages.services.member_data.export(
            viewer.user.id, viewer.gettext.language
        )
        if document is None:
            raise Refused(404)
        return Response(
            json.dumps(document, ensure_ascii=False, indent=2, default=str),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="huihui-my-data.json"'},
        )


EVENT_REFUSALS = {
    Refusal.NOT_VERIFIED: N_("Only verified union members can sign up: send /start first."),
    Refusal.OUTSIDE_UNION: N_("This event is for members of another union."),
    Refusal.NO_GENDER: N_("Places are kept by gender: please complete your profile first."),
    Refusal.DEADLINE: N_("Sign-up for this event has closed."),
    Refusal.CANCELLED: N_("This event was cancelled."),
    Refusal.AGE: N_("This event is for members of other ages."),
    Refusal.DISTRICT: N_("This event is for members in other districts."),
    Refusal.INDUSTRY: N_("This event is for members working in other industries."),
}
SIGN_UP = {
    "registered": N_("You are signed up. See you there!"),
    "waitlisted": N_(
        "The event is full: you are on the waitlist and will be told if a place frees up."
    ),
    "already": N_("You are already signed up."),
    "still_waiting": N_("You are already on the waitlist."),
}
# Sign-up closed or the event cancelled while the page was open (the page then says which).
SIGN_UP_REFUSED = N_("You cannot sign up for this event.")
