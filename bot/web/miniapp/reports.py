"""The desk's reports: the reported members of the organiser's unions, and each one's file —
their card, every report with the reporter's own words, blocks and earlier decisions — with
their identity by the roster on request (``Administration.identity``: organisers only, every
look audited) and the chat's decisions (``Administration.moderate``: dismiss, warn, suspend,
lift), each said before it is confirmed and, after, what it did and who was told."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.events import local_time
from bot.common.wording.moderation import (
    FLAG_ACTIONS,
    FLAG_EFFECTS,
    FLAGGED_IN,
    MODERATION_ACTIONS,
    MODERATION_EFFECTS,
    REPORT_REASONS,
    REPORT_STATUSES,
    flagged_text,
    identity_text,
    moderation_text,
)
from bot.common.wording.profile_card import render_card
from bot.services.administration import Decision, Identity
from bot.web.miniapp.pages import Pages, Refused, Viewer

# How many reported members the list shows.
SHOWN = 100


class ReportsDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        guarded = self._pages.guarded
        base = "/console/reports"
        return [
            Route(base, guarded(self.listing)),
            Route(base + "/{member:int}", guarded(self.detail)),
            Route(base + "/{member:int}/identity", guarded(self.identity), methods=["POST"]),
            Route(base + "/{member:int}/moderate", guarded(self.moderate), methods=["POST"]),
        ]

    async def listing(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        services = pages.services
        cases = await services.report_files.queue(viewer.user.id, SHOWN)
        power = await services.administration.judging(viewer.user.id)
        if cases is None or power is None:
            raise Refused(403)
        # As in the chat: questions to the union are never screened, so hits from them (kept
        # from before) are left out.
        flagged = await services.screening.flagged(power.scope, power.recused)
        screened = [h for h in flagged if h.source in FLAGGED_IN]
        _ = viewer.gettext
        return pages.render(
            viewer,
            "console/reports.html",
            flagged=[
                (
                    hit.member_id,
                    flagged_text(hit, _, services.settings),
                    [
                        (
                            action,
                            _(FLAG_ACTIONS.get(action, MODERATION_ACTIONS[action])),
                            _(FLAG_EFFECTS[action], nickname=hit.nickname),
                        )
                        for action in ("dismiss", "warn", "suspend")
                    ],
                )
                for hit in screened
            ],
            cases=[
                (
                    case.member_id,
                    case.nickname,
                    case.suspended,
                    _(", ").join(
                        f"{self._reason(r, viewer)} × {n}" for r, n in case.reasons.most_common()
                    ),
                )
                for case in cases
            ],
        )

    async def detail(self, request: Request) -> HTMLResponse:
        viewer = await self._pages.viewer(request)
        return await self._file(viewer, request.path_params["member"])

    async def identity(self, request: Request) -> HTMLResponse:
        """Who the member is by the roster; the service refuses all but their organisers and
        records every look."""
        pages = self._pages
        viewer = await pages.viewer(request)
        found = await pages.services.administration.identity(
            viewer.user.id, request.path_params["member"]
        )
        if not isinstance(found, Identity):
            raise Refused(404 if found == Decision.UNKNOWN else 403)
        return pages.render(
            viewer,
            "console/reports_identity.html",
            found=found,
            text=identity_text(found, viewer.gettext),
        )

    async def moderate(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        member_id = request.path_params["member"]
        form = await request.form(max_files=0, max_fields=2)
        action = str(form.get("action", ""))
        if action not in MODERATION_ACTIONS:
            raise Refused(403)
        result = await pages.services.administration.moderate(viewer.user.id, member_id, action)
        if result.decision in (Decision.NOT_ALLOWED, Decision.UNKNOWN):
            raise Refused(403)
        unchanged = result.decision == Decision.UNCHANGED
        said = moderation_text(action, result, unchanged, viewer.gettext)
        if await pages.services.report_files.file(viewer.user.id, member_id) is None:
            # Flagged by the scam screen, never reported: no file to show, only what was done.
            return pages.render(viewer, "console/reports_said.html", said=said)
        return await self._file(viewer, member_id, said)

    async def _file(self, viewer: Viewer, member_id: int, said: str = "") -> HTMLResponse:
        """The member's file, with what was just done (``said``) at the top."""
        pages = self._pages
        services = pages.services
        found = await services.report_files.file(viewer.user.id, member_id)
        if found is None:
            if not await services.administration.can_administer(viewer.user.id):
                raise Refused(403)
            raise Refused(404)
        _ = viewer.gettext
        year = services.clock.now().astimezone(services.settings.tz).year
        if found.suspended:
            actions = ["lift"]
        else:
            actions = (["dismiss", "warn"] if found.pending else []) + ["suspend"]
        return pages.render(
            viewer,
            "console/reports_detail.html",
            file=found,
            said=said,
            card=render_card(found.answers, services.onboarding.questionnaire, _, year),
            reports=[
                (
                    local_time(r.created_at, services.settings),
                    self._reason(r.reason, viewer),
                    r.reporter,
                    r.words,
                    _(REPORT_STATUSES.get(r.status, r.status)),
                    r.status == "pending",
                )
                for r in found.reports
            ],
            decisions=[
                (local_time(d.created_at, services.settings), _(MODERATION_ACTIONS[d.action]))
                for d in found.decisions
            ],
            actions=[
                (
                    action,
                    _(MODERATION_ACTIONS[action]),
                    _(MODERATION_EFFECTS[action], nickname=found.nickname),
                )
                for action in actions
            ],
        )

    @staticmethod
    def _reason(reason: str, viewer: Viewer) -> str:
        return viewer.gettext(REPORT_REASONS[reason]) if reason in REPORT_REASONS else reason
