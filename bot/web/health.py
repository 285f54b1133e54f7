"""``/healthz``: the process lives and its event loop answers. ``/readyz``: this process serves
the bot (leader, database reachable, migrations current, scheduler and senders running); 503
otherwise, with the reason, and ``{"role": "standby"}`` on a standby."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route


@dataclass(frozen=True)
class Verdict:
    ready: bool
    # Said as the JSON body: at least "role", and "reasons" when not ready.
    body: dict[str, object] = field(default_factory=dict)


class ReadinessCheck(Protocol):
    async def check(self) -> Verdict: ...


def routes(readiness: ReadinessCheck) -> list[BaseRoute]:
    async def healthz(_request: Request) -> JSONResponse:
        # Answering at all is the proof: the event loop ran this.
        return JSONResponse({"status": "alive"})

    async def readyz(_request: Request) -> JSONResponse:
        verdict = await readiness.check()
        return JSONResponse(verdict.body, status_code=200 if verdict.ready else 503)

    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
    ]
