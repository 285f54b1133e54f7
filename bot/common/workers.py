"""Heavy computing (smart groups, charts) in a worker process, never on the event loop.

A thread would keep the loop free but not the interpreter: pure-Python work in a thread holds
the GIL, and every member's update then waits its turn for it (a /match took 300 ms instead
of 10 while a chart was drawn). A separate process shares nothing with the bot. It is started
on first use with ``spawn`` (forking a process with a running event loop and threads is
unsafe), kept for the next job, and started again if it died.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_starting = threading.Lock()


async def in_worker(work: Callable[..., T], *args: object) -> T:
    """``work(*args)`` in the worker process (``work`` and its arguments must pickle: a
    module-level function and plain values)."""
    try:
        return await _run(work, args)
    except BrokenProcessPool:  # the worker died (killed, out of memory): once more, anew
        global _pool
        _pool = None
        return await _run(work, args)


async def _run(work: Callable[..., T], args: tuple[object, ...]) -> T:
    # Starting the process takes a moment: not on the event loop either.
    pool = _pool or await asyncio.to_thread(_started)
    return await asyncio.get_running_loop().run_in_executor(pool, work, *args)


def _started() -> ProcessPoolExecutor:
    global _pool
    with _starting:  # two first jobs at once start one process
        if _pool is None:
            pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
            pool.submit(int).result()  # the worker is up
            _pool = pool
        return _pool
