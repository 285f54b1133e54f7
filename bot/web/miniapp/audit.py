"""The desk's audit log: what organisers did, newest first, a page at a time, filtered by action
and by date. Superadmins read all of it, an organiser their unions' (``AuditTrail.page``)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from bot.common.wording.audit import ACTIONS, action_label, detail_line
from bot.common.wording.events import local_time
from bot.domain import free_text
from bot.web.miniapp.pages import Pages, Refused


class AuditDesk:
    def __init__(self, pages: Pages) -> None:
        self._pages = pages

    def routes(self) -> list[Route]:
        return [Route("/console/audit", self._pages.guarded(self.log))]

    async def log(self, request: Request) -> HTMLResponse:
        pages = self._pages
        viewer = await pages.viewer(request)
        _ = viewer.gettext
        asked = request.query_params
        action = asked.get("action") or None
        since, until = _day(asked.get("from")), _day(asked.get("to"))
        bad_dates = (asked.get("from") and since is None) or (asked.get("to") and until is None)
        before = free_text.parse_id(asked.get("before", ""))
        found = await pages.services.audit_trail.page(
            viewer.user.id, before=before, action=action, since=since, until=until
        )
        if found is None:
            raise Refused(403)
        filters = {"action": action or "", "from": asked.get("from", ""), "to": asked.get("to", "")}
        older = (
            "/app/console/audit?" + urlencode({**filters, "before": found.older})
            if found.older
            else None
        )
        settings = pages.services.settings
        return pages.render(
            viewer,
            "console/audit.html",
            lines=[
                (
                    local_time(line.created_at, settings),
                    line.actor
                    or (_("Telegram id {value}", value=line.actor_id) if line.actor_id else "—"),
                    action_label(line.action, _),
                    line.unit,
                    detail_line(line.detail, _, settings.tz),
                )
                for line in found.lines
            ],
            actions=[(key, _(label)) for key, label in ACTIONS.items()],
            filters=filters,
            bad_dates=bad_dates,
            paged=before is not None,
            older=older,
        )


def _day(typed: str | None) -> date | None:
    """A date as the browser's date field sends it (2026-12-06); None for anything else."""
    try:
        return date.fromisoformat(typed) if typed and len(typed) == 10 else None
    except ValueError:
        return None
