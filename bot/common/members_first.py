"""Background work gives way to members: it takes its next step only once no member's update is
being handled (or after a bounded wait, so that it still finishes under steady traffic).

A pause between a background job's batches does not keep it out of a member's way: an update
that arrives during the job's next step queues behind that step for the event loop, for
SQLite's one connection and, on PostgreSQL, for the machine's cores. Waiting until the updates
in progress are done means a member's update waits at most for the one step already running.

The update processor marks each update it handles (``handling_update``); background jobs call
``members_first`` before each step. The count is per process, whichever bot it belongs to.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

_in_flight = 0
_waiting: set[asyncio.Future[None]] = set()


@contextlib.contextmanager
def handling_update() -> Iterator[None]:
    """Around the handling of a member's update."""
    global _in_flight
    _in_flight += 1
    try:
        yield
    finally:
        _in_flight -= 1
        if not _in_flight:
            for waiter in _waiting:
                if not waiter.done():
                    waiter.set_result(None)
            _waiting.clear()


async def members_first(at_most: float) -> None:
    """Return once no member's update is being handled, or after ``at_most`` seconds; at the
    least, let whatever else is ready run first (so a job's steps never run as one)."""
    if not _in_flight:
        await asyncio.sleep(0)
        return
    waiter = asyncio.get_running_loop().create_future()
    _waiting.add(waiter)
    try:
        await asyncio.wait_for(waiter, at_most)
    except TimeoutError:
        pass
    finally:
        _waiting.discard(waiter)
