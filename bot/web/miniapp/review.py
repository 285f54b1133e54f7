"""The desk's review of doubtful verifications: what the member entered beside the roster
entry, what differs, and approve or reject (with a reason, or the organiser's own words) —
decided by ``Onboarding.review`` as the chat's buttons are, the right to decide checked there.
What each choice does is said before it is pressed, and what it did after.

Members' photos waiting for review (unions that review photos) are shown beneath, fetched from
Telegram for organisers of the member's union only, each look and decision audited by
``PhotoReviews``, approved or not as the chat's /review buttons do."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from telegram import Bot

from bot.common.i18n import N_
from bot.common.wording.events import local_time
from bot.common.wording.verification import reason_texts
from bot.domain import free_text
from bot.domain.verification import REJECTION_REASONS, Reason
from bot.services.administration import Decision
from bot.services.onboarding import ReviewStatus
from bot.web.miniapp.member import PhotoFiles, image_type
from bot.web.miniapp.pages import Pages, Refused, Viewer

# How many waiting requests one screen shows (oldest first; decided ones make room).
SHOWN = 50
NOTE = free_text.REVIEW_NOTE
# What a decision did, as the organiser is told (the chat's words).
OUTCOMES = {
    ReviewStatus.APPROVED: N_("✅ Approved. The member has been told."),
    ReviewStatus.REJECTED: N_("❌ Rejected. The member has been told."),
    ReviewStatus.NUMBER_TAKEN: N_("This member number was linked to another account meanwhile."),
    ReviewStatus.ALREADY_REVIEWED: N_("Someone has already decided on this request."),
}
# Which reasons concern which line of the comparison.
FIELDS_REASONS = {
    "real_name": {Reason.NAME_DIFFERS, Reason.NAME_CLOSE, Reason.NO_MATCH},
    "member_number": {Reason.NUMBER_UNKNOWN, Reason.NUMBER_TAKEN, Reason.NO_MATCH},
    "employer": {Reason.EMPLOYER_DIFFERS, Reason.EMPLOYER_CLOSE},
    "phone": {Reason.PHONE_DIFFERS},
}


# What a photo decision did (the chat's words).
PHOTO_OUTCOMES = {
    Decision.UNCHANGED: N_("Someone has already decided on this request."),
    Decision.UNKNOWN: N_("This photo is no longer waiting."),
}


class ReviewDesk:
    def __init__(self, pages: Pages, bot: Bot | None = None) -> None:
        self._pages = pages
        self._photos = PhotoFiles(bot)

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/review", guarded(self.queue)),
            Route("/console/review/{attempt:int}", guarded(self.decide), methods=["POST"]),
            Route("/console/review/photos/{review:int}", guarded(self.photo)),
            Route(
                "/console/review/photos/{review:int}",
                guarded(self.decide_photo),
                methods=["POST"],
            ),
        ]

    async def photo(self, request: Request) -> Response:
        """A photo waiting for review, from Telegram (the service checks scope, audits)."""
        viewer = await self._pages.viewer(request)
        review_id = request.path_params["review"]
        file_id = await self._pages.services.photo_reviews.photo(viewer.user.id, review_id)
        content = await self._photos.get(file_id) if file_id else None
        if content is None:
            raise Refused(404)
        return Response(
            content, media_type=image_type(content), headers={"Cache-Control": "private"}
        )

    async def decide_photo(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        review_id = request.path_params["review"]
        form = await request.form(max_files=0, max_fields=2)
        decision = str(form.get("decision", ""))
        if decision not in ("approve", "reject"):
            raise Refused(403)  # the page sends one or the other; nothing else is answered
        approve = decision == "approve"
        done = await self._pages.services.photo_reviews.decide(viewer.user.id, review_id, approve)
        if done == Decision.NOT_ALLOWED:
            raise Refused(403)
        if done == Decision.DONE:
            text = (
                _("✅ Approved: others see it now.")
                if approve
                else _("❌ Not approved: others will not see it.")
            )
        else:
            text = _(PHOTO_OUTCOMES[done])
        return self._pages.render(viewer, "console/review_photo.html", review=review_id, text=text)

    async def queue(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services = pages.services
        cases = await services.administration.pending_verifications(viewer.user.id, SHOWN)
        if cases is None:
            raise Refused(403)
        photos = await services.photo_reviews.pending(viewer.user.id) or []
        _ = viewer.gettext
        texts = reason_texts(_)
        shown = []
        for case in cases:
            attempt, entry = case.attempt, case.entry
            reasons = {Reason(r) for r in attempt.reasons if r in texts}
            rows = [
                (
                    _(label),
                    getattr(attempt, field) or "—",
                    (getattr(entry, field) if entry else None) or "—",
                    bool(reasons & FIELDS_REASONS[field]),
                )
                for field, label in (
                    ("real_name", N_("Name")),
                    ("member_number", N_("Member number")),
                    ("employer", N_("Employer")),
                    ("phone", N_("Phone")),
                )
            ]
            shown.append(
                (
                    attempt,
                    entry,
                    rows,
                    [text for reason, text in texts.items() if reason in reasons],
                    local_time(attempt.created_at, services.settings),
                )
            )
        return pages.render(
            viewer,
            "console/review.html",
            cases=shown,
            photos=photos,
            reasons=[(key, _(label)) for key, (label, _text) in REJECTION_REASONS.items()],
            told={key: _(text) for key, (_label, text) in REJECTION_REASONS.items()},
            note=NOTE.maximum,
        )

    async def decide(self, request: Request) -> HTMLResponse:
        """Approve, or reject with a reason or a note; the answer replaces the request."""
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        attempt_id = request.path_params["attempt"]
        form = await request.form(max_files=0, max_fields=4)
        decision, reason = str(form.get("decision", "")), str(form.get("reason", ""))
        if decision not in ("approve", "reject") or (
            decision == "reject" and reason not in (*REJECTION_REASONS, "other")
        ):
            await self._organiser(viewer)
            return self._answer(viewer, attempt_id, _("Please choose approve or a reason."))
        note = None
        if decision == "reject" and reason == "other":
            checked = free_text.check(str(form.get("note", "")), NOTE)
            if isinstance(checked, free_text.Invalid):
                await self._organiser(viewer)
                return self._answer(viewer, attempt_id, _(checked.reason, **checked.values))
            note = checked
        result = await pages.services.onboarding.review(
            attempt_id,
            viewer.user.id,
            decision == "approve",
            reason if reason in REJECTION_REASONS else None,
            note,
        )
        if result.status == ReviewStatus.NOT_ALLOWED:
            raise Refused(403)
        return self._answer(viewer, attempt_id, _(OUTCOMES[result.status]), done=True)

    async def _organiser(self, viewer: Viewer) -> None:
        """Refused unless an organiser: only they are answered about what they typed."""
        if not await self._pages.services.administration.can_administer(viewer.user.id):
            raise Refused(403)

    def _answer(
        self, viewer: Viewer, attempt_id: int, text: str, done: bool = False
    ) -> HTMLResponse:
        """A decision replaces the request; a problem with the form shows above it instead."""
        page = self._pages.render(
            viewer, "console/review_answer.html", attempt=attempt_id, text=text, done=done
        )
        if not done:
            page.headers["HX-Retarget"] = f"#attempt-{attempt_id} .problem"
            page.headers["HX-Reswap"] = "innerHTML"
        return page
