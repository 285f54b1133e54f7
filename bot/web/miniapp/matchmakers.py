"""The matchmakers' desk: the engine's shortlist (/propose) as full cards side by side with the
engine's reasons, each pair proposed with a note or skipped; and the inbox (/inbox) of members'
questions for matchmakers and counsellors, answered and closed through the inbox service.
Rights come from the services on every request: a matchmaker's scope, the inbox's answerers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.events import local_time
from bot.common.wording.inbox import ANSWERED, NOT_SENT
from bot.common.wording.profile_card import reason_phrases, render_card
from bot.domain import free_text
from bot.services.inbox import Outcome
from bot.web.miniapp.pages import Pages, Refused, Viewer

MAX_NOTE = free_text.PROPOSAL_NOTE.maximum
SHORTLIST = 6


class MatchmakersDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        return [
            Route("/console/proposals", guarded(self.shortlist)),
            Route("/console/proposals/propose", guarded(self.propose), methods=["POST"]),
            Route("/console/proposals/skip", guarded(self.skip), methods=["POST"]),
            Route("/console/inbox", guarded(self.inbox)),
            Route("/console/inbox/{thread:int}/answer", guarded(self.answer), methods=["POST"]),
            Route("/console/inbox/{thread:int}/close", guarded(self.close), methods=["POST"]),
        ]

    # The shortlist

    async def shortlist(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._shortlist(viewer)

    async def propose(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        a, b, form = await self._pair(request)
        note = free_text.clean(str(form.get("note", "")))
        if not note or len(note) > MAX_NOTE:
            return await self._shortlist(
                viewer, _("Please keep the note between 1 and {limit} characters.", limit=MAX_NOTE)
            )
        proposal = await self._pages.services.proposals.propose(viewer.user.id, a, b, note)
        if proposal is None:
            return await self._shortlist(viewer, _("This pair can no longer be proposed."))
        return await self._shortlist(
            viewer, _("Sent to both. I will tell you how they answer."), done=True
        )

    async def skip(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        a, b, _form = await self._pair(request)
        if not await self._pages.services.proposals.skip(viewer.user.id, a, b):
            raise Refused(403)
        return await self._shortlist(
            viewer, viewer.gettext("Skipped: this pair will not be offered again."), done=True
        )

    async def _pair(self, request: Request) -> tuple[int, int, dict[str, str]]:
        form = await request.form(max_files=0, max_fields=4)
        values = {key: str(value) for key, value in form.items()}
        a, b = (free_text.parse_id(values.get(key, "")) for key in ("a", "b"))
        if a is None or b is None:
            raise Refused(403)
        return a, b, values

    async def _shortlist(
        self, viewer: Viewer, message: str | None = None, done: bool = False
    ) -> HTMLResponse:
        services = self._pages.services
        pairs = await services.proposals.shortlist(viewer.user.id, size=SHORTLIST)
        if pairs is None:
            raise Refused(403)
        _ = viewer.gettext
        year = services.clock.now().astimezone(services.settings.tz).year
        questionnaire = services.onboarding.questionnaire
        questions = {q.key: q for q in questionnaire}

        def card(answers: dict[str, object]) -> str:
            return render_card(answers, questionnaire, _, year)

        return self._pages.render(
            viewer,
            "console/proposals.html",
            pairs=[
                (
                    pair.a,
                    pair.b,
                    card(pair.a_answers),
                    card(pair.b_answers),
                    reason_phrases(pair.reasons, questions, _, of_pair=True),
                )
                for pair in pairs
            ],
            message=message,
            done=done,
            limit=MAX_NOTE,
        )

    # The inbox

    async def inbox(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._inbox(viewer)

    async def answer(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        form = await request.form(max_files=0, max_fields=2)
        thread_id = request.path_params["thread"]
        typed = str(form.get("text", ""))
        text = free_text.check(typed, free_text.FEEDBACK)
        if isinstance(text, free_text.Invalid):  # empty, or too long: said, and kept
            said = (
                _(text.reason, **text.values)
                if typed.strip()
                else _("Please write an answer first.")
            )
            return await self._inbox(viewer, said, kept={thread_id: typed})
        outcome = await self._pages.services.inbox.answer(viewer.user.id, thread_id, text)
        if outcome == Outcome.TAKEN:  # kept in its box, to copy if it is still wanted
            return await self._said(viewer, outcome, _(NOT_SENT), {thread_id: typed})
        return await self._said(viewer, outcome, _(ANSWERED[outcome]))

    async def close(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        _ = viewer.gettext
        outcome = await self._pages.services.inbox.close_as_staff(
            viewer.user.id, request.path_params["thread"]
        )
        text = _("Closed.") if outcome == Outcome.DONE else _(ANSWERED[outcome])
        return await self._said(viewer, outcome, text)

    async def _said(
        self, viewer: Viewer, outcome: Outcome, text: str, kept: dict[int, str] | None = None
    ) -> HTMLResponse:
        """The inbox with what became of an answer or a close: a thread that is not the
        person's to answer (another union's, or one a colleague is answering) is refused
        with 403, the page still saying why, listing their own threads and keeping what
        they typed (``kept``)."""
        page = await self._inbox(viewer, text, done=outcome == Outcome.DONE, kept=kept)
        if outcome in (Outcome.NOT_ALLOWED, Outcome.TAKEN):
            page.status_code = 403
        return page

    async def _inbox(
        self,
        viewer: Viewer,
        message: str | None = None,
        done: bool = False,
        kept: dict[int, str] | None = None,
    ) -> HTMLResponse:
        services = self._pages.services
        threads = await services.inbox.open_threads(viewer.user.id, limit=20)
        if threads is None:
            raise Refused(403)
        return self._pages.render(
            viewer,
            "console/inbox.html",
            threads=[
                (thread, local_time(thread.created_at, services.settings)) for thread in threads
            ],
            me=viewer.user.id,
            message=message,
            done=done,
            kept=kept or {},
        )
